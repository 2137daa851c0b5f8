"""The app's translation controls in AppTest, with the tiny real Argos models: the query
language (as typed by default, in the URL), typed OR translated words with names kept,
"Translate summary" on the case page only where a model exists, the full text on demand, and
no control at all without models or without the translation stack."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from apptest_pages import run_app, texts, total_shown
from streamlit.testing.v1 import AppTest

from gdprkb.corpus.ingest import ingest
from gdprkb.corpus.store import Store
from gdprkb.corpus.translations import TranslationCache
from gdprkb.home import Home
from gdprkb.index.build import update_index
from gdprkb.index.search import SearchIndex
from gdprkb.translation import engine as engine_mod
from gdprkb.translation.engine import TranslationError
from gdprkb.translation.models import install_package
from gdprkb.translation.query import either_query

SEED = 2146  # Datatilsynet (Denmark) - 2019-431-0036


@pytest.fixture(scope="module")
def corpus_home(
    sample_subset: Path, sample_pages: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A small indexed home (about 120 sample pages plus the seed case), no models."""
    root = tmp_path_factory.mktemp("tr_app_home")
    pages = root / "pages"
    shutil.copytree(sample_subset, pages, symlinks=True)
    if not (pages / f"{SEED}.html").exists():
        (pages / f"{SEED}.html").symlink_to(sample_pages / f"{SEED}.html")
    home = Home(root / "home")
    with Store(home.db) as store:
        ingest(store, [pages], progress=False)
        update_index(store, home.index_dir, progress=False)
    return home.root


@pytest.fixture
def home(
    corpus_home: Path,
    tiny_argos_models: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Home:
    """A fresh copy of the small home with both tiny pairs installed, as the app's home."""
    root = tmp_path / "home"
    shutil.copytree(corpus_home, root)
    h = Home(root)
    for archive in tiny_argos_models.values():
        install_package(archive, h.models_dir)
    monkeypatch.setenv("GDPRKB_HOME", str(root))
    return h


def search(at: AppTest, query: str, lang: str | None = None) -> AppTest:
    if lang:
        at.selectbox(key="w_qlang").select(lang)
    at.text_input(key="w_q").input(query).run()
    assert not at.exception, at.exception
    return at


def plain_total(home: Home, query: str) -> int:
    return SearchIndex(home.index_dir).search(query, page_size=1).total


def union_total(home: Home, typed: str, english: str) -> int:
    """What typed OR translated finds, the typed words read as the index ran them."""
    used = SearchIndex(home.index_dir).search(typed, page_size=1).query_used
    return plain_total(home, either_query(used, english))


def searched_for(at: AppTest) -> str | None:
    """The translated query the "Searched for" line shows, or None."""
    for t in texts(at):
        m = re.match(r"Searched for your words or their translation from \w+: \*\*(.*)\*\*", t)
        if m:
            return m.group(1)
    return None


def test_language_selector_defaults_to_the_words_as_typed(home: Home) -> None:
    at = run_app()
    box = at.selectbox(key="w_qlang")
    assert box.options == ["As typed", "Detect language", "Danish"]
    assert box.value == "" and not box.disabled
    assert "lang" not in at.query_params


def test_english_query_is_searched_as_typed(home: Home) -> None:
    at = search(run_app(), "video surveillance")
    assert searched_for(at) is None
    assert total_shown(at) == plain_total(home, "video surveillance")


@pytest.mark.parametrize("lang", [None, "auto", "da"])
def test_a_name_query_never_finds_less_than_the_typed_words(home: Home, lang: str | None) -> None:
    """Issue 11: `Datatilsynet kamera` must not lose decisions to a translation."""
    typed = "Datatilsynet kamera"
    at = search(run_app(), typed, lang=lang)
    assert plain_total(home, typed) >= 1
    assert total_shown(at) >= plain_total(home, typed)
    english = searched_for(at)
    if lang == "da":  # translated, but the authority's name is kept as typed
        assert english is not None and "Datatilsynet" in english.split()
        assert total_shown(at) == union_total(home, typed, english)
    if lang is None:
        assert english is None and total_shown(at) == plain_total(home, typed)


def test_danish_query_searches_typed_or_translated_and_as_typed_is_one_click(home: Home) -> None:
    at = search(run_app(), "kamera samtykke", lang="da")
    english = searched_for(at)
    assert english and "kamera" not in english.split()
    assert total_shown(at) == union_total(home, "kamera samtykke", english)
    assert total_shown(at) >= plain_total(home, "kamera samtykke")
    assert at.query_params["lang"] == "da"
    # The seed case names the party KMD A/S: an acronym is a name, nothing to translate.
    at = search(at, "KMD")
    assert searched_for(at) is None
    assert total_shown(at) == plain_total(home, "KMD") >= 1
    at = search(at, "kamera samtykke")
    at.button(key="tr_as_typed").click().run()
    assert not at.exception
    assert at.selectbox(key="w_qlang").value == ""
    assert searched_for(at) is None and "lang" not in at.query_params
    assert total_shown(at) == plain_total(home, "kamera samtykke")


def test_the_language_comes_from_the_shared_url(home: Home) -> None:
    at = run_app(q="kamera samtykke", lang="da")
    assert at.selectbox(key="w_qlang").value == "da"
    assert searched_for(at)
    at = run_app(q="kamera", lang="auto")
    assert at.selectbox(key="w_qlang").value == "auto"


@pytest.mark.parametrize("lang", ["de", "zz", "<script>", "x" * 5000, "EN"])
def test_a_language_that_cannot_be_used_is_searched_as_typed(home: Home, lang: str) -> None:
    at = run_app(q="kamera", lang=lang)
    assert at.selectbox(key="w_qlang").value == ""
    assert total_shown(at) == plain_total(home, "kamera")
    assert "lang" not in at.query_params
    noted = any("cannot be translated here" in t for t in texts(at))
    assert noted == (lang in ("de", "zz"))


def test_structure_is_kept_in_the_searched_query(home: Home) -> None:
    at = search(run_app(), 'kamera AND country:Denmark "ulovlig overvågning"', lang="da")
    english = searched_for(at)
    assert english and re.match(r'\S+ AND country:Denmark "[^"]+"$', english), english


def test_a_failing_translation_never_blocks_the_search(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gdprkb.webapp import translation_controls

    def broken(*args: object, **kwargs: object) -> None:
        raise TranslationError("the Danish → English (da→en) model failed on a text: boom")

    monkeypatch.setattr(translation_controls, "translate_query", broken)
    at = search(run_app(), "kamera", lang="da")
    assert any("Searched the words as typed" in w.value for w in at.warning)
    assert total_shown(at) == plain_total(home, "kamera")


def _bare_home(corpus_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    root = tmp_path / "bare"
    shutil.copytree(corpus_home, root)
    monkeypatch.setenv("GDPRKB_HOME", str(root))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-argos"))
    return Home(root)


def test_without_models_no_language_control_is_shown_and_help_says_how(
    corpus_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _bare_home(corpus_home, tmp_path, monkeypatch)
    at = search(run_app(), "video surveillance")
    assert not [b for b in at.selectbox if b.key == "w_qlang"]
    assert total_shown(at) == plain_total(home, "video surveillance")
    assert any("gdprkb translate install" in t for t in texts(at))  # in the help panel
    case = run_app(case=str(SEED))
    assert not [b for b in case.selectbox if b.key == "w_summary_lang"]
    assert not any("argosmodel" in t or "translate install" in t for t in texts(case))


def test_without_the_translation_stack_nothing_translates_and_help_says_how(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gdprkb.webapp import translation_controls

    monkeypatch.setattr(translation_controls, "stack_installed", lambda: False)
    at = run_app(q="Datatilsynet kamera", lang="da")
    assert not [b for b in at.selectbox if b.key == "w_qlang"]
    assert total_shown(at) == plain_total(home, "Datatilsynet kamera")
    assert any("make translate" in t for t in texts(at))
    case = run_app(case=str(SEED))
    assert not [b for b in case.selectbox if b.key == "w_summary_lang"]


def test_reading_is_offered_only_for_installed_languages(
    corpus_home: Path, tiny_argos_models: dict[str, Path], tmp_path: Path, monkeypatch
) -> None:
    home = _bare_home(corpus_home, tmp_path, monkeypatch)
    install_package(tiny_argos_models["da_en"], home.models_dir)  # queries only
    case = run_app(case=str(SEED))
    assert not [b for b in case.selectbox if b.key == "w_summary_lang"]
    assert not any("argosmodel" in t for t in texts(case))
    assert run_app().selectbox(key="w_qlang").options[-1] == "Danish"


def test_translate_summary_on_the_case_page_is_cached(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = run_app(case=str(SEED))
    control = at.selectbox(key="w_summary_lang")
    assert control.label == "Translate summary"
    assert control.options == ["English (original)", "Danish"] and control.value == ""
    assert not any(t.startswith("**Summary in Danish**") for t in texts(at))
    control.select("da").run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert any(t.startswith("**Summary in Danish**") for t in shown)
    assert "**Facts**" in shown and "**Holding**" in shown
    cache = TranslationCache(home.db)
    cached = cache.count()
    assert cached >= 4
    # A repeat view is served from the cache: loading a model would fail now.
    monkeypatch.setattr(engine_mod, "_load", lambda *a: (_ for _ in ()).throw(AssertionError))
    again = run_app(case=str(SEED))
    again.selectbox(key="w_summary_lang").select("da").run()
    assert not again.exception, again.exception
    assert [t for t in texts(again) if "Summary in Danish" in t]
    assert cache.count() == cached


def test_full_text_is_translated_on_demand_with_progress(home: Home) -> None:
    at = run_app(case=str(SEED))
    at.selectbox(key="w_summary_lang").select("da").run()
    button = at.button(key="tr_full")
    assert button.label == "Translate the full text into Danish"
    button.click().run()
    assert not at.exception, at.exception
    assert any(t.startswith("**Full text in Danish**") for t in texts(at))
    # The translation stays on the page across reruns (and is cached in the database).
    at.run()
    assert any(t.startswith("**Full text in Danish**") for t in texts(at))
