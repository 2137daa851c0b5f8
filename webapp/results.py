"""A result set on screen: total, result cards, downloads, and the researcher's charts.

Shared by the search page and the article page. Downloads are generated on click (no row cap)
with the export functions of `corpus/export.py`, so their columns are those of `gdprkb export`.
"""

from __future__ import annotations

import streamlit as st

from gdprkb.home import Home
from gdprkb.webapp import cards, chart_view, citations_view, downloads, session
from gdprkb.webapp.hits import SearchOutcome
from gdprkb.webapp.text import md_escape, plural
from gdprkb.webapp.urlview import PAGE_SIZE, View

EMPTY_CORPUS = """\
**The corpus is empty.** Harvest GDPRhub or ingest saved pages, then build the index:

```bash
gdprkb --home {home} scrape                    # polite harvest of gdprhub.eu
gdprkb --home {home} ingest PATH/TO/PAGES      # or: saved .html / .html.gz / .zip pages
gdprkb --home {home} index                     # build the search index
```
"""
_SHOW = {"Results": False, "Charts": True}


def _show_changed(view: View) -> None:
    charts = _SHOW.get(st.session_state.get("w_show") or "Results", False)
    session.go(view.with_(charts=charts))


def render(
    home: Home,
    view: View,
    outcome: SearchOutcome,
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
    shown = "" if view.charts else f" · showing {first:,}–{last:,}"
    head[0].markdown(
        f"**{plural(outcome.total, 'decision')}**{shown}"
        + (f" · {outcome.took_ms:.0f} ms" if outcome.took_ms is not None else "")
    )
    st.session_state["w_show"] = "Charts" if view.charts else "Results"
    head[1].segmented_control(
        "Show",
        list(_SHOW),
        key="w_show",
        label_visibility="collapsed",
        on_change=_show_changed,
        args=(view,),
    )
    for col, (fmt, (mime, label)) in zip(head[2:], downloads.FORMATS.items(), strict=True):
        col.download_button(
            label,
            data=lambda fmt=fmt: downloads.export_bytes(home, view, fixed, query, fmt),
            file_name=f"gdprkb-results.{fmt}",
            mime=mime,
            icon=":material/download:",
            key=f"dl_{fmt}",
            on_click="ignore",
            help=f"Every result (not only this page) as {label}, as `gdprkb export` writes it",
        )
    if view.charts:
        chart_view.render(home, view, fixed, query)
        citations_view.render_most_cited(home, view, fixed, query)
    else:
        for hit in outcome.hits:
            cards.render_card(hit, view)


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
