"""gdprkb ingest / reparse / export / stats through typer's CliRunner and the real entry point."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from gdprkb.cli import app
from gdprkb.corpus.export import COLUMNS
from gdprkb.corpus.store import Store

SEED = 2146
runner = CliRunner()


def run(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), *args])


@pytest.fixture
def home(tmp_path: Path, sample_db: Path) -> Path:
    """A home holding a copy of the ingested sample."""
    h = tmp_path / "home"
    h.mkdir()
    shutil.copy(sample_db, h / "corpus.sqlite")
    return h


@pytest.fixture
def few(tmp_path: Path, sample_pages: Path) -> Path:
    """A folder of two real pages, an empty file and a bot-challenge page."""
    d = tmp_path / "few"
    d.mkdir()
    for pid in (SEED, 4356):
        shutil.copy(sample_pages / f"{pid}.html", d)
    (d / "empty.html").write_bytes(b"")
    (d / "anubis.html").write_text(
        "<html><head><title>Making sure you&#39;re not a bot!</title></head>"
        "<body><script id='anubis_challenge'>{}</script></body></html>"
    )
    return d


def test_ingest_reports_each_failed_file_and_exits_1(tmp_path: Path, few: Path) -> None:
    res = run(tmp_path / "h", "ingest", "--quiet", str(few))
    assert res.exit_code == 1
    assert res.stdout.splitlines() == [
        "ingested 2 decisions (2 new, 0 updated), 0 article pages, 0 not a decision, "
        "0 unchanged, 2 failed"
    ]
    assert f"failed: {few / 'empty.html'}: empty file" in res.stderr
    assert f"failed: {few / 'anubis.html'}: bot-challenge interstitial (Anubis)" in res.stderr
    assert "Traceback" not in res.output
    with Store(tmp_path / "h" / "corpus.sqlite") as s:
        assert s.count_cases() == 2


def test_ingest_all_good_exits_0_and_again_is_unchanged(tmp_path: Path, few: Path) -> None:
    pages = [str(few / f"{SEED}.html"), str(few / "4356.html")]
    res = run(tmp_path / "h", "ingest", *pages)
    assert res.exit_code == 0, res.output
    assert "2 new" in res.stdout
    assert "ingest: 100%" in res.stderr  # the progress bar
    res = run(tmp_path / "h", "ingest", "-q", *pages)
    assert res.exit_code == 0
    assert res.stdout.strip().endswith("2 unchanged, 0 failed")


def test_ingest_missing_path_is_a_named_failure(tmp_path: Path, few: Path) -> None:
    res = run(tmp_path / "h", "ingest", "-q", str(tmp_path / "nope"), str(few / f"{SEED}.html"))
    assert res.exit_code == 1
    assert f"failed: {tmp_path / 'nope'}: no such file or folder" in res.stderr
    assert "1 new" in res.stdout


def test_unusable_database_is_a_clean_error(tmp_path: Path, few: Path) -> None:
    h = tmp_path / "h"
    h.mkdir()
    (h / "corpus.sqlite").write_bytes(b"this is not a database" * 100)
    res = run(h, "stats")
    assert res.exit_code == 2
    assert res.stderr.startswith(f"error: cannot open the corpus database {h / 'corpus.sqlite'}")
    assert "Traceback" not in res.output


def test_reparse(home: Path) -> None:
    res = run(home, "reparse", "-q")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("reparsed 0 decisions (0 new, 0 updated)")
    assert "922 unchanged, 0 failed" in res.stdout


def test_stats_tables_and_json(sample_home: Path) -> None:
    res = run(sample_home, "stats")
    assert res.exit_code == 0
    with Store(sample_home / "corpus.sqlite") as s:
        n = s.count_cases()
        dk = s.count_cases(jurisdiction="Denmark")
    lines = res.stdout.splitlines()
    assert lines[0].startswith(f"cases: {n}   article pages: 8")
    assert {"by kind:", "by jurisdiction:", "by year:"} <= set(lines)
    assert any(line.split() == ["Denmark", str(dk)] for line in lines)
    for flag in (["--jurisdiction", "Denmark"], ["-j", "denmark"], ["--filter", "country=Denmark"]):
        data = json.loads(run(sample_home, "stats", "--json", *flag).stdout)
        assert data["cases"] == dk
        assert data["by_jurisdiction"] == [{"value": "Denmark", "count": dk}]
    years = [r["value"] for r in json.loads(run(sample_home, "stats", "--json").stdout)["by_year"]]
    assert years == sorted(y for y in years if y is not None) + [None] * (None in years)


def test_stats_count_warnings_and_export_can_leave_them_out(home: Path, tmp_path: Path) -> None:
    """Issue 13 §2 on the real sample: 8212 (NOK on a Danish case), 7586 and 8871 (dates later
    than the page), 5800 and 7434 (fines not understood)."""
    data = json.loads(run(home, "stats", "--json").stdout)
    assert data["by_warning"] == [
        {"value": "date_published_in_future", "count": 2},
        {"value": "fine_not_understood", "count": 2},
        {"value": "date_decided_in_future", "count": 1},
        {"value": "fine_currency_mismatch", "count": 1},
    ]
    assert "by warning:" in run(home, "stats").stdout.splitlines()
    clean = json.loads(run(home, "stats", "--json", "--no-warnings").stdout)
    assert (clean["cases"], clean["by_warning"]) == (data["cases"] - 5, [])
    out = tmp_path / "clean.jsonl"
    assert run(home, "export", "-f", "jsonl", "-o", str(out), "--no-warnings").exit_code == 0
    ids = {json.loads(line)["page_id"] for line in out.read_text().splitlines()}
    assert len(ids) == data["cases"] - 5 and not ids & {5800, 7434, 7586, 8212, 8871}


def test_export_csv_jsonl_parquet_with_filters(sample_home: Path, tmp_path: Path) -> None:
    with Store(sample_home / "corpus.sqlite") as s:
        want = [c.page_id for c in s.iter_cases(jurisdiction="Denmark", article=32)]
    csv = tmp_path / "dk.csv"
    res = run(sample_home, "export", "--format", "csv", "--out", str(csv), "-j", "Denmark",
              "-a", "32")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert res.stderr.strip() == f"exported {len(want)} cases to {csv}"
    assert pd.read_csv(csv).page_id.tolist() == want
    res = run(sample_home, "export", "-f", "jsonl", "--filter", "country=Denmark",
              "--filter", "article=32")  # fmt: skip
    assert [json.loads(line)["page_id"] for line in res.stdout.splitlines()] == want
    pq_path = tmp_path / "dk.parquet"
    res = run(sample_home, "export", "-f", "parquet", "-o", str(pq_path),
              "--filter", "kind=dpa", "--year", "2020")  # fmt: skip
    assert res.exit_code == 0
    table = pq.read_table(pq_path)
    assert table.schema.names == COLUMNS
    assert set(table.column("kind").to_pylist()) == {"dpa"}
    assert set(table.column("year").to_pylist()) == {2020}


def test_export_csv_with_text(sample_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    res = run(sample_home, "export", "-f", "csv", "-o", str(out), "--with-text",
              "--filter", "year=2023..")  # fmt: skip
    assert res.exit_code == 0
    df = pd.read_csv(out)
    assert list(df.columns[-6:]) == ["lead", "facts", "dispute", "holding", "comment",
                                     "machine_translation"]  # fmt: skip
    assert len(df) and (df.year >= 2023).all()


def test_export_errors_are_clean(home: Path) -> None:
    res = run(home, "export", "-f", "parquet")
    assert res.exit_code == 2
    assert res.stderr.strip() == "error: Parquet is binary: give a file with --out"
    res = run(home, "export", "-f", "xlsx")
    assert res.exit_code == 2
    assert "'xlsx' is not one of" in res.output


def test_real_entry_point(tmp_path: Path, few: Path) -> None:
    gdprkb = Path(sys.executable).with_name("gdprkb")
    home = tmp_path / "h"
    proc = subprocess.run(
        [str(gdprkb), "--home", str(home), "ingest", str(few)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "ingested 2 decisions (2 new, 0 updated)" in proc.stdout
    assert f"failed: {few / 'empty.html'}: empty file" in proc.stderr
    proc = subprocess.run(
        [str(gdprkb), "stats", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"GDPRKB_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["cases"] == 2


def test_export_into_a_closed_pipe_ends_quietly(home: Path) -> None:
    gdprkb = Path(sys.executable).with_name("gdprkb")
    proc = subprocess.Popen(
        [str(gdprkb), "--home", str(home), "export", "-f", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = json.loads(proc.stdout.readline())  # like `| head -1`
    proc.stdout.close()
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""
    assert first["page_id"] > 0


def test_ctrl_c_keeps_whole_batches_and_says_how_to_finish(
    tmp_path: Path, sample_pages: Path
) -> None:
    gdprkb = Path(sys.executable).with_name("gdprkb")
    home = tmp_path / "h"
    cmd = [str(gdprkb), "--home", str(home), "ingest", "-q", "--jobs", "2", str(sample_pages)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while _pages(home / "corpus.sqlite") < 100 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "interrupted: pages stored so far are kept; run the same command again" in err
    assert "Traceback" not in err
    with Store(home / "corpus.sqlite") as s:
        assert s.integrity_check() == "ok"
        assert 0 < s.count_pages() < 922 and s.count_pages() % 100 == 0


def _pages(db: Path) -> int:
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as con:
            return int(con.execute("SELECT count(*) FROM pages").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize("command", [["stats"], ["export", "--format", "csv"], ["reparse"]])
def test_reading_commands_on_a_missing_corpus_say_how_to_fill_it(
    tmp_path: Path, command: list[str]
) -> None:
    home = tmp_path / "nowhere"
    result = run(home, *command)
    assert result.exit_code == 2
    assert "no corpus in" in result.output and "gdprkb ingest" in result.output
    assert not (home / "corpus.sqlite").exists()  # nothing created by a command that only reads


def _full_device(folder: Path) -> Path:
    """A character device like /dev/full (every write fails with ENOSPC), made in `folder`."""
    dev = folder / "full"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    except PermissionError:  # not root: the system's own
        return Path("/dev/full")
    return dev


def test_export_to_a_symlink_writes_its_target_and_keeps_the_link(
    home: Path, tmp_path: Path
) -> None:
    real = tmp_path / "data" / "real.jsonl"
    real.parent.mkdir()
    real.write_text("old\n")
    real.chmod(0o640)
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    res = run(home, "export", "-f", "jsonl", "--out", str(link))
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and link.resolve() == real.resolve()
    lines = real.read_text().splitlines()
    assert len(lines) > 900 and json.loads(lines[0])["page_id"] > 0
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the file keeps its permissions
    assert sorted(p.name for p in real.parent.iterdir()) == ["real.jsonl"]  # no temp left
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "data" / "new.csv")
    assert run(home, "export", "-f", "csv", "--out", str(dangling)).exit_code == 0
    assert dangling.is_symlink() and (tmp_path / "data" / "new.csv").stat().st_size > 0


def test_export_to_a_fifo_writes_into_it(home: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    res = run(home, "export", "-f", "jsonl", "--out", str(fifo))
    reader.join(timeout=60)
    assert res.exit_code == 0, res.output
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a FIFO, not replaced by a file
    assert got and len(got[0].splitlines()) > 900


def test_a_failed_write_is_never_reported_as_success(home: Path, tmp_path: Path) -> None:
    dev = _full_device(tmp_path)
    res = run(home, "export", "-f", "csv", "--out", str(dev))
    assert res.exit_code == 2
    assert res.stderr == f"error: cannot write {dev}: No space left on device\n"
    assert stat.S_ISCHR(dev.stat().st_mode)  # the device is still a device
    folder = tmp_path / "adir"
    folder.mkdir()
    res = run(home, "export", "-f", "csv", "--out", str(folder))
    assert res.exit_code == 2 and res.stderr.startswith(f"error: cannot write {folder}: ")
    gdprkb = Path(sys.executable).with_name("gdprkb")
    with open(dev, "wb") as full:  # `gdprkb export > /dev/full`
        proc = subprocess.run(
            [str(gdprkb), "--home", str(home), "export", "-f", "jsonl"],
            stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
        )  # fmt: skip
    assert proc.returncode == 2
    assert proc.stderr == "error: cannot write stdout: No space left on device\n"
