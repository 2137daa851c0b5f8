"""CLI commands for translation: `translate install|list` and `show` (registered by gdprkb.cli).

Errors (a bad package file, a missing language pair, an unknown case) become one line on
stderr and exit code 2; nothing is downloaded and argostranslate loads only to translate.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.translations import TranslationCache
from gdprkb.home import Home
from gdprkb.translation.engine import Engine, TranslationError
from gdprkb.translation.models import (
    InstallError,
    MissingPair,
    argos_packages_dir,
    install_package,
    installed_pairs,
    language_name,
)
from gdprkb.translation.reading import case_sections, translate_sections

translate_app = typer.Typer(
    help="Install and list offline translation models (Argos Translate).",
    no_args_is_help=True,
)


class Into(StrEnum):
    """Where `translate install` puts a package."""

    home = "home"
    argos = "argos"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def open_engine(home: Home) -> Engine:
    """The translation engine of a home: its models and its cache in the corpus database."""
    return Engine(home.models_dir, TranslationCache(home.db))


QueryTranslator = Callable[[str], tuple[str, dict[str, Any]]]

LangOpt = Annotated[
    str | None,
    typer.Option(
        "--lang",
        envvar="GDPRKB_LANG",
        help="The query's language: a code (da, de...) to translate it to English first, "
        "'auto' to detect it, 'en' to search as typed. Adds translated_query to --json.",
    ),
]
OriginalOpt = Annotated[
    bool,
    typer.Option("--original", help="Search the words as typed, even with --lang."),
]


def query_translator(
    home: Home, lang: str | None, original: bool = False
) -> QueryTranslator | None:
    """For `search --lang`: query -> (query to search, translated_query JSON); None if no --lang.

    Raises MissingPair / TranslationError (clear messages) when called.
    """
    if not lang:
        return None
    if original:
        return lambda q: (
            q,
            {
                "original": q,
                "query": q,
                "source_lang": None,
                "translated": False,
                "note": "searched as typed (--original)",
            },
        )
    from gdprkb.translation.query import translate_query

    engine = open_engine(home)

    def translate(query: str) -> tuple[str, dict[str, Any]]:
        tr = translate_query(query, engine, lang)
        return tr.query, tr.to_dict()

    return translate


def print_translated_query(info: dict[str, Any]) -> None:
    """The human line of a translated search: what was searched, and how to undo it."""
    if info.get("translated"):
        typer.echo(
            f"searched for: {info['query']}  (translated from "
            f"{language_name(info['source_lang'])}; --original searches the words as typed)"
        )
    elif info.get("note"):
        typer.secho(f"note: {info['note']}", err=True, fg=typer.colors.YELLOW)


@translate_app.command("install")
def install_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A .argosmodel file downloaded elsewhere.")],
    into: Annotated[
        Into,
        typer.Option(
            "--into",
            help="home: the gdprkb home's models folder; argos: argostranslate's own folder.",
        ),
    ] = Into.home,
) -> None:
    """Install a translation model from a .argosmodel file, offline."""
    home: Home = ctx.obj
    target = home.models_dir if into is Into.home else argos_packages_dir()
    try:
        pair = install_package(path, target)
    except (InstallError, OSError) as e:
        raise _fail(str(e)) from None
    typer.echo(f"installed {pair.label} {pair.version} into {pair.path}")


@translate_app.command("list")
def list_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the installed language pairs (the home's first, then argostranslate's own)."""
    home: Home = ctx.obj
    pairs = installed_pairs(home.models_dir)
    if as_json:
        typer.echo(json.dumps([p.to_dict() for p in pairs], ensure_ascii=False, indent=2))
        return
    if not pairs:
        typer.echo(
            "no translation models installed. Download a .argosmodel file (for example "
            "translate-da_en) from the Argos Translate package index on a machine with "
            "internet, then: gdprkb translate install FILE.argosmodel"
        )
        return
    for p in pairs:
        typer.echo(f"{p.from_code}→{p.to_code}  {p.label}  v{p.version}  [{p.location}] {p.path}")


_INFOBOX = (
    ("Authority", "authority"),
    ("Jurisdiction", "jurisdiction"),
    ("Relevant law", "relevant_law"),
    ("Type", "type"),
    ("Outcome", "outcome"),
    ("Started", "date_started"),
    ("Decided", "date_decided"),
    ("Published", "date_published"),
    ("Fine", "fine"),
    ("Parties", "parties"),
    ("Case number", "case_number"),
    ("ECLI", "ecli"),
    ("Original languages", "original_languages"),
    ("Original sources", "original_sources"),
    ("Appeal", "appeal"),
)
_HEADINGS = {
    "lead": "Summary",
    "facts": "Facts",
    "dispute": "Dispute",
    "holding": "Holding",
    "machine_translation": "Machine translation of the decision",
}


def _field(case: CaseRecord, name: str) -> str | None:
    if name == "fine":
        if case.fine_amount is not None:
            return f"{case.fine_amount:,.2f} {case.fine_currency or ''}".strip()
        return case.fine_text
    if name == "original_sources":
        return "; ".join(f"{s.name} ({s.url})" if s.url else s.name for s in case.original_sources)
    if name == "appeal":
        steps = []
        for label, ref in (("from", case.appeal.from_), ("to", case.appeal.to)):
            if ref:
                bits = [b for b in (ref.status, ref.body, ref.case_number) if b]
                steps.append(f"{label}: {', '.join(bits)}")
        return "; ".join(steps) or None
    value = getattr(case, name)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or None
    return value


def _render(case: CaseRecord, texts: dict[str, str], lang: str | None, full: bool) -> str:
    lines = [case.title, case.url, ""]
    for label, name in _INFOBOX:
        value = _field(case, name)
        if value:
            lines.append(f"{label + ':':<20}{value}")
    where = f" (machine-translated into {language_name(lang)})" if lang else ""
    for name, text in texts.items():
        lines += ["", f"== {_HEADINGS[name]}{where} ==", text]
    if case.machine_translation and not full:
        size = len(case.machine_translation)
        lines += ["", f"(machine translation of the decision: {size:,} characters; --full)"]
    lines += ["", "GDPRhub content: CC BY-NC-SA 4.0, by noyb (gdprhub.eu)."]
    return "\n".join(lines)


def show_cmd(
    ctx: typer.Context,
    page_id: Annotated[int, typer.Argument(help="The case's page id.")],
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Translate the summary into this language (da, de, fr...)."),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Also print (and translate) the full decision.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the record as JSON.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Print a case: infobox and summary, translated into --lang (cached) when given."""
    from gdprkb.corpus.store import Store

    home: Home = ctx.obj
    if not home.db.exists():
        raise _fail(f"no corpus at {home.db}: run `gdprkb ingest` or `gdprkb scrape` first")
    with Store(home.db) as store:
        case = store.get_case(page_id)
    if case is None:
        raise _fail(f"no case with page id {page_id} in {home.db}")
    lang = (lang or "").strip().lower() or None
    if lang == "en":
        lang = None
    sections = case_sections(case, full=full)
    translation: dict[str, Any] | None = None
    if lang:
        engine = open_engine(home)
        try:
            pair = engine.pair("en", lang)
            sections = translate_sections(engine, sections, lang, _progress_bar(quiet))
        except (MissingPair, TranslationError) as e:
            raise _fail(str(e)) from None
        translation = {"lang": lang, "model_id": pair.model_id, "sections": sections}
    if as_json:
        out = case.to_dict()
        out["translation"] = translation
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        typer.echo(_render(case, sections, lang, full))


def _progress_bar(quiet: bool) -> Any:
    """A progress(done, total) callback drawing a tqdm bar on stderr once there is work."""
    from tqdm import tqdm

    bar: dict[str, Any] = {}

    def progress(done: int, total: int) -> None:
        if quiet or done == total and "bar" not in bar:
            return  # everything was cached: no bar
        if "bar" not in bar:
            bar["bar"] = tqdm(
                total=total, initial=done, unit="chunk", desc="translating", file=sys.stderr
            )
        bar["bar"].n = done
        bar["bar"].refresh()
        if done == total:
            bar["bar"].close()

    return progress


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.add_typer(translate_app, name="translate")
    app.command("show")(show_cmd)
