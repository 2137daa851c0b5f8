"""Altair charts of a result set: decisions per year, country, outcome; fines by country, year.

Pure: a DataFrame of the hits' key fields in, chart specs out. Fines are summed per currency
(no exchange rates offline), so the fine charts take the currency to show.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import altair as alt
import pandas as pd

COLUMNS = ("page_id", "year", "jurisdiction", "outcome", "fine_amount", "fine_currency")


def frame(rows: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The chart input: one row per hit with the chart columns (missing values as NA)."""
    df = pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows], columns=list(COLUMNS))
    df["year"] = pd.to_numeric(df["year"], errors="coerce").astype("Int64")
    df["fine_amount"] = pd.to_numeric(df["fine_amount"], errors="coerce")
    for col in ("jurisdiction", "outcome"):
        df[col] = df[col].fillna("(not stated)")
    return df


def _counts(df: pd.DataFrame, col: str) -> pd.DataFrame:
    out = df.dropna(subset=[col]).groupby(col).size().reset_index(name="decisions")
    return out.sort_values("decisions", ascending=False)


def per_year(df: pd.DataFrame) -> alt.Chart:
    """Bar chart: decisions per year."""
    data = _counts(df, "year")
    data["year"] = data["year"].astype(int).astype(str)
    return (
        alt.Chart(data, title="Decisions per year")
        .mark_bar()
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("decisions:Q", title="Decisions"),
            tooltip=["year", "decisions"],
        )
    )


def per_category(df: pd.DataFrame, col: str, title: str, limit: int = 25) -> alt.Chart:
    """Horizontal bar chart: decisions per value of `col` (the `limit` most frequent)."""
    data = _counts(df, col).head(limit)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("decisions:Q", title="Decisions"),
            y=alt.Y(f"{col}:N", sort="-x", title=None),
            tooltip=[col, "decisions"],
        )
    )


def currencies(df: pd.DataFrame) -> list[str]:
    """Currencies of the fines in the set, most fines first."""
    fined = df.dropna(subset=["fine_amount", "fine_currency"])
    fined = fined[fined["fine_amount"] > 0]
    return list(fined["fine_currency"].value_counts().index)


def _fines(df: pd.DataFrame, currency: str) -> pd.DataFrame:
    fined = df[(df["fine_currency"] == currency) & (df["fine_amount"] > 0)]
    return fined.dropna(subset=["fine_amount"])


def fines_by(df: pd.DataFrame, col: str, currency: str) -> alt.Chart:
    """Bar chart: total fines in `currency` per value of `col` (jurisdiction or year)."""
    fined = _fines(df, currency).dropna(subset=[col])
    data = (
        fined.groupby(col)
        .agg(total=("fine_amount", "sum"), fines=("fine_amount", "size"))
        .reset_index()
    )
    label = "Country" if col == "jurisdiction" else "Year"
    if col == "year":
        data["year"] = data["year"].astype(int).astype(str)
        x = alt.X("year:O", title=label)
        y = alt.Y("total:Q", title=f"Total fines ({currency})")
    else:
        x = alt.X("total:Q", title=f"Total fines ({currency})")
        y = alt.Y(f"{col}:N", sort="-x", title=None)
    return (
        alt.Chart(data, title=f"Fines by {label.lower()} ({currency})")
        .mark_bar()
        .encode(
            x=x,
            y=y,
            tooltip=[col, alt.Tooltip("total:Q", format=",.0f"), "fines"],
        )
    )
