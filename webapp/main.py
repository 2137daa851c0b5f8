"""The app's frame: page setup, the home, the empty-corpus state, and routing by the URL."""

from __future__ import annotations

import os
import sys

import streamlit as st

from gdprkb.home import Home
from gdprkb.webapp import (
    alerts_page,
    article_page,
    case_page,
    links,
    resources,
    results,
    search_page,
    session,
)
from gdprkb.webapp.urlview import View

DEFAULT_ARTICLE = 5
# Our own styling (no scraped text): larger card titles, dates that never wrap, less empty
# space above the page.
_CSS = """<style>
[class*="st-key-card_"] h4 { font-size: 1.12rem; padding: 0 0 0.25rem 0; }
[class*="st-key-card_"] h4 a { text-decoration: none; }
.nowrap { white-space: nowrap; }
.block-container { padding-top: 2.5rem; }
</style>"""


def home_from_argv(argv: list[str]) -> Home:
    """The home from `streamlit run app.py -- --home DIR`, else $GDPRKB_HOME, else the default."""
    for i, arg in enumerate(argv):
        if arg == "--home" and i + 1 < len(argv):
            return Home.resolve(argv[i + 1])
        if arg.startswith("--home="):
            return Home.resolve(arg.split("=", 1)[1])
    return Home.resolve(os.environ.get("GDPRKB_HOME") or None)


def _nav(view: View) -> None:
    sb = st.sidebar
    sb.markdown("## ⚖️ gdprkb")
    sb.caption("European data-protection decisions from GDPRhub")
    row = sb.container(horizontal=True, gap="small")
    row.button(
        "Search",
        on_click=session.go,
        args=(view.with_(case=None, article=None, alerts=False, page=1),),
        icon=":material/search:",
        type="primary" if view.route == "search" else "secondary",
        key="nav_search",
    )
    row.button(
        "GDPR articles",
        on_click=session.go,
        args=(
            view.with_(case=None, article=view.article or DEFAULT_ARTICLE, alerts=False, page=1),
        ),
        icon=":material/menu_book:",
        type="primary" if view.route == "article" else "secondary",
        key="nav_articles",
    )
    row.button(
        "Alerts",
        on_click=session.go,
        args=(view.with_(case=None, article=None, alerts=True),),
        icon=":material/notifications:",
        type="primary" if view.route == "alerts" else "secondary",
        key="nav_alerts",
    )


def run() -> None:
    """Render one run of the app for the current session."""
    st.set_page_config(page_title="gdprkb: GDPR decisions", page_icon="⚖️", layout="wide")
    st.html(_CSS)
    links.install()
    home = home_from_argv(sys.argv[1:])
    view = session.current()
    _nav(view)
    cases = resources.store(home).count_cases() if resources.has_corpus(home) else 0
    if cases:
        st.sidebar.caption(f"{cases:,} decisions in the corpus")
    if not cases:
        st.title("gdprkb", anchor=False)
        st.markdown(results.EMPTY_CORPUS.format(home=home.root))
        session.sync_url()
        return
    if view.route == "case":
        case_page.render(home, view)
    elif view.route == "article":
        session.set_view(article_page.render(home, view))
    elif view.route == "alerts":
        alerts_page.render(home, view)
    else:
        session.set_view(search_page.render(home, view))
    session.sync_url()
