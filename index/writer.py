"""The index writer of one `gdprkb index` run: one run at a time, and a killed run never blocks
the next.

Whoosh's writer lock is a `flock` on a file in the index folder, so it ends with the process
holding it, but its sub-writer processes (`procs` > 1) are forked with a copy of it and, when
the run is killed, they lingered re-parented to init, holding the lock for good. Here they
close their copy, and leave when their parent dies (the ingest's parser processes do the
same: gdprkb.corpus.workers). A run also records who it is in OWNER_FILE; when the lock is
held but its recorded owner is dead (an older version's orphans, a frozen NFS client), the
lock is stale and the next run takes it over by replacing the lock file. Taking the lock and
recording the owner happen under a short-lived guard lock, so two runs cannot both take over.
"""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tqdm import tqdm
from whoosh.index import Index, LockError
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

from gdprkb.corpus.workers import exit_with_parent

OWNER_FILE = "gdprkb-index.owner"
GUARD_FILE = "gdprkb-index.guard"
RETRY_S = 0.1


class IndexBusy(RuntimeError):
    """Another process is writing the index."""


def _start_time(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (tells a reused pid apart)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _me() -> dict[str, Any]:
    return {"pid": os.getpid(), "start": _start_time(os.getpid())}


def owner_alive(owner: dict[str, Any]) -> bool:
    """Whether the process recorded as `owner` still runs (the same process, not a reused pid)."""
    pid = owner.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    state = _start_time(pid)
    return state is None or owner.get("start") in (None, state)


def read_owner(index_dir: Path) -> dict[str, Any] | None:
    """The run recorded as writing the index, or None."""
    try:
        owner = json.loads((index_dir / OWNER_FILE).read_text())
    except (OSError, ValueError):
        return None
    return owner if isinstance(owner, dict) else None


@contextmanager
def _guard(index_dir: Path) -> Iterator[None]:
    fd = os.open(index_dir / GUARD_FILE, os.O_CREAT | os.O_WRONLY, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the flock


class Counts:
    """Documents analysed, postings made and postings written, shared with sub-writers.

    Whoosh analyses a document when it is added (in a sub-writer with `procs` > 1) and sorts
    and writes the postings in the commit, which took most of a build in silence.
    """

    def __init__(self, writers: int) -> None:
        # Shared memory made before the sub-writers are forked; no lock: one writer per slot.
        self._slots = multiprocessing.Array("q", 3 * writers, lock=False)
        self._next = 0

    def slot(self) -> int:
        """A fresh slot for one writer (the parent or a sub-writer)."""
        self._next += 1
        return self._next - 1

    def add(self, slot: int, what: int, n: int) -> None:
        """Count n more of `what` (0 documents, 1 postings made, 2 postings written)."""
        self._slots[3 * slot + what] += n

    def total(self, what: int) -> int:
        """The count of `what` over every writer."""
        return sum(self._slots[what::3])


def count_into(writer: SegmentWriter, counts: Counts, slot: int) -> None:
    """Make `writer` count its postings made and written into `counts`."""
    pool = writer.pool
    add, items = pool.add, pool.iter_postings
    made = [0]

    def counted_add(item: Any) -> None:
        made[0] += 1
        if made[0] == 10_000:
            counts.add(slot, 1, made[0])
            made[0] = 0
        add(item)

    def counted_items() -> Iterator[Any]:
        counts.add(slot, 1, made[0])
        made[0] = n = 0
        for n, item in enumerate(items(), 1):
            if not n % 10_000:
                counts.add(slot, 2, 10_000)
            yield item
        counts.add(slot, 2, n % 10_000)

    pool.add, pool.iter_postings = counted_add, counted_items  # type: ignore[method-assign]


class _Task(SubWriterTask):  # type: ignore[misc]
    """A Whoosh sub-writer process that holds no lock, ends with the build and counts."""

    def __init__(
        self, *args: Any, parent: int, lock_fd: int | None, counts: Counts, slot: int
    ) -> None:
        super().__init__(*args)
        self.parent = parent
        self.lock_fd = lock_fd
        self.counts = counts
        self.slot = slot
        self._counting = False

    def run(self) -> None:
        exit_with_parent(self.parent)
        if self.lock_fd is not None:
            # Closing our copy leaves the parent's lock in place (flock is per open file).
            os.close(self.lock_fd)
        super().run()

    def _process_file(self, filename: str, doc_count: int) -> None:
        if not self._counting:  # the sub-writer exists once run() has started
            count_into(self.writer, self.counts, self.slot)
            self._counting = True
        super()._process_file(filename, doc_count)
        self.counts.add(self.slot, 0, doc_count)


class _MpWriter(MpWriter):  # type: ignore[misc]
    def __init__(self, *args: Any, counts: Counts, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.counts = counts

    def _new_task(self) -> _Task:
        lock = self.writelock
        task = _Task(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
            parent=os.getpid(),
            lock_fd=getattr(lock, "fd", None),
            counts=self.counts,
            slot=self.counts.slot(),
        )
        self.tasks.append(task)
        task.start()
        return task


def _try_writer(ix: Index, procs: int, kwargs: dict[str, Any]) -> SegmentWriter | None:
    counts = Counts(procs + 1)  # the sub-writers and the parent
    writer: Any
    try:
        if procs > 1:
            # multisegment: keep each process's segment rather than merging them all at the end.
            writer = _MpWriter(
                ix, procs=procs, multisegment=True, timeout=0, counts=counts, **kwargs
            )
        else:
            writer = SegmentWriter(ix, timeout=0, **kwargs)
    except LockError:
        return None
    writer.counts = counts
    count_into(writer, counts, counts.slot())  # what the parent itself indexes
    return writer


def commit_with_progress(writer: Any, docs: int, *, show: bool, **kwargs: Any) -> None:
    """writer.commit(**kwargs) with bars for documents analysed and postings written."""
    counts: Counts = writer.counts
    if not show:
        writer.commit(**kwargs)
        return
    done = threading.Event()
    analysed = tqdm(total=docs, desc="analysing", unit="case")
    written = tqdm(total=0, desc="writing", unit="posting", unit_scale=True)

    def watch() -> None:
        while True:
            finished = done.wait(0.2)
            # One process analyses each document as it is added; sub-writers count theirs.
            analysed.n = min(docs, counts.total(0)) if isinstance(writer, MpWriter) else docs
            made = counts.total(1)
            written.total = made
            written.n = min(counts.total(2), made)
            analysed.refresh()
            written.refresh()
            if finished:
                return

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        writer.commit(**kwargs)
    finally:
        done.set()
        thread.join()
        analysed.close()
        written.close()


def _acquire(ix: Index, index_dir: Path, timeout: float, procs: int, **kwargs: Any) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        with _guard(index_dir):
            writer = _try_writer(ix, procs, kwargs)
            owner = read_owner(index_dir)
            if writer is None and owner is not None and not owner_alive(owner):
                # The lock outlived its run: a new lock file, whoever holds the old one.
                lock_name = f"{getattr(ix, 'indexname', 'MAIN')}_WRITELOCK"
                (index_dir / lock_name).unlink(missing_ok=True)
                writer = _try_writer(ix, procs, kwargs)
            if writer is not None:
                tmp = index_dir / (OWNER_FILE + ".tmp")
                tmp.write_text(json.dumps(_me()))
                os.replace(tmp, index_dir / OWNER_FILE)
                return writer
        if time.monotonic() >= deadline:
            who = f" (process {owner['pid']})" if owner else ""
            raise IndexBusy(
                f"the index in {index_dir} is locked by another `gdprkb index` run{who} "
                f"(waited {timeout:g}s); try again when it has finished"
            )
        time.sleep(RETRY_S)


@contextmanager
def index_writer(
    ix: Index, index_dir: Path, *, timeout: float, procs: int = 1, **kwargs: Any
) -> Iterator[Any]:
    """The index's writer (IndexBusy when another live run holds it past `timeout` seconds).

    Commit inside the block; an exception cancels the writer; the owner record goes either way.
    """
    writer = _acquire(ix, index_dir, timeout, procs, **kwargs)
    try:
        yield writer
    except BaseException:
        if not writer.is_closed:
            writer.cancel()
        raise
    finally:
        with _guard(index_dir):  # only our own record: the next run may have written its own
            if read_owner(index_dir) == _me():
                (index_dir / OWNER_FILE).unlink(missing_ok=True)
