"""The one table of searchable fields, sorts and language codes, and the one path of a query."""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from gdprkb.corpus.record import CaseRecord
from gdprkb.index.schema import FACETS, TEXT_FIELDS
from gdprkb.index.vocabulary import FIELDS, LANG_CODES, SORTS, field_named, help_table
from gdprkb.languages import LANGUAGE_NAMES
from gdprkb.translation.models import language_name


def test_every_field_points_at_real_index_fields() -> None:
    for f in FIELDS:
        assert f.facet is None or f.facet in FACETS.values(), f
        assert set(f.text_fields) <= set(TEXT_FIELDS), f
        assert f.resolve != "words" or f.facet is None, f
        assert f.resolve not in ("facet", "language", "flag") or f.facet, f


def test_names_labels_and_aliases_resolve_to_one_field() -> None:
    assert field_named("Country") is field_named("jurisdiction") is field_named("JURISDICTION")
    assert field_named("ecli") is field_named("case")
    assert field_named("lang") is field_named("language")
    assert field_named("colour") is None
    typed = [n for f in FIELDS for n in {f.name, f.label, *f.aliases}]
    owners = {n: [f.name for f in FIELDS if n in {f.name, f.label, *f.aliases}] for n in typed}
    assert all(len(v) == 1 for v in owners.values()), owners


def test_language_codes_are_one_vocabulary_with_translation() -> None:
    assert LANG_CODES is LANGUAGE_NAMES
    assert LANG_CODES["nb"] == "Norwegian" and language_name("nb") == "Norwegian"


def test_sorts_are_one_list_for_api_app_and_cli() -> None:
    from gdprkb.cli.search import Sort
    from gdprkb.webapp.urlview import SORTS as APP_SORTS

    assert list(SORTS) == ["relevance", "date", "fine", "cited"]
    assert tuple(APP_SORTS) == tuple(SORTS)
    assert [s.value for s in Sort] == list(SORTS)


def test_help_table_shows_every_documented_field() -> None:
    table = help_table()
    for f in FIELDS:
        if f.example:
            assert f"`{f.example.split(', ')[0]}`" in table, f.name


def test_lang_nb_and_country_label(make_index: Callable[..., Any]) -> None:
    cases = [
        CaseRecord("A", "https://gdprhub.eu/A", 1, 1, "dpa", jurisdiction="Norway",
                   original_languages=["Norwegian"], lead="camera"),
        CaseRecord("B", "https://gdprhub.eu/B", 2, 1, "dpa", jurisdiction="Spain",
                   original_languages=["Spanish"], lead="camera"),
    ]  # fmt: skip
    ix = make_index(cases)
    assert [h.page_id for h in ix.search("camera lang:nb").hits] == [1]
    res = ix.search("camera", filters={"country": "Spain"})
    assert [h.page_id for h in res.hits] == [2]
    assert res.query_used == "camera AND country:Spain"
    assert 'No country matches "Atlantis"' in " ".join(ix.search("country:Atlantis").warnings)


def test_one_query_walks_down_the_index_modules(make_index: Callable[..., Any]) -> None:
    """search → querylang (once) → compile (never back into querylang): no module revisited."""
    ix = make_index([CaseRecord("A", "https://gdprhub.eu/A", 1, 1, "dpa", lead="camera shop")])
    edges: list[tuple[str, str]] = []

    def module(frame: FrameType | None) -> str:
        name = frame.f_globals.get("__name__", "") if frame else ""
        return name.rsplit(".", 1)[-1] if name.startswith("gdprkb.index.") else ""

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event == "call":
            callee, caller = module(frame), module(frame.f_back)
            if callee and caller and callee != caller:
                edges.append((caller, callee))

    sys.setprofile(profile)
    try:
        ix.search("camera shop country:spain", filters={"year": "2021"})
    finally:
        sys.setprofile(None)
    assert edges.count(("search", "querylang")) == 1, edges
    assert ("compile", "querylang") not in edges and ("querylang", "compile") not in edges
    assert [e for e in edges if e[1] == "search"] == [], sorted(set(edges))
