"""Facet counts and sort keys from a per-document table, built once per index generation.

Counting facets for every query through Whoosh's grouping would walk each facet field per
search; instead the table lists, for each facet, which documents carry which value (read from
the postings once), and a search counts over its matched document numbers with numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from whoosh.reading import IndexReader

from gdprkb.index.schema import FACETS

# Facets listed by value (newest year first) rather than by count.
BY_VALUE_DESC = frozenset({"year"})


@dataclass(frozen=True)
class FacetValue:
    """One facet value with its count in the current results; `selected` when filtered on."""

    value: str
    count: int
    selected: bool = False


class FacetTable:
    """Per-document facet values, page ids, dates and fines of one index generation."""

    def __init__(self, reader: IndexReader) -> None:
        self.size = reader.doc_count_all()
        self.values: dict[str, list[str]] = {}
        self._docs: dict[str, np.ndarray] = {}
        self._vals: dict[str, np.ndarray] = {}
        for name, field in FACETS.items():
            values: list[str] = []
            docs: list[np.ndarray] = []
            codes: list[np.ndarray] = []
            if field in reader.indexed_field_names():
                for term in reader.lexicon(field):
                    ids = np.fromiter(reader.postings(field, term).all_ids(), dtype=np.int64)
                    if ids.size == 0:  # only in deleted documents
                        continue
                    docs.append(ids)
                    codes.append(np.full(ids.size, len(values), dtype=np.int64))
                    values.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            self.values[name] = values
            self._docs[name] = np.concatenate(docs) if docs else np.zeros(0, np.int64)
            self._vals[name] = np.concatenate(codes) if codes else np.zeros(0, np.int64)
        # Per segment: after an incremental update, a segment holding no document with a value
        # has no column at all, and the whole-index column reader then comes up short.
        # Only arrays are kept: the table is shared by concurrent searches (index/searchers.py),
        # and a reader's files must not be.
        leaves = [(sub, int(offset)) for sub, offset in reader.leaf_readers()]
        self.page_id = self._column(leaves, "pid", np.int64, -1)
        self.date_n = self._column(leaves, "date_n", np.int64, 0)
        self.fine_eur = self._column(leaves, "fine_eur", np.float64, -1.0)
        self.cited_n = self._column(leaves, "cited_n", np.int64, 0)

    def _column(
        self, leaves: list[tuple[IndexReader, int]], field: str, dtype: type, default: float
    ) -> np.ndarray:
        """One sortable column over all documents, segment by segment, `default` where absent."""
        out: np.ndarray = np.full(self.size, default, dtype=dtype)
        for sub, offset in leaves:
            n = sub.doc_count_all()
            if n and sub.has_column(field):
                out[offset : offset + n] = np.fromiter(sub.column_reader(field), dtype, count=n)
        return out

    def mask(self, docnums: np.ndarray) -> np.ndarray:
        """Boolean array over all documents, True for `docnums`."""
        m = np.zeros(self.size, dtype=bool)
        m[docnums] = True
        return m

    def counts(
        self, matched: np.ndarray, selected: dict[str, list[str]] | None = None
    ) -> dict[str, list[FacetValue]]:
        """Facet name → values with their counts among `matched` docnums (count > 0 or selected)."""
        selected = selected or {}
        mask = self.mask(matched)
        out: dict[str, list[FacetValue]] = {}
        for name, values in self.values.items():
            docs, vals = self._docs[name], self._vals[name]
            counts = np.bincount(vals[mask[docs]], minlength=len(values))
            chosen = set(selected.get(name, ()))
            shown = np.flatnonzero(counts).tolist()
            shown += [i for i, v in enumerate(values) if v in chosen and not counts[i]]
            items = [FacetValue(values[i], int(counts[i]), values[i] in chosen) for i in shown]
            if name in BY_VALUE_DESC:
                items.sort(key=lambda f: f.value, reverse=True)
            else:
                items.sort(key=lambda f: (-f.count, f.value))
            out[name] = items
        return out

    def order(self, matched: np.ndarray, sort: str) -> np.ndarray:
        """`matched` docnums sorted by date decided (newest first) or fine (highest first).

        Cases without a date or fine come last; ties go by page id, newest page first.
        """
        column = {"date": self.date_n, "fine": self.fine_eur, "cited": self.cited_n}[sort]
        key = column[matched]
        known = key > 0
        # lexsort: last key is primary.
        order = np.lexsort((-self.page_id[matched], -key, ~known))
        return matched[order]
