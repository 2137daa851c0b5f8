"""Search results shaped for the screen: the view's search run, its hits as result cards.

A card carries what a lawyer reads first: the provisions cited grouped by article, the date
with which date it is, the outcome, the fine, and where an appeal went and how it ended.
Errors come back as a message in the outcome, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gdprkb.corpus import appeals
from gdprkb.corpus.record import CaseRecord
from gdprkb.home import Home
from gdprkb.index import search as index_search
from gdprkb.webapp import facet_counts, resources
from gdprkb.webapp.urlview import PAGE_SIZE, View

# Appeal rows that say nothing happened: no appeal line on the card for these.
_NOT_APPEALED = {"not appealed", "no", "none", "-"}


@dataclass
class Hit:
    """One result as a card shows it."""

    page_id: int
    title: str
    authority: str | None = None
    date: str | None = None
    date_kind: str | None = None  # "Decided" or "Published": which date `date` is
    outcome: str | None = None
    fine_amount: float | None = None
    fine_currency: str | None = None
    articles: list[int] = field(default_factory=list)
    provisions: list[str] = field(default_factory=list)
    snippet: list[tuple[str, bool]] = field(default_factory=list)  # [(text, is_match)]
    appeal: str | None = None  # "Appealed - Overturned · VG Wien: Upheld", where known
    evidence: str | None = None  # "summary" | "translation" (index/tiers.py), None: no words


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
    did_you_mean: str | None = None  # the query with likely typos replaced, offered as a link


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
    if view.fine_min is not None or view.fine_max is not None:
        lo = view.fine_min if view.fine_min is not None else 0.0
        filters["fine"] = [_range(lo, view.fine_max) or ""]
    return filters


def hit_of(h: index_search.Hit) -> Hit:
    """A card from one index hit (the appeal line is added from the corpus by `search`)."""
    return Hit(
        page_id=h.page_id,
        title=h.title,
        authority=h.authority,
        date=h.date_decided or h.date_published,
        date_kind="Decided" if h.date_decided else ("Published" if h.date_published else None),
        outcome=h.outcome,
        fine_amount=h.fine_amount,
        fine_currency=h.fine_currency,
        articles=list(h.gdpr_articles),
        provisions=list(h.gdpr_provisions),
        snippet=h.snippet,
        evidence=getattr(h, "evidence", None),
    )


def appeal_line(case: CaseRecord, ids: appeals.CaseIds, outcomes: dict[int, str | None]) -> str:
    """Where the case went on appeal and how that ended, or "" when it was not appealed."""
    ref = case.appeal.to
    parts: list[str] = []
    if ref is not None and (ref.status or "").strip().casefold() not in _NOT_APPEALED:
        parts.append(", ".join(x for x in (ref.status, ref.body) if x) or "Appealed")
    for link in appeals.chain(case, ids):
        if link.direction == "Appeal to" and link.page_id is not None:
            outcome = outcomes.get(link.page_id)
            if outcome:
                parts.append(f"{link.title or 'appeal'}: {outcome}")
            if not parts:
                parts.append(f"Appealed to {link.title}")
    return " · ".join(dict.fromkeys(parts))


def _with_appeals(home: Home, hits: list[Hit]) -> None:
    cases = {c.page_id: c for c in resources.get_cases(home, [h.page_id for h in hits])}
    if not any(c.appeal.to or c.appeal.from_ for c in cases.values()):
        return
    ids = resources.case_ids(home)
    targets = [
        link.page_id
        for c in cases.values()
        for link in appeals.chain(c, ids)
        if link.direction == "Appeal to" and link.page_id is not None
    ]
    outcomes = {c.page_id: c.outcome for c in resources.get_cases(home, targets)}
    for hit in hits:
        case = cases.get(hit.page_id)
        if case is not None:
            hit.appeal = appeal_line(case, ids, outcomes) or None


def search(home: Home, view: View, *, query: str, fixed: dict[str, list[str]]) -> SearchOutcome:
    """One page of results for the view (errors come back as a message, never raised)."""
    filters = filters_of(view, fixed)
    try:
        ix = resources.index(home)
        res = ix.search(query, filters=filters, sort=view.sort, page=view.page, page_size=PAGE_SIZE)
        facets = facet_counts.counts(ix, query, filters, res, own=set(view.filters) - set(fixed))
    except resources.SearchUnavailable as err:
        cases = resources.store(home).count_cases()
        return SearchOutcome(
            error=str(err), hint=resources.NO_INDEX_HINT.format(cases=cases, home=home.root)
        )
    except Exception as err:  # never a traceback in the browser
        return SearchOutcome(
            error=f"The search failed: {err}",
            hint="Check the query syntax (Query help), or try again in a moment.",
        )
    hits = [hit_of(h) for h in res.hits]
    _with_appeals(home, hits)
    return SearchOutcome(
        total=res.total,
        hits=hits,
        facets=facets,
        took_ms=res.took_ms,
        warnings=list(res.warnings),
        query_used=res.query_used,
        did_you_mean=res.did_you_mean,
    )


def similar(home: Home, page_id: int, n: int = 5) -> list[Hit]:
    """Decisions similar to a case (the index's more-like-this)."""
    try:
        return [hit_of(h) for h in resources.index(home).more_like_this(page_id, n=n)]
    except resources.SearchUnavailable:
        raise
    except Exception as err:
        raise resources.SearchUnavailable(f"the index could not compare decisions ({err})") from err
