"""The MediaWiki API client and its politeness, against the stand-in over real HTTP."""

from __future__ import annotations

import math
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from gdprkb.scraper.faults import Faults, gzip_bomb
from gdprkb.scraper.mediawiki import (
    AnswerTooLarge,
    ApiError,
    Backoff,
    Challenge,
    MediaWikiClient,
    Transient,
    WikiError,
)
from gdprkb.scraper.mirror import Mirror
from gdprkb.scraper.polite import Impolite, Politeness

FAST = Backoff(attempts=6, initial=0.01, maximum=0.05, max_retry_after=5, timeout=2)


@pytest.fixture
def mirror(sample_subset: Path) -> Iterator[Mirror]:
    with Mirror(sample_subset, max_limit=40) as m:
        yield m


def client(
    m: Mirror, rate: float = 0, backoff: Backoff = FAST, ua: str = "test-ua/1"
) -> MediaWikiClient:
    return MediaWikiClient(Politeness(m.url, ua, rate), backoff)


def test_listing_uses_the_generator_one_request_per_batch(mirror: Mirror) -> None:
    pages = list(client(mirror).iter_pages())
    assert [p.title for p in pages] == mirror.titles()
    for p in pages:
        e = mirror.entry(p.title)
        assert (p.page_id, p.revision_id, p.url) == (e.page_id, e.revision_id, e.url)
    assert mirror.count(generator="allpages") == math.ceil(len(pages) / 40)
    assert mirror.count(action="parse") == 0


def test_listing_falls_back_to_allpages_and_info_batches(sample_subset: Path) -> None:
    with Mirror(sample_subset, generator=False, formatversion=1) as m:
        c = client(m)
        pages = list(c.iter_pages())
        assert [p.title for p in pages] == m.titles()
        assert all(p.revision_id == m.entry(p.title).revision_id for p in pages)
        n = len(pages)
        assert m.count(list="allpages") == math.ceil(n / 500)
        assert m.count(prop="info") == 1  # the generator probe
        assert m.count(prop="info|revisions") == math.ceil(n / 50)
        assert c.requests["listing"] + c.requests["info"] == m.count(path="/api.php")


def test_page_info_leaves_missing_titles_out(mirror: Mirror) -> None:
    titles = mirror.titles()[:3]
    got = client(mirror).page_info([*titles, "No such page"])
    assert [p.title for p in got] == titles


@pytest.mark.parametrize("version", [1, 2])
def test_parse_reads_both_formatversions(sample_subset: Path, version: int) -> None:
    with Mirror(sample_subset, formatversion=version) as m:
        title = m.titles()[5]
        r = client(m).parse(title)
        e = m.entry(title)
        assert (r.title, r.page_id, r.revision_id) == (title, e.page_id, e.revision_id)
        assert r.categories == e.categories  # spaces, as in the saved page, not underscores
        assert any(" " in c for c in r.categories)
        assert r.html.startswith('<div class="mw-parser-output">')


def test_missingtitle_is_an_api_error(mirror: Mirror) -> None:
    with pytest.raises(ApiError) as e:
        client(mirror).parse("No such page")
    assert e.value.code == "missingtitle" and "missingtitle" in str(e.value)
    assert mirror.count(action="parse") == 1  # not retried


@pytest.mark.parametrize("kind", ["429", "500", "drop", "truncate", "challenge", "slow"])
def test_each_fault_is_retried_until_the_answer_comes(sample_subset: Path, kind: str) -> None:
    faults = Faults((kind,), first=3, retry_after=0.01, slow_seconds=0.6)
    backoff = Backoff(attempts=6, initial=0.01, maximum=0.05, timeout=0.3)
    with Mirror(sample_subset, faults=faults) as m:
        c = client(m, backoff=backoff)
        title = m.titles()[0]
        assert c.parse(title).revision_id == m.entry(title).revision_id
        assert c.requests["retries"] == 3
        assert m.count(action="parse") == 4


def test_a_persistent_challenge_is_reported_in_plain_words(sample_subset: Path) -> None:
    with Mirror(sample_subset, faults=Faults(("challenge",), rate=1.0)) as m:
        with pytest.raises(Challenge, match=r"bot-challenge page \(Anubis\) instead of JSON"):
            client(m).parse(m.titles()[0])
        assert m.count(action="parse") == FAST.attempts


def test_persistent_server_errors_give_up_after_the_attempts(sample_subset: Path) -> None:
    with Mirror(sample_subset, faults=Faults(("500",), rate=1.0)) as m:
        with pytest.raises(Transient, match="HTTP 500"):
            list(client(m).iter_pages())
        assert m.count(path="/api.php") == FAST.attempts


def test_retry_after_is_honoured(sample_subset: Path) -> None:
    with Mirror(sample_subset, faults=Faults(("429",), first=1, retry_after=1)) as m:
        client(m).parse(m.titles()[0])
        first, second = m.requests
        assert first.fault == "429" and second.fault is None
        assert second.at - first.at >= 1.0


def test_rate_limit_holds_across_threads(mirror: Mirror) -> None:
    c = client(mirror, rate=20)
    titles = mirror.titles()[:24]
    threads = [
        threading.Thread(target=lambda ts=titles[i::4]: [c.parse(t) for t in ts]) for i in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = [r.at for r in mirror.requests]
    assert len(times) == 24
    assert (times[-1] - times[0]) >= 23 / 20 * 0.95
    gaps = [times[i + 20] - times[i] for i in range(len(times) - 20)]
    assert min(gaps) >= 0.9, gaps  # at most 21 requests arrive in any second


def test_user_agent_is_sent(mirror: Mirror) -> None:
    client(mirror, ua="gdprkb-test (ops@example.org)").load_robots()
    assert mirror.requests[0].user_agent == "gdprkb-test (ops@example.org)"


def test_robots_disallow_is_honoured(mirror: Mirror) -> None:
    mirror.robots = "User-agent: *\nDisallow: /api.php\n"
    c = client(mirror)
    c.load_robots()
    with pytest.raises(Impolite, match="robots.txt .* disallows /api.php"):
        list(c.iter_pages())
    assert [r.path for r in mirror.requests] == ["/robots.txt"]


def test_robots_rules_for_other_agents_do_not_apply(mirror: Mirror) -> None:
    mirror.robots = "User-agent: GPTBot\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    c = client(mirror)
    c.load_robots()
    assert len(list(c.iter_pages())) == len(mirror.titles())


def test_robots_crawl_delay_slows_us_down(mirror: Mirror) -> None:
    mirror.robots = "User-agent: gdprkb\nCrawl-delay: 1\n"
    c = client(mirror, rate=0)
    c.load_robots()
    for t in mirror.titles()[:2]:
        c.parse(t)
    first, second = (r.at for r in mirror.requests if r.path == "/api.php")
    assert second - first >= 0.99


def test_no_robots_txt_means_no_rules(mirror: Mirror) -> None:
    mirror.robots = None
    c = client(mirror)
    c.load_robots()
    assert len(list(c.iter_pages())) == len(mirror.titles())
    assert c.polite.robots_url == mirror.url + "/robots.txt"


def test_only_the_configured_host_is_contacted(sample_subset: Path) -> None:
    with Mirror(sample_subset) as elsewhere, Mirror(sample_subset) as m:
        m.redirect_to = elsewhere.url
        c = client(m)
        with pytest.raises(Impolite, match="only contacts the configured wiki host"):
            c.parse(m.titles()[0])
        assert elsewhere.requests == []
        with pytest.raises(Impolite):
            c._get(elsewhere.url + "/api.php", {"action": "query"}, "probe")
        assert elsewhere.requests == []


def test_a_plain_http_error_is_not_retried(mirror: Mirror) -> None:
    c = MediaWikiClient(Politeness(mirror.url + "/nowhere", "t", 0), FAST)
    with pytest.raises(WikiError, match="HTTP 404"):
        c.parse("X")
    assert mirror.count(path="/nowhere/api.php") == 1


def test_a_wiki_refusing_the_generator_is_listed_the_long_way(sample_subset: Path) -> None:
    class NoGenerator(Mirror):
        def api(self, q: dict[str, str]) -> dict:
            if "generator" in q:
                return {"error": {"code": "badvalue", "info": "Unrecognized generator."}}
            return super().api(q)

    with NoGenerator(sample_subset) as m:
        pages = list(client(m).iter_pages())
    assert [p.title for p in pages] == m.titles()
    assert m.count(list="allpages") == 1


def test_a_crashing_server_is_a_retried_connection_problem(sample_subset: Path) -> None:
    class Crashing(Mirror):
        def api(self, q: dict[str, str]) -> dict:
            raise RuntimeError  # the handler dies: the client sees a dropped connection

    with Crashing(sample_subset) as m, pytest.raises(Transient, match="connection problem"):
        client(m).parse("X")


def test_a_wiki_without_lastrevid_is_read_from_revisions(sample_subset: Path) -> None:
    class NoLastrevid(Mirror):
        def api(self, q: dict[str, str]) -> dict:
            out = super().api(q)
            for p in out.get("query", {}).get("pages", []):
                p.pop("lastrevid", None)
            return out

    with NoLastrevid(sample_subset) as m:
        pages = list(client(m).iter_pages())
        assert [(p.title, p.revision_id) for p in pages] == [
            (t, m.entry(t).revision_id) for t in m.titles()
        ]


def test_a_challenge_sent_with_503_is_named_a_challenge() -> None:
    from gdprkb.scraper.faults import CHALLENGE_HTML

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, html=CHALLENGE_HTML)

    polite = Politeness("http://wiki.test", "t", 0)
    c = MediaWikiClient(polite, Backoff(attempts=2, initial=0.01), httpx.MockTransport(answer))
    with pytest.raises(Challenge, match="bot-challenge page"):
        c.parse("X")
    assert c.requests["robots"] == 0 and c.requests["parse"] == 2


# -- hostile answers (issue 10 §3, §4, §7) --------------------------------------------------
ONCE = Backoff(attempts=1, timeout=5)


def peak_bytes_of(call: object) -> tuple[BaseException | None, int]:
    """Run `call`; the exception it raised (or None) and the peak of traced Python memory."""
    tracemalloc.start()
    try:
        call()  # type: ignore[operator]
        err = None
    except Exception as e:
        err = e
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return err, peak


def test_a_gzip_bombed_answer_is_refused_while_unpacking(sample_subset: Path) -> None:
    gzip_bomb()  # made once, before the clock and the memory trace start
    with Mirror(sample_subset, faults=Faults(("bomb",), first=1, only="parse")) as m:
        c = client(m, backoff=ONCE)
        err, peak = peak_bytes_of(lambda: c.parse(m.titles()[0]))
        assert isinstance(err, AnswerTooLarge), err
        assert "larger than 16 MiB unpacked (the per-page limit)" in str(err)
        assert peak < 160 * 2**20, peak  # 1 GiB unpacked before the fix
        assert m.count(action="parse") == 1  # too large is final: not retried
        assert c.parse(m.titles()[1]).html  # the next page is read as before


def test_a_512_mb_answer_is_refused_without_reading_it(sample_subset: Path) -> None:
    with Mirror(sample_subset, faults=Faults(("huge",), rate=1.0, only="parse")) as m:
        c = client(m, backoff=ONCE)
        t = time.monotonic()
        err, peak = peak_bytes_of(lambda: c.parse(m.titles()[0]))
        assert isinstance(err, AnswerTooLarge), err
        assert peak < 40 * 2**20, peak
        assert time.monotonic() - t < 3


def test_an_out_of_range_page_id_is_a_wiki_error(mirror: Mirror) -> None:
    title = mirror.titles()[0]
    mirror.entry(title).page_id = 2**63
    with pytest.raises(WikiError, match=r"page id 9223372036854775808: out of range"):
        client(mirror).parse(title)
    # the listing keeps the page, as unknown (0), so the harvest fetches it and fails it alone
    listed = {p.title: p for p in client(mirror).iter_pages()}
    assert (listed[title].page_id, listed[title].revision_id) == (0, 0)
    assert all(p.page_id > 0 for t, p in listed.items() if t != title)


def test_the_timeout_bounds_the_whole_request(sample_subset: Path) -> None:
    # one byte every 0.2 s: never 1 s without a byte, so a per-read timeout never fires
    faults = Faults(("drip",), rate=1.0, drip_seconds=0.2)
    with Mirror(sample_subset, faults=faults) as m:
        c = client(m, backoff=Backoff(attempts=1, timeout=1))
        t = time.monotonic()
        with pytest.raises(Transient, match=r"no complete answer .* within 1 s \(ReadTimeout\)"):
            c.parse(m.titles()[0])
        assert time.monotonic() - t < 1.5
