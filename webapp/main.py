"""The app's frame: page setup, the home, the empty-corpus state, and routing by the URL."""

from __future__ import annotations

import streamlit as st

from gdprkb.webapp import article_page, backend, case_page, nav, results, search_page

DEFAULT_ARTICLE = 5
# Our own styling (no scraped text): larger card titles, less empty space above the page.
_CSS = """<style>
[class*="st-key-open_"] button p { font-size: 1.12rem; text-align: left; }
.block-container { padding-top: 2.5rem; }
</style>"""


def _go_search() -> None:
    nav.set_view(nav.current().with_(case=None, article=None, page=1))


def _go_articles() -> None:
    view = nav.current()
    nav.set_view(view.with_(case=None, article=view.article or DEFAULT_ARTICLE, page=1))


def run() -> None:
    """Render one run of the app for the current session."""
    st.set_page_config(page_title="gdprkb: GDPR decisions", page_icon="⚖️", layout="wide")
    st.html(_CSS)
    home = backend.resolve_home()
    view = nav.current()
    sb = st.sidebar
    sb.markdown("## ⚖️ gdprkb")
    sb.caption("European data-protection decisions from GDPRhub")
    row = sb.container(horizontal=True, gap="small")
    row.button(
        "Search",
        on_click=_go_search,
        icon=":material/search:",
        type="primary" if view.route == "search" else "secondary",
        key="nav_search",
    )
    row.button(
        "GDPR articles",
        on_click=_go_articles,
        icon=":material/menu_book:",
        type="primary" if view.route == "article" else "secondary",
        key="nav_articles",
    )
    cases = backend.store(home).count_cases() if backend.has_corpus(home) else 0
    if cases:
        sb.caption(f"{cases:,} decisions in the corpus")
    if not cases:
        st.title("gdprkb", anchor=False)
        st.markdown(results.EMPTY_CORPUS.format(home=home.root))
        nav.sync_url()
        return
    if view.route == "case":
        case_page.render(home, int(view.case or 0))
    elif view.route == "article":
        nav.set_view(article_page.render(home, view))
    else:
        nav.set_view(search_page.render(home, view))
    nav.sync_url()
