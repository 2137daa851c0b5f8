"""Property-based tests of the query language (hypothesis), end to end through a real index.

Any generated query returns within the documented bound and never raises; for queries built
from the language's constructs, the total equals a reference count: the understood query tree
evaluated here, in plain Python, over the documents of a small corpus of hand-made records.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable

import pytest
from conftest import write_index
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gdprkb.corpus.provisions import provision_ancestors
from gdprkb.corpus.record import CaseRecord
from gdprkb.index import analysis
from gdprkb.index import querylang as ql
from gdprkb.index.compile import fold
from gdprkb.index.schema import TEXT_FIELDS, build_schema, to_document
from gdprkb.index.search import TIME_LIMIT_S, SearchIndex
from gdprkb.index.vocabulary import field_named

VOCAB = [
    "camera",
    "employee",
    "employees",
    "cookies",
    "consent",
    "school",
    "video",
    "surveillance",
    "bank",
    "data",
    "controller",
    "breach",
    "fine",
    "complaint",
    "monitoring",
    "transfer",
    "journalist",
    "health",
]
STOP = ["the", "of", "and"]
ABSENT = ["zebra", "quokka"]
COUNTRIES = ["Spain", "Italy", "Norway"]


def _corpus() -> list[CaseRecord]:
    rnd = random.Random(7)
    cases = []
    for i in range(1, 41):
        words = lambda n: " ".join(rnd.choice(VOCAB + STOP) for _ in range(n))  # noqa: E731
        fine = rnd.choice([None, 500.0, 20_000.0, 3_000_000.0])
        articles = sorted(rnd.sample([5, 6, 13, 32, 83], rnd.randint(0, 2)))
        cases.append(
            CaseRecord(
                title=f"Case {i} {words(3)}",
                url=f"https://gdprhub.eu/index.php?title=Case_{i}",
                page_id=i,
                revision_id=1,
                kind=rnd.choice(["dpa", "court"]),
                jurisdiction=rnd.choice(COUNTRIES),
                date_decided=f"{rnd.randint(2018, 2023)}-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",
                fine_amount=fine,
                fine_currency="EUR" if fine else None,
                gdpr_articles=articles,
                gdpr_provisions=[f"{a}(1)" for a in articles],
                lead=words(12),
                facts=words(20) if rnd.random() < 0.7 else None,
                machine_translation=words(40) if rnd.random() < 0.5 else None,
            )
        )
    return cases


CASES = _corpus()


@pytest.fixture(scope="module")
def ix(tmp_path_factory: pytest.TempPathFactory) -> SearchIndex:
    return write_index(tmp_path_factory.mktemp("prop_index"), CASES)


# -- the reference: the understood tree evaluated over each document's indexed text ---------

SCHEMA = build_schema()
DOCS = [to_document(c) for c in CASES]
ALL = frozenset(c.page_id for c in CASES)


def _tokens(field: str, text: str) -> list[str]:
    analyzer = SCHEMA[field].analyzer
    return [t.text for t in analyzer(text)]


TOKENS = [{f: _tokens(f, str(d.get(f) or "")) for f in TEXT_FIELDS} for d in DOCS]


def _fields(name: str | None) -> list[str]:
    spec = field_named(name) if name else None
    if spec is None or not spec.text_fields:
        return [f for f, w in TEXT_FIELDS.items() if w > 0]
    return list(spec.text_fields)


def _has_run(tokens: list[str], terms: list[str]) -> bool:
    n = len(terms)
    return any(tokens[i : i + n] == terms for i in range(len(tokens) - n + 1))


def _text(text: str, fields: list[str]) -> frozenset[int] | None:
    if not _tokens("title", text) and not re.search(r"\d", text):
        return None  # a stop word: not required
    found = set()
    for case, toks in zip(CASES, TOKENS, strict=True):
        for f in fields:
            terms = [t.text for t in SCHEMA[f].analyzer(text, mode="query")]
            if terms and _has_run(toks[f], terms):
                found.add(case.page_id)
                break
            if f == "machine_translation" and len(terms) == 1:
                # Indexed as written; a word finds every form of its stem there.
                stem = _stem(terms[0])
                if any(_stem(t) == stem for t in toks[f]):
                    found.add(case.page_id)
                    break
    return frozenset(found)


def _stem(word: str) -> str | None:
    return analysis.term(word, stop=True, stem=True)


def _prefix(word: ql.Word) -> frozenset[int]:
    start = fold(word.text)
    return frozenset(
        c.page_id
        for c, toks in zip(CASES, TOKENS, strict=True)
        if any(t.startswith(start) for f in _fields(word.field) for t in toks[f])
    )


FIELD_PREDICATES: dict[str, Callable[[CaseRecord, str], bool]] = {
    "jurisdiction": lambda c, v: fold(c.jurisdiction or "") == fold(v),
    "kind": lambda c, v: c.kind == v,
    "year": lambda c, v: c.year is not None and _in_range(c.year, v),
    "fine": lambda c, v: c.fine_amount is not None and _in_range(c.fine_amount, v),
    "article": lambda c, v: (
        v
        in {str(a) for a in c.gdpr_articles}
        | {a for p in c.gdpr_provisions for a in provision_ancestors(p)}
    ),
}


def _in_range(x: float, value: str) -> bool:
    if value.startswith(">"):
        return x > float(value[1:])
    lo, _, hi = value.partition("..")
    return float(lo) <= x <= float(hi)


def reference(node: ql.Node) -> frozenset[int] | None:
    """The page ids a query tree selects (None: the node narrows nothing, e.g. a stop word)."""
    if isinstance(node, ql.All):
        return ALL
    if isinstance(node, ql.Word):
        return _prefix(node) if node.prefix else _text(node.text, _fields(node.field))
    if isinstance(node, ql.Phrase):
        return _text(node.text, _fields(node.field))
    if isinstance(node, ql.FieldValue):
        pred = FIELD_PREDICATES[node.field]
        return frozenset(c.page_id for c in CASES if pred(c, node.value))
    if isinstance(node, ql.Not):
        inner = reference(node.item)
        return None if inner is None else ALL - inner
    parts = [r for r in (reference(i) for i in node.items) if r is not None]
    if isinstance(node, ql.Or):
        return frozenset().union(*parts) if parts else None
    if not parts:
        return None
    out = ALL
    for p in parts:
        out = out & p
    return out


def reference_total(text: str) -> int:
    u = ql.understand(text)
    found = reference(u.node)
    total = len(ALL if found is None else found)
    if total == 0 and u.fallback is not None:
        loose = reference(u.fallback)
        total = len(ALL if loose is None else loose)
    return total


# -- generated queries ---------------------------------------------------------------------

word = st.sampled_from(VOCAB + STOP + ABSENT)
atom = st.one_of(
    word,
    st.lists(st.sampled_from(VOCAB + STOP), min_size=2, max_size=3).map(
        lambda ws: '"' + " ".join(ws) + '"'
    ),
    st.sampled_from([w[:4] + "*" for w in VOCAB]),
    st.sampled_from(["title:", "summary:", "facts:", "translation:"]).flatmap(
        lambda f: word.map(lambda w: f + w)
    ),
    st.sampled_from(
        [f"country:{c}" for c in COUNTRIES]
        + ["kind:court", "kind:dpa", "year:2019..2021", "year:2023..2023", "fine:>10000"]
        + ["fine:1000..5000000", "article:5", "article:32(1)", "article:6"]
    ),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, children).map(" ".join),
        st.tuples(children, children).map(" AND ".join),
        st.tuples(children, children).map(" OR ".join),
        children.map(lambda c: "NOT " + c),
        children.map(lambda c: "-" + c if not c.startswith(("-", "(", '"')) else c),
        children.map(lambda c: f"({c})"),
    )


queries = st.recursive(atom, _combine, max_leaves=8)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries)
def test_totals_equal_the_reference_count(ix: SearchIndex, text: str) -> None:
    t0 = time.perf_counter()
    res = ix.search(text, page_size=3)
    assert time.perf_counter() - t0 < TIME_LIMIT_S
    assert res.total == reference_total(text), (text, ql.understand(text).used, res.warnings)
    assert len(res.hits) == min(3, res.total)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(
        st.text(max_size=300),
        st.text(alphabet='"()*-+:.,<>=? ANDORTaekcountryarticlefineyear0123456789', max_size=300),
        st.lists(queries, max_size=20).map(" ".join),
    ),
    sort=st.sampled_from(["relevance", "date", "fine"]),
)
def test_any_input_returns_within_the_bound_and_never_raises(
    ix: SearchIndex, text: str, sort: str
) -> None:
    t0 = time.perf_counter()
    res = ix.search(text, sort=sort, page_size=5)
    assert time.perf_counter() - t0 < TIME_LIMIT_S
    assert res.total >= len(res.hits) and isinstance(res.query_used, str)
