"""Proximity re-ranking: the best BM25F matches go first where the words typed stand together.

Scoring a phrase for every match costs more than the search (positions for each document);
instead the top RERANK_DEPTH hits by BM25F are re-scored: each gets
score × (1 + WEIGHT × share of consecutive query words found in that order within SLOP words),
read from the positions of the unstemmed "exact" field of those few documents only.
"""

from __future__ import annotations

from whoosh.reading import IndexReader

FIELD = "exact"
RERANK_DEPTH = 100
SLOP = 3
WEIGHT = 2.0


def closeness(reader: IndexReader, terms: list[str], docnums: list[int]) -> dict[int, float]:
    """docnum -> share (0..1) of consecutive term pairs that stand within SLOP words, in order."""
    if len(terms) < 2 or not docnums:
        return {}
    wanted = sorted(set(docnums))
    positions: dict[str, dict[int, list[int]]] = {}
    for term in set(terms):
        found: dict[int, list[int]] = {}
        positions[term] = found
        if not reader.doc_frequency(FIELD, term):
            continue
        m = reader.postings(FIELD, term)
        for doc in wanted:
            if not m.is_active():
                break
            if m.id() < doc:
                m.skip_to(doc)
                if not m.is_active():
                    break
            if m.id() == doc:
                found[doc] = m.value_as("positions")
    pairs = list(zip(terms, terms[1:], strict=False))
    out: dict[int, float] = {}
    for doc in wanted:
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
    reader: IndexReader, terms: list[str], ranked: list[tuple[float, int]]
) -> list[tuple[float, int]]:
    """`ranked` (score, docnum), best first, with its first RERANK_DEPTH re-scored and re-sorted."""
    head, tail = ranked[:RERANK_DEPTH], ranked[RERANK_DEPTH:]
    close = closeness(reader, terms, [d for _, d in head])
    if not close:
        return ranked
    scored = [(s * (1 + WEIGHT * close.get(d, 0.0)), d) for s, d in head]
    scored.sort(key=lambda x: (-x[0], x[1]))
    return scored + tail
