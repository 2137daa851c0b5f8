"""Plain text from MediaWiki content: debris removal, paragraphs, and the page's sections.

Text form (documented in docs/record-schema.md): paragraphs separated by a blank line ("\\n\\n");
inside a paragraph, whitespace collapsed to single spaces. A paragraph is a block element
(p, li, dd, heading, table row, div) or a line of preformatted text or a <br>-separated line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import html
from lxml.html import HtmlElement

from corpus.fields import clean, is_placeholder

# Elements whose text is never content: footnote markers "[1]", edit links, the TOC, the
# reference list, scripts, hidden helpers.
DEBRIS_XPATH = (
    ".//style | .//script | .//noscript | .//sup[contains(@class,'reference')]"
    " | .//span[contains(@class,'mw-editsection')] | .//*[@id='toc']"
    " | .//div[contains(@class,'mw-references-wrap')] | .//ol[contains(@class,'references')]"
    " | .//*[contains(@class,'printfooter')] | .//*[contains(@class,'catlinks')]"
    " | .//comment()"
)

_BLOCK = frozenset(
    {"p", "div", "li", "dd", "dt", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}
    | {"ul", "ol", "dl", "blockquote", "center", "section", "figure", "figcaption", "caption"}
)
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")

# "The decision below is a machine translation of the Danish original. Please refer to the
# Danish original for more details." - GDPRhub's fixed intro line, debris not translation.
_MT_INTRO = re.compile(
    r"^The (?:decision|judgment|text|document)s? below (?:is|are) (?:a )?machine translations? "
    r"of the .{0,80}? original\b.*?(?:for more details\.?|$)",
    re.IGNORECASE,
)


def strip_debris(root: html.HtmlElement) -> None:
    """Remove non-content elements in place, keeping their tail text."""
    for el in root.xpath(DEBRIS_XPATH):
        parent = el.getparent()
        if parent is None:
            continue
        tail = el.tail
        if tail:
            prev = el.getprevious()
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(el)


def _chunks(el: HtmlElement, out: list[str | None]) -> None:
    """Append text pieces of `el`; None marks a paragraph break."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "br":
        out.append(None)
    elif tag == "pre":
        out.append(None)
        for line in el.text_content().splitlines():
            out.append(line)
            out.append(None)
    else:
        block = tag in _BLOCK
        if block:
            out.append(None)
        if el.text and tag:
            out.append(el.text)
        for child in el:
            _chunks(child, out)
        if block:
            out.append(None)
    if el.tail:
        out.append(el.tail)


def paragraphs(elements: Iterable[HtmlElement]) -> list[str]:
    """Cleaned, non-empty paragraphs of the given elements, in order."""
    pieces: list[str | None] = []
    for el in elements:
        _chunks(el, pieces)
        pieces.append(None)
    paras: list[str] = []
    buf: list[str] = []
    for p in pieces:
        if p is None:
            if buf:
                t = clean("".join(buf))
                if t:
                    paras.append(t)
                buf = []
        else:
            buf.append(p)
    return paras


def join(paras: list[str]) -> str | None:
    """Paragraphs joined by blank lines; None when empty or only template placeholders."""
    kept = [p for p in paras if not is_placeholder(p)]
    return "\n\n".join(kept) if kept else None


def headline(el: HtmlElement) -> str:
    """The visible title of a heading element (without edit links)."""
    spans = [s for s in el.iter("span") if "mw-headline" in (s.get("class") or "")]
    return clean((spans[0] if spans else el).text_content())


def split_sections(
    children: Iterable[HtmlElement],
) -> Iterator[tuple[tuple[str, ...], list[HtmlElement]]]:
    """Yield (heading path, block elements) for each run of blocks under the same headings.

    The path is () for content before the first heading, ("English Summary", "Facts") etc.
    Headings deeper than h3 stay inside their section as paragraphs.
    """
    path: list[str] = []
    blocks: list[HtmlElement] = []
    for el in children:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("h2", "h3"):
            if blocks:
                yield tuple(path), blocks
            blocks = []
            level = int(tag[1])
            path = path[: level - 2] + [headline(el)]
            continue
        blocks.append(el)
    if blocks:
        yield tuple(path), blocks


def machine_translation(paras: list[str]) -> str | None:
    """The translation text, without GDPRhub's fixed 'machine translation of...' intro."""
    if paras and _MT_INTRO.match(paras[0]):
        paras = paras[1:]
    return join(paras)
