"""The app's data access: the corpus store and the search index, opened once and shared.

The index is opened once per process (`st.cache_resource`); each browser session gets its own
Store connection. Everything the pages read goes through here, so the pages stay layout only.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import streamlit as st

from gdprkb.corpus import export
from gdprkb.corpus.appeals import CaseIds
from gdprkb.corpus.record import ArticlePage, CaseRecord
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index.search import IndexNotFound, SearchIndex
from gdprkb.webapp.state import PAGE_SIZE, View


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


NO_INDEX_HINT = (
    "The corpus holds {cases:,} decisions but they are not searchable yet. Build the index "
    "with:  gdprkb --home {home} index"
)


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
    warnings: list[str] = field(default_factory=list)
    query_used: str | None = None


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


# --- search ------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def _index(index_dir: str) -> SearchIndex:
    # One per process: SearchIndex is thread-safe and picks up a newer generation written by
    # `gdprkb index` on its own, so searches keep working while the index is updated.
    return SearchIndex(index_dir)


def _open_index(home: Home) -> SearchIndex:
    try:
        return _index(str(home.index_dir))
    except IndexNotFound as err:
        raise SearchUnavailable(str(err)) from err
    except Exception as err:  # a half-written or foreign folder: say so, don't crash
        raise SearchUnavailable(f"cannot open the search index in {home.index_dir}: {err}") from err


def _range(lo: float | None, hi: float | None) -> str | None:
    if lo is None and hi is None:
        return None
    fmt = "{:g}".format
    return f"{fmt(lo) if lo is not None else ''}..{fmt(hi) if hi is not None else ''}"


def filters_of(view: View, fixed: dict[str, list[str]]) -> dict[str, list[str]]:
    """The search API's filters for a view: facet values, year and fine ranges, fixed ones."""
    filters: dict[str, list[str]] = {k: list(v) for k, v in view.filters.items() if v}
    for key, values in fixed.items():
        filters[key] = sorted({*filters.get(key, []), *values})
    years = _range(view.year_from, view.year_to)
    if years:
        filters["year"] = [years]
    # Only fined cases have an amount: "up to 5000" means fined, at most 5000.
    fines = _range(view.fine_min if view.fine_min is not None else 0.0, view.fine_max)
    if view.fine_min is not None or view.fine_max is not None:
        filters["fine"] = [fines or ""]
    return filters


def _hit(h: Any) -> Hit:
    return Hit(
        page_id=h.page_id,
        title=h.title,
        authority=h.authority,
        date=h.date_decided or h.date_published,
        outcome=h.outcome,
        fine_amount=h.fine_amount,
        fine_currency=h.fine_currency,
        articles=list(h.gdpr_articles),
        snippet=h.snippet,
    )


def search(home: Home, view: View, *, query: str, fixed: dict[str, list[str]]) -> SearchOutcome:
    """One page of results for the view (errors come back as a message, never raised)."""
    filters = filters_of(view, fixed)
    try:
        ix = _open_index(home)
        res = ix.search(query, filters=filters, sort=view.sort, page=view.page, page_size=PAGE_SIZE)
        facets = {k: [(v.value, v.count) for v in vs] for k, vs in res.facets.items()}
        # Counts of a facet one is filtering on are taken without that facet's own filter, so
        # "Spain (140)" stays beside "Italy (92)" after picking Spain, and both can be chosen.
        for name in view.filters:
            if name in fixed:
                continue
            others = {k: v for k, v in filters.items() if k != name}
            # Counts don't depend on the order; "date" collects every match without ranking.
            alt = ix.search(query, filters=others, sort="date", page_size=1)
            facets[name] = [(v.value, v.count) for v in alt.facets.get(name, [])]
    except SearchUnavailable as err:
        cases = store(home).count_cases()
        return SearchOutcome(
            error=str(err),
            hint=NO_INDEX_HINT.format(cases=cases, home=home.root),
        )
    except Exception as err:  # never a traceback in the browser
        return SearchOutcome(
            error=f"The search failed: {err}",
            hint="Check the query syntax (Query help), or try again in a moment.",
        )
    return SearchOutcome(
        total=res.total,
        hits=[_hit(h) for h in res.hits],
        facets=facets,
        took_ms=res.took_ms,
        warnings=list(res.warnings),
        query_used=res.query_used,
    )


def similar(home: Home, page_id: int, n: int = 5) -> list[Hit]:
    """Decisions similar to a case (the index's more-like-this)."""
    try:
        return [_hit(h) for h in _open_index(home).more_like_this(page_id, n=n)]
    except SearchUnavailable:
        raise
    except Exception as err:
        raise SearchUnavailable(f"the index could not compare decisions ({err})") from err


def all_page_ids(home: Home, view: View, fixed: dict[str, list[str]], query: str) -> list[int]:
    """Page ids of every hit of the view's search, in result order (no cap)."""
    ix = _open_index(home)
    return ix.all_page_ids(query, filters=filters_of(view, fixed), sort=view.sort)


def all_hits(
    home: Home, view: View, fixed: dict[str, list[str]], query: str
) -> list[dict[str, object]]:
    """Chart fields of every hit of the view's search (read from the corpus)."""
    ids = all_page_ids(home, view, fixed, query)
    return [
        {
            "page_id": c.page_id,
            "year": c.year,
            "jurisdiction": c.jurisdiction,
            "outcome": c.outcome,
            "fine_amount": c.fine_amount,
            "fine_currency": c.fine_currency,
        }
        for c in cases_by_ids(home, ids)
    ]


def export_bytes(
    home: Home, view: View, fixed: dict[str, list[str]], query: str, fmt: str
) -> bytes:
    """Every hit of the view's search as a CSV or JSONL file, columns as `gdprkb export`."""
    ids = all_page_ids(home, view, fixed, query)
    buf = io.StringIO(newline="")
    cases = (c.to_dict() for c in cases_by_ids(home, ids))
    if fmt == "csv":
        export.write_csv(cases, buf)
        # utf-8-sig: the BOM Excel needs to read UTF-8, as `gdprkb export` writes it.
        return buf.getvalue().encode("utf-8-sig")
    export.write_jsonl(cases, buf)
    return buf.getvalue().encode("utf-8")
