"""The appeal chain of a case, linked to the cases of the corpus it names (pure functions).

GDPRhub's appeal rows name the other decision by case number, ECLI or a link to its GDPRhub
page; a `CaseIds` table built once from the corpus resolves each to a stored page_id, and
finds the stored cases whose own appeal rows point back at a case.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

from gdprkb.corpus.record import AppealRef, CaseRecord

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def norm_id(text: str | None) -> str:
    """A case number, ECLI or title folded for matching: lowercase letters and digits only."""
    return _NON_ALNUM.sub("", (text or "").casefold())


def _title_from_url(url: str | None) -> str | None:
    # https://gdprhub.eu/index.php?title=OLG_Wien_-_11_R_153/20f -> "OLG Wien - 11 R 153/20f"
    if not url:
        return None
    parsed = urllib.parse.urlparse(url)
    title = urllib.parse.parse_qs(parsed.query).get("title", [None])[0]
    if title is None and "/wiki/" in parsed.path:
        title = urllib.parse.unquote(parsed.path.split("/wiki/", 1)[1])
    elif title is None and parsed.netloc.endswith("gdprhub.eu") and parsed.path.strip("/"):
        # Short links: https://gdprhub.eu/UODO_-_ZSPU.421.3.2019
        path = parsed.path.strip("/")
        title = None if path.endswith(".php") else urllib.parse.unquote(path)
    return title.replace("_", " ") if title else None


@dataclass
class Link:
    """One step of the chain as shown: direction, the wiki's ref, and the stored case, if any."""

    direction: str  # "Appeal from" | "Appeal to", seen from the case shown
    ref: AppealRef
    page_id: int | None = None
    title: str | None = None
    # True when found through the other case's appeal row rather than this case's own.
    reverse: bool = False


@dataclass
class CaseIds:
    """Lookup of stored cases by folded case number, ECLI and title."""

    by_key: dict[str, tuple[int, str]] = field(default_factory=dict)
    # folded id a case's appeal row names -> cases naming it, with the row's direction
    pointing: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, cases: Iterable[CaseRecord]) -> CaseIds:
        """Index every case's identifiers and the identifiers its appeal rows name."""
        ids = cls()
        for case in cases:
            for key in (case.case_number, case.ecli, case.title):
                k = norm_id(key)
                # Short keys ("1", "C") would match unrelated cases.
                if len(k) >= 4:
                    ids.by_key.setdefault(k, (case.page_id, case.title))
            for direction, ref in (("from", case.appeal.from_), ("to", case.appeal.to)):
                if ref is None:
                    continue
                for k in _ref_keys(ref):
                    ids.pointing.setdefault(k, []).append((case.page_id, case.title, direction))
        return ids

    def resolve(self, ref: AppealRef, *, not_id: int | None = None) -> tuple[int, str] | None:
        """The stored case an appeal ref names (by link title, case number, then ECLI)."""
        for k in _ref_keys(ref):
            hit = self.by_key.get(k)
            if hit and hit[0] != not_id:
                return hit
        return None


def _ref_keys(ref: AppealRef) -> list[str]:
    keys = [norm_id(_title_from_url(ref.url)), norm_id(ref.case_number)]
    return [k for k in keys if len(k) >= 4]


def chain(case: CaseRecord, ids: CaseIds) -> list[Link]:
    """The case's own appeal rows, resolved, plus stored cases whose appeal rows name it."""
    links: list[Link] = []
    seen: set[int] = {case.page_id}
    for direction, ref in (("Appeal from", case.appeal.from_), ("Appeal to", case.appeal.to)):
        if ref is None:
            continue
        hit = ids.resolve(ref, not_id=case.page_id)
        link = Link(direction, ref)
        if hit:
            link.page_id, link.title = hit
            seen.add(hit[0])
        links.append(link)
    own = {norm_id(k) for k in (case.case_number, case.ecli, case.title)} - {""}
    for key in sorted(own):
        for page_id, title, their_dir in ids.pointing.get(key, []):
            if page_id in seen:
                continue
            seen.add(page_id)
            # They came from this case -> this case went to them, and vice versa.
            direction = "Appeal to" if their_dir == "from" else "Appeal from"
            links.append(Link(direction, AppealRef(), page_id, title, reverse=True))
    return links


def case_keys(case: CaseRecord) -> set[str]:
    """The folded identifiers a case answers to: its case number, each ECLI, its title."""
    eclis = re.split(r"[;,\s]+", case.ecli or "")
    return {norm_id(k) for k in (case.case_number, case.title, *eclis)} - {""}


def cases_named(cases: Iterable[CaseRecord], ident: str) -> list[CaseRecord]:
    """The cases whose case number, ECLI or title is `ident` (compared folded)."""
    key = norm_id(ident)
    return [case for case in cases if key and key in case_keys(case)]
