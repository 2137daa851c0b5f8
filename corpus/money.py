"""Fines: amounts in any notation, currencies (codes, symbols, the jurisdiction's), euro rates.

The one home of currencies: what a symbol means, which currency a bare amount takes in a
jurisdiction, and the approximate euro value the index compares fines by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gdprkb.corpus.clean import nullify

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
    r"^(?P<pre>[^\d\s\-\u2212\u2013]{1,4}\.?)?\s*(?P<sign>[-\u2212\u2013]\s*)?(?P<num>\d[\d\s.,'\u2019\u202f]*?)\s*"
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


@dataclass(frozen=True)
class Fine:
    """An infobox 'Fine' value read: amount, ISO currency, the raw text when not understood,
    and whether the value named its currency (else it came from the jurisdiction)."""

    amount: float | None = None
    currency: str | None = None
    text: str | None = None
    stated: bool = False


def read_fine(text: str | None, jurisdiction: str | None = None) -> Fine:
    """The Fine of an infobox 'Fine' value (see parse_fine)."""
    t = nullify(text)
    if t is None:
        return Fine()
    m = _FINE.match(_NO_CENTS.sub("", t))
    if not m:
        return Fine(text=t)
    pre, post = m.group("pre"), m.group("post")
    ok, cur = _currency(pre or post, jurisdiction)
    if pre and post:
        # "€15,000 EUR", "NOK 250,000 NOK": one currency named twice is one currency.
        ok_post, cur_post = _currency(post, jurisdiction)
        ok = ok and ok_post and cur == cur_post
    if not ok:
        return Fine(text=t)
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
        return Fine(text=t)
    if m.group("sign"):
        amount = -amount  # kept as shown; the record's warnings flag it
    stated = bool(pre or post)
    if not stated:
        cur = CURRENCY_BY_JURISDICTION.get(jurisdiction or "")
    return Fine(amount, cur, None, stated)


def parse_fine(
    text: str | None, jurisdiction: str | None = None
) -> tuple[float | None, str | None, str | None]:
    """(amount, ISO currency, raw text when unparseable) for an infobox 'Fine' value.

    A bare number takes the currency of the jurisdiction when it has had only one (Spain: EUR),
    else None. Null-like values give (None, None, None).
    """
    f = read_fine(text, jurisdiction)
    return f.amount, f.currency, f.text


# An amount with its currency in running text: "fined it €10,000", "a fine of EUR 2.5 million",
# "10 000 euros", "RON 50,000". Grouping by a plain space is taken only before three digits.
_CUR_WORD = (
    r"(?:€|£|\$|US\$|zł|Kč|лв\.?|euros?|lei|kr|Ft|"
    r"(?-i:EUR|GBP|USD|CHF|NOK|SEK|DKK|ISK|PLN|CZK|HUF|RON|BGN|HRK|TRY))"
)
_AMOUNT = r"\d{1,3}(?:[ .,'\u2019\u202f\u00a0]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,3})?"
_MULT = r"(?:\s?(?:million|millions|mio|mln|m|billion|bn|thousand|k)\b\.?)?"
_MENTION = re.compile(
    rf"(?<![\w$€£])(?:{_CUR_WORD}\s?(?:{_AMOUNT}){_MULT}|(?:{_AMOUNT}){_MULT}\s?{_CUR_WORD})(?!\w)",
    re.IGNORECASE,
)


def amounts_in_text(text: str | None, jurisdiction: str | None = None) -> list[tuple[float, str]]:
    """(amount, ISO currency) for every sum of money stated with its currency in `text`."""
    out: list[tuple[float, str]] = []
    for m in _MENTION.finditer(text or ""):
        f = read_fine(m.group(0).replace("\u00a0", " "), jurisdiction)
        if f.amount is not None and f.currency is not None and f.stated:
            out.append((f.amount, f.currency))
    return out


def same_amount(a: float, b: float) -> bool:
    """Two statements of one sum ("€2.5M" and "2,500,000"): equal to within half a percent."""
    return abs(a - b) <= 0.005 * max(abs(a), abs(b))


def with_summary_currency(fine: Fine, mentions: list[tuple[float, str]]) -> Fine:
    """A bare-number fine takes the currency the summary states the same amount in."""
    if fine.stated or fine.amount is None:
        return fine
    for amount, currency in mentions:
        if same_amount(amount, fine.amount):
            return Fine(fine.amount, currency, None, False)
    return fine


# Approximate euro value of one unit, so `fine:>10000` and sorting by fine compare amounts
# across currencies; the record keeps the amount and currency as shown.
EUR_RATES: dict[str, float] = {
    "EUR": 1.0,
    "GBP": 1.17,
    "CHF": 1.05,
    "USD": 0.92,
    "NOK": 0.087,
    "SEK": 0.088,
    "DKK": 0.134,
    "ISK": 0.0066,
    "PLN": 0.23,
    "CZK": 0.040,
    "HUF": 0.0025,
    "RON": 0.20,
    "BGN": 0.51,
    "HRK": 0.133,
    "LIRA": 0.028,
    "TRY": 0.028,
}


def fine_in_eur(amount: float | None, currency: str | None) -> float | None:
    """The fine's approximate euro value; None without amount or with an unknown currency."""
    if amount is None:
        return None
    rate = EUR_RATES.get((currency or "EUR").upper())
    return None if rate is None else amount * rate
