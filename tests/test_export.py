"""corpus.export: CSV / JSONL / Parquet round trips on the real sample and a hand-made case."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from gdprkb.corpus.export import COLUMNS, TEXT_COLUMNS, columns, export
from gdprkb.corpus.record import Appeal, AppealRef, CaseRecord, PageMeta, Source
from gdprkb.corpus.store import Store

HAND = CaseRecord(
    title="Tietosuojavaltuutettu (Finland) - 1/2020",
    url="https://gdprhub.eu/index.php?title=Tietosuojavaltuutettu_(Finland)_-_1/2020",
    page_id=7,
    revision_id=70,
    kind="dpa",
    authority="Tietosuojavaltuutettu (Finland)",
    jurisdiction="Finland",
    relevant_law=["Article 5(1)(f) GDPR", "Article 32 GDPR"],
    gdpr_articles=[5, 32],
    gdpr_provisions=["Article 5(1)(f) GDPR", "Article 32 GDPR"],
    type="Complaint",
    outcome="Upheld",
    date_decided="2020-03-02",
    fine_amount=10000.0,
    fine_currency="EUR",
    parties=["Åland Oy", 'Firma "Kaikki" Ab'],
    case_number="1/2020",
    original_languages=["Finnish", "Swedish"],
    original_sources=[Source("Päätös", "https://example.fi/p"), Source("Liite", None)],
    appeal=Appeal(to=AppealRef(status="Appealed", body="Helsingin hallinto-oikeus")),
    facts="Line one,\nline two; with “quotes”.",
    categories=["Finland", "2020"],
)

HAND_CSV = (
    "\ufeffpage_id,revision_id,title,url,kind,authority,jurisdiction,relevant_law,gdpr_articles,"
    "gdpr_provisions,uk_gdpr_provisions,type,outcome,date_started,date_decided,date_published,year,fine_amount,"
    "fine_currency,fine_text,parties,case_number,ecli,original_languages,original_sources,"
    "original_source_urls,appeal_from_status,appeal_from_body,appeal_from_case_number,"
    "appeal_from_url,appeal_to_status,appeal_to_body,appeal_to_case_number,appeal_to_url,"
    "categories,warnings\r\n"
    "7,70,Tietosuojavaltuutettu (Finland) - 1/2020,"
    "https://gdprhub.eu/index.php?title=Tietosuojavaltuutettu_(Finland)_-_1/2020,dpa,"
    "Tietosuojavaltuutettu (Finland),Finland,Article 5(1)(f) GDPR; Article 32 GDPR,5; 32,"
    "Article 5(1)(f) GDPR; Article 32 GDPR,,Complaint,Upheld,,2020-03-02,,2020,10000,EUR,,"
    '"Åland Oy; Firma ""Kaikki"" Ab",1/2020,,Finnish; Swedish,Päätös; Liite,'
    "https://example.fi/p; ,,,,,Appealed,Helsingin hallinto-oikeus,,,Finland; 2020,\r\n"
)


@pytest.fixture
def hand_store(tmp_path: Path):
    with Store(tmp_path / "hand.sqlite") as s:
        s.put(HAND, b"<html></html>", PageMeta(HAND.title, 7, 70))
        yield s


def test_csv_byte_for_byte(hand_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    assert export(hand_store, "csv", out) == 1
    assert out.read_bytes() == HAND_CSV.encode("utf-8")


def test_csv_with_text_adds_the_sections_last(hand_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    export(hand_store, "csv", out, with_text=True)
    df = pd.read_csv(out, keep_default_na=False)
    assert list(df.columns) == COLUMNS + TEXT_COLUMNS
    assert df.loc[0, "facts"] == "Line one,\nline two; with “quotes”."
    assert df.loc[0, "lead"] == ""


def test_jsonl_is_the_record_contract(hand_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    export(hand_store, "jsonl", out)
    (line,) = out.read_text(encoding="utf-8").splitlines()
    assert json.loads(line) == HAND.to_dict()
    assert "Åland" in line  # UTF-8, not \u escapes


def test_parquet_has_real_list_and_struct_columns(hand_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "x.parquet"
    export(hand_store, "parquet", out)
    table = pq.read_table(out)
    assert table.schema.names == COLUMNS
    assert table.schema.field("gdpr_articles").type == pa.list_(pa.int64())
    assert table.schema.field("parties").type == pa.list_(pa.string())
    row = table.to_pylist()[0]
    assert row["gdpr_articles"] == [5, 32]
    assert row["parties"] == ["Åland Oy", 'Firma "Kaikki" Ab']
    assert row["original_sources"] == [
        {"name": "Päätös", "url": "https://example.fi/p"},
        {"name": "Liite", "url": None},
    ]
    assert row["fine_amount"] == 10000.0 and row["year"] == 2020
    assert row["appeal_to_body"] == "Helsingin hallinto-oikeus" and row["appeal_from_body"] is None


def test_unknown_format_and_parquet_to_stdout_are_refused(hand_store: Store) -> None:
    with pytest.raises(ValueError, match="unknown export format 'xlsx'"):
        export(hand_store, "xlsx")
    with pytest.raises(ValueError, match="give a file with --out"):
        export(hand_store, "parquet")


def test_failed_export_leaves_no_partial_file(hand_store: Store, tmp_path: Path) -> None:
    out = tmp_path / "x.csv"
    out.write_text("previous export")
    with pytest.raises(Exception, match="unknown filter"):
        export(hand_store, "csv", out, country="Finland")
    assert out.read_text() == "previous export"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".part"] == []


# -- the real sample ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_store(sample_db: Path):
    with Store(sample_db) as s:
        yield s


@pytest.fixture(scope="module")
def exported(sample_store: Store, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("exports")
    paths = {
        "jsonl": d / "all.jsonl",
        "csv": d / "all.csv",
        "csv_text": d / "all_text.csv",
        "parquet": d / "all.parquet",
    }
    export(sample_store, "jsonl", paths["jsonl"])
    export(sample_store, "csv", paths["csv"])
    export(sample_store, "csv", paths["csv_text"], with_text=True)
    export(sample_store, "parquet", paths["parquet"])
    return paths


def test_jsonl_round_trips_every_stored_case(
    sample_store: Store, exported: dict[str, Path]
) -> None:
    lines = exported["jsonl"].read_text(encoding="utf-8").splitlines()
    assert len(lines) == sample_store.count_cases() >= 890
    for line in lines:
        case = CaseRecord.from_dict(json.loads(line))
        assert case == sample_store.get_case(case.page_id)


def test_csv_opens_in_pandas_with_the_documented_columns(
    sample_store: Store, exported: dict[str, Path]
) -> None:
    df = pd.read_csv(exported["csv"], keep_default_na=False)
    assert list(df.columns) == COLUMNS
    assert len(df) == sample_store.count_cases()
    seed = df[df.page_id == 2146].iloc[0]
    assert seed.title == "Datatilsynet (Denmark) - 2019-431-0036"
    assert seed.gdpr_articles == "32"
    assert seed.date_published == "2020-02-13"
    df_text = pd.read_csv(exported["csv_text"], keep_default_na=False)
    assert list(df_text.columns) == columns(with_text=True)
    assert (df_text.facts != "").sum() > 800


def test_csv_is_excel_ready_utf8_with_bom(exported: dict[str, Path]) -> None:
    raw = exported["csv"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfpage_id,revision_id,title,")
    text = raw.decode("utf-8")  # strict: the whole file is valid UTF-8
    assert "\ufeff" not in text[1:]
    assert any(ch in text for ch in "äöüéñ")


def test_csv_lists_are_joined_with_semicolon_space(
    sample_store: Store, exported: dict[str, Path]
) -> None:
    df = pd.read_csv(exported["csv"], keep_default_na=False).set_index("page_id")
    multi = next(c for c in sample_store.iter_cases() if len(c.relevant_law) > 1)
    assert df.loc[multi.page_id, "relevant_law"] == "; ".join(multi.relevant_law)
    assert df.loc[multi.page_id, "gdpr_articles"] == "; ".join(map(str, multi.gdpr_articles))
    assert df.loc[multi.page_id, "categories"].split("; ") == multi.categories


def test_parquet_matches_the_store(sample_store: Store, exported: dict[str, Path]) -> None:
    df = pd.read_parquet(exported["parquet"])
    assert list(df.columns) == COLUMNS
    assert len(df) == sample_store.count_cases()
    rows = df.set_index("page_id")
    for case in list(sample_store.iter_cases())[:50]:
        row = rows.loc[case.page_id]
        assert list(row.gdpr_articles) == case.gdpr_articles
        assert list(row.relevant_law) == case.relevant_law
        assert list(row.parties) == case.parties
        assert [s["name"] for s in row.original_sources] == [s.name for s in case.original_sources]


@pytest.mark.parametrize(
    ("filters", "check"),
    [
        ({"jurisdiction": "Germany"}, lambda c: c.jurisdiction == "Germany"),
        ({"article": 32}, lambda c: 32 in c.gdpr_articles),
        ({"year": 2021}, lambda c: c.year == 2021),
        ({"kind": "court"}, lambda c: c.kind == "court"),
        ({"kind": "dpa", "article": [5, 6]},
         lambda c: c.kind == "dpa" and {5, 6} & {*c.gdpr_articles}),
        ({"year_from": 2022, "jurisdiction": ["Spain", "Italy"]},
         lambda c: (c.year or 0) >= 2022 and c.jurisdiction in ("Spain", "Italy")),
    ],
)  # fmt: skip
def test_filters_select_exactly_the_matching_cases(
    sample_store: Store, tmp_path: Path, filters: dict, check
) -> None:
    out = tmp_path / "f.jsonl"
    n = export(sample_store, "jsonl", out, **filters)
    got = [json.loads(line)["page_id"] for line in out.read_text().splitlines()]
    want = [c.page_id for c in sample_store.iter_cases() if check(c)]
    assert got == want and n == len(want) > 0


def test_warnings_are_exported_and_can_be_left_out(tmp_path: Path) -> None:
    """Issue 13 §2: the CSV, JSONL and Parquet carry the warnings; no_warnings leaves them out."""
    flagged = CaseRecord.from_dict(
        {
            **HAND.to_dict(),
            "page_id": 8,
            "fine_currency": "BGN",
            "warnings": ["fine_currency_mismatch"],
        }
    )
    with Store(tmp_path / "w.sqlite") as s:
        for c in (HAND, flagged):
            s.put(c, b"<html></html>", PageMeta(c.title, c.page_id, c.revision_id))
        export(s, "csv", tmp_path / "w.csv")
        export(s, "jsonl", tmp_path / "w.jsonl")
        export(s, "parquet", tmp_path / "w.parquet")
        assert export(s, "csv", tmp_path / "clean.csv", no_warnings=True) == 1
        assert s.warning_counts() == [("fine_currency_mismatch", 1)]
        assert s.warning_counts(no_warnings=True) == []
        assert s.count_cases(no_warnings=True) == 1
    df = pd.read_csv(tmp_path / "w.csv", keep_default_na=False)
    assert list(df["warnings"]) == ["", "fine_currency_mismatch"]
    lines = [json.loads(line) for line in (tmp_path / "w.jsonl").read_text().splitlines()]
    assert [d["warnings"] for d in lines] == [[], ["fine_currency_mismatch"]]
    table = pq.read_table(tmp_path / "w.parquet")
    assert table.column("warnings").to_pylist() == [[], ["fine_currency_mismatch"]]
    assert table.schema.field("warnings").type == pa.list_(pa.string())
    assert list(pd.read_csv(tmp_path / "clean.csv")["page_id"]) == [7]


def test_a_record_stored_before_warnings_existed_exports(tmp_path: Path) -> None:
    """Records written by parser version 3 lack the new keys: they read as empty lists."""
    old = {k: v for k, v in HAND.to_dict().items() if k not in ("warnings", "uk_gdpr_provisions")}
    record = CaseRecord.from_dict(old)
    assert (record.warnings, record.uk_gdpr_provisions) == ([], [])
    from gdprkb.corpus.export import flat_row

    row = flat_row(old)
    assert (row["warnings"], row["uk_gdpr_provisions"]) == ([], [])
