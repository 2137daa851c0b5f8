"""The `gdprkb` command: a thin layer over corpus/, scraper/, index/, translation/ and app.py.

`common.py` holds the app and the one shared layer (home, exit codes, errors, store, index,
filters); each other module adds its commands to that app with `@app.command()`. To add a
command: write it in a module here and list the module below.
"""

from __future__ import annotations

# Imported for their `@app.command()` registrations, in the order `--help` lists them.
from gdprkb.cli import alerts, corpus, scrape, search, serve, show, translate  # noqa: F401
from gdprkb.cli.common import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
