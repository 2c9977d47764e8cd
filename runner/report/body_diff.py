"""A failed step's body diff, formatted: the lines the matcher drew, with context cut short.

The matcher draws the diff as data (`StepResult.diff`: every line of the documented body
it opened, the failing ones `-`/`+`); this module decides only how much to show. Unchanged
runs collapse to one line of context around each change, long lines and long diffs are cut.
"""

from __future__ import annotations

from runner.model import DiffLine, StepResult
from runner.report.render import Segment, plain
from runner.secrets import mask_shapes

__all__ = ["body_diff", "body_diff_text", "shown_lines"]

HEADER = "body (-documented +actual):"
_MAX_LINES = 20
_VALUE_LIMIT = 100
_STYLES = {"-": "green", "+": "red", " ": ""}


def body_diff(result: StepResult) -> list[Segment]:
    """The styled diff under a failed step's problems: a header, then one segment per line.

    Empty when there is nothing to show: the step did not fail, or the matcher drew no diff
    (the status class was wrong, a body is not JSON, the failures are not in the body).
    """
    lines = shown_lines(result)
    if not lines:
        return []
    segments: list[Segment] = [(HEADER, "dim")]
    for line in lines:
        comma = "," if line.comma else ""
        text = mask_shapes(f"{line.tag}  {'  ' * line.depth}{line.key}{_clip(line.text)}{comma}")
        style = "dim" if line.text.startswith("…") else _STYLES[line.tag]
        segments += [("\n", ""), (text, style)]
    return segments


def body_diff_text(result: StepResult) -> str:
    """The plain form of `body_diff` ("" when there is no diff)."""
    return plain(body_diff(result))


def shown_lines(result: StepResult) -> list[DiffLine]:
    """The diff lines every report shows: changes, their context and frames, unchanged runs
    collapsed to `...`, capped; empty when the step did not fail or the diff holds no change.
    """
    if result.status != "failed" or not any(line.tag != " " for line in result.diff):
        return []
    return _cap(_collapse(list(result.diff)))


def _collapse(lines: list[DiffLine]) -> list[DiffLine]:
    """Keep changes, one line of context each side and the frames; a run of others is `...`."""
    keep = {0, len(lines) - 1}
    for index, line in enumerate(lines):
        if line.frame:
            keep.add(index)
        if line.tag != " ":
            keep.update({index - 1, index, index + 1})
    out: list[DiffLine] = []
    hidden: list[DiffLine] = []
    for index, line in enumerate(lines):
        if index in keep:
            out += _hide(hidden)
            hidden = []
            out.append(line)
        else:
            hidden.append(line)
    return out + _hide(hidden)


def _hide(run: list[DiffLine]) -> list[DiffLine]:
    """A run of unchanged lines as one `...` (a single line is shown: it is no longer)."""
    if len(run) <= 1:
        return run
    return [DiffLine(" ", run[0].depth, "...")]


def _cap(lines: list[DiffLine]) -> list[DiffLine]:
    if len(lines) <= _MAX_LINES:
        return lines
    hidden = len(lines) - (_MAX_LINES - 1)
    more = f"… ({hidden} more line{'' if hidden == 1 else 's'})"
    return [*lines[: _MAX_LINES - 1], DiffLine(" ", 0, more)]


def _clip(text: str) -> str:
    if len(text) <= _VALUE_LIMIT:
        return text
    return text[: _VALUE_LIMIT - 1] + "…"
