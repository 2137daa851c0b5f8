"""The case page (`?case=<page_id>`): infobox, summary, appeals, citations, similar, sources.

Hook points for translation (issue 6): `render_summary` draws the English summary sections and
`render_machine_translation` the collapsed full-text translation; a "Translate summary" control
belongs at the top of `render_summary`.
"""

from __future__ import annotations

import streamlit as st

from gdprkb.corpus import appeals, checks, present
from gdprkb.corpus.record import CaseRecord
from gdprkb.home import Home
from gdprkb.webapp import cards, citations_view, hits, links, resources, translation_controls
from gdprkb.webapp.text import md_escape, md_link, nowrap, paragraphs, safe_url
from gdprkb.webapp.urlview import View

LICENCE_URL = "https://creativecommons.org/licenses/by-nc-sa/4.0/"
# Section heading -> record field, in GDPRhub's order.
SUMMARY_SECTIONS = (
    ("Facts", "facts"),
    ("Holding", "holding"),
    ("Comment", "comment"),
)


def render(home: Home, view: View) -> None:
    """Draw the case page for `view.case` (a clear message when it is not in the corpus)."""
    page_id = int(view.case or 0)
    with st.container(key="back"):
        st.markdown(links.md("← Back to results", view.with_(case=None)))
    case = resources.get_case(home, page_id)
    if case is None:
        shown = str(page_id) if len(str(page_id)) <= 24 else str(page_id)[:24] + "…"
        st.warning(
            f"No decision with page id {shown} in the corpus. It may have been removed from "
            "GDPRhub, or the corpus has not been harvested yet."
        )
        return
    st.title(md_escape(case.title), anchor=False)
    st.caption(_byline(case))
    main, side = st.columns([3, 2], gap="large")
    with side:
        render_infobox(case)
        row = st.container(horizontal=True, gap="small")
        row.link_button("Read on GDPRhub", case.url, icon=":material/open_in_new:")
        for source in case.original_sources[:2]:
            url = safe_url(source.url)
            if url:
                row.link_button("Original decision", url, icon=":material/description:")
                break
    with main:
        render_summary(home, case)
        render_machine_translation(home, case)
        render_appeals(home, case, view)
        citations_view.render_case(home, case, view)
        render_similar(home, case, view)
    render_sources(case)


def _byline(case: CaseRecord) -> str:
    kind = "Court decision" if case.kind == "court" else "DPA decision"
    bits = [kind, case.authority, case.jurisdiction, case.date_decided or case.date_published]
    return " · ".join(md_escape(b) for b in bits if b)


def infobox_markdown(case: CaseRecord) -> list[tuple[str, str]]:
    """(label, markdown value) for every infobox field the case has (corpus.present's rows)."""
    return [
        (row.label, "; ".join(md_link(p.text, p.url) for p in row.parts))
        for row in present.infobox_rows(case)
    ]


def render_infobox(case: CaseRecord) -> None:
    """The infobox, one labelled line per field, with the cited GDPR articles as links."""
    box = st.container(border=True)
    box.markdown("  \n".join(f"**{label}:** {value}" for label, value in infobox_markdown(case)))
    if case.warnings:
        notes = " ".join(md_escape(checks.warning_text(code)) for code in case.warnings)
        box.caption(f":material/report: **Data-quality note:** {notes}")
    groups = cards.provision_groups(case.gdpr_articles, case.gdpr_provisions)
    if groups:
        box.caption("GDPR provisions cited (open the article and every decision citing it):")
        chips = " · ".join(links.article_link(a, "Art. " + ", ".join(p)) for a, p in groups)
        box.container(key="case_articles").markdown(chips)


def render_summary(home: Home, case: CaseRecord) -> None:
    """The English summary: lead, then facts, holding and comment (translation hook)."""
    translation_controls.summary_control(home, case)
    for para in paragraphs(case.lead):
        st.markdown(md_escape(para))
    st.subheader("English summary", anchor=False)
    shown = False
    for heading, field in SUMMARY_SECTIONS:
        text = getattr(case, field)
        if field == "holding" and case.dispute:
            st.markdown("**Dispute**")
            for para in paragraphs(case.dispute):
                st.markdown(md_escape(para))
        if not text:
            continue
        shown = True
        st.markdown(f"**{heading}**")
        for para in paragraphs(text):
            st.markdown(md_escape(para))
    if not shown and not case.dispute:
        st.caption("GDPRhub has no summary for this decision yet.")


def render_machine_translation(home: Home, case: CaseRecord) -> None:
    """The machine translation of the full decision, collapsed (translation hook)."""
    if not case.machine_translation:
        return
    with st.expander("Full text: machine translation of the original decision"):
        st.caption("Automated translation kept by GDPRhub; check the original source.")
        translation_controls.full_text_control(home, case)
        for para in paragraphs(case.machine_translation):
            st.markdown(md_escape(para))


def render_appeals(home: Home, case: CaseRecord, view: View) -> None:
    """The appeal chain, each step linked to the stored case it names where there is one."""
    steps = appeals.chain(case, resources.case_ids(home))
    if not steps:
        return
    st.subheader("Appeal chain", anchor=False)
    for step in steps:
        ref = step.ref
        described = present.appeal_text(ref)
        cols = st.columns([1, 4], vertical_alignment="center")
        cols[0].markdown(f"**{step.direction}**")
        with cols[1]:
            if step.page_id is not None:
                title = step.title or str(step.page_id)
                with st.container(key=f"appeal_{step.page_id}"):
                    st.markdown(":material/gavel: " + links.case_link(title, step.page_id, view))
                    if described:
                        st.caption(md_escape(described))
            else:
                st.markdown(md_link(described or "link", ref.url) + " · *not in the corpus*")


def render_similar(home: Home, case: CaseRecord, view: View) -> None:
    """Similar decisions (the index's more-like-this): authority, date, outcome, each a link."""
    try:
        similar = hits.similar(home, case.page_id)
    except resources.SearchUnavailable as err:
        st.caption(f"Similar decisions unavailable: {err}")
        return
    if not similar:
        return
    st.subheader("Similar decisions", anchor=False)
    for hit in similar:
        meta = [md_escape(hit.authority), nowrap(hit.date), md_escape(hit.outcome)]
        with st.container(key=f"similar_{hit.page_id}"):
            st.markdown(
                links.case_link(hit.title, hit.page_id, view)
                + "  \n"
                + " · ".join(m for m in meta if m)
            )


def render_sources(case: CaseRecord) -> None:
    """Links to the GDPRhub page and the original sources, and the licence line."""
    st.divider()
    links = [md_link("Read on GDPRhub", case.url)]
    links += [md_link(f"Original source: {s.name}", s.url) for s in case.original_sources]
    st.markdown(" · ".join(links))
    st.caption(
        f"GDPRhub content is {md_link('CC BY-NC-SA 4.0', LICENCE_URL)}, by noyb: "
        f"{md_link(case.title, case.url)}"
    )
