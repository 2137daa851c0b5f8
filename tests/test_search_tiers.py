"""Evidence tiers (index/tiers.py): sorted by date, fine or citations, hits whose title or
English summary hold the query's words come before those matched only in the machine
translation; totals unchanged, every hit labelled. A real store and a real Whoosh index of
hand-made decisions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from gdprkb.corpus.record import CaseRecord, PageMeta
from gdprkb.corpus.store import Store
from gdprkb.index import querylang as ql
from gdprkb.index.build import update_index
from gdprkb.index.search import SORTS, SearchIndex
from gdprkb.index.tiers import summary_tree

FILLER = " ".join(f"paragraph {i} of the reasoning." for i in range(40))


def _case(page_id: int, **kw: Any) -> CaseRecord:
    base: dict[str, Any] = dict(
        title=f"AEPD (Spain) - PS/{page_id:05d}/2021",
        url=f"https://gdprhub.eu/index.php?title={page_id}",
        page_id=page_id,
        revision_id=1,
        kind="dpa",
        jurisdiction="Spain",
        authority="AEPD (Spain)",
        lead="A decision of the Spanish DPA.",
    )
    base.update(kw)
    return CaseRecord(**base)


# Summary tier for "video surveillance employee": 1 (lead), 2 (title + holding), 3 (facts).
# Translation only: 4, 5 (the newest and the largest fines), 6 (comment), 7 (words split
# between summary and translation). 8 holds none of the words.
CASES = [
    _case(1, lead="The employer used video surveillance to monitor an employee.",
          date_decided="2020-01-10", fine_amount=5000, fine_currency="EUR"),
    _case(2, title="AEPD (Spain) - Video surveillance of an employee",
          holding="Surveillance was lawful.", date_decided="2019-05-02"),
    _case(3, facts="An employee complained about video surveillance cameras in the office.",
          date_decided="2021-03-03", fine_amount=20000, fine_currency="EUR"),
    _case(4, lead="SIM swapping at a telecom operator.", date_decided="2023-06-01",
          fine_amount=3_940_000, fine_currency="EUR",
          machine_translation=f"{FILLER} An employee ... video surveillance footage. {FILLER}"),
    _case(5, lead="Unsolicited marketing calls.", date_decided="2022-02-02",
          fine_amount=1_000_000, fine_currency="EUR",
          machine_translation=f"{FILLER} video {FILLER} surveillance {FILLER} employee"),
    _case(6, lead="A bank's credit check.", date_decided="2022-09-09",
          comment="Compare video surveillance of an employee."),
    _case(7, lead="Video recording in a shop.", date_decided="2024-01-01",
          fine_amount=2_000_000, fine_currency="EUR",
          machine_translation="surveillance of an employee"),
    _case(8, lead="Cookies on a website.", date_decided="2024-05-05"),
]  # fmt: skip
SUMMARY_IDS = {1, 2, 3}
TRANSLATION_IDS = {4, 5, 6, 7}
QUERY = "video surveillance employee"


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    root = tmp_path_factory.mktemp("tiers")
    with Store(root / "corpus.sqlite") as store:
        for c in CASES:
            store.put(c, b"<html></html>", PageMeta(c.title, c.page_id, c.revision_id))
        update_index(store, root / "index", progress=False)
    index = SearchIndex(root / "index")
    yield index
    index.close()


@pytest.mark.parametrize("sort", list(SORTS))
def test_summary_tier_first_every_sort(ix: SearchIndex, sort: str) -> None:
    res = ix.search(QUERY, sort=sort, page_size=50)
    ids = [h.page_id for h in res.hits]
    assert set(ids) == SUMMARY_IDS | TRANSLATION_IDS  # no hit lost
    assert res.total == len(SUMMARY_IDS | TRANSLATION_IDS)
    if sort != "relevance":
        assert set(ids[:3]) == SUMMARY_IDS
        assert set(ids[3:]) == TRANSLATION_IDS


@pytest.mark.parametrize("sort", list(SORTS))
def test_labels_every_sort(ix: SearchIndex, sort: str) -> None:
    for page_size in (50, 2):  # the label does not depend on the page shown
        res = ix.search(QUERY, sort=sort, page_size=page_size)
        for h in res.hits:
            assert h.evidence == ("summary" if h.page_id in SUMMARY_IDS else "translation")
            assert res.to_dict()["hits"][res.hits.index(h)]["evidence"] == h.evidence


def test_order_within_tiers(ix: SearchIndex) -> None:
    by_date = [h.page_id for h in ix.search(QUERY, sort="date", page_size=50).hits]
    assert by_date == [3, 1, 2, 7, 4, 6, 5]
    by_fine = [h.page_id for h in ix.search(QUERY, sort="fine", page_size=50).hits]
    assert by_fine == [3, 1, 2, 4, 7, 5, 6]


def test_tiers_off_is_the_plain_sort(ix: SearchIndex) -> None:
    by_fine = [h.page_id for h in ix.search(QUERY, sort="fine", page_size=50, tiers=False).hits]
    assert by_fine == [4, 7, 5, 3, 1, 6, 2]  # unfined: newest page first


def test_second_page_continues_the_tiers(ix: SearchIndex) -> None:
    first = ix.search(QUERY, sort="fine", page_size=3)
    second = ix.search(QUERY, sort="fine", page_size=3, page=2)
    assert [h.page_id for h in first.hits] == [3, 1, 2]
    assert [h.page_id for h in second.hits] == [4, 7, 5]
    assert first.total == second.total == 7


def test_all_page_ids_follow_the_tiers(ix: SearchIndex) -> None:
    assert ix.all_page_ids(QUERY, sort="date") == [3, 1, 2, 7, 4, 6, 5]


def test_filters_and_no_words(ix: SearchIndex) -> None:
    res = ix.search(f"{QUERY} fine:>10000", sort="fine")
    assert [h.page_id for h in res.hits] == [3, 4, 7, 5]
    assert [h.evidence for h in res.hits] == ["summary"] + ["translation"] * 3
    bare = ix.search("fine:>10000", sort="fine")
    assert [h.page_id for h in bare.hits] == [4, 7, 5, 3]  # nothing to ground: no tiers
    assert all(h.evidence is None for h in bare.hits)


def test_fielded_words_and_negation(ix: SearchIndex) -> None:
    # `translation:` asks for the translation: the word stays there, the rest is grounded.
    res = ix.search("video translation:employee", sort="date")
    assert [h.page_id for h in res.hits] == [7, 4, 5]
    assert [h.evidence for h in res.hits] == ["summary", "translation", "translation"]
    res = ix.search("surveillance NOT marketing", sort="date")
    assert [h.page_id for h in res.hits] == [3, 1, 2, 7, 4, 6]


def test_any_word_fallback_is_tiered(ix: SearchIndex) -> None:
    res = ix.search("cookies zzyzx", sort="date")
    assert [h.page_id for h in res.hits] == [8]
    assert res.hits[0].evidence == "summary"


def test_summary_tree_restricts_only_free_words() -> None:
    tree = ql.understand("video lang:es NOT cookies translation:x", None).node
    rewritten = summary_tree(tree)
    assert isinstance(rewritten, ql.And)
    assert rewritten.items[0] == ql.Or((ql.Word("video", field="title"),
                                        ql.Word("video", field="summary")))  # fmt: skip
    assert rewritten.items[1:] == tree.items[1:]  # type: ignore[attr-defined]


def _home(ix: SearchIndex) -> Path:
    return ix.index_dir.parent


def test_cli_labels_translation_hits_text_and_json(ix: SearchIndex) -> None:
    import json

    from typer.testing import CliRunner

    from gdprkb.cli import app

    root = str(_home(ix))
    runner = CliRunner()
    text = runner.invoke(app, ["--home", root, "search", QUERY, "--sort", "fine"])
    assert text.exit_code == 0, text.output
    label = "(matched only in the machine translation (or comment), not the summary)"
    blocks = re.split(r"\n\d+\. ", text.output)[1:]  # one per hit, in order
    labelled = [(int(re.findall(r"id (\d+) ", b)[0]), label in b) for b in blocks]
    assert labelled == [(3, False), (1, False), (2, False),
                        (4, True), (7, True), (5, True), (6, True)]  # fmt: skip
    out = runner.invoke(app, ["--home", root, "search", QUERY, "--sort", "date", "--json"])
    hits = json.loads(out.output)["hits"]
    assert [h["evidence"] for h in hits] == ["summary"] * 3 + ["translation"] * 4
    batch = runner.invoke(
        app, ["--home", root, "search", "--batch", "-", "--sort", "fine"], input=QUERY + "\n"
    )
    row = json.loads(batch.output.splitlines()[0])
    assert [h["page_id"] for h in row["hits"]][:3] == [3, 1, 2]


def test_app_card_captions_translation_hits() -> None:
    from streamlit.testing.v1 import AppTest

    def page() -> None:
        from gdprkb.webapp.cards import render_card
        from gdprkb.webapp.hits import Hit
        from gdprkb.webapp.urlview import View

        render_card(Hit(4, "AEPD - 4", evidence="translation"), View())
        render_card(Hit(3, "AEPD - 3", evidence="summary"), View())

    at = AppTest.from_function(page).run(timeout=30)
    assert not at.exception
    texts = [m.value for m in at.markdown]
    assert "machine translation" in texts[0] and "machine translation" not in texts[1]
