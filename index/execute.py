"""Run a compiled Whoosh query over whole posting lists with numpy: every match and its score.

A search must know every match (facet counts, totals, sorts by date or fine), so it cannot
skip documents the way a top-10 engine does. Whoosh's matchers walk the postings one document
at a time in Python, and a word searched in ten text fields becomes a union of ten matchers:
most of a search went there. Here each term's posting list is read block by block into
arrays (Whoosh's own blocks and its codec), and the query tree is evaluated on dense arrays
over all documents: a boolean mask of matches and a float array of scores.

Scores are Whoosh's BM25F (same idf, average and per-document field lengths, K1 and B, term
boosts summed over the parts that match), so ranking is what Whoosh's collector gives;
tests/test_execute.py compares the two. Phrases are checked on the positions of the documents
that hold every word. Query types without a vectorised form here (numeric ranges, ...) are
run through Whoosh's own matcher for that part of the tree only.

The postings read by one search are kept for that search (`Postings`): the evidence tier
query (index/tiers.py), proximity re-ranking (index/proximity.py) and the snippets' choice of
section use the same terms again. Decoded lists are also kept between the searches of one
index generation (`TermCache`, bounded). Past the search's deadline an OR stops adding
alternatives (`evaluate`): the matches so far, never a document that does not match.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import IndexReader, TermNotFound
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

# Whoosh's BM25F defaults (index searchers use BM25F()); scores must equal its own.
_MODEL = BM25F()
K1, B = _MODEL.K1, _MODEL.B
# Postings kept decoded between searches (TermCache): about 100 MB at most.
MAX_CACHED_POSTINGS = 1_000_000
# byte -> field length, as Whoosh decodes the one-byte lengths it stores per document.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)


@dataclass
class Terms:
    """One term's postings over the whole index: docnums, weights and raw values (positions)."""

    ids: np.ndarray
    weights: np.ndarray
    # Per posting, Whoosh-encoded (decoded when asked). A tuple of bytes: the cycle collector
    # stops tracking it, where a kept list of a million items was walked in every full
    # collection (a pause of tens of milliseconds in the search that triggered it).
    values: tuple[Any, ...] = ()
    # docnum -> decoded positions, filled as proximity re-ranking asks (kept with the postings).
    positions: dict[int, list[int]] = field(default_factory=dict)

    def locate(self, docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(True where a docnum has a posting here, that posting's index) for sorted ids."""
        at = np.searchsorted(self.ids, docnums)
        found = at < self.ids.size
        found[found] = self.ids[at[found]] == docnums[found]
        return found, at


class TermCache:
    """Decoded posting lists kept between the searches of one index generation.

    The common words of GDPR decisions (data, personal, controller, consent...) have postings
    in nearly every case and are in most searches: decoding them again each time was most of
    a search. Least recently used lists go first past `max_postings` postings in all (about
    100 bytes each). Searches run in threads: a lock guards the order.
    """

    def __init__(self, max_postings: int = MAX_CACHED_POSTINGS) -> None:
        self.max_postings = max_postings
        self._items: OrderedDict[tuple[str, bytes], Terms] = OrderedDict()
        self._postings = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[str, bytes]) -> Terms | None:
        """The cached postings of a (field, term), marked as just used; None when not kept."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[str, bytes], terms: Terms) -> None:
        """Keep a term's postings (unless larger than the whole budget)."""
        size = int(terms.ids.size)
        if size > self.max_postings:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = terms
            self._postings += size
            while self._postings > self.max_postings:
                _, old = self._items.popitem(last=False)
                self._postings -= int(old.ids.size)

    def clear(self) -> None:
        """Forget every kept list (benchmarks time searches with nothing kept)."""
        with self._lock:
            self._items.clear()
            self._postings = 0


class Postings:
    """The postings one search reads, each term read once (and its deadline)."""

    def __init__(self, searcher: Searcher, stats: Statistics, deadline: float) -> None:
        self.searcher = searcher
        self.stats = stats
        self.deadline = deadline
        self.size = stats.size
        self._terms: dict[tuple[str, bytes], Terms] = {}
        self.cut = False  # some alternatives were skipped past the deadline
        self._leaves = [(s.reader(), int(off)) for s, off in _leaves(searcher)]

    def late(self) -> bool:
        """Past the deadline: what is left of an OR is skipped (`cut` then says so)."""
        return time.perf_counter() > self.deadline

    def get(self, fieldname: str, text: str | bytes) -> Terms:
        """The postings of a term over every segment (deleted documents left out)."""
        raw = self.searcher.schema[fieldname].to_bytes(text) if isinstance(text, str) else text
        key = (fieldname, raw)
        found = self._terms.get(key)
        if found is None:
            found = self.stats.cache.get(key)
            if found is None:
                found = self._read(fieldname, raw)
                self.stats.cache.put(key, found)
            self._terms[key] = found
        return found

    def peek(self, fieldname: str, text: str) -> Terms | None:
        """The postings of a term if this search has read them, else None (nothing is read)."""
        return self._terms.get((fieldname, self.searcher.schema[fieldname].to_bytes(text)))

    def _read(self, fieldname: str, text: bytes) -> Terms:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        values: list[Any] = []
        live = self.stats.live
        for reader, offset in self._leaves:
            try:
                m = reader.postings(fieldname, text)
            except TermNotFound:
                continue
            if isinstance(m, FilterMatcher):  # deletions are left out below, all at once
                m = m.child
            leaf_ids, leaf_weights, leaf_values = _read_all(m)
            leaf_ids += offset
            keep = live[leaf_ids]
            if not keep.all():
                leaf_ids, leaf_weights = leaf_ids[keep], leaf_weights[keep]
                leaf_values = [v for v, k in zip(leaf_values, keep, strict=True) if k]
            ids.append(leaf_ids)
            weights.append(leaf_weights)
            values.extend(leaf_values)
        if not ids:
            return Terms(np.zeros(0, np.int64), np.zeros(0, np.float64))
        return Terms(np.concatenate(ids), np.concatenate(weights), tuple(values))


def _read_all(m: Any) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """(ids, weights, values) of one segment's posting list, a block at a time."""
    values: list[Any] = []
    if not isinstance(m, W3LeafMatcher) or not m.is_active():  # inlined postings, or none
        ids, weights = [], []
        while m.is_active():
            ids.append(m.id())
            weights.append(m.weight())
            values.append(m.value())
            m.next()
        return np.array(ids, np.int64), np.array(weights, np.float64), values
    id_blocks: list[np.ndarray] = []
    weight_blocks: list[np.ndarray] = []
    m = cast(Any, m)  # its block attributes are private (typed None until read)
    while m.is_active():
        # The block as the codec stores it (ids delta-coded, weights, values), decoded with
        # numpy rather than through the matcher's per-posting Python generators.
        m._read_data()
        ids, weights, block_values = m._data
        n = int(m._blocklength)
        id_blocks.append(np.cumsum(np.asarray(ids, dtype=np.int64)))
        if weights is None or isinstance(weights, float):
            weight_blocks.append(np.full(n, 1.0 if weights is None else weights))
        else:
            weight_blocks.append(np.asarray(weights, dtype=np.float64))
        if m._fixedsize is None or m._fixedsize < 0:
            values.extend(block_values)
        else:
            m._read_values()
            values.extend(m._values or ())
        m._next_block()
    return np.concatenate(id_blocks), np.concatenate(weight_blocks), values


class Statistics:
    """Per index generation: which documents are live, and every text field's lengths."""

    def __init__(self, reader: IndexReader) -> None:
        self.size = reader.doc_count_all()
        leaves = [(sub, int(offset)) for sub, offset in reader.leaf_readers()]
        self.live = np.ones(self.size, dtype=bool)
        for sub, offset in leaves:
            if sub.has_deletions():
                n = sub.doc_count_all()
                self.live[offset : offset + n] = False
                self.live[np.fromiter(sub.all_doc_ids(), np.int64) + offset] = True
        self.cache = TermCache()
        # stem -> its forms in the translation (index/compile.py), found once per generation.
        self.forms: dict[str, list[str]] = {}
        # Read once per generation (a byte per document and field), shared by every search.
        self.lengths: dict[str, np.ndarray] = {}
        for name in reader.schema.scorable_names():
            out = np.ones(self.size, dtype=np.float64)
            for sub, offset in leaves:
                n = sub.doc_count_all()
                out[offset : offset + n] = _segment_lengths(sub, name, n)
            self.lengths[name] = out


def _segment_lengths(reader: Any, fieldname: str, n: int) -> np.ndarray:
    """One segment's lengths of a field, read from its length column in one pass."""
    perdoc = getattr(reader, "_perdoc", None)  # an empty index has no segment files
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN) if perdoc else None
    if column is None:
        return np.ones(n, dtype=np.float64)
    return _LENGTHS[np.fromiter(column, np.uint8, count=n)]


def _leaves(searcher: Searcher) -> list[tuple[Searcher, int]]:
    return [(s, int(off)) for s, off in searcher.leaf_searchers()]


Evaluated = tuple[np.ndarray, np.ndarray]  # (bool mask over all docnums, float scores)


def evaluate(q: wq.Query, postings: Postings, whole: bool = False) -> Evaluated:
    """(mask, scores) of a query over every document; scores are 0 outside the mask.

    Past the postings' deadline an OR skips its remaining alternatives, so the matches are
    those found so far (never a document that does not match), unless `whole` (under a NOT,
    where fewer exclusions would let wrong documents in).
    """
    size, live = postings.size, postings.stats.live
    if isinstance(q, wq.Term):
        return _term(q, postings)
    if isinstance(q, wq.Phrase) and q.slop == 1 and _has_positions(postings, q.fieldname):
        return _phrase(q, postings, whole)
    if isinstance(q, type(wq.NullQuery)):
        return np.zeros(size, bool), np.zeros(size)
    if isinstance(q, wq.Every):
        return live.copy(), live.astype(np.float64)
    if isinstance(q, wq.Or):
        mask, scores = np.zeros(size, bool), np.zeros(size)
        for i, child in enumerate(q.subqueries):
            if i and not whole and postings.late():
                postings.cut = True
                break
            m, s = evaluate(child, postings, whole)
            mask |= m
            scores += s
        return mask, scores
    if isinstance(q, wq.And):
        # Whoosh's intersection sums every part's score, a NOT part's constant 1 included.
        mask, scores = live.copy(), np.zeros(size)
        for child in q.subqueries:
            m, s = evaluate(child, postings, whole)
            mask &= m
            scores += s
        scores[~mask] = 0.0
        return mask, scores
    if isinstance(q, wq.Not):
        m, _ = evaluate(q.query, postings, whole=True)
        mask = live & ~m
        return mask, mask.astype(np.float64)
    return _whoosh(q, postings, whole)


def _term(q: wq.Term, postings: Postings) -> Evaluated:
    size = postings.size
    mask, scores = np.zeros(size, bool), np.zeros(size)
    found = _read_term(postings, q.fieldname, q.text)
    if found is None:
        return mask, scores
    terms, text = found
    mask[terms.ids] = True
    scores[terms.ids] = _scores(postings, q.fieldname, text, terms) * q.boost
    return mask, scores


def _read_term(postings: Postings, fieldname: str, text: str) -> tuple[Terms, bytes] | None:
    """A term's postings and its bytes, None when the field or term is not in the index."""
    schema = postings.searcher.schema
    if fieldname not in schema:
        return None
    try:
        raw = schema[fieldname].to_bytes(text)
    except ValueError:
        return None
    terms = postings.get(fieldname, raw)
    return (terms, raw) if terms.ids.size else None


def _scores(postings: Postings, fieldname: str, text: bytes, terms: Terms) -> np.ndarray:
    """Whoosh's BM25F score of one term in each of its postings (its weight if unscored)."""
    searcher = postings.searcher
    if not searcher.schema[fieldname].scorable:
        return terms.weights
    idf = searcher.idf(fieldname, text)
    avgfl = searcher.avg_field_length(fieldname) or 1
    fl = postings.stats.lengths[fieldname][terms.ids]
    tf = terms.weights
    return idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))


def _phrase(q: wq.Phrase, postings: Postings, whole: bool) -> Evaluated:
    """Words in a row (Whoosh's SpanNear2 with slop 1: its score is the sum of the words')."""
    size = postings.size
    mask, scores = np.zeros(size, bool), np.zeros(size)
    read = [_read_term(postings, q.fieldname, w) for w in q.words]
    if not read or any(r is None for r in read):
        return mask, scores
    found = [r for r in read if r is not None]
    common = found[0][0].ids
    for terms, _ in found[1:]:
        common = np.intersect1d(common, terms.ids, assume_unique=True)
    at = [terms.locate(common)[1] for terms, _ in found]
    decode = postings.searcher.schema[q.fieldname].format.decoder("positions")
    keep = np.zeros(common.size, dtype=bool)
    for j in range(common.size):
        if not j & 255 and j and not whole and postings.late():
            postings.cut = True  # the matches so far
            break
        starts: set[int] | None = None
        for k, (terms, _) in enumerate(found):
            shifted = {p - k for p in decode(terms.values[at[k][j]])}
            starts = shifted if starts is None else starts & shifted
            if not starts:
                break
        keep[j] = bool(starts)
    docs = common[keep]
    mask[docs] = True
    for (terms, text), idx in zip(found, at, strict=True):
        scores[docs] += _scores(postings, q.fieldname, text, terms)[idx[keep]]
    scores[docs] *= q.boost
    return mask, scores


def _has_positions(postings: Postings, fieldname: str) -> bool:
    schema = postings.searcher.schema
    return fieldname in schema and bool(schema[fieldname].format.supports("positions"))


def _whoosh(q: wq.Query, postings: Postings, whole: bool) -> Evaluated:
    """A part of the tree run by Whoosh's own matcher (numeric ranges, ...)."""
    size = postings.size
    mask, scores = np.zeros(size, bool), np.zeros(size)
    for sub, offset in _leaves(postings.searcher):
        m = q.matcher(sub, sub.context())
        ids, vals = [], []
        n = 0
        while m.is_active():
            ids.append(m.id())
            vals.append(m.score())
            m.next()
            n += 1
            if not n & 255 and not whole and postings.late():
                postings.cut = True  # the matches so far
                break
        if ids:
            idx = np.asarray(ids, np.int64) + offset
            mask[idx] = True
            scores[idx] = vals
    return mask, scores


def top(mask: np.ndarray, scores: np.ndarray, k: int) -> list[tuple[float, int]]:
    """The k best (score, docnum) of the matches, ties by docnum."""
    matched = np.flatnonzero(mask)
    s = scores[matched]
    if k < matched.size:
        # Only the k best need sorting: partition around the k-th score, keep its ties.
        kth = np.partition(-s, k - 1)[k - 1]
        keep = -s <= kth
        matched, s = matched[keep], s[keep]
    order = np.lexsort((matched, -s))[:k]
    return [(float(s[i]), int(matched[i])) for i in order]
