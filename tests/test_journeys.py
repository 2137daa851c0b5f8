"""A lawyer's and a researcher's real paths through the app, in Debian's chromium (issue 11).

`gdprkb serve` on a free port of 127.0.0.1, driven by Playwright with real clicks: filters
added and removed in several orders (each total equal to `gdprkb search` with the same
filters, URL values clean), links that open in new tabs, Back and Forward across views,
paging to the top, downloads equal to `gdprkb export`, and hostile URLs.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from chromium import chromium, served_app
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from gdprkb.corpus.record import PageMeta
from gdprkb.corpus.store import Store
from gdprkb.home import Home

QUERY = "video surveillance employee"
GDPRKB = str(Path(sys.executable).parent / "gdprkb")
# Settled = nothing left stale from a rerun and a result header (or no-results notice) shown.
SETTLED = """() => {
  if (document.querySelector('[data-stale="true"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const t = document.body.innerText;
  return /[\\d,]+ decisions? ·/.test(t) || t.includes("No decisions match");
}"""


@pytest.fixture(scope="module")
def home(sample_home: Path) -> Path:
    return sample_home


@pytest.fixture(scope="module")
def served(home: Path) -> Iterator[str]:
    with served_app(home) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    with sync_playwright() as pw, chromium(pw, downloads=True) as context:
        yield context


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    page = browser.new_page()
    page.set_default_timeout(60_000)  # shared CI machines: waits, never sleeps
    yield page
    page.close()


@cache
def cli_total(home: Path, query: str, filters: tuple[tuple[str, str], ...]) -> int:
    """The total `gdprkb search` gives for the query and filters (the reference answer)."""
    args = [GDPRKB, "--home", str(home), "search", query, "--json", "-n", "1"]
    for key, value in filters:
        args += ["--filter", f"{key}={value}"]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return int(json.loads(out)["total"])


def settle(page: Page) -> None:
    """Wait until the app has finished the rerun an action started."""
    page.wait_for_timeout(150)  # let the rerun start (it marks the page stale)
    page.wait_for_function(SETTLED, polling=100)
    page.wait_for_timeout(150)
    page.wait_for_function(SETTLED, polling=100)


def shown_total(page: Page) -> int:
    settle(page)
    m = re.search(r"([\d,]+) decisions? ·", page.locator("body").inner_text())
    return int(m.group(1).replace(",", "")) if m else 0


def url_filters(page: Page) -> tuple[tuple[str, str], ...]:
    """The URL's filters as `gdprkb search -f` pairs (what a shared link would search)."""
    params = urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query)
    names = {"jurisdiction": "jurisdiction", "authority": "authority", "art": "article"}
    out = [(names[k], v) for k, v in params if k in names]
    years = dict(params)
    if "year_from" in years or "year_to" in years:
        out.append(("year", f"{years.get('year_from', '')}..{years.get('year_to', '')}"))
    if "fine_min" in years or "fine_max" in years:
        out.append(("fine", f"{years.get('fine_min', '0')}..{years.get('fine_max', '')}"))
    return tuple(out)


def pick(page: Page, facet: str, value: str) -> None:
    page.locator(f".st-key-w_f_{facet} input[role=combobox]").click()
    page.get_by_role("option", name=re.compile("^" + re.escape(value) + r" \(")).click()
    page.keyboard.press("Escape")


def unpick(page: Page, facet: str, value: str) -> None:
    label = re.compile("^Remove " + re.escape(value) + r" \(")
    page.locator(f".st-key-w_f_{facet}").get_by_role("button", name=label).click()


def number(page: Page, key: str, value: int | None) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill("" if value is None else str(value))
    box.press("Enter")


STEPS = {
    "+Spain": lambda p: pick(p, "jurisdiction", "Spain"),
    "-Spain": lambda p: unpick(p, "jurisdiction", "Spain"),
    "+AEPD": lambda p: pick(p, "authority", "AEPD (Spain)"),
    "-AEPD": lambda p: unpick(p, "authority", "AEPD (Spain)"),
    "+fine": lambda p: number(p, "w_fine_min", 10000),
    "-fine": lambda p: number(p, "w_fine_min", None),
    "+Germany": lambda p: pick(p, "jurisdiction", "Germany"),
    "-Germany": lambda p: unpick(p, "jurisdiction", "Germany"),
    "+from2020": lambda p: number(p, "w_year_from", 2020),
    "+to2022": lambda p: number(p, "w_year_to", 2022),
    "-from": lambda p: number(p, "w_year_from", None),
}


@pytest.mark.parametrize(
    ("query", "steps"),
    [
        # The lawyer's path of issue 11 §1, then unwound in another order.
        (QUERY, ["+Spain", "+AEPD", "+fine", "-Spain", "-fine", "+Spain", "-AEPD"]),
        (QUERY, ["+fine", "+AEPD", "+Spain", "-AEPD", "-fine"]),
        # The researcher's: a country, then a year range, then another country.
        ("", ["+Germany", "+from2020", "+to2022", "+Spain", "-Germany", "-from"]),
    ],
    ids=["lawyer", "lawyer-reversed", "researcher"],
)
def test_filters_combine_in_any_order_with_the_clis_totals(
    page: Page, served: str, home: Path, query: str, steps: list[str]
) -> None:
    page.goto(served + "/?" + urllib.parse.urlencode({"q": query} if query else {}))
    assert shown_total(page) == cli_total(home, query, ())
    for step in steps:
        STEPS[step](page)
        total = shown_total(page)
        filters = url_filters(page)
        # Clean values in the shareable URL: never a "(count)" label.
        assert not any(re.search(r"\(\d[\d,]*\)$", v) for _, v in filters), (step, page.url)
        assert total == cli_total(home, query, filters), (step, page.url)
    assert not page.get_by_text("No country matches").count()


def test_results_open_in_new_tabs_and_in_place(
    page: Page, browser: BrowserContext, served: str, home: Path
) -> None:
    page.goto(f"{served}/?q=consent&jurisdiction=Spain")
    settle(page)
    links = page.locator('[class*="st-key-card_"] h4 a[href^="?case="]')
    assert links.count() >= 5
    ids = [
        int(re.search(r"case=(\d+)", links.nth(i).get_attribute("href") or "").group(1))
        for i in range(3)
    ]  # type: ignore[union-attr]
    # Middle click: a new tab on the case, this tab untouched.
    with browser.expect_page() as opened:
        links.nth(1).click(button="middle")
    tab = opened.value
    tab.wait_for_load_state()
    case = Store(Home(home).db).get_case(ids[1])
    assert case is not None
    tab.get_by_role("heading", level=1, name=case.title, exact=True).wait_for()
    assert f"case={ids[1]}" in tab.url and "case=" not in page.url
    tab.close()
    # Plain click: the case in place, with Back to the results.
    links.nth(0).click()
    page.wait_for_url(f"**case={ids[0]}*")
    first = Store(Home(home).db).get_case(ids[0])
    assert first is not None
    page.get_by_role("heading", level=1, name=first.title, exact=True).wait_for()


def test_back_and_forward_walk_the_views_seen(page: Page, served: str, home: Path) -> None:
    store = Store(Home(home).db)
    page.goto(f"{served}/?q=bitcoin")
    search_total = shown_total(page)
    page.locator('[class*="st-key-card_"] h4 a[href^="?case="]').first.click()
    page.wait_for_url("**case=*")
    first_url = page.url
    first = store.get_case(
        int(urllib.parse.parse_qs(urllib.parse.urlsplit(first_url).query)["case"][0])
    )
    assert first is not None
    page.get_by_role("heading", level=1, name=first.title, exact=True).wait_for()
    similar = page.locator('[class*="st-key-similar_"] a[href^="?case="]').first
    similar_id = int(re.search(r"case=(\d+)", similar.get_attribute("href") or "").group(1))  # type: ignore[union-attr]
    other = store.get_case(similar_id)
    assert other is not None
    similar.click()
    page.get_by_role("heading", level=1, name=other.title, exact=True).wait_for()
    page.go_back()
    page.get_by_role("heading", level=1, name=first.title, exact=True).wait_for()
    assert page.url == first_url
    page.go_back()
    assert shown_total(page) == search_total
    expect(page.locator(".st-key-w_q input")).to_have_value("bitcoin")
    page.go_forward()
    page.get_by_role("heading", level=1, name=first.title, exact=True).wait_for()
    page.go_forward()
    page.get_by_role("heading", level=1, name=other.title, exact=True).wait_for()
    # "Back to results" still leads to the search the case was opened from.
    page.get_by_text("Back to results").click()
    assert shown_total(page) == search_total
    assert "case=" not in page.url


def test_paging_lands_at_the_top_of_the_next_page(page: Page, served: str) -> None:
    page.goto(f"{served}/?q=consent")
    settle(page)
    pager = page.locator('[data-testid="stPagination"]').first
    pager.scroll_into_view_if_needed()
    main = page.locator('[data-testid="stMain"]')
    assert main.evaluate("e => e.scrollTop") > 500
    pager.get_by_text("2", exact=True).first.click()
    page.wait_for_url("**page=2*")
    settle(page)
    page.get_by_text("showing 21–").first.wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=\"stMain\"]').scrollTop < 50"
    )


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_downloads_of_a_filtered_view_equal_gdprkb_export(
    page: Page, served: str, home: Path, fmt: str
) -> None:
    page.goto(f"{served}/?jurisdiction=Spain&year_from=2020")
    total = shown_total(page)
    assert total > 20  # more than the page shown
    with page.expect_download() as dl:
        page.locator(f".st-key-dl_{fmt}").get_by_role("button", name=fmt.upper()).click()
    data = Path(dl.value.path()).read_bytes().decode("utf-8-sig")
    ref = subprocess.run(
        [
            GDPRKB,
            "--home",
            str(home),
            "export",
            "-f",
            fmt,
            "-j",
            "Spain",
            "--filter",
            "year=2020..",
        ],  # fmt: skip
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8-sig")
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data)))
        ids = [int(r["page_id"]) for r in rows]
        ref_ids = [int(r["page_id"]) for r in csv.DictReader(io.StringIO(ref))]
    else:
        ids = [json.loads(line)["page_id"] for line in data.splitlines()]
        ref_ids = [json.loads(line)["page_id"] for line in ref.splitlines()]
    assert len(ids) == total
    assert sorted(ids) == sorted(ref_ids)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("case=9999999999999999999999999", "No decision with page id"),
        ("article=99999999999999999999", "There is no Article"),
        ("article=abc", "decisions ·"),
        ("jurisdiction=Spain+%2826%29", "decisions ·"),
        ("year_from=99999999999999999999&page=999999999999", "decisions ·"),
    ],
)
def test_hostile_urls_give_a_message_never_a_traceback(
    page: Page, served: str, home: Path, query: str, expected: str
) -> None:
    page.goto(f"{served}/?{query}")
    page.get_by_text(expected).first.wait_for()
    settle(page) if "decisions" in expected else None
    assert not page.locator('[data-testid="stException"]').count()
    assert "Traceback" not in page.locator("body").inner_text()
    if "Spain" in query:  # the stale label is read as the value, and the URL is repaired
        assert shown_total(page) == cli_total(home, "", (("jurisdiction", "Spain"),))
        page.wait_for_url(re.compile(r"jurisdiction=Spain($|&)"))


def test_a_30kb_query_answers_within_the_search_bound(page: Page, served: str) -> None:
    q = " ".join(f"word{i}" for i in range(3_500))[:30_000]
    t0 = time.monotonic()
    page.goto(f"{served}/?q={urllib.parse.quote(q)}")
    settle(page)
    elapsed = time.monotonic() - t0
    assert not page.locator('[data-testid="stException"]').count()
    body = page.locator("body").inner_text()
    assert "No decisions match" in body or "decisions ·" in body
    assert elapsed < 20, elapsed  # 5 s search bound + page load on a shared machine


@pytest.fixture(scope="module")
def hostile_home(sample_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the sample home whose seed case's facts carry an icon code and bare URLs."""
    from gdprkb.index.build import update_index

    home = Home(tmp_path_factory.mktemp("hostile_home"))
    shutil.copy(Home(sample_home).db, home.db)
    shutil.copytree(Home(sample_home).index_dir, home.index_dir)
    with Store(home.db) as store:
        case = store.get_case(2146)
        assert case is not None
        facts = "Beware :material/warning: and see http://evil.example/x or www.evil.example now."
        changed = dataclasses.replace(case, revision_id=case.revision_id + 1, facts=facts)
        meta = PageMeta(case.title, case.page_id, changed.revision_id, case.categories, case.url)
        store.put(changed, b"<html>changed</html>", meta)
        update_index(store, home.index_dir, progress=False)
    return home.root


def test_scraped_icon_codes_and_bare_urls_show_as_text(page: Page, hostile_home: Path) -> None:
    with served_app(hostile_home) as url:
        page.goto(f"{url}/?case=2146")
        para = page.get_by_text("Beware").first
        para.wait_for()
        assert para.locator("a").count() == 0  # no link made from scraped text
        assert para.locator('[role="img"]').count() == 0  # no icon either
        text = para.inner_text().replace("\u2060", "")
        assert ":material/warning:" in text and "http://evil.example/x" in text
