"""The app's shared resources: the corpus store and the search index, opened once, and the
corpus-wide lookups cached until the corpus changes.

The index is opened once per process (`st.cache_resource`); each browser session gets its own
Store connection. Lookups over the whole corpus are keyed on the store's change sequence, so
they are rebuilt only after an ingest or a scrape.
"""

from __future__ import annotations

from collections.abc import Iterator

import streamlit as st

from gdprkb.corpus.appeals import CaseIds
from gdprkb.corpus.record import ArticlePage, CaseRecord
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index.search import IndexNotFound, SearchIndex

# SQLite stores page ids as signed 64-bit integers: a larger id from a hand-edited URL can
# name no case, and asking SQLite for it would overflow.
MAX_PAGE_ID = 2**63 - 1

NO_INDEX_HINT = (
    "The corpus holds {cases:,} decisions but they are not searchable yet. Build the index "
    "with:  gdprkb --home {home} index"
)


class SearchUnavailable(Exception):
    """The index cannot answer (missing, being rebuilt, or broken); the message says why."""


def has_corpus(home: Home) -> bool:
    """True when the home holds a corpus database (possibly still empty)."""
    return home.db.is_file()


@st.cache_resource(scope="session", show_spinner=False, on_release=lambda s: s.close())
def _session_store(db: str) -> Store:
    return Store(db)


def store(home: Home) -> Store:
    """This session's connection to the corpus database."""
    return _session_store(str(home.db))


@st.cache_resource(show_spinner=False)
def _index(index_dir: str) -> SearchIndex:
    # One per process: SearchIndex is thread-safe and picks up a newer generation written by
    # `gdprkb index` on its own, so searches keep working while the index is updated.
    return SearchIndex(index_dir)


def index(home: Home) -> SearchIndex:
    """The home's search index (SearchUnavailable when it cannot be opened)."""
    try:
        return _index(str(home.index_dir))
    except IndexNotFound as err:
        raise SearchUnavailable(str(err)) from err
    except Exception as err:  # a half-written or foreign folder: say so, don't crash
        raise SearchUnavailable(f"cannot open the search index in {home.index_dir}: {err}") from err


def get_case(home: Home, page_id: int) -> CaseRecord | None:
    """One stored case, or None (also for ids no case can have)."""
    if not 0 < page_id <= MAX_PAGE_ID:
        return None
    return store(home).get_case(page_id)


def get_cases(home: Home, page_ids: list[int]) -> Iterator[CaseRecord]:
    """The stored cases for `page_ids`, in that order (ids no longer stored are skipped)."""
    with Store(home.db) as s:
        for pid in page_ids:
            case = s.get_case(pid)
            if case is not None:
                yield case


def get_article(home: Home, number: int) -> ArticlePage | None:
    """The stored GDPR article page for `number`, or None."""
    if not 0 < number <= MAX_PAGE_ID:
        return None
    return store(home).get_article(number)


@st.cache_data(show_spinner=False, max_entries=4)
def _case_ids(db: str, seq: int) -> CaseIds:
    del seq  # the cache key: rebuilt only after the corpus changes
    with Store(db) as s:
        return CaseIds.build(s.iter_cases())


def case_ids(home: Home) -> CaseIds:
    """Identifiers of every stored case, for linking appeal chains."""
    return _case_ids(str(home.db), store(home).seq)


@st.cache_data(show_spinner=False, max_entries=4)
def _cited_articles(db: str, seq: int) -> list[int]:
    del seq
    with Store(db) as s:
        return sorted({a for c in s.iter_cases() for a in c.gdpr_articles})


def article_numbers(home: Home) -> list[int]:
    """GDPR articles that have a stored article page or are cited by a stored case."""
    s = store(home)
    stored = {a.article for a in s.iter_articles()}
    return sorted(stored | set(_cited_articles(str(home.db), s.seq)))


def article_headings(home: Home) -> dict[int, str]:
    """Article number -> heading, for the stored GDPR article pages."""
    return {a.article: a.heading for a in store(home).iter_articles() if a.heading}


@st.cache_data(show_spinner=False, max_entries=4)
def _year_bounds(db: str, seq: int) -> tuple[int, int]:
    del seq
    with Store(db) as s:
        years = [int(y) for y, _ in s.counts("year") if y is not None]
    return (min(years), max(years)) if years else (2018, 2030)


def year_bounds(home: Home) -> tuple[int, int]:
    """The first and last decision year in the corpus."""
    return _year_bounds(str(home.db), store(home).seq)
