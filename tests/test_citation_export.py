"""gdprkb show --json (cites, cited_by) and gdprkb export --citations (CSV, JSONL, Parquet)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from gdprkb.cli import app
from gdprkb.corpus.citation_export import EDGE_COLUMNS
from gdprkb.corpus.store import Store

runner = CliRunner()


def run(home: Path, *args: str):
    return runner.invoke(app, ["--home", str(home), *args])


@pytest.fixture
def home(tmp_path: Path, sample_db: Path) -> Path:
    """A home holding a copy of the ingested sample."""
    h = tmp_path / "home"
    h.mkdir()
    shutil.copy(sample_db, h / "corpus.sqlite")
    return h


def test_show_json_has_cites_and_cited_by(home: Path) -> None:
    result = run(home, "show", "8152", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {
        "kind": "cjeu",
        "key": "C-667/21",
        "text": "C-667/21",
        "section": "holding",
        "cited": 7449,
        "cited_title": "CJEU - C-667/21 - Krankenversicherung Nordrhein",
    } in data["cites"]
    judgment = json.loads(run(home, "show", "7449", "--json").output)
    citing = [c["page_id"] for c in judgment["cited_by"]]
    assert 8152 in citing
    dates = [c["date"] for c in judgment["cited_by"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert all(c["sections"] for c in judgment["cited_by"])


def test_show_text_lists_citations(home: Path) -> None:
    out = run(home, "show", "7449").output
    assert "== Cited by " in out and "AG Düsseldorf - 2 Ca 4416/23" in out


def test_export_citations_all_formats(home: Path, sample_home: Path, tmp_path: Path) -> None:
    with Store(home / "corpus.sqlite") as store:
        expected = list(store.citation_edges())
    result = run(home, "export", "--citations", "-f", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert tuple(rows[0]) == EDGE_COLUMNS
    assert len(rows) == len(expected) > 100
    assert {r["cited"] for r in rows if r["key"] == "C-667/21"} == {"7449"}
    out = tmp_path / "edges.jsonl"
    assert run(home, "export", "--citations", "-f", "jsonl", "-o", str(out)).exit_code == 0
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert lines == [{c: e[c] for c in EDGE_COLUMNS} for e in expected]
    # Filters select the citing cases through the search index (docs/cli.md: Filters).
    spain = run(sample_home, "export", "--citations", "-f", "jsonl", "--country", "Spain").stdout
    nowhere = run(sample_home, "export", "--citations", "-f", "jsonl", "-j", "Atlantis")
    assert nowhere.exit_code == 0 and nowhere.stdout == ""  # never every edge
    with Store(home / "corpus.sqlite") as store:
        spanish = {c.page_id for c in store.iter_cases(jurisdiction="Spain")}
    edges = [json.loads(x) for x in spain.splitlines()]
    assert edges and {e["citing"] for e in edges} <= spanish
    assert len(edges) == len([e for e in expected if e["citing"] in spanish])
    pq_out = tmp_path / "edges.parquet"
    assert run(home, "export", "--citations", "-f", "parquet", "-o", str(pq_out)).exit_code == 0
    table = pq.read_table(pq_out)
    assert table.column_names == list(EDGE_COLUMNS)
    assert table.num_rows == len(expected)
    assert any(v is None for v in table.column("cited").to_pylist())  # unresolved kept
