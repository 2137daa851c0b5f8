"""Charts of a result set (webapp/charts.py)."""

from __future__ import annotations

from gdprkb.webapp import charts

ROWS = [
    {"page_id": 1, "year": 2020, "jurisdiction": "Spain", "outcome": "Upheld",
     "fine_amount": 1000.0, "fine_currency": "EUR"},
    {"page_id": 2, "year": 2020, "jurisdiction": "Spain", "outcome": None,
     "fine_amount": 500.0, "fine_currency": "EUR"},
    {"page_id": 3, "year": 2021, "jurisdiction": "Norway", "outcome": "Upheld",
     "fine_amount": 90000.0, "fine_currency": "NOK"},
    {"page_id": 4, "year": None, "jurisdiction": None, "outcome": "Rejected",
     "fine_amount": None, "fine_currency": None},
]  # fmt: skip


def _values(chart: object) -> list[dict]:
    return chart.to_dict()["datasets"][next(iter(chart.to_dict()["datasets"]))]  # type: ignore[attr-defined]


def test_decisions_per_year_skip_undated_cases() -> None:
    df = charts.frame(ROWS)
    assert _values(charts.per_year(df)) == [
        {"year": "2020", "decisions": 2},
        {"year": "2021", "decisions": 1},
    ]


def test_decisions_per_country_and_outcome_count_missing_values_visibly() -> None:
    df = charts.frame(ROWS)
    per_country = {
        r["jurisdiction"]: r["decisions"]
        for r in _values(charts.per_category(df, "jurisdiction", "t"))
    }
    assert per_country == {"Spain": 2, "Norway": 1, "(not stated)": 1}
    per_outcome = {
        r["outcome"]: r["decisions"] for r in _values(charts.per_category(df, "outcome", "t"))
    }
    assert per_outcome == {"Upheld": 2, "Rejected": 1, "(not stated)": 1}


def test_fines_are_summed_per_currency_never_mixed() -> None:
    df = charts.frame(ROWS)
    assert charts.currencies(df) == ["EUR", "NOK"]
    eur = _values(charts.fines_by(df, "jurisdiction", "EUR"))
    assert [(r["jurisdiction"], r["total"], r["fines"]) for r in eur] == [("Spain", 1500.0, 2)]
    nok = _values(charts.fines_by(df, "year", "NOK"))
    assert [(r["year"], r["total"]) for r in nok] == [("2021", 90000.0)]


def test_empty_result_set_gives_empty_charts() -> None:
    df = charts.frame([])
    assert _values(charts.per_year(df)) == []
    assert charts.currencies(df) == []
