"""Parse a rendered GDPRhub page into a CaseRecord, an ArticlePage or a NotADecision.

Accepts a full saved page (`index.php?title=...`, metadata in the head's RLCONF) or the
`action=parse` fragment (the `mw-parser-output` HTML, metadata given beside it). Pure: no I/O.
Both forms give equal records: everything is read from the `mw-parser-output` element.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote

from lxml import etree, html
from lxml.html import HtmlElement

from corpus import infobox, sections
from corpus.fields import clean, facet, gdpr_provisions, parse_date, parse_ecli, parse_fine
from corpus.record import (
    Appeal,
    ArticlePage,
    CaseRecord,
    Kind,
    NotADecision,
    PageMeta,
    ParsedPage,
    ParseError,
)

DEFAULT_WIKI = "https://gdprhub.eu"

# Bot-challenge interstitials served instead of the page (Anubis proof-of-work, Cloudflare).
_CHALLENGE_MARKERS = (
    ("making sure you&#39;re not a bot", "Anubis"),
    ("making sure you're not a bot", "Anubis"),
    ("making sure you’re not a bot", "Anubis"),
    ("anubis_challenge", "Anubis"),
    ("within.website/x/cmd/anubis", "Anubis"),
    ("/.within.website/", "Anubis"),
    ("<title>just a moment...</title>", "Cloudflare"),
    ("cf-browser-verification", "Cloudflare"),
    ("challenge-platform", "Cloudflare"),
    ("cf_chl_opt", "Cloudflare"),
    ("ddos-guard", "DDoS-Guard"),
    ("<title>attention required! | cloudflare</title>", "Cloudflare"),
    ("checking your browser before accessing", "browser check"),
)

# "Article 32 GDPR" - GDPRhub's article commentary pages.
_ARTICLE_TITLE = re.compile(r"^Article (\d{1,2}) GDPR$")
# "Article 74 - Tasks of the Chair" in the article page's navigation box header.
_ARTICLE_HEADING = re.compile(r"Article\s+(\d{1,2})\s*[-–—:]\s*(.+)$")

_PARSER_OUTPUT = "mw-parser-output"


def page_url(title: str, wiki: str = DEFAULT_WIKI) -> str:
    """Canonical address of a page: `<wiki>/index.php?title=<Title_with_underscores>`."""
    return f"{wiki.rstrip('/')}/index.php?title=" + quote(title.replace(" ", "_"), safe="/()!*~")


# C0 control characters other than tab/newline/CR/FF: plenty of them means binary, not HTML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_UTF8_PARSER = html.HTMLParser(encoding="utf-8")
# Compiled once; evaluated in C (a Python loop over every div is measurably slower).
_FIND_CONTENT = etree.XPath(
    f"(//div[contains(concat(' ', normalize-space(@class), ' '), ' {_PARSER_OUTPUT} ')])[1]"
)


class _Input:
    """The page as text (for cheap checks and the head's metadata) and as UTF-8 bytes (for lxml)."""

    def __init__(self, data: str | bytes) -> None:
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
        _check_challenge(text)
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


def _check_challenge(data: str) -> None:
    # An interstitial never carries wiki content; checking only pages without it keeps the
    # (slow, lower-casing) scan off the ingest's hot path.
    if data.find(_PARSER_OUTPUT, 0, 400000) >= 0:
        return
    low = data[:20000].lower()
    for marker, who in _CHALLENGE_MARKERS:
        if marker in low:
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


def _meta(page: _Input, wiki: str) -> PageMeta:
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
    if page_id <= 0:
        raise ParseError("page does not exist on the wiki (wgArticleId 0)")
    title = name.replace("_", " ")
    categories = [c for c in cats if isinstance(c, str)] if isinstance(cats, list) else []
    return PageMeta(
        title=title,
        page_id=page_id,
        revision_id=revision,
        categories=categories,
        url=page_url(title, wiki),
    )


def read_meta(html_text: str | bytes, *, wiki: str = DEFAULT_WIKI) -> PageMeta:
    """PageMeta from a full saved page's head (wgArticleId, wgCurRevisionId, wgPageName...)."""
    return _meta(_Input(html_text), wiki)


def _content_root(page: _Input) -> HtmlElement:
    """The mw-parser-output element of a full page or fragment; ParseError if truncated/absent."""
    data = page.text
    if _PARSER_OUTPUT not in data:
        raise ParseError("not a GDPRhub page: no MediaWiki content (mw-parser-output)")
    if page.full:
        if (
            data.rfind("</html>", len(data) - 4096) < 0
            and data.rfind("</HTML>", len(data) - 4096) < 0
        ):
            raise ParseError("truncated HTML: the page does not end with </html>")
    else:
        _check_balanced(data)
    try:
        if page.full:
            doc = html.document_fromstring(page.raw, parser=_UTF8_PARSER)
        else:
            doc = html.fragment_fromstring(page.raw, create_parent="div", parser=_UTF8_PARSER)
    except (etree.ParserError, ValueError) as e:
        raise ParseError(f"unparseable HTML: {e}") from None
    found = _FIND_CONTENT(doc)
    if isinstance(found, list) and found and isinstance(found[0], HtmlElement):
        return found[0]
    raise ParseError("not a GDPRhub page: no MediaWiki content (mw-parser-output)")


def _check_balanced(fragment: str) -> None:
    """A fragment cut short leaves tables/divs unclosed (lxml would silently close them)."""
    low = fragment.lower()
    for tag in ("table", "div"):
        opened = len(re.findall(rf"<{tag}[\s>]", low))
        closed = low.count(f"</{tag}>")
        if opened > closed:
            raise ParseError(f"truncated HTML: {opened - closed} <{tag}> element(s) never closed")


def content_html(html_text: str | bytes) -> str:
    """The `<div class="mw-parser-output">...</div>` of a full page (what action=parse returns)."""
    root = _content_root(_Input(html_text))
    root.tail = None
    return html.tostring(root, encoding="unicode")


def parse_page(
    html_text: str | bytes, meta: PageMeta | None = None, *, wiki: str = DEFAULT_WIKI
) -> ParsedPage:
    """Parse a full saved page or an action=parse fragment into a record."""
    page = _Input(html_text)
    if meta is None:
        if not page.full:
            if _PARSER_OUTPUT in page.text:
                raise ParseError("fragment without metadata: pass meta (page id, revision, title)")
            raise ParseError("not a GDPRhub page: no MediaWiki metadata or content")
        meta = _meta(page, wiki)
    root = _content_root(page)
    return parse_content(root, meta, wiki=wiki)


def parse_content(root: HtmlElement, meta: PageMeta, *, wiki: str = DEFAULT_WIKI) -> ParsedPage:
    """Build the record from a parsed mw-parser-output element (modified in place)."""
    url = meta.url or page_url(meta.title, wiki)
    ns = _namespace(meta.title)
    if ns:
        # Decisions live in the main namespace; a template or a user's draft may carry the
        # infobox too (unfilled or unpublished) and is not a decision.
        return NotADecision(meta.title, meta.page_id, meta.revision_id, f"{ns} namespace page")
    box = infobox.find_infobox(root)
    if box is None:
        m = _ARTICLE_TITLE.match(meta.title)
        if m:
            return _article(root, meta, int(m.group(1)), url)
        return NotADecision(meta.title, meta.page_id, meta.revision_id, "no decision infobox")
    table, cells = box
    return _case(root, table, cells, meta, url, wiki)


# MediaWiki's namespaces (and their talk pages) plus GDPRhub's project namespace.
_NAMESPACES = frozenset(
    {
        "Talk",
        "User",
        "Project",
        "GDPRhub",
        "File",
        "Image",
        "MediaWiki",
        "Template",
        "Help",
        "Category",
        "Special",
        "Media",
        "Module",
        "Form",
        "Property",
        "Widget",
    }
)


def _namespace(title: str) -> str | None:
    """The namespace prefix of a title ("Help:Editing" -> "Help"), None for the main one."""
    if ":" not in title:
        return None
    ns = title.split(":", 1)[0].strip()
    base = ns[: -len(" talk")] if ns.lower().endswith(" talk") else ns
    return ns if base in _NAMESPACES else None


_REQUIRED = ("Jurisdiction", "Relevant Law")


def _case(
    root: HtmlElement,
    table: HtmlElement,
    cells: dict[str, HtmlElement],
    meta: PageMeta,
    url: str,
    wiki: str,
) -> CaseRecord:
    missing = [k for k in _REQUIRED if k not in cells]
    if "Authority" not in cells and "Court" not in cells:
        missing.insert(0, "Authority or Court")
    if missing:
        raise ParseError("decision infobox lacks rows: " + ", ".join(missing))
    kind: Kind = "dpa" if "Authority" in cells else "court"
    get = cells.get
    jurisdiction = infobox.text(get("Jurisdiction"))
    relevant_law = infobox.values(get("Relevant Law"), wiki)
    provisions = [p for law in relevant_law for p in gdpr_provisions(law)]
    fine_amount, fine_currency, fine_text = parse_fine(infobox.text(get("Fine")), jurisdiction)
    if kind == "dpa":
        appeal = Appeal(to=infobox.appeal_ref(get("Appeal"), wiki, has_status=True))
    else:
        from_cell = get("Appeal from") if "Appeal from" in cells else get("Reference from")
        appeal = Appeal(
            from_=infobox.appeal_ref(from_cell, wiki, has_status=False),
            to=infobox.appeal_ref(get("Appeal to"), wiki, has_status=True),
        )
    case_cell = get("National Case Number/Name")
    if case_cell is None:
        case_cell = get("Case Number/Name")
    lang_cell = get("Original Language(s)")
    if lang_cell is None:
        lang_cell = get("Language")
    authority_cell = get("Authority") if kind == "dpa" else get("Court")
    record = CaseRecord(
        title=meta.title,
        url=url,
        page_id=meta.page_id,
        revision_id=meta.revision_id,
        kind=kind,
        authority=infobox.text(authority_cell),
        jurisdiction=jurisdiction,
        relevant_law=relevant_law,
        gdpr_articles=sorted({n for n, _ in provisions}),
        gdpr_provisions=list(dict.fromkeys(p for _, p in provisions)),
        type=facet(infobox.text(get("Type"))),
        outcome=facet(infobox.text(get("Outcome"))),
        date_started=parse_date(infobox.text(get("Started"))),
        date_decided=parse_date(infobox.text(get("Decided"))),
        date_published=parse_date(infobox.text(get("Published"))),
        fine_amount=fine_amount,
        fine_currency=fine_currency,
        fine_text=fine_text,
        parties=infobox.values(get("Parties"), wiki),
        case_number=infobox.text(case_cell),
        ecli=parse_ecli(infobox.text(get("European Case Law Identifier"))),
        original_languages=infobox.languages(lang_cell, wiki),
        original_sources=infobox.sources(get("Original Source"), wiki),
        appeal=appeal,
        categories=list(meta.categories),
    )
    _fill_sections(record, root, table)
    return record


def _fill_sections(record: CaseRecord, root: HtmlElement, table: HtmlElement) -> None:
    parent = table.getparent()
    if parent is not None:
        parent.remove(table)
    sections.strip_debris(root)
    for name, value in sections.case_sections(list(root)).items():
        setattr(record, name, value)


def _append(old: str | None, new: str | None) -> str | None:
    if not new:
        return old
    return f"{old}\n\n{new}" if old else new


def _article(root: HtmlElement, meta: PageMeta, number: int, url: str) -> ArticlePage:
    heading = None
    for th in root.iter("th"):
        m = _ARTICLE_HEADING.search(clean(th.text_content()).strip("←→ "))
        if m and int(m.group(1)) == number:
            heading = clean(m.group(2)).strip("←→ ") or None
            break
    for table in list(root.iter("table")):
        if "wikitable" in (table.get("class") or ""):
            parent = table.getparent()
            if parent is not None:
                parent.remove(table)
            break
    sections.strip_debris(root)
    legal: list[str] = []
    notes: list[str] = []
    for path, blocks in sections.split_sections(list(root)):
        top = path[0].casefold() if path else ""
        if top == "legal text":
            legal.extend(sections.paragraphs(blocks))
        elif top == "commentary":
            notes.extend([path[1]] if len(path) > 1 else [])
            notes.extend(sections.paragraphs(blocks))
    # The legal text opens with its title line, "Article 87 - Processing of the national ...".
    if legal and (m := _ARTICLE_HEADING.match(legal[0])) and int(m.group(1)) == number:
        heading = heading or clean(m.group(2))
        legal = legal[1:]
    text, commentary = sections.join(legal), sections.join(notes)
    return ArticlePage(
        title=meta.title,
        url=url,
        page_id=meta.page_id,
        revision_id=meta.revision_id,
        article=number,
        heading=heading,
        text=text,
        commentary=commentary,
        categories=list(meta.categories),
    )
