"""Documented JSON: JSON as people write it in guides, each node kept with its Markdown line.

Beyond strict JSON it accepts `...` and `…` (more items or keys, or, as a value,
"anything, but the key is there"), `//` and `/* */` comments, trailing commas and
a bare `<placeholder>` as a value.
"""

from __future__ import annotations

import bisect
import json
import re

from runner.model.document import (
    DocAny,
    DocArray,
    DocEllipsis,
    DocMember,
    DocObject,
    DocScalar,
    DocValue,
    Scalar,
)
from runner.model.errors import DocError
from runner.model.source import Source
from runner.model.step import DocumentedResponse

__all__ = [
    "documented_body",
    "has_error_shape",
    "parse_documented_json",
    "top_level_keys",
]

# One match per token, the blanks before it included (the tokenizer is the hot loop of
# planning); anything else is `bad`, so no character is skipped unseen. Punctuation is
# its own kind, so the parser compares one string per token.
_TOKEN = re.compile(
    r"""
    [ \t\r\n]*
    (?:
        (?P<comment>//[^\n]*|/\*.*?\*/)
      | (?P<open_comment>/\*)
      | (?P<string>"[^"\\\n]*(?:\\.[^"\\\n]*)*")
      | (?P<number>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
      | (?P<ellipsis>\.\.\.|…)
      | (?P<word>true|false|null)
      | (?P<placeholder><[^<>\n"]+>)
      | (?P<punct>[{}\[\]:,])
      | (?P<bad>[^ \t\r\n])
    )
    """,
    re.VERBOSE | re.DOTALL,
)
_NEEDS_DECODING = re.compile(r"[\\\x00-\x1f]")
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_MAX_DEPTH = 100
"""Nesting deeper than this is refused: no guide needs it, and every stage recurses over it."""
_WORDS: dict[str, Scalar] = {"true": True, "false": False, "null": None}

_Token = tuple[str, str, int]
"""(kind, text, offset in the text); the kind of punctuation is the character itself."""


class _Lines:
    """Offsets in the documented text -> places in the guide."""

    def __init__(self, text: str, source: Source) -> None:
        self._starts = [0] + [found.end() for found in re.finditer("\n", text)]
        self._source = source

    def at(self, offset: int) -> Source:
        line = bisect.bisect_right(self._starts, offset) - 1
        return self._source.at(self._source.line + line, offset - self._starts[line] + 1)


def _tokenize(text: str, lines: _Lines) -> list[_Token]:
    tokens: list[_Token] = []
    # Trailing blanks end the search: each failed try from inside them would rescan the rest.
    for found in _TOKEN.finditer(text, 0, len(text.rstrip(" \t\r\n"))):
        kind = found.lastgroup
        assert kind is not None
        if kind == "comment":
            continue
        start = found.start(kind)
        if kind == "bad":
            bad = re.match(r"[^\s,:{}\[\]]{1,20}|.", text[start:], re.DOTALL)
            raise DocError(
                "invalid documented JSON, expected a JSON value or punctuation, "
                f"got `{bad.group() if bad else ''}`",
                lines.at(start),
            )
        if kind == "open_comment":
            raise DocError("invalid documented JSON, `/*` comment is never closed",
                           lines.at(start))
        chunk = found.group(kind)
        tokens.append((chunk if kind == "punct" else kind, chunk, start))
    return tokens


def _describe(token: _Token | None) -> str:
    if token is None:
        return "the end of the JSON"
    if token[0] == "string":
        return f"string {token[1]}"
    return f"`{token[1]}`"


class _Parser:
    """A recursive-descent parser over the tokens, tracking lines for every node."""

    def __init__(self, tokens: list[_Token], lines: _Lines) -> None:
        self._tokens = tokens
        self._index = 0
        self._depth = 0
        self._lines = lines

    def _at(self, token: _Token | None) -> Source:
        if token is None:
            # Just past the last token (where the missing one was due).
            _, text, offset = self._tokens[-1]
            return self._lines.at(offset + len(text))
        return self._lines.at(token[2])

    def _next(self) -> _Token | None:
        index = self._index
        if index < len(self._tokens):
            self._index = index + 1
            return self._tokens[index]
        return None

    def _fail(self, expected: str, token: _Token | None) -> DocError:
        return DocError(
            f"invalid documented JSON, expected {expected}, got {_describe(token)}",
            self._at(token),
        )

    def parse_document(self) -> DocValue:
        value = self._value()
        if self._index < len(self._tokens):
            raise self._fail("the end of the JSON", self._tokens[self._index])
        return value

    def _value(self) -> DocValue:
        token = self._next()
        if token is None:
            raise self._fail("a JSON value", token)
        kind, text, _ = token
        at = self._at(token)
        if kind == "string":
            return DocScalar(self._string(token), at)
        if kind in ("{", "["):
            if self._depth >= _MAX_DEPTH:
                raise DocError(f"invalid documented JSON, expected at most {_MAX_DEPTH} levels "
                               f"of nesting, got more", at)
            self._depth += 1
            container = self._object(at) if kind == "{" else self._array(at)
            self._depth -= 1
            return container
        if kind == "number":
            number: int | float = (
                float(text) if "." in text or "e" in text or "E" in text else int(text)
            )
            return DocScalar(number, at)
        if kind == "word":
            return DocScalar(_WORDS[text], at)
        if kind == "ellipsis":
            return DocAny(at)
        if kind == "placeholder":
            return DocScalar(text, at, placeholder=True)
        raise self._fail("a JSON value", token)

    def _string(self, token: _Token) -> str:
        text = token[1]
        if _NEEDS_DECODING.search(text) is None:
            return text[1:-1]
        try:
            decoded = json.loads(text)
        except json.JSONDecodeError as error:
            raise DocError(
                f"invalid documented JSON, expected a valid string escape, got {text}",
                self._at(token),
            ) from error
        assert isinstance(decoded, str)
        lone = _LONE_SURROGATE.search(decoded)
        if lone is not None:
            # Half of a UTF-16 pair is no character: no output could print it.
            raise DocError(
                "invalid documented JSON, expected a valid string escape, got "
                f"\\u{ord(lone.group()):04x} (half of a surrogate pair) in {text}",
                self._at(token),
            )
        return decoded

    def _object(self, at: Source) -> DocObject:
        members: list[DocMember] = []
        seen: dict[str, Source] = {}
        more = False
        while True:
            token = self._next()
            kind = token[0] if token is not None else None
            if kind == "}":
                return DocObject(tuple(members), at, more)
            if kind == "ellipsis":
                more = True
            elif kind == "string":
                assert token is not None
                key = self._string(token)
                key_at = self._at(token)
                if key in seen:
                    raise DocError(
                        f"invalid documented JSON, key {token[1]} is written twice "
                        f"(first at line {seen[key].line})",
                        key_at,
                    )
                seen[key] = key_at
                colon = self._next()
                if colon is None or colon[0] != ":":
                    raise self._fail("`:` after the key", colon)
                members.append(DocMember(key, self._value(), key_at))
            else:
                raise self._fail(
                    "a key or `}`" if token is None else "a key (a double-quoted string) or `}`",
                    token,
                )
            separator = self._next()
            if separator is not None and separator[0] == "}":
                return DocObject(tuple(members), at, more)
            if separator is None or separator[0] != ",":
                raise self._fail("`,` or `}`", separator)

    def _array(self, at: Source) -> DocArray:
        items: list[DocValue | DocEllipsis] = []
        tokens = self._tokens
        while True:
            token = tokens[self._index] if self._index < len(tokens) else None
            if token is not None and token[0] == "]":
                self._index += 1
                return DocArray(tuple(items), at)
            if token is not None and token[0] == "ellipsis":
                self._index += 1
                items.append(DocEllipsis(self._at(token)))
            else:
                items.append(self._value())
            separator = self._next()
            if separator is not None and separator[0] == "]":
                return DocArray(tuple(items), at)
            if separator is None or separator[0] != ",":
                raise self._fail("`,` or `]`", separator)


def parse_documented_json(text: str, *, source: Source) -> DocValue:
    """Parse a documented JSON body whose first line is at `source`.

    Raises:
        DocError: at the offending line, with what was expected and what was found.
    """
    lines = _Lines(text, source)
    tokens = _tokenize(text, lines)
    if not tokens:
        raise DocError("invalid documented JSON, expected a JSON value, got nothing", source)
    return _Parser(tokens, lines).parse_document()


def top_level_keys(doc: DocValue) -> tuple[str, ...]:
    """The keys of a documented object, in order; () for anything else."""
    if isinstance(doc, DocObject):
        return tuple(member.key for member in doc.members)
    return ()


def has_error_shape(doc: DocValue) -> bool:
    """Whether a documented body looks like an error: a top-level `code` or `error` key."""
    keys = top_level_keys(doc)
    return "code" in keys or "error" in keys


def documented_body(response: DocumentedResponse) -> DocValue:
    """A documented response's body as documented JSON: the planner's reading, or a fresh one.

    Raises:
        DocError: the body is not documented JSON.
    """
    if response.document is not None:
        return response.document
    return parse_documented_json(response.body, source=response.source.at(response.body_line))
