"""Every hit of a view's search, not only the page shown: CSV/JSONL downloads and chart rows.

Downloads use the export functions of `corpus/export.py`, so their columns are those of
`gdprkb export`; they are generated on click, with no row cap.
"""

from __future__ import annotations

import io

from gdprkb.corpus import export
from gdprkb.corpus.checks import is_flagged
from gdprkb.corpus.money import fine_in_eur
from gdprkb.home import Home
from gdprkb.webapp import resources
from gdprkb.webapp.hits import filters_of
from gdprkb.webapp.urlview import View

FORMATS = {"csv": ("text/csv", "CSV"), "jsonl": ("application/x-ndjson", "JSONL")}


def all_page_ids(home: Home, view: View, fixed: dict[str, list[str]], query: str) -> list[int]:
    """Page ids of every hit of the view's search, in result order (no cap)."""
    ix = resources.index(home)
    return ix.all_page_ids(query, filters=filters_of(view, fixed), sort=view.sort)


def chart_rows(
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
            "fine_eur": fine_in_eur(c.fine_amount, c.fine_currency),
            # A data-quality warning on the value: the charts leave it out and say so.
            "year_flagged": is_flagged(c, "year"),
            "fine_flagged": is_flagged(c, "fine_amount"),
        }
        for c in resources.get_cases(home, ids)
    ]


def export_bytes(
    home: Home, view: View, fixed: dict[str, list[str]], query: str, fmt: str
) -> bytes:
    """Every hit of the view's search as a CSV or JSONL file, columns as `gdprkb export`."""
    ids = all_page_ids(home, view, fixed, query)
    buf = io.StringIO(newline="")
    cases = (c.to_dict() for c in resources.get_cases(home, ids))
    if fmt == "csv":
        export.write_csv(cases, buf)
        # utf-8-sig: the BOM Excel needs to read UTF-8, as `gdprkb export` writes it.
        return buf.getvalue().encode("utf-8-sig")
    export.write_jsonl(cases, buf)
    return buf.getvalue().encode("utf-8")
