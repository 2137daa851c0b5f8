"""CLI commands `scrape` (harvest a MediaWiki into the corpus) and `mirror` (the local stand-in)."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated, Any

import typer

from gdprkb.cli.common import INTERRUPTED, SOME_FAILED, app, fail, home_of, open_store, say

DEFAULT_WIKI = "https://gdprhub.eu"


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # a kill ends the run like Ctrl-C: stored pages stay, log written


@app.command()
def scrape(
    ctx: typer.Context,
    wiki: Annotated[
        str, typer.Option(envvar="GDPRKB_WIKI", help="The wiki to harvest (its api.php is used).")
    ] = DEFAULT_WIKI,
    limit: Annotated[
        int | None, typer.Option(min=1, help="Fetch at most N pages this run (a sample).")
    ] = None,
    titles: Annotated[
        list[str] | None,
        typer.Option(
            "--titles",
            "--title",
            "-t",
            help="Refresh only these titles (repeat the option, or separate with '|').",
        ),
    ] = None,
    rate: Annotated[
        float, typer.Option(min=0, help="Requests per second across all workers; 0 = unlimited.")
    ] = 1.0,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight at once.")] = 2,
    user_agent: Annotated[
        str | None,
        typer.Option(
            envvar="GDPRKB_USER_AGENT",
            help="User-Agent header; put your contact in it.",
            show_default="gdprkb/<version> (...)",
        ),
    ] = None,
    retries: Annotated[
        int, typer.Option(min=1, help="Attempts per request before a page counts as failed.")
    ] = 6,
    timeout: Annotated[
        float,
        typer.Option(min=0.1, help="Seconds one request may take in all (connect to last byte)."),
    ] = 30,
    prune: Annotated[
        bool, typer.Option(help="Delete stored pages the wiki no longer lists (full runs only).")
    ] = False,
    progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
    check_alerts: Annotated[
        bool,
        typer.Option(
            "--check-alerts",
            help="After the harvest, update the index and check every saved search (feeds too).",
        ),
    ] = False,
) -> None:
    """Harvest the wiki into the corpus: only pages whose revision changed are fetched."""
    from gdprkb.scraper.gdprhub import GDPRhub
    from gdprkb.scraper.mediawiki import Backoff

    wanted = [t for raw in titles or [] for t in raw.split("|") if t.strip()] or None
    signal.signal(signal.SIGTERM, _raise_interrupt)
    # Python leaves SIGINT ignored when started from a shell that ignores it (background jobs
    # of scripts, some CI runners); Ctrl-C / kill -INT must still end the run cleanly.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with open_store(ctx, create=True) as store:
        source = GDPRhub(
            store,
            wiki=wiki,
            rate=rate,
            concurrency=concurrency,
            user_agent=user_agent,
            backoff=Backoff(attempts=retries, timeout=timeout),
            runs_dir=home_of(ctx).runs_dir,
            progress=progress,
        )
        summary = source.run(titles=wanted, limit=limit, prune=prune)
    for f in summary.failures[:20]:
        say(f"failed: {f['title']}: {f['reason']}", err=True)
    if len(summary.failures) > 20:
        typer.echo(f"... and {len(summary.failures) - 20} more (see the run log)", err=True)
    typer.echo(f"{wiki}: {summary.line()}")
    if summary.log:
        typer.echo(f"run log: {summary.log}")
    if summary.status == "interrupted":
        typer.echo("interrupted: everything fetched so far is stored; re-run to continue", err=True)
        raise typer.Exit(INTERRUPTED)
    if summary.status == "failed":
        raise fail(str(summary.error), SOME_FAILED)
    if check_alerts:
        from gdprkb.cli.alerts import check_after_harvest

        check_after_harvest(ctx, progress=progress)


@app.command()
def mirror(
    folder: Annotated[Path, typer.Argument(help="Folder of saved GDPRhub pages (*.html).")],
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0 picks a free one).")] = 8765,
    faults: Annotated[
        str | None,
        typer.Option(
            help="Inject faults: comma list of 429,500,slow,drop,truncate,challenge"
            " (and, only when named, the hostile bomb,huge,drip)."
        ),
    ] = None,
    fault_rate: Annotated[
        float, typer.Option(min=0, max=1, help="Share of API requests given a fault.")
    ] = 0.1,
    fault_first: Annotated[
        int, typer.Option(min=0, help="Also fault the first N API requests (kinds in turn).")
    ] = 0,
    seed: Annotated[int, typer.Option(help="Seed of the fault draw (same seed, same faults).")] = 0,
) -> None:
    """Serve a folder of saved pages as a MediaWiki (api.php, index.php, robots.txt) locally."""
    from gdprkb.scraper.faults import FAULT_KINDS, HOSTILE_KINDS, Faults
    from gdprkb.scraper.mirror import Mirror

    if not folder.is_dir():
        raise fail(f"{folder}: not a folder of saved pages")
    plan = None
    if faults:
        kinds = tuple(k.strip() for k in faults.split(",") if k.strip())
        known = FAULT_KINDS + HOSTILE_KINDS
        if not set(kinds) <= set(known):
            raise fail(f"--faults {faults!r}: kinds are {','.join(known)}")
        plan = Faults(kinds, first=fault_first, rate=fault_rate, seed=seed)
    m = Mirror(folder, faults=plan)
    for path, reason in m.skipped:
        say(f"skipped {path}: {reason}", err=True)
    if not m.titles():
        raise fail(f"{folder}: no saved wiki pages (*.html) to serve", SOME_FAILED)
    try:
        m.serve(
            port,
            announce=lambda url: typer.echo(
                f"serving {len(m.titles())} pages from {folder} at {url} "
                "(api.php, index.php, robots.txt); Ctrl-C to stop",
            ),
        )
    except OSError as e:
        raise fail(f"cannot listen on 127.0.0.1:{port}: {e.strerror}; try --port") from None
    except KeyboardInterrupt:
        pass
