"""gdprkb show: a case by page id, case number or ECLI; page text never drives the terminal."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gdprkb.cli import app

runner = CliRunner()


def run(home: Path, *args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, ["--home", str(home), *args])
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture(scope="module")
def home(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    h = tmp_path_factory.mktemp("show")
    shutil.copy(sample_db, h / "corpus.sqlite")
    return h


@pytest.mark.parametrize(
    "ident",
    ["137", "ECLI:NL:GHAMS:2019:3232", "ecli:nl:ghams:2019:3232", "200.247.727/01"],
)
def test_show_by_page_id_case_number_or_ecli(home: Path, ident: str) -> None:
    code, out, err = run(home, "show", ident, "--json")
    assert code == 0, err
    assert json.loads(out)["page_id"] == 137


def test_unknown_and_ambiguous_identifiers(home: Path) -> None:
    code, out, err = run(home, "show", "no-such-case-9")
    assert code == 2 and not out
    assert err.startswith("error: no case with page id, case number or ECLI 'no-such-case-9'")
    code, out, err = run(home, "show", "56/2021")
    assert code == 2 and not out
    assert "several cases have the case number or ECLI '56/2021'" in err
    assert "gdprkb show PAGE_ID" in err
    code, _, err = run(home, "show", "99999999999999999999999")
    assert code == 2 and "no case with page id" in err and "Traceback" not in err


@pytest.fixture
def hostile(home: Path, tmp_path: Path) -> Path:
    """The sample with terminal escapes planted in one case's title, facts and authority."""
    h = tmp_path / "hostile"
    h.mkdir()
    shutil.copy(home / "corpus.sqlite", h / "corpus.sqlite")
    with sqlite3.connect(h / "corpus.sqlite") as db:
        (record,) = db.execute("SELECT record FROM cases WHERE page_id = 2146").fetchone()
        case = json.loads(record)
        case["title"] = "\x1b]0;pwned\x07Datatilsynet \x1b[31mred\x1b[0m"
        case["facts"] = "Facts \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ end\x9b2J"
        case["authority"] = "Data\x08\x08\x08\x08XXXX\rAuthority"
        db.execute("UPDATE cases SET record = ? WHERE page_id = 2146", (json.dumps(case),))
    return h


def _assert_clean(text: str) -> None:
    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
    assert "\x08" not in text and "\r" not in text


def test_show_strips_terminal_controls(hostile: Path) -> None:
    code, out, _ = run(hostile, "show", "2146")
    assert code == 0
    _assert_clean(out)
    assert out.startswith("Datatilsynet red\n")
    assert "Facts link end" in out and "DataXXXXAuthority" in out


def test_show_strips_terminal_controls_when_piped(hostile: Path) -> None:
    gdprkb = Path(sys.executable).with_name("gdprkb")
    proc = subprocess.run(
        [str(gdprkb), "--home", str(hostile), "show", "2146"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    _assert_clean(proc.stdout)
