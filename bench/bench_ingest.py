"""Ingest throughput against a bare lxml parse of the same pages, and peak RSS vs page count.

    python bench/bench_ingest.py [PAGES_DIR]     (default: $GDPRKB_SAMPLE_PAGES or
                                                  ../shared/gdprhub/pages)

In one process: read + `lxml.html.fromstring` every page (the baseline), then `parse_page` alone,
then a full ingest into a fresh store, a re-ingest (all unchanged) and a reparse; each is printed
with its ratio to the baseline. Then the pages are replicated under new page ids 1x, 2x and 4x
(as .html.gz in a temp folder) and each set is ingested in a fresh child process, whose peak
RSS (ru_maxrss) must stay flat as the page count grows.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import lxml.html

from corpus.ingest import ingest, reparse
from corpus.parse import parse_page
from corpus.store import Store

REPO = Path(__file__).resolve().parent.parent
ID_SHIFT = 10_000_000  # replica k of page p gets page id p + k * ID_SHIFT


def sample_dir() -> Path:
    """The pages to ingest: argv[1], $GDPRKB_SAMPLE_PAGES or ../shared/gdprhub/pages."""
    if len(sys.argv) > 1 and not sys.argv[1].startswith("--"):
        return Path(sys.argv[1])
    env = os.environ.get("GDPRKB_SAMPLE_PAGES")
    return Path(env) if env else REPO.parent / "shared" / "gdprhub" / "pages"


def peak_rss_mb() -> float:
    """This process's peak resident set size in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, *args, **kw):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn(*args, **kw)
    return time.perf_counter() - t, out


def bare_lxml(files: list[Path]) -> None:
    """The baseline: read each file and build its lxml tree, nothing else."""
    for f in files:
        lxml.html.fromstring(f.read_bytes())


def parse_only(files: list[Path]) -> None:
    """The parser alone: read each file and parse it into a record, no store."""
    for f in files:
        parse_page(f.read_bytes())


def replicate(files: list[Path], times: int, into: Path) -> None:
    """Write `times` copies of every page under new page ids, gzipped."""
    into.mkdir(parents=True, exist_ok=True)
    for f in files:
        data = f.read_bytes()
        for k in range(times):
            new = re.sub(
                rb'"wgArticleId":(\d+)',
                lambda m, k=k: b'"wgArticleId":%d' % (int(m.group(1)) + k * ID_SHIFT),
                data,
                count=1,
            )
            (into / f"{f.stem}_{k}.html.gz").write_bytes(gzip.compress(new, 1))


def child(pages: Path, db: Path) -> None:
    """Ingest `pages` into a fresh store at `db`; print JSON {pages, seconds, peak_rss_mb}."""
    with Store(db) as store:
        secs, result = timed(ingest, store, [pages], progress=False)
    out = {"pages": result.total, "failed": len(result.failed), "seconds": secs}
    print(json.dumps(out | {"peak_rss_mb": peak_rss_mb()}))


def main() -> None:
    pages = sample_dir()
    files = sorted(pages.glob("*.html"))
    if not files:
        sys.exit(f"no .html pages in {pages}")
    n = len(files)
    size = sum(f.stat().st_size for f in files) / 1e6
    bare_lxml(files[:50])  # warm the page cache and imports
    base, _ = timed(bare_lxml, files)
    parse, _ = timed(parse_only, files)

    def row(label: str, secs: float, count: int = n) -> None:
        print(f"{label:<34} {secs:6.2f} s  {count / secs:7.0f} pages/s  {secs / base:5.1f}x lxml")

    print(f"{n} pages, {size:.1f} MB, from {pages}")
    row("bare lxml.html.fromstring", base)
    row("parse_page alone", parse)
    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "corpus.sqlite") as store:
            ingest_s, result = timed(ingest, store, [pages], progress=False)
            row("ingest (all new)", ingest_s)
            print(f"{'  of which not parse_page':<34} {ingest_s - parse:6.2f} s"
                  f"  {' ' * 15}  {(ingest_s - parse) / base:5.1f}x lxml")  # fmt: skip
            again, _ = timed(ingest, store, [pages], progress=False)
            row("re-ingest (all unchanged)", again)
            rep, _ = timed(reparse, store, progress=False)
            row("reparse (nothing changed)", rep)
        print(f"failed: {len(result.failed)}; target: ingest <= 3x lxml -> "
              f"{'met' if ingest_s <= 3 * base else 'NOT met'} ({ingest_s / base:.1f}x)")  # fmt: skip

        print("\npeak RSS of a fresh process ingesting the pages replicated under new ids:")
        for times in (1, 2, 4):
            folder = Path(tmp) / f"x{times}"
            replicate(files, times, folder)
            proc = subprocess.run(
                [sys.executable, __file__, "--child", str(folder), str(Path(tmp) / f"{times}.db")],
                capture_output=True,
                text=True,
                check=True,
            )
            r = json.loads(proc.stdout)
            print(f"  {times}x: {r['pages']:5d} pages  {r['seconds']:6.1f} s  "
                  f"{r['pages'] / r['seconds']:5.0f} pages/s  peak RSS {r['peak_rss_mb']:6.1f} MB"
                  f"  ({r['failed']} failed)")  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
