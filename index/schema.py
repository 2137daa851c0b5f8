"""The Whoosh schema: text fields and their analyzers, facet fields, and record → document.

Text is analysed for English with diacritics folded before stemming, so "Persónuvernd" and
"Personuvernd", or "surveillance" and "Surveillance", index the same. Facet fields keep the
record's exact values (they are what the app shows and what filters select).
"""

from __future__ import annotations

import re

from whoosh.analysis import Analyzer, RegexTokenizer, StripFilter
from whoosh.columns import CompressedBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, STORED, Schema

from gdprkb.corpus.checks import is_flagged
from gdprkb.corpus.citegraph import CitationFacts
from gdprkb.corpus.hitfields import hit_fields
from gdprkb.corpus.money import fine_in_eur
from gdprkb.corpus.provisions import provision_ancestors, provision_key
from gdprkb.corpus.record import CaseRecord
from gdprkb.index.analysis import BulkText

# Bump when fields or analysis change: `gdprkb index` then rebuilds from scratch.
SCHEMA_VERSION = 9

# Text fields with the BM25F weight each gets when a plain word is searched (0: only through
# its `field:`). "exact" is the title, case number, parties, summary and comment again,
# unstemmed: the exact word forms typed score above other forms of the same stem (known-item
# queries), while the stemmed fields still find them. The machine translation, most of the
# text, is indexed once, unstemmed (UNSTEMMED): a word matches its own form there with the
# weight of "exact" added, and the other forms of its stem with the field's own weight
# (index/compile.py); indexing it twice, stemmed and not, made builds and searches read it twice.
TEXT_FIELDS: dict[str, float] = {
    "title": 3.0,
    "case_number": 3.0,
    "parties": 2.0,
    "lead": 2.0,
    "facts": 1.5,
    "dispute": 1.5,
    "holding": 1.5,
    "comment": 1.0,
    "machine_translation": 0.2,
    "exact": 1.5,
}
# Text fields indexed in the forms written (lowercase, accents folded), not stemmed.
UNSTEMMED = frozenset({"case_number", "exact", "machine_translation"})
# Sections a snippet may come from, best first (title and case number are shown anyway).
SNIPPET_FIELDS = (
    "lead",
    "facts",
    "dispute",
    "holding",
    "comment",
    "machine_translation",
    "parties",
)

# Facet name -> index field. Multi-valued facets are KEYWORD fields of tab-separated values
# (values may hold commas: "Catalan, Valencian").
FACETS: dict[str, str] = {
    "kind": "kind",
    "authority": "authority",
    "jurisdiction": "jurisdiction",
    "article": "article",
    "provision": "provision",
    "type": "type",
    "outcome": "outcome",
    "year": "year",
    "language": "language",
    "has_fine": "has_fine",
}
MULTI_VALUED = frozenset({"article", "provision", "language"})
# How much of a machine translation is kept for snippets (some run to 750,000 characters).
SNIPPET_SOURCE_CHARS = 40_000


def build_schema() -> Schema:
    """The index schema (see the module docstring)."""
    multi: Analyzer = RegexTokenizer(r"[^\t]+") | StripFilter()
    fields: dict[str, object] = {
        "page_id": ID(stored=True, unique=True),
        "pid": NUMERIC(int, bits=64, sortable=True, default=-1),
        # 0 / -1 mean "unknown": sorting by date or fine puts those cases last.
        "date_n": NUMERIC(int, sortable=True, default=0),
        "fine_eur": NUMERIC(float, sortable=True, default=-1.0),
        "display": STORED(),
        # The long machine translation is kept in its own compressed column rather than with
        # the stored fields, so a hit loads it only when its snippet must come from there.
        "mt_text": COLUMN(CompressedBytesColumn()),
        "provision_tree": KEYWORD(analyzer=multi),
        # Citations (corpus/citegraph.CitationFacts): `cites:` terms, and how many cite it.
        "cites": KEYWORD(analyzer=multi),
        "cited_n": NUMERIC(int, sortable=True, default=0),
    }
    # Field weights apply at query time (index/compile.py), so changing them needs no rebuild.
    for name in TEXT_FIELDS:
        fields[name] = BulkText(
            stop=name != "case_number",
            stem=name not in UNSTEMMED,
            stored=name not in ("machine_translation", "exact"),
        )
    for field in FACETS.values():
        fields[field] = KEYWORD(analyzer=multi) if field in MULTI_VALUED else ID()
    return Schema(**fields)  # type: ignore[arg-type]


def date_number(iso: str | None) -> int:
    """20210304 for "2021-03-04" (0 when absent or malformed)."""
    if not iso or not re.match(r"^\d{4}-\d{2}-\d{2}$", iso):
        return 0
    return int(iso.replace("-", ""))


def has_fine(case: CaseRecord) -> bool:
    """A fine was imposed: an amount above zero."""
    return bool(case.fine_amount and case.fine_amount > 0)


def facet_values(case: CaseRecord) -> dict[str, list[str]]:
    """Facet name -> the case's values (what facet counts count and filters select)."""

    def one(value: object) -> list[str]:
        return [str(value)] if value not in (None, "") else []

    return {
        "kind": one(case.kind),
        "authority": one(case.authority),
        "jurisdiction": one(case.jurisdiction),
        "article": sorted({str(a) for a in case.gdpr_articles}, key=provision_key),
        "provision": sorted(set(case.gdpr_provisions), key=provision_key),
        "type": one(case.type),
        "outcome": one(case.outcome),
        "year": one(case.year),
        "language": sorted({lang for lang in case.original_languages if lang}),
        "has_fine": ["yes" if has_fine(case) else "no"],
    }


def display_fields(case: CaseRecord) -> dict[str, object]:
    """What a hit shows (corpus/hitfields.py), stored so that a search never reads the database."""
    return hit_fields(case)


def to_document(case: CaseRecord, cites: CitationFacts | None = None) -> dict[str, object]:
    """The Whoosh document for one case (with its citations, read by the build from the store)."""
    facets = facet_values(case)
    doc: dict[str, object] = {
        "page_id": str(case.page_id),
        "pid": case.page_id,
        "display": display_fields(case),
        "date_n": date_number(case.date_decided),
        "title": case.title,
        "case_number": "\n".join(x for x in (case.case_number, case.ecli) if x),
        "parties": "\n".join(case.parties),
        # The texts themselves, not a copy joined: their words are read once for both fields.
        "exact": tuple(
            x
            for x in (
                case.title,
                case.case_number,
                case.ecli,
                *case.parties,
                case.lead,
                case.facts,
                case.dispute,
                case.holding,
                case.comment,
            )
            if x
        ),  # fmt: skip
        "provision_tree": "\t".join(
            sorted(
                {a.lower() for p in case.gdpr_provisions for a in provision_ancestors(p)}
                | {str(a) for a in case.gdpr_articles}
            )
        ),
    }
    if cites is not None:
        doc["cites"] = "\t".join(cites.terms())
        doc["cited_n"] = cites.cited_by
    # A flagged fine (a Spanish case fined in BGN, a negative amount) is in no fine range or
    # fine sort: it is shown as the page has it, but not compared as if it were right.
    fine = (
        None
        if is_flagged(case, "fine_amount")
        else fine_in_eur(case.fine_amount, case.fine_currency)
    )
    if fine is not None:
        doc["fine_eur"] = fine
    for name in ("lead", "facts", "dispute", "holding", "comment", "machine_translation"):
        value = getattr(case, name)
        if value:
            doc[name] = value
    if case.machine_translation:
        # Snippets come from its first SNIPPET_SOURCE_CHARS; all of it is indexed.
        doc["mt_text"] = case.machine_translation[:SNIPPET_SOURCE_CHARS].encode("utf-8")
    for name, field in FACETS.items():
        values = facets[name]
        if values:
            doc[field] = "\t".join(values) if field in MULTI_VALUED else values[0]
    return {k: v for k, v in doc.items() if v not in ("", None)}
