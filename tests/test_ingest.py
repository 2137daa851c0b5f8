"""corpus.ingest: the real sample pages, archives, bad input, re-ingest, reparse and kill -9."""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from gdprkb.corpus.ingest import discover, ingest, reparse
from gdprkb.corpus.record import PARSER_VERSION
from gdprkb.corpus.store import Store

SEED = 2146  # Datatilsynet (Denmark) - 2019-431-0036
GDPRKB = Path(sys.executable).with_name("gdprkb")


def copy_db(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / "corpus.sqlite"
    shutil.copy(src, dst)
    return dst


def page_bytes(sample_pages: Path, page_id: int) -> bytes:
    return (sample_pages / f"{page_id}.html").read_bytes()


def bump_revision(data: bytes, by: int = 1) -> bytes:
    """The same page as if edited: wgCurRevisionId + by."""
    m = re.search(rb'"wgCurRevisionId":(\d+)', data)
    assert m
    return data.replace(m.group(0), b'"wgCurRevisionId":%d' % (int(m.group(1)) + by))


def snapshot(path: Path) -> dict[str, object]:
    """Everything a user can read from a store: cases, articles, others, raw pages."""
    with Store(path) as s:
        return {
            "cases": list(s.iter_case_dicts()),
            "articles": [a.to_dict() for a in s.iter_articles()],
            "others": list(s.iter_others()),
            "revisions": s.known_revisions(),
            "raw": {m.page_id: zlib.crc32(raw) for m, raw in s.iter_raw()},
        }


# -- the real sample ------------------------------------------------------------------------


def test_sample_ingests_without_failure(sample_db: Path) -> None:
    with Store(sample_db) as s:
        assert s.failures() == []
        assert s.count_pages() == 922
        assert s.count_cases() >= 890


def test_every_sample_page_is_stored_at_its_manifest_revision(
    sample_db: Path, manifest: dict[int, dict]
) -> None:
    with Store(sample_db) as s:
        known = s.known_revisions()
    assert known == {e["title"]: (pid, e["revision_id"]) for pid, e in manifest.items()}


def test_raw_page_and_meta_are_kept_exactly(sample_db: Path, sample_pages: Path) -> None:
    with Store(sample_db) as s:
        raws = {m.page_id: (m, raw) for m, raw in s.iter_raw()}
        assert s.stored_revision(SEED) == (37184, PARSER_VERSION)
    meta, raw = raws[SEED]
    assert raw == page_bytes(sample_pages, SEED)
    assert meta.title == "Datatilsynet (Denmark) - 2019-431-0036"
    assert "Article 32 GDPR" in meta.categories


def test_seed_case_is_queryable(sample_db: Path) -> None:
    with Store(sample_db) as s:
        case = s.get_case(SEED)
        assert case is not None
        assert case.outcome and case.outcome.lower() == "reprimand"
        assert case.gdpr_articles == [32]
        assert SEED in [c.page_id for c in s.iter_cases(jurisdiction="Denmark", article=32)]


def test_reingest_is_a_no_op(sample_db: Path, sample_pages: Path, tmp_path: Path) -> None:
    db = copy_db(sample_db, tmp_path)
    before = snapshot(db)
    with Store(db) as s:
        seq = s.seq
        result = ingest(s, [sample_pages], progress=False)
        assert s.seq == seq
        assert s._db.total_changes == 0  # not one row written
    assert (result.unchanged, result.ingested, result.failed) == (922, 0, [])
    assert snapshot(db) == before


# -- inputs ---------------------------------------------------------------------------------


@pytest.fixture
def three(manifest: dict[int, dict]) -> list[int]:
    """Three real decision page ids: the seed and the two lowest-numbered decisions."""
    article = re.compile(r"^Article \d+ GDPR$")
    decisions = sorted(pid for pid, e in manifest.items() if not article.match(e["title"]))
    return [SEED, *decisions[:2]]


def test_gz_and_zip_give_the_same_records(
    sample_pages: Path, sample_db: Path, tmp_path: Path, three: list[int]
) -> None:
    gz = tmp_path / f"{three[0]}.html.gz"
    gz.write_bytes(gzip.compress(page_bytes(sample_pages, three[0])))
    archive = tmp_path / "pages.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"x/{three[1]}.html", page_bytes(sample_pages, three[1]))
        zf.writestr(f"{three[2]}.html.gz", gzip.compress(page_bytes(sample_pages, three[2])))
        zf.writestr("README.txt", "not a page")
    with Store(tmp_path / "c.sqlite") as s:
        result = ingest(s, [gz, archive], progress=False)
        got = {c.page_id: c for c in s.iter_cases()}
    assert result.failed == [] and result.new == 3
    with Store(sample_db) as ref:
        assert got == {pid: ref.get_case(pid) for pid in three}


def test_discover_walks_folders_and_skips_other_files(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/10.html", "a/9.html", "a/b/1.html.gz", "a/notes.txt", "a/x.json"):
        (tmp_path / name).write_bytes(b"")
    found = discover([tmp_path / "a", tmp_path / "a" / "notes.txt", tmp_path / "nope"])
    names = [Path(p.name).relative_to(tmp_path).as_posix() for p in found.pages]
    assert names == ["a/9.html", "a/10.html", "a/b/1.html.gz", "a/notes.txt"]
    assert found.problems == [(str(tmp_path / "nope"), "no such file or folder")]
    assert found.skipped == []  # other files are simply not pages


ANUBIS = """<!doctype html><html lang="en"><head><title>Making sure you&#39;re not a bot!</title>
<link rel="stylesheet" href="/.within.website/x/xess/xess.min.css"></head>
<body><h1 id="title">Making sure you&#39;re not a bot!</h1>
<script id="anubis_challenge" type="application/json">{"challenge":"abc","rules":{}}</script>
<p>Protected by Anubis From Techaro.</p></body></html>"""

OTHER_SITE = """<!DOCTYPE html><html><head><title>Welcome to nginx!</title></head>
<body><h1>Welcome to nginx!</h1><p>If you see this page, the web server works.</p></body></html>"""


@pytest.fixture
def bad_batch(tmp_path: Path, sample_pages: Path, three: list[int]) -> tuple[Path, dict[str, str]]:
    """A folder of three good pages and every kind of bad input; name -> expected reason."""
    d = tmp_path / "batch"
    d.mkdir()
    for pid in three:
        shutil.copy(sample_pages / f"{pid}.html", d / f"{pid}.html")
    seed = page_bytes(sample_pages, SEED)
    rows_gone = re.sub(
        rb"<tr>\s*<td>(Jurisdiction|Relevant Law):</td>.*?</tr>", b"", seed, flags=re.S
    )
    assert rows_gone != seed
    bad = {
        "empty.html": (b"", "empty"),
        "truncated.html": (seed[: len(seed) // 2], "truncated"),
        "nginx.html": (OTHER_SITE.encode(), "not a GDPRhub page"),
        "junk.html": (os.urandom(5000) + b"\x00" * 10, "binary"),
        "anubis.html": (ANUBIS.encode(), "bot-challenge"),
        "norows.html": (bump_revision(rows_gone, 5), "lacks rows"),
        "broken.html.gz": (gzip.compress(seed)[:-40], "gzip"),
        "broken.zip": (b"PK\x03\x04" + os.urandom(200), "zip"),
    }
    for name, (data, _) in bad.items():
        (d / name).write_bytes(data)
    return d, {str(d / name): why for name, (_, why) in bad.items()}


def test_bad_inputs_fail_one_by_one_and_the_rest_is_ingested(
    bad_batch: tuple[Path, dict[str, str]], tmp_path: Path, three: list[int]
) -> None:
    folder, expected = bad_batch
    with Store(tmp_path / "c.sqlite") as s:
        result = ingest(s, [folder], progress=False)
        stored_failures = {f["key"]: f["reason"] for f in s.failures()}
        assert sorted(c.page_id for c in s.iter_cases()) == sorted(three)
    failed = dict(result.failed)
    assert set(failed) == set(expected)  # every bad file, named, and nothing else
    for name, why in expected.items():
        assert why.lower() in failed[name].lower(), (name, failed[name])
    assert stored_failures == failed
    assert result.new == 3


def test_summary_names_each_failed_file(bad_batch: tuple[Path, dict[str, str]], tmp_path: Path):
    folder, expected = bad_batch
    with Store(tmp_path / "c.sqlite") as s:
        lines = ingest(s, [folder], progress=False).summary_lines()
    assert lines[0].startswith("ingested 3 decisions (3 new, 0 updated)")
    assert lines[0].endswith(f"{len(expected)} failed")
    for name in expected:
        assert any(line.startswith(f"failed: {name}: ") for line in lines[1:])


def test_failed_parse_never_overwrites_the_stored_record(
    sample_pages: Path, tmp_path: Path
) -> None:
    good = page_bytes(sample_pages, SEED)
    f = tmp_path / "2146.html"
    f.write_bytes(good)
    with Store(tmp_path / "c.sqlite") as s:
        ingest(s, [f], progress=False)
        before = s.get_case(SEED)
        seq = s.seq
        # a newer revision that arrives truncated
        newer = bump_revision(good)
        f.write_bytes(newer[: len(newer) * 2 // 3])
        result = ingest(s, [f], progress=False)
        assert [n for n, _ in result.failed] == [str(f)]
        assert s.get_case(SEED) == before
        assert s.seq == seq
        assert list(s.iter_raw())[0][1] == good
        # the complete newer revision then replaces it and clears the failure
        f.write_bytes(newer)
        result = ingest(s, [f], progress=False)
        assert result.updated == 1 and s.failures() == []
        case = s.get_case(SEED)
        assert case is not None and case.revision_id == 37185


def test_parallel_ingest_and_reparse_equal_the_serial_ones(
    sample_db: Path, sample_pages: Path, tmp_path: Path
) -> None:
    db = tmp_path / "c.sqlite"
    with Store(db) as s:
        result = ingest(s, [sample_pages], progress=False, jobs=2, batch_size=37)
        assert result.failed == [] and result.total == 922
        assert s.page_counts()["case"] == result.new
        again = reparse(s, progress=False, jobs=2)
        assert (again.unchanged, again.failed) == (922, [])
    assert snapshot(db) == snapshot(sample_db)


def test_an_older_saved_copy_never_replaces_a_newer_revision(
    sample_pages: Path, tmp_path: Path
) -> None:
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_bytes(page_bytes(sample_pages, SEED))
    new.write_bytes(bump_revision(page_bytes(sample_pages, SEED), 3))
    with Store(tmp_path / "c.sqlite") as s:
        assert ingest(s, [new], progress=False).new == 1
        result = ingest(s, [old], progress=False)
        case = s.get_case(SEED)
        assert case is not None and case.revision_id == 37187
        assert s.stored_revision(SEED) == (37187, PARSER_VERSION)
    assert (result.older, result.ingested, result.failed) == (1, 0, [])
    assert result.summary_lines()[0].endswith("(1 skipped: older than the stored revision)")


def test_same_page_twice_in_one_batch(sample_pages: Path, tmp_path: Path) -> None:
    src = sample_pages / f"{SEED}.html"
    with Store(tmp_path / "c.sqlite") as s:
        result = ingest(s, [src, src], progress=False)
    assert (result.new, result.unchanged) == (1, 1)


# -- reparse --------------------------------------------------------------------------------


def test_reparse_of_a_current_corpus_changes_nothing(sample_db: Path, tmp_path: Path) -> None:
    db = copy_db(sample_db, tmp_path)
    before = snapshot(db)
    with Store(db) as s:
        seq = s.seq
        result = reparse(s, progress=False)
        assert s.seq == seq
    assert result.failed == [] and result.ingested == 0 and result.unchanged == 922
    assert snapshot(db) == before


def test_reparse_rewrites_only_stale_records(sample_db: Path, tmp_path: Path) -> None:
    db = copy_db(sample_db, tmp_path)
    before = snapshot(db)
    con = sqlite3.connect(db)
    with con:  # what an older parser might have written for two pages
        con.execute("UPDATE cases SET record = json_set(record, '$.facts', 'old') WHERE page_id"
                    " IN (SELECT page_id FROM cases ORDER BY page_id LIMIT 2)")  # fmt: skip
        con.execute("UPDATE pages SET parser_version = 0")
    con.close()
    with Store(db) as s:
        seq = s.seq
        result = reparse(s, progress=False)
        changed, deleted, _ = s.changes_since(seq)
        assert all(v == PARSER_VERSION for _, v in [s.stored_revision(c.page_id) for c in changed])
    assert result.updated == 2 and result.unchanged == 920 and result.failed == []
    assert len(changed) == 2 and deleted == []
    assert snapshot(db) == before


def test_reparse_keeps_the_record_when_the_raw_page_no_longer_parses(
    sample_db: Path, tmp_path: Path
) -> None:
    db = copy_db(sample_db, tmp_path)
    with Store(db) as s:
        before = s.get_case(SEED)
        s._db.execute(
            "UPDATE pages SET raw = ? WHERE page_id = ?", (zlib.compress(b"<html>cut"), SEED)
        )
        result = reparse(s, progress=False)
        assert s.get_case(SEED) == before
        (failure,) = s.failures()
    assert [t for t, _ in result.failed] == ["Datatilsynet (Denmark) - 2019-431-0036"]
    assert failure["page_id"] == SEED and failure["reason"] == result.failed[0][1]


# -- crash safety ---------------------------------------------------------------------------


def _stored_pages(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(con.execute("SELECT count(*) FROM pages").fetchone()[0])
        finally:
            con.close()
    except sqlite3.Error:
        return 0


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[1]) == pid:  # the field after the state is the parent's pid
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has exited; only its parent's wait is missing


def test_kill_9_mid_ingest_then_rerun_completes(
    sample_db: Path, sample_pages: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    db = home / "corpus.sqlite"
    cmd = [str(GDPRKB), "--home", str(home), "ingest", "-q", "--jobs", "2", str(sample_pages)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while _stored_pages(db) < 200 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "ingest finished before it could be killed"
    workers = _children(proc.pid)
    assert len(workers) >= 2  # the parser processes
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10  # the orphaned workers notice and leave
    while any(Path(f"/proc/{w}").exists() for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)], "parser processes outlived the ingest"

    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = con.execute("SELECT count(*) FROM pages").fetchone()[0]
    parsed = con.execute(
        "SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM articles)"
        " + (SELECT count(*) FROM others)"
    ).fetchone()[0]
    con.close()
    assert 200 <= stored < 922
    assert stored % 100 == 0  # whole batches only
    assert parsed == stored  # no page without its record

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{stored} unchanged, 0 failed" in rerun.stdout
    assert snapshot(db) == snapshot(sample_db)


def test_reparse_after_a_parser_change_rewrites_only_changed_records(
    sample_pages: Path, tmp_path: Path
) -> None:
    """A store filled by the previous parser: only records the new parser changes are written
    (and fed to the index); the others keep their sequence number."""
    db = tmp_path / "c.sqlite"
    with Store(db) as s:
        ingest(s, [sample_pages / f"{p}.html" for p in (2146, 2517, 7586, 86)], progress=False)
    with sqlite3.connect(db) as con:  # what parser version 3 wrote for two of the pages
        con.execute("UPDATE pages SET parser_version = ?", (PARSER_VERSION - 1,))
        for page_id, edit in (
            (7586, lambda d: {**d, "warnings": []}),
            (
                2517,
                lambda d: {**d, "original_sources": [{**d["original_sources"][0], "name": "x"}]},
            ),
        ):
            (record,) = con.execute(
                "SELECT record FROM cases WHERE page_id = ?", (page_id,)
            ).fetchone()
            new = json.dumps(edit(json.loads(record)), separators=(",", ":"))
            con.execute("UPDATE cases SET record = ? WHERE page_id = ?", (new, page_id))
        before = dict(con.execute("SELECT page_id, seq FROM cases"))
    with Store(db) as s:
        seq = s.seq
        result = reparse(s, progress=False)
        assert (result.updated, result.unchanged, result.failed) == (2, 2, [])
        changed, _, now = s.changes_since(seq)
        assert sorted(c.page_id for c in changed) == [2517, 7586] and now == seq + 2
        assert s.get_case(7586).warnings == ["date_published_in_future"]  # type: ignore[union-attr]
        assert {s.stored_revision(p)[1] for p in (2146, 2517, 7586, 86)} == {PARSER_VERSION}  # type: ignore[index]
        assert s.changes_since(before[2146])[0] == changed  # 2146 was not rewritten
        again = reparse(s, progress=False)
        assert (again.updated, again.unchanged) == (0, 4)


# -- hostile pages (issue 10 §4, §7) ---------------------------------------------------------


@pytest.mark.parametrize("page_id", [2**63, 2**64 + 5, -7])
def test_an_out_of_range_page_id_is_one_failure(
    sample_pages: Path, tmp_path: Path, three: list[int], page_id: int
) -> None:
    """wgArticleId 2^63 aborted the whole ingest with an OverflowError (0 of 5 stored)."""
    seed = page_bytes(sample_pages, SEED)
    bad = tmp_path / "huge-id.html"
    bad.write_bytes(seed.replace(b'"wgArticleId":2146', b'"wgArticleId":%d' % page_id))
    good = [sample_pages / f"{p}.html" for p in three[1:]]
    with Store(tmp_path / "c.sqlite") as s:
        result = ingest(s, [bad, *good], progress=False)
        assert sorted(c.page_id for c in s.iter_cases()) == sorted(three[1:])
    assert [name for name, _ in result.failed] == [str(bad)]
    assert f"wgArticleId {page_id} is not a valid id" in result.failed[0][1]


def test_a_page_nested_too_deep_fails_instead_of_losing_its_sections(
    sample_pages: Path, tmp_path: Path
) -> None:
    """100,000 nested elements before the Facts: the parser's tree would end there."""
    seed = page_bytes(sample_pages, SEED)
    at = seed.index(b'<h2><span class="mw-headline" id="English_Summary"')
    deep = seed[:at] + b"<div>" * 100_000 + b"</div>" * 100_000 + seed[at:]
    (tmp_path / "deep.html").write_bytes(deep)
    with Store(tmp_path / "c.sqlite") as s:
        result = ingest(s, [tmp_path / "deep.html"], progress=False)
        assert s.count_cases() == 0
    assert result.failed == [(str(tmp_path / "deep.html"), result.failed[0][1])]
    assert result.failed[0][1].startswith("too deeply nested")
