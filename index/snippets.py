"""Highlighted snippets: the best-matching passage of the best-matching section of a hit.

Whoosh's highlighter re-analyses each stored field through the full analyzer chain, which
for long machine translations costs more than the search itself; here a regex finds
candidate words cheaply and only those are stemmed and compared with the query's terms.
The result is HTML: matches wrapped in <b class="match">, everything else escaped.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache

from whoosh import query as wq
from whoosh.lang.porter import stem

from index.compile import FOLD_TABLE
from index.schema import SNIPPET_FIELDS, TEXT_FIELDS

SNIPPET_CHARS = 240
# Fields analysed like the snippet sections (case numbers are neither stemmed nor stopped).
STEMMED = frozenset(TEXT_FIELDS) - {"case_number"}
_ONE_CHAR_FOLD = {k: v for k, v in FOLD_TABLE.items() if len(v) == 1}
_WORD = re.compile(r"\w+")


def query_terms(q: wq.Query) -> set[str]:
    """The analysed text terms a query looks for (not those under NOT)."""
    found: set[str] = set()

    def walk(node: wq.Query) -> None:
        if isinstance(node, wq.Not):
            return
        if isinstance(node, wq.Term) and node.fieldname in STEMMED:
            found.add(str(node.text))
        elif isinstance(node, wq.Phrase) and node.fieldname in STEMMED:
            found.update(str(w) for w in node.words)
        for child in node.children():
            walk(child)

    walk(q)
    return found


@lru_cache(maxsize=100_000)
def index_term(word: str) -> str:
    """The term the text analyzer makes of one word (lowercase, fold accents, stem)."""
    return stem(word.lower().translate(FOLD_TABLE))


class Snippeter:
    """Finds and highlights the query's terms in stored sections."""

    def __init__(self, terms: Iterable[str]) -> None:
        self.terms = frozenset(terms)
        # A stem minus its last letter is (almost always) a prefix of the word it came from
        # ("happi" ← happily, "surveil" ← surveillance): cheap candidates, verified by stemming.
        prefixes = sorted({t[:-1] if len(t) > 3 else t for t in self.terms}, key=len, reverse=True)
        self.pattern = (
            re.compile(r"\b(?:" + "|".join(map(re.escape, prefixes)) + r")\w*")
            if prefixes
            else None
        )

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, term) of each query term in `text`."""
        if self.pattern is None:
            return []
        folded = text.lower()
        if len(folded) != len(text):  # a few characters change length when lowered
            folded = "".join(c.lower()[:1] or c for c in text)
        folded = folded.translate(_ONE_CHAR_FOLD)
        out = []
        for m in self.pattern.finditer(folded):
            term = index_term(text[m.start() : m.end()])
            if term in self.terms:
                out.append((m.start(), m.end(), term))
        return out

    def snippet(self, stored: Mapping[str, object]) -> tuple[str, str | None]:
        """(HTML snippet, section it came from) for one hit's stored fields."""
        best: tuple[int, str, list[tuple[int, int, str]]] | None = None
        for name in SNIPPET_FIELDS:
            text = stored.get(name)
            if not isinstance(text, str) or not text:
                continue
            found = self.matches(text)
            distinct = len({t for _, _, t in found})
            if distinct and (best is None or distinct > best[0]):
                best = (distinct, name, found)
                if distinct == len(self.terms):
                    break
        if best is None:
            for name in SNIPPET_FIELDS:
                text = stored.get(name)
                if isinstance(text, str) and text:
                    return render(text, 0, []), None
            return "", None
        _, name, found = best
        text = str(stored[name])
        return render(text, _best_window(found), found), name


def _best_window(found: list[tuple[int, int, str]]) -> int:
    """Start offset of the window of SNIPPET_CHARS holding the most distinct terms."""
    best_start, best_count = found[0][0], 0
    for i, (start, _, _) in enumerate(found[:200]):
        terms = {t for s, _, t in found[i:] if s < start + SNIPPET_CHARS - 20}
        if len(terms) > best_count:
            best_start, best_count = start, len(terms)
    return best_start


def render(text: str, anchor: int, found: list[tuple[int, int, str]]) -> str:
    """HTML of about SNIPPET_CHARS around `anchor`, cut at word boundaries, matches in <b>."""
    start = max(0, anchor - 60)
    if start > 0:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
        # Prefer starting at a sentence if one begins shortly before the match.
        dot = text.rfind(". ", start, anchor)
        if dot >= 0:
            start = dot + 2
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start + SNIPPET_CHARS // 2 else end
    parts = ["…" if start > 0 else ""]
    pos = start
    for s, e, _ in found:
        if s < start or e > end:
            continue
        parts.append(html.escape(text[pos:s]))
        parts.append(f'<b class="match">{html.escape(text[s:e])}</b>')
        pos = e
    parts.append(html.escape(text[pos:end]))
    parts.append("…" if end < len(text) else "")
    return " ".join("".join(parts).split())
