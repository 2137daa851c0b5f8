"""Fault and abuse: hostile-query times against the search bound, ingest RSS with bombs, recovery.

    python bench/bench_abuse.py [PAGES_DIR] [--pages 120]

In one run, on a corpus of the first N sample pages (a folder of symlinks):
1. `SearchIndex.search` of hostile queries under each sort; the slowest against the documented
   bound (index/search.py TIME_LIMIT_S), beside a normal query as the baseline ratio.
2. Peak RSS (VmHWM, in a child process each) of an ingest of a few good pages alone and with a
   1 MB zip holding 1 GiB of zeros and a .html.gz bomb of the same.
3. A `gdprkb index` killed with SIGKILL after 1.5 s, then the re-run timed until it succeeds,
   against a clean full build of the same corpus.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_ingest import sample_dir  # noqa: E402
from gdprkb.home import Home  # noqa: E402
from gdprkb.index.search import TIME_LIMIT_S, SearchIndex  # noqa: E402

ENV = {**os.environ, "PYTHONPATH": str(REPO)}
GIB = 1 << 30
SORTS = ("relevance", "date", "fine")
COMMON = ("the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "be")
COMMON += ("this", "are", "or", "it", "from", "at")
HOSTILE = {
    '"ECLI:"*20000': "ECLI:" * 20000,
    "10,000-word phrase": '"' + " ".join(["data", "protection", "consent", "fine"] * 2500) + '"',
    "100 kB word": "a" * 100_000,
    "70 common words": " ".join((COMMON * 4)[:70]),
    "article:1..2..3": "article:1..2..3",
}
NORMAL = "video surveillance employee"

_INGEST = """
import json, re, sys
from gdprkb.corpus.ingest import ingest
from gdprkb.corpus.store import Store
with Store(sys.argv[1]) as store:
    r = ingest(store, sys.argv[2:], progress=False, jobs=1)
hwm = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())
print(json.dumps({"failed": len(r.failed), "rss_mb": int(hwm.group(1)) / 1024}))
"""


def gdprkb(home: Path, *args: str) -> subprocess.Popen[bytes]:
    """Start the gdprkb CLI on `home` as a child process."""
    cmd = [str(Path(sys.executable).with_name("gdprkb")), "--home", str(home), *args]
    return subprocess.Popen(cmd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def run(home: Path, *args: str) -> tuple[int, float]:
    """Run the CLI to the end: exit code and wall seconds."""
    t0 = time.perf_counter()
    proc = gdprkb(home, *args)
    _, err = proc.communicate()
    if proc.returncode not in (0, 1):
        print(err.decode()[-400:], file=sys.stderr)
    return proc.returncode, time.perf_counter() - t0


def timed_search(ix: SearchIndex, query: str, sort: str) -> tuple[float, str]:
    """Seconds of one whole search and how it ended (hits, warning or error)."""
    t0 = time.perf_counter()
    try:
        res = ix.search(query, sort=sort)
        end = f"{res.total}h" + ("+w" if res.warnings else "")
    except Exception as exc:  # noqa: BLE001 - the bench reports, never stops
        end = type(exc).__name__[:7]
    return time.perf_counter() - t0, end


def bench_queries(index_dir: Path) -> None:
    """Every hostile query under every sort, the slowest against the bound and a normal query."""
    ix = SearchIndex(index_dir)
    timed_search(ix, NORMAL, "relevance")  # warm the searcher
    base = max(timed_search(ix, NORMAL, s)[0] for s in SORTS)
    print(f"\n== 1. hostile queries (bound {TIME_LIMIT_S:g} s)")
    print(f"{'query':22} " + " ".join(f"{s:>17}" for s in SORTS))
    slowest = (0.0, "")
    for label, q in HOSTILE.items():
        cells = []
        for s in SORTS:
            secs, end = timed_search(ix, q, s)
            slowest = max(slowest, (secs, f"{label} / {s}"))
            cells.append(f"{secs:7.3f} s {end:>7}")
        print(f"{label:22} " + " ".join(cells))
    ix.close()
    print("(h = hits, +w = a repaired query with a warning)")
    worst, name = slowest
    print(f"slowest: {name}, {worst:.3f} s = {worst / TIME_LIMIT_S:.3f} of the bound")
    print(f"normal query {NORMAL!r}: {base:.3f} s = {base / TIME_LIMIT_S:.3f} of the bound")


def _zeros(fp: object, total: int) -> None:
    block = bytes(1 << 20)
    for _ in range(total // len(block)):
        fp.write(block)  # type: ignore[attr-defined]


def peak_ingest(db: Path, paths: list[Path]) -> dict[str, float]:
    """Ingest `paths` in a fresh child process: failures and its peak RSS in MB."""
    cmd = [sys.executable, "-c", _INGEST, str(db), *map(str, paths)]
    out = subprocess.run(cmd, env=ENV, capture_output=True, text=True, check=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def bench_bombs(tmp: Path, good: list[Path]) -> None:
    """Peak RSS of an ingest of good pages alone and with a zip bomb and a .html.gz bomb."""
    with (
        zipfile.ZipFile(tmp / "bomb.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf,
        zf.open("zeros.html", "w", force_zip64=True) as fp,
    ):
        _zeros(fp, GIB)
    with gzip.open(tmp / "bomb.html.gz", "wb", compresslevel=9) as gz:
        _zeros(gz, GIB)
    size = (tmp / "bomb.zip").stat().st_size / 1e6
    alone = peak_ingest(tmp / "alone.sqlite", good)
    bombs = peak_ingest(tmp / "bombs.sqlite", [tmp / "bomb.zip", *good, tmp / "bomb.html.gz"])
    print(f"\n== 2. ingest peak RSS ({len(good)} good pages; zip bomb {size:.1f} MB -> 1 GiB)")
    print(f"good pages alone   {alone['rss_mb']:7.1f} MB  failed {alone['failed']:.0f}")
    print(f"with both bombs    {bombs['rss_mb']:7.1f} MB  failed {bombs['failed']:.0f}")
    print(f"ratio              {bombs['rss_mb'] / alone['rss_mb']:7.2f}x")


def killed_then_rerun(home: Path) -> tuple[bool, float, int, int]:
    """Kill a full index build after 1.5 s; re-run `gdprkb index` until it succeeds."""
    proc = gdprkb(home, "index", "--full", "-q")
    time.sleep(1.5)
    alive = proc.poll() is None
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    t0, tries, rc = time.perf_counter(), 0, -1
    while rc != 0 and tries < 3:
        tries += 1
        rc, _ = run(home, "index", "-q")
    return alive, time.perf_counter() - t0, tries, rc


def indexed(home: Path) -> int:
    """How many cases the home's index finds for the empty query."""
    ix = SearchIndex(Home.resolve(home).index_dir)
    total = ix.search("", facets=False).total
    ix.close()
    return total


def bench_recovery(home: Path, clean_s: float) -> None:
    """A killed rebuild (index present) and a killed first build (no index), then the re-run."""
    expected = indexed(home)
    print("\n== 3. recovery after `gdprkb index --full` killed (SIGKILL) at 1.5 s")
    print(f"clean full build {clean_s:6.1f} s, {expected} cases indexed")
    for label, drop in (("rebuild, index present", False), ("first build, no index", True)):
        if drop:
            shutil.rmtree(Home.resolve(home).index_dir)
        alive, secs, tries, rc = killed_then_rerun(home)
        print(
            f"{label:23} killed mid-build {'yes' if alive else 'no'}; re-run to success "
            f"{secs:5.1f} s = {secs / clean_s:.2f}x clean ({tries} run(s), exit {rc}, "
            f"{indexed(home)}/{expected} cases)"
        )


def main() -> None:
    """Build the subset corpus and index, then run the three benchmarks."""
    ap = argparse.ArgumentParser()
    ap.add_argument("pages_dir", nargs="?")
    ap.add_argument("--pages", type=int, default=120)
    args = ap.parse_args()
    src = Path(args.pages_dir) if args.pages_dir else sample_dir()
    with tempfile.TemporaryDirectory(prefix="bench_abuse_") as t:
        tmp = Path(t)
        subset = tmp / "pages"
        subset.mkdir()
        pages = sorted(src.glob("*.html"))[: args.pages]
        for p in pages:
            (subset / p.name).symlink_to(p)
        home = tmp / "home"
        rc, ing_s = run(home, "ingest", "-q", str(subset))
        rc, clean_s = run(home, "index", "--full", "-q")
        print(f"corpus: {len(pages)} pages, ingest {ing_s:.1f} s, full build {clean_s:.1f} s")
        bench_queries(Home.resolve(home).index_dir)
        bench_bombs(tmp, pages[:3])
        bench_recovery(home, clean_s)


if __name__ == "__main__":
    main()
