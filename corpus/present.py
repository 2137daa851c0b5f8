"""A case for a reader: infobox rows, appeal text, fine label and the plain-text page (pure).

Shared by `gdprkb show` and the app's case page, so both show the same fields under the same
labels in GDPRhub's order. Values stay plain text with their links alongside: each consumer
escapes or links them its own way (markdown in the app, text in a terminal).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from gdprkb.corpus.citations import SECTION_LABELS
from gdprkb.corpus.record import AppealRef, CaseRecord

LICENCE_LINE = "GDPRhub content: CC BY-NC-SA 4.0, by noyb (gdprhub.eu)."
# Text section (record field) -> its heading, in reading order.
SECTION_HEADINGS = {
    "lead": "Summary",
    "facts": "Facts",
    "dispute": "Dispute",
    "holding": "Holding",
    "machine_translation": "Machine translation of the decision",
}


# Terminal escape sequences (CSI colours and cursor moves, OSC titles and hyperlinks, DCS/PM/APC
# strings, two-character escapes), 7- and 8-bit forms; then any control character left.
_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]P^_X]|[\x9d\x90\x9e\x9f\x98])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_safe(text: str) -> str:
    """Text safe for a terminal: escape sequences and control characters other than newline
    and tab removed (page text must not recolour, retitle or rewrite the reader's terminal).

    Stricter than corpus.clean.strip_controls (stored text): whole sequences go, not only their
    ESC, and CR, VT and FF too, since they move the cursor."""
    if text.isprintable():
        return text
    return _CONTROL.sub("", _SEQUENCE.sub("", text))


@dataclass(frozen=True)
class Part:
    """One piece of an infobox value: its text and, where it has one, its link."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class Row:
    """One infobox line: a label and the value's parts (shown joined by "; ")."""

    label: str
    parts: tuple[Part, ...]


def fine_label(amount: float | None, currency: str | None, text: str | None = None) -> str:
    """A fine for display (`10,000 EUR`), else its raw text, else "no fine"."""
    if amount is None:
        return text or "no fine"
    shown = f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
    return f"{shown} {currency}" if currency else shown


def appeal_text(ref: AppealRef) -> str:
    """One appeal step in words: status, body and case number, where present."""
    return ", ".join(x for x in (ref.status, ref.body, ref.case_number) if x)


def _texts(*values: str | None) -> tuple[Part, ...]:
    return tuple(Part(v) for v in values if v)


def infobox_rows(case: CaseRecord) -> list[Row]:
    """The case's infobox, one row per field it has, labelled and ordered as on GDPRhub."""
    appeal = tuple(
        Part(f"{side}: {appeal_text(ref) or 'link'}", ref.url)
        for side, ref in (("from", case.appeal.from_), ("to", case.appeal.to))
        if ref
    )
    fine = case.fine_amount is not None or case.fine_text
    rows = [
        Row("Court" if case.kind == "court" else "Authority", _texts(case.authority)),
        Row("Jurisdiction", _texts(case.jurisdiction)),
        Row("Relevant law", _texts(*case.relevant_law)),
        Row("Type", _texts(case.type)),
        Row("Outcome", _texts(case.outcome)),
        Row("Started", _texts(case.date_started)),
        Row("Decided", _texts(case.date_decided)),
        Row("Published", _texts(case.date_published)),
        Row(
            "Fine",
            _texts(fine_label(case.fine_amount, case.fine_currency, case.fine_text))
            if fine
            else (),
        ),  # fmt: skip
        Row("Parties", _texts(*case.parties)),
        Row("National case number", _texts(case.case_number)),
        Row("ECLI", _texts(case.ecli)),
        Row("Appeal", appeal),
        Row("Original language", _texts(", ".join(case.original_languages))),
        Row("Original source", tuple(Part(s.name, s.url) for s in case.original_sources)),
    ]
    return [row for row in rows if row.parts]


def _plain(part: Part) -> str:
    return f"{part.text} ({part.url})" if part.url else part.text


def case_text(
    case: CaseRecord, sections: dict[str, str], translated_into: str | None, full: bool
) -> str:
    """The case as plain text: title, link, infobox, then each section under its heading.

    `sections` maps record fields to the text to show (translated or not); `translated_into`
    names the language they were machine-translated into, if any.
    """
    lines = [case.title, case.url, ""]
    rows = infobox_rows(case)
    width = max((len(row.label) for row in rows), default=0) + 2
    for row in rows:
        lines.append(f"{row.label + ':':<{width}}{'; '.join(_plain(p) for p in row.parts)}")
    where = f" (machine-translated into {translated_into})" if translated_into else ""
    for name, text in sections.items():
        lines += ["", f"== {SECTION_HEADINGS[name]}{where} ==", text]
    if case.machine_translation and not full:
        size = len(case.machine_translation)
        lines += ["", f"(machine translation of the decision: {size:,} characters; --full)"]
    lines += ["", LICENCE_LINE]
    return "\n".join(lines)


def citations_text(cites: list[dict[str, Any]], cited_by: list[dict[str, Any]]) -> str:
    """The case's citations as plain text: who cites it (newest first, with the sections where
    they do) and what it cites (resolved ones with their page id)."""
    noun = "decision" if len(cited_by) == 1 else "decisions"
    lines = [f"== Cited by {len(cited_by)} {noun} =="]
    for c in cited_by:
        where = ", ".join(SECTION_LABELS[s] for s in c["sections"])
        lines.append(f"{c['page_id']}  {c['date'] or '':<10}  {c['title']}  ({where})")
    lines += ["", f"== Cites ({len(cites)}) =="]
    for r in cites:
        target = f" -> {r['cited']}" if r["cited"] is not None else ""
        where = SECTION_LABELS[r["section"]]
        lines.append(f"{r['kind']:<8}  {r['text']}{target}  ({where})")
    return "\n".join(lines)
