"""corpus.parse over every real sample page, golden records, our own fixtures and bad input."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path
from typing import Any

import golden
import pytest
from fragments import decision, parse_decision

from gdprkb.corpus.parse import content_html, page_url, parse_page, read_meta
from gdprkb.corpus.provisions import gdpr_provisions
from gdprkb.corpus.record import ArticlePage, CaseRecord, NotADecision, PageMeta, ParseError

FIXTURES = Path(__file__).parent / "fixtures"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _sample_ids() -> list[int]:
    """Page ids in the sample folder, known at collection time for parametrization."""
    env = os.environ.get("GDPRKB_SAMPLE_PAGES")
    folder = Path(env) if env else Path(__file__).resolve().parents[2] / "shared/gdprhub/pages"
    return (
        sorted(int(p.name.split(".")[0]) for p in folder.glob("*.html")) if folder.is_dir() else []
    )


SAMPLE_IDS = _sample_ids()


@pytest.fixture(scope="session")
def parsed(sample_pages: Path) -> dict[int, Any]:
    """page_id -> ParsedPage or ParseError, each sample page parsed once per session."""
    out: dict[int, Any] = {}
    for path in sorted(sample_pages.glob("*.html")):
        try:
            out[int(path.stem)] = parse_page(path.read_bytes())
        except ParseError as e:
            out[int(path.stem)] = e
    return out


def test_sample_folder_is_complete(parsed: dict[int, Any], manifest: dict[int, dict]) -> None:
    assert len(parsed) == len(manifest) >= 900
    assert sorted(parsed) == SAMPLE_IDS


def test_no_parse_errors_and_enough_decisions(parsed: dict[int, Any]) -> None:
    errors = {pid: str(r) for pid, r in parsed.items() if isinstance(r, ParseError)}
    assert errors == {}
    assert sum(isinstance(r, CaseRecord) for r in parsed.values()) >= 890


@pytest.mark.parametrize("page_id", SAMPLE_IDS)
def test_sample_page(page_id: int, parsed: dict[int, Any], manifest: dict[int, dict]) -> None:
    record = parsed[page_id]
    entry = manifest[page_id]
    assert not isinstance(record, ParseError), record
    assert (record.title, record.page_id, record.revision_id) == (
        entry["title"],
        page_id,
        entry["revision_id"],
    )
    if isinstance(record, NotADecision):
        assert record.reason
        return
    assert record.url == entry["url"]
    assert record.categories == entry["categories"]
    if isinstance(record, ArticlePage):
        assert entry["title"] == f"Article {record.article} GDPR"
        assert record.heading and record.text and record.commentary
        return
    _check_case(record)


def _check_case(r: CaseRecord) -> None:
    assert r.kind in ("dpa", "court")
    assert r.authority and r.jurisdiction
    for d in (r.date_started, r.date_decided, r.date_published):
        assert d is None or ISO_DATE.match(d), d
    assert r.gdpr_articles == sorted(set(r.gdpr_articles))
    assert all(1 <= a <= 99 for a in r.gdpr_articles)
    assert {int(re.match(r"\d+", p).group()) for p in r.gdpr_provisions} == set(r.gdpr_articles)  # type: ignore[union-attr]
    assert not [law for law in r.relevant_law if law.startswith("Recital") and gdpr_provisions(law)]
    if r.fine_amount is not None:
        assert r.fine_amount >= 0 and r.fine_text is None
    assert r.fine_currency is None or re.fullmatch(r"[A-Z]{3}", r.fine_currency)
    assert len(r.original_languages) == len(set(r.original_languages))
    for value in (r.type, r.outcome, r.case_number, r.ecli, *r.parties, *r.relevant_law):
        assert value is None or (value and value.casefold() not in {"n/a", "none", "unknown"})
        assert value is None or "{{{" not in value
    if r.ecli and r.ecli.startswith("ECLI"):
        assert re.fullmatch(r"ECLI:[A-Za-z]{2}:[^\s:]+:\d{4}:\S+", r.ecli), r.ecli
    for src in r.original_sources:
        assert src.name and (src.url is None or src.url.startswith("http"))
    texts = (r.lead, r.facts, r.dispute, r.holding, r.comment, r.machine_translation)
    for text in texts:
        if text is None:
            continue
        assert text == text.strip() and "  " not in text and "\n\n\n" not in text
        assert "[edit]" not in text
    for text in texts[:5]:  # a translation may quote anything, even a copied wiki page
        placeholder = r"(?i)add you(r)? comment here|share blogs or news articles"
        assert text is None or not re.search(placeholder, text)
    if r.machine_translation:
        assert not r.machine_translation.startswith("The decision below is a machine translation")


def test_fragment_equals_full_page(sample_pages: Path, parsed: dict[int, Any]) -> None:
    """The action=parse fragment plus API meta gives the record of the full saved page."""
    mismatched = []
    for path in sorted(sample_pages.glob("*.html")):
        full = path.read_text(encoding="utf-8")
        if parse_page(content_html(full), meta=read_meta(full)) != parsed[int(path.stem)]:
            mismatched.append(path.name)
    assert mismatched == []


@pytest.mark.parametrize("page_id", sorted(golden.PAGES))
def test_golden_record(page_id: int, parsed: dict[int, Any]) -> None:
    """Records checked by hand against the page (tests/golden.py says what each covers)."""
    path = golden.path_of(page_id)
    assert path.exists(), f"no {path}: run tests/make_golden.py {page_id} and review it"
    assert golden.golden_form(parsed[page_id]) == json.loads(path.read_text(encoding="utf-8"))


def test_every_golden_file_is_listed() -> None:
    """A golden file nobody lists would never be compared."""
    files = {int(p.stem) for p in golden.GOLDEN.glob("*.json")}
    assert files == set(golden.PAGES)


def test_seed_case_2146(parsed: dict[int, Any]) -> None:
    r = parsed[2146]
    assert isinstance(r, CaseRecord)
    assert (r.kind, r.outcome, r.gdpr_articles, r.date_published) == (
        "dpa",
        "Reprimand",
        [32],
        "2020-02-13",
    )
    assert r.parties == ["KMD A/S"]
    assert (r.fine_amount, r.fine_currency, r.fine_text) == (None, None, None)
    assert r.comment is None and r.appeal.to is None and r.appeal.from_ is None


def test_article_page_86(parsed: dict[int, Any]) -> None:
    a = parsed[86]
    assert isinstance(a, ArticlePage)
    assert (a.article, a.heading) == (74, "Tasks of the Chair")
    assert a.text and a.text.startswith("1. The Chair shall have the following tasks:")
    assert a.text.endswith("in its rules of procedure.")
    assert a.commentary and "(1) Tasks of the Chair" in a.commentary
    assert "Recital 140" not in (a.text + a.commentary)  # recitals are neither text nor commentary


def test_outcome_case_variants_merge(parsed: dict[int, Any]) -> None:
    outcomes = {r.outcome for r in parsed.values() if isinstance(r, CaseRecord)}
    assert "Violation Found" in outcomes and "Violation found" not in outcomes


# --- our own fixtures -------------------------------------------------------------------------

FRAGMENT_META = PageMeta(
    title="Testhub (Nowhere) - TH-2024-001",
    page_id=9001,
    revision_id=501,
    categories=["Testhub (Nowhere)", "Nowhere"],
)


@pytest.fixture(scope="module")
def fixture_case() -> CaseRecord:
    html = (FIXTURES / "pages/dpa_fragment.html").read_text(encoding="utf-8")
    r = parse_page(html, meta=FRAGMENT_META)
    assert isinstance(r, CaseRecord)
    return r


def test_fixture_identity(fixture_case: CaseRecord) -> None:
    assert fixture_case.url == "https://gdprhub.eu/index.php?title=Testhub_(Nowhere)_-_TH-2024-001"
    assert (fixture_case.kind, fixture_case.authority, fixture_case.jurisdiction) == (
        "dpa",
        "Testhub (Nowhere)",
        "Nowhere",
    )


def test_fixture_infobox_values(fixture_case: CaseRecord) -> None:
    r = fixture_case
    assert r.relevant_law == [
        "Article 5(1)(f) GDPR",
        "Article 32 GDPR",
        "Recital 83 GDPR",
        "§ 3 Test Act",
    ]
    assert r.gdpr_articles == [5, 32] and r.gdpr_provisions == ["5(1)(f)", "32"]
    assert (r.type, r.outcome) == ("Investigation", "Violation Found")
    assert (r.date_started, r.date_decided, r.date_published) == ("2023-02-01", "2024-01-31", None)
    assert (r.fine_amount, r.fine_currency, r.fine_text) == (1234567.89, "NOK", None)
    assert r.parties == ["Example AS"]  # "Unknown" dropped
    assert r.ecli is None  # "{{{ECLI}}}" is an unfilled template parameter
    assert r.original_languages == ["Norwegian", "English"]
    assert [(s.name, s.url) for s in r.original_sources] == [
        ("Testhub (in NO)", "https://example.org/decisions/Beslutning_%C3%B8.pdf")
    ]
    assert r.appeal.to_dict() == {
        "from": None,
        "to": {
            "status": "Pending appeal",
            "body": "Test Court (Nowhere)",
            "case_number": "TC 77/24",
            "url": "https://example.org/appeal/77",
        },
    }


def test_fixture_sections(fixture_case: CaseRecord) -> None:
    r = fixture_case
    assert r.lead == "Testhub fined a controller for weak passwords."  # no "[1]", spaces collapsed
    assert r.facts == "The controller stored passwords in plain text.\n\nA breach followed."
    assert r.dispute is None
    assert r.holding == "The DPA found a violation of Article 32 GDPR.\n\nFine\n\nAmount: NOK 1.2m"
    assert r.comment is None  # "Share your comments here!" is a placeholder
    assert r.machine_translation == "Decision TH-2024-001\n\nThe controller must pay."


def test_fixture_full_page_equals_fragment(fixture_case: CaseRecord) -> None:
    full = (FIXTURES / "pages/dpa_full.html").read_bytes()
    meta = read_meta(full)
    assert (meta.title, meta.page_id, meta.revision_id) == (FRAGMENT_META.title, 9001, 501)
    assert parse_page(full) == fixture_case
    assert parse_page(content_html(full), meta=meta) == fixture_case


def test_newer_mediawiki_heading_markup(fixture_case: CaseRecord) -> None:
    """MediaWiki 1.43+ wraps headings in <div class="mw-heading"> and drops mw-headline spans."""
    html = (FIXTURES / "pages/dpa_fragment_mw143.html").read_text(encoding="utf-8")
    assert parse_page(html, meta=FRAGMENT_META) == fixture_case


def test_authority_page_with_info_box_is_not_a_decision() -> None:
    html = (
        '<div class="mw-parser-output"><table class="wikitable"><tbody>'
        "<tr><td>Jurisdiction:</td><td>Denmark</td></tr>"
        "<tr><td>Website:</td><td>datatilsynet.dk</td></tr></tbody></table>"
        "<p>The Danish DPA.</p></div>"
    )
    meta = PageMeta(title="Datatilsynet (Denmark)", page_id=5, revision_id=6)
    assert parse_page(html, meta=meta) == NotADecision(
        "Datatilsynet (Denmark)", 5, 6, "no decision infobox"
    )


def test_help_page_is_not_a_decision() -> None:
    r = parse_page((FIXTURES / "pages/help_page.html").read_bytes())
    assert isinstance(r, NotADecision)
    assert (r.title, r.page_id, r.revision_id) == ("Help:Editing", 77, 501)
    assert r.reason == "Help namespace page"


@pytest.mark.parametrize("title", ["Template:DPAdecisionBOX", "User:Someone/Draft", "User talk:X"])
def test_pages_outside_the_main_namespace_are_not_decisions(title: str) -> None:
    """A template or a user's draft carries the infobox too, but is not a decision."""
    html = (FIXTURES / "pages/dpa_fragment.html").read_text(encoding="utf-8")
    r = parse_page(html, meta=PageMeta(title=title, page_id=1, revision_id=2))
    assert isinstance(r, NotADecision) and r.reason.endswith("namespace page")


def test_colon_in_a_decision_title_is_not_a_namespace(fixture_case: CaseRecord) -> None:
    html = (FIXTURES / "pages/dpa_fragment.html").read_text(encoding="utf-8")
    meta = PageMeta(title="AP (The Netherlands) - AP: Boete", page_id=1, revision_id=2)
    assert isinstance(parse_page(html, meta=meta), CaseRecord)


def test_page_url_encodes_like_the_wiki() -> None:
    assert page_url("CE - N° 428451") == "https://gdprhub.eu/index.php?title=CE_-_N%C2%B0_428451"
    assert page_url("HmbBfDI (Hamburg) - H&M") == (
        "https://gdprhub.eu/index.php?title=HmbBfDI_(Hamburg)_-_H%26M"
    )
    assert page_url("A/B: c", wiki="http://127.0.0.1:8765/") == (
        "http://127.0.0.1:8765/index.php?title=A/B%3A_c"
    )


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.html", "empty file"),
        ("whitespace.html", "empty file"),
        ("not_gdprhub.html", "not a GDPRhub page"),
        ("anubis.html", "bot-challenge interstitial (Anubis)"),
        ("cloudflare.html", "bot-challenge interstitial (Cloudflare)"),
        ("truncated.html", "truncated HTML"),
        ("infobox_lacks_rows.html", "infobox lacks rows: Jurisdiction, Relevant Law"),
    ],
)
def test_bad_input_is_a_parse_error(name: str, reason: str) -> None:
    data = (FIXTURES / "bad" / name).read_bytes()
    with pytest.raises(ParseError, match=re.escape(reason)):
        parse_page(data)


def test_truncated_fragment_with_meta() -> None:
    data = (FIXTURES / "bad/truncated_fragment.html").read_text(encoding="utf-8")
    with pytest.raises(ParseError, match="truncated HTML"):
        parse_page(data, meta=FRAGMENT_META)


def test_fragment_without_meta() -> None:
    data = (FIXTURES / "pages/dpa_fragment.html").read_text(encoding="utf-8")
    with pytest.raises(ParseError, match="without metadata"):
        parse_page(data)


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 16,
        gzip.compress(b"<html><body>" + b"x" * 5000 + b"</body></html>"),
        b"\x89PNG\r\n\x1a\n" + bytes(200),
    ],
    ids=["bytes", "gzip", "png"],
)
def test_binary_junk(data: bytes) -> None:
    with pytest.raises(ParseError, match="binary"):
        parse_page(data)


def test_read_meta_and_content_html_reject_bad_input() -> None:
    with pytest.raises(ParseError, match="metadata"):
        read_meta((FIXTURES / "bad/not_gdprhub.html").read_bytes())
    with pytest.raises(ParseError, match="not a GDPRhub page"):
        content_html((FIXTURES / "bad/not_gdprhub.html").read_bytes())
    with pytest.raises(ParseError, match="bot-challenge"):
        read_meta((FIXTURES / "bad/anubis.html").read_bytes())


# -- issue 13 §1: the last field errors, as hand-made fragments (pages not in ../shared) ----


@pytest.mark.parametrize(
    ("fine", "jurisdiction", "amount", "currency"),
    [("€15,000 EUR", "Spain", 15000.0, "EUR"), ("NOK 250,000 NOK", "Norway", 250000.0, "NOK")],
)
def test_fine_naming_its_currency_twice(
    fine: str, jurisdiction: str, amount: float, currency: str
) -> None:
    """Pages 3614 and 3636."""
    r = parse_decision({"Fine": fine, "Jurisdiction": jurisdiction})
    assert (r.fine_amount, r.fine_currency, r.fine_text, r.warnings) == (amount, currency, None, [])


def test_two_eclis_joined_by_and() -> None:
    """Page 2796."""
    r = parse_decision(
        {
            "European Case Law Identifier": "ECLI:AT:BVWG:2020:W101.2132183.1.00;<br />"
            "and ECLI:AT:BVWG:2020:W101.2132039.1.00"
        }
    )
    assert r.ecli == "ECLI:AT:BVWG:2020:W101.2132183.1.00; ECLI:AT:BVWG:2020:W101.2132039.1.00"


def test_bracketed_and_unrendered_gdpr_citations() -> None:
    """Pages 5312 (`[6 GDPR]`), `[5(1)(f) GDPR]`, 7854 (`[[Article 58 GDPR#2b|]]`)."""
    r = parse_decision(
        {"Relevant Law": "[6 GDPR]<br />[5(1)(f) GDPR]<br />[[Article 58 GDPR#2b|]]"}
    )
    assert r.relevant_law == ["[6 GDPR]", "[5(1)(f) GDPR]", "Article 58 GDPR#2b"]
    assert r.gdpr_provisions == ["6", "5(1)(f)", "58(2)(b)"]
    assert r.gdpr_articles == [5, 6, 58]


def test_uk_gdpr_is_its_own_law() -> None:
    """Page 6347: UK GDPR provisions are kept apart from the EU GDPR's articles."""
    r = parse_decision(
        {
            "Jurisdiction": "United Kingdom",
            "Relevant Law": "Article 2(1)(a) UK GDPR<br />Article 3(2A) UK GDPR<br />"
            "Article 6 GDPR",
        }
    )
    assert r.uk_gdpr_provisions == ["2(1)(a)", "3(2A)"]
    assert (r.gdpr_articles, r.gdpr_provisions) == ([6], ["6"])


def test_broken_source_link_keeps_the_whole_visible_text() -> None:
    """Page 6337: `[url [2023] EWCA Civ 1141 (in English)]` renders the link "[2023" + text."""
    r = parse_decision(
        {
            "Original Source": '<a class="external text" href="https://example.org/j">[2023</a>'
            " EWCA Civ 1141 (in English)]"
        }
    )
    assert [(s.name, s.url) for s in r.original_sources] == [
        ("2023 EWCA Civ 1141 (in English)", "https://example.org/j")
    ]


def test_bare_fine_takes_the_summary_currency() -> None:
    """Page 5214: Romania, infobox `10,000`, summary "fined it €10,000": EUR, not RON."""
    r = parse_decision(
        {"Jurisdiction": "Romania", "Fine": "10,000"},
        "The Romanian DPA fined it €10,000 for the breach.",
    )
    assert (r.fine_amount, r.fine_currency, r.warnings) == (10000.0, "EUR", [])
    # Without the amount in the summary the jurisdiction's currency stays.
    r = parse_decision({"Jurisdiction": "Romania", "Fine": "10,000"}, "A fine was imposed.")
    assert r.fine_currency == "RON"
    # A currency written in the infobox is never replaced.
    r = parse_decision({"Jurisdiction": "Romania", "Fine": "10,000 RON"}, "fined it €10,000")
    assert r.fine_currency == "RON"


def test_control_characters_never_reach_the_record() -> None:
    """Issue 10 §6: CSI colours, OSC titles and hyperlinks, BEL, C1 CSI from page text."""
    esc = "\x1b[31mred\x1b[0m \x1b]0;title\x07 \x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \x9b1m"
    padding = "words " * 700  # past the first 4 KB, where many controls mean a binary file
    r = parse_page(
        decision({"Parties": "ACME\x1b[1m", "Fine": "1,000 EUR"}, f"{padding}Facts{esc}\ttab"),
        PageMeta(title=f"Testhub{esc} - 1", page_id=9100, revision_id=7),
    )
    assert isinstance(r, CaseRecord)
    texts = [r.title, r.facts or "", *r.parties, json.dumps(r.to_dict(), ensure_ascii=False)]
    for text in texts:
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", text), text
    assert r.parties == ["ACME[1m"]
    assert r.title == "Testhub[31mred[0m ]0;title ]8;;http://x\\link]8;;\\ 1m - 1"
