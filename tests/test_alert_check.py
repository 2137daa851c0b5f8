"""index.alert_check, end to end on the local wiki stand-in: harvest, index, add alerts,
publish new and edited pages, harvest and index again, check: exactly what newly matches."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import feedparser
import pytest

from gdprkb.corpus.alerts import AlertError, AlertStore
from gdprkb.corpus.feeds import entry_id
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index.alert_check import AlertChecker, AlertReport, validate
from gdprkb.index.build import update_index
from gdprkb.index.search import SearchIndex
from gdprkb.scraper.gdprhub import GDPRhub
from gdprkb.scraper.mediawiki import Backoff
from gdprkb.scraper.mirror import Mirror

MARKER = "zyxwvutsrq"  # a word no decision contains
FAST = Backoff(attempts=3, initial=0.01, maximum=0.05, timeout=5)


def add_to_facts(html: str, words: str) -> str:
    """The page with `words` appended to the first paragraph of its Facts (an indexed field)."""
    at = html.index("</p>", html.index('id="Facts"'))
    return html[:at] + f" {words}" + html[at:]


def harvest_and_index(m: Mirror, home: Home) -> None:
    with Store(home.db) as store:
        s = GDPRhub(store, wiki=m.url, rate=0, concurrency=4, backoff=FAST).run()
        assert s.status == "done" and s.failed == 0, s.failures
        update_index(store, home.index_dir, progress=False)


@dataclass
class World:
    """A home harvested from the stand-in, with alerts checked once (their baseline), then
    new and edited pages published, harvested and indexed."""

    home: Home
    mirror: Mirror
    before: dict[str, set[int]]  # full matches of each alert at its baseline
    after: dict[str, set[int]]  # full matches now
    first: list[AlertReport]  # the baseline check
    second: list[AlertReport]  # the check after the changes
    new_camera: int  # published: a copy of a page matching "camera"
    new_marker: int  # published: with the marker word
    edited_match: int  # edited, matched "camera" before and after
    edited_marker: int  # edited to contain the marker
    removed: int  # matched "camera", removed from the wiki (pruned)


ALERTS = {
    "cameras": ("camera", {}),
    "spain": ("", {"country": ["Spain"]}),
    "marker": (MARKER, {}),
    "art6-es": ("article:6", {"country": ["Spain"]}),
}


def check(home: Home, names: list[str] | None = None, show_all: bool = False) -> list:
    with (
        Store(home.db) as store,
        AlertStore(home.db) as alerts,
        closing(SearchIndex(home.index_dir)) as ix,
    ):
        return AlertChecker(store, alerts, ix, home.index_dir).check(
            names, home.feeds_dir, show_all=show_all
        )


def full_matches(home: Home) -> dict[str, set[int]]:
    with closing(SearchIndex(home.index_dir)) as ix:
        return {n: ix.exact_matches(q, filters=f)[0] for n, (q, f) in ALERTS.items()}


@pytest.fixture(scope="module")
def world(sample_subset: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = Home(tmp_path_factory.mktemp("alerts_home"))
    with Mirror(sample_subset) as m:
        harvest_and_index(m, home)
        with AlertStore(home.db) as alerts, closing(SearchIndex(home.index_dir)) as ix:
            for name, (query, filters) in ALERTS.items():
                validate(ix, query, filters)
                alerts.add(name, query, filters)
        before = full_matches(home)
        first = check(home)
        with Store(home.db) as store:  # decisions with a Facts section, by page id
            cases = {c.page_id for c in store.iter_cases()}
        by_id = {
            m.entry(t).page_id: t
            for t in m.titles()
            if m.entry(t).page_id in cases and 'id="Facts"' in m.entry(t).full_html()
        }
        cams = sorted(before["cameras"] & set(by_id))
        assert len(cams) >= 3, "the sample needs decisions about cameras"
        plain = next(p for p in sorted(by_id) if p not in before["cameras"])
        new_camera = m.publish("Alerts test - new camera decision", by_id[cams[0]]).page_id
        new_marker = m.publish(
            "Alerts test - new marker decision",
            by_id[plain],
            lambda h: add_to_facts(h, MARKER),
        ).page_id
        m.bump(by_id[cams[1]], lambda h: add_to_facts(h, "revised"))
        edited_marker = next(p for p in sorted(by_id) if p not in (plain, *cams))
        m.bump(by_id[edited_marker], lambda h: add_to_facts(h, MARKER))
        m.remove(by_id[cams[2]])
        with Store(home.db) as store:
            GDPRhub(store, wiki=m.url, rate=0, backoff=FAST).run(prune=True)
            update_index(store, home.index_dir, progress=False)
        after = full_matches(home)
        second = check(home)
        yield World(
            home, m, before, after, first, second, new_camera, new_marker, cams[1],
            edited_marker, cams[2],
        )  # fmt: skip


def reports(rs: list[AlertReport]) -> dict[str, set[int]]:
    return {r.alert.name: {h.page_id for h in r.new} for r in rs}


def test_the_first_check_sets_the_baseline_and_reports_nothing(world: World) -> None:
    assert all(r.baseline and r.error is None for r in world.first)
    assert reports(world.first) == {n: set() for n in ALERTS}
    assert world.before["cameras"] and world.before["spain"] and not world.before["marker"]


def test_the_second_check_reports_exactly_what_newly_matches(world: World) -> None:
    got = reports(world.second)
    assert got == {n: world.after[n] - world.before[n] for n in ALERTS}
    assert not any(r.baseline or r.error for r in world.second)


def test_new_pages_and_edits_that_now_match_are_reported(world: World) -> None:
    got = reports(world.second)
    assert world.new_camera in got["cameras"]
    assert got["marker"] == {world.new_marker, world.edited_marker}


def test_unchanged_and_edited_pages_that_matched_before_are_not(world: World) -> None:
    got = reports(world.second)
    assert world.edited_match in world.after["cameras"]  # still matches, after its edit
    assert world.edited_match not in got["cameras"]
    assert got["cameras"] == {world.new_camera}  # not one of the unchanged matches
    assert world.removed not in world.after["cameras"] | got["cameras"]


def test_a_third_check_reports_nothing(world: World) -> None:
    assert reports(check(world.home)) == {n: set() for n in ALERTS}


def test_all_lists_every_current_match(world: World) -> None:
    got = reports(check(world.home, ["cameras", "spain"], show_all=True))
    assert got == {"cameras": world.after["cameras"], "spain": world.after["spain"]}


def test_hits_have_the_search_hit_shape(world: World) -> None:
    (marker,) = [r for r in world.second if r.alert.name == "marker"]
    d = marker.to_dict()
    assert d["name"] == "marker" and d["count"] == 2 and d["baseline"] is False
    with closing(SearchIndex(world.home.index_dir)) as ix:
        shape = set(ix.search(MARKER).hits[0].to_dict())
    for hit in d["new"]:
        assert set(hit) == shape
        assert (
            hit["url"].startswith("https://gdprhub.eu/index.php?title=Alerts_test")
            or hit["page_id"] == world.edited_marker
        )


def test_feeds_hold_the_new_decisions_and_parse(world: World) -> None:
    for name in ALERTS:
        d = feedparser.parse((world.home.feeds_dir / f"{name}.atom").read_bytes())
        assert not d.bozo, (name, d.bozo_exception)
        assert d.version == "atom10"
        assert {e.id for e in d.entries} == {
            entry_id(p) for p in world.after[name] - world.before[name]
        }
    d = feedparser.parse(world.home.feeds_dir / "marker.atom")
    assert {e.title for e in d.entries} >= {"Alerts test - new marker decision"}
    assert all("CC BY-NC-SA 4.0" in e.rights for e in d.entries)


def test_only_named_alerts_are_checked_and_unknown_names_refused(world: World) -> None:
    (r,) = check(world.home, ["spain"])
    assert r.alert.name == "spain"
    with pytest.raises(AlertError, match="no alert named 'nope'"):
        check(world.home, ["spain", "nope"])


@pytest.mark.parametrize(
    ("query", "filters", "why"),
    [
        ('"video surveillance', {}, "Unbalanced quote"),
        ("camera AND", {}, '"AND" needs something on both sides'),
        ("camera", {"countr": ["Spain"]}, 'Unknown filter "countr"'),
        ("year:20x1", {}, "is not a year"),
    ],
)
def test_a_query_the_language_would_repair_is_refused(
    world: World, query: str, filters: dict, why: str
) -> None:
    with closing(SearchIndex(world.home.index_dir)) as ix, pytest.raises(AlertError, match=why):
        validate(ix, query, filters)
