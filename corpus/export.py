"""Export stored cases as CSV, JSONL or Parquet, streaming one case at a time.

JSONL is the record contract, one case per line. CSV is one row per case: lists joined by
"; ", the appeal flattened into appeal_from_* / appeal_to_* columns, UTF-8 with a BOM so Excel
opens it right; the long text sections only with `with_text`. Parquet has the CSV's columns
but real list columns (list<string>, list<int64>, sources as list<struct<name, url>>).
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from gdprkb.corpus.record import record_year
from gdprkb.corpus.store import Store

if TYPE_CHECKING:  # pyarrow is imported only by a Parquet export: it slows every CLI start
    import pyarrow as pa

FORMATS = ("csv", "jsonl", "parquet")
LIST_SEP = "; "

_APPEAL_PARTS = ("status", "body", "case_number", "url")
APPEAL_COLUMNS = [f"appeal_{side}_{part}" for side in ("from", "to") for part in _APPEAL_PARTS]
# The columns of a CSV/Parquet row, in order (the record's order, appeal flattened, `year` added).
COLUMNS = [
    "page_id",
    "revision_id",
    "title",
    "url",
    "kind",
    "authority",
    "jurisdiction",
    "relevant_law",
    "gdpr_articles",
    "gdpr_provisions",
    "uk_gdpr_provisions",
    "type",
    "outcome",
    "date_started",
    "date_decided",
    "date_published",
    "year",
    "fine_amount",
    "fine_currency",
    "fine_text",
    "parties",
    "case_number",
    "ecli",
    "original_languages",
    "original_sources",
    "original_source_urls",
    *APPEAL_COLUMNS,
    "categories",
    "warnings",
]
TEXT_COLUMNS = ["lead", "facts", "dispute", "holding", "comment", "machine_translation"]
LIST_COLUMNS = {
    "relevant_law",
    "gdpr_articles",
    "gdpr_provisions",
    "uk_gdpr_provisions",
    "parties",
    "original_languages",
    "categories",
    "warnings",
}
# Rows per Parquet row group: with the text sections 100 rows hold a few MB; bigger groups
# compress a little better but raise the peak memory (measured: 500 rows ~+100 MB).
PARQUET_BATCH = 100


def columns(with_text: bool = False) -> list[str]:
    """The CSV columns, in order; with_text adds the text sections at the end."""
    return COLUMNS + TEXT_COLUMNS if with_text else list(COLUMNS)


def flat_row(d: dict[str, Any], *, with_text: bool = False) -> dict[str, Any]:
    """A case's JSON form as one flat row (lists kept as lists) with the columns of `columns()`."""
    row = {c: d.get(c) for c in COLUMNS if c not in ("year", "original_source_urls")}
    for c in ("uk_gdpr_provisions", "warnings"):  # records stored before parser version 4
        row[c] = row[c] or []
    row["year"] = record_year(d.get("date_decided"), d.get("date_published"))
    sources = d.get("original_sources") or []
    row["original_sources"] = sources
    row["original_source_urls"] = [s.get("url") for s in sources]
    appeal = d.get("appeal") or {}
    for side in ("from", "to"):
        ref = appeal.get(side) or {}
        for part in _APPEAL_PARTS:
            row[f"appeal_{side}_{part}"] = ref.get(part)
    if with_text:
        row.update({c: d.get(c) for c in TEXT_COLUMNS})
    return {c: row[c] for c in columns(with_text)}


def _csv_cell(column: str, value: Any) -> Any:
    if column == "original_sources":
        return LIST_SEP.join(s.get("name") or "" for s in value)
    if column in LIST_COLUMNS or column == "original_source_urls":
        return LIST_SEP.join("" if v is None else str(v) for v in value or [])
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 10000 not 10000.0 in spreadsheets
    return value


def write_csv(cases: Iterable[dict[str, Any]], fp: IO[str], *, with_text: bool = False) -> int:
    """Write cases (JSON form) as CSV rows to a text stream; return the number written."""
    cols = columns(with_text)
    writer = csv.writer(fp)
    writer.writerow(cols)
    n = 0
    for d in cases:
        row = flat_row(d, with_text=with_text)
        writer.writerow([_csv_cell(c, row[c]) for c in cols])
        n += 1
    return n


def write_jsonl(cases: Iterable[dict[str, Any]], fp: IO[str]) -> int:
    """Write cases as JSON Lines, exactly the record contract; return the number written."""
    n = 0
    for d in cases:
        fp.write(json.dumps(d, ensure_ascii=False))
        fp.write("\n")
        n += 1
    return n


def parquet_schema(with_text: bool = False) -> pa.Schema:
    """The Arrow schema of the Parquet export."""
    import pyarrow as pa

    string, strings = pa.string(), pa.list_(pa.string())
    types: dict[str, pa.DataType] = {c: string for c in columns(with_text)}
    types.update(
        page_id=pa.int64(),
        revision_id=pa.int64(),
        year=pa.int32(),
        fine_amount=pa.float64(),
        gdpr_articles=pa.list_(pa.int64()),
        original_sources=pa.list_(pa.struct([("name", string), ("url", string)])),
        original_source_urls=strings,
        **{c: strings for c in LIST_COLUMNS - {"gdpr_articles"}},
    )
    return pa.schema([(c, types[c]) for c in columns(with_text)])


def write_parquet(
    cases: Iterable[dict[str, Any]], where: str | Path | IO[bytes], *, with_text: bool = False
) -> int:
    """Write cases to a Parquet file in row groups of PARQUET_BATCH; return the number written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema(with_text)
    n = 0
    with pq.ParquetWriter(where, schema, compression="zstd") as writer:
        for chunk in _chunks((flat_row(d, with_text=with_text) for d in cases), PARQUET_BATCH):
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
    return n


def _chunks(rows: Iterator[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@contextmanager
def _atomic(path: Path, mode: str, **kw: Any) -> Iterator[IO[Any]]:
    """Open `path` for writing so that nothing is left half-written or wrongly replaced.

    A regular file (or a new one) is written to a temporary sibling, renamed over it only when
    writing succeeded (keeping the old file's permissions). A symlink is followed: its target
    is written, the link stays. A FIFO, device or socket is written directly (the rename would
    replace the special file with a regular one). A folder is refused. Any write error raises.
    """
    target = Path(os.path.realpath(path))
    try:
        mode_bits: int | None = target.stat().st_mode
    except FileNotFoundError:
        mode_bits = None
    if mode_bits is not None and stat.S_ISDIR(mode_bits):
        raise IsADirectoryError(errno.EISDIR, "a folder, not a file", str(path))
    if mode_bits is not None and not stat.S_ISREG(mode_bits):
        with open(target, mode, **kw) as fp:
            yield fp
        return
    tmp = target.with_name(f".{target.name}.part")
    try:
        with open(tmp, mode, **kw) as fp:
            yield fp
        if mode_bits is not None:
            os.chmod(tmp, stat.S_IMODE(mode_bits))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def export(
    store: Store,
    fmt: str,
    out: str | Path | None = None,
    *,
    with_text: bool = False,
    **filters: Any,
) -> int:
    """Export the cases matching `filters` to `out` (stdout when None; not for Parquet) in
    `fmt` ("csv", "jsonl" or "parquet"); return the number of cases written."""
    cases = store.iter_case_dicts(**filters)

    def text(fp: IO[str]) -> int:
        if fmt == "csv":
            return write_csv(cases, fp, with_text=with_text)
        return write_jsonl(cases, fp)

    return write_out(out, fmt, text, lambda fb: write_parquet(cases, fb, with_text=with_text))


def write_out(
    out: str | Path | None,
    fmt: str,
    text: Callable[[IO[str]], int],
    binary: Callable[[IO[bytes]], int],
) -> int:
    """Send one export to `out` (stdout when None; not for Parquet; a file atomically):
    `text` writes CSV or JSONL to a text stream, `binary` Parquet to a byte stream."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of: {', '.join(FORMATS)}")
    if out is None:
        if fmt == "parquet":
            raise ValueError("Parquet is binary: give a file with --out")
        sys.stdout.flush()
        stream = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="")
        try:
            if fmt == "csv":
                stream.write("\ufeff")
            return text(stream)
        finally:
            stream.flush()
            stream.detach()
    path = Path(out)
    if fmt == "parquet":
        with _atomic(path, "wb") as fb:
            return binary(fb)
    # utf-8-sig writes the BOM Excel needs to read UTF-8; pandas and csv skip it.
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with _atomic(path, "w", encoding=encoding, newline="") as ft:
        return text(ft)
