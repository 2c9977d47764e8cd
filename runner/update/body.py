"""The smallest edits that make a documented JSON body say what the target answered.

Only the failing paths are touched: a changed value's token is replaced, a key the answer
no longer has is removed with its line (or renamed, when the matcher named the real key),
a key a strict object is missing is inserted at the documented indentation, a wrong-length
array is written again in the documented layout, keeping its `...`. Everything else, the
examples that still unify, comments, trailing commas and key order included, stays as
written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Any

from runner.match import ExampleBook
from runner.match.body import BodyMatcher
from runner.model import (
    DocAny,
    DocArray,
    DocEllipsis,
    DocMember,
    DocObject,
    DocScalar,
    DocValue,
    Problem,
)
from runner.read.jq import Part, Path, format_path, path_matches
from runner.translate.shapes import HUMAN_TEXT_KEYS, shape_of, shortened
from runner.update.align import align
from runner.update.text import Edit, GuideText, tokens_of

__all__ = ["BodyEditor"]

_MEANT = re.compile(r"did you mean `([^`]+)`\?( \(its value matches the guide's\))?")
_RESIZED = re.compile(r" has [0-9]+ items?, the guide shows [0-9]+$| has no item like the one "
                      r"documented at line [0-9]+ \(in any order\)$")
"""An array whose items came, went or changed: edited item by item, not written again."""
Safe = Callable[[str], bool]
"""Whether a text may be written into a guide (no secret, no run tag)."""


class BodyEditor:
    """Edits for one documented body: `lines` are the body's lines as the parser read them,
    the first at Markdown line `first`."""

    def __init__(self, guide: GuideText, body: str, first: int, safe: Safe, *,
                 ignore: Sequence[Path] = (), unordered: Sequence[Path] = ()) -> None:
        self.guide = guide
        self.ignore = tuple(ignore)
        self.unordered = tuple(unordered)
        """The step's `ignore=` and `unordered=` paths: items are told apart as it did."""
        self.lines = body.split("\n")
        self.first = first
        self.safe = safe
        start = guide.line_start(first)
        end = guide.line_start(first + len(self.lines))
        self.tokens = tokens_of(guide.text, start, end)
        self._at = {token.start: index for index, token in enumerate(self.tokens)}
        self.edits: list[Edit] = []
        self.looks: list[str] = []
        """Failures no edit could be made for, each said in a few words."""
        self.replaced: list[str] = []
        """The plain documented values replaced (an old error code, a number) and the keys
        renamed or removed: prose and tables may name them."""
        self.unit = self._indent_unit()

    def edit(self, doc: DocValue, real: Any, problems: Sequence[Problem]) -> None:
        """Collect the edits for the failing paths of `problems`."""
        failing: dict[str, Problem] = {}
        for problem in problems:
            if problem.severity == "failure" and problem.path and problem.path.startswith("$"):
                failing.setdefault(problem.path, problem)
        if failing:
            self._node(doc, real, [], failing)

    # Walking the documented tree

    def _node(self, doc: DocValue, real: Any, parts: list[Part],
              failing: dict[str, Problem]) -> None:
        path = format_path(parts)
        if isinstance(doc, DocAny):
            return
        if path in failing:
            problem = failing[path]
            if (isinstance(doc, DocArray) and isinstance(real, list) and not doc.more
                    and doc.items and _RESIZED.search(problem.message)
                    and self._items(doc, real, parts, any(
                        path_matches(pattern, parts) for pattern in self.unordered))):
                return
            self._replace(doc, real)
            return
        if not any(p.startswith(path) and p[len(path):][:1] in {".", "["} for p in failing):
            return
        if isinstance(doc, DocObject) and isinstance(real, dict):
            self._object(doc, real, parts, failing)
        elif isinstance(doc, DocArray) and isinstance(real, list):
            self._array(doc, real, parts, failing)
        else:
            self.looks.append(f"{path} is no longer of its documented kind")

    def _object(self, doc: DocObject, real: dict[str, Any], parts: list[Part],
                failing: dict[str, Problem]) -> None:
        documented = {member.key for member in doc.members}
        for member in doc.members:
            child = [*parts, member.key]
            if member.key in real:
                self._node(member.value, real[member.key], child, failing)
                continue
            problem = failing.get(format_path(child))
            if problem is None:
                continue
            meant = _MEANT.search(problem.message)
            new = meant.group(1) if meant is not None else None
            # Renamed only when the real key holds the documented value, or one of its kind
            # that a name alone cannot be (an object, an array, a text): a close name alone
            # for a scalar (`region` and `version`) is a guess, and the removed key is drift
            # enough. Removed, a renamed `data` would take its whole documented page along.
            if (meant is not None and new is not None and new in real and new not in documented
                    and (meant.group(2) or _alike(member, new, real[new]))):
                self._rename(member.source.line, member.source.column, member.key, new)
                self.replaced.append(member.key)
                documented.add(new)
                child = [*parts, new]
                self._node(member.value, real[new], child,
                           self._problems(member.value, real[new], child))
            else:
                self._remove_member(member.source.line, member.source.column, doc)
                self.replaced.append(member.key)
        extra = [key for key in real
                 if key not in documented and format_path([*parts, key]) in failing]
        if extra:
            self._insert_members(doc, [(key, real[key]) for key in extra])

    def _array(self, doc: DocArray, real: list[Any], parts: list[Part],
               failing: dict[str, Problem]) -> None:
        items = list(doc.items)
        gaps = [i for i, item in enumerate(items) if isinstance(item, DocEllipsis)]
        head = items[: gaps[0]] if gaps else items
        tail = items[gaps[-1] + 1:] if gaps else []
        for index, item in enumerate(head):
            if index < len(real) and not isinstance(item, DocEllipsis):
                self._node(item, real[index], [*parts, index], failing)
        for offset, item in enumerate(tail):
            index = len(real) - len(tail) + offset
            if 0 <= index < len(real) and not isinstance(item, DocEllipsis):
                self._node(item, real[index], [*parts, index], failing)

    def _items(self, doc: DocArray, real: list[Any], parts: list[Part],
               unordered: bool) -> bool:
        """An array whose items came or went (or, unordered, changed): the items the answer
        still has keep their text, a changed one is edited in place, one that went is removed
        with its separator, and a new one is written like its documented neighbour. False
        when the items cannot be told apart in the text (it is then written again whole)."""
        items = [item for item in doc.items if not isinstance(item, DocEllipsis)]
        spans = [self._span(item) for item in items]
        opening = self._start(doc.source.line, doc.source.column)
        if opening is None or any(span is None for span in spans):
            return False
        bounds = [span for span in spans if span is not None]
        fits = [[not self._problems(item, value, [*parts, j]) for j, value in enumerate(real)]
                for item in items]
        alignment = align(fits, len(real), unordered=unordered)
        for i, j in alignment.pairs:
            if i not in alignment.fitting:
                child = [*parts, j]
                self._node(items[i], real[j], child, self._problems(items[i], real[j], child))
        removed = set(alignment.removed)
        if len(removed) == len(items) and not alignment.pairs:
            return False  # nothing is kept: the array is written again
        self._remove_items(bounds, removed)
        self._add_items(items, bounds, real, alignment.pairs, alignment.added, opening,
                        unordered)
        return True

    def _problems(self, doc: DocValue, real: Any, parts: list[Part]) -> dict[str, Problem]:
        """The failing paths of one documented item held against one real item (the answer is
        cleaned: its ids are the guide's examples already, so a fresh book unifies them)."""
        matcher = BodyMatcher(ExampleBook(), ignore=self.ignore, unordered=self.unordered)
        matcher.value(doc, real, parts)
        failing: dict[str, Problem] = {}
        for problem in matcher.problems:
            if problem.severity == "failure" and problem.path:
                failing.setdefault(problem.path, problem)
        return failing

    def _span(self, item: DocValue | DocEllipsis) -> tuple[int, int] | None:
        """The first and last token of a documented item."""
        index = self._start(item.source.line, item.source.column)
        return None if index is None else (index, self._end(index))

    def _remove_items(self, bounds: list[tuple[int, int]], removed: set[int]) -> None:
        """Each run of removed items goes with the separator before it (or, for a run at the
        start, the one after it), so the layout around it is kept."""
        tokens, index = self.tokens, 0
        while index < len(bounds):
            if index not in removed:
                index += 1
                continue
            last = index
            while last + 1 < len(bounds) and last + 1 in removed:
                last += 1
            if index > 0:
                start, end = tokens[bounds[index - 1][1]].end, tokens[bounds[last][1]].end
            elif last + 1 < len(bounds):
                start, end = tokens[bounds[0][0]].start, tokens[bounds[last + 1][0]].start
            else:
                start, end = tokens[bounds[0][0]].start, tokens[bounds[last][1]].end
            self.edits.append(Edit(start, end, ""))
            index = last + 1

    def _add_items(self, items: list[DocValue], bounds: list[tuple[int, int]],
                   real: list[Any], pairs: tuple[tuple[int, int], ...], added: tuple[int, ...],
                   opening: int, unordered: bool) -> None:
        """New real items, each after the documented item standing for the real one before
        it (or before the first), written like that item."""
        if not added:
            return
        tokens = self.tokens
        if len(bounds) > 1:
            separator = self.guide.text[tokens[bounds[0][1]].end:tokens[bounds[1][0]].start]
        elif self.guide.line_of(tokens[bounds[0][0]].start) != self.guide.line_of(
                tokens[opening].start):
            separator = ",\n" + self.guide.indent(self.guide.line_of(tokens[bounds[0][0]].start))
        else:
            separator = ", "
        by_real = {j: i for i, j in pairs}
        after: dict[int, list[int]] = {}  # documented index (-1: before the first) -> new
        for j in added:
            # In any order, the documented order is the writer's: new items go last.
            before = [len(items) - 1] if unordered else [by_real[k] for k in range(j)
                                                         if k in by_real]
            after.setdefault(max(before) if before else -1, []).append(j)
        for i, news in after.items():
            template = items[i] if i >= 0 else items[0]
            indent = self.guide.indent(self.guide.line_of(tokens[bounds[max(i, 0)][0]].start))
            written = [self._shaped(template, real[j], indent) for j in news]
            if i >= 0:
                at = tokens[bounds[i][1]].end
                self._write(at, at, "".join(separator + text for text in written))
            else:
                at = tokens[bounds[0][0]].start
                self._write(at, at, "".join(text + separator for text in written))

    def _shaped(self, template: DocValue | None, real: Any, indent: str) -> str:
        """A real value written the way a documented one is: on one line or a key a line,
        showing the keys it shows (and its `...`), a bare `...` where it wrote one."""
        if isinstance(template, DocAny):
            return "..."
        if isinstance(template, DocObject) and isinstance(real, dict):
            keys = [member.key for member in template.members if member.key in real]
            if not template.more:
                keys += [key for key in real if key not in keys]
            first = template.members[0] if template.members else None
            inner = self.guide.indent(first.source.line) if first is not None else indent
            multiline = self._multiline(template)
            if not multiline or not inner.startswith(indent) or inner == indent:
                inner = indent + self.unit
            shown = [f"{_dumps(key)}: " + self._shaped(
                member.value if (member := template.get(key)) is not None else None,
                real[key], inner) for key in keys]
            if template.more:
                shown.append("...")
            if not multiline:
                return "{" + ", ".join(shown) + "}"
            return "{\n" + ",\n".join(inner + line for line in shown) + "\n" + indent + "}"
        if isinstance(template, DocArray) and isinstance(real, list):
            element = next((item for item in template.items
                            if not isinstance(item, DocEllipsis)), None)
            if not self._multiline(template):
                return "[" + ", ".join(self._shaped(element, value, indent)
                                       for value in real) + "]"
            inner = indent + self.unit
            return "[\n" + ",\n".join(inner + self._shaped(element, value, inner)
                                       for value in real) + "\n" + indent + "]"
        if isinstance(template, DocScalar):
            return self._render(template, real, False, indent)
        return _dumps(real)

    def _multiline(self, doc: DocValue) -> bool:
        index = self._start(doc.source.line, doc.source.column)
        if index is None:
            return False
        return self.guide.line_of(self.tokens[index].start) != self.guide.line_of(
            self.tokens[self._end(index)].start)

    # Edits

    def _start(self, line: int, column: int) -> int | None:
        """The index of the token a documented node starts with, if it is still there."""
        index = line - self.first
        if not 0 <= index < len(self.lines):
            return None
        offset = self.guide.offset(line, column, self.lines[index])
        return None if offset is None else self._at.get(offset)

    def _end(self, index: int) -> int:
        """The index of the last token of the value starting at token `index`."""
        if self.tokens[index].text not in ("{", "["):
            return index
        depth = 0
        for position in range(index, len(self.tokens)):
            text = self.tokens[position].text
            if text in ("{", "["):
                depth += 1
            elif text in ("}", "]"):
                depth -= 1
                if depth == 0:
                    return position
        return len(self.tokens) - 1

    def _write(self, start: int, end: int, text: str) -> None:
        if not self.safe(text):
            self.looks.append(f"line {self.guide.line_of(start)}: the new value is not "
                              "written (it would show a secret or a run tag)")
            return
        self.edits.append(Edit(start, end, text))

    def _replace(self, doc: DocValue, real: Any) -> None:
        index = self._start(doc.source.line, doc.source.column)
        if index is None:
            self.looks.append(f"line {doc.source.line}: the documented value was not found "
                              "where it was read")
            return
        last = self._end(index)
        first_token, last_token = self.tokens[index], self.tokens[last]
        if (isinstance(doc, DocScalar) and not isinstance(doc.value, bool) and doc.value is not None
                and not doc.placeholder and shape_of(doc.value) is None
                and shortened(doc.value) is None and len(str(doc.value)) > 1):
            self.replaced.append(str(doc.value))
        multiline = self.guide.line_of(first_token.start) != self.guide.line_of(last_token.end)
        text = self._render(doc, real, multiline, self.guide.indent(doc.source.line))
        self._write(first_token.start, last_token.end, text)

    def _render(self, doc: DocValue, real: Any, multiline: bool, indent: str) -> str:
        """A real value written in the documented node's layout and style."""
        if isinstance(doc, DocScalar) and isinstance(doc.value, str) and isinstance(real, str):
            prefix = shortened(doc.value)
            if prefix is not None and len(real) > len(prefix) > 0 and not real.endswith(
                    ("...", "…")):
                return _dumps(real[: len(prefix)] + doc.value[len(prefix):])
        if isinstance(doc, DocArray) and isinstance(real, list) and (
                doc.more or _template(doc) is not None):
            return self._elided(doc, real, multiline, indent)
        if not multiline or not isinstance(real, dict | list) or not real:
            return _dumps(real)
        text = json.dumps(real, indent=self.unit, ensure_ascii=False)
        return text.replace("\n", "\n" + indent)

    def _elided(self, doc: DocArray, real: list[Any], multiline: bool, indent: str) -> str:
        """A real array written with the documented array's `...`: as many items before
        and after it as were documented there."""
        items = list(doc.items)
        gaps = [i for i, item in enumerate(items) if isinstance(item, DocEllipsis)]
        template = _template(doc)

        def item(value: Any) -> str:
            return _like(template, value) if template is not None else _dumps(value)

        if not gaps or gaps[0] + len(items) - gaps[-1] - 1 >= len(real):
            shown = [item(value) for value in real]
        else:
            head, tail = gaps[0], len(items) - gaps[-1] - 1
            shown = [item(value) for value in real[:head]] + ["..."] + [
                item(value) for value in real[len(real) - tail:]]
        if not multiline:
            return "[" + ", ".join(shown) + "]"
        inner = indent + self.unit
        return "[\n" + ",\n".join(inner + item for item in shown) + "\n" + indent + "]"

    def _rename(self, line: int, column: int, old: str, new: str) -> None:
        index = self._start(line, column)
        if index is None or self.tokens[index].text != _dumps(old):
            self.looks.append(f"line {line}: key {old!r} was not found where it was read")
            return
        token = self.tokens[index]
        self._write(token.start, token.end, _dumps(new))

    def _remove_member(self, line: int, column: int, doc: DocObject) -> None:
        index = self._start(line, column)
        if index is None or index + 2 >= len(self.tokens):
            self.looks.append(f"line {line}: a key the answer no longer has was not found")
            return
        last = self._end(index + 2)
        after = self.tokens[last + 1] if last + 1 < len(self.tokens) else None
        before = self.tokens[index - 1]
        key = self.tokens[index]
        if after is not None and after.text == ",":
            following = self.tokens[last + 2] if last + 2 < len(self.tokens) else after
            start, end = key.start, following.start
            if self._own_lines(key.start, after.end):
                start = self.guide.line_start(self.guide.line_of(key.start))
                end = self.guide.line_start(self.guide.line_of(following.start))
                if self.guide.line_of(following.start) == self.guide.line_of(after.end):
                    end = following.start  # `"a": 1, "b": 2` on one line: keep the rest
            self.edits.append(Edit(start, end, ""))
        elif before.text == ",":
            # The last member: its comma goes with it, unless that leaves the one before bare.
            end = self.tokens[last].end
            self.edits.append(Edit(before.start, end, ""))
        elif before.text == "{":
            closing = self.tokens[last + 1] if last + 1 < len(self.tokens) else None
            end = closing.start if closing is not None else self.tokens[last].end
            self.edits.append(Edit(key.start, end, ""))
        else:
            self.looks.append(f"line {line}: a key the answer no longer has was not removed")

    def _own_lines(self, start: int, end: int) -> bool:
        """Whether `start:end` is all that is written on its lines."""
        text = self.guide.text
        first, last = self.guide.line_of(start), self.guide.line_of(end)
        before = text[self.guide.line_start(first):start]
        after = text[end:self.guide.line_start(last + 1)]
        return not before.strip() and (not after.strip() or after.strip().startswith("//"))

    def _insert_members(self, doc: DocObject, members: list[tuple[str, Any]]) -> None:
        opening = self._start(doc.source.line, doc.source.column)
        if opening is None:
            self.looks.append(f"line {doc.source.line}: the object was not found")
            return
        closing = self._end(opening)
        multiline = self.guide.line_of(self.tokens[opening].start) != self.guide.line_of(
            self.tokens[closing].start)
        if doc.members:
            indent = self.guide.indent(doc.members[0].source.line)
        else:
            indent = self.guide.indent(doc.source.line) + self.unit
        written = [f"{_dumps(key)}: {self._render(DocAny(doc.source), value, multiline, indent)}"
                   for key, value in members]
        separator = "\n" + indent if multiline else " "
        last = closing - 1
        if doc.more:
            # Before the `...`: `"a": 1,\n  ...` becomes `"a": 1,\n  "b": 2,\n  ...`.
            gap = next((i for i in range(opening, closing) if self.tokens[i].text in
                        ("...", "…")), None)
            if gap is not None:
                at = self.tokens[gap].start
                self._write(at, at, f",{separator}".join(written) + "," + separator)
                return
        token = self.tokens[last]
        if token.text == ",":  # a trailing comma: keep writing that way
            self._write(token.end, token.end,
                        separator + f",{separator}".join(written) + ",")
        elif token.text == "{":
            self._write(token.end, token.end, separator + f",{separator}".join(written)
                        + ("\n" + self.guide.indent(doc.source.line) if multiline else " "))
        else:
            self._write(token.end, token.end, "," + separator + f",{separator}".join(written))

    def _indent_unit(self) -> str:
        """The documented body's indentation step (two spaces when it shows none)."""
        widths = sorted({len(line) - len(line.lstrip(" ")) for line in self.lines
                         if line.strip()} - {0})
        if any(line.startswith("\t") for line in self.lines):
            return "\t"
        return " " * widths[0] if widths else "  "


def _alike(member: DocMember, key: str, value: Any) -> bool:
    """Whether a real value under a close name is what a documented member shows, by its
    kind: the same container, or a text where the guide shows a human-readable text."""
    documented = member.value
    if isinstance(documented, DocObject):
        return isinstance(value, dict)
    if isinstance(documented, DocArray):
        return isinstance(value, list)
    return (key.lower() in HUMAN_TEXT_KEYS and isinstance(value, str) and bool(value.strip())
            and isinstance(documented, DocScalar) and isinstance(documented.value, str))


def _template(doc: DocArray) -> DocObject | None:
    """The documented items' pattern when they are objects written with `...` (each shows a
    few keys): real items are then written the same way."""
    objects = [item for item in doc.items if isinstance(item, DocObject)]
    if objects and len(objects) == sum(not isinstance(i, DocEllipsis) for i in doc.items) \
            and all(item.more for item in objects):
        keys = list(dict.fromkeys(m.key for item in objects for m in item.members))
        return DocObject(tuple(m for key in keys for m in (_member(objects, key),)),
                         objects[0].source, more=True)
    return None


def _member(objects: list[DocObject], key: str) -> DocMember:
    return next(member for item in objects for member in item.members if member.key == key)


def _like(template: DocObject, value: Any) -> str:
    """A real item on one line, showing only the keys the documented items show."""
    if not isinstance(value, dict):
        return _dumps(value)
    shown = [f"{_dumps(m.key)}: {_dumps(value[m.key])}" for m in template.members
             if m.key in value]
    return "{" + ", ".join([*shown, "..."]) + "}"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)

