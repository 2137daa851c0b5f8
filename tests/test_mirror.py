"""The local MediaWiki stand-in, spoken to over real HTTP on 127.0.0.1."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gdprkb.corpus.parse import content_html, read_meta
from gdprkb.scraper.faults import CHALLENGE_HTML, Faults
from gdprkb.scraper.mirror import Mirror

GDPRKB = str(Path(sys.executable).parent / "gdprkb")


@pytest.fixture
def mirror(sample_subset: Path) -> Iterator[Mirror]:
    with Mirror(sample_subset, max_limit=20) as m:
        yield m


def api(m: Mirror, **params: object) -> dict:
    r = httpx.get(m.url + "/api.php", params={"format": "json", **params}, timeout=10)
    r.raise_for_status()
    return r.json()


def test_serves_every_saved_page(mirror: Mirror, sample_subset: Path) -> None:
    files = list(sample_subset.glob("*.htm*"))
    assert len(mirror.titles()) == len(files) > 20
    assert mirror.skipped == []


def test_allpages_follows_continuation_with_a_small_limit(mirror: Mirror) -> None:
    titles: list[str] = []
    cont: dict = {}
    while True:
        data = api(mirror, action="query", list="allpages", apnamespace=0, aplimit=7, **cont)
        titles += [p["title"] for p in data["query"]["allpages"]]
        if "continue" not in data:
            break
        cont = data["continue"]
    assert titles == mirror.titles()
    assert len(set(titles)) == len(titles)
    assert mirror.count(list="allpages") == math.ceil(len(titles) / 7)


def test_aplimit_max_is_capped(mirror: Mirror) -> None:
    data = api(mirror, action="query", list="allpages", aplimit="max")
    assert len(data["query"]["allpages"]) == 20
    assert data["continue"]["apcontinue"] == mirror.titles()[20].replace(" ", "_")


def test_generator_gives_revisions_and_original_urls(mirror: Mirror, manifest: dict) -> None:
    data = api(
        mirror,
        action="query",
        generator="allpages",
        gaplimit=5,
        prop="info",
        inprop="url",
        formatversion=2,
    )
    pages = data["query"]["pages"]
    assert len(pages) == 5 and data["continue"]["gapcontinue"]
    for p in pages:
        entry = manifest[p["pageid"]]
        assert p["lastrevid"] == entry["revision_id"]
        assert p["fullurl"] == entry["url"]
        assert p["fullurl"].startswith("https://gdprhub.eu/index.php?title=")


def test_info_by_titles_v1_marks_missing_and_normalises(mirror: Mirror) -> None:
    real = mirror.titles()[3]
    data = api(
        mirror, action="query", prop="info|revisions", titles=f"{real.replace(' ', '_')}|No such"
    )
    pages = data["query"]["pages"]
    assert isinstance(pages, dict)
    missing = [p for k, p in pages.items() if int(k) < 0]
    assert missing == [{"ns": 0, "title": "No such", "missing": ""}]
    found = pages[str(mirror.entry(real).page_id)]
    assert found["lastrevid"] == found["revisions"][0]["revid"] == mirror.entry(real).revision_id
    assert data["query"]["normalized"] == [{"from": real.replace(" ", "_"), "to": real}]


def test_more_than_50_titles_is_refused(mirror: Mirror) -> None:
    data = api(mirror, action="query", prop="info", titles="|".join(mirror.titles()[:51]))
    assert data["error"]["code"] == "toomanyvalues"


@pytest.mark.parametrize("version", [1, 2])
def test_parse_in_both_formatversions(mirror: Mirror, version: int) -> None:
    title = mirror.titles()[0]
    e = mirror.entry(title)
    data = api(
        mirror,
        action="parse",
        page=title,
        prop="text|categories|revid|displaytitle",
        formatversion=version,
    )["parse"]
    text = data["text"] if version == 2 else data["text"]["*"]
    assert text == content_html(e.path.read_text())
    assert text.startswith('<div class="mw-parser-output">')
    key = "category" if version == 2 else "*"
    assert [c[key] for c in data["categories"]] == [c.replace(" ", "_") for c in e.categories]
    assert (data["pageid"], data["revid"], data["title"]) == (e.page_id, e.revision_id, title)


def test_parse_of_a_missing_page_is_missingtitle(mirror: Mirror) -> None:
    assert api(mirror, action="parse", page="No such page")["error"]["code"] == "missingtitle"


def test_index_php_serves_the_saved_page_and_robots(mirror: Mirror) -> None:
    title = mirror.titles()[1]
    r = httpx.get(mirror.url + "/index.php", params={"title": title.replace(" ", "_")})
    assert r.status_code == 200 and r.text == mirror.entry(title).path.read_text()
    assert httpx.get(mirror.url + "/index.php", params={"title": "Nope"}).status_code == 404
    assert "User-agent: *" in httpx.get(mirror.url + "/robots.txt").text


def test_bump_publishes_a_newer_revision(mirror: Mirror) -> None:
    title = mirror.titles()[2]
    before = mirror.entry(title).revision_id
    newest = max(mirror.entry(t).revision_id for t in mirror.titles())
    rev = mirror.bump(title, lambda h: h.replace("</p>", " REVISED-TEXT</p>", 1))
    assert rev == newest + 1 > before
    page = httpx.get(mirror.url + "/index.php", params={"title": title}).text
    assert read_meta(page).revision_id == rev and "REVISED-TEXT" in page
    parsed = api(mirror, action="parse", page=title, formatversion=2)["parse"]
    assert parsed["revid"] == rev and "REVISED-TEXT" in parsed["text"]


def test_publish_adds_a_new_page_like_another(mirror: Mirror) -> None:
    like = mirror.titles()[3]
    ids = {mirror.entry(t).page_id for t in mirror.titles()}
    e = mirror.publish("New decision 2026", like, lambda h: h.replace("</p>", " FRESH</p>", 1))
    assert e.page_id == max(ids) + 1 and "New decision 2026" in mirror.titles()
    info = api(mirror, action="query", prop="info", titles="New decision 2026", formatversion=2)
    (page,) = info["query"]["pages"]
    assert (page["pageid"], page["lastrevid"]) == (e.page_id, e.revision_id)
    parsed = api(mirror, action="parse", page="New decision 2026", formatversion=2)["parse"]
    assert parsed["pageid"] == e.page_id and "FRESH" in parsed["text"]
    with pytest.raises(ValueError, match="exists already"):
        mirror.publish(like, like)


def test_remove_makes_a_page_missing(mirror: Mirror) -> None:
    title = mirror.titles()[0]
    mirror.remove(title)
    assert title not in mirror.titles()
    assert api(mirror, action="parse", page=title)["error"]["code"] == "missingtitle"


def test_requests_are_logged_with_time_and_user_agent(mirror: Mirror) -> None:
    httpx.get(mirror.url + "/robots.txt", headers={"User-Agent": "probe/1"})
    api(mirror, action="query", list="allpages")
    first, second = mirror.requests
    assert first.path == "/robots.txt" and first.user_agent == "probe/1"
    assert second.params["list"] == "allpages" and second.at >= first.at
    mirror.reset_log()
    assert mirror.requests == []


def test_faults_for_the_first_requests_come_in_order(sample_subset: Path) -> None:
    kinds = ("429", "500", "challenge", "truncate", "drop", "slow")
    faults = Faults(kinds, first=6, retry_after=7, slow_seconds=0.2)
    with Mirror(sample_subset, faults=faults) as m, httpx.Client(base_url=m.url) as c:
        params = {"action": "query", "list": "allpages", "format": "json"}
        r = c.get("/api.php", params=params)
        assert (r.status_code, r.headers["Retry-After"]) == (429, "7")
        assert c.get("/api.php", params=params).status_code == 500
        r = c.get("/api.php", params=params)
        assert r.status_code == 200 and r.text == CHALLENGE_HTML
        with pytest.raises((httpx.RemoteProtocolError, ValueError)):
            c.get("/api.php", params=params).json()  # cut short, or cut-off JSON
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/api.php", params=params)
        t = time.monotonic()
        assert c.get("/api.php", params=params).json()["query"]["allpages"]  # slow but fine
        assert time.monotonic() - t >= 0.2
        assert c.get("/api.php", params=params).status_code == 200
        assert [r.fault for r in m.requests] == [*kinds, None]
