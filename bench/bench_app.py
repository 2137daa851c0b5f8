"""Benchmark: the browser app against the command line for the same searches.

Serves the app (`gdprkb serve`) on 127.0.0.1 and drives Debian's chromium with Playwright,
with the launch and serve helpers the browser tests use (tests/chromium.py). In one process:

- Enter-to-results: from pressing Enter in the query box to the rendered results (the header
  with the expected total, exactly the expected cards in order, nothing left stale);
- click-to-case: from a plain click on a result title to the case page's heading;
- the sidebar path of issue 11 §1: query, then Jurisdiction, Authority and "Fine from" one
  after another, timed to the settled total (checked against the CLI's);
- CLI: `gdprkb search ... --json -n 20` for the same search, as a user runs it (process start
  included); and the search API in-process for reference.

It prints medians and the ratios browser / CLI.

    python bench/bench_app.py [--home DIR] [--repeat R]

Without --home (or with an empty one) it builds a temporary home from the sample pages
(GDPRKB_SAMPLE_PAGES or ../shared/gdprhub/pages): ingest, then index.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

QUERIES = [
    "video surveillance employee",
    '"legitimate interest" cookies',
    "data breach notification",
    "right of access",
    "consent newsletter",
    "article:32 fine:>10000",
]
SIDEBAR_QUERY = "video surveillance employee"
SIDEBAR_STEPS = [("jurisdiction", "Spain"), ("authority", "AEPD (Spain)"), ("fine", "10000")]
# Done = the header shows the total, the cards are exactly the expected page in order, and
# nothing on the page is left stale from the previous run (sidebar facets included).
RENDERED = """([total, ids]) => {
  if (!document.body.innerText.includes(total + " decisions ·")
      && !document.body.innerText.includes(total + " decision ·")) return false;
  const cards = [...document.querySelectorAll('[class*="st-key-card_"]')].map(
    (e) => [...e.classList].find((c) => c.startsWith("st-key-card_")).slice(12));
  if (ids !== null && cards.join(",") !== ids.join(",")) return false;
  return document.querySelectorAll('[data-stale="true"]').length === 0;
}"""
GDPRKB = str(Path(sys.executable).parent / "gdprkb")


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


def cli(home: Path, query: str, filters: list[tuple[str, str]]) -> tuple[float, int]:
    """Wall time and total of `gdprkb search QUERY --filter k=v ... --json -n 20`."""
    args = [GDPRKB, "--home", str(home), "search", query, "--json", "-n", "20"]
    for key, value in filters:
        args += ["--filter", f"{key}={value}"]
    t0 = time.perf_counter()
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - t0, int(json.loads(out)["total"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--home", type=Path, help="a home with corpus and index (default: sample)")
    ap.add_argument("--repeat", type=int, default=5, help="timed runs per measure")
    args = ap.parse_args()

    from chromium import chromium, served_app
    from playwright.sync_api import Page, sync_playwright

    from gdprkb.home import Home
    from gdprkb.index.search import SearchIndex

    tmp = None
    home = args.home
    if home is None or not Home(home).db.is_file():
        tmp = tempfile.TemporaryDirectory(prefix="bench_app_")
        print("building a home from the sample pages ...", flush=True)
        home = build_home(Path(tmp.name))
    index = SearchIndex(Home(home).index_dir)
    everything = f"{index.search('').total:,}"

    def wait_rendered(page: Page, total: int, ids: list[str] | None) -> None:
        page.wait_for_function(RENDERED, arg=[f"{total:,}", ids], polling="raf")

    search_rows, case_rows = [], []
    with served_app(home) as url, sync_playwright() as pw, chromium(pw) as browser:
        page = browser.new_page()
        page.set_default_timeout(60_000)
        page.goto(url)
        page.get_by_text("decisions ·").first.wait_for()
        box = page.locator(".st-key-w_q input")
        for query in QUERIES:
            res = index.search(query, page_size=20)
            ids = [str(h.page_id) for h in res.hits]
            browser_s, case_s, api_s, cli_s = [], [], [], []
            for _ in range(args.repeat + 1):  # the first run warms up, not counted
                page.goto(url)
                page.get_by_text(f"{everything} decisions").first.wait_for()
                box.fill(query)
                t0 = time.perf_counter()
                box.press("Enter")
                wait_rendered(page, res.total, ids)
                browser_s.append(time.perf_counter() - t0)
                if ids:
                    link = page.locator(f".st-key-card_{ids[0]} h4 a[href^='?case=']")
                    t0 = time.perf_counter()
                    link.click()
                    page.get_by_text("Back to results").wait_for()
                    page.locator("h1").first.wait_for()
                    case_s.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                index.search(query, page_size=20)
                api_s.append(time.perf_counter() - t0)
                cli_s.append(cli(home, query, [])[0])
            search_rows.append(
                (query, res.total, *(statistics.median(x[1:]) for x in (browser_s, cli_s, api_s)))
            )
            if case_s[1:]:
                case_rows.append((query, statistics.median(case_s[1:])))

        # The sidebar path of issue 11 §1, step by step, each total checked against the CLI.
        path_s, path_cli = [], []
        for _ in range(args.repeat + 1):
            page.goto(f"{url}/?q={SIDEBAR_QUERY.replace(' ', '+')}")
            page.get_by_text("decisions ·").first.wait_for()
            filters: list[tuple[str, str]] = []
            t_browser = 0.0
            t_cli = 0.0
            for key, value in SIDEBAR_STEPS:
                filters.append((key, f"{value}.." if key == "fine" else value))
                took, total = cli(home, SIDEBAR_QUERY, filters)
                t_cli += took
                t0 = time.perf_counter()
                if key == "fine":
                    fine = page.locator(".st-key-w_fine_min input")
                    fine.fill(value)
                    fine.press("Enter")
                else:
                    page.locator(f".st-key-w_f_{key} input[role=combobox]").click()
                    name = re.compile("^" + re.escape(value) + r" \(")
                    page.get_by_role("option", name=name).click()
                    page.keyboard.press("Escape")
                page.wait_for_function(
                    "(k) => location.search.includes(k)", arg=key if key != "fine" else "fine_min"
                )
                wait_rendered(page, total, None)
                t_browser += time.perf_counter() - t0
            path_s.append(t_browser)
            path_cli.append(t_cli)
    if tmp:
        tmp.cleanup()

    print(f"\n{index.doc_count} cases; medians of {args.repeat} runs\n")
    print("Enter-to-results (browser) vs the same search in the CLI and the API")
    print(f"{'query':34} {'hits':>5} {'browser':>9} {'CLI':>9} {'API':>8} {'browser/CLI':>12}")
    for query, total, b, c, a in search_rows:
        ms = f"{b * 1000:7.0f}ms {c * 1000:7.0f}ms {a * 1000:6.0f}ms"
        print(f"{query:34} {total:5d} {ms} {b / c:11.2f}x")
    b = statistics.median(r[2] for r in search_rows)
    c = statistics.median(r[3] for r in search_rows)
    a = statistics.median(r[4] for r in search_rows)
    print(
        f"median: browser {b * 1000:.0f} ms, CLI {c * 1000:.0f} ms, API {a * 1000:.0f} ms; "
        f"browser/CLI = {b / c:.2f}x"
    )
    k = statistics.median(r[1] for r in case_rows)
    print(f"\nclick-to-case (browser, plain click on a result title): median {k * 1000:.0f} ms")
    print("  the CLI counterpart is `gdprkb show ID`: ", end="")
    t0 = time.perf_counter()
    subprocess.run([GDPRKB, "--home", str(home), "show", "2146"], check=True, capture_output=True)
    s = time.perf_counter() - t0
    print(f"{s * 1000:.0f} ms; browser/CLI = {k / s:.2f}x")
    p, q = statistics.median(path_s), statistics.median(path_cli)
    steps = " → ".join(f"{k}={v}" for k, v in SIDEBAR_STEPS)
    print(f"\nsidebar path ({SIDEBAR_QUERY!r}: {steps}), totals equal the CLI's at each step:")
    print(
        f"  browser {p * 1000:.0f} ms for {len(SIDEBAR_STEPS)} steps; the same three "
        f"`gdprkb search --filter ...` runs {q * 1000:.0f} ms; browser/CLI = {p / q:.2f}x"
    )


if __name__ == "__main__":
    main()
