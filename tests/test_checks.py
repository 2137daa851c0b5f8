"""corpus.checks: data-quality warnings where GDPRhub's page contradicts itself (issue 13)."""

from __future__ import annotations

import pytest
from fragments import parse_decision

from gdprkb.corpus.checks import AFFECTS, WARNINGS, is_flagged, warning_text


def test_every_warning_says_what_it_casts_doubt_on() -> None:
    assert set(AFFECTS) == set(WARNINGS)


def test_a_clean_case_has_no_warnings() -> None:
    r = parse_decision(
        {"Fine": "2,500,000 EUR"}, "The AEPD fined it €2.5M.", cached="20250829204843"
    )
    assert r.warnings == []


def test_currency_differs_from_jurisdiction_and_summary() -> None:
    """Page 7622: a Spanish AEPD fine of 2,500,000 BGN whose summary says €2.5M."""
    r = parse_decision({"Fine": "2,500,000 BGN"}, "The AEPD fined the company €2.5M.")
    assert (r.fine_amount, r.fine_currency) == (2500000.0, "BGN")  # kept as shown
    assert r.warnings == ["fine_currency_mismatch"]
    assert is_flagged(r, "fine_amount") and is_flagged(r, "fine_currency")
    assert not is_flagged(r, "year")


def test_no_mismatch_when_the_summary_agrees_with_the_fine() -> None:
    r = parse_decision({"Fine": "1,000 USD"}, "A fine of USD 1,000 was imposed.")
    assert r.warnings == []
    r = parse_decision({"Fine": "1,000 USD"}, "No sum is named here.")
    assert r.warnings == []


@pytest.mark.parametrize("fine", ["n/a n/a", "1,500,00 ISK", "about 5 million"])
def test_fine_not_understood(fine: str) -> None:
    r = parse_decision({"Fine": fine})
    assert (r.fine_amount, r.fine_text) == (None, fine)
    assert r.warnings == ["fine_not_understood"]


def test_negative_fine_is_kept_and_flagged() -> None:
    r = parse_decision({"Fine": "-3 EUR"})
    assert (r.fine_amount, r.fine_currency, r.fine_text) == (-3.0, "EUR", None)
    assert r.warnings == ["fine_negative"]


def test_date_after_the_page_was_rendered() -> None:
    """Page 7586 (published 2036) and PS/00117/2022 (decided 2027): later than the page."""
    r = parse_decision(
        {"Decided": "12.05.2027", "Published": "16.07.2023"}, cached="20250829204843"
    )
    assert r.date_decided == "2027-05-12"  # kept as shown
    assert r.warnings == ["date_decided_in_future"]
    assert is_flagged(r, "date_decided") and is_flagged(r, "year")
    assert not is_flagged(r, "date_published") and not is_flagged(r, "fine_amount")


def test_the_reference_is_the_page_not_the_clock() -> None:
    """The same page rendered later has no future date: the parser stays pure."""
    rows = {"Decided": "12.05.2025"}
    assert parse_decision(rows, cached="20250101000000").warnings == ["date_decided_in_future"]
    assert parse_decision(rows, cached="20250601000000").warnings == []
    assert parse_decision(rows).warnings == []  # no parser report: nothing to compare with


def test_year_follows_the_date_it_comes_from() -> None:
    published_only = {"date_decided": None, "date_published": "2036-07-16"}
    flagged = {**published_only, "warnings": ["date_published_in_future"]}
    assert is_flagged(flagged, "year")
    decided_too = {**flagged, "date_decided": "2023-01-01"}
    assert not is_flagged(decided_too, "year")  # the year comes from the decided date


def test_warning_text() -> None:
    assert warning_text("fine_negative") == "The fine is a negative amount."
    assert warning_text("some_future_code") == "some_future_code"


def test_is_flagged_reads_a_search_hit_too() -> None:
    from gdprkb.index.search import Hit

    hit = Hit(page_id=1, title="t", url="u", kind="dpa", score=1.0, fine_amount=-3.0)
    assert not is_flagged(hit, "fine_amount")
    hit.warnings = ["fine_negative"]
    assert is_flagged(hit, "fine_amount") and not is_flagged(hit, "year")
