"""Proximity re-ranking: the words typed, close together and in order, put a case first."""

from __future__ import annotations

from pathlib import Path

from conftest import small_case

from gdprkb.corpus.record import CaseRecord, PageMeta
from gdprkb.corpus.store import Store
from gdprkb.index import proximity
from gdprkb.index.build import update_index
from gdprkb.index.search import SearchIndex


def case(page_id: int, facts: str) -> CaseRecord:
    return small_case(page_id, facts=facts)


def build(tmp_path: Path, cases: list[CaseRecord]) -> SearchIndex:
    with Store(tmp_path / "corpus.sqlite") as store, store.batch():
        for c in cases:
            store.put(c, b"<html></html>", PageMeta(c.title, c.page_id, 1, [], c.url))
    with Store(tmp_path / "corpus.sqlite") as store:
        update_index(store, tmp_path / "index", progress=False)
    return SearchIndex(tmp_path / "index")


def test_near_needs_order_and_slop() -> None:
    assert proximity._near([3], [4]) and proximity._near([3], [3 + proximity.SLOP])
    assert not proximity._near([3], [3 + proximity.SLOP + 1])
    assert not proximity._near([5], [4])  # the wrong order


def test_the_passage_typed_ranks_first(tmp_path: Path) -> None:
    scattered = (
        "The breach was reported late. Notification duties apply. Customer data was lost; "
        "the breach affected data of many. A notification followed the breach of data."
    )
    passage = "The controller failed the data breach notification duty within 72 hours."
    ix = build(tmp_path, [case(1, scattered), case(2, passage), case(3, "Unrelated cookies.")])
    hits = ix.search("data breach notification").hits
    assert [h.page_id for h in hits] == [2, 1]
    # In the other order the words are no passage: plain BM25F decides (more occurrences win).
    assert [h.page_id for h in ix.search("notification breach data").hits] == [1, 2]


def test_quoted_words_and_single_words_are_not_reranked(tmp_path: Path) -> None:
    ix = build(tmp_path, [case(1, "data breach notification"), case(2, "breach data")])
    assert [h.page_id for h in ix.search('"data breach"').hits] == [1]
    assert {h.page_id for h in ix.search("breach").hits} == {1, 2}
