"""CLI commands `index` (build / update the search index) and `search`."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gdprkb.cli.common import (
    SOME_FAILED,
    app,
    fail,
    home_of,
    json_text,
    open_engine,
    open_index,
    open_store,
    say,
)
from gdprkb.cli.filters import ArticleOpt, CountryOpt, FilterOpt, YearOpt, collect
from gdprkb.corpus.present import terminal_safe
from gdprkb.index.batch import Rewrite, search_lines
from gdprkb.index.search import SearchResult
from gdprkb.index.tiers import EVIDENCE_LABELS
from gdprkb.index.vocabulary import SORTS

# Result orders, named once in index/vocabulary.py.
Sort = StrEnum("Sort", {name: name for name in SORTS})  # type: ignore[misc]
RELEVANCE = Sort("relevance")


@app.command("index")
def index_command(
    ctx: typer.Context,
    full: Annotated[bool, typer.Option("--full", help="Rebuild from scratch.")] = False,
    procs: Annotated[
        int,
        typer.Option(
            "--procs",
            min=1,
            help="Indexing processes for a full build.",
            show_default="2 if 2+ CPUs",
        ),
    ] = min(2, os.cpu_count() or 1),
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Build the search index, or bring it up to date with the corpus (new, changed, removed)."""
    from gdprkb.index.build import update_index

    home = home_of(ctx)
    with open_store(ctx) as store:
        report = update_index(store, home.index_dir, full=full, procs=procs, progress=not quiet)
    typer.echo(report.summary())


def _terminal_snippet(snippet: list[tuple[str, bool]], color: bool) -> str:
    """The snippet's segments as terminal text: matches bold (or [bracketed] when piped)."""
    out = []
    for text, match in snippet:
        safe = terminal_safe(text)
        out.append((typer.style(safe, bold=True) if color else f"[{safe}]") if match else safe)
    return "".join(out)


def _print_result(res: SearchResult, color: bool) -> None:
    if res.total == 0:
        say(f"No cases ({res.took_ms:.0f} ms) for: {res.query_used}")
    else:
        shown = f"{len(res.hits)} shown" if res.total > len(res.hits) else "all shown"
        say(
            f"{res.total:,} cases ({shown}, sorted by {res.sort}, {res.took_ms:.0f} ms) "
            f"for: {res.query_used}"
        )
    if res.did_you_mean:
        typer.echo(f"Did you mean: {res.did_you_mean}")
    for warning in res.warnings:
        say(f"note: {warning}", fg=typer.colors.YELLOW, err=True)
    for i, hit in enumerate(res.hits, start=(res.page - 1) * res.page_size + 1):
        meta = [hit.date_decided or hit.date_published, hit.authority, hit.outcome]
        if hit.fine_amount:
            meta.append(f"fine {hit.fine_amount:,.0f} {hit.fine_currency or ''}".strip())
        if hit.gdpr_articles:
            meta.append("Art. " + ", ".join(map(str, hit.gdpr_articles[:8])))
        title = terminal_safe(hit.title)
        typer.echo(f"\n{i}. {typer.style(title, bold=True) if color else title}")
        say("   " + " · ".join(str(m) for m in meta if m))
        # The page id first: `gdprkb show ID` opens the case.
        say(f"   id {hit.page_id} · {hit.url}")
        if hit.evidence in EVIDENCE_LABELS:
            say(f"   ({EVIDENCE_LABELS[hit.evidence]})")
        if hit.snippet:
            typer.echo("   " + _terminal_snippet(hit.snippet, color))
    if res.facets and res.total:
        typer.echo("\nFacets (top 5):")
        for name, values in res.facets.items():
            top = ", ".join(f"{v.value} ({v.count})" for v in values[:5])
            if top:
                say(f"  {name}: {top}")


def _print_translated_query(info: dict[str, Any]) -> None:
    """The human line of a translated search: what was searched, and how to undo it."""
    from gdprkb.translation.models import language_name

    if info.get("translated"):
        say(
            f"searched for: {info['query']}  (translated from "
            f"{language_name(info['source_lang'])}; --original searches the words as typed)"
        )
    elif info.get("note"):
        say(f"note: {info['note']}", err=True, fg=typer.colors.YELLOW)


def _query_translator(ctx: typer.Context, lang: str | None, original: bool) -> Rewrite | None:
    """For --lang: query -> (English query, translated_query JSON); None without --lang."""
    if not lang:
        return None
    from gdprkb.translation.query import translate_query

    engine = open_engine(ctx)

    def translate(query: str) -> tuple[str, dict[str, Any]]:
        tr = translate_query(query, engine, lang, original=original)
        return tr.query, tr.to_dict()

    return translate


def _read_batch(path: str) -> list[str]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise fail(f"cannot read --batch {path}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise fail(f"cannot read --batch {path}: not UTF-8 text ({err.reason})") from err
    return text.splitlines()


@app.command("search")
def search_command(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="QUERY...",
            help='The query, e.g. video surveillance employee, or \'"legitimate interest" '
            "-fine' in quotes (a word starting with - needs quotes or `--` before it).",
            show_default=False,
        ),
    ] = None,
    filter_: FilterOpt = None,
    country: CountryOpt = None,
    article: ArticleOpt = None,
    year: YearOpt = None,
    sort: Annotated[Sort, typer.Option("--sort", "-s", help="Result order.")] = RELEVANCE,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Hits per page.")] = 10,
    page: Annotated[int, typer.Option("--page", min=1, help="Which page of hits.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    batch: Annotated[
        str | None,
        typer.Option("--batch", help="File with one query per line ('-' = stdin); JSONL out."),
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            envvar="GDPRKB_LANG",
            help="The query's language: a code (da, de...) to translate it to English first, "
            "'auto' to detect it, 'en' to search as typed. Adds translated_query to --json.",
        ),
    ] = None,
    original: Annotated[
        bool, typer.Option("--original", help="Search the words as typed, even with --lang.")
    ] = False,
) -> None:
    """Search the decisions (see docs/cli.md: query language). No query lists every case."""
    query = " ".join(words or [])
    filters = collect(filter_, country, article, year)
    lines = _read_batch(batch) if batch is not None else None
    kwargs: dict[str, Any] = {
        "filters": filters,
        "sort": sort.value,
        "page": page,
        "page_size": limit,
    }
    translate = _query_translator(ctx, lang, original)  # None without --lang: no cost
    translated: dict[str, Any] | None = None
    with open_index(ctx) as ix:
        if lines is not None:
            failed = 0
            for number, row, ok in search_lines(ix, lines, translate, **kwargs):
                if not ok:
                    failed += 1
                    say(
                        f"error: line {number} ({row['query']!r}): {row['error']}",
                        err=True,
                        fg="red",
                    )
                sys.stdout.write(json_text(row, indent=None) + "\n")
            if failed:
                raise typer.Exit(SOME_FAILED)
            return
        if translate:
            query, translated = translate(query)
        res = ix.search(query, **kwargs)
    if as_json:
        out = res.to_dict()
        if translated is not None:
            out["translated_query"] = translated
        typer.echo(json_text(out))
    else:
        if translated is not None:
            _print_translated_query(translated)
        _print_result(res, color=sys.stdout.isatty())
