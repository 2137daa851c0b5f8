"""The numpy executor gives exactly the matches and scores of Whoosh's own collector."""

from __future__ import annotations

import dataclasses
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import small_case
from whoosh import index as whoosh_index
from whoosh.collectors import TopCollector
from whoosh.searching import Searcher

from gdprkb.corpus.ingest import ingest
from gdprkb.corpus.record import CaseRecord, PageMeta
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index import querylang as ql
from gdprkb.index.build import update_index
from gdprkb.index.compile import Context, compile_query
from gdprkb.index.execute import Postings, Statistics, TermCache, Terms, evaluate, top
from gdprkb.index.facets import FacetTable

QUERIES = [
    "video surveillance employee",
    "cookies consent OR banner",
    "data breach notification",
    '"legitimate interest" cookies',
    "surveil*",
    "country:spain fine:>10000",
    "transfer third country NOT cookies",
    "NOT consent",
    "article:6 kind:court",
    "year:2020..2022 access",
    "Persónuvernd",
    "controller -processor",
    '"data protection officer"',
    '"right to be forgotten" NOT google',
    'facts:"video surveillance"',
    '"data subject" "data controller"',
]


def run_both(searcher: Searcher, text: str) -> tuple[list, list, int, int]:
    """(Whoosh's top 30, the executor's top 30, Whoosh's total, the executor's total)."""
    reader = searcher.reader()
    table = FacetTable(reader)
    q = compile_query(ql.understand(text).node, Context(reader, table.values)).query
    collector = TopCollector(limit=30, usequality=False, replace=0)
    searcher.search_with_collector(q, collector)
    results = collector.results()
    theirs = [(round(h.score, 6), h.docnum) for h in results]
    postings = Postings(searcher, Statistics(reader), time.perf_counter() + 30)
    mask, scores = evaluate(q, postings)
    ours = [(round(s, 6), d) for s, d in top(mask, scores, 30)]
    return theirs, ours, len(set(searcher.docs_for_query(q))), int(mask.sum())


@pytest.fixture(scope="module")
def searcher(sample_home: Path) -> Searcher:
    s = whoosh_index.open_dir(str(Home(sample_home).index_dir)).searcher()
    yield s
    s.close()


@pytest.mark.parametrize("text", QUERIES)
def test_same_matches_and_scores_as_whoosh(searcher: Searcher, text: str) -> None:
    theirs, ours, their_total, our_total = run_both(searcher, text)
    assert our_total == their_total
    assert ours == theirs


def test_many_segments_with_deleted_documents(sample_subset: Path, tmp_path: Path) -> None:
    """After an incremental update (a second segment, replaced cases deleted from the first)."""
    with Store(tmp_path / "corpus.sqlite") as store:
        ingest(store, [sample_subset], progress=False)
        update_index(store, tmp_path / "index", progress=False)
        changed = list(store.iter_cases())[:15]
        with store.batch():
            for c in changed:
                new = dataclasses.replace(
                    c, revision_id=c.revision_id + 1, lead=f"Revised. {c.lead}"
                )
                meta = PageMeta(new.title, new.page_id, new.revision_id, [], new.url)
                store.put(new, b"<html></html>", meta)
        update_index(store, tmp_path / "index", progress=False)
    s = whoosh_index.open_dir(str(tmp_path / "index")).searcher()
    try:
        assert len(s.reader().leaf_readers()) == 2 and s.reader().has_deletions()
        for text in [*QUERIES, "revised", "revised decision"]:
            theirs, ours, their_total, our_total = run_both(s, text)
            assert (our_total, ours) == (their_total, theirs), text
        stats = Statistics(s.reader())
        assert int(stats.live.sum()) == s.doc_count() < s.doc_count_all()
    finally:
        s.close()
    shutil.rmtree(tmp_path / "index")


def test_past_the_deadline_an_or_keeps_what_it_has_read(searcher: Searcher) -> None:
    reader = searcher.reader()
    table = FacetTable(reader)
    q = compile_query(ql.understand("surveillance").node, Context(reader, table.values)).query
    on_time = Postings(searcher, Statistics(reader), time.perf_counter() + 30)
    full, _ = evaluate(q, on_time)
    late = Postings(searcher, Statistics(reader), 0.0)
    part, _ = evaluate(q, late)
    assert late.cut and not on_time.cut
    assert 0 < part.sum() <= full.sum() and not (part & ~full).any()  # found so far, no more


def test_a_not_is_never_cut_short(searcher: Searcher) -> None:
    """Fewer exclusions would let documents in that do not match."""
    reader = searcher.reader()
    table = FacetTable(reader)
    q = compile_query(ql.understand("NOT surveillance").node, Context(reader, table.values)).query
    on_time, _ = evaluate(q, Postings(searcher, Statistics(reader), time.perf_counter() + 30))
    late, _ = evaluate(q, Postings(searcher, Statistics(reader), 0.0))
    assert np.array_equal(on_time, late)


def test_each_term_is_read_once_per_search(searcher: Searcher) -> None:
    reader = searcher.reader()
    postings = Postings(searcher, Statistics(reader), time.perf_counter() + 30)
    first = postings.get("exact", "surveillance")
    assert postings.get("exact", b"surveillance") is first and first.ids.size > 10
    assert np.all(np.diff(first.ids) > 0)  # docnums ascending: proximity looks them up
    assert len(first.values) == first.ids.size


def test_kept_postings_give_the_same_answers(sample_home: Path) -> None:
    """A search answered from postings kept by earlier searches equals one read afresh."""
    from gdprkb.index.search import SearchIndex

    ix = SearchIndex(Home(sample_home).index_dir)
    try:
        for text in QUERIES:
            ix.clear_caches()
            cold = ix.search(text, page_size=20).to_dict()
            warm = ix.search(text, page_size=20).to_dict()
            for d in (cold, warm):
                d.pop("took_ms")
            assert warm == cold, text
    finally:
        ix.close()


def test_the_cache_keeps_the_most_recent_lists_within_its_budget() -> None:
    cache = TermCache(max_postings=10)

    def terms(n: int) -> Terms:
        return Terms(np.arange(n, dtype=np.int64), np.ones(n))

    cache.put(("f", b"a"), terms(4))
    cache.put(("f", b"b"), terms(4))
    assert cache.get(("f", b"a")) is not None  # now the most recent
    cache.put(("f", b"c"), terms(4))  # 12 > 10: the least recent ("b") goes
    assert cache.get(("f", b"b")) is None
    assert cache.get(("f", b"a")) is not None and cache.get(("f", b"c")) is not None
    cache.put(("f", b"huge"), terms(11))  # larger than the whole budget: not kept
    assert cache.get(("f", b"huge")) is None
    cache.clear()
    assert cache.get(("f", b"a")) is None


def _mt_case(page_id: int, translation: str) -> CaseRecord:
    return small_case(page_id, machine_translation=translation)


def test_a_word_finds_every_form_of_its_stem_in_the_translation(make_index) -> None:  # noqa: ANN001
    """The translation is indexed as written: the other forms are found at query time."""
    ix = make_index(
        [
            _mt_case(1, "The employees were filmed at work."),
            _mt_case(2, "An employee was filmed at work."),
            _mt_case(3, "Nothing about staff here."),
        ]
    )
    for text in ("employee", "employees", "translation:employee", "EMPLOYÉES"):
        assert {h.page_id for h in ix.search(text).hits} == {1, 2}, text
    assert [h.page_id for h in ix.search("employees").hits] == [1, 2]  # the form typed first
    assert [h.page_id for h in ix.search("employee").hits] == [2, 1]
    assert [h.page_id for h in ix.search('"employees were filmed"').hits] == [1]
    hit = ix.search("employee filmed").hits[0]
    assert "filmed" in "".join(t for t, m in hit.snippet if m)  # snippet from the translation
