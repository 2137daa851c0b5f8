"""Text analysis: the Whoosh analyzers queries go through, and the same terms computed in bulk.

Whoosh analyses a document token by token through a chain of generators (a Python object and
five calls per word), which made analysis most of a full build: about 37 MB of machine
translation, analysed once stemmed and once more for the unstemmed all-text field. `BulkText`
fields index exactly the terms and positions their analyzer would give, computed per text: one
regex pass, each distinct word analysed once (a text repeats its words many times), positions
grouped with numpy, and a text's words shared between the fields that index it (a section and
"exact").
Queries still use the analyzer, so the two must agree: tests/test_analysis.py checks it.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Generator, Sequence
from typing import Any

import numpy as np
from whoosh.analysis import (
    STOP_WORDS,
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.fields import TEXT
from whoosh.lang.porter import stem as porter_stem
from whoosh.support.charset import accent_map

# Plain \w+ words, so "banderacatalana" finds "banderacatalana.cat" and "uodo" finds
# "uodo.gov.pl" (Whoosh's default keeps dotted words whole). Stop words are dropped only when
# empty or listed: minsize=1 keeps the letters and digits of provisions such as "5(1)(f)".
WORDS = r"\w+"
_WORDS = re.compile(WORDS)
_FOLD: dict[int, str] = {int(k): v for k, v in accent_map.items()}
_STEM_CACHE_MAX = 500_000
_WORDS_CACHE_MAX = 16  # texts: a document's sections, reused by its "exact" field


def text_analyzer() -> Analyzer:
    """English words: lowercase, fold diacritics, drop stop words, Porter-stem."""
    return code_analyzer() | StopFilter(minsize=1) | StemFilter()


def code_analyzer() -> Analyzer:
    """Case numbers and names: lowercase and fold diacritics, no stemming or stop words."""
    return RegexTokenizer(WORDS) | LowercaseFilter() | CharsetFilter(accent_map)


def exact_analyzer() -> Analyzer:
    """All the text in the forms typed: lowercase, fold diacritics, drop stop words."""
    return code_analyzer() | StopFilter(minsize=1)


_words_cache: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()
_stems: dict[str, str] = {}


def distinct_words(text: str) -> tuple[list[str], np.ndarray]:
    """(the distinct words of `text` as written, each word's index in that list, in order)."""
    cached = _words_cache.get(text)
    if cached is not None:
        return cached
    words = _WORDS.findall(text)
    distinct = list(dict.fromkeys(words))
    index = {w: i for i, w in enumerate(distinct)}
    order = np.fromiter(map(index.__getitem__, words), dtype=np.int64, count=len(words))
    _words_cache[text] = (distinct, order)
    if len(_words_cache) > _WORDS_CACHE_MAX:
        _words_cache.popitem(last=False)
    return distinct, order


def term(word: str, *, stop: bool, stem: bool) -> str | None:
    """The index term of one word as the analyzer makes it; None for a dropped stop word."""
    folded = word.lower().translate(_FOLD)
    if not stop:
        return folded
    if not folded or folded in STOP_WORDS:
        return None
    if not stem:
        return folded
    out = _stems.get(folded)
    if out is None:
        if len(_stems) >= _STEM_CACHE_MAX:
            _stems.clear()
        out = _stems[folded] = porter_stem(folded)
    return out


def positions(texts: Sequence[str], *, stop: bool, stem: bool) -> dict[str, list[int]]:
    """Term -> its positions in `texts` read as one text, as the field's analyzer numbers them.

    Whoosh's StopFilter renumbers the words it keeps: the first keeps its own position, the
    others follow it one by one (so a phrase across a stop word still matches).
    """
    ids: dict[str, int] = {}
    parts = []
    for text in texts:
        distinct, order = distinct_words(text)
        terms = (term(w, stop=stop, stem=stem) for w in distinct)
        mapped = np.fromiter(
            (-1 if t is None else ids.setdefault(t, len(ids)) for t in terms),
            dtype=np.int64,
            count=len(distinct),
        )
        parts.append(mapped[order])
    if not ids:
        return {}
    tids = np.concatenate(parts)
    if stop:
        kept = np.flatnonzero(tids >= 0)
        tids = tids[kept]
        pos = kept[0] + np.arange(tids.size, dtype=np.int64)
    else:
        pos = np.arange(tids.size, dtype=np.int64)
    order = np.argsort(tids, kind="stable")
    tids, pos = tids[order], pos[order]
    starts = np.flatnonzero(np.diff(tids, prepend=-1))
    bounds = np.append(starts, tids.size).tolist()
    names = list(ids)
    runs = pos.tolist()
    first = tids[starts].tolist()
    return {names[t]: runs[a:b] for t, a, b in zip(first, bounds, bounds[1:], strict=False)}


class BulkText(TEXT):  # type: ignore[misc]
    """A TEXT field that indexes its analyzer's terms computed in bulk (module docstring).

    Its value is a text or a sequence of texts indexed as if joined by newlines.
    """

    def __init__(self, *, stop: bool, stem: bool, stored: bool = False) -> None:
        analyzer = (
            text_analyzer()
            if stop and stem
            else exact_analyzer()
            if stop
            else code_analyzer()
            if not stem
            else None
        )
        if analyzer is None:
            raise ValueError("stemming without stop words is not an analyzer of this schema")
        super().__init__(analyzer=analyzer, stored=stored)
        self.stop = stop
        self.stem = stem

    def index(
        self, value: Any, **kwargs: Any
    ) -> Generator[tuple[bytes, int, float | int, bytes], Any, None]:
        """(term bytes, frequency, weight, encoded positions) per term, like TEXT.index."""
        texts = (value,) if isinstance(value, str) else tuple(value)
        if not all(isinstance(t, str) for t in texts):
            raise ValueError(f"{value!r} is not a text or a sequence of texts")
        fmt: Any = self.format  # Positions: TEXT(phrase=True)
        encode, boost = fmt.encode, fmt.field_boost
        for term, poslist in positions(texts, stop=self.stop, stem=self.stem).items():
            yield term.encode("utf-8"), len(poslist), len(poslist) * boost, encode(poslist)
