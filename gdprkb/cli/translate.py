"""CLI commands `translate install|list` (offline translation models) and `show` (one case).

Nothing is downloaded; argostranslate loads only to translate.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gdprkb.cli.common import app, fail, home_of, library_errors, open_engine, open_store
from gdprkb.corpus.present import case_text, citations_text

translate_app = typer.Typer(
    help="Install and list offline translation models (Argos Translate).",
    no_args_is_help=True,
)
app.add_typer(translate_app, name="translate")


class Into(StrEnum):
    """Where `translate install` puts a package."""

    home = "home"
    argos = "argos"


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
    from gdprkb.translation.models import argos_packages_dir, install_package

    target = home_of(ctx).models_dir if into is Into.home else argos_packages_dir()
    with library_errors():
        pair = install_package(path, target)
    typer.echo(f"installed {pair.label} {pair.version} into {pair.path}")


@translate_app.command("list")
def list_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the installed language pairs (the home's first, then argostranslate's own)."""
    from gdprkb.translation.models import installed_pairs

    pairs = installed_pairs(home_of(ctx).models_dir)
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


@app.command("show")
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
    from gdprkb.translation.models import language_name
    from gdprkb.translation.reading import case_sections, translate_sections

    with open_store(ctx) as store:
        case = store.get_case(page_id)
        cites, cited_by = store.cites(page_id), store.cited_by(page_id)
    if case is None:
        raise fail(f"no case with page id {page_id} in {home_of(ctx).db}")
    lang = (lang or "").strip().lower() or None
    if lang == "en":
        lang = None
    sections = case_sections(case, full=full)
    translation: dict[str, Any] | None = None
    if lang:
        engine = open_engine(ctx)
        with library_errors():
            pair = engine.pair("en", lang)
            sections = translate_sections(engine, sections, lang, _progress_bar(quiet))
        translation = {"lang": lang, "model_id": pair.model_id, "sections": sections}
    if as_json:
        out = case.to_dict()
        out["translation"] = translation
        out["cites"], out["cited_by"] = cites, cited_by
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        typer.echo(case_text(case, sections, lang and language_name(lang), full))
        typer.echo(citations_text(cites, cited_by))


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
