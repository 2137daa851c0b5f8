"""translation/reading.py: case sections translated in cached paragraph chunks, with progress."""

from __future__ import annotations

from pathlib import Path

from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.translations import TranslationCache
from gdprkb.translation.engine import Engine, split_chunks
from gdprkb.translation.models import install_package
from gdprkb.translation.reading import case_sections, translate_case, translate_sections


def _case(**text: str) -> CaseRecord:
    return CaseRecord(title="t", url="u", page_id=1, revision_id=1, kind="dpa", **text)


def _engine(tmp_path: Path, tiny_argos_models: dict[str, Path]) -> tuple[Engine, TranslationCache]:
    install_package(tiny_argos_models["en_da"], tmp_path / "argos")
    cache = TranslationCache(tmp_path / "corpus.sqlite")
    return Engine(tmp_path / "argos", cache), cache


def test_sections_translate_in_chunks_with_progress_and_cache_each_chunk(
    tmp_path: Path, tiny_argos_models: dict[str, Path]
) -> None:
    engine, cache = _engine(tmp_path, tiny_argos_models)
    text = "\n\n".join(
        f"Paragraph {i}. The court held that consent was invalid." for i in range(12)
    )
    seen: list[tuple[int, int]] = []
    out = translate_sections(
        engine, {"facts": text}, "da", lambda d, t: seen.append((d, t)), chunk_chars=120
    )
    chunks = split_chunks(text, 120)
    assert len(chunks) > 3
    assert seen[0] == (0, len(chunks)) and seen[-1] == (len(chunks), len(chunks))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert list(out) == ["facts"]
    assert out["facts"].count("\n\n") == text.count("\n\n")  # paragraph breaks survive
    assert cache.count() == len({c for c, _ in chunks})
    # A repeat is served from the cache: progress jumps straight to done.
    again: list[tuple[int, int]] = []
    repeat = translate_sections(
        engine, {"facts": text}, "da", lambda d, t: again.append((d, t)), chunk_chars=120
    )
    assert repeat == out
    assert again == [(len(chunks), len(chunks))]


def test_case_sections_in_reading_order_without_empty_ones() -> None:
    case = _case(lead="Lead.", facts="", holding="Held.")
    assert list(case_sections(case)) == ["lead", "holding"]
    case.machine_translation = "Full text."
    assert list(case_sections(case, full=True)) == ["lead", "holding", "machine_translation"]
    assert "machine_translation" not in case_sections(case)


def test_translate_case_returns_each_section_translated(
    tmp_path: Path, tiny_argos_models: dict[str, Path]
) -> None:
    engine, _ = _engine(tmp_path, tiny_argos_models)
    case = _case(lead="The fine.", dispute="Was it lawful?")
    out = translate_case(engine, case, "da")
    assert list(out) == ["lead", "dispute"]
    assert all(v.strip() and v != getattr(case, k) for k, v in out.items())
