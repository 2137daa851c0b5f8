"""Saved searches in the app: "Save this search" on the search view, and the Alerts page.

An alert saved here is the search as shown (the query searched and the filters of the view,
in the vocabulary of `gdprkb search --filter`), stored in the corpus database like
`gdprkb alerts add`; the daily `gdprkb scrape --check-alerts` (or `gdprkb alerts check`)
finds what is new. The Alerts page lists each alert with the decisions its last check
reported as new (links to their case pages), the path of its Atom feed, and a remove button.
Every text from a user or a page is shown escaped.
"""

from __future__ import annotations

import streamlit as st

from gdprkb.corpus.alerts import AlertError, AlertStore
from gdprkb.home import Home
from gdprkb.index.alert_check import feed_path, validate
from gdprkb.webapp import links, resources
from gdprkb.webapp.hits import filters_of
from gdprkb.webapp.text import md_escape
from gdprkb.webapp.urlview import View

_SAVED = "_alert_saved"  # the message of the last save, shown once


def save_control(home: Home, view: View, query: str, fixed: dict[str, list[str]]) -> None:
    """ "Save this search": a name, and the query and filters as shown become an alert."""
    filters = filters_of(view, fixed)
    with st.popover("Save this search", icon=":material/notifications:"):
        st.caption("Get the decisions that newly match it after each harvest (Alerts page).")
        name = st.text_input("Name", key="w_alert_name", placeholder="e.g. cctv-spain")
        if st.button("Save", key="w_alert_save", type="primary"):
            st.session_state[_SAVED] = _save(home, name.strip(), query, filters)
        message = st.session_state.get(_SAVED)
        if message:
            ok, text = message
            (st.success if ok else st.error)(md_escape(text))


def _save(home: Home, name: str, query: str, filters: dict[str, list[str]]) -> tuple[bool, str]:
    """Validate and store one alert; (saved?, what to tell the user)."""
    try:
        validate(resources.index(home), query, filters)
        with AlertStore(home.db) as alerts:
            alerts.add(name, query, filters)
    except (AlertError, resources.SearchUnavailable) as e:
        return False, str(e)
    return True, f"Saved as {name}. New decisions appear on the Alerts page after the next check."


def render(home: Home, view: View) -> None:
    """The Alerts page: every saved search, its new decisions, its feed, remove."""
    st.title("Alerts", anchor=False)
    st.caption(
        "Saved searches. `gdprkb scrape --check-alerts` (daily) or `gdprkb alerts check` finds "
        "the decisions that newly match each; their Atom feeds are written beside the corpus."
    )
    with AlertStore(home.db) as alerts:
        saved = alerts.all()
        new = {a.name: alerts.last_new(a.name) for a in saved}
    if not saved:
        st.info("No saved searches yet. Search, then use “Save this search”.")
        return
    titles = {
        c.page_id: c.title for c in resources.get_cases(home, sorted({*sum(new.values(), [])}))
    }
    for a in saved:
        with st.container(border=True, key=f"alert_{a.name}"):
            st.markdown(f"#### {md_escape(a.name)}")
            shown = a.query or "every decision"
            if a.filters:
                shown += " · " + ", ".join(f"{k}: {' | '.join(v)}" for k, v in a.filters.items())
            st.markdown(md_escape(shown))
            if a.checked is None:
                st.caption("Not checked yet: the first check sets what counts as new.")
            else:
                found = [p for p in new[a.name] if p in titles]
                st.caption(f"Last checked {a.checked}: {len(found)} new decision(s).")
                for page_id in found:
                    st.markdown("- " + links.md(md_escape(titles[page_id]), View(case=page_id)))
            st.caption(f"Feed: {md_escape(str(feed_path(home.feeds_dir, a.name)))}")
            st.button(
                "Remove",
                key=f"w_alert_remove_{a.name}",
                on_click=_remove,
                args=(home, a.name),
                icon=":material/delete:",
            )


def _remove(home: Home, name: str) -> None:
    """Button callback: delete the alert and its feed file."""
    try:
        with AlertStore(home.db) as alerts:
            alerts.remove(name)
        feed_path(home.feeds_dir, name).unlink(missing_ok=True)
    except (AlertError, OSError) as e:
        st.session_state[_SAVED] = (False, str(e))
