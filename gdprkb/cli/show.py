"""CLI command `show`: one case by page id, case number or ECLI, translated on request."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from gdprkb.cli.common import (
    app,
    fail,
    home_of,
    json_text,
    library_errors,
    open_engine,
    open_store,
    say,
)
from gdprkb.corpus.appeals import cases_named
from gdprkb.corpus.present import case_text, citations_text
from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.store import Store

MAX_PAGE_ID = 2**63 - 1  # SQLite's integer range: a bigger number is no page id


def find_case(store: Store, ident: str) -> CaseRecord:
    """The case a page id, case number or ECLI names; `fail` when none or several do."""
    ident = ident.strip()
    if ident.isdigit() and int(ident) <= MAX_PAGE_ID:
        case = store.get_case(int(ident))
        if case is not None:
            return case
    found = cases_named(store.iter_cases(), ident)
    if not found:
        raise fail(f"no case with page id, case number or ECLI {ident!r} in {store.path}")
    if len(found) > 1:
        listed = "; ".join(f"{c.page_id} ({c.title})" for c in found[:10])
        raise fail(
            f"several cases have the case number or ECLI {ident!r}: {listed}"
            " (use `gdprkb show PAGE_ID`)"
        )
    return found[0]


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    ident: Annotated[
        str,
        typer.Argument(
            metavar="CASE", help="The case's page id, case number or ECLI (as `search` shows)."
        ),
    ],
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
        case = find_case(store, ident)
        cites, cited_by = store.cites(case.page_id), store.cited_by(case.page_id)
    lang = (lang or "").strip().lower() or None
    if lang == "en":
        lang = None
    sections = case_sections(case, full=full)
    translation: dict[str, Any] | None = None
    if lang:
        engine = open_engine(ctx)
        with library_errors(home_of(ctx)):
            pair = engine.pair("en", lang)
            sections = translate_sections(engine, sections, lang, _progress_bar(quiet))
        translation = {"lang": lang, "model_id": pair.model_id, "sections": sections}
    if as_json:
        out = case.to_dict()
        out["translation"] = translation
        out["cites"], out["cited_by"] = cites, cited_by
        typer.echo(json_text(out))
    else:
        say(case_text(case, sections, lang and language_name(lang), full))
        say(citations_text(cites, cited_by))


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
