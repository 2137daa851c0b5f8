"""What a user may ask the search for: the searchable fields, the sorts, the language codes.

One table, imported by the parser (index/querylang.py), the compiler (index/compile.py), the
search API's filters (index/search.py), the app, query translation and the help text. Adding a
field is one row here (plus its index field in index/schema.py when it is new).

A field's `resolve` says how a typed value becomes a query (index/compile.py):
  words     analysed text in `text_fields` (all text fields when empty)
  facet     the facet values actually in the index: exact value, else every value holding the
            typed words (case and accent-insensitive)
  language  a language code (`de`) or name, then as `facet`
  article   a GDPR article or provision, `5(1)(f)`, or an article range `12..22`
  year      a year or range: `2021`, `2021..2023`, `>=2020`
  fine      an amount in euros or range: `>10000`, `1000..5000`, `yes`, `no`
  date      a date decided or range: `2021-03`, `2021-01-01..2021-06-30`
  flag      yes / no
  cites     a cited decision: CJEU case number, ECLI, national case number or page id
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from gdprkb.languages import LANGUAGE_NAMES

Resolve = Literal["words", "facet", "language", "article", "year", "fine", "date", "flag", "cites"]


@dataclass(frozen=True)
class Field:
    """One searchable field: `name:value` in a query, or `filters={name: value}`."""

    name: str  # canonical: the query tree's field name
    label: str  # what the user sees and types first (query_used, warnings, help)
    aliases: tuple[str, ...]  # other names accepted as typed (lower case)
    resolve: Resolve
    facet: str | None = None  # facet (index/schema.FACETS) whose exact values select exactly
    text_fields: tuple[str, ...] = ()  # for `words`: the index text fields searched
    example: str = ""  # for the help table
    meaning: str = ""  # for the help table


_SUMMARY = ("lead", "facts", "dispute", "holding")

FIELDS: tuple[Field, ...] = (
    Field("jurisdiction", "country", ("jurisdiction",), "facet", "jurisdiction",
          example="country:Spain", meaning="decisions of one country"),
    Field("authority", "authority", ("dpa", "court"), "facet", "authority",
          example="authority:CNIL", meaning="decisions of one authority or court"),
    Field("article", "article", ("art", "provision"), "article", "article",
          example="article:32, article:5(1)(f), article:12..22",
          meaning="decisions citing a GDPR article or provision"),
    Field("outcome", "outcome", (), "facet", "outcome",
          example="outcome:violation", meaning="by outcome"),
    Field("type", "type", (), "facet", "type", example="type:complaint", meaning="by type"),
    Field("kind", "kind", (), "facet", "kind", example="kind:court",
          meaning="DPA decisions or court judgments"),
    Field("year", "year", (), "year", "year", example="year:2021..2023",
          meaning="by year decided"),
    Field("date", "date", (), "date", example="date:2021-01..2021-06",
          meaning="by date decided"),
    Field("fine", "fine", (), "fine", example="fine:>10000",
          meaning="by fine, in euros (approximately)"),
    Field("has_fine", "has_fine", (), "flag", "has_fine", example="has_fine:yes",
          meaning="a fine was imposed, or not"),
    Field("language", "language", ("lang",), "language", "language", example="lang:de",
          meaning="by original language (code or name)"),
    Field("title", "title", (), "words", text_fields=("title",), example='title:"Google"',
          meaning="words in the title"),
    Field("case_number", "case", ("ecli", "case_number"), "words", text_fields=("case_number",),
          example="case:C-311/18", meaning="a case number or ECLI"),
    Field("parties", "parties", ("party",), "words", text_fields=("parties",),
          example="parties:Meta", meaning="a party's name"),
    Field("summary", "summary", (), "words", text_fields=_SUMMARY,
          example="summary:camera", meaning="words in GDPRhub's English summary"),
    Field("lead", "lead", (), "words", text_fields=("lead",)),
    Field("facts", "facts", (), "words", text_fields=("facts",)),
    Field("dispute", "dispute", (), "words", text_fields=("dispute",)),
    Field("holding", "holding", (), "words", text_fields=("holding",)),
    Field("comment", "comment", (), "words", text_fields=("comment",)),
    Field("machine_translation", "translation", ("machine_translation",), "words",
          text_fields=("machine_translation",), example="translation:Videoüberwachung",
          meaning="words in the machine translation of the full decision"),
    Field("cites", "cites", ("cited",), "cites", example="cites:C-311/18",
          meaning="decisions citing a decision (case number, ECLI or page id)"),
    Field("text", "text", (), "words"),
)  # fmt: skip

_BY_NAME: dict[str, Field] = {}
for _f in FIELDS:
    for _typed in (_f.name, _f.label, *_f.aliases):
        _BY_NAME.setdefault(_typed, _f)


def field_named(typed: str) -> Field | None:
    """The field a typed name (canonical, label or alias; any case) stands for."""
    return _BY_NAME.get(typed.strip().lower())


def typed_names() -> list[str]:
    """The names a user is told about: each field's label, sorted."""
    return sorted(f.label for f in FIELDS)


# Result orders: name -> label. "relevance" is BM25F re-ranked by proximity; "date" newest
# decided first; "fine" highest fine first (in euros); "cited" most often cited by other
# decisions first; undated / unfined / uncited cases last.
SORTS: dict[str, str] = {
    "relevance": "Relevance",
    "date": "Newest first",
    "fine": "Highest fine",
    "cited": "Most cited",
}

# Language codes a lawyer may type for `lang:`; GDPRhub names languages in English.
LANG_CODES: dict[str, str] = LANGUAGE_NAMES


def help_table() -> str:
    """The query-language table (Markdown) for the app's help and the docs."""
    rows = [
        ("`video surveillance employee`", "decisions with all the words (any form)"),
        ('`"legitimate interest"`', "the exact phrase"),
        ("`cookies OR tracking`, `NOT fine`, `-fine`, `(a OR b) AND c`",
         "either, excluding, grouping"),
        ("`consent*`", "words starting with *consent*"),
    ]  # fmt: skip
    rows += [
        (", ".join(f"`{e.strip()}`" for e in f.example.split(", ")), f.meaning)
        for f in FIELDS
        if f.example
    ]
    lines = ["| Write | To find |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)]
    return "\n".join(lines) + "\n"
