"""corpus.alerts: saved searches and what their checks saw, in the corpus database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from gdprkb.corpus.alerts import AlertError, AlertStore, check_name
from gdprkb.corpus.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.sqlite"
    Store(path).close()
    return path


@pytest.fixture
def alerts(db: Path) -> Iterator[AlertStore]:
    with AlertStore(db) as a:
        yield a


def test_an_alert_is_saved_with_its_query_and_filters(alerts: AlertStore, db: Path) -> None:
    a = alerts.add("cctv-es", '"video surveillance" employee', {"country": ["Spain"]})
    assert (a.name, a.query, a.filters, a.checked, a.seq) == (
        "cctv-es",
        '"video surveillance" employee',
        {"country": ["Spain"]},
        None,
        None,
    )
    with AlertStore(db) as again:  # stored, not remembered by the object
        assert again.get("cctv-es") == a
        assert [x.name for x in again.all()] == ["cctv-es"]


@pytest.mark.parametrize(
    "name",
    ["", ".hidden", "../x", "a/b", "a b", "é", "x" * 65, "a.", "-rf", "con\n", "a\\b", "*"],
)
def test_unsafe_names_are_refused_and_nothing_is_stored(alerts: AlertStore, name: str) -> None:
    with pytest.raises(AlertError, match="is not a safe name"):
        alerts.add(name, "cookies")
    assert alerts.all() == []


@pytest.mark.parametrize("name", ["a", "Art82", "cctv-es_2.v1", "x" * 64])
def test_safe_names_pass(name: str) -> None:
    assert check_name(name) == name


def test_a_duplicate_name_is_refused_and_the_first_kept(alerts: AlertStore) -> None:
    first = alerts.add("dup", "cookies")
    with pytest.raises(AlertError, match="an alert named 'dup' exists already"):
        alerts.add("dup", "fines")
    assert alerts.all() == [first]


def test_an_unknown_name_lists_the_known_ones(alerts: AlertStore) -> None:
    with pytest.raises(AlertError, match=r"no alert named 'x' \(there are no alerts yet"):
        alerts.get("x")
    alerts.add("b", "q")
    alerts.add("a", "q")
    with pytest.raises(AlertError, match=r"no alert named 'x' \(alerts: a, b\)"):
        alerts.remove("x")
    assert [a.name for a in alerts.all()] == ["a", "b"]


def test_remove_forgets_what_the_alert_saw(alerts: AlertStore) -> None:
    alerts.add("a", "q")
    alerts.set_baseline("a", 5, [1, 2], "2026-11-30T10:00:00Z")
    alerts.record_check("a", 6, matched=[3], unmatched=[], new=[3], at="2026-11-30T11:00:00Z")
    alerts.remove("a")
    alerts.add("a", "q")
    assert (alerts.matches("a"), alerts.hits("a"), alerts.get("a").seq) == (set(), [], None)


def test_checks_keep_the_match_set_and_the_new_hits(alerts: AlertStore) -> None:
    alerts.add("a", "q")
    alerts.set_baseline("a", 5, [1, 2, 3], "2026-11-30T10:00:00Z")
    assert alerts.get("a").seq == 5 and alerts.last_new("a") == []
    alerts.record_check(
        "a", 9, matched=[3, 4, 5], unmatched=[1], new=[4, 5], at="2026-11-30T11:00:00Z"
    )
    a = alerts.get("a")
    assert (a.seq, a.checked) == (9, "2026-11-30T11:00:00Z")
    assert alerts.matches("a") == {2, 3, 4, 5}
    assert alerts.matches("a", among=[1, 2, 99]) == {2}
    assert alerts.last_new("a") == [4, 5]
    alerts.record_check("a", 10, matched=[], unmatched=[], new=[], at="2026-11-30T12:00:00Z")
    assert alerts.last_new("a") == []  # nothing new at the last check
    assert alerts.hits("a") == [(5, "2026-11-30T11:00:00Z"), (4, "2026-11-30T11:00:00Z")]


def test_a_failed_check_changes_nothing(alerts: AlertStore) -> None:
    alerts.add("a", "q")
    alerts.set_baseline("a", 5, [1], "2026-11-30T10:00:00Z")
    with pytest.raises(TypeError):
        alerts.record_check("a", 9, matched=[2], unmatched=[1], new=[None], at="x")  # type: ignore[list-item]
    assert (alerts.matches("a"), alerts.get("a").seq, alerts.hits("a")) == ({1}, 5, [])


def test_the_change_feed_as_ids(sample_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "corpus.sqlite"
    shutil.copy(sample_db, db)
    with Store(db) as store, AlertStore(db) as alerts:
        seq = store.seq
        case = next(store.iter_cases())
        assert alerts.changed_since(seq) == (set(), set(), seq)
        first, second = list(store.iter_cases())[:2]
        store.delete(second.page_id)
        assert alerts.changed_since(seq) == (set(), {second.page_id}, store.seq)
        assert store.seq == seq + 1
        everything, _, _ = alerts.changed_since(0)
        assert case.page_id in everything and first.page_id in everything
        assert len(everything) == store.count_cases()
