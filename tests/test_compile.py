"""Field values resolved against the index (index/compile.py): out-of-range numbers are repaired."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from gdprkb.corpus.record import CaseRecord
from gdprkb.index.search import SearchIndex

BIG = "9" * 30


@pytest.fixture
def ix(make_index: Callable[..., SearchIndex]) -> SearchIndex:
    def case(pid: int, **kw: Any) -> CaseRecord:
        return CaseRecord(f"C{pid}", f"https://gdprhub.eu/C{pid}", pid, 1, "dpa", **kw)

    return make_index(
        [
            case(1, gdpr_articles=[5], gdpr_provisions=["5(1)(f)"], fine_amount=2e4,
                 fine_currency="EUR", date_decided="2021-03-04"),
            case(2, gdpr_articles=[99], date_decided="2019-12-31"),
            case(3, gdpr_articles=[6], fine_amount=50.0, fine_currency="EUR"),
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    ("query", "total", "warning"),
    [
        ("article:1..2..3", 0, "is not an article range"),
        (f"article:1..{BIG}", 3, "the GDPR has articles 1..99; using 1..99"),
        (f"article:{BIG}..", 1, "using 99..99"),
        ("article:6..5", 0, "is an empty range"),
        ("article:0..5", 1, "using 1..5"),
        (f"article:{BIG}", 0, "is not an article"),
        (f"fine:>{BIG}", 0, "no fine is above"),
        (f"fine:100..{BIG}", 1, "no fine is above"),
        ("fine:1..2..3", 0, "is not an amount or range"),
        (f"year:{BIG}", 0, "is not a year or range"),
        (f"year:2020..{BIG}", 0, "is not a year or range"),
        ("year:1..2..3", 0, "is not a year or range"),
        ("date:2021-13", 0, "is not a date or range"),
        (f"date:..{BIG}", 0, "is not a date or range"),
    ],
)
def test_out_of_range_numbers_are_repaired_with_a_warning(
    ix: SearchIndex, query: str, total: int, warning: str
) -> None:
    for sort in ("relevance", "date", "fine"):
        res = ix.search(query, sort=sort)
        assert res.total == total, (query, sort, res.query_used)
        assert any(warning in w for w in res.warnings), res.warnings


def test_article_ranges_and_provisions_still_select(ix: SearchIndex) -> None:
    assert {h.page_id for h in ix.search("article:5..6").hits} == {1, 3}
    assert {h.page_id for h in ix.search("article:5(1)").hits} == {1}
    assert {h.page_id for h in ix.search("article:..5").hits} == {1}
    assert ix.search("article:5..6").warnings == []


def test_undated_and_unfined_cases_come_last(make_index: Callable[..., SearchIndex]) -> None:
    def case(pid: int, date: str | None, fine: float | None) -> CaseRecord:
        currency = "EUR" if fine else None
        return CaseRecord(f"C{pid}", f"https://gdprhub.eu/C{pid}", pid, 1, "dpa", lead="camera",
                          date_decided=date, fine_amount=fine, fine_currency=currency)  # fmt: skip

    ix = make_index([case(1, None, 10.0), case(2, "2020-01-01", None), case(3, "2022-05-05", 5.0)])
    assert [h.page_id for h in ix.search("camera", sort="date").hits] == [3, 2, 1]
    assert [h.page_id for h in ix.search("camera", sort="fine").hits] == [1, 3, 2]
