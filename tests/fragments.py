"""Small hand-written decision pages (action=parse fragments) for cases not in ../shared.

`decision(...)` gives a DPA decision's infobox with the rows given (values are raw cell HTML)
and an English summary, parsed with `parse_decision(...)`.
"""

from __future__ import annotations

from gdprkb.corpus.parse import parse_page
from gdprkb.corpus.record import CaseRecord, PageMeta

META = PageMeta(title="Testhub (Nowhere) - TH-1", page_id=9100, revision_id=7)
_BASE_ROWS = {
    "Authority": "Testhub (Nowhere)",
    "Jurisdiction": "Spain",
    "Relevant Law": "Article 5 GDPR",
}


def decision(
    rows: dict[str, str] | None = None, summary: str = "", cached: str | None = None
) -> str:
    """A fragment: the infobox (base rows updated by `rows`), Facts = `summary`, and the
    parser report's "Cached time" (YYYYMMDDhhmmss) when `cached` is given."""
    cells = "".join(
        f"<tr><td>{label}:</td><td>{value}\n</td></tr>"
        for label, value in {**_BASE_ROWS, **(rows or {})}.items()
    )
    report = (
        f"<!--\nNewPP limit report\nCached time: {cached}\nCache expiry: 86400\n-->"
        if cached
        else ""
    )
    return (
        f'<div class="mw-parser-output"><table class="wikitable"><tbody>{cells}</tbody></table>'
        '<h2><span class="mw-headline" id="English_Summary">English Summary</span></h2>'
        f'<h3><span class="mw-headline" id="Facts">Facts</span></h3><p>{summary}</p>'
        f"{report}</div>"
    )


def parse_decision(
    rows: dict[str, str] | None = None, summary: str = "", cached: str | None = None
) -> CaseRecord:
    """The record of `decision(...)`."""
    record = parse_page(decision(rows, summary, cached), META)
    assert isinstance(record, CaseRecord)
    return record
