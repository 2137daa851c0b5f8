"""The app's translation controls in AppTest, with the tiny real Argos models: the query
language selector, "Searched for" with one click back to the original words, "Translate
summary" on the case page and the full text translated on demand."""

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


def test_language_selector_lists_installed_source_languages(home: Home) -> None:
    at = run_app()
    box = at.selectbox(key="w_qlang")
    assert box.options == ["English (as typed)", "Detect language", "Danish"]
    assert box.value == "auto" and not box.disabled


def test_english_query_is_searched_as_typed(home: Home) -> None:
    at = search(run_app(), "video surveillance")
    assert not any(t.startswith("Searched for") for t in texts(at))
    assert total_shown(at) == plain_total(home, "video surveillance")


def test_danish_query_is_translated_and_original_is_one_click_away(home: Home) -> None:
    at = search(run_app(), "kamera samtykke", lang="da")
    line = [t for t in texts(at) if t.startswith("Searched for: ")]
    assert len(line) == 1 and "(translated from Danish)" in line[0]
    english = re.match(r"Searched for: \*\*(.*)\*\*", line[0]).group(1)  # type: ignore[union-attr]
    assert english and "kamera" not in english
    assert total_shown(at) == plain_total(home, english)
    # The seed case names the party KMD A/S: its original word finds it.
    at = search(at, "KMD")
    assert any(t.startswith("Searched for: ") for t in texts(at))
    at.button(key="tr_search_original").click().run()
    assert not at.exception
    assert any(t.startswith("Searched for your words as typed: **KMD**") for t in texts(at))
    assert total_shown(at) == plain_total(home, "KMD") >= 1
    # ...and back to the translation.
    at.button(key="tr_translate_again").click().run()
    assert any(t.startswith("Searched for: ") for t in texts(at))


def test_structure_is_kept_in_the_searched_query(home: Home) -> None:
    at = search(run_app(), 'kamera AND country:Denmark "ulovlig overvågning"', lang="da")
    line = next(t for t in texts(at) if t.startswith("Searched for: "))
    assert re.match(r'Searched for: \*\*\S+ AND country:Denmark "[^"]+"\*\*', line), line


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


def test_without_models_the_selector_is_disabled_and_search_works(
    corpus_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "bare"
    shutil.copytree(corpus_home, root)
    monkeypatch.setenv("GDPRKB_HOME", str(root))
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "no-argos"))
    at = search(run_app(), "video surveillance")
    box = at.selectbox(key="w_qlang")
    assert box.options == ["English (as typed)"] and box.disabled
    assert total_shown(at) == plain_total(Home(root), "video surveillance")
    at = run_app(case=str(SEED))
    assert any(
        "install translate" in t.lower() or "gdprkb translate install" in t for t in texts(at)
    )


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
