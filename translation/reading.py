"""Translate a case's summary (and on demand its full machine translation) for a reader."""

from __future__ import annotations

from gdprkb.corpus.record import CaseRecord
from gdprkb.translation.engine import CHUNK_CHARS, Engine, Progress, split_chunks

SUMMARY_SECTIONS = ("lead", "facts", "dispute", "holding")


def case_sections(case: CaseRecord, *, full: bool = False) -> dict[str, str]:
    """The case's English text sections to translate, in reading order (empty ones left out)."""
    names = SUMMARY_SECTIONS + (("machine_translation",) if full else ())
    return {name: text for name in names if (text := getattr(case, name))}


def translate_sections(
    engine: Engine,
    sections: dict[str, str],
    lang: str,
    progress: Progress | None = None,
    *,
    chunk_chars: int = CHUNK_CHARS,
) -> dict[str, str]:
    """Translate each English section into lang, in cached paragraph chunks.

    All chunks go through one call, so progress(done, total) counts the whole job, and a cached
    case never loads the model.
    """
    pieces = {name: split_chunks(text, chunk_chars) for name, text in sections.items()}
    flat = [chunk for parts in pieces.values() for chunk, _ in parts]
    out = iter(engine.translate_many(flat, "en", lang, progress))
    return {name: "".join(next(out) + sep for _, sep in parts) for name, parts in pieces.items()}


def translate_case(
    engine: Engine,
    case: CaseRecord,
    lang: str,
    *,
    full: bool = False,
    progress: Progress | None = None,
) -> dict[str, str]:
    """{section: translation} of lead, facts, dispute, holding (and machine_translation if full)."""
    return translate_sections(engine, case_sections(case, full=full), lang, progress)
