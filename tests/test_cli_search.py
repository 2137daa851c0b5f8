"""`gdprkb index` and `gdprkb search` through the real CLI on the sample home."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gdprkb.cli import app

runner = CliRunner()


def run(home: Path, *args: str, input: str | None = None):  # noqa: ANN201
    return runner.invoke(app, ["--home", str(home), *args], input=input)


def test_search_prints_hits_with_snippets(sample_home: Path) -> None:
    res = run(sample_home, "search", "video surveillance employee", "--limit", "3")
    assert res.exit_code == 0, res.output
    assert "cases (3 shown, sorted by relevance" in res.output
    assert "https://gdprhub.eu/index.php?title=" in res.output
    assert "[video]" in res.output.lower() or "[surveillance]" in res.output.lower()
    assert "<b" not in res.output
    assert "Facets (top 5):" in res.output and "jurisdiction:" in res.output


def test_search_json_with_filters_and_sort(sample_home: Path) -> None:
    res = run(
        sample_home, "search", "", "--filter", "country=Spain", "--filter", "year=2020..2021",
        "--sort", "fine", "--limit", "5", "--json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["total"] > 0 and len(data["hits"]) == 5 and data["sort"] == "fine"
    assert all(h["jurisdiction"] == "Spain" and h["year"] in (2020, 2021) for h in data["hits"])
    assert {"title", "url", "page_id", "score", "snippet"} <= set(data["hits"][0])
    assert data["facets"]["jurisdiction"] == [
        {"value": "Spain", "count": data["total"], "selected": True}
    ]
    assert data["took_ms"] >= 0


def test_batch_writes_one_json_line_per_query(sample_home: Path, tmp_path: Path) -> None:
    queries = tmp_path / "q.txt"
    queries.write_text('cookies\n\n"unbalanced quote\nfine:>1000000\n', encoding="utf-8")
    res = run(sample_home, "search", "--batch", str(queries), "--limit", "2")
    assert res.exit_code == 0, res.output
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert [r["query"] for r in rows] == ["cookies", '"unbalanced quote', "fine:>1000000"]
    assert rows[1]["warnings"] and all(len(r["hits"]) <= 2 for r in rows)
    stdin = run(sample_home, "search", "--batch", "-", input="consent\n")
    assert json.loads(stdin.stdout)["query"] == "consent"


def test_user_errors_are_one_line_messages(sample_home: Path, tmp_path: Path) -> None:
    bad_filter = run(sample_home, "search", "x", "--filter", "country")
    assert bad_filter.exit_code == 2 and "expected FIELD=VALUE" in bad_filter.output
    no_index = run(tmp_path, "search", "x")
    assert no_index.exit_code == 2 and "run `gdprkb index` first" in no_index.output
    no_corpus = run(tmp_path, "index")
    assert no_corpus.exit_code == 2 and "no corpus in" in no_corpus.output
    missing = run(sample_home, "search", "--batch", str(tmp_path / "none.txt"))
    assert missing.exit_code == 2 and "cannot read --batch" in missing.output
    for res in (bad_filter, no_index, no_corpus, missing):
        assert "Traceback" not in res.output


def test_index_command_reports_up_to_date(sample_home: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    shutil.copytree(sample_home, home)
    res = run(home, "index", "--quiet")
    assert res.exit_code == 0, res.output
    assert res.output.startswith("index up to date:")


def test_an_unknown_filter_field_is_an_error_naming_the_fields(sample_home: Path) -> None:
    for command in (["search", "cookies"], ["export", "-f", "csv"], ["stats"]):
        res = run(sample_home, *command, "--filter", "countr=Spain")
        assert res.exit_code == 2, command
        assert res.stdout == ""
        assert res.stderr.startswith("error: --filter countr=Spain: unknown field 'countr'")
        assert "did you mean country?" in res.stderr and "authority, case" in res.stderr


def test_a_value_matching_nothing_says_so_with_zero_results(sample_home: Path) -> None:
    res = run(sample_home, "search", "cookies", "--filter", "country=Atlantis", "--json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["total"] == 0 and data["hits"] == []
    assert any("Atlantis" in w for w in data["warnings"])
    res = run(sample_home, "export", "-f", "jsonl", "--filter", "country=Atlantis")
    assert res.exit_code == 0 and res.stdout == ""
    assert "no case matches country=Atlantis" in res.stderr and "exported 0 cases" in res.stderr


def test_filters_mean_the_same_in_search_export_and_stats(sample_home: Path) -> None:
    flags = ["--filter", "country=Spain", "--filter", "year=2020..2021", "-a", "6"]
    found = json.loads(run(sample_home, "search", *flags, "--json", "-n", "1").stdout)["total"]
    counted = json.loads(run(sample_home, "stats", *flags, "--json").stdout)["cases"]
    exported = run(sample_home, "export", "-f", "jsonl", *flags).stdout.splitlines()
    assert found == counted == len(exported) > 0


@pytest.mark.parametrize(
    "flags",
    [["--year", "99999999999999999999"], ["--article", "99999999999999999999"], ["-a", "0"]],
)
@pytest.mark.parametrize("command", [["export", "-f", "csv"], ["stats"], ["search", "x"]])
def test_out_of_range_numbers_are_one_line_errors(
    sample_home: Path, command: list[str], flags: list[str]
) -> None:
    res = run(sample_home, *command, *flags)
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.startswith("error: --") and res.stderr.count("\n") == 1


def test_unquoted_words_are_one_query(sample_home: Path) -> None:
    quoted = json.loads(run(sample_home, "search", "video surveillance employee", "--json").stdout)
    res = run(sample_home, "search", "video", "surveillance", "employee", "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["query_used"] == quoted["query_used"]
    assert json.loads(res.stdout)["total"] == quoted["total"] > 0


def test_text_output_shows_each_page_id(sample_home: Path) -> None:
    data = json.loads(run(sample_home, "search", "cookies", "-n", "3", "--json").stdout)
    text = run(sample_home, "search", "cookies", "-n", "3").stdout
    for hit in data["hits"]:
        assert f"   id {hit['page_id']} · {hit['url']}" in text
