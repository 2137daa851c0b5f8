"""Proximity re-ranking: the best BM25F matches go first where the words typed stand together.

Scoring a phrase for every match costs more than the search (positions for each document);
instead the top RERANK_DEPTH hits by BM25F are re-scored: each gets
score × (1 + WEIGHT × share of consecutive query words found in that order within SLOP words),
read from the positions of those few documents only, in the unstemmed "exact" field (title,
summary, comment) and in the machine translation, whichever has them closer (the search has
read those postings already: index/execute.py keeps them for the search).
"""

from __future__ import annotations

import numpy as np

from gdprkb.index.execute import Postings

FIELDS = ("exact", "machine_translation")
RERANK_DEPTH = 100
SLOP = 3
WEIGHT = 2.0
# Decoded position lists kept per term (index/execute.py Terms.positions), per field.
MAX_DECODED = 4 * RERANK_DEPTH


def closeness(
    postings: Postings, terms: dict[str, list[str]], docnums: list[int]
) -> dict[int, float]:
    """docnum -> share (0..1) of consecutive word pairs that stand within SLOP words, in order,
    in the field (of `terms`: field -> the words as its terms) where most of them do."""
    out: dict[int, float] = {}
    for fieldname, words in terms.items():
        for doc, share in _closeness(postings, fieldname, words, docnums).items():
            out[doc] = max(share, out.get(doc, 0.0))
    return out


def _closeness(
    postings: Postings, fieldname: str, terms: list[str], docnums: list[int]
) -> dict[int, float]:
    if len(terms) < 2 or not docnums:
        return {}
    wanted = np.asarray(sorted(set(docnums)), dtype=np.int64)
    decode = postings.searcher.schema[fieldname].format.decoder("positions")
    positions: dict[str, dict[int, list[int]]] = {}
    for term in set(terms):
        # The search has read these postings already (both fields are ones a word matches).
        found = postings.get(fieldname, term)
        hit, at = found.locate(wanted)
        known = found.positions  # decoded by an earlier search of the same word
        if len(known) > MAX_DECODED:  # a common word's lists would grow without end
            known.clear()
        mine: dict[int, list[int]] = {}  # this search's own view (others may clear `known`)
        for d, i in zip(wanted[hit].tolist(), at[hit].tolist(), strict=True):
            got = known.get(d)
            if got is None:
                got = known[d] = decode(found.values[i])
            mine[d] = got
        positions[term] = mine
    pairs = list(zip(terms, terms[1:], strict=False))
    out: dict[int, float] = {}
    for doc in wanted.tolist():
        near = 0
        for a, b in pairs:
            pa, pb = positions[a].get(doc), positions[b].get(doc)
            if pa and pb and _near(pa, pb):
                near += 1
        if near:
            out[doc] = near / len(pairs)
    return out


def _near(first: list[int], second: list[int]) -> bool:
    """Some position of `second` follows one of `first` by 1..SLOP words (both sorted)."""
    j = 0
    for p in first:
        while j < len(second) and second[j] <= p:
            j += 1
        if j < len(second) and second[j] - p <= SLOP:
            return True
    return False


def rerank(
    postings: Postings, terms: dict[str, list[str]], ranked: list[tuple[float, int]]
) -> list[tuple[float, int]]:
    """`ranked` (score, docnum), best first, with its first RERANK_DEPTH re-scored and re-sorted."""
    head, tail = ranked[:RERANK_DEPTH], ranked[RERANK_DEPTH:]
    close = closeness(postings, terms, [d for _, d in head])
    if not close:
        return ranked
    scored = [(s * (1 + WEIGHT * close.get(d, 0.0)), d) for s, d in head]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return scored + tail
