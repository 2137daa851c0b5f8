"""From raw input to the wiki content: input checks, bot challenges, the head's metadata.

The first half of parsing (corpus/parse.py does the rest): reject what is not a usable
GDPRhub page with a plain reason, read the page's identity from the saved head, and find the
`mw-parser-output` element in one lxml parse.
"""

from __future__ import annotations

import json
import re
import threading
from urllib.parse import quote

from lxml import etree, html
from lxml.html import HtmlElement

from gdprkb.corpus.limits import check_id
from gdprkb.corpus.record import PageMeta, ParseError

DEFAULT_WIKI = "https://gdprhub.eu"

# Bot-challenge interstitials served instead of a page or an API answer (Anubis proof-of-work,
# Cloudflare, DDoS-Guard...): lower-case markers and who serves them, first match wins. The one
# list for the parser and the scraper (scraper/mediawiki.py).
CHALLENGE_MARKERS = (
    ("not a bot", "Anubis"),  # "Making sure you're not a bot!"
    ("anubis", "Anubis"),
    (".within.website", "Anubis"),
    ("just a moment...", "Cloudflare"),
    ("attention required! | cloudflare", "Cloudflare"),
    ("cf-browser-verification", "Cloudflare"),
    ("challenge-platform", "Cloudflare"),
    ("cf_chl_opt", "Cloudflare"),
    ("ddos-guard", "DDoS-Guard"),
    ("proof-of-work", "proof-of-work"),
    ("checking your browser", "browser check"),
    ("captcha", "CAPTCHA"),
)


def challenge_name(text: str) -> str | None:
    """Who serves the bot challenge `text` is ("Anubis", "Cloudflare"...), None for no challenge."""
    low = text[:20000].lower()
    return next((who for marker, who in CHALLENGE_MARKERS if marker in low), None)


PARSER_OUTPUT = "mw-parser-output"


def page_url(title: str, wiki: str = DEFAULT_WIKI) -> str:
    """Canonical address of a page: `<wiki>/index.php?title=<Title_with_underscores>`."""
    return f"{wiki.rstrip('/')}/index.php?title=" + quote(title.replace(" ", "_"), safe="/()!*~")


# C0 control characters other than tab/newline/CR/FF: plenty of them means binary, not HTML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
# One parser per thread (the app and the scraper parse in threads): lxml parsers and their
# error logs are not shared safely.
_PARSERS = threading.local()


def _parser() -> html.HTMLParser:
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = html.HTMLParser(encoding="utf-8")
    return parser


# libxml2 stops building the tree below this depth and silently drops the rest of the page.
MAX_DEPTH = 256
# Compiled once, evaluated in C. A saved page has the content under #mw-content-text, which
# libxml2 finds through its ID table without scanning the document; a fragment needs the scan.
_CONTENT_CLASS = f"contains(concat(' ', normalize-space(@class), ' '), ' {PARSER_OUTPUT} ')"
_FIND_CONTENT_BY_ID = etree.XPath(f"id('mw-content-text')/div[{_CONTENT_CLASS}][1]")
_FIND_CONTENT = etree.XPath(f"(//div[{_CONTENT_CLASS}])[1]")


class RawPage:
    """The page as text (for cheap checks and the head's metadata) and as UTF-8 bytes (for lxml)."""

    def __init__(self, data: str | bytes) -> None:
        """Decode and check the input: ParseError for empty, binary or challenge pages."""
        if isinstance(data, bytes):
            raw = data
            if b"\x00" in raw[:4096]:
                raise ParseError("binary data, not an HTML page")
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise ParseError("binary data or not UTF-8 text, not an HTML page") from None
        else:
            text = data
            raw = b""
        if not text or text.isspace() or text == "\ufeff":
            raise ParseError("empty file")
        head = text[:4096]
        if len(_CONTROL.findall(head)) > 8 or "\ufffd" * 4 in head:
            raise ParseError("binary data, not an HTML page")
        if "<" not in head:
            raise ParseError("not HTML: no markup found")
        check_challenge(text)
        self.text = text
        self._raw = raw
        self.full = (
            text.find("RLCONF", 0, 200000) >= 0 or text.find('"wgArticleId"', 0, 200000) >= 0
        )

    @property
    def raw(self) -> bytes:
        """UTF-8 bytes of the page (lxml parses bytes with a known encoding fastest)."""
        if not self._raw:
            self._raw = self.text.encode("utf-8", "surrogatepass")
        return self._raw


def check_challenge(data: str) -> None:
    """ParseError when the page is a bot-challenge interstitial (Anubis, Cloudflare...)."""
    # An interstitial never carries wiki content; checking only pages without it keeps the
    # (slow, lower-casing) scan off the ingest's hot path.
    if data.find(PARSER_OUTPUT, 0, 400000) >= 0:
        return
    who = challenge_name(data)
    if who is not None:
        raise ParseError(f"bot-challenge interstitial ({who}), not the page")


def _rlconf_value(data: str, key: str) -> object:
    i = data.find(f'"{key}":')
    if i < 0:
        return None
    try:
        value, _ = _JSON.raw_decode(data, i + len(key) + 3)
    except ValueError:
        return None
    return value


_JSON = json.JSONDecoder()


def read_head(page: RawPage, wiki: str) -> PageMeta:
    """PageMeta from the RLCONF of a full page's head; ParseError when it is missing."""
    data = page.text
    page_id = _rlconf_value(data, "wgArticleId")
    # The contract's revision is wgCurRevisionId (it equals wgRevisionId, the one shown, unless
    # an old revision was saved via index.php?oldid=...).
    revision = _rlconf_value(data, "wgCurRevisionId")
    name = _rlconf_value(data, "wgPageName")
    if not isinstance(name, str):
        name = _rlconf_value(data, "wgTitle")
    cats = _rlconf_value(data, "wgCategories")
    if not isinstance(page_id, int) or not isinstance(revision, int) or not isinstance(name, str):
        raise ParseError("no MediaWiki page metadata (wgArticleId/wgCurRevisionId) in the head")
    if page_id == 0:
        raise ParseError("page does not exist on the wiki (wgArticleId 0)")
    # An id SQLite cannot hold (2^63 and up) or a negative one: this page fails, not the batch.
    check_id(page_id, "wgArticleId")
    check_id(revision, "wgCurRevisionId")
    title = name.replace("_", " ")
    categories = [c for c in cats if isinstance(c, str)] if isinstance(cats, list) else []
    return PageMeta(
        title=title,
        page_id=page_id,
        revision_id=revision,
        categories=categories,
        url=page_url(title, wiki),
    )


def content_root(page: RawPage) -> HtmlElement:
    """The mw-parser-output element of a full page or fragment; ParseError if truncated/absent."""
    data = page.text
    if PARSER_OUTPUT not in data:
        raise ParseError("not a GDPRhub page: no MediaWiki content (mw-parser-output)")
    if page.full:
        if (
            data.rfind("</html>", len(data) - 4096) < 0
            and data.rfind("</HTML>", len(data) - 4096) < 0
        ):
            raise ParseError("truncated HTML: the page does not end with </html>")
    else:
        check_balanced(data)
    content = _content_slice(page.raw) if page.full else page.raw
    parser = _parser()
    try:
        if content is None:
            doc = html.document_fromstring(page.raw, parser=parser)
        else:
            doc = html.fragment_fromstring(content, create_parent="div", parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise ParseError(f"unparseable HTML: {e}") from None
    if any("Excessive depth" in e.message for e in parser.error_log):
        # The rest of the page (its Facts, Holding...) is missing from the tree: storing it
        # would be a case with empty sections that looks complete.
        raise ParseError(
            f"too deeply nested: elements nest more than {MAX_DEPTH} levels deep, so the page"
            " cannot be read whole"
        )
    found = _FIND_CONTENT_BY_ID(doc) if content is None else None
    if not found:
        found = _FIND_CONTENT(doc)
    if isinstance(found, list) and found and isinstance(found[0], HtmlElement):
        return found[0]
    raise ParseError("not a GDPRhub page: no MediaWiki content (mw-parser-output)")


# Where a saved MediaWiki page's content starts and where the skin resumes after it.
_CONTENT_START = b'<div class="mw-parser-output"'
_CONTENT_END = b'<div class="printfooter"'


def _content_slice(raw: bytes) -> bytes | None:
    """The bytes from the content div to the skin's footer, or None for another layout.

    Parsing just this is the fragment case (so full page and action=parse agree by
    construction) and takes a third of the time of the whole page: the skin's head and
    navigation are most of libxml2's work.
    """
    start = raw.find(_CONTENT_START)
    if start < 0:
        return None
    end = raw.find(_CONTENT_END, start)
    return raw[start:end] if end > start else None


def check_balanced(fragment: str) -> None:
    """A fragment cut short leaves tables/divs unclosed (lxml would silently close them)."""
    low = fragment.lower()
    for tag in ("table", "div"):
        opened = len(re.findall(rf"<{tag}[\s>]", low))
        closed = low.count(f"</{tag}>")
        if opened > closed:
            raise ParseError(f"truncated HTML: {opened - closed} <{tag}> element(s) never closed")
