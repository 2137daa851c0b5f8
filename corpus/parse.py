"""Parse a rendered GDPRhub page into a CaseRecord, an ArticlePage or a NotADecision.

Accepts a full saved page (`index.php?title=...`, metadata in the head's RLCONF) or the
`action=parse` fragment (the `mw-parser-output` HTML, metadata given beside it). Pure: no I/O.
Both forms give equal records: everything is read from the `mw-parser-output` element.
"""

from __future__ import annotations

import re

from lxml import etree, html
from lxml.html import HtmlElement

from gdprkb.corpus import checks, infobox, sections
from gdprkb.corpus.clean import clean, facet
from gdprkb.corpus.dates import parse_date
from gdprkb.corpus.ecli import parse_ecli
from gdprkb.corpus.money import amounts_in_text, read_fine, with_summary_currency
from gdprkb.corpus.provisions import GDPR, UK_GDPR, citations
from gdprkb.corpus.rawpage import (
    DEFAULT_WIKI,
    PARSER_OUTPUT,
    RawPage,
    content_root,
    page_url,
    read_head,
)
from gdprkb.corpus.record import (
    Appeal,
    ArticlePage,
    CaseRecord,
    Kind,
    NotADecision,
    PageMeta,
    ParsedPage,
    ParseError,
)

__all__ = ["DEFAULT_WIKI", "content_html", "page_url", "parse_content", "parse_page", "read_meta"]

# "Article 32 GDPR" - GDPRhub's article commentary pages.
_ARTICLE_TITLE = re.compile(r"^Article (\d{1,2}) GDPR$")
# "Article 74 - Tasks of the Chair" in the article page's navigation box header.
_ARTICLE_HEADING = re.compile(r"Article\s+(\d{1,2})\s*[-–—:]\s*(.+)$")


def read_meta(html_text: str | bytes, *, wiki: str = DEFAULT_WIKI) -> PageMeta:
    """PageMeta from a full saved page's head (wgArticleId, wgCurRevisionId, wgPageName...)."""
    return read_head(RawPage(html_text), wiki)


def content_html(html_text: str | bytes) -> str:
    """The `<div class="mw-parser-output">...</div>` of a full page (what action=parse returns)."""
    root = content_root(RawPage(html_text))
    root.tail = None
    return html.tostring(root, encoding="unicode")


def parse_page(
    html_text: str | bytes, meta: PageMeta | None = None, *, wiki: str = DEFAULT_WIKI
) -> ParsedPage:
    """Parse a full saved page or an action=parse fragment into a record."""
    page = RawPage(html_text)
    if meta is None:
        if not page.full:
            if PARSER_OUTPUT in page.text:
                raise ParseError("fragment without metadata: pass meta (page id, revision, title)")
            raise ParseError("not a GDPRhub page: no MediaWiki metadata or content")
        meta = read_head(page, wiki)
    root = content_root(page)
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
    cited = [c for law in relevant_law for c in citations(law)]
    eu = [c for c in cited if c.law == GDPR]
    fine = read_fine(infobox.text(get("Fine")), jurisdiction)
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
        gdpr_articles=sorted({c.article for c in eu}),
        gdpr_provisions=list(dict.fromkeys(c.provision for c in eu)),
        uk_gdpr_provisions=list(dict.fromkeys(c.provision for c in cited if c.law == UK_GDPR)),
        type=facet(infobox.text(get("Type"))),
        outcome=facet(infobox.text(get("Outcome"))),
        date_started=parse_date(infobox.text(get("Started"))),
        date_decided=parse_date(infobox.text(get("Decided"))),
        date_published=parse_date(infobox.text(get("Published"))),
        fine_amount=fine.amount,
        fine_currency=fine.currency,
        fine_text=fine.text,
        parties=infobox.values(get("Parties"), wiki),
        case_number=infobox.text(case_cell),
        ecli=parse_ecli(infobox.text(get("European Case Law Identifier"))),
        original_languages=infobox.languages(lang_cell, wiki),
        original_sources=infobox.sources(get("Original Source"), wiki),
        appeal=appeal,
        categories=list(meta.categories),
    )
    as_of = rendered_on(root)
    _fill_sections(record, root, table)
    summary = "\n".join(t for t in (record.lead, record.facts, record.dispute, record.holding) if t)
    mentions = amounts_in_text(summary, jurisdiction)
    # A bare number ("10,000") takes the currency the summary states that sum in.
    fine = with_summary_currency(fine, mentions)
    record.fine_currency = fine.currency
    record.warnings = checks.case_warnings(
        record,
        as_of=as_of,
        fine_stated=fine.stated,
        summary_currencies=[c for _, c in mentions],
    )
    return record


# MediaWiki's parser report, a comment at the end of the content of a saved page and of an
# action=parse answer alike: "Cached time: 20250829204843" (when this revision was rendered).
_CACHED_TIME = re.compile(r"Cached time:\s*(\d{4})(\d{2})(\d{2})\d{6}")


def rendered_on(root: HtmlElement) -> str | None:
    """ISO date the wiki rendered the page (its parser report), None when the page has none."""
    # The report is among the last few children; looking there keeps long pages cheap.
    for node in reversed(root[-6:]):
        if isinstance(node, etree._Comment) and (m := _CACHED_TIME.search(node.text or "")):
            return "-".join(m.groups())
    return None


def _fill_sections(record: CaseRecord, root: HtmlElement, table: HtmlElement) -> None:
    parent = table.getparent()
    if parent is not None:
        parent.remove(table)
    sections.strip_debris(root)
    for name, value in sections.case_sections(list(root)).items():
        setattr(record, name, value)


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
