"""The SQLite tables of the corpus store, and the case filters as SQL over them.

`pages` holds every stored wiki page (meta, revision, parser version, raw HTML zlib-compressed
with its CRC); its parsed form is in exactly one of `cases`, `articles` or `others`.
`case_articles` indexes the GDPR articles a case cites; `deletions` are the change feed's
tombstones; `state` holds the feed's sequence number.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

SCHEMA_VERSION = 2
SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    page_id        INTEGER PRIMARY KEY,
    title          TEXT NOT NULL,
    revision_id    INTEGER NOT NULL,
    parser_version INTEGER NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('case', 'article', 'other')),
    meta           TEXT NOT NULL,
    raw            BLOB NOT NULL,
    raw_crc        INTEGER NOT NULL,
    stored_at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS pages_title ON pages (title);
CREATE TABLE IF NOT EXISTS cases (
    page_id      INTEGER PRIMARY KEY REFERENCES pages (page_id),
    seq          INTEGER NOT NULL UNIQUE,
    kind         TEXT NOT NULL,
    jurisdiction TEXT COLLATE NOCASE,
    authority    TEXT COLLATE NOCASE,
    type         TEXT COLLATE NOCASE,
    outcome      TEXT COLLATE NOCASE,
    year         INTEGER,
    record       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS cases_kind ON cases (kind);
CREATE INDEX IF NOT EXISTS cases_jurisdiction ON cases (jurisdiction);
CREATE INDEX IF NOT EXISTS cases_year ON cases (year);
CREATE TABLE IF NOT EXISTS case_articles (
    article INTEGER NOT NULL,
    page_id INTEGER NOT NULL,
    PRIMARY KEY (article, page_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS case_articles_page ON case_articles (page_id);
CREATE TABLE IF NOT EXISTS articles (
    page_id INTEGER PRIMARY KEY REFERENCES pages (page_id),
    article INTEGER NOT NULL,
    record  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_article ON articles (article);
CREATE TABLE IF NOT EXISTS others (
    page_id INTEGER PRIMARY KEY REFERENCES pages (page_id),
    reason  TEXT NOT NULL,
    record  TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS deletions (
    page_id INTEGER PRIMARY KEY,
    seq     INTEGER NOT NULL UNIQUE,
    at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failures (
    key     TEXT PRIMARY KEY,
    title   TEXT,
    page_id INTEGER,
    reason  TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state (
    key   TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT OR IGNORE INTO state (key, value) VALUES ('seq', 0);
"""


def migrations(db: sqlite3.Connection) -> str:
    """SQL bringing an older store's tables up to SCHEMA (run after it; "" when current)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(pages)")}
    if columns and "raw_crc" not in columns:
        # Version 1 had no CRC: 0 reads as "unknown", so the next ingest parses the page again.
        return "ALTER TABLE pages ADD COLUMN raw_crc INTEGER NOT NULL DEFAULT 0;"
    return ""


# Filters iter_cases/count_cases accept: name -> SQL on the cases table (one `?` each).
COLUMN_FILTERS = {
    "kind": "kind = ?",
    "jurisdiction": "jurisdiction = ?",
    "authority": "authority = ?",
    "type": "type = ?",
    "outcome": "outcome = ?",
    "year": "year = ?",
}
RANGE_FILTERS = {"year_from": "year >= ?", "year_to": "year <= ?"}
# no_warnings=True: only cases whose record has no data-quality warning (corpus/checks.py);
# a record stored before warnings existed has none.
NO_WARNINGS = "coalesce(json_array_length(record, '$.warnings'), 0) = 0"
FILTERS = (*COLUMN_FILTERS, "article", *RANGE_FILTERS, "no_warnings", "page_id")
# Per warning code, the cases carrying it (over a filtered `cases` subquery).
WARNING_COUNTS = (
    "SELECT w.value, count(*) AS n FROM ({cases}) AS c, json_each(c.record, '$.warnings') AS w"
    " GROUP BY w.value ORDER BY n DESC, w.value"
)
# Columns `counts()` can group by.
COUNTABLE = ("kind", "jurisdiction", "authority", "type", "outcome", "year")


def _int(name: str, value: Any) -> int:
    """A filter's number as SQLite can hold it (a 64-bit integer); ValueError naming it if not."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} {value!r} is not a whole number") from None
    if not -(2**63) <= number < 2**63:
        raise ValueError(f"{name} {value} is out of range")
    return number


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def where(filters: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL `WHERE ...` (or "") and its parameters for case filters; ValueError if unknown."""
    clauses: list[str] = []
    params: list[Any] = []
    for name, value in filters.items():
        # An empty list selects nothing for page_id (a search without hits), no filter otherwise.
        if value is None or (value == [] or value == ()) and name != "page_id":
            continue
        if name in COLUMN_FILTERS:
            values = _as_list(value)
            if name == "year":
                values = [_int(name, v) for v in values]
            # Any of several values: jurisdiction=["Germany", "Austria"].
            ors = " OR ".join([COLUMN_FILTERS[name]] * len(values))
            clauses.append(f"({ors})")
            params.extend(values)
        elif name in RANGE_FILTERS:
            clauses.append(RANGE_FILTERS[name])
            params.append(_int(name.replace("_", "-"), value))
        elif name == "article":
            values = [_int("article", a) for a in _as_list(value)]
            marks = ", ".join("?" * len(values))
            clauses.append(
                f"page_id IN (SELECT page_id FROM case_articles WHERE article IN ({marks}))"
            )
            params.extend(values)
        elif name == "page_id":
            # Any number of ids in one parameter (a search's hits): no SQL variable limit.
            clauses.append("page_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps([int(i) for i in _as_list(value)]))
        elif name == "no_warnings":
            if value:
                clauses.append(NO_WARNINGS)
        else:
            raise ValueError(f"unknown filter {name!r}; use one of: {', '.join(FILTERS)}")
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
