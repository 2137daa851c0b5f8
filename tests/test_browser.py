"""One real-browser run: `gdprkb serve` on 127.0.0.1, driven by Playwright in Debian's chromium.

Searches, applies a filter, opens a case, reloads it from its URL, and saves the README's
screenshots (docs/screenshots/search.png and case.png).
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect, sync_playwright

from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index.search import SearchIndex

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
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
QUERY = "video surveillance employee"


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    """Wait until Streamlit answers its health check (fail early if the server died)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"`gdprkb serve` exited with {proc.returncode}")
        try:
            if httpx.get(f"{url}/_stcore/health", timeout=2).text == "ok":
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"the app did not come up at {url} within {timeout:.0f}s")


@pytest.fixture(scope="module")
def served(sample_home: Path) -> Iterator[str]:
    """The app served by `gdprkb serve` on a free port; yields its URL."""
    port = free_port()
    gdprkb = Path(sys.executable).parent / "gdprkb"
    proc = subprocess.Popen(
        [str(gdprkb), "--home", str(sample_home), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_text(page: Page, text: str, timeout: float = 30_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def test_search_filter_open_case_in_chromium(served: str, sample_home: Path) -> None:
    index = SearchIndex(Home(sample_home).index_dir)
    total = index.search(QUERY).total
    spain = next(v for v in index.search(QUERY).facets["jurisdiction"] if v.value == "Spain")
    narrowed = index.search(QUERY, filters={"jurisdiction": ["Spain"]})
    assert total > spain.count == narrowed.total > 0

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw, tempfile.TemporaryDirectory() as profile:
        browser = pw.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(60_000)  # CI machines are shared; waits, not sleeps
            page.goto(served)
            wait_text(page, "decisions ·")

            box = page.locator(".st-key-w_q input")
            box.fill(QUERY)
            box.press("Enter")
            wait_text(page, f"{total:,} decisions")
            page.wait_for_url("**q=video+surveillance+employee*")

            page.locator(".st-key-w_f_jurisdiction").click()
            page.get_by_role("option", name=f"Spain ({spain.count})").click()
            wait_text(page, f"{narrowed.total:,} decisions")
            page.keyboard.press("Escape")
            page.wait_for_url("**jurisdiction=Spain*")
            first = narrowed.hits[0]
            card = page.locator(f".st-key-open_{first.page_id}")
            card.wait_for()
            page.wait_for_timeout(300)  # let the chips and snippets settle for the picture
            page.screenshot(path=str(SHOTS / "search.png"))

            card.locator("button").click()
            wait_text(page, "GDPRhub content is")
            page.wait_for_url(f"**case={first.page_id}&*")
            case = Store(Home(sample_home).db).get_case(first.page_id)
            assert case is not None
            page.get_by_role("heading", name=case.title).wait_for()
            page.wait_for_timeout(300)
            page.screenshot(path=str(SHOTS / "case.png"))

            # The URL alone restores the view: reload lands on the same case.
            page.reload()
            page.get_by_role("heading", name=case.title).wait_for(timeout=30_000)
            page.get_by_text("Back to results").click()
            wait_text(page, f"{narrowed.total:,} decisions")
            expect(page.locator(".st-key-w_q input")).to_have_value(QUERY)
        finally:
            browser.close()
    for name in ("search.png", "case.png"):
        shot = SHOTS / name
        assert shot.stat().st_size > 20_000, f"{shot} looks empty"
