"""Checking 100 saved searches after a harvest with 50 changed pages, vs the same 100 searches
run from scratch.

    python bench/bench_alerts.py [PAGES_DIR]     (default: $GDPRKB_SAMPLE_PAGES or
                                                  ../shared/gdprhub/pages)

In one process: the local stand-in serves PAGES_DIR on 127.0.0.1; a full harvest fills a fresh
home, the index is built, 100 alerts are added (queries from the words and filters lawyers
use) and checked once (their baselines). Then 50 pages get a new revision on the stand-in, a
harvest fetches them and the index is updated. Timed, interleaved BENCH_REPEATS (3) times on
copies of that state, medians reported:
- `check`: `alerts check` of the 100 alerts (the corpus change feed + the index: only the 50
  changed cases are matched, feeds rewritten where something is new);
- `scratch`: the baseline, the same 100 searches run in full (every match of each, as the
  first check does) and compared with the previous match sets;
- `no change`: `alerts check` again right after (the daily case when nothing was edited).
The check and the scratch searches report the same new decisions (checked).
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from contextlib import closing
from pathlib import Path

from bench_ingest import sample_dir  # the script's folder is on sys.path

from gdprkb.corpus.alerts import AlertStore
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index.alert_check import AlertChecker
from gdprkb.index.build import update_index
from gdprkb.index.search import SearchIndex
from gdprkb.scraper.gdprhub import GDPRhub
from gdprkb.scraper.mirror import Mirror

REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
WORDS = [
    "camera", "consent", "cookies", "email", "marketing", "employee", "health", "school",
    "bank", "access", "erasure", "breach", "transfer", "police", "video", "credit",
    "fine", "child", "biometric", "location",
]  # fmt: skip
FILTERS = [{}, {"country": ["Spain"]}, {"country": ["Germany"]}, {"year": ["2020..2023"]}]


def alerts_to_add() -> list[tuple[str, str, dict[str, list[str]]]]:
    """100 saved searches: one or two words, some with a country or years."""
    out = []
    for i in range(100):
        a, b = WORDS[i % len(WORDS)], WORDS[(i * 7 + 3) % len(WORDS)]
        query = a if i % 3 == 0 else f"{a} {b}" if i % 3 == 1 else f'"{a}" OR {b}'
        out.append((f"a{i:03}", query, FILTERS[i % len(FILTERS)]))
    return out


def _add_to_facts(html: str, words: str) -> str:
    at = html.index("</p>", html.index('id="Facts"'))
    return html[:at] + words + html[at:]


def prepare(root: Path) -> Home:
    """A home after a harvest with 50 changed pages, its 100 alerts at their baselines."""
    home = Home(root)
    with Mirror(sample_dir()) as m, Store(home.db) as store:
        GDPRhub(store, wiki=m.url, rate=0, concurrency=4).run()
        update_index(store, home.index_dir, progress=False)
        with AlertStore(home.db) as alerts, closing(SearchIndex(home.index_dir)) as ix:
            for name, query, filters in alerts_to_add():
                alerts.add(name, query, filters)
            AlertChecker(store, alerts, ix, home.index_dir).check(None, home.feeds_dir)
        # 50 new revisions of decisions, each adding two watched words to its Facts (an
        # indexed section): new matches for some alerts, old ones for others
        decisions = [t for t in m.titles() if 'id="Facts"' in m.entry(t).full_html()]
        for i, t in enumerate(decisions[:: max(1, len(decisions) // 50)][:50]):
            words = f" {WORDS[i % len(WORDS)]} {WORDS[(i * 3 + 1) % len(WORDS)]}"
            m.bump(t, lambda h, w=words: _add_to_facts(h, w))
        s = GDPRhub(store, wiki=m.url, rate=0, concurrency=4).run()
        assert s.to_fetch == 50, s.line()
        update_index(store, home.index_dir, progress=False)
    return home


def timed_check(home: Home) -> tuple[float, dict[str, set[int]]]:
    """Seconds for `alerts check` of every alert, and what it reported."""
    with (
        Store(home.db) as store,
        AlertStore(home.db) as alerts,
        closing(SearchIndex(home.index_dir)) as ix,
    ):
        t0 = time.perf_counter()
        reports = AlertChecker(store, alerts, ix, home.index_dir).check(None, home.feeds_dir)
        took = time.perf_counter() - t0
    return took, {r.alert.name: {h.page_id for h in r.new} for r in reports}


def timed_scratch(home: Home) -> tuple[float, dict[str, set[int]]]:
    """Seconds to run the same searches in full and diff them with the previous matches."""
    with AlertStore(home.db) as alerts, closing(SearchIndex(home.index_dir)) as ix:
        saved = alerts.all()
        previous = {a.name: alerts.matches(a.name) for a in saved}
        t0 = time.perf_counter()
        found = {
            a.name: ix.exact_matches(a.query, filters=a.filters)[0] - previous[a.name]
            for a in saved
        }
        took = time.perf_counter() - t0
    return took, found


def main() -> None:
    """Prepare once, time both ways on fresh copies, print medians and the ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        state = prepare(Path(tmp) / "state")
        took = time.perf_counter() - t0
        print(f"prepared: harvest, index, 100 baselines, 50 changed pages ({took:.1f} s)")
        checks: list[float] = []
        scratches: list[float] = []
        idle: list[float] = []
        for i in range(REPEATS):
            copy = Home(Path(tmp) / f"run{i}")
            shutil.copytree(state.root, copy.root)
            took_s, by_scratch = timed_scratch(copy)
            took_c, by_check = timed_check(copy)
            assert by_check == by_scratch, "the check and the full searches disagree"
            took_n, nothing = timed_check(copy)
            assert not any(nothing.values())
            checks.append(took_c)
            scratches.append(took_s)
            idle.append(took_n)
        c, s = statistics.median(checks), statistics.median(scratches)
        n_new = sum(len(v) for v in by_check.values())
        print(f"alerts check, 100 alerts, 50 changed pages: {c * 1000:.0f} ms ({n_new} new hits)")
        print(f"same 100 searches from scratch:             {s * 1000:.0f} ms")
        n = statistics.median(idle)
        print(f"alerts check again, nothing changed:        {n * 1000:.0f} ms")
        print(f"ratio scratch / check: {s / c:.2f}x")


if __name__ == "__main__":
    main()
