"""webapp.citations_view: the line shaping on hand-made rows, and the case page's "Cited by" /
"Cites" and the charts view's "Most cited" in AppTest on the real sample corpus. Expected
answers come from SQL over the citations table, not from the Store methods the app calls."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from apptest_pages import link_targets, run_app, texts

from gdprkb.home import Home
from gdprkb.webapp.citations_view import cited_by_lines, cites_lines, most_cited_lines
from gdprkb.webapp.urlview import View


@pytest.fixture
def home(sample_home: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("GDPRKB_HOME", str(sample_home))
    return Home.resolve(sample_home)


def _sql(home: Home, query: str, *params: object) -> list[tuple]:
    db = sqlite3.connect(home.db)
    try:
        return db.execute(query, params).fetchall()
    finally:
        db.close()


def _page(at: Any) -> str:
    """The page's headings, markdown and captions, as a reader sees them."""
    return "\n".join([h.value for h in at.subheader] + texts(at))


def test_cited_by_lines() -> None:
    rows = [
        {"page_id": 9, "title": "B [x]", "date": "2024-01-02", "sections": ["holding", "comment"]},
        {"page_id": 3, "title": "A", "date": None, "sections": ["machine_translation"]},
    ]
    lines = cited_by_lines(rows, View())
    assert lines[0].startswith("[B \\[x\\]](?case=9)")
    assert "2024\\-01\\-02" in lines[0] and "*in the holding, comment*" in lines[0]
    assert "undated" in lines[1] and "machine translation" in lines[1]


def test_cites_lines_fold_the_ways_a_decision_is_cited() -> None:
    ref = {"kind": "cjeu", "key": "C-311/18", "text": "C-311/18", "cited_title": None}
    rows = [
        ref | {"section": "holding", "cited": 50, "cited_title": "CJEU - C-311/18 - Schrems"},
        ref | {"kind": "ecli", "key": "E", "text": "E", "section": "comment", "cited": 50},
        ref | {"key": "C-40/17", "text": "C\u201140/17", "section": "facts", "cited": None},
    ]
    lines = cites_lines(rows, View())
    assert len(lines) == 2
    assert lines[0].startswith("[CJEU \\- C\\-311/18 \\- Schrems](?case=50)")
    assert "holding, comment" in lines[0]
    assert lines[1].startswith("C\u201140/17 · *not in the corpus*")  # as written


def test_most_cited_lines() -> None:
    rows = [
        {"cited": 50, "title": "CJEU - C-311/18", "key": None, "kind": "cjeu", "count": 3},
        {"cited": None, "title": None, "key": "C-131/12", "kind": "cjeu", "count": 1},
    ]
    lines = most_cited_lines(rows, View(q="transfer"))
    assert "(?case=50&q=transfer)" in lines[0] and "**3 decisions**" in lines[0]
    assert lines[1].startswith("C\\-131/12 · *not in the corpus*")
    assert "**1 decision**" in lines[1]


def test_case_page_cited_by_and_cites(home: Home) -> None:
    citing = _sql(home, "SELECT DISTINCT citing FROM citations WHERE cited = 7449")
    assert len(citing) >= 5
    at = run_app(case="7449")
    page = _page(at)
    assert f"Cited by {len(citing)} decisions" in page
    targets = link_targets(at)
    assert all(f"case={pid}" in targets for (pid,) in citing)
    at = run_app(case="8152")
    assert "case=7449" in link_targets(at)  # resolved: a link
    page = _page(at)
    assert "C-687/21 · *not in the corpus*" in page  # unresolved: as written


def test_most_cited_in_the_charts_view(home: Home) -> None:
    top = _sql(
        home,
        "SELECT cited, count(DISTINCT citing) AS n FROM citations WHERE cited IS NOT NULL"
        " GROUP BY cited ORDER BY n DESC LIMIT 1",
    )
    at = run_app(show="charts")
    page = _page(at)
    assert "Most cited by these results" in page
    assert f"case={top[0][0]}" in link_targets(at)
    assert f"**{top[0][1]} decisions** here" in page
    # A query narrows the set: the decisions citing Fashion ID list it among what they cite.
    at = run_app(show="charts", q="cites:C-40/17")
    # CJEU - C-40/17 - Fashion ID, cited by them (the link keeps the search behind it)
    assert "case=2838&q=cites%3AC-40%2F17" in link_targets(at)
