"""References from one decision to others: CJEU numbers, ECLIs, GDPRhub links, national numbers.

Pure functions. `extract(case, raw)` lists the references a decision's text sections make, each
with its kind, the text as written, a normalised key and the section it was found in;
`keys(case)` lists the keys under which other decisions may cite this one. Resolution (key ->
page id) and storage live in corpus/citegraph.py. The rules are documented in docs/citations.md.

Kinds:
- "cjeu": a CJEU or General Court case number, "C-311/18", "T-479/14", any hyphen or a space.
- "ecli": a European Case Law Identifier, "ECLI:EU:C:2019:629" or "EU:C:2019:629".
- "link": a link in the section text to another GDPRhub page whose title names a case.
- "national": a number-like token ("PS/00117/2022", "10 O 126/22"); it is only a reference when
  it equals a key of a stored decision, so unmatched ones are stored as waiting candidates.
"""

from __future__ import annotations

import heapq
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote

from gdprkb.corpus.record import CaseRecord

# The record's text sections, in page order; a reference names the first one it is found in.
SECTIONS = ("lead", "facts", "dispute", "holding", "comment", "machine_translation")
# How a reference's section is named to a reader ("cited in the holding").
SECTION_LABELS = {
    "lead": "lead",
    "facts": "facts",
    "dispute": "dispute",
    "holding": "holding",
    "comment": "comment",
    "machine_translation": "machine translation",
}
# The sections written in English by GDPRhub editors (the summary and the comment).
ENGLISH_SECTIONS = ("lead", "facts", "dispute", "holding", "comment")
KINDS = ("cjeu", "ecli", "link", "national")
# Bump when a rule changes: a store whose citations were built by another version rebuilds them.
RULES_VERSION = 2

# Every dash editors and translation engines produce: hyphen, non-breaking hyphen (U+2011),
# figure dash, en and em dash, minus sign, soft hyphen, small and full-width hyphen-minus.
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2212\u00ad\ufe63\uff0d"
_H = f"[{HYPHENS}]"

# A CJEU (C) or General Court (T) case number: "C-311/18", "C‑311/18" (U+2011), "C – 311/18",
# "C 252/21", "C-453 /21", "T-479/14". The letter must not end a longer word ("ABC-12/20"), and
# the number must not run on into a longer one ("C-12/2020", "C-12/20/3").
# (One pattern per letter, each starting with its literal and the word check as a lookbehind:
# the scan of a long translation is ~4x faster than from a [CT] class or a leading \b.)
_CJEU_BY_COURT = tuple(
    re.compile(
        rf"(?P<court>{court})(?<![A-Za-z0-9]{court})\s?(?P<sep>{_H}\s?|\s)"
        r"(?P<num>[1-9]\d{0,3})\s?/\s?(?P<yy>\d{2})(?![\d/])"
    )
    for court in "CT"
)
# The space form after a number is another court's register, not the CJEU: the German
# Federal Administrative Court's "1 C 2/95", "BVerwG 6 C 12/20", "II C 3/19".
_REGISTER_BEFORE = re.compile(r"(?<![\w.])(?:\d{1,3}|[IVX]{1,4})\s$")
# Joined cases written with the letter once: "C-26/22 and 64/22", "C-141/12 & 372/12" (a second
# "C-64/22" after the "and" is found on its own).
_JOINED_TAIL = re.compile(
    r"\s?(?:,|and|&|und|et|en|y|e)\s(?P<num>[1-9]\d{0,3})\s?/\s?(?P<yy>\d{2})(?![\d/])"
)

# An ECLI: "ECLI:EU:C:2019:629", split by spaces "ECLI: EU: C: 2019: 629", national ones
# "ECLI:DE:BGH:2020:260520UVIZR570.19.0". (Each pattern starts with a literal: fast scans.)
_ECLI = re.compile(
    r"ECLI\s?:\s?(?P<cc>[A-Z]{2})\s?:\s?(?P<court>[A-Za-z][A-Za-z0-9.]{0,6})"
    r"\s?:\s?(?P<year>(?:19|20)\d\d)\s?:\s?(?P<num>[A-Za-z0-9.]{0,30}[A-Za-z0-9])"
)
# The EU's short form without the prefix: "EU:C:2023:950" (courts C, T, F only; not the "EU" of
# an "ECLI:EU:..." already taken).
_ECLI_EU = re.compile(
    r"EU(?<![A-Za-z:]EU)\s?:\s?(?P<court>[CTF])"
    r"\s?:\s?(?P<year>(?:19|20)\d\d)\s?:\s?(?P<num>[A-Za-z0-9.]{0,30}[A-Za-z0-9])"
)

# A link to another wiki page in the saved HTML: <a href="/index.php?title=CJEU_-_C-673/17_-_
# Planet49" ...>the Planet49 judgment</a> (also with https://gdprhub.eu in front). Scanned on the
# raw bytes from the literal 'index.php?title=' (fast); only the matches are decoded.
_LINK = re.compile(
    rb'/index\.php\?title=(?P<title>[^"&#]+)[^"]*"[^>]*>(?P<text>.*?)</a>',
    re.DOTALL,
)
# Pages that are not decisions: namespaces ("Category:", "File:", "Special:") and article pages.
_NOT_A_CASE_TITLE = re.compile(r"^(?:[A-Za-z ]+:|Article \d)")
_TAG = re.compile(r"<[^>]+>")

# Where a national number-like token may sit: at a "/" or at a hyphen touching a digit
# ("PS/00117/2022", "MED-2019-027", "DI-2021-10263"). Cheap anchors, the token is then grown.
# (Two patterns, each starting with its literal: twice as fast as one starting with [/-].)
_ANCHORS = (re.compile(r"/\d[\w./\-]*"), re.compile(r"-\d[\w./\-]*"))
# The characters a number-like token is made of besides letters and digits (grown from an anchor).
_TOKEN_MARKS = frozenset("./-_")
# A German court register in front of the token: "10 O 126/22", "VI ZR 135/13", "2 BvR 1/19".
_DE_REGISTER = re.compile(r"(?<![\w.])(?:\d{1,3}|[IVX]{1,4}) [A-Z][A-Za-z]{0,3} \Z")
# Tokens that are dates or legislation, never decision numbers: "15/06/2021", "2021-06-15",
# "2016/679" (EU acts), "1995/46".
_DATE_OR_ACT = re.compile(
    r"^(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}[/.\-]\d{1,2}[/.\-]\d{1,2}|(?:19|20)\d\d/\d{1,4})$"
)
# Words editors put before a number in the case-number field ("Decision 50/2022", "nr. 2018/1779").
_NUMBER_WORDS = re.compile(
    r"^(?:(?:decision|délibération|deliberation|case|file|ref\.?|no\.?|nr\.?|n[°º]\.?|"
    r"az\.?|aktenzeichen|judgment|ruling|order)\s+)+",
    re.IGNORECASE,
)
_HYPHEN_TABLE = str.maketrans({h: "-" for h in HYPHENS if h != "\u00ad"} | {"\u00ad": None})


@dataclass(frozen=True, slots=True)
class Reference:
    """One reference a decision makes: kind, normalised key, text as written, section."""

    kind: str
    key: str
    text: str
    section: str


def cjeu_key(court: str, num: str, yy: str) -> str:
    """The normalised CJEU case number: "C-311/18" (no leading zeros, ASCII hyphen)."""
    return f"{court}-{int(num)}/{yy}"


def cjeu_numbers(text: str) -> Iterator[tuple[str, str]]:
    """(key, text as written) of every CJEU/General Court case number in `text`."""
    found = [m for pattern in _CJEU_BY_COURT for m in pattern.finditer(text)]
    if len(found) > 1:
        found.sort(key=lambda m: m.start())  # page order across the two letters
    for m in found:
        if m.group("sep").isspace() and _REGISTER_BEFORE.search(
            text, max(0, m.start() - 8), m.start()
        ):
            continue
        court = m.group("court")
        yield cjeu_key(court, m.group("num"), m.group("yy")), m.group(0)
        end = m.end()
        while tail := _JOINED_TAIL.match(text, end):
            written = text[tail.start("num") : tail.end()]
            yield cjeu_key(court, tail.group("num"), tail.group("yy")), written
            end = tail.end()


def eclis(text: str) -> Iterator[tuple[str, str]]:
    """(key, text as written) of every ECLI in `text`; the key is "ECLI:EU:C:2019:629"."""
    taken: list[tuple[int, int]] = []
    if "ECLI" in text:
        for m in _ECLI.finditer(text):
            taken.append(m.span())
            cc, court, year, num = m.group("cc", "court", "year", "num")
            yield f"ECLI:{cc}:{court}:{year}:{num}".upper(), m.group(0)
    if "EU" in text:
        for m in _ECLI_EU.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue  # the "EU: C: ..." inside an "ECLI: EU: C: ..." already taken
            court, year, num = m.group("court", "year", "num")
            yield f"ECLI:EU:{court}:{year}:{num}".upper(), m.group(0)


def ecli_key(value: str | None) -> str | None:
    """The normalised form of a record's ECLI field, or None when it holds none."""
    return next((k for k, _ in eclis(value or "")), None)


def national_key(token: str) -> str:
    """The normalised form of a national case number: ASCII hyphens, single spaces, upper case."""
    t = " ".join(token.translate(_HYPHEN_TABLE).split())
    return _NUMBER_WORDS.sub("", t).strip(" .,;:()[]").upper()


def is_distinctive(key: str) -> bool:
    """Whether a national key can stand for one decision: a digit, a separator or 7+ digits,
    5+ characters (6+ without a letter), and not a date, a year or an EU act number."""
    if len(key) < 5 or not any(c.isdigit() for c in key) or _DATE_OR_ACT.match(key):
        return False
    if key.isdigit():
        return len(key) >= 7
    if len(key) < 6 and not any(c.isalpha() for c in key):
        return False  # "12/20": a month and a year as often as a decision
    return any(c in key for c in "/-. ")


def national_tokens(text: str) -> Iterator[tuple[str, str]]:
    """(key, text as written) of number-like tokens that could name a national decision."""
    # The hot loop of extraction (one pass per anchor of a long translation): cheap rejections
    # first, the key only for tokens that survive them.
    last_end = -1
    spans = heapq.merge(*([m.span() for m in a.finditer(text)] for a in _ANCHORS))
    for pos, end in spans:
        if pos < last_end:
            continue  # a later separator of a token already taken
        last_end = end
        start = pos
        floor = max(0, pos - 40)
        while start > floor and (text[start - 1].isalnum() or text[start - 1] in _TOKEN_MARKS):
            start -= 1
        token = text[start:end].strip("./-_")
        if len(token) < 5 or _DATE_OR_ACT.match(token):
            continue  # too short, a date or an EU act
        if token[0] in "CT" and _CJEU_BY_COURT[token[0] == "T"].fullmatch(token):
            continue  # a CJEU number: its own rule
        if start > 2 and text[start - 1] == " ":
            register = _DE_REGISTER.search(text, max(0, start - 12), start)
            if register:
                token = register.group(0) + token
        key = national_key(token)
        if is_distinctive(key):
            yield key, token


def links(raw: str | bytes) -> Iterator[tuple[str, str]]:
    """(page title, anchor text) of every link in a saved page to a wiki page that may be a case."""
    page = raw.encode() if isinstance(raw, str) else raw
    start = max(page.find(b'class="mw-parser-output"'), 0)
    end = page.find(b'class="printfooter"', start)
    for m in _LINK.finditer(page, start, end if end > 0 else len(page)):
        before = page[max(0, m.start() - 26) : m.start()]
        if not before.endswith((b'href="', b'href="https://gdprhub.eu')):
            continue  # not the href of a link (e.g. a returnto= parameter)
        title = unquote(html.unescape(m.group("title").decode("utf-8", "replace")))
        title = title.replace("_", " ").strip()
        if " - " not in title or _NOT_A_CASE_TITLE.match(title):
            continue
        text = html.unescape(_TAG.sub("", m.group("text").decode("utf-8", "replace")))
        if text := " ".join(text.split()):
            yield title, text


def _first_section(case: CaseRecord, text: str) -> str | None:
    for name in SECTIONS:
        body = getattr(case, name)
        if body and text in body:
            return name
    return None


def keys(case: CaseRecord) -> list[tuple[str, str]]:
    """(kind, key) pairs under which other decisions cite `case`: its title, its ECLI, its CJEU
    numbers (CJEU, AG and General Court pages) or its distinctive national numbers."""
    out = {("link", case.title)}
    if k := ecli_key(case.ecli):
        out.add(("ecli", k))
    if is_eu_court(case):
        for text in (case.title, case.case_number or ""):
            out.update(("cjeu", k) for k, _ in cjeu_numbers(text))
    else:
        parts = case.title.split(" - ")[1:] + [case.case_number or ""]
        for part in parts:
            k = national_key(part)
            if is_distinctive(k):
                out.add(("national", k))
    return sorted(out)


def is_eu_court(case: CaseRecord) -> bool:
    """Whether a record is a page of the EU courts (CJEU judgment, AG opinion, General Court)."""
    head = case.title.split(" - ", 1)[0].strip()
    return head in ("CJEU", "AG", "General Court", "GC", "EGC")


def is_judgment_page(case: CaseRecord) -> bool:
    """Whether an EU-court page is the judgment itself (preferred over an AG opinion)."""
    return case.title.startswith("CJEU")


def extract(case: CaseRecord, raw: str | bytes | None = None) -> list[Reference]:
    """Every reference `case` makes, once per (kind, key, section), in page order.

    `raw` is the saved page, needed for links only. A decision's own keys are not references.
    """
    own = set(keys(case))
    seen: set[tuple[str, str, str]] = set()
    out: list[Reference] = []

    def add(kind: str, key: str, text: str, section: str) -> None:
        if (kind, key) in own or (kind, key, section) in seen:
            return
        seen.add((kind, key, section))
        out.append(Reference(kind, key, text, section))

    for section in SECTIONS:
        body = getattr(case, section)
        if not body:
            continue
        for key, text in cjeu_numbers(body):
            add("cjeu", key, text, section)
        for key, text in eclis(body):
            add("ecli", key, text, section)
        for key, text in national_tokens(body):
            add("national", key, text, section)
    if raw:
        for title, text in links(raw):
            found = _first_section(case, text)
            if found and title != case.title:
                add("link", title, text, found)
    return out


def reference_key(typed: str) -> str | None:
    """The key a typed reference stands for (the search's `cites:`): a CJEU number, an ECLI,
    a page id (digits) or a national number; None when it can be none of them."""
    text = typed.strip().strip('"')
    if text.isdigit():
        return str(int(text))
    for key, written in cjeu_numbers(text.upper()):
        if len(written) >= len(text) - 2:
            return key
    for key, _ in eclis(text.upper()):
        return key
    key = national_key(text)
    return key if is_distinctive(key) else None
