"""The terminal report: a line per guide, problems as a compiler prints them, a summary."""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn
from rich.progress import Progress as RichProgress
from rich.text import Text

from runner.model import Guide, GuideResult, RunResult, Step, StepResult, Verdict
from runner.report.body_diff import body_diff
from runner.report.masked import masked_result
from runner.report.render import (
    CHANGES,
    Segment,
    changes_line,
    cleanup_line,
    expected_label,
    leftover_line,
    render_exchange,
    render_problem_styled,
    step_problems,
    summarize,
)
from runner.secrets import mask_shapes

__all__ = ["Progress", "should_color", "write_lint", "write_terminal"]

# Control characters could drive the terminal; half a surrogate pair cannot be encoded at all.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")

_LABELS: dict[Verdict, tuple[str, str]] = {
    "passed": ("PASS", "bold green"),
    "failed": ("FAIL", "bold red"),
    "error": ("ERROR", "bold magenta"),
    "skipped": ("SKIP", "bold yellow"),
}


_CHANGE_STYLES = {"new_failure": "bold red", "fixed": "bold green", "still_failing": "red",
                  "new": "cyan", "unchanged": "dim"}


def should_color(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in environ


def write_terminal(result: RunResult, stream: TextIO, *, verbose: bool, color: bool) -> None:
    """Write a run's report: guides, the problems of failed steps, then the summary."""
    result = masked_result(result)  # whole values, before any is cut for display
    out: list[Segment] = []
    for guide in result.guides:
        _guide(out, guide, verbose=verbose)
    summary = summarize(result)
    style = "bold green" if result.exit_status == 0 else "bold red"
    if result.guides:
        out.append(("\n", ""))
    for leftover in result.leftovers:
        out += [("left behind: ", "bold red"), (leftover_line(leftover), ""), ("\n", "")]
    account = cleanup_line(result)
    if account is not None:
        out += [(account, "bold red" if result.leftovers else ""), ("\n", "")]
    changes = changes_line(result)
    if changes is not None:
        out += [(changes, ""), ("\n", "")]
    out += [(summary.line(), style), ("\n", "")]
    _emit(out, stream, color=color, mask=result.mask)


def _guide(out: list[Segment], guide: GuideResult, *, verbose: bool) -> None:
    label, style = _LABELS[guide.status]
    count = len(guide.steps)
    out += [(label, style), (f" {guide.path} ({count} step{'' if count == 1 else 's'})", "")]
    out.append(("\n", ""))
    for source, message in sorted(guide.errors):
        out += [("  ", ""), (f"{source}: ", "bold"), (message, ""), ("\n", "")]
    for step in guide.steps:
        _step(out, step, verbose=verbose)
    for cleanup in guide.cleanup:
        if cleanup.outcome == "failed" or verbose:
            detail = f": {cleanup.detail}" if cleanup.detail else ""
            what = "sweep" if cleanup.agent_id is None else f"agent {cleanup.agent_id}"
            text = f"  cleanup: {what} {cleanup.outcome}{detail}"
            out += [(text, "red" if cleanup.outcome == "failed" else "dim"), ("\n", "")]


def _step(out: list[Segment], step: StepResult, *, verbose: bool) -> None:
    problems = step_problems(step)
    # Warnings show without -v: a passing guide a reader cannot paste is worth a line.
    shown = list(problems) if verbose else [p for p in problems if p.severity != "note"]
    # A step fixed since the baseline is news, even when it passes.
    if step.status == "passed" and not verbose and not shown and step.change != "fixed":
        return
    label, style = _LABELS[step.status]
    out += [("  ", ""), (label, style)]
    if step.change is not None:
        out.append((f" [{CHANGES[step.change]}]", _CHANGE_STYLES[step.change]))
    out.append((f" {step.step.source} {step.step.name}", ""))
    if step.status == "skipped" and step.reason:
        out.append((f": {step.reason}", "yellow"))
    out.append(("\n", ""))
    for problem in shown:
        styled = render_problem_styled(problem, fallback=step.step.source)
        if problem.severity == "note":
            styled = [(text, f"{style} dim".strip()) for text, style in styled]
        out += _indent(styled, "    ")
        out.append(("\n", ""))
    diff = body_diff(step) if step.status == "failed" else []
    if diff:
        out += _indent(diff, "    ")
        out.append(("\n", ""))
    if verbose:
        for retry in step.retries:
            out += [(f"    retry: {retry}", "dim"), ("\n", "")]
        if step.exchange is not None:
            out += _indent(render_exchange(step.exchange), "    ")
            out.append(("\n", ""))


def _indent(segments: Iterable[Segment], prefix: str) -> list[Segment]:
    """Prefix every line of a styled block."""
    out: list[Segment] = [(prefix, "")]
    for text, style in segments:
        lines = text.split("\n")
        for index, line in enumerate(lines):
            if index:
                out += [("\n", ""), (prefix, "")]
            if line:
                out.append((line, style))
    return out


def _emit(segments: Sequence[Segment], stream: TextIO, *, color: bool,
          mask: Callable[[str], str]) -> None:
    # Masked with the run's final secrets piece by piece (a secret in one piece) and whole
    # (one across pieces), and the shape pass (JWTs, client secrets) after both, so no path
    # around it reaches the stream. Control characters from a response body could drive the
    # user's terminal: they are shown escaped, after masking, which must meet the text as the
    # server wrote it.
    masked = [(_visible(mask_shapes(mask(text))), style) for text, style in segments]
    if not color:
        stream.write(mask_shapes(mask("".join(text for text, _ in masked))))
        stream.flush()
        return
    rendered = io.StringIO()
    console = Console(
        file=rendered, force_terminal=True, color_system="standard", highlight=False,
        markup=False, emoji=False, soft_wrap=True,
    )
    text = Text()
    for piece, style in masked:
        text.append(piece, style=style or None)
    console.print(text, end="")
    stream.write(mask_shapes(mask(rendered.getvalue())))
    stream.flush()


def _visible(text: str) -> str:
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def write_lint(guides: Sequence[Guide], stream: TextIO, *, verbose: bool) -> None:
    """`--lint`: errors as `path:line: message`, notes as `path:line: note: ...`, the plan."""
    lines: list[str] = []
    errors = notes = steps = 0
    for guide in guides:
        steps += len(guide.steps)
        if verbose:
            count = len(guide.steps)
            lines.append(f"{guide.path} ({count} step{'' if count == 1 else 's'})")
            lines.extend(_plan_line(step) for step in guide.steps)
        for source, message in sorted(guide.errors):
            lines.append(f"{source}: {message}")
            errors += 1
        for source, message in sorted(guide.notes):
            lines.append(f"{source}: note: {message}")
            notes += 1
    lines.append(
        f"{len(guides)} guide{'' if len(guides) == 1 else 's'}, "
        f"{steps} step{'' if steps == 1 else 's'}: "
        f"{errors} error{'' if errors == 1 else 's'}, {notes} note{'' if notes == 1 else 's'}"
    )
    stream.write("".join(_visible(mask_shapes(line)) + "\n" for line in lines))
    stream.flush()


def _plan_line(step: Step) -> str:
    text = f"  {step.source}  {step.method} {step.url} -> {expected_label(step.expected)}"
    if step.skip is not None:
        text += f" (skip: {step.skip})"
    elif step.hidden:
        text += " (hidden)"
    return text


class Progress:
    """A transient progress bar on a terminal for long runs; does nothing elsewhere."""

    def __init__(self, total: int, *, enabled: bool = True, stream: TextIO | None = None) -> None:
        self._stream = sys.stderr if stream is None else stream
        isatty = getattr(self._stream, "isatty", None)
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        if enabled and total > 1 and isatty is not None and isatty():
            console = Console(file=self._stream, highlight=False, markup=False)
            self._bar = RichProgress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[last]}", markup=False),
                console=console, transient=True,
            )
            self._task = self._bar.add_task("verify-docs", total=total, last="")

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, guide_path: str) -> None:
        """Count one more guide done (named on the bar)."""
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, advance=1, last=guide_path)
