"""corpus.sections: plain text, paragraphs, and which heading fills which field."""

from __future__ import annotations

import pytest
from lxml import html

from gdprkb.corpus.sections import case_sections, machine_translation, paragraphs, strip_debris

INTRO = (
    "The decision below is a machine translation of the Danish original. "
    "Please refer to the Danish original for more details."
)


def content(body: str) -> html.HtmlElement:
    root = html.fragment_fromstring(f'<div class="mw-parser-output">{body}</div>')
    strip_debris(root)
    return root


def h(level: int, title: str) -> str:
    return f'<h{level}><span class="mw-headline">{title}</span></h{level}>'


def test_paragraphs_and_whitespace() -> None:
    root = content(
        "<p>One  <b>bold</b>\n word.<sup class='reference'>[1]</sup><br/>Next\u00a0line.</p>"
        "<ul><li>a</li><li>b\u200e</li></ul><pre>x   y\n\n\nz</pre>"
        "<table><tr><td>cell</td><td>cell2</td></tr></table>"
    )
    assert paragraphs(list(root)) == [
        "One bold word.",
        "Next line.",
        "a",
        "b",
        "x y",
        "z",
        "cell cell2",
    ]


@pytest.mark.parametrize(
    ("paras", "text"),
    [
        ([INTRO, "Decision", "Text."], "Decision\n\nText."),
        ([INTRO, INTRO.replace("Danish", "***Danish***"), "Text."], "Text."),
        (
            [
                "The decision below is a machine translation of the original. Not published.",
                "x",
            ],
            "Not published.\n\nx",
        ),
        ([INTRO, "If you see this message, you do not have Javascript enabled.", "Text."], "Text."),
        ([INTRO, "There is no machine translated decision available."], None),
        ([INTRO, "Machine translation to be added."], None),
        ([INTRO], None),
    ],
)
def test_machine_translation(paras: list[str], text: str | None) -> None:
    assert machine_translation(paras) == text


def test_case_sections_heading_variants() -> None:
    root = content(
        "<p>Lead.</p>"
        + h(2, "English Summary")
        + h(3, "Facts")
        + "<p>F.</p>"
        + h(3, "Advocate General Opinion")
        + "<p>AG.</p>"
        + h(2, "Dispute")
        + h(3, "Holding")
        + "<p>H.</p>"
        + h(2, "Comment")
        + "<p>Share your comments here!</p>"
        + h(3, "On jurisdiction")
        + "<p>C.</p>"
        + h(2, "Further Resources")
        + "<p>Share blogs or news articles here!</p>"
        + h(2, "English Machine Translation of the Decision")
        + f"<p>{INTRO}</p><pre>T1\nT2</pre>"
    )
    assert case_sections(list(root)) == {
        "lead": "Lead.",
        "facts": "F.\n\nAdvocate General Opinion\n\nAG.",
        "holding": "H.",
        "comment": "On jurisdiction\n\nC.",
        "machine_translation": "T1\n\nT2",
    }


def test_debris_keeps_tail_text() -> None:
    root = content("<p>Before<span class='mw-editsection'>[edit]</span> after.</p><!-- c -->")
    assert paragraphs(list(root)) == ["Before after."]
