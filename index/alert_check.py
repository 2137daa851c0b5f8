"""Checking saved searches: the decisions that newly match each alert since its last check.

A check compares, per alert, what matches now with what matched at its previous check, but
only for the cases the corpus change feed says were written or removed since then: unchanged
cases cannot change their answer. The first check of an alert sets its baseline (every current
match) and reports nothing. Matching runs on the search index (`SearchIndex.exact_matches`: the
query as written, no any-word fallback); an alert is searched only when cases changed since
its last check, and only those cases can be reported. The sequence number kept is the one the
index reflects, so a case changed after the index was last updated is looked at again.

Each check rewrites `<feeds>/<NAME>.atom` (atomically) when it found something new or the feed
is missing, from the alert's most recent new decisions (corpus.feeds).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gdprkb.corpus.alerts import Alert, AlertError, AlertStore, Filters, now
from gdprkb.corpus.feeds import MAX_ENTRIES, Entry, atom_feed, write_atomically
from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.store import Store
from gdprkb.index.build import read_state
from gdprkb.index.search import Hit, SearchIndex


@dataclass
class AlertReport:
    """What one alert's check found."""

    alert: Alert
    new: list[Hit] = field(default_factory=list)  # new decisions (or every match with --all)
    baseline: bool = False  # this check set the alert's baseline
    feed: Path | None = None
    error: str | None = None  # the check of this alert failed (the others went on)

    def to_dict(self) -> dict[str, Any]:
        """JSON form (`gdprkb alerts check --json`): hits in the shape of `search --json`."""
        return {
            **self.alert.to_dict(),
            "baseline": self.baseline,
            "count": len(self.new),
            "new": [h.to_dict() for h in self.new],
            "feed": str(self.feed) if self.feed else None,
            "error": self.error,
        }


def validate(ix: SearchIndex, query: str, filters: Filters | None) -> None:
    """AlertError with the language's warning when the query would be repaired (or a filter
    ignored): an alert must watch exactly what was typed, never a repaired stand-in."""
    _, warnings = ix.exact_matches(query, filters=filters, check_only=True)
    if warnings:
        raise AlertError(f"the query {query!r} is not saved as it would be repaired: {warnings[0]}")


def feed_path(feeds_dir: Path, name: str) -> Path:
    """Where an alert's Atom feed is written."""
    return feeds_dir / f"{name}.atom"


def hit_of(case: CaseRecord) -> Hit:
    """A stored case in the shape of a search hit (no score, no snippet)."""
    shown: dict[str, Any] = {
        k: getattr(case, k) for k in Hit.__dataclass_fields__ if hasattr(case, k)
    }
    return Hit(score=None, snippet="", **shown)


class AlertChecker:
    """Checks alerts of one home: its corpus, its index, its feeds folder."""

    def __init__(self, store: Store, alerts: AlertStore, ix: SearchIndex, index_dir: Path) -> None:
        self.store, self.alerts, self.ix = store, alerts, ix
        state = read_state(index_dir) or {}
        self.index_seq = int(state.get("last_seq", 0))
        self._changes: dict[int, tuple[set[int], set[int], int]] = {}  # alerts share seqs
        self._answers: dict[tuple[str, str], set[int]] = {}

    def check(
        self, names: Iterable[str] | None, feeds_dir: Path, *, show_all: bool = False
    ) -> list[AlertReport]:
        """Check the named alerts (all when None): AlertError for an unknown name, before any
        check runs; an alert whose check fails is reported with its error, the rest go on."""
        chosen = [self.alerts.get(n) for n in dict.fromkeys(names)] if names else self.alerts.all()
        return [self._one(a, feeds_dir, show_all) for a in chosen]

    def _one(self, alert: Alert, feeds_dir: Path, show_all: bool) -> AlertReport:
        path = feed_path(feeds_dir, alert.name)
        report = AlertReport(alert, feed=path)
        at = now()

        def feed(found: set[int]) -> None:
            # runs inside the check's transaction: nothing is recorded unless it is written.
            # The feed on disk says everything already unless something is new (or it is gone).
            if found or not path.exists():
                self._write_feed(alert, path, at)

        try:
            if alert.seq is None:
                ids = self._matches(alert)
                self.alerts.set_baseline(
                    alert.name, self.index_seq, ids, at, then=lambda: feed(set())
                )
                report.baseline, new = True, set()
            else:
                new = self._compare(alert, at, feed)
            report.new = self._hits(self.alerts.matches(alert.name) if show_all else new)
        except (TimeoutError, OSError) as e:
            report.error = str(e)
        return report

    def _compare(self, alert: Alert, at: str, feed: Callable[[set[int]], None]) -> set[int]:
        """The incremental check: only the cases changed since the alert's last check."""
        assert alert.seq is not None
        changed, gone, _ = self._changed_since(alert.seq)
        now_ids: set[int] = set()
        before: set[int] = set()
        if changed:
            # Whoosh pays for a query's whole posting lists however few documents are wanted
            # (measured: restricting the search to 50 changed cases was no faster), so the
            # full answer is cut down to the changed cases here.
            now_ids = self._matches(alert) & changed
            before = self.alerts.matches(alert.name, among=changed)
        new = now_ids - before
        self.alerts.record_check(
            alert.name,
            self.index_seq,  # what the index reflected: later changes are looked at again
            matched=now_ids,
            unmatched=(changed - now_ids) | gone,
            new=new,
            at=at,
            then=lambda: feed(new),
        )
        return new

    def _matches(self, alert: Alert) -> set[int]:
        """Every match of the alert's query in the index (shared by alerts asking the same)."""
        key = (alert.query, json.dumps(alert.filters, sort_keys=True))
        if key not in self._answers:
            self._answers[key] = self.ix.exact_matches(alert.query, filters=alert.filters)[0]
        return self._answers[key]

    def _changed_since(self, seq: int) -> tuple[set[int], set[int], int]:
        if seq not in self._changes:
            self._changes[seq] = self.alerts.changed_since(seq)
        return self._changes[seq]

    def _hits(self, ids: Iterable[int]) -> list[Hit]:
        """Hits for page ids, newest decision first (cases no longer stored are left out)."""
        cases = [c for c in (self.store.get_case(p) for p in ids) if c is not None]
        cases.sort(key=lambda c: (c.date_decided or c.date_published or "", c.page_id))
        return [hit_of(c) for c in reversed(cases)]

    def _write_feed(self, alert: Alert, path: Path, at: str) -> None:
        entries = []
        for page_id, found in self.alerts.hits(alert.name, MAX_ENTRIES):
            case = self.store.get_case(page_id)
            if case is not None:
                entries.append(Entry(case, found))
        watched = alert.query or "every decision"
        if alert.filters:
            watched += " with " + ", ".join(
                f"{k}={'|'.join(v)}" for k, v in sorted(alert.filters.items())
            )
        write_atomically(
            path,
            atom_feed(
                f"urn:gdprkb:alert:{alert.name}",
                f"gdprkb alert: {alert.name}",
                f"New decisions on GDPRhub matching: {watched}",
                entries[0].found if entries else at,
                entries,
            ),
        )
