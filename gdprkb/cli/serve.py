"""CLI command `serve`: run the Streamlit app (app.py) on the resolved home."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from gdprkb.cli.common import app, fail, home_of

APP = Path(__file__).parent.parent / "app.py"


def streamlit_command(port: int, host: str) -> list[str]:
    """The `streamlit run` command line for the app: headless, no usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={host}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        "--global.developmentMode=false",
        "--client.toolbarMode=minimal",
    ]


@app.command()
def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8501,
    host: Annotated[str, typer.Option(help="Address to bind (0.0.0.0 for all).")] = ("127.0.0.1"),
) -> None:
    """Serve the browser app: search, read cases, browse GDPR articles, export results."""
    home = home_of(ctx)
    if not APP.is_file():
        raise fail(f"the app script {APP} is missing (broken install?)")
    if not home.db.is_file():
        typer.echo(
            f"note: no corpus in {home.root} yet; the app will say how to scrape or ingest.",
            err=True,
        )
    typer.echo(f"gdprkb app on http://{host}:{port}  (home: {home.root}; Ctrl-C to stop)")
    env = {**os.environ, "GDPRKB_HOME": str(home.root)}
    cmd = streamlit_command(port, host)
    sys.stdout.flush()
    # Become the Streamlit server (no wrapper process): Ctrl-C and kill reach it directly.
    os.execve(cmd[0], cmd, env)
