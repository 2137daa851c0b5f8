"""corpus.money: fines, currencies and euro rates."""

from __future__ import annotations

import pytest

from gdprkb.corpus.money import (
    EUR_RATES,
    Fine,
    amounts_in_text,
    fine_in_eur,
    parse_fine,
    read_fine,
    same_amount,
    with_summary_currency,
)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("10,000 EUR", 10000.0, "EUR"),
        ("20.000 EUR", 20000.0, "EUR"),
        ("4 000 EUR", 4000.0, "EUR"),
        ("2,000,000.00 EUR", 2000000.0, "EUR"),
        ("5,079.50 RON", 5079.5, "RON"),
        ("50000 NOK", 50000.0, "NOK"),
        ("9.839,4 RON", 9839.4, "RON"),
        ("1.800.000 EUR", 1800000.0, "EUR"),
        ("500.00 EUR", 500.0, "EUR"),
        ("0 EUR", 0.0, "EUR"),
        ("€110,000", 110000.0, "EUR"),
        ("2.500 €", 2500.0, "EUR"),
        ("£1,250,000", 1250000.0, "GBP"),
        ("EUR 35,258,708", 35258708.0, "EUR"),
        ("1'000 CHF", 1000.0, "CHF"),
        ("1.2 million EUR", 1200000.0, "EUR"),
        ("EUR 1,5 Mio.", 1500000.0, "EUR"),
        ("€1.2m", 1200000.0, "EUR"),
        ("10.000,- EUR", 10000.0, "EUR"),
        ("40000", 40000.0, None),
        ("3,000,000", 3000000.0, None),
    ],
)
def test_parse_fine(text: str, amount: float, currency: str | None) -> None:
    assert parse_fine(text) == (amount, currency, None)


def test_bare_fine_takes_a_stable_national_currency() -> None:
    assert parse_fine("40000", "Spain") == (40000.0, "EUR", None)
    assert parse_fine("300,000", "Norway") == (300000.0, "NOK", None)
    assert parse_fine("30000", "Croatia") == (30000.0, None, None)  # HRK until 2023, then EUR
    assert parse_fine("1000 NOK", "Spain") == (1000.0, "NOK", None)  # shown currency wins


def test_fine_in_kroner_needs_the_jurisdiction() -> None:
    assert parse_fine("50.000 kr", "Denmark") == (50000.0, "DKK", None)
    assert parse_fine("50.000 kr", None) == (None, None, "50.000 kr")


@pytest.mark.parametrize(
    "text", ["54,609,62 EUR", "60.0000 EUR", "about 5 million EUR", "EUR 5 NOK", "n/a n/a"]
)
def test_unparseable_fine_keeps_raw_text(text: str) -> None:
    assert parse_fine(text) == (None, None, text)


@pytest.mark.parametrize("text", ["n/a", "None", "none", "", "Unknown"])
def test_no_fine(text: str) -> None:
    assert parse_fine(text) == (None, None, None)


def test_fine_in_eur_uses_the_rate_table() -> None:
    assert fine_in_eur(1000.0, "EUR") == 1000.0
    assert fine_in_eur(1000.0, "NOK") == 1000.0 * EUR_RATES["NOK"]
    assert fine_in_eur(1000.0, None) == 1000.0  # no currency: read as euros
    assert fine_in_eur(1000.0, "XYZ") is None
    assert fine_in_eur(None, "EUR") is None


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("€15,000 EUR", 15000.0, "EUR"),  # page 3614
        ("NOK 250,000 NOK", 250000.0, "NOK"),  # page 3636
        ("EUR 5 €", 5.0, "EUR"),
    ],
)
def test_one_currency_named_twice_is_one_currency(text: str, amount: float, currency: str) -> None:
    assert parse_fine(text) == (amount, currency, None)


@pytest.mark.parametrize("text", ["-3 EUR", "EUR -3", "\u22123 EUR"])
def test_negative_amount_is_kept(text: str) -> None:
    assert parse_fine(text) == (-3.0, "EUR", None)


def test_read_fine_says_whether_the_currency_was_written() -> None:
    assert read_fine("10,000", "Romania") == Fine(10000.0, "RON", None, stated=False)
    assert read_fine("10,000 RON", "Romania") == Fine(10000.0, "RON", None, stated=True)


def test_amounts_in_text() -> None:
    text = (
        "The DPA fined it €10,000, later EUR 2.5 million and 10 000 euros; RON 50,000 and "
        "2,500,000 BGN. In 2019 three companies paid 2000 times. US$ 5m."
    )
    assert amounts_in_text(text) == [
        (10000.0, "EUR"),
        (2500000.0, "EUR"),
        (10000.0, "EUR"),
        (50000.0, "RON"),
        (2500000.0, "BGN"),
        (5000000.0, "USD"),
    ]
    assert amounts_in_text("") == []


def test_bare_fine_takes_the_currency_the_summary_states_it_in() -> None:
    bare = read_fine("10,000", "Romania")
    assert with_summary_currency(bare, [(2000.0, "EUR"), (10000.0, "EUR")]).currency == "EUR"
    assert with_summary_currency(bare, [(2000.0, "EUR")]).currency == "RON"
    stated = read_fine("10,000 RON", "Romania")
    assert with_summary_currency(stated, [(10000.0, "EUR")]).currency == "RON"
    assert same_amount(2.5e6, 2500000.0) and not same_amount(2.5e6, 2.4e6)
