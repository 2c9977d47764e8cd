"""Documented JSON: JSON as people write it in guides, each node kept with its Markdown line.

Beyond strict JSON it accepts `...` and `…` (more items or keys, or, as a value,
"anything, but the key is there"), `//` and `/* */` comments, trailing commas and
a bare `<placeholder>` as a value.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Union

from runner.errors import DocError
from runner.source import Source

__all__ = [
    "DocAny",
    "DocArray",
    "DocEllipsis",
    "DocMember",
    "DocObject",
    "DocScalar",
    "DocValue",
    "Scalar",
    "has_error_shape",
    "parse_documented_json",
    "top_level_keys",
]

Scalar = Union[str, int, float, bool, None]  # noqa: UP007 (a runtime alias)


@dataclass(frozen=True, slots=True)
class DocScalar:
    """A string, number, boolean or null as documented."""

    value: Scalar
    source: Source
    placeholder: bool = False
    """Written bare, like `<agent-id>`, rather than as a JSON string."""


@dataclass(frozen=True, slots=True)
class DocAny:
    """A bare `...` written as a value: anything matches, but the key must be there."""

    source: Source


@dataclass(frozen=True, slots=True)
class DocEllipsis:
    """A `...` among an array's items: any number of items (zero included) stand here."""

    source: Source


@dataclass(frozen=True, slots=True)
class DocMember:
    """One `"key": value` of a documented object; `source` is the key's line."""

    key: str
    value: DocValue
    source: Source


@dataclass(frozen=True, slots=True)
class DocObject:
    """A documented object; `more` when the writer wrote `...` for further keys."""

    members: tuple[DocMember, ...]
    source: Source
    more: bool = False

    def get(self, key: str) -> DocMember | None:
        """The member with this key, if documented."""
        for member in self.members:
            if member.key == key:
                return member
        return None


@dataclass(frozen=True, slots=True)
class DocArray:
    """A documented array; items may include `DocEllipsis` gaps (`[a, ..., z]`)."""

    items: tuple[DocValue | DocEllipsis, ...]
    source: Source

    @property
    def more(self) -> bool:
        """Whether the writer elided items somewhere."""
        return any(isinstance(item, DocEllipsis) for item in self.items)


DocValue = Union[DocScalar, DocAny, DocObject, DocArray]  # noqa: UP007 (a runtime alias)

_TOKEN = re.compile(
    r"""
    (?P<space>[ \t\r\n]+)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*.*?\*/)
  | (?P<open_comment>/\*)
  | (?P<string>"(?:[^"\\\n]|\\.)*")
  | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<ellipsis>\.\.\.|…)
  | (?P<word>true|false|null)
  | (?P<placeholder><[^<>\n"]+>)
  | (?P<punct>[{}\[\]:,])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    line: int
    """0-based, relative to the first line of the text."""
    column: int


def _describe(token: _Token | None) -> str:
    if token is None:
        return "the end of the JSON"
    if token.kind == "string":
        return f"string {token.text}"
    return f"`{token.text}`"


def _tokenize(text: str, source: Source) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    line = 0
    line_start = 0
    while position < len(text):
        found = _TOKEN.match(text, position)
        column = position - line_start + 1
        if found is None or found.lastgroup is None:
            bad = re.match(r"[^\s,:{}\[\]]{1,20}|.", text[position:], re.DOTALL)
            raise DocError(
                "invalid documented JSON, expected a JSON value or punctuation, "
                f"got `{bad.group() if bad else ''}`",
                source.at(source.line + line, column),
            )
        kind = found.lastgroup
        chunk = found.group()
        if kind == "open_comment":
            raise DocError("invalid documented JSON, `/*` comment is never closed",
                           source.at(source.line + line, column))
        if kind not in {"space", "line_comment", "block_comment"}:
            tokens.append(_Token(kind, chunk, line, column))
        if "\n" in chunk:
            line += chunk.count("\n")
            line_start = position + chunk.rindex("\n") + 1
        position = found.end()
    return tokens


class _Parser:
    """A recursive-descent parser over the tokens, tracking lines for every node."""

    def __init__(self, tokens: list[_Token], source: Source) -> None:
        self._tokens = tokens
        self._index = 0
        self._source = source

    def _at(self, token: _Token | None) -> Source:
        if token is None:
            last = self._tokens[-1]
            return self._source.at(self._source.line + last.line, last.column + len(last.text))
        return self._source.at(self._source.line + token.line, token.column)

    def _peek(self) -> _Token | None:
        return self._tokens[self._index] if self._index < len(self._tokens) else None

    def _next(self) -> _Token | None:
        token = self._peek()
        if token is not None:
            self._index += 1
        return token

    def _fail(self, expected: str, token: _Token | None) -> DocError:
        return DocError(
            f"invalid documented JSON, expected {expected}, got {_describe(token)}",
            self._at(token),
        )

    def parse_document(self) -> DocValue:
        value = self._value()
        trailing = self._peek()
        if trailing is not None:
            raise self._fail("the end of the JSON", trailing)
        return value

    def _value(self) -> DocValue:
        token = self._next()
        if token is None:
            raise self._fail("a JSON value", token)
        at = self._at(token)
        if token.kind == "punct" and token.text == "{":
            return self._object(at)
        if token.kind == "punct" and token.text == "[":
            return self._array(at)
        if token.kind == "ellipsis":
            return DocAny(at)
        if token.kind == "placeholder":
            return DocScalar(token.text, at, placeholder=True)
        if token.kind == "string":
            return DocScalar(self._string(token), at)
        if token.kind == "number":
            number: int | float = (
                int(token.text) if re.fullmatch(r"-?[0-9]+", token.text) else float(token.text)
            )
            return DocScalar(number, at)
        if token.kind == "word":
            return DocScalar({"true": True, "false": False, "null": None}[token.text], at)
        raise self._fail("a JSON value", token)

    def _string(self, token: _Token) -> str:
        try:
            decoded = json.loads(token.text)
        except json.JSONDecodeError as error:
            raise DocError(
                f"invalid documented JSON, expected a valid string escape, got {token.text}",
                self._at(token),
            ) from error
        assert isinstance(decoded, str)
        return decoded

    def _object(self, at: Source) -> DocObject:
        members: list[DocMember] = []
        seen: dict[str, Source] = {}
        more = False
        while True:
            token = self._next()
            if token is None:
                raise self._fail("a key or `}`", token)
            if token.kind == "punct" and token.text == "}":
                return DocObject(tuple(members), at, more)
            if token.kind == "ellipsis":
                more = True
            elif token.kind == "string":
                key = self._string(token)
                key_at = self._at(token)
                if key in seen:
                    raise DocError(
                        f"invalid documented JSON, key {token.text} is written twice "
                        f"(first at line {seen[key].line})",
                        key_at,
                    )
                seen[key] = key_at
                colon = self._next()
                if colon is None or colon.text != ":" or colon.kind != "punct":
                    raise self._fail("`:` after the key", colon)
                members.append(DocMember(key, self._value(), key_at))
            else:
                raise self._fail("a key (a double-quoted string) or `}`", token)
            separator = self._next()
            if separator is not None and separator.kind == "punct" and separator.text == "}":
                return DocObject(tuple(members), at, more)
            if separator is None or separator.kind != "punct" or separator.text != ",":
                raise self._fail("`,` or `}`", separator)

    def _array(self, at: Source) -> DocArray:
        items: list[DocValue | DocEllipsis] = []
        while True:
            token = self._peek()
            if token is not None and token.kind == "punct" and token.text == "]":
                self._next()
                return DocArray(tuple(items), at)
            if token is not None and token.kind == "ellipsis":
                self._next()
                items.append(DocEllipsis(self._at(token)))
            else:
                items.append(self._value())
            separator = self._next()
            if separator is not None and separator.kind == "punct" and separator.text == "]":
                return DocArray(tuple(items), at)
            if separator is None or separator.kind != "punct" or separator.text != ",":
                raise self._fail("`,` or `]`", separator)


def parse_documented_json(text: str, *, source: Source) -> DocValue:
    """Parse a documented JSON body whose first line is at `source`.

    Raises:
        DocError: at the offending line, with what was expected and what was found.
    """
    tokens = _tokenize(text, source)
    if not tokens:
        raise DocError("invalid documented JSON, expected a JSON value, got nothing", source)
    return _Parser(tokens, source).parse_document()


def top_level_keys(doc: DocValue) -> tuple[str, ...]:
    """The keys of a documented object, in order; () for anything else."""
    if isinstance(doc, DocObject):
        return tuple(member.key for member in doc.members)
    return ()


def has_error_shape(doc: DocValue) -> bool:
    """Whether a documented body looks like an error: a top-level `code` or `error` key."""
    keys = top_level_keys(doc)
    return "code" in keys or "error" in keys
