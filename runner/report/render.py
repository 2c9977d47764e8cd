"""The one renderer every report shares: problems, exchanges and counts as styled segments.

A segment is `(text, style)`, the style a rich style string ("" for none). The plain form
is the texts joined, so the terminal (coloured or not), JUnit and the annotations cannot
disagree; tests assert on the plain form.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from http import HTTPStatus

from runner.model import (
    Change,
    Exchange,
    ExpectedStatus,
    Leftover,
    Problem,
    RunResult,
    Source,
    StepResult,
)
from runner.secrets import mask_headers, mask_shapes

__all__ = [
    "CHANGES",
    "Segment",
    "Summary",
    "changes_line",
    "cleanup_line",
    "count_changes",
    "expected_label",
    "leftover_line",
    "plain",
    "problem_details",
    "problem_source",
    "render_exchange",
    "render_problem",
    "render_problem_styled",
    "status_phrase",
    "step_problems",
    "summarize",
]

Segment = tuple[str, str]
"""A piece of text and its rich style ("" for none)."""

_LABEL_WIDTH = len("expected: ")
# What marks a problem that changes no verdict, so a reader tells it from a failure.
_LABELS: dict[str, Segment] = {"warning": ("warning: ", "yellow"), "note": ("note: ", "cyan")}
_VALUE_LIMIT = 240
_DIFF_LIMIT = 16
_BODY_LINES = 30
_BODY_CHARS = 2000


@dataclass(frozen=True, slots=True)
class Summary:
    """Step counts of a run (passed + failed + errors + skipped + held_back == steps)."""

    guides: int
    steps: int
    passed: int
    failed: int
    errors: int
    skipped: int
    unreadable: int
    """Guides with errors that kept them from being read or planned."""
    warnings: int = 0
    """Problems of severity `warning` (they change no verdict, so no step count holds them)."""
    held_back: int = 0
    """Steps `--read-only` did not send (counted apart from `skipped`: not verified either)."""

    def line(self) -> str:
        """`3 guides, 41 steps: 40 passed, 1 failed, 0 errors, 0 skipped[, 2 warnings]`."""
        text = (
            f"{_count(self.guides, 'guide')}, {_count(self.steps, 'step')}: "
            f"{self.passed} passed, {self.failed} failed, {_count(self.errors, 'error')}, "
            f"{self.skipped} skipped"
        )
        if self.held_back:
            text += f", {self.held_back} held back by --read-only"
        if self.warnings:
            text += f", {_count(self.warnings, 'warning')}"
        if self.unreadable:
            text += f"; {self.unreadable} unreadable"
        return text


def summarize(result: RunResult) -> Summary:
    """Count the steps of a run by verdict."""
    steps = [step for guide in result.guides for step in guide.steps]
    return Summary(
        guides=len(result.guides),
        steps=len(steps),
        passed=sum(step.status == "passed" for step in steps),
        failed=sum(step.status == "failed" for step in steps),
        errors=sum(step.status == "error" for step in steps),
        skipped=sum(step.status == "skipped" and not step.held_back for step in steps),
        held_back=sum(step.held_back for step in steps),
        unreadable=sum(bool(guide.errors) for guide in result.guides),
        warnings=sum(p.severity == "warning" for step in steps for p in step.problems),
    )


CHANGES: dict[Change, str] = {"new_failure": "new failure", "fixed": "fixed",
                              "still_failing": "still failing", "new": "new",
                              "unchanged": "unchanged"}
"""Each change since a baseline run, as the reports write it, in the order they list them."""


def count_changes(result: RunResult) -> dict[Change, int]:
    """How many steps of the run each change holds (all four, 0 included)."""
    steps = [step for guide in result.guides for step in guide.steps]
    return {change: sum(step.change == change for step in steps) for change in CHANGES}


def changes_line(result: RunResult) -> str | None:
    """`since baseline.json: 1 new failure, 2 fixed, 0 still failing, 4 new steps, 38
    unchanged`; None without a baseline."""
    if result.baseline is None:
        return None
    counts = count_changes(result)
    # "new failure" and "new step" are nouns to count; "fixed", "still failing" are not.
    nouns = {"new_failure": "new failure", "new": "new step"}
    return f"since {result.baseline}: " + ", ".join(
        _count(counts[change], nouns[change]) if change in nouns else f"{counts[change]} {word}"
        for change, word in CHANGES.items())


def cleanup_line(result: RunResult) -> str | None:
    """`cleanup: 8 agents decommissioned, 0 left` on a URL target; None when embedded (each
    guide's IdP goes with it, so there is nothing to clean up)."""
    if result.target == "embedded":
        return None
    counts = result.cleanup_counts()
    text = (f"cleanup: {_count(counts['decommissioned'], 'agent')} decommissioned, "
            f"{counts['left']} left")
    if counts["kept"]:
        text += f", {counts['kept']} kept (--keep)"
    return text


def leftover_line(leftover: Leftover) -> str:
    """One agent left behind, named so that someone can remove it: id, tag, last answer."""
    if leftover.agent_id is None:
        what = f"agents tagged {leftover.tag} may remain"
    else:
        what = f"agent {leftover.agent_id} (tag {leftover.tag or 'none'}) left active"
    return f"{leftover.path}: {what}: {leftover.last_answer or 'no answer'}"


def step_problems(step: StepResult) -> tuple[Problem, ...]:
    """A step's problems; an error step's reason becomes one too, so no report drops it."""
    problems = step.problems
    if step.status == "error" and step.reason and all(p.message != step.reason for p in problems):
        problems = (Problem(message=step.reason, source=step.step.source), *problems)
    return problems


def problem_source(problem: Problem, step: StepResult | None = None) -> Source | None:
    """Where a problem is: its own line, else its step's."""
    if problem.source is not None:
        return problem.source
    return None if step is None else step.step.source


def expected_label(expected: ExpectedStatus) -> str:
    """`201`, `4xx`, or `2xx` when the guide says nothing."""
    if expected.code is not None:
        return str(expected.code)
    return f"{expected.status_class or 2}xx"


def status_phrase(status: int) -> str:
    """`409 Conflict` (just the number when the code is unknown)."""
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def plain(segments: Iterable[Segment]) -> str:
    """The text of styled segments, styles dropped."""
    return "".join(text for text, _ in segments)


def render_problem(problem: Problem, *, fallback: Source | None = None) -> str:
    """A problem as a compiler prints it: `path:line: message`, then aligned details."""
    return plain(render_problem_styled(problem, fallback=fallback))


def render_problem_styled(problem: Problem, *, fallback: Source | None = None) -> list[Segment]:
    """The styled form of `render_problem` (lines separated by `\\n` segments)."""
    source = problem.source or fallback
    segments: list[Segment] = []
    if source is not None:
        segments.append((f"{source}: ", "bold"))
    if problem.severity != "failure":
        segments.append(_LABELS[problem.severity])
    segments.append((mask_shapes(problem.message), ""))
    for label, text, style in _details(problem):
        segments.append(("\n", ""))
        if label:
            segments.append((f"  {label + ':':<{_LABEL_WIDTH}}", "dim"))
        else:
            segments.append((" " * (2 + _LABEL_WIDTH), ""))
        segments.append((text, style))
    return segments


def problem_details(problem: Problem) -> list[str]:
    """The detail lines under a problem's first line (path, expected, actual or a diff)."""
    return plain(render_problem_styled(problem)).split("\n")[1:]


def _details(problem: Problem) -> list[tuple[str, str, str]]:
    """(label, text, style) rows; a label-less row continues the one above."""
    rows: list[tuple[str, str, str]] = []
    if problem.path:
        rows.append(("at", mask_shapes(problem.path), "cyan"))
    expected = None if problem.expected is None else mask_shapes(problem.expected)
    actual = None if problem.actual is None else mask_shapes(problem.actual)
    if expected is not None and actual is not None and "\n" in expected and "\n" in actual:
        diff = _diff(expected, actual)
        if diff:
            rows.append(("diff", "-expected +actual", "dim"))
            rows.extend(("", text, style) for text, style in diff)
        return rows
    for label, value, style in (("expected", expected, "green"), ("actual", actual, "red")):
        if value is None:
            continue
        lines = value.split("\n")
        rows.append((label, _clip(lines[0]), style))
        rows.extend(("", _clip(line), style) for line in lines[1:])
    return rows


def _diff(expected: str, actual: str) -> list[tuple[str, str]]:
    """A short unified diff, `-` the documented lines and `+` the real ones."""
    lines: list[tuple[str, str]] = []
    matcher = difflib.unified_diff(
        expected.splitlines(), actual.splitlines(), "expected", "actual", n=1, lineterm=""
    )
    for line in matcher:
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("@@"):
            if lines:
                lines.append(("…", "dim"))
            continue
        style = {"-": "green", "+": "red"}.get(line[:1], "")
        lines.append((_clip(line), style))
    if len(lines) > _DIFF_LIMIT:
        hidden = len(lines) - _DIFF_LIMIT
        lines = [*lines[:_DIFF_LIMIT], (f"… ({_count(hidden, 'more line')})", "dim")]
    return lines


def render_exchange(exchange: Exchange) -> list[Segment]:
    """What was sent (`> `) and received (`< `), headers masked, bodies truncated."""
    segments: list[Segment] = [(f"> {exchange.method} {mask_shapes(exchange.url)}", "bold")]
    segments += _headers("> ", exchange.request_headers)
    segments += _body("> ", exchange.request_body)
    if exchange.status is None:
        segments += [("\n", ""), ("< (no response)", "red")]
        return segments
    segments += [("\n", ""), (f"< {status_phrase(exchange.status)}", "bold")]
    segments += _headers("< ", exchange.response_headers)
    segments += _body("< ", exchange.response_body)
    return segments


def _headers(prefix: str, headers: Sequence[tuple[str, str]]) -> list[Segment]:
    segments: list[Segment] = []
    for name, value in mask_headers(headers):
        segments += [("\n", ""), (f"{prefix}{name}: ", "dim"), (value, "")]
    return segments


def _body(prefix: str, body: str) -> list[Segment]:
    if not body:
        return []
    text = mask_shapes(body)  # a JSON body was indented by the run, before masking
    note = ""
    if len(text) > _BODY_CHARS:
        note = f"… ({_count(len(text) - _BODY_CHARS, 'more character')})"
        text = text[:_BODY_CHARS]
    lines = text.splitlines() or [""]
    if len(lines) > _BODY_LINES:
        note = f"… ({_count(len(lines) - _BODY_LINES, 'more line')})"
        lines = lines[:_BODY_LINES]
    segments: list[Segment] = [("\n", ""), (prefix.rstrip(), "")]
    for line in lines:
        segments += [("\n", ""), (f"{prefix}{line}", "")]
    if note:
        segments += [("\n", ""), (f"{prefix}{note}", "dim")]
    return segments


def _clip(text: str) -> str:
    if len(text) <= _VALUE_LIMIT:
        return text
    return text[:_VALUE_LIMIT] + f"… ({_count(len(text) - _VALUE_LIMIT, 'more character')})"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
