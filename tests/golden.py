"""Golden records: which real pages, why each, and the form they are stored in.

A golden record is the parser's output for one page of ../shared/gdprhub/pages, checked by
hand and kept in tests/fixtures/golden/<page_id>.json. Text longer than LONG_TEXT is kept as a
digest (sha256, length, first and last characters), so no page text enters the repository.
tests/make_golden.py writes the files; tests/test_parse.py compares each page against its own.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from gdprkb.corpus.record import ArticlePage, CaseRecord

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
# Text fields longer than this are compared by digest (keeps the wiki's text out of the repo).
LONG_TEXT = 600

# page_id -> what the page covers. Every kind of page, every form of fine, appeals, the
# sections that may be missing and each data-quality warning the sample has.
PAGES: dict[int, str] = {
    2146: "DPA reprimand, no fine, the seed case",
    3406: "national court (BVwG) with appeal from and to",
    5368: "CJEU judgment",
    2838: "CJEU preliminary reference with Reference from",
    137: "national court with an ECLI",
    4589: "DPA case with a start date",
    86: "GDPR article page with commentary",
    100: "GDPR article page (Article 87)",
    2070: "fine '9,9 EUR' (comma grouping)",
    2537: "fine '9.9 EUR' (dot grouping)",
    3914: "fine '9,9,9 EUR'; DPA appealed to a court",
    2127: "fine '9 9 EUR' (space grouping)",
    2136: "fine '9.9 €' (symbol after)",
    4675: "fine '€9,9' (symbol before)",
    5291: "fine of zero",
    9437: "fine '9,9.9 RON' (decimals)",
    3578: "fine '9.9,9 RON' (decimal comma); no Facts section",
    2398: "fine in NOK",
    2716: "fine in PLN",
    2880: "fine in GBP",
    3001: "fine in SEK",
    3665: "fine '9.9 HUF'",
    4745: "fine in HRK",
    4900: "fine in DKK",
    2201: "fine '9,9,9 ISK'",
    2357: "fine in BGN",
    5484: "bare-number fine: the jurisdiction's currency",
    4254: "bare-number fine without separators",
    5800: "warning: fine not understood ('54,609,62 EUR')",
    8212: "warning: NOK fine on a Danish case whose summary says DKK",
    7586: "warning: published date in the future (2036)",
    8871: "warning: decided and published after the page was rendered",
    2517: "original source whose wiki link is broken: whole visible text kept",
    1520: "several original languages and sources",
    2206: "many articles cited; a comment",
    8843: "no Holding section",
}


def _digest(value: Any) -> Any:
    if isinstance(value, str) and len(value) > LONG_TEXT:
        return {
            "sha256": hashlib.sha256(value.encode()).hexdigest(),
            "chars": len(value),
            "starts": value[:120],
            "ends": value[-80:],
        }
    return value


def golden_form(record: CaseRecord | ArticlePage) -> dict[str, Any]:
    """The record as a golden file stores it: its JSON form, long texts digested."""
    return {k: _digest(v) for k, v in record.to_dict().items()}


def path_of(page_id: int) -> Path:
    """The golden file of a page."""
    return GOLDEN / f"{page_id}.json"
