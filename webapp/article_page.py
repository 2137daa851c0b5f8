"""The article page (`?article=<n>`): a GDPR article's text and commentary, and its decisions.

The decisions citing the article are the search page with the article as a fixed filter, so
they come with the same query box, facets, sort, charts and downloads.
"""

from __future__ import annotations

import streamlit as st

from gdprkb.home import Home
from gdprkb.webapp import resources, search_page, session
from gdprkb.webapp.text import md_escape, md_link, paragraphs
from gdprkb.webapp.urlview import View

_PICK = "w_article"
# The GDPR has 99 articles; any other number in a URL is answered with a message.
GDPR_ARTICLES = range(1, 100)


def _pick() -> None:
    number = st.session_state.get(_PICK)
    if number is not None and number != session.current().article:
        session.set_view(session.current().with_(article=int(number), page=1))


def render(home: Home, view: View) -> View:
    """Draw the article picker, the article, and the decisions citing it."""
    number = int(view.article or 0)
    numbers = resources.article_numbers(home)
    headings = resources.article_headings(home)
    if number not in GDPR_ARTICLES:
        shown = str(number) if len(str(number)) <= 12 else str(number)[:12] + "…"
        st.warning(
            f"There is no Article {shown} GDPR: the GDPR has articles 1 to 99. "
            "Pick one below, or search all decisions."
        )
        number = numbers[0] if numbers else 1
        view = view.with_(article=number, page=1)
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
    article = resources.get_article(home, number)
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
