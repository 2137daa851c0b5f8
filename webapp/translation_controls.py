"""The app's translation controls, placed at the search and case pages' hook points.

- Search: a query-language selector, shown only when a model can translate into English. Its
  default is the words as typed; with a language chosen (or "Detect language") the search is
  `(typed) OR (translated)`, so translating never finds less than the typed words. Names
  (authorities and countries of the index, acronyms, capitalised names) are never translated.
  The chosen language is the view's `lang`, so it is part of the shareable URL.
- Case: a "Translate summary" selector, shown only when a model translates from English; the
  full machine translation is translated on demand with a progress bar.
- Help: what translation does here, or how to install it, in the search page's help panel.

Nothing here imports argostranslate: the engine loads it only for a text not yet cached, and
without the `translate` extra no control is drawn at all.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.translations import TranslationCache
from gdprkb.home import Home
from gdprkb.translation.engine import Engine, TranslationError, stack_installed
from gdprkb.translation.models import MissingPair, installed_pairs, language_name
from gdprkb.translation.query import either_query, known_names, translate_query
from gdprkb.translation.reading import case_sections, translate_case, translate_sections
from gdprkb.webapp import hits, resources, session
from gdprkb.webapp.text import md_escape, paragraphs
from gdprkb.webapp.urlview import View

LANG_KEY = "w_qlang"
SUMMARY_KEY = "w_summary_lang"
HEADINGS = {"lead": "Summary", "facts": "Facts", "dispute": "Dispute", "holding": "Holding"}
AS_TYPED = ""
# Facets whose values are names: an authority or a country is never translated.
NAME_FACETS = ("authority", "jurisdiction")


@st.cache_resource(show_spinner=False)
def _engine(models_dir: str, db: str) -> Engine:
    # One per process: loaded models and the cache connection are shared by every session.
    return Engine(models_dir, TranslationCache(db))


def engine(home: Home) -> Engine:
    """The home's translation engine (models folder + cache in the corpus database)."""
    return _engine(str(home.models_dir), str(home.db))


def _lang_label(code: str) -> str:
    if code == AS_TYPED:
        return "As typed"
    if code == "auto":
        return "Detect language"
    return language_name(code)


def query_languages(home: Home) -> list[str]:
    """Choices for the query language: as typed, detection, each installed xx→en; [] when
    there is nothing to choose (no translation stack, or no model into English)."""
    if not stack_installed():
        return []
    sources = sorted({p.from_code for p in installed_pairs(home.models_dir) if p.to_code == "en"})
    return [AS_TYPED, "auto", *sources] if sources else []


def reader_languages(home: Home) -> list[str]:
    """Languages a case can be read in: each installed en→xx; [] without the stack."""
    if not stack_installed():
        return []
    return sorted({p.to_code for p in installed_pairs(home.models_dir) if p.from_code == "en"})


def _names(home: Home) -> frozenset[tuple[str, ...]]:
    """The index's authority and country names; none when the index cannot be opened."""
    try:
        index = resources.index(home)
    except resources.SearchUnavailable:
        return frozenset()
    return known_names(v for f in NAME_FACETS for v in index.facet_values(f))


def _set_as_typed() -> None:
    # The view changes too, not only the selector: a run still under way when the button was
    # clicked would otherwise seed the selector again from the old view.
    st.session_state[LANG_KEY] = AS_TYPED
    session.go(session.current().with_(lang=AS_TYPED, page=1))


def _as_searched(home: Home, view: View, query: str, fixed: dict[str, list[str]]) -> str:
    """The typed query as the index runs it: with "any of the words" when no case holds all of
    them, so that OR-ing the translation to it can only add decisions."""
    outcome = hits.search(home, view.with_(page=1), query=query, fixed=fixed)
    return outcome.query_used if outcome.query_used and not outcome.error else query


def query_line(
    home: Home, view: View, query: str, fixed: dict[str, list[str]] | None = None
) -> tuple[View, str]:
    """Draw the language selector and "Searched for"; return the view (with the chosen
    language) and the query to search: the typed words, or them OR their translation."""
    ss = st.session_state
    langs = query_languages(home)
    lang = view.lang if view.lang in langs else AS_TYPED
    if view.lang and lang != view.lang:
        st.caption(
            f"The link asks for queries in {md_escape(_lang_label(view.lang))}, which cannot be "
            "translated here: searched the words as typed."
        )
    if not langs:
        return view.with_(lang=AS_TYPED), query
    # The search page seeds the selector from the view (a link, Back); a value that cannot be
    # used (a language whose model is gone) falls back to the words as typed.
    if ss.get(LANG_KEY) not in langs:
        ss[LANG_KEY] = lang
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.selectbox(
        "Query language",
        langs,
        key=LANG_KEY,
        format_func=_lang_label,
        width=220,
        help="Written in another language? Choose it (or Detect language): the words are "
        "translated to English and the decisions matching either the words as typed or "
        "their translation are shown. Names, filters, operators, quotes, numbers and article "
        "references are kept as typed.",
    )
    chosen = ss[LANG_KEY]
    # Another language is another search: it starts again at page 1.
    view = view.with_(lang=chosen, page=view.page if chosen == view.lang else 1)
    if not query.strip() or chosen == AS_TYPED:
        return view, query
    try:
        with st.spinner("Translating the query…", show_time=False):
            tr = translate_query(query, engine(home), chosen, names=_names(home))
    except (MissingPair, TranslationError) as e:
        st.warning(f"{e}. Searched the words as typed.", icon=":material/translate:")
        return view, query
    except Exception as e:  # translation must never stop a search
        st.warning(f"Query translation failed ({e}). Searched the words as typed.")
        return view, query
    if tr.note:
        row.caption(tr.note)
    if not tr.translated:
        if tr.detected:
            row.caption("Detected English: searched the words as typed.")
        return view, query
    row.caption(
        f"Searched for your words or their translation from {language_name(tr.source_lang)}: "
        f"**{md_escape(tr.query)}**"
    )
    row.button(
        "Only the words as typed",
        key="tr_as_typed",
        on_click=_set_as_typed,
        type="tertiary",
        icon=":material/undo:",
    )
    return view, either_query(_as_searched(home, view, query, fixed or {}), tr.query)


def help_markdown(home: Home) -> str:
    """The help panel's section on other languages: what is installed, or how to install it."""
    langs = [c for c in query_languages(home) if c not in (AS_TYPED, "auto")]
    readers = reader_languages(home)
    install = (
        "To add a language, download its Argos Translate model (a `.argosmodel` file, e.g. "
        "`translate-xx_en` for queries in language *xx* and `translate-en_xx` to read cases "
        "in it) on a machine with internet, then run `gdprkb translate install FILE`."
    )
    if not stack_installed():
        return (
            "**Other languages.** Queries in other languages and case summaries in your "
            "language need the optional translation stack: `make translate` (or "
            "`pip install -e '.[translate]'`), then a model. " + install
        )
    lines = ["**Other languages.**"]
    if langs:
        names = ", ".join(language_name(c) for c in langs)
        lines.append(
            f"Queries in {names} can be translated: choose the language beside the search box. "
            "The typed words are searched too, so a translation only adds decisions."
        )
    if readers:
        names = ", ".join(language_name(c) for c in readers)
        lines.append(f"Case summaries can be read in {names} (on the case page).")
    lines.append(install)
    return " ".join(lines)


def summary_control(home: Home, case: CaseRecord) -> str | None:
    """The "Translate summary" selector, then the summary in the chosen language; returns it.
    Nothing is drawn when no model translates from English."""
    langs = reader_languages(home)
    if not langs or not case_sections(case):
        return None
    if st.session_state.get(SUMMARY_KEY) not in ["", *langs]:
        st.session_state[SUMMARY_KEY] = ""
    lang = st.selectbox(
        "Translate summary",
        ["", *langs],
        key=SUMMARY_KEY,
        format_func=lambda c: language_name(c) if c else "English (original)",
        width=260,
        help="Machine translation with Argos Translate, on this computer. Cached: a repeat "
        "view is instant.",
    )
    if not lang:
        return None
    try:
        with st.spinner(f"Translating the summary into {language_name(lang)}…"):
            texts = translate_case(engine(home), case, lang)
    except (MissingPair, TranslationError) as e:
        st.warning(str(e), icon=":material/translate:")
        return None
    except Exception as e:  # the English case stays readable whatever happens
        st.warning(f"The summary could not be translated: {e}", icon=":material/translate:")
        return None
    box = st.container(border=True, key="tr_summary_box")
    box.markdown(f"**Summary in {language_name(lang)}** · machine translation")
    for name, text in texts.items():
        if name != "lead":
            box.markdown(f"**{HEADINGS[name]}**")
        for para in paragraphs(text):
            box.markdown(md_escape(para))
    box.caption("The English summary below is GDPRhub's text; this translation is automatic.")
    return lang


def full_text_control(home: Home, case: CaseRecord) -> None:
    """Inside the machine-translation expander: translate the full text on demand, with progress."""
    lang = st.session_state.get(SUMMARY_KEY)
    if not lang or lang not in reader_languages(home) or not case.machine_translation:
        return
    key = f"tr_full_{case.page_id}_{lang}"
    if key not in st.session_state:
        if not st.button(f"Translate the full text into {language_name(lang)}", key="tr_full"):
            return
        bar = st.progress(0.0, text="Translating…")

        def progress(done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"Translating… {done}/{total} chunks")

        try:
            sections = {"machine_translation": case.machine_translation}
            out: dict[str, Any] = translate_sections(engine(home), sections, lang, progress)
        except (MissingPair, TranslationError) as e:
            st.warning(str(e), icon=":material/translate:")
            return
        bar.empty()
        st.session_state[key] = out["machine_translation"]
    st.markdown(f"**Full text in {language_name(lang)}** · machine translation of the above")
    for para in paragraphs(st.session_state[key]):
        st.markdown(md_escape(para))
