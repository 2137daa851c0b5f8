"""The search page: query box, sidebar facet filters with live counts, sort, paged result cards.

The article page reuses `render` with a fixed article filter. Hook point for translation
(issue 6): `render_query_box` draws the query box; a language selector and the
"searched for: <English query>" line belong beside it, and `search_query` is where a
translated query would replace the typed one before searching.
"""

from __future__ import annotations

import hashlib
from typing import Any

import streamlit as st

from gdprkb.home import Home
from gdprkb.index.vocabulary import SORTS as SORT_LABELS
from gdprkb.index.vocabulary import help_table
from gdprkb.webapp import (
    alerts_page,
    hits,
    links,
    resources,
    results,
    session,
    translation_controls,
)
from gdprkb.webapp.urlview import (
    FACETS,
    PAGE_SIZE,
    SORTS,
    View,
    facet_value,
    page_count,
    to_params,
)

QUERY_HELP = f"""\
**Words** match all forms (`surveillance` finds *surveilled*); all words must match.

{help_table()}
The sidebar filters do the same with counts; they combine with the query.
"""

_WIDGET_VIEW = "_widget_view"
_SHOWN_PAGE = "_shown_page"
# Per facet: the option labels (with counts) the browser was last sent. The browser sends a
# selected option back by its label, so a label whose count changed must be sent again, or
# the stale label ("Spain (26)") would come back as the value.
_SENT_LABELS = "_sent_labels_{}"


def _seed(view: View, fixed: dict[str, list[str]]) -> None:
    """Put the view into the widgets' session state when it did not come from them."""
    ss = st.session_state
    if ss.get(_WIDGET_VIEW) == view and "w_q" in ss:
        return
    ss["w_q"] = view.q
    for key in FACETS:
        ss[f"w_f_{key}"] = list(view.filters.get(key, ()))
    ss["w_year_from"] = view.year_from
    ss["w_year_to"] = view.year_to
    ss["w_fine_min"] = view.fine_min
    ss["w_fine_max"] = view.fine_max
    ss["w_sort"] = view.sort
    ss[translation_controls.LANG_KEY] = view.lang


def _selected(key: str) -> tuple[str, ...]:
    """A facet widget's values, each the facet value itself (a stale count label repaired)."""
    return tuple(dict.fromkeys(facet_value(str(v)) for v in st.session_state.get(key) or ()))


def _from_widgets(view: View) -> View:
    """The view the widgets now ask for; any change but the page starts again at page 1."""
    ss = st.session_state
    filters = {k: _selected(f"w_f_{k}") for k in FACETS}
    new = view.with_(
        q=(ss.get("w_q") or "").strip(),
        filters={k: v for k, v in filters.items() if v},
        year_from=ss.get("w_year_from"),
        year_to=ss.get("w_year_to"),
        fine_min=ss.get("w_fine_min"),
        fine_max=ss.get("w_fine_max"),
        sort=ss.get("w_sort") or "relevance",
    )
    if new.with_(page=1) != view.with_(page=1):
        return new.with_(page=1)
    return new.with_(page=int(ss.get(_page_key(new)) or view.page))


def _page_key(view: View) -> str:
    # One pager per search: a new query or filter gets a fresh pager that starts at page 1
    # (st.pagination takes its start page as `default`, not through session state).
    digest = hashlib.sha1(repr(to_params(view.with_(page=1))).encode()).hexdigest()[:12]
    return f"w_page_{digest}"


def render_query_box(home: Home, view: View) -> None:
    """The query box with the query-language help one click away (translation hook)."""
    cols = st.columns([5, 1], vertical_alignment="bottom")
    cols[0].text_input(
        "Search decisions",
        key="w_q",
        placeholder='e.g. video surveillance employee, "legitimate interest" cookies, article:32',
        help="Press Enter to search. Combine with the filters in the sidebar.",
    )
    with cols[1].popover("Help", icon=":material/help:", width="stretch"):
        st.markdown(QUERY_HELP)
        st.markdown(translation_controls.help_markdown(home))


def search_query(view: View) -> str:
    """The query actually searched (translation hook: a translated query goes here)."""
    return view.q


def render(home: Home, view: View, fixed: dict[str, list[str]] | None = None) -> View:
    """Draw the search controls and results for `view`; return the view the widgets ask for."""
    fixed = fixed or {}
    _seed(view, fixed)
    render_query_box(home, view)
    view = _from_widgets(view)
    view, query = translation_controls.query_line(home, view, search_query(view), fixed)
    alerts_page.save_control(home, view, query, fixed)
    outcome = hits.search(home, view, query=query, fixed=fixed)
    # A page beyond the last (an old link, a narrower filter) shows the last page instead.
    pages = page_count(outcome.total)
    if view.page > pages:
        view = view.with_(page=pages)
        outcome = hits.search(home, view, query=query, fixed=fixed)
    _sidebar(home, view, outcome, fixed)
    results.render(home, view, outcome, fixed, query)
    if outcome.total > PAGE_SIZE and not view.charts:
        st.pagination(pages, default=view.page, key=_page_key(view), max_visible_pages=9)
    shown = (_page_key(view), view.page)
    if st.session_state.get(_SHOWN_PAGE, shown) != shown:
        # Another page of the same search: start reading it at the top.
        links.scroll_to_top(f"{shown[0]}_{view.page}")
    st.session_state[_SHOWN_PAGE] = shown
    st.session_state[_WIDGET_VIEW] = view
    return view


def _label(counts: dict[str, int]) -> Any:
    """Option label: the value and its count (display only; the value is the option)."""

    def fmt(value: str) -> str:
        return f"{value} ({counts.get(value, 0):,})"

    return fmt


def _facet_filter(label: str, key: str, counts: dict[str, int]) -> None:
    """One facet multiselect whose options are the values, labelled with live counts."""
    ss = st.session_state
    wkey = f"w_f_{key}"
    selected = list(_selected(wkey))
    options = list(dict.fromkeys([*selected, *counts]))
    if key == "article":
        options.sort(key=lambda a: int(a) if a.isdigit() else 10_000)
    fmt = _label(counts)
    labels = {v: fmt(v) for v in selected}
    if list(ss.get(wkey) or ()) != selected or ss.get(_SENT_LABELS.format(key)) != labels:
        # Setting the state before the widget sends the values again with today's labels.
        ss[wkey] = selected
    ss[_SENT_LABELS.format(key)] = labels
    st.sidebar.multiselect(label, options, key=wkey, format_func=fmt, placeholder="Any")


def _sidebar(
    home: Home, view: View, outcome: hits.SearchOutcome, fixed: dict[str, list[str]]
) -> None:
    sb = st.sidebar
    sb.header("Filters", anchor=False)
    if view.filters or view.year_from or view.year_to or view.fine_min or view.fine_max:
        sb.button(
            "Clear all filters",
            on_click=session.go,
            args=(
                view.with_(
                    filters={}, year_from=None, year_to=None, fine_min=None, fine_max=None, page=1
                ),
            ),
            icon=":material/filter_alt_off:",
        )
    sb.selectbox("Sort by", SORTS, key="w_sort", format_func=SORT_LABELS.__getitem__)
    for key, label in FACETS.items():
        if key not in fixed:
            _facet_filter(label, key, dict(outcome.facets.get(key, [])))
    lo, hi = resources.year_bounds(home)
    for key in ("w_year_from", "w_year_to"):
        year = st.session_state.get(key)
        if year is not None and not lo <= year <= hi:
            # A year outside the corpus (a hand-edited URL) would make the widget raise.
            st.session_state[key] = min(max(year, lo), hi)
    # value=None: an emptied box means "no bound", not the minimum (Streamlit's default).
    cols = sb.columns(2)
    cols[0].number_input(
        "Year from", value=None, min_value=lo, max_value=hi, step=1, key="w_year_from"
    )
    cols[1].number_input("Year to", value=None, min_value=lo, max_value=hi, step=1, key="w_year_to")
    cols = sb.columns(2)
    cols[0].number_input(
        "Fine from (€)", value=None, min_value=0.0, step=1000.0, key="w_fine_min", format="%.0f"
    )
    cols[1].number_input(
        "Fine to (€)", value=None, min_value=0.0, step=1000.0, key="w_fine_max", format="%.0f"
    )
    sb.caption("Fines in other currencies are compared at an approximate euro rate.")
