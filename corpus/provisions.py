"""The one GDPR article/provision grammar: citations in 'Relevant Law', queries, ancestors.

A provision is written canonically `N(p)(x)...`: the article number then its subdivisions in
brackets (`5(1)(f)`, `4(11)`, `32`). The parser reads GDPRhub's citations with it
(`gdpr_provisions`), the query language reads what a user types (`parse_provision`), and the
index files each provision under its ancestors (`provision_ancestors`) so `article:5(1)` finds
`5(1)(f)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gdprkb.corpus.clean import clean

GDPR = "GDPR"
# The United Kingdom's retained version of the GDPR: its own law (it diverges, e.g. Article
# 3(2A) exists only there), recorded apart from the EU GDPR's articles.
UK_GDPR = "UK GDPR"

_ACTS = r"(?:GDPR|DSGVO|DS-GVO|RGPD|AVG|(?:Regulation\s+)?(?:\(EU\)\s+)?(?:No\.?\s+)?2016/679)"
# A GDPR provision as shown in 'Relevant Law': "Article 6(1)(a) GDPR", "Art. 5 (1) f GDPR",
# "Article 6 para. 1 lit. f DSGVO", "Articles 12 and 13 GDPR", "Article 5(1)(a), (b) GDPR",
# "Art 83 AVG" (the Dutch name), "Article 6 of Regulation (EU) 2016/679", "[6 GDPR]" and
# "[5(1)(f) GDPR]" (an editor's bracketed form, no "Article"), "Article 58 GDPR#2b" (an
# unrendered link to GDPRhub's anchor of 58(2)(b)), "Article 3(2A) UK GDPR" (the UK's law).
# Recitals ("Recital 153 GDPR") are not articles; "UAVG" (Dutch implementing act) is not the GDPR.
_GDPR_PROVISION = re.compile(
    r"^\[?\s*(?:Art(?:icles?|cile|s?\.|s)?\s*)?(?P<body>\d{1,2}\b.*?)\s*(?:of\s+(?:the\s+)?)?"
    rf"(?:(?P<uk>(?<![\w-])UK)[\s-]*|(?<![\w-])){_ACTS}"
    r"(?:\s*#\s*(?P<anchor>\w+))?(?:\s*\([^()]*\))?\s*\]?[\s.,;]*$",
    re.IGNORECASE,
)
# GDPRhub's anchors on an article page: "#2b" is paragraph 2, point (b); "#1fi" point (f)(i).
_ANCHOR = re.compile(r"^(\d{1,3})?([a-z])?([ivx]{1,5})?$", re.IGNORECASE)
# Only English/German list words: "e" (Italian) and "y" (Spanish) are also point letters.
_PART_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b)\s*", re.IGNORECASE)
# Sentence numbers ("S. 1", "Satz 2", "sentence 1") are below the provision level we keep.
_SENTENCE = re.compile(r"\b(?:S\.|Satz|sentence)\s*\d+", re.IGNORECASE)
_KEYWORDS = re.compile(
    r"\b(?:para(?:graph)?s?|lit|sub(?:para(?:graph)?)?|point|letter|no|nr|abs)\b\.?",
    re.IGNORECASE,
)
# Subdivisions: numbers (with the UK GDPR's inserted capital letter: "2A"), point letters,
# roman numerals; "(1)", "1", "(a)", "a)", "f", "(iv)", "(2A)".
_SUB = r"(?:\d{1,3}(?-i:[A-Z])?|[a-z]{1,2}|[ivx]{1,5})"
_TOKEN = re.compile(rf"\(\s*({_SUB})\s*\)|\b({_SUB})\b\)?", re.IGNORECASE)
_PART_OK = re.compile(rf"^(?:\s*(?:\(\s*{_SUB}\s*\)|\b{_SUB}\b\)?|\.))*\s*$", re.IGNORECASE)


# Several citations in one entry: "Article 5 GDPR, Article 6 GDPR", "Art. 5 and Art. 6 GDPR".
_ACT_AT_END = re.compile(r"\s(?:(?:UK[\s-]*)?(?:GDPR|DSGVO|DS-GVO|RGPD|AVG)|[A-Za-z-]+)\s*$")
_CITATION_SPLIT = re.compile(r"\s*(?:[,;&]|\band\b|\bund\b)\s*(?=Art|§)", re.IGNORECASE)


@dataclass(frozen=True)
class Citation:
    """One provision cited by a 'Relevant Law' entry: its law, article and provision."""

    law: str  # GDPR or UK_GDPR
    article: int
    provision: str  # canonical "N(p)(x)"


def citations(entry: str) -> list[Citation]:
    """The GDPR and UK GDPR provisions one 'Relevant Law' entry cites, in order."""
    text = clean(entry)
    pieces = _CITATION_SPLIT.split(text)
    if len(pieces) == 1:
        return _provisions(text)
    # "Art. 5 and Art. 6 GDPR": the act named last applies to the pieces that name none.
    act = _ACT_AT_END.search(pieces[-1])
    out: list[Citation] = []
    for piece in pieces:
        if act and not _ACT_AT_END.search(piece):
            piece = f"{piece} {act.group(0).strip()}"
        out.extend(_provisions(piece))
    return out


def gdpr_provisions(entry: str) -> list[tuple[int, str]]:
    """[(article number, 'N(p)(x)')] for the EU GDPR articles cited by one 'Relevant Law' entry."""
    return [(c.article, c.provision) for c in citations(entry) if c.law == GDPR]


def _provisions(text: str) -> list[Citation]:
    m = _GDPR_PROVISION.match(text)
    if not m:
        return []
    law = UK_GDPR if m.group("uk") else GDPR
    out: list[Citation] = []
    base: int | None = None
    subs: list[str] = []
    for part in _PART_SPLIT.split(m.group("body")):
        bare = _KEYWORDS.sub(" ", _SENTENCE.sub(" ", part))
        if not _PART_OK.match(bare):
            return []  # words, not subdivisions: "Article 29 Working Party ... under GDPR"
        tokens = [a or b for a, b in _TOKEN.findall(bare)]
        if not tokens:
            continue
        if re.match(r"\d", part) and tokens[0][:1].isdigit():
            base, subs = int(tokens[0].rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")), tokens[1:]
            if tokens[0] != str(base):
                return []  # "2A" is a paragraph, never an article number
        elif base is not None:
            # "(b)" after "5(1)(a)": a sibling at the same depth -> 5(1)(b).
            subs = subs[: max(len(subs) - len(tokens), 0)] + tokens
        else:
            continue
        if 1 <= base <= 99:
            out.append(Citation(law, base, str(base) + "".join(f"({t})" for t in subs)))
    anchor = m.group("anchor")
    if anchor and len(out) == 1 and out[0].provision == str(out[0].article):
        a = _ANCHOR.match(anchor)
        if a:
            parts = "".join(f"({t.lower()})" for t in a.groups() if t)
            out[0] = Citation(law, out[0].article, out[0].provision + parts)
    return out


def parse_provision(text: str) -> str | None:
    """The canonical lower-case provision for one typed provision, or None if it is not one.

    Accepts what a user types in a query: `5(1)(f)`, `5 (1) f`, `Art. 5(1)(f)`,
    `article 6 para. 1 lit. f GDPR` → `5(1)(f)` / `6(1)(f)`; `32` → `32`. Lists (`5, 6`) and
    ranges are the caller's business: several provisions give None.
    """
    t = clean(text)
    if not t or ".." in t:  # a range, not a provision
        return None
    if not re.match(r"art", t, re.IGNORECASE):
        t = "Article " + t
    if not re.search(r"(?<![\w-])(?:GDPR|DSGVO|DS-GVO|RGPD|AVG|2016/679)\W*$", t, re.IGNORECASE):
        t += " GDPR"
    found = _provisions(t)
    return found[0].provision.lower() if len(found) == 1 else None


def provision_ancestors(provision: str) -> list[str]:
    """["5(1)(f)", "5(1)", "5"] for "5(1)(f)": so `article:5(1)` finds 5(1)(f) as well."""
    parts = re.findall(r"^\d+|\([^)]*\)", provision)
    return ["".join(parts[:i]) for i in range(len(parts), 0, -1)] if parts else [provision]


def provision_key(provision: str) -> list[object]:
    """Natural sort key: "5(1)(f)" < "5(2)" < "12" (numbers compared as numbers)."""
    # re.split with a group alternates text and digits, so positions always compare alike.
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", provision)]
