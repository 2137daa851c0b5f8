"""Answer many queries in one go: one JSON-ready row per query, a bad query never ends the batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from gdprkb.index.search import SearchIndex

# query -> (query to search, what to report about it under "translated_query")
Rewrite = Callable[[str], tuple[str, dict[str, Any]]]


def search_lines(
    ix: SearchIndex, lines: Iterable[str], rewrite: Rewrite | None = None, **kwargs: Any
) -> Iterator[tuple[int, dict[str, Any], bool]]:
    """(line number, row, ok) for each non-blank line, searched with `kwargs` (as ix.search).

    A row is the result's JSON shape (plus "translated_query" when `rewrite` gave one); a line
    that fails gives {"query", "line", "error"} and ok=False, and the batch goes on.
    """
    for number, query in enumerate(lines, start=1):
        if not query.strip():
            continue
        try:
            searched, info = rewrite(query) if rewrite else (query, None)
            row = ix.search(searched, **kwargs).to_dict()
            if info is not None:
                row["translated_query"] = info
        except Exception as err:  # one bad line must not stop the batch
            yield (
                number,
                {"query": query, "line": number, "error": f"{type(err).__name__}: {err}"},
                False,
            )
            continue
        yield number, row, True
