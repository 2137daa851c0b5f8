"""The app's data access: the corpus store and the search index, opened once and shared.

The index is opened once per process (`st.cache_resource`); each browser session gets its own
Store connection. Everything the pages read goes through here, so the pages stay layout only.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from corpus.record import ArticlePage, CaseRecord
from corpus.store import Store
from gdprkb.home import Home
from webapp.appeals import CaseIds
from webapp.state import View


def resolve_home() -> Home:
    """The home from `streamlit run app.py -- --home DIR`, else $GDPRKB_HOME, else the default."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--home" and i + 1 < len(argv):
            return Home.resolve(argv[i + 1])
        if arg.startswith("--home="):
            return Home.resolve(arg.split("=", 1)[1])
    return Home.resolve(os.environ.get("GDPRKB_HOME") or None)


def has_corpus(home: Home) -> bool:
    """True when the home holds a corpus database (possibly still empty)."""
    return home.db.is_file()


@st.cache_resource(scope="session", show_spinner=False, on_release=lambda s: s.close())
def _session_store(db: str) -> Store:
    return Store(db)


def store(home: Home) -> Store:
    """This session's connection to the corpus database."""
    return _session_store(str(home.db))


@st.cache_data(show_spinner=False, max_entries=4)
def _case_ids(db: str, seq: int) -> CaseIds:
    # Keyed on the store's change sequence: rebuilt only after the corpus changes.
    del seq
    with Store(db) as s:
        return CaseIds.build(s.iter_cases())


def case_ids(home: Home) -> CaseIds:
    """Identifiers of every stored case, for linking appeal chains."""
    return _case_ids(str(home.db), store(home).seq)


def get_case(home: Home, page_id: int) -> CaseRecord | None:
    """One stored case, or None."""
    return store(home).get_case(page_id)


def get_article(home: Home, number: int) -> ArticlePage | None:
    """The stored GDPR article page for `number`, or None."""
    return store(home).get_article(number)


def article_numbers(home: Home) -> list[int]:
    """GDPR articles that have a stored article page or are cited by a stored case."""
    s = store(home)
    stored = {a.article for a in s.iter_articles()}
    return sorted(stored | set(_cited_articles(str(home.db), s.seq)))


@st.cache_data(show_spinner=False, max_entries=4)
def _cited_articles(db: str, seq: int) -> list[int]:
    del seq
    with Store(db) as s:
        return sorted({a for c in s.iter_cases() for a in c.gdpr_articles})


def cases_by_ids(home: Home, page_ids: list[int]) -> Iterator[CaseRecord]:
    """The stored cases for `page_ids`, in that order (ids no longer stored are skipped)."""
    with Store(Path(home.db)) as s:
        for pid in page_ids:
            case = s.get_case(pid)
            if case is not None:
                yield case


class SearchUnavailable(Exception):
    """The index cannot answer (missing, being rebuilt, or broken); the message says why."""


@dataclass
class Hit:
    """One result as a card shows it."""

    page_id: int
    title: str
    authority: str | None = None
    date: str | None = None
    outcome: str | None = None
    fine_amount: float | None = None
    fine_currency: str | None = None
    articles: list[int] = field(default_factory=list)
    snippet: str | None = None


@dataclass
class SearchOutcome:
    """A page of results with the facet counts of the whole result set, or an error."""

    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    took_ms: float | None = None
    error: str | None = None
    hint: str | None = None


def year_bounds(home: Home) -> tuple[int, int]:
    """The first and last decision year in the corpus."""
    return _year_bounds(str(home.db), store(home).seq)


@st.cache_data(show_spinner=False, max_entries=4)
def _year_bounds(db: str, seq: int) -> tuple[int, int]:
    del seq
    with Store(db) as s:
        years = [int(y) for y, _ in s.counts("year") if y is not None]
    return (min(years), max(years)) if years else (2018, 2030)


def article_headings(home: Home) -> dict[int, str]:
    """Article number -> heading, for the stored GDPR article pages."""
    return {a.article: a.heading for a in store(home).iter_articles() if a.heading}


# --- search: placeholders until index/query.py lands -------------------------------------


def search(home: Home, view: View, *, query: str, fixed: dict[str, list[str]]) -> SearchOutcome:
    """One page of results for the view (errors come back as a message, never raised)."""
    return SearchOutcome(error="Search is not available yet.")


def similar(home: Home, page_id: int) -> list[Hit]:
    """Decisions similar to a case (more like this)."""
    return []


def all_hits(home: Home, view: View, fixed: dict[str, list[str]]) -> list[dict[str, object]]:
    """Key fields of every hit of the view's search, for charts."""
    return []


def export_bytes(home: Home, view: View, fixed: dict[str, list[str]], fmt: str) -> bytes:
    """Every hit of the view's search as a CSV or JSONL file."""
    return b""
