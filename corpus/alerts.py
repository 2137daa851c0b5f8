"""Saved searches (alerts) in the corpus SQLite file: what each watches and what it has seen.

Three tables, created on first use: `alerts` (name, query, filters, when and up to which
index sequence number it was last checked), `alert_matches` (the page ids that matched each
alert at its last check: the baseline a check compares against) and `alert_hits` (the
decisions each check reported as new, the source of the alert's Atom feed). The checking
itself lives in gdprkb.index.alerts; every SQL statement of gdprkb stays inside corpus/.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS alerts (
    name     TEXT PRIMARY KEY,
    query    TEXT NOT NULL,
    filters  TEXT NOT NULL,
    created  TEXT NOT NULL,
    checked  TEXT,
    seq      INTEGER
);
CREATE TABLE IF NOT EXISTS alert_matches (
    name    TEXT NOT NULL REFERENCES alerts (name) ON DELETE CASCADE,
    page_id INTEGER NOT NULL,
    PRIMARY KEY (name, page_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS alert_hits (
    name    TEXT NOT NULL REFERENCES alerts (name) ON DELETE CASCADE,
    page_id INTEGER NOT NULL,
    found   TEXT NOT NULL,
    PRIMARY KEY (name, page_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alert_hits_found ON alert_hits (name, found);
"""

# A name is also the feed's file name (<home>/feeds/<NAME>.atom) and a URL parameter: letters,
# digits, '-', '_' and '.', starting with a letter or digit, at most 64 characters.
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
MAX_QUERY_CHARS = 2000  # a saved search is something a person typed

Filters = dict[str, list[str]]
Then = Callable[[], None] | None


class AlertError(ValueError):
    """Bad input for an alert (unknown, duplicate or unsafe name; bad query): says which."""


@dataclass(frozen=True)
class Alert:
    """One saved search."""

    name: str
    query: str
    filters: Filters
    created: str
    checked: str | None = None  # when it was last checked (ISO time, UTC)
    seq: int | None = None  # the index sequence number its last check saw; None: no baseline

    def to_dict(self) -> dict[str, object]:
        """JSON form (`gdprkb alerts list --json`)."""
        return {
            "name": self.name,
            "query": self.query,
            "filters": self.filters,
            "created": self.created,
            "checked": self.checked,
        }


def check_name(name: str) -> str:
    """`name` if it is a safe alert name (it names a file); AlertError saying why not."""
    if not _SAFE_NAME.fullmatch(name or "") or name.endswith("."):
        shown = name if len(name) <= 70 else name[:67] + "..."
        raise AlertError(
            f"alert name {shown!r} is not a safe name: use 1-64 letters, digits, '-', '_'"
            " or '.', starting with a letter or digit"
        )
    return name


def now() -> str:
    """The time stamp alerts use: UTC, seconds, ISO 8601 with Z (Atom's date form)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class AlertStore:
    """The saved searches in the corpus database at `path` (created if missing)."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(
            self.path, timeout=timeout, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA synchronous=NORMAL")  # as the store: WAL keeps it consistent
        if not self._has_tables():  # a reader never takes the write lock for this
            with self._lock:
                self._db.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __enter__(self) -> AlertStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _has_tables(self) -> bool:
        row = self._db.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name LIKE 'alert%'"
        ).fetchone()
        return int(row[0]) == 3

    @contextmanager
    def _txn(self) -> Iterator[None]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # -- the saved searches -----------------------------------------------------------------
    def add(self, name: str, query: str, filters: Filters | None = None) -> Alert:
        """Save a search under a new name; AlertError for an unsafe or taken name."""
        check_name(name)
        if len(query) > MAX_QUERY_CHARS:
            raise AlertError(f"the query of alert {name!r} is longer than {MAX_QUERY_CHARS} chars")
        alert = Alert(name, query, {k: list(v) for k, v in (filters or {}).items()}, now())
        with self._txn():
            if self._row(name) is not None:
                raise AlertError(f"an alert named {name!r} exists already")
            self._db.execute(
                "INSERT INTO alerts (name, query, filters, created) VALUES (?, ?, ?, ?)",
                (name, query, json.dumps(alert.filters, ensure_ascii=False), alert.created),
            )
        return alert

    def get(self, name: str) -> Alert:
        """The alert with this name; AlertError if there is none."""
        row = self._row(name)
        if row is None:
            raise AlertError(f"no alert named {name!r}{self._known()}")
        return row

    def all(self) -> list[Alert]:
        """Every saved search, by name."""
        cur = self._db.execute(
            "SELECT name, query, filters, created, checked, seq FROM alerts ORDER BY name"
        )
        return [_alert(r) for r in cur]

    def remove(self, name: str) -> None:
        """Delete an alert with what it has seen; AlertError if there is none."""
        with self._txn():
            if self._row(name) is None:
                raise AlertError(f"no alert named {name!r}{self._known()}")
            self._db.execute("DELETE FROM alerts WHERE name = ?", (name,))

    def _row(self, name: str) -> Alert | None:
        row = self._db.execute(
            "SELECT name, query, filters, created, checked, seq FROM alerts WHERE name = ?",
            (name,),
        ).fetchone()
        return _alert(row) if row else None

    def _known(self) -> str:
        names = [a.name for a in self.all()]
        if not names:
            return " (there are no alerts yet: add one with `gdprkb alerts add`)"
        shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
        return f" (alerts: {shown})"

    # -- what the checks saw ----------------------------------------------------------------
    def matches(self, name: str, among: Iterable[int] | None = None) -> set[int]:
        """Page ids that matched the alert at its last check (only those in `among`)."""
        if among is None:
            cur = self._db.execute("SELECT page_id FROM alert_matches WHERE name = ?", (name,))
            return {int(r[0]) for r in cur}
        out: set[int] = set()
        ids = list(among)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            cur = self._db.execute(
                f"SELECT page_id FROM alert_matches WHERE name = ? AND page_id IN"
                f" ({','.join('?' * len(chunk))})",
                [name, *chunk],
            )
            out.update(int(r[0]) for r in cur)
        return out

    def set_baseline(
        self, name: str, seq: int, matched: Iterable[int], at: str, then: Then = None
    ) -> None:
        """First check: remember every current match and the sequence number; report nothing.
        `then` runs inside the transaction (see record_check)."""
        with self._txn():
            self._db.execute("DELETE FROM alert_matches WHERE name = ?", (name,))
            self._db.executemany(
                "INSERT INTO alert_matches (name, page_id) VALUES (?, ?)",
                [(name, int(p)) for p in matched],
            )
            self._db.execute(
                "UPDATE alerts SET seq = ?, checked = ? WHERE name = ?", (seq, at, name)
            )
            if then is not None:
                then()

    def record_check(
        self,
        name: str,
        seq: int,
        *,
        matched: Iterable[int],
        unmatched: Iterable[int],
        new: Iterable[int],
        at: str,
        then: Then = None,
    ) -> None:
        """One check's outcome, all or nothing: pages that match now, pages that no longer
        do (edited or deleted), the new decisions to report, and the sequence number seen.

        `then` (writing the feed) runs inside the transaction, seeing its writes: if it fails
        or the process dies first, nothing is recorded and the next check reports the same
        decisions again; a new decision is never recorded without reaching its feed.
        """
        with self._txn():
            self._db.executemany(
                "DELETE FROM alert_matches WHERE name = ? AND page_id = ?",
                [(name, int(p)) for p in unmatched],
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO alert_matches (name, page_id) VALUES (?, ?)",
                [(name, int(p)) for p in matched],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO alert_hits (name, page_id, found) VALUES (?, ?, ?)",
                [(name, int(p), at) for p in new],
            )
            self._db.execute(
                "UPDATE alerts SET seq = ?, checked = ? WHERE name = ?", (seq, at, name)
            )
            if then is not None:
                then()

    def hits(self, name: str, limit: int = 100) -> list[tuple[int, str]]:
        """(page id, when found) of the alert's most recent new decisions, newest first."""
        cur = self._db.execute(
            "SELECT page_id, found FROM alert_hits WHERE name = ?"
            " ORDER BY found DESC, page_id DESC LIMIT ?",
            (name, int(limit)),
        )
        return [(int(p), str(f)) for p, f in cur]

    def last_new(self, name: str) -> list[int]:
        """The decisions the alert's last check reported as new (the app's "new" list)."""
        cur = self._db.execute(
            "SELECT h.page_id FROM alert_hits h JOIN alerts a ON a.name = h.name"
            " WHERE h.name = ? AND h.found = a.checked ORDER BY h.page_id",
            (name,),
        )
        return [int(r[0]) for r in cur]

    # -- the corpus change feed, as ids -----------------------------------------------------
    def changed_since(self, seq: int) -> tuple[set[int], set[int], int]:
        """(cases written after `seq`, cases removed after `seq`, the current seq): page ids
        of the corpus change feed, read in one consistent view."""
        with self._lock:
            self._db.execute("BEGIN DEFERRED")
            try:
                changed = {
                    int(r[0])
                    for r in self._db.execute("SELECT page_id FROM cases WHERE seq > ?", (seq,))
                }
                gone = {
                    int(r[0])
                    for r in self._db.execute("SELECT page_id FROM deletions WHERE seq > ?", (seq,))
                }
                row = self._db.execute("SELECT value FROM state WHERE key = 'seq'").fetchone()
            finally:
                self._db.execute("COMMIT")
        return changed, gone - changed, int(row[0]) if row else 0


def _alert(row: tuple[object, ...]) -> Alert:
    name, query, filters, created, checked, seq = row
    return Alert(
        str(name),
        str(query),
        json.loads(str(filters)),
        str(created),
        None if checked is None else str(checked),
        None if seq is None else int(str(seq)),
    )
