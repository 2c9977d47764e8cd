"""A capture that found nothing: its path renamed when the answer leaves one reading.

A capture reads the real answer, so a documented body cannot fix it: only the path the guide
wrote (a `capture=` directive or a `$(curl ... | jq -r FILTER)`) can. That is a command, so
it is edited only when the match is unambiguous: one key of the path is missing, and exactly
one other key at that place holds what the path reads on from there (the rest of the path
resolves under it; for the last key, the value the documented body shows there, or, when
the guide shows none, the one field whose value has the shape the later commands use the
variable as: a bearer token, an id in a URL path). Anything else is left to a person with
what the answer does hold there.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from runner.model import DocError, DocumentedResponse, Step
from runner.model.command import Literal, Parameter, Word
from runner.read.jq import format_path, parse_path, select
from runner.translate.docjson import documented_body
from runner.translate.shapes import Shape, shape_of
from runner.update.text import Edit, GuideText

__all__ = ["capture_edit", "variable_uses"]

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_TOKEN_SHAPES: frozenset[Shape] = frozenset({"jwt", "opaque", "secret"})
_ID_SHAPES: frozenset[Shape] = frozenset({"uuid", "opaque"})


def variable_uses(steps: Iterable[Step]) -> dict[str, frozenset[Shape]]:
    """The shapes each variable's value must have, from where the commands put it: after
    `Bearer ` a token, after a `/` of a URL an id. A variable read nowhere telling is absent."""
    uses: dict[str, set[Shape]] = {}
    for step in steps:
        words = step.command.argv if step.command is not None else ()
        for word in words:
            for name, shapes in _word_uses(word):
                uses.setdefault(name, set()).update(shapes)
    return {name: frozenset(shapes) for name, shapes in uses.items()}


def _word_uses(word: Word) -> Iterable[tuple[str, frozenset[Shape]]]:
    before = ""
    url = False
    for part in word.parts:
        if isinstance(part, Literal):
            before += part.text
            url = url or "://" in part.text
        elif isinstance(part, Parameter):
            if before.lower().rstrip(" ").endswith("bearer") and before.endswith(" "):
                yield part.name, _TOKEN_SHAPES
            elif url and before.endswith("/"):
                yield part.name, _ID_SHAPES
            before = ""
        else:
            before = ""


def capture_edit(text: GuideText, step: Step, name: str, body: Any,
                 safe: Callable[[str], bool],
                 uses: Mapping[str, frozenset[Shape]] | None = None) -> Edit | str:
    """The edit renaming one key of capture `$name`'s path, or why none is made.

    `uses` (from `variable_uses` over the guide's steps) tells a field apart by the shape
    the later commands need when the guide documents no value for it."""
    capture = next((c for c in step.captures if c.name == name), None)
    if capture is None:
        return "not updated: the capture is not the step's own"
    written = capture.path.strip()
    fix = (f"change `{written}` to the field that now holds the value (or fix the request, "
           "if the answer is wrong)")
    try:
        parts = parse_path(written)
    except DocError:
        return f"not updated: {fix}"
    current, depth = body, 0
    for depth, part in enumerate(parts):  # noqa: B007 (the depth where it breaks is kept)
        if not _has(current, part):
            break
        current = current[part]
    missing = parts[depth]
    if not isinstance(missing, str) or not isinstance(current, dict):
        return f"not updated: not a renamed field ({format_path(parts[:depth + 1])}); {fix}"
    rest = parts[depth + 1:]
    place = format_path(parts[:depth])
    keys = ", ".join(sorted(current)) or "none"
    if rest:
        candidates = [key for key in current if key != missing and _resolves(current[key], rest)]
        why = (f"no other field of {place} holds {format_path(rest)[1:]}" if not candidates
               else f"several fields of {place} hold {format_path(rest)[1:]}: "
                    + ", ".join(sorted(candidates)))
    else:
        documented = _documented_value(step.response, parts)
        wanted = (uses or {}).get(name, frozenset())
        if documented is not _NOTHING:
            candidates = [key for key, value in current.items()
                          if key != missing and value == documented]
        else:
            # No value shown: the later commands say what it is (`Bearer $ACCESS`: a token).
            candidates = [key for key, value in current.items()
                          if key != missing and shape_of(value) in wanted]
        why = (f"not one field of {place} holds the documented value (its fields: {keys})"
               if documented is not _NOTHING else
               f"which field of {place} holds the value cannot be told from the answer (its "
               f"fields: {keys})")
    if len(candidates) != 1:
        return f"not updated: {why}; {fix}"
    new_key = candidates[0]
    edit = _rename(text, capture.source.line, written, missing, new_key)
    if edit is None or not safe(new_key):
        return (f"not updated: the answer has {format_path((*parts[:depth], new_key))} in its "
                f"place, but the path is not written once as `{written}` with `.{missing}` "
                f"in it; {fix}")
    return edit


_NOTHING = object()


def _has(value: Any, part: Any) -> bool:
    if isinstance(part, str):
        return isinstance(value, dict) and part in value
    return isinstance(part, int) and isinstance(value, list) and -len(value) <= part < len(value)


def _resolves(value: Any, rest: tuple[Any, ...]) -> bool:
    try:
        select(value, rest)
    except DocError:
        return False
    return True


def _documented_value(response: DocumentedResponse | None, parts: tuple[Any, ...]) -> Any:
    """What the documented body shows at the capture's path (it documents the whole answer
    the capture reads), else _NOTHING."""
    if response is None or not response.body.lstrip().startswith(("{", "[")):
        return _NOTHING
    try:
        return select(documented_body(response), parts)
    except DocError:
        return _NOTHING


def _rename(text: GuideText, line: int, written: str, old: str, new: str) -> Edit | None:
    """`.old` made `.new` in the path as written in the capture's block (from its line to
    the fence's end or the directive's `-->`), when both are written exactly once there."""
    if not _IDENT.fullmatch(old) or not _IDENT.fullmatch(new):
        return None
    start = text.line_start(line)
    number = line
    while number < len(text.starts):
        shown = text.line_text(number)
        if (number > line and shown.lstrip().startswith(("```", "~~~"))) or "-->" in shown:
            break
        number += 1
    end = text.line_start(number) + len(text.line_text(number))
    region = text.text[start:end]
    if region.count(written) != 1:
        return None
    keys = [m for m in re.finditer(rf"\.{re.escape(old)}(?![A-Za-z0-9_])", written)]
    if len(keys) != 1:
        return None
    at = start + region.index(written) + keys[0].start() + 1
    return Edit(at, at + len(old), new)
