"""Charts of a result set (webapp/charts.py): nothing hidden without a word."""

from __future__ import annotations

from gdprkb.webapp import charts

ROWS = [
    {"page_id": 1, "year": 2020, "jurisdiction": "Spain", "outcome": "Upheld",
     "fine_amount": 1000.0, "fine_currency": "EUR", "fine_eur": 1000.0},
    {"page_id": 2, "year": 2020, "jurisdiction": "Spain", "outcome": None,
     "fine_amount": 500.0, "fine_currency": "EUR", "fine_eur": 500.0},
    {"page_id": 3, "year": 2021, "jurisdiction": "Norway", "outcome": "Upheld",
     "fine_amount": 90000.0, "fine_currency": "NOK", "fine_eur": 7830.0},
    {"page_id": 4, "year": None, "jurisdiction": None, "outcome": "Rejected",
     "fine_amount": None, "fine_currency": None, "fine_eur": None},
    {"page_id": 5, "year": None, "jurisdiction": "Mars", "outcome": None,
     "fine_amount": 10.0, "fine_currency": "ZZZ", "fine_eur": None},
]  # fmt: skip


def _values(chart: object) -> list[dict]:
    spec = chart.to_dict()  # type: ignore[attr-defined]
    return spec["datasets"][next(iter(spec["datasets"]))]


def test_decisions_per_year_on_a_time_axis_with_whole_number_ticks() -> None:
    df = charts.frame(ROWS)
    chart = charts.per_year(df)
    assert [(r["year"], r["decisions"]) for r in _values(chart)] == [(2020, 2), (2021, 1)]
    enc = chart.to_dict()["encoding"]
    assert enc["x"]["type"] == "temporal" and enc["x"]["timeUnit"] == "year"
    assert enc["y"]["axis"]["tickMinStep"] == 1 and enc["y"]["axis"]["format"] == "d"
    # The undated cases are counted so the page can say they are not shown.
    assert charts.left_out(df, "year") == 2


def test_years_are_spaced_as_time_not_as_categories() -> None:
    df = charts.frame([{"page_id": i, "year": y} for i, y in enumerate((2008, 2010, 2015))])
    dates = [r["date"] for r in _values(charts.per_year(df))]
    assert [d[:4] for d in dates] == ["2008", "2010", "2015"]


def test_decisions_per_country_and_outcome_count_missing_values_visibly() -> None:
    df = charts.frame(ROWS)
    per_country = {
        r["jurisdiction"]: r["decisions"]
        for r in _values(charts.per_category(df, "jurisdiction", "t"))
    }
    assert per_country == {"Spain": 2, "Norway": 1, "Mars": 1, "(not stated)": 1}
    per_outcome = {
        r["outcome"]: r["decisions"] for r in _values(charts.per_category(df, "outcome", "t"))
    }
    assert per_outcome == {"Upheld": 2, "Rejected": 1, "(not stated)": 2}


def test_every_country_is_shown_or_folded_into_others() -> None:
    rows = [{"page_id": i, "jurisdiction": f"C{i:02d}"} for i in range(31)]
    rows += [{"page_id": 100, "jurisdiction": "C00"}]
    shown = _values(charts.per_category(charts.frame(rows), "jurisdiction", "t"))
    assert len(shown) == 31 and sum(r["decisions"] for r in shown) == 32
    folded = _values(charts.per_category(charts.frame(rows), "jurisdiction", "t", limit=10))
    assert len(folded) == 10 and folded[-1]["jurisdiction"] == "Others (22)"
    assert sum(r["decisions"] for r in folded) == 32


def test_fines_per_currency_never_mixed_and_in_euros_at_the_rates() -> None:
    df = charts.frame(ROWS)
    assert charts.currencies(df) == ["EUR", "NOK", "ZZZ"]
    eur = _values(charts.fines_by(df, "jurisdiction", "EUR"))
    assert [(r["jurisdiction"], r["total"], r["fines"]) for r in eur] == [("Spain", 1500.0, 2)]
    nok = _values(charts.fines_by(df, "year", "NOK"))
    assert [(r["year"], r["total"]) for r in nok] == [(2021, 90000.0)]
    euro = {
        r["jurisdiction"]: r["total"]
        for r in _values(charts.fines_by(df, "jurisdiction", charts.EURO))
    }
    assert euro == {"Spain": 1500.0, "Norway": 7830.0}
    assert charts.unconverted(df) == 1  # the ZZZ fine has no rate: said, not summed


def test_empty_result_set_gives_empty_charts() -> None:
    df = charts.frame([])
    assert _values(charts.per_year(df)) == []
    assert charts.currencies(df) == []


def test_values_flagged_by_a_data_quality_warning_are_left_out_and_counted() -> None:
    rows = [
        {"page_id": 1, "year": 2020, "fine_amount": 100.0, "fine_currency": "EUR",
         "fine_eur": 100.0},
        {"page_id": 2, "year": 2031, "year_flagged": True, "fine_amount": 9e9,
         "fine_currency": "EUR", "fine_eur": 9e9, "fine_flagged": True},
    ]  # fmt: skip
    df = charts.frame(rows)
    assert [r["decisions"] for r in _values(charts.per_year(df))] == [1]
    assert charts.doubtful(df, "year") == 1 and charts.left_out(df, "year") == 1
    euro = _values(charts.fines_by(df, "year", charts.EURO))
    assert [r["total"] for r in euro] == [100.0]
    assert charts.doubtful(df, "fine") == 1
