"""A short diff of a failed step's documented body against the real one, failing paths only.

Both sides are rendered in the documented key order, and everything the matcher did not
fail on renders as the documented value on both sides, so only the failing paths differ:
a missing key is a `-` line, a changed value a `-`/`+` pair, a wrong-length array both
arrays on one line each. Unchanged runs collapse to one line of context around each change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from runner.model import (
    DocAny,
    DocArray,
    DocEllipsis,
    DocError,
    DocObject,
    DocScalar,
    DocValue,
    StepResult,
    expected_class,
)
from runner.read.jq import Part, format_path, parse_path
from runner.report.render import Segment, plain
from runner.secrets import mask_jwts
from runner.translate.docjson import documented_body

__all__ = ["body_diff", "body_diff_text"]

HEADER = "body (-documented +actual):"
_MAX_LINES = 20
_VALUE_LIMIT = 100
_STYLES = {"-": "green", "+": "red", " ": ""}


@dataclass(frozen=True, slots=True)
class _Line:
    """One diff line: `-` documented, `+` real, ` ` both; `frame` opens or closes a change."""

    tag: str
    depth: int
    text: str
    frame: bool = False


def body_diff(result: StepResult) -> list[Segment]:
    """The styled diff under a failed step's problems: a header, then one segment per line.

    Empty when there is nothing to show: the step did not fail on a body path, the
    status class was wrong (the body was not compared), or either body is not JSON.
    """
    lines = _diff_lines(result)
    if not lines:
        return []
    segments: list[Segment] = [(HEADER, "dim")]
    for line in lines:
        text = mask_jwts(f"{line.tag}  {'  ' * line.depth}{line.text}")
        style = "dim" if line.text.startswith("…") else _STYLES[line.tag]
        segments += [("\n", ""), (text, style)]
    return segments


def body_diff_text(result: StepResult) -> str:
    """The plain form of `body_diff` ("" when there is no diff)."""
    return plain(body_diff(result))


def _diff_lines(result: StepResult) -> list[_Line]:
    failing = _failing_paths(result)
    parsed = _bodies(result) if failing else None
    if parsed is None:
        return []
    documented, real = parsed
    walker = _Walker(failing)
    walker.node("", documented, real, True, [], 0, "")
    if not any(line.tag != " " for line in walker.lines):
        return []  # the failing paths are not in the documented body (a capture, say)
    return _cap(_collapse(walker.lines))


def _failing_paths(result: StepResult) -> frozenset[str]:
    """The JSON paths of the step's failures, spelled as `format_path` spells them."""
    if result.status != "failed":
        return frozenset()
    paths: set[str] = set()
    for problem in result.problems:
        if problem.severity != "failure" or not problem.path or not problem.path.startswith("$"):
            continue
        try:
            paths.add(format_path(parse_path(problem.path)))
        except DocError:
            paths.add(problem.path)
    return frozenset(paths)


def _bodies(result: StepResult) -> tuple[DocValue, Any] | None:
    """The documented body parsed and the real one decoded, when both are JSON and compared."""
    step, exchange = result.step, result.exchange
    documented = step.response
    if documented is None or exchange is None or exchange.status is None:
        return None
    if not step.prints_response or exchange.status // 100 != expected_class(step.expected):
        return None
    if documented.kind == "text" or (
        documented.kind != "json" and documented.body.lstrip()[:1] not in {"{", "["}
    ):
        return None
    try:
        doc = documented_body(documented)
        real = json.loads(exchange.response_body)
    except (DocError, ValueError, RecursionError):
        return None
    return doc, real


class _Walker:
    """Renders the documented tree, opening only the containers that hold a failing path."""

    def __init__(self, failing: frozenset[str]) -> None:
        self.failing = failing
        self.lines: list[_Line] = []

    def _holds_failure(self, path: str) -> bool:
        return any(p.startswith(path) and p[len(path):][:1] in {".", "["} for p in self.failing)

    def node(self, prefix: str, doc: DocValue, real: Any, present: bool, parts: list[Part],
             depth: int, comma: str) -> None:
        """One member or item: `prefix` is `"key": ` (or nothing), `comma` what follows it."""
        path = format_path(parts)
        if path in self.failing:
            self.lines.append(_Line("-", depth, prefix + _clip(_documented(doc)) + comma))
            if present:
                self.lines.append(_Line("+", depth, prefix + _clip(_real(real)) + comma))
            return
        if present and self._holds_failure(path):
            if isinstance(doc, DocObject) and isinstance(real, dict):
                self.lines.append(_Line(" ", depth, prefix + "{", frame=True))
                self._object(doc, real, parts, depth + 1)
                self.lines.append(_Line(" ", depth, "}" + comma, frame=True))
                return
            if isinstance(doc, DocArray) and isinstance(real, list):
                self.lines.append(_Line(" ", depth, prefix + "[", frame=True))
                self._array(doc, real, parts, depth + 1)
                self.lines.append(_Line(" ", depth, "]" + comma, frame=True))
                return
        self.lines.append(_Line(" ", depth, prefix + _clip(_documented(doc)) + comma))

    def _object(self, doc: DocObject, real: dict[str, Any], parts: list[Part],
                depth: int) -> None:
        # Undocumented keys fail only under `strict`: show those the matcher failed on.
        extra = [key for key in real
                 if doc.get(key) is None and format_path([*parts, key]) in self.failing]
        count = len(doc.members) + len(extra) + (1 if doc.more else 0)
        position = 0
        for member in doc.members:
            position += 1
            self.node(f"{_key(member.key)}: ", member.value, real.get(member.key),
                      member.key in real, [*parts, member.key], depth,
                      "," if position < count else "")
        for key in extra:
            position += 1
            text = f"{_key(key)}: {_clip(_real(real[key]))}{',' if position < count else ''}"
            self.lines.append(_Line("+", depth, text))
        if doc.more:
            self.lines.append(_Line(" ", depth, "..."))

    def _array(self, doc: DocArray, real: list[Any], parts: list[Part], depth: int) -> None:
        indexes = _real_indexes(doc, len(real))
        for position, (item, index) in enumerate(zip(doc.items, indexes, strict=True)):
            comma = "," if position < len(doc.items) - 1 else ""
            if isinstance(item, DocEllipsis):
                self.lines.append(_Line(" ", depth, "..." + comma))
            elif index is None:
                # An item found by search (after a `...`): its real index is not known here.
                self.lines.append(_Line(" ", depth, _clip(_documented(item)) + comma))
            else:
                self.node("", item, real[index], True, [*parts, index], depth, comma)


def _real_indexes(doc: DocArray, length: int) -> list[int | None]:
    """The real index each documented item was compared with, as the matcher pairs them.

    Items before the first `...` pair from the start, items after the last from the end;
    items between two gaps were searched for, so they have no fixed index.
    """
    gaps = [i for i, item in enumerate(doc.items) if isinstance(item, DocEllipsis)]
    if not gaps:
        return [i if i < length else None for i in range(len(doc.items))]
    first, last = gaps[0], gaps[-1]
    tail = len(doc.items) - last - 1
    indexes: list[int | None] = []
    for i in range(len(doc.items)):
        if i < first:
            indexes.append(i if i < length else None)
        elif i > last:
            real = length - tail + (i - last - 1)
            indexes.append(real if real >= first else None)
        else:
            indexes.append(None)
    return indexes


def _collapse(lines: list[_Line]) -> list[_Line]:
    """Keep changes, one line of context each side and the frames; a run of others is `...`."""
    keep = {0, len(lines) - 1}
    for index, line in enumerate(lines):
        if line.frame:
            keep.add(index)
        if line.tag != " ":
            keep.update({index - 1, index, index + 1})
    out: list[_Line] = []
    hidden: list[_Line] = []
    for index, line in enumerate(lines):
        if index in keep:
            out += _hide(hidden)
            hidden = []
            out.append(line)
        else:
            hidden.append(line)
    return out + _hide(hidden)


def _hide(run: list[_Line]) -> list[_Line]:
    """A run of unchanged lines as one `...` (a single line is shown: it is no longer)."""
    if len(run) <= 1:
        return run
    return [_Line(" ", run[0].depth, "...")]


def _cap(lines: list[_Line]) -> list[_Line]:
    if len(lines) <= _MAX_LINES:
        return lines
    hidden = len(lines) - (_MAX_LINES - 1)
    more = f"… ({hidden} more line{'' if hidden == 1 else 's'})"
    return [*lines[: _MAX_LINES - 1], _Line(" ", 0, more)]


def _key(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


def _documented(doc: DocValue) -> str:
    """A documented value on one line, as the writer wrote it (`...` and placeholders kept)."""
    if isinstance(doc, DocScalar):
        return str(doc.value) if doc.placeholder else json.dumps(doc.value, ensure_ascii=False)
    if isinstance(doc, DocAny):
        return "..."
    if isinstance(doc, DocObject):
        members = [f"{_key(m.key)}: {_documented(m.value)}" for m in doc.members]
        return "{" + ", ".join([*members, *(["..."] if doc.more else [])]) + "}"
    return "[" + ", ".join(_items(doc.items)) + "]"


def _items(items: Iterable[DocValue | DocEllipsis]) -> list[str]:
    return ["..." if isinstance(item, DocEllipsis) else _documented(item) for item in items]


def _real(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _clip(text: str) -> str:
    if len(text) <= _VALUE_LIMIT:
        return text
    return text[: _VALUE_LIMIT - 1] + "…"
