"""Normalising single infobox values: nulls, placeholders, dates, fines, facets, provisions, ECLI.

Pure string functions; the HTML side (cells, links, <br> splitting) lives in corpus/infobox.py.
"""

from __future__ import annotations

import re
from datetime import date

# Values GDPRhub editors use for "nothing here"; compared after casefold and stripping.
NULL_VALUES = frozenset({"", "n/a", "n.a.", "na", "none", "unknown", "-", "–", "—", "/", "?"})

# Template placeholders: a parameter left unfilled renders as "{{{Name}}}", "[[:Category:|]]".
_TEMPLATE_DEBRIS = re.compile(r"\{\{\{|\}\}\}|\[\[|\]\]")

# GDPRhub's section boilerplate, e.g. "Add you comment here!", "Share your comments here!",
# "Share blogs or news articles here!", "Please share your comment here.".
_PLACEHOLDER = re.compile(
    r"^\W*(please\s+)?(add|share|insert|write|put|enter|type)\s+"
    r"(?:(?:you|your|the|a|an|any|some|here)\s+)*"
    r"(comments?|blogs?|news|articles?|facts?|summary|holding|dispute|text|thoughts?|"
    r"resources?|links?)\b[^.!]{0,60}?\s*(here)?\s*[.!]*\W*$",
    re.IGNORECASE,
)

_WS = re.compile(r"\s+")
# Invisible marks editors paste in: LRM/RLM, zero-width space/joiners, BOM, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad]")


def clean(text: str | None) -> str:
    """Collapse whitespace (incl. NBSP) and drop invisible marks."""
    if not text:
        return ""
    return _WS.sub(" ", _INVISIBLE.sub("", text)).strip()


def is_placeholder(text: str) -> bool:
    """True for GDPRhub's 'Add your comment here!' style boilerplate or template debris."""
    t = clean(text)
    return bool(_TEMPLATE_DEBRIS.search(t)) or bool(_PLACEHOLDER.match(t))


def nullify(text: str | None) -> str | None:
    """The cleaned value, or None for empty / n/a / None / Unknown / placeholders."""
    t = clean(text)
    if t.casefold() in NULL_VALUES or is_placeholder(t):
        return None
    return t


# Dates as GDPRhub shows them: "13.02.2020" (the template's DD.MM.YYYY); also tolerated:
# "13/02/2020", "13-02-2020", "2020-02-13", "3.2.2020".
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})\.?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(text: str | None) -> str | None:
    """ISO YYYY-MM-DD from DD.MM.YYYY (or ISO) text; None when absent or not a real date."""
    t = nullify(text)
    if t is None:
        return None
    t = t.replace(" ", "")
    if m := _DMY.match(t):
        d, mo, y = (int(g) for g in m.groups())
    elif m := _YMD.match(t):
        y, mo, d = (int(g) for g in m.groups())
    else:
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


# Currency symbols seen or plausible on GDPRhub, mapped to ISO 4217 codes.
CURRENCY_SYMBOLS = {
    "€": "EUR",
    "£": "GBP",
    "$": "USD",
    "us$": "USD",
    "kr": None,  # ambiguous (DKK/NOK/SEK/ISK): resolved by jurisdiction or left raw
    "zł": "PLN",
    "zl": "PLN",
    "lei": "RON",
    "ron": "RON",
    "ft": "HUF",
    "kč": "CZK",
    "kc": "CZK",
    "лв": "BGN",
    "лв.": "BGN",
    "chf": "CHF",
    "euro": "EUR",
    "euros": "EUR",
    "eur.": "EUR",
}
_KR_BY_JURISDICTION = {"Denmark": "DKK", "Norway": "NOK", "Sweden": "SEK", "Iceland": "ISK"}

# "10,000 EUR", "20.000 EUR", "4 000 EUR", "2,000,000.00 EUR", "5,079.50 RON", "€110,000",
# "EUR 1.5", "9.839,4 RON", "54,609,62 EUR" (the last: a typo'd decimal comma, unparseable).
_FINE = re.compile(
    r"^(?P<pre>[^\d\s]{1,4}\.?)?\s*(?P<num>\d[\d\s.,'\u2019\u202f]*?)\s*(?P<post>[^\d\s]{1,6}\.?)?$"
)


def _parse_number(num: str) -> float | None:
    """A number written with any thousands separator ('.', ',', space, apostrophe) and decimal."""
    n = re.sub(r"[\s'\u2019\u202f]", "", num)
    if not n:
        return None
    dots, commas = n.count("."), n.count(",")
    if dots and commas:
        # The later of the two is the decimal mark: "2,000,000.00" / "9.839,4".
        dec, thou = (".", ",") if n.rfind(".") > n.rfind(",") else (",", ".")
        if n.count(dec) > 1:
            return None
        intpart, frac = n.split(dec)
        if not re.fullmatch(r"\d{1,3}(" + re.escape(thou) + r"\d{3})*", intpart):
            return None
        return float(intpart.replace(thou, "") + "." + frac)
    sep = "." if dots else "," if commas else ""
    if not sep:
        return float(n)
    parts = n.split(sep)
    if len(parts) > 2:
        # Several marks: only thousands grouping makes sense ("1.800.000").
        if all(len(p) == 3 for p in parts[1:]) and 1 <= len(parts[0]) <= 3:
            return float("".join(parts))
        return None
    head, tail = parts
    if len(tail) == 3 and 1 <= len(head) <= 3 and head != "0":
        return float(head + tail)  # "10,000" / "20.000": grouping, not decimals
    if len(tail) in (1, 2):
        return float(head + "." + tail)  # "500.00" / "9,5"
    return None


def _currency(token: str | None, jurisdiction: str | None) -> tuple[bool, str | None]:
    """(understood, ISO code) for a currency token; (False, None) when it is not a currency."""
    if not token:
        return True, None
    t = token.strip()
    if re.fullmatch(r"[A-Za-z]{3}", t):
        return True, t.upper()
    key = t.casefold()
    code = CURRENCY_SYMBOLS.get(key)
    if code is None and key == "kr":
        code = _KR_BY_JURISDICTION.get(jurisdiction or "")
    return code is not None, code


def parse_fine(
    text: str | None, jurisdiction: str | None = None
) -> tuple[float | None, str | None, str | None]:
    """(amount, ISO currency, raw text when unparseable) for an infobox 'Fine' value.

    A bare number keeps its amount with currency None. Null-like values give (None, None, None).
    """
    t = nullify(text)
    if t is None:
        return None, None, None
    m = _FINE.match(t)
    if not m:
        return None, None, t
    pre, post = m.group("pre"), m.group("post")
    if pre and post:
        return None, None, t
    ok, cur = _currency(pre or post, jurisdiction)
    if not ok:
        return None, None, t
    amount = _parse_number(m.group("num"))
    if amount is None:
        return None, None, t
    return amount, cur, None


# Facet words kept lower case inside a Title Cased value ("Violation found" -> "Violation Found").
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}
)


def facet(text: str | None) -> str | None:
    """Normalise a facet value (type, outcome): nulls out, Title Case so case variants merge."""
    t = nullify(text)
    if t is None:
        return None
    words = t.rstrip(".").split(" ")
    out = []
    for i, w in enumerate(words):
        if i and w.casefold() in _SMALL_WORDS:
            out.append(w.casefold())
        elif w[:1].islower():
            out.append(w[:1].upper() + w[1:])
        else:
            out.append(w)
    return " ".join(out)


# "ECLI: DE: VGPOTSD: 2023: 0722.1L134.20.00" -> "ECLI:DE:VGPOTSD:2023:0722.1L134.20.00"
_ECLI = re.compile(r"^ecli\s*:", re.IGNORECASE)


def parse_ecli(text: str | None) -> str | None:
    """ECLI with the spaces editors put around colons removed; placeholders and n/a are None."""
    t = nullify(text)
    if t is None:
        return None
    if _ECLI.match(t):
        t = re.sub(r"\s*:\s*", ":", t)
        return "ECLI" + t[4:]
    return t


# A GDPR provision as shown in 'Relevant Law': "Article 6(1)(a) GDPR", "Art. 5 (1) f GDPR",
# "Article 4 (11) GDPR", "Articles 12 GDPR". Recitals ("Recital 153 GDPR") are not articles.
_GDPR_PROVISION = re.compile(
    r"^Art(?:icles?|\.|s\.?)?\s*(?P<num>\d{1,2})\s*(?P<rest>(?:\(\s*\w{1,4}\s*\)|\s+\w{1,2}\b|\s*,?\s*)*?)"
    r"\s*(?:of\s+the\s+)?(?:GDPR|DSGVO|RGPD|AVG|UAVG)\b",
    re.IGNORECASE,
)
_SUBDIVISION = re.compile(r"\(\s*(\w{1,4})\s*\)|\b(\w{1,2})\b")


def gdpr_provision(law: str) -> tuple[int, str] | None:
    """(article number, 'N(p)(x)') when `law` is a GDPR article provision, else None."""
    m = _GDPR_PROVISION.match(clean(law))
    if not m:
        return None
    num = int(m.group("num"))
    if not 1 <= num <= 99:
        return None
    subs = [a or b for a, b in _SUBDIVISION.findall(m.group("rest") or "")]
    return num, str(num) + "".join(f"({s})" for s in subs)
