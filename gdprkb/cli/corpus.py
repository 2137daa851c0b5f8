"""CLI commands for the corpus: ingest, reparse, export, stats."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gdprkb.cli.common import SOME_FAILED, app, fail, json_text, open_store, say
from gdprkb.cli.filters import ArticleOpt, CountryOpt, FilterOpt, YearOpt, collect, selected_ids
from gdprkb.corpus.citation_export import export_citations
from gdprkb.corpus.export import export as export_cases
from gdprkb.corpus.ingest import IngestResult, ingest, reparse
from gdprkb.corpus.workers import default_jobs


class Format(StrEnum):
    """Export formats."""

    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


NoWarningsOpt = Annotated[
    bool,
    typer.Option(
        "--no-warnings", help="Leave out cases with data-quality warnings (docs/record-schema.md)."
    ),
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]
JobsOpt = Annotated[
    int | None,
    typer.Option("--jobs", "-J", min=1, help="Parser processes.", show_default="cores, at most 4"),
]


def _report(result: IngestResult, verb: str) -> None:
    head, *failures = result.summary_lines()
    typer.echo(head.replace("ingested", verb, 1))
    for line in failures:
        say(line, err=True, fg=typer.colors.RED)
    if result.failed:
        raise typer.Exit(SOME_FAILED)


@app.command("ingest")
def ingest_cmd(
    ctx: typer.Context,
    paths: Annotated[
        list[Path],
        typer.Argument(help="Saved GDPRhub pages: .html / .html.gz files, folders, .zip files."),
    ],
    quiet: QuietOpt = False,
    jobs: JobsOpt = None,
) -> None:
    """Parse saved GDPRhub pages into the corpus; unchanged revisions are skipped.

    Ends with a summary: decisions ingested (new, updated), article pages, pages that are not a
    decision, unchanged pages, and each failed file with its reason. Exit code 1 when any file
    failed (the others are still stored).
    """
    with open_store(ctx, create=True) as store:
        result = ingest(store, paths, progress=not quiet, jobs=jobs or default_jobs())
    _report(result, "ingested")


@app.command("reparse")
def reparse_cmd(ctx: typer.Context, quiet: QuietOpt = False, jobs: JobsOpt = None) -> None:
    """Rebuild every record from the stored raw pages (offline); rewrite only changed records."""
    with open_store(ctx) as store:
        result = reparse(store, progress=not quiet, jobs=jobs or default_jobs())
    _report(result, "reparsed")


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write here (default: stdout; not Parquet).")
    ] = None,
    with_text: Annotated[
        bool, typer.Option("--with-text", help="CSV: add lead, facts, dispute, holding, ....")
    ] = False,
    filter_: FilterOpt = None,
    country: CountryOpt = None,
    article: ArticleOpt = None,
    year: YearOpt = None,
    no_warnings: NoWarningsOpt = False,
    citations: Annotated[
        bool,
        typer.Option(
            "--citations",
            help="Export the citation graph instead: one edge per reference (citing, cited, "
            "text, kind, key, section); filters select the citing cases.",
        ),
    ] = False,
) -> None:
    """Export cases as CSV (Excel-ready UTF-8), JSONL (the record contract) or Parquet."""
    filters = collect(filter_, country, article, year)
    with open_store(ctx) as store:
        ids = selected_ids(ctx, store, filters)
        try:
            if citations:
                n = export_citations(store, format.value, out, page_id=ids, no_warnings=no_warnings)
            else:
                n = export_cases(
                    store, format.value, out, with_text=with_text, page_id=ids,
                    no_warnings=no_warnings,
                )  # fmt: skip
        except BrokenPipeError:  # `gdprkb export ... | head`: the reader has had enough
            _drop_stdout()
            return
        except OSError as err:  # a full disk, a device refusing data: never "exported"
            if out is None:
                _drop_stdout()
            raise fail(f"cannot write {out or 'stdout'}: {err.strerror or err}") from None
    if citations:
        typer.echo(f"exported {n} citations" + (f" to {out}" if out else ""), err=True)
        return
    noun = "case" if n == 1 else "cases"
    typer.echo(f"exported {n} {noun}" + (f" to {out}" if out else ""), err=True)


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so the unwritten rest is not flushed (and failed) at exit."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@app.command("stats")
def stats_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    filter_: FilterOpt = None,
    country: CountryOpt = None,
    article: ArticleOpt = None,
    year: YearOpt = None,
    no_warnings: NoWarningsOpt = False,
) -> None:
    """Count the stored cases per kind, jurisdiction, year and data-quality warning (after any
    filters)."""
    filters = collect(filter_, country, article, year)
    with open_store(ctx) as store:
        ids = selected_ids(ctx, store, filters)
        pages = store.page_counts()
        selected = {"page_id": ids, "no_warnings": no_warnings}
        total = store.count_cases(**selected)
        groups: dict[str, list[tuple[Any, int]]] = {
            by: store.counts(by, **selected) for by in ("kind", "jurisdiction", "year")
        }
        groups["warning"] = list(store.warning_counts(**selected))
    # Years read best in order (unknown last); the others most frequent first.
    groups["year"].sort(key=lambda r: (r[0] is None, r[0] or 0))
    if as_json:
        data = {
            "cases": total,
            "article_pages": pages["article"],
            "other_pages": pages["other"],
            "failures": pages["failure"],
            **{
                f"by_{by}": [{"value": v, "count": n} for v, n in rows]
                for by, rows in groups.items()
            },
        }
        typer.echo(json_text(data))
        return
    typer.echo(
        f"cases: {total}   article pages: {pages['article']}   "
        f"other pages: {pages['other']}   failures: {pages['failure']}"
    )
    for by, rows in groups.items():
        typer.echo(f"\nby {by}:")
        width = max((len(_label(v)) for v, _ in rows), default=0)
        for value, n in rows:
            say(f"  {_label(value):<{width}}  {n:>6}")


def _label(value: Any) -> str:
    return "(none)" if value is None else str(value)
