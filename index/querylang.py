"""The lawyer's query language: text → a small syntax tree, never an exception.

    video surveillance employee          all the words (any form: employee, employees)
    "legitimate interest" cookies         a phrase and a word
    cookies OR consent, NOT, -word, ( )   boolean logic; OR binds tighter than AND
    authority:aepd  country:spain  article:5(1)(f)  year:2021..2023  fine:>10000
    surveil*                              words starting with "surveil"

Operators are upper case (AND, OR, NOT); lower-case "and"/"or"/"not" are ordinary words.
Anything malformed is repaired and reported in `ParsedQuery.warnings`: a stray quote or
parenthesis, an unknown field, a dangling operator, a lone or leading wildcard. Field values
are resolved against the index later (index/compile.py); this module is pure.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Field name as typed (lower case) -> canonical field.
FIELD_ALIASES: dict[str, str] = {
    "authority": "authority",
    "dpa": "authority",
    "court": "authority",
    "country": "jurisdiction",
    "jurisdiction": "jurisdiction",
    "article": "article",
    "art": "article",
    "provision": "article",
    "outcome": "outcome",
    "type": "type",
    "year": "year",
    "date": "date",
    "fine": "fine",
    "has_fine": "has_fine",
    "kind": "kind",
    "lang": "language",
    "language": "language",
    "title": "title",
    "case": "case_number",
    "ecli": "case_number",
    "parties": "parties",
    "party": "parties",
    "lead": "lead",
    "summary": "summary",
    "facts": "facts",
    "dispute": "dispute",
    "holding": "holding",
    "comment": "comment",
    "translation": "machine_translation",
    "text": "text",
}
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
    """`field:value` for a facet, range or date field (canonical field name)."""

    field: str
    value: str


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
TEXT_ONLY_FIELDS = frozenset(
    {"title", "case_number", "parties", "lead", "summary", "facts", "dispute", "holding"}
    | {"comment", "machine_translation", "text"}
)


@dataclass
class ParsedQuery:
    """The tree plus what was repaired on the way."""

    node: Node
    warnings: list[str] = field(default_factory=list)

    @property
    def browse(self) -> bool:
        """True when the query asks for nothing in particular (empty, `*`)."""
        return isinstance(self.node, All)


# Tokens: ("(",), (")",), ("OP", "AND"), ("NEG",), ("WORD", text), ("PHRASE", text),
# ("FIELD", name, value, quoted).
Token = tuple[str, ...]
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


def tokenize(text: str, warnings: list[str]) -> list[Token]:
    """Split a query into tokens, repairing stray quotes."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append((c,))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                warnings.append("Unbalanced quote: the rest of the query is read as plain words.")
                i += 1
                continue
            tokens.append(("PHRASE", text[i + 1 : end]))
            i = end + 1
        elif c in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-+":
            if c == "-":
                tokens.append(("NEG",))
            i += 1
        else:
            m = _FIELD.match(text, i)
            if m and m.group(1).lower() in FIELD_ALIASES:
                name = FIELD_ALIASES[m.group(1).lower()]
                j = m.end()
                if j < n and text[j] == '"':
                    end = text.find('"', j + 1)
                    if end < 0:
                        warnings.append(f'Unbalanced quote after "{m.group(0)}": read to the end.')
                        end = n
                    tokens.append(("FIELD", name, text[j + 1 : end], "q"))
                    i = end + 1
                    continue
                end = _read_word(text, j)
                tokens.append(("FIELD", name, text[j:end], ""))
                i = end
                continue
            end = _read_word(text, i)
            if end == i:  # a lone ")" inside a word context; consume it
                end = i + 1
            word = text[i:end]
            if m and not word.lower().startswith("ecli:"):
                known = ", ".join(sorted(set(FIELD_ALIASES) - {"dpa", "court", "art", "party"}))
                warnings.append(
                    f'Unknown field "{m.group(1)}:" searched as words (fields: {known}).'
                )
                tokens.extend(("WORD", w) for w in word.split(":") if w)
            elif word in ("AND", "OR", "NOT", "&&", "||"):
                tokens.append(("OP", {"&&": "AND", "||": "OR"}.get(word, word)))
            else:
                tokens.append(("WORD", word))
            i = end
    return tokens


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
        while (tok := self.peek()) is not None and tok != (")",):
            if tok == ("OP", "AND"):
                self.pos += 1
                if not items or self.peek() in (None, (")",)):
                    self.warnings.append('"AND" needs something on both sides; ignored.')
                implicit = False
                continue
            if tok == ("OP", "OR"):
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
        while self.peek() == ("OP", "OR"):
            self.pos += 1
            nxt = self.peek()
            if nxt is None or nxt == (")",) or nxt[0] == "OP" and nxt[1] != "NOT":
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
        while self.peek() in (("OP", "NOT"), ("NEG",)):
            self.pos += 1
            negations += 1
        if negations:
            nxt = self.peek()
            if nxt is None or nxt == (")",) or nxt[0] == "OP":
                self.warnings.append('"NOT" needs something after it; ignored.')
                return None
        item = self.primary()
        return Not(item) if item is not None and negations % 2 else item

    def primary(self) -> Node | None:
        tok = self.peek()
        assert tok is not None
        self.pos += 1
        if tok == ("(",):
            if self.depth >= MAX_DEPTH:
                self.warnings.append(f"Parentheses nested deeper than {MAX_DEPTH} are ignored.")
                return None
            self.depth += 1
            inner = self.and_expr()
            self.depth -= 1
            if self.peek() == (")",):
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
        kind = tok[0]
        if kind == "PHRASE":
            return Phrase(tok[1]) if tok[1].strip() else None
        if kind == "FIELD":
            return self.field(tok[1], tok[2], quoted=bool(tok[3]))
        return self.word(tok[1])

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
        if not value:
            self.warnings.append(f'"{name}:" has no value; ignored.')
            return None
        if name in TEXT_ONLY_FIELDS:
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


def is_text_only(node: Node) -> bool:
    """True for a node that narrows by words only (no facet or range field)."""
    if isinstance(node, Word | Phrase):
        return True
    if isinstance(node, And | Or):
        return all(is_text_only(i) for i in node.items)
    return False


def render(node: Node, *, loose: bool = False) -> str:
    """The query as it was understood, in the query language (explicit AND/OR, quotes)."""
    if isinstance(node, All):
        return "*"
    if isinstance(node, Word):
        prefix = f"{_field_label(node.field)}:" if node.field else ""
        return prefix + node.text + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        prefix = f"{_field_label(node.field)}:" if node.field else ""
        return f'{prefix}"{node.text}"'
    if isinstance(node, FieldValue):
        value = f'"{node.value}"' if re.search(r"\s", node.value) else node.value
        return f"{_field_label(node.field)}:{value}"
    if isinstance(node, Not):
        return "NOT " + _group(node.item, loose)
    if isinstance(node, Or):
        return " OR ".join(_group(i, loose) for i in node.items)
    words = [i for i in node.items if is_text_only(i)]
    if loose and node.implicit and len(words) > 1:
        rest = [_group(i, loose) for i in node.items if not is_text_only(i)]
        return " AND ".join(["(" + " OR ".join(_group(w, loose) for w in words) + ")", *rest])
    return " AND ".join(_group(i, loose) for i in node.items)


def _group(node: Node, loose: bool) -> str:
    text = render(node, loose=loose)
    return f"({text})" if isinstance(node, And | Or) else text


def _field_label(name: str | None) -> str:
    labels = {
        "jurisdiction": "country",
        "case_number": "case",
        "machine_translation": "translation",
    }
    return labels.get(name or "", name or "")


def has_text(node: Node) -> bool:
    """True when some word or phrase (not under NOT) gives the results a relevance order."""
    if isinstance(node, Word | Phrase):
        return True
    if isinstance(node, And | Or):
        return any(has_text(i) for i in node.items)
    return False
