"""corpus.infobox: cells split into values, languages, sources and appeal steps."""

from __future__ import annotations

import pytest
from lxml import html

from gdprkb.corpus.infobox import appeal_ref, find_infobox, languages, sources, values
from gdprkb.corpus.record import AppealRef

WIKI = "https://gdprhub.eu"
CAT = '<a href="/index.php?title=Category:{0}" title="Category:{0}">{0}</a>'


def element(fragment: str) -> html.HtmlElement:
    """A small HTML snippet parsed inside a <div>."""
    return html.fragment_fromstring(fragment, create_parent="div")


def cell(inner: str):
    return element(f"<table><tr><td>X:</td><td>{inner}</td></tr></table>").find(".//td[2]")


def test_values_split_on_br_and_drop_nulls() -> None:
    assert values(
        cell("KMD A/S<br />Unknown<br/> <a href='https://x.example/'>Y  Ltd</a>"), WIKI
    ) == [
        "KMD A/S",
        "Y Ltd",
    ]


def test_languages_dedupe() -> None:
    html = CAT.format("German") + " " + CAT.format("German") + "<br />" + CAT.format("English")
    assert languages(cell(html), WIKI) == ["German", "English"]


def test_unlinked_languages_are_split() -> None:
    assert languages(cell("German, English<br />French and Dutch"), WIKI) == [
        "German",
        "English",
        "French",
        "Dutch",
    ]
    assert languages(cell(CAT.format("Catalan, Valencian")), WIKI) == ["Catalan, Valencian"]


def test_sources_absolute_urls_and_bare_links() -> None:
    html = (
        '<a class="external text" href="/images/a/ab/Decisión.pdf">DPA (in ES)</a><br />'
        '<a class="external autonumber" href="https://x.example/d">[1]</a><br />Not online'
        "<br />https://typed.example/x"
    )
    assert [(s.name, s.url) for s in sources(cell(html), WIKI)] == [
        ("DPA (in ES)", "https://gdprhub.eu/images/a/ab/Decisi%C3%B3n.pdf"),
        ("https://x.example/d", "https://x.example/d"),
        ("Not online", None),
        ("https://typed.example/x", "https://typed.example/x"),
    ]


@pytest.mark.parametrize(
    ("inner", "has_status", "ref"),
    [
        ("n/a", True, None),
        ("Unknown<br />", True, None),
        ("Not appealed<br />", True, AppealRef(status="Not appealed")),
        (
            "Reversed<br />" + CAT.format("VwGH (Austria)") + '<br /><a class="external text" '
            'href="https://ris.example/1">Ro 2021/04/0010</a>',
            True,
            AppealRef("Reversed", "VwGH (Austria)", "Ro 2021/04/0010", "https://ris.example/1"),
        ),
        (
            'Appealed - Overturned<br /><a class="external text" href="https://a.example/">RR/1</a>',
            True,
            AppealRef("Appealed - Overturned", None, "RR/1", "https://a.example/"),
        ),
        (
            CAT.format("DSB (Austria)") + "<br />DSB-D213.1020",
            False,
            AppealRef(None, "DSB (Austria)", "DSB-D213.1020"),
        ),
        ("<br />I AZR 253/20 (A)", False, AppealRef(case_number="I AZR 253/20 (A)")),
        (CAT.format("DSB (Austria)") + "<br />unknown", False, AppealRef(body="DSB (Austria)")),
    ],
)
def test_appeal_ref(inner: str, has_status: bool, ref: AppealRef | None) -> None:
    assert appeal_ref(cell(inner), WIKI, has_status=has_status) == ref


def test_find_infobox_needs_decision_labels() -> None:
    other = element('<table class="wikitable"><tr><td>Type:</td><td>x</td></tr></table>')
    assert find_infobox(other) is None
    dpa_info = element(
        '<table class="wikitable"><tr><td>Jurisdiction:</td><td>Denmark</td></tr>'
        "<tr><td>Website:</td><td>datatilsynet.dk</td></tr></table>"
    )
    assert find_infobox(dpa_info) is None  # a DPA's own info box, not a decision
    box = element(
        '<table class="wikitable"><tr><td>Key</td><td>v</td></tr></table>'
        '<table class="wikitable"><tr><td>Authority:</td><td>DPA</td></tr>'
        "<tr><td>Outcome:</td><td>Upheld</td></tr></table>"
    )
    found = find_infobox(box)
    assert found is not None and list(found[1]) == ["Authority", "Outcome"]
    only_law = element('<table class="wikitable"><tr><td>Relevant Law:</td><td>x</td></tr></table>')
    assert find_infobox(only_law) is not None


def test_source_with_a_bare_url_keeps_its_name() -> None:
    """Page 6117: a free link then the label as text: the label names it, the link is its URL."""
    url = "https://www.dataprotection.ie/d.pdf"
    c = cell(f'[<a class="external free" href="{url}">{url}</a> Irish DPA (in EN)]')
    assert [(s.name, s.url) for s in sources(c, WIKI)] == [("Irish DPA (in EN)", url)]


def test_source_cut_at_a_bracket_keeps_its_name() -> None:
    """Page 2667: `[url [SOVS] ...]` renders the link "[SOVS" followed by the rest."""
    c = cell('<a class="external text" href="https://example.org/s">[SOVS</a> 2021/12 (in SL)]')
    assert [(s.name, s.url) for s in sources(c, WIKI)] == [
        ("SOVS 2021/12 (in SL)", "https://example.org/s")
    ]
