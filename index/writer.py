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
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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


class _Task(SubWriterTask):  # type: ignore[misc]
    """A Whoosh sub-writer process that holds no lock and ends with the build."""

    def __init__(self, *args: Any, parent: int, lock_fd: int | None) -> None:
        super().__init__(*args)
        self.parent = parent
        self.lock_fd = lock_fd

    def run(self) -> None:
        exit_with_parent(self.parent)
        if self.lock_fd is not None:
            # Closing our copy leaves the parent's lock in place (flock is per open file).
            os.close(self.lock_fd)
        super().run()


class _MpWriter(MpWriter):  # type: ignore[misc]
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
        )
        self.tasks.append(task)
        task.start()
        return task


def _try_writer(ix: Index, procs: int, kwargs: dict[str, Any]) -> SegmentWriter | None:
    try:
        if procs > 1:
            # multisegment: keep each process's segment rather than merging them all at the end.
            return _MpWriter(ix, procs=procs, multisegment=True, timeout=0, **kwargs)
        return SegmentWriter(ix, timeout=0, **kwargs)
    except LockError:
        return None


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
