"""Guess a query's language offline with py3langid, among the languages we can translate.

Short queries are hard to identify among 97 languages ("video surveillance employee" scores as
French), so detection only chooses between English and the source languages of the installed
pairs, and picks another language than English only when it is clearly ahead.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Any

# Below this probability a non-English guess is not trusted: the query is searched as typed.
MIN_CONFIDENCE = 0.7

_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def _identifier() -> tuple[Any, frozenset[str]]:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    # Loading the shipped model takes ~0.5 s; it happens once, and only for auto-detection.
    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return ident, frozenset(ident.labels)


def detection_text(words: str) -> str:
    """The part of a query that says something about its language.

    Acronyms (GDPR, DSGVO, CCTV) and tokens with digits are the same in every language.
    """
    kept = [w for w in words.split() if not (w.isupper() or re.search(r"\d", w))]
    return " ".join(kept)


def detect_language(text: str, candidates: list[str]) -> tuple[str, float]:
    """(language code, probability) among candidates; ('en', 1.0) when there is nothing to judge.

    Another language than English wins only with probability >= MIN_CONFIDENCE.
    """
    text = detection_text(text)
    candidates = sorted(set(candidates) | {"en"})
    if not text or len(candidates) == 1:
        return "en", 1.0
    ident, labels = _identifier()
    known = [c for c in candidates if c in labels]
    if len(known) < 2:
        return "en", 1.0
    with _LOCK:  # set_languages changes the shared identifier
        ident.set_languages(known)
        lang, prob = ident.classify(text)
    if lang != "en" and prob < MIN_CONFIDENCE:
        return "en", 1.0 - prob
    return str(lang), float(prob)
