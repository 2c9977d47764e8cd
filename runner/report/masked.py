"""The run's results with every text masked whole by the run's final secrets, before any
writer cuts a value for display.

The run masks each step's texts with what its guide knew then; a secret learned later is
only known to `RunResult.mask`. Masking the output a writer produced would meet a value
already cut for display (240 characters in the terminal, 100 in a diff line), and a secret
across the cut would keep its first part in clear. So each writer starts from this copy, and
still masks its whole output at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from runner.model import Cleanup, DiffLine, Exchange, GuideResult, Problem, RunResult, StepResult
from runner.secrets import MASK
from runner.secrets.decoding import reveals

__all__ = ["masked_result", "masked_step"]


def masked_result(result: RunResult) -> RunResult:
    """`result` with its every text passed through `result.mask` (the same object when the
    mask is the identity: a result built without a run)."""
    if result.mask is str:
        return result
    mask = _thorough(result.mask)
    guides = tuple(_guide(guide, mask) for guide in result.guides)
    return replace(result, guides=guides,
                   unreachable=None if result.unreachable is None else mask(result.unreachable))


def _thorough(mask: Callable[[str], str]) -> Callable[[str], str]:
    """`mask`, and a value that would still show a secret once decoded (`&#115;k_live_...`,
    `\\u0073k_live_...`, percent-encoded) hidden whole: no form of it is safe to show."""
    def hide(text: str) -> str:
        masked = mask(text)
        if ("&" in masked or "\\" in masked or "%" in masked) and reveals(masked, mask):
            return MASK
        return masked

    return hide


def _guide(guide: GuideResult, mask: Callable[[str], str]) -> GuideResult:
    return replace(
        guide,
        steps=tuple(masked_step(step, mask) for step in guide.steps),
        errors=tuple((source, mask(message)) for source, message in guide.errors),
        cleanup=tuple(_cleanup(cleanup, mask) for cleanup in guide.cleanup),
    )


def _cleanup(cleanup: Cleanup, mask: Callable[[str], str]) -> Cleanup:
    return replace(cleanup, detail=mask(cleanup.detail))


def masked_step(step: StepResult, mask: Callable[[str], str]) -> StepResult:
    """One step's result with its every text passed through `mask` (the pytest plugin's)."""
    return replace(
        step,
        url=mask(step.url),
        problems=tuple(_problem(problem, mask) for problem in step.problems),
        exchange=None if step.exchange is None else _exchange(step.exchange, mask),
        reason=None if step.reason is None else mask(step.reason),
        retries=tuple(mask(retry) for retry in step.retries),
        diff=tuple(_line(line, mask) for line in step.diff),
    )


def _problem(problem: Problem, mask: Callable[[str], str]) -> Problem:
    return replace(
        problem,
        message=mask(problem.message),
        path=None if problem.path is None else mask(problem.path),
        expected=None if problem.expected is None else mask(problem.expected),
        actual=None if problem.actual is None else mask(problem.actual),
    )


def _exchange(exchange: Exchange, mask: Callable[[str], str]) -> Exchange:
    return replace(
        exchange,
        url=mask(exchange.url),
        request_headers=tuple((name, mask(value)) for name, value in exchange.request_headers),
        request_body=mask(exchange.request_body),
        response_headers=tuple((name, mask(value))
                               for name, value in exchange.response_headers),
        response_body=mask(exchange.response_body),
    )


def _line(line: DiffLine, mask: Callable[[str], str]) -> DiffLine:
    return replace(line, text=mask(line.text), key=mask(line.key))
