"""Compare a documented JSON body with a real one, node by node, collecting problems."""

from __future__ import annotations

import difflib
import json
from collections.abc import Sequence
from typing import Any, NamedTuple

from runner.match.pairs import one_each
from runner.match.unify import Binding, ExampleBook
from runner.model import (
    DocAny,
    DocArray,
    DocEllipsis,
    DocMember,
    DocObject,
    DocScalar,
    DocValue,
    Problem,
    Source,
)
from runner.read.jq import Part, Path, format_path, json_kind, path_matches
from runner.translate.shapes import (
    HUMAN_TEXT_KEYS,
    UNIFIED_SHAPES,
    describe_shape,
    fits_shape,
    form_difference,
    is_placeholder,
    prefix_difference,
    prefix_example,
    prefix_fits,
    prefix_shape,
    shape_name,
    shape_of,
    shortened,
    unlike_shape,
)

__all__ = ["BodyMatcher", "Paired", "show"]


class Paired(NamedTuple):
    """How one array with a `...` gap or `unordered=` was compared: the real item each
    documented one was held against. An array with neither pairs item i with real item i."""

    indexes: dict[int, int]
    """Documented position (in `DocArray.items`, gaps counted) -> real index."""
    unordered: bool


def show(value: Any) -> str:
    """A real or documented value as a problem quotes it: JSON for scalars, a summary else."""
    if isinstance(value, dict):
        return "an object" if value else "an empty object"
    if isinstance(value, list):
        return f"an array of {_items(len(value))}"
    return json.dumps(value, ensure_ascii=False)


def _items(count: int) -> str:
    return f"{count} item{'s' if count != 1 else ''}"


def _equal(documented: Any, real: Any) -> bool:
    """JSON equality: 1 equals 1.0, but true is not 1."""
    if isinstance(documented, bool) or isinstance(real, bool):
        return documented is real
    if isinstance(documented, int | float) and isinstance(real, int | float):
        return documented == real
    return type(documented) is type(real) and documented == real


class BodyMatcher:
    """One comparison pass: problems and example bindings, committed by the caller."""

    def __init__(
        self,
        book: ExampleBook,
        *,
        ignore: Sequence[Path] = (),
        unordered: Sequence[Path] = (),
        strict: bool = False,
    ) -> None:
        self.book = book
        self.ignore = tuple(ignore)
        self.unordered = tuple(unordered)
        self.strict = strict
        self.problems: list[Problem] = []
        self.bindings: list[Binding] = []
        self.pairs: dict[tuple[Part, ...], Paired] = {}
        """The pairing of every array that was not compared item by item in order, by path:
        what the body diff draws, so it shows the items that were really compared."""
        self.renamed: dict[tuple[Part, ...], str] = {}
        """Each missing documented key's likely real name, by its path: the diff draws the
        real member next to the documented one."""

    def _child(self) -> BodyMatcher:
        return BodyMatcher(
            self.book, ignore=self.ignore, unordered=self.unordered, strict=self.strict
        )

    def _fail(self, message: str, source: Source, parts: Sequence[Part], expected: str,
              actual: str, severity: str = "failure") -> None:
        self.problems.append(
            Problem(
                message=message,
                source=source,
                path=format_path(parts),
                expected=expected,
                actual=actual,
                severity="note" if severity == "note" else "failure",
            )
        )

    @property
    def failed(self) -> bool:
        """Whether any failure (not a note) was found."""
        return any(problem.severity == "failure" for problem in self.problems)

    def _ignored(self, parts: Sequence[Part]) -> bool:
        # Most bodies have no `ignore=` directive: skip building the generator for each node.
        return bool(self.ignore) and any(path_matches(pattern, parts) for pattern in self.ignore)

    def value(self, doc: DocValue, real: Any, parts: list[Part]) -> None:
        """Compare one documented node with the real value at `parts`."""
        if isinstance(doc, DocAny) or self._ignored(parts):
            return
        # Paths are formatted only for a problem or a binding: most nodes match and need none.
        if isinstance(doc, DocObject):
            if not isinstance(real, dict):
                self._fail(f"{format_path(parts)} should be an object, got {json_kind(real)}",
                           doc.source, parts, "an object", show(real))
                return
            self._object(doc, real, parts)
        elif isinstance(doc, DocArray):
            if not isinstance(real, list):
                self._fail(f"{format_path(parts)} should be an array, got {json_kind(real)}",
                           doc.source, parts, "an array", show(real))
                return
            if self.unordered and any(path_matches(pattern, parts) for pattern in self.unordered):
                self._unordered(doc, real, parts)
            else:
                self._ordered(doc, real, parts)
        else:
            self._scalar(doc, real, parts)

    def _object(self, doc: DocObject, real: dict[str, Any], parts: list[Part]) -> None:
        documented = {member.key for member in doc.members}
        prose: list[tuple[int, DocMember, list[Part]]] = []
        for member in doc.members:
            child = [*parts, member.key]
            if self._ignored(child):
                continue
            if member.key not in real:
                meant, why = self._meant_key(member, real, documented, parts)
                hint = ""
                if meant is not None:
                    self.renamed[tuple(child)] = meant
                    hint = f"; did you mean `{meant}`?{why}"
                self._fail(
                    f"{format_path(child)} is documented but missing from the response{hint}",
                    member.source, child, "present", "missing",
                )
                continue
            if _is_prose(member):
                prose.append((len(self.problems), member, child))
                continue
            self.value(member.value, real[member.key], child)
        # Text last: it may quote an id documented further down, bound only now. Its notes
        # still go where its key is, last first so the earlier places do not move.
        for at, member, child in reversed(prose):
            before = len(self.problems)
            self.value(member.value, real[member.key], child)
            added = self.problems[before:]
            del self.problems[before:]
            self.problems[at:at] = added
        if doc.more:
            return  # the writer said there are more keys
        for key in real:
            if key in documented:
                continue
            child = [*parts, key]
            if not self._ignored(child):
                severity = "failure" if self.strict else "note"
                self._fail(
                    f"{format_path(child)} is in the response but not in the guide",
                    doc.source, child, "absent", show(real[key]), severity,
                )

    def _meant_key(self, member: DocMember, real: dict[str, Any], documented: set[str],
                   parts: list[Part]) -> tuple[str | None, str]:
        """The real key a missing documented one probably is (or None), and why if not by name.

        The undocumented key that holds the documented value says it best (`eventType:
        "agent.created"` against a real `action: "agent.created"`); else the closest name.
        """
        candidates = [key for key in real
                      if key not in documented and not self._ignored([*parts, key])]
        holders = [key for key in candidates if self._holds(member.value, real[key], parts, key)]
        if len(holders) > 1:
            # Several hold it (`true`, any UUID): only a close name picks one of them.
            holders = difflib.get_close_matches(member.key, holders, n=1)
        if holders:
            return holders[0], " (its value matches the guide's)"
        close = difflib.get_close_matches(member.key, candidates, n=1)
        return (close[0] if close else None), ""

    def _holds(self, doc: DocValue, got: Any, parts: list[Part], key: str) -> bool:
        """Whether a real value is the documented one: it matches without even a note."""
        if isinstance(doc, DocAny) or (
                isinstance(doc, DocScalar) and (doc.placeholder or is_placeholder(doc.value))):
            return False  # any value would do: it names no key
        trial = self._child()
        trial.value(doc, got, [*parts, key])
        return not trial.problems and self._accepts(trial)

    def _ordered(self, doc: DocArray, real: list[Any], parts: list[Part]) -> None:
        if not doc.more:
            whole = [item for item in doc.items if not isinstance(item, DocEllipsis)]
            if len(real) != len(whole):
                where = format_path(parts)
                self._fail(f"{where} has {_items(len(real))}, the guide shows {len(whole)}",
                           doc.source, parts, _items(len(whole)), _items(len(real)))
            for index, (each, got) in enumerate(zip(whole, real, strict=False)):
                self.value(each, got, [*parts, index])
            return
        # Runs of documented items between the gaps, each item with its documented position.
        segments: list[list[tuple[int, DocValue]]] = [[]]
        for position, node in enumerate(doc.items):
            if isinstance(node, DocEllipsis):
                segments.append([])
            else:
                segments[-1].append((position, node))
        paired = Paired({}, unordered=False)
        self.pairs[tuple(parts)] = paired
        head, middle, tail = segments[0], segments[1:-1], segments[-1]
        least = sum(len(segment) for segment in segments)
        if len(real) < least:
            where = format_path(parts)
            self._fail(f"{where} has {_items(len(real))}, the guide shows at least {least}",
                       doc.source, parts, f"at least {_items(least)}", _items(len(real)))
            for index, ((position, item), got) in enumerate(zip(head, real, strict=False)):
                paired.indexes[position] = index
                self.value(item, got, [*parts, index])
            return
        for index, (position, item) in enumerate(head):
            paired.indexes[position] = index
            self.value(item, real[index], [*parts, index])
        tail_start = len(real) - len(tail)
        for offset, (position, item) in enumerate(tail):
            paired.indexes[position] = tail_start + offset
            self.value(item, real[tail_start + offset], [*parts, tail_start + offset])
        start = len(head)
        for segment in middle:
            start = self._find_run(segment, real, parts, start, tail_start, paired)

    def _find_run(self, segment: list[tuple[int, DocValue]], real: list[Any], parts: list[Part],
                  start: int, stop: int, paired: Paired) -> int:
        """Find a documented run of items in order between start and stop; return its end."""
        if not segment:
            return start
        for begin in range(start, stop - len(segment) + 1):
            trial = self._child()
            for offset, (_, item) in enumerate(segment):
                trial.value(item, real[begin + offset], [*parts, begin + offset])
            if self._accepts(trial):
                self._commit(trial)
                paired.indexes.update((position, begin + offset)
                                      for offset, (position, _) in enumerate(segment))
                return begin + len(segment)
        first = segment[0][1]
        self._fail(
            f"{format_path(parts)} has no run of items like the one documented at line "
            f"{_source_of(first).line}",
            _source_of(first), parts, "the documented items, in order", show(real),
        )
        return start

    def _unordered(self, doc: DocArray, real: list[Any], parts: list[Part]) -> None:
        positions = [position for position, item in enumerate(doc.items)
                     if not isinstance(item, DocEllipsis)]
        items = [item for item in doc.items if not isinstance(item, DocEllipsis)]
        paired = Paired({}, unordered=True)
        self.pairs[tuple(parts)] = paired
        if not doc.more and len(items) != len(real):
            where = format_path(parts)
            self._fail(f"{where} has {_items(len(real))}, the guide shows {len(items)}",
                       doc.source, parts, _items(len(items)), _items(len(real)))
        # Which real items each documented one could be, then one real item each: a general
        # documented item must not take the only real item a specific one fits.
        fits = [[index for index, got in enumerate(real) if self._fits(item, got, parts, index)]
                for item in items]
        chosen = one_each(fits)
        for position, item in enumerate(items):
            index = chosen.get(position)
            if index is not None:
                trial = self._child()
                trial.value(item, real[index], [*parts, index])
                if self._accepts(trial):
                    self._commit(trial)
                    paired.indexes[positions[position]] = index
                    continue
            self._fail(
                f"{format_path(parts)} has no item like the one documented at line "
                f"{_source_of(item).line} (in any order)",
                _source_of(item), parts, "an item like the documented one", show(real),
            )

    def _fits(self, item: DocValue, got: Any, parts: list[Part], index: int) -> bool:
        trial = self._child()
        trial.value(item, got, [*parts, index])
        return self._accepts(trial)

    def _accepts(self, trial: BodyMatcher) -> bool:
        if trial.failed:
            return False
        # Only conflicts the trial adds count: earlier ones are reported once, at the end.
        before = len(self.book.copy().bind_all(self.bindings))
        after = len(self.book.copy().bind_all([*self.bindings, *trial.bindings]))
        return after == before

    def _commit(self, trial: BodyMatcher) -> None:
        self.problems.extend(trial.problems)
        self.bindings.extend(trial.bindings)
        self.pairs.update(trial.pairs)
        self.renamed.update(trial.renamed)

    def _scalar(self, doc: DocScalar, real: Any, parts: list[Part]) -> None:
        documented = doc.value
        if doc.placeholder or is_placeholder(documented):
            if real is None or real == "" or real == [] or real == {}:
                self._fail(
                    f"{format_path(parts)} should have a value ({documented}), got {show(real)}",
                    doc.source, parts, str(documented), show(real))
            return
        if isinstance(documented, str):
            key = next((part for part in reversed(parts) if isinstance(part, str)), None)
            if key is not None and key.lower() in HUMAN_TEXT_KEYS:
                self._prose(doc, documented, real, parts)
                return
        example: tuple[str, bool] | None = None
        prefix = shortened(documented)
        if prefix is not None:
            if not prefix_fits(prefix, real):
                why = prefix_difference(prefix, real) or unlike_shape(documented, real)
                self._fail(f"{format_path(parts)} should be {_prefix_what(prefix, documented)}, "
                           f"got {show(real)}{_why(why)}",
                           doc.source, parts, show(documented), show(real))
                return
            example = prefix_example(prefix)
        elif isinstance(documented, str | int) and (shape := shape_of(documented)) is not None:
            if not fits_shape(shape, documented, real):
                self._fail(
                    f"{format_path(parts)} should be {shape_name(shape)} like the documented "
                    f"{show(documented)}, got {show(real)}"
                    f"{_why(form_difference(shape, documented, real))}",
                    doc.source, parts, describe_shape(shape, documented), show(real),
                )
                return
            if isinstance(documented, str) and shape in UNIFIED_SHAPES:
                example = (documented, False)
        elif not _equal(documented, real):
            self._fail(f"{format_path(parts)} is {show(real)}, the guide shows {show(documented)}"
                       f"{_why(unlike_shape(documented, real))}",
                       doc.source, parts, show(documented), show(real))
            return
        # Only identifiers, tokens and secrets are examples (`shapes.example_of`), and only
        # a real string can stand for one.
        if example is not None and isinstance(real, str):
            self.bindings.append(
                Binding(example[0], example[1], real, doc.source, format_path(parts)))

    def _prose(self, doc: DocScalar, documented: str, real: Any, parts: list[Part]) -> None:
        if not isinstance(real, str) or not real.strip():
            where = format_path(parts)
            self._fail(f"{where} should be a non-empty text, got {show(real)}", doc.source,
                       parts, "a non-empty text", show(real))
            return
        if real == documented:
            return
        # An example the guide already bound (an id, say) reads as its real value: a message
        # that quotes the real id says what the guide says.
        book = self.book.copy()
        book.bind_all(self.bindings)
        meant = book.substitute(documented)
        prefix = shortened(meant)
        if real == meant or (prefix is not None and real.startswith(prefix)):
            return
        self._fail(f"{format_path(parts)} reads differently from the guide", doc.source, parts,
                   show(documented), show(real), "note")


def _is_prose(member: DocMember) -> bool:
    """Whether a documented member is human-readable text (`message`, `detail`...)."""
    return (member.key.lower() in HUMAN_TEXT_KEYS and isinstance(member.value, DocScalar)
            and isinstance(member.value.value, str))


def _prefix_what(prefix: str, documented: object) -> str:
    """What a shortened documented value asks for: `a UUID like `a3f7c821-...``."""
    if not prefix:
        return "a non-empty string"
    shape = prefix_shape(prefix)
    return f"{shape_name(shape) if shape else 'a string'} like `{documented}`"


def _why(difference: str | None) -> str:
    """A form difference as the end of a problem message."""
    return "" if difference is None else f": {difference}"


def _source_of(node: DocValue) -> Source:
    return node.source
