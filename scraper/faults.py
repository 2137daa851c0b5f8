"""Faults the local stand-in can inject, chosen deterministically (first N, or a seeded rate).

429 with Retry-After, 500, slow answers, dropped connections, truncated bodies (cut short of
their Content-Length, or complete but cut-off JSON) and an Anubis-style bot-challenge page.
Hostile answers are asked for by name only: a gzip bomb (1 MB that unpacks to 1 GiB), a
512 MB answer, and a server dripping its answer a byte at a time.
"""

from __future__ import annotations

import functools
import random
import threading
from dataclasses import dataclass

from zlib_ng import zlib_ng as zlib

FAULT_KINDS = ("429", "500", "slow", "drop", "truncate", "challenge")
# Not in the default mix (a real wiki's bad weather): only when named.
HOSTILE_KINDS = ("bomb", "huge", "drip")

# What an Anubis proof-of-work interstitial looks like to a client that expected JSON.
CHALLENGE_HTML = """<!doctype html><html lang="en"><head>
<title>Making sure you&#39;re not a bot!</title>
<script id="anubis_challenge" type="application/json">{"rules":{"difficulty":4}}</script>
</head><body><h1 id="title">Making sure you&#39;re not a bot!</h1>
<p>Loading... Protected by Anubis, a proof-of-work challenge.</p></body></html>"""


@dataclass
class Faults:
    """Which faults to inject into API answers: the first `first` requests, then at `rate`."""

    kinds: tuple[str, ...] = FAULT_KINDS
    first: int = 0
    rate: float = 0.0
    seed: int = 0
    retry_after: float = 1.0
    slow_seconds: float = 2.0
    only: str | None = None  # fault only this API action ("parse", "query"); None = all
    drip_seconds: float = 2.0  # "drip": one byte of the answer every this many seconds
    huge_bytes: int = 512 * 2**20  # "huge": the size of the endless answer

    def __post_init__(self) -> None:
        unknown = set(self.kinds) - set(FAULT_KINDS) - set(HOSTILE_KINDS)
        if unknown:
            raise ValueError(
                f"unknown fault kind(s) {sorted(unknown)}; known: {FAULT_KINDS + HOSTILE_KINDS}"
            )
        self._random = random.Random(self.seed)
        self._seen = 0
        self._lock = threading.Lock()

    def draw(self, action: str | None = None) -> str | None:
        """The fault for the next API request, or None; cycles kinds over the first N."""
        if self.only is not None and action != self.only:
            return None
        with self._lock:
            n = self._seen
            self._seen += 1
            if n < self.first:
                return self.kinds[n % len(self.kinds)]
            if self.rate and self._random.random() < self.rate:
                return self._random.choice(self.kinds)
            return None

    def draw_bool(self) -> bool:
        """A coin flip from the seeded generator (which variant of a fault to send)."""
        with self._lock:
            return self._random.random() < 0.5


@functools.cache
def gzip_bomb(unpacked: int = 2**30) -> bytes:
    """A gzip member of `unpacked` zero bytes (1 GiB: about 1 MB), made once per process."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)  # wbits 31: the gzip container
    chunk = bytes(min(unpacked, 4 * 2**20))
    parts = [packer.compress(chunk) for _ in range(unpacked // len(chunk))]
    parts.append(packer.compress(bytes(unpacked % len(chunk))))
    return b"".join([*parts, packer.flush()])
