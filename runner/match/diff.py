"""The body diff of a failed match, as data: the documented body against the real value it
was held against, failing paths only.

Drawn while matching, from what was compared: the value after a `| jq` filter, the pairing
of `unordered=` arrays and of items found after a `...`. Both sides are drawn in the
documented key order, and everything that did not fail is drawn as the documented value,
so only the failing paths differ: a missing key is a `-` line, a changed value a `-`/`+`
pair, a wrong-length array both arrays on one line each, an unordered or gapped array its
items, the unmatched ones `-` (and, unordered without a gap, the real ones left over `+`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from runner.match.body import Paired
from runner.model import (
    DiffLine,
    DocAny,
    DocArray,
    DocEllipsis,
    DocObject,
    DocScalar,
    DocValue,
    Problem,
)
from runner.read.jq import Part, format_path

__all__ = ["body_diff"]


def body_diff(doc: DocValue, real: Any, problems: Iterable[Problem],
              pairs: Mapping[tuple[Part, ...], Paired],
              renamed: Mapping[tuple[Part, ...], str] | None = None) -> tuple[DiffLine, ...]:
    """The diff lines of a compared body (none when no failure is at a path in it).

    `problems` are the body's (binding conflicts included); only failures at a JSON path
    count, so a wording note draws nothing. `renamed` names, for a missing documented key,
    the real key it probably is: that member is drawn `+` under the documented `-` one.
    """
    failing = frozenset(problem.path for problem in problems if problem.severity == "failure"
                        and problem.path is not None and problem.path.startswith("$"))
    if not failing:
        return ()
    walker = _Walker(failing, pairs, renamed or {})
    walker.node("", doc, real, True, [], 0, False, None)
    if not any(line.tag != " " for line in walker.lines):
        return ()  # the failing paths are not in the documented body
    return tuple(walker.lines)


class _Walker:
    """Draws the documented tree, opening only the containers that hold a failing path."""

    def __init__(self, failing: frozenset[str], pairs: Mapping[tuple[Part, ...], Paired],
                 renamed: Mapping[tuple[Part, ...], str]) -> None:
        self.failing = failing
        self.pairs = pairs
        self.renamed = renamed
        self.lines: list[DiffLine] = []

    def _holds_failure(self, path: str) -> bool:
        return any(p.startswith(path) and p[len(path):][:1] in {".", "["} for p in self.failing)

    def _add(self, tag: Literal["-", "+", " "], depth: int, text: str, path: str = "",
             line: int | None = None, *, key: str = "", comma: bool = False,
             frame: bool = False) -> None:
        self.lines.append(DiffLine(tag, depth, text, key=key, comma=comma, path=path, line=line,
                                   frame=frame))

    def node(self, key: str, doc: DocValue, real: Any, present: bool, parts: list[Part],
             depth: int, comma: bool, line: int | None) -> None:
        """One member or item: `key` is `"key": ` (or nothing), `comma` whether one follows;
        `line` is where the documented member is (its key's line), else the node's."""
        path = format_path(parts)
        line = doc.source.line if line is None else line
        paired = self.pairs.get(tuple(parts)) if isinstance(doc, DocArray) else None
        itemized = paired is not None and isinstance(real, list)
        if path in self.failing and not itemized:
            self._add("-", depth, _documented(doc), path, line, key=key, comma=comma)
            if present:
                self._add("+", depth, _real(real), path, key=key, comma=comma)
            return
        if present and (path in self.failing or self._holds_failure(path)):
            if isinstance(doc, DocObject) and isinstance(real, dict):
                self._add(" ", depth, "{", path, line, key=key, frame=True)
                self._object(doc, real, parts, depth + 1)
                self._add(" ", depth, "}", comma=comma, frame=True)
                return
            if isinstance(doc, DocArray) and isinstance(real, list):
                self._add(" ", depth, "[", path, line, key=key, frame=True)
                self._array(doc, real, parts, depth + 1, paired)
                self._add(" ", depth, "]", comma=comma, frame=True)
                return
        self._add(" ", depth, _documented(doc), path, line, key=key, comma=comma)

    def _object(self, doc: DocObject, real: dict[str, Any], parts: list[Part],
                depth: int) -> None:
        # A missing documented key's real name, drawn under it (`-"kind"` then `+"agentType"`).
        meant: dict[str, str] = {}
        for member in doc.members:
            name = self.renamed.get((*parts, member.key))
            if member.key not in real and name in real and name not in meant.values():
                meant[member.key] = name
        # Undocumented keys fail only under `strict`: show those the matcher failed on.
        extra = [key for key in real if doc.get(key) is None and key not in meant.values()
                 and format_path([*parts, key]) in self.failing]
        count = len(doc.members) + len(meant) + len(extra) + (1 if doc.more else 0)
        position = 0
        for member in doc.members:
            position += 1
            self.node(f"{_key(member.key)}: ", member.value, real.get(member.key),
                      member.key in real, [*parts, member.key], depth,
                      position + (member.key in meant) < count, member.source.line)
            if member.key in meant:
                position += 1
                key = meant[member.key]
                self._add("+", depth, _real(real[key]), format_path([*parts, key]),
                          key=f"{_key(key)}: ", comma=position < count)
        for key in extra:
            position += 1
            self._add("+", depth, _real(real[key]), format_path([*parts, key]),
                      key=f"{_key(key)}: ", comma=position < count)
        if doc.more:
            self._add(" ", depth, "...")

    def _array(self, doc: DocArray, real: list[Any], parts: list[Part], depth: int,
               paired: Paired | None) -> None:
        # Compared in order with no gap: item i was held against real item i.
        indexes = paired.indexes if paired is not None else {
            i: i for i in range(min(len(doc.items), len(real)))}
        leftover: list[int] = []
        if paired is not None and paired.unordered and not doc.more:
            used = set(indexes.values())
            leftover = [index for index in range(len(real)) if index not in used]
        count = len(doc.items) + len(leftover)
        array_path = format_path(parts)
        for position, item in enumerate(doc.items):
            comma = position < count - 1
            index = indexes.get(position)
            if isinstance(item, DocEllipsis):
                self._add(" ", depth, "...", comma=comma)
            elif index is not None:
                self.node("", item, real[index], True, [*parts, index], depth, comma, None)
            elif paired is not None and array_path in self.failing:
                # Matched by no real item (unordered, or a run after a `...` not found).
                self._add("-", depth, _documented(item), array_path, item.source.line,
                          comma=comma)
            else:
                self._add(" ", depth, _documented(item), "", item.source.line, comma=comma)
        for number, index in enumerate(leftover, start=len(doc.items)):
            self._add("+", depth, _real(real[index]), format_path([*parts, index]),
                      comma=number < count - 1)


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
