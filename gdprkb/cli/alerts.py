"""CLI commands `alerts add|list|remove|check`: saved searches that say what is new."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

from gdprkb.cli.common import SOME_FAILED, app, home_of, json_text, open_index, open_store, say
from gdprkb.cli.filters import FilterOpt, collect

if TYPE_CHECKING:
    from gdprkb.corpus.alerts import AlertStore
    from gdprkb.corpus.store import Store
    from gdprkb.index.alert_check import AlertReport

alerts_app = typer.Typer(
    help="Saved searches: what is new for each after every harvest, as text, JSON and Atom.",
    no_args_is_help=True,
)
app.add_typer(alerts_app, name="alerts")


@contextmanager
def _alert_store(ctx: typer.Context) -> Iterator[tuple[Store, AlertStore]]:
    """The corpus store and its saved searches (the corpus must exist)."""
    from gdprkb.corpus.alerts import AlertStore

    with open_store(ctx) as store:
        alerts = AlertStore(store.path)
        try:
            yield store, alerts
        finally:
            alerts.close()


@alerts_app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="A name: letters, digits, '-', '_', '.'.")],
    query: Annotated[str, typer.Argument(help="The search, in the query language.")],
    filter_: FilterOpt = None,
) -> None:
    """Save a search; its first check sets the baseline, later checks report what is new."""
    from gdprkb.index.alert_check import validate

    filters = collect(filter_)
    with _alert_store(ctx) as (_, alerts), open_index(ctx) as ix:
        validate(ix, query, filters)
        alerts.add(name, query, filters)
    typer.echo(f"saved alert {name}; `gdprkb alerts check {name}` sets its baseline")


@alerts_app.command("list")
def list_(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="One JSON array.")] = False,
) -> None:
    """List the saved searches with when each was last checked."""
    with _alert_store(ctx) as (_, alerts):
        saved = alerts.all()
    if json_:
        typer.echo(json_text([a.to_dict() for a in saved]))
        return
    if not saved:
        typer.echo('No alerts. Add one: gdprkb alerts add NAME "QUERY" [--filter FIELD=VALUE]')
    for a in saved:
        filters = " ".join(f"--filter {k}={v}" for k, vs in a.filters.items() for v in vs)
        checked = f"checked {a.checked}" if a.checked else "not checked yet"
        say(f"{a.name}: {a.query!r} {filters}".rstrip() + f" ({checked})")


@alerts_app.command("remove")
def remove(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="The alert to remove.")]
) -> None:
    """Remove a saved search with what it has seen (its feed file is deleted too)."""
    from gdprkb.index.alert_check import feed_path

    with _alert_store(ctx) as (_, alerts):
        alerts.remove(name)
    feed_path(home_of(ctx).feeds_dir, name).unlink(missing_ok=True)
    typer.echo(f"removed alert {name}")


@alerts_app.command("check")
def check(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Alerts to check (default: all).", show_default=False)
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    all_: Annotated[
        bool, typer.Option("--all", help="List every current match instead of the new ones.")
    ] = False,
) -> None:
    """Report the decisions that newly match each alert since its last check; write feeds."""
    reports = run_check(ctx, names, show_all=all_)
    if json_:
        out = {"alerts": [r.to_dict() for r in reports]}
        typer.echo(json_text(out))
    else:
        _print(reports, all_)
    if any(r.error for r in reports):
        raise typer.Exit(SOME_FAILED)


def run_check(
    ctx: typer.Context, names: list[str] | None, *, show_all: bool = False
) -> list[AlertReport]:
    """Check alerts against the home's index (used by `check` and `scrape --check-alerts`)."""
    from gdprkb.index.alert_check import AlertChecker

    home = home_of(ctx)
    with _alert_store(ctx) as (store, alerts), open_index(ctx) as ix:
        checker = AlertChecker(store, alerts, ix, home.index_dir)
        return checker.check(names, home.feeds_dir, show_all=show_all)


def _print(reports: list[AlertReport], show_all: bool) -> None:
    if not reports:
        typer.echo('No alerts. Add one: gdprkb alerts add NAME "QUERY" [--filter FIELD=VALUE]')
    for r in reports:
        name = r.alert.name
        if r.error:
            say(f"failed: {name}: {r.error}", err=True)
            continue
        if show_all:
            head = f"{name}: {len(r.new)} matching"
        elif r.baseline:
            head = f"{name}: baseline set; new decisions are reported from the next check"
        else:
            head = f"{name}: {len(r.new)} new"
        typer.echo(f"{head} (feed: {r.feed})")
        for h in r.new:
            meta = " · ".join(
                str(m) for m in (h.date_decided or h.date_published, h.authority) if m
            )
            say(f"  {h.page_id}  {h.title}" + (f"  ({meta})" if meta else ""))
            say(f"      {h.url}")


def check_after_harvest(ctx: typer.Context, *, progress: bool) -> None:
    """`scrape --check-alerts`: bring the index up to date, then check every alert."""
    from gdprkb.index.build import update_index

    with open_store(ctx) as store:
        typer.echo(update_index(store, home_of(ctx).index_dir, progress=progress).summary())
    reports = run_check(ctx, None)
    _print(reports, False)
    if any(r.error for r in reports):
        raise typer.Exit(SOME_FAILED)
