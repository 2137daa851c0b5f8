"""Stored machine translations: the `translation_cache` table in the corpus SQLite file.

Keyed by (model id, SHA-256 of the source text), so a repeat is one indexed read and never
loads the model. The translation engine (gdprkb.translation.engine) is its only user; it lives
here because every SQL statement of gdprkb stays inside corpus/. The store never reads it.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterable
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translation_cache (
    model_id    TEXT NOT NULL,
    text_hash   TEXT NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    translation TEXT NOT NULL,
    created_at  REAL NOT NULL,
    PRIMARY KEY (model_id, text_hash)
)
"""


def text_hash(text: str) -> str:
    """The cache key of a source text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class TranslationCache:
    """Cached translations in `path` (the corpus DB); safe to share between threads."""

    def __init__(self, path: str | Path, *, timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        # The app serves sessions from several threads; every use is under self._lock.
        self._conn = sqlite3.connect(self.path, timeout=timeout, check_same_thread=False)
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(_SCHEMA)
            self._conn.commit()
        except sqlite3.DatabaseError:
            pass  # read-only or busy database: reads work if the table exists, writes are skipped

    def get(self, model_id: str, text: str) -> str | None:
        """The cached translation of text by model_id, or None."""
        return self.get_many(model_id, [text]).get(text)

    def get_many(self, model_id: str, texts: Iterable[str]) -> dict[str, str]:
        """{text: translation} for the texts already cached under model_id."""
        by_hash = {text_hash(t): t for t in texts}
        found: dict[str, str] = {}
        keys = list(by_hash)
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start : start + 500]
                marks = ",".join("?" * len(chunk))
                try:
                    rows = self._conn.execute(
                        "SELECT text_hash, translation FROM translation_cache "
                        f"WHERE model_id = ? AND text_hash IN ({marks})",
                        [model_id, *chunk],
                    ).fetchall()
                except sqlite3.DatabaseError:
                    return found  # no table yet (read-only DB) or busy: a miss, not an error
                for h, translation in rows:
                    found[by_hash[h]] = translation
        return found

    def put(self, model_id: str, source_lang: str, target_lang: str, text: str, out: str) -> bool:
        """Remember one translation (committed at once, so a crash loses nothing done).

        Returns False when the database cannot be written (read-only, locked too long): a
        translation can always be made again, so that never fails the reader's request.
        """
        try:
            with self._lock, self._conn:
                self._conn.execute(
                    "INSERT OR REPLACE INTO translation_cache VALUES (?, ?, ?, ?, ?, ?)",
                    (model_id, text_hash(text), source_lang, target_lang, out, time.time()),
                )
        except sqlite3.DatabaseError:
            return False
        return True

    def count(self) -> int:
        """How many translations are cached."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM translation_cache").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
