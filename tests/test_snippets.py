"""Snippets: which section, which passage, highlighting and escaping (pure, no index)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import query as wq

from gdprkb.index.snippets import SNIPPET_CHARS, Snippeter, index_term, plain, query_terms, to_html


def marks(html: str) -> list[str]:
    return re.findall(r'<b class="match">(.*?)</b>', html)


def snip(words: list[str], **stored: str) -> tuple[str, str | None]:
    """(the snippet's HTML rendering, section)."""
    segments, section = Snippeter(index_term(w) for w in words).snippet(stored)
    return to_html(segments), section


def test_snippets_are_segments_of_text_and_matches() -> None:
    segments, section = Snippeter(["camera"]).snippet({"lead": "A  <b>camera</b> & more."})
    assert section == "lead"
    assert segments == [("A <b>", False), ("camera", True), ("</b> & more.", False)]
    assert plain(segments) == "A <b>camera</b> & more."
    assert to_html(segments) == 'A &lt;b&gt;<b class="match">camera</b>&lt;/b&gt; &amp; more.'


def test_terms_of_a_query_skip_negated_and_case_number_terms() -> None:
    q = wq.And(
        [
            wq.Or([wq.Term("facts", "camera"), wq.Term("case_number", "the")]),
            wq.Phrase("lead", ["video", "surveil"]),
            wq.Not(wq.Term("facts", "cooki")),
        ]
    )
    assert query_terms(q) == {"camera", "video", "surveil"}


def test_stemmed_forms_are_highlighted() -> None:
    html, section = snip(["employee", "surveillance"], lead="Employees under surveillance.")
    assert section == "lead" and marks(html) == ["Employees", "surveillance"]


def test_accents_are_folded_in_short_sections() -> None:
    html, _ = snip(["personuvernd"], lead="The Icelandic DPA (Persónuvernd) held that…")
    assert marks(html) == ["Persónuvernd"]


def test_the_section_with_most_terms_wins_and_summary_wins_ties() -> None:
    stored = {"lead": "A camera.", "facts": "A camera and a microphone.", "holding": "A camera."}
    html, section = snip(["camera", "microphone"], **stored)
    assert section == "facts" and marks(html) == ["camera", "microphone"]
    _, section = snip(["camera"], **stored)
    assert section == "lead"


def test_long_text_window_centres_on_the_densest_passage() -> None:
    filler = "Nothing relevant happens here at all. " * 400
    text = filler + "The biometric fingerprint scanner at work. " + filler + " biometric."
    html, section = snip(["biometric", "fingerprint"], machine_translation=text)
    assert section == "machine_translation"
    assert marks(html) == ["biometric", "fingerprint"]
    assert html.startswith("…") and html.endswith("…")
    assert len(re.sub(r"<[^>]+>", "", html)) <= SNIPPET_CHARS + 2


def test_everything_but_the_marks_is_escaped() -> None:
    html, _ = snip(["cookie"], facts='<script>alert("x")</script> & a cookie <b>banner</b>')
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert re.findall(r"<[^>]+>", html) == ['<b class="match">', "</b>"]


def test_no_match_falls_back_to_the_start_of_the_summary() -> None:
    html, section = snip(["zebra"], lead="A plain summary.", facts="More.")
    assert section is None and html == "A plain summary."
    assert snip(["zebra"]) == ("", None)


def test_machine_translation_loaded_only_when_needed() -> None:
    calls: list[str] = []

    def more(name: str) -> str:
        calls.append(name)
        return "camera microphone" if name == "machine_translation" else ""

    s = Snippeter(["camera"])
    assert s.snippet({"lead": "A camera."}, more)[1] == "lead" and calls == []
    s2 = Snippeter(["camera", "microphon"])
    assert s2.snippet({"lead": "A camera."}, more)[1] == "machine_translation"
    assert calls == ["machine_translation"]


def test_a_snippet_is_cut_between_words_even_across_line_breaks() -> None:
    # Paragraphs joined by newlines, no space within 60 characters before the match: the
    # cut used to fall inside "Spanish" ("…e Spanish DPA").
    text = ("word\n" * 40) + "The Spanish DPA fined the bank for the camera. " + ("more\n" * 80)
    segments, _ = Snippeter(["camera"]).snippet({"lead": text})
    shown = plain(segments)
    first, last = shown.lstrip("…").split()[0], shown.rstrip("…").split()[-1]
    assert first in text.split() and last.strip(".") in text.replace(".", " ").split()


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet="abcdéXY0_", min_size=1, max_size=12), min_size=1, max_size=300
    ),
    seps=st.lists(st.sampled_from([" ", "\n", "  ", "\t", ", ", ". "]), min_size=1),
)
def test_snippets_never_start_or_end_inside_a_word(words: list[str], seps: list[str]) -> None:
    text = "".join(w + seps[i % len(seps)] for i, w in enumerate(words + ["camera"] + words))
    segments, _ = Snippeter(["camera"]).snippet({"lead": text})
    shown = plain(segments).removeprefix("…").removesuffix("…").strip()
    tokens = set(re.findall(r"\w+", text))
    found = re.findall(r"\w+", shown)
    assert found and found[0] in tokens and found[-1] in tokens, shown


def test_sections_the_index_says_lack_the_words_are_not_read() -> None:
    stored = {"lead": "Nothing here.", "facts": "The camera filmed the street."}
    snipper = Snippeter([index_term("camera")])
    # The index (sections_holding) says the lead has none of the terms: it is skipped.
    segments, section = snipper.snippet(stored, holds={"lead": 0, "facts": 1})
    assert section == "facts" and ("camera", True) in segments

    def no_translation(_: str) -> str:
        raise AssertionError("the translation was loaded although a section had every word")

    assert snipper.snippet(stored, no_translation, {"lead": 0, "facts": 1})[1] == "facts"


def test_a_long_text_is_searched_as_written_in_any_of_three_cases() -> None:
    filler = "x " * 5000  # past LONG_TEXT: the str.find path
    text = f"{filler} Camera one, camera two, CAMERA three, kamera four."
    segments, _ = Snippeter([index_term("camera")]).snippet({"machine_translation": text})
    assert [t for t, m in segments if m] == ["Camera", "camera", "CAMERA"]


def test_a_wildcard_is_looked_for_by_its_shortest_prefixes() -> None:
    terms = [index_term(w) for w in ("employee", "employer", "employment", "employed")]
    snipper = Snippeter(terms)
    assert snipper.prefixes == ["emplo"]  # "employ" (employed) less its last letter
    segments, _ = snipper.snippet({"lead": "The employer dismissed an employee."})
    assert [t for t, m in segments if m] == ["employer", "employee"]
