"""Fault plans of the stand-in: deterministic by position and by seed."""

from __future__ import annotations

import gzip
import zlib

import pytest

from gdprkb.scraper.faults import FAULT_KINDS, HOSTILE_KINDS, Faults, gzip_bomb


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


def test_hostile_faults_come_only_when_named() -> None:
    assert not set(HOSTILE_KINDS) & set(FAULT_KINDS)
    f = Faults(("bomb", "huge", "drip"), first=3)
    assert [f.draw() for _ in range(4)] == ["bomb", "huge", "drip", None]


def test_the_gzip_bomb_is_small_and_unpacks_to_its_size() -> None:
    bomb = gzip_bomb(64 * 2**20)
    assert len(bomb) < 100_000
    unpacker = zlib.decompressobj(31)
    total = 0
    chunk = unpacker.decompress(bomb, 2**20)
    while chunk:
        total += len(chunk)
        chunk = unpacker.decompress(unpacker.unconsumed_tail, 2**20)
    assert total == 64 * 2**20
    assert gzip.decompress(gzip_bomb(2**20)) == bytes(2**20)
