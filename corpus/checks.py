"""Data-quality warnings: values GDPRhub shows that contradict the page itself.

The record keeps every value as the page shows it; `warnings` lists the codes below for the
values that are doubtful, so that stats count them, exports carry them, the app notes them,
and charts and fine filters can leave flagged values out (`is_flagged`). Pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gdprkb.corpus.money import CURRENCY_BY_JURISDICTION
from gdprkb.corpus.record import CaseRecord, record_year

# Code -> the sentence shown to a reader. Codes are stable values (CSV, filters, stats).
WARNINGS: dict[str, str] = {
    "fine_currency_mismatch": (
        "The fine's currency differs from the jurisdiction's and from the one the summary uses."
    ),
    "fine_not_understood": "The fine as shown could not be read as an amount.",
    "fine_negative": "The fine is a negative amount.",
    "date_started_in_future": "The start date is later than the page itself.",
    "date_decided_in_future": "The decision date is later than the page itself.",
    "date_published_in_future": "The publication date is later than the page itself.",
}
# Code -> the record fields it casts doubt on ("year" follows the date it is taken from).
AFFECTS: dict[str, frozenset[str]] = {
    "fine_currency_mismatch": frozenset({"fine_amount", "fine_currency"}),
    "fine_not_understood": frozenset({"fine_amount", "fine_currency", "fine_text"}),
    "fine_negative": frozenset({"fine_amount"}),
    "date_started_in_future": frozenset({"date_started"}),
    "date_decided_in_future": frozenset({"date_decided"}),
    "date_published_in_future": frozenset({"date_published"}),
}
_DATES = ("date_started", "date_decided", "date_published")


def case_warnings(
    case: CaseRecord,
    *,
    as_of: str | None,
    fine_stated: bool,
    summary_currencies: Iterable[str],
) -> list[str]:
    """The warning codes for a parsed case, in WARNINGS order.

    `as_of` is the ISO date the page was rendered by the wiki (a date after it cannot be
    right; None skips the check), `fine_stated` whether the Fine value named its currency,
    `summary_currencies` the currencies the summary states sums of money in.
    """
    found: set[str] = set()
    if case.fine_text is not None:
        found.add("fine_not_understood")
    if case.fine_amount is not None and case.fine_amount < 0:
        found.add("fine_negative")
    home = CURRENCY_BY_JURISDICTION.get(case.jurisdiction or "")
    stated = set(summary_currencies)
    if (
        fine_stated
        and case.fine_currency
        and home
        and case.fine_currency != home
        and home in stated
        and case.fine_currency not in stated
    ):
        found.add("fine_currency_mismatch")
    if as_of:
        for name in _DATES:
            value = getattr(case, name)
            if value and value > as_of:
                found.add(f"{name}_in_future")
    return [code for code in WARNINGS if code in found]


def is_flagged(case: CaseRecord | Mapping[str, Any] | object, field: str) -> bool:
    """Whether a warning casts doubt on `field` of a case (a record, its JSON form or a
    search hit: anything with `warnings` and the dates).

    Fields: "fine_amount", "fine_currency", "date_decided", ..., and "year" (doubtful when the
    date it comes from is). What charts and fine filters use to leave flagged values out.
    """

    def get(key: str) -> Any:
        return case.get(key) if isinstance(case, Mapping) else getattr(case, key, None)

    warnings = get("warnings") or []
    if field == "year":
        decided, published = get("date_decided"), get("date_published")
        if record_year(decided, published) is None:
            return False
        field = "date_decided" if decided else "date_published"
    return any(field in AFFECTS.get(code, ()) for code in warnings)


def warning_text(code: str) -> str:
    """The sentence for a warning code (the code itself for one this version does not know)."""
    return WARNINGS.get(code, code)
