"""Harvest throughput and requests per page against the local stand-in, rate limit off.

    python bench/bench_scrape.py [PAGES_DIR]     (default: $GDPRKB_SAMPLE_PAGES or
                                                  ../shared/gdprhub/pages)

In one process, with the stand-in serving PAGES_DIR on 127.0.0.1 in a thread:
- baselines: a bare httpx GET loop over the same `action=parse` URLs (no retries, no parse, no
  store), one connection, then four threads; and the same GETs with parse_page + store.put
  done by hand in one loop (the scraper's work without its politeness, retries and threads);
- a full harvest into a fresh store with 1 and with 4 workers (each printed as a ratio to the
  baselines); all of these interleaved, BENCH_REPEATS (3) times, and medians reported;
- a no-change re-run, a run after 10 revisions changed, and a full run against a wiki without
  the allpages generator (the fallback listing).
Checks the targets: a full run makes <= 1.05 page fetches per decision page plus <= 1 listing
request per 50 pages; a no-change re-run makes <= 1 request per 50 pages.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from gdprkb.corpus.parse import page_url, parse_page
from gdprkb.corpus.record import PageMeta
from gdprkb.corpus.store import Store
from gdprkb.scraper.gdprhub import GDPRhub
from gdprkb.scraper.harvest import Summary
from gdprkb.scraper.mirror import Mirror

REPO = Path(__file__).resolve().parent.parent
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))


def sample_dir() -> Path:
    """The pages to serve: argv[1], $GDPRKB_SAMPLE_PAGES or ../shared/gdprhub/pages."""
    if len(sys.argv) > 1:
        return Path(sys.argv[1])
    env = os.environ.get("GDPRKB_SAMPLE_PAGES")
    return Path(env) if env else REPO.parent / "shared" / "gdprhub" / "pages"


def bare_loop(url: str, titles: list[str], workers: int) -> float:
    """Seconds to GET every title's action=parse URL with plain httpx (the baseline)."""
    params = {"action": "parse", "prop": "text|categories|revid|displaytitle", "format": "json"}

    def work(chunk: list[str]) -> None:
        with httpx.Client() as c:
            for t in chunk:
                c.get(url + "/api.php", params={**params, "page": t}).raise_for_status()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=work, args=(titles[i::workers],)) for i in range(workers)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return time.perf_counter() - t0


def bare_pipeline(url: str, titles: list[str], db: Path) -> float:
    """Seconds for the same work done by hand: GET, parse_page, store.put, one page at a time."""
    params = {"action": "parse", "prop": "text|categories|revid|displaytitle", "format": "json"}
    t0 = time.perf_counter()
    with httpx.Client() as c, Store(db) as store:
        for t in titles:
            p = c.get(url + "/api.php", params={**params, "page": t}).json()["parse"]
            cats = [x["*"].replace("_", " ") for x in p["categories"]]
            meta = PageMeta(p["title"], p["pageid"], p["revid"], cats, page_url(p["title"]))
            html = p["text"]["*"]
            store.put(parse_page(html, meta), html.encode(), meta)
    return time.perf_counter() - t0


def run(m: Mirror, db: Path, workers: int = 4) -> tuple[float, Summary]:
    """One harvest of the mirror into `db`, rate limit off: (seconds, summary)."""
    with Store(db) as store:
        t0 = time.perf_counter()
        runs = db.parent / f"runs-{db.stem}"  # as the CLI: run logs, robots.txt kept a day
        s = GDPRhub(store, wiki=m.url, rate=0, concurrency=workers, runs_dir=runs).run()
        return time.perf_counter() - t0, s


def main() -> None:
    """Print the figures and whether the targets hold."""
    folder = sample_dir()
    tmp = Path(tempfile.mkdtemp(prefix="bench_scrape"))
    ok = True
    with Mirror(folder) as m:
        titles = m.titles()
        n = len(titles)
        print(f"{n} pages from {folder}, served at {m.url}\n")
        # Interleaved repeats, medians: the machine is shared, so single timings wander.
        times: dict[str, list[float]] = {}
        last: dict[int, Summary] = {}
        for r in range(REPEATS):
            for w in (1, 4):
                times.setdefault(f"get{w}", []).append(bare_loop(m.url, titles, w))
            times.setdefault("by_hand", []).append(
                bare_pipeline(m.url, titles, tmp / f"by_hand{r}.sqlite")
            )
            for w in (1, 4):
                secs, last[w] = run(
                    m, tmp / (f"full{w}.sqlite" if r == 0 else f"x{w}{r}.sqlite"), w
                )
                assert last[w].status == "done", last[w].error
                times.setdefault(f"harvest{w}", []).append(secs)
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f"medians of {REPEATS} interleaved runs\n")
        for w in (1, 4):
            t = med[f"get{w}"]
            print(f"baseline  bare httpx GET loop, {w} conn: {t:6.2f} s  {n / t:6.1f} pages/s")
        by_hand = med["by_hand"]
        print(
            f"baseline  GET + parse_page + store.put by hand, 1 conn: {by_hand:6.2f} s  "
            f"{n / by_hand:6.1f} pages/s\n"
        )
        for w in (1, 4):
            secs, s = med[f"harvest{w}"], last[w]
            decisions = s.new + s.updated
            parse = s.requests.get("parse", 0)
            other = s.requests["total"] - parse
            print(
                f"full harvest, {w} worker(s): {secs:6.2f} s  {n / secs:6.1f} pages/s  "
                f"x{secs / med[f'get{w}']:.2f} of the bare GET loop ({w} conn), "
                f"x{secs / by_hand:.2f} of the by-hand pipeline"
            )
            print(
                f"  {parse} page fetches for {decisions} decisions = "
                f"{parse / decisions:.3f} per decision (target <= 1.05); "
                f"{other} robots/listing requests = 1 per {n / other:.0f} pages (target >= 50)"
            )
            ok &= parse / decisions <= 1.05 and n / other >= 50
        m.reset_log()
        secs, s = run(m, tmp / "full4.sqlite")
        total = s.requests["total"]
        print(
            f"\nno-change re-run: {secs:.2f} s, {total} requests = 1 per {n / total:.0f} pages "
            f"(target >= 50), {s.requests.get('parse', 0)} page fetches"
        )
        ok &= n / total >= 50 and s.requests.get("parse", 0) == 0
        for t in titles[:: max(1, n // 10)][:10]:
            m.bump(t)
        secs, s = run(m, tmp / "full4.sqlite")
        print(
            f"10 revisions changed: {secs:.2f} s, {s.requests['total']} requests, "
            f"{s.requests.get('parse', 0)} page fetches, {s.updated + s.articles} updated"
        )
        ok &= s.requests.get("parse", 0) == 10 == s.updated + s.articles
    with Mirror(folder, generator=False) as m:
        secs, s = run(m, tmp / "fallback.sqlite")
        other = s.requests["total"] - s.requests.get("parse", 0)
        print(
            f"wiki without the allpages generator: {secs:.2f} s, {other} robots/listing/info "
            f"requests = 1 per {n / other:.0f} pages"
            " (list=allpages + prop=info|revisions in batches of 50)"
        )
    print("\ntargets:", "met" if ok else "NOT MET")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
