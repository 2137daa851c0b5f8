"""CLI commands `translate install|list`: offline translation models (Argos Translate).

Nothing is downloaded; argostranslate loads only to translate.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from gdprkb.cli.common import app, home_of, library_errors

translate_app = typer.Typer(
    help="Install and list offline translation models (Argos Translate).",
    no_args_is_help=True,
)
app.add_typer(translate_app, name="translate")


class Into(StrEnum):
    """Where `translate install` puts a package."""

    home = "home"
    argos = "argos"


@translate_app.command("install")
def install_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="A .argosmodel file downloaded elsewhere.")],
    into: Annotated[
        Into,
        typer.Option(
            "--into",
            help="home: the gdprkb home's models folder; argos: argostranslate's own folder.",
        ),
    ] = Into.home,
) -> None:
    """Install a translation model from a .argosmodel file, offline."""
    from gdprkb.translation.models import argos_packages_dir, install_package

    target = home_of(ctx).models_dir if into is Into.home else argos_packages_dir()
    with library_errors():
        pair = install_package(path, target)
    typer.echo(f"installed {pair.label} {pair.version} into {pair.path}")


@translate_app.command("list")
def list_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the installed language pairs (the home's first, then argostranslate's own)."""
    from gdprkb.translation.models import installed_pairs

    pairs = installed_pairs(home_of(ctx).models_dir)
    if as_json:
        typer.echo(json.dumps([p.to_dict() for p in pairs], ensure_ascii=False, indent=2))
        return
    if not pairs:
        typer.echo(
            "no translation models installed. Download a .argosmodel file (for example "
            "translate-da_en) from the Argos Translate package index on a machine with "
            "internet, then: gdprkb translate install FILE.argosmodel"
        )
        return
    for p in pairs:
        typer.echo(f"{p.from_code}→{p.to_code}  {p.label}  v{p.version}  [{p.location}] {p.path}")
