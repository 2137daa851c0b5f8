"""Translate a search query to English while keeping its structure; detect its language.

Only free words and the contents of "phrases" are translated. Operators (AND, OR, NOT),
parentheses, `field:value` filters, numbers, wildcard terms and +/- prefixes are kept as typed;
article references such as `artikel 32` or `Art. 6(1)(f)` become `Article 32` without the model,
and GDPR's local names (DSGVO, RGPD, AVG, RODO...) become `GDPR`. An English query (chosen or
detected) returns at once and never imports argostranslate.

Detection (py3langid, offline) only chooses between English and the source languages of the
installed pairs: short queries are hard to identify among 97 languages ("video surveillance
employee" scores as French), so another language than English wins only when clearly ahead.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import asdict, dataclass
from typing import Any

from gdprkb.translation.engine import Engine

OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}

# "article" in the EU's languages, with common abbreviations: art, art., artt. (Not "§", which
# cites national laws: "§ 26 BDSG" is kept as typed.)
_ARTICLE_WORDS = (
    r"art(?:icles?|ikel|ikla|ikkel|ículos?|icolo|icoli|igos?|ykuł|ykułu|ykuły|iculul|ikulu"
    r"|ikuls|ikolas|iklis|\.|t\.)?|článek|článku|člen|člena|cikk|άρθρο|pants|straipsnis"
)
# Local names of the GDPR, mapped to the name the English summaries use.
GDPR_NAMES = {"gdpr", "dsgvo", "ds-gvo", "rgpd", "avg", "rodo", "gdpr-verordnung"}

_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<paren>[()])
  | (?P<field>[^\W\d]\w*:(?:"[^"]*"?|[^\s()]*))            # authority:"x y", year:2021..2023
  | (?P<article>(?:{_ARTICLE_WORDS})\s*\d+(?:\(\w+\))*)     # artikel 32, Art. 6(1)(f), § 4
  | (?P<phrase>"[^"]*")                                    # a closed "phrase"
  | (?P<quote>")                                           # an unbalanced quote, kept as is
  | (?P<prefix>[+-](?=[^\s()"]))                           # -word, +word
  | (?P<word>[^\s()"]+)
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass
class Segment:
    """One piece of a query: kind is ws, paren, field, article, phrase, quote, prefix, op,
    number (also case numbers and symbols), wildcard, gdpr or word."""

    kind: str
    text: str

    @property
    def free(self) -> bool:
        """Whether this piece is translated."""
        return self.kind in ("word", "phrase")


def segment(query: str) -> list[Segment]:
    """Split a query into typed segments; joining their texts gives the query back."""
    out: list[Segment] = []
    for m in _TOKEN.finditer(query):
        kind, text = m.lastgroup or "word", m.group()
        if kind == "word":
            if text in OPERATORS:
                kind = "op"
            elif text.lower().strip(".,;:") in GDPR_NAMES:
                kind = "gdpr"
            elif "*" in text or "?" in text:
                kind = "wildcard"
            elif re.search(r"\d", text) or not re.search(r"[^\W\d_]", text):
                kind = "number"  # numbers, case numbers, and symbols such as § or &
        out.append(Segment(kind, text))
    return out


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


@dataclass
class QueryTranslation:
    """What a query became: the English query to search, and how it got there."""

    original: str
    query: str
    source_lang: str | None
    translated: bool
    detected: bool = False
    model_id: str | None = None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the CLI's `translated_query`)."""
        return asdict(self)


def _runs(segments: list[Segment]) -> list[list[int]]:
    """Indexes of free segments grouped into runs: words next to each other translate together,
    so the model sees "ulovlig overvågning" and not two lone words."""
    runs: list[list[int]] = []
    current: list[int] = []
    for i, seg in enumerate(segments):
        if seg.kind == "ws":
            continue
        if seg.kind == "word" and not (i > 0 and segments[i - 1].kind == "prefix"):
            current.append(i)
            continue
        if current:
            runs.append(current)
            current = []
        if seg.free:  # a phrase, or a +/- word: on its own
            runs.append([i])
    if current:
        runs.append(current)
    return runs


def _clean(translation: str, fallback: str) -> str:
    """Keep a translation from changing the query's syntax."""
    text = re.sub(r'["():*?]', " ", translation)
    words = [w.lower() if w in OPERATORS else w for w in text.split()]
    text = " ".join(words).strip(" .,;!")
    return text or fallback


def _article(text: str) -> str:
    m = re.search(r"\d.*$", text)
    return f"Article {m.group()}" if m else text


def _free_text(segments: list[Segment]) -> str:
    return " ".join(s.text.strip('"') for s in segments if s.free)


def translate_query(
    query: str, engine: Engine, lang: str = "auto", *, original: bool = False
) -> QueryTranslation:
    """The English form of query. lang: 'auto' (detect), 'en' (keep), or a language code.

    An explicit language without an installed pair raises MissingPair; 'auto' detects only
    among the installed pairs' languages, so it never does. `original` keeps the query as typed
    (and says so).
    """
    if original:
        return QueryTranslation(query, query, None, False, note="searched as typed (--original)")
    lang = (lang or "auto").lower()
    if lang == "en" or not query.strip():
        return QueryTranslation(query, query, "en", False)
    segments = segment(query)
    words = _free_text(segments)
    detected = False
    if lang == "auto":
        sources = sorted({p.from_code for p in engine.pairs() if p.to_code == "en"})
        if not words or not sources:
            note = None if sources else "no translation model installed: searched as typed"
            return QueryTranslation(query, query, "en", False, note=note)
        try:
            lang, _ = detect_language(words, sources)
        except ImportError:
            note = "language detection needs py3langid (pip install 'gdprkb[translate]')"
            return QueryTranslation(query, query, "en", False, note=note)
        detected = True
        if lang == "en":
            return QueryTranslation(query, query, "en", False, detected=True)
    runs = _runs(segments)
    sources_text = [
        segments[run[0]].text.strip('"')
        if segments[run[0]].kind == "phrase"
        else " ".join(segments[i].text for i in run)
        for run in runs
    ]
    model_id = None
    translated: list[str] = []
    if sources_text:
        pair = engine.pair(lang, "en")  # MissingPair for an explicit language not installed
        model_id = pair.model_id
        translated = engine.translate_many(sources_text, lang, "en")
    texts = {}
    for run, src, out in zip(runs, sources_text, translated, strict=True):
        texts[run[0]] = (run, _clean(out, src), segments[run[0]].kind == "phrase")
    parts: list[str] = []
    skip: set[int] = set()
    for i, seg in enumerate(segments):
        if i in skip:
            continue
        if i in texts:
            run, text, phrase = texts[i]
            parts.append(f'"{text}"' if phrase else text)
            # Whitespace inside a run is replaced by the translation's own spacing.
            skip.update(range(run[0], run[-1] + 1))
        elif seg.kind == "article":
            parts.append(_article(seg.text))
        elif seg.kind == "gdpr":
            parts.append("GDPR")
        else:
            parts.append(seg.text)
    english = "".join(parts)
    changed = english != query
    return QueryTranslation(query, english, lang, changed, detected=detected, model_id=model_id)
