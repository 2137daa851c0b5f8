"""The corpus store: every parsed page with its raw HTML, in one SQLite file.

One row per wiki page in `pages` (meta, revision, parser version, raw page zlib-compressed) and
its parsed form in exactly one of `cases`, `articles` or `others`. Case writes and removals bump
a monotonic sequence number so the index can follow the corpus incrementally
(`changes_since`); removals leave a tombstone in `deletions`. Parse failures live in `failures`
and never touch a stored record.

Writes are transactional (WAL): one transaction per `put`, or many in `with store.batch():`.
Every other module reads the corpus only through this class; no SQL outside corpus/.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from zlib_ng import zlib_ng as zlib

from gdprkb.corpus import citegraph, tables
from gdprkb.corpus.citations import Reference
from gdprkb.corpus.citegraph import CitationFacts
from gdprkb.corpus.record import (
    PARSER_VERSION,
    ArticlePage,
    CaseRecord,
    NotADecision,
    PageMeta,
    ParsedPage,
)

# zlib-ng writes the standard zlib format (stdlib zlib reads it) about twice as fast as zlib;
# level 1 still shrinks saved wiki pages ~2.5x at a fraction of level 6's cost.
RAW_COMPRESSION_LEVEL = 1


class StoreError(ValueError):
    """A store operation got unusable arguments; the message says which."""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(d: dict[str, Any]) -> str:
    # ASCII output (\u escapes) encodes twice as fast as ensure_ascii=False and costs little
    # space: most text is English. Exports decode it and write UTF-8.
    return json.dumps(d, separators=(",", ":"))


def _type_of(page: ParsedPage) -> str:
    if isinstance(page, CaseRecord):
        return "case"
    if isinstance(page, ArticlePage):
        return "article"
    if isinstance(page, NotADecision):
        return "other"
    raise StoreError(f"cannot store a {type(page).__name__}: expected a parsed page")


def _plain(value: Any) -> Any:
    """JSON-ready form of a field value without dataclasses.asdict's deep copy of every list."""
    if isinstance(value, list):
        return [_plain(v) for v in value] if value and _is_record(value[0]) else value
    if _is_record(value):
        to_dict = getattr(value, "to_dict", None)
        return to_dict() if to_dict else dataclasses.asdict(value)
    return value


def _is_record(value: Any) -> bool:
    return dataclasses.is_dataclass(value) and not isinstance(value, type)


def record_dict(page: ParsedPage) -> dict[str, Any]:
    """The JSON form of a parsed page: equal to its to_dict(), several times faster (tested)."""
    return {f.name: _plain(getattr(page, f.name)) for f in dataclasses.fields(page)}


def _record_json(page: ParsedPage) -> str:
    return _dumps(record_dict(page))


def _meta_json(meta: PageMeta) -> str:
    return _dumps({f.name: getattr(meta, f.name) for f in dataclasses.fields(meta)})


def compress_raw(raw: bytes) -> bytes:
    """The raw page as the store keeps it (zlib)."""
    return zlib.compress(raw, RAW_COMPRESSION_LEVEL)


class Store:
    """The corpus database: parsed records plus raw pages, transactional, WAL-mode SQLite."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are opened explicitly by _txn/batch. One connection may
        # be shared by threads (Streamlit); the lock keeps a transaction to one thread at a time.
        self._db = sqlite3.connect(
            self.path, isolation_level=None, check_same_thread=False, timeout=30
        )
        self._lock = threading.RLock()
        self._depth = 0
        self._db.execute("PRAGMA synchronous=NORMAL")
        # Readers (app, index) must open a store while an ingest holds the write lock: only a
        # new database takes a lock here, to switch to WAL and create the tables.
        if self._db.execute("PRAGMA user_version").fetchone()[0] != tables.SCHEMA_VERSION:
            # Records (~40 KB) and raw pages (~25 KB) span many pages: 16 KB pages write them
            # ~30% faster than the default 4 KB (measured). Only takes on a new, empty file.
            self._db.execute("PRAGMA page_size=16384")
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.executescript(
                f"BEGIN IMMEDIATE; {tables.SCHEMA} {tables.migrations(self._db)}"
                f" PRAGMA user_version={tables.SCHEMA_VERSION}; COMMIT;"
            )
        if not citegraph.current(self._db):  # a new store, or citation rules changed
            with self._txn():
                citegraph.rebuild(self._db, self._cases_with_raw())

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _txn(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    @contextmanager
    def _snapshot(self) -> Iterator[None]:
        """A read transaction: a consistent view that takes no write lock (WAL)."""
        with self._lock:
            if self._depth:
                yield
                return
            self._db.execute("BEGIN DEFERRED")
            self._depth = 1
            try:
                yield
            finally:
                self._depth = 0
                self._db.execute("COMMIT")

    @contextmanager
    def batch(self) -> Iterator[Store]:
        """Run many writes in one atomic transaction (all or nothing; much faster than one each)."""
        with self._txn():
            yield self

    def _next_seq(self) -> int:
        self._db.execute("UPDATE state SET value = value + 1 WHERE key = 'seq'")
        return int(self._db.execute("SELECT value FROM state WHERE key = 'seq'").fetchone()[0])

    @property
    def seq(self) -> int:
        """The current sequence number: bumped by every case write or removal."""
        return int(self._db.execute("SELECT value FROM state WHERE key = 'seq'").fetchone()[0])

    # -- writes ----------------------------------------------------------------------------

    def put(
        self,
        page: ParsedPage,
        raw: bytes,
        meta: PageMeta,
        *,
        recheck: bool = False,
        compressed: bytes | None = None,
        refs: list[Reference] | None = None,
    ) -> str:
        """Store one parsed page with its raw HTML; return "new", "updated" or "unchanged".

        The same page_id and revision parsed by the same PARSER_VERSION is "unchanged" without
        a write; so is a revision older than the stored one. With `recheck` (reparse) the
        record is compared even then, and only a changed record is written. `compressed` is
        `compress_raw(raw)` when the caller already made it (ingest does, in its workers);
        `refs` likewise are the case's `citations.extract(page, raw)`.
        """
        new_type = _type_of(page)
        if page.page_id != meta.page_id:
            raise StoreError(f"page_id {page.page_id} of the record != {meta.page_id} of the meta")
        if self._skips(meta, recheck, *self._stored(meta.page_id)):
            return "unchanged"  # decided without taking the write lock
        with self._txn():
            old = self._stored(meta.page_id)
            if self._skips(meta, recheck, *old):
                return "unchanged"
            same_rev = old[0] == meta.revision_id
            record = _record_json(page)
            if same_rev and old[2] == new_type and self._stored_record(meta.page_id) == record:
                if old[1] != PARSER_VERSION:
                    self._db.execute(
                        "UPDATE pages SET parser_version = ? WHERE page_id = ?",
                        (PARSER_VERSION, meta.page_id),
                    )
                return "unchanged"
            crc = zlib.crc32(raw)
            if same_rev and old[3] == crc:
                self._update_page(meta, new_type)  # reparse: same raw page, don't recompress it
            else:
                self._write_page(meta, raw, crc, new_type, compressed)
            if old[2] is not None and old[2] != new_type:
                self._remove_parsed(meta.page_id, old[2])
            if isinstance(page, CaseRecord):
                self._write_case(page, record)
                citegraph.update(self._db, page, raw, refs)
            elif isinstance(page, ArticlePage):
                self._db.execute(
                    "INSERT OR REPLACE INTO articles (page_id, article, record) VALUES (?, ?, ?)",
                    (page.page_id, page.article, record),
                )
            else:
                self._db.execute(
                    "INSERT OR REPLACE INTO others (page_id, reason, record) VALUES (?, ?, ?)",
                    (page.page_id, page.reason, record),
                )
            return "updated" if old[0] is not None else "new"

    def _stored(self, page_id: int) -> tuple[Any, Any, Any, Any]:
        """(revision_id, parser_version, type, raw_crc) of a stored page, all None if absent."""
        row = self._db.execute(
            "SELECT revision_id, parser_version, type, raw_crc FROM pages WHERE page_id = ?",
            (page_id,),
        ).fetchone()
        return (row[0], row[1], row[2], row[3]) if row else (None, None, None, None)

    @staticmethod
    def _skips(
        meta: PageMeta, recheck: bool, revision: int | None, parser: int | None, *_: Any
    ) -> bool:
        """Whether storing `meta` needs no write: a newer revision is stored (an older saved
        copy never sends the store back in time), or this one by this parser (unless recheck)."""
        if revision is None:
            return False
        if revision > meta.revision_id:
            return True
        return not recheck and revision == meta.revision_id and parser == PARSER_VERSION

    def _stored_record(self, page_id: int) -> str | None:
        for table in ("cases", "articles", "others"):
            row = self._db.execute(
                f"SELECT record FROM {table} WHERE page_id = ?", (page_id,)
            ).fetchone()
            if row:
                return str(row[0])
        return None

    def _update_page(self, meta: PageMeta, type_: str) -> None:
        self._db.execute(
            "UPDATE pages SET title = ?, parser_version = ?, type = ?, meta = ?, stored_at = ?"
            " WHERE page_id = ?",
            (meta.title, PARSER_VERSION, type_, _meta_json(meta), _now(), meta.page_id),
        )

    def _write_page(
        self, meta: PageMeta, raw: bytes, crc: int, type_: str, compressed: bytes | None
    ) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO pages (page_id, title, revision_id, parser_version, type,"
            " meta, raw, raw_crc, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                meta.page_id,
                meta.title,
                meta.revision_id,
                PARSER_VERSION,
                type_,
                _meta_json(meta),
                compressed if compressed is not None else compress_raw(raw),
                crc,
                _now(),
            ),
        )

    def _write_case(self, case: CaseRecord, record: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO cases (page_id, seq, kind, jurisdiction, authority, type,"
            " outcome, year, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                case.page_id,
                self._next_seq(),
                case.kind,
                case.jurisdiction,
                case.authority,
                case.type,
                case.outcome,
                case.year,
                record,
            ),
        )
        self._db.execute("DELETE FROM deletions WHERE page_id = ?", (case.page_id,))
        self._db.execute("DELETE FROM case_articles WHERE page_id = ?", (case.page_id,))
        self._db.executemany(
            "INSERT OR IGNORE INTO case_articles (article, page_id) VALUES (?, ?)",
            [(a, case.page_id) for a in case.gdpr_articles],
        )

    def _remove_parsed(self, page_id: int, type_: str) -> None:
        table = {"case": "cases", "article": "articles", "other": "others"}[type_]
        self._db.execute(f"DELETE FROM {table} WHERE page_id = ?", (page_id,))
        if type_ == "case":
            citegraph.remove(self._db, page_id)
            self._db.execute("DELETE FROM case_articles WHERE page_id = ?", (page_id,))
            self._db.execute(
                "INSERT OR REPLACE INTO deletions (page_id, seq, at) VALUES (?, ?, ?)",
                (page_id, self._next_seq(), _now()),
            )

    def delete(self, page_id: int) -> None:
        """Remove a page that is gone from the wiki; a removed case leaves a tombstone."""
        with self._txn():
            row = self._db.execute(
                "SELECT type FROM pages WHERE page_id = ?", (page_id,)
            ).fetchone()
            if row is None:
                return
            self._remove_parsed(page_id, row[0])
            self._db.execute("DELETE FROM pages WHERE page_id = ?", (page_id,))

    def record_failure(
        self, key: str, reason: str, *, title: str | None = None, page_id: int | None = None
    ) -> None:
        """Remember why `key` (a file or a title) could not be stored; stored records stay."""
        with self._txn():
            self._db.execute(
                "INSERT OR REPLACE INTO failures (key, title, page_id, reason, at)"
                " VALUES (?, ?, ?, ?, ?)",
                (key, title, page_id, reason, _now()),
            )

    @property
    def has_failures(self) -> bool:
        """Whether any failure is recorded."""
        return self._db.execute("SELECT 1 FROM failures LIMIT 1").fetchone() is not None

    def clear_failure(self, key: str) -> None:
        """Forget an earlier failure of `key` (it has now been stored)."""
        with self._txn():
            self._db.execute("DELETE FROM failures WHERE key = ?", (key,))

    # -- reads -----------------------------------------------------------------------------

    def failures(self) -> list[dict[str, Any]]:
        """Every remembered failure: [{key, title, page_id, reason, at}], by key."""
        cur = self._db.execute("SELECT key, title, page_id, reason, at FROM failures ORDER BY key")
        return [dict(zip(("key", "title", "page_id", "reason", "at"), r, strict=True)) for r in cur]

    def known_revisions(self) -> dict[str, tuple[int, int]]:
        """title -> (page_id, revision_id) of every stored page, whatever its kind."""
        cur = self._db.execute("SELECT title, page_id, revision_id FROM pages ORDER BY page_id")
        return {title: (pid, rev) for title, pid, rev in cur}

    def stored_revision(self, page_id: int) -> tuple[int, int] | None:
        """(revision_id, parser_version) stored for a page, or None when it is not stored."""
        row = self._db.execute(
            "SELECT revision_id, parser_version FROM pages WHERE page_id = ?", (page_id,)
        ).fetchone()
        return (int(row[0]), int(row[1])) if row else None

    def is_current(self, meta: PageMeta, raw: bytes) -> bool:
        """True when exactly this raw page of this revision is stored, parsed by this parser:
        ingesting it again would change nothing, so the parse can be skipped."""
        row = self._db.execute(
            "SELECT revision_id, parser_version, raw_crc FROM pages WHERE page_id = ?",
            (meta.page_id,),
        ).fetchone()
        return row is not None and tuple(row) == (
            meta.revision_id,
            PARSER_VERSION,
            zlib.crc32(raw),
        )

    def get_case(self, page_id: int) -> CaseRecord | None:
        """The case record of a page, or None when it is not a stored case."""
        row = self._db.execute("SELECT record FROM cases WHERE page_id = ?", (page_id,)).fetchone()
        return CaseRecord.from_dict(json.loads(row[0])) if row else None

    @staticmethod
    def _where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
        try:
            return tables.where(filters)
        except ValueError as e:
            raise StoreError(str(e)) from None

    def iter_cases(self, **filters: Any) -> Iterator[CaseRecord]:
        """Stream the stored cases by page_id, filtered by kind, jurisdiction, authority, type,
        outcome, year (each a value or a list of values: any of them), article (cites any of
        the given GDPR articles), year_from and year_to (inclusive), page_id (any of the ids),
        no_warnings (True: only cases without data-quality warnings)."""
        where, params = self._where(filters)
        cur = self._db.execute(f"SELECT record FROM cases{where} ORDER BY page_id", params)
        for (record,) in cur:
            yield CaseRecord.from_dict(json.loads(record))

    def iter_case_dicts(self, **filters: Any) -> Iterator[dict[str, Any]]:
        """Like iter_cases, but each case in its JSON form (what the JSONL export writes)."""
        where, params = self._where(filters)
        cur = self._db.execute(f"SELECT record FROM cases{where} ORDER BY page_id", params)
        for (record,) in cur:
            yield json.loads(record)

    def count_cases(self, **filters: Any) -> int:
        """How many cases are stored (taking the same filters as iter_cases)."""
        where, params = self._where(filters)
        return int(self._db.execute(f"SELECT count(*) FROM cases{where}", params).fetchone()[0])

    def counts(self, by: str, **filters: Any) -> list[tuple[Any, int]]:
        """Number of cases per value of `by` (kind, jurisdiction, authority, type, outcome,
        year), most frequent first; null values count under None."""
        if by not in tables.COUNTABLE:
            raise StoreError(f"cannot count by {by!r}; use one of: {', '.join(tables.COUNTABLE)}")
        where, params = self._where(filters)
        cur = self._db.execute(
            f"SELECT {by}, count(*) AS n FROM cases{where} GROUP BY {by} ORDER BY n DESC, {by}",
            params,
        )
        return [(value, int(n)) for value, n in cur]

    def warning_counts(self, **filters: Any) -> list[tuple[str, int]]:
        """Cases per data-quality warning code (iter_cases filters), most frequent first."""
        where, params = self._where(filters)
        sql = tables.WARNING_COUNTS.format(cases=f"SELECT record FROM cases{where}")
        return [(str(code), int(n)) for code, n in self._db.execute(sql, params)]

    def page_counts(self) -> dict[str, int]:
        """Stored pages per type ("case", "article", "other") plus "failure"."""
        out = {"case": 0, "article": 0, "other": 0}
        for type_, n in self._db.execute("SELECT type, count(*) FROM pages GROUP BY type"):
            out[type_] = int(n)
        out["failure"] = int(self._db.execute("SELECT count(*) FROM failures").fetchone()[0])
        return out

    def get_article(self, number: int) -> ArticlePage | None:
        """The GDPR article page for article `number`, or None."""
        row = self._db.execute(
            "SELECT record FROM articles WHERE article = ? ORDER BY page_id LIMIT 1", (number,)
        ).fetchone()
        return ArticlePage.from_dict(json.loads(row[0])) if row else None

    def iter_articles(self) -> Iterator[ArticlePage]:
        """Every stored GDPR article page, by article number."""
        cur = self._db.execute("SELECT record FROM articles ORDER BY article, page_id")
        for (record,) in cur:
            yield ArticlePage.from_dict(json.loads(record))

    def iter_others(self) -> Iterator[NotADecision]:
        """Every stored page that is neither a decision nor an article, by page_id."""
        cur = self._db.execute("SELECT record FROM others ORDER BY page_id")
        for (record,) in cur:
            yield NotADecision(**json.loads(record))

    def count_pages(self) -> int:
        """How many pages (of every kind) are stored."""
        return int(self._db.execute("SELECT count(*) FROM pages").fetchone()[0])

    def iter_raw(self) -> Iterator[tuple[PageMeta, bytes]]:
        """Every stored page's meta and raw HTML (decompressed), by page_id: input of reparse."""
        # Fetch ids first so a caller may write (reparse) while iterating.
        ids = [r[0] for r in self._db.execute("SELECT page_id FROM pages ORDER BY page_id")]
        for page_id in ids:
            row = self._db.execute(
                "SELECT meta, raw FROM pages WHERE page_id = ?", (page_id,)
            ).fetchone()
            if row is not None:
                yield PageMeta(**json.loads(row[0])), zlib.decompress(row[1])

    def _cases_with_raw(self) -> Iterator[tuple[CaseRecord, bytes]]:
        cur = self._db.execute(
            "SELECT c.record, p.raw FROM cases c JOIN pages p USING (page_id) ORDER BY page_id"
        )
        for record, raw in cur.fetchall():
            yield CaseRecord.from_dict(json.loads(record)), zlib.decompress(raw)

    # -- citations (corpus/citegraph.py) ---------------------------------------------------

    def cites(self, page_id: int) -> list[dict[str, Any]]:
        """The references a case makes: [{kind, key, text, section, cited (page id or None)}]."""
        return citegraph.cites(self._db, page_id)

    def cited_by(self, page_id: int) -> list[dict[str, Any]]:
        """The cases citing a page, newest first: [{page_id, title, date, sections}]."""
        return citegraph.cited_by(self._db, page_id)

    def cited_by_counts(self, page_ids: Iterable[int] | None = None) -> dict[int, int]:
        """page_id -> how many cases cite it (cited pages only; all of them without page_ids)."""
        return citegraph.cited_by_counts(self._db, page_ids)

    def most_cited(self, citing: Iterable[int], limit: int = 20) -> list[dict[str, Any]]:
        """What the given cases cite most: [{cited, title, key, kind, count}], most first."""
        with self._snapshot():
            return citegraph.most_cited(self._db, citing, limit)

    def citation_facts(self, page_ids: Iterable[int] | None = None) -> dict[int, CitationFacts]:
        """page_id -> what the search index keeps of its citations (cited keys, pages, count)."""
        with self._snapshot():
            return citegraph.facts(self._db, page_ids)

    def citation_edges(self) -> Iterator[dict[str, Any]]:
        """The citation graph: {citing, cited, text, kind, key, section} per reference."""
        yield from citegraph.edges(self._db)

    def changes_since(self, seq: int) -> tuple[list[CaseRecord], list[int], int]:
        """(cases written after `seq`, page_ids of cases removed after `seq`, current seq).

        The index's incremental feed: keep the returned seq and pass it next time. A page_id is
        never in both lists.
        """
        with self._snapshot():  # one consistent view for all three answers
            cur = self._db.execute(
                "SELECT record FROM cases WHERE seq > ? ORDER BY seq", (int(seq),)
            )
            changed = [CaseRecord.from_dict(json.loads(r)) for (r,) in cur]
            deleted = [
                int(r[0])
                for r in self._db.execute(
                    "SELECT page_id FROM deletions WHERE seq > ? ORDER BY seq", (int(seq),)
                )
            ]
            return changed, deleted, self.seq

    def integrity_check(self) -> str:
        """SQLite's own integrity check: "ok" for a sound database."""
        return str(self._db.execute("PRAGMA integrity_check").fetchone()[0])
