"""The search API used by the CLI, the app and translation. Never reads the corpus database.

Open once per process and reuse (the app caches it with st.cache_resource); every call picks
up a newer index generation written by `gdprkb index` meanwhile::

    from gdprkb.index.search import SearchIndex
    ix = SearchIndex(home.index_dir)                 # IndexNotFound if never built
    res = ix.search('"video surveillance" employee', filters={"country": ["Spain"]},
                    sort="relevance", page=1, page_size=20)
    res.total, res.took_ms, res.warnings, res.query_used, res.did_you_mean
    for hit in res.hits:      # Hit: the fields of corpus/hitfields.py (page_id, title, url,
        ...                   #  authority, date_decided, fine_amount, ...) plus score,
                              #  snippet [(text, is_match)], snippet_field and evidence
                              #  ("summary" | "translation", index/tiers.py)
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
import weakref
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.searching import Searcher

from gdprkb.corpus.hitfields import HitFields
from gdprkb.index import querylang as ql
from gdprkb.index.build import is_complete
from gdprkb.index.compile import Compiled, Context, compile_query
from gdprkb.index.execute import Postings, evaluate, top
from gdprkb.index.facets import FacetTable, FacetValue
from gdprkb.index.proximity import RERANK_DEPTH, rerank
from gdprkb.index.schema import TEXT_FIELDS
from gdprkb.index.searchers import Searchers
from gdprkb.index.snippets import Segments, Snippeter, query_terms, sections_holding, to_html
from gdprkb.index.suggest import did_you_mean
from gdprkb.index.tiers import SUMMARY, TRANSLATION, Evidence, by_tier, summary_tree
from gdprkb.index.vocabulary import SORTS, field_named

TIME_LIMIT_S = 5.0  # the documented bound of one search, whatever the query
# Matching and snippets stop here, so that what follows (hits without snippets, facet counts
# over the matches so far) is done within TIME_LIMIT_S.
WORK_S = 0.8 * TIME_LIMIT_S
FEW = 3  # at most this many results: the query may hold a typo (index/suggest.py)
TIMED_OUT = (
    f"The search took longer than {TIME_LIMIT_S:g}s and was stopped; results are incomplete. "
    "Try fewer or more specific words."
)

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
class Hit(HitFields):
    """One matching case: the hit fields (corpus/hitfields.py), its score and its snippet."""

    score: float | None = None
    snippet: Segments = field(default_factory=list)  # [(text, is_match)]
    snippet_field: str | None = None
    evidence: Evidence | None = None  # where the words matched (index/tiers.py)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the snippet as HTML (matches in <b class="match">, the rest escaped)."""
        d = asdict(self)
        d["snippet"] = to_html(self.snippet)
        return d


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
    # The query with likely typos replaced by words the index holds ("survelliance" →
    # "surveillance"), when it found (almost) nothing: offered, never searched in its place.
    did_you_mean: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form: hits and facet values as plain dicts."""
        d = asdict(self)
        d["hits"] = [h.to_dict() for h in self.hits]
        d["facets"] = {k: [asdict(v) for v in vs] for k, vs in self.facets.items()}
        return d


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
        self._searchers = Searchers(whoosh_index.open_dir(str(self.index_dir)))

    def close(self) -> None:
        """Release the searchers' files (a later call opens them again)."""
        self._searchers.close()

    def clear_caches(self) -> None:
        """Forget the postings and word forms kept between searches (a benchmark's cold search)."""
        self._searchers.clear_caches()

    @property
    def doc_count(self) -> int:
        """Number of cases in the index (current generation)."""
        with self._searchers.get() as (searcher, _, _):
            return int(searcher.doc_count())

    def facet_values(self, name: str) -> list[str]:
        """Every value of a facet present in the index (a field name or alias)."""
        spec = field_named(name)
        facet = spec.facet if spec and spec.facet else name
        with self._searchers.get() as (_, table, _):
            return list(table.values.get(facet, []))

    def _run(
        self,
        postings: Postings,
        table: FacetTable,
        compiled: Compiled,
        sort: str,
        limit: int,
        tier_q: wq.Query | None = None,
    ) -> tuple[np.ndarray, list[tuple[float | None, int]], bool, np.ndarray | None]:
        """(all matched docnums, ordered (score, docnum) for the first `limit`, timed out,
        the summary-tier mask over all documents when `tier_q` is given)."""
        mask, scores = evaluate(compiled.query, postings)
        # Postings are shared: the tier query reads only terms the query has read.
        summary = None if tier_q is None else evaluate(tier_q, postings)[0] & mask
        matched = np.flatnonzero(mask)
        if sort == "relevance":
            ranked = top(mask, scores, max(limit, RERANK_DEPTH))
            items = rerank(postings, compiled.proximity, ranked)[:limit]
            return matched, [(s, d) for s, d in items], postings.cut, summary
        ordered = table.order(matched, sort)
        if summary is not None:
            ordered = by_tier(ordered, summary)
        return matched, [(None, int(d)) for d in ordered[:limit]], postings.cut, summary

    def _execute(
        self,
        postings: Postings,
        table: FacetTable,
        request: tuple[str, ql.Filters | None, str],
        limit: int,
        tiers: bool = True,
    ) -> tuple[wq.Query, np.ndarray, list[tuple[float | None, int]], dict[str, Any]]:
        """Understand, compile, run (then the any-word fallback), all before one deadline."""
        query, filters, sort = request
        if sort not in SORTS:
            raise ValueError(f"unknown sort {sort!r}: use one of {', '.join(SORTS)}")
        understood = ql.understand(query, filters)
        warnings = list(understood.warnings)
        if sort == "relevance" and not understood.has_text:
            sort = "date"  # filters alone rank nothing: newest first

        searcher = postings.searcher

        def context() -> Context:
            return Context(searcher.reader(), table.values, forms=postings.stats.forms)

        def tier_query(node: ql.Node) -> wq.Query | None:
            if not (tiers and understood.has_text):
                return None
            return compile_query(summary_tree(node), context()).query

        compiled = compile_query(understood.node, context())
        tier_q = tier_query(understood.node)
        matched, ranked, timed_out, summary = self._run(
            postings, table, compiled, sort, limit, tier_q
        )
        used = understood.used
        if matched.size == 0 and understood.fallback is not None and not timed_out:
            loose = compile_query(understood.fallback, context())
            loose.proximity = compiled.proximity  # the words as typed, in order
            loose_tier_q = tier_query(understood.fallback)
            m2, r2, t2, s2 = self._run(postings, table, loose, sort, limit, loose_tier_q)
            if m2.size:
                compiled, matched, ranked, timed_out = loose, m2, r2, t2
                tier_q, summary = loose_tier_q, s2
                used = understood.fallback_used
                warnings.append(
                    "No case contains all of the words; showing cases with any of them."
                )
        warnings.extend(w for w in compiled.warnings if w not in warnings)
        if timed_out:
            warnings.append(TIMED_OUT)
        suggestion = None
        if (
            matched.size <= FEW or used != understood.used
        ) and time.perf_counter() < postings.deadline:
            suggestion = did_you_mean(searcher.reader(), query, understood.node)
        selected = _selected(filters, table)
        info = {
            "warnings": warnings,
            "used": used,
            "sort": sort,
            "selected": selected,
            "did_you_mean": suggestion,
            "tier_q": tier_q,
            "summary": summary,
        }
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
        tiers: bool = True,
    ) -> SearchResult:
        """One page of results for a query (see the module docstring).

        `tiers=False` turns evidence tiers off (sorted lists as before; for benchmarks).
        """
        t0 = time.perf_counter()
        deadline = t0 + WORK_S
        page, page_size = max(1, int(page)), max(1, min(int(page_size), 1000))
        with self._searchers.get() as (searcher, table, stats):
            postings = Postings(searcher, stats, deadline)
            q, matched, ranked, info = self._execute(
                postings, table, (query, filters, sort), page * page_size, tiers
            )
            snip = Snippeter(query_terms(q))
            start = (page - 1) * page_size
            shown = ranked[start : start + page_size]
            evidence = _evidence(info["summary"], [d for _, d in shown])
            holding = sections_holding(postings, snip.terms, [d for _, d in shown])
            hits = []
            for score, docnum in shown:
                late = time.perf_counter() > deadline  # the rest without snippets
                hits.append(
                    self._hit(
                        searcher,
                        docnum,
                        score,
                        None if late else snip,
                        evidence.get(docnum),
                        holding.get(docnum),
                    )
                )
                if late and TIMED_OUT not in info["warnings"]:
                    info["warnings"].append(TIMED_OUT)
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
            did_you_mean=info["did_you_mean"],
        )

    def _hit(
        self,
        searcher: Searcher,
        docnum: int,
        score: float | None,
        snip: Snippeter | None,
        evidence: Evidence | None = None,
        holds: dict[str, int] | None = None,
    ) -> Hit:
        reader = searcher.reader()
        stored = reader.stored_fields(docnum)
        snippet: Segments = []
        section = None
        if snip is not None:

            def translation(_: str) -> str:
                return machine_translation(reader, docnum)

            snippet, section = snip.snippet(stored, translation, holds)
        return Hit(
            **stored["display"],
            score=None if score is None else round(float(score), 4),
            snippet=snippet,
            snippet_field=section,
            evidence=evidence,
        )

    def all_page_ids(
        self,
        query: str = "",
        *,
        filters: ql.Filters | None = None,
        sort: str = "relevance",
        tiers: bool = True,
    ) -> list[int]:
        """Page ids of every match, in result order (for "download these results")."""
        deadline = time.perf_counter() + WORK_S
        with self._searchers.get() as (searcher, table, stats):
            _, _, ranked, _ = self._execute(
                Postings(searcher, stats, deadline),
                table,
                (query, filters, sort),
                max(table.size, 1),
                tiers,
            )
            return [int(table.page_id[d]) for _, d in ranked]

    def exact_matches(
        self, query: str = "", *, filters: ql.Filters | None = None, check_only: bool = False
    ) -> tuple[set[int], list[str]]:
        """(page ids matching the query as written, what the language would repair in it).

        For saved searches (index/alert_check.py): no any-word fallback; `check_only` compiles
        without searching (the warnings only). TimeoutError past the time limit, as a partial
        answer would be wrong.
        """
        deadline = time.perf_counter() + WORK_S
        understood = ql.understand(query, filters)
        with self._searchers.get() as (searcher, table, stats):
            ctx = Context(searcher.reader(), table.values, forms=stats.forms)
            compiled = compile_query(understood.node, ctx)
            warnings = list(dict.fromkeys([*understood.warnings, *compiled.warnings]))
            if check_only:
                return set(), warnings
            postings = Postings(searcher, stats, deadline)
            matched, _, timed_out, _ = self._run(postings, table, compiled, "date", 0)
            if timed_out:
                raise TimeoutError(f"the search {query!r} took longer than {TIME_LIMIT_S:g} s")
            return {int(table.page_id[d]) for d in matched}, warnings

    def more_like_this(self, page_id: int, n: int = 5) -> list[Hit]:
        """Up to n decisions whose summaries share the most distinctive terms with this one."""
        with self._searchers.get() as (searcher, _, _):
            docnum = searcher.document_number(page_id=str(page_id))
            if docnum is None:
                return []
            stored = searcher.reader().stored_fields(docnum)
            text = " ".join(
                str(stored.get(f) or "") for f in ("title", "lead", "facts", "dispute", "holding")
            )
            if not text.strip():
                text = machine_translation(searcher.reader(), docnum)
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
            return [self._hit(searcher, r.docnum, r.score, snip) for r in results]


def machine_translation(reader: IndexReader, docnum: int) -> str:
    """The stored machine translation of a document ("" when it has none), for its snippet."""
    # Per segment: after an incremental update a segment without any translation has no
    # column at all, and the whole-index column reader would then come up short.
    for sub, offset in reversed(list(reader.leaf_readers())):
        if docnum >= offset:
            column = _mt_column(sub)
            if column is None:
                return ""
            raw = column[docnum - offset]
            return raw.decode("utf-8") if isinstance(raw, bytes) else str(raw or "")
    return ""


# A column reader reads the column's offset table when made: one per segment reader, kept
# while the reader lives (a searcher serves one search at a time, so its readers do too).
_MT_COLUMNS: weakref.WeakKeyDictionary[IndexReader, Any] = weakref.WeakKeyDictionary()
_MT_LOCK = threading.Lock()


def _mt_column(sub: IndexReader) -> Any:
    with _MT_LOCK:
        if sub not in _MT_COLUMNS:
            _MT_COLUMNS[sub] = sub.column_reader("mt_text") if sub.has_column("mt_text") else None
        return _MT_COLUMNS[sub]


def _evidence(summary: np.ndarray | None, shown: list[int]) -> dict[int, Evidence]:
    """docnum -> evidence tier for the hits shown (empty when the query has no words)."""
    if summary is None:
        return {}
    return {d: SUMMARY if summary[d] else TRANSLATION for d in shown}


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
