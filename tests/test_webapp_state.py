"""The app's URL <-> view mapping (webapp/state.py)."""

from __future__ import annotations

from gdprkb.webapp.state import View, page_count, parse_view, to_params


def test_empty_url_is_the_default_search() -> None:
    view = parse_view({})
    assert view == View()
    assert view.route == "search"
    assert to_params(view) == {}


def test_full_view_round_trips_through_the_url() -> None:
    view = View(
        q='"legitimate interest" cookies',
        filters={"jurisdiction": ("Spain", "Italy"), "article": ("6",), "kind": ("dpa",)},
        year_from=2019,
        year_to=2021,
        fine_min=1000.0,
        fine_max=2.5e6,
        sort="fine",
        page=3,
    )
    params = to_params(view)
    assert params["jurisdiction"] == ["Spain", "Italy"]
    assert params["art"] == ["6"]  # `article` is the article page
    assert params["fine_max"] == "2500000"
    assert params["sort"] == "fine" and params["page"] == "3"
    assert parse_view(params) == view


def test_single_values_arrive_as_strings_and_lists_alike() -> None:
    # st.query_params gives a str for one value; AppTest and get_all give lists.
    assert parse_view({"jurisdiction": "Spain"}).filters == {"jurisdiction": ("Spain",)}
    assert parse_view({"jurisdiction": ["Spain"]}).filters == {"jurisdiction": ("Spain",)}


def test_case_wins_over_article_and_search() -> None:
    assert parse_view({"case": "2146", "article": "32", "q": "x"}).route == "case"
    assert parse_view({"article": "32"}).route == "article"
    assert parse_view({"article": "32"}).article == 32


def test_malformed_values_are_dropped_not_raised() -> None:
    view = parse_view(
        {
            "page": "-4",
            "sort": "random",
            "case": "abc",
            "year_from": "20x1",
            "fine_min": "nan",
            "fine_max": "inf",
            "jurisdiction": ["", "  "],
        }
    )
    assert view == View()


def test_duplicate_filter_values_are_merged() -> None:
    assert parse_view({"outcome": ["Upheld", "Upheld"]}).filters == {"outcome": ("Upheld",)}


def test_page_count() -> None:
    assert page_count(0) == 1
    assert page_count(20) == 1
    assert page_count(21) == 2


def test_the_query_language_is_part_of_the_url() -> None:
    view = View(q="kamera", lang="da")
    assert to_params(view) == {"q": "kamera", "lang": "da"}
    assert parse_view(to_params(view)) == view
    assert "lang" not in to_params(View(q="kamera"))  # as typed: the default, left out
    assert parse_view({"lang": "auto"}).lang == "auto"
    for bad in ("EN", "en", "<script>", "x" * 5000, "d a", ""):
        assert parse_view({"lang": bad}).lang == "", bad
    assert parse_view({"lang": " DE "}).lang == "de"
