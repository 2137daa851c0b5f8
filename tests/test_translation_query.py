"""translation/query.py: query structure survives translation; English and
untranslatable queries skip the model; language detection among the installed pairs."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gdprkb.corpus.translations import TranslationCache
from gdprkb.index.querylang import tokenize
from gdprkb.translation.engine import Engine
from gdprkb.translation.models import MissingPair, install_package
from gdprkb.translation.query import (
    detect_language,
    detection_text,
    either_query,
    known_names,
    looks_like_name,
    segment,
    translate_query,
)

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def engine(tmp_path: Path, tiny_argos_models: dict[str, Path]) -> Engine:
    """An engine with the tiny da→en model installed and a cache."""
    install_package(tiny_argos_models["da_en"], tmp_path / "argos")
    return Engine(tmp_path / "argos", TranslationCache(tmp_path / "corpus.sqlite"))


def kinds(query: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in segment(query) if s.kind != "ws"]


@pytest.mark.parametrize(
    "query",
    [
        'artikel 32 AND "ulovlig overvågning"',
        "(kamera OR overvågning) NOT medarbejder",
        'authority:"Datatilsynet (Denmark)" year:2019..2021 fine:>10000 overvåg*',
        'Art. 6(1)(f) DSGVO -samtykke "unbalanced',
        "",
    ],
)
def test_segments_join_back_to_the_query(query: str) -> None:
    assert "".join(s.text for s in segment(query)) == query


def test_segment_kinds() -> None:
    assert kinds('artikel 32 AND "ulovlig overvågning"') == [
        ("article", "artikel 32"),
        ("op", "AND"),
        ("phrase", '"ulovlig overvågning"'),
    ]
    assert kinds("(kamera OR bøde) NOT and") == [
        ("paren", "("),
        ("word", "kamera"),
        ("op", "OR"),
        ("word", "bøde"),
        ("paren", ")"),
        ("op", "NOT"),
        ("word", "and"),  # operators are upper-case only, as in the search language
    ]
    assert kinds('country:Denmark outcome:"Violation found" year:2021..2023 fine:>10000') == [
        ("field", "country:Denmark"),
        ("field", 'outcome:"Violation found"'),
        ("field", "year:2021..2023"),
        ("field", "fine:>10000"),
    ]
    assert kinds("Art. 6(1)(f) § 26 artículo 17 DSGVO RGPD overvåg* -samtykke 2019-431-0036") == [
        ("article", "Art. 6(1)(f)"),
        ("number", "§"),
        ("number", "26"),
        ("article", "artículo 17"),
        ("gdpr", "DSGVO"),
        ("gdpr", "RGPD"),
        ("wildcard", "overvåg*"),
        ("prefix", "-"),
        ("word", "samtykke"),
        ("number", "2019-431-0036"),
    ]
    assert kinds('"open phrase') == [("gap", '"'), ("word", "open"), ("word", "phrase")]
    assert kinds("smart 5") == [("word", "smart"), ("number", "5")]


def test_structure_survives_translation(engine: Engine) -> None:
    q = (
        '(kamera OR overvågning) AND artikel 32 NOT "ulovlig overvågning" '
        'authority:"Datatilsynet (Denmark)" year:2019..2021 fine:>10000 overvåg* 2019-431-0036'
    )
    tr = translate_query(q, engine, "da")
    assert tr.translated and tr.source_lang == "da" and not tr.detected
    assert tr.model_id == engine.pair("da", "en").model_id
    out = tr.query
    # Everything that is not a free word is kept exactly, in order.
    pattern = (
        r'^\((?P<a>[^()"]+) OR (?P<b>[^()"]+)\) AND Article 32 NOT "(?P<c>[^"]+)" '
        r'authority:"Datatilsynet \(Denmark\)" year:2019\.\.2021 fine:>10000 overvåg\* '
        r"2019-431-0036$"
    )
    m = re.match(pattern, out)
    assert m, out
    for word in m.groups():
        assert word.strip() and word.split()[0] not in {"AND", "OR", "NOT"}
    assert "kamera" not in out and "ulovlig" not in out


def test_prefix_gdpr_names_and_unbalanced_quote(engine: Engine) -> None:
    out = translate_query('Art. 6(1)(f) DSGVO -samtykke "bøde', engine, "da").query
    assert re.match(r'^Article 6\(1\)\(f\) GDPR -\S+ "\S', out), out
    assert "samtykke" not in out and "bøde" not in out


def test_translation_output_cannot_inject_syntax(engine: Engine) -> None:
    from gdprkb.translation import query

    assert query._clean('a "b" (c) AND d: e*.', "x") == "a b c and d e"
    assert query._clean(' ."() ', "fallback") == "fallback"


def test_only_structure_means_no_model_call(engine: Engine, tmp_path: Path) -> None:
    tr = translate_query("country:Denmark artikel 32", Engine(tmp_path / "empty"), "da")
    # No free words: no pair needed, article references still normalized.
    assert tr.query == "country:Denmark Article 32"
    assert tr.model_id is None


def test_english_is_returned_untouched(engine: Engine) -> None:
    for lang in ("en", "EN"):
        tr = translate_query('"video surveillance" employee', engine, lang)
        assert (tr.query, tr.translated, tr.source_lang) == (
            '"video surveillance" employee',
            False,
            "en",
        )


def test_auto_detects_danish_and_keeps_english(engine: Engine) -> None:
    da = translate_query("udviklingsserver bitcoin", engine, "auto")
    assert (da.source_lang, da.detected, da.translated) == ("da", True, True)
    en = translate_query("video surveillance employee", engine, "auto")
    assert (en.query, en.source_lang, en.detected, en.translated) == (
        "video surveillance employee",
        "en",
        True,
        False,
    )


def test_auto_without_models_searches_as_typed(tmp_path: Path) -> None:
    tr = translate_query("ulovlig overvågning", Engine(tmp_path / "none"), "auto")
    assert (tr.query, tr.translated) == ("ulovlig overvågning", False)
    assert "no translation model installed" in (tr.note or "")


def test_explicit_language_without_pair_raises_missing_pair(engine: Engine) -> None:
    with pytest.raises(MissingPair, match=r"\(de→en\)"):
        translate_query("Videoüberwachung Arbeitnehmer", engine, "de")


def test_english_query_never_imports_argostranslate(engine: Engine) -> None:
    """Auto-detection of an English query (with a model installed) costs no model import."""
    code = textwrap.dedent(
        f"""
        import sys
        from gdprkb.translation.engine import Engine
        from gdprkb.translation.query import translate_query
        tr = translate_query("video surveillance employee", Engine({str(engine.models_dir)!r}))
        tr2 = translate_query("cookies", Engine({str(engine.models_dir)!r}), "en")
        print(tr.translated, tr2.translated, "argostranslate" in sys.modules)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert run.stdout.split() == ["False", "False", "False"]


def test_repeated_query_is_served_from_the_cache(engine: Engine, monkeypatch) -> None:
    first = translate_query("ulovlig overvågning", engine, "da")
    from gdprkb.translation import engine as engine_mod

    monkeypatch.setattr(engine_mod, "_load", lambda *a: (_ for _ in ()).throw(AssertionError))
    assert translate_query("ulovlig overvågning", engine, "da").query == first.query


@pytest.mark.parametrize(
    ("text", "candidates", "expected"),
    [
        ("udviklingsserver bitcoin", ["da"], "da"),
        ("ulovlig overvågning", ["da", "de"], "da"),
        ("Videoüberwachung Arbeitnehmer", ["da", "de"], "de"),
        ("video surveillance employee", ["da", "de", "fr"], "en"),
        ("data breach fine", ["da", "de"], "en"),
        ("GDPR CCTV 2019", ["da"], "en"),
        ("anything", [], "en"),
    ],
)
def test_detect_language(text: str, candidates: list[str], expected: str) -> None:
    assert detect_language(text, candidates)[0] == expected


def test_detection_ignores_acronyms_and_numbers() -> None:
    assert detection_text("GDPR artikel 32 DSGVO kamera 5(1)(f)") == "artikel kamera"


# --- names are never translated -------------------------------------------------------------

NAMES = known_names(
    [
        "Datatilsynet (Denmark)",
        "AEPD (Spain)",
        "Garante per la protezione dei dati personali (Italy)",
    ]
)


def test_known_names_come_from_facet_values_whole() -> None:
    assert {("datatilsynet",), ("denmark",), ("aepd",), ("spain",), ("italy",)} <= NAMES
    assert ("garante", "per", "la", "protezione", "dei", "dati", "personali") in NAMES
    # One word of a many-word name is an ordinary word.
    assert ("protezione",) not in NAMES and ("dati",) not in NAMES


def test_an_authority_name_is_kept_as_typed(engine: Engine) -> None:
    for query in ("Datatilsynet kamera", "datatilsynet kamera", "kamera Datatilsynet,"):
        tr = translate_query(query, engine, "da", names=NAMES)
        assert tr.translated and "kamera" not in tr.query.split()
        name = next(w for w in query.split() if w.lower().startswith("datatilsynet"))
        assert name in tr.query.split(), (query, tr.query)


def test_a_many_word_name_is_kept_only_whole(engine: Engine) -> None:
    tr = translate_query(
        "Garante per la protezione dei dati personali bøde", engine, "da", names=NAMES
    )
    assert tr.query.startswith("Garante per la protezione dei dati personali ")
    assert not tr.query.endswith("bøde")
    part = translate_query("protezione bøde", engine, "da", names=NAMES)
    assert "protezione" not in part.query.split()


def test_capitals_mark_names_but_not_a_first_word_or_german_nouns(engine: Engine) -> None:
    tr = translate_query("kamera Google CNIL WhatsApp 2019-431-0036", engine, "da")
    assert tr.query.split()[1:] == ["Google", "CNIL", "WhatsApp", "2019-431-0036"]
    first = translate_query("Kamera overvågning", engine, "da")
    assert "Kamera" not in first.query.split()  # a capital at the start is a sentence's
    assert looks_like_name("Datatilsynet", first=False, lang="da")
    assert not looks_like_name("Datatilsynet", first=True, lang="da")
    assert not looks_like_name("Arbeitnehmer", first=False, lang="de")  # every German noun
    assert looks_like_name("BfDI", first=True, lang="de")
    assert not looks_like_name("§", first=False, lang="da")


def test_names_are_left_out_of_language_detection(engine: Engine) -> None:
    # Only names: nothing to detect or translate, the query is searched as typed.
    tr = translate_query("Datatilsynet", engine, "auto", names=NAMES)
    assert (tr.query, tr.translated) == ("Datatilsynet", False)


# --- the typed words are always searched too -----------------------------------------------


def test_either_query_searches_typed_or_translated() -> None:
    assert either_query("kamera", "camera") == "(kamera) OR (camera)"
    assert either_query("kamera", "kamera") == "kamera"
    assert either_query("kamera", " ") == "kamera"


@pytest.mark.parametrize(
    "typed", ['"open phrase', "a) b", "((x", 'authority:"Datatil', "x (y", ') "q" ((']
)
def test_either_query_balances_what_the_parser_would_repair(typed: str) -> None:
    from gdprkb.index.querylang import parse_query

    union = either_query(typed, "zz")
    assert union.endswith(" OR (zz)")
    assert parse_query(union).warnings == []


# --- one tokenizer: the search parser's ------------------------------------------------------


def test_only_the_parsers_operators_are_operators() -> None:
    assert kinds("a ANDNOT b TO c && d || e AND f") == [
        ("word", "a"),
        ("word", "ANDNOT"),  # not an operator of the search language: a word
        ("word", "b"),
        ("word", "TO"),
        ("word", "c"),
        ("op", "&&"),
        ("word", "d"),
        ("op", "||"),
        ("word", "e"),
        ("op", "AND"),
        ("word", "f"),
    ]


def test_an_unknown_field_is_words_as_the_parser_reads_it() -> None:
    assert kinds("foo:kamera year:2020 +bøde") == [
        ("word", "foo"),
        ("gap", ":"),
        ("word", "kamera"),
        ("field", "year:2020"),
        ("gap", " +"),
        ("word", "bøde"),
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab AORNDT()"-+:*yer2019.§', max_size=40))
def test_segments_are_the_parsers_tokens(query: str) -> None:
    segments = segment(query)
    assert "".join(s.text for s in segments) == query
    tokens = tokenize(query)
    ops = [query[t.start : t.end] for t in tokens if t.kind == "OP"]
    assert [s.text for s in segments if s.kind == "op"] == ops
    fields = [query[t.start : t.end] for t in tokens if t.kind == "FIELD"]
    assert [s.text for s in segments if s.kind == "field"] == fields
    phrases = [query[t.start : t.end] for t in tokens if t.kind == "PHRASE"]
    assert [s.text for s in segments if s.kind == "phrase"] == phrases


def test_a_translation_that_returns_an_operator_adds_a_word(engine: Engine) -> None:
    tr = translate_query("kamera ANDNOT bøde", engine, "da")
    assert not [s for s in segment(tr.query) if s.kind in ("op", "field", "paren", "prefix")]
