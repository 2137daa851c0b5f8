"""Politeness on its own: the rate limiter, the host guard, robots.txt rules."""

from __future__ import annotations

import time

import pytest

from gdprkb.scraper.polite import Impolite, Politeness, RateLimiter, Stopped


def test_rate_limiter_spacing_and_hold() -> None:
    lim = RateLimiter(50)
    t = time.monotonic()
    for _ in range(11):
        lim.wait()
    assert time.monotonic() - t >= 10 / 50 * 0.95
    lim.hold(0.2)
    t = time.monotonic()
    lim.wait()
    assert time.monotonic() - t >= 0.18
    lim.stop.set()
    with pytest.raises(Stopped):
        lim.wait()


def test_a_bad_wiki_url_is_refused() -> None:
    with pytest.raises(ValueError, match="not an http"):
        Politeness("gdprhub.eu")


def test_the_host_guard_refuses_other_hosts_and_ports() -> None:
    p = Politeness("http://127.0.0.1:8765")
    p.check("http://127.0.0.1:8765/api.php?action=query")
    for url in ("http://127.0.0.1:8766/api.php", "http://example.org/api.php"):
        with pytest.raises(Impolite, match="only contacts the configured wiki host"):
            p.check(url)


def test_robots_rules_apply_to_our_agent() -> None:
    p = Politeness("https://gdprhub.eu")
    p.load_robots(200, "User-agent: gdprkb\nDisallow: /api.php?action=parse\n")
    p.check("https://gdprhub.eu/api.php?action=query&list=allpages")
    with pytest.raises(Impolite, match="robots.txt of https://gdprhub.eu/robots.txt disallows"):
        p.check("https://gdprhub.eu/api.php?action=parse&page=X")


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_a_missing_robots_txt_allows_everything(status: int) -> None:
    # RFC 9309: a 4xx robots.txt means no rules, whatever its body says
    p = Politeness("https://gdprhub.eu")
    p.load_robots(status, "User-agent: *\nDisallow: /\n")
    assert p.robots is not None and p.robots.can_fetch("gdprkb", "https://gdprhub.eu/api.php")
    assert p.check("https://gdprhub.eu/api.php?action=parse&page=X") is None
    # the same text served with 200 is a rule, and is obeyed
    p.load_robots(200, "User-agent: *\nDisallow: /\n")
    with pytest.raises(Impolite, match="disallows /api.php"):
        p.check("https://gdprhub.eu/api.php?action=parse&page=X")


def test_crawl_delay_lowers_the_rate() -> None:
    p = Politeness("https://gdprhub.eu", rate=5)
    p.load_robots(200, "User-agent: *\nCrawl-delay: 3\n")
    assert p.limiter.interval == 3
