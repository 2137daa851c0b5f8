"""Appeal chains linked to the stored cases they name (corpus/appeals.py)."""

from __future__ import annotations

from gdprkb.corpus.appeals import CaseIds, cases_named, chain, norm_id
from gdprkb.corpus.record import Appeal, AppealRef, CaseRecord


def _case(page_id: int, title: str, **kw: object) -> CaseRecord:
    return CaseRecord(
        title=title,
        url=f"https://gdprhub.eu/index.php?title={title.replace(' ', '_')}",
        page_id=page_id,
        revision_id=1,
        kind="court",
        **kw,  # type: ignore[arg-type]
    )


DPA = _case(1, "UODO (Poland) - ZSOŚS.421.25.2019", case_number="ZSOŚS.421.25.2019")
COURT = _case(
    2,
    "WSA Warsaw (Poland) - II SA/Wa 2129/20",
    case_number="II SA/Wa 2129/20",
    appeal=Appeal(from_=AppealRef(body="UODO (Poland)", case_number="ZSOŚS.421.25.2019")),
)
HIGH = _case(
    3,
    "NSA - III OSK 1/22",
    appeal=Appeal(
        from_=AppealRef(
            body="WSA Warsaw",
            url="https://gdprhub.eu/WSA_Warsaw_(Poland)_-_II_SA/Wa_2129/20",
        ),
        to=AppealRef(body="CJEU", case_number="C-999/99"),
    ),
)
IDS = CaseIds.build([DPA, COURT, HIGH])


def test_norm_id_folds_case_spacing_and_punctuation() -> None:
    assert norm_id("II SA/Wa 2129/20") == norm_id("ii sa wa 2129-20") == "iisawa212920"


def test_own_row_resolves_by_case_number_and_by_gdprhub_link() -> None:
    links = chain(COURT, IDS)
    assert [(lk.direction, lk.page_id, lk.reverse) for lk in links] == [
        ("Appeal from", 1, False),
        ("Appeal to", 3, True),  # found through NSA's own "Appeal from" row
    ]
    high = chain(HIGH, IDS)
    assert (high[0].direction, high[0].page_id) == ("Appeal from", 2)
    # The CJEU case is not stored: shown without a link.
    assert (high[1].direction, high[1].page_id, high[1].ref.case_number) == (
        "Appeal to",
        None,
        "C-999/99",
    )


def test_a_decision_appealed_elsewhere_finds_the_appeal() -> None:
    assert [(lk.direction, lk.page_id) for lk in chain(DPA, IDS)] == [("Appeal to", 2)]


def test_no_chain_and_no_self_links() -> None:
    lone = _case(
        9, "Lone - 1234/5", case_number="1234/5", appeal=Appeal(to=AppealRef(case_number="1234/5"))
    )
    ids = CaseIds.build([lone])
    assert [lk.page_id for lk in chain(lone, ids)] == [None]


def test_cases_named_by_case_number_ecli_or_title() -> None:
    cjeu = _case(4, "CJEU - C-311/18 - Schrems II", case_number="C-311/18",
                 ecli="ECLI:EU:C:2020:559; ECLI:EU:C:2019:1145")  # fmt: skip
    cases = [DPA, COURT, HIGH, cjeu]
    assert cases_named(cases, "II SA/Wa 2129/20") == [COURT]
    assert cases_named(cases, "ii sa wa 2129 20") == [COURT]
    assert cases_named(cases, "ECLI:EU:C:2019:1145") == [cjeu]
    assert cases_named(cases, "ecli:eu:c:2020:559") == [cjeu]
    assert cases_named(cases, "NSA - III OSK 1/22") == [HIGH]
    assert cases_named(cases, "C-999/99") == [] and cases_named(cases, "  ") == []
