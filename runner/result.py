"""What the engine returns and every report reads: problems, step and guide results."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal as L

from runner.source import Source
from runner.step import Step

__all__ = ["Cleanup", "Exchange", "GuideResult", "Problem", "RunResult", "StepResult", "Verdict"]

Verdict = L["passed", "failed", "error", "skipped"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One disagreement between the guide and the target, at a Markdown line."""

    message: str
    source: Source | None = None
    path: str | None = None
    """The JSON path in the body (`$.code`), a header (`header Content-Type`) or None."""
    expected: str | None = None
    actual: str | None = None
    severity: L["failure", "warning", "note"] = "failure"
    """`failure` fails the step; `warning` (what a reader's shell would not hold) and `note`
    (an extra key, other wording) are reported and change no verdict."""


@dataclass(frozen=True, slots=True)
class Exchange:
    """What was really sent and received, with secrets already masked."""

    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: str
    status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: str = ""
    elapsed: float = 0.0


@dataclass(frozen=True, slots=True)
class StepResult:
    """The verdict on one step."""

    step: Step
    status: Verdict
    method: str
    url: str
    """The documented URL with its variables resolved and secrets masked."""
    actual_status: int | None = None
    problems: tuple[Problem, ...] = ()
    exchange: Exchange | None = None
    reason: str | None = None
    """Why the step was skipped or could not run."""
    retries: tuple[str, ...] = ()
    """Each retry on the way to the final response (staging: 429, 503, dropped connections)."""


@dataclass(frozen=True, slots=True)
class GuideResult:
    """The verdict on one guide."""

    path: str
    status: Verdict
    steps: tuple[StepResult, ...] = ()
    errors: tuple[tuple[Source, str], ...] = ()
    target_fault: bool = False
    cleanup: tuple[Cleanup, ...] = ()
    """What was done, after the guide, to the agents it created and left active."""


@dataclass(frozen=True, slots=True)
class Cleanup:
    """One agent decommissioned (or not) after its guide ended."""

    agent_id: str | None
    """None for the sweep that looks for agents whose registration answer was lost."""
    outcome: L["decommissioned", "failed", "kept"]
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RunResult:
    """A whole run: every guide, in the order given."""

    target: str
    guides: tuple[GuideResult, ...] = field(default=())

    @property
    def exit_status(self) -> int:
        """0 all passed, 1 an expectation failed, 2 unreadable docs, 3 target fault: the highest."""
        status = 0
        for guide in self.guides:
            if guide.target_fault:
                status = max(status, 3)
            if guide.errors:
                status = max(status, 2)
            for step in guide.steps:
                if step.status == "failed":
                    status = max(status, 1)
                elif step.status == "error":
                    status = max(status, 2)
        return status
