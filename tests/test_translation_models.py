"""translation/models.py: offline install of .argosmodel files, listing pairs, clear errors."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest

from gdprkb.translation.models import (
    InstallError,
    MissingPair,
    argos_packages_dir,
    find_pair,
    install_package,
    installed_pairs,
)


def _zip(path: Path, files: dict[str, str | bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def _meta(**over: object) -> str:
    meta = {"package_version": "1.0", "from_code": "de", "to_code": "en", "type": "translate"}
    meta.update(over)
    return json.dumps(meta)


def test_install_into_home_then_list(tmp_path: Path, tiny_argos_models: dict[str, Path]) -> None:
    models = tmp_path / "argos"
    pair = install_package(tiny_argos_models["da_en"], models)
    assert (pair.from_code, pair.to_code, pair.location) == ("da", "en", "home")
    assert (pair.path / "model" / "model.bin").is_file()
    assert (pair.path / "spacy" / "config.cfg").is_file()
    listed = installed_pairs(models, include_argos=False)
    assert [(p.from_code, p.to_code, p.version) for p in listed] == [("da", "en", "0.0.1")]
    # No leftover staging folder next to the package.
    assert [p.name for p in models.iterdir()] == ["tiny-da_en"]


def test_install_does_not_import_argostranslate(
    tmp_path: Path, tiny_argos_models: dict[str, Path]
) -> None:
    import subprocess

    code = (
        "import sys; from gdprkb.translation.models import install_package as i; "
        f"i({str(tiny_argos_models['en_da'])!r}, {str(tmp_path)!r}); "
        "print('argostranslate' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_reinstall_replaces_older_version_of_same_pair(
    tmp_path: Path, tiny_argos_models: dict[str, Path]
) -> None:
    models = tmp_path / "argos"
    install_package(tiny_argos_models["da_en"], models)
    newer = tmp_path / "newer.argosmodel"
    with zipfile.ZipFile(tiny_argos_models["da_en"]) as src, zipfile.ZipFile(newer, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            name = item.filename.replace("tiny-da_en", "translate-da_en-2_0")
            if name.endswith("metadata.json"):
                data = json.dumps({**json.loads(data), "package_version": "2.0"}).encode()
            dst.writestr(name, data)
    pair = install_package(newer, models)
    assert pair.version == "2.0"
    listed = installed_pairs(models, include_argos=False)
    assert [(p.path.name, p.version) for p in listed] == [("translate-da_en-2_0", "2.0")]


def test_argos_own_folder_is_listed_after_home(
    tmp_path: Path, tiny_argos_models: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "argos-own" / "packages"
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(own))
    assert argos_packages_dir() == own
    pair = install_package(tiny_argos_models["en_da"], own)
    assert pair.location == "argos"
    install_package(tiny_argos_models["da_en"], tmp_path / "home-models")
    listed = installed_pairs(tmp_path / "home-models")
    assert [(p.from_code, p.location) for p in listed] == [("da", "home"), ("en", "argos")]
    assert find_pair(tmp_path / "home-models", "en", "da").path == own / "tiny-en_da"


def test_argos_own_folder_follows_xdg_data_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARGOS_PACKAGES_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert argos_packages_dir() == tmp_path / "data" / "argos-translate" / "packages"


def test_model_id_is_stable_and_differs_per_pair(
    tmp_path: Path, tiny_argos_models: dict[str, Path]
) -> None:
    a = install_package(tiny_argos_models["da_en"], tmp_path / "a")
    b = install_package(tiny_argos_models["da_en"], tmp_path / "b")
    c = install_package(tiny_argos_models["en_da"], tmp_path / "a")
    assert a.model_id == b.model_id
    assert a.model_id.startswith("da-en@0.0.1#")
    assert c.model_id != a.model_id


def test_missing_pair_names_the_pair_and_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(MissingPair) as e:
        find_pair(tmp_path, "da", "en")
    msg = str(e.value)
    assert "Danish → English (da→en)" in msg
    assert "translate-da_en" in msg
    assert "gdprkb translate install" in msg
    assert (e.value.from_code, e.value.to_code) == ("da", "en")


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"a/metadata.json": _meta(), "b/x": "y"}, "exactly one top-level folder"),
        ({"pkg/model/model.bin": "x", "pkg/sentencepiece.model": "x"}, "no pkg/metadata.json"),
        ({"pkg/metadata.json": "{not json"}, "not valid JSON"),
        ({"pkg/metadata.json": _meta(from_code=None)}, "lacks from_code/to_code"),
        ({"pkg/metadata.json": _meta(type="sbd")}, "'sbd' package"),
        ({"pkg/metadata.json": _meta(), "pkg/sentencepiece.model": "x"}, "no pkg/model/model.bin"),
        ({"pkg/metadata.json": _meta(), "pkg/model/model.bin": "x"}, "no tokenizer"),
        ({"pkg/metadata.json": _meta(), "pkg/../../evil": "x"}, "unsafe path"),
    ],
)
def test_bad_package_files_get_a_clear_error(
    tmp_path: Path, files: dict[str, str], reason: str
) -> None:
    archive = _zip(tmp_path / "bad.argosmodel", files)
    target = tmp_path / "models"
    with pytest.raises(InstallError, match=reason) as e:
        install_package(archive, target)
    assert str(archive) in str(e.value)
    assert not target.exists() or not any(target.iterdir())


def test_not_a_zip_and_missing_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.argosmodel"
    junk.write_bytes(b"\x00\x01 not a zip")
    with pytest.raises(InstallError, match="not a zip archive"):
        install_package(junk, tmp_path / "m")
    with pytest.raises(InstallError, match="no such file"):
        install_package(tmp_path / "nope.argosmodel", tmp_path / "m")


def test_a_broken_folder_among_packages_is_ignored_by_listing(
    tmp_path: Path, tiny_argos_models: dict[str, Path]
) -> None:
    models = tmp_path / "argos"
    install_package(tiny_argos_models["da_en"], models)
    (models / "leftover").mkdir()
    (models / "garbled").mkdir()
    (models / "garbled" / "metadata.json").write_text("{oops")
    assert [p.from_code for p in installed_pairs(models, include_argos=False)] == ["da"]
