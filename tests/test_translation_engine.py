"""translation/engine.py: real argostranslate translation with the tiny model, the cache in the
corpus DB (a hit never loads the model), chunking, and no network or home writes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from gdprkb.corpus.translations import TranslationCache
from gdprkb.translation import engine as engine_mod
from gdprkb.translation.engine import Engine, TranslationError, split_chunks
from gdprkb.translation.models import MissingPair, install_package

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def home(tmp_path: Path, tiny_argos_models: dict[str, Path]) -> Path:
    """A gdprkb-like home with both tiny pairs installed."""
    for archive in tiny_argos_models.values():
        install_package(archive, tmp_path / "argos")
    return tmp_path


def test_translates_with_the_real_argostranslate_code(home: Path) -> None:
    engine = Engine(home / "argos")
    out = engine.translate("ulovlig overvågning af medarbejder", "da", "en")
    assert isinstance(out, str) and out.strip()
    # Deterministic: the same model gives the same output.
    assert engine.translate("ulovlig overvågning af medarbejder", "da", "en") == out
    import argostranslate.settings as settings

    assert settings.chunk_type == settings.ChunkType.SPACY
    # argostranslate's folders went under the runtime dir of the first home used in this
    # process, never under ~ ; and the environment was put back after the import.
    assert "argos-runtime" in str(settings.cache_dir)
    assert os.environ.get("ARGOS_CHUNK_TYPE") != "SPACY"
    assert (settings.cache_dir / "spacy" / "senter" / "model").is_dir()


def test_same_language_and_blank_text_are_returned_unchanged(home: Path) -> None:
    engine = Engine(home / "argos")
    assert engine.translate("hello", "en", "en") == "hello"
    assert engine.translate_many(["", "  "], "da", "en") == ["", "  "]


def test_missing_pair_is_a_clear_error_not_a_crash(home: Path) -> None:
    with pytest.raises(MissingPair, match=r"German → English \(de→en\)"):
        Engine(home / "argos").translate("Videoüberwachung", "de", "en")


def test_cached_hit_never_loads_the_model(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = TranslationCache(home / "corpus.sqlite")
    model_id = Engine(home / "argos").pair("en", "da").model_id
    cache.put(model_id, "en", "da", "The controller was fined.", "CACHED")

    def no_load(*args: object) -> None:
        raise AssertionError("the model was loaded for a cached text")

    monkeypatch.setattr(engine_mod, "_load", no_load)
    engine = Engine(home / "argos", cache)
    assert engine.translate("The controller was fined.", "en", "da") == "CACHED"
    assert engine.translate_many(["The controller was fined."], "en", "da") == ["CACHED"]


def test_cached_hit_in_a_fresh_process_never_imports_argostranslate(home: Path) -> None:
    cache = TranslationCache(home / "corpus.sqlite")
    engine = Engine(home / "argos", cache)
    first = engine.translate("bøde til arbejdsgiver", "da", "en")
    code = textwrap.dedent(
        f"""
        import sys, time
        from gdprkb.corpus.translations import TranslationCache
        from gdprkb.translation.engine import Engine
        e = Engine({str(home / "argos")!r}, TranslationCache({str(home / "corpus.sqlite")!r}))
        t = time.perf_counter()
        out = e.translate("bøde til arbejdsgiver", "da", "en")
        print(repr(out), "argostranslate" in sys.modules, time.perf_counter() - t < 0.5)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert run.stdout.split() == [repr(first), "False", "True"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "abc",
        "\nabc\n\n",
        "a. " * 400,
        ("word " * 50 + "\n") * 20,
        "x" * 3000,
        "One. Two!\n\nThree?",
    ],
)
@pytest.mark.parametrize("size", [10, 100, 1500])
def test_split_chunks_gives_the_text_back_in_bounded_chunks(text: str, size: int) -> None:
    chunks = split_chunks(text, size)
    assert "".join(c + sep for c, sep in chunks) == text
    assert all(len(c) <= size for c, _ in chunks)


def test_a_broken_model_gives_a_clear_error(
    tmp_path: Path, tiny_argos_models: dict[str, Path]
) -> None:
    pair = install_package(tiny_argos_models["da_en"], tmp_path / "argos")
    (pair.path / "model" / "model.bin").write_bytes(b"garbage")
    with pytest.raises(TranslationError, match=r"Danish → English \(da→en\)"):
        Engine(tmp_path / "argos").translate("kamera", "da", "en")


def test_translation_makes_no_network_connection(home: Path, tmp_path: Path) -> None:
    """A cold process translating (model load, sentence splitting) never opens a socket, and
    writes nothing into the user's home folder."""
    user_home = tmp_path / "user-home"
    user_home.mkdir()
    env = {**os.environ, "HOME": str(user_home)}
    env.pop("XDG_CACHE_HOME", None)
    env.pop("XDG_DATA_HOME", None)
    code = textwrap.dedent(
        f"""
        import socket
        attempts = []
        def refuse(*a, **k):
            attempts.append(a)
            raise OSError("network disabled in this test")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        from gdprkb.translation.engine import Engine
        out = Engine({str(home / "argos")!r}).translate("samtykke. bøde! sletning", "da", "en")
        print(bool(out.strip()), len(attempts))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO, env=env
    )
    assert run.stdout.split() == ["True", "0"], run.stderr[-2000:]
    assert list(user_home.iterdir()) == []


def test_a_real_style_package_without_a_spacy_folder_translates_offline(
    tmp_path: Path, tiny_argos_models: dict[str, Path]
) -> None:
    """Real packages ship `stanza/` instead of `spacy/`: sentences are then split by the blank
    spaCy pipeline gdprkb keeps in argostranslate's cache, never by a downloaded model."""
    import zipfile

    real_like = tmp_path / "translate-da_en-1_9.argosmodel"
    with (
        zipfile.ZipFile(tiny_argos_models["da_en"]) as src,
        zipfile.ZipFile(real_like, "w") as dst,
    ):
        for item in src.infolist():
            if "/spacy/" in item.filename:
                continue
            dst.writestr(item.filename.replace("tiny-da_en", "translate-da_en-1_9"), src.read(item))
        dst.writestr("translate-da_en-1_9/stanza/da/tokenize/ddt.pt", b"not a real stanza model")
    pair = install_package(real_like, tmp_path / "argos")
    assert (pair.path / "stanza").is_dir() and not (pair.path / "spacy").exists()
    out = Engine(tmp_path / "argos").translate("kamera. samtykke! bøde", "da", "en")
    assert out.strip()


def test_a_locked_database_still_translates_without_caching(home: Path) -> None:
    import sqlite3

    db = home / "corpus.sqlite"
    TranslationCache(db).close()
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # e.g. a long ingest holding the write lock
    try:
        cache = TranslationCache(db, timeout=0.05)
        engine = Engine(home / "argos", cache)
        out = engine.translate("arbejdsgiver kamera", "da", "en")
        assert out.strip()
        assert cache.put("m", "da", "en", "x", "y") is False
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert TranslationCache(db).count() == 0


def test_without_the_translation_stack_the_error_says_how_to_install(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cached text still translates; a new one names `make translate`, not an ImportError."""
    cache = TranslationCache(home / "corpus.sqlite")
    model_id = Engine(home / "argos").pair("en", "da").model_id
    cache.put(model_id, "en", "da", "The fine.", "CACHED")
    monkeypatch.setattr(engine_mod, "stack_installed", lambda: False)
    monkeypatch.setattr(engine_mod, "_LOADED", {})
    engine = Engine(home / "argos", cache)
    assert engine.translate("The fine.", "en", "da") == "CACHED"
    with pytest.raises(TranslationError, match=r"make translate.*\[translate\]"):
        engine.translate("Another text.", "en", "da")
