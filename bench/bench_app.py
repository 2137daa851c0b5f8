"""Benchmark: a search in the browser app against the same search on the command line.

Serves the app (`gdprkb serve`) on 127.0.0.1 and drives Debian's chromium with Playwright, as
tests/test_browser.py does. For each query it times, in this one process:

- browser: from pressing Enter in the query box to the rendered results: the header with the
  expected total, exactly the expected cards in order, and no element (sidebar facets
  included) still stale from the previous run;
- CLI: `gdprkb search QUERY --limit 20 --json` as a user runs it (process start included);
- API: `SearchIndex.search(...)` in-process, page of 20 with facets and snippets (what both
  call), for reference.

It prints medians per query and the ratio browser / CLI (target: at most 1.5).

    python bench/bench_app.py [--home DIR] [--repeat R]

Without --home (or with an empty one) it builds a temporary home from the sample pages
(GDPRKB_SAMPLE_PAGES or ../shared/gdprhub/pages): ingest, then index.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

QUERIES = [
    "video surveillance employee",
    '"legitimate interest" cookies',
    "data breach notification",
    "right of access",
    "consent newsletter",
    "article:32 fine:>10000",
]
# Done = the header shows the query's total, the cards are exactly the expected page, in
# order, and nothing on the page is left stale from the previous run (sidebar facets included).
RENDERED = """([total, ids]) => {
  if (!document.body.innerText.includes(total + " decisions ·")) return false;
  const cards = [...document.querySelectorAll('[class*="st-key-open_"]')].map(
    (e) => [...e.classList].find((c) => c.startsWith("st-key-open_")).slice(12));
  if (cards.join(",") !== ids.join(",")) return false;
  return document.querySelectorAll('[data-stale="true"]').length === 0;
}"""
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def build_home(root: Path) -> Path:
    """A home with the sample pages ingested and indexed."""
    from gdprkb.corpus.ingest import ingest
    from gdprkb.corpus.store import Store
    from gdprkb.home import Home
    from gdprkb.index.build import update_index

    pages = Path(
        os.environ.get("GDPRKB_SAMPLE_PAGES") or REPO.parent / "shared" / "gdprhub" / "pages"
    )
    home = Home(root)
    with Store(home.db) as store:
        ingest(store, [pages], progress=False)
        update_index(store, home.index_dir, progress=False)
    return root


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start `gdprkb serve` on a free port and wait for its health check."""
    import httpx

    port = free_port()
    gdprkb = Path(sys.executable).parent / "gdprkb"
    proc = subprocess.Popen(
        [str(gdprkb), "--home", str(home), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.send_signal(signal.SIGTERM)
    raise SystemExit("the app did not start")


def time_cli(home: Path, query: str) -> float:
    """Wall time of `gdprkb search QUERY --limit 20 --json`, as a user runs it."""
    gdprkb = Path(sys.executable).parent / "gdprkb"
    t0 = time.perf_counter()
    subprocess.run(
        [str(gdprkb), "--home", str(home), "search", query, "--limit", "20", "--json"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--home", type=Path, help="a home with corpus and index (default: sample)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from gdprkb.home import Home
    from gdprkb.index.search import SearchIndex

    tmp = None
    home = args.home
    if home is None or not Home(home).db.is_file():
        tmp = tempfile.TemporaryDirectory(prefix="bench_app_")
        print("building a home from the sample pages ...", flush=True)
        home = build_home(Path(tmp.name))
    index = SearchIndex(Home(home).index_dir)
    proc, url = serve(home)
    rows = []
    try:
        with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
            browser = pw.chromium.launch_persistent_context(
                profile,
                executable_path="/usr/bin/chromium",
                args=CHROMIUM_ARGS,
                headless=True,
                viewport={"width": 1400, "height": 1000},
            )
            page = browser.new_page()
            page.goto(url)
            page.get_by_text("decisions ·").first.wait_for(timeout=60_000)
            box = page.locator(".st-key-w_q input")
            for query in QUERIES:
                res = index.search(query, page_size=20)
                ids = [str(h.page_id) for h in res.hits]
                browser_s, api_s, cli_s = [], [], []
                for _ in range(args.repeat + 1):  # the first run warms up, not counted
                    box.fill("")  # back to the unfiltered list so every run is a new search
                    box.press("Enter")
                    page.get_by_text(f"{index.search('').total:,} decisions").first.wait_for()
                    box.fill(query)
                    t0 = time.perf_counter()
                    box.press("Enter")
                    page.wait_for_function(RENDERED, arg=[f"{res.total:,}", ids], polling="raf")
                    browser_s.append(time.perf_counter() - t0)
                    t0 = time.perf_counter()
                    index.search(query, page_size=20)
                    api_s.append(time.perf_counter() - t0)
                    cli_s.append(time_cli(home, query))
                rows.append(
                    (
                        query,
                        res.total,
                        statistics.median(browser_s[1:]),
                        statistics.median(cli_s[1:]),
                        statistics.median(api_s[1:]),
                    )
                )
            browser.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        if tmp:
            tmp.cleanup()

    print(f"\n{index.doc_count} cases; medians of {args.repeat} runs per query\n")
    print(f"{'query':34} {'hits':>5} {'browser':>9} {'CLI':>9} {'API':>8} {'browser/CLI':>12}")
    for query, total, b, c, a in rows:
        ms = f"{b * 1000:7.0f}ms {c * 1000:7.0f}ms {a * 1000:6.0f}ms"
        print(f"{query:34} {total:5d} {ms} {b / c:11.2f}x")
    b = statistics.median(r[2] for r in rows)
    c = statistics.median(r[3] for r in rows)
    a = statistics.median(r[4] for r in rows)
    print(
        f"\nmedian: browser {b * 1000:.0f} ms, CLI {c * 1000:.0f} ms, API {a * 1000:.0f} ms; "
        f"browser/CLI = {b / c:.2f}x (target <= 1.5x); browser/API = {b / a:.1f}x"
    )


if __name__ == "__main__":
    main()
