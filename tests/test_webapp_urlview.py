"""The app's URL <-> view mapping (webapp/state.py)."""

from __future__ import annotations

from gdprkb.webapp.urlview import View, facet_value, href, page_count, parse_view, to_params


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


def test_a_stale_count_label_in_the_url_is_read_as_the_value() -> None:
    view = parse_view({"jurisdiction": "Spain (26)", "authority": ["AEPD (Spain) (1,204)"]})
    assert view.filters == {"jurisdiction": ("Spain",), "authority": ("AEPD (Spain)",)}
    # A value that merely ends in a parenthesis is left alone.
    assert parse_view({"authority": "AEPD (Spain)"}).filters == {"authority": ("AEPD (Spain)",)}
    assert facet_value("Spain (26)") == "Spain" and facet_value("Art (a)") == "Art (a)"


def test_huge_and_garbage_numbers_never_raise() -> None:
    view = parse_view(
        {"case": "9999999999999999999999999", "article": "1e9", "year_from": "99999999999",
         "page": "9" * 5000, "fine_min": "nan"}
    )  # fmt: skip
    assert view.case == 9999999999999999999999999  # kept: the case page says it is unknown
    assert view.article is None and view.year_from is None and view.fine_min is None
    assert view.page == 1


def test_links_carry_the_view_and_charts_are_part_of_the_url() -> None:
    view = View(q="a b", filters={"jurisdiction": ("Spain",)}, charts=True)
    assert parse_view(to_params(view)) == view
    assert href(View(case=12, q="a b")) == "?case=12&q=a+b"


def test_the_query_language_is_part_of_the_url() -> None:
    view = View(q="kamera", lang="da")
    assert to_params(view) == {"q": "kamera", "lang": "da"}
    assert parse_view(to_params(view)) == view
    assert "lang" not in to_params(View(q="kamera"))  # as typed: the default, left out
    assert parse_view({"lang": "auto"}).lang == "auto"
    for bad in ("EN", "en", "<script>", "x" * 5000, "d a", ""):
        assert parse_view({"lang": bad}).lang == "", bad
    assert parse_view({"lang": " DE "}).lang == "de"
