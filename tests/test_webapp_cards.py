"""What a result card shows (webapp/cards.py): provisions by article, which date, the fine."""

from __future__ import annotations

from gdprkb.webapp.cards import meta_line, provision_groups
from gdprkb.webapp.hits import Hit


def test_provisions_are_grouped_by_article_most_specific_first() -> None:
    groups = provision_groups(
        [5, 6, 24, 32], ["5(2)", "6(1)", "6(1)(f)", "24", "24(1)", "24(2)", "32"]
    )
    assert groups == [
        (5, ["5(2)"]),
        (6, ["6(1)(f)"]),
        (24, ["24(1)", "24(2)"]),
        (32, ["32"]),
    ]
    # A provision cited without its article listed still gets a group.
    assert provision_groups([], ["17(1)(d)"]) == [(17, ["17(1)(d)"])]


def test_the_meta_line_says_which_date_it_shows() -> None:
    hit = Hit(1, "t", authority="AEPD", date="2021-10-18", date_kind="Published", outcome="Upheld")
    assert meta_line(hit) == "AEPD · Published 2021\u201110\u201118 · Upheld"
    fined = Hit(2, "t", fine_amount=70000.0, fine_currency="EUR")
    assert meta_line(fined) == "Fine 70,000 EUR"
