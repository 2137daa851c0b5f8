"""The docs cover the code: every command and option in docs/cli.md, every record field in
docs/record-schema.md, every export column in docs/cli.md. The one docs test."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import click
import pytest
import typer.main

from gdprkb.cli import app
from gdprkb.corpus import record
from gdprkb.corpus.export import COLUMNS, TEXT_COLUMNS

DOCS = Path(__file__).resolve().parent.parent / "docs"
CLI_DOC = (DOCS / "cli.md").read_text(encoding="utf-8")
ROOT = typer.main.get_command(app)


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group (typer's click is not always `click`)
            out.update(_commands(command, f"{prefix}{name} "))
        else:
            out[prefix + name] = command
    return out


COMMANDS = _commands(ROOT)  # type: ignore[arg-type]


def _section(name: str) -> str:
    """The text of the `### gdprkb NAME ...` section of docs/cli.md (up to the next heading)."""
    match = re.search(rf"^### `gdprkb {re.escape(name)}\b[^\n]*\n(.*?)(?=^#)", CLI_DOC, re.M | re.S)
    assert match, f"docs/cli.md has no section for `gdprkb {name}`"
    return match.group(1)


def _names(param: click.Parameter) -> list[str]:
    names = [o for o in (*param.opts, *param.secondary_opts) if o.startswith("--")]
    return [n for n in names if n != "--help"]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_is_documented(name: str) -> None:
    section = _section(name)
    shared = CLI_DOC.split("## Filters", 1)[1].split("\n## ", 1)[0]
    for param in COMMANDS[name].params:
        for option in _names(param):
            # The filter options are described once, in the Filters section.
            assert f"`{option}" in section or (
                f"`{option}" in shared and "the filters above" in section
            ), f"gdprkb {name} {option} is not in docs/cli.md"
        envvar = getattr(param, "envvar", None)
        if envvar:
            assert envvar in section, f"gdprkb {name}: env {envvar} is not in docs/cli.md"


def test_global_options_and_exit_codes_are_documented() -> None:
    for param in ROOT.params:
        for option in _names(param):
            assert f"`{option}" in CLI_DOC, f"gdprkb {option} is not in docs/cli.md"
    assert "GDPRKB_HOME" in CLI_DOC
    for code in ("**0**", "**1**", "**2**", "**130**"):
        assert code in CLI_DOC


def test_every_export_column_is_documented() -> None:
    section = _section("export")
    for column in [*COLUMNS, *TEXT_COLUMNS]:
        assert re.search(rf"\b{column}\b", section), f"export column {column} not in docs/cli.md"


@pytest.mark.parametrize(
    "kind",
    [record.CaseRecord, record.ArticlePage, record.NotADecision, record.AppealRef, record.Source],
)
def test_every_record_field_is_in_the_record_schema(kind: type) -> None:
    schema = (DOCS / "record-schema.md").read_text(encoding="utf-8")
    for field in dataclasses.fields(kind):
        assert f"`{field.name}`" in schema, f"{kind.__name__}.{field.name} not in record-schema"
