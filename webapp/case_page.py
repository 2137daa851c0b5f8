"""The case page (`?case=<page_id>`): infobox, summary, appeal chain, similar decisions, sources.

Hook points for translation (issue 6): `render_summary` draws the English summary sections and
`render_machine_translation` the collapsed full-text translation; a "Translate summary" control
belongs at the top of `render_summary`.
"""

from __future__ import annotations

import streamlit as st

from gdprkb.corpus import appeals
from gdprkb.corpus.record import CaseRecord
from gdprkb.home import Home
from gdprkb.webapp import backend, nav, translation_controls
from gdprkb.webapp.text import fine_label, md_escape, md_link, paragraphs, safe_url

LICENCE_URL = "https://creativecommons.org/licenses/by-nc-sa/4.0/"
# Section heading -> record field, in GDPRhub's order.
SUMMARY_SECTIONS = (
    ("Facts", "facts"),
    ("Holding", "holding"),
    ("Comment", "comment"),
)


def render(home: Home, page_id: int) -> None:
    """Draw the case page for `page_id` (a clear message when it is not in the corpus)."""
    st.button("← Back to results", on_click=nav.back, key="back", type="tertiary")
    case = backend.get_case(home, page_id)
    if case is None:
        st.warning(
            f"No decision with page id {page_id} in the corpus. It may have been removed from "
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
        render_summary(case)
        render_machine_translation(case)
        render_appeals(home, case)
        render_similar(home, case)
    render_sources(case)


def _byline(case: CaseRecord) -> str:
    kind = "Court decision" if case.kind == "court" else "DPA decision"
    bits = [kind, case.authority, case.jurisdiction, case.date_decided or case.date_published]
    return " · ".join(md_escape(b) for b in bits if b)


def infobox_rows(case: CaseRecord) -> list[tuple[str, str]]:
    """(label, markdown value) for every infobox field the case has, in GDPRhub's order."""
    body = "Court" if case.kind == "court" else "Authority"
    appeal = []
    for label, ref in (("from", case.appeal.from_), ("to", case.appeal.to)):
        if ref:
            text = ", ".join(x for x in (ref.status, ref.body, ref.case_number) if x)
            appeal.append(f"{label}: {md_link(text or 'link', ref.url)}")
    rows = [
        (body, md_escape(case.authority)),
        ("Jurisdiction", md_escape(case.jurisdiction)),
        ("Relevant law", "; ".join(md_escape(x) for x in case.relevant_law)),
        ("Type", md_escape(case.type)),
        ("Outcome", md_escape(case.outcome)),
        ("Started", md_escape(case.date_started)),
        ("Decided", md_escape(case.date_decided)),
        ("Published", md_escape(case.date_published)),
        (
            "Fine",
            md_escape(fine_label(case.fine_amount, case.fine_currency, case.fine_text))
            if case.fine_amount is not None or case.fine_text
            else "",
        ),
        ("Parties", "; ".join(md_escape(p) for p in case.parties)),
        ("National case number", md_escape(case.case_number)),
        ("ECLI", md_escape(case.ecli)),
        ("Appeal", "; ".join(appeal)),
        ("Original language", md_escape(", ".join(case.original_languages))),
        ("Original source", "; ".join(md_link(s.name, s.url) for s in case.original_sources)),
    ]
    return [(label, value) for label, value in rows if value]


def render_infobox(case: CaseRecord) -> None:
    """The infobox, one labelled line per field, with the cited GDPR articles as buttons."""
    box = st.container(border=True)
    box.markdown("  \n".join(f"**{label}:** {value}" for label, value in infobox_rows(case)))
    if case.gdpr_articles:
        box.caption("GDPR articles cited (open the article and every decision citing it):")
        row = box.container(horizontal=True, gap="small")
        for number in case.gdpr_articles:
            row.button(
                f"Art. {number}",
                key=f"case_art_{number}",
                on_click=nav.open_article,
                args=(number,),
                help=f"Article {number} GDPR and every decision citing it",
            )


def render_summary(case: CaseRecord) -> None:
    """The English summary: lead, then facts, holding and comment (translation hook)."""
    translation_controls.summary_control(backend.resolve_home(), case)
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


def render_machine_translation(case: CaseRecord) -> None:
    """The machine translation of the full decision, collapsed (translation hook)."""
    if not case.machine_translation:
        return
    with st.expander("Full text: machine translation of the original decision"):
        st.caption("Automated translation kept by GDPRhub; check the original source.")
        translation_controls.full_text_control(backend.resolve_home(), case)
        for para in paragraphs(case.machine_translation):
            st.markdown(md_escape(para))


def render_appeals(home: Home, case: CaseRecord) -> None:
    """The appeal chain, each step linked to the stored case it names where there is one."""
    links = appeals.chain(case, backend.case_ids(home))
    if not links:
        return
    st.subheader("Appeal chain", anchor=False)
    for link in links:
        ref = link.ref
        described = ", ".join(x for x in (ref.status, ref.body, ref.case_number) if x)
        cols = st.columns([1, 4], vertical_alignment="center")
        cols[0].markdown(f"**{link.direction}**")
        with cols[1]:
            if link.page_id is not None:
                st.button(
                    md_escape(link.title or str(link.page_id)),
                    key=f"appeal_{link.page_id}",
                    on_click=nav.open_case,
                    args=(link.page_id,),
                    type="tertiary",
                    icon=":material/gavel:",
                )
                if described:
                    st.caption(md_escape(described))
            else:
                st.markdown(md_link(described or "link", ref.url) + " · *not in the corpus*")


def render_similar(home: Home, case: CaseRecord) -> None:
    """Similar decisions (the index's more-like-this), each opening its case page."""
    try:
        hits = backend.similar(home, case.page_id)
    except backend.SearchUnavailable as err:
        st.caption(f"Similar decisions unavailable: {err}")
        return
    if not hits:
        return
    st.subheader("Similar decisions", anchor=False)
    for hit in hits:
        cols = st.columns([4, 2], vertical_alignment="center")
        cols[0].button(
            md_escape(hit.title),
            key=f"similar_{hit.page_id}",
            on_click=nav.open_case,
            args=(hit.page_id,),
            type="tertiary",
        )
        cols[1].caption(md_escape(" · ".join(x for x in (hit.authority, hit.date) if x)))


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
