"""Normalising single infobox values: nulls, placeholders, dates, fines, facets, provisions, ECLI.

Pure string functions; the HTML side (cells, links, <br> splitting) lives in corpus/infobox.py.
"""

from __future__ import annotations

import re
from datetime import date

# Values GDPRhub editors use for "nothing here"; compared after casefold and stripping.
NULL_VALUES = frozenset({"", "n/a", "n.a.", "na", "none", "unknown", "-", "–", "—", "/", "?"})

# Template placeholders: a parameter left unfilled renders as "{{{Name}}}", "[[:Category:|]]".
_PARAM = re.compile(r"\{\{\{[^{}]*\}\}\}")
_WIKILINK = re.compile(r"\[\[[^\[\]]*\]\]")
_WORD = re.compile(r"\w")

# GDPRhub's section boilerplate, e.g. "Add you comment here!", "Share your comments here!",
# "Share blogs or news articles here!", "Feel free to add your comment here", "Share your views
# here!", "You can share your comment here!".
_PLACEHOLDER = re.compile(
    r"^\W*(?:(?:please|feel\s+free\s+to|you\s+(?:can|may)|kindly)\s+)*"
    r"(?:add|share|insert|write|put|enter|type|post)\s+"
    r"(?:(?:you|your|the|a|an|any|some|further|additional|more)\s+)*"
    r"(?:comments?|blogs?|news|articles?|facts?|summary|holding|dispute|text|thoughts?|views?|"
    r"opinions?|notes?|analysis|resources?|links?)\b[^.!?]{0,40}?\s+here\W*$",
    re.IGNORECASE,
)
# Unfinished-work markers: "TBD", "To be added", "to be completed", "Machine translation to be
# added.", and punctuation-only leftovers such as ",".
_TODO = re.compile(
    r"^\W*(?:(?:machine\s+)?(?:translation|summary|text)\s+)?(?:tbd|tba|todo|"
    r"to\s+be\s+(?:added|completed|done|provided|translated|updated|written|inserted)|"
    r"coming\s+soon|work\s+in\s+progress)?\W*$",
    re.IGNORECASE,
)

# Invisible marks editors paste in: LRM/RLM, zero-width space/joiners, BOM, soft hyphen.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")


def strip_invisible(text: str) -> str:
    """Drop invisible marks (str.isascii() is O(1) and answers for most values)."""
    if text.isascii():
        return text
    if len(text) < 2000:
        return _INVISIBLE.sub("", text)
    # On long texts eight substring scans beat one regex scan.
    if any(ch in text for ch in INVISIBLE_CHARS):
        return _INVISIBLE.sub("", text)
    return text


def clean(text: str | None) -> str:
    """Collapse whitespace (incl. NBSP) and drop invisible marks."""
    if not text:
        return ""
    # str.split() knows Unicode whitespace and is several times faster than a regex here.
    return " ".join(strip_invisible(text).split())


def is_placeholder(text: str) -> bool:
    """True for GDPRhub's 'Add your comment here!' style boilerplate or template debris."""
    return is_clean_placeholder(clean(text))


def is_clean_placeholder(t: str) -> bool:
    """is_placeholder for text already through clean()."""
    if ("{{{" in t or "[[" in t) and not _WORD.search(_WIKILINK.sub("", _PARAM.sub("", t))):
        return True  # nothing but unfilled parameters and empty links
    # Every placeholder is a short line; long paragraphs skip the regexes.
    return len(t) < 120 and bool(_PLACEHOLDER.match(t) or _TODO.match(t))


# Wiki links an editor's typo left unrendered: "[[:Category:LAG Düsseldorf [Germany]|LAG
# Düsseldorf [Germany]]]" -> its label; "[[ ZSPU.421.3.2019]]" -> "ZSPU.421.3.2019".
_CATEGORY_TAG = re.compile(r"\[\[Category:[^\]]*\]\]", re.IGNORECASE)
_RAW_WIKILINK = re.compile(r"\[\[:?(?:(?:(?!\]\]|\[\[)[^|{}])*\|)?((?:(?!\[\[)[^{}|])*?)\]\](?!\])")


def unwiki(text: str) -> str:
    """The label of an unrendered [[target|label]] wiki link (text without one is unchanged)."""
    if "[[" not in text:
        return text
    # "[[Category:X]]" (no leading colon) files the page in a category and renders nothing.
    text = _RAW_WIKILINK.sub(lambda m: m.group(1), _CATEGORY_TAG.sub("", text))
    # "[[<bare link>] ZSPU.421.3.2019]": a mistyped external link around a value.
    return text.strip().strip("[] ") if text.lstrip().startswith("[[") else text


def nullify(text: str | None) -> str | None:
    """The cleaned value, or None for empty / n/a / None / Unknown / placeholders."""
    t = clean(unwiki(text)) if text else ""
    # In an infobox value any unfilled "{{{Parameter}}}" means the template was left unfilled.
    if t.casefold() in NULL_VALUES or "{{{" in t or is_clean_placeholder(t):
        return None
    return t


# Dates as GDPRhub shows them: "13.02.2020" (the template's DD.MM.YYYY); also tolerated:
# "13/02/2020", "13-02-2020", "2020-02-13", "3.2.2020".
_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\.?$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_LEADING_DATE = re.compile(r"^(\d{1,2}\.\d{1,2}\.\d{4})\b(?!\.\d)")
# "10 December 2020", "13. März 2025" - written out by some editors.
# "10 December 2020", "1st March 2021", "5. Mai 2022"
_D_MONTH_Y = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\.?\s*([^\W\d_]+)\.?,?\s*(\d{4})$")
# "December 10, 2020", "March 1st 2021"
_MONTH_D_Y = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")
_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan", "januar", "jänner", "janvier", "enero", "gennaio", "januari"),
            ("february", "feb", "februar", "février", "febrero", "febbraio", "februari"),
            ("march", "mar", "märz", "mars", "marzo", "maart"),
            ("april", "apr", "avril", "abril", "aprile"),
            ("may", "mai", "mayo", "maggio", "mei"),
            ("june", "jun", "juni", "juin", "junio", "giugno"),
            ("july", "jul", "juli", "juillet", "julio", "luglio"),
            ("august", "aug", "août", "agosto", "augustus"),
            ("september", "sep", "sept", "septembre", "septiembre", "settembre"),
            ("october", "oct", "oktober", "octobre", "octubre", "ottobre"),
            ("november", "nov", "novembre", "noviembre"),
            ("december", "dec", "dezember", "décembre", "diciembre", "dicembre"),
        ],
        start=1,
    )
    for name in names
}


def parse_date(text: str | None) -> str | None:
    """ISO YYYY-MM-DD from DD.MM.YYYY (or ISO) text; None when absent or not a real date.

    Two-digit years are 20YY (GDPRhub covers decisions since 2018); written-out months
    ("10 December 2020") are read in English and a few other EU languages.
    """
    t = nullify(text)
    if t is None:
        return None
    if (m := _LEADING_DATE.match(t)) and m.end() < len(t):
        t = m.group(1)  # "13.02.2020 (notified 20.02.2020)": the date shown first
    if m := _D_MONTH_Y.match(t):
        mo = _MONTHS.get(m.group(2).casefold(), 0)
        d, y = int(m.group(1)), int(m.group(3))
    elif m := _MONTH_D_Y.match(t):
        mo = _MONTHS.get(m.group(1).casefold(), 0)
        d, y = int(m.group(2)), int(m.group(3))
    else:
        t = t.replace(" ", "")
        if m := _DMY.match(t):
            d, mo, y = (int(g) for g in m.groups())
            y += 2000 if y < 100 else 0
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
# The currency of a bare amount ("40000" on a Spanish page): jurisdictions with one currency
# over the GDPR's whole life. Croatia (HRK, EUR from 2023) and Bulgaria (BGN, EUR from 2026)
# changed, so a bare amount there keeps no currency.
_EURO = [
    "Austria",
    "Belgium",
    "Cyprus",
    "Estonia",
    "Finland",
    "France",
    "Germany",
    "Greece",
    "Ireland",
    "Italy",
    "Latvia",
    "Lithuania",
    "Luxembourg",
    "Malta",
    "Netherlands",
    "Portugal",
    "Slovakia",
    "Slovenia",
    "Spain",
]
CURRENCY_BY_JURISDICTION = {name: "EUR" for name in _EURO} | {
    "European Union": "EUR",
    "Czech Republic": "CZK",
    "Czechia": "CZK",
    "Hungary": "HUF",
    "Poland": "PLN",
    "Romania": "RON",
    "United Kingdom": "GBP",
    "Liechtenstein": "CHF",
    **_KR_BY_JURISDICTION,
}

# "10,000 EUR", "20.000 EUR", "4 000 EUR", "2,000,000.00 EUR", "5,079.50 RON", "€110,000",
# "EUR 1.5", "9.839,4 RON", "54,609,62 EUR" (the last: a typo'd decimal comma, unparseable).
_FINE = re.compile(
    r"^(?P<pre>[^\d\s]{1,4}\.?)?\s*(?P<num>\d[\d\s.,'\u2019\u202f]*?)\s*"
    r"(?:(?P<mult>million|millions|mio|mill|mln|m|billion|bn|mrd|thousand|k)\b\.?\s*)?"
    r"(?P<post>[^\d\s]{1,6}\.?)?$",
    re.IGNORECASE,
)
# "1.2 million EUR", "EUR 1,5 Mio.", "€ 20 k"
_MULTIPLIERS = {"thousand": 1e3, "k": 1e3, "billion": 1e9, "bn": 1e9, "mrd": 1e9}
# "10.000,- EUR" / "EUR 500,--": the dash stands for zero cents.
_NO_CENTS = re.compile(r"[.,]-{1,2}(?=\s|$)")


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

    A bare number takes the currency of the jurisdiction when it has had only one (Spain: EUR),
    else None. Null-like values give (None, None, None).
    """
    t = nullify(text)
    if t is None:
        return None, None, None
    m = _FINE.match(_NO_CENTS.sub("", t))
    if not m:
        return None, None, t
    pre, post = m.group("pre"), m.group("post")
    if pre and post:
        return None, None, t
    ok, cur = _currency(pre or post, jurisdiction)
    if not ok:
        return None, None, t
    num = m.group("num").strip()
    mult = (m.group("mult") or "").casefold()
    if mult:
        # With a multiplier the number is small and any single mark is decimal: "1,5 Mio".
        amount = (
            _parse_number(num.replace(",", ".")) if num.count(",") + num.count(".") == 1 else None
        )
        amount = amount if amount is not None else _parse_number(num)
        if amount is not None:
            amount = round(amount * _MULTIPLIERS.get(mult, 1e6), 2)
    else:
        amount = _parse_number(num)
    if amount is None:
        return None, None, t
    if cur is None and pre is None and post is None:
        cur = CURRENCY_BY_JURISDICTION.get(jurisdiction or "")
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


# "ECLI: DE: VGPOTSD: 2023: 0722.1L134.20.00" -> "ECLI:DE:VGPOTSD:2023:0722.1L134.20.00";
# "EU:C:2022:833" (prefix left out) -> "ECLI:EU:C:2022:833".
_ECLI = re.compile(r"^ecli\s*:", re.IGNORECASE)
_ECLI_BODY = re.compile(r"^[A-Z]{2}\s*:\s*[A-Za-z0-9.]{1,7}\s*:\s*\d{4}\s*:\s*\S+$")


def parse_ecli(text: str | None) -> str | None:
    """The European Case Law Identifier (or the identifier shown instead); URLs and n/a are None.

    An ECLI never contains spaces: those editors typed are removed ("ECLI: DE: BGH: ...") and a
    missing "ECLI:" prefix is added.
    """
    t = nullify(text)
    if t is None or re.match(r"^https?://", t, re.IGNORECASE):
        return None
    if _ECLI.match(t):
        return "ECLI:" + re.sub(r"\s+", "", t[t.index(":") + 1 :])
    if _ECLI_BODY.match(t):
        return "ECLI:" + re.sub(r"\s+", "", t)
    return t


# A GDPR provision as shown in 'Relevant Law': "Article 6(1)(a) GDPR", "Art. 5 (1) f GDPR",
# "Article 6 para. 1 lit. f DSGVO", "Articles 12 and 13 GDPR", "Article 5(1)(a), (b) GDPR",
# "Art 83 AVG" (the Dutch name), "Article 6 of Regulation (EU) 2016/679".
# Recitals ("Recital 153 GDPR") are not articles; "UAVG" (Dutch implementing act) is not the GDPR.
_GDPR_PROVISION = re.compile(
    r"^Art(?:icles?|cile|s?\.|s)?\s*(?P<body>\d{1,2}\b.*?)\s*(?:of\s+(?:the\s+)?)?"
    r"(?<![\w-])(?:GDPR|DSGVO|DS-GVO|RGPD|AVG|(?:Regulation\s+)?(?:\(EU\)\s+)?(?:No\.?\s+)?2016/679)"
    r"(?:\s*\([^()]*\))?[\s.,;]*$",
    re.IGNORECASE,
)
# Only English/German list words: "e" (Italian) and "y" (Spanish) are also point letters.
_PART_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b)\s*", re.IGNORECASE)
# Sentence numbers ("S. 1", "Satz 2", "sentence 1") are below the provision level we keep.
_SENTENCE = re.compile(r"\b(?:S\.|Satz|sentence)\s*\d+", re.IGNORECASE)
_KEYWORDS = re.compile(
    r"\b(?:para(?:graph)?s?|lit|sub(?:para(?:graph)?)?|point|letter|no|nr|abs)\b\.?",
    re.IGNORECASE,
)
# Subdivisions: numbers, point letters, roman numerals; "(1)", "1", "(a)", "a)", "f", "(iv)".
_SUB = r"(?:\d{1,3}|[a-z]{1,2}|[ivx]{1,5})"
_TOKEN = re.compile(rf"\(\s*({_SUB})\s*\)|\b({_SUB})\b\)?", re.IGNORECASE)
_PART_OK = re.compile(rf"^(?:\s*(?:\(\s*{_SUB}\s*\)|\b{_SUB}\b\)?|\.))*\s*$", re.IGNORECASE)


# Several citations in one entry: "Article 5 GDPR, Article 6 GDPR", "Art. 5 and Art. 6 GDPR".
_ACT_AT_END = re.compile(r"\s(?:GDPR|DSGVO|DS-GVO|RGPD|AVG|[A-Za-z-]+)\s*$")
_CITATION_SPLIT = re.compile(r"\s*(?:[,;&]|\band\b|\bund\b)\s*(?=Art|§)", re.IGNORECASE)


def gdpr_provisions(law: str) -> list[tuple[int, str]]:
    """[(article number, 'N(p)(x)')] for the GDPR articles cited by one 'Relevant Law' entry."""
    text = clean(law)
    pieces = _CITATION_SPLIT.split(text)
    if len(pieces) == 1:
        return _provisions(text)
    # "Art. 5 and Art. 6 GDPR": the act named last applies to the pieces that name none.
    act = _ACT_AT_END.search(pieces[-1])
    out: list[tuple[int, str]] = []
    for piece in pieces:
        if act and not _ACT_AT_END.search(piece):
            piece = f"{piece} {act.group(0).strip()}"
        out.extend(_provisions(piece))
    return out


def _provisions(text: str) -> list[tuple[int, str]]:
    m = _GDPR_PROVISION.match(text)
    if not m:
        return []
    out: list[tuple[int, str]] = []
    base: int | None = None
    subs: list[str] = []
    for part in _PART_SPLIT.split(m.group("body")):
        bare = _KEYWORDS.sub(" ", _SENTENCE.sub(" ", part))
        if not _PART_OK.match(bare):
            return []  # words, not subdivisions: "Article 29 Working Party ... under GDPR"
        tokens = [a or b for a, b in _TOKEN.findall(bare)]
        if not tokens:
            continue
        if re.match(r"\d", part) and tokens[0].isdigit():
            base, subs = int(tokens[0]), tokens[1:]
        elif base is not None:
            # "(b)" after "5(1)(a)": a sibling at the same depth -> 5(1)(b).
            subs = subs[: max(len(subs) - len(tokens), 0)] + tokens
        else:
            continue
        if 1 <= base <= 99:
            out.append((base, str(base) + "".join(f"({t})" for t in subs)))
    return out
