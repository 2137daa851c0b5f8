"""corpus/translations.py: the translation cache table in the corpus database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gdprkb.corpus.translations import TranslationCache, text_hash


def test_cache_stores_by_model_and_text_hash(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "corpus.sqlite")
    assert cache.put("da-en@1#abc", "da", "en", "kamera samtykke", "camera consent")
    assert cache.get("da-en@1#abc", "kamera samtykke") == "camera consent"
    assert cache.get("other-model", "kamera samtykke") is None
    assert cache.count() == 1
    with sqlite3.connect(tmp_path / "corpus.sqlite") as conn:
        row = conn.execute("SELECT text_hash, source_lang, target_lang FROM translation_cache")
        assert row.fetchone() == (text_hash("kamera samtykke"), "da", "en")


def test_get_many_reads_in_batches_and_a_repeat_put_replaces(tmp_path: Path) -> None:
    cache = TranslationCache(tmp_path / "corpus.sqlite")
    texts = [f"text {i}" for i in range(1203)]  # more than one IN (...) batch of 500
    for t in texts[::2]:
        cache.put("m", "en", "da", t, t.upper())
    found = cache.get_many("m", texts)
    assert found == {t: t.upper() for t in texts[::2]}
    cache.put("m", "en", "da", "text 0", "again")
    assert cache.get("m", "text 0") == "again"
    assert cache.count() == len(texts[::2])


def test_the_store_and_the_cache_share_the_corpus_file(tmp_path: Path) -> None:
    from gdprkb.corpus.store import Store

    db = tmp_path / "corpus.sqlite"
    with Store(db):
        pass
    with TranslationCache(db) as cache:
        cache.put("m", "en", "da", "a", "b")
    with Store(db):
        pass
    assert TranslationCache(db).get("m", "a") == "b"
