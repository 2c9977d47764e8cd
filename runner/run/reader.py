"""What a reader's shell would hold: problems for the reads that only the runner could make.

Bash binds nothing from a response, and a fixture's exports reach a reader only when the
guide links to it. Such a read is a warning at the reading line (a failure with `--strict`),
naming where the value came from and the line that would make the guide pasteable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal as L

from runner.model import Guide, Problem, Source, Step
from runner.plan import export_hint, invocation_required, required_variables
from runner.run.context import Binding
from runner.translate.http_block import http_variables

__all__ = ["reader_problems", "withheld_problem"]


def _read_at(step: Step) -> dict[str, Source]:
    """Where the step first reads each variable: its setup assignments, then its request."""
    found: dict[str, Source] = {}

    def pairs() -> Iterator[tuple[str, Source]]:
        for assignment in step.setup:
            for name in required_variables(assignment.value):
                yield name, assignment.value.source
        if step.command is not None:
            yield from invocation_required(step.command)
        if step.http_request is not None:
            for name, source, _ in http_variables(step.http_request):
                yield name, source

    for name, source in pairs():
        found.setdefault(name, source)
    return found


def _where(at: Source | None, here: Source) -> str:
    if at is None:
        return "an earlier step"
    return f"line {at.line}" if at.path == here.path else str(at)


def _field_message(name: str, binding: Binding, here: Source) -> str:
    return (f"${name} is not in a reader's shell: it was taken from the `{binding.key}` "
            f"field of the response at {_where(binding.source, here)}; write "
            f"{export_hint(name, binding.key)} there to make the guide pasteable")


def reader_problems(
    step: Step, guide: Guide, reads: list[tuple[str, Binding]], *, strict: bool
) -> list[Problem]:
    """One problem per variable the step read that a reader following the guide lacks."""
    lines = _read_at(step)
    severity: L["failure", "warning"] = "failure" if strict else "warning"
    problems: list[Problem] = []
    seen: set[str] = set()
    for name, binding in reads:
        if name in seen:
            continue
        here = lines.get(name, step.source)
        origin = binding.source
        if binding.origin == "field":
            message = _field_message(name, binding, here)
        elif (origin is not None and origin.path not in (guide.path, step.source.path)
              and origin.path not in guide.linked):
            message = (f"${name} is set only by {origin.path} (line {origin.line}), which the "
                       "guide does not link to: a reader's shell does not hold it; link to that "
                       f"page or set {name} in the guide")
        else:
            continue
        seen.add(name)
        problems.append(Problem(message=message, source=here, path=None,
                                expected="a variable the reader's shell holds",
                                actual=f"${name} from {_where(origin, here)}",
                                severity=severity))
    return problems


def withheld_problem(step: Step, name: str, binding: Binding, where: Source | None) -> Problem:
    """`--strict`: a read of what only a response would have bound (nothing is sent)."""
    here = where or _read_at(step).get(name, step.source)
    return Problem(message=_field_message(name, binding, here) + " (--strict: not sent)",
                   source=here, path=None, expected="a variable the reader's shell holds",
                   actual=f"${name} is unset", severity="failure")
