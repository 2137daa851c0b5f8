"""Translate text with installed Argos Translate models: cached, chunked, loaded lazily.

Translations are cached in the corpus database (gdprkb.corpus.translations, keyed by model id
and text hash), so a repeat never loads a model.

`import argostranslate.translate` costs about 3 s (it pulls in spaCy, Stanza and torch), so it
happens only when a text is not in the cache. For that import, `import_argos` points
argostranslate's data, cache and config folders (the XDG variables) into the gdprkb home and
selects spaCy sentence splitting, so nothing is ever downloaded.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gdprkb.corpus.translations import TranslationCache
from gdprkb.translation.models import InstalledPair, find_pair, installed_pairs, language_name

Progress = Callable[[int, int], None]

# Loaded models, shared by every Engine in the process (the app serves many sessions).
_LOADED: dict[str, Any] = {}
_LOAD_LOCK = threading.Lock()
# One CTranslate2 call at a time keeps the 2-core machine responsive for searches.
_TRANSLATE_LOCK = threading.Lock()

CHUNK_CHARS = 1500


class TranslationError(RuntimeError):
    """A model could not be loaded or run; the message names the pair and the reason."""


NO_STACK = (
    "translating needs the optional translation stack (Argos Translate): run `make translate` "
    "or `pip install -e '.[translate]'` (docs/install.md: the CPU build of torch)"
)


def stack_installed() -> bool:
    """Whether the `translate` extra (argostranslate) is installed; looks, never imports."""
    return importlib.util.find_spec("argostranslate") is not None


def runtime_dir_for(models_dir: str | Path) -> Path:
    """Where argostranslate's own data/cache/config go: beside the models, inside the home."""
    return Path(models_dir).parent / "argos-runtime"


_ENV_VARS = ("XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_CONFIG_HOME", "ARGOS_CHUNK_TYPE")


def import_argos(runtime_dir: str | Path) -> tuple[Any, Any]:
    """Import argostranslate (package, translate) set up for offline use; once per process.

    argostranslate reads the XDG variables and ARGOS_CHUNK_TYPE only while it is imported, so
    we set them for the import and then put the user's values back. ARGOS_CHUNK_TYPE=SPACY
    picks spaCy's rule-based sentencizer: the default (MiniSBD) downloads a model at the first
    translation. Its start-up would also download spaCy's `xx_sent_ud_sm` unless
    `<cache>/argos-translate/spacy/senter/model` exists, so we create it, and put a blank
    multilingual pipeline in `<cache>/argos-translate/spacy` for packages that ship none.
    """
    if "argostranslate.translate" not in sys.modules:
        runtime = Path(runtime_dir).resolve()
        spacy_dir = runtime / "cache" / "argos-translate" / "spacy"
        if not (spacy_dir / "config.cfg").exists():
            import spacy

            spacy_dir.mkdir(parents=True, exist_ok=True)
            spacy.blank("xx").to_disk(spacy_dir)
        (spacy_dir / "senter" / "model").mkdir(parents=True, exist_ok=True)
        saved = {var: os.environ.get(var) for var in _ENV_VARS}
        os.environ.update(
            XDG_DATA_HOME=str(runtime / "data"),
            XDG_CACHE_HOME=str(runtime / "cache"),
            XDG_CONFIG_HOME=str(runtime / "config"),
            ARGOS_CHUNK_TYPE="SPACY",
        )
        try:
            import argostranslate.translate  # noqa: F401  (3 s: spaCy, Stanza, torch)
        finally:
            for var, value in saved.items():
                if value is None:
                    os.environ.pop(var, None)
                else:
                    os.environ[var] = value
    from argostranslate import package, translate

    return package, translate


def loaded_models() -> list[str]:
    """Keys of the models loaded in this process (tests prove a cache hit loads none)."""
    return list(_LOADED)


def _load(pair: InstalledPair, runtime_dir: Path) -> Any:
    key = f"{pair.path}|{pair.model_id}"
    with _LOAD_LOCK:
        if key in _LOADED:
            return _LOADED[key]
        if not stack_installed():
            raise TranslationError(f"cannot load the {pair.label} model: {NO_STACK}")
        try:
            package, translate = import_argos(runtime_dir)
            pkg = package.Package(pair.path)
            # Only a packaged spaCy pipeline is usable with ARGOS_CHUNK_TYPE=SPACY; real
            # packages bundle Stanza instead, so they use the blank pipeline in the cache.
            sbd = pkg.packaged_sbd_path
            if sbd is not None and Path(sbd).name != "spacy":
                pkg.packaged_sbd_path = None
            model = translate.PackageTranslation(
                translate.Language(pair.from_code, language_name(pair.from_code)),
                translate.Language(pair.to_code, language_name(pair.to_code)),
                pkg,
            )
        except Exception as e:  # any library failure becomes one clear message
            raise TranslationError(f"cannot load the {pair.label} model at {pair.path}: {e}") from e
        _LOADED[key] = model
        return model


def split_chunks(text: str, max_chars: int = CHUNK_CHARS) -> list[tuple[str, str]]:
    """Split text into (chunk, separator) pieces of at most ~max_chars, at paragraph breaks.

    A paragraph longer than max_chars is cut at sentence ends, then at spaces. Joining every
    chunk with its separator gives the text back.
    """
    parts = re.split(r"(\n+)", text)
    units: list[tuple[str, str]] = []
    for i in range(0, len(parts), 2):
        sub = _split_paragraph(parts[i], max_chars)
        para_sep = parts[i + 1] if i + 1 < len(parts) else ""
        sub[-1] = (sub[-1][0], sub[-1][1] + para_sep)
        units += sub
    chunks: list[tuple[str, str]] = []
    body: str | None = None
    sep = ""
    for piece, piece_sep in units:
        if body is not None and len(body) + len(sep) + len(piece) <= max_chars:
            body, sep = body + sep + piece, piece_sep
        else:
            if body is not None:
                chunks.append((body, sep))
            body, sep = piece, piece_sep
    chunks.append((body or "", sep))
    return chunks


def _split_paragraph(para: str, max_chars: int) -> list[tuple[str, str]]:
    if len(para) <= max_chars:
        return [(para, "")]
    out: list[tuple[str, str]] = []
    sentences = re.split(r"(?<=[.!?])(\s+)", para)
    for i in range(0, len(sentences), 2):
        sentence, sep = sentences[i], sentences[i + 1] if i + 1 < len(sentences) else ""
        while len(sentence) > max_chars:
            cut = sentence.rfind(" ", 0, max_chars)
            cut = cut if cut > 0 else max_chars
            out.append((sentence[:cut], " " if sentence[cut : cut + 1] == " " else ""))
            sentence = sentence[cut:].lstrip(" ")
        out.append((sentence, sep))
    return out


class Engine:
    """Translates with the models installed in a home, through the cache when one is given."""

    def __init__(
        self,
        models_dir: str | Path,
        cache: TranslationCache | None = None,
        *,
        runtime_dir: str | Path | None = None,
    ) -> None:
        self.models_dir = Path(models_dir)
        self.cache = cache
        self.runtime_dir = Path(runtime_dir) if runtime_dir else runtime_dir_for(models_dir)

    def pairs(self) -> list[InstalledPair]:
        """Installed pairs (home first, then argostranslate's own folder)."""
        return installed_pairs(self.models_dir)

    def pair(self, from_code: str, to_code: str) -> InstalledPair:
        """The pair's package; raises MissingPair with how to get it."""
        return find_pair(self.models_dir, from_code, to_code)

    def translate(self, text: str, from_code: str, to_code: str) -> str:
        """Translate one short text (a query, a paragraph); cached."""
        return self.translate_many([text], from_code, to_code)[0]

    def translate_many(
        self, texts: list[str], from_code: str, to_code: str, progress: Progress | None = None
    ) -> list[str]:
        """Translate each text; cached ones never load the model. progress(done, total)."""
        if from_code == to_code:
            return list(texts)
        pair = self.pair(from_code, to_code)
        model_id = pair.model_id
        todo = [t for t in texts if t.strip()]
        done = self.cache.get_many(model_id, todo) if self.cache else {}
        total, count = len(texts), sum(1 for t in texts if t in done or not t.strip())
        if progress:
            progress(count, total)
        for text in todo:
            if text in done:
                continue
            done[text] = self._run(pair, text)
            if self.cache:
                self.cache.put(model_id, from_code, to_code, text, done[text])
            count += 1
            if progress:
                progress(count, total)
        return [done.get(t, t) for t in texts]

    def _run(self, pair: InstalledPair, text: str) -> str:
        model = _load(pair, self.runtime_dir)
        try:
            with _TRANSLATE_LOCK:
                return str(model.translate(text))
        except Exception as e:  # a library failure on one text is reported, not a traceback
            raise TranslationError(f"the {pair.label} model failed on a text: {e}") from e
