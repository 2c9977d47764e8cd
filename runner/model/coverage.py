"""What `runner.coverage` hands to the reports: which operations, responses and error codes
of an OpenAPI description the guides showed, and how."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal as L

from runner.model.result import Verdict

__all__ = [
    "CodeCoverage",
    "CodeField",
    "Coverage",
    "CoverageState",
    "Figure",
    "OperationCoverage",
    "ResponseCoverage",
    "Shown",
    "Unmatched",
]

CoverageState = L["verified", "failing", "undocumented"]
"""`verified`: a passing step showed it. `failing`: guides document it, but no step that
shows it passed (each failed, could not run, or was skipped). `undocumented`: no guide
shows it."""

CodeField = L["code", "error"]
"""The field of an error body that names the error: `code` in the API's envelope, `error` in
an OAuth 2.0 error (RFC 6749 5.2)."""


@dataclass(frozen=True, slots=True)
class Shown:
    """A step of a guide that documents an operation (a response, an error code)."""

    path: str
    """The guide's file, as the run names it."""
    line: int
    """The Markdown line of the step's command."""
    verdict: Verdict


@dataclass(frozen=True, slots=True)
class ResponseCoverage:
    """One response of an operation: a key of its OpenAPI `responses`, or a status the guides
    document that the OpenAPI does not list."""

    status: str
    """As the OpenAPI writes it (`201`, `4XX`, `default`), or the documented status."""
    state: CoverageState
    shown: tuple[Shown, ...] = ()
    codes: tuple[tuple[str, CoverageState], ...] = ()
    """The error codes (`code` or `error`) the guides document for it, each with its state."""
    declared: bool = True
    """False for a documented status the OpenAPI does not list for the operation."""


@dataclass(frozen=True, slots=True)
class OperationCoverage:
    """One operation of the OpenAPI description."""

    method: str
    path: str
    """The path template as the OpenAPI writes it (`/agents/{agentId}`)."""
    operation_id: str | None
    state: CoverageState
    responses: tuple[ResponseCoverage, ...]
    """The declared responses in the OpenAPI's order, then the undeclared ones shown."""
    shown: tuple[Shown, ...] = ()
    """Every step that sent this operation, in run order."""


@dataclass(frozen=True, slots=True)
class CodeCoverage:
    """An error code: one the OpenAPI lists (a `code` or `error` enum or const), or one the
    guides document that it does not."""

    code: str
    field: CodeField
    state: CoverageState
    shown: tuple[Shown, ...] = ()
    listed: bool = True


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A step whose request is no operation of the OpenAPI description."""

    method: str
    url: str
    """The URL as the run reports it (variables resolved, secrets masked)."""
    shown: Shown


@dataclass(frozen=True, slots=True)
class Figure:
    """One coverage figure: how many of `total` things are verified, failing, undocumented."""

    total: int
    verified: int
    failing: int

    @property
    def undocumented(self) -> int:
        """What no guide shows."""
        return self.total - self.verified - self.failing

    @property
    def percent(self) -> float:
        """Verified, as a percentage of the total (100 when there is nothing to cover)."""
        return 100.0 * self.verified / self.total if self.total else 100.0

    @property
    def shown_percent(self) -> float:
        """`percent` rounded down to one decimal: what every report shows and `--fail-under`
        compares, so a figure short of a threshold never shows as reaching it."""
        return math.floor(self.percent * 10) / 10


@dataclass(frozen=True, slots=True)
class Coverage:
    """The coverage of one OpenAPI description by one run's guides."""

    openapi: str
    """The OpenAPI file, as the user named it."""
    operations: tuple[OperationCoverage, ...]
    codes: tuple[CodeCoverage, ...]
    unmatched: tuple[Unmatched, ...] = ()
    operation_figure: Figure = Figure(0, 0, 0)
    """Operations (method and path) of the OpenAPI."""
    response_figure: Figure = Figure(0, 0, 0)
    """Declared responses: each operation's `responses` keys. `--fail-under` applies here."""
    code_figure: Figure = Figure(0, 0, 0)
    """Error codes the OpenAPI lists."""
