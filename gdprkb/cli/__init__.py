"""The `gdprkb` command: a thin layer over corpus/, scraper/, index/, translation/ and app.py.

Each command group lives in its own `cmd_*.py` module, which registers its commands here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from gdprkb import cmd_app, cmd_corpus, cmd_scrape, cmd_search, cmd_translate
from gdprkb.home import Home

app = typer.Typer(
    help="gdprkb: search and export European data-protection decisions from GDPRhub.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _global(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            envvar="GDPRKB_HOME",
            help="Folder for everything gdprkb writes (corpus DB, index, run logs).",
            show_default="./gdprkb-data",
        ),
    ] = None,
) -> None:
    """Resolve the home folder once for every command."""
    ctx.obj = Home.resolve(home)


for _module in (cmd_corpus, cmd_scrape, cmd_search, cmd_app, cmd_translate):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
