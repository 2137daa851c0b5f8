"""The Streamlit app's flows in AppTest, on the real sample corpus and its real index.

Expected answers come from the corpus store (SQL counts and records), never from the search
API the app itself calls.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from apptest_pages import card_ids, link_targets, run_app, texts, total_shown, unescape

from gdprkb.corpus import export
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.webapp import downloads
from gdprkb.webapp.urlview import View

QUERY = "video surveillance employee"


@pytest.fixture
def home(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("GDPRKB_HOME", str(sample_home))
    return Home.resolve(sample_home)


@pytest.fixture(scope="module")
def store(sample_home: Path) -> Store:
    return Store(Home(sample_home).db)


def test_search_shows_total_cards_snippets_and_facets(home: Home, store: Store) -> None:
    at = run_app()
    assert total_shown(at) == store.count_cases()
    at.text_input(key="w_q").input(QUERY).run()
    assert not at.exception
    total = total_shown(at)
    assert 0 < total < store.count_cases()
    ids = card_ids(at)
    assert len(ids) == min(20, total) and all(store.get_case(i) for i in ids)
    # Snippets arrive with the matches in bold, never as raw HTML.
    page = "\n".join(texts(at)).lower()
    assert "**video**" in page or "**surveillance**" in page
    assert "<b" not in page
    assert at.query_params["q"] == QUERY
    # Options are the facet values; counts are only their labels.
    facet = at.sidebar.multiselect(key="w_f_jurisdiction")
    assert facet.value == [] and any(re.fullmatch(r"Spain \(\d+\)", o) for o in facet.options)


def test_filters_combine_and_totals_match_the_corpus(home: Home, store: Store) -> None:
    at = run_app()
    at.sidebar.multiselect(key="w_f_jurisdiction").select("Spain").run()
    spain = store.count_cases(jurisdiction="Spain")
    assert total_shown(at) == spain > 0
    assert at.query_params["jurisdiction"] == "Spain"
    label = next(
        o for o in at.sidebar.multiselect(key="w_f_jurisdiction").options if o.startswith("Spain (")
    )
    assert label == f"Spain ({spain:,})"  # the label's count is the total the filter gives
    at.sidebar.multiselect(key="w_f_authority").select("AEPD (Spain)").run()
    both = store.count_cases(jurisdiction="Spain", authority="AEPD (Spain)")
    assert total_shown(at) == both > 0
    at.sidebar.number_input(key="w_year_from").set_value(2021).run()
    assert total_shown(at) == store.count_cases(
        jurisdiction="Spain", authority="AEPD (Spain)", year_from=2021
    )
    # Removing the first filter keeps the others.
    at.sidebar.multiselect(key="w_f_jurisdiction").unselect("Spain").run()
    assert total_shown(at) == store.count_cases(authority="AEPD (Spain)", year_from=2021)
    assert at.sidebar.multiselect(key="w_f_authority").value == ["AEPD (Spain)"]
    assert "jurisdiction" not in at.query_params


def test_a_stale_label_in_the_url_is_read_as_the_value(home: Home, store: Store) -> None:
    at = run_app(jurisdiction="Spain (26)")
    assert at.sidebar.multiselect(key="w_f_jurisdiction").value == ["Spain"]
    assert total_shown(at) == store.count_cases(jurisdiction="Spain")
    assert at.query_params["jurisdiction"] == "Spain"
    assert not at.warning


def test_reload_of_a_shared_url_restores_the_view(home: Home, store: Store) -> None:
    at = run_app(outcome=["Upheld"], sort="date", page="2", year_from="2020")
    assert at.sidebar.multiselect(key="w_f_outcome").value == ["Upheld"]
    assert at.selectbox(key="w_sort").value == "date"
    assert at.sidebar.number_input(key="w_year_from").value == 2020
    assert total_shown(at) == store.count_cases(outcome="Upheld", year_from=2020) > 20
    assert at.query_params["page"] == "2"
    dates = [store.get_case(i).date_decided for i in card_ids(at)]  # type: ignore[union-attr]
    decided = [d for d in dates if d]
    assert decided == sorted(decided, reverse=True)


def test_result_titles_are_links_to_the_case_keeping_the_search(home: Home) -> None:
    at = run_app(q=QUERY, jurisdiction="Spain")
    first = card_ids(at)[0]
    assert f"case={first}&q=video+surveillance+employee&jurisdiction=Spain" in link_targets(at)
    # Following the link is a new URL: the case page, with the way back to the results.
    at = run_app(case=str(first), q=QUERY, jurisdiction="Spain")
    case = Store(home.db).get_case(first)
    assert case is not None
    assert [unescape(t.value) for t in at.title] == [case.title]
    assert "q=video+surveillance+employee&jurisdiction=Spain" in link_targets(at)  # back


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
    assert "article=32" in link_targets(at)  # the article chip
    assert "bitcoin" in page  # the facts section
    assert "GDPRhub content is [CC BY-NC-SA 4.0]" in page and "by noyb" in page
    assert "https://gdprhub.eu/index.php?title=Datatilsynet_(Denmark)_-_2019-431-0036" in page
    # The machine translation is there, collapsed.
    assert [e.label for e in at.expander][-1].startswith("Full text: machine translation")
    # Similar decisions are links to their cases, each with authority and outcome or date.
    similar = [t for t in link_targets(at) if t.startswith("case=") and "2146" not in t]
    assert len(similar) >= 3


def test_a_flagged_value_gets_a_data_quality_note(home: Home, store: Store) -> None:
    flagged = next(c for c in store.iter_cases() if "fine_currency_mismatch" in c.warnings)
    at = run_app(case=str(flagged.page_id))
    assert any("Data-quality note" in c and "currency differs" in c for c in texts(at))
    plain = run_app(case="2146")
    assert not any("Data-quality note" in c for c in texts(plain))


def test_the_help_lists_every_field_of_the_query_language(home: Home) -> None:
    from gdprkb.index.vocabulary import FIELDS

    at = run_app()
    help_text = "\n".join(m.value for m in at.markdown if "| Write | To find |" in m.value)
    for f in FIELDS:
        if f.example:
            assert f.example.split(", ")[0].strip() in help_text, f.name
    assert "-fine" in help_text and "summary:" in help_text and "lang:" in help_text


def test_appeal_chain_links_cases_in_the_corpus(home: Home, store: Store) -> None:
    # WSA Warsaw decided the appeal against UODO's decision ZSOŚS.421.25.2019 (page 2716).
    court = store.get_case(3707)
    assert court is not None and court.appeal.from_ is not None
    at = run_app(case="3707")
    assert "case=2716" in link_targets(at)
    # ...and the DPA's page links forward to the court that heard the appeal.
    at = run_app(case="2716")
    assert "case=3707" in link_targets(at)


@pytest.mark.parametrize(
    "params",
    [
        {"case": "999999999"},
        {"case": "9999999999999999999999999"},
        {"case": "-3"},
        {"article": "99999999999999999999"},
        {"article": "0"},
        {"article": "abc"},
        {"year_from": "99999999999999999999", "q": "consent"},
        {"page": "99999999999999999999999", "q": "consent"},
        {"fine_min": "1e400"},
    ],
)
def test_hostile_urls_give_a_message_never_a_traceback(home: Home, params: dict) -> None:
    at = run_app(**params)
    assert not at.exception and not at.error
    assert at.warning or at.info or total_shown(at) >= 0


def test_unknown_case_and_article_say_so(home: Home) -> None:
    at = run_app(case="9999999999999999999999999")
    assert any("No decision with page id 999999999999999999999999" in w.value for w in at.warning)
    at = run_app(article="1000")
    assert any("There is no Article 1000 GDPR" in w.value for w in at.warning)


def test_downloads_hold_every_result_with_the_export_columns(home: Home, store: Store) -> None:
    at = run_app(jurisdiction="Spain")
    assert [d.label for d in at.download_button] == ["CSV", "JSONL"]
    view = View(filters={"jurisdiction": ("Spain",)})
    total = total_shown(at)
    assert total == store.count_cases(jurisdiction="Spain") > 20  # more than one page
    data = downloads.export_bytes(home, view, {}, "", "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == export.columns()
    ids = [int(r[0]) for r in rows[1:]]
    assert sorted(ids) == [c.page_id for c in store.iter_cases(jurisdiction="Spain")]
    lines = downloads.export_bytes(home, view, {}, "", "jsonl").splitlines()
    first = json.loads(lines[0])
    assert len(lines) == total and first["page_id"] == ids[0]
    assert first == store.get_case(ids[0]).to_dict()  # type: ignore[union-attr]


def test_charts_of_the_result_set_are_part_of_the_url(home: Home) -> None:
    at = run_app(q="fine")
    at.segmented_control(key="w_show").set_value("Charts").run()
    assert not at.exception
    assert at.query_params["show"] == "charts"
    assert len(at.get("vega_lite_chart")) == 5  # per year, outcome, country; fines x2
    assert at.selectbox(key="w_currency").value == "All fines in euros (approximate)"
    assert any("approximate" in c.value for c in at.caption)
    assert not at.get("pagination")  # no results pager under the charts
    again = run_app(q="fine", show="charts")
    assert len(again.get("vega_lite_chart")) == 5


def test_article_view_shows_text_and_every_citing_decision(home: Home, store: Store) -> None:
    article = next(store.iter_articles())
    at = run_app(article=str(article.article))
    assert not at.exception
    assert unescape(at.title[0].value) == article.title
    assert article.text and unescape(at.expander[0].label) == "Legal text"
    # Article 6 is cited by many sample decisions; its view narrows like the search page.
    at = run_app(article="6")
    assert total_shown(at) == store.count_cases(article=6) > 0
    assert "GDPR article" not in [m.label for m in at.sidebar.multiselect]
    at.sidebar.multiselect(key="w_f_jurisdiction").select("Spain").run()
    assert total_shown(at) == store.count_cases(article=6, jurisdiction="Spain")
    assert at.query_params["article"] == "6"
    assert [d.label for d in at.download_button] == ["CSV", "JSONL"]


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
    assert total_shown(at) == 1 and card_ids(at) == [2146]
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


def test_pages_of_results_and_the_page_in_the_url(home: Home, store: Store) -> None:
    at = run_app(outcome="Upheld")
    pager = at.get("pagination")[0]
    total = store.count_cases(outcome="Upheld")
    assert pager.num_pages == -(-total // 20) > 1
    first = card_ids(at)
    pager.set_value(2).run()
    assert at.query_params["page"] == "2"
    second = card_ids(at)
    assert len(second) == min(20, total - 20) and not set(first) & set(second)
    # A new query starts again at page 1.
    at.text_input(key="w_q").input("consent cookies").run()
    assert "page" not in at.query_params
