"""corpus.clean: one scraped value at a time (whitespace, nulls, placeholders, facets)."""

from __future__ import annotations

import pytest

from gdprkb.corpus.clean import clean, facet, is_placeholder, nullify


def test_clean_collapses_whitespace_and_invisible_marks() -> None:
    assert clean("  BVwG (Austria)\u200e \n\t") == "BVwG (Austria)"
    assert clean("a\u00a0\u00a0b") == "a b"
    assert clean(None) == ""


@pytest.mark.parametrize(
    "value", ["", " ", "n/a", "N/A", "None", "none", "Unknown", "-", "{{{ECLI}}}"]
)
def test_null_like_values(value: str) -> None:
    assert nullify(value) is None


def test_unfilled_template_parameters_are_null() -> None:
    assert nullify("[[:Category:{{{Lang_1}}}|{{{Lang_1}}}]] [[Category:{{{Lang_1}}}]]") is None
    assert nullify("{{{Link_1}}} {{{Name_1}}} (in {{{Code_1}}})") is None


def test_nullify_keeps_real_values() -> None:
    assert nullify(" KMD A/S ") == "KMD A/S"
    assert nullify("Not appealed") == "Not appealed"


@pytest.mark.parametrize(
    "text",
    [
        "Add you comment here!",
        "Add your comment here!",
        "Share your comments here!",
        "Share blogs or news articles here!",
        "Feel free to add your comment here",
        "Share your views here!",
        "You can share your comment here!",
        "Please add the facts here.",
        "TBD",
        "to be completed",
        "Machine translation to be added.",
        "[[:Category:|]] [[Category:]]",
        ",",
    ],
)
def test_placeholders(text: str) -> None:
    assert is_placeholder(text)


@pytest.mark.parametrize(
    "text",
    [
        "This decision is not final.",
        "The decision is available in English.",
        "You can find the OLG Wien's decision for referral here.",
        "Add comments to the draft was required by the DPA.",
        "Article 5 GDPR",
        "UODO ordered the Mayor [[to stop]] the processing.",  # a stray link is still text
    ],
)
def test_not_placeholders(text: str) -> None:
    assert not is_placeholder(text)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("Violation Found", "Violation Found"),
        ("Violation found", "Violation Found"),
        ("violation found.", "Violation Found"),
        ("No further action", "No Further Action"),
        ("Partly Upheld", "Partly Upheld"),
        ("Advisory Opinion", "Advisory Opinion"),
        ("n/a", None),
    ],
)
def test_facet(raw: str, value: str | None) -> None:
    assert facet(raw) == value


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (
            "[[:Category:LAG Düsseldorf [Germany]|LAG Düsseldorf [Germany]]]",
            "LAG Düsseldorf [Germany]",
        ),
        ("[[A]] and [[B|b]]", "A and b"),
        ("[[] ZSPU.421.3.2019]", "ZSPU.421.3.2019"),
        ("[[:Category:|]] [[Category:]]", None),
        ("[2021] EWHC 3164 (QB)", "[2021] EWHC 3164 (QB)"),
    ],
)
def test_unrendered_wiki_links(raw: str, value: str | None) -> None:
    assert nullify(raw) == value
