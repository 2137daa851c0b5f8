"""Scraped text made safe for Streamlit markdown: escaped, never injected as HTML.

Streamlit's markdown interprets `*`, `[..](..)`, `$..$` (LaTeX) and `:color[..]` directives, so
scraped text is backslash-escaped before display, and the index's highlighted snippet HTML is
turned into markdown (matches in bold) instead of being rendered with unsafe_allow_html.
"""

from __future__ import annotations

import re
import urllib.parse
from html.parser import HTMLParser

from gdprkb.corpus.present import fine_label

__all__ = ["fine_label", "md_escape", "md_link", "paragraphs", "safe_url", "snippet_markdown"]

# Every character markdown or Streamlit's extensions ($ math, :emoji:, :color[...]) give a
# meaning to; CommonMark lets any ASCII punctuation be backslash-escaped. Commas, quotes,
# slashes and parentheses (inert once `[` is escaped) are left readable.
_PUNCT = re.compile(r"([\\`*_{}\[\]<>#+\-.!|$~:^=&])")
_HIGHLIGHT_TAGS = {"b", "strong", "mark", "em"}
# Streamlit turns `:material/name:` into an icon and bare `http://…` or `www.…` into links
# after markdown parsing, so backslashes cannot stop them: an invisible WORD JOINER splits
# each pattern, and the text still reads (and wraps) the same.
_JOINER = "\u2060"
_UNLINK = re.compile(r"(?i)\b(https?(?=://)|www(?=\.)|ftp(?=://))|(:)(?=material/)")


def _unlink(text: str) -> str:
    return _UNLINK.sub(lambda m: (m.group(1) or m.group(2)) + _JOINER, text)


def md_escape(text: str | None) -> str:
    """`text` as literal markdown: markdown-active characters escaped, icons and autolinks off."""
    if not text:
        return ""
    return _PUNCT.sub(r"\\\1", _unlink(text))


class _Snippet(HTMLParser):
    """Collects (text, highlighted) runs; tags other than the highlight tags are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[tuple[str, bool]] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIGHLIGHT_TAGS:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIGHLIGHT_TAGS and self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        self.runs.append((data, self.depth > 0))


def snippet_markdown(snippet_html: str | None) -> str:
    """The index's snippet HTML as safe markdown: matches in bold, all other text escaped."""
    if not snippet_html:
        return ""
    parser = _Snippet()
    parser.feed(snippet_html)
    parser.close()
    out: list[str] = []
    for text, hit in parser.runs:
        text = re.sub(r"\s+", " ", text)
        core = text.strip()
        if hit and core:
            # `** word**` is not bold in CommonMark: keep the spaces outside the markers.
            lead = " " if text[:1].isspace() else ""
            trail = " " if text[-1:].isspace() else ""
            out.append(f"{lead}**{md_escape(core)}**{trail}")
        else:
            out.append(md_escape(text))
    return "".join(out).strip()


def paragraphs(text: str | None) -> list[str]:
    """A text section split into its paragraphs (blank-line or newline separated)."""
    if not text:
        return []
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def safe_url(url: str | None) -> str | None:
    """An http(s) URL made safe for a markdown link target, or None for anything else."""
    if not url:
        return None
    url = url.strip()
    if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    # Inside <...> a markdown link target may hold parentheses but not <, > or spaces.
    return urllib.parse.quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def md_link(label: str, url: str | None) -> str:
    """A markdown link with an escaped label, or just the escaped label when the URL is unsafe."""
    target = safe_url(url)
    return f"[{md_escape(label)}](<{target}>)" if target else md_escape(label)


def nowrap(text: str | None) -> str:
    """Escaped text that never breaks across lines at its hyphens (dates: 2021‑05‑12)."""
    return md_escape(text).replace("\\-", "\u2011")


def plural(n: int, noun: str) -> str:
    """`1 decision`, `2 decisions` (counts with thousands separators)."""
    return f"{n:,} {noun if n == 1 else noun + 's'}"
