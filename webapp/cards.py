"""One result card: a linked title, what a lawyer reads first, the provisions and a snippet.

The title is a real link (`?case=<id>`, keeping the search for the way back); the provisions
cited are grouped by article, each group linking to its article page.
"""

from __future__ import annotations

import re

import streamlit as st

from gdprkb.index.tiers import EVIDENCE_LABELS
from gdprkb.webapp import links
from gdprkb.webapp.hits import Hit
from gdprkb.webapp.text import fine_label, md_escape, nowrap, snippet_markdown
from gdprkb.webapp.urlview import View

_PROVISION = re.compile(r"^(\d+)((?:\(\w+\))*)$")


def provision_groups(articles: list[int], provisions: list[str]) -> list[tuple[int, list[str]]]:
    """(article, its most specific provisions cited) in article order: `6 -> [6(1)(f)]`.

    A provision is left out when a more specific one under it is cited too (`6(1)` beside
    `6(1)(f)`); an article cited without any sub-provision shows as itself.
    """
    by_article: dict[int, list[str]] = {a: [] for a in articles}
    for prov in provisions:
        m = _PROVISION.match(prov.replace(" ", ""))
        if m:
            by_article.setdefault(int(m.group(1)), []).append(prov.replace(" ", ""))
    groups = []
    for article in sorted(by_article):
        cited = list(dict.fromkeys(by_article[article]))
        specific = [p for p in cited if not any(o != p and o.startswith(p) for o in cited)]
        groups.append((article, [p for p in specific if p != str(article)] or [str(article)]))
    return groups


def meta_line(hit: Hit) -> str:
    """Authority · which date · outcome · fine, as escaped markdown."""
    date = f"{hit.date_kind} {nowrap(hit.date)}" if hit.date and hit.date_kind else nowrap(hit.date)
    parts = [md_escape(hit.authority), date, md_escape(hit.outcome)]
    if hit.fine_amount:
        parts.append("Fine " + nowrap(fine_label(hit.fine_amount, hit.fine_currency)))
    return " · ".join(p for p in parts if p)


def render_card(hit: Hit, view: View) -> None:
    """One result: linked title, meta line, appeal, provisions by article, snippet."""
    with st.container(border=True, key=f"card_{hit.page_id}"):
        lines = [
            "#### " + links.case_link(hit.title, hit.page_id, view),
            meta_line(hit),
        ]
        if hit.appeal:
            lines.append(":material/gavel: **Appeal:** " + md_escape(hit.appeal))
        groups = provision_groups(hit.articles, hit.provisions)
        if groups:
            lines.append(
                " · ".join(links.article_link(a, "Art. " + ", ".join(provs)) for a, provs in groups)
            )
        if hit.evidence in EVIDENCE_LABELS:  # a small caption: not about the query's topic
            lines.append(":material/translate: *" + md_escape(EVIDENCE_LABELS[hit.evidence]) + "*")
        snippet = snippet_markdown(hit.snippet)
        # One markdown element per card body: fewer elements render faster in the browser.
        st.markdown("  \n".join(lines[:1]) + "\n\n" + "  \n".join(lines[1:]) + "\n\n" + snippet)
