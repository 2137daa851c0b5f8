"""corpus.money: fines, currencies and euro rates."""

from __future__ import annotations

import pytest

from gdprkb.corpus.money import EUR_RATES, fine_in_eur, parse_fine


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


@pytest.mark.parametrize("text", ["54,609,62 EUR", "60.0000 EUR", "about 5 million EUR", "EUR 5 €"])
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
