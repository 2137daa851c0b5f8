"""corpus.provisions: the GDPR article/provision grammar."""

from __future__ import annotations

import pytest

from gdprkb.corpus.provisions import (
    GDPR,
    UK_GDPR,
    Citation,
    citations,
    gdpr_provisions,
    parse_provision,
    provision_ancestors,
    provision_key,
)


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
        ("[6 GDPR]", [(6, "6")]),  # page 5312
        ("[5(1)(f) GDPR]", [(5, "5(1)(f)")]),
        ("Article 58 GDPR#2b", [(58, "58(2)(b)")]),  # page 7854, an unrendered link's target
        ("Article 6 GDPR#1f", [(6, "6(1)(f)")]),
        ("Article 2(1)(a) UK GDPR", []),  # the UK's law, not the EU GDPR (page 6347)
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
    ("typed", "provision"),
    [
        ("32", "32"),
        ("5(1)(f)", "5(1)(f)"),
        ("5 (1) F", "5(1)(f)"),
        ("Art. 5(1)(f)", "5(1)(f)"),
        ("article 6 para. 1 lit. f GDPR", "6(1)(f)"),
        ("Article 4(11) DSGVO", "4(11)"),
        ("5, 6", None),  # a list is the caller's
        ("5..6", None),
        ("cookies", None),
        ("", None),
        ("100", None),  # the GDPR has 99 articles
    ],
)
def test_parse_provision(typed: str, provision: str | None) -> None:
    assert parse_provision(typed) == provision


def test_provision_ancestors() -> None:
    assert provision_ancestors("5(1)(f)") == ["5(1)(f)", "5(1)", "5"]
    assert provision_ancestors("32") == ["32"]


def test_provision_key_sorts_numbers_as_numbers() -> None:
    assert sorted(["12", "5(2)", "5(1)(f)", "5(10)"], key=provision_key) == [
        "5(1)(f)",
        "5(2)",
        "5(10)",
        "12",
    ]


def test_uk_gdpr_citations_are_their_own_law() -> None:
    """Page 6347: both provisions kept, as the UK GDPR's, "2A" as a paragraph."""
    assert citations("Article 2(1)(a) UK GDPR") == [Citation(UK_GDPR, 2, "2(1)(a)")]
    assert citations("Article 3(2A) UK GDPR") == [Citation(UK_GDPR, 3, "3(2A)")]
    assert citations("Art. 5 and Art. 6 UK-GDPR") == [
        Citation(UK_GDPR, 5, "5"),
        Citation(UK_GDPR, 6, "6"),
    ]
    assert citations("Article 6 GDPR") == [Citation(GDPR, 6, "6")]
    assert citations("Article 2A GDPR") == []  # "2A" is never an article
