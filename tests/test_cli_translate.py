"""gdprkb/cli/translate.py: `translate install|list` and `show --lang/--full/--json` on a real
page (the seed case, 2146), with the tiny model; errors are one line and exit code 2."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gdprkb.cli import app
from gdprkb.corpus.translations import TranslationCache

runner = CliRunner()


def run(home: Path, *args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, ["--home", str(home), *args])
    return res.exit_code, res.stdout, res.stderr


@pytest.fixture
def home(tmp_path: Path, sample_pages: Path) -> Path:
    """A home holding the seed case 2146."""
    code, _, err = run(tmp_path, "ingest", str(sample_pages / "2146.html"))
    assert code == 0, err
    return tmp_path


def test_install_then_list(home: Path, tiny_argos_models: dict[str, Path]) -> None:
    code, out, _ = run(home, "translate", "list")
    assert code == 0 and "no translation models installed" in out
    code, out, _ = run(home, "translate", "install", str(tiny_argos_models["en_da"]))
    assert code == 0
    assert "installed English → Danish (en→da) 0.0.1" in out
    assert (home / "argos" / "tiny-en_da" / "metadata.json").is_file()
    code, out, _ = run(home, "translate", "list")
    assert code == 0 and out.startswith("en→da  English → Danish (en→da)  v0.0.1  [home]")
    code, out, _ = run(home, "translate", "list", "--json")
    listed = json.loads(out)
    assert [(p["from"], p["to"], p["location"]) for p in listed] == [("en", "da", "home")]
    assert listed[0]["model_id"].startswith("en-da@0.0.1#")


def test_install_into_argos_own_folder(
    home: Path, tiny_argos_models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "argos-own"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(own))
    code, out, _ = run(
        home, "translate", "install", str(tiny_argos_models["da_en"]), "--into", "argos"
    )
    assert code == 0 and str(own / "tiny-da_en") in out
    assert not (home / "argos").exists()
    code, out, _ = run(home, "translate", "list")
    assert "da→en" in out and "[argos]" in out


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04 truncated", b"<html>nope</html>"])
def test_install_bad_file_is_one_line_exit_2(home: Path, tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "bad.argosmodel"
    bad.write_bytes(content)
    code, out, err = run(home, "translate", "install", str(bad))
    assert code == 2
    assert err.startswith(f"error: {bad}: ") and "Traceback" not in err + out
    code, _, err = run(home, "translate", "install", str(tmp_path / "missing.argosmodel"))
    assert code == 2 and "no such file" in err


def test_show_in_english(home: Path) -> None:
    code, out, _ = run(home, "show", "2146")
    assert code == 0
    assert out.startswith("Datatilsynet (Denmark) - 2019-431-0036\n")
    assert re.search(r"^Outcome: +Reprimand$", out, re.M)
    assert re.search(r"^Parties: +KMD A/S$", out, re.M)
    assert "== Summary ==" in out and "== Holding ==" in out
    assert "--full" in out and "CC BY-NC-SA 4.0" in out
    code, out, _ = run(home, "show", "2146", "--json")
    record = json.loads(out)
    assert record["page_id"] == 2146 and record["translation"] is None


def test_show_translated_and_cached(home: Path, tiny_argos_models: dict[str, Path]) -> None:
    run(home, "translate", "install", str(tiny_argos_models["en_da"]))
    code, out, err = run(home, "show", "2146", "--lang", "da", "--json")
    assert code == 0, err
    record = json.loads(out)
    tr = record["translation"]
    assert tr["lang"] == "da" and tr["model_id"].startswith("en-da@")
    assert set(tr["sections"]) == {"lead", "facts", "dispute", "holding"}
    assert all(text.strip() for text in tr["sections"].values())
    assert tr["sections"]["lead"] != record["lead"]
    assert "translating" in err  # the progress bar, on stderr
    cache = TranslationCache(home / "corpus.sqlite")
    cached = cache.count()
    assert cached >= 4
    # A repeat is served from the cache: same text, nothing new cached, no progress bar.
    code, out2, err2 = run(home, "show", "2146", "--lang", "da", "--json")
    assert code == 0 and json.loads(out2)["translation"] == tr
    assert cache.count() == cached and "translating" not in err2
    code, text, _ = run(home, "show", "2146", "--lang", "da")
    assert "== Summary (machine-translated into Danish) ==" in text
    assert tr["sections"]["lead"] in text


def test_show_full_translates_the_machine_translation_in_chunks(
    home: Path, tiny_argos_models: dict[str, Path]
) -> None:
    run(home, "translate", "install", str(tiny_argos_models["en_da"]))
    code, out, err = run(home, "show", "2146", "--lang", "da", "--full", "--json")
    assert code == 0, err
    record = json.loads(out)
    full = record["translation"]["sections"]["machine_translation"]
    assert full.strip()
    # The chunks keep the decision's paragraph breaks.
    assert full.count("\n") == record["machine_translation"].count("\n")
    assert "chunk" in err


def test_show_missing_pair_and_unknown_case(home: Path) -> None:
    code, out, err = run(home, "show", "2146", "--lang", "fr")
    assert code == 2 and not out
    assert "English → French (en→fr)" in err and "gdprkb translate install" in err
    assert "Traceback" not in err
    code, _, err = run(home, "show", "999999")
    assert code == 2 and "no case with page id, case number or ECLI '999999'" in err


def test_show_without_a_corpus(tmp_path: Path) -> None:
    code, _, err = run(tmp_path / "empty", "show", "2146")
    assert code == 2 and "no corpus" in err


@pytest.fixture
def indexed_home(home: Path, tiny_argos_models: dict[str, Path]) -> Path:
    """The seed-case home, indexed, with the tiny da→en model installed."""
    code, _, err = run(home, "index", "--quiet")
    assert code == 0, err
    run(home, "translate", "install", str(tiny_argos_models["da_en"]))
    return home


def test_search_lang_adds_translated_query(indexed_home: Path) -> None:
    q = 'artikel 32 AND "ulovlig overvågning" country:Denmark'
    code, out, err = run(indexed_home, "search", "--lang", "da", q, "--json")
    assert code == 0, err
    tr = json.loads(out)["translated_query"]
    assert tr["original"] == q and tr["source_lang"] == "da" and tr["translated"] is True
    assert tr["query"].startswith('Article 32 AND "') and tr["query"].endswith('" country:Denmark')
    assert "ulovlig" not in tr["query"]
    code, text, _ = run(indexed_home, "search", "--lang", "da", "kamera samtykke")
    assert code == 0 and text.startswith("searched for: ") and "--original" in text


def test_search_without_lang_or_with_original_searches_as_typed(indexed_home: Path) -> None:
    code, out, _ = run(indexed_home, "search", "udviklingsserver", "--json")
    assert code == 0 and "translated_query" not in json.loads(out)
    code, out, _ = run(indexed_home, "search", "--lang", "da", "--original", "KMD", "--json")
    res = json.loads(out)
    assert res["translated_query"]["query"] == "KMD"
    assert res["translated_query"]["translated"] is False
    assert res["total"] >= 1  # the seed case names KMD A/S


def test_search_lang_auto_keeps_english(indexed_home: Path) -> None:
    code, out, _ = run(indexed_home, "search", "--lang", "auto", "data breach", "--json")
    tr = json.loads(out)["translated_query"]
    assert (tr["query"], tr["translated"], tr["source_lang"]) == ("data breach", False, "en")


def test_search_lang_missing_pair_is_a_clear_error(indexed_home: Path) -> None:
    code, out, err = run(indexed_home, "search", "--lang", "de", "Videoüberwachung")
    assert code == 2 and "German → English (de→en)" in err and "Traceback" not in err


def test_search_batch_translates_each_line(indexed_home: Path, tmp_path: Path) -> None:
    queries = tmp_path / "queries.txt"
    queries.write_text("ulovlig overvågning\ndata breach\n", encoding="utf-8")
    code, out, _ = run(indexed_home, "search", "--lang", "auto", "--batch", str(queries))
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["translated_query"]["source_lang"] for r in rows] == ["da", "en"]
    assert [r["translated_query"]["translated"] for r in rows] == [True, False]
