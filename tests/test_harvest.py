"""The harvest pipeline: the real scraper, over real HTTP, into a real store, via the stand-in."""

from __future__ import annotations

import dataclasses
import json
import math
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gdprkb.corpus.ingest import reparse
from gdprkb.corpus.parse import page_url, parse_page
from gdprkb.corpus.record import PageMeta, ParsedPage
from gdprkb.corpus.store import Store
from gdprkb.scraper.faults import CHALLENGE_HTML, Faults
from gdprkb.scraper.gdprhub import GDPRhub
from gdprkb.scraper.harvest import Summary
from gdprkb.scraper.mediawiki import Backoff
from gdprkb.scraper.mirror import Mirror

FAST = Backoff(attempts=6, initial=0.01, maximum=0.05, max_retry_after=0.05, timeout=2)
GDPRKB = str(Path(sys.executable).parent / "gdprkb")


def corpus(store: Store) -> dict[int, dict[str, Any]]:
    """Every stored record as JSON, by page id: what two harvests/ingests must agree on."""
    out: dict[int, dict[str, Any]] = {c.page_id: c.to_dict() for c in store.iter_cases()}
    out |= {a.page_id: a.to_dict() for a in store.iter_articles()}
    out |= {o.page_id: dataclasses.asdict(o) for o in store.iter_others()}
    return out


@pytest.fixture(scope="module")
def ingested(sample_db: Path) -> dict[int, dict[str, Any]]:
    with Store(sample_db) as store:
        return corpus(store)


@pytest.fixture
def mirror(sample_subset: Path) -> Iterator[Mirror]:
    with Mirror(sample_subset) as m:
        yield m


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "corpus.sqlite") as s:
        yield s


def harvest(m: Mirror, store: Store, **kw: Any) -> Summary:
    opts: dict[str, Any] = {"rate": 0, "concurrency": 4, "backoff": FAST}
    run = {k: kw.pop(k) for k in ("titles", "limit", "prune") if k in kw}
    return GDPRhub(store, wiki=m.url, **(opts | kw)).run(**run)


def expected(m: Mirror, ingested: dict[int, dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {m.entry(t).page_id: ingested[m.entry(t).page_id] for t in m.titles()}


def test_a_harvest_equals_an_ingest_of_the_same_pages(
    mirror: Mirror, store: Store, ingested: dict, tmp_path: Path
) -> None:
    s = harvest(mirror, store, runs_dir=tmp_path / "runs")
    n = len(mirror.titles())
    assert s.status == "done" and s.error is None and s.failures == []
    assert s.new + s.articles + s.not_a_decision == n and s.to_fetch == s.listed == n
    assert corpus(store) == expected(mirror, ingested)
    assert mirror.count(action="parse") == n
    assert s.requests == {"robots": 1, "listing": 1, "parse": n, "total": n + 2}
    for t in mirror.titles():
        assert store.known_revisions()[t] == (mirror.entry(t).page_id, mirror.entry(t).revision_id)
    log = json.loads(Path(s.log or "").read_text())
    assert log["status"] == "done" and log["new"] == s.new and log["durations"]["total"] > 0


def test_harvested_pages_reparse_to_the_same_records(mirror: Mirror, store: Store) -> None:
    harvest(mirror, store)
    before = corpus(store)
    result = reparse(store, progress=False)
    assert result.failed == [] and (result.new, result.updated) == (0, 0)
    assert corpus(store) == before


def test_a_second_run_fetches_nothing(mirror: Mirror, store: Store) -> None:
    harvest(mirror, store)
    mirror.reset_log()
    s = harvest(mirror, store)
    n = len(mirror.titles())
    assert (s.new, s.updated, s.unchanged, s.to_fetch) == (0, 0, n, 0)
    assert mirror.count(action="parse") == 0
    assert len(mirror.requests) <= max(2, n / 50)  # robots.txt + one listing request


def test_a_scrape_after_an_ingest_fetches_nothing(
    mirror: Mirror, sample_db: Path, tmp_path: Path
) -> None:
    db = tmp_path / "corpus.sqlite"
    shutil.copy(sample_db, db)
    with Store(db) as store:
        before = corpus(store)
        s = harvest(mirror, store)
        assert (s.unchanged, s.to_fetch, mirror.count(action="parse")) == (s.listed, 0, 0)
        assert corpus(store) == before


def test_changed_revisions_are_refetched_and_nothing_else(
    mirror: Mirror, store: Store, ingested: dict
) -> None:
    harvest(mirror, store)
    before = corpus(store)
    changed = mirror.titles()[10:13]
    for t in changed:
        mirror.bump(t, lambda h: h.replace("</p>", " REVISED-IN-TEST</p>", 1))
    mirror.reset_log()
    s = harvest(mirror, store)
    assert (s.updated + s.articles, s.to_fetch) == (3, 3)
    assert sorted(r.params["page"] for r in mirror.requests if "page" in r.params) == changed
    after = corpus(store)
    for t in changed:
        e = mirror.entry(t)
        assert after[e.page_id] == parse_page(e.full_html()).to_dict()
        assert "REVISED-IN-TEST" in json.dumps(after[e.page_id])
        assert after[e.page_id]["revision_id"] == e.revision_id
        assert store.known_revisions()[t][1] == e.revision_id
    untouched = {
        k: v for k, v in after.items() if k not in {mirror.entry(t).page_id for t in changed}
    }
    assert untouched == {k: v for k, v in before.items() if k in untouched}


def test_faults_do_not_change_the_corpus(sample_subset: Path, store: Store, ingested: dict) -> None:
    faults = Faults(first=12, rate=0.15, seed=3, retry_after=0.01, slow_seconds=0.05)
    with Mirror(sample_subset, faults=faults) as m:
        s = harvest(m, store)
        if s.failed:  # a page that ran out of attempts is recorded and fetched next run
            assert {f["key"] for f in store.failures()} == {f["title"] for f in s.failures}
            s = harvest(m, store)
        assert s.failed == 0 and store.failures() == []
        assert corpus(store) == expected(m, ingested)
        assert s.requests.get("retries", 0) > 0 or sum(r.fault is not None for r in m.requests)


def test_truncated_and_invalid_json_is_retried(sample_subset: Path, store: Store) -> None:
    with Mirror(sample_subset, faults=Faults(("truncate",), first=5)) as m:
        s = harvest(m, store)
        assert s.status == "done" and s.failed == 0
        assert s.requests["retries"] == 5
        assert store.count_pages() == len(m.titles())


def test_a_challenge_on_the_listing_fails_the_run_in_plain_words(
    sample_subset: Path, store: Store
) -> None:
    with Mirror(sample_subset, faults=Faults(("challenge",), rate=1.0)) as m:
        s = harvest(m, store)
    assert s.status == "failed"
    assert "bot-challenge page (Anubis) instead of JSON" in (s.error or "")
    assert store.count_pages() == 0


def test_challenge_pages_in_a_row_stop_the_run(sample_subset: Path, store: Store) -> None:
    with Mirror(sample_subset, faults=Faults(("challenge",), rate=1.0, only="parse")) as m:
        s = GDPRhub(store, wiki=m.url, rate=0, concurrency=1, backoff=FAST).run()
        # five pages' attempts, plus part of a sixth the worker had begun when the run stopped
        limit = GDPRhub.challenge_limit * FAST.attempts
        assert limit <= m.count(action="parse") < limit + FAST.attempts
    assert s.status == "failed" and "bot-challenge page instead of content" in (s.error or "")
    assert s.failed == GDPRhub.challenge_limit
    assert all("bot-challenge page (Anubis)" in f["reason"] for f in s.failures)
    assert store.count_pages() == 0 and len(store.failures()) == GDPRhub.challenge_limit


def test_challenge_html_inside_the_content_is_not_stored(mirror: Mirror, store: Store) -> None:
    title = mirror.titles()[0]
    mirror.bump(title, CHALLENGE_HTML)  # the wiki itself renders a challenge as the page text
    s = harvest(mirror, store, titles=[title])
    assert s.failed == 1 and "challenge" in s.failures[0]["reason"]
    assert store.count_pages() == 0
    assert store.failures()[0]["title"] == title


def test_missing_titles_are_reported_and_the_rest_goes_on(mirror: Mirror, store: Store) -> None:
    real = mirror.titles()[4]
    s = harvest(mirror, store, titles=["No such page", real.replace(" ", "_")])
    assert s.status == "done" and s.new + s.articles + s.not_a_decision == 1
    assert s.failures == [
        {"title": "No such page", "reason": "no such page on the wiki (missingtitle)"}
    ]
    assert list(store.known_revisions()) == [real]


def test_a_page_deleted_between_listing_and_fetch_is_counted_gone(
    sample_subset: Path, store: Store
) -> None:
    class Vanishing(Mirror):
        def api(self, q: dict[str, str]) -> dict[str, Any]:
            if q.get("action") == "parse" and q.get("page") == self.titles()[0]:
                return {"error": {"code": "missingtitle", "info": "The page doesn't exist."}}
            return super().api(q)

    with Vanishing(sample_subset) as m:
        s = harvest(m, store)
        assert s.status == "done" and s.gone == 1 and s.failed == 0
        assert m.titles()[0] not in store.known_revisions()


def test_limit_fetches_a_sample_and_the_next_run_continues(mirror: Mirror, store: Store) -> None:
    s = harvest(mirror, store, limit=10)
    assert (s.to_fetch, s.new + s.articles + s.not_a_decision) == (10, 10)
    s = harvest(mirror, store, limit=10)
    assert s.to_fetch == 10 and store.count_pages() == 20
    assert mirror.count(action="parse") == 20


def test_titles_refresh_only_those(mirror: Mirror, store: Store) -> None:
    harvest(mirror, store)
    a, b = mirror.titles()[:2]
    mirror.bump(a)
    mirror.bump(b)
    mirror.reset_log()
    s = harvest(mirror, store, titles=[a])
    assert (s.updated + s.articles, mirror.count(action="parse")) == (1, 1)
    assert store.known_revisions()[b][1] != mirror.entry(b).revision_id


def test_pages_gone_from_the_wiki_are_kept_unless_pruned(mirror: Mirror, store: Store) -> None:
    harvest(mirror, store)
    gone = mirror.titles()[0]
    mirror.remove(gone)
    s = harvest(mirror, store)
    assert (s.gone, s.deleted) == (1, 0) and gone in store.known_revisions()
    s = harvest(mirror, store, prune=True)
    assert (s.gone, s.deleted) == (1, 1) and gone not in store.known_revisions()


def test_failures_are_recorded_and_cleared_on_success(mirror: Mirror, store: Store) -> None:
    title = mirror.titles()[0]
    good = mirror.entry(title).full_html()
    mirror.bump(title, "<html><body>broken</body></html>")
    s = harvest(mirror, store, titles=[title])
    assert s.failed == 1 and store.failures()[0]["key"] == title
    assert "not a usable page" in store.failures()[0]["reason"]
    mirror.bump(title, good)
    s = harvest(mirror, store)
    assert s.failed == 0 and store.failures() == []
    assert store.known_revisions()[title][1] == mirror.entry(title).revision_id


def test_the_rate_limit_holds_in_a_harvest(mirror: Mirror, store: Store) -> None:
    s = harvest(mirror, store, rate=10, concurrency=3, limit=12)
    assert s.to_fetch == 12
    times = [r.at for r in mirror.requests]
    assert len(times) == 14  # robots.txt, listing, 12 pages
    # at most 11 requests arrive in any second (a little slack for a loaded machine)
    gaps = [times[i + 10] - times[i] for i in range(len(times) - 10)]
    assert min(gaps) >= 0.9, gaps


def test_only_the_wiki_host_is_contacted(mirror: Mirror, store: Store) -> None:
    harvest(mirror, store, limit=5)
    hosts = {r.host for r in mirror.requests}
    assert hosts == {mirror.url.removeprefix("http://")}
    assert {r.path for r in mirror.requests} == {"/robots.txt", "/api.php"}


def test_robots_disallow_stops_the_run_with_a_reason(mirror: Mirror, store: Store) -> None:
    mirror.robots = "User-agent: gdprkb\nDisallow: /api.php\n"
    s = harvest(mirror, store)
    assert s.status == "failed" and "robots.txt" in (s.error or "")
    assert [r.path for r in mirror.requests] == ["/robots.txt"]


def test_the_full_sample_harvests_like_it_ingests(
    sample_pages: Path, store: Store, ingested: dict
) -> None:
    with Mirror(sample_pages) as m:
        s = harvest(m, store)
        assert s.status == "done" and s.failed == 0
        assert corpus(store) == ingested
        assert s.requests["total"] - s.requests["parse"] <= 1 + math.ceil(len(ingested) / 500)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_an_interrupted_run_loses_nothing_and_resumes(
    mirror: Mirror, tmp_path: Path, ingested: dict, sig: signal.Signals
) -> None:
    home = tmp_path / "home"
    cmd = [GDPRKB, "--home", str(home), "scrape", "--wiki", mirror.url]
    proc = subprocess.Popen(
        [*cmd, "--rate", "20", "--no-progress"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while mirror.count(action="parse") < 10 and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(proc.pid, sig)
    out, err = proc.communicate(timeout=30)
    if sig != signal.SIGKILL:
        assert proc.returncode == 130, err
        assert b"interrupted" in err
        (log,) = (home / "runs").glob("scrape-*.json")
        assert json.loads(log.read_text())["status"] == "interrupted"
    else:
        assert proc.returncode == -signal.SIGKILL
    with Store(home / "corpus.sqlite") as store:
        assert store.integrity_check() == "ok"
        kept = store.count_pages()
        assert 0 < kept < len(mirror.titles()), (kept, out, err)
        mirror.reset_log()
        s = harvest(mirror, store)
        assert s.to_fetch == len(mirror.titles()) - kept
        assert mirror.count(action="parse") == s.to_fetch
        assert corpus(store) == expected(mirror, ingested)


def test_a_parser_bug_on_one_page_does_not_end_the_batch(mirror: Mirror, store: Store) -> None:
    bad = mirror.titles()[3]

    class Buggy(GDPRhub):
        def parse(self, html: str, meta: PageMeta) -> ParsedPage:
            if meta.title == bad:
                raise KeyError("infobox")
            return super().parse(html, meta)

    s = Buggy(store, wiki=mirror.url, rate=0, backoff=FAST).run()
    assert s.status == "done" and s.failures == [
        {"title": bad, "reason": "parser error: KeyError('infobox')"}
    ]
    assert store.count_pages() == len(mirror.titles()) - 1


def test_one_source_runs_again(mirror: Mirror, store: Store) -> None:
    source = GDPRhub(store, wiki=mirror.url, rate=0, backoff=FAST)
    assert source.run(limit=3).status == "done"
    s = source.run(limit=3)
    assert s.status == "done" and s.to_fetch == 3 and store.count_pages() == 6


def test_ctrl_c_ends_a_long_retry_after_wait_at_once(mirror: Mirror, tmp_path: Path) -> None:
    mirror.faults = Faults(("429",), rate=1.0, retry_after=120, only="parse")
    proc = subprocess.Popen(
        [GDPRKB, "--home", str(tmp_path), "scrape", "--wiki", mirror.url, "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while mirror.count(action="parse") < 1 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # now waiting out the Retry-After
    t = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and b"interrupted" in err
    assert time.monotonic() - t < 10


# A page of the main namespace that is not a decision, written for this test (not GDPRhub's).
HELP_PAGE = """<!DOCTYPE html><html><head><title>How to contribute - GDPRhub</title><script>
RLCONF={"wgPageName":"How_to_contribute","wgTitle":"How to contribute","wgCurRevisionId":%d,
"wgRevisionId":%d,"wgArticleId":990001,"wgNamespaceNumber":0,"wgCategories":["Help"]};
</script></head><body><div id="content"><div class="mw-parser-output"><p>Write a summary of
a decision and add it to the wiki.</p></div><div class="printfooter">Retrieved from
"<a dir="ltr" href="https://gdprhub.eu/index.php?title=How_to_contribute&amp;oldid=%d">x</a>"
</div><div id="catlinks" class="catlinks"></div></div></body></html>"""


def test_non_decisions_are_stored_and_not_fetched_again(
    sample_subset: Path, tmp_path: Path, store: Store
) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for f in sorted(sample_subset.iterdir())[:5]:
        (folder / f.name).symlink_to(f.resolve())
    (folder / "990001.html").write_text(HELP_PAGE % (7, 7, 7))
    with Mirror(folder) as m:
        s = harvest(m, store)
        assert (s.not_a_decision, s.new + s.articles, s.failed) == (1, 5, 0)
        (other,) = store.iter_others()
        assert (other.title, other.page_id, other.revision_id) == ("How to contribute", 990001, 7)
        assert other == parse_page(HELP_PAGE % (7, 7, 7))
        m.reset_log()
        s = harvest(m, store)
        assert (s.unchanged, m.count(action="parse")) == (6, 0)
        m.bump("How to contribute")
        s = harvest(m, store)
        assert (s.not_a_decision, m.count(action="parse")) == (1, 1)


def test_robots_txt_is_reused_for_a_day(mirror: Mirror, store: Store, tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    harvest(mirror, store, runs_dir=runs)
    mirror.reset_log()
    s = harvest(mirror, store, runs_dir=runs)
    assert s.to_fetch == 0 and s.requests == {"listing": 1, "total": 1}
    assert [r.path for r in mirror.requests] == ["/api.php"]

    class Stale(GDPRhub):
        robots_max_age = 0

    mirror.robots = "User-agent: *\nDisallow: /api.php\n"
    s = Stale(store, wiki=mirror.url, rate=0, backoff=FAST, runs_dir=runs).run()
    assert s.status == "failed" and "disallows /api.php" in (s.error or "")
    s = harvest(mirror, store, runs_dir=runs)  # the fresh copy, with its Disallow, is kept
    assert s.status == "failed" and s.requests["total"] == 0


# -- hostile wikis (issue 10 §3, §4, §6) ----------------------------------------------------
def test_a_bomb_and_a_huge_answer_are_two_named_failures_the_rest_is_stored(
    sample_subset: Path, store: Store, tmp_path: Path
) -> None:
    faults = Faults(("bomb", "huge"), first=2, only="parse")
    with Mirror(sample_subset, faults=faults) as m:
        s = harvest(m, store, concurrency=1, runs_dir=tmp_path / "runs")
        bad = [r.params["page"] for r in m.requests if r.fault]
    assert s.status == "done" and s.failed == 2
    assert {f["title"] for f in s.failures} == set(bad)
    limit = "larger than 16 MiB unpacked (the per-page limit)"
    assert all(limit in f["reason"] for f in s.failures)
    assert store.count_pages() == len(m.titles()) - 2
    assert {f["key"] for f in store.failures()} == set(bad)


def test_an_out_of_range_page_id_is_one_failure_and_the_log_is_closed(
    mirror: Mirror, store: Store, tmp_path: Path
) -> None:
    huge_id, huge_rev = mirror.titles()[1], mirror.titles()[2]
    mirror.entry(huge_id).page_id = 2**63
    mirror.entry(huge_rev).revision_id = 2**64 + 5
    s = harvest(mirror, store, runs_dir=tmp_path / "runs")
    assert s.status == "done", s.error
    assert {f["title"]: f["reason"] for f in s.failures} == {
        huge_id: f"the wiki gave {huge_id!r} the page id 9223372036854775808: out of range",
        huge_rev: f"the wiki gave {huge_rev!r} the revision id 18446744073709551621: out of range",
    }
    assert store.count_pages() == len(mirror.titles()) - 2
    (log,) = (tmp_path / "runs").glob("scrape-*.json")
    assert json.loads(log.read_text())["status"] == "done"


def test_a_store_error_fails_the_run_and_its_log_says_so(
    mirror: Mirror, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*a: Any, **k: Any) -> str:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "put", broken)
    s = harvest(mirror, store, runs_dir=tmp_path / "runs")
    assert (s.status, s.error) == ("failed", "OperationalError: disk I/O error")
    (log,) = (tmp_path / "runs").glob("scrape-*.json")
    assert json.loads(log.read_text())["status"] == "failed"


def test_the_log_of_a_killed_run_is_closed_by_the_next_run(
    mirror: Mirror, store: Store, tmp_path: Path
) -> None:
    dead = subprocess.Popen(["true"])
    dead.wait()
    runs = tmp_path / "runs"
    runs.mkdir()
    killed, alive = runs / "scrape-20261130T000000000000Z.json", runs / "scrape-x.json"
    killed.write_text(json.dumps({"status": "running", "pid": dead.pid}))
    alive.write_text(json.dumps({"status": "running", "pid": os.getpid()}))
    harvest(mirror, store, runs_dir=runs, limit=1)
    assert json.loads(killed.read_text())["status"] == "killed"
    assert json.loads(alive.read_text())["status"] == "running"  # a live run is left alone


@pytest.mark.parametrize(
    "url",
    [
        "javascript://gdprhub.eu/%0Aalert(document.cookie)",
        "JavaScript://gdprhub.eu/x",
        "data://gdprhub.eu/text/html,<script>alert(1)</script>",
        "ftp://gdprhub.eu/x",
        "https://evil.example/index.php?title=X",
        "https://gdprhub.eu@evil.example/index.php?title=X",
        "https://gdprhub.eu/index.php?title=X\njavascript:alert(1)",
        "//gdprhub.eu/index.php?title=X",
    ],
)
def test_a_mirror_cannot_make_a_case_url_anything_but_http_on_the_wiki_host(
    mirror: Mirror, store: Store, url: str
) -> None:
    title = mirror.titles()[0]
    mirror.entry(title).url = url
    harvest(mirror, store, titles=[title])
    ((meta, _),) = store.iter_raw()
    assert meta.url == page_url(title, "https://gdprhub.eu")
    assert [c.url for c in store.iter_cases()] in ([], [meta.url])


def test_an_http_url_on_the_wiki_host_is_kept(mirror: Mirror, store: Store) -> None:
    title = mirror.titles()[0]
    mirror.entry(title).url = "http://gdprhub.eu/index.php?title=Kept_as_given"
    harvest(mirror, store, titles=[title])
    ((meta, _),) = store.iter_raw()
    assert meta.url == "http://gdprhub.eu/index.php?title=Kept_as_given"
