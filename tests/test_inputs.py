"""corpus.inputs: bounded reads of pages, .gz and .zip bombs, and folder walks that say what
they pass over (issue 10 §3, §7)."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from gdprkb.corpus import inputs
from gdprkb.corpus.inputs import PageInput, Reader, discover
from gdprkb.corpus.limits import MAX_PAGE_BYTES, TooLarge

GIB = 1 << 30
GOOD = (2146, 3406, 5368)


def _zeros(fp, total: int) -> None:
    block = bytes(1 << 20)
    for _ in range(total // len(block)):
        fp.write(block)


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """bomb.zip (a member of 1 GiB of zeros) and bomb.html.gz (the same), about 1 MB each."""
    d = tmp_path_factory.mktemp("bombs")
    with (
        zipfile.ZipFile(d / "bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("zeros.html", "w", force_zip64=True) as fp,
    ):
        _zeros(fp, GIB)
    with gzip.open(d / "bomb.html.gz", "wb", compresslevel=9) as gz:
        _zeros(gz, GIB)
    assert (d / "bomb.zip").stat().st_size < 2 << 20
    assert (d / "bomb.html.gz").stat().st_size < 2 << 20
    return d


def test_bombs_stop_at_the_cap_while_unpacking(bombs: Path) -> None:
    reader = Reader()
    for item in (
        PageInput(str(bombs / "bomb.zip"), "zeros.html"),
        PageInput(str(bombs / "bomb.html.gz")),
    ):
        with pytest.raises(TooLarge, match="larger than 16 MiB"):
            reader.read(item)
    reader.close()


def test_a_file_over_the_cap_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.html"
    with open(big, "wb") as fp:
        fp.truncate(MAX_PAGE_BYTES + 1)  # sparse: no disk used
    monkeypatch.setattr(inputs, "open", lambda *a, **k: pytest.fail("read"), raising=False)
    with pytest.raises(TooLarge, match="the file is larger than 16 MiB"):
        Reader().read(PageInput(str(big)))


def test_a_page_at_the_cap_is_read_whole(tmp_path: Path) -> None:
    page = tmp_path / "p.html.gz"
    page.write_bytes(gzip.compress(b"x" * MAX_PAGE_BYTES))
    assert len(Reader().read(PageInput(str(page)))) == MAX_PAGE_BYTES


# Peak RSS from VmHWM, this process's own high-water mark: ru_maxrss would start from the
# parent's (pytest's) size, which Linux carries over the exec.
_INGEST = """
import json, re, sys
from gdprkb.corpus.ingest import ingest
from gdprkb.corpus.store import Store
with Store(sys.argv[1]) as store:
    r = ingest(store, sys.argv[2:], progress=False, jobs=1)
    stored = sorted(c.page_id for c in store.iter_cases())
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())
print(json.dumps({"failed": r.failed, "stored": stored, "rss_mb": int(hwm.group(1)) / 1024}))
"""


def _ingest(db: Path, *paths: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.run(
        [sys.executable, "-c", _INGEST, str(db), *map(str, paths)],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr  # no traceback, whatever the input
    return json.loads(proc.stdout)


def test_bombs_fail_by_name_the_batch_is_kept_and_memory_stays_small(
    bombs: Path, sample_pages: Path, tmp_path: Path
) -> None:
    """Issue 10 §3: a 1 MB zip of 1 GiB of zeros (and the same as .html.gz) beside good pages."""
    good = [sample_pages / f"{p}.html" for p in GOOD]
    got = _ingest(tmp_path / "c.sqlite", bombs / "bomb.zip", *good, bombs / "bomb.html.gz")
    failed = dict(got["failed"])
    assert set(failed) == {f"{bombs / 'bomb.zip'}:zeros.html", str(bombs / "bomb.html.gz")}
    assert all("larger than 16 MiB (the per-page limit)" in why for why in failed.values())
    assert got["stored"] == sorted(GOOD)
    assert got["rss_mb"] < 300, got  # was 2.2 GB
    print(f"peak RSS of the ingest with two bombs: {got['rss_mb']:.0f} MB")


def test_a_memory_error_is_one_failure(
    sample_pages: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Out of memory on one input: that input fails, the batch (same transaction) is kept."""
    from gdprkb.corpus.ingest import ingest
    from gdprkb.corpus.store import Store

    real = Reader.read

    def read(self: Reader, item: PageInput) -> bytes:
        if item.source.endswith("3406.html"):
            raise MemoryError
        return real(self, item)

    monkeypatch.setattr(Reader, "read", read)
    with Store(tmp_path / "c.sqlite") as s:
        result = ingest(s, [sample_pages / f"{p}.html" for p in GOOD], progress=False)
        assert sorted(c.page_id for c in s.iter_cases()) == [2146, 5368]
    assert result.failed == [(str(sample_pages / "3406.html"), "cannot read: out of memory")]


# -- folder walks ----------------------------------------------------------------------------


def test_a_walk_reports_each_entry_it_passes_over(tmp_path: Path, sample_pages: Path) -> None:
    """Issue 10 §7: symlink loops, FIFOs, broken links and folders named *.html are said."""
    d = tmp_path / "batch"
    (d / "old.html").mkdir(parents=True)  # a folder named like a page: read inside
    (d / "old.html" / "2146.html").write_bytes((sample_pages / "2146.html").read_bytes())
    (d / "loop.html").symlink_to(d / "loop.html")
    (d / "gone.html").symlink_to(d / "nowhere.html")
    os.mkfifo(d / "pipe.html")
    (d / "linked").symlink_to(tmp_path)  # a symlinked folder is not followed
    found = discover([d])
    assert [p.name for p in found.pages] == [str(d / "old.html" / "2146.html")]
    assert dict(found.skipped) == {
        str(d / "old.html"): "a folder, not a page (its contents are read)",
        str(d / "loop.html"): "symlink loop (the link points back at itself)",
        str(d / "gone.html"): f"broken symlink to {str(d / 'nowhere.html')!r}",
        str(d / "pipe.html"): "not a regular file (a FIFO)",
        str(d / "linked"): "a symlink to a folder (not followed)",
    }
    assert found.problems == []


def test_explicit_odd_paths_are_named_for_what_they_are(tmp_path: Path) -> None:
    (tmp_path / "loop.html").symlink_to(tmp_path / "loop.html")
    os.mkfifo(tmp_path / "pipe.html")
    found = discover([tmp_path / "loop.html", tmp_path / "pipe.html", tmp_path / "nope.html"])
    assert found.problems == [
        (str(tmp_path / "loop.html"), "symlink loop (the link points back at itself)"),
        (str(tmp_path / "pipe.html"), "not a regular file or folder (a FIFO)"),
        (str(tmp_path / "nope.html"), "no such file or folder"),
    ]


def test_the_ingest_summary_says_what_was_passed_over(tmp_path: Path, sample_pages: Path) -> None:
    from gdprkb.corpus.ingest import ingest
    from gdprkb.corpus.store import Store

    d = tmp_path / "batch"
    d.mkdir()
    (d / "2146.html").write_bytes((sample_pages / "2146.html").read_bytes())
    os.mkfifo(d / "pipe.html")
    with Store(tmp_path / "c.sqlite") as s:
        result = ingest(s, [d], progress=False)
    assert (result.new, result.failed) == (1, [])
    lines = result.summary_lines()
    assert lines[0].endswith("; 1 folder entries passed over")
    assert lines[1:] == [f"skipped: {d / 'pipe.html'}: not a regular file (a FIFO)"]
