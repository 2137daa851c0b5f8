"""The query language on a lawyer's path, in Debian's chromium (issue 11 §3): with a Danish
model installed, `Datatilsynet kamera` finds at least what the typed words find in every
language mode, the chosen language travels in the URL, and one click returns to the words as
typed. `gdprkb serve` runs on 127.0.0.1 over a copy of the sample home with the tiny models."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from chromium import chromium, served_app
from playwright.sync_api import Page, expect, sync_playwright

from gdprkb.home import Home
from gdprkb.index.search import SearchIndex
from gdprkb.translation.models import install_package
from gdprkb.translation.query import either_query

QUERY = "Datatilsynet kamera"
SEARCHED_FOR = "Searched for your words or their translation from Danish:"
expect.set_options(timeout=60_000)  # a shared 2-core machine: waits, not sleeps


@pytest.fixture(scope="module")
def home(sample_home: Path, tiny_argos_models: dict[str, Path], tmp_path_factory) -> Home:
    """A writable copy of the sample home (the cache writes to it) with both tiny pairs."""
    home = Home(tmp_path_factory.mktemp("tr_browser") / "home")
    shutil.copytree(sample_home, home.root)
    for archive in tiny_argos_models.values():
        install_package(archive, home.models_dir)
    return home


@pytest.fixture(scope="module")
def served(home: Home, tmp_path_factory) -> Iterator[str]:
    """`gdprkb serve` on a free port, seeing only the home's models."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ARGOS_PACKAGES_DIR", str(tmp_path_factory.mktemp("no_argos")))
        with served_app(home.root) as url:
            yield url


def shown_total(page: Page) -> int:
    """The "N decisions" of the results header, once it is on screen."""
    head = page.get_by_text(re.compile(r"^[\d,]+ decisions? · showing")).first
    head.wait_for()
    m = re.match(r"([\d,]+) decision", head.inner_text())
    assert m, head.inner_text()
    return int(m.group(1).replace(",", ""))


def choose_language(page: Page, label: str) -> None:
    page.locator(".st-key-w_qlang").click()
    page.get_by_role("option", name=label, exact=True).click()


def settled(page: Page) -> None:
    """Wait until Streamlit has finished the run a widget change started."""
    page.wait_for_timeout(300)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=60_000)


def test_a_name_query_never_loses_decisions_to_translation(served: str, home: Home) -> None:
    index = SearchIndex(home.index_dir)
    typed = index.search(QUERY)
    assert typed.total >= 1

    def union(english: str) -> int:
        return index.search(either_query(typed.query_used, english)).total

    with sync_playwright() as pw, chromium(pw) as browser:
        page = browser.new_page()
        page.set_default_timeout(60_000)
        page.goto(f"{served}/?q={QUERY.replace(' ', '+')}")
        # The default: the words as typed, nothing translated.
        assert shown_total(page) == typed.total
        expect(page.locator(".st-key-w_qlang input")).to_have_value("As typed")
        expect(page.get_by_text(SEARCHED_FOR)).to_have_count(0)

        # Danish chosen: the authority's name is kept, typed OR translated is searched.
        choose_language(page, "Danish")
        line = page.get_by_text(SEARCHED_FOR).first
        line.wait_for()
        page.wait_for_url("**lang=da*")
        settled(page)
        english = line.locator("strong").inner_text()
        assert english.split()[0] == "Datatilsynet", english
        assert shown_total(page) == union(english) >= typed.total

        # The language is part of the link: a reload (or a shared URL) keeps it.
        page.reload()
        page.get_by_text(SEARCHED_FOR).first.wait_for()
        expect(page.locator(".st-key-w_qlang input")).to_have_value("Danish")
        assert shown_total(page) == union(english)

        # Detection: whatever it decides, never fewer decisions than the typed words.
        choose_language(page, "Detect language")
        page.wait_for_url("**lang=auto*")
        settled(page)
        assert shown_total(page) >= typed.total

        # One click back to the words as typed, and the URL forgets the language.
        choose_language(page, "Danish")
        page.get_by_text(SEARCHED_FOR).first.wait_for()
        page.get_by_role("button", name="Only the words as typed").click()
        expect(page.get_by_text(SEARCHED_FOR)).to_have_count(0)
        settled(page)
        assert "lang=" not in page.url
        assert shown_total(page) == typed.total
