"""The one filter option set of `search`, `export` and `stats`, in the query language's fields.

`--filter FIELD=VALUE` takes the fields of index/vocabulary.py (country, authority, article,
year, fine, date, lang, ... and their aliases), resolved by the search index exactly as
`FIELD:VALUE` in a query; `-j/--country`, `-a/--article` and `-y/--year` are shorthands for the
three most used. An unknown field is an error naming the valid ones. `export` and `stats` select
their cases with the same search, so the three commands agree on what a filter means.
"""

from __future__ import annotations

import difflib
from typing import Annotated

import typer

from gdprkb.cli.common import fail, home_of, open_index, say
from gdprkb.corpus.store import Store
from gdprkb.index.vocabulary import field_named, typed_names

FilterOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--filter",
        metavar="FIELD=VALUE",
        help="Only cases where FIELD matches VALUE, as FIELD:VALUE in a query: country=Spain, "
        "authority=CNIL, article=5(1)(f), year=2020..2022, fine=>10000, lang=de ... "
        "Repeatable: values of one field are ORed, fields ANDed.",
    ),
]
CountryOpt = Annotated[
    list[str] | None,
    typer.Option("--country", "--jurisdiction", "-j", help="Shorthand for --filter country=VALUE."),
]
ArticleOpt = Annotated[
    list[int] | None,
    typer.Option("--article", "-a", metavar="N", help="Shorthand for --filter article=N (1..99)."),
]
YearOpt = Annotated[
    list[int] | None,
    typer.Option("--year", "-y", metavar="YYYY", help="Shorthand for --filter year=YYYY."),
]

Filters = dict[str, list[str]]


def collect(
    items: list[str] | None,
    country: list[str] | None = None,
    article: list[int] | None = None,
    year: list[int] | None = None,
) -> Filters:
    """The filters given, by field label; `fail` on a malformed item or an unknown field."""
    for number in article or []:
        if not 1 <= number <= 99:
            raise fail(f"--article {number}: the GDPR has articles 1 to 99")
    for number in year or []:
        if not 1000 <= number <= 9999:
            raise fail(f"--year {number}: not a year (four digits)")
    pairs = [_split(item) for item in items or []]
    pairs += [("country", v) for v in country or []]
    pairs += [("article", str(v)) for v in article or []]
    pairs += [("year", str(v)) for v in year or []]
    filters: Filters = {}
    for name, value in pairs:
        spec = field_named(name)
        if spec is None:
            close = difflib.get_close_matches(name.lower(), typed_names(), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise fail(
                f"--filter {name}={value}: unknown field {name!r}; {hint}"
                f"fields: {', '.join(typed_names())}"
            )
        filters.setdefault(spec.label, []).append(value)
    return filters


def _split(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise fail(f"--filter {item!r}: expected FIELD=VALUE, e.g. --filter country=Spain")
    return name.strip(), value.strip()


def selected_ids(ctx: typer.Context, store: Store, filters: Filters) -> list[int] | None:
    """Page ids of the stored cases the filters select (None: no filters, every case).

    The search index resolves the filters (see the module docstring); its notes (a value that
    matches nothing, a malformed range) are printed, and a note says when the index is behind
    the corpus.
    """
    if not filters:
        return None
    from gdprkb.index.build import read_state

    with open_index(ctx) as ix:
        res = ix.search("", filters=filters, page_size=1)
        ids = ix.all_page_ids("", filters=filters, sort="date") if res.total else []
    for warning in res.warnings:
        say(f"note: {warning}", err=True, fg="yellow")
    state = read_state(home_of(ctx).index_dir) or {}
    if int(state.get("last_seq", 0)) < store.seq:
        say("note: the search index is behind the corpus: run `gdprkb index` first", err=True)
    if not ids:
        say(f"note: no case matches {describe(filters)}", err=True, fg="yellow")
    return ids


def describe(filters: Filters) -> str:
    """The filters as typed on the command line: `country=Spain year=2021`."""
    return " ".join(f"{name}={value}" for name, values in filters.items() for value in values)
