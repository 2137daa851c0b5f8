"""corpus.store: hand-made records (nulls, lists, Unicode) through a real SQLite file."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from gdprkb.corpus.record import (
    PARSER_VERSION,
    Appeal,
    AppealRef,
    ArticlePage,
    CaseRecord,
    NotADecision,
    PageMeta,
    Source,
)
from gdprkb.corpus.store import Store, StoreError, record_dict


def meta(page_id: int, rev: int = 1, title: str | None = None) -> PageMeta:
    title = title or f"Page {page_id}"
    return PageMeta(title=title, page_id=page_id, revision_id=rev, categories=["X"])


def case(page_id: int, rev: int = 1, **kw: object) -> CaseRecord:
    base: dict = dict(
        title=f"Page {page_id}",
        url=f"https://gdprhub.eu/index.php?title=Page_{page_id}",
        page_id=page_id,
        revision_id=rev,
        kind="dpa",
        authority="Datatilsynet (Denmark)",
        jurisdiction="Denmark",
        relevant_law=["Article 32 GDPR", "§ 7 Databeskyttelsesloven"],
        gdpr_articles=[32],
        type="Complaint",
        outcome="Violation Found",
        date_decided="2020-02-13",
        parties=["KMD A/S", "Ærø Kommune"],
        original_sources=[Source("Datatilsynet", "https://example.org/ä")],
        appeal=Appeal(to=AppealRef(status="Appealed", body="Østre Landsret")),
        facts="Die Fakten — ünïcödé.",
    )
    base.update(kw)
    return CaseRecord(**base)


RAW = "<html><body>Ærø — page</body></html>".encode()


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "corpus.sqlite") as s:
        yield s


def test_creates_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "corpus.sqlite"
    Store(path).close()
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"pages", "cases", "articles", "others", "failures", "deletions"} <= tables


def test_reopen_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Store(path) as s:
        s.put(case(1), RAW, meta(1))
    with Store(path) as s:
        assert s.get_case(1) == case(1)
        assert s.seq == 1


def test_put_new_then_round_trip(store: Store) -> None:
    assert store.put(case(1), RAW, meta(1)) == "new"
    got = store.get_case(1)
    assert got == case(1)
    assert got is not None and got.parties == ["KMD A/S", "Ærø Kommune"]
    assert got.appeal.to == AppealRef(status="Appealed", body="Østre Landsret")
    assert store.count_cases() == 1
    assert store.get_case(2) is None


def test_raw_is_compressed_and_returned_whole(store: Store) -> None:
    big = RAW * 2000
    store.put(case(1), big, meta(1))
    stored = store._db.execute("SELECT raw FROM pages").fetchone()[0]
    assert len(stored) < len(big) / 10
    assert zlib.decompress(stored) == big
    assert list(store.iter_raw()) == [(meta(1), big)]


def test_stores_revision_parser_version_and_meta(store: Store) -> None:
    store.put(case(1, rev=7), RAW, meta(1, rev=7))
    row = store._db.execute("SELECT revision_id, parser_version, meta FROM pages").fetchone()
    assert row[0] == 7
    assert row[1] == PARSER_VERSION
    assert '"categories":["X"]' in row[2]
    assert store.stored_revision(1) == (7, PARSER_VERSION)
    assert store.stored_revision(99) is None


def test_same_revision_is_a_no_op(store: Store) -> None:
    store.put(case(1), RAW, meta(1))
    seq = store.seq
    changes = store._db.total_changes
    assert store.put(case(1), RAW, meta(1)) == "unchanged"
    assert store.seq == seq
    assert store._db.total_changes == changes  # not one row written


def test_new_revision_updates_and_bumps_seq(store: Store) -> None:
    store.put(case(1), RAW, meta(1))
    assert store.put(case(1, rev=2, outcome="Rejected"), RAW + b"!", meta(1, rev=2)) == "updated"
    got = store.get_case(1)
    assert got is not None and got.outcome == "Rejected" and got.revision_id == 2
    assert store.seq == 2
    assert list(store.iter_raw())[0][1] == RAW + b"!"


def test_an_older_revision_is_not_written(store: Store) -> None:
    store.put(case(1, rev=5), RAW, meta(1, rev=5))
    assert store.put(case(1, rev=4, outcome="Old"), RAW, meta(1, rev=4)) == "unchanged"
    got = store.get_case(1)
    assert got is not None and got.revision_id == 5 and got.outcome == "Violation Found"
    assert store.seq == 1


def test_recheck_rewrites_only_a_changed_record(store: Store) -> None:
    store.put(case(1), RAW, meta(1))
    assert store.put(case(1), RAW, meta(1), recheck=True) == "unchanged"
    assert store.seq == 1
    assert store.put(case(1, facts="Better facts"), RAW, meta(1), recheck=True) == "updated"
    assert store.seq == 2
    got = store.get_case(1)
    assert got is not None and got.facts == "Better facts"


def test_older_parser_version_same_record_only_bumps_version(store: Store) -> None:
    store.put(case(1), RAW, meta(1))
    store._db.execute("UPDATE pages SET parser_version = 0")
    assert store.put(case(1), RAW, meta(1)) == "unchanged"
    assert store.stored_revision(1) == (1, PARSER_VERSION)
    assert store.seq == 1


def test_page_id_mismatch_is_refused(store: Store) -> None:
    with pytest.raises(StoreError, match="page_id 1"):
        store.put(case(1), RAW, meta(2))


def test_articles_and_others(store: Store) -> None:
    art = ArticlePage(
        title="Article 32 GDPR",
        url="https://gdprhub.eu/index.php?title=Article_32_GDPR",
        page_id=50,
        revision_id=3,
        article=32,
        heading="Security of processing",
        text="1. Taking into account…",
        commentary="Commentary.",
    )
    other = NotADecision(title="Help:Contents", page_id=60, revision_id=4, reason="help page")
    assert store.put(art, RAW, meta(50, 3, "Article 32 GDPR")) == "new"
    assert store.put(other, RAW, meta(60, 4, "Help:Contents")) == "new"
    assert store.get_article(32) == art
    assert store.get_article(33) is None
    assert list(store.iter_articles()) == [art]
    assert list(store.iter_others()) == [other]
    assert store.count_cases() == 0
    assert store.seq == 0  # only case writes move the change feed
    assert store.page_counts() == {"case": 0, "article": 1, "other": 1, "failure": 0}


def test_known_revisions_covers_every_kind(store: Store) -> None:
    store.put(case(1, rev=5), RAW, meta(1, 5))
    store.put(NotADecision("Help", 2, 9, "help"), RAW, meta(2, 9, "Help"))
    assert store.known_revisions() == {"Page 1": (1, 5), "Help": (2, 9)}


def test_case_turning_into_other_kind_is_replaced_and_tombstoned(store: Store) -> None:
    store.put(case(1), RAW, meta(1))
    other = NotADecision("Page 1", 1, 2, "now a redirect")
    assert store.put(other, RAW, meta(1, 2)) == "updated"
    assert store.get_case(1) is None
    assert store.count_cases() == 0
    assert list(store.iter_others()) == [other]
    changed, deleted, seq = store.changes_since(1)
    assert (changed, deleted, seq) == ([], [1], 2)
    # and back again: the tombstone goes, the case is a change
    assert store.put(case(1, rev=3), RAW, meta(1, 3)) == "updated"
    assert list(store.iter_others()) == []
    changed, deleted, seq = store.changes_since(2)
    assert [c.page_id for c in changed] == [1] and deleted == [] and seq == 3


def test_changes_since_feed(store: Store) -> None:
    for i in (1, 2, 3):
        store.put(case(i), RAW, meta(i))
    changed, deleted, seq = store.changes_since(0)
    assert [c.page_id for c in changed] == [1, 2, 3] and deleted == [] and seq == 3
    store.put(case(2, rev=2), RAW, meta(2, 2))
    store.delete(3)
    changed, deleted, seq = store.changes_since(3)
    assert [c.page_id for c in changed] == [2]
    assert deleted == [3]
    assert seq == 5
    assert store.changes_since(5) == ([], [], 5)


def test_delete_removes_everything_of_the_page(store: Store) -> None:
    store.put(case(1), RAW, meta(1))
    store.delete(1)
    store.delete(1)  # twice is harmless
    store.delete(42)  # unknown is harmless
    assert store.get_case(1) is None
    assert store.count_pages() == 0
    assert store._db.execute("SELECT count(*) FROM case_articles").fetchone()[0] == 0
    assert store.known_revisions() == {}


def test_failures_never_touch_the_stored_record(store: Store) -> None:
    store.put(case(1), RAW, meta(1))
    store.record_failure("pages/1.html", "truncated HTML", title="Page 1", page_id=1)
    assert store.get_case(1) == case(1)
    (f,) = store.failures()
    assert f["key"] == "pages/1.html" and f["reason"] == "truncated HTML"
    assert f["title"] == "Page 1" and f["page_id"] == 1 and f["at"]
    store.record_failure("pages/1.html", "empty file")  # same key: replaced
    assert [f["reason"] for f in store.failures()] == ["empty file"]
    store.clear_failure("pages/1.html")
    assert store.failures() == []


def test_batch_is_atomic(store: Store) -> None:
    with pytest.raises(RuntimeError), store.batch():
        store.put(case(1), RAW, meta(1))
        store.put(case(2), RAW, meta(2))
        raise RuntimeError("crash mid-batch")
    assert store.count_pages() == 0
    assert store.seq == 0
    with store.batch():
        store.put(case(1), RAW, meta(1))
        store.put(case(2), RAW, meta(2))
    assert store.count_cases() == 2


def test_failed_put_rolls_back(store: Store) -> None:
    store.put(case(1), RAW, meta(1))
    with pytest.raises(StoreError):
        store.put("not a page", RAW, meta(2))  # type: ignore[arg-type]
    assert store.count_pages() == 1


def test_other_connection_never_sees_half_a_batch(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Store(path) as writer, Store(path) as reader:
        with writer.batch():
            writer.put(case(1), RAW, meta(1))
            assert reader.count_cases() == 0
        assert reader.count_cases() == 1


@pytest.fixture
def filled(store: Store) -> Store:
    rows = [
        case(1, jurisdiction="Denmark", gdpr_articles=[5, 32], date_decided="2020-02-13"),
        case(2, jurisdiction="Germany", gdpr_articles=[6], date_decided="2019-05-01"),
        case(3, kind="court", jurisdiction="Germany", gdpr_articles=[32, 82], date_decided=None,
             date_published="2021-01-01", outcome="Rejected"),
        case(4, jurisdiction=None, gdpr_articles=[], date_decided=None),
    ]  # fmt: skip
    with store.batch():
        for r in rows:
            store.put(r, RAW, meta(r.page_id))
    return store


def ids(cases) -> list[int]:
    return [c.page_id for c in cases]


def test_filters(filled: Store) -> None:
    assert ids(filled.iter_cases()) == [1, 2, 3, 4]
    assert ids(filled.iter_cases(kind="court")) == [3]
    assert ids(filled.iter_cases(jurisdiction="germany")) == [2, 3]  # case-insensitive
    assert ids(filled.iter_cases(jurisdiction=["Denmark", "Germany"])) == [1, 2, 3]
    assert ids(filled.iter_cases(article=32)) == [1, 3]
    assert ids(filled.iter_cases(article=[6, 82])) == [2, 3]
    assert ids(filled.iter_cases(year=2021)) == [3]  # published year when undecided
    assert ids(filled.iter_cases(year_from=2020)) == [1, 3]
    assert ids(filled.iter_cases(year_from=2019, year_to=2020)) == [1, 2]
    assert ids(filled.iter_cases(jurisdiction="Germany", article=32)) == [3]
    assert ids(filled.iter_cases(outcome="violation found", jurisdiction=None)) == [1, 2, 4]
    assert filled.count_cases(jurisdiction="Germany") == 2
    assert [d["page_id"] for d in filled.iter_case_dicts(article=5)] == [1]


def test_page_id_filter_takes_any_number_of_ids(filled: Store) -> None:
    assert ids(filled.iter_cases(page_id=[4, 2, 99])) == [2, 4]
    assert ids(filled.iter_cases(page_id=[])) == []  # a search without hits selects nothing
    many = list(range(1, 100_000))  # beyond SQLite's variable limit: one JSON parameter
    assert filled.count_cases(page_id=many, kind="dpa") == 3
    assert filled.counts("kind", page_id=[3]) == [("court", 1)]


def test_unknown_filter_is_a_clear_error(filled: Store) -> None:
    with pytest.raises(StoreError, match="unknown filter 'country'"):
        list(filled.iter_cases(country="Germany"))


def test_counts(filled: Store) -> None:
    assert filled.counts("jurisdiction") == [("Germany", 2), (None, 1), ("Denmark", 1)]
    assert filled.counts("kind") == [("dpa", 3), ("court", 1)]
    assert filled.counts("year") == [(None, 1), (2019, 1), (2020, 1), (2021, 1)]
    assert filled.counts("kind", jurisdiction="Germany") == [("court", 1), ("dpa", 1)]
    with pytest.raises(StoreError, match="cannot count by 'record'"):
        filled.counts("record")


def test_reparse_style_iteration_while_writing(filled: Store) -> None:
    seen = []
    for m, raw in filled.iter_raw():
        seen.append(m.page_id)
        c = filled.get_case(m.page_id)
        assert c is not None
        filled.put(replace(c, facts="rewritten"), raw, m, recheck=True)
    assert seen == [1, 2, 3, 4]
    assert {c.facts for c in filled.iter_cases()} == {"rewritten"}


def test_usable_from_another_thread(filled: Store) -> None:
    out: list[int] = []
    t = threading.Thread(target=lambda: out.append(filled.count_cases()))
    t.start()
    t.join()
    assert out == [4]


def test_integrity_check(filled: Store) -> None:
    assert filled.integrity_check() == "ok"


def test_record_dict_equals_to_dict_on_every_sample_record(sample_db: Path) -> None:
    with Store(sample_db) as s:
        pages = [*s.iter_cases(), *s.iter_articles(), *s.iter_others()]
    assert len(pages) == 922
    for page in pages:
        want = dataclasses.asdict(page) if isinstance(page, NotADecision) else page.to_dict()
        assert record_dict(page) == want
    assert record_dict(case(1)) == case(1).to_dict()


def test_a_reader_opens_while_a_writer_holds_a_batch(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Store(path) as writer:
        writer.put(case(1), RAW, meta(1))
        with writer.batch():
            writer.put(case(2), RAW, meta(2))
            counts: list[int] = []

            def read() -> None:
                with Store(path) as reader:
                    counts.append(reader.count_cases())

            t = threading.Thread(target=read)
            t.start()
            t.join(timeout=5)
            assert counts == [1]  # opened at once, saw the last committed state


def test_a_version_1_store_is_migrated(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Store(path) as s:
        s.put(case(1), RAW, meta(1))
        s._db.executescript("ALTER TABLE pages DROP COLUMN raw_crc; PRAGMA user_version=1;")
    with Store(path) as s:
        assert s.get_case(1) == case(1)
        assert not s.is_current(meta(1), RAW)  # CRC unknown: the next ingest parses again
        assert s.put(case(1), RAW, meta(1)) == "unchanged"
        assert s._db.execute("PRAGMA user_version").fetchone()[0] == 2


def test_changes_since_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Store(path) as writer, Store(path) as index:
        writer.put(case(1), RAW, meta(1))
        with writer.batch():
            writer.put(case(2), RAW, meta(2))
            out: list[tuple] = []
            t = threading.Thread(target=lambda: out.append(index.changes_since(0)))
            t.start()
            t.join(timeout=5)
            assert [[c.page_id for c in out[0][0]], out[0][1], out[0][2]] == [[1], [], 1]
        assert [c.page_id for c in index.changes_since(1)[0]] == [2]


def test_an_unchanged_put_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Store(path) as writer, Store(path) as scraper:
        writer.put(case(1), RAW, meta(1))
        with writer.batch():
            writer.put(case(2), RAW, meta(2))
            out: list[str] = []
            t = threading.Thread(target=lambda: out.append(scraper.put(case(1), RAW, meta(1))))
            t.start()
            t.join(timeout=5)
            assert out == ["unchanged"]


def test_a_new_store_uses_16k_pages(tmp_path: Path) -> None:
    with Store(tmp_path / "corpus.sqlite") as s:
        assert s._db.execute("PRAGMA page_size").fetchone()[0] == 16384


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"year": 10**20}, "year 100000000000000000000 is out of range"),
        ({"article": [5, 2**63]}, f"article {2**63} is out of range"),
        ({"year_to": "soon"}, "year-to 'soon' is not a whole number"),
    ],
)
def test_filters_sqlite_cannot_hold_are_store_errors(
    store: Store, filters: dict[str, object], message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        store.count_cases(**filters)
