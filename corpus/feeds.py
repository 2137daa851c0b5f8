"""Atom 1.0 feeds of decisions (an alert's new decisions), written atomically.

Feed readers and mail-to-feed tools are how lawyers already follow sources. Each entry is one
decision: a stable id per page (its `curid` address on GDPRhub, which survives renames), the
title, a link to the GDPRhub page, when gdprkb found it, the lead as summary. The case texts
are GDPRhub's, by noyb, under CC BY-NC-SA 4.0: the feed carries the licence and attribution.
"""

from __future__ import annotations

import os
import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from gdprkb.corpus.record import CaseRecord

ATOM = "http://www.w3.org/2005/Atom"
LICENCE_URL = "https://creativecommons.org/licenses/by-nc-sa/4.0/"
ATTRIBUTION = (
    "Decision summaries from GDPRhub (https://gdprhub.eu) by noyb – European Center for Digital"
    " Rights and the GDPRhub contributors, licensed under CC BY-NC-SA 4.0"
    f" ({LICENCE_URL}). Collected by gdprkb."
)
WIKI = "https://gdprhub.eu"
MAX_ENTRIES = 100
# XML 1.0 allows no C0 control character but tab, newline and carriage return.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Entry:
    """One decision in a feed, with when it was found new (ISO time, UTC)."""

    case: CaseRecord
    found: str


def entry_id(page_id: int) -> str:
    """The stable id of a decision's entry: its page-id address on GDPRhub."""
    return f"{WIKI}/index.php?curid={int(page_id)}"


def _text(value: object) -> str:
    return _NOT_XML.sub("", str(value or ""))


def _link(url: str, page_id: int) -> str:
    """The entry's link: the record's URL when it is a plain web address, else the curid one."""
    return url if urlsplit(url).scheme in ("http", "https") else entry_id(page_id)


def atom_feed(
    feed_id: str, title: str, subtitle: str, updated: str, entries: Iterable[Entry]
) -> bytes:
    """An Atom 1.0 document (UTF-8) of up to MAX_ENTRIES decisions, newest first as given."""
    ET.register_namespace("", ATOM)

    def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            el.text = _text(text)
        return el

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "subtitle", subtitle)
    sub(feed, "updated", updated)
    author = sub(feed, "author")
    sub(author, "name", "noyb – GDPRhub contributors")
    sub(author, "uri", WIKI)
    sub(feed, "rights", ATTRIBUTION)
    sub(feed, "link", rel="license", href=LICENCE_URL)
    sub(feed, "link", rel="via", href=WIKI)
    sub(feed, "generator", "gdprkb")
    for e in list(entries)[:MAX_ENTRIES]:
        c = e.case
        entry = sub(feed, "entry")
        sub(entry, "id", entry_id(c.page_id))
        sub(entry, "title", c.title)
        sub(entry, "link", rel="alternate", type="text/html", href=_link(c.url, c.page_id))
        sub(entry, "updated", e.found)
        facts = [c.authority, c.jurisdiction, c.date_decided]
        lead = c.lead or " · ".join(str(f) for f in facts if f) or c.title
        sub(entry, "summary", lead, type="text")
        for term in (c.jurisdiction, c.authority):
            if term:
                sub(entry, "category", term=_text(term))
        sub(entry, "rights", ATTRIBUTION)
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file so a reader sees the old or the new one whole, never half of either."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
