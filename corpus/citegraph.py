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
    """The references a case makes: [{kind, key, text, section, cited}] in stored order."""
    cur = db.execute(
        "SELECT kind, key, text, section, cited FROM citations"
        f" WHERE citing = ? AND {IS_REFERENCE} ORDER BY rowid",
        (page_id,),
    )
    return [dict(zip(("kind", "key", "text", "section", "cited"), r, strict=True)) for r in cur]


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
