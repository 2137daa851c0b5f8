"""Turn a query tree (index/querylang.py) into a Whoosh query against one index.

Words become BM25F disjunctions over the text fields with the schema's weights; `field:value`
resolves as its row in index/vocabulary.py says: facet values are matched against the values
actually in the index (case and accent-insensitive, exact value first, else every value
containing the typed words); ranges become numeric ranges. Wildcards expand to at most
MAX_EXPANSIONS index terms, so no query can blow up. The compiler returns what it found out
(warnings, the words for proximity re-ranking) with the query, nothing on the side.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.reading import IndexReader
from whoosh.support.charset import accent_map

from gdprkb.corpus.citations import reference_key
from gdprkb.corpus.money import EUR_RATES
from gdprkb.corpus.provisions import LAST_ARTICLE, parse_provision
from gdprkb.index import querylang as ql
from gdprkb.index.analysis import BulkText
from gdprkb.index.analysis import term as term_of
from gdprkb.index.proximity import FIELDS as PROXIMITY_FIELDS
from gdprkb.index.schema import TEXT_FIELDS
from gdprkb.index.vocabulary import LANG_CODES, Field, field_named

MAX_EXPANSIONS = 200
# Index terms looked at for the other forms of a word's stem in the translation ("data" has
# "database", "date"... after it): enough for any real stem, bounded for any typed word.
MAX_FORMS_SCANNED = 400
TRANSLATION = "machine_translation"
MAX_KNOWN_STEMS = 20_000  # stems whose forms an index generation remembers (Context.forms)
MAX_FINE_EUR = 1e12  # far above any fine ever imposed; larger typed amounts are clamped to it


# Whoosh's table maps code points (ints) to replacements; its type hint says str keys.
FOLD_TABLE: dict[int, str] = {int(k): v for k, v in accent_map.items()}


def fold(text: str) -> str:
    """Lower case without diacritics: the form facet values are compared in."""
    return text.translate(FOLD_TABLE).casefold().strip()


@dataclass
class Context:
    """What compiling needs from the index: its schema's analyzers, terms and facet values."""

    reader: IndexReader
    facet_values: Mapping[str, list[str]]  # facet name -> values present in the index
    warnings: list[str] = field(default_factory=list)
    expansions: int = 0
    # stem -> its forms in the translation, shared by the searches of one index generation.
    forms: dict[str, list[str]] | None = None
    _analysed: dict[tuple[object, str], list[str]] = field(default_factory=dict)

    def analyze(self, fieldname: str, text: str) -> list[str]:
        """The index terms `text` becomes in one field."""
        fieldobj = self.reader.schema[fieldname]
        # A word is searched in ten fields of three kinds (index/analysis.py): analysed once
        # per kind.
        kind = (fieldobj.stop, fieldobj.stem) if isinstance(fieldobj, BulkText) else fieldname
        found = self._analysed.get((kind, text))
        if found is None:
            analyzer = fieldobj.analyzer
            assert analyzer is not None, fieldname
            found = [t.text for t in analyzer(text, mode="query")]
            self._analysed[(kind, text)] = found
        return list(found)


@dataclass
class Compiled:
    """A Whoosh query, the plain words typed (for proximity re-ranking) and what was repaired."""

    query: wq.Query
    proximity: dict[str, list[str]]  # field -> the words typed, as its terms
    warnings: list[str]


def compile_query(node: ql.Node, ctx: Context) -> Compiled:
    """The Whoosh query for a query tree, with its proximity terms and warnings."""
    q = _compile(node, ctx)
    return Compiled(wq.Every() if q is None else q, proximity_terms(node, ctx), ctx.warnings)


def _compile(node: ql.Node, ctx: Context) -> wq.Query | None:
    if isinstance(node, ql.All):
        return wq.Every()
    if isinstance(node, ql.Word):
        return _word(node, ctx)
    if isinstance(node, ql.Phrase):
        return _text(node.text, _fields(node.field), ctx)
    if isinstance(node, ql.FieldValue):
        return compile_field(node, ctx)
    if isinstance(node, ql.Not):
        inner = _compile(node.item, ctx)
        return None if inner is None else wq.Not(inner)
    if isinstance(node, ql.Or):
        parts = [q for q in (_compile(i, ctx) for i in node.items) if q is not None]
        return _combine(wq.Or, parts)
    if isinstance(node, ql.And):
        positive = [i for i in node.items if not isinstance(i, ql.Not)]
        parts = [q for q in (_compile(i, ctx) for i in node.items) if q is not None]
        if not positive:  # "NOT a NOT b": everything except those
            parts.insert(0, wq.Every())
        return _combine(wq.And, parts)
    raise TypeError(f"unknown query node {node!r}")


def proximity_terms(node: ql.Node, ctx: Context) -> dict[str, list[str]]:
    """The plain words of the first list of two or more, in order, as each proximity field
    (index/proximity.py) has them."""
    if isinstance(node, ql.And):
        words = [
            i.text for i in node.items if isinstance(i, ql.Word) and not i.prefix and not i.field
        ]
        if len(words) > 1:
            return {f: ctx.analyze(f, " ".join(words)) for f in PROXIMITY_FIELDS}
    if isinstance(node, ql.And | ql.Or):
        for item in node.items:
            if found := proximity_terms(item, ctx):
                return found
    return {}


def _combine(cls: type[wq.And] | type[wq.Or], parts: list[wq.Query]) -> wq.Query | None:
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else cls(parts)


def _fields(name: str | None) -> list[str]:
    spec = field_named(name) if name else None
    if spec is None or not spec.text_fields:  # plain words, `text:`
        # "exact" (all the text) first: past the deadline an OR keeps only the alternatives
        # it has read (index/execute.py), and that one alone finds most of the matches.
        fields = [f for f, weight in TEXT_FIELDS.items() if weight > 0]
        return sorted(fields, key=lambda f: f != "exact")
    return list(spec.text_fields)


def _text(text: str, fields: Iterable[str], ctx: Context) -> wq.Query | None:
    """A word or phrase in any of `fields`, each weighted by its BM25F boost."""
    if not ctx.analyze("title", text) and not re.search(r"\d", text):
        return None  # a stop word ("the", "of"): it must not be required in case numbers
    per_field: list[wq.Query] = []
    for name in fields:
        terms = ctx.analyze(name, text)
        boost = TEXT_FIELDS[name] or 1.0
        if name == TRANSLATION:
            per_field.extend(_translation(terms, boost, ctx))
        elif len(terms) == 1:
            per_field.append(wq.Term(name, terms[0], boost=boost))
        elif terms:
            per_field.append(wq.Phrase(name, terms, boost=boost))
    return _combine(wq.Or, per_field)


def _translation(forms: list[str], boost: float, ctx: Context) -> list[wq.Query]:
    """A word in the machine translation (indexed unstemmed, index/schema.py): its own form
    with the "exact" weight added, as the other text fields score it, and every other form of
    its stem the index holds there with the field's weight. A phrase: the forms typed."""
    own = boost + TEXT_FIELDS["exact"]
    if len(forms) != 1:
        return [wq.Phrase(TRANSLATION, forms, boost=own)] if forms else []
    form = forms[0]
    out: list[wq.Query] = [wq.Term(TRANSLATION, form, boost=own)]
    stem = ctx.analyze("lead", form)  # the stemmed fields' term
    if not stem:
        return out
    known = None if ctx.forms is None else ctx.forms.get(stem[0])
    if known is None:
        known = _forms(ctx.reader, stem[0])
        if ctx.forms is not None:
            if len(ctx.forms) >= MAX_KNOWN_STEMS:
                ctx.forms.clear()
            ctx.forms[stem[0]] = known
    out.extend(wq.Term(TRANSLATION, other, boost=boost) for other in known if other != form)
    return out


def _forms(reader: IndexReader, stem: str) -> list[str]:
    """The words of the translation field whose stem is `stem`."""
    # A Porter stem, less its last letter, begins every word that has it ("polici" <- policy).
    prefix = stem[:-1] if len(stem) > 3 else stem
    out = []
    for i, raw in enumerate(reader.expand_prefix(TRANSLATION, prefix)):
        if i >= MAX_FORMS_SCANNED:
            break
        other = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if term_of(other, stop=True, stem=True) == stem:
            out.append(other)
    return out


def _word(node: ql.Word, ctx: Context) -> wq.Query | None:
    if not node.prefix:
        return _text(node.text, _fields(node.field), ctx)
    prefix = fold(node.text)
    terms: list[wq.Query] = []
    for name in _fields(node.field):
        for term in ctx.reader.expand_prefix(name, prefix):
            if ctx.expansions >= MAX_EXPANSIONS:
                ctx.warnings.append(
                    f'"{node.text}*" matches too many words; only the first {MAX_EXPANSIONS} '
                    "word forms are searched."
                )
                return _combine(wq.Or, terms)
            ctx.expansions += 1
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            terms.append(wq.Term(name, text, boost=TEXT_FIELDS[name] or 1.0))
    if not terms:
        return wq.NullQuery()
    return _combine(wq.Or, terms)


# -- field:value ------------------------------------------------------------------------------

_ARTICLE_RANGE = re.compile(r"^(?P<lo>\d*)\s*\.\.\s*(?P<hi>\d*)$")
_CMP = re.compile(r"^(?P<op>[<>]=?)\s*(?P<v>.+)$")


def compile_field(node: ql.FieldValue, ctx: Context) -> wq.Query:
    """The query for one `field:value` (a query's or a filter's), as its vocabulary row says."""
    spec = field_named(node.field)
    assert spec is not None, node.field
    if node.exact and spec.facet and node.value in ctx.facet_values.get(spec.facet, []):
        return wq.Term(spec.facet, node.value)  # a filter naming a facet value exactly
    return _RESOLVERS[spec.resolve](node.value, spec, ctx)


def match_values(typed: str, values: list[str]) -> list[str]:
    """Facet values meant by `typed`: the exact value, else all values containing its words."""
    want = fold(typed)
    exact = [v for v in values if fold(v) == want]
    if exact:
        return exact
    words = re.findall(r"\w+", want)
    if not words:
        return []
    pattern = re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b")
    return [v for v in values if pattern.search(fold(v))]


def _facet(value: str, spec: Field, ctx: Context) -> wq.Query:
    assert spec.facet is not None, spec.name
    values = ctx.facet_values.get(spec.facet, [])
    found = match_values(value, values)
    if not found:
        sample = ", ".join(values[:5]) + (", …" if len(values) > 5 else "")
        ctx.warnings.append(
            f'No {spec.label} matches "{value}"' + (f" (e.g. {sample})." if values else ".")
        )
        return wq.NullQuery()
    return _any(spec.facet, found)


def _language(value: str, spec: Field, ctx: Context) -> wq.Query:
    return _facet(LANG_CODES.get(value.strip().lower(), value), spec, ctx)


def _flag(value: str, spec: Field, ctx: Context) -> wq.Query:
    assert spec.facet is not None, spec.name
    return wq.Term(spec.facet, "yes" if fold(value) in ("yes", "true", "1") else "no")


def _any(fieldname: str, values: Iterable[str]) -> wq.Query:
    terms: list[wq.Query] = [wq.Term(fieldname, v) for v in values]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def _article(value: str, spec: Field, ctx: Context) -> wq.Query:
    """`article:32`, `article:5(1)(f)` (also 5(1) → every 5(1)(x)), `article:12..22`, `a,b`."""
    parts = [p for p in re.split(r"[,;]", value) if p.strip()]
    if len(parts) > 1:
        return wq.Or([_article(p, spec, ctx) for p in parts])
    value = value.strip()
    if ".." in value:
        return _article_range(value, ctx)
    provision = parse_provision(value)  # the one provision grammar (corpus/provisions.py)
    if provision is None:
        ctx.warnings.append(
            f'"article:{value}" is not an article; write e.g. article:6 or article:5(1)(f).'
        )
        return wq.NullQuery()
    return wq.Term("provision_tree", provision)


def _article_range(value: str, ctx: Context) -> wq.Query:
    """`article:12..22`, `article:..5`, `article:90..`: every article in the range (1..99)."""
    rng = _ARTICLE_RANGE.match(value)
    if rng is None or not (rng["lo"] or rng["hi"]):
        ctx.warnings.append(
            f'"article:{value}" is not an article range; write e.g. article:12..22.'
        )
        return wq.NullQuery()
    # Digits only (no float), compared before converting: a 30-digit number is just "too big".
    lo, hi = _clamp_article(rng["lo"], 1), _clamp_article(rng["hi"], LAST_ARTICLE)
    if _outside(rng["lo"]) or _outside(rng["hi"]):
        ctx.warnings.append(
            f'"article:{value}": the GDPR has articles 1..{LAST_ARTICLE}; using {lo}..{hi}.'
        )
    if lo > hi:
        ctx.warnings.append(f'"article:{value}" is an empty range.')
        return wq.NullQuery()
    return _any("provision_tree", [str(a) for a in range(lo, hi + 1)])


def _outside(digits: str) -> bool:
    """A typed article number outside 1..LAST_ARTICLE (compared as text first: any length)."""
    core = digits.lstrip("0")
    return bool(digits) and (len(core) > 3 or not 1 <= int(core or 0) <= LAST_ARTICLE)


def _clamp_article(digits: str, default: int) -> int:
    if not digits:
        return default
    core = digits.lstrip("0")
    return LAST_ARTICLE if len(core) > 3 else min(max(int(core or 0), 1), LAST_ARTICLE)


def _bounds(
    value: str, parse: Callable[[str], float]
) -> tuple[float | None, float | None, bool, bool] | None:
    """(low, high, low excluded, high excluded) for "a..b", ">a", ">=a", "<b", "<=b", "a"."""
    value = value.strip()
    try:
        if ".." in value:
            lo, _, hi = value.partition("..")
            return (
                parse(lo) if lo.strip() else None,
                parse(hi) if hi.strip() else None,
                False,
                False,
            )
        m = _CMP.match(value)
        if m:
            v = parse(m["v"])
            op = m["op"]
            if op.startswith(">"):
                return (v, None, op == ">", False)
            return (None, v, False, op == "<")
        v = parse(value)
        return (v, v, False, False)
    except ValueError:
        return None


def _number(text: str) -> float:
    t = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    mult = 1.0
    if t[-1:].lower() in ("k", "m"):
        mult = 1e3 if t[-1].lower() == "k" else 1e6
        t = t[:-1]
    if not re.fullmatch(r"\d+(\.\d+)?", t):
        raise ValueError(text)
    return float(t) * mult


def _year(value: str, spec: Field, ctx: Context) -> wq.Query:
    b = _bounds(value, lambda s: int(s.strip()) if re.fullmatch(r"\s*\d{4}\s*", s) else _bad(s))
    if b is None:
        ctx.warnings.append(f'"year:{value}" is not a year or range; write e.g. year:2021..2023.')
        return wq.NullQuery()
    lo, hi, lox, hix = b
    years = [
        y for y in ctx.facet_values.get("year", [])
        if (lo is None or int(y) > lo or (int(y) == lo and not lox))
        and (hi is None or int(y) < hi or (int(y) == hi and not hix))
    ]  # fmt: skip
    return _any("year", years) if years else wq.NullQuery()


def _bad(text: str) -> float:
    raise ValueError(text)


def _fine(value: str, spec: Field, ctx: Context) -> wq.Query:
    v = fold(value)
    if v in ("yes", "any", "true", "some"):
        return wq.Term("has_fine", "yes")
    if v in ("no", "none", "false"):
        return wq.Term("has_fine", "no")
    v = re.sub(r"\s*(eur|€|euro|euros)$", "", v)
    b = _bounds(v, _number)
    if b is None:
        currencies = "|".join(EUR_RATES).lower()
        hint = " Amounts are in euros." if re.search(currencies, v) else ""
        ctx.warnings.append(
            f'"fine:{value}" is not an amount or range; write e.g. fine:>10000.{hint}'
        )
        return wq.NullQuery()
    lo, hi, lox, hix = b
    if lo is not None and lo == hi:  # "fine:10000" means at least that much
        hi = None
    if any(x is not None and x > MAX_FINE_EUR for x in (lo, hi)):
        ctx.warnings.append(
            f'"fine:{value}": no fine is above {MAX_FINE_EUR:,.0f} €; '
            "larger amounts are read as that."
        )
        lo, hi = (None if x is None else min(x, MAX_FINE_EUR) for x in (lo, hi))
    return wq.NumericRange("fine_eur", lo, hi, startexcl=lox, endexcl=hix)


def _date_bound(text: str, end: bool) -> float:
    """20210301 for "2021-03-01"; a year or month stands for its first (or last) day."""
    m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*", text)
    if not m:
        raise ValueError(text)
    y, mo, d = int(m[1]), m[2], m[3]
    month = int(mo) if mo else (12 if end else 1)
    day = int(d) if d else (31 if end else 1)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise ValueError(text)
    return y * 10000 + month * 100 + day


def _date(value: str, spec: Field, ctx: Context) -> wq.Query:
    value = value.strip()
    try:
        if ".." in value:
            lo, _, hi = value.partition("..")
            start = _date_bound(lo, False) if lo.strip() else None
            stop = _date_bound(hi, True) if hi.strip() else None
            return wq.NumericRange("date_n", start, stop)
        m = _CMP.match(value)
        if m:
            op, v = m["op"], m["v"]
            if op.startswith(">"):
                bound = _date_bound(v, op == ">")
                return wq.NumericRange("date_n", bound, None, startexcl=op == ">")
            bound = _date_bound(v, op == "<=")
            return wq.NumericRange("date_n", 1, bound, endexcl=op == "<")
        return wq.NumericRange("date_n", _date_bound(value, False), _date_bound(value, True))
    except ValueError:
        ctx.warnings.append(
            f'"date:{value}" is not a date or range; write e.g. date:2021-03 or '
            "date:2021-01-01..2021-06-30 (dates decided)."
        )
        return wq.NullQuery()


def _cites(value: str, spec: Field, ctx: Context) -> wq.Query:
    """`cites:C-311/18`, `cites:ECLI:EU:C:2020:559`, `cites:PS/00117/2022`, `cites:5590`."""
    key = reference_key(value)
    if not key:
        shown = value if len(value) <= 40 else value[:40] + "…"
        ctx.warnings.append(
            f'"cites:{shown}" names no decision; write a case number (cites:C-311/18), '
            "an ECLI or a page id."
        )
        return wq.NullQuery()
    return wq.Term("cites", key)


_RESOLVERS: dict[str, Callable[[str, Field, Context], wq.Query]] = {
    "facet": _facet,
    "language": _language,
    "flag": _flag,
    "article": _article,
    "year": _year,
    "fine": _fine,
    "date": _date,
    "cites": _cites,
}
