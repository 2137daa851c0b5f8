"""What citations cost an ingest, and how fast `cited_by` answers.

    python bench/bench_citations.py [PAGES_DIR]   (default: $GDPRKB_SAMPLE_PAGES or
                                                   ../shared/gdprhub/pages)

In one process, BENCH_ROUNDS (3) interleaved rounds keeping the best of each:
- a full ingest into a fresh store with citations switched off (extraction and graph writes
  replaced by no-ops: the baseline), with --jobs 1 and with the CLI's default --jobs;
- the same ingests with citations on;
- `citations.extract` alone over every stored case, against `parse_page` alone.
Printed as ratios to the baseline (the budget: citations add at most 20% to an ingest). Then
`cited_by` and `cites` for every stored case: median and worst milliseconds.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_ingest import fresh_ingest, sample_dir  # the script's folder is on sys.path

from gdprkb.corpus import citations, citegraph
from gdprkb.corpus.parse import parse_page
from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.store import Store
from gdprkb.corpus.workers import default_jobs

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))


class _Off:
    """Citations switched off for the baseline: no extraction, no graph writes."""

    def __enter__(self) -> None:
        self.saved = (citations.extract, citegraph.update)
        citations.extract = lambda *a, **k: []  # type: ignore[assignment]
        citegraph.update = lambda *a, **k: None  # type: ignore[assignment]

    def __exit__(self, *exc: object) -> None:
        citations.extract, citegraph.update = self.saved  # type: ignore[assignment]


def _ingest(pages: Path, db: Path, jobs: int) -> None:
    for f in db.parent.glob(db.name + "*"):
        f.unlink()
    fresh_ingest(pages, db, jobs)


def main() -> None:
    pages = sample_dir()
    files = sorted(pages.glob("*.html"))
    if not files:
        sys.exit(f"no .html pages in {pages}")
    best: dict[str, float] = {}

    def measure(key: str, fn: Callable[[], Any]) -> None:
        start = time.perf_counter()
        fn()
        best[key] = min(best.get(key, float("inf")), time.perf_counter() - start)

    with tempfile.TemporaryDirectory() as tmp_name:
        db = Path(tmp_name) / "corpus.sqlite"
        raws = [f.read_bytes() for f in files]
        parsed = [(parse_page(r), r) for r in raws]
        cases = [(p, r) for p, r in parsed if isinstance(p, CaseRecord)]
        for _ in range(ROUNDS):
            for jobs in (1, default_jobs()):
                with _Off():
                    measure(f"off{jobs}", lambda j=jobs: _ingest(pages, db, j))
                measure(f"on{jobs}", lambda j=jobs: _ingest(pages, db, j))
            measure("parse", lambda: [parse_page(r) for r in raws])
            measure("extract", lambda: [citations.extract(c, r) for c, r in cases])
        print(f"{len(files)} pages, best of {ROUNDS} rounds")
        for jobs in sorted({1, default_jobs()}):
            off, on = best[f"off{jobs}"], best[f"on{jobs}"]
            print(
                f"ingest --jobs {jobs}: without citations {off:.2f} s, with {on:.2f} s,"
                f" ratio {on / off:.2f}"
            )
        print(
            f"extract alone {best['extract']:.2f} s = {best['extract'] / best['parse']:.2f}"
            f" x parse_page alone ({best['parse']:.2f} s)"
        )
        with Store(db) as store:
            ids = [c.page_id for c in store.iter_cases()]
            for name, fn in (("cited_by", store.cited_by), ("cites", store.cites)):
                times = []
                for pid in ids:
                    start = time.perf_counter()
                    fn(pid)
                    times.append((time.perf_counter() - start) * 1000)
                print(
                    f"{name}: median {statistics.median(times):.3f} ms,"
                    f" worst {max(times):.3f} ms over {len(ids)} cases"
                )


if __name__ == "__main__":
    main()
