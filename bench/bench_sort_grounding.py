"""Sorted lists that stay about the query: grounded precision per sort, evidence tiers on/off.

    python bench/bench_sort_grounding.py [--pages DIR | --home DIR]

For everyday topical queries it sorts the sample's results by every sort (relevance, newest
first, highest fine, most cited) and counts the share of the top 10 whose title or GDPRhub
English summary (lead, facts, dispute, holding) holds every query word, stemmed as the index
stems. Only queries with at least 10 such decisions count (fewer cannot fill a top 10).
Each sort runs twice in the same process: tiers off (`tiers=False`, the plain sort) and on.
Two query sets: TUNING (looked at while building) and HELD_BACK (only measured). The check
reads the records from the store, independently of the tier query.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gdprkb.corpus.ingest import ingest  # noqa: E402
from gdprkb.corpus.record import CaseRecord  # noqa: E402
from gdprkb.corpus.store import Store  # noqa: E402
from gdprkb.index.analysis import text_analyzer  # noqa: E402
from gdprkb.index.build import update_index  # noqa: E402
from gdprkb.index.search import SORTS, SearchIndex  # noqa: E402

TUNING = [
    "video surveillance", "cookies consent", "direct marketing", "data breach", "health data",
    "biometric", "dashcam", "whistleblower", "police", "bank", "telephone", "newsletter",
    "facial recognition", "children", "tenant", "insurance", "hospital", "job applicant",
    "email", "camera neighbour",
]  # fmt: skip
HELD_BACK = [
    "right of access", "erasure request", "debt collection", "political party", "geolocation",
    "social media", "background check", "medical records", "fingerprint", "web analytics",
    "municipality", "encryption", "data retention", "criminal records", "telemarketing",
    "photographs", "trade union", "credit card", "covid", "password",
]  # fmt: skip
SUMMARY = ("title", "lead", "facts", "dispute", "holding")
MIN_GROUNDED = 10


def grounded_ids(cases: list[CaseRecord], ix: SearchIndex, query: str) -> set[int]:
    """Page ids whose title or English summary holds every word of `query` (index stemming)."""
    analyzer = text_analyzer()  # the summary fields' stemming analyzer
    words = {t.text for t in analyzer(query)}
    out = set()
    for case in cases:
        text = " ".join(str(getattr(case, f) or "") for f in SUMMARY)
        if words <= {t.text for t in analyzer(text)}:
            out.add(case.page_id)
    return out


def measure(ix: SearchIndex, cases: list[CaseRecord], queries: list[str]) -> dict[str, list[float]]:
    """sort -> [grounded top-10 hits tiers off, on, hits, queries, ms off, ms on]."""
    out: dict[str, list[float]] = {s: [0, 0, 0, 0, 0.0, 0.0] for s in SORTS}
    for query in queries:
        grounded = grounded_ids(cases, ix, query)
        if len(grounded) < MIN_GROUNDED:
            continue
        for sort in SORTS:
            off = ix.search(query, sort=sort, page_size=10, facets=False, tiers=False)
            on = ix.search(query, sort=sort, page_size=10, facets=False)
            assert on.total == off.total >= len(grounded), (query, sort)  # no hit lost
            row = out[sort]
            row[0] += sum(h.page_id in grounded for h in off.hits)
            row[1] += sum(h.page_id in grounded for h in on.hits)
            row[2] += len(on.hits)
            row[3] += 1
            row[4] += off.took_ms
            row[5] += on.took_ms
    return out


def report(name: str, figures: dict[str, list[float]]) -> None:
    """One table: per sort, grounded share of the top 10 and mean time, tiers off and on."""
    print(f"\n{name}")
    print(f"{'sort':10} {'queries':>7} {'hits':>5} {'tiers off':>9} {'tiers on':>9} "
          f"{'ms off':>7} {'ms on':>7}")  # fmt: skip
    for sort, (off, on, hits, queries, ms_off, ms_on) in figures.items():
        n, q = max(hits, 1), max(queries, 1)
        print(
            f"{sort:10} {queries:7.0f} {hits:5.0f} {off / n:9.1%} {on / n:9.1%} "
            f"{ms_off / q:7.1f} {ms_on / q:7.1f}"
        )


def main() -> None:
    """Run the measurement (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=REPO.parent / "shared" / "gdprhub" / "pages")
    parser.add_argument("--home", type=Path, help="a built gdprkb home to measure instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_grounding_") as tmp:
        root = args.home or Path(tmp)
        with Store(root / "corpus.sqlite") as store:
            if args.home is None:
                ingest(store, [args.pages], progress=False)
                update_index(store, root / "index", progress=False)
            cases = list(store.iter_cases())
        ix = SearchIndex(root / "index")
        print(f"{len(cases)} decisions; top 10 per query and sort")
        report("Tuning queries", measure(ix, cases, TUNING))
        report("Held-back queries", measure(ix, cases, HELD_BACK))
        ix.close()


if __name__ == "__main__":
    main()
