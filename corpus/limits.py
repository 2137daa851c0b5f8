"""Bounds on one page of input, shared by every reader of pages (ingest, scrape).

A real GDPRhub page is under 2 MB (the largest of the sample is 0.9 MB) and its page and
revision ids are small positive integers. The caps are generous multiples of that, so no real
page is refused, while a bomb, an endless stream or an id SQLite cannot hold is one named
per-page failure instead of gigabytes of memory or an aborted batch.
"""

from __future__ import annotations

from collections.abc import Iterable

from gdprkb.corpus.record import ParseError

# Bytes of one page (or one API answer), counted after decompression: 8x the largest real page.
MAX_PAGE_BYTES = 16 * 1024 * 1024
# Largest page or revision id: SQLite's INTEGER is a signed 64-bit number.
MAX_ID = 2**63 - 1


class TooLarge(ParseError):
    """An input larger than MAX_PAGE_BYTES once decompressed; the message says which."""


def too_large(what: str, limit: int = MAX_PAGE_BYTES) -> TooLarge:
    """The one error for an oversized input: names it and the cap."""
    return TooLarge(f"{what} is larger than {limit // (1024 * 1024)} MiB (the per-page limit)")


def read_capped(chunks: Iterable[bytes], what: str, limit: int = MAX_PAGE_BYTES) -> bytes:
    """Join a stream of chunks, raising TooLarge as soon as more than `limit` bytes arrive.

    The stream is consumed only up to the chunk that crosses the limit, so memory stays at
    about `limit` plus one chunk whatever the input (pass a decompressing reader's chunks to
    bound a bomb).
    """
    parts: list[bytes] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise too_large(what, limit)
        parts.append(chunk)
    return b"".join(parts)


def check_id(value: object, what: str) -> int:
    """`value` as a page or revision id (1..MAX_ID); ParseError naming it otherwise."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_ID:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        raise ParseError(f"{what} {shown} is not a valid id (1..2^63-1)")
    return value
