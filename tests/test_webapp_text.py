"""Scraped text made safe for Streamlit markdown (webapp/text.py)."""

from __future__ import annotations

from gdprkb.webapp.text import (
    md_escape,
    md_link,
    nowrap,
    paragraphs,
    plural,
    safe_url,
    snippet_markdown,
)


def test_md_escape_disarms_markdown_and_streamlit_directives() -> None:
    assert md_escape("**bold** [x](y) $a$ :red[z] <b>") == (
        r"\*\*bold\*\* \[x\](y) \$a\$ \:red\[z\] \<b\>"
    )
    assert md_escape(None) == ""
    # Ordinary legal punctuation stays readable.
    assert md_escape("KMD A/S, Art 5(1)(f); 'x'") == "KMD A/S, Art 5(1)(f); 'x'"


def test_snippet_matches_become_bold_and_the_rest_is_escaped() -> None:
    html = 'the <b class="match term0">video</b> &lt;script&gt; <mark>surveil</mark>lance *x*'
    assert snippet_markdown(html) == r"the **video** \<script\> **surveil**lance \*x\*"


def test_snippet_drops_any_other_tag_and_keeps_spaces_outside_bold() -> None:
    assert snippet_markdown('<a href="javascript:x()">click</a>') == "click"
    assert snippet_markdown("a<b> word </b>b") == "a **word** b"
    assert snippet_markdown(None) == ""


def test_only_http_links_survive() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("data:text/html,x") is None
    assert safe_url("https://gdprhub.eu/index.php?title=A_(B) c") == (
        "https://gdprhub.eu/index.php?title=A_(B)%20c"
    )
    assert md_link("x", "javascript:alert(1)") == "x"
    assert md_link("GDPRhub", "https://gdprhub.eu/x") == "[GDPRhub](<https://gdprhub.eu/x>)"


def test_paragraphs() -> None:
    assert paragraphs("a\n\nb\nc ") == ["a", "b", "c"]
    assert paragraphs(None) == []


def test_scraped_icons_and_bare_urls_stay_text() -> None:
    out = md_escape("See :material/warning: at http://evil.example/x or www.evil.example")
    # Streamlit matches these after markdown parsing: the patterns must not survive intact.
    plain = out.replace("\\", "")
    assert ":material/" not in plain and "http://" not in plain and "www." not in plain
    assert (
        plain.replace("\u2060", "")
        == "See :material/warning: at http://evil.example/x or www.evil.example"
    )


def test_plural_and_unbreakable_dates() -> None:
    assert plural(1, "decision") == "1 decision" and plural(1234, "case") == "1,234 cases"
    assert nowrap("2021-05-12") == "2021\u201105\u201112"
