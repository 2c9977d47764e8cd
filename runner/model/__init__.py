"""Typed hand-offs between the stages: sources, errors, steps, results. No logic."""

from __future__ import annotations

from runner.model.command import (
    Assignment,
    Command,
    CommandSubstitution,
    Invocation,
    Literal,
    Parameter,
    Part,
    Script,
    Word,
)
from runner.model.document import (
    DocAny,
    DocArray,
    DocEllipsis,
    DocMember,
    DocObject,
    DocScalar,
    DocValue,
)
from runner.model.errors import DocError, TargetError, VerifyDocsError
from runner.model.printing import FailMode, Printing, WriteOut
from runner.model.result import (
    Cleanup,
    DiffLine,
    Exchange,
    GuideResult,
    Leftover,
    Problem,
    RunResult,
    StepResult,
    Verdict,
)
from runner.model.source import Source
from runner.model.step import (
    Capture,
    DocumentedResponse,
    ExpectedStatus,
    Guide,
    HttpRequest,
    Step,
    expected_class,
    status_matches,
)

__all__ = [
    "Assignment",
    "Capture",
    "Cleanup",
    "Command",
    "CommandSubstitution",
    "DiffLine",
    "DocAny",
    "DocArray",
    "DocEllipsis",
    "DocError",
    "DocMember",
    "DocObject",
    "DocScalar",
    "DocValue",
    "DocumentedResponse",
    "Exchange",
    "ExpectedStatus",
    "FailMode",
    "Guide",
    "GuideResult",
    "HttpRequest",
    "Invocation",
    "Leftover",
    "Literal",
    "Parameter",
    "Part",
    "Printing",
    "Problem",
    "RunResult",
    "Script",
    "Source",
    "Step",
    "StepResult",
    "TargetError",
    "Verdict",
    "VerifyDocsError",
    "Word",
    "WriteOut",
    "expected_class",
    "status_matches",
]
