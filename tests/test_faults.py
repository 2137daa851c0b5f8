"""Fault plans of the stand-in: deterministic by position and by seed."""

from __future__ import annotations

import pytest

from gdprkb.scraper.faults import FAULT_KINDS, Faults


def test_the_first_requests_get_every_kind_in_turn() -> None:
    f = Faults(first=8)
    assert [f.draw() for _ in range(10)] == [*FAULT_KINDS, "429", "500", None, None]


def test_only_limits_faults_to_one_action() -> None:
    f = Faults(("500",), rate=1.0, only="parse")
    assert (f.draw("query"), f.draw("parse"), f.draw(None)) == (None, "500", None)


def test_random_faults_are_reproducible_by_seed() -> None:
    a, b = Faults(rate=0.3, seed=7), Faults(rate=0.3, seed=7)
    draws = [a.draw() for _ in range(200)]
    assert draws == [b.draw() for _ in range(200)]
    assert 30 < sum(d is not None for d in draws) < 90


def test_unknown_fault_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Faults(("teapot",))
