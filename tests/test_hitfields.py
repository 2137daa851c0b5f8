"""The fields a hit carries are declared once (corpus/hitfields.py); drift fails here."""

from __future__ import annotations

import dataclasses
import typing

from gdprkb.corpus.hitfields import HIT_FIELDS, HitFields, hit_fields
from gdprkb.corpus.record import CaseRecord
from gdprkb.index.schema import display_fields, to_document
from gdprkb.index.search import Hit

CASE = CaseRecord(
    "Case A", "https://gdprhub.eu/A", 7, 3, "court", authority="BGH", date_decided="2021-03-04",
    gdpr_articles=[5, 6], gdpr_provisions=["5(1)(f)"], parties=["X"], fine_amount=10.0,
    fine_currency="EUR", original_languages=["German"], lead="A summary.",
)  # fmt: skip


def test_every_hit_field_is_a_record_field_of_the_same_type() -> None:
    record = typing.get_type_hints(CaseRecord)
    record["year"] = typing.get_type_hints(CaseRecord.year.fget)["return"]  # type: ignore[attr-defined]
    mine = typing.get_type_hints(HitFields)
    for name in HIT_FIELDS:
        assert name in record, f"{name} is not a CaseRecord field"
        assert mine[name] == record[name], (name, mine[name], record[name])


def test_the_index_stores_exactly_the_hit_fields() -> None:
    assert list(display_fields(CASE)) == list(HIT_FIELDS)
    assert to_document(CASE)["display"] == hit_fields(CASE)
    assert hit_fields(CASE)["year"] == 2021 and hit_fields(CASE)["gdpr_articles"] == [5, 6]
    assert hit_fields(CASE)["gdpr_articles"] is not CASE.gdpr_articles


def test_a_hit_is_the_hit_fields_plus_score_and_snippet() -> None:
    own = [f.name for f in dataclasses.fields(Hit)]
    assert own[: len(HIT_FIELDS)] == list(HIT_FIELDS)
    assert own[len(HIT_FIELDS) :] == ["score", "snippet", "snippet_field", "evidence"]
    hit = Hit(**hit_fields(CASE), score=1.0, snippet=[("A ", False), ("summary", True)])
    assert hit.to_dict()["snippet"] == 'A <b class="match">summary</b>'


def test_the_app_card_is_made_from_the_search_apis_hit() -> None:
    from gdprkb.webapp.hits import hit_of

    hit = Hit(**hit_fields(CASE), score=1.0, snippet=[("A ", False), ("summary", True)])
    card = hit_of(hit)
    assert (card.page_id, card.title, card.date, card.articles) == (
        7,
        "Case A",
        "2021-03-04",
        [5, 6],
    )
    assert card.provisions == ["5(1)(f)"] and card.snippet == hit.snippet
