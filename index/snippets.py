"""Highlighted snippets: the best-matching passage of the best-matching section of a hit.

Whoosh's highlighter re-analyses each stored field through the full analyzer chain, which
for long machine translations costs more than the search itself; here a regex finds
candidate words cheaply and only those are stemmed and compared with the query's terms.
The result is a list of segments `[(text, is_match)]`; `to_html` renders it for the JSON
output (matches in <b class="match">, everything else escaped).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache

import numpy as np
from whoosh import query as wq
from whoosh.lang.porter import stem

from gdprkb.index.compile import FOLD_TABLE
from gdprkb.index.execute import Postings
from gdprkb.index.schema import SNIPPET_FIELDS, SNIPPET_SOURCE_CHARS, TEXT_FIELDS, UNSTEMMED

# A snippet: its text in order, each piece marked True where it matches the query.
Segments = list[tuple[str, bool]]
SNIPPET_CHARS = 240
CUT_SLACK = 40  # a snippet's ends move at most this far to fall between words
# Sections kept outside the stored fields (index/schema.py), loaded through `more`.
LAZY_FIELDS = frozenset({"machine_translation"})
# No section is searched further than this for a snippet.
SCAN_CHARS = SNIPPET_SOURCE_CHARS
# Occurrences of one word looked at in a long text (a translation): enough to find where the
# words stand together, and a bound on the work ("data" may appear 500 times).
MAX_PER_PREFIX = 60
# Longer texts (machine translations) are searched with str.find, without accent folding.
LONG_TEXT = 8_000
_WORD_REST = re.compile(r"\w*")
# Fields whose terms are stems, as a snippet compares them; the translation's terms (written
# forms, index/schema.py) are stemmed here first.
STEMMED = frozenset(TEXT_FIELDS) - UNSTEMMED
# Base letter -> the characters that fold to it ("o" -> "oóòôöõø…"), for accent-blind regexes.
_VARIANTS: dict[str, str] = {}
for _code, _base in FOLD_TABLE.items():
    if len(_base) == 1:
        _VARIANTS[_base] = _VARIANTS.get(_base, _base) + chr(_code)


def _accent_blind(prefix: str) -> str:
    """Regex for `prefix` matching any accented form of its letters (case is ignored)."""
    return "".join(
        f"[{re.escape(_VARIANTS[c])}]" if c in _VARIANTS else re.escape(c) for c in prefix
    )


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
        elif isinstance(node, wq.Term) and node.fieldname == "machine_translation":
            found.add(index_term(str(node.text)))
        elif isinstance(node, wq.Phrase) and node.fieldname == "machine_translation":
            found.update(index_term(str(w)) for w in node.words)
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
        # ("happi" <- happily, "surveil" <- surveillance): cheap candidates, verified by stemming.
        self.prefixes = _shortest(t[:-1] if len(t) > 3 else t for t in self.terms)
        alternatives = "|".join(map(_accent_blind, self.prefixes))
        self.pattern = re.compile(rf"\b(?:{alternatives})\w*", re.I) if self.prefixes else None

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, term) of the query terms in `text` (up to MAX_PER_PREFIX each)."""
        if self.pattern is None:
            return []
        text = text[:SCAN_CHARS]
        if len(text) < LONG_TEXT:
            # Short sections: an accent-blind regex ("personuvernd" marks "Persónuvernd").
            return self._verify(text, ((m.start(), m.end()) for m in self.pattern.finditer(text)))
        return self._verify(text, self._find(text))

    def _find(self, text: str) -> Iterator[tuple[int, int]]:
        # str.find runs at memory speed; a regex over a long translation, or even lowering
        # it, costs more than the whole search. Words are found as written in lower case,
        # capitalised or in capitals (not accent-blind).
        for prefix in self.prefixes:
            tries = 0
            for form in dict.fromkeys((prefix, prefix.capitalize(), prefix.upper())):
                i = text.find(form)
                while i >= 0 and tries < MAX_PER_PREFIX:
                    if i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_"):
                        tries += 1
                        end = _WORD_REST.match(text, i + len(form))
                        yield i, end.end() if end else i + len(form)
                    i = text.find(form, i + 1)

    def _verify(self, text: str, spans: Iterable[tuple[int, int]]) -> list[tuple[int, int, str]]:
        out = []
        for start, end in spans:
            term = index_term(text[start:end])
            if term in self.terms:
                out.append((start, end, term))
        out.sort()
        return out

    def snippet(
        self,
        stored: Mapping[str, object],
        more: Callable[[str], str] | None = None,
        holds: Mapping[str, int] | None = None,
    ) -> tuple[Segments, str | None]:
        """(snippet segments, section it came from) for one hit's stored fields.

        `more(name)` loads a section kept outside the stored fields (the machine translation);
        it is only called when no earlier section holds every term. `holds` (section -> how
        many of the terms the index has in it for this hit, where known: `sections_holding`)
        spares reading sections that cannot give a better snippet.
        """
        best: tuple[int, str, list[tuple[int, int, str]]] | None = None
        texts = dict(stored)
        for name in SNIPPET_FIELDS:
            known = None if holds is None else holds.get(name)
            if known is not None and known <= (best[0] if best else 0):
                continue  # no term there, or no more than the best section so far
            if name in LAZY_FIELDS and name not in texts and more is not None:
                texts[name] = more(name)
            text = texts.get(name)
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
                text = texts.get(name)
                if isinstance(text, str) and text:
                    return render(text, 0, []), None
            return [], None
        _, name, found = best
        text = str(texts[name])
        return render(text, _best_window(found), found), name


def _shortest(prefixes: Iterable[str]) -> list[str]:
    """The prefixes no other one begins ("employ" covers "employe" and "employm", the forms a
    wildcard expands to): the words they find are the same, and each is one less to look for."""
    out: list[str] = []
    for p in sorted(set(prefixes)):  # a prefix sorts right before the words it begins
        if not out or not p.startswith(out[-1]):
            out.append(p)
    return out


def sections_holding(
    postings: Postings, terms: Iterable[str], docnums: list[int]
) -> dict[int, dict[str, int]]:
    """docnum -> section -> how many of `terms` the index holds there, for the sections whose
    postings of every term the search has read (others are unknown, so left out)."""
    terms = list(terms)
    wanted = np.asarray(docnums, dtype=np.int64)
    out: dict[int, dict[str, int]] = {d: {} for d in docnums}
    for name in SNIPPET_FIELDS:
        read = [postings.peek(name, t) for t in terms]
        if not terms or any(r is None for r in read):
            continue
        count = sum(r.locate(wanted)[0].astype(int) for r in read if r is not None)
        for d, c in zip(docnums, np.broadcast_to(count, wanted.shape).tolist(), strict=True):
            out[d][name] = c
    return out


def _best_window(found: list[tuple[int, int, str]]) -> int:
    """Start offset of the window of SNIPPET_CHARS holding the most distinct terms."""
    found = found[:500]
    best_start, best_count = found[0][0], 0
    counts: dict[str, int] = {}
    j = 0
    for start, _, term in found:  # two pointers: found[i:j] lies in the window at `start`
        while j < len(found) and found[j][0] < start + SNIPPET_CHARS - 20:
            counts[found[j][2]] = counts.get(found[j][2], 0) + 1
            j += 1
        if len(counts) > best_count:
            best_start, best_count = start, len(counts)
        counts[term] -= 1
        if not counts[term]:
            del counts[term]
    return best_start


def render(text: str, anchor: int, found: list[tuple[int, int, str]]) -> Segments:
    """About SNIPPET_CHARS around `anchor`, cut between words, as segments (matches True)."""
    start = _word_start(text, max(0, anchor - 60), anchor)
    if start > 0:
        # Prefer starting at a sentence if one begins shortly before the match.
        dot = text.rfind(". ", start, anchor)
        if dot >= 0:
            start = dot + 2
    end = _word_end(text, min(len(text), start + SNIPPET_CHARS), start + SNIPPET_CHARS // 2)
    pieces: list[tuple[str, bool]] = [("…" if start > 0 else "", False)]
    pos = start
    for s, e, _ in found:
        if s < pos or s < start or e > end:
            continue
        pieces += [(text[pos:s], False), (text[s:e], True)]
        pos = e
    pieces += [(text[pos:end], False), ("…" if end < len(text) else "", False)]
    return _tidy(pieces)


_WORD_BEFORE = re.compile(rf"\w{{1,{CUT_SLACK}}}$")
_WORD_AFTER = re.compile(rf"\w{{1,{CUT_SLACK}}}")


def _mid_word(text: str, i: int) -> bool:
    return 0 < i < len(text) and _is_word(text[i - 1]) and _is_word(text[i])


def _is_word(c: str) -> bool:
    return c.isalnum() or c == "_"


def _word_start(text: str, i: int, anchor: int) -> int:
    """`i`, moved back to the start of the word it falls in (else forward, never past anchor)."""
    if not _mid_word(text, i):
        return i
    back = _WORD_BEFORE.search(text, max(0, i - CUT_SLACK), i)
    if back and not _mid_word(text, back.start()):
        return back.start()
    ahead = _WORD_AFTER.match(text, i)
    return min(ahead.end() if ahead else i, anchor)


def _word_end(text: str, i: int, least: int) -> int:
    """`i`, moved back to the end of the word before (not below `least`), else forward."""
    if not _mid_word(text, i):
        return i
    back = _WORD_BEFORE.search(text, max(0, i - CUT_SLACK), i)
    if back and back.start() > least and not _mid_word(text, back.start()):
        return back.start()
    ahead = _WORD_AFTER.match(text, i)
    return ahead.end() if ahead else i


def _tidy(pieces: list[tuple[str, bool]]) -> Segments:
    """Runs of white space as one space, no empty segments, neighbours of a kind merged."""
    out: Segments = []
    for text, match in pieces:
        text = re.sub(r"\s+", " ", text)
        if not text:
            continue
        if out and out[-1][1] == match:
            out[-1] = (out[-1][0] + text, match)
        else:
            out.append((text, match))
    if out:
        out[0] = (out[0][0].lstrip(), out[0][1])
        out[-1] = (out[-1][0].rstrip(), out[-1][1])
    return [(t, m) for t, m in out if t]


def to_html(segments: Segments) -> str:
    """The snippet as HTML: matches in <b class="match">, all text escaped (the JSON form)."""
    return "".join(
        f'<b class="match">{html.escape(t)}</b>' if m else html.escape(t) for t, m in segments
    )


def plain(segments: Segments) -> str:
    """The snippet's text without marks."""
    return "".join(t for t, _ in segments)
