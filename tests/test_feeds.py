"""corpus.feeds: Atom 1.0 feeds of decisions, parsed back with a standard feed parser."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import feedparser
import pytest

from gdprkb.corpus.feeds import (
    ATTRIBUTION,
    LICENCE_URL,
    MAX_ENTRIES,
    Entry,
    atom_feed,
    entry_id,
    write_atomically,
)
from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.store import Store


@pytest.fixture(scope="module")
def cases(sample_db: Path) -> list[CaseRecord]:
    with Store(sample_db) as store:
        return list(store.iter_cases())[:120]


def feed_of(cases: list[CaseRecord], found: str = "2026-11-30T06:00:00Z") -> bytes:
    entries = [Entry(c, found) for c in cases]
    return atom_feed("urn:gdprkb:alert:t", "gdprkb alert: t", "q", found, entries)


def test_the_feed_parses_as_atom_with_every_entry_field(cases: list[CaseRecord]) -> None:
    cases = [c for c in cases if c.lead][:3]
    d = feedparser.parse(feed_of(cases))
    assert not d.bozo, d.bozo_exception
    assert d.version == "atom10"
    assert d.feed.title == "gdprkb alert: t" and d.feed.rights == ATTRIBUTION
    assert d.feed.updated == "2026-11-30T06:00:00Z"
    assert {"rel": "license", "href": LICENCE_URL} in [
        {"rel": link.rel, "href": link.href} for link in d.feed.links
    ]
    for e, c in zip(d.entries, cases, strict=True):
        assert e.id == entry_id(c.page_id) == f"https://gdprhub.eu/index.php?curid={c.page_id}"
        assert e.title == c.title and e.link == c.url
        assert e.updated == "2026-11-30T06:00:00Z"
        assert e.summary == (c.lead or "").strip()
        assert "CC BY-NC-SA 4.0" in e.rights and "noyb" in e.rights


def test_entry_ids_are_stable_across_rewrites(cases: list[CaseRecord]) -> None:
    a = feedparser.parse(feed_of(cases[:5], "2026-11-30T06:00:00Z"))
    b = feedparser.parse(feed_of(cases[2:7], "2026-12-01T06:00:00Z"))
    assert [e.id for e in a.entries][2:] == [e.id for e in b.entries][:3]


def test_at_most_100_entries(cases: list[CaseRecord]) -> None:
    assert len(feedparser.parse(feed_of(cases)).entries) == MAX_ENTRIES == 100


def test_hostile_text_stays_text(cases: list[CaseRecord]) -> None:
    evil = dataclasses.replace(
        cases[0],
        title="A <script>alert(1)</script> & \x1b[31mred\x07 \x00",
        lead="]]></summary><entry>",
        url="javascript:alert(1)",
    )
    d = feedparser.parse(feed_of([evil]))
    assert not d.bozo, d.bozo_exception
    (e,) = d.entries
    assert e.title == "A <script>alert(1)</script> & [31mred"
    assert e.summary == "]]></summary><entry>"
    assert e.link == entry_id(evil.page_id)  # never a script address


def test_an_atomic_write_leaves_the_old_file_whole_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "feeds" / "a.atom"
    write_atomically(path, b"old")

    def full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomically(path, b"new")
    assert path.read_bytes() == b"old"
    assert os.listdir(path.parent) == ["a.atom"]  # no temporary file left behind
