"""Evidence tiers: did a hit match the query's words in its title or English summary?

A sorted list (newest first, highest fine, most cited) must still be about the query, but a
word found only deep in the machine translation of a long decision says little about what the
case is about. So every hit of a query with free words carries an evidence tier: "summary"
when every word matches within the title or GDPRhub's English summary (lead, facts, dispute,
holding), else "translation" (matched only through the machine translation, comment,
parties...). Non-relevance sorts order by (tier, sort key); relevance order is unchanged.

The tier is decided by the same query tree restricted to those fields (`summary_tree`),
compiled by index/compile.py like any query: one extra matcher pass, never a second parser.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

import numpy as np

from gdprkb.index import querylang as ql

Evidence = Literal["summary", "translation"]
SUMMARY: Evidence = "summary"
TRANSLATION: Evidence = "translation"
# What the CLI and the app's result card say about a translation-tier hit.
EVIDENCE_LABELS: dict[str, str] = {
    TRANSLATION: "matched only in the machine translation (or comment), not the summary",
}

# Query-language fields (index/vocabulary.py) that count as the case's own summary.
_SUMMARY_FIELDS = ("title", "summary")


def summary_tree(node: ql.Node) -> ql.Node:
    """The tree with every unfielded word and phrase restricted to the title and summary.

    Fielded words (`translation:x`), field values (`fine:>1000`) and negations stay as
    they are, so the restricted query matches a subset of the full query's matches.
    """
    if isinstance(node, ql.Word | ql.Phrase) and node.field in (None, "text"):
        return ql.Or(tuple(replace(node, field=f) for f in _SUMMARY_FIELDS))
    if isinstance(node, ql.And):
        return replace(
            node, items=tuple(i if isinstance(i, ql.Not) else summary_tree(i) for i in node.items)
        )
    if isinstance(node, ql.Or):
        return replace(node, items=tuple(summary_tree(i) for i in node.items))
    return node


def by_tier(ordered: np.ndarray, summary: np.ndarray) -> np.ndarray:
    """`ordered` docnums with the summary-tier ones first, each tier keeping its order.

    `summary` is a mask over all documents, True for the summary tier."""
    first = summary[ordered]
    return np.concatenate([ordered[first], ordered[~first]])
