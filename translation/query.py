"""Translate a search query to English while keeping its structure; detect its language.

Only free words and the contents of "phrases" are translated. The query is split with the
search parser's own tokenizer (`index.querylang.tokenize`), so operators, parentheses,
`field:value` filters and `-` are exactly what the search reads, and are kept as typed, as are
numbers, wildcard terms and names (authorities, acronyms, capitalised names). Article
references such as `artikel 32` or `Art. 6(1)(f)` become `Article 32` without the model, and
GDPR's local names (DSGVO, RGPD, AVG, RODO...) become `GDPR`. An English query (chosen or
detected) returns at once and never imports argostranslate.

Detection (py3langid, offline) only chooses between English and the source languages of the
installed pairs: short queries are hard to identify among 97 languages ("video surveillance
employee" scores as French), so another language than English wins only when clearly ahead.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from gdprkb.index.querylang import tokenize
from gdprkb.translation.engine import Engine

# "article" in the EU's languages, with common abbreviations: art, art., artt. (Not "§", which
# cites national laws: "§ 26 BDSG" is kept as typed.)
_ARTICLE_WORDS = (
    r"art(?:icles?|ikel|ikla|ikkel|ículos?|icolo|icoli|igos?|ykuł|ykułu|ykuły|iculul|ikulu"
    r"|ikuls|ikolas|iklis|\.|t\.)?|článek|článku|člen|člena|cikk|άρθρο|pants|straipsnis"
)
_ARTICLE_WORD = re.compile(rf"(?:{_ARTICLE_WORDS})", re.IGNORECASE)
_ARTICLE_NUMBER = re.compile(r"\d+(?:\(\w+\))*[.,;:]?")
_ARTICLE = re.compile(rf"(?:{_ARTICLE_WORDS})\s*\d+(?:\(\w+\))*[.,;:]?", re.IGNORECASE)
# Local names of the GDPR, mapped to the name the English summaries use.
GDPR_NAMES = {"gdpr", "dsgvo", "ds-gvo", "rgpd", "avg", "rodo", "gdpr-verordnung"}
# The search parser's token kinds, as segment kinds (a WORD is classified further).
_KINDS = {"(": "paren", ")": "paren", "OP": "op", "NEG": "prefix", "PHRASE": "phrase"}
_KINDS["FIELD"] = "field"


@dataclass
class Segment:
    """One piece of a query: kind is ws, gap (what the parser skips: "+", a stray quote),
    paren, field, article, phrase, prefix ("-"), op, number (also case numbers and symbols),
    wildcard, gdpr, name (kept as typed) or word."""

    kind: str
    text: str

    @property
    def free(self) -> bool:
        """Whether this piece is translated."""
        return self.kind in ("word", "phrase")


def _word_kind(text: str) -> str:
    if text.lower().strip(".,;:") in GDPR_NAMES:
        return "gdpr"
    if "*" in text or "?" in text:
        return "wildcard"
    if _ARTICLE.fullmatch(text):
        return "article"
    if re.search(r"\d", text) or not re.search(r"[^\W\d_]", text):
        return "number"  # numbers, case numbers, and symbols such as § or &
    return "word"


def segment(query: str) -> list[Segment]:
    """Split a query into typed segments with the search parser's own tokenizer, so that what
    is an operator, a field or a phrase here is exactly what the search reads; joining the
    segments' texts gives the query back."""
    out: list[Segment] = []
    pos = 0
    for tok in tokenize(query):
        if tok.start > pos:
            gap = query[pos : tok.start]
            out.append(Segment("ws" if gap.isspace() else "gap", gap))
        text = query[tok.start : tok.end]
        out.append(Segment(_KINDS.get(tok.kind) or _word_kind(text), text))
        pos = max(pos, tok.end)
    if pos < len(query):
        gap = query[pos:]
        out.append(Segment("ws" if gap.isspace() else "gap", gap))
    return _join_articles(out)


def _join_articles(segments: list[Segment]) -> list[Segment]:
    """ "artikel 32", "Art. 6(1)(f)": an article word, a space and a number become one piece."""
    out: list[Segment] = []
    i = 0
    while i < len(segments):
        seg = segments[i]
        if (
            seg.kind == "word"
            and _ARTICLE_WORD.fullmatch(seg.text)
            and i + 2 < len(segments)
            and segments[i + 1].kind == "ws"
            and segments[i + 2].kind == "number"
            and _ARTICLE_NUMBER.fullmatch(segments[i + 2].text)
        ):
            out.append(Segment("article", "".join(s.text for s in segments[i : i + 3])))
            i += 3
            continue
        out.append(seg)
        i += 1
    return out


# --- proper nouns: kept as typed ----------------------------------------------------------

# Languages that capitalise every noun: there a capital letter does not mark a name.
NOUN_CAPITALISING = frozenset({"de", "lb"})
# Longest name (in words) looked for in a query, e.g. "Garante per la protezione dei dati".
MAX_NAME_WORDS = 8
_NAME_WORD = re.compile(r"[^\W_][\w.'&-]*")


def _bare(word: str) -> str:
    return word.strip(".,;:!?'").lower()


def known_names(values: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Names from facet values, as lower-case word tuples: "Datatilsynet (Denmark)" gives
    ("datatilsynet",) and ("denmark",); a many-word name counts only as a whole, so that
    "Datenschutz" alone is still translated while the full name of an authority is not."""
    out: set[tuple[str, ...]] = set()
    for value in values:
        inner = re.findall(r"\(([^()]*)\)", value)
        for part in (re.sub(r"\([^()]*\)", " ", value), *inner):
            words = tuple(_bare(w) for w in _NAME_WORD.findall(part))
            if 0 < len(words) <= MAX_NAME_WORDS:
                out.add(words)
    return frozenset(out)


def _mark_known_names(segments: list[Segment], names: frozenset[tuple[str, ...]]) -> None:
    """Turn word segments that spell a known name (longest first) into name segments."""
    if not names:
        return
    words = [i for i, seg in enumerate(segments) if seg.kind == "word"]
    pos = 0
    while pos < len(words):
        for size in range(min(MAX_NAME_WORDS, len(words) - pos), 0, -1):
            run = words[pos : pos + size]
            # Only words next to each other (whitespace between) form one name.
            if any(segments[j].kind != "ws" for j in range(run[0], run[-1] + 1) if j not in run):
                continue
            if tuple(_bare(segments[i].text) for i in run) in names:
                for i in run:
                    segments[i].kind = "name"
                pos += size
                break
        else:
            pos += 1


def looks_like_name(word: str, *, first: bool, lang: str) -> bool:
    """Whether a word's letters mark it as a name: an acronym (CNIL), an inner capital
    (WhatsApp), or a capital inside the query in a language that does not capitalise nouns."""
    letters = word.strip(".,;:!?'")
    if len(letters) < 2 or not letters[0].isalpha():
        return False
    if any(c.isupper() for c in letters[1:]):
        return True
    return letters[0].isupper() and not first and lang not in NOUN_CAPITALISING


def _mark_capitalised_names(segments: list[Segment], lang: str) -> None:
    first = True
    for seg in segments:
        if seg.kind == "ws":
            continue
        if seg.kind == "word" and looks_like_name(seg.text, first=first, lang=lang):
            seg.kind = "name"
        first = False


# --- language detection ---------------------------------------------------------------------

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
    """Keep a translation from changing the query's syntax: only its words are kept, as the
    search parser reads them (an operator it returns becomes a lower-case word)."""
    words: list[str] = []
    for tok in tokenize(re.sub(r'["():*?]', " ", translation)):
        if tok.kind == "OP":
            words.append(tok.value.lower())
        elif tok.kind == "WORD":
            words.append(tok.value)
    text = " ".join(words).strip(" .,;!")
    return text or fallback


def _article(text: str) -> str:
    m = re.search(r"\d.*$", text)
    return f"Article {m.group()}" if m else text


def _free_text(segments: list[Segment]) -> str:
    return " ".join(s.text.strip('"') for s in segments if s.free)


def translate_query(
    query: str,
    engine: Engine,
    lang: str = "auto",
    *,
    names: frozenset[tuple[str, ...]] = frozenset(),
    original: bool = False,
) -> QueryTranslation:
    """The English form of query. lang: 'auto' (detect), 'en' (keep), or a language code.

    Names are never translated: `names` (from `known_names`, e.g. the index's authorities and
    countries) and words whose capitals mark them as names (`looks_like_name`). An explicit
    language without an installed pair raises MissingPair; 'auto' detects only among the
    installed pairs' languages, so it never does. `original` keeps the query as typed (and
    says so).
    """
    if original:
        return QueryTranslation(query, query, None, False, note="searched as typed (--original)")
    lang = (lang or "auto").lower()
    if lang == "en" or not query.strip():
        return QueryTranslation(query, query, "en", False)
    segments = segment(query)
    _mark_known_names(segments, names)
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
    _mark_capitalised_names(segments, lang)
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


def _closed(query: str) -> str:
    """The query with its quotes and parentheses balanced, read as the search parser reads it:
    a stray quote is dropped (the words after it stay plain words), an open quoted field value
    is closed at the end, a stray ")" is dropped and an open "(" closed at the end."""
    parts: list[str] = []
    depth = 0
    for seg in segment(query):
        if seg.kind == "gap":
            parts.append(seg.text.replace('"', " "))
        elif seg.kind == "paren" and seg.text == ")" and not depth:
            parts.append(" ")
        else:
            if seg.kind == "paren":
                depth += 1 if seg.text == "(" else -1
            closing = '"' if seg.kind == "field" and seg.text.count('"') % 2 else ""
            parts.append(seg.text + closing)
    return "".join(parts).strip() + ")" * depth


def either_query(original: str, translated: str) -> str:
    """Search both the words as typed and their translation: `(typed) OR (translated)`, so a
    translation can only ever add decisions to what the typed words find."""
    if not translated.strip() or translated.strip() == original.strip():
        return original
    return f"({_closed(original)}) OR ({_closed(translated)})"
