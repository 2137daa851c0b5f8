"""Did you mean …: likely words from the index's own vocabulary for typed words it barely holds.

Only asked when a search finds (almost) nothing or falls back to "any of the words", and only
for plain words the index holds in at most NEAR_ZERO documents. Candidates are the indexed
word forms of the unstemmed "exact" field (title, summary, comment) within one edit, else two,
that share the first two letters (Whoosh's edit-distance automaton over the term list); the best
reads most like the typed word and is common in GDPRhub's English summaries, so "cokies" gives
"cookies" rather than "copies". The suggestion is the whole query with those words replaced:
shown, never searched in its place.
"""

from __future__ import annotations

import difflib
import math
import re

from whoosh.reading import IndexReader

from gdprkb.index import querylang as ql
from gdprkb.index.snippets import index_term

NEAR_ZERO = 2  # a word in at most this many documents may be a typo
MAX_WORDS = 4  # words looked at per query (each costs one pass over the term list)
MIN_LENGTH = 4  # shorter words have too many neighbours to guess from
FIELD = "exact"
# Candidates share the first two letters typed: the automaton then walks only that part of
# the term list (a whole walk took tens of milliseconds), and typos rarely hit both.
PREFIX = 2
SUMMARY_FIELDS = ("title", "lead", "facts", "dispute", "holding")


def plain_words(node: ql.Node) -> list[str]:
    """The plain words typed (not prefixes, not under NOT), in order, each once."""
    if isinstance(node, ql.Word):
        return [] if node.prefix else [node.text]
    if isinstance(node, ql.And | ql.Or):
        return list(dict.fromkeys(w for item in node.items for w in plain_words(item)))
    return []


def _summary_df(reader: IndexReader, word: str) -> int:
    term = index_term(word)
    return sum(reader.doc_frequency(f, term) for f in SUMMARY_FIELDS)


def better_word(reader: IndexReader, word: str) -> str | None:
    """The likeliest indexed word for a typed word the index barely holds, or None."""
    typed = word.lower()
    if len(typed) < MIN_LENGTH or not typed.isalpha() or len(typed) > 40:
        return None
    # A word found in a machine translation (indexed apart from "exact") is no typo either.
    own = sum(reader.doc_frequency(f, typed) for f in (FIELD, "machine_translation"))
    if own > NEAR_ZERO:
        return None
    for edits in (1, 2):  # one edit (a transposition counts as one) beats two
        best: tuple[float, str] | None = None
        for candidate in reader.terms_within(FIELD, typed, edits, prefix=PREFIX):
            if candidate == typed or reader.doc_frequency(FIELD, candidate) <= max(NEAR_ZERO, own):
                continue
            alike = difflib.SequenceMatcher(None, typed, candidate).ratio()
            score = alike + 0.05 * math.log10(1 + _summary_df(reader, candidate))
            if best is None or (score, candidate) > best:
                best = (score, candidate)
        if best is not None:
            return best[1]
    return None


def did_you_mean(reader: IndexReader, query: str, node: ql.Node) -> str | None:
    """The query with its likely typos replaced by indexed words, or None when none is found."""
    out = query
    changed = False
    for word in plain_words(node)[:MAX_WORDS]:
        better = better_word(reader, word)
        if better is None:
            continue
        pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        out, n = pattern.subn(better, out, count=1)
        changed = changed or n > 0
    return out if changed else None
