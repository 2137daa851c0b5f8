"""What a search hit carries of a case: the one list, next to the record contract.

The index stores these fields with each document (index/schema.py), so a search never reads
the database; the search API's `Hit` (index/search.py) is these fields plus score and snippet,
and the app's result cards show them. Each is a `CaseRecord` attribute of the same name and
type (tests/test_hitfields.py fails on drift).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from gdprkb.corpus.record import CaseRecord, Kind


@dataclass
class HitFields:
    """The case fields a results list shows (a subset of CaseRecord, same names and types)."""

    page_id: int
    title: str
    url: str
    kind: Kind
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


HIT_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(HitFields))


def hit_fields(case: CaseRecord) -> dict[str, Any]:
    """The hit fields of a case as plain values (lists copied), ready to store."""
    out: dict[str, Any] = {}
    for name in HIT_FIELDS:
        value = getattr(case, name)
        out[name] = list(value) if isinstance(value, list) else value
    return out
