"""The record types: the contract between parse, store, index and app.

Documented field by field in docs/record-schema.md; change both together.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Literal

from gdprkb.corpus.clean import strip_controls

# Bump whenever parse output changes, so `gdprkb reparse` knows what is stale.
PARSER_VERSION = 5

Kind = Literal["dpa", "court"]


@dataclass(frozen=True)
class PageMeta:
    """What the wiki says about a page beside its HTML (API fields or the saved page's head)."""

    title: str
    page_id: int
    revision_id: int
    categories: list[str] = field(default_factory=list)
    url: str | None = None

    def __post_init__(self) -> None:
        # A title comes from the wiki (or a hostile copy of it): no terminal control codes.
        object.__setattr__(self, "title", strip_controls(self.title))
        object.__setattr__(self, "categories", [strip_controls(c) for c in self.categories])


@dataclass
class Source:
    """One original source of a decision: its label and link."""

    name: str
    url: str | None = None


@dataclass
class AppealRef:
    """One step of an appeal chain: status, body, case number and link, each where present."""

    status: str | None = None
    body: str | None = None
    case_number: str | None = None
    url: str | None = None


@dataclass
class Appeal:
    """Where a decision came from and where it went.

    DPA pages fill `to` from 'Appeal'; court pages fill `from`/`to` from 'Appeal from' and
    'Appeal to'; CJEU pages fill `from` from 'Reference from'.
    """

    from_: AppealRef | None = None
    to: AppealRef | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON shape: {"from": {...} | null, "to": {...} | null}."""
        return {
            "from": dataclasses.asdict(self.from_) if self.from_ else None,
            "to": dataclasses.asdict(self.to) if self.to else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> Appeal:
        """Inverse of to_dict."""
        d = d or {}
        return cls(
            from_=AppealRef(**d["from"]) if d.get("from") else None,
            to=AppealRef(**d["to"]) if d.get("to") else None,
        )


def record_year(date_decided: str | None, date_published: str | None) -> int | None:
    """A case's year: the year decided, else the year published (ISO dates), else None."""
    d = date_decided or date_published
    return int(d[:4]) if d else None


@dataclass
class CaseRecord:
    """One decision of a DPA or a court, as GDPRhub presents it."""

    # identity
    title: str
    url: str
    page_id: int
    revision_id: int
    kind: Kind
    # infobox
    authority: str | None = None
    jurisdiction: str | None = None
    relevant_law: list[str] = field(default_factory=list)
    gdpr_articles: list[int] = field(default_factory=list)
    gdpr_provisions: list[str] = field(default_factory=list)
    uk_gdpr_provisions: list[str] = field(default_factory=list)
    type: str | None = None
    outcome: str | None = None
    date_started: str | None = None
    date_decided: str | None = None
    date_published: str | None = None
    fine_amount: float | None = None
    fine_currency: str | None = None
    fine_text: str | None = None
    parties: list[str] = field(default_factory=list)
    case_number: str | None = None
    ecli: str | None = None
    original_languages: list[str] = field(default_factory=list)
    original_sources: list[Source] = field(default_factory=list)
    appeal: Appeal = field(default_factory=Appeal)
    # text sections
    lead: str | None = None
    facts: str | None = None
    dispute: str | None = None
    holding: str | None = None
    comment: str | None = None
    machine_translation: str | None = None
    categories: list[str] = field(default_factory=list)
    # data-quality warning codes (corpus/checks.py), [] when nothing is doubtful
    warnings: list[str] = field(default_factory=list)

    @property
    def year(self) -> int | None:
        """Year decided, else year published."""
        return record_year(self.date_decided, self.date_published)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of the contract (what JSONL export writes)."""
        d = dataclasses.asdict(self)
        d["appeal"] = self.appeal.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> CaseRecord:
        """Inverse of to_dict; unknown keys are rejected."""
        d = dict(d)
        d["original_sources"] = [Source(**s) for s in d.get("original_sources") or []]
        d["appeal"] = Appeal.from_dict(d.get("appeal"))
        return cls(**d)


@dataclass
class ArticlePage:
    """A GDPR article page of GDPRhub: the legal text and its commentary."""

    title: str
    url: str
    page_id: int
    revision_id: int
    article: int
    heading: str | None = None
    text: str | None = None
    commentary: str | None = None
    categories: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> ArticlePage:
        """Inverse of to_dict."""
        return cls(**d)


@dataclass
class NotADecision:
    """A wiki page that is neither a decision nor a GDPR article (help, portal, overview...)."""

    title: str
    page_id: int
    revision_id: int
    reason: str


ParsedPage = CaseRecord | ArticlePage | NotADecision


class ParseError(ValueError):
    """The input is not a usable GDPRhub page; the message says why."""
