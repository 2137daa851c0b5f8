"""The app's "Save this search" and Alerts page (webapp/alerts_page.py), in AppTest on a copy of
the sample home; what is saved is read back from the corpus database, what is new from a real
check."""

from __future__ import annotations

import shutil
from contextlib import closing
from pathlib import Path

import pytest
from apptest_pages import link_targets, run_app, texts, unescape

from gdprkb.corpus.alerts import AlertStore
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index.alert_check import AlertChecker
from gdprkb.index.search import SearchIndex


@pytest.fixture(scope="module")
def writable_home(sample_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Home:
    home = Home(tmp_path_factory.mktemp("app_alerts") / "home")
    shutil.copytree(sample_home, home.root)
    return home


@pytest.fixture
def home(writable_home: Home, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("GDPRKB_HOME", str(writable_home.root))
    with AlertStore(writable_home.db) as alerts:
        for a in alerts.all():
            alerts.remove(a.name)
    return writable_home


def saved(home: Home) -> dict[str, tuple[str, dict]]:
    with AlertStore(home.db) as alerts:
        return {a.name: (a.query, a.filters) for a in alerts.all()}


def test_save_this_search_stores_the_query_and_filters_as_shown(home: Home) -> None:
    at = run_app(q="camera", jurisdiction="Spain", year_from="2020")
    at.text_input(key="w_alert_name").input("cams-es")
    at.button(key="w_alert_save").click().run()
    assert not at.exception
    assert any("Saved as cams-es." in unescape(s.value) for s in at.success)
    assert saved(home) == {"cams-es": ("camera", {"jurisdiction": ["Spain"], "year": ["2020.."]})}


@pytest.mark.parametrize(
    ("q", "name", "why"),
    [
        ('"camera', "quote", "would be repaired: Unbalanced quote"),
        ("camera", "a b", "is not a safe name"),
        ("camera", "", "is not a safe name"),
    ],
)
def test_a_bad_save_says_why_and_saves_nothing(home: Home, q: str, name: str, why: str) -> None:
    at = run_app(q=q)
    at.text_input(key="w_alert_name").input(name)
    at.button(key="w_alert_save").click().run()
    assert not at.exception
    assert any(why in unescape(e.value) for e in at.error), [e.value for e in at.error]
    assert saved(home) == {}


def test_the_alerts_page_lists_new_decisions_as_case_links_and_the_feed(home: Home) -> None:
    with AlertStore(home.db) as alerts:
        alerts.add("cams", "camera")
        alerts.add("later", "consent")
        alerts.set_baseline("cams", 0, [], "2026-11-30T06:00:00Z")  # as if nothing was indexed
    with (
        Store(home.db) as store,
        AlertStore(home.db) as alerts,
        closing(SearchIndex(home.index_dir)) as ix,
    ):
        (report,) = AlertChecker(store, alerts, ix, home.index_dir).check(["cams"], home.feeds_dir)
        new = {h.page_id for h in report.new}
        assert new == ix.exact_matches("camera")[0] and new
        checked = alerts.get("cams").checked
    at = run_app(alerts="1")
    assert [t.value for t in at.title] == ["Alerts"]
    page = texts(at)
    assert f"Last checked {checked}: {len(new)} new decision(s)." in page
    assert {f"case={p}" for p in new} <= set(link_targets(at))
    assert any(str(home.feeds_dir / "cams.atom") in t for t in page)
    assert any("Not checked yet" in t for t in page)  # "later"


def test_remove_deletes_the_alert_and_its_feed(home: Home) -> None:
    with AlertStore(home.db) as alerts:
        alerts.add("gone", "camera")
    feed = home.feeds_dir / "gone.atom"
    feed.parent.mkdir(parents=True, exist_ok=True)
    feed.write_text("<feed/>")
    at = run_app(alerts="1")
    at.button(key="w_alert_remove_gone").click().run()
    assert not at.exception
    assert saved(home) == {} and not feed.exists()
    assert any("No saved searches yet" in i.value for i in at.info)


def test_scraped_and_typed_text_is_shown_as_text(home: Home) -> None:
    with AlertStore(home.db) as alerts:  # as if saved by an older version, unvalidated
        alerts.add("hostile", ":material/warning: **bold** [x](http://evil.example) <b>b</b>")
    at = run_app(alerts="1")
    shown = [m.value for m in at.markdown]
    assert any(r"\:material/warning\:" in v or "\\:" in v for v in shown), shown
    assert not any("](http://evil.example)" in v for v in shown)


def test_the_sidebar_leads_to_alerts_and_back(home: Home) -> None:
    at = run_app(q="camera")
    at.sidebar.button(key="nav_alerts").click().run()
    assert [t.value for t in at.title] == ["Alerts"] and at.query_params["alerts"] == "1"
    at.sidebar.button(key="nav_search").click().run()
    assert "alerts" not in at.query_params and not at.title
    assert at.query_params["q"] == "camera"  # the search is where it was
