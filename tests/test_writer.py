"""index.writer: one run at a time; a killed run's lock or processes never block the next."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from gdprkb.index.schema import build_schema
from gdprkb.index.writer import OWNER_FILE, IndexBusy, index_writer, owner_alive, read_owner

# A run as an older gdprkb made it: takes the lock, records itself, forks a helper that keeps
# a copy of the lock (as Whoosh's sub-writers did) and does not watch its parent.
_OLD_RUN = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from whoosh import index as whoosh_index
    from gdprkb.index.writer import index_writer
    folder = Path(sys.argv[1])
    ix = whoosh_index.open_dir(str(folder))
    with index_writer(ix, folder, timeout=1) as writer:
        child = os.fork()
        if child == 0:
            time.sleep(120)
            os._exit(0)
        print(child, flush=True)
        time.sleep(120)
    """
)


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "index"
    folder.mkdir()
    whoosh_index.create_in(str(folder), build_schema())
    return folder


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return True
    return state == "Z"


def test_a_stale_lock_of_a_killed_run_is_taken_over(index_dir: Path) -> None:
    run = subprocess.Popen(
        [sys.executable, "-c", _OLD_RUN, str(index_dir)], stdout=subprocess.PIPE, text=True
    )
    assert run.stdout is not None
    orphan = int(run.stdout.readline())
    try:
        assert read_owner(index_dir)["pid"] == run.pid  # type: ignore[index]
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert not _gone(orphan)  # still holding its copy of the lock
        ix = whoosh_index.open_dir(str(index_dir))
        with pytest.raises(whoosh_index.LockError):
            ix.writer(timeout=0).cancel()  # the lock really is held
        t0 = time.monotonic()
        with index_writer(ix, index_dir, timeout=5) as writer:
            assert read_owner(index_dir)["pid"] == os.getpid()  # type: ignore[index]
            writer.commit()
        assert time.monotonic() - t0 < 2  # taken over, not waited out
        assert not (index_dir / OWNER_FILE).exists()
    finally:
        os.kill(orphan, signal.SIGKILL)


def test_a_live_run_keeps_its_lock(index_dir: Path) -> None:
    ix = whoosh_index.open_dir(str(index_dir))
    busy = pytest.raises(IndexBusy, match=f"locked by another .*process {os.getpid()}")
    with index_writer(ix, index_dir, timeout=1) as first:
        with busy, index_writer(ix, index_dir, timeout=0.3):
            pass
        first.cancel()


def test_a_failed_run_cancels_and_leaves_no_owner(index_dir: Path) -> None:
    ix = whoosh_index.open_dir(str(index_dir))
    with pytest.raises(RuntimeError), index_writer(ix, index_dir, timeout=1) as writer:
        raise RuntimeError("boom")
    assert writer.is_closed and not (index_dir / OWNER_FILE).exists()
    with index_writer(ix, index_dir, timeout=0) as again:  # the lock was released
        again.cancel()


def test_owner_alive_tells_dead_and_reused_pids() -> None:
    me = json.loads(json.dumps({"pid": os.getpid(), "start": None}))
    assert owner_alive(me)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    assert not owner_alive({"pid": proc.pid, "start": None})
    assert not owner_alive({"pid": os.getpid(), "start": "1"})  # same pid, another process
    assert not owner_alive({"pid": "x"})
