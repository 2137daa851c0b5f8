"""Navigation: the session's current `View`, moving between views, and keeping the URL in step.

The view is read from the URL once per browser session; after that the session's view is the
truth and each run writes it back to `st.query_params`, so the address bar is always a
shareable link to what is on screen.
"""

from __future__ import annotations

import streamlit as st

from gdprkb.webapp.state import FACETS, View, parse_view, to_params, url_key

_VIEW = "view"
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
    "lang",
)


def current() -> View:
    """The view this session shows (from the URL on the session's first run)."""
    if _VIEW not in st.session_state:
        params = {k: st.query_params.get_all(k) for k in (*_URL_KEYS, *map(url_key, FACETS))}
        st.session_state[_VIEW] = parse_view({k: v for k, v in params.items() if v})
    view: View = st.session_state[_VIEW]
    return view


def set_view(view: View) -> None:
    """Make `view` the session's view (the URL follows at the end of the run)."""
    st.session_state[_VIEW] = view


def go(view: View) -> None:
    """Widget callback: switch to `view` (the rerun that follows renders it)."""
    set_view(view)


def open_case(page_id: int) -> None:
    """Widget callback: show a case, keeping the search behind it for the way back."""
    set_view(current().with_(case=page_id))


def open_article(number: int) -> None:
    """Widget callback: show a GDPR article and the decisions citing it."""
    set_view(current().with_(case=None, article=number, page=1))


def back() -> None:
    """Widget callback: leave the case page for the search or article it was opened from."""
    set_view(current().with_(case=None))


def sync_url() -> None:
    """Write the session's view into the address bar when it differs."""
    want = to_params(current())
    have = {k: st.query_params.get_all(k) for k in st.query_params}
    norm = {k: v if isinstance(v, list) else [v] for k, v in want.items()}
    if have != norm:
        st.query_params.from_dict(want)
