"""corpus.rawpage: input checks, the head's metadata and the content element."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdprkb.corpus.rawpage import RawPage, check_balanced, content_root, page_url, read_head
from gdprkb.corpus.record import ParseError

FIXTURES = Path(__file__).parent / "fixtures"


def test_full_page_head_is_read() -> None:
    page = RawPage((FIXTURES / "pages/help_page.html").read_bytes())
    assert page.full
    meta = read_head(page, "https://gdprhub.eu")
    assert (meta.title, meta.page_id, meta.revision_id, meta.categories) == (
        "Help:Editing",
        77,
        501,
        ["Help"],
    )
    assert meta.url == "https://gdprhub.eu/index.php?title=Help%3AEditing"


def test_str_and_bytes_input_agree() -> None:
    data = (FIXTURES / "pages/dpa_full.html").read_bytes()
    a, b = RawPage(data), RawPage(data.decode("utf-8"))
    assert a.text == b.text and a.raw == b.raw and a.full and b.full


def test_fragment_is_not_a_full_page() -> None:
    page = RawPage((FIXTURES / "pages/dpa_fragment.html").read_text(encoding="utf-8"))
    assert not page.full
    assert content_root(page).get("class") == "mw-parser-output"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"\xef\xbb\xbf", "empty file"),
        ("   ", "empty file"),
        (b"\xff\xfe\x00<\x00h", "binary"),
        (b"\x80\x81\x82 <html>", "binary"),
        ("just words, no markup", "not HTML"),
    ],
)
def test_unusable_input(data: str | bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        RawPage(data)


def test_missing_head_metadata() -> None:
    page = RawPage("<html><head><script>RLCONF={};</script></head><body></body></html>")
    with pytest.raises(ParseError, match="no MediaWiki page metadata"):
        read_head(page, "https://gdprhub.eu")


def test_nonexistent_page() -> None:
    page = RawPage(
        '<html><head><script>RLCONF={"wgArticleId":0,"wgCurRevisionId":0,'
        '"wgPageName":"Nope"};</script></head><body></body></html>'
    )
    with pytest.raises(ParseError, match="does not exist"):
        read_head(page, "https://gdprhub.eu")


def test_check_balanced() -> None:
    check_balanced('<div class="mw-parser-output"><table><tr><td>x</td></tr></table></div>')
    with pytest.raises(ParseError, match=r"1 <table> element\(s\) never closed"):
        check_balanced('<div class="mw-parser-output"><table><tr><td>x</td></tr></div>')


def test_page_url_keeps_slashes_and_parentheses() -> None:
    assert page_url("AEPD (Spain) - E/00647/2019") == (
        "https://gdprhub.eu/index.php?title=AEPD_(Spain)_-_E/00647/2019"
    )


def test_one_challenge_list_for_parser_and_scraper() -> None:
    """The scraper names challenges from the parser's list, not from a copy of its own."""
    from gdprkb.corpus import rawpage
    from gdprkb.scraper import mediawiki

    assert rawpage.challenge_name("<title>Making sure you're not a bot!</title>") == "Anubis"
    assert rawpage.challenge_name("<title>Just a moment...</title>") == "Cloudflare"
    assert rawpage.challenge_name("<html><p>Decision of the DPA</p></html>") is None
    assert mediawiki.challenge_name is rawpage.challenge_name
    assert not hasattr(mediawiki, "_CHALLENGES")
