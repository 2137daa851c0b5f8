"""One real-browser run: `gdprkb serve` on 127.0.0.1, driven by Playwright in Debian's chromium.

Searches, applies a filter, opens a case, reloads it from its URL, and takes the README's
screenshots: into a temporary folder, or into docs/screenshots/ when GDPRKB_SCREENSHOTS=docs
(so `make test` never changes tracked files).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import chromium, served_app
from playwright.sync_api import Page, expect, sync_playwright

from gdprkb.corpus.store import Store
from gdprkb.home import Home

REPO = Path(__file__).resolve().parent.parent
QUERY = "video surveillance employee"


@pytest.fixture(scope="module")
def served(sample_home: Path) -> Iterator[str]:
    """The app served by `gdprkb serve` on a free port; yields its URL."""
    with served_app(sample_home) as url:
        yield url


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: docs/screenshots/ only when asked to regenerate them."""
    if os.environ.get("GDPRKB_SCREENSHOTS") == "docs":
        return REPO / "docs" / "screenshots"
    return tmp_path


def wait_text(page: Page, text: str, timeout: float = 30_000) -> None:
    page.get_by_text(text, exact=False).first.wait_for(timeout=timeout)


def test_search_filter_open_case_in_chromium(served: str, sample_home: Path, shots: Path) -> None:
    store = Store(Home(sample_home).db)
    spain = store.count_cases(jurisdiction="Spain")
    shots.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw, chromium(pw) as browser:
        page = browser.new_page()
        page.set_default_timeout(60_000)  # CI machines are shared; waits, not sleeps
        page.goto(served)
        wait_text(page, f"{store.count_cases():,} decisions ·")
        expect(page.get_by_text("Deploy", exact=True)).to_have_count(0)  # no developer menu

        page.locator(".st-key-w_f_jurisdiction input[role=combobox]").click()
        page.get_by_role("option", name=f"Spain ({spain})").click()
        page.keyboard.press("Escape")
        wait_text(page, f"{spain:,} decisions")
        page.wait_for_url("**jurisdiction=Spain*")
        box = page.locator(".st-key-w_q input")
        box.fill(QUERY)
        box.press("Enter")
        page.wait_for_url("**q=video+surveillance+employee*")
        card = page.locator('[class*="st-key-card_"]').first
        card.wait_for()
        page.wait_for_timeout(300)  # let the chips and snippets settle for the picture
        page.screenshot(path=str(shots / "search.png"))

        link = card.locator("h4 a[href^='?case=']")
        page_id = int(re.search(r"case=(\d+)", link.get_attribute("href") or "").group(1))  # type: ignore[union-attr]
        case = store.get_case(page_id)
        assert case is not None and case.jurisdiction == "Spain"
        link.click()
        page.get_by_role("heading", level=1, name=case.title, exact=True).wait_for()
        page.wait_for_url(f"**case={page_id}&*")
        page.wait_for_timeout(300)
        page.screenshot(path=str(shots / "case.png"))

        # The URL alone restores the view: reload lands on the same case.
        page.reload()
        page.get_by_role("heading", level=1, name=case.title, exact=True).wait_for(timeout=30_000)
        page.get_by_text("Back to results").click()
        page.locator(f".st-key-card_{page_id}").wait_for()
        expect(page.locator(".st-key-w_q input")).to_have_value(QUERY)
    for name in ("search.png", "case.png"):
        shot = shots / name
        assert shot.stat().st_size > 20_000, f"{shot} looks empty"
