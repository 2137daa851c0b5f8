"""CLI commands for search: `index` (build / update) and `search` (registered by gdprkb.cli).

Exit codes: 0 done; 1 a query in a batch failed (the others were still answered); 2 nothing
done (no corpus, no index, bad option, index locked).
"""

from __future__ import annotations

import html
import json
import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gdprkb.cmd_translate import (
    LangOpt,
    OriginalOpt,
    QueryTranslator,
    print_translated_query,
    query_translator,
)
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index.build import IndexBusy, update_index
from gdprkb.index.query import IndexNotFound, SearchIndex, SearchResult
from gdprkb.translation.engine import TranslationError
from gdprkb.translation.models import MissingPair


class Sort(StrEnum):
    """Result orders."""

    relevance = "relevance"
    date = "date"
    fine = "fine"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


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
    home: Home = ctx.obj
    if not home.db.is_file():
        raise _fail(f"no corpus at {home.db}: run `gdprkb ingest` or `gdprkb scrape` first")
    try:
        with Store(home.db) as store:
            report = update_index(store, home.index_dir, full=full, procs=procs, progress=not quiet)
    except IndexBusy as err:
        raise _fail(str(err)) from err
    typer.echo(report.summary())


def _parse_filters(items: list[str] | None) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise _fail(f"--filter {item!r}: expected FIELD=VALUE, e.g. --filter country=Spain")
        filters.setdefault(name.strip().lower(), []).append(value.strip())
    return filters


def _terminal_snippet(snippet: str, color: bool) -> str:
    def bold(m: re.Match[str]) -> str:
        text = html.unescape(m.group(1))
        return typer.style(text, bold=True) if color else f"[{text}]"

    marked = re.sub(r'<b class="match">(.*?)</b>', bold, snippet)
    return html.unescape(re.sub(r"<[^>]+>", "", marked))


def _print_result(res: SearchResult, color: bool) -> None:
    if res.total == 0:
        typer.echo(f"No cases ({res.took_ms:.0f} ms) for: {res.query_used}")
    else:
        shown = f"{len(res.hits)} shown" if res.total > len(res.hits) else "all shown"
        typer.echo(
            f"{res.total:,} cases ({shown}, sorted by {res.sort}, {res.took_ms:.0f} ms) "
            f"for: {res.query_used}"
        )
    for warning in res.warnings:
        typer.secho(f"note: {warning}", fg=typer.colors.YELLOW, err=True)
    for i, hit in enumerate(res.hits, start=(res.page - 1) * res.page_size + 1):
        meta = [hit.date_decided or hit.date_published, hit.authority, hit.outcome]
        if hit.fine_amount:
            meta.append(f"fine {hit.fine_amount:,.0f} {hit.fine_currency or ''}".strip())
        if hit.gdpr_articles:
            meta.append("Art. " + ", ".join(map(str, hit.gdpr_articles[:8])))
        typer.echo(f"\n{i}. {typer.style(hit.title, bold=True) if color else hit.title}")
        typer.echo("   " + " · ".join(str(m) for m in meta if m))
        typer.echo(f"   {hit.url}")
        if hit.snippet:
            typer.echo("   " + _terminal_snippet(hit.snippet, color))
    if res.facets and res.total:
        typer.echo("\nFacets (top 5):")
        for name, values in res.facets.items():
            top = ", ".join(f"{v.value} ({v.count})" for v in values[:5])
            if top:
                typer.echo(f"  {name}: {top}")


def _batch(
    ix: SearchIndex, path: str, out: Any, translate: QueryTranslator | None = None, **kwargs: Any
) -> int:
    """Answer each line of `path` ("-" = stdin) as one JSON line; returns the failures."""
    failed = 0
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise _fail(f"cannot read --batch {path}: {err.strerror}") from err
    except UnicodeDecodeError as err:
        raise _fail(f"cannot read --batch {path}: not UTF-8 text ({err.reason})") from err
    for number, query in enumerate(text.splitlines(), start=1):
        if not query.strip():
            continue
        try:
            searched, translated = translate(query) if translate else (query, None)
            row = ix.search(searched, **kwargs).to_dict()
            if translated is not None:
                row["translated_query"] = translated
        except Exception as err:  # one bad line must not stop the batch
            failed += 1
            row = {"query": query, "line": number, "error": f"{type(err).__name__}: {err}"}
            typer.secho(f"error: line {number} ({query!r}): {err}", err=True, fg="red")
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
    return failed


def search_command(
    ctx: typer.Context,
    query: Annotated[
        str, typer.Argument(help="The query, e.g. '\"video surveillance\" employee'.")
    ] = "",
    filter_: Annotated[
        list[str] | None,
        typer.Option(
            "--filter", "-f", help="FIELD=VALUE, e.g. country=Spain, year=2021..2023 (repeatable)."
        ),
    ] = None,
    sort: Annotated[Sort, typer.Option("--sort", "-s", help="Result order.")] = Sort.relevance,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Hits per page.")] = 10,
    page: Annotated[int, typer.Option("--page", min=1, help="Which page of hits.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    batch: Annotated[
        str | None,
        typer.Option("--batch", help="File with one query per line ('-' = stdin); JSONL out."),
    ] = None,
    lang: LangOpt = None,
    original: OriginalOpt = False,
) -> None:
    """Search the decisions (see README: query language). An empty query lists every case."""
    home: Home = ctx.obj
    filters = _parse_filters(filter_)
    try:
        ix = SearchIndex(home.index_dir)
    except IndexNotFound as err:
        raise _fail(str(err)) from err
    kwargs: dict[str, Any] = {
        "filters": filters,
        "sort": sort.value,
        "page": page,
        "page_size": limit,
    }
    translate = query_translator(home, lang, original)  # None without --lang: no cost
    translated: dict[str, Any] | None = None
    try:
        if batch is not None:
            if _batch(ix, batch, sys.stdout, translate, **kwargs):
                raise typer.Exit(1)
            return
        if translate:
            query, translated = translate(query)
        res = ix.search(query, **kwargs)
    except (MissingPair, TranslationError) as err:
        raise _fail(str(err)) from err
    finally:
        ix.close()
    if as_json:
        out = res.to_dict()
        if translated is not None:
            out["translated_query"] = translated
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        if translated is not None:
            print_translated_query(translated)
        _print_result(res, color=sys.stdout.isatty())


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main app."""
    app.command("index")(index_command)
    app.command("search")(search_command)
