"""corpus.limits: the per-page size cap and the id range every reader of pages enforces."""

from __future__ import annotations

import pytest

from gdprkb.corpus.limits import MAX_ID, MAX_PAGE_BYTES, TooLarge, check_id, read_capped
from gdprkb.corpus.record import ParseError


def test_the_cap_is_generous_and_documented() -> None:
    assert MAX_PAGE_BYTES == 16 * 2**20  # docs/scraper.md states it; the largest real page < 1 MB
    assert MAX_ID == 2**63 - 1  # SQLite INTEGER


def test_read_capped_joins_what_fits() -> None:
    assert read_capped([b"ab", b"", b"cd"], "x", limit=4) == b"abcd"


def test_read_capped_stops_at_the_chunk_that_crosses_the_cap() -> None:
    taken: list[int] = []

    def chunks():  # an endless stream: only the cap ends it
        while True:
            taken.append(1)
            yield b"x" * 10

    with pytest.raises(TooLarge, match="page.html is larger than 0 MiB") as e:
        read_capped(chunks(), "page.html", limit=25)
    assert isinstance(e.value, ParseError)  # a per-page failure wherever pages fail
    assert len(taken) == 3


@pytest.mark.parametrize("bad", [0, -1, 2**63, 10**40, True, "12", None, 1.0])
def test_ids_out_of_range_are_parse_errors(bad: object) -> None:
    with pytest.raises(ParseError, match="page id .* is not a valid id"):
        check_id(bad, "page id")


def test_a_long_id_is_shown_short() -> None:
    with pytest.raises(ParseError) as e:
        check_id(10**400, "page id")
    assert len(str(e.value)) < 100


def test_ids_in_range_pass() -> None:
    assert (check_id(1, "page id"), check_id(MAX_ID, "revision id")) == (1, MAX_ID)
