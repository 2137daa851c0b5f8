"""Benchmark: what translation adds to a search and to reading a case.

Builds the tiny test model (tests/tinymodel.py), a corpus and index from a subset of the
sample pages in a temporary home, then times in one process:

- a plain search of an English query (the baseline), and the same search after translating a
  Danish query with the tiny model: uncached (the model runs) and cached (no model);
- auto-detection of an English query (it skips translation);
- a case summary translation: cold (model runs) against cached (no model loaded).

    python bench/bench_translate.py [--pages N] [--repeat R]

The tiny model is fast and gibberish; a real model (about 100 MB) costs more per query, which
is why results are cached and English queries skip translation.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))  # tests/tinymodel.py: the test model builder

QUERIES_DA = [
    "ulovlig overvågning",
    "kamera medarbejder",
    "samtykke bøde",
    "sletning af oplysninger",
    "indsigt klage",
    "arbejdsgiver kamera",
    "behandling persondata",
    "udviklingsserver bitcoin",
]
QUERY_EN = "video surveillance employee"
XDG_VARS = ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME")


def _ms(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples) * 1000:7.2f} ms"


def _time(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def _cold_import(home: Path) -> float:
    """Seconds to import argostranslate.translate in a new interpreter (folders in home)."""
    import subprocess

    env = {**os.environ, **{v: str(home / "xdg") for v in XDG_VARS}}
    code = "import time; t = time.perf_counter(); import argostranslate.translate; "
    code += "print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    return float(out.stdout.strip() or "nan")


def main() -> None:
    """Run the benchmark and print figures with ratios to the plain search."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200, help="sample pages to index")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    sample = Path(
        os.environ.get("GDPRKB_SAMPLE_PAGES") or REPO.parent / "shared" / "gdprhub" / "pages"
    )

    from tinymodel import build_tiny_model

    from gdprkb.corpus.ingest import ingest
    from gdprkb.corpus.store import Store
    from gdprkb.corpus.translations import TranslationCache
    from gdprkb.index.build import update_index
    from gdprkb.index.search import SearchIndex
    from gdprkb.translation.engine import Engine, loaded_models
    from gdprkb.translation.models import install_package
    from gdprkb.translation.query import translate_query
    from gdprkb.translation.reading import case_sections, translate_sections

    with tempfile.TemporaryDirectory(prefix="gdprkb-bench-tr-") as tmp:
        home = Path(tmp)
        pages = sorted(sample.glob("*.html"))
        step = max(1, len(pages) // args.pages)
        subset = home / "pages"
        subset.mkdir()
        for p in pages[::step][: args.pages]:
            (subset / p.name).symlink_to(p.resolve())
        with Store(home / "corpus.sqlite") as store:
            ingest(store, [subset], progress=False)
            update_index(store, home / "index", progress=False)
            case_ids = [c.page_id for c in store.iter_cases()][:10]
            cases = [store.get_case(i) for i in case_ids]
        build_tiny_model(home / "warm-up")  # the imports (spaCy, CTranslate2) are not timed
        t = time.perf_counter()
        for pair in ("da_en", "en_da"):
            install_package(build_tiny_model(home / "models", *pair.split("_")), home / "argos")
        build_s = time.perf_counter() - t

        ix = SearchIndex(home / "index")
        engine = Engine(home / "argos", TranslationCache(home / "corpus.sqlite"))
        no_cache = Engine(home / "argos")

        def search(q: str) -> None:
            ix.search(q, page_size=10)

        search(QUERY_EN)  # warm the searcher
        base = _time(lambda: search(QUERY_EN), args.repeat)

        t = time.perf_counter()
        translate_query(QUERIES_DA[0], no_cache, "da")  # import argostranslate + load the model
        cold_first = time.perf_counter() - t

        it = iter(QUERIES_DA * args.repeat)
        uncached = _time(lambda: translate_query(next(it), no_cache, "da"), args.repeat)
        translate_query(QUERIES_DA[1], engine, "da")
        cached = _time(lambda: translate_query(QUERIES_DA[1], engine, "da"), args.repeat)
        english = _time(lambda: translate_query(QUERY_EN, engine, "en"), args.repeat)
        translate_query(QUERY_EN, engine, "auto")  # load the language identifier once
        auto_en = _time(lambda: translate_query(QUERY_EN, engine, "auto"), args.repeat)

        def read(eng: Engine) -> None:
            for case in cases:
                assert case is not None
                translate_sections(eng, case_sections(case), "da")

        read_cold = _time(lambda: read(no_cache), 3)
        read(engine)
        before = set(loaded_models())
        read_cached = _time(lambda: read(engine), args.repeat)
        assert set(loaded_models()) == before

        b = statistics.median(base)
        print(f"corpus: {ix.doc_count} cases; 2 tiny models built + installed in {build_s:.2f} s")
        print(f"plain search, English query (baseline)   {_ms(base)}")
        print("query translation overhead, as a share of that search:")
        for label, s in (
            ("  Danish, tiny model runs (uncached)   ", uncached),
            ("  Danish, served from the cache        ", cached),
            ("  --lang en (skipped)                  ", english),
            ("  --lang auto, detected English        ", auto_en),
        ):
            print(f"{label}{_ms(s)}   +{statistics.median(s) / b:.1%}")
        print(f"first translation here (argostranslate import + model load): {cold_first:.2f} s")
        print(f"`import argostranslate.translate` in a fresh process: {_cold_import(home):.2f} s")
        n = len(cases)
        rc, rw = statistics.median(read_cold) / n, statistics.median(read_cached) / n
        print(f"case summary, translated (model runs)    {rc * 1000:7.2f} ms per case")
        print(f"case summary, cached (model not loaded)  {rw * 1000:7.2f} ms per case")
        print(f"  cached / translated: {rw / rc:.3f}x ({rc / rw:.0f}x faster)")


if __name__ == "__main__":
    main()
