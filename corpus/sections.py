"""Plain text from MediaWiki content: debris removal, paragraphs, and the page's sections.

Text form (documented in docs/record-schema.md): paragraphs separated by a blank line ("\\n\\n");
inside a paragraph, whitespace collapsed to single spaces. A paragraph is a block element
(p, li, dd, heading, table row, div) or a line of preformatted text or a <br>-separated line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from lxml import etree, html
from lxml.html import HtmlElement

from gdprkb.corpus.clean import clean, is_clean_placeholder, strip_invisible

# Elements whose text is never content: footnote markers "[1]", edit links, the TOC, the
# reference list, scripts, hidden helpers, the "[2]" counters of bare external links.
DEBRIS_XPATH = (
    ".//style | .//script | .//noscript | .//sup[contains(@class,'reference')]"
    " | .//span[contains(@class,'mw-editsection')] | .//*[@id='toc']"
    " | .//div[contains(@class,'mw-references-wrap')] | .//ol[contains(@class,'references')]"
    " | .//*[contains(@class,'printfooter')] | .//*[contains(@class,'catlinks')]"
    " | .//comment() | .//a[contains(@class,'autonumber')]"  # "[1]": a bare link's counter
)

_DEBRIS = etree.XPath(DEBRIS_XPATH)

_BLOCK = frozenset(
    {"p", "div", "li", "dd", "dt", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table"}
    | {"ul", "ol", "dl", "blockquote", "center", "section", "figure", "figcaption", "caption"}
)
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")

# "The decision below is a machine translation of the Danish original. Please refer to the
# Danish original for more details." (also "of the original", "of the ***Italian*** original")
# - GDPRhub's fixed intro sentences, debris not translation. An editor's note after them stays.
_MT_INTRO = re.compile(
    r"^The (?:decision|judgment|text|document)s? below (?:is|are) (?:a )?machine translations? "
    r"of the\b[^.]{0,80}?\boriginal\b[^.]*\.?\s*"
    r"(?:Please refer to the\b[^.]{0,80}?\boriginal\b[^.]*\.?)?\s*",
    re.IGNORECASE,
)


# Browser notices captured with the source page when it was copied, not decision text:
# "If you see this message, you do not have Javascript enabled...", "Unfortunately your
# browser cannot display frames...", "It seems you don't have the plugin configured to view...".
_MT_DEBRIS = re.compile(
    r"^(?:if you see this message, you do not have javascript|unfortunately,? your browser "
    r"(?:cannot|does not) (?:display|support) (?:i?frames|pdf)|it seems you don.t have the plugin)",
    re.IGNORECASE | re.MULTILINE,
)
_MT_DEBRIS_CLUES = ("this message", "browser", "plugin")
# A notice instead of a translation: "There is no machine translated decision available...",
# "Not available due to the format of the linked pdf."
_MT_MISSING = re.compile(
    r"^(?:there is )?(?:no (?:machine[- ]?)?translat\w*|not available|"
    r"translation (?:is )?not available)",
    re.IGNORECASE,
)


def strip_debris(root: html.HtmlElement) -> None:
    """Remove non-content elements in place, keeping their tail text."""
    found = _DEBRIS(root)
    for el in found if isinstance(found, list) else []:
        if not isinstance(el, etree._Element):
            continue
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


# Paragraph break marker inside the flattened text (lxml never yields NUL in text).
_BREAK = "\x00"


def _chunks(el: HtmlElement, out: list[str]) -> None:
    """Append text pieces of `el` to `out`, with _BREAK between paragraphs."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "br":
        out.append(_BREAK)
    elif tag == "pre":
        out.append(_BREAK)
        out.append(el.text_content().replace("\n", _BREAK))
        out.append(_BREAK)
    else:
        block = tag in _BLOCK
        if block:
            out.append(_BREAK)
        elif tag in ("td", "th"):
            out.append(" ")  # cells of one row stay one paragraph, but not glued together
        if el.text and tag:
            out.append(el.text)
        for child in el:
            _chunks(child, out)
        if block:
            out.append(_BREAK)
    if el.tail:
        out.append(el.tail)


def paragraphs(elements: Iterable[HtmlElement]) -> list[str]:
    """Cleaned, non-empty paragraphs of the given elements, in order."""
    pieces: list[str] = []
    for el in elements:
        _chunks(el, pieces)
        pieces.append(_BREAK)
    # One pass over the whole section instead of a clean() call per line: translations have
    # thousands of lines and this is the parser's hot loop.
    text = strip_invisible("".join(pieces))
    if "&#1" in text:
        # Escaped line-end references pasted with a source ("LIST&#13;") are encoding debris.
        text = text.replace("&#13;", " ").replace("&#10;", " ")
    # str.split() knows Unicode whitespace and beats any regex here (measured).
    return [p for p in (" ".join(q.split()) for q in text.split(_BREAK)) if p]


def join(paras: list[str]) -> str | None:
    """Paragraphs joined by blank lines; None when empty or only template placeholders."""
    # Placeholders are short one-liners; long texts (translations) need no per-line check.
    kept = paras if len(paras) > 8 else [p for p in paras if not is_clean_placeholder(p)]
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
        if tag == "div" and "mw-heading" in (el.get("class") or ""):
            # MediaWiki 1.43+ wraps headings: <div class="mw-heading mw-heading2"><h2>...
            inner = next((h for h in el if h.tag in ("h2", "h3")), None)
            if inner is not None:
                el, tag = inner, str(inner.tag)
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


# Which record field a heading's section fills. Checked in order on the h3, then the h2.
_FIELD_PATTERNS = (
    ("facts", re.compile(r"^(?:fact|background)")),  # also "Factsc", a typo on a real page
    ("dispute", re.compile(r"^(?:dispute|questions?\b|issues?\b|legal questions?)")),
    ("holding", re.compile(r"^(?:holdings?|content of the opinion)\b")),
    ("comment", re.compile(r"^(?:comments?|commentary|remarks?)$")),
    (
        "machine_translation",
        re.compile(r"^(?:english (?:machine )?translation|official english text|machine transl)"),
    ),
)
_SUMMARY = "english summary"


def _field_of(heading: str) -> str | None:
    h = heading.casefold().strip(" :")
    for name, pattern in _FIELD_PATTERNS:
        if pattern.match(h):
            return name
    return None


def case_sections(children: list[HtmlElement]) -> dict[str, str | None]:
    """The text fields of a decision page (lead, facts, dispute, holding, comment, translation).

    Content before the first heading is the lead. Under 'English Summary', h3 'Facts' /
    'Dispute' / 'Holding' (and their variants) fill their fields; an h3 that is none of them
    (e.g. 'Advocate General Opinion') continues the previous field with its title as a paragraph;
    summary text before any h3 counts as facts.
    Sections the record has no field for ('Further Resources', 'Original Text') are skipped.
    """
    found: dict[str, list[str]] = {}
    last: str | None = None
    for path, blocks in split_sections(children):
        paras = paragraphs(blocks)
        field: str | None
        heading: str | None
        if not path:
            field, heading = "lead", None
        else:
            in_summary = path[0].casefold() == _SUMMARY
            top = "facts" if in_summary else _field_of(path[0])
            sub = _field_of(path[1]) if len(path) > 1 else None
            if sub:
                field, heading = sub, None
            elif len(path) > 1:
                field = (last or top) if in_summary else top
                heading = path[1]
            else:
                field, heading = top, None
        if field is None:
            if path and path[0].casefold() != _SUMMARY:
                last = None
            continue
        if heading:
            paras = [heading, *paras]
        found.setdefault(field, []).extend(paras)
        last = field
    out: dict[str, str | None] = {}
    for name, paras in found.items():
        out[name] = machine_translation(paras) if name == "machine_translation" else join(paras)
    return out


def machine_translation(paras: list[str]) -> str | None:
    """The translation text, without GDPRhub's fixed 'machine translation of...' intro."""
    # Editors sometimes paste the intro into the translation too: strip it as often as it leads.
    while paras and (m := _MT_INTRO.match(paras[0])):
        note = paras[0][m.end() :]
        paras = [note, *paras[1:]] if note else paras[1:]
    text = join(paras)
    if text and any(clue in text for clue in _MT_DEBRIS_CLUES) and _MT_DEBRIS.search(text):
        paras = [p for p in paras if not _MT_DEBRIS.match(p)]
        text = join(paras)
    if len(paras) == 1 and _MT_MISSING.match(paras[0]):
        return None
    return text
