"""Searchers for concurrent searches: each call gets its own, the generation's tables are shared.

A Whoosh reader reads its files through file objects it keeps (seek, then read), so one
searcher must never serve two searches at once. Instead of one lock held across whole searches
(which made every session of the app wait for the slowest), each search takes a searcher of
the current index generation from a small pool and puts it back after; only that hand-over
holds the lock. The facet table (index/facets.py) and scoring statistics (index/execute.py),
plain arrays read-only once built, are shared by all searchers of a generation. When
`gdprkb index` commits a newer generation, the next search opens a fresh searcher and tables;
searchers of older generations are closed as they come back.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from whoosh.index import Index
from whoosh.searching import Searcher

from gdprkb.index.execute import Statistics
from gdprkb.index.facets import FacetTable

MAX_IDLE = 4  # searchers kept open for reuse (each holds a few file handles)
Tables = tuple[FacetTable, Statistics]  # what the searches of one generation share


class Searchers:
    """A pool of searchers of the newest index generation, with that generation's facet table."""

    def __init__(self, ix: Index) -> None:
        self._ix = ix
        self._lock = threading.Lock()
        first = ix.searcher()
        self._generation = _generation(first)
        self._tables = _tables(first)
        self._idle: list[Searcher] = [first]

    def _take(self) -> tuple[Searcher, Tables, int]:
        """A searcher of the newest generation (under the lock: a listing, rarely an open)."""
        with self._lock:
            if self._ix.latest_generation() != self._generation:
                # A fresh searcher, not refresh(): refresh reuses segment readers whose
                # deletion sets are stale, so replaced cases would be counted twice.
                fresh = self._ix.searcher()
                self._generation = _generation(fresh)
                self._tables = _tables(fresh)
                stale, self._idle = self._idle, [fresh]
                for s in stale:
                    s.close()
            if self._idle:
                searcher = self._idle.pop()
            else:
                searcher = self._ix.searcher()
                if _generation(searcher) != self._generation:  # committed meanwhile
                    self._generation = _generation(searcher)
                    self._tables = _tables(searcher)
            return searcher, self._tables, self._generation

    def _give_back(self, searcher: Searcher, generation: int) -> None:
        with self._lock:
            if generation == self._generation and len(self._idle) < MAX_IDLE:
                self._idle.append(searcher)
                return
        searcher.close()

    @contextmanager
    def get(self) -> Iterator[tuple[Searcher, FacetTable, Statistics]]:
        """A searcher for this call only, and the facet table and statistics of its generation."""
        searcher, (table, stats), generation = self._take()
        try:
            yield searcher, table, stats
        finally:
            self._give_back(searcher, generation)

    def clear_caches(self) -> None:
        """Forget what the current generation keeps between searches (index/execute.py)."""
        with self._lock:
            self._tables[1].cache.clear()
            self._tables[1].forms.clear()

    def close(self) -> None:
        """Close the idle searchers (those in use close when given back)."""
        with self._lock:
            idle, self._idle = self._idle, []
            self._generation = -1  # nothing given back is kept
        for s in idle:
            s.close()


def _tables(searcher: Searcher) -> Tables:
    """What every search of one generation shares: facet columns and scoring statistics."""
    tables = FacetTable(searcher.reader()), Statistics(searcher.reader())
    # What is alive by now (modules, readers, these tables) stays for the process's life, or
    # the generation's: frozen, the cycle collector stops walking it again in every full
    # collection, a pause of tens of milliseconds in whichever search triggers it. Frozen
    # objects are still freed as soon as nothing refers to them.
    gc.freeze()
    return tables


def _generation(searcher: Searcher) -> int:
    return int(searcher.reader().generation() or 0)
