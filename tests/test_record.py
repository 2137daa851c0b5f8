"""corpus.record: the record contract and its documentation stay one."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from gdprkb.corpus.checks import WARNINGS
from gdprkb.corpus.record import ArticlePage, CaseRecord, NotADecision, record_year

DOC = (Path(__file__).resolve().parent.parent / "docs" / "record-schema.md").read_text()


def test_every_field_is_documented() -> None:
    documented = set(re.findall(r"`(\w+)`", DOC))
    for record in (CaseRecord, ArticlePage, NotADecision):
        for f in dataclasses.fields(record):
            assert f.name in documented, f"{record.__name__}.{f.name} is not in record-schema.md"


def test_every_warning_code_is_documented() -> None:
    for code in WARNINGS:
        assert f"`{code}`" in DOC, code


def test_year_is_decided_else_published() -> None:
    assert record_year("2021-03-04", "2022-01-01") == 2021
    assert record_year(None, "2022-01-01") == 2022
    assert record_year(None, None) is None
