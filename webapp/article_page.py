"""The article page (`?article=<n>`): a GDPR article's text and commentary, and its decisions.

The decisions citing the article are the search page with the article as a fixed filter, so
they come with the same query box, facets, sort, charts and downloads.
"""

from __future__ import annotations

import streamlit as st

from gdprkb.home import Home
from gdprkb.webapp import backend, nav, search_page
from gdprkb.webapp.state import View
from gdprkb.webapp.text import md_escape, md_link, paragraphs

_PICK = "w_article"


def _pick() -> None:
    number = st.session_state.get(_PICK)
    if number is not None and number != nav.current().article:
        nav.set_view(nav.current().with_(article=int(number), page=1))


def render(home: Home, view: View) -> View:
    """Draw the article picker, the article, and the decisions citing it."""
    number = int(view.article or 0)
    numbers = backend.article_numbers(home)
    headings = backend.article_headings(home)
    if number not in numbers:
        numbers = sorted({*numbers, number})
    st.session_state[_PICK] = number
    st.selectbox(
        "GDPR article",
        numbers,
        key=_PICK,
        format_func=lambda n: f"Article {n} GDPR" + (f" – {headings[n]}" if n in headings else ""),
        on_change=_pick,
    )
    article = backend.get_article(home, number)
    if article is None:
        st.caption(
            f"GDPRhub's page for Article {number} GDPR is not in the corpus "
            "(its text and commentary appear here once harvested)."
        )
    else:
        st.title(md_escape(article.title), anchor=False)
        if article.heading:
            st.subheader(md_escape(article.heading), anchor=False)
        if article.text:
            with st.expander("Legal text", expanded=True):
                for para in paragraphs(article.text):
                    st.markdown(md_escape(para))
        if article.commentary:
            with st.expander("GDPRhub commentary"):
                for para in paragraphs(article.commentary):
                    st.markdown(md_escape(para))
        st.caption(
            f"GDPRhub content is {md_link('CC BY-NC-SA 4.0', 'https://creativecommons.org/licenses/by-nc-sa/4.0/')}"
            f", by noyb: {md_link(article.title, article.url)}"
        )
    st.subheader(f"Decisions citing Article {number}", anchor=False)
    return search_page.render(home, view, fixed={"article": [str(number)]})
