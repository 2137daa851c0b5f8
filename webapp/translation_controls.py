"""The app's translation controls (issue 6), placed at the search and case pages' hook points.

- Search: a query-language selector; a query in another language is translated to English
  (structure kept), "Searched for: <English query>" is shown with one click to search the
  original words instead. English queries skip all of it: no model is loaded.
- Case: a "Translate summary" selector renders lead, facts, dispute and holding in the
  reader's language; the full machine translation is translated on demand with a progress bar.

Translations come from the cache in the corpus database when present (no model load), and a
missing language pair or a failing model shows a message; the search still runs.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.translations import TranslationCache
from gdprkb.home import Home
from gdprkb.translation.engine import Engine, TranslationError
from gdprkb.translation.models import MissingPair, installed_pairs, language_name
from gdprkb.translation.query import translate_query
from gdprkb.translation.reading import case_sections, translate_case, translate_sections
from gdprkb.webapp.text import md_escape, paragraphs

LANG_KEY = "w_qlang"
ORIGINAL_KEY = "tr_original_query"
SUMMARY_KEY = "w_summary_lang"
HEADINGS = {"lead": "Summary", "facts": "Facts", "dispute": "Dispute", "holding": "Holding"}
INSTALL_HINT = (
    "Install an Argos Translate model to {what}: download `translate-{pair}.argosmodel` on a "
    "machine with internet, then run `gdprkb translate install translate-{pair}.argosmodel`."
)


@st.cache_resource(show_spinner=False)
def _engine(models_dir: str, db: str) -> Engine:
    # One per process: loaded models and the cache connection are shared by every session.
    return Engine(models_dir, TranslationCache(db))


def engine(home: Home) -> Engine:
    """The home's translation engine (models folder + cache in the corpus database)."""
    return _engine(str(home.models_dir), str(home.db))


def _lang_label(code: str) -> str:
    if code == "auto":
        return "Detect language"
    if code == "en":
        return "English (as typed)"
    return language_name(code)


def query_languages(home: Home) -> list[str]:
    """Choices for the query language: English, then detection and each installed xx→en."""
    sources = sorted({p.from_code for p in installed_pairs(home.models_dir) if p.to_code == "en"})
    return ["en", "auto", *sources] if sources else ["en"]


def query_line(home: Home, query: str) -> str:
    """Draw the language selector and "Searched for"; return the query to search."""
    ss = st.session_state
    langs = query_languages(home)
    if ss.get(LANG_KEY) not in langs:
        ss[LANG_KEY] = "auto" if len(langs) > 1 else "en"
    row = st.container(horizontal=True, vertical_alignment="center", gap="small")
    row.selectbox(
        "Query language",
        langs,
        key=LANG_KEY,
        format_func=_lang_label,
        disabled=len(langs) == 1,
        width=220,
        help="Write the query in your language: its words are translated to English before "
        "searching; filters, operators, quotes, numbers and article references are kept."
        + ("" if len(langs) > 1 else " " + INSTALL_HINT.format(what="do so", pair="da_en")),
    )
    lang = ss[LANG_KEY]
    if not query.strip() or lang == "en":
        return query
    if ss.get(ORIGINAL_KEY) == query:
        row.caption(f"Searched for your words as typed: **{md_escape(query)}**")
        row.button(
            "Translate the query",
            key="tr_translate_again",
            on_click=_set_original,
            args=(None,),
            type="tertiary",
        )
        return query
    try:
        with st.spinner("Translating the query…", show_time=False):
            tr = translate_query(query, engine(home), lang)
    except (MissingPair, TranslationError) as e:
        st.warning(f"{e}. Searched the words as typed.", icon=":material/translate:")
        return query
    except Exception as e:  # translation must never stop a search
        st.warning(f"Query translation failed ({e}). Searched the words as typed.")
        return query
    if tr.note:
        row.caption(tr.note)
    if not tr.translated:
        return query
    row.caption(
        f"Searched for: **{md_escape(tr.query)}** (translated from {language_name(tr.source_lang)})"
    )
    row.button(
        "Search the original words instead",
        key="tr_search_original",
        on_click=_set_original,
        args=(query,),
        type="tertiary",
        icon=":material/undo:",
    )
    return tr.query


def _set_original(query: str | None) -> None:
    st.session_state[ORIGINAL_KEY] = query


def _reader_languages(home: Home) -> list[str]:
    return sorted({p.to_code for p in installed_pairs(home.models_dir) if p.from_code == "en"})


def summary_control(home: Home, case: CaseRecord) -> str | None:
    """The "Translate summary" selector, then the summary in the chosen language; returns it."""
    langs = _reader_languages(home)
    if not langs:
        st.caption(INSTALL_HINT.format(what="read summaries in your language", pair="en_da"))
        return None
    if not case_sections(case):
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
    if not lang or not case.machine_translation:
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
