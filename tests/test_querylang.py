"""The query language parser: every construct, and repairs of malformed input (no index)."""

from __future__ import annotations

import pytest

from gdprkb.index import querylang as ql
from gdprkb.index.querylang import All, And, FieldValue, Not, Or, Phrase, Word, parse_query, render


def node(text: str) -> ql.Node:
    parsed = parse_query(text)
    assert parsed.warnings == [], parsed.warnings
    return parsed.node


def test_words_are_an_implicit_and() -> None:
    assert node("video surveillance employee") == And(
        (Word("video"), Word("surveillance"), Word("employee")), implicit=True
    )


def test_phrase_and_word() -> None:
    assert node('"legitimate interest" cookies') == And(
        (Phrase("legitimate interest"), Word("cookies"))
    )


def test_or_binds_tighter_than_and() -> None:
    assert node("cookies consent OR banner") == And(
        (Word("cookies"), Or((Word("consent"), Word("banner"))))
    )


def test_explicit_and_is_not_implicit() -> None:
    n = node("cookies AND consent")
    assert isinstance(n, And) and not n.implicit


def test_not_and_minus() -> None:
    assert node("cookies NOT banner") == And((Word("cookies"), Not(Word("banner"))))
    assert node("cookies -banner") == node("cookies NOT banner")


def test_parentheses_group() -> None:
    assert node("(cookies OR tracking) AND consent") == And(
        (Or((Word("cookies"), Word("tracking"))), Word("consent")), implicit=False
    )


def test_lowercase_operators_are_words() -> None:
    assert node("cookies or consent") == And((Word("cookies"), Word("or"), Word("consent")))


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("authority:aepd", "authority", "aepd"),
        ('authority:"AEPD (Spain)"', "authority", "AEPD (Spain)"),
        ("country:spain", "jurisdiction", "spain"),
        ("jurisdiction:Spain", "jurisdiction", "Spain"),
        ("article:32", "article", "32"),
        ("article:5(1)(f)", "article", "5(1)(f)"),
        ("outcome:upheld", "outcome", "upheld"),
        ("type:complaint", "type", "complaint"),
        ("year:2021..2023", "year", "2021..2023"),
        ("fine:>10000", "fine", ">10000"),
        ("kind:court", "kind", "court"),
        ("lang:es", "language", "es"),
        ("date:2021-01..2021-06", "date", "2021-01..2021-06"),
    ],
)
def test_field_values(text: str, field: str, value: str) -> None:
    assert node(text) == FieldValue(field, value)


def test_provision_parentheses_inside_a_group() -> None:
    assert node("(article:5(1)(f) OR article:6) kind:court") == And(
        (
            Or((FieldValue("article", "5(1)(f)"), FieldValue("article", "6"))),
            FieldValue("kind", "court"),
        )
    )


def test_text_fields_take_words_and_phrases() -> None:
    assert node('title:"data breach"') == Phrase("data breach", "title")
    assert node("facts:camera") == Word("camera", field="facts")
    assert node("summary:surveil*") == Word("surveil", prefix=True, field="summary")


def test_prefix_wildcard() -> None:
    assert node("surveil*") == Word("surveil", prefix=True)


def test_ecli_searches_the_case_number_field() -> None:
    assert node("ECLI:NL:RVS:2021:123") == Word("NL:RVS:2021:123", field="case_number")


def test_glued_parentheses_stay_in_the_word() -> None:
    assert node("5(1)(f) breach") == And((Word("5(1)(f)"), Word("breach")))


@pytest.mark.parametrize("text", ["", "   ", "*", "()"])
def test_empty_query_browses_everything(text: str) -> None:
    parsed = parse_query(text)
    assert parsed.node == All() and parsed.browse


# -- repairs: a clear warning and a sensible reading, never an exception --------------------


@pytest.mark.parametrize(
    ("text", "reading", "warning"),
    [
        ('"video surveillance', "video AND surveillance", "Unbalanced quote"),
        ("foo:bar cookies", "foo AND bar AND cookies", 'Unknown field "foo:"'),
        ("(cookies OR consent", "cookies OR consent", 'Missing ")"'),
        ("cookies) consent", "cookies AND consent", 'Unmatched ")"'),
        ("cookies AND", "cookies", '"AND" needs something'),
        ("OR cookies", "cookies", '"OR" needs something'),
        ("cookies NOT", "cookies", '"NOT" needs something'),
        ("*veillance", "veillance", "Leading wildcards"),
        ("s*", "s", "too short for a wildcard"),
        ("sur*ance", '"sur ance"', 'Only a trailing "*"'),
        ("authority:", "*", "has no value"),
    ],
)
def test_repairs(text: str, reading: str, warning: str) -> None:
    parsed = parse_query(text)
    assert render(parsed.node) == reading
    assert any(warning in w for w in parsed.warnings), parsed.warnings


def test_too_many_clauses_are_capped() -> None:
    parsed = parse_query(" OR ".join(f"w{i}" for i in range(500)))
    assert isinstance(parsed.node, Or) and len(parsed.node.items) == ql.MAX_CLAUSES
    assert any("Query too long" in w for w in parsed.warnings)


def test_render_round_trips() -> None:
    text = '(cookies OR tracking) AND "legitimate interest" AND NOT banner AND country:spain'
    assert render(node(text)) == text
    assert render(node(render(node(text)))) == text


def test_any_words_fallback_is_one_tree_rewrite_that_keeps_fields() -> None:
    loose = ql.any_words(node("cookies banner country:spain"))
    assert loose == And(
        (Or((Word("cookies"), Word("banner"))), FieldValue("jurisdiction", "spain")),
        implicit=False,
    )
    assert render(loose) == "(cookies OR banner) AND country:spain"
    assert ql.any_words(node("cookies AND banner")) is None
    assert ql.any_words(node("cookies")) is None


def test_filters_are_nodes_of_the_same_tree_and_read_back() -> None:
    u = ql.understand("cookies banner", {"country": ["Spain", "Italy"], "year": "2021"})
    assert u.node == And(
        (
            And((Word("cookies"), Word("banner"))),
            Or(
                (
                    FieldValue("jurisdiction", "Spain", exact=True),
                    FieldValue("jurisdiction", "Italy", exact=True),
                )
            ),
            FieldValue("year", "2021", exact=True),
        ),
        implicit=False,
    )
    assert u.used == "(cookies AND banner) AND (country:Spain OR country:Italy) AND year:2021"
    assert (
        u.fallback_used == "(cookies OR banner) AND (country:Spain OR country:Italy) AND year:2021"
    )
    assert u.has_text and u.warnings == []


def test_filters_alone_and_unknown_filters() -> None:
    u = ql.understand("", {"lang": "de", "colour": "blue", "kind": []})
    assert u.node == FieldValue("language", "de", exact=True) and not u.has_text
    assert u.warnings == ['Unknown filter "colour" ignored.'] and u.fallback is None


def test_tokens_carry_their_spans() -> None:
    text = 'cookies -banner "legit interest" country:"Costa Rica" (a OR b)'
    tokens = ql.tokenize(text)
    assert [t.kind for t in tokens] == [
        "WORD", "NEG", "WORD", "PHRASE", "FIELD", "(", "WORD", "OP", "WORD", ")",
    ]  # fmt: skip
    assert [text[t.start : t.end] for t in tokens][2:5] == [
        "banner", '"legit interest"', 'country:"Costa Rica"',
    ]  # fmt: skip
    field = tokens[4]
    assert (field.field, field.value, field.quoted) == ("jurisdiction", "Costa Rica", True)


def test_decomposed_accents_are_composed() -> None:
    assert node("Perso\u0301nuvernd") == Word("Persónuvernd")


@pytest.mark.parametrize(
    "text", ["(" * 5000 + "x", "NOT " * 3000 + "x", ")" * 5000, '"' * 5001, "article:" + "(" * 3000]
)
def test_pathological_input_is_bounded_and_never_raises(text: str) -> None:
    parsed = parse_query(text)
    assert len(parsed.warnings) <= 3 and len(render(parsed.node)) < 2000


def test_double_negation_cancels() -> None:
    assert node("NOT NOT cookies") == Word("cookies")
    assert node("NOT (a OR b)") == Not(Or((Word("a"), Word("b"))))
