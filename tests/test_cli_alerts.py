"""`gdprkb alerts add|list|remove|check` and `scrape --check-alerts`, run as a user runs them."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import feedparser
import pytest

from gdprkb.corpus.alerts import AlertStore
from gdprkb.corpus.feeds import entry_id
from gdprkb.scraper.mirror import Mirror

GDPRKB = str(Path(sys.executable).parent / "gdprkb")


def run(home: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [GDPRKB, "--home", str(home), *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.fixture(scope="module")
def home(sample_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A writable copy of the sample home (corpus and index)."""
    dest = tmp_path_factory.mktemp("cli_alerts") / "home"
    shutil.copytree(sample_home, dest)
    return dest


def saved(home: Path) -> list[dict]:
    r = run(home, "alerts", "list", "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_add_list_check_remove(home: Path) -> None:
    r = run(home, "alerts", "add", "cctv-es", '"video surveillance"', "--filter", "country=Spain")
    assert r.returncode == 0, r.stderr
    assert "saved alert cctv-es" in r.stdout
    (a,) = [x for x in saved(home) if x["name"] == "cctv-es"]
    assert (a["query"], a["filters"], a["checked"]) == (
        '"video surveillance"',
        {"country": ["Spain"]},
        None,
    )
    assert (
        "cctv-es: '\"video surveillance\"' --filter country=Spain (not checked yet)"
        in run(home, "alerts", "list").stdout
    )
    r = run(home, "alerts", "check", "cctv-es")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("cctv-es: baseline set; new decisions are reported from the next")
    feed = home / "feeds" / "cctv-es.atom"
    assert not feedparser.parse(feed.read_bytes()).bozo
    r = run(home, "alerts", "check", "cctv-es", "--json")
    (checked,) = json.loads(r.stdout)["alerts"]
    assert (checked["name"], checked["count"], checked["new"], checked["feed"]) == (
        "cctv-es",
        0,
        [],
        str(feed),
    )
    r = run(home, "alerts", "check", "cctv-es", "--all", "--json")
    (every,) = json.loads(r.stdout)["alerts"]
    assert every["count"] > 0 and all(h["jurisdiction"] == "Spain" for h in every["new"])
    r = run(home, "alerts", "remove", "cctv-es")
    assert r.returncode == 0 and "removed alert cctv-es" in r.stdout
    assert "cctv-es" not in [x["name"] for x in saved(home)] and not feed.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", "../etc", "cookies"], "alert name '../etc' is not a safe name"),
        (["add", "a b", "cookies"], "is not a safe name"),
        (["add", "keep", '"cookies'], "would be repaired: Unbalanced quote"),
        (["add", "x", "cookies", "--filter", "countr=Spain"], "unknown field 'countr'"),
        (["add", "x", "cookies", "--filter", "Spain"], "expected FIELD=VALUE"),
        (["add", "keep", "fines"], "an alert named 'keep' exists already"),
        (["remove", "nope"], "no alert named 'nope' (alerts: keep)"),
        (["check", "keep", "nope"], "no alert named 'nope'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_changes_nothing(
    home: Path, args: list[str], message: str
) -> None:
    with AlertStore(home / "corpus.sqlite") as alerts:
        if "keep" not in [a.name for a in alerts.all()]:
            alerts.add("keep", "cookies")
        before = alerts.all()
    r = run(home, "alerts", *args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert r.stderr.count("\n") == 1 and message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
    with AlertStore(home / "corpus.sqlite") as alerts:
        assert alerts.all() == before  # nothing changed, not even a check time


def test_without_a_corpus_alerts_say_how_to_fill_one(tmp_path: Path) -> None:
    r = run(tmp_path, "alerts", "list")
    assert r.returncode == 2 and "no corpus in" in r.stderr


def test_a_killed_check_leaves_every_previous_feed_intact(home: Path) -> None:
    words = ["data", "consent", "camera", "cookies", "fine", "email", "bank", "school", "health"]
    with AlertStore(home / "corpus.sqlite") as alerts:  # 100 alerts, as `alerts add` saves them
        for i in range(100):
            alerts.add(f"kill{i:03}", f"{words[i % 9]} {words[(i * 7 + 3) % 9]}")
    assert run(home, "alerts", "check").returncode == 0  # baselines and their (empty) feeds
    feeds = sorted((home / "feeds").glob("kill*.atom"))
    assert len(feeds) == 100
    before = {f: f.read_bytes() for f in feeds}
    # Rewind what the alerts saw, as if every case had just been published: the next check
    # rewrites every feed that has a match (a test-only shortcut to a long check).
    with sqlite3.connect(home / "corpus.sqlite") as db:
        db.execute("UPDATE alerts SET seq = 0")
        db.execute("DELETE FROM alert_matches")
    proc = subprocess.Popen([GDPRKB, "--home", str(home), "alerts", "check"])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if sum(f.read_bytes() != before[f] for f in feeds) >= 3:
            break
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    changed = [f for f in feeds if f.read_bytes() != before[f]]
    assert 3 <= len(changed) < 100, len(changed)
    for f in feeds:  # every feed whole: the old one or the new one
        d = feedparser.parse(f.read_bytes())
        assert not d.bozo and d.version == "atom10", (f, d.bozo_exception)
    # the next check finishes the job: nothing the killed one found is lost
    assert run(home, "alerts", "check").returncode == 0
    r = run(home, "alerts", "check", "--all", "--json")
    for a in json.loads(r.stdout)["alerts"]:
        if a["name"].startswith("kill") and a["count"] <= 100:
            entries = feedparser.parse(home / "feeds" / f"{a['name']}.atom").entries
            assert {e.id for e in entries} == {entry_id(h["page_id"]) for h in a["new"]}


def test_scrape_check_alerts_is_the_one_daily_job(sample_subset: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with Mirror(sample_subset) as m:
        scrape = ["scrape", "--wiki", m.url, "--rate", "0", "--no-progress", "--check-alerts"]
        r = run(home, *scrape)
        assert r.returncode == 0, r.stderr
        assert "No alerts." in r.stdout
        assert run(home, "alerts", "add", "new-ones", "zyxwvutsrq OR title:alerts").returncode == 0
        r = run(home, *scrape)
        assert "new-ones: baseline set" in r.stdout, r.stdout
        e = m.publish("Alerts daily job test", m.titles()[0])
        r = run(home, *scrape)
        assert r.returncode == 0, r.stderr
        assert "1 new, 0 updated" in r.stdout  # the harvest
        assert "index" in r.stdout.lower()  # the index brought up to date
        assert "new-ones: 1 new" in r.stdout and f"  {e.page_id}  Alerts daily job test" in (
            r.stdout
        )
    d = feedparser.parse(home / "feeds" / "new-ones.atom")
    assert [x.title for x in d.entries] == ["Alerts daily job test"]
