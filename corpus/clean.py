"""Cleaning one scraped value: whitespace, invisible marks, nulls, placeholders, facet casing.

Pure string functions; the HTML side (cells, links, <br> splitting) lives in corpus/infobox.py.
"""

from __future__ import annotations

import re

# Values GDPRhub editors use for "nothing here"; compared after casefold and stripping.
NULL_VALUES = frozenset({"", "n/a", "n.a.", "na", "none", "unknown", "-", "–", "—", "/", "?"})

# Template placeholders: a parameter left unfilled renders as "{{{Name}}}", "[[:Category:|]]".
_PARAM = re.compile(r"\{\{\{[^{}]*\}\}\}")
_WIKILINK = re.compile(r"\[\[[^\[\]]*\]\]")
_WORD = re.compile(r"\w")

# GDPRhub's section boilerplate, e.g. "Add you comment here!", "Share your comments here!",
# "Share blogs or news articles here!", "Feel free to add your comment here", "Share your views
# here!", "You can share your comment here!".
_PLACEHOLDER = re.compile(
    r"^\W*(?:(?:please|feel\s+free\s+to|you\s+(?:can|may)|kindly)\s+)*"
    r"(?:add|share|insert|write|put|enter|type|post)\s+"
    r"(?:(?:you|your|the|a|an|any|some|further|additional|more)\s+)*"
    r"(?:comments?|blogs?|news|articles?|facts?|summary|holding|dispute|text|thoughts?|views?|"
    r"opinions?|notes?|analysis|resources?|links?)\b[^.!?]{0,40}?\s+here\W*$",
    re.IGNORECASE,
)
# Unfinished-work markers: "TBD", "To be added", "to be completed", "Machine translation to be
# added.", and punctuation-only leftovers such as ",".
_TODO = re.compile(
    r"^\W*(?:(?:machine\s+)?(?:translation|summary|text)\s+)?(?:tbd|tba|todo|"
    r"to\s+be\s+(?:added|completed|done|provided|translated|updated|written|inserted)|"
    r"coming\s+soon|work\s+in\s+progress)?\W*$",
    re.IGNORECASE,
)

# Invisible marks editors paste in: LRM/RLM, zero-width space/joiners, BOM, soft hyphen.
INVISIBLE_CHARS = "\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad"
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARS}]")
# Control characters other than tab, newline and the other whitespace the callers collapse
# (CR, VT, FF): ESC, BEL, C1's CSI... would drive a terminal (colours, titles, hyperlinks).
# NUL is left alone: lxml never yields one, and sections.py uses it as its paragraph mark.
CONTROL_CHARS = "\x01-\x08\x0e-\x1f\x7f-\x9f"
_CONTROL = re.compile(f"[{CONTROL_CHARS}]")
_UNWANTED = re.compile(f"[{CONTROL_CHARS}{INVISIBLE_CHARS}]")


def strip_controls(text: str) -> str:
    """Drop control characters other than tab and newline (and the whitespace ones)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def strip_invisible(text: str) -> str:
    """Drop invisible marks and control characters (other than tab and newline)."""
    if text.isascii():
        # One C-speed scan; ASCII text has no invisible marks, only maybe controls.
        return _CONTROL.sub("", text) if _CONTROL.search(text) else text
    if len(text) < 2000:
        return _UNWANTED.sub("", text)
    # On long texts a few substring scans and one control scan beat one regex substitution.
    if _CONTROL.search(text) or any(ch in text for ch in INVISIBLE_CHARS):
        return _UNWANTED.sub("", text)
    return text


def clean(text: str | None) -> str:
    """Collapse whitespace (incl. NBSP) and drop invisible marks."""
    if not text:
        return ""
    # str.split() knows Unicode whitespace and is several times faster than a regex here.
    return " ".join(strip_invisible(text).split())


def is_placeholder(text: str) -> bool:
    """True for GDPRhub's 'Add your comment here!' style boilerplate or template debris."""
    return is_clean_placeholder(clean(text))


def is_clean_placeholder(t: str) -> bool:
    """is_placeholder for text already through clean()."""
    if ("{{{" in t or "[[" in t) and not _WORD.search(_WIKILINK.sub("", _PARAM.sub("", t))):
        return True  # nothing but unfilled parameters and empty links
    # Every placeholder is a short line; long paragraphs skip the regexes.
    return len(t) < 120 and bool(_PLACEHOLDER.match(t) or _TODO.match(t))


# Wiki links an editor's typo left unrendered: "[[:Category:LAG Düsseldorf [Germany]|LAG
# Düsseldorf [Germany]]]" -> its label; "[[ ZSPU.421.3.2019]]" -> "ZSPU.421.3.2019".
_CATEGORY_TAG = re.compile(r"\[\[Category:[^\]]*\]\]", re.IGNORECASE)
_RAW_WIKILINK = re.compile(
    r"\[\[:?(?:((?:(?!\]\]|\[\[)[^|{}])*)\|)?((?:(?!\[\[)[^{}|])*?)\]\](?!\])"
)


def _link_label(m: re.Match[str]) -> str:
    """A raw link's label; an empty one after a pipe ("[[Article 58 GDPR#2b|]]") is its target
    without the namespace, as MediaWiki's pipe trick would show it."""
    target, label = m.group(1), m.group(2)
    if label.strip() or not target:
        return label
    target = target.split(":", 1)[1] if ":" in target else target
    return target.strip()


def unwiki(text: str) -> str:
    """The label of an unrendered [[target|label]] wiki link (text without one is unchanged)."""
    if "[[" not in text:
        return text
    # "[[Category:X]]" (no leading colon) files the page in a category and renders nothing.
    text = _RAW_WIKILINK.sub(_link_label, _CATEGORY_TAG.sub("", text))
    # "[[<bare link>] ZSPU.421.3.2019]": a mistyped external link around a value.
    return text.strip().strip("[] ") if text.lstrip().startswith("[[") else text


def nullify(text: str | None) -> str | None:
    """The cleaned value, or None for empty / n/a / None / Unknown / placeholders."""
    t = clean(unwiki(text)) if text else ""
    # In an infobox value any unfilled "{{{Parameter}}}" means the template was left unfilled.
    if t.casefold() in NULL_VALUES or "{{{" in t or is_clean_placeholder(t):
        return None
    return t


# Facet words kept lower case inside a Title Cased value ("Violation found" -> "Violation Found").
_SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to"}
)


def facet(text: str | None) -> str | None:
    """Normalise a facet value (type, outcome): nulls out, Title Case so case variants merge."""
    t = nullify(text)
    if t is None:
        return None
    words = t.rstrip(".").split(" ")
    out = []
    for i, w in enumerate(words):
        if i and w.casefold() in _SMALL_WORDS:
            out.append(w.casefold())
        elif w[:1].islower():
            out.append(w[:1].upper() + w[1:])
        else:
            out.append(w)
    return " ".join(out)
