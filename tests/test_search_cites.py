"""`cites:` in the query language and as a filter, the "cited" sort, and the index following
citation changes incrementally: a real store, a real Whoosh index of hand-made decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gdprkb.corpus.citations import reference_key
from gdprkb.corpus.record import CaseRecord, PageMeta
from gdprkb.corpus.store import Store
from gdprkb.index.build import update_index
from gdprkb.index.search import SearchIndex

SCHREMS = "CJEU - C-311/18 - Facebook Ireland and Schrems"


def _case(page_id: int, title: str, rev: int = 1, **kw: Any) -> CaseRecord:
    base: dict[str, Any] = dict(
        title=title,
        url=f"https://gdprhub.eu/index.php?title={page_id}",
        page_id=page_id,
        revision_id=rev,
        kind="dpa",
        jurisdiction="Austria",
        authority="DSB (Austria)",
        date_decided=f"2021-01-{page_id:02d}",
        lead="A decision on data transfers.",
    )
    base.update(kw)
    return CaseRecord(**base)


def _put(store: Store, case: CaseRecord) -> None:
    meta = PageMeta(title=case.title, page_id=case.page_id, revision_id=case.revision_id)
    store.put(case, b"<html></html>", meta)


@pytest.fixture
def corpus(tmp_path: Path) -> tuple[Store, Path]:
    store = Store(tmp_path / "corpus.sqlite")
    _put(
        store,
        _case(50, SCHREMS, kind="court", case_number="C-311/18", ecli="ECLI:EU:C:2020:559"),
    )
    _put(store, _case(51, "CJEU - C-40/17 - Fashion ID", kind="court", case_number="C-40/17"))
    _put(store, _case(1, "DSB (Austria) - 1", holding="As held in C\u2011311/18 and C-40/17."))
    _put(store, _case(2, "DSB (Austria) - 2", comment="See ECLI:EU:C:2020:559."))
    _put(store, _case(3, "DSB (Austria) - 3", facts="Nothing cited."))
    _put(store, _case(4, "DSB (Austria) - 4", facts="C-311/18 again."))
    update_index(store, tmp_path / "index", progress=False)
    yield store, tmp_path / "index"
    store.close()


def _ids(index_dir: Path, query: str, **kw: Any) -> list[int]:
    ix = SearchIndex(index_dir)
    try:
        return [h.page_id for h in ix.search(query, page_size=50, **kw).hits]
    finally:
        ix.close()


@pytest.mark.parametrize(
    "query",
    ["cites:C-311/18", "cites:C\u2011311/18", 'cites:"C 311/18"', "cites:ECLI:EU:C:2020:559",
     "cites:EU:C:2020:559", "cites:50", "cited:c-311/18"],
)  # fmt: skip
def test_cites_any_form(corpus: tuple[Store, Path], query: str) -> None:
    # 2 cites only the ECLI: found through the judgment's keys; 4 only the number.
    assert sorted(_ids(corpus[1], query)) == [1, 2, 4]


def test_cites_as_filter_and_combined(corpus: tuple[Store, Path]) -> None:
    assert _ids(corpus[1], "", filters={"cites": "C-40/17"}) == [1]
    assert _ids(corpus[1], "cites:C-311/18 NOT cites:C-40/17", sort="date") == [4, 2]


def test_cites_unknown_value_warns(corpus: tuple[Store, Path]) -> None:
    ix = SearchIndex(corpus[1])
    try:
        result = ix.search("cites:hello")
    finally:
        ix.close()
    assert result.total == 0
    assert any("cites:hello" in w for w in result.warnings)


def test_sort_by_times_cited(corpus: tuple[Store, Path]) -> None:
    assert _ids(corpus[1], "kind:court", sort="cited") == [50, 51]  # 3 citing vs 1
    assert _ids(corpus[1], "", sort="cited")[:2] == [50, 51]  # uncited cases after


def test_index_follows_citation_changes(corpus: tuple[Store, Path]) -> None:
    store, index_dir = corpus
    # 3 now cites Fashion ID: Fashion ID's count changes though its own record did not.
    _put(store, _case(3, "DSB (Austria) - 3", rev=2, facts="Following C-40/17."))
    _put(store, _case(4, "DSB (Austria) - 4", rev=2, facts="No citation now."))
    report = update_index(store, index_dir, progress=False)
    assert report.mode == "incremental"
    assert sorted(_ids(index_dir, "cites:C-40/17")) == [1, 3]
    assert sorted(_ids(index_dir, "cites:C-311/18")) == [1, 2]
    ix = SearchIndex(index_dir)
    try:
        order = [h.page_id for h in ix.search("kind:court", sort="cited").hits]
    finally:
        ix.close()
    assert order == [51, 50]  # 2 citing each now: ties go by page id, newest page first


@pytest.mark.parametrize(
    ("typed", "key"),
    [("C-311/18", "C-311/18"), ("c 311/18", "C-311/18"), ("ecli:eu:c:2020:559",
      "ECLI:EU:C:2020:559"), ("0050", "50"), ("PS/00117/2022", "PS/00117/2022"), ("x", None)],
)  # fmt: skip
def test_reference_key(typed: str, key: str | None) -> None:
    assert reference_key(typed) == key


def test_a_waiting_reference_reaches_the_index_when_the_judgment_arrives(tmp_path: Path) -> None:
    with Store(tmp_path / "corpus.sqlite") as store:
        _put(store, _case(1, "DSB (Austria) - 1", holding="As held in C-311/18."))
        update_index(store, tmp_path / "index", progress=False)
        assert _ids(tmp_path / "index", "cites:ECLI:EU:C:2020:559") == []
        judgment = _case(
            50, SCHREMS, kind="court", case_number="C-311/18", ecli="ECLI:EU:C:2020:559"
        )
        _put(store, judgment)
        report = update_index(store, tmp_path / "index", progress=False)
        assert report.mode == "incremental" and report.indexed == 2  # the citing case too
        assert _ids(tmp_path / "index", "cites:ECLI:EU:C:2020:559") == [1]
        assert _ids(tmp_path / "index", "cites:50") == [1]
        assert _ids(tmp_path / "index", "", sort="cited")[0] == 50


@pytest.mark.parametrize("value", ["C-" * 5000, "ECLI:" * 3000, "🙂", "(((", "*"])
def test_hostile_cites_values_end_in_a_warning(corpus: tuple[Store, Path], value: str) -> None:
    ix = SearchIndex(corpus[1])
    try:
        result = ix.search(f"cites:{value}")
    finally:
        ix.close()
    assert result.total == 0
    assert any("names no decision" in w for w in result.warnings)
    assert all(len(w) < 300 for w in result.warnings)  # the value is not echoed whole
