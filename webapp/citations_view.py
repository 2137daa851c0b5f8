"""Citations in the app: "Cited by" and "Cites" on a case page, "Most cited" for a result set.

Reads the corpus's citation graph through the Store (corpus/citegraph.py); shaping is in pure
functions (`cited_by_lines`, `cites_lines`, `most_cited_lines`) that the tests call directly.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from gdprkb.corpus.citations import SECTION_LABELS
from gdprkb.corpus.record import CaseRecord
from gdprkb.home import Home
from gdprkb.webapp import downloads, links, resources
from gdprkb.webapp.text import md_escape, plural
from gdprkb.webapp.urlview import View

MOST_CITED = 15


def _where(sections: list[str]) -> str:
    return ", ".join(SECTION_LABELS.get(s, s) for s in sections)


def cited_by_lines(cited_by: list[dict[str, Any]], view: View) -> list[str]:
    """One markdown line per citing decision (newest first as given): link, date, sections."""
    return [
        f"{links.case_link(c['title'], c['page_id'], view)} · {md_escape(c['date'] or 'undated')}"
        f" · *in the {md_escape(_where(c['sections']))}*"
        for c in cited_by
    ]


def cites_lines(cites: list[dict[str, Any]], view: View) -> list[str]:
    """One markdown line per cited decision: resolved ones as links (once each, every way it
    is cited folded in), the others as written, with where they are cited."""
    lines: list[str] = []
    by_target: dict[Any, tuple[str, list[str]]] = {}
    for r in cites:
        target = r["cited"] if r["cited"] is not None else (r["kind"], r["key"])
        label, sections = by_target.setdefault(target, (r["cited_title"] or r["text"], []))
        if r["section"] not in sections:
            sections.append(r["section"])
    for target, (label, sections) in by_target.items():
        where = f" · *in the {md_escape(_where(sections))}*"
        if isinstance(target, int):
            lines.append(links.case_link(label, target, view) + where)
        else:
            lines.append(f"{md_escape(label)} · *not in the corpus*" + where)
    return lines


def render_case(home: Home, case: CaseRecord, view: View) -> None:
    """The case page's "Cited by N decisions" and "Cites" sections."""
    store = resources.store(home)
    cited_by, cites = store.cited_by(case.page_id), store.cites(case.page_id)
    with st.container(key="cited_by"):
        st.subheader(f"Cited by {plural(len(cited_by), 'decision')}", anchor=False)
        if cited_by:
            st.markdown("\n".join(f"- {line}" for line in cited_by_lines(cited_by, view)))
        else:
            st.caption("No decision in the corpus cites this one.")
    if cites:
        with st.container(key="cites"):
            st.subheader("Cites", anchor=False)
            st.markdown("\n".join(f"- {line}" for line in cites_lines(cites, view)))


def most_cited_lines(rows: list[dict[str, Any]], view: View) -> list[str]:
    """One markdown line per most-cited decision or judgment: link or number, and the count."""
    out = []
    for r in rows:
        label = (
            links.case_link(r["title"] or str(r["cited"]), r["cited"], view)
            if r["cited"] is not None
            else f"{md_escape(r['key'])} · *not in the corpus*"
        )
        out.append(f"{label} · cited by **{plural(r['count'], 'decision')}** here")
    return out


def render_most_cited(home: Home, view: View, fixed: dict[str, list[str]], query: str) -> None:
    """The decisions and CJEU judgments the current results cite most."""
    with st.container(key="most_cited"):
        st.subheader("Most cited by these results", anchor=False)
        try:
            ids = downloads.all_page_ids(home, view, fixed, query)
        except Exception as err:  # the index went away between the search and now
            st.error(f"Most cited unavailable: {err}")
            return
        rows = resources.store(home).most_cited(ids, MOST_CITED)
        if not rows:
            st.caption("These decisions cite no other decision or CJEU judgment.")
            return
        st.markdown("\n".join(f"1. {line}" for line in most_cited_lines(rows, view)))
        st.caption(
            "Counted once per citing decision in these results, however often and wherever it "
            "cites; judgments not in the corpus by their case number or ECLI."
        )
