"""Coverage from a run's results: each step a guide shows is put on the operation its request
reaches, under the response its documented status falls in, with its documented error code."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from runner.coverage.openapi import ApiDescription, Operation
from runner.model import (
    CodeCoverage,
    CodeField,
    Coverage,
    CoverageState,
    DocObject,
    DocScalar,
    Figure,
    OperationCoverage,
    ResponseCoverage,
    RunResult,
    Shown,
    Step,
    StepResult,
    Unmatched,
    expected_class,
)

__all__ = ["documented_code", "documented_status", "measure_coverage"]


def measure_coverage(api: ApiDescription, result: RunResult) -> Coverage:
    """How much of `api` the guides of `result` show, and whether what they show holds.

    Only the steps a reader of the guides sees count: a hidden step, or one a `requires=`
    fixture runs before the guide, documents nothing in it; nor do the steps not run by
    choice (the writer's `skip=`, held back by `--read-only`).
    """
    by_operation: dict[Operation, list[Shown]] = {}
    by_response: dict[tuple[Operation, str], list[Shown]] = {}
    by_code: dict[tuple[CodeField, str], list[Shown]] = {}
    codes_at: dict[tuple[Operation, str], dict[str, list[Shown]]] = {}
    unmatched: list[Unmatched] = []
    for guide in result.guides:
        for step_result in guide.steps:
            step = step_result.step
            if step.hidden or step.source.path != guide.path:
                continue
            if step_result.status == "skipped" and (step_result.held_back
                                                    or step.skip is not None):
                # Not run by choice (the writer's `skip=`, `--read-only`), like a step `-k`
                # leaves out: it neither shows nor fails anything. A step an earlier failure
                # held back still counts, as failing: the run did not show what it documents.
                continue
            shown = Shown(guide.path, step.source.line, step_result.status)
            code = documented_code(step)
            if code is not None:
                by_code.setdefault(code, []).append(shown)
            operation = api.operation_for(step_result.method, urlsplit(step_result.url).path)
            if operation is None:
                unmatched.append(Unmatched(step_result.method, step_result.url, shown))
                continue
            by_operation.setdefault(operation, []).append(shown)
            status = documented_status(step_result)
            if status is None:
                continue  # only a class is documented and no passing step says which status
            key = operation.response_for(status) or str(status)
            by_response.setdefault((operation, key), []).append(shown)
            if code is not None:
                codes_at.setdefault((operation, key), {}).setdefault(code[1], []).append(shown)

    operations = tuple(
        _operation(op, by_operation.get(op, []), by_response, codes_at) for op in api.operations)
    listed = set(api.codes)
    codes = tuple(CodeCoverage(value, field, _state(by_code.get((field, value), [])),
                               tuple(by_code.get((field, value), [])))
                  for field, value in api.codes)
    codes += tuple(CodeCoverage(value, field, _state(shown), tuple(shown), listed=False)
                   for (field, value), shown in by_code.items() if (field, value) not in listed)
    declared = [r for op in operations for r in op.responses if r.declared]
    return Coverage(
        openapi=api.path, operations=operations, codes=codes, unmatched=tuple(unmatched),
        operation_figure=_figure(op.state for op in operations),
        response_figure=_figure(r.state for r in declared),
        code_figure=_figure(c.state for c in codes if c.listed),
    )


def documented_status(result: StepResult) -> int | None:
    """The status the guide documents for a step: the one it names, else (when it names only
    a class, or nothing) the real status of a passing step, which the guide showed."""
    if result.step.expected.code is not None:
        return result.step.expected.code
    if result.status == "passed":
        return result.actual_status
    return None


def documented_code(step: Step) -> tuple[CodeField, str] | None:
    """The error a step's documented body names: (`code`, value) in the API's envelope,
    (`error`, value) in an OAuth 2.0 error; None for a success or a body naming none."""
    if expected_class(step.expected) < 4 or step.response is None:
        return None
    document = step.response.document
    if not isinstance(document, DocObject):
        return None
    fields: tuple[CodeField, ...] = ("code", "error")
    for field in fields:
        member = document.get(field)
        if member is None or not isinstance(member.value, DocScalar):
            continue
        value = member.value.value
        if isinstance(value, str) and value and not member.value.placeholder:
            return field, value
    return None


def _operation(
    operation: Operation,
    shown: list[Shown],
    by_response: dict[tuple[Operation, str], list[Shown]],
    codes_at: dict[tuple[Operation, str], dict[str, list[Shown]]],
) -> OperationCoverage:
    keys = list(operation.responses)
    keys += [key for op, key in by_response if op == operation and key not in keys]
    responses = tuple(
        ResponseCoverage(
            status=key,
            state=_state(by_response.get((operation, key), [])),
            shown=tuple(by_response.get((operation, key), [])),
            codes=tuple((code, _state(steps))
                        for code, steps in codes_at.get((operation, key), {}).items()),
            declared=key in operation.responses,
        )
        for key in keys)
    return OperationCoverage(operation.method, operation.path, operation.operation_id,
                             _state(shown), responses, tuple(shown))


def _state(shown: Iterable[Shown]) -> CoverageState:
    verdicts = {item.verdict for item in shown}
    if "passed" in verdicts:
        return "verified"
    return "failing" if verdicts else "undocumented"


def _figure(states: Iterable[CoverageState]) -> Figure:
    counted = list(states)
    return Figure(total=len(counted), verified=counted.count("verified"),
                  failing=counted.count("failing"))
