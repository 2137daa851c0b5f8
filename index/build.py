"""Build the index from the corpus Store, then keep it current from the Store's change feed.

The first run (or a schema change, or `full=True`) indexes every case; later runs apply only
`Store.changes_since(last_seq)`, remembering the seq in the index folder. Whoosh writes new
segments and switches generations on commit, so searchers keep answering from the previous
generation meanwhile; its writer lock (a file lock) lets one writer in at a time.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm
from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from gdprkb.corpus.store import Store
from gdprkb.index.schema import SCHEMA_VERSION, build_schema, to_document
from gdprkb.index.writer import IndexBusy, commit_with_progress, index_writer

__all__ = ["BuildReport", "IndexBusy", "full_build", "is_complete", "read_state", "update_index"]

STATE_FILE = "gdprkb-index.json"
LOCK_TIMEOUT_S = 60.0
MAX_SEGMENTS = 8


@dataclass(frozen=True)
class BuildReport:
    """What one `gdprkb index` run did."""

    mode: Literal["full", "incremental", "unchanged"]
    indexed: int  # cases added or re-indexed
    deleted: int
    seq: int  # the Store seq the index now reflects
    seconds: float
    docs: int  # cases in the index afterwards

    def summary(self) -> str:
        """One line for the CLI."""
        if self.mode == "unchanged":
            return f"index up to date: {self.docs:,} cases (seq {self.seq})"
        rate = self.indexed / self.seconds if self.seconds > 0 else 0.0
        return (
            f"{self.mode} index: {self.indexed:,} cases indexed, {self.deleted:,} removed in "
            f"{self.seconds:.1f}s ({rate:,.0f} docs/s); {self.docs:,} cases searchable "
            f"(seq {self.seq})"
        )


def read_state(index_dir: Path) -> dict[str, Any] | None:
    """The saved {schema_version, last_seq}, or None when absent or unreadable."""
    try:
        state = json.loads((index_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None
    return state if isinstance(state, dict) else None


def is_complete(index_dir: Path) -> bool:
    """Whether a full build of the current schema has finished in `index_dir`.

    The state is written only after a build's commit and removed before a fresh index is
    created, so a first build that was killed, or is still running, leaves none.
    """
    state = read_state(index_dir)
    return state is not None and state.get("schema_version") == SCHEMA_VERSION


def _write_state(index_dir: Path, seq: int) -> None:
    # Atomic replace: a crash leaves the old state, and replaying changes is idempotent.
    tmp = index_dir / (STATE_FILE + ".tmp")
    tmp.write_text(json.dumps({"schema_version": SCHEMA_VERSION, "last_seq": seq}))
    os.replace(tmp, index_dir / STATE_FILE)


def update_index(
    store: Store,
    index_dir: str | Path,
    *,
    full: bool = False,
    progress: bool = True,
    procs: int = 1,
    limitmb: int = 256,
) -> BuildReport:
    """Bring the index up to date with the store: a full build if needed, else incremental."""
    index_dir = Path(index_dir)
    state = read_state(index_dir)
    fresh = (
        full
        or state is None
        or state.get("schema_version") != SCHEMA_VERSION
        or not whoosh_index.exists_in(str(index_dir))
    )
    if fresh:
        return full_build(store, index_dir, progress=progress, procs=procs, limitmb=limitmb)
    assert state is not None
    return _incremental(store, index_dir, int(state.get("last_seq", 0)), progress=progress)


def full_build(
    store: Store, index_dir: Path, *, progress: bool = True, procs: int = 1, limitmb: int = 256
) -> BuildReport:
    """Index every case of the store, replacing what the index held."""
    t0 = time.perf_counter()
    index_dir.mkdir(parents=True, exist_ok=True)
    # The seq is read before the cases: a write during the build is replayed next time.
    seq = store.seq
    schema = build_schema()
    state = read_state(index_dir)
    same_schema = state is not None and state.get("schema_version") == SCHEMA_VERSION
    if whoosh_index.exists_in(str(index_dir)) and same_schema:
        ix = whoosh_index.open_dir(str(index_dir))
        mergetype = CLEAR  # swap in the new segments on commit; readers keep the old ones
    else:
        # No state until this build commits: searches say the index is incomplete meanwhile
        # (and after a kill) instead of answering from an empty index.
        (index_dir / STATE_FILE).unlink(missing_ok=True)
        ix = whoosh_index.create_in(str(index_dir), schema)
        mergetype = None
    count = 0
    with index_writer(
        ix, index_dir, timeout=LOCK_TIMEOUT_S, procs=procs, limitmb=limitmb
    ) as writer:
        total = store.count_cases()
        cites = store.citation_facts()
        cases = tqdm(
            store.iter_cases(), total=total, desc="indexing", unit="case", disable=not progress
        )
        for case in cases:
            writer.add_document(**to_document(case, cites.get(case.page_id)))
            count += 1
        # Most of a build happens in the commit (analysing in sub-writers, sorting and writing
        # the postings): its own bars show it to the end.
        merge = {} if mergetype is None else {"mergetype": mergetype}
        commit_with_progress(writer, count, show=progress, **merge)
    _write_state(index_dir, seq)
    docs = ix.doc_count()
    ix.close()
    return BuildReport("full", count, 0, seq, time.perf_counter() - t0, docs)


def _incremental(store: Store, index_dir: Path, last_seq: int, *, progress: bool) -> BuildReport:
    t0 = time.perf_counter()
    changed, deleted, seq = store.changes_since(last_seq)
    ix = whoosh_index.open_dir(str(index_dir))
    if not changed and not deleted:
        if seq != last_seq:
            _write_state(index_dir, seq)
        docs = ix.doc_count()
        ix.close()
        return BuildReport("unchanged", 0, 0, seq, time.perf_counter() - t0, docs)
    cites = store.citation_facts(c.page_id for c in changed)
    with index_writer(ix, index_dir, timeout=LOCK_TIMEOUT_S) as writer:
        for case in tqdm(changed, desc="re-indexing", unit="case", disable=not progress):
            writer.update_document(**to_document(case, cites.get(case.page_id)))
        for page_id in deleted:
            writer.delete_by_term("page_id", str(page_id))
        # A small update adds a segment instead of rewriting big ones (Whoosh's default merge
        # may rewrite the whole index); past MAX_SEGMENTS the small segments are merged again.
        with ix.reader() as reader:
            segments = len(reader.leaf_readers())
        writer.commit(merge=segments >= MAX_SEGMENTS)
    _write_state(index_dir, seq)
    docs = ix.doc_count()
    ix.close()
    return BuildReport(
        "incremental", len(changed), len(deleted), seq, time.perf_counter() - t0, docs
    )
