"""The jq subset of `$(curl ... | jq -r FILTER)` captures and the JSON paths of directives.

jq filters: `.`, `.a`, `.a.b`, `."k"`, `.["k"]`, `.a[0]`, `.a[-1]`, and pipes of those
(`.a | .b`). JSON paths: `$`, `$.a.b`, `$.a[0]`, `$['k']`, `$["k"]`; directive paths
(`ignore=`, `unordered=`) may also use `[*]` and `.*` for "every item or key".
Unlike jq, a missing key is not `null`: it raises `PathNotFound`, since a capture
of a field that is not there is a broken guide.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Union

from runner.model import DocError, Source

__all__ = [
    "WILDCARD",
    "Part",
    "Path",
    "PathNotFound",
    "Wildcard",
    "format_path",
    "json_kind",
    "parse_path",
    "path_matches",
    "render",
    "select",
]


@dataclass(frozen=True, slots=True)
class Wildcard:
    """`[*]` or `.*` in a directive path: any index or key."""

    def __repr__(self) -> str:
        return "WILDCARD"


WILDCARD = Wildcard()

Part = Union[str, int, Wildcard]  # noqa: UP007 (a runtime alias)
Path = tuple[Part, ...]


class PathNotFound(DocError):
    """A capture path that the real response does not have: a failed expectation, exit 1.

    A DocError so that one `except DocError` catches every capture problem; its exit
    status says that the guide's expectation failed, not that the guide is unreadable.
    """

    exit_status = 1

    def __init__(self, message: str, source: Source | None = None, *, path: str = "$") -> None:
        super().__init__(message, source)
        self.path = path


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"' + r"|'(?:[^'\\]|\\.)*'")
_INDEX = re.compile(r"-?[0-9]+")


def _quoted(text: str) -> str:
    if text.startswith("'"):
        # JSONPath single quotes: rewrite as a JSON string so escapes decode alike.
        text = '"' + text[1:-1].replace('\\"', '"').replace("\\'", "'").replace('"', '\\"') + '"'
    decoded = json.loads(text)
    assert isinstance(decoded, str)
    return decoded


def _fail(text: str, position: int, expected: str, source: Source | None) -> DocError:
    got = f"`{text[position:]}`" if text[position:] else "the end of the path"
    return DocError(f"unsupported path `{text}`, expected {expected}, got {got}", source)


def _parse_bracket(text: str, position: int, source: Source | None) -> tuple[Part, int]:
    """Parse `[0]`, `[-1]`, `["k"]`, `['k']` or `[*]` starting at the `[`."""
    inner = position + 1
    while inner < len(text) and text[inner] == " ":
        inner += 1
    part: Part
    if text.startswith("*", inner):
        part, end = WILDCARD, inner + 1
    elif (index := _INDEX.match(text, inner)) is not None:
        part, end = int(index.group()), index.end()
    elif (string := _STRING.match(text, inner)) is not None:
        try:
            part = _quoted(string.group())
        except json.JSONDecodeError as error:
            raise _fail(text, inner, "a valid quoted key", source) from error
        end = string.end()
    else:
        raise _fail(text, inner, "an index, a quoted key or `*` inside `[]`", source)
    while end < len(text) and text[end] == " ":
        end += 1
    if not text.startswith("]", end):
        raise _fail(text, end, "`]`", source)
    return part, end + 1


def _parse_segment(text: str, position: int, end: int, source: Source | None) -> list[Part]:
    """Parse `.a.b[0]`-style accessors from `position` up to `end` (exclusive)."""
    parts: list[Part] = []
    begin = position
    while position < end:
        char = text[position]
        if char == "[":
            part, position = _parse_bracket(text, position, source)
            parts.append(part)
        elif char == ".":
            position += 1
            if position >= end:
                if position - 1 == begin and text[begin - 1 : begin] != "$":
                    break  # a lone `.`: jq's identity
                raise _fail(text, position, "a key name after `.`", source)
            if text[position] == "[":
                continue
            if text[position] == "*":
                parts.append(WILDCARD)
                position += 1
            elif (ident := _IDENT.match(text, position, end)) is not None:
                parts.append(ident.group())
                position = ident.end()
            elif (string := _STRING.match(text, position, end)) is not None:
                parts.append(_quoted(string.group()))
                position = string.end()
            else:
                raise _fail(text, position, "a key name after `.`", source)
        else:
            raise _fail(text, position, "`.key` or `[index]`", source)
    return parts


def _split_pipes(text: str) -> list[str]:
    """Split a jq filter at the `|` outside quoted keys."""
    pieces: list[str] = []
    start = 0
    position = 0
    while position < len(text):
        quoted = _STRING.match(text, position) if text[position] in "\"'" else None
        if quoted is not None:
            position = quoted.end()
            continue
        if text[position] == "|":
            pieces.append(text[start:position])
            start = position + 1
        position += 1
    pieces.append(text[start:])
    return pieces


def parse_path(text: str, *, source: Source | None = None) -> Path:
    """Parse a jq filter (`.a[0]`, `.a | .b`) or a JSON path (`$.a['k']`) into its parts.

    Raises:
        DocError: anything outside the subset (`.[]`, functions, `//`, ...), at `source`.
    """
    stripped = text.strip()
    if stripped.startswith("$"):
        if "|" in stripped:
            raise _fail(stripped, stripped.index("|"), "a JSON path without `|`", source)
        return tuple(_parse_segment(stripped, 1, len(stripped), source))
    if not stripped.startswith("."):
        raise _fail(stripped, 0, "a jq path starting with `.` or a JSON path starting with `$`",
                    source)
    parts: list[Part] = []
    start = 0
    for segment in _split_pipes(stripped):
        offset = start + len(segment) - len(segment.lstrip())
        piece = segment.strip()
        start += len(segment) + 1
        if not piece.startswith("."):
            raise _fail(stripped, offset, "a path starting with `.`", source)
        parsed = _parse_segment(stripped, offset, offset + len(piece), source)
        if any(isinstance(part, Wildcard) for part in parsed):
            raise _fail(stripped, offset, "a single value (jq's `.[]` iterates)", source)
        parts.extend(parsed)
    return tuple(parts)


def format_path(parts: Sequence[Part]) -> str:
    """The JSON path of parts, as problems show it: `$.data[0].agentId`, `$['a b']`."""
    text = "$"
    for part in parts:
        if isinstance(part, Wildcard):
            text += "[*]"
        elif isinstance(part, int):
            text += f"[{part}]"
        elif _IDENT.fullmatch(part):
            text += f".{part}"
        else:
            text += "[" + json.dumps(part, ensure_ascii=False) + "]"
    return text


def path_matches(pattern: Sequence[Part], parts: Sequence[Part]) -> bool:
    """Whether a concrete path is the directive path `pattern` (wildcards match any part)."""
    if len(pattern) != len(parts):
        return False
    return all(
        isinstance(want, Wildcard) or want == got for want, got in zip(pattern, parts, strict=True)
    )


def json_kind(value: Any) -> str:
    """How a message names a JSON value's type: `null`, `a string`, `an object`..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def select(value: Any, path: str | Path, *, source: Source | None = None) -> Any:
    """The value at `path` (a filter, a JSON path or parsed parts) in a parsed JSON value.

    Raises:
        PathNotFound: a key, index or nesting the value does not have.
        DocError: a path outside the subset.
    """
    parts = parse_path(path, source=source) if isinstance(path, str) else path
    current = value
    for depth, part in enumerate(parts):
        where = format_path(parts[: depth + 1])
        if isinstance(part, Wildcard):
            raise DocError(f"the path {format_path(parts)} names several values, not one", source)
        if isinstance(part, int):
            if not isinstance(current, list):
                raise PathNotFound(
                    f"{where} not found: {format_path(parts[:depth])} is {json_kind(current)}, "
                    "not an array",
                    source,
                    path=where,
                )
            if not -len(current) <= part < len(current):
                raise PathNotFound(
                    f"{where} not found: the array has {len(current)} items", source, path=where
                )
            current = current[part]
        else:
            if not isinstance(current, dict):
                raise PathNotFound(
                    f"{where} not found: {format_path(parts[:depth])} is {json_kind(current)}, "
                    "not an object",
                    source,
                    path=where,
                )
            if part not in current:
                raise PathNotFound(f"{where} not found in the response", source, path=where)
            current = current[part]
    return current


def _jq_number(value: int | float) -> str:
    # jq 1.6 holds numbers as doubles: 2.0 prints as 2, 1e20 as 1e+20.
    number = float(value)
    if number.is_integer() and abs(number) < 1e17:
        return str(int(number))
    return repr(number)


def _jq_dump(value: Any, indent: int) -> str:
    pad = "  " * (indent + 1)
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return _jq_number(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        if not value:
            return "[]"
        items = [pad + _jq_dump(item, indent + 1) for item in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]"
    if isinstance(value, dict):
        if not value:
            return "{}"
        members = [
            f"{pad}{json.dumps(str(key), ensure_ascii=False)}: {_jq_dump(item, indent + 1)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(members) + "\n" + "  " * indent + "}"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def render(value: Any, raw: bool = True) -> str:
    """What `jq` (`jq -r` when raw) prints for a value, without the final newline.

    Strings print bare under `-r` and quoted otherwise; everything else prints as jq's
    pretty JSON (two-space indent), which `$(...)` then captures as is.
    """
    if raw and isinstance(value, str):
        return value
    return _jq_dump(value, 0)
