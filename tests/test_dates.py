"""corpus.dates: dates as editors write them."""

from __future__ import annotations

import pytest

from gdprkb.corpus.dates import parse_date


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("13.02.2020", "2020-02-13"),
        ("3.2.2020", "2020-02-03"),
        ("13/02/2020", "2020-02-13"),
        ("2020-02-13", "2020-02-13"),
        (" 01.12.2019 ", "2019-12-01"),
        ("31.08.23", "2023-08-31"),
        ("13.02.2020 (notified 20.02.2020)", "2020-02-13"),
        ("10 December 2020", "2020-12-10"),
        ("13. März 2025", "2025-03-13"),
        ("27th October 2022", "2022-10-27"),
        ("October 27, 2022", "2022-10-27"),
        ("March 1st 2021", "2021-03-01"),
        ("Foo 12, 2020", None),
        ("1 Foo 2020", None),
        ("31.02.2020", None),  # not a real day
        ("2020", None),
        ("n/a", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_date(text: str | None, iso: str | None) -> None:
    assert parse_date(text) == iso
