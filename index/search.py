"""The search API used by the CLI, the app and translation. Never reads the corpus database.

Open once per process and reuse (the app caches it with st.cache_resource); every call picks
up a newer index generation written by `gdprkb index` meanwhile::

    from gdprkb.index.search import SearchIndex
    ix = SearchIndex(home.index_dir)                 # IndexNotFound if never built
    res = ix.search('"video surveillance" employee', filters={"country": ["Spain"]},
                    sort="relevance", page=1, page_size=20)
    res.total, res.took_ms, res.warnings, res.query_used
    for hit in res.hits:      # Hit: page_id, title, url, score, snippet (HTML), snippet_field,
        ...                   #  authority, jurisdiction, kind, type, outcome, date_decided,
                              #  date_published, year, fine_amount, fine_currency,
                              #  gdpr_articles, gdpr_provisions, case_number, ecli, parties,
                              #  original_languages
    res.facets["jurisdiction"]    # [FacetValue(value="Spain", count=213, selected=True), ...]
    ix.all_page_ids(query, filters=..., sort=...)  # every match, in order (no row cap)
    ix.more_like_this(page_id, n=5)                # list[Hit], similar decisions
    ix.facet_values("authority")                   # every value in the index
    res.to_dict()                                  # the JSON shape of `gdprkb search --json`

- `query`: the query language of index/querylang.py; "" or "*" = every case (sorted by date).
- `filters`: field name → value or values; values of one field are ORed, fields ANDed, and
  the whole is ANDed into the query's tree (`query_used` shows it). Names and aliases are the
  fields of index/vocabulary.py (country, authority, article, year, fine, date, lang, ...).
  Exact facet values select exactly; other values are resolved as in the query language
  (`authority: aepd`, `year: 2020..2022`, `fine: >10000`).
- `sort`: one of vocabulary.SORTS: "relevance" (BM25F; the best 100 re-ranked by proximity,
  index/proximity.py), "date" (decided, newest first) or "fine" (highest first, in euros at
  fixed rates); undated / unfined cases last.
- Facets (`facets=True`): every facet in index.schema.FACETS with its count among all matches;
  values with count 0 are left out unless selected. Year is listed newest first, the rest by
  count. A bad query never raises: it is repaired and explained in `warnings`.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.collectors import TopCollector, UnsortedCollector
from whoosh.searching import Searcher, TimeLimit

from gdprkb.index import querylang as ql
from gdprkb.index.build import is_complete
from gdprkb.index.compile import Compiled, Context, compile_query
from gdprkb.index.facets import FacetTable, FacetValue
from gdprkb.index.proximity import RERANK_DEPTH, rerank
from gdprkb.index.schema import TEXT_FIELDS
from gdprkb.index.snippets import Snippeter, query_terms
from gdprkb.index.vocabulary import SORTS, field_named

TIME_LIMIT_S = 5.0

__all__ = [
    "SORTS",
    "FacetValue",
    "Hit",
    "IndexIncomplete",
    "IndexNotFound",
    "SearchIndex",
    "SearchResult",
]


class IndexNotFound(FileNotFoundError):
    """No index in the folder yet."""


class IndexIncomplete(IndexNotFound):
    """The folder holds an index whose first build has not finished (killed or still running)."""


@dataclass
class Hit:
    """One matching case, with what a results list shows."""

    page_id: int
    title: str
    url: str
    score: float | None
    snippet: str
    snippet_field: str | None = None
    kind: str | None = None
    authority: str | None = None
    jurisdiction: str | None = None
    type: str | None = None
    outcome: str | None = None
    date_decided: str | None = None
    date_published: str | None = None
    year: int | None = None
    fine_amount: float | None = None
    fine_currency: str | None = None
    gdpr_articles: list[int] = field(default_factory=list)
    gdpr_provisions: list[str] = field(default_factory=list)
    case_number: str | None = None
    ecli: str | None = None
    parties: list[str] = field(default_factory=list)
    original_languages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # the record's data-quality codes

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)


@dataclass
class SearchResult:
    """One page of results plus totals, facet counts and what was done with the query."""

    query: str
    query_used: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    took_ms: float
    sort: str
    page: int
    page_size: int
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: hits and facet values as plain dicts."""
        d = asdict(self)
        d["facets"] = {k: [asdict(v) for v in vs] for k, vs in self.facets.items()}
        return d


class _TopAndAll(TopCollector):
    """Top-N by score that also remembers every matching docnum (for facet counts)."""

    def __init__(self, limit: int, deadline: float) -> None:
        # No block-quality skipping and no matcher replacement: both may skip documents (and
        # drop optional parts of a match) once the top N is full, but facets and totals need
        # every match, and the scores must not depend on the page asked for.
        super().__init__(limit=limit, usequality=False, replace=0)
        self.matched: list[int] = []
        self.deadline = deadline

    def _collect(self, global_docnum: int, score: float) -> Any:
        self.matched.append(global_docnum)
        # A clock check every 1024 matches instead of TimeLimitCollector's timer thread,
        # which costs more than a whole small search.
        if not len(self.matched) & 1023 and time.perf_counter() > self.deadline:
            raise TimeLimit
        return super()._collect(global_docnum, score)


class _AllDocs(UnsortedCollector):
    """Every matching docnum, unscored (for date and fine order), within a deadline."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def sort_key(self, sub_docnum: int) -> Any:
        return sub_docnum

    def collect(self, sub_docnum: int) -> Any:
        self.items.append((None, self.offset + sub_docnum))
        if not len(self.items) & 1023 and time.perf_counter() > self.deadline:
            raise TimeLimit


class SearchIndex:
    """An open index: one searcher, refreshed when a newer generation is committed."""

    def __init__(self, index_dir: str | Path) -> None:
        self.index_dir = Path(index_dir)
        if not whoosh_index.exists_in(str(self.index_dir)):
            raise IndexNotFound(f"no search index in {self.index_dir}: run `gdprkb index` first")
        if not is_complete(self.index_dir):
            raise IndexIncomplete(
                f"the search index in {self.index_dir} is incomplete (its build was interrupted "
                "or is still running): run `gdprkb index`"
            )
        self._ix = whoosh_index.open_dir(str(self.index_dir))
        self._lock = threading.RLock()
        self._searcher: Searcher = self._ix.searcher()
        self._table = FacetTable(self._searcher.reader())

    def close(self) -> None:
        """Release the searcher's files."""
        with self._lock:
            self._searcher.close()

    def _current(self) -> tuple[Searcher, FacetTable]:
        if not self._searcher.up_to_date():
            # A fresh searcher, not refresh(): refresh reuses segment readers whose deletion
            # sets are stale, so replaced cases would be counted twice.
            old, self._searcher = self._searcher, self._ix.searcher()
            self._table = FacetTable(self._searcher.reader())
            old.close()
        return self._searcher, self._table

    @property
    def doc_count(self) -> int:
        """Number of cases in the index (current generation)."""
        with self._lock:
            return self._current()[0].doc_count()

    def facet_values(self, name: str) -> list[str]:
        """Every value of a facet present in the index (a field name or alias)."""
        spec = field_named(name)
        facet = spec.facet if spec and spec.facet else name
        with self._lock:
            return list(self._current()[1].values.get(facet, []))

    def _run(
        self,
        searcher: Searcher,
        compiled: Compiled,
        sort: str,
        limit: int,
        table: FacetTable,
    ) -> tuple[np.ndarray, list[tuple[float | None, int]], bool]:
        """(all matched docnums, ordered (score, docnum) for the first `limit`, timed out)."""
        deadline = time.perf_counter() + TIME_LIMIT_S
        child: _TopAndAll | _AllDocs = (
            _TopAndAll(max(limit, RERANK_DEPTH), deadline)
            if sort == "relevance"
            else _AllDocs(deadline)
        )
        timed_out = False
        try:
            searcher.search_with_collector(compiled.query, child)
        except TimeLimit:
            timed_out = True
        if isinstance(child, _TopAndAll):
            matched = np.array(child.matched, dtype=np.int64)
            items = sorted(((s, -d) for s, d in child.items), key=lambda x: (-x[0], x[1]))
            items = rerank(searcher.reader(), compiled.proximity, items)[:limit]
            return matched, [(s, d) for s, d in items], timed_out
        matched = np.array([d for _, d in child.items], dtype=np.int64)
        ordered = table.order(matched, sort)[:limit]
        return matched, [(None, int(d)) for d in ordered], timed_out

    def _execute(
        self,
        query: str,
        filters: ql.Filters | None,
        sort: str,
        limit: int,
    ) -> tuple[wq.Query, np.ndarray, list[tuple[float | None, int]], dict[str, Any]]:
        """Understand, compile, run (then the any-word fallback); caller holds the lock."""
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        understood = ql.understand(query, filters)
        warnings = list(understood.warnings)
        if sort == "relevance" and not understood.has_text:
            sort = "date"  # filters alone rank nothing: newest first
        searcher, table = self._current()

        def context() -> Context:
            return Context(searcher.reader(), table.values)

        compiled = compile_query(understood.node, context())
        matched, ranked, timed_out = self._run(searcher, compiled, sort, limit, table)
        used = understood.used
        if matched.size == 0 and understood.fallback is not None:
            loose = compile_query(understood.fallback, context())
            loose.proximity = compiled.proximity  # the words as typed, in order
            m2, r2, t2 = self._run(searcher, loose, sort, limit, table)
            if m2.size:
                compiled, matched, ranked, timed_out = loose, m2, r2, t2
                used = understood.fallback_used
                warnings.append(
                    "No case contains all of the words; showing cases with any of them."
                )
        warnings.extend(w for w in compiled.warnings if w not in warnings)
        if timed_out:
            warnings.append(
                f"The search took longer than {TIME_LIMIT_S:g}s and was stopped; "
                "results are incomplete. Try fewer or more specific words."
            )
        selected = _selected(filters, table)
        info = {"warnings": warnings, "used": used, "sort": sort, "selected": selected}
        return compiled.query, matched, ranked, info

    def search(
        self,
        query: str = "",
        *,
        filters: ql.Filters | None = None,
        sort: str = "relevance",
        page: int = 1,
        page_size: int = 20,
        facets: bool = True,
    ) -> SearchResult:
        """One page of results for a query (see the module docstring)."""
        t0 = time.perf_counter()
        page, page_size = max(1, int(page)), max(1, min(int(page_size), 1000))
        with self._lock:
            q, matched, ranked, info = self._execute(query, filters, sort, page * page_size)
            searcher, table = self._current()
            snip = Snippeter(query_terms(q))
            start = (page - 1) * page_size
            hits = [
                self._hit(searcher, table, docnum, score, snip)
                for score, docnum in ranked[start : start + page_size]
            ]
            counts = table.counts(matched, info["selected"]) if facets else {}
        return SearchResult(
            query=query,
            query_used=info["used"],
            total=int(matched.size),
            hits=hits,
            facets=counts,
            took_ms=round((time.perf_counter() - t0) * 1000, 2),
            sort=info["sort"],
            page=page,
            page_size=page_size,
            warnings=info["warnings"],
        )

    def _hit(
        self,
        searcher: Searcher,
        table: FacetTable,
        docnum: int,
        score: float | None,
        snip: Snippeter,
    ) -> Hit:
        stored = searcher.reader().stored_fields(docnum)

        snippet, section = snip.snippet(stored, lambda _: table.machine_translation(docnum))
        shown = dict(stored["display"])
        return Hit(
            score=None if score is None else round(float(score), 4),
            snippet=snippet,
            snippet_field=section,
            **{k: v for k, v in shown.items() if k in Hit.__dataclass_fields__},
        )

    def all_page_ids(
        self,
        query: str = "",
        *,
        filters: ql.Filters | None = None,
        sort: str = "relevance",
    ) -> list[int]:
        """Page ids of every match, in result order (for "download these results")."""
        with self._lock:
            table = self._current()[1]
            _, _, ranked, _ = self._execute(query, filters, sort, max(table.size, 1))
            return [int(table.page_id[d]) for _, d in ranked]

    def exact_matches(
        self, query: str = "", *, filters: ql.Filters | None = None, check_only: bool = False
    ) -> tuple[set[int], list[str]]:
        """(page ids matching the query as written, what the language would repair in it).

        For saved searches (index/alert_check.py): no any-word fallback; `check_only` compiles
        without searching (the warnings only). TimeoutError past the time limit, as a partial
        answer would be wrong.
        """
        with self._lock:
            understood = ql.understand(query, filters)
            searcher, table = self._current()
            compiled = compile_query(understood.node, Context(searcher.reader(), table.values))
            warnings = list(dict.fromkeys([*understood.warnings, *compiled.warnings]))
            if check_only:
                return set(), warnings
            matched, _, timed_out = self._run(searcher, compiled, "date", 0, table)
            if timed_out:
                raise TimeoutError(f"the search {query!r} took longer than {TIME_LIMIT_S:g} s")
            return {int(table.page_id[d]) for d in matched}, warnings

    def more_like_this(self, page_id: int, n: int = 5) -> list[Hit]:
        """Up to n decisions whose summaries share the most distinctive terms with this one."""
        with self._lock:
            searcher, table = self._current()
            docnum = searcher.document_number(page_id=str(page_id))
            if docnum is None:
                return []
            stored = searcher.reader().stored_fields(docnum)
            text = " ".join(
                str(stored.get(f) or "") for f in ("title", "lead", "facts", "dispute", "holding")
            )
            if not text.strip():
                text = table.machine_translation(docnum)
            keys = searcher.key_terms_from_text("facts", text, numterms=15)
            if not keys:
                return []
            ors = [
                wq.Term(f, term, boost=weight * TEXT_FIELDS[f])
                for term, weight in keys
                for f in ("title", "lead", "facts", "dispute", "holding")
            ]
            q = wq.AndNot(wq.Or(ors), wq.Term("page_id", str(page_id)))
            results = searcher.search(q, limit=n)
            snip = Snippeter(t for t, _ in keys)
            return [self._hit(searcher, table, r.docnum, r.score, snip) for r in results]


def _selected(filters: ql.Filters | None, table: FacetTable) -> dict[str, list[str]]:
    """Facet name -> the filter values that are exactly facet values (marked in the counts)."""
    out: dict[str, list[str]] = {}
    for name, raw in (filters or {}).items():
        spec = field_named(name)
        if spec is None or spec.facet is None:
            continue
        given = [raw] if isinstance(raw, str | int) else list(raw or [])
        known = set(table.values.get(spec.facet, []))
        chosen = [str(v).strip() for v in given if str(v).strip() in known]
        out[spec.facet] = list(dict.fromkeys(out.get(spec.facet, []) + chosen))
    return out
