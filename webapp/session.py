"""The session state: the `View` this browser session shows, and the address bar kept in step.

The URL is the truth whenever it changed from outside the app (first visit, a followed link,
Back or Forward): the view is then read from it. Otherwise the session's view is the truth
(widgets change it) and each run writes it back with `st.query_params`, which the browser
records as a new history entry, so Back and Forward walk the views the user saw.
"""

from __future__ import annotations

import streamlit as st

from gdprkb.webapp.urlview import FACETS, View, parse_view, to_params, url_key

_VIEW = "view"
_WRITTEN = "url_written"  # the URL this session last wrote (or read)
_URL_KEYS = (
    "q",
    "sort",
    "page",
    "case",
    "article",
    "year_from",
    "year_to",
    "fine_min",
    "fine_max",
    "show",
    "alerts",
    "lang",
)


def _url() -> dict[str, list[str]]:
    params = {k: st.query_params.get_all(k) for k in (*_URL_KEYS, *map(url_key, FACETS))}
    return {k: v for k, v in params.items() if v}


def _norm(params: dict[str, str | list[str]]) -> dict[str, list[str]]:
    return {k: v if isinstance(v, list) else [v] for k, v in params.items()}


def current() -> View:
    """The view this session shows: from the URL when the URL changed from outside."""
    url = _url()
    if _VIEW not in st.session_state or url != st.session_state.get(_WRITTEN):
        st.session_state[_VIEW] = parse_view(url)
        st.session_state[_WRITTEN] = url
    view: View = st.session_state[_VIEW]
    return view


def set_view(view: View) -> None:
    """Make `view` the session's view (the URL follows at the end of the run)."""
    st.session_state[_VIEW] = view


def go(view: View) -> None:
    """Widget callback: switch to `view` (the rerun that follows renders it)."""
    set_view(view)


def sync_url() -> None:
    """Write the session's view into the address bar when it differs."""
    want = to_params(st.session_state[_VIEW])
    norm = _norm(want)
    if _url() != norm:
        # Parameters of other controls (not part of the View) are kept as they are.
        ours = {*_URL_KEYS, *map(url_key, FACETS)}
        others = {k: st.query_params.get_all(k) for k in st.query_params if k not in ours}
        st.query_params.from_dict({**others, **want})
    st.session_state[_WRITTEN] = norm
