"""Ingest saved GDPRhub pages (files, folders, .html.gz, .zip) into the store, and reparse.

Each page is read, its head's metadata checked against the store (an unchanged revision is
skipped before parsing), parsed, and stored; many pages share one transaction (`batch_size`),
so a crash loses at most the open batch and a re-run completes the job. A page that cannot be
read or parsed is recorded as a failure naming the file and the reason; the rest goes on and
nothing stored is overwritten by a failure.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from tqdm import tqdm

from gdprkb.corpus.inputs import PageInput, Reader, discover
from gdprkb.corpus.parse import parse_page, read_meta
from gdprkb.corpus.record import (
    PARSER_VERSION,
    ArticlePage,
    CaseRecord,
    NotADecision,
    PageMeta,
    ParseError,
)
from gdprkb.corpus.store import Store
from gdprkb.corpus.workers import Parsed, ParsePool, Task, release_memory

BATCH_SIZE = 100
T = TypeVar("T")


@dataclass
class IngestResult:
    """What an ingest or reparse did: counts per outcome and a reason per failed input."""

    new: int = 0
    updated: int = 0
    unchanged: int = 0
    articles: int = 0
    not_decision: int = 0
    older: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    # entries a folder walk passed over (symlink loops, FIFOs, folders named *.html): not
    # failures of the run, but said
    skipped: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ingested(self) -> int:
        """Decision records written (new or updated)."""
        return self.new + self.updated

    @property
    def total(self) -> int:
        """Inputs seen."""
        base = self.ingested + self.unchanged + self.articles + self.not_decision + self.older
        return base + len(self.failed)

    def summary_lines(self) -> list[str]:
        """The human summary: one line of counts, then one line per failed input."""
        lines = [
            f"ingested {self.ingested} decisions ({self.new} new, {self.updated} updated), "
            f"{self.articles} article pages, {self.not_decision} not a decision, "
            f"{self.unchanged} unchanged, {len(self.failed)} failed"
        ]
        if self.older:
            lines[0] += f" ({self.older} skipped: older than the stored revision)"
        if self.skipped:
            lines[0] += f"; {len(self.skipped)} folder entries passed over"
        lines += [f"failed: {name}: {reason}" for name, reason in self.failed]
        lines += [f"skipped: {name}: {reason}" for name, reason in self.skipped]
        return lines


def _tally(result: IngestResult, page: object, outcome: str) -> None:
    if outcome == "unchanged":
        result.unchanged += 1
    elif isinstance(page, CaseRecord):
        setattr(result, outcome, getattr(result, outcome) + 1)
    elif isinstance(page, ArticlePage):
        result.articles += 1
    elif isinstance(page, NotADecision):
        result.not_decision += 1


class _Run:
    """One ingest or reparse: the store, the tally, and whether failures may need clearing."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.result = IngestResult()
        self.reader = Reader()
        # Checked once: in the usual run without old failures, no DELETE per stored page.
        self._failures = store.has_failures

    def fail(self, name: str, reason: str, **kw: Any) -> None:
        """Tally and record a failure (stored records stay as they are)."""
        self.result.failed.append((kw.get("title") or name, reason))
        self.store.record_failure(name, reason, **kw)
        self._failures = True

    def clear(self, name: str) -> None:
        """Forget an earlier failure of `name`, if there may be one."""
        if self._failures:
            self.store.clear_failure(name)

    def tasks(self, items: Iterable[PageInput]) -> Iterator[Task[PageInput] | None]:
        """Read and check each input: a page to parse becomes a task (item, raw, meta); an
        unreadable, unrecognisable or already stored one is settled here and becomes None."""
        for item in items:
            try:
                raw = self.reader.read(item)
            except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as e:
                self.fail(item.name, f"cannot read: {str(e) or type(e).__name__}")
                yield None
                continue
            except MemoryError:  # whatever the cap, this input alone fails
                self.fail(item.name, "cannot read: out of memory")
                yield None
                continue
            try:
                meta = read_meta(raw)
            except ParseError as e:
                self.fail(item.name, _why(raw, e))
                yield None
                continue
            stored = self.store.stored_revision(meta.page_id)
            if stored and stored[0] > meta.revision_id:
                self.result.older += 1  # an old saved copy must not replace a newer revision
            elif stored == (meta.revision_id, PARSER_VERSION) and self.store.is_current(meta, raw):
                self.result.unchanged += 1  # the very same page: skip the parse entirely
            else:
                yield item, raw, meta
                continue
            self.clear(item.name)
            yield None

    def store_parsed(self, item: PageInput, raw: bytes, meta: PageMeta, parsed: Parsed) -> None:
        """Store one parse result, or record why there is none."""
        if parsed.page is None:
            self.fail(item.name, parsed.error or "unknown parse error")
            return
        # Store errors (disk full, locked database) are not the page's fault: they propagate.
        outcome = self.store.put(
            parsed.page, raw, meta, compressed=parsed.compressed, refs=parsed.refs
        )
        self.clear(item.name)
        _tally(self.result, parsed.page, outcome)


def _why(raw: bytes, error: ParseError) -> str:
    """The most specific reason a page was rejected: the full parse's ("not a GDPRhub page")
    is clearer than the head's ("no metadata")."""
    try:
        parse_page(raw)
    except ParseError as e:
        return str(e)
    except Exception as e:
        return f"parser error: {type(e).__name__}: {e}"
    return str(error)


def ingest(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    progress: bool = True,
    batch_size: int = BATCH_SIZE,
    jobs: int = 1,
) -> IngestResult:
    """Ingest every page under `paths` into `store`, parsing in `jobs` processes; return the
    counts and per-file failures."""
    run = _Run(store)
    found = discover(paths)
    items = found.pages
    for name, reason in found.problems:
        run.fail(name, reason)
    run.result.skipped = found.skipped
    bar = tqdm(total=len(items), unit="page", desc="ingest", disable=not progress)
    try:
        with ParsePool[PageInput](jobs) as pool:
            for done in _in_batches(store, pool.results(run.tasks(items)), batch_size):
                if done is not None:
                    (item, raw, meta), parsed = done
                    run.store_parsed(item, raw, meta, parsed)
                bar.update()
                if bar.n % batch_size == 0:
                    bar.set_postfix(failed=len(run.result.failed), refresh=False)
    finally:
        bar.close()
        run.reader.close()
    return run.result


def _in_batches(store: Store, items: Iterable[T], size: int) -> Iterator[T]:
    """Yield the items, `size` at a time inside one store transaction each.

    Items are pulled one by one (not gathered into lists first), so the parse workers keep
    working while the main process writes.
    """
    it = iter(items)
    while True:
        n = 0
        with store.batch():
            for item in it:
                yield item
                n += 1
                if n >= size:
                    break
        release_memory()
        if n < size:
            return


def reparse(
    store: Store, *, progress: bool = True, batch_size: int = BATCH_SIZE, jobs: int = 1
) -> IngestResult:
    """Rebuild every record from the stored raw pages, offline, parsing in `jobs` processes;
    rewrite only changed records.

    A page the current parser rejects keeps its stored record and is listed as failed.
    """
    run = _Run(store)
    bar = tqdm(total=store.count_pages(), unit="page", desc="reparse", disable=not progress)
    with bar, ParsePool[PageMeta](jobs, compress=False) as pool:
        tasks = ((meta, raw, meta) for meta, raw in store.iter_raw())
        for done in _in_batches(store, pool.results(tasks), batch_size):
            assert done is not None
            (meta, raw, _), parsed = done
            key = f"reparse:{meta.title}"
            if parsed.page is None:  # keep the stored record, report the page
                reason = parsed.error or "unknown parse error"
                run.fail(key, reason, title=meta.title, page_id=meta.page_id)
            else:
                outcome = store.put(parsed.page, raw, meta, recheck=True, refs=parsed.refs)
                run.clear(key)
                _tally(run.result, parsed.page, outcome)
            bar.update()
    return run.result
