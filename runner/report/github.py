"""GitHub Actions output: workflow-command annotations and the job's Markdown step summary."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import TextIO

from runner.model import Problem, RunResult, StepResult
from runner.report.masked import masked_result
from runner.report.render import (
    CHANGES,
    cleanup_line,
    leftover_line,
    problem_details,
    problem_source,
    step_problems,
    summarize,
)
from runner.secrets import mask_shapes

__all__ = ["escape_data", "escape_property", "write_annotations", "write_step_summary"]

_ICONS = {"passed": "✅", "failed": "❌", "error": "💥", "skipped": "⏭️"}
_KINDS = {"failure": "error", "warning": "warning", "note": "notice"}


def escape_data(text: str) -> str:
    """Escape an annotation message (`%`, CR, LF), as @actions/core does.

    Half a surrogate pair (a `\\ud800` in a response) is written as that escape: no
    encoding can carry it to the log.
    """
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape an annotation property (`file`, `title`): the message escapes plus `:` and `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_annotations(result: RunResult, stream: TextIO) -> None:
    """Print workflow commands: `::error` for guide errors and failures, `::warning` for
    warnings, `::notice` for notes and for steps an earlier failure held back."""
    result = masked_result(result)  # whole values, before any is cut for display
    lines: list[str] = []
    for guide in result.guides:
        for source, message in sorted(guide.errors):
            lines.append(_command("error", source.path, source.line, "verify-docs", message,
                                  result.mask))
        for step in guide.steps:
            for problem in step_problems(step):
                lines.append(_annotation(problem, step, result.mask))
            if step.status == "skipped" and step.step.skip is None:
                # Held back by a failure, not by the writer's own skip directive: say so at
                # the step, since its line is otherwise silent in a pull request.
                planned = step.step
                title = f"{planned.name} (line {planned.source.line})"
                word = "held back by --read-only" if step.held_back else "skipped"
                message = f"{word}: {step.reason or 'not run'}"
                lines.append(_command("notice", planned.source.path, planned.source.line,
                                      title, message, result.mask))
    for leftover in result.leftovers:
        # An agent left on a shared target fails the job where everyone looks.
        lines.append(_command("error", leftover.path, 1, "verify-docs cleanup",
                              leftover_line(leftover), result.mask))
    # Each line whole, with the run's final secrets: a message is %-escaped, so masking each
    # field first (in `_command`) meets a secret as written, this pass whatever is left.
    stream.write("".join(mask_shapes(result.mask(line)) + "\n" for line in lines))
    stream.flush()


def _annotation(problem: Problem, step: StepResult, mask: Callable[[str], str]) -> str:
    source = problem_source(problem, step) or step.step.source
    kind = _KINDS[problem.severity]
    message = "\n".join([problem.message, *(line[2:] for line in problem_details(problem))])
    title = f"{step.step.name} (line {step.step.source.line})"
    if step.change is not None:  # with --baseline: what a reviewer of the change looks at
        title += f" [{CHANGES[step.change]}]"
    return _command(kind, source.path, source.line, title, message, mask)


def _command(kind: str, path: str, line: int, title: str, message: str,
             mask: Callable[[str], str]) -> str:
    title = mask_shapes(mask(title))
    props = f"file={escape_property(path)},line={line},title={escape_property(title)}"
    return f"::{kind} {props}::{escape_data(mask_shapes(mask(message)))}"


def write_step_summary(result: RunResult, path: str | os.PathLike[str], *,
                       patch: str | None = None) -> None:
    """Append a Markdown summary (a table of guides, then the failures) to `path`; with
    `patch` (what `--diff` prints), that too, as a suggested patch."""
    result = masked_result(result)  # whole values, before any is cut for display
    summary = summarize(result)
    out = ["## verify-docs", "", summary.line(), "",
           "| Guide | Status | Steps | Passed | Failed | Errors | Skipped |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    failures: list[str] = []
    warnings: list[str] = []
    skipped: list[str] = []
    held: list[str] = []
    for guide in result.guides:
        steps = guide.steps
        counts = [sum(s.status == v for s in steps) for v in ("passed", "failed", "error",
                                                               "skipped")]
        out.append(f"| {_code(guide.path)} | {_ICONS[guide.status]} {guide.status} | "
                   f"{len(steps)} | " + " | ".join(str(c) for c in counts) + " |")
        for source, message in sorted(guide.errors):
            failures.append(f"- {_code(str(source))} {_cell(message)}")
        for step in steps:
            for problem in step_problems(step):
                listed = {"failure": failures, "warning": warnings}.get(problem.severity)
                if listed is not None:
                    where = problem_source(problem, step) or step.step.source
                    listed.append(f"- {_code(str(where))} {_cell(step.step.name)}: "
                                  f"{_cell(problem.message)}")
            if step.status == "skipped":
                listed = held if step.held_back else skipped
                listed.append(f"- {_code(str(step.step.source))} {_cell(step.step.name)}: "
                              f"{_cell(step.reason or 'not run')}")
    left = [f"- {_cell(leftover_line(leftover))}" for leftover in result.leftovers]
    account = cleanup_line(result)
    if account is not None:
        out += ["", account]
    for title, items in (("Left behind", left), ("Problems", failures), ("Warnings", warnings),
                         ("Skipped", skipped), ("Held back by --read-only", held)):
        if items:
            out += ["", f"### {title}", "", *items]
    if patch:
        # Longer than any backtick run in it: the guides' own fences are in the patch.
        runs = [len(run) for run in re.findall("`+", patch)]
        fence = "`" * max(3, max(runs, default=0) + 1)
        out += ["", "### Suggested patch", "",
                "What `verify-docs --update` would write (`git apply` takes it as it is):", "",
                f"{fence}diff", patch.rstrip("\n"), fence]
    text = mask_shapes(result.mask("\n".join(out))) + "\n\n"
    with open(path, "a", encoding="utf-8", errors="backslashreplace") as file:
        file.write(text)


def _cell(text: str) -> str:
    """Text safe in a table cell or list item: one line, pipes escaped."""
    return " ".join(text.split()).replace("|", "\\|")


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    return f"{fence}{_cell(text)}{fence}"
