"""corpus.citations: each reference kind on hand-made tricky text and golden real pages.

Golden citations (tests/fixtures/citations_golden.json) hold, per hand-checked real page, its
keys and its CJEU/ECLI/link references as [kind, key, section, digest of the text as written]:
no page text. Regenerate after a checked rule change with
`PYTHONPATH=. python tests/test_citations.py` (then check the diff by hand).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from gdprkb.corpus import citations
from gdprkb.corpus.citations import Reference, cjeu_numbers, eclis, extract, keys, national_tokens
from gdprkb.corpus.parse import parse_page
from gdprkb.corpus.record import CaseRecord

GOLDEN = Path(__file__).parent / "fixtures" / "citations_golden.json"
# A court citing CJEU, ECLI and links; national number + link; a link in the lead; joined cases
# written "C-141/12 and 372/12"; Dutch ECLIs; a CJEU judgment; a joined-cases CJEU page.
GOLDEN_PAGES = (8152, 9096, 2400, 7680, 2294, 5590, 8037)


def _case(**sections: str) -> CaseRecord:
    return CaseRecord(
        title="DSB (Austria) - 2023-0.123.456",
        url="u",
        page_id=1,
        revision_id=1,
        kind="dpa",
        jurisdiction="Austria",
        **sections,  # type: ignore[arg-type]
    )


def _keys(text: str) -> list[str]:
    return [k for k, _ in cjeu_numbers(text)]


# -- CJEU numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the judgment in C-311/18 (Schrems II)", ["C-311/18"]),
        ("C\u2011311/18 with a non-breaking hyphen", ["C-311/18"]),
        ("C\u2013311/18 with an en dash", ["C-311/18"]),
        ("C \u2013 311/18 with spaces", ["C-311/18"]),
        ("case C 252/21 with a space", ["C-252/21"]),
        ("case C-453 /21 X-FAB", ["C-453/21"]),
        ("Case C\u00a0-\u00a0311/18 with NBSP", ["C-311/18"]),
        ("General Court T-479/14", ["T-479/14"]),
        ("Joined Cases C-26/22 and C-64/22", ["C-26/22", "C-64/22"]),
        ("C\u201126/22 and C\u201164/22, EU:C:2023:958", ["C-26/22", "C-64/22"]),
        ("cases C-141/12 and 372/12", ["C-141/12", "C-372/12"]),
        ("C-293/12 & 594/12", ["C-293/12", "C-594/12"]),
        ("File No. C25221 C 252/21, para 106", ["C-252/21"]),
    ],
)
def test_cjeu_forms(text: str, expected: list[str]) -> None:
    assert _keys(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "BVerwG, judgment of 29 April 1997 - 1 C 2/95",  # a German register, not the CJEU
        "BVerwG VI C 3/19",
        "Article 6(1)(c) GDPR and Article 9/2",  # article numbers
        "Regulation (EU) 2016/679",  # an EU act, year-like
        "in 2019/20 the authority",
        "C-12/2020 is no CJEU number",
        "ABC-12/20 is a file reference",
        "C-0/20",
    ],
)
def test_not_cjeu(text: str) -> None:
    assert _keys(text) == []


def test_cjeu_keeps_the_text_as_written() -> None:
    assert list(cjeu_numbers("C \u2011 311 / 18")) == [("C-311/18", "C \u2011 311 / 18")]
    assert list(cjeu_numbers("C-26/22 and 64/22"))[1] == ("C-64/22", "64/22")


# -- ECLIs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ECLI:EU:C:2019:629", "ECLI:EU:C:2019:629"),
        ("ECLI: EU: C: 2019: 629.", "ECLI:EU:C:2019:629"),
        ("see EU:C:2023:950, para 76", "ECLI:EU:C:2023:950"),
        ("ECLI:DE:BGH:2020:280520UIZR7.16.0 (juris)", "ECLI:DE:BGH:2020:280520UIZR7.16.0"),
        ("ECLI:NL:HR:2004:AO7721 (Groninger)", "ECLI:NL:HR:2004:AO7721"),
        ("ecli-less EU : T : 2016 : 12", "ECLI:EU:T:2016:12"),
    ],
)
def test_ecli_forms(text: str, expected: str) -> None:
    assert [k for k, _ in eclis(text)] == [expected]


def test_ecli_prefix_is_not_counted_twice() -> None:
    assert [k for k, _ in eclis("ECLI:EU:C:2019:629")] == ["ECLI:EU:C:2019:629"]
    assert [k for k, _ in eclis("the EU: 2019 report, EU:X:2019:1")] == []


# -- national numbers ------------------------------------------------------------------------


def test_national_tokens() -> None:
    text = (
        "the AEPD in PS/00117/2022, the BGH (VI ZR 135/13), CNIL SAN-2020-018, "
        "on 15/06/2021 under Regulation 2016/679 and and/or C-311/18."
    )
    assert [k for k, _ in national_tokens(text)] == [
        "PS/00117/2022",
        "VI ZR 135/13",
        "SAN-2020-018",
    ]


@pytest.mark.parametrize(
    ("key", "ok"),
    [
        ("PS/00117/2022", True),
        ("24/2020", True),
        ("9870832", True),
        ("2021", False),
        ("12/20", False),  # too short to stand for one decision
        ("15/06/2021", False),
        ("2021-06-15", False),
        ("2016/679", False),
    ],
)
def test_distinctive_keys(key: str, ok: bool) -> None:
    assert citations.is_distinctive(key) is ok


def test_national_key_normalises() -> None:
    assert citations.national_key("Decision 50/2022") == "50/2022"
    assert citations.national_key("nr. 2018/1779") == "2018/1779"
    assert citations.national_key("MED\u20112019\u2013027.") == "MED-2019-027"


# -- links and extraction ----------------------------------------------------------------------

_PAGE = """<html><body><div class="mw-parser-output">
<p>Lead citing <a href="/index.php?title=CJEU_-_C-311/18_-_Schrems_II" title="CJEU">the
<i>Schrems II</i> judgment</a> and <a href="/index.php?title=Article_6_GDPR">Article 6</a>.</p>
<a href="/index.php?title=Category:CJEU">CJEU</a>
<a href="https://gdprhub.eu/index.php?title=BGH_-_VI_ZR_135/13&amp;action=edit&amp;redlink=1"
>VI ZR 135/13</a></div><div class="printfooter">
<a href="/index.php?title=OLG_K%C3%B6ln_-_15_U_45/23">after the content</a></div></body></html>"""


def test_links_to_case_pages_only() -> None:
    assert list(citations.links(_PAGE)) == [
        ("CJEU - C-311/18 - Schrems II", "the Schrems II judgment"),
        ("BGH - VI ZR 135/13", "VI ZR 135/13"),
    ]


def test_extract_sections_kinds_and_own_keys() -> None:
    case = _case(
        lead="Lead citing the Schrems II judgment and Article 6.",
        holding="As in C-311/18 (ECLI:EU:C:2020:559) and our own 2023-0.123.456.",
        comment="See VI ZR 135/13 and C-311/18.",
        machine_translation="C\u2011311/18",
    )
    refs = extract(case, _PAGE)
    assert Reference("cjeu", "C-311/18", "C-311/18", "holding") in refs
    assert Reference("ecli", "ECLI:EU:C:2020:559", "ECLI:EU:C:2020:559", "holding") in refs
    assert Reference("cjeu", "C-311/18", "C\u2011311/18", "machine_translation") in refs
    links = [r for r in refs if r.kind == "link"]
    assert [(r.key, r.section) for r in links] == [
        ("CJEU - C-311/18 - Schrems II", "lead"),
        ("BGH - VI ZR 135/13", "comment"),
    ]
    assert ("national", "2023-0.123.456") in keys(case)
    assert not [r for r in refs if r.key == "2023-0.123.456"]  # its own number
    # once per (kind, key, section)
    assert len([r for r in refs if r.kind == "cjeu"]) == 3


def test_keys_of_eu_court_pages() -> None:
    judgment = CaseRecord(
        title="CJEU - C\u2011182/22 and C\u2011189/22 - Scalable Capital",
        url="u",
        page_id=2,
        revision_id=1,
        kind="court",
        case_number="Joined Cases C\u2011182/22 and C\u2011189/22",
        ecli="ECLI:EU:C:2024:531",
    )
    assert ("cjeu", "C-182/22") in keys(judgment)
    assert ("cjeu", "C-189/22") in keys(judgment)
    assert ("ecli", "ECLI:EU:C:2024:531") in keys(judgment)
    assert citations.is_judgment_page(judgment)


# -- golden real pages -------------------------------------------------------------------------


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _golden_form(case: CaseRecord, raw: bytes) -> dict[str, Any]:
    return {
        "keys": [list(k) for k in keys(case)],
        "refs": [
            [r.kind, r.key, r.section, _digest(r.text)]
            for r in extract(case, raw)
            if r.kind != "national"
        ],
    }


def _parsed(folder: Path, page_id: int) -> tuple[CaseRecord, bytes]:
    raw = (folder / f"{page_id}.html").read_bytes()
    case = parse_page(raw)
    assert isinstance(case, CaseRecord)
    return case, raw


@pytest.mark.parametrize("page_id", GOLDEN_PAGES)
def test_golden_citations(page_id: int, sample_pages: Path) -> None:
    expected = json.loads(GOLDEN.read_text())[str(page_id)]
    assert _golden_form(*_parsed(sample_pages, page_id)) == expected


def test_golden_pages_cover_every_kind() -> None:
    golden = json.loads(GOLDEN.read_text())
    kinds = {ref[0] for page in golden.values() for ref in page["refs"]}
    assert kinds == {"cjeu", "ecli", "link"}
    sections = {ref[2] for page in golden.values() for ref in page["refs"]}
    assert {"lead", "facts", "holding", "comment", "machine_translation"} <= sections


if __name__ == "__main__":
    pages = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/gdprhub/pages")
    out = {str(p): _golden_form(*_parsed(pages, p)) for p in GOLDEN_PAGES}
    GOLDEN.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
