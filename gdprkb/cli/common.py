"""The one shared layer of the CLI: the app, exit codes, failing, the store and the index.

A command module adds its commands with `@app.command()` (a group: a `typer.Typer` added with
`app.add_typer`), opens what it needs with `open_store` / `open_index`, calls the library and
prints. Library errors become one line on stderr and an exit code here, nowhere else:
0 done, 1 some inputs failed (the rest was done, each failure listed), 2 nothing done.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gdprkb import __version__
from gdprkb.corpus.present import terminal_safe
from gdprkb.home import Home

if TYPE_CHECKING:
    from gdprkb.corpus.store import Store
    from gdprkb.index.search import SearchIndex
    from gdprkb.translation.engine import Engine

DONE, SOME_FAILED, NOTHING_DONE, INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    help="gdprkb: search and export European data-protection decisions from GDPRhub.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    # Plain click help: flags read `--full`, not `--full <bool>`.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"gdprkb {__version__}")
        raise typer.Exit(DONE)


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
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Resolve the home folder once for every command."""
    ctx.obj = Home.resolve(home)


def home_of(ctx: typer.Context) -> Home:
    """The home folder resolved by the global options."""
    return ctx.obj if isinstance(ctx.obj, Home) else Home.resolve(None)


def fail(message: str, code: int = NOTHING_DONE) -> typer.Exit:
    """Print `error: message` on stderr; return the Exit to raise (`raise fail(...)`)."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    return typer.Exit(code)


def say(text: str, *, err: bool = False, fg: str | None = None) -> None:
    """Print text holding page data: terminal control sequences stripped, also when piped."""
    typer.secho(terminal_safe(text), err=err, fg=fg)


# JSON escapes C0 controls itself; C1 controls (U+0080..U+009F, e.g. the 8-bit CSI) and DEL
# are escaped too, since ensure_ascii=False would print them raw.
_RAW_IN_JSON = re.compile("[\x7f-\x9f]")


def json_text(data: Any, *, indent: int | None = 2) -> str:
    """`data` as JSON for the terminal: UTF-8 text, no raw control characters."""
    text = json.dumps(data, ensure_ascii=False, indent=indent)
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _library_errors() -> tuple[type[BaseException], ...]:
    """The typed errors of the library a command may meet; each ends the command with exit 2."""
    from gdprkb.corpus.store import StoreError
    from gdprkb.index.build import IndexBusy
    from gdprkb.index.search import IndexNotFound
    from gdprkb.translation.engine import TranslationError
    from gdprkb.translation.models import InstallError, MissingPair

    return (
        StoreError,
        IndexBusy,
        IndexNotFound,
        TranslationError,
        InstallError,
        MissingPair,
        ValueError,
        OverflowError,
        OSError,
    )


@contextmanager
def library_errors(home: Home | None = None) -> Iterator[None]:
    """Turn a library error into one line and exit 2; Ctrl-C or a kill into exit 130."""
    try:
        yield
    except KeyboardInterrupt:
        typer.echo("\ninterrupted: pages stored so far are kept; run the same command again "
                   "to finish", err=True)  # fmt: skip
        raise typer.Exit(INTERRUPTED) from None
    except sqlite3.Error as err:
        where = f"the corpus database {home.db}" if home else "the corpus database"
        raise fail(f"{where}: {err}") from None
    except _library_errors() as err:
        raise fail(str(err)) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as err:
        # A bug, or a library error without a type of its own: still one line, not a traceback
        # (GDPRKB_DEBUG=1 shows it).
        if os.environ.get("GDPRKB_DEBUG"):
            raise
        raise fail(
            f"unexpected {type(err).__name__}: {err} (a bug? GDPRKB_DEBUG=1 shows where)"
        ) from None


def no_corpus_message(home: Home) -> str:
    """The one message for a home without a corpus."""
    return (
        f"no corpus in {home.root}: fill it with `gdprkb scrape` or `gdprkb ingest PATH...`"
        " (or point --home / GDPRKB_HOME at an existing one)"
    )


@contextmanager
def open_store(ctx: typer.Context, *, create: bool = False) -> Iterator[Store]:
    """The home's corpus store, closed afterwards; library errors inside become exit 2.

    Only a command that adds pages (`create=True`) creates a missing database; the others say
    how to fill one.
    """
    from gdprkb.corpus.store import Store

    home = home_of(ctx)
    if not create and not home.db.is_file():
        raise fail(no_corpus_message(home))
    try:
        home.ensure()
        store = Store(home.db)
    except (OSError, sqlite3.Error) as err:
        raise fail(f"cannot open the corpus database {home.db}: {err}") from None
    with library_errors(home):
        try:
            yield store
        finally:
            store.close()


@contextmanager
def open_index(ctx: typer.Context) -> Iterator[SearchIndex]:
    """The home's search index, closed afterwards; library errors inside become exit 2."""
    from gdprkb.index.search import SearchIndex

    home = home_of(ctx)
    with library_errors(home):
        ix = SearchIndex(home.index_dir)
        try:
            yield ix
        finally:
            ix.close()


def open_engine(ctx: typer.Context) -> Engine:
    """The home's translation engine: its models and its cache in the corpus database."""
    from gdprkb.corpus.translations import TranslationCache
    from gdprkb.translation.engine import Engine

    home = home_of(ctx)
    return Engine(home.models_dir, TranslationCache(home.db))
