"""The Streamlit app's flows in AppTest, on the real sample corpus and its real index."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from apptest_pages import APP, texts, total_shown, unescape
from streamlit.testing.v1 import AppTest

from gdprkb.corpus import export
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index.search import SearchIndex
from gdprkb.webapp import backend
from gdprkb.webapp.state import View

QUERY = "video surveillance employee"


def open_buttons(at: AppTest) -> list[int]:
    """Page ids of the result cards, in order."""
    return [int(b.key[5:]) for b in at.button if b.key and b.key.startswith("open_")]


@pytest.fixture
def home(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("GDPRKB_HOME", str(sample_home))
    return Home.resolve(sample_home)


@pytest.fixture(scope="module")
def index(sample_home: Path) -> SearchIndex:
    return SearchIndex(Home(sample_home).index_dir)


def run_app(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def test_search_shows_total_cards_snippets_and_facets(home: Home, index: SearchIndex) -> None:
    at = run_app()
    assert total_shown(at) == Store(home.db).count_cases()
    at.text_input(key="w_q").input(QUERY).run()
    assert not at.exception
    expected = index.search(QUERY, page_size=20)
    assert total_shown(at) == expected.total > 0
    assert open_buttons(at) == [h.page_id for h in expected.hits]
    # Snippets arrive with the matches in bold, never as raw HTML.
    page = "\n".join(texts(at))
    assert "**video**" in page.lower() or "**surveillance**" in page.lower()
    assert "<b" not in page
    # Sidebar facets carry the live counts of this result set.
    spain = next(v for v in expected.facets["jurisdiction"] if v.value == "Spain")
    options = at.sidebar.multiselect(key="w_f_jurisdiction").options
    assert f"Spain ({spain.count})" in options
    assert at.query_params["q"] == QUERY


def test_filter_narrows_results_keeps_other_countries_and_goes_in_the_url(
    home: Home, index: SearchIndex
) -> None:
    at = run_app(q=QUERY)
    at.sidebar.multiselect(key="w_f_jurisdiction").select("Spain").run()
    assert not at.exception
    narrowed = index.search(QUERY, filters={"jurisdiction": ["Spain"]})
    assert total_shown(at) == narrowed.total > 0
    assert at.query_params["jurisdiction"] == "Spain"
    # The selected facet still lists the other countries with their counts for the query,
    # so a second one can be added.
    unfiltered = {v.value: v.count for v in index.search(QUERY).facets["jurisdiction"]}
    options = at.sidebar.multiselect(key="w_f_jurisdiction").options
    assert options[0] == f"Spain ({unfiltered['Spain']})"
    assert set(options) == {f"{k} ({n})" for k, n in unfiltered.items()}
    at.selectbox(key="w_sort").set_value("date").run()
    assert at.query_params["sort"] == "date"
    dates = [
        h.date_decided
        for h in index.search(QUERY, filters={"jurisdiction": ["Spain"]}, sort="date").hits
    ]
    assert dates == sorted(dates, key=lambda d: d or "", reverse=True)


def test_reload_of_a_shared_url_restores_the_view(home: Home, index: SearchIndex) -> None:
    at = run_app(q="consent", outcome=["Upheld"], sort="date", page="2", year_from="2020")
    assert at.text_input(key="w_q").value == "consent"
    assert at.sidebar.multiselect(key="w_f_outcome").value == ["Upheld"]
    assert at.selectbox(key="w_sort").value == "date"
    assert at.sidebar.number_input(key="w_year_from").value == 2020
    expected = index.search(
        "consent",
        filters={"outcome": ["Upheld"], "year": ["2020.."]},
        sort="date",
        page=2,
    )
    assert total_shown(at) == expected.total
    assert open_buttons(at) == [h.page_id for h in expected.hits]
    assert at.query_params["page"] == "2"


def test_open_a_case_and_come_back(home: Home) -> None:
    at = run_app(q=QUERY)
    first = open_buttons(at)[0]
    at.button(key=f"open_{first}").click().run()
    assert not at.exception
    case = Store(home.db).get_case(first)
    assert case is not None
    assert [unescape(t.value) for t in at.title] == [case.title]
    assert at.query_params["case"] == str(first)
    at.button(key="back").click().run()
    assert "case" not in at.query_params
    assert at.text_input(key="w_q").value == QUERY
    assert first in open_buttons(at)


def test_case_page_deep_link_shows_infobox_summary_sources_and_licence(home: Home) -> None:
    # The seed case: Datatilsynet (Denmark), Reprimand, Article 32, KMD A/S, no fine.
    at = run_app(case="2146")
    page = "\n".join(texts(at))
    assert [unescape(t.value) for t in at.title] == ["Datatilsynet (Denmark) - 2019-431-0036"]
    for line in (
        "**Authority:** Datatilsynet (Denmark)",
        "**Outcome:** Reprimand",
        "**Parties:** KMD A/S",
        "**Published:** 2020-02-13",
        "**National case number:** 2019-431-0036",
    ):
        assert line in page
    assert "**Fine:**" not in page
    assert at.button(key="case_art_32").label == "Art. 32"
    assert "bitcoin" in page  # the facts section
    assert "GDPRhub content is [CC BY-NC-SA 4.0]" in page and "by noyb" in page
    assert "https://gdprhub.eu/index.php?title=Datatilsynet_(Denmark)_-_2019-431-0036" in page
    # The machine translation is there, collapsed.
    assert [e.label for e in at.expander][-1].startswith("Full text: machine translation")
    # Similar decisions come from the index, each one opening its case.
    similar = [b for b in at.button if b.key and b.key.startswith("similar_")]
    assert similar
    similar[0].click().run()
    assert at.query_params["case"] == similar[0].key.split("_")[1]


def test_appeal_chain_links_cases_in_the_corpus(home: Home) -> None:
    # WSA Warsaw decided the appeal against UODO's decision ZSOŚS.421.25.2019 (page 2716).
    store = Store(home.db)
    court = next(c for c in store.iter_cases(jurisdiction="Poland") if c.page_id == 3707)
    assert court.appeal.from_ is not None
    at = run_app(case=str(court.page_id))
    link = at.button(key="appeal_2716")
    assert "UODO" in unescape(link.label)
    link.click().run()
    assert at.query_params["case"] == "2716"
    # ...and the DPA's page links forward to the court that heard the appeal.
    assert at.button(key="appeal_3707")


def test_unknown_case_says_so(home: Home) -> None:
    at = run_app(case="999999999")
    assert any("No decision with page id 999999999" in w.value for w in at.warning)


def test_downloads_hold_every_result_with_the_export_columns(
    home: Home, index: SearchIndex
) -> None:
    at = run_app(q="consent")
    assert [d.label for d in at.download_button] == ["CSV", "JSONL"]
    view = View(q="consent")
    total = index.search("consent").total
    assert total > 20  # more than one page: the download is not capped at the page
    data = backend.export_bytes(Home.resolve(), view, {}, "consent", "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == export.columns()
    assert len(rows) - 1 == total
    ids = [int(r[0]) for r in rows[1:]]
    assert ids == index.all_page_ids("consent")
    lines = backend.export_bytes(Home.resolve(), view, {}, "consent", "jsonl").splitlines()
    first = json.loads(lines[0])
    assert len(lines) == total and first["page_id"] == ids[0]
    assert first == Store(home.db).get_case(ids[0]).to_dict()  # type: ignore[union-attr]


def test_charts_of_the_result_set(home: Home) -> None:
    at = run_app(q="fine")
    at.segmented_control(key="w_show").set_value("Charts").run()
    assert not at.exception
    charts = at.get("vega_lite_chart")
    assert len(charts) == 5  # per year, outcome, country; fines by country and by year
    assert at.selectbox(key="w_currency").value == "EUR"


def test_article_view_shows_text_and_every_citing_decision(home: Home, index: SearchIndex) -> None:
    store = Store(home.db)
    article = next(store.iter_articles())
    at = run_app(article=str(article.article))
    assert not at.exception
    assert unescape(at.title[0].value) == article.title
    assert article.text and unescape(at.expander[0].label) == "Legal text"
    citing = store.count_cases(article=article.article)
    assert total_shown(at) == citing if citing else True
    # Article 6 is cited by many sample decisions; its view narrows like the search page.
    at = run_app(article="6")
    total = total_shown(at)
    assert total == store.count_cases(article=6) > 0
    assert "GDPR article" not in [m.label for m in at.sidebar.multiselect]
    at.sidebar.multiselect(key="w_f_jurisdiction").select("Spain").run()
    assert total_shown(at) == store.count_cases(article=6, jurisdiction="Spain")
    assert at.query_params["article"] == "6"
    assert [d.label for d in at.download_button] == ["CSV", "JSONL"]


def test_case_article_chip_opens_the_article_view(home: Home) -> None:
    at = run_app(case="2146")
    at.button(key="case_art_32").click().run()
    assert at.query_params["article"] == "32"
    assert "case" not in at.query_params
    assert any("Decisions citing Article 32" in s.value for s in at.subheader)


@pytest.mark.parametrize("query", ['"unbalanced', "country:", "*", "((", "fine:>abc"])
def test_bad_queries_show_a_message_not_a_traceback(home: Home, query: str) -> None:
    at = run_app(q=query)
    assert not at.exception and not at.error
    # Repaired and explained, or simply answered: the page always says something.
    assert at.warning or at.info or any("decisions**" in t for t in texts(at))


def test_no_results_gives_suggestions(home: Home) -> None:
    at = run_app(q="zzxqvbnonexistentword", jurisdiction="Spain")
    assert any("No decisions match" in i.value for i in at.info)
    page = "\n".join(texts(at))
    assert "remove a filter" in page and "OR" in page


def test_empty_corpus_says_how_to_scrape_or_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GDPRKB_HOME", str(tmp_path))
    at = run_app()
    page = "\n".join(m.value for m in at.markdown)
    assert f"gdprkb --home {tmp_path} scrape" in page
    assert f"gdprkb --home {tmp_path} ingest" in page
    assert f"gdprkb --home {tmp_path} index" in page
    assert not (tmp_path / "corpus.sqlite").exists()  # looking does not create a database


def test_corpus_without_index_says_how_to_build_it(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    shutil.copy(sample_db, tmp_path / "corpus.sqlite")
    monkeypatch.setenv("GDPRKB_HOME", str(tmp_path))
    at = run_app(q="consent")
    assert any("run `gdprkb index` first" in e.value for e in at.error)
    assert any(f"gdprkb --home {tmp_path} index" in c.value for c in at.caption)


@pytest.fixture
def writable_home(sample_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    """A copy of the sample home that a test may change (corpus and index)."""
    import shutil

    home = Home(tmp_path)
    shutil.copy(Home(sample_home).db, home.db)
    shutil.copytree(Home(sample_home).index_dir, home.index_dir)
    monkeypatch.setenv("GDPRKB_HOME", str(tmp_path))
    return home


def test_search_goes_on_while_gdprkb_index_holds_the_writer(writable_home: Home) -> None:
    from whoosh import index as whoosh_index

    at = run_app(q="bitcoin")
    assert total_shown(at) > 0
    # `gdprkb index` holds the writer lock mid-update: searching goes on meanwhile.
    writer = whoosh_index.open_dir(str(writable_home.index_dir)).writer()
    try:
        at.text_input(key="w_q").input("development server").run()
        assert not at.exception and not at.error
        assert total_shown(at) > 0
    finally:
        writer.cancel()


def test_an_incremental_index_update_shows_in_the_open_app(writable_home: Home) -> None:
    import dataclasses

    from gdprkb.corpus.record import PageMeta
    from gdprkb.index.build import update_index

    at = run_app(q="bitcoin")
    before = total_shown(at)
    # A changed case, re-indexed incrementally, is found by its new text in the same session.
    with Store(writable_home.db) as store:
        case = store.get_case(2146)
        assert case is not None
        changed = dataclasses.replace(
            case, revision_id=case.revision_id + 1, facts="A zyxwquantum test of updates."
        )
        meta = PageMeta(case.title, case.page_id, changed.revision_id, case.categories, case.url)
        store.put(changed, b"<html>changed</html>", meta)
        update_index(store, writable_home.index_dir, progress=False)
    at.text_input(key="w_q").input("zyxwquantum").run()
    assert not at.exception and not at.error, at.error[0].value
    assert total_shown(at) == 1 and open_buttons(at) == [2146]
    at.text_input(key="w_q").input("bitcoin").run()
    assert total_shown(at) == before


def test_a_broken_index_gives_a_message_not_a_traceback(
    sample_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    shutil.copy(sample_db, tmp_path / "corpus.sqlite")
    (tmp_path / "index").mkdir()
    (tmp_path / "index" / "_MAIN_1.toc").write_bytes(b"\x00not a whoosh table of contents")
    monkeypatch.setenv("GDPRKB_HOME", str(tmp_path))
    at = run_app(q="consent")
    assert at.error and "index" in at.error[0].value


def test_pages_of_results_and_the_page_in_the_url(home: Home, index: SearchIndex) -> None:
    at = run_app(q="consent")
    pager = at.get("pagination")[0]
    total = index.search("consent").total
    assert pager.num_pages == -(-total // 20) > 1
    pager.set_value(2).run()
    assert at.query_params["page"] == "2"
    assert open_buttons(at) == [h.page_id for h in index.search("consent", page=2).hits]
    # A new query starts again at page 1.
    at.text_input(key="w_q").input("consent cookies").run()
    assert "page" not in at.query_params
