"""Benchmark the index: build time, whole-search latency against bare Whoosh, incremental update.

    python bench/bench_search.py [--pages DIR] [--scale 10] [--repeat 5] [--procs 1]
    python bench/bench_search.py --build-only [--procs 2]

First, a full build of the sample beside a baseline build in the same process: the same schema
and writer, but every text field analysed by Whoosh token by token (what gdprkb did before
index/analysis.py), wall and CPU time (children included), with the ratio (target >= 2x).

For the sample pages (1×) and a synthetic corpus of the same records replicated under new ids
(N×) it prints: full build time and docs/s; p50/p95 latency of the whole search (query, every
facet count, snippets for the first 20 hits) beside a bare Whoosh top-10 search of the same
compiled queries in the same process, with the ratio; and the cost of re-indexing 10 changed
cases as a share of the full build. Targets: p95 ratio ≤ 2; incremental ≤ 5% of full build.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gdprkb.corpus.ingest import ingest  # noqa: E402
from gdprkb.corpus.record import PageMeta  # noqa: E402
from gdprkb.corpus.store import Store  # noqa: E402
from gdprkb.index import build, schema  # noqa: E402
from gdprkb.index import querylang as ql  # noqa: E402
from gdprkb.index.build import update_index  # noqa: E402
from gdprkb.index.compile import Context, compile_query  # noqa: E402
from gdprkb.index.search import SearchIndex  # noqa: E402

QUERIES = [
    "video surveillance employee",
    '"legitimate interest" cookies',
    "cookies consent OR banner",
    "data breach notification",
    "right to erasure search engine",
    "access request",
    "direct marketing email",
    "health data hospital",
    "surveil*",
    "employ* monitoring",
    "country:spain fine:>10000",
    "article:5(1)(f) security",
    "authority:cnil cookies",
    "kind:court damages",
    "year:2021..2023 article:15",
    "facial recognition",
    "children school",
    "credit scoring",
    "Persónuvernd",
    "transfer third country NOT cookies",
]


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def replicate(src: Store, dst: Store, copies: int) -> int:
    """Fill dst with `copies` copies of every case of src under new page ids."""
    n = 0
    with dst.batch():
        for case in src.iter_cases():
            for k in range(copies):
                pid = case.page_id + k * 10_000_000
                title = case.title if k == 0 else f"{case.title} (copy {k})"
                rec = dataclasses.replace(case, page_id=pid, title=title)
                meta = PageMeta(title, pid, case.revision_id, list(case.categories), case.url)
                dst.put(rec, b"<html>synthetic</html>", meta)
                n += 1
    return n


def time_queries(index_dir: Path, repeat: int) -> dict[str, float]:
    """p50/p95 of whole searches and of bare Whoosh top-10 searches of the same queries."""
    ix = SearchIndex(index_dir)
    searcher, table = ix._current()
    compiled = []
    for text in QUERIES:
        ctx = Context(searcher.reader(), table.values)
        compiled.append(compile_query(ql.understand(text).node, ctx).query)
    whole: list[float] = []
    bare: list[float] = []
    for _ in range(2):  # warm caches (stemmer, OS pages) before timing
        for text, q in zip(QUERIES, compiled, strict=True):
            ix.search(text)
            searcher.search(q, limit=10)
    for _ in range(repeat):
        for text, q in zip(QUERIES, compiled, strict=True):
            t0 = time.perf_counter()
            ix.search(text, page_size=20)
            whole.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            searcher.search(q, limit=10)
            bare.append((time.perf_counter() - t0) * 1000)
    ix.close()
    return {
        "whole_p50": percentile(whole, 50),
        "whole_p95": percentile(whole, 95),
        "bare_p50": percentile(bare, 50),
        "bare_p95": percentile(bare, 95),
    }


def cpu_seconds() -> float:
    """CPU time of this process and its finished children (the build's sub-writers)."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _token_by_token_schema() -> object:
    from whoosh.fields import TEXT

    s = schema.build_schema()
    for name in schema.TEXT_FIELDS:
        field = s[name]
        s.remove(name)
        s.add(name, TEXT(analyzer=field.analyzer, stored=field.stored))
    return s


def _joined_document(case: object, cites: object = None) -> dict[str, object]:
    doc = schema.to_document(case, cites)  # type: ignore[arg-type]
    doc["exact"] = "\n".join(doc["exact"])  # type: ignore[arg-type]
    return doc


@contextlib.contextmanager
def token_by_token() -> object:
    """The baseline: build.py's schema and documents with Whoosh's own analysis of text."""
    saved = build.build_schema, build.to_document
    build.build_schema, build.to_document = _token_by_token_schema, _joined_document  # type: ignore[assignment]
    try:
        yield
    finally:
        build.build_schema, build.to_document = saved


def bench_build(store: Store, root: Path, procs: int) -> None:
    """A full build beside the token-by-token baseline, same process, same writer."""
    times = {}
    for label in ("baseline", "gdprkb"):
        folder = root / f"build_{label}"
        shutil.rmtree(folder, ignore_errors=True)
        ctx = token_by_token() if label == "baseline" else contextlib.nullcontext()
        cpu, wall = cpu_seconds(), time.perf_counter()
        with ctx:
            report = update_index(store, folder, full=True, progress=False, procs=procs)
        times[label] = (time.perf_counter() - wall, cpu_seconds() - cpu)
        shutil.rmtree(folder, ignore_errors=True)
    (bw, bc), (w, c) = times["baseline"], times["gdprkb"]
    print(f"\n== full build of {report.docs:,} cases (procs={procs})")
    print(f"baseline (token by token)  wall {bw:7.1f} s   cpu {bc:7.1f} s")
    print(f"gdprkb (bulk analysis)     wall {w:7.1f} s   cpu {c:7.1f} s")
    print(f"speed-up                   wall {bw / w:6.2f}x     cpu {bc / c:6.2f}x (target >= 2x)")


def bench_corpus(label: str, store: Store, index_dir: Path, repeat: int, procs: int) -> None:
    """Full build, query latencies and a 10-case incremental update for one corpus."""
    t0 = time.perf_counter()
    report = update_index(store, index_dir, full=True, progress=False, procs=procs)
    full_s = time.perf_counter() - t0
    print(f"\n== {label}: {report.docs:,} cases")
    print(f"full build      {full_s:8.1f} s   {report.docs / full_s:8.1f} docs/s  (procs={procs})")
    lat = time_queries(index_dir, repeat)
    print(f"whole search    p50 {lat['whole_p50']:7.1f} ms   p95 {lat['whole_p95']:7.1f} ms")
    print(f"bare top-10     p50 {lat['bare_p50']:7.1f} ms   p95 {lat['bare_p95']:7.1f} ms")
    ratio, ratio50 = lat["whole_p95"] / lat["bare_p95"], lat["whole_p50"] / lat["bare_p50"]
    print(f"ratio           p95 {ratio:6.2f}x (target <= 2x)   p50 {ratio50:6.2f}x")
    cases = [c for _, c in zip(range(10), store.iter_cases(), strict=False)]
    with store.batch():
        for c in cases:
            new = dataclasses.replace(c, revision_id=c.revision_id + 1, lead=f"Revised. {c.lead}")
            meta = PageMeta(new.title, new.page_id, new.revision_id, list(new.categories), new.url)
            store.put(new, b"<html>revised</html>", meta)
    t0 = time.perf_counter()
    inc = update_index(store, index_dir, progress=False)
    inc_s = time.perf_counter() - t0
    print(
        f"incremental     {inc_s:8.2f} s   for {inc.indexed} changed cases = "
        f"{100 * inc_s / full_s:.1f}% of the full build (target <= 5%)"
    )


def main() -> None:
    """Run the benchmark (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=REPO.parent / "shared" / "gdprhub" / "pages")
    parser.add_argument("--scale", type=int, default=10, help="copies for the synthetic corpus")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--procs", type=int, default=1, help="indexing processes")
    parser.add_argument("--build-only", action="store_true", help="only the build comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_search_") as tmp:
        root = Path(tmp)
        with Store(root / "sample.sqlite") as sample:
            ingest(sample, [args.pages], progress=False)
            bench_build(sample, root, args.procs)
            if args.build_only:
                return
            bench_corpus("sample pages (1x)", sample, root / "index1", args.repeat, args.procs)
            if args.scale > 1:
                with Store(root / "scaled.sqlite") as scaled:
                    replicate(sample, scaled, args.scale)
                    label = f"synthetic corpus ({args.scale}x)"
                    bench_corpus(label, scaled, root / "indexN", args.repeat, args.procs)


if __name__ == "__main__":
    main()
