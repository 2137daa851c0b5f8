"""Sidebar facet counts: how many results each value of a filter would give.

The count of a facet one is filtering on is taken without that facet's own filter, so
"Spain (140)" stays beside "Italy (92)" after picking Spain, and both can be chosen.
"""

from __future__ import annotations

from typing import Any

Counts = dict[str, list[tuple[str, int]]]


def counts(
    ix: Any, query: str, filters: dict[str, list[str]], result: Any, own: set[str]
) -> Counts:
    """Facet value counts of `result`, the facets in `own` recounted without their filter."""
    out: Counts = {k: [(v.value, v.count) for v in vs] for k, vs in result.facets.items()}
    for name in sorted(own):
        others = {k: v for k, v in filters.items() if k != name}
        # Counts don't depend on the order; "date" collects every match without ranking.
        alt = ix.search(query, filters=others, sort="date", page_size=1)
        out[name] = [(v.value, v.count) for v in alt.facets.get(name, [])]
    return out
