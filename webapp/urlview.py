"""The URL view model: what the app shows, as query parameters, both ways.

Pure functions: the URL is parsed into a `View` and a `View` is written back as a dict for
`st.query_params.from_dict` (or a link's `?...`), so a reload, a shared link, Back and Forward
restore the same view. Hand-edited or stale values are repaired or dropped, never raised.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from gdprkb.index.vocabulary import SORTS as SORT_LABELS

Sort = str  # one of SORTS
SORTS: tuple[Sort, ...] = tuple(SORT_LABELS)
PAGE_SIZE = 20

# URL key -> sidebar label, for the multi-valued facet filters, in sidebar order.
FACETS: dict[str, str] = {
    "jurisdiction": "Jurisdiction",
    "authority": "Authority",
    "article": "GDPR article",
    "type": "Type",
    "outcome": "Outcome",
    "kind": "Kind (DPA or court)",
    "language": "Original language",
}
# URL names that differ from the facet name: `article` in the URL is the article page.
_URL_NAME = {"article": "art"}


def url_key(facet: str) -> str:
    """The query-parameter name of a facet filter."""
    return _URL_NAME.get(facet, facet)


@dataclass(frozen=True)
class View:
    """Everything the URL carries: the page shown and the search that feeds it."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year_from: int | None = None
    year_to: int | None = None
    fine_min: float | None = None
    fine_max: float | None = None
    sort: Sort = "relevance"
    page: int = 1
    case: int | None = None
    article: int | None = None
    charts: bool = False  # the result set as charts instead of cards
    alerts: bool = False  # the Alerts page (saved searches)
    lang: str = ""  # the query's language: "" as typed, "auto" (detect) or a language code

    def with_(self, **changes: object) -> View:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def route(self) -> Literal["case", "article", "alerts", "search"]:
        """Which page this view shows: a case wins over an article, then alerts, else search."""
        if self.case is not None:
            return "case"
        if self.article is not None:
            return "article"
        if self.alerts:
            return "alerts"
        return "search"


def _values(params: Mapping[str, str | list[str]], key: str) -> list[str]:
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, str) else list(raw)
    return [s.strip() for s in items if s and s.strip()]


def _first(params: Mapping[str, str | list[str]], key: str) -> str | None:
    vals = _values(params, key)
    return vals[-1] if vals else None


# Years a decision can carry; anything else in a URL is dropped rather than passed to a widget.
YEAR_RANGE = (1900, 2999)
# A sidebar label ("Spain (26)", "AEPD (Spain) (1,204)") as an older app version or a
# browser holding a stale label wrote it into a URL: the value is the part before the count.
_COUNT_SUFFIX = re.compile(r"^(.*\S)\s+\((\d[\d,]*)\)$")
# Longer digit strings are no id, year or page anyone can mean (and `int()` of a huge digit
# string is itself slow).
_MAX_DIGITS = 100


def facet_value(text: str) -> str:
    """A filter value from a URL or a widget: a trailing count label is dropped."""
    m = _COUNT_SUFFIX.match(text.strip())
    return m.group(1) if m else text.strip()


def _int(text: str | None) -> int | None:
    if text is None or len(text.strip()) > _MAX_DIGITS:
        return None
    try:
        return int(text)
    except ValueError:
        return None


def _year(text: str | None) -> int | None:
    value = _int(text)
    return value if value is not None and YEAR_RANGE[0] <= value <= YEAR_RANGE[1] else None


def _float(text: str | None) -> float | None:
    try:
        value = float(text) if text is not None else None
    except ValueError:
        return None
    # nan/inf in a hand-edited URL would poison range filters.
    return value if value is not None and value == value and abs(value) != float("inf") else None


def _amount(text: str | None) -> float | None:
    value = _float(text)
    return value if value is not None and value >= 0 else None


def _lang(text: str | None) -> str:
    code = (text or "").strip().lower()
    return code if re.fullmatch(r"auto|[a-z]{2,3}", code) and code != "en" else ""


def parse_view(params: Mapping[str, str | list[str]]) -> View:
    """The view a URL asks for; malformed values are dropped, never raised."""
    filters = {
        key: tuple(dict.fromkeys(facet_value(v) for v in _values(params, url_key(key))))
        for key in FACETS
        if _values(params, url_key(key))
    }
    sort = _first(params, "sort")
    page = _int(_first(params, "page"))
    return View(
        q=_first(params, "q") or "",
        filters=filters,
        year_from=_year(_first(params, "year_from")),
        year_to=_year(_first(params, "year_to")),
        fine_min=_amount(_first(params, "fine_min")),
        fine_max=_amount(_first(params, "fine_max")),
        sort=sort if sort in SORTS else "relevance",
        page=page if page and page > 0 else 1,
        case=_int(_first(params, "case")),
        article=_int(_first(params, "article")),
        charts=_first(params, "show") == "charts",
        alerts=_first(params, "alerts") == "1",
        lang=_lang(_first(params, "lang")),
    )


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def to_params(view: View) -> dict[str, str | list[str]]:
    """The query parameters for a view; defaults are left out so URLs stay short."""
    out: dict[str, str | list[str]] = {}
    if view.case is not None:
        out["case"] = str(view.case)
    if view.article is not None:
        out["article"] = str(view.article)
    if view.q:
        out["q"] = view.q
    for key in FACETS:
        if view.filters.get(key):
            out[url_key(key)] = list(view.filters[key])
    if view.year_from is not None:
        out["year_from"] = str(view.year_from)
    if view.year_to is not None:
        out["year_to"] = str(view.year_to)
    if view.fine_min is not None:
        out["fine_min"] = _num(view.fine_min)
    if view.fine_max is not None:
        out["fine_max"] = _num(view.fine_max)
    if view.sort != "relevance":
        out["sort"] = view.sort
    if view.page != 1:
        out["page"] = str(view.page)
    if view.charts:
        out["show"] = "charts"
    if view.alerts:
        out["alerts"] = "1"
    if view.lang:
        out["lang"] = view.lang
    return out


def page_count(total: int, page_size: int = PAGE_SIZE) -> int:
    """How many result pages `total` hits fill (at least one)."""
    return max(1, -(-total // page_size))


def href(view: View) -> str:
    """A relative link (`?case=12&q=...`) to a view: opens in place or, middle-clicked, a tab."""
    return "?" + urllib.parse.urlencode(to_params(view), doseq=True)
