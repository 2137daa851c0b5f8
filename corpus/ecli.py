"""The European Case Law Identifier as editors type it, normalised."""

from __future__ import annotations

import re

from gdprkb.corpus.clean import nullify

# "ECLI: DE: VGPOTSD: 2023: 0722.1L134.20.00" -> "ECLI:DE:VGPOTSD:2023:0722.1L134.20.00";
# "EU:C:2022:833" (prefix left out) -> "ECLI:EU:C:2022:833".
_ECLI = re.compile(r"^ecli\s*:", re.IGNORECASE)
_ECLI_BODY = re.compile(r"^[A-Z]{2}\s*:\s*[A-Za-z0-9.]{1,7}\s*:\s*\d{4}\s*:\s*\S+$")


# Between two ECLIs in one cell: "ECLI:A; and ECLI:B", "ECLI:A, ECLI:B", "ECLI:A und ECLI:B".
_ECLI_SEP = re.compile(
    r"[\s;,/&]*(?:\b(?:and|und|et|en|y|e)\b)?[\s;,/&]*(?=ecli\s*:)", re.IGNORECASE
)


def parse_ecli(text: str | None) -> str | None:
    """The European Case Law Identifier (or the identifier shown instead); URLs and n/a are None.

    An ECLI never contains spaces: those editors typed are removed ("ECLI: DE: BGH: ...") and a
    missing "ECLI:" prefix is added. Several ECLIs in one cell ("ECLI:A and ECLI:B") are each
    kept whole, joined by "; ".
    """
    t = nullify(text)
    if t is None or re.match(r"^https?://", t, re.IGNORECASE):
        return None
    pieces = [p for p in _ECLI_SEP.split(t) if p.strip(" ;,")]
    if len(pieces) > 1 and all(_ECLI.match(p) for p in pieces):
        return "; ".join(_one(p.strip(" ;,")) for p in pieces)
    return _one(t)


def _one(t: str) -> str:
    if _ECLI.match(t):
        return "ECLI:" + re.sub(r"\s+", "", t[t.index(":") + 1 :])
    if _ECLI_BODY.match(t):
        return "ECLI:" + re.sub(r"\s+", "", t)
    return t
