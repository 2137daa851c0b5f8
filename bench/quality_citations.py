"""Recall of the citation graph against an independent, deliberately simple count, and a
random sample of stored references for the hand check of precision.

    python bench/quality_citations.py CORPUS.sqlite [--sample N] [--seed S]

Recall: for every CJEU judgment page in the corpus ("CJEU - C-311/18 - ..."), a decision
"names" it when its English summary or comment (lead, facts, dispute, holding, comment)
contains the number in the loosest form (the letter, up to three non-word characters of any
kind, the number with optional leading zeros, a slash with optional spaces, the year: no
word-boundary, register or joined-cases logic) or the judgment's ECLI once all spaces are
removed. Recall is the share of those (decision, judgment) pairs where the decision appears
in the judgment's cited_by. Misses are listed for inspection.

Sample: N stored references (cites rows that are shown) chosen at random with their context, to
be judged by hand; docs/citations.md lists the last one judged.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from pathlib import Path

from gdprkb.corpus.citations import ENGLISH_SECTIONS, SECTIONS
from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.store import Store

_NUMBER = re.compile(r"([CT])\D{0,3}(\d{1,4})/(\d{2})")


def judgments(cases: list[CaseRecord]) -> list[tuple[CaseRecord, list[re.Pattern[str]], str]]:
    """(judgment page, loose patterns of its numbers, its ECLI without spaces or "")."""
    out = []
    for case in cases:
        if not case.title.startswith("CJEU - "):
            continue
        head = case.title.split(" - ")[1]
        pats = [
            re.compile(rf"{c}\W{{0,3}}0*{int(n)}\s*/\s*{y}(?!\d)")
            for c, n, y in _NUMBER.findall(head.replace("\u2011", "-"))
        ]
        out.append((case, pats, re.escape((case.ecli or "").replace(" ", ""))))
    return out


def named_pairs(
    cases: list[CaseRecord], sections: tuple[str, ...] = ENGLISH_SECTIONS
) -> set[tuple[int, int]]:
    """(citing, judgment) pairs found by the simple method in the given sections."""
    found = set()
    targets = judgments(cases)
    for case in cases:
        text = "\n".join(getattr(case, s) or "" for s in sections)
        squeezed = re.sub(r"\s+", "", text)
        for judgment, pats, ecli in targets:
            if judgment.page_id == case.page_id:
                continue
            if any(p.search(text) for p in pats) or (
                ecli and re.search(ecli + r"(?!\d)", squeezed)
            ):
                found.add((case.page_id, judgment.page_id))
    return found


def recall(
    store: Store, sections: tuple[str, ...] = ENGLISH_SECTIONS
) -> tuple[float, int, list[tuple[int, int]]]:
    """(recall, pairs named, missed pairs) of cited_by against the simple count."""
    cases = list(store.iter_cases())
    pairs = named_pairs(cases, sections)
    missed = []
    for citing, judgment in sorted(pairs):
        if citing not in {c["page_id"] for c in store.cited_by(judgment)}:
            missed.append((citing, judgment))
    return (1 - len(missed) / len(pairs) if pairs else 1.0), len(pairs), missed


def sample(store: Store, n: int, seed: int) -> list[tuple[int, dict[str, object], str]]:
    """n random shown references with 60 characters of context either side."""
    rows = list(store.citation_edges())
    rng = random.Random(seed)
    picked = rng.sample(rows, min(n, len(rows)))
    out = []
    for edge in sorted(picked, key=lambda e: (int(str(e["citing"])), str(e["key"]))):
        case = store.get_case(int(str(edge["citing"])))
        body = getattr(case, str(edge["section"])) or "" if case else ""
        at = body.find(str(edge["text"]))
        out.append((int(str(edge["citing"])), edge, body[max(0, at - 60) : at + 80]))
    return out


def main() -> int:
    """Print recall (and its misses) and a precision sample."""
    parser = argparse.ArgumentParser()
    parser.add_argument("db", type=Path)
    parser.add_argument("--sample", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261130)
    args = parser.parse_args()
    with Store(args.db) as store:
        for label, sections in (("English", ENGLISH_SECTIONS), ("all sections", SECTIONS)):
            value, pairs, missed = recall(store, sections)
            print(f"recall, {label}: {value:.3f} ({pairs - len(missed)}/{pairs} pairs found)")
            for citing, judgment in missed:
                print(f"  missed: {citing} -> {judgment}")
        for citing, edge, context in sample(store, args.sample, args.seed):
            ctx = " ".join(context.split())
            print(f"{citing}\t{edge['kind']}\t{edge['key']}\t{edge['section']}\t{edge['cited']}")
            print(f"    ...{ctx}...")
    return 0


if __name__ == "__main__":
    sys.exit(main())
