"""gdprkb/cli/common.py: the one shared layer (version, help, home, exit codes, messages)."""

from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest
import typer.main
from typer.testing import CliRunner

from gdprkb import __version__
from gdprkb.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parent.parent


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    out: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        out[prefix + name] = command
        if hasattr(command, "commands"):  # a group (typer's click is not always `click`)
            out.update(_commands(command, f"{prefix}{name} "))
    return out


COMMANDS = _commands(typer.main.get_command(app))  # type: ignore[arg-type]


def test_version() -> None:
    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output == f"gdprkb {__version__}\n"


@pytest.mark.parametrize("name", ["", *COMMANDS])
def test_help_has_no_bool_metavars(name: str) -> None:
    res = runner.invoke(app, [*name.split(), "--help"], prog_name="gdprkb")
    assert res.exit_code == 0, res.output
    assert "<bool>" not in res.output and "Usage: gdprkb" in res.output


@pytest.mark.parametrize("command", [["stats"], ["show", "1"], ["index"], ["reparse"]])
def test_one_no_corpus_message(tmp_path: Path, command: list[str]) -> None:
    res = runner.invoke(app, ["--home", str(tmp_path / "none"), *command])
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error: no corpus in {tmp_path / 'none'}: fill it with")
    assert not (tmp_path / "none").exists()


def test_no_fail_helper_or_exit_code_outside_common() -> None:
    """Failing and the exit codes live in common.py; commands raise `fail(...)`."""
    for path in (ROOT / "gdprkb" / "cli").glob("*.py"):
        if path.name == "common.py":
            continue
        tree = ast.parse(path.read_text())
        defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
        assert not defined & {"_fail", "fail", "_store", "open_store"}, path
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "Exit":
                assert all(not isinstance(a, ast.Constant) for a in node.args), (
                    f"{path.name}:{node.lineno}: use the exit-code names of common.py"
                )


def test_nothing_below_the_cli_imports_it() -> None:
    """Configuration is core (gdprkb.home); no stage reaches up into the CLI package."""
    for folder in ("scraper", "corpus", "index", "translation", "webapp"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text()
            assert "gdprkb.cli" not in text and "from gdprkb import cli" not in text, path
    assert "gdprkb.cli" not in (ROOT / "app.py").read_text()
    assert "gdprkb.cli" not in (ROOT / "gdprkb" / "home.py").read_text()


def test_an_unexpected_library_error_is_one_line(
    sample_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index from an older schema made whoosh raise KeyError: still no traceback."""
    from gdprkb.index import search

    def broken(self: object, index_dir: Path) -> None:
        raise KeyError("No field named 'cited_n'")

    monkeypatch.setattr(search.SearchIndex, "__init__", broken)
    res = runner.invoke(app, ["--home", str(sample_home), "search", "cookies"])
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr == (
        "error: unexpected KeyError: \"No field named 'cited_n'\" (a bug? GDPRKB_DEBUG=1 shows "
        "where)\n"
    )
