"""Known-item ranking: gdprkb's search against a plain BM25 engine over the same text.

    python bench/bench_ranking.py [--pages DIR] [--per-section 120] [--seed 7]

For random cases it takes a random 3–7-word passage of one section (lead, facts, dispute,
holding, machine translation) as the query and records where the case ranks (top 10) in
gdprkb's search and in a baseline built in the same process: one Whoosh field holding all the
case's text, StandardAnalyzer (no stemming), BM25F, words ORed. Prints the mean reciprocal
rank per section and overall, and the ratio.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from whoosh import fields, qparser, scoring  # noqa: E402
from whoosh import index as whoosh_index  # noqa: E402
from whoosh.analysis import StandardAnalyzer  # noqa: E402

from gdprkb.corpus.ingest import ingest  # noqa: E402
from gdprkb.corpus.record import CaseRecord  # noqa: E402
from gdprkb.corpus.store import Store  # noqa: E402
from gdprkb.index.build import update_index  # noqa: E402
from gdprkb.index.search import SearchIndex  # noqa: E402

SECTIONS = ("lead", "facts", "dispute", "holding", "machine_translation")
TEXT = ("title", "case_number", "ecli", "lead", "facts", "dispute", "holding", "comment")


def all_text(case: CaseRecord) -> str:
    """Everything searchable about a case, as one text."""
    parts = [str(getattr(case, f) or "") for f in TEXT]
    return "\n".join([*parts, *case.parties, case.machine_translation or ""])


def baseline(cases: list[CaseRecord], folder: Path) -> whoosh_index.Index:
    """The plain BM25 engine: one unstemmed field with all the text."""
    schema = fields.Schema(
        pid=fields.ID(stored=True), body=fields.TEXT(analyzer=StandardAnalyzer())
    )
    ix = whoosh_index.create_in(str(folder), schema)
    writer = ix.writer(limitmb=256)
    for case in cases:
        writer.add_document(pid=str(case.page_id), body=all_text(case))
    writer.commit()
    return ix


def known_items(cases: list[CaseRecord], per_section: int, seed: int) -> list[tuple[str, int, str]]:
    """(section, page_id, query) for random passages of random cases."""
    rnd = random.Random(seed)
    out = []
    for section in SECTIONS:
        for case in rnd.sample(cases, min(per_section, len(cases))):
            words = re.findall(r"[^\W\d_]{3,}", getattr(case, section) or "")
            if len(words) < 8:
                continue
            k = rnd.randint(3, 7)
            i = rnd.randint(0, len(words) - k)
            out.append((section, case.page_id, " ".join(words[i : i + k])))
    return out


def reciprocal_rank(ranked: list[int], page_id: int) -> float:
    """1/rank of page_id in ranked, 0 when absent."""
    return 1 / (ranked.index(page_id) + 1) if page_id in ranked else 0.0


def main() -> None:
    """Run the comparison (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=REPO.parent / "shared" / "gdprhub" / "pages")
    parser.add_argument("--per-section", type=int, default=120)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_ranking_") as tmp:
        root = Path(tmp)
        (root / "plain").mkdir()
        with Store(root / "corpus.sqlite") as store:
            ingest(store, [args.pages], progress=False)
            update_index(store, root / "index", progress=False, procs=2)
            cases = list(store.iter_cases())
        plain = baseline(cases, root / "plain").searcher(weighting=scoring.BM25F())
        qp = qparser.QueryParser("body", plain.schema, group=qparser.OrGroup)
        ours = SearchIndex(root / "index")
        scores: dict[str, tuple[list[float], list[float]]] = {}
        for section, page_id, query in known_items(cases, args.per_section, args.seed):
            base = [int(h["pid"]) for h in plain.search(qp.parse(query), limit=10)]
            mine = [h.page_id for h in ours.search(query, page_size=10, facets=False).hits]
            a, b = scores.setdefault(section, ([], []))
            a.append(reciprocal_rank(base, page_id))
            b.append(reciprocal_rank(mine, page_id))
    print(f"{'section':22} {'queries':>7} {'plain BM25':>10} {'gdprkb':>8} {'ratio':>6}")
    rows = [*scores.items(), ("all", ([x for a, _ in scores.values() for x in a],
                                      [x for _, b in scores.values() for x in b]))]  # fmt: skip
    for section, (a, b) in rows:
        mrr_a, mrr_b = sum(a) / len(a), sum(b) / len(b)
        print(
            f"{section:22} {len(a):7} {mrr_a:10.3f} {mrr_b:8.3f} {mrr_b / max(mrr_a, 1e-9):5.2f}x"
        )


if __name__ == "__main__":
    main()
