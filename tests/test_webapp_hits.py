"""Hits shaped as result cards (webapp/hits.py): filters of a view, the appeal line."""

from __future__ import annotations

from gdprkb.corpus.appeals import CaseIds
from gdprkb.corpus.record import Appeal, AppealRef, CaseRecord
from gdprkb.webapp.hits import appeal_line, filters_of
from gdprkb.webapp.urlview import View


def _case(page_id: int, number: str, appeal: Appeal, outcome: str | None = None) -> CaseRecord:
    return CaseRecord(
        title=f"Body - {number}",
        url=f"https://gdprhub.eu/index.php?title=Body_-_{number}",
        page_id=page_id,
        revision_id=1,
        kind="dpa",
        case_number=number,
        outcome=outcome,
        appeal=appeal,
    )


def test_the_card_says_where_an_appeal_went_and_how_it_ended() -> None:
    dpa = _case(
        1, "DPA-2020-1", Appeal(to=AppealRef(status="Appealed - Overturned", body="VG Wien"))
    )
    court = _case(
        2, "VG-2021-77", Appeal(from_=AppealRef(case_number="DPA-2020-1")), outcome="Upheld"
    )
    ids = CaseIds.build([dpa, court])
    assert appeal_line(dpa, ids, {2: "Upheld"}) == (
        "Appealed - Overturned, VG Wien · Body - VG-2021-77: Upheld"
    )
    # "Not appealed" is no appeal line at all.
    quiet = _case(3, "DPA-2020-9", Appeal(to=AppealRef(status="Not appealed")))
    assert appeal_line(quiet, CaseIds.build([quiet]), {}) == ""


def test_filters_of_a_view_are_the_search_apis_filters() -> None:
    view = View(
        filters={"jurisdiction": ("Spain",)}, year_from=2020, fine_max=5000.0, fine_min=None
    )
    assert filters_of(view, {"article": ["6"]}) == {
        "jurisdiction": ["Spain"],
        "article": ["6"],
        "year": ["2020.."],
        "fine": ["0..5000"],  # "up to 5000" means fined, at most 5000
    }
