"""corpus.fields: one infobox value at a time (nulls, placeholders, dates, fines, facets...)."""

from __future__ import annotations

import pytest

from gdprkb.corpus.fields import (
    clean,
    facet,
    gdpr_provisions,
    is_placeholder,
    nullify,
    parse_date,
    parse_ecli,
    parse_fine,
)


def test_clean_collapses_whitespace_and_invisible_marks() -> None:
    assert clean("  BVwG (Austria)\u200e \n\t") == "BVwG (Austria)"
    assert clean("a\u00a0\u00a0b") == "a b"
    assert clean(None) == ""


@pytest.mark.parametrize(
    "value", ["", " ", "n/a", "N/A", "None", "none", "Unknown", "-", "{{{ECLI}}}"]
)
def test_null_like_values(value: str) -> None:
    assert nullify(value) is None


def test_unfilled_template_parameters_are_null() -> None:
    assert nullify("[[:Category:{{{Lang_1}}}|{{{Lang_1}}}]] [[Category:{{{Lang_1}}}]]") is None
    assert nullify("{{{Link_1}}} {{{Name_1}}} (in {{{Code_1}}})") is None


def test_nullify_keeps_real_values() -> None:
    assert nullify(" KMD A/S ") == "KMD A/S"
    assert nullify("Not appealed") == "Not appealed"


@pytest.mark.parametrize(
    "text",
    [
        "Add you comment here!",
        "Add your comment here!",
        "Share your comments here!",
        "Share blogs or news articles here!",
        "Feel free to add your comment here",
        "Share your views here!",
        "You can share your comment here!",
        "Please add the facts here.",
        "TBD",
        "to be completed",
        "Machine translation to be added.",
        "[[:Category:|]] [[Category:]]",
        ",",
    ],
)
def test_placeholders(text: str) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize(
    "text",
    [
        "This decision is not final.",
        "The decision is available in English.",
        "You can find the OLG Wien's decision for referral here.",
        "Add comments to the draft was required by the DPA.",
        "Article 5 GDPR",
        "UODO ordered the Mayor [[to stop]] the processing.",  # a stray link is still text
    ],
)
def test_not_placeholders(text: str) -> None:
    assert not is_placeholder(text)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("13.02.2020", "2020-02-13"),
        ("3.2.2020", "2020-02-03"),
        ("13/02/2020", "2020-02-13"),
        ("2020-02-13", "2020-02-13"),
        (" 01.12.2019 ", "2019-12-01"),
        ("31.08.23", "2023-08-31"),
        ("13.02.2020 (notified 20.02.2020)", "2020-02-13"),
        ("10 December 2020", "2020-12-10"),
        ("13. März 2025", "2025-03-13"),
        ("27th October 2022", "2022-10-27"),
        ("October 27, 2022", "2022-10-27"),
        ("March 1st 2021", "2021-03-01"),
        ("Foo 12, 2020", None),
        ("1 Foo 2020", None),
        ("31.02.2020", None),  # not a real day
        ("2020", None),
        ("n/a", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, iso: str | None) -> None:
    assert parse_date(text) == iso


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


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Violation Found", "Violation Found"),
        ("Violation found", "Violation Found"),
        ("violation found.", "Violation Found"),
        ("No further action", "No Further Action"),
        ("Partly Upheld", "Partly Upheld"),
        ("Advisory Opinion", "Advisory Opinion"),
        ("n/a", None),
    ],
)
def test_facet(raw: str, value: str | None) -> None:
    assert facet(raw) == value


@pytest.mark.parametrize(
    ("raw", "ecli"),
    [
        ("ECLI:NL:RBDHA:2019:12031", "ECLI:NL:RBDHA:2019:12031"),
        ("ECLI: DE: VGPOTSD: 2023: 0722.1L134.20.00", "ECLI:DE:VGPOTSD:2023:0722.1L134.20.00"),
        ("ECLI:AT:BVWG:2025:W298 .2263736.1.00", "ECLI:AT:BVWG:2025:W298.2263736.1.00"),
        ("EU:C:2022:833", "ECLI:EU:C:2022:833"),
        ("[2021] EWHC 3164 (QB)", "[2021] EWHC 3164 (QB)"),
        ("https://www.dpa.gr/decision.pdf", None),
        ("{{{ECLI}}}", None),
        ("N/A", None),
        ("n/a", None),
    ],
)
def test_parse_ecli(raw: str, ecli: str | None) -> None:
    assert parse_ecli(raw) == ecli


@pytest.mark.parametrize(
    ("law", "provisions"),
    [
        ("Article 32 GDPR", [(32, "32")]),
        ("Article 6(1)(a) GDPR", [(6, "6(1)(a)")]),
        ("Article 5(1)(e) GDPR", [(5, "5(1)(e)")]),
        ("Art. 5 (1) f GDPR", [(5, "5(1)(f)")]),
        ("Article 4 (11) GDPR", [(4, "4(11)")]),
        ("Art. 6 Abs. 1 S. 1 lit. f DSGVO", [(6, "6(1)(f)")]),
        ("Articles 12 and 13 GDPR", [(12, "12"), (13, "13")]),
        ("Article 5(1)(a), (b) GDPR", [(5, "5(1)(a)"), (5, "5(1)(b)")]),
        ("Article 15 Regulation 2016/679", [(15, "15")]),
        ("Article 6(1)(f) GDPR (legitimate interest)", [(6, "6(1)(f)")]),
        ("Article 5 GDPR, Article 6 GDPR", [(5, "5"), (6, "6")]),
        ("Art. 5 and Art. 6(1)(f) GDPR", [(5, "5"), (6, "6(1)(f)")]),
        ("Article 5 GDPR and § 3 BDSG", [(5, "5")]),
        ("Article 5 BDSG, Article 6 GDPR", [(6, "6")]),
        ("Recital 153 GDPR", []),
        ("Article 34 UAVG", []),
        ("§ 1 DSG", []),
        ("Article 1(3) Awb", []),
        ("Article 29 Working Party Guidelines on Transparency under GDPR", []),
    ],
)
def test_gdpr_provisions(law: str, provisions: list[tuple[int, str]]) -> None:
    assert gdpr_provisions(law) == provisions


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (
            "[[:Category:LAG Düsseldorf [Germany]|LAG Düsseldorf [Germany]]]",
            "LAG Düsseldorf [Germany]",
        ),
        ("[[A]] and [[B|b]]", "A and b"),
        ("[[] ZSPU.421.3.2019]", "ZSPU.421.3.2019"),
        ("[[:Category:|]] [[Category:]]", None),
        ("[2021] EWHC 3164 (QB)", "[2021] EWHC 3164 (QB)"),
    ],
)
def test_unrendered_wiki_links(raw: str, value: str | None) -> None:
    assert nullify(raw) == value
