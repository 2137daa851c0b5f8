"""The charts view of a result set (`?show=charts`): every chart says what it leaves out."""

from __future__ import annotations

import streamlit as st

from gdprkb.home import Home
from gdprkb.webapp import charts, downloads
from gdprkb.webapp.text import plural
from gdprkb.webapp.urlview import View

RATE_NOTE = (
    "Euro amounts are approximate: fines in other currencies are converted at fixed rates "
    "(the ones `fine:` searches and the fine filters use), not the rate of the decision's day."
)


def render(home: Home, view: View, fixed: dict[str, list[str]], query: str) -> None:
    """Charts of the whole result set (not only one page)."""
    try:
        df = charts.frame(downloads.chart_rows(home, view, fixed, query))
    except Exception as err:  # the index went away between the search and now
        st.error(f"Charts unavailable: {err}")
        return
    no_year = charts.left_out(df, "year")
    left, right = st.columns(2)
    left.altair_chart(charts.per_year(df), width="stretch")
    if no_year:
        doubtful = charts.doubtful(df, "year")
        why = f" ({doubtful:,} of them with a doubtful date)" if doubtful else ""
        left.caption(f"Not shown: {plural(no_year, 'decision')} without a year{why}.")
    right.altair_chart(charts.per_category(df, "outcome", "Decisions per outcome"), width="stretch")
    st.altair_chart(
        charts.per_category(df, "jurisdiction", "Decisions per country"), width="stretch"
    )
    currencies = charts.currencies(df)
    if not currencies:
        st.caption("No fines in these results.")
        return
    currency = st.selectbox(
        "Fines in",
        [charts.EURO, *currencies],
        key="w_currency",
        help="Euros: every fine converted at an approximate rate; or one currency as decided.",
    )
    fined = charts.fines(df, currency)
    left, right = st.columns(2)
    left.altair_chart(charts.fines_by(df, "jurisdiction", currency), width="stretch")
    right.altair_chart(charts.fines_by(df, "year", currency), width="stretch")
    notes = []
    doubtful = charts.doubtful(df, "fine")
    if doubtful:
        notes.append(f"{plural(doubtful, 'fine')} flagged as doubtful (data-quality warning)")
    fined_no_year = charts.left_out(fined, "year")
    if fined_no_year:
        notes.append(f"{plural(fined_no_year, 'fine')} without a year not in the chart by year")
    if currency == charts.EURO:
        missed = charts.unconverted(df)
        if missed:
            notes.append(f"{plural(missed, 'fine')} in a currency without a known rate left out")
        st.caption(RATE_NOTE + (" Not shown: " + "; ".join(notes) + "." if notes else ""))
    elif notes:
        st.caption("Not shown: " + "; ".join(notes) + ".")
