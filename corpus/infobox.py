"""The decision infobox: find it, read its `Label: | value` rows, turn cells into values.

A cell holds several values separated by <br>; links carry names (Category:Body) and URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, unquote, urljoin

from lxml.html import HtmlElement

from gdprkb.corpus.clean import clean, nullify
from gdprkb.corpus.record import AppealRef, Source

# Labels that make a table a decision infobox (DPA, court and CJEU variants).
DECISION_LABELS = frozenset(
    {
        "Authority",
        "Court",
        "Jurisdiction",
        "Relevant Law",
        "Type",
        "Outcome",
        "Started",
        "Decided",
        "Published",
        "Fine",
        "Parties",
        "National Case Number/Name",
        "Case Number/Name",
        "European Case Law Identifier",
        "Appeal",
        "Appeal from",
        "Appeal to",
        "Reference from",
        "Original Language(s)",
        "Language",
        "Original Source",
        "Initial Contributor",
    }
)


_URL_SAFE = "!#$%&'()*+,-./:;=?@[]~_|"


# Labels only the decision template has: one of them is enough to call a table its infobox.
# ("Authority" or "Jurisdiction" alone could head a DPA's own info box, so they need company.)
STRONG_LABELS = frozenset(
    {
        "Relevant Law",
        "National Case Number/Name",
        "European Case Law Identifier",
        "Appeal from",
        "Appeal to",
        "Reference from",
        "Initial Contributor",
    }
)


@dataclass
class Segment:
    """One <br>-separated piece of a cell: its text and its links (text, href, is-category)."""

    text: str
    links: list[tuple[str, str | None, bool]]


def rows(table: HtmlElement) -> dict[str, HtmlElement]:
    """Label (no trailing colon) -> value cell, for `<td>Label:</td><td>value</td>` rows."""
    out: dict[str, HtmlElement] = {}
    for tr in table.iter("tr"):
        tds = [c for c in tr if c.tag == "td"]
        if len(tds) != 2:
            continue
        label = clean(tds[0].text_content()).rstrip(":").strip()
        if label and label not in out:
            out[label] = tds[1]
    return out


def find_infobox(root: HtmlElement) -> tuple[HtmlElement, dict[str, HtmlElement]] | None:
    """The first wikitable with decision labels (Jurisdiction, Authority/Court...) and its rows.

    One label only a decision infobox has, or two of its labels, make the table an infobox, so
    an infobox with rows missing is still found (and rejected by the caller).
    """
    for table in root.iter("table"):
        if "wikitable" not in (table.get("class") or ""):
            continue
        r = rows(table)
        labels = DECISION_LABELS.intersection(r)
        if labels & STRONG_LABELS or len(labels) >= 2:
            return table, r
    return None


def _absolute(href: str | None, wiki: str) -> str | None:
    """Absolute URL for a link target; None for in-page anchors."""
    if not href or href.startswith("#"):
        return None
    href = href[:-1] if href.endswith("#") else href
    if href.startswith(("http://", "https://")):
        return href
    if href.startswith("//"):
        return "https:" + href
    if href.startswith("/"):
        return wiki.rstrip("/") + href
    return urljoin(wiki.rstrip("/") + "/", href)


def _link(a: HtmlElement, wiki: str) -> tuple[str, str | None, bool]:
    href = a.get("href")
    title = a.get("title") or ""
    is_cat = title.startswith("Category:") or "title=Category:" in (href or "")
    href = _absolute(href, wiki)
    if href and not (href.isascii() and " " not in href):
        # Percent-encode non-ASCII, as browsers (and lxml's serialiser) do: one canonical form.
        href = quote(href.strip(), safe=_URL_SAFE)
    # A bare external link renders as "[1]" (class "autonumber"): a counter, not a label.
    label = "" if "autonumber" in (a.get("class") or "") else clean(a.text_content())
    return label, href, is_cat


def segments(cell: HtmlElement, wiki: str) -> list[Segment]:
    """The <br>-separated (and list-item) pieces of a cell.

    Empty pieces between <br>s are kept (the appeal cells are positional: `<br>case` has no
    body); trailing empty pieces are dropped.
    """
    segs: list[Segment] = []
    cur_text: list[str] = []
    cur_links: list[tuple[str, str | None, bool]] = []

    def flush(keep_empty: bool = False) -> None:
        t = clean("".join(cur_text))
        if t or cur_links or keep_empty:
            segs.append(Segment(t, list(cur_links)))
        cur_text.clear()
        cur_links.clear()

    def walk(el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "br":
            flush(keep_empty=True)
        elif tag in ("li", "p", "div"):
            flush()
            if el.text:
                cur_text.append(el.text)
            for c in el:
                walk(c)
            flush()
        elif tag == "a":
            link = _link(el, wiki)
            cur_links.append(link)
            cur_text.append(link[0])
        elif tag in ("style", "script") or not tag:
            pass
        else:
            if el.text:
                cur_text.append(el.text)
            for c in el:
                walk(c)
        if el.tail:
            cur_text.append(el.tail)

    if cell.text:
        cur_text.append(cell.text)
    for c in cell:
        walk(c)
    flush()
    while segs and not segs[-1].text and not segs[-1].links:
        segs.pop()
    return segs


def text(cell: HtmlElement | None, wiki: str = "") -> str | None:
    """The cell as one cleaned value (several lines joined by '; '), or None for null-likes."""
    if cell is None:
        return None
    return nullify("; ".join(values(cell, wiki)))


def values(cell: HtmlElement | None, wiki: str) -> list[str]:
    """One cleaned value per <br>-separated piece; null-like pieces dropped."""
    if cell is None:
        return []
    out = []
    for s in segments(cell, wiki):
        v = nullify(s.text)
        if v is not None:
            out.append(v)
    return out


def languages(cell: HtmlElement | None, wiki: str) -> list[str]:
    """Languages as shown, without duplicates ('German German' is one language linked twice)."""
    if cell is None:
        return []
    names: list[str] = []
    for s in segments(cell, wiki):
        if s.links:
            names.extend(nullify(t) or "" for t, _, _ in s.links)
        else:
            # Unlinked text may list several: "German, English" / "French and Dutch".
            names.extend(nullify(p) or "" for p in _LIST_SPLIT.split(s.text))
    return list(dict.fromkeys(n for n in names if n))


_LIST_SPLIT = re.compile(r"\s*(?:[,;/]|\band\b)\s*")


def sources(cell: HtmlElement | None, wiki: str) -> list[Source]:
    """Original sources: each link as {name, url}; unlinked text pieces as {name, url: None}."""
    if cell is None:
        return []
    out: list[Source] = []
    for s in segments(cell, wiki):
        if len(s.links) == 1 and clean(s.links[0][0]) != s.text:
            # A link broken by the editor's markup ("[url [2023] EWCA Civ 1141 (in English)]"
            # renders the link "[2023" then the rest as text): the whole visible text names it.
            label, href, _ = s.links[0]
            url = href if href and not _is_placeholder_url(href) else None
            text = s.text
            if url and label == href and text.replace(label, "", 1).strip("[]() "):
                text = text.replace(label, "", 1)  # a bare URL shown beside its name
            name = _source_name(text)
            if name or url:
                out.append(Source(name=name or url or "", url=url))
        elif s.links:
            for t, href, _ in s.links:
                name = _source_name(t)
                url = href if href and not _is_placeholder_url(href) else None
                if name or url:
                    out.append(Source(name=name or url or "", url=url))
        elif (name := _source_name(s.text)) is not None:
            # An address typed as text (not linked) is still the source's URL.
            url = name if re.fullmatch(r"https?://\S+", name) else None
            out.append(Source(name=name, url=url))
    return out


def _source_name(label: str) -> str | None:
    """A source's label; an unfilled `[url (in )]` link renders as '[ (in )]' and is None."""
    t = clean(label)
    if t.startswith("[") and t.endswith("]"):
        t = t[1:-1].strip()
    if re.fullmatch(r"\(\s*in\s*\)", t):
        return None
    return nullify(t)


def _is_placeholder_url(href: str) -> bool:
    return "{{{" in unquote(href)


def appeal_ref(cell: HtmlElement | None, wiki: str, *, has_status: bool) -> AppealRef | None:
    """An appeal cell: `status<br>body<br>case` (has_status) or `body<br>case`; None if empty."""
    if cell is None:
        return None
    segs = segments(cell, wiki)
    status = body = case = url = None
    # The body is the piece linking to a Category: page (GDPRhub's category per court/DPA).
    body_i = next((i for i, s in enumerate(segs) if any(c for _, _, c in s.links)), None)
    if body_i is None:
        # Positional, except that a piece linking out (a court database) is a case number.
        status_seg, rest = (segs[0], segs[1:]) if has_status and segs else (None, segs)
        if rest and not _links_out(rest[0]):
            body_seg, case_segs = rest[0], rest[1:]
        else:
            body_seg, case_segs = None, rest
    else:
        status_seg = segs[body_i - 1] if has_status and body_i >= 1 else None
        body_seg = segs[body_i]
        case_segs = segs[body_i + 1 :]
    if status_seg is not None:
        status = nullify(status_seg.text)
    if body_seg is not None:
        body = nullify(body_seg.text)
    for seg in case_segs:
        t = nullify(seg.text)
        if t is None and not seg.links:
            continue
        case = t
        ext = [h for _, h, is_cat in seg.links if h and not is_cat]
        url = ext[0] if ext else None
        break
    if status is None and body is None and case is None and url is None:
        return None
    return AppealRef(status=status, body=body, case_number=case, url=url)


def _links_out(seg: Segment) -> bool:
    return any(href and not is_cat for _, href, is_cat in seg.links)
