"""The citation graph as edges for researchers: CSV, JSONL or Parquet, one row per reference.

Columns: citing (page id), cited (page id, empty when the cited decision is not in the corpus),
text (as written), kind (cjeu, ecli, link, national), key (normalised), section.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from gdprkb.corpus.export import write_out
from gdprkb.corpus.store import Store

EDGE_COLUMNS = ("citing", "cited", "text", "kind", "key", "section")


def _write(edges: Iterable[dict[str, Any]], fmt: str, fp: IO[str]) -> int:
    n = 0
    if fmt == "csv":
        writer = csv.writer(fp)
        writer.writerow(EDGE_COLUMNS)
        for e in edges:
            writer.writerow(["" if e[c] is None else e[c] for c in EDGE_COLUMNS])
            n += 1
        return n
    for e in edges:
        fp.write(json.dumps({c: e[c] for c in EDGE_COLUMNS}, ensure_ascii=False) + "\n")
        n += 1
    return n


def _write_parquet(edges: Iterable[dict[str, Any]], fb: IO[bytes]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [("citing", pa.int64()), ("cited", pa.int64())]
        + [(c, pa.string()) for c in EDGE_COLUMNS[2:]]
    )
    rows = [{c: e[c] for c in EDGE_COLUMNS} for e in edges]
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), fb, compression="zstd")
    return len(rows)


def export_citations(store: Store, fmt: str, out: str | Path | None = None, **filters: Any) -> int:
    """Write every reference as an edge to `out` (stdout when None; not for Parquet) in `fmt`
    ("csv", "jsonl" or "parquet"); `filters` (those of `Store.iter_cases`) select the citing
    cases. Return the number of edges written."""
    edges: Iterable[dict[str, Any]] = store.citation_edges()
    # page_id=[] (a search without hits) selects no citing case; None or False selects all.
    if any(v is not None and v is not False for v in filters.values()):
        citing = {int(d["page_id"]) for d in store.iter_case_dicts(**filters)}
        edges = (e for e in edges if e["citing"] in citing)
    return write_out(
        out, fmt, lambda fp: _write(edges, fmt, fp), lambda fb: _write_parquet(edges, fb)
    )
