"""index.analysis: bulk-indexed terms and positions equal what the query analyzers produce."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.fields import TEXT

from gdprkb.corpus.ingest import ingest
from gdprkb.corpus.store import Store
from gdprkb.index.analysis import BulkText, positions

ODD = [
    "The ΟΔΟΣ in İstanbul, Straße café, Persónuvernd; Art. 5(1)(f) GDPR of the a",
    "the of and a",  # only stop words
    "",
    "x__y ﬁle ǅ 3.141 uodo.gov.pl banderacatalana.cat",
    "\n\n   \t",
]
KINDS = [(True, True), (True, False), (False, False)]


@pytest.fixture(scope="module")
def texts(sample_subset: Path, tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Every section of about 120 real decisions, and a few odd texts."""
    with Store(tmp_path_factory.mktemp("analysis") / "c.sqlite") as store:
        ingest(store, [sample_subset], progress=False)
        cases = list(store.iter_cases())
    fields = ("title", "lead", "facts", "dispute", "holding", "comment", "machine_translation")
    return [v for c in cases for f in fields if (v := getattr(c, f))] + ODD


@pytest.mark.parametrize(("stop", "stem"), KINDS)
def test_bulk_terms_equal_the_analyzers(texts: list[str], stop: bool, stem: bool) -> None:
    bulk = BulkText(stop=stop, stem=stem)
    plain = TEXT(analyzer=bulk.analyzer)
    assert len(texts) > 300
    for text in texts:
        assert list(bulk.index(text)) == list(plain.index(text)), text[:80]


def test_texts_index_as_one_text_joined_by_newlines(texts: list[str]) -> None:
    bulk = BulkText(stop=True, stem=False)
    plain = TEXT(analyzer=bulk.analyzer)
    for i in range(0, 60, 3):
        parts = (ODD[1], *texts[i : i + 3], ODD[0])
        assert list(bulk.index(parts)) == list(plain.index("\n".join(parts)))


def test_positions_renumber_past_stop_words() -> None:
    # "the" is dropped; the first kept word keeps its own position, the rest follow it.
    assert positions(["the surveillance of the employees"], stop=True, stem=True) == {
        "surveil": [1],
        "employee": [2],
    }
    assert positions(["The Café"], stop=False, stem=False) == {"the": [0], "cafe": [1]}


def test_a_value_that_is_not_text_is_refused() -> None:
    with pytest.raises(ValueError, match="not a text"):
        list(BulkText(stop=True, stem=True).index([b"bytes"]))
