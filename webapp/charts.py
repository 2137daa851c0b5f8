"""Altair charts of a result set: decisions per year, country, outcome; fines by country, year.

Pure: a DataFrame of the hits' key fields in, chart specs out. Counts have whole-number ticks,
years lie on a time axis (2008, 2010 and 2015 spaced as years), every category is shown or
folded into "Others", and `left_out` says how many rows a chart could not place. Fines are
summed per currency as decided, or in euros at the index's approximate rates (`EURO`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import altair as alt
import pandas as pd

COLUMNS = (
    "page_id",
    "year",
    "jurisdiction",
    "outcome",
    "fine_amount",
    "fine_currency",
    "fine_eur",
    "year_flagged",
    "fine_flagged",
)
EURO = "All fines in euros (approximate)"
NOT_STATED = "(not stated)"
# More bars than this would be unreadable: the rest are summed into one "Others" bar.
MAX_BARS = 40
# Whole decisions only on count axes.
_COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")
_YEAR_AXIS = alt.Axis(format="%Y", tickCount="year", labelAngle=0)
# Every category named: one bar per label, no labels dropped for overlap.
_CATEGORY_AXIS = alt.Axis(labelOverlap=False, labelLimit=260)


def frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The chart input: one row per hit with the chart columns (missing values as NA).

    Values a data-quality warning flags (`year_flagged`, `fine_flagged`) are left out as NA;
    `doubtful` counts them so the page can say so.
    """
    df = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    for flag in ("year_flagged", "fine_flagged"):
        df[flag] = df[flag].fillna(False).astype(bool)
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    df.loc[df["year_flagged"], "year"] = pd.NA
    for col in ("fine_amount", "fine_eur"):
        df[col] = pd.to_numeric(df[col], errors="coerce")
        df.loc[df["fine_flagged"], col] = float("nan")
    for col in ("jurisdiction", "outcome"):
        df[col] = df[col].fillna(NOT_STATED)
    return df


def doubtful(df: pd.DataFrame, field: str) -> int:
    """Rows whose `field` ("year" or "fine") a data-quality warning left out."""
    return int(df[f"{field}_flagged"].sum())


def left_out(df: pd.DataFrame, col: str) -> int:
    """Rows a chart by `col` cannot place (no value)."""
    return int(df[col].isna().sum())


def _year_dates(years: pd.Series) -> pd.Series:
    return pd.to_datetime(years.astype(int).astype(str), format="%Y")


def _fold(data: pd.DataFrame, col: str, measure: str, limit: int) -> pd.DataFrame:
    """The `limit - 1` largest bars and one "Others (n)" bar for the rest, when over `limit`."""
    data = data.sort_values(measure, ascending=False)
    if len(data) <= limit:
        return data
    keep, rest = data.head(limit - 1), data.iloc[limit - 1 :]
    others = {col: f"Others ({len(rest)})", measure: rest[measure].sum()}
    for extra in data.columns.difference([col, measure]):
        others[extra] = rest[extra].sum()
    return pd.concat([keep, pd.DataFrame([others])], ignore_index=True)


def per_year(df: pd.DataFrame) -> alt.Chart:
    """Bar chart: decisions per year, on a time axis."""
    data = df.dropna(subset=["year"]).groupby("year").size().reset_index(name="decisions")
    data["date"] = _year_dates(data["year"])
    return (
        alt.Chart(data, title="Decisions per year")
        .mark_bar()
        .encode(
            x=alt.X("year(date):T", title="Year", axis=_YEAR_AXIS),
            y=alt.Y("decisions:Q", title="Decisions", axis=_COUNT_AXIS),
            tooltip=[alt.Tooltip("year:O", title="Year"), "decisions"],
        )
    )


def per_category(df: pd.DataFrame, col: str, title: str, limit: int = MAX_BARS) -> alt.Chart:
    """Horizontal bar chart: decisions per value of `col`, every value or "Others"."""
    data = _fold(df.groupby(col).size().reset_index(name="decisions"), col, "decisions", limit)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("decisions:Q", title="Decisions", axis=_COUNT_AXIS),
            y=alt.Y(f"{col}:N", sort="-x", title=None, axis=_CATEGORY_AXIS),
            tooltip=[col, "decisions"],
        )
        .properties(height=alt.Step(18))
    )


def currencies(df: pd.DataFrame) -> list[str]:
    """Currencies of the fines in the set, most fines first."""
    fined = df.dropna(subset=["fine_amount", "fine_currency"])
    fined = fined[fined["fine_amount"] > 0]
    return list(fined["fine_currency"].value_counts().index)


def fines(df: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The fined rows in `currency` (or all with a euro value, for `EURO`), `amount` set."""
    if currency == EURO:
        fined = df[df["fine_amount"] > 0].dropna(subset=["fine_eur"])
        return fined.assign(amount=fined["fine_eur"])
    fined = df[(df["fine_currency"] == currency) & (df["fine_amount"] > 0)]
    return fined.dropna(subset=["fine_amount"]).assign(amount=lambda d: d["fine_amount"])


def unconverted(df: pd.DataFrame) -> int:
    """Fines with no euro value (a currency without a known rate)."""
    return int(((df["fine_amount"] > 0) & df["fine_eur"].isna()).sum())


def fines_by(df: pd.DataFrame, col: str, currency: str) -> alt.Chart:
    """Bar chart: total fines in `currency` (or euros) per value of `col` (jurisdiction or year)."""
    fined = fines(df, currency).dropna(subset=[col])
    data = fined.groupby(col).agg(total=("amount", "sum"), fines=("amount", "size")).reset_index()
    unit = "EUR, approx." if currency == EURO else currency
    label = "country" if col == "jurisdiction" else "year"
    tooltip = [alt.Tooltip("total:Q", format=",.0f"), alt.Tooltip("fines:Q", title="fines")]
    amount_axis = alt.Axis(format="~s")
    if col == "year":
        data["date"] = _year_dates(data["year"])
        x = alt.X("year(date):T", title="Year", axis=_YEAR_AXIS)
        y = alt.Y("total:Q", title=f"Total fines ({unit})", axis=amount_axis)
        tooltip.insert(0, alt.Tooltip("year:O", title="Year"))
        chart = alt.Chart(data, title=f"Fines by {label} ({unit})")
    else:
        data = _fold(data, col, "total", MAX_BARS)
        x = alt.X("total:Q", title=f"Total fines ({unit})", axis=amount_axis)
        y = alt.Y(f"{col}:N", sort="-x", title=None, axis=_CATEGORY_AXIS)
        tooltip.insert(0, alt.Tooltip(f"{col}:N"))
        chart = alt.Chart(data, title=f"Fines by {label} ({unit})").properties(height=alt.Step(18))
    return chart.mark_bar().encode(x=x, y=y, tooltip=tooltip)
