"""The lawyer's query language: text → a small syntax tree, never an exception.

    video surveillance employee          all the words (any form: employee, employees)
    "legitimate interest" cookies         a phrase and a word
    cookies OR consent, NOT, -word, ( )   boolean logic; OR binds tighter than AND
    authority:aepd  country:spain  article:5(1)(f)  year:2021..2023  fine:>10000
    surveil*                              words starting with "surveil"

Operators are upper case (AND, OR, NOT); lower-case "and"/"or"/"not" are ordinary words.
Anything malformed is repaired and reported in `ParsedQuery.warnings`: a stray quote or
parenthesis, an unknown field, a dangling operator, a lone or leading wildcard. Field values
are resolved against the index later (index/compile.py); this module is pure. The fields and
their names come from index/vocabulary.py.

`understand(text, filters)` is the one entry: the user's query plus the search's filters as
one tree (filters ANDed in), its "any of the words" fallback, and how both read back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from gdprkb.index.vocabulary import field_named, typed_names

# Bounds on what one query may ask for, so a pasted list cannot stall the index.
MAX_CLAUSES = 64
MAX_DEPTH = 16  # nested parentheses; deeper ones are read as if absent
MIN_PREFIX = 2


@dataclass(frozen=True)
class Word:
    """A bare word; `prefix` when it ended in `*`."""

    text: str
    prefix: bool = False
    field: str | None = None


@dataclass(frozen=True)
class Phrase:
    """A quoted phrase, optionally restricted to a text field."""

    text: str
    field: str | None = None


@dataclass(frozen=True)
class FieldValue:
    """`field:value` for a facet, range or date field (canonical field name).

    `exact` (filters): a value that is exactly one of the field's facet values selects it
    exactly; otherwise it resolves as typed in a query.
    """

    field: str
    value: str
    exact: bool = False


@dataclass(frozen=True)
class Not:
    """Everything except `item`."""

    item: Node


@dataclass(frozen=True)
class And:
    """All of `items`; `implicit` when the user only put spaces between them."""

    items: tuple[Node, ...]
    implicit: bool = True


@dataclass(frozen=True)
class Or:
    """Any of `items`."""

    items: tuple[Node, ...]


@dataclass(frozen=True)
class All:
    """The empty query: every case (browse mode)."""


Node = Word | Phrase | FieldValue | Not | And | Or | All


@dataclass
class ParsedQuery:
    """The tree plus what was repaired on the way."""

    node: Node
    warnings: list[str] = field(default_factory=list)

    @property
    def browse(self) -> bool:
        """True when the query asks for nothing in particular (empty, `*`)."""
        return isinstance(self.node, All)


@dataclass(frozen=True)
class Token:
    """One piece of a query; `text[start:end]` of the query is what was typed for it.

    kind: "(" / ")", "OP" (value AND, OR or NOT), "NEG" (a leading "-"), "WORD", "PHRASE"
    (value without quotes) or "FIELD" (`field` canonical, value without quotes).
    Spaces, a leading "+" and stray quotes are the gaps between tokens.
    """

    kind: str
    value: str
    start: int
    end: int
    field: str | None = None
    quoted: bool = False


_FIELD = re.compile(r"([A-Za-z_]+):")


def _read_word(text: str, i: int) -> int:
    """End of a word starting at i; parentheses glued to it ("5(1)(f)") belong to it."""
    n = len(text)
    depth = 0
    while i < n:
        c = text[i]
        if c.isspace() or c == '"':
            break
        if c == "(":
            if i == 0 or text[i - 1].isspace() or text[i - 1] == "(":
                break
            depth += 1
        elif c == ")":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return i


def tokenize(text: str, warnings: list[str] | None = None) -> list[Token]:
    """Split a query into tokens with their spans, repairing stray quotes (noted in warnings)."""
    notes: list[str] = [] if warnings is None else warnings
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(Token(c, c, i, i + 1))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                notes.append("Unbalanced quote: the rest of the query is read as plain words.")
                i += 1
                continue
            tokens.append(Token("PHRASE", text[i + 1 : end], i, end + 1))
            i = end + 1
        elif c in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-+":
            if c == "-":
                tokens.append(Token("NEG", c, i, i + 1))
            i += 1
        else:
            m = _FIELD.match(text, i)
            known = field_named(m.group(1)) if m else None
            if m and known:
                j = m.end()
                if j < n and text[j] == '"':
                    end = text.find('"', j + 1)
                    if end < 0:
                        notes.append(f'Unbalanced quote after "{m.group(0)}": read to the end.')
                        end = n
                    value, stop, quoted = text[j + 1 : end], min(end + 1, n), True
                else:
                    end = _read_word(text, j)
                    value, stop, quoted = text[j:end], end, False
                tokens.append(Token("FIELD", value, i, stop, known.name, quoted))
                i = stop
                continue
            end = _read_word(text, i)
            if end == i:  # a lone ")" inside a word context; consume it
                end = i + 1
            word = text[i:end]
            if m and not word.lower().startswith("ecli:"):
                notes.append(
                    f'Unknown field "{m.group(1)}:" searched as words '
                    f"(fields: {', '.join(typed_names())})."
                )
                at = i
                for w in word.split(":"):
                    if w:
                        tokens.append(Token("WORD", w, at, at + len(w)))
                    at += len(w) + 1
            elif word in ("AND", "OR", "NOT", "&&", "||"):
                tokens.append(Token("OP", {"&&": "AND", "||": "OR"}.get(word, word), i, end))
            else:
                tokens.append(Token("WORD", word, i, end))
            i = end
    return tokens


def _is(tok: Token | None, kind: str, value: str | None = None) -> bool:
    return tok is not None and tok.kind == kind and (value is None or tok.value == value)


class _Parser:
    """Recursive descent: and_expr := or_expr ((AND)? or_expr)*; or_expr := unary (OR unary)*."""

    def __init__(self, tokens: list[Token], warnings: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.warnings = warnings
        self.clauses = 0
        self.depth = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def parse(self) -> Node:
        node = self.and_expr()
        while self.peek() is not None:  # only a stray ")" stops and_expr early
            self.warnings.append('Unmatched ")" ignored.')
            self.pos += 1
            more = self.and_expr()
            node = _join_and([node, more], implicit=True)
        return node

    def and_expr(self) -> Node:
        items: list[Node] = []
        implicit = True
        while (tok := self.peek()) is not None and tok.kind != ")":
            if _is(tok, "OP", "AND"):
                self.pos += 1
                if not items or self.peek() is None or _is(self.peek(), ")"):
                    self.warnings.append('"AND" needs something on both sides; ignored.')
                implicit = False
                continue
            if _is(tok, "OP", "OR"):
                self.pos += 1
                self.warnings.append('"OR" needs something on both sides; ignored.')
                continue
            item = self.or_expr()
            if item is not None:
                items.append(item)
        return _join_and(items, implicit=implicit)

    def or_expr(self) -> Node | None:
        first = self.unary()
        items = [first] if first is not None else []
        while _is(self.peek(), "OP", "OR"):
            self.pos += 1
            nxt = self.peek()
            if nxt is None or nxt.kind == ")" or nxt.kind == "OP" and nxt.value != "NOT":
                self.warnings.append('"OR" needs something on both sides; ignored.')
                break
            item = self.unary()
            if item is not None:
                items.append(item)
        if not items:
            return None
        return items[0] if len(items) == 1 else Or(tuple(items))

    def unary(self) -> Node | None:
        negations = 0  # counted, not recursed: "NOT NOT x" is x, however long the chain
        while _is(self.peek(), "OP", "NOT") or _is(self.peek(), "NEG"):
            self.pos += 1
            negations += 1
        if negations:
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OP"):
                self.warnings.append('"NOT" needs something after it; ignored.')
                return None
        item = self.primary()
        return Not(item) if item is not None and negations % 2 else item

    def primary(self) -> Node | None:
        tok = self.peek()
        assert tok is not None
        self.pos += 1
        if tok.kind == "(":
            if self.depth >= MAX_DEPTH:
                self.warnings.append(f"Parentheses nested deeper than {MAX_DEPTH} are ignored.")
                return None
            self.depth += 1
            inner = self.and_expr()
            self.depth -= 1
            if _is(self.peek(), ")"):
                self.pos += 1
            else:
                self.warnings.append('Missing ")" added at the end.')
            return None if isinstance(inner, All) else inner
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            if self.clauses == MAX_CLAUSES + 1:
                self.warnings.append(
                    f"Query too long: only the first {MAX_CLAUSES} terms are used."
                )
            return None
        if tok.kind == "PHRASE":
            return Phrase(tok.value) if tok.value.strip() else None
        if tok.kind == "FIELD":
            assert tok.field is not None
            return self.field(tok.field, tok.value, quoted=tok.quoted)
        return self.word(tok.value)

    def word(self, text: str, field: str | None = None) -> Node | None:
        if text.lower().startswith("ecli:") and field is None:
            return Phrase(text, "case_number")
        core = text.rstrip("*")
        prefix = core != text
        if core.startswith(("*", "?")):
            self.warnings.append(
                f'Leading wildcards are not supported: "{text}" read as "{core.lstrip("*?")}".'
            )
            core = core.lstrip("*?")
        if "*" in core or "?" in core:
            self.warnings.append(
                f'Only a trailing "*" is supported: "{text}" read without wildcards.'
            )
            core = core.replace("*", " ").replace("?", " ").strip()
            return Phrase(core, field) if core else None
        if not core:
            return None  # a lone "*": nothing to narrow by
        if prefix and len(core) < MIN_PREFIX:
            self.warnings.append(
                f'"{text}" is too short for a wildcard (at least {MIN_PREFIX} letters); '
                f'searched as "{core}".'
            )
            prefix = False
        return Word(core, prefix, field)

    def field(self, name: str, value: str, *, quoted: bool) -> Node | None:
        value = value.strip()
        spec = field_named(name)
        assert spec is not None, name
        if not value:
            self.warnings.append(f'"{spec.label}:" has no value; ignored.')
            return None
        if spec.resolve == "words":
            return Phrase(value, name) if quoted else self.word(value, name)
        return FieldValue(name, value)


def _join_and(items: list[Node], *, implicit: bool) -> Node:
    items = [i for i in items if not isinstance(i, All)]
    if not items:
        return All()
    return items[0] if len(items) == 1 else And(tuple(items), implicit=implicit)


def parse_query(text: str | None) -> ParsedQuery:
    """Parse a query; never raises. Empty or `*` gives All (browse every case)."""
    warnings: list[str] = []
    # NFC: a decomposed "ó" (o + combining accent) must fold like a composed one.
    tokens = tokenize(unicodedata.normalize("NFC", text or "").strip(), warnings)
    node = _Parser(tokens, warnings).parse()
    return ParsedQuery(node, list(dict.fromkeys(warnings)))  # each warning once


Filters = Mapping[str, "list[str] | tuple[str, ...] | str | int"]


def filter_nodes(filters: Filters | None, warnings: list[str]) -> list[Node]:
    """One node per filter (its values ORed, each an exact `FieldValue`); unknown ones noted."""
    out: list[Node] = []
    for raw_name, raw in (filters or {}).items():
        given = [raw] if isinstance(raw, str | int) else list(raw or [])
        values = [str(v).strip() for v in given if str(v).strip()]
        if not values:
            continue
        spec = field_named(raw_name)
        if spec is None or spec.resolve == "words":
            warnings.append(f'Unknown filter "{raw_name}" ignored.')
            continue
        alts: list[Node] = [FieldValue(spec.name, v, exact=True) for v in values]
        out.append(alts[0] if len(alts) == 1 else Or(tuple(alts)))
    return out


def with_filters(node: Node, filters: list[Node]) -> Node:
    """The query ANDed with the filters (the query first, so it reads first)."""
    if not filters:
        return node
    items = ([] if isinstance(node, All) else [node]) + filters
    return items[0] if len(items) == 1 else And(tuple(items), implicit=False)


def any_words(node: Node) -> Node | None:
    """The "any of the words" fallback: plain words joined by spaces become an OR.

    None when the query has no such list (nothing to loosen).
    """
    if not isinstance(node, And) or not node.implicit:
        return None
    words = [i for i in node.items if is_text_only(i)]
    if len(words) < 2:
        return None
    rest = [i for i in node.items if not is_text_only(i)]
    return _join_and([Or(tuple(words)), *rest], implicit=False)


@dataclass
class Understood:
    """A query and the search's filters as one tree, plus the fallback to try on no result."""

    node: Node
    used: str  # the tree as the query language reads it back (`query_used`)
    warnings: list[str]
    has_text: bool  # some word gives the results a relevance order
    fallback: Node | None = None  # "any of the words" (with the same filters)
    fallback_used: str = ""


def understand(text: str | None, filters: Filters | None = None) -> Understood:
    """Parse a query, AND the filters in, and prepare its fallback; never raises."""
    parsed = parse_query(text)
    warnings = list(parsed.warnings)
    extra = filter_nodes(filters, warnings)
    node = with_filters(parsed.node, extra)
    loose = any_words(parsed.node)
    fallback = None if loose is None else with_filters(loose, extra)
    return Understood(
        node=node,
        used=render(node),
        warnings=warnings,
        has_text=has_text(parsed.node),
        fallback=fallback,
        fallback_used="" if fallback is None else render(fallback),
    )


def is_text_only(node: Node) -> bool:
    """True for a node that narrows by words only (no facet or range field)."""
    if isinstance(node, Word | Phrase):
        return True
    if isinstance(node, And | Or):
        return all(is_text_only(i) for i in node.items)
    return False


def render(node: Node) -> str:
    """The query as it was understood, in the query language (explicit AND/OR, quotes)."""
    if isinstance(node, All):
        return "*"
    if isinstance(node, Word):
        prefix = f"{_label(node.field)}:" if node.field else ""
        return prefix + node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        prefix = f"{_label(node.field)}:" if node.field else ""
        return f'{prefix}"{node.text}"'
    if isinstance(node, FieldValue):
        value = f'"{node.value}"' if re.search(r"\s", node.value) else node.value
        return f"{_label(node.field)}:{value}"
    if isinstance(node, Not):
        return "NOT " + _group(node.item)
    if isinstance(node, Or):
        return " OR ".join(_group(i) for i in node.items)
    return " AND ".join(_group(i) for i in node.items)


def _group(node: Node) -> str:
    text = render(node)
    return f"({text})" if isinstance(node, And | Or) else text


def _label(name: str | None) -> str:
    spec = field_named(name or "")
    return spec.label if spec else name or ""


def has_text(node: Node) -> bool:
    """True when some word or phrase (not under NOT) gives the results a relevance order."""
    if isinstance(node, Word | Phrase):
        return True
    if isinstance(node, And | Or):
        return any(has_text(i) for i in node.items)
    return False
