"""A result set on screen: total, result cards, downloads, and the researcher's charts.

Shared by the search page and the article page. Downloads are generated on click (no row cap)
with the export functions of `corpus/export.py`, so their columns are those of `gdprkb export`.
"""

from __future__ import annotations

import streamlit as st

from gdprkb.home import Home
from gdprkb.webapp import backend, charts, nav
from gdprkb.webapp.state import PAGE_SIZE, View
from gdprkb.webapp.text import fine_label, md_escape, snippet_markdown

EMPTY_CORPUS = """\
**The corpus is empty.** Harvest GDPRhub or ingest saved pages, then build the index:

```bash
gdprkb --home {home} scrape                    # polite harvest of gdprhub.eu
gdprkb --home {home} ingest PATH/TO/PAGES      # or: saved .html / .html.gz / .zip pages
gdprkb --home {home} index                     # build the search index
```
"""


def render(
    home: Home,
    view: View,
    outcome: backend.SearchOutcome,
    fixed: dict[str, list[str]],
    query: str,
) -> None:
    """The header line (total, downloads, charts switch) and the current page of results."""
    for warning in outcome.warnings:
        st.warning(md_escape(warning), icon=":material/info:")
    if outcome.error:
        st.error(outcome.error, icon=":material/error:")
        if outcome.hint:
            st.caption(outcome.hint)
        return
    if outcome.total == 0:
        _no_results(view)
        return
    first = (view.page - 1) * PAGE_SIZE + 1
    last = min(outcome.total, view.page * PAGE_SIZE)
    head = st.columns([3, 2, 1, 1], vertical_alignment="center")
    head[0].markdown(
        f"**{outcome.total:,} decisions** · showing {first:,}–{last:,}"
        + (f" · {outcome.took_ms:.0f} ms" if outcome.took_ms is not None else "")
    )
    mode = head[1].segmented_control(
        "Show",
        ["Results", "Charts"],
        key="w_show",
        default="Results",
        label_visibility="collapsed",
    )
    head[2].download_button(
        "CSV",
        data=lambda: backend.export_bytes(home, view, fixed, query, "csv"),
        file_name="gdprkb-results.csv",
        mime="text/csv",
        icon=":material/download:",
        key="dl_csv",
        on_click="ignore",
        help="Download every result (not only this page) with the columns of `gdprkb export`",
    )
    head[3].download_button(
        "JSONL",
        data=lambda: backend.export_bytes(home, view, fixed, query, "jsonl"),
        file_name="gdprkb-results.jsonl",
        mime="application/x-ndjson",
        icon=":material/download:",
        key="dl_jsonl",
        on_click="ignore",
        help="Download every result as JSON lines (the record contract)",
    )
    if mode == "Charts":
        render_charts(home, view, fixed, query)
    else:
        for hit in outcome.hits:
            render_card(hit)


def _no_results(view: View) -> None:
    st.info("No decisions match this search.", icon=":material/search_off:")
    tips = []
    if view.filters or view.year_from or view.year_to or view.fine_min or view.fine_max:
        tips.append("remove a filter in the sidebar (or *Clear all filters*)")
    if view.q:
        tips += [
            "use fewer or more general words",
            "use `OR` between alternatives, e.g. `camera OR cctv`",
            "end a word with `*` to match its variants, e.g. `employ*`",
        ]
    if tips:
        st.markdown("Try to:\n" + "\n".join(f"- {t}" for t in tips))


def render_card(hit: backend.Hit) -> None:
    """One result: title (opens the case), authority, date, outcome, fine, articles, snippet."""
    with st.container(border=True):
        st.button(
            f"**{md_escape(hit.title)}**",
            key=f"open_{hit.page_id}",
            on_click=nav.open_case,
            args=(hit.page_id,),
            type="tertiary",
        )
        meta = [hit.authority, hit.date_decided or hit.date_published, hit.outcome]
        if hit.fine_amount:
            meta.append("Fine " + fine_label(hit.fine_amount, hit.fine_currency))
        line = " · ".join(md_escape(m) for m in meta if m)
        chips = " ".join(f":blue-badge[Art. {a}]" for a in hit.gdpr_articles)
        snippet = snippet_markdown(hit.snippet)
        # One markdown element per card body: fewer elements render faster in the browser.
        st.markdown("\n\n".join(x for x in (f"{line}  \n{chips}" if chips else line, snippet) if x))


def render_charts(home: Home, view: View, fixed: dict[str, list[str]], query: str) -> None:
    """Charts of the whole result set (not only this page)."""
    try:
        df = charts.frame(backend.all_hits(home, view, fixed, query))
    except Exception as err:  # the index went away between the search and now
        st.error(f"Charts unavailable: {err}")
        return
    left, right = st.columns(2)
    left.altair_chart(charts.per_year(df), width="stretch")
    right.altair_chart(charts.per_category(df, "outcome", "Decisions per outcome"), width="stretch")
    st.altair_chart(
        charts.per_category(df, "jurisdiction", "Decisions per country"), width="stretch"
    )
    currencies = charts.currencies(df)
    if not currencies:
        st.caption("No fines in these results.")
        return
    currency = st.selectbox("Fines in", currencies, key="w_currency")
    left, right = st.columns(2)
    left.altair_chart(charts.fines_by(df, "jurisdiction", currency), width="stretch")
    right.altair_chart(charts.fines_by(df, "year", currency), width="stretch")
