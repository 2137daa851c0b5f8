"""corpus/present.py: infobox rows, appeal text and the plain-text case, on real pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from gdprkb.corpus.present import (
    LICENCE_LINE,
    Part,
    appeal_text,
    case_text,
    fine_label,
    infobox_rows,
    terminal_safe,
)
from gdprkb.corpus.record import AppealRef, CaseRecord
from gdprkb.corpus.store import Store


@pytest.fixture(scope="module")
def cases(sample_db: Path) -> list[CaseRecord]:
    with Store(sample_db) as store:
        return list(store.iter_cases())


def test_fine_label() -> None:
    assert fine_label(10000.0, "EUR") == "10,000 EUR"
    assert fine_label(1234.5, None) == "1,234.50"
    assert fine_label(None, None, "an undisclosed sum") == "an undisclosed sum"
    assert fine_label(None, None) == "no fine"


def test_appeal_text() -> None:
    assert appeal_text(AppealRef("Appealed", "OLG Wien", "11 R 153/20f")) == (
        "Appealed, OLG Wien, 11 R 153/20f"
    )
    assert appeal_text(AppealRef(url="https://gdprhub.eu/x")) == ""


def test_rows_follow_gdprhub_labels_and_order(cases: list[CaseRecord]) -> None:
    case = next(c for c in cases if c.page_id == 2146)
    rows = {row.label: row.parts for row in infobox_rows(case)}
    assert list(rows)[:2] == ["Authority", "Jurisdiction"]
    assert rows["Jurisdiction"] == (Part("Denmark"),)
    assert rows["Outcome"] == (Part("Reprimand"),)
    assert all(parts for parts in rows.values())  # empty fields are left out


def test_court_rows_and_linked_appeal(cases: list[CaseRecord]) -> None:
    court = next(c for c in cases if c.kind == "court" and c.appeal.from_ and c.appeal.from_.url)
    rows = {row.label: row.parts for row in infobox_rows(court)}
    assert "Court" in rows and "Authority" not in rows
    first = rows["Appeal"][0]
    assert first.text.startswith("from: ") and first.url == court.appeal.from_.url
    sources = rows["Original source"]
    assert [p.text for p in sources] == [s.name for s in court.original_sources]


def test_case_text(cases: list[CaseRecord]) -> None:
    case = next(c for c in cases if c.page_id == 2146)
    text = case_text(case, {"lead": "LEAD", "holding": "HOLD"}, None, full=False)
    lines = text.splitlines()
    assert lines[:2] == [case.title, case.url]
    assert "== Summary ==" in lines and "LEAD" in lines and "== Holding ==" in lines
    assert lines[-1] == LICENCE_LINE
    # Values line up in one column after the longest label.
    starts = {line.index(line.split(":", 1)[1].strip()) for line in lines[3:8]}
    assert len(starts) == 1
    danish = case_text(case, {"lead": "x"}, "Danish", full=True)
    assert "== Summary (machine-translated into Danish) ==" in danish


def test_the_app_shows_the_same_rows_as_markdown(cases: list[CaseRecord]) -> None:
    from gdprkb.webapp.case_page import infobox_markdown

    court = next(c for c in cases if c.kind == "court" and c.appeal.from_ and c.appeal.from_.url)
    rows = infobox_rows(court)
    shown = infobox_markdown(court)
    assert [label for label, _ in shown] == [row.label for row in rows]
    appeal = dict(shown)["Appeal"]
    assert appeal.startswith("[from\\: ") and "](<https://" in appeal


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("plain text", "plain text"),
        ("a\tb\nc", "a\tb\nc"),
        ("\x1b[31mred\x1b[0m fine", "red fine"),
        ("\x1b]0;owned title\x07Facts", "Facts"),
        ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),
        ("\x9b2Jcleared", "cleared"),
        ("bell\x07 back\x08space cr\r", "bell backspace cr"),
        ("\x1b]2;unterminated\nnext line", "\nnext line"),
        ("\x1bc reset", " reset"),
        ("Ünïcödé – “quotes”", "Ünïcödé – “quotes”"),
    ],
)
def test_terminal_safe(raw: str, safe: str) -> None:
    assert terminal_safe(raw) == safe
