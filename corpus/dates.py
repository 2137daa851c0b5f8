"""Dates as GDPRhub editors write them, read as ISO `YYYY-MM-DD`."""

from __future__ import annotations

import re
from datetime import date

from gdprkb.corpus.clean import nullify

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
