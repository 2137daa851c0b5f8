"""CLI commands for the corpus: ingest, reparse, export, stats."""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gdprkb.cli.common import SOME_FAILED, app, open_store
from gdprkb.corpus.citation_export import export_citations
from gdprkb.corpus.export import export as export_cases
from gdprkb.corpus.ingest import IngestResult, ingest, reparse
from gdprkb.corpus.workers import default_jobs


class Format(StrEnum):
    """Export formats."""

    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


class Kind(StrEnum):
    """Decision kinds."""

    dpa = "dpa"
    court = "court"


# The case filters, defined once and shared by `export` and `stats`.
JurisdictionOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--jurisdiction", "-j", help="Only this jurisdiction (repeat for any of several)."
    ),
]
ArticleOpt = Annotated[
    list[int] | None,
    typer.Option("--article", "-a", help="Only cases citing this GDPR article (repeatable: any)."),
]
YearOpt = Annotated[
    list[int] | None,
    typer.Option("--year", "-y", help="Only this year decided (else published); repeatable."),
]
YearFromOpt = Annotated[int | None, typer.Option("--year-from", help="Only from this year on.")]
YearToOpt = Annotated[int | None, typer.Option("--year-to", help="Only up to this year.")]
KindOpt = Annotated[Kind | None, typer.Option("--kind", "-k", help="Only DPA or court cases.")]
AuthorityOpt = Annotated[
    list[str] | None, typer.Option("--authority", help="Only this DPA or court (repeatable).")
]
OutcomeOpt = Annotated[
    list[str] | None, typer.Option("--outcome", help="Only this outcome (repeatable).")
]
TypeOpt = Annotated[list[str] | None, typer.Option("--type", help="Only this type (repeatable).")]
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


_FILTERS: tuple[str, ...] = (
    "jurisdiction",
    "article",
    "year",
    "year_from",
    "year_to",
    "kind",
    "authority",
)
_FILTERS += ("outcome", "type", "no_warnings")


def _filters(args: dict[str, Any]) -> dict[str, Any]:
    """The store filters among a command's arguments (pass `locals()`), unset ones left out."""
    out = {k: args[k] for k in _FILTERS if args.get(k) not in (None, [], False)}
    if "kind" in out:
        out["kind"] = out["kind"].value
    return out


def _report(result: IngestResult, verb: str) -> None:
    head, *failures = result.summary_lines()
    typer.echo(head.replace("ingested", verb, 1))
    for line in failures:
        typer.secho(line, err=True, fg=typer.colors.RED)
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
    jurisdiction: JurisdictionOpt = None,
    article: ArticleOpt = None,
    year: YearOpt = None,
    year_from: YearFromOpt = None,
    year_to: YearToOpt = None,
    kind: KindOpt = None,
    authority: AuthorityOpt = None,
    outcome: OutcomeOpt = None,
    type: TypeOpt = None,
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
    filters = _filters(locals())
    with open_store(ctx) as store:
        try:
            if citations:
                n = export_citations(store, format.value, out, **filters)
            else:
                n = export_cases(store, format.value, out, with_text=with_text, **filters)
        except BrokenPipeError:  # `gdprkb export ... | head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return
    if citations:
        typer.echo(f"exported {n} citations" + (f" to {out}" if out else ""), err=True)
        return
    noun = "case" if n == 1 else "cases"
    typer.echo(f"exported {n} {noun}" + (f" to {out}" if out else ""), err=True)


@app.command("stats")
def stats_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")] = False,
    jurisdiction: JurisdictionOpt = None,
    article: ArticleOpt = None,
    year: YearOpt = None,
    year_from: YearFromOpt = None,
    year_to: YearToOpt = None,
    kind: KindOpt = None,
    authority: AuthorityOpt = None,
    outcome: OutcomeOpt = None,
    type: TypeOpt = None,
    no_warnings: NoWarningsOpt = False,
) -> None:
    """Count the stored cases per kind, jurisdiction, year and data-quality warning (after any
    filters)."""
    filters = _filters(locals())
    with open_store(ctx) as store:
        pages = store.page_counts()
        total = store.count_cases(**filters)
        groups: dict[str, list[tuple[Any, int]]] = {
            by: store.counts(by, **filters) for by in ("kind", "jurisdiction", "year")
        }
        groups["warning"] = list(store.warning_counts(**filters))
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
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"cases: {total}   article pages: {pages['article']}   "
        f"other pages: {pages['other']}   failures: {pages['failure']}"
    )
    for by, rows in groups.items():
        typer.echo(f"\nby {by}:")
        width = max((len(_label(v)) for v, _ in rows), default=0)
        for value, n in rows:
            typer.echo(f"  {_label(value):<{width}}  {n:>6}")


def _label(value: Any) -> str:
    return "(none)" if value is None else str(value)
