"""Full and incremental index builds from a real Store, and searching while the index changes."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from gdprkb.corpus.ingest import ingest
from gdprkb.corpus.record import CaseRecord, PageMeta
from gdprkb.corpus.store import Store
from gdprkb.index import build
from gdprkb.index.build import STATE_FILE, IndexBusy, read_state, update_index
from gdprkb.index.search import IndexIncomplete, SearchIndex

NEW_WORD = "zebracornish"


@pytest.fixture(scope="module")
def subset_home(sample_subset: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 120 sample pages ingested and indexed once (corpus.sqlite, index/); copy to write."""
    home = tmp_path_factory.mktemp("subset_home")
    with Store(home / "corpus.sqlite") as store:
        ingest(store, [sample_subset], progress=False)
        update_index(store, home / "index", progress=False)
    return home


@pytest.fixture
def store(subset_home: Path, tmp_path: Path) -> Iterator[Store]:
    """A writable copy of the subset corpus, with its index already built in tmp_path/index."""
    shutil.copy(subset_home / "corpus.sqlite", tmp_path / "corpus.sqlite")
    shutil.copytree(subset_home / "index", tmp_path / "index")
    with Store(tmp_path / "corpus.sqlite") as s:
        yield s


def revise(store: Store, case: CaseRecord, **changes: object) -> CaseRecord:
    """Store a new revision of a case with some fields changed (what a scrape would do)."""
    new = dataclasses.replace(case, revision_id=case.revision_id + 1, **changes)  # type: ignore[arg-type]
    meta = PageMeta(new.title, new.page_id, new.revision_id, list(new.categories), new.url)
    assert store.put(new, b"<html>revised</html>", meta) == "updated"
    return new


def ids(ix: SearchIndex, query: str) -> set[int]:
    return set(ix.all_page_ids(query))


def test_full_build_indexes_every_case(store: Store, tmp_path: Path) -> None:
    shutil.rmtree(tmp_path / "index")
    report = update_index(store, tmp_path / "index", progress=False)
    assert report.mode == "full" and report.indexed == report.docs == store.count_cases() > 100
    assert read_state(tmp_path / "index") == {
        "schema_version": build.SCHEMA_VERSION,
        "last_seq": store.seq,
    }
    again = update_index(store, tmp_path / "index", progress=False)
    assert again.mode == "unchanged" and again.docs == report.docs
    ix = SearchIndex(tmp_path / "index")
    assert ix.search("").total == store.count_cases()
    counts = {v.value: v.count for v in ix.search("").facets["jurisdiction"]}
    assert counts == Counter(c.jurisdiction for c in store.iter_cases() if c.jurisdiction)


def test_incremental_update_replaces_changed_and_drops_deleted(
    store: Store, tmp_path: Path
) -> None:
    ix = SearchIndex(tmp_path / "index")  # opened before the update: must see it afterwards
    cases = [c for c in store.iter_cases() if c.facts and len(c.facts.split()) > 30]
    changed, gone = cases[0], cases[1]
    old_phrase = '"' + " ".join(changed.facts.split()[10:18]).replace('"', "") + '"'  # type: ignore[union-attr]
    assert changed.page_id in ids(ix, old_phrase)
    assert ix.all_page_ids(f'"{gone.title}"')[:1] == [gone.page_id]
    before = ix.search("").total

    revise(store, changed, facts=f"The {NEW_WORD} controller kept the records.", outcome="Rejected")
    store.delete(gone.page_id)
    report = update_index(store, tmp_path / "index", progress=False)

    assert (report.mode, report.indexed, report.deleted) == ("incremental", 1, 1)
    assert ids(ix, NEW_WORD) == {changed.page_id}
    assert changed.page_id not in ids(ix, old_phrase)
    assert gone.page_id not in ids(ix, f'"{gone.title}"')
    assert gone.page_id not in ix.all_page_ids("")
    assert ix.search("").total == before - 1 == store.count_cases()
    outcomes = {v.value: v.count for v in ix.search("").facets["outcome"]}
    assert outcomes == Counter(c.outcome for c in store.iter_cases() if c.outcome)
    assert read_state(tmp_path / "index")["last_seq"] == store.seq  # type: ignore[index]
    assert update_index(store, tmp_path / "index", progress=False).mode == "unchanged"


def test_searches_keep_working_during_an_update(store: Store, tmp_path: Path) -> None:
    ix = SearchIndex(tmp_path / "index")
    total = ix.search("").total
    cases = list(store.iter_cases())
    for case in cases[:60]:
        revise(store, case, lead=f"{NEW_WORD} {case.lead or ''}")
    errors: list[BaseException] = []

    def run_update() -> None:
        try:
            with Store(store.path) as s:
                update_index(s, tmp_path / "index", progress=False)
        except BaseException as err:  # surfaced by the assertion below
            errors.append(err)

    writer = threading.Thread(target=run_update)
    writer.start()
    seen = []
    while writer.is_alive():
        res = ix.search("data protection", page_size=5)
        assert res.total > 0 and ix.search("").total == total
        seen.append(len(ids(ix, NEW_WORD)))
    writer.join()
    assert errors == []
    assert len(seen) >= 1 and set(seen) <= {0, 60}
    assert len(ids(ix, NEW_WORD)) == 60 and ix.search("").total == total


def test_a_held_writer_lock_is_reported_and_searches_go_on(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ix = SearchIndex(tmp_path / "index")
    case = next(iter(store.iter_cases()))
    revise(store, case, facts=f"{NEW_WORD} facts")
    monkeypatch.setattr(build, "LOCK_TIMEOUT_S", 0.2)
    other = whoosh_index.open_dir(str(tmp_path / "index")).writer()
    try:
        with pytest.raises(IndexBusy, match="locked by another"):
            update_index(store, tmp_path / "index", progress=False)
        assert ix.search("data").total > 0
    finally:
        other.cancel()
    assert update_index(store, tmp_path / "index", progress=False).indexed == 1
    assert ids(ix, NEW_WORD) == {case.page_id}


def test_schema_change_or_lost_state_rebuilds(store: Store, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    (index_dir / STATE_FILE).write_text(json.dumps({"schema_version": -1, "last_seq": 0}))
    assert update_index(store, index_dir, progress=False).mode == "full"
    (index_dir / STATE_FILE).unlink()
    report = update_index(store, index_dir, progress=False)
    assert report.mode == "full" and report.docs == store.count_cases()
    assert update_index(store, index_dir, full=True, progress=False).mode == "full"
    assert SearchIndex(index_dir).search("").total == store.count_cases()


def test_multiprocess_rebuild_replaces_everything_once(store: Store, tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    for _ in range(2):  # a rebuild over an existing index must not duplicate cases
        report = update_index(store, index_dir, full=True, progress=False, procs=2)
        assert report.docs == report.indexed == store.count_cases()
    ix = SearchIndex(index_dir)
    assert len(ix.all_page_ids("")) == len(set(ix.all_page_ids(""))) == store.count_cases()


GDPRKB = Path(sys.executable).with_name("gdprkb")


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_kill_9_of_a_first_multiprocess_build_blocks_nothing(
    sample_db: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(sample_db, home / "corpus.sqlite")
    gdprkb = [str(GDPRKB), "--home", str(home)]
    proc = subprocess.Popen([*gdprkb, "index", "-q", "--procs", "2"], stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = [w for w in _children(proc.pid) if _alive(w)]
    assert proc.poll() is None and len(workers) >= 2, "the build ended before it was killed"
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10  # the orphaned sub-writers notice and leave
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "index workers outlived the build"

    search = subprocess.run([*gdprkb, "search", "cookies"], capture_output=True, text=True)
    assert search.returncode == 2
    assert "incomplete" in search.stderr and "run `gdprkb index`" in search.stderr
    assert "No cases" not in search.stdout

    rerun = subprocess.run([*gdprkb, "index", "-q"], capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert "full index: 914 cases indexed" in rerun.stdout
    after = subprocess.run([*gdprkb, "search", "cookies", "--json"], capture_output=True)
    assert after.returncode == 0 and json.loads(after.stdout)["total"] > 10


def test_an_unfinished_first_build_is_reported_not_searched(store: Store, tmp_path: Path) -> None:
    index_dir = tmp_path / "fresh"
    index_dir.mkdir()
    whoosh_index.create_in(str(index_dir), build.build_schema())  # what a killed build leaves
    with pytest.raises(IndexIncomplete, match="incomplete .* run `gdprkb index`"):
        SearchIndex(index_dir)
    update_index(store, index_dir, progress=False)
    assert SearchIndex(index_dir).search("").total == store.count_cases()


def test_a_flagged_fine_is_shown_but_never_compared() -> None:
    """Issue 13 §2: a fine whose currency contradicts the page is in no fine range or sort;
    the hit carries the record's warnings for the app's note."""
    from gdprkb.index.schema import to_document

    base = CaseRecord(
        title="T", url="u", page_id=1, revision_id=1, kind="dpa", jurisdiction="Spain",
        fine_amount=2500000.0, fine_currency="BGN",
    )  # fmt: skip
    assert "fine_eur" in to_document(base)
    base.warnings = ["fine_currency_mismatch"]
    doc = to_document(base)
    assert "fine_eur" not in doc
    assert doc["display"]["warnings"] == ["fine_currency_mismatch"]  # type: ignore[index]
    assert doc["has_fine"] == "yes"  # a fine was imposed, whatever its currency


@pytest.mark.parametrize("procs", [1, 2])
def test_a_full_build_shows_progress_to_the_end_of_the_write(
    store: Store, tmp_path: Path, capfd: pytest.CaptureFixture[str], procs: int
) -> None:
    update_index(store, tmp_path / "again", progress=True, procs=procs)
    err = capfd.readouterr().err.replace("\r", "\n")
    n = store.count_cases()
    assert f"analysing: 100%|██████████| {n}/{n}" in err
    written = [line for line in err.splitlines() if line.startswith("writing: 100%")]
    assert written, err[-500:]  # the postings written reach the postings made
    last = re.search(r"\| ([\d.]+)k?/([\d.]+)k? ", written[-1])
    assert last is not None and last[1] == last[2] and float(last[2]) > 0
