"""The `gdprkb scrape` and `gdprkb mirror` commands, run as a user runs them."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gdprkb.corpus.store import Store
from gdprkb.scraper.faults import Faults, gzip_bomb
from gdprkb.scraper.mirror import Mirror

GDPRKB = str(Path(sys.executable).parent / "gdprkb")


@pytest.fixture
def mirror(sample_subset: Path) -> Iterator[Mirror]:
    with Mirror(sample_subset) as m:
        yield m


def test_scrape_command_prints_the_summary(mirror: Mirror, tmp_path: Path) -> None:
    r = subprocess.run(
        [GDPRKB, "--home", str(tmp_path), "scrape", "--wiki", mirror.url, "--rate", "0",
         "--no-progress", "--titles", f"{mirror.titles()[0]}|Nope"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "1 new, 0 updated, 0 unchanged, 1 failed, 0 not a decision" in r.stdout
    assert "failed: Nope: no such page on the wiki" in r.stderr
    assert "run log:" in r.stdout


def test_scrape_command_names_an_unreachable_wiki(tmp_path: Path) -> None:
    r = subprocess.run(
        [GDPRKB, "--home", str(tmp_path), "scrape", "--wiki", "http://127.0.0.1:9",
         "--no-progress", "--retries", "1"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 1
    assert "error: connection problem with http://127.0.0.1:9/robots.txt" in r.stderr


def test_mirror_command_serves_until_stopped(sample_subset: Path) -> None:
    proc = subprocess.Popen(
        [GDPRKB, "mirror", str(sample_subset), "--port", "0"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert "serving" in line and "pages" in line
        url = line.split(" at ")[1].split()[0]
        assert httpx.get(url + "/robots.txt").status_code == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_mirror_command_names_a_bad_folder(tmp_path: Path) -> None:
    r = subprocess.run(
        [GDPRKB, "mirror", str(tmp_path / "nope")],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "nope: not a folder of saved pages" in r.stderr


def test_mirror_command_skips_files_that_are_not_pages(tmp_path: Path) -> None:
    (tmp_path / "notes.html").write_text("<html><body>my notes</body></html>")
    r = subprocess.run([GDPRKB, "mirror", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 1
    assert f"skipped {tmp_path / 'notes.html'}: no MediaWiki page metadata" in r.stderr
    assert "no saved wiki pages (*.html) to serve" in r.stderr


def test_scrape_command_names_a_bad_wiki_url_and_an_unusable_database(
    mirror: Mirror, tmp_path: Path
) -> None:
    r = subprocess.run(
        [GDPRKB, "--home", str(tmp_path), "scrape", "--wiki", "gdprhub.eu"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert r.returncode == 2 and "--wiki 'gdprhub.eu': not an http(s) URL" in r.stderr
    (tmp_path / "corpus.sqlite").write_bytes(b"this is not a database" * 100)
    r = subprocess.run(
        [GDPRKB, "--home", str(tmp_path), "scrape", "--wiki", mirror.url, "--no-progress"],
        capture_output=True, text=True,
    )  # fmt: skip
    # A database error ends every command the same way: nothing done, exit 2.
    assert r.returncode == 2 and "the corpus database" in r.stderr
    assert "Traceback" not in r.stderr


# `gdprkb ARGS...`, then this process's own peak RSS (VmHWM) on stderr's last line: the
# child's ru_maxrss would start from the parent's (pytest's) size, which Linux keeps over exec.
_WITH_PEAK = """
import re, sys
from gdprkb.cli import app
try:
    app(sys.argv[1:], prog_name="gdprkb")
except SystemExit as e:
    code = e.code
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print(f"peak-rss-kb {hwm}", file=sys.stderr)
sys.exit(code)
"""


def test_a_scrape_of_a_hostile_wiki_stays_small_and_keeps_the_good_pages(
    sample_subset: Path, tmp_path: Path
) -> None:
    # issue 10 §3: a 1 MB gzip bomb (1 GiB unpacked) and a 512 MB answer took 4.3 and 2.2 GB
    gzip_bomb()  # made before the scrape's clock starts
    faults = Faults(("bomb", "huge"), first=2, only="parse")
    home = tmp_path / "home"
    with Mirror(sample_subset, faults=faults) as m:
        r = subprocess.run(
            [sys.executable, "-c", _WITH_PEAK, "--home", str(home), "scrape", "--wiki", m.url,
             "--rate", "0", "--no-progress", "--concurrency", "1"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert ", 2 failed," in r.stdout
    assert r.stderr.count("larger than 16 MiB unpacked (the per-page limit)") == 2, r.stderr
    with Store(home / "corpus.sqlite") as store:
        assert store.count_pages() == len(m.titles()) - 2
    peak_kb = int(r.stderr.rsplit("peak-rss-kb ", 1)[1])
    assert peak_kb < 400 * 1024, peak_kb


def test_the_mirror_command_offers_the_hostile_faults_by_name(sample_subset: Path) -> None:
    r = subprocess.run(
        [GDPRKB, "mirror", str(sample_subset), "--port", "0", "--faults", "bomb,teapot"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert r.returncode == 2
    assert "kinds are 429,500,slow,drop,truncate,challenge,bomb,huge,drip" in r.stderr
