"""Argos Translate packages on disk: install one offline from a `.argosmodel`, list the pairs.

Nothing here imports argostranslate: a package is a folder with a `metadata.json`, so listing
and model ids (the translation cache's key) stay instant. Loading a model is engine.py's job.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gdprkb.languages import language_name

ARGOS_INDEX_URL = "https://www.argosopentech.com/argospm/index/"


class InstallError(ValueError):
    """The file is not an installable Argos Translate package; the message says why."""


class MissingPair(LookupError):
    """No installed package translates between two languages; the message says how to get one."""

    def __init__(self, from_code: str, to_code: str) -> None:
        self.from_code = from_code
        self.to_code = to_code
        name = f"translate-{from_code}_{to_code}"
        super().__init__(
            f"no translation model for {language_name(from_code)} → {language_name(to_code)} "
            f"({from_code}→{to_code}) is installed. On a machine with internet, download the "
            f"'{name}' package (a .argosmodel file) from the Argos Translate package index "
            f"({ARGOS_INDEX_URL}), copy it here and run: gdprkb translate install "
            f"{name}.argosmodel"
        )


@dataclass(frozen=True)
class InstalledPair:
    """One installed translation package: a language pair and where it lives."""

    from_code: str
    to_code: str
    version: str
    path: Path
    location: str  # "home" (gdprkb's --home) or "argos" (argostranslate's own folder)

    @property
    def label(self) -> str:
        """'Danish → English (da→en)'."""
        return (
            f"{language_name(self.from_code)} → {language_name(self.to_code)} "
            f"({self.from_code}→{self.to_code})"
        )

    @property
    def model_id(self) -> str:
        """A stable id of this exact model, for the translation cache, without loading it."""
        digest = hashlib.sha1((self.path / "metadata.json").read_bytes())
        weights = self.path / "model" / "model.bin"
        digest.update(str(weights.stat().st_size if weights.exists() else -1).encode())
        return f"{self.from_code}-{self.to_code}@{self.version}#{digest.hexdigest()[:12]}"

    def to_dict(self) -> dict[str, str]:
        """JSON form for `translate list --json`."""
        return {
            "from": self.from_code,
            "to": self.to_code,
            "version": self.version,
            "location": self.location,
            "path": str(self.path),
            "model_id": self.model_id,
        }


def argos_packages_dir() -> Path:
    """argostranslate's own package folder: $ARGOS_PACKAGES_DIR, else under $XDG_DATA_HOME."""
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"]).expanduser()
    data = os.environ.get("XDG_DATA_HOME", "")
    base = Path(data).expanduser() if data else Path.home() / ".local" / "share"
    return base / "argos-translate" / "packages"


def _read_metadata(folder: Path) -> dict | None:
    try:
        meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def installed_pairs(models_dir: Path, *, include_argos: bool = True) -> list[InstalledPair]:
    """Translation packages in the home's models folder, then argostranslate's own folder.

    A pair found in both is listed once, from the home (which wins when translating).
    """
    places = [("home", Path(models_dir))]
    if include_argos:
        places.append(("argos", argos_packages_dir()))
    pairs: list[InstalledPair] = []
    seen: set[tuple[str, str]] = set()
    for location, folder in places:
        if not folder.is_dir():
            continue
        for sub in sorted(folder.iterdir()):
            meta = _read_metadata(sub) if sub.is_dir() else None
            if not meta or meta.get("type", "translate") != "translate":
                continue
            key = (str(meta.get("from_code")), str(meta.get("to_code")))
            if key in seen or None in (meta.get("from_code"), meta.get("to_code")):
                continue
            seen.add(key)
            version = str(meta.get("package_version", "?"))
            pairs.append(InstalledPair(key[0], key[1], version, sub, location))
    return pairs


def find_pair(models_dir: Path, from_code: str, to_code: str) -> InstalledPair:
    """The installed package for a pair; raises MissingPair naming it and how to get it."""
    for pair in installed_pairs(models_dir):
        if (pair.from_code, pair.to_code) == (from_code, to_code):
            return pair
    raise MissingPair(from_code, to_code)


def _check_archive(path: Path, zf: zipfile.ZipFile) -> tuple[str, dict]:
    """The package's single top folder and its metadata, or InstallError saying what is wrong."""
    names = zf.namelist()
    for name in names:
        parts = PurePosixPath(name).parts
        if name.startswith("/") or ".." in parts:
            raise InstallError(f"{path}: unsafe path inside the archive: {name!r}")
    tops = {PurePosixPath(n).parts[0] for n in names if PurePosixPath(n).parts}
    if len(tops) != 1:
        raise InstallError(
            f"{path}: an Argos package holds exactly one top-level folder, found {len(tops)}"
        )
    top = tops.pop()
    if f"{top}/metadata.json" not in names:
        raise InstallError(f"{path}: no {top}/metadata.json: not an Argos Translate package")
    try:
        meta = json.loads(zf.read(f"{top}/metadata.json"))
    except ValueError as e:
        raise InstallError(f"{path}: metadata.json is not valid JSON ({e})") from None
    if not isinstance(meta, dict) or not meta.get("from_code") or not meta.get("to_code"):
        raise InstallError(f"{path}: metadata.json lacks from_code/to_code")
    if meta.get("type", "translate") != "translate":
        raise InstallError(f"{path}: a {meta.get('type')!r} package, not a translation model")
    if f"{top}/model/model.bin" not in names:
        raise InstallError(f"{path}: no {top}/model/model.bin (the CTranslate2 model)")
    if not {f"{top}/sentencepiece.model", f"{top}/bpe.model"} & set(names):
        raise InstallError(f"{path}: no tokenizer (sentencepiece.model or bpe.model)")
    return top, meta


def install_package(archive: str | Path, target_dir: str | Path) -> InstalledPair:
    """Install a `.argosmodel` file into target_dir, offline; replaces an older same pair.

    We check and unpack the zip ourselves rather than with argostranslate's install_from_path:
    that one writes only to the folder fixed at its import, unpacks in place (a crash leaves
    half a package) and keeps an older version of the same pair beside the new one.
    """
    archive, target_dir = Path(archive), Path(target_dir)
    if not archive.is_file():
        raise InstallError(f"{archive}: no such file")
    if not zipfile.is_zipfile(archive):
        raise InstallError(f"{archive}: not an Argos Translate package (not a zip archive)")
    with zipfile.ZipFile(archive) as zf:
        top, meta = _check_archive(archive, zf)
        target_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=target_dir))
        try:
            zf.extractall(staging)
            for old in installed_pairs(target_dir, include_argos=False):
                if (old.from_code, old.to_code) == (meta["from_code"], meta["to_code"]):
                    shutil.rmtree(old.path)
            final = target_dir / top
            if final.exists():
                shutil.rmtree(final)
            (staging / top).rename(final)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    location = "home"
    if target_dir.resolve() == argos_packages_dir().resolve():
        location = "argos"
    version = str(meta.get("package_version", "?"))
    return InstalledPair(meta["from_code"], meta["to_code"], version, final, location)
