"""The citation graph in the corpus database: who cites whom, kept current as records change.

Two tables beside the store's own (SQL stays inside corpus/):
- `case_keys` (kind, key, page_id, rank): the keys under which a stored decision may be cited
  (its title, ECLI, CJEU numbers, distinctive national numbers; corpus/citations.keys).
- `citations` (citing, kind, key, text, section, cited): the references each decision makes
  (corpus/citations.extract), with the page id they resolve to or NULL.

`update` runs inside the store's transaction whenever a case is written: the citing page's rows
are rebuilt, then rows of other pages that point at it, or wait for one of its keys, are
resolved again. `remove` undoes a page. Pages whose citations change get a new change-feed
sequence number so the search index follows (their cited-by count or cited set changed).
National tokens that match no key are kept as waiting candidates: a later decision with that
number resolves them; until then they are not references (`is_reference`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from gdprkb.corpus import citations
from gdprkb.corpus.citations import Reference
from gdprkb.corpus.record import CaseRecord

SCHEMA = """
CREATE TABLE IF NOT EXISTS case_keys (
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    page_id INTEGER NOT NULL,
    rank    INTEGER NOT NULL,
    scope   TEXT,
    PRIMARY KEY (kind, key, page_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_keys_page ON case_keys (page_id);
CREATE TABLE IF NOT EXISTS citations (
    citing  INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    text    TEXT NOT NULL,
    section TEXT NOT NULL,
    cited   INTEGER
);
CREATE INDEX IF NOT EXISTS citations_citing ON citations (citing);
CREATE INDEX IF NOT EXISTS citations_cited ON citations (cited) WHERE cited IS NOT NULL;
CREATE INDEX IF NOT EXISTS citations_key ON citations (kind, key);
"""
_VERSION_KEY = "citation_rules"
# A reference row is shown (cites, cited_by, export) unless it is an unmatched national token.
IS_REFERENCE = "(kind != 'national' OR cited IS NOT NULL)"


def _rank(case: CaseRecord, kind: str) -> int:
    """Lower wins when two pages share a key: a CJEU judgment before an AG opinion."""
    if kind == "cjeu":
        return 0 if citations.is_judgment_page(case) else 1
    return 0


def _scope(case: CaseRecord, kind: str, key: str) -> str | None:
    """Where a key is valid: a bare numeric national number ("24/2020") is reused by the
    authorities of every country, so it only stands for a decision of the citing page's own
    jurisdiction; other keys are valid everywhere (None)."""
    if kind == "national" and not any(c.isalpha() for c in key):
        return case.jurisdiction or ""
    return None


def _resolve(
    db: sqlite3.Connection, kind: str, key: str, citing: int, jurisdiction: str | None
) -> int | None:
    """The page a reference points at: the best-ranked page holding its key (in scope), not the
    citing page itself; None when none, or when two equally ranked pages hold it (ambiguous)."""
    rows = db.execute(
        "SELECT page_id, rank FROM case_keys WHERE kind = ? AND key = ? AND page_id != ?"
        " AND (scope IS NULL OR scope = ?) ORDER BY rank, page_id LIMIT 2",
        (kind, key, citing, jurisdiction or ""),
    ).fetchall()
    if not rows or (len(rows) == 2 and rows[0][1] == rows[1][1] and kind != "cjeu"):
        return None
    return int(rows[0][0])


def _bump(db: sqlite3.Connection, page_ids: Iterable[int]) -> None:
    """Give these cases a new sequence number: the index takes them up again."""
    for pid in sorted(set(page_ids)):
        db.execute("UPDATE state SET value = value + 1 WHERE key = 'seq'")
        db.execute(
            "UPDATE cases SET seq = (SELECT value FROM state WHERE key = 'seq') WHERE page_id = ?",
            (pid,),
        )


def _cited_set(db: sqlite3.Connection, citing: int) -> set[int]:
    return {
        int(r[0])
        for r in db.execute(
            "SELECT DISTINCT cited FROM citations WHERE citing = ? AND cited IS NOT NULL",
            (citing,),
        )
    }


def _reresolve(db: sqlite3.Connection, where: str, params: Sequence[Any]) -> set[int]:
    """Resolve the matching rows again; return the citing and cited pages whose links changed."""
    touched: set[int] = set()
    rows = db.execute(
        "SELECT c.rowid, c.citing, c.kind, c.key, c.cited, k.jurisdiction FROM citations c"
        f" LEFT JOIN cases k ON k.page_id = c.citing WHERE {where}",
        params,
    )
    for rowid, citing, kind, key, cited, jurisdiction in rows.fetchall():
        new = _resolve(db, kind, key, citing, jurisdiction)
        if new != cited:
            db.execute("UPDATE citations SET cited = ? WHERE rowid = ?", (new, rowid))
            touched.update(p for p in (citing, cited, new) if p is not None)
    return touched


def update(
    db: sqlite3.Connection, case: CaseRecord, raw: bytes | None, refs: list[Reference] | None
) -> None:
    """Rebuild the keys and references of a case just written (inside the caller's transaction).

    `refs` are `citations.extract(case, raw)` when the caller already has them (ingest's
    workers do); otherwise they are extracted here.
    """
    pid = case.page_id
    where = case.jurisdiction
    if refs is None:
        refs = citations.extract(case, raw)
    old_keys = {
        (k, v) for k, v in db.execute("SELECT kind, key FROM case_keys WHERE page_id = ?", (pid,))
    }
    new_keys = set(citations.keys(case))
    touched: set[int] = set()
    if old_keys != new_keys:
        db.execute("DELETE FROM case_keys WHERE page_id = ?", (pid,))
        db.executemany(
            "INSERT OR IGNORE INTO case_keys (kind, key, page_id, rank, scope)"
            " VALUES (?, ?, ?, ?, ?)",
            [(k, v, pid, _rank(case, k), _scope(case, k, v)) for k, v in new_keys],
        )
    before = _cited_set(db, pid)
    db.execute("DELETE FROM citations WHERE citing = ?", (pid,))
    db.executemany(
        "INSERT INTO citations (citing, kind, key, text, section, cited) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (pid, r.kind, r.key, r.text, r.section, _resolve(db, r.kind, r.key, pid, where))
            for r in refs
        ],
    )
    touched |= before ^ _cited_set(db, pid)  # their cited-by changed
    if old_keys != new_keys:
        # Rows pointing here, or carrying one of the old or new keys, may resolve differently.
        for kind, key in old_keys | new_keys:
            touched |= _reresolve(db, "c.kind = ? AND c.key = ?", (kind, key))
        touched |= _reresolve(db, "c.cited = ?", (pid,))
    touched.discard(pid)
    _bump(db, touched)


def remove(db: sqlite3.Connection, page_id: int) -> None:
    """Forget a case's keys and references; references to it fall back to waiting (NULL)."""
    touched = _cited_set(db, page_id)
    keys = db.execute("SELECT kind, key FROM case_keys WHERE page_id = ?", (page_id,)).fetchall()
    db.execute("DELETE FROM case_keys WHERE page_id = ?", (page_id,))
    db.execute("DELETE FROM citations WHERE citing = ?", (page_id,))
    touched |= _reresolve(db, "c.cited = ?", (page_id,))
    for kind, key in keys:
        touched |= _reresolve(db, "c.kind = ? AND c.key = ?", (kind, key))
    touched.discard(page_id)
    _bump(db, touched)


def current(db: sqlite3.Connection) -> bool:
    """Whether the stored citations were built by the current rules (cheap read)."""
    row = db.execute("SELECT value FROM state WHERE key = ?", (_VERSION_KEY,)).fetchone()
    return row is not None and int(row[0]) == citations.RULES_VERSION


def rebuild(db: sqlite3.Connection, cases: Iterable[tuple[CaseRecord, bytes | None]]) -> None:
    """Rebuild both tables from every stored case (inside the caller's transaction): on a new
    store, an older store without them, or after the rules changed."""
    for statement in SCHEMA.split(";"):  # not executescript: it would commit the transaction
        if statement.strip():
            db.execute(statement)
    db.execute("DELETE FROM case_keys")
    db.execute("DELETE FROM citations")
    stored = list(cases)
    db.executemany(
        "INSERT OR IGNORE INTO case_keys (kind, key, page_id, rank, scope) VALUES (?, ?, ?, ?, ?)",
        [
            (k, v, c.page_id, _rank(c, k), _scope(c, k, v))
            for c, _ in stored
            for k, v in citations.keys(c)
        ],
    )
    for case, raw in stored:
        pid, juris = case.page_id, case.jurisdiction
        db.executemany(
            "INSERT INTO citations (citing, kind, key, text, section, cited)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (pid, r.kind, r.key, r.text, r.section, _resolve(db, r.kind, r.key, pid, juris))
                for r in citations.extract(case, raw)
            ],
        )
    db.execute(
        "INSERT OR REPLACE INTO state (key, value) VALUES (?, ?)",
        (_VERSION_KEY, citations.RULES_VERSION),
    )


# -- reads ---------------------------------------------------------------------------------


def cites(db: sqlite3.Connection, page_id: int) -> list[dict[str, Any]]:
    """The references a case makes, in page order: [{kind, key, text, section, cited,
    cited_title}] (cited and its title None when the decision is not in the corpus)."""
    cur = db.execute(
        "SELECT c.kind, c.key, c.text, c.section, c.cited, p.title FROM citations c"
        " LEFT JOIN pages p ON p.page_id = c.cited"
        f" WHERE c.citing = ? AND {IS_REFERENCE} ORDER BY c.rowid",
        (page_id,),
    )
    names = ("kind", "key", "text", "section", "cited", "cited_title")
    return [dict(zip(names, r, strict=True)) for r in cur]


def most_cited(
    db: sqlite3.Connection, citing: Iterable[int], limit: int = 20
) -> list[dict[str, Any]]:
    """What the given cases cite most: [{cited, title, key, kind, count}] by distinct citing
    cases, most first. Decisions in the corpus count by page (every way of citing them);
    CJEU judgments and ECLIs the corpus lacks count by their key (cited and title None)."""
    wanted = {int(p) for p in citing}
    counts: dict[tuple[int | None, str | None], set[int]] = {}
    kinds: dict[tuple[int | None, str | None], str] = {}
    cur = db.execute(
        "SELECT citing, cited, kind, key FROM citations"
        " WHERE cited IS NOT NULL OR kind IN ('cjeu', 'ecli')"
    )
    for who, cited, kind, key in cur:
        if who not in wanted:
            continue
        group = (int(cited), None) if cited is not None else (None, key)
        counts.setdefault(group, set()).add(int(who))
        kinds.setdefault(group, kind)
    top = sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0][1] or "", kv[0][0] or 0))
    top = top[:limit]
    ids = [g[0] for g, _ in top if g[0] is not None]
    titles = (
        dict(
            db.execute(
                f"SELECT page_id, title FROM pages WHERE page_id IN ({', '.join('?' * len(ids))})",
                ids,
            )
        )
        if ids
        else {}
    )
    return [
        {
            "cited": pid,
            "title": titles.get(pid) if pid is not None else None,
            "key": key,
            "kind": kinds[(pid, key)],
            "count": len(who),
        }
        for (pid, key), who in top
    ]


def cited_by(db: sqlite3.Connection, page_id: int) -> list[dict[str, Any]]:
    """The cases citing a page, newest first: [{page_id, title, date, sections}] (indexed)."""
    cur = db.execute(
        "SELECT c.citing, p.title, json_extract(k.record, '$.date_decided'),"
        " json_extract(k.record, '$.date_published'), group_concat(DISTINCT c.section)"
        " FROM citations c JOIN pages p ON p.page_id = c.citing"
        " JOIN cases k ON k.page_id = c.citing"
        " WHERE c.cited = ? GROUP BY c.citing",
        (page_id,),
    )
    out = [
        {
            "page_id": int(pid),
            "title": title,
            "date": decided or published,
            "sections": _in_page_order(sections),
        }
        for pid, title, decided, published, sections in cur
    ]
    out.sort(key=lambda d: (d["date"] or "", d["page_id"]), reverse=True)
    return out


def _in_page_order(joined: str | None) -> list[str]:
    found = set((joined or "").split(","))
    return [s for s in citations.SECTIONS if s in found]


def cited_by_counts(
    db: sqlite3.Connection, page_ids: Iterable[int] | None = None
) -> dict[int, int]:
    """page_id -> number of distinct cases citing it (only cited pages appear)."""
    sql = "SELECT cited, count(DISTINCT citing) FROM citations WHERE cited IS NOT NULL"
    ids = None if page_ids is None else [int(p) for p in page_ids]
    if ids is not None:
        sql += f" AND cited IN ({', '.join('?' * len(ids))})"
    cur = db.execute(sql + " GROUP BY cited", ids or [])
    return {int(p): int(n) for p, n in cur}


def edges(db: sqlite3.Connection) -> Iterable[dict[str, Any]]:
    """Every reference as a graph edge: {citing, cited, text, kind, key, section}, by citing."""
    cur = db.execute(
        "SELECT citing, cited, text, kind, key, section FROM citations"
        f" WHERE {IS_REFERENCE} ORDER BY citing, rowid"
    )
    names = ("citing", "cited", "text", "kind", "key", "section")
    for row in cur:
        yield dict(zip(names, row, strict=True))


@dataclass
class CitationFacts:
    """What the search index keeps of a case's citations: the keys it cites (its references'
    keys and the CJEU/ECLI keys of the pages they resolve to), those pages, its cited-by count."""

    keys: set[str] = field(default_factory=set)
    cited: set[int] = field(default_factory=set)
    cited_by: int = 0

    def terms(self) -> list[str]:
        """The index terms of `cites:`: every key and every cited page id, sorted."""
        return sorted(self.keys | {str(p) for p in self.cited})


def facts(
    db: sqlite3.Connection, page_ids: Iterable[int] | None = None
) -> dict[int, CitationFacts]:
    """page_id -> CitationFacts for the given cases (all cases that cite or are cited: None)."""
    ids = None if page_ids is None else sorted({int(p) for p in page_ids})
    if ids is not None and len(ids) > 500:  # beyond SQL parameter limits: read all, keep some
        wanted = set(ids)
        return {p: f for p, f in facts(db).items() if p in wanted}
    where, params = "", []
    if ids is not None:
        where, params = f" AND citing IN ({', '.join('?' * len(ids))})", list(ids)
    out: dict[int, CitationFacts] = {}
    targets: dict[int, list[str]] = {}
    rows = db.execute(
        f"SELECT citing, key, cited FROM citations WHERE {IS_REFERENCE}{where}", params
    ).fetchall()
    cited_pages = {int(c) for _, _, c in rows if c is not None}
    if cited_pages:
        marks = ", ".join("?" * len(cited_pages))
        for pid, key in db.execute(
            "SELECT page_id, key FROM case_keys WHERE kind IN ('cjeu', 'ecli')"
            f" AND page_id IN ({marks})",
            sorted(cited_pages),
        ):
            targets.setdefault(int(pid), []).append(key)
    for citing, key, cited in rows:
        f = out.setdefault(int(citing), CitationFacts())
        f.keys.add(key)
        if cited is not None:
            f.cited.add(int(cited))
            f.keys.update(targets.get(int(cited), ()))
    for pid, n in cited_by_counts(db, ids).items():
        out.setdefault(pid, CitationFacts()).cited_by = n
    return out
