"""index/batch.py: many queries, one row each; a failing line is reported and the batch goes on."""

from __future__ import annotations

from pathlib import Path

from gdprkb.index.batch import search_lines
from gdprkb.index.search import SearchIndex


def test_rows_errors_and_rewrites(sample_home: Path) -> None:
    ix = SearchIndex(sample_home / "index")

    def rewrite(q: str) -> tuple[str, dict]:
        if q == "boom":
            raise RuntimeError("no model")
        return q.upper(), {"original": q}

    try:
        rows = list(search_lines(ix, ["cookies", "", "boom", "consent"], rewrite, page_size=2))
    finally:
        ix.close()
    assert [(n, ok) for n, _, ok in rows] == [(1, True), (3, False), (4, True)]
    assert rows[0][1]["query"] == "COOKIES" and rows[0][1]["translated_query"] == {
        "original": "cookies"
    }
    assert len(rows[0][1]["hits"]) <= 2
    assert rows[1][1] == {"query": "boom", "line": 3, "error": "RuntimeError: no model"}
