"""The search API on the real sample corpus and its real index (the session's sample_home)."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from gdprkb.corpus.checks import is_flagged
from gdprkb.corpus.money import EUR_RATES
from gdprkb.corpus.record import CaseRecord
from gdprkb.corpus.store import Store
from gdprkb.home import Home
from gdprkb.index.schema import SNIPPET_FIELDS
from gdprkb.index.search import IndexNotFound, SearchIndex, SearchResult


@pytest.fixture(scope="module")
def ix(sample_home: Path) -> SearchIndex:
    return SearchIndex(Home(sample_home).index_dir)


@pytest.fixture(scope="module")
def cases(sample_home: Path) -> list[CaseRecord]:
    with Store(Home(sample_home).db) as store:
        return list(store.iter_cases())


def corpus_facets(case: CaseRecord) -> dict[str, list[str]]:
    """Each facet's values for a case, computed here from the record (not by the index)."""
    year = (case.date_decided or case.date_published or "")[:4]
    return {
        "kind": [case.kind],
        "authority": [case.authority] if case.authority else [],
        "jurisdiction": [case.jurisdiction] if case.jurisdiction else [],
        "article": sorted({str(a) for a in case.gdpr_articles}),
        "provision": sorted(set(case.gdpr_provisions)),
        "type": [case.type] if case.type else [],
        "outcome": [case.outcome] if case.outcome else [],
        "year": [year] if year else [],
        "language": sorted(set(case.original_languages)),
        "has_fine": ["yes" if (case.fine_amount or 0) > 0 else "no"],
    }


def expected_counts(cases: list[CaseRecord]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for case in cases:
        for name, values in corpus_facets(case).items():
            out.setdefault(name, Counter()).update(values)
    return out


def got_counts(res: SearchResult) -> dict[str, Counter[str]]:
    return {name: Counter({v.value: v.count for v in vs}) for name, vs in res.facets.items()}


def ids(ix: SearchIndex, query: str, **kw: object) -> set[int]:
    return set(ix.all_page_ids(query, **kw))  # type: ignore[arg-type]


def where(cases: list[CaseRecord], pred: Callable[[CaseRecord], bool]) -> set[int]:
    return {c.page_id for c in cases if pred(c)}


# -- facet counts --------------------------------------------------------------------------


def test_browse_facet_counts_equal_the_corpus(ix: SearchIndex, cases: list[CaseRecord]) -> None:
    res = ix.search("")
    assert res.total == len(cases) > 800
    assert got_counts(res) == expected_counts(cases)


@pytest.mark.parametrize(
    ("query", "pred"),
    [
        ("country:Spain", lambda c: c.jurisdiction == "Spain"),
        ("article:32", lambda c: 32 in c.gdpr_articles),
        (
            "kind:court year:2021..2023",
            lambda c: c.kind == "court" and 2021 <= (c.year or 0) <= 2023,
        ),
    ],
)
def test_filtered_facet_counts_equal_the_corpus(
    ix: SearchIndex, cases: list[CaseRecord], query: str, pred: Callable[[CaseRecord], bool]
) -> None:
    subset = [c for c in cases if pred(c)]
    res = ix.search(query)
    assert res.total == len(subset) > 0
    assert got_counts(res) == expected_counts(subset)


def test_selected_facet_values_are_flagged(ix: SearchIndex) -> None:
    res = ix.search("", filters={"jurisdiction": ["Spain", "Italy"]})
    chosen = {v.value for v in res.facets["jurisdiction"] if v.selected}
    assert chosen == {"Spain", "Italy"}
    assert res.total == sum(v.count for v in res.facets["jurisdiction"])


def test_year_facet_is_newest_first_and_others_by_count(ix: SearchIndex) -> None:
    res = ix.search("")
    years = [v.value for v in res.facets["year"]]
    assert years == sorted(years, reverse=True)
    counts = [v.count for v in res.facets["authority"]]
    assert counts == sorted(counts, reverse=True)


# -- the query language against the index --------------------------------------------------


def test_words_are_anded_and_stemmed(ix: SearchIndex) -> None:
    both = ids(ix, "video surveillance")
    assert both and both <= ids(ix, "video") & ids(ix, "surveillance")
    assert ids(ix, "employees") == ids(ix, "employee")


def test_or_and_not_are_set_operations(ix: SearchIndex) -> None:
    cookies, consent = ids(ix, "cookies"), ids(ix, "consent")
    assert ids(ix, "cookies OR consent") == cookies | consent
    assert ids(ix, "cookies NOT consent") == cookies - consent
    assert ids(ix, "cookies -consent") == cookies - consent
    assert ids(ix, "(cookies OR tracking) AND consent") == (cookies | ids(ix, "tracking")) & consent


def test_phrase_needs_adjacent_words(ix: SearchIndex, cases: list[CaseRecord]) -> None:
    found = ids(ix, '"legitimate interest"')
    assert found and found <= ids(ix, "legitimate interest")
    by_id = {c.page_id: c for c in cases}
    for pid in found:
        c = by_id[pid]
        text = " ".join(
            str(getattr(c, f) or "") for f in ("title", "lead", "facts", "dispute", "holding")
        ) + " ".join([c.comment or "", c.machine_translation or "", *c.parties])
        # Stemmed ("legitimately interested") and stop words skipped ("legitimate of interest").
        assert re.search(r"legitim\w*\W+(?:\w+\W+){0,2}?interest", text, re.I), pid


def test_diacritics_are_folded(ix: SearchIndex) -> None:
    assert ids(ix, "Personuvernd") == ids(ix, "Persónuvernd") != set()


def test_prefix_wildcard(ix: SearchIndex) -> None:
    employ = ids(ix, "employ*")
    assert ids(ix, "employer") | ids(ix, "employee") | ids(ix, "employment") <= employ
    assert employ > ids(ix, "employee") and employ > ids(ix, "employer")
    assert ids(ix, "surveillance") <= ids(ix, "surveil*")


@pytest.mark.parametrize(
    ("query", "pred"),
    [
        ("authority:aepd", lambda c: c.authority == "AEPD (Spain)"),
        ('authority:"AEPD (Spain)"', lambda c: c.authority == "AEPD (Spain)"),
        ("country:spain", lambda c: c.jurisdiction == "Spain"),
        ("article:32", lambda c: 32 in c.gdpr_articles),
        ("article:5(1)(f)", lambda c: any(p.startswith("5(1)(f)") for p in c.gdpr_provisions)),
        ("article:5(1)", lambda c: any(p.startswith("5(1)") for p in c.gdpr_provisions)),
        ("outcome:upheld", lambda c: c.outcome == "Upheld"),
        ("type:complaint", lambda c: c.type == "Complaint"),
        ("year:2021..2023", lambda c: c.year is not None and 2021 <= c.year <= 2023),
        ("year:>2022", lambda c: c.year is not None and c.year > 2022),
        ("kind:court", lambda c: c.kind == "court"),
        ("lang:es", lambda c: "Spanish" in c.original_languages),
        ("fine:yes", lambda c: (c.fine_amount or 0) > 0),
        (
            "fine:>10000",
            lambda c: (
                c.fine_amount is not None
                and not is_flagged(c, "fine_amount")  # a flagged fine is in no fine range
                and c.fine_amount * EUR_RATES[c.fine_currency or "EUR"] > 10000
            ),
        ),
        ("date:2021-03", lambda c: (c.date_decided or "").startswith("2021-03")),
    ],
)
def test_fields_select_what_the_corpus_says(
    ix: SearchIndex, cases: list[CaseRecord], query: str, pred: Callable[[CaseRecord], bool]
) -> None:
    want = where(cases, pred)
    assert want, f"the sample has no case for {query}"
    res = ix.search(query)
    assert res.warnings == []
    assert ids(ix, query) == want


def test_filters_and_within_or(ix: SearchIndex, cases: list[CaseRecord]) -> None:
    got = ids(ix, "", filters={"country": ["Spain", "Italy"], "kind": "dpa"})
    assert got == where(cases, lambda c: c.jurisdiction in ("Spain", "Italy") and c.kind == "dpa")
    ranged = ids(ix, "", filters={"year": "2020..2021", "fine": ">1000"})
    assert ranged == ids(ix, "year:2020..2021 fine:>1000")


def test_fields_combine_with_words(ix: SearchIndex, cases: list[CaseRecord]) -> None:
    assert ids(ix, "camera country:spain") == ids(ix, "camera") & ids(ix, "country:spain")


# -- sorting, snippets, result shape --------------------------------------------------------


def test_sort_by_date_and_fine(ix: SearchIndex) -> None:
    dates = [h.date_decided for h in ix.search("", sort="date", page_size=200).hits]
    known = [d for d in dates if d]
    assert known == sorted(known, reverse=True)
    assert dates.index(None) > len(known) - 1 if None in dates else True
    fined = ix.search("fine:yes", sort="fine", page_size=50).hits
    eur = [h.fine_amount * EUR_RATES[h.fine_currency or "EUR"] for h in fined if h.fine_amount]
    assert eur == sorted(eur, reverse=True) and len(eur) > 10


def test_relevance_scores_descend_and_pages_continue(ix: SearchIndex) -> None:
    first = ix.search("data breach notification", page_size=10)
    second = ix.search("data breach notification", page=2, page_size=10)
    scores = [h.score or 0 for h in first.hits + second.hits]
    assert scores == sorted(scores, reverse=True)
    assert not {h.page_id for h in first.hits} & {h.page_id for h in second.hits}
    assert ix.all_page_ids("data breach notification")[:20] == [
        h.page_id for h in first.hits + second.hits
    ]


def test_snippets_highlight_matches_and_escape_the_rest(ix: SearchIndex) -> None:
    res = ix.search("video surveillance employee", page_size=10)
    assert res.hits
    for hit in res.hits:
        assert '<b class="match">' in hit.snippet
        tags = re.findall(r"<[^>]*>", hit.snippet)
        assert set(tags) <= {'<b class="match">', "</b>"}, tags
        assert hit.snippet_field in SNIPPET_FIELDS
        assert len(re.sub(r"<[^>]*>", "", hit.snippet)) < 400


def test_snippet_prefers_the_section_with_most_terms(ix: SearchIndex) -> None:
    hit = ix.search("covert video surveillance employees", page_size=1).hits[0]
    marked = {m.lower() for m in re.findall(r'<b class="match">(.*?)</b>', hit.snippet)}
    assert len(marked) >= 3, hit.snippet


def test_json_shape(ix: SearchIndex) -> None:
    d = json.loads(json.dumps(ix.search("cookies", page_size=3).to_dict()))
    assert {"total", "hits", "facets", "took_ms", "warnings", "query_used"} <= set(d)
    assert {"title", "url", "page_id", "score", "snippet", "authority", "date_decided"} <= set(
        d["hits"][0]
    )
    assert d["facets"]["jurisdiction"][0].keys() == {"value", "count", "selected"}


def test_empty_query_lists_every_case_newest_first(
    ix: SearchIndex, cases: list[CaseRecord]
) -> None:
    res = ix.search("")
    assert res.total == len(cases) and res.sort == "date" and res.warnings == []


# -- bad queries: a warning and a sensible answer, never an exception -----------------------


@pytest.mark.parametrize(
    ("query", "warning"),
    [
        ('"video surveillance', "Unbalanced quote"),
        ("foo:bar cookies", 'Unknown field "foo:"'),
        ("*", None),
        ("*veillance", "Leading wildcards"),
        ("authority:nosuchauthority", "No authority matches"),
        ("country:atlantis", "No country matches"),
        ("year:recent", "not a year"),
        ("fine:lots", "not an amount"),
        ("article:five", "not an article"),
        ("date:yesterday", "not a date"),
        ("cookies zzzqqqxx", "any of them"),
    ],
)
def test_bad_queries_warn(ix: SearchIndex, query: str, warning: str | None) -> None:
    res = ix.search(query)
    if warning is None:
        assert res.warnings == [] and res.total > 800
    else:
        assert any(warning in w for w in res.warnings), res.warnings


def test_no_match_fallback_shows_any_word(ix: SearchIndex) -> None:
    res = ix.search("cookies zzzqqqxx")
    assert res.total == len(ids(ix, "cookies")) and res.query_used == "cookies OR zzzqqqxx"
    assert ix.search("cookies AND zzzqqqxx").total == 0  # explicit AND means it


def test_pathological_queries_are_bounded(ix: SearchIndex) -> None:
    t0 = time.perf_counter()
    huge = ix.search(" OR ".join(f"word{i}" for i in range(2000)) + " OR cookies")
    wild = ix.search("a* e* i* o* u* s* t*")
    broad = ix.search("c* OR d* OR p* OR s*")
    assert time.perf_counter() - t0 < 20
    assert any("Query too long" in w for w in huge.warnings)
    assert wild.warnings and broad.total > 0


def test_unknown_filter_and_sort(ix: SearchIndex) -> None:
    res = ix.search("cookies", filters={"colour": "blue"})
    assert any('Unknown filter "colour"' in w for w in res.warnings)
    with pytest.raises(ValueError, match="unknown sort"):
        ix.search("cookies", sort="size")


def test_missing_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IndexNotFound, match="run `gdprkb index` first"):
        SearchIndex(tmp_path / "nothing")


# -- ranking ---------------------------------------------------------------------------------


def distinctive_words(case: CaseRecord, df: Counter[str], n: int = 8) -> str:
    """The n consecutive words of a case's facts that include the rarest words of the corpus."""
    words = re.findall(r"[^\W\d_]{3,}", case.facts or "")
    windows = [words[i : i + n] for i in range(0, max(1, len(words) - n + 1))]
    best = min(windows, key=lambda w: sum(sorted(df[x.lower()] for x in w)[:3]))
    return " ".join(best)


@pytest.fixture(scope="module")
def known_items(cases: list[CaseRecord]) -> list[tuple[int, str, str]]:
    """30 cases with (page_id, 8 distinctive words of its facts, an 8-word facts phrase)."""
    df: Counter[str] = Counter()
    for c in cases:
        df.update({w.lower() for w in re.findall(r"[^\W\d_]{3,}", c.facts or "")})
    facts_seen = Counter(c.facts for c in cases)
    sample = [c for c in cases if c.facts and len(c.facts) > 400 and facts_seen[c.facts] == 1]
    sample = sample[:: max(1, len(sample) // 30)][:30]
    out = []
    for c in sample:
        words = (c.facts or "").split()
        middle = len(words) // 2
        out.append((c.page_id, distinctive_words(c, df), " ".join(words[middle : middle + 8])))
    return out


def test_a_facts_phrase_finds_its_case_first(
    ix: SearchIndex, known_items: list[tuple[int, str, str]]
) -> None:
    assert len(known_items) == 30
    for page_id, _, phrase in known_items:
        quoted = '"' + phrase.replace('"', " ") + '"'
        assert ix.search(quoted, page_size=1, facets=False).hits[0].page_id == page_id, phrase


def test_distinctive_facts_words_find_their_case_first(
    ix: SearchIndex, known_items: list[tuple[int, str, str]]
) -> None:
    misses = []
    for page_id, words, _ in known_items:
        top = [h.page_id for h in ix.search(words, page_size=3, facets=False).hits]
        if top[:1] != [page_id]:
            misses.append((page_id, words, top))
        assert page_id in top, (page_id, words)
    # Unquoted words may also suit a similar decision better (BM25F): allow one in 30.
    assert len(misses) <= 1, misses


def test_title_and_case_number_find_the_case(ix: SearchIndex, cases: list[CaseRecord]) -> None:
    for case in cases[::60]:
        assert ix.search(f'"{case.title}"', page_size=1).hits[0].page_id == case.page_id
        if case.case_number:
            found = ix.all_page_ids(f'case:"{case.case_number}"')
            assert case.page_id in found[:5], case.case_number


def test_more_like_this(ix: SearchIndex, cases: list[CaseRecord]) -> None:
    target = ix.search("covert video surveillance employees", page_size=1).hits[0]
    similar = ix.more_like_this(target.page_id, n=5)
    assert 0 < len(similar) <= 5 and target.page_id not in {h.page_id for h in similar}
    text = " ".join(h.title + " " + h.snippet for h in similar).lower()
    assert re.search(r"camera|video|cctv|surveil", text), text
    assert ix.more_like_this(999_999_999) == []
