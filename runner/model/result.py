"""What the engine returns and every report reads: problems, step and guide results."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from typing import Literal as L

from runner.model.source import Source
from runner.model.step import Step

__all__ = [
    "Change", "Cleanup", "DiffLine", "Exchange", "GuideResult", "Leftover", "Observed",
    "Problem", "RunResult", "StepResult", "Verdict",
]

Verdict = L["passed", "failed", "error", "skipped"]

Change = L["new_failure", "fixed", "still_failing", "new", "unchanged"]
"""What a step's verdict became since a baseline run (`--baseline`): `new_failure` it fails (or
cannot run) now and did not then (or is new); `fixed` it failed then and passes now;
`still_failing` it failed then and is not passing now (failing, or skipped: nothing showed it
fixed); `new` the baseline run had no such step and it does not fail now (a guide or step
added since); `unchanged` it did not fail then and does not now."""


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
class DiffLine:
    """One line of a failed step's body diff, as the matcher compared the two bodies.

    The matcher draws the documented body in its own key order against the real value it
    was held against (after a `| jq` filter, with `ignore=`, `unordered=` and `...` applied),
    opening only the containers that hold a failure; reports choose the context and cut.
    """

    tag: L["-", "+", " "]
    """`-` documented only, `+` real only, ` ` the same on both sides (drawn as documented)."""
    depth: int
    """How deep in the body the line is (reports indent by it)."""
    text: str
    """The value on one line as JSON (or a bracket, or `...`), whole and secrets masked:
    reports cut it."""
    key: str = ""
    """An object member's `"key": ` as JSON writes it ("" for an item, a bracket or `...`)."""
    comma: bool = False
    """Whether a comma follows (another member or item comes after it)."""
    path: str = ""
    """The JSON path of the node the line shows (`$.owner`); "" for `...` and brackets."""
    line: int | None = None
    """The Markdown line of the documented node; None for a real-only line and brackets."""
    frame: bool = False
    """Opens or closes a container that holds a change: kept as context by any report."""


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
class Observed:
    """What a failed step really answered, as `--update` may write it into its guide.

    Made by the run when its guide ends, with everything the guide learned: no secret, no
    run tag and no real dynamic value is in it, in any form it decodes to (HTML entities,
    `\\u` escapes, percent-encoding). An identifier, token, secret or timestamp (by its
    shape, whole or inside a longer string), a value under a secret-named key and any value
    holding one of the run's secrets stand as the documented example bound to that real
    value, or else as a plausible example of its shape, the same one for the same value
    throughout the guide. The target's origin is written as the documented one.
    """

    status: int
    headers: tuple[tuple[str, str], ...] = ()
    """The real headers, secrets masked (`***`): a masked one is never written."""
    is_json: bool = False
    body: Any = None
    """The JSON the documented body was held against (after a `| jq` filter), examples in
    place of dynamic and secret values; None when `is_json` is False."""
    text: str | None = None
    """A body that is not JSON, as the reader sees it; None when it holds a secret."""
    body_problems: tuple[Problem, ...] | None = None
    """When the status class was not the documented one (the body was not compared), the
    body's problems against the real status; None otherwise (the step's own problems)."""


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
    held_back: bool = False
    """Skipped by `--read-only` (it changes state, or needs what such a step was to bind):
    counted apart from other skips, so a smoke check shows what it did not verify."""
    crash: str | None = None
    """The traceback file of an unexpected exception in the runner at this step (a bug)."""
    diff: tuple[DiffLine, ...] = ()
    """The documented body against the real one where the match failed (none when the body
    was not compared, or the failures are not in it)."""
    observed: Observed | None = field(default=None, compare=False, repr=False)
    """For a failed step, the real answer as `--update` may write it (no secret in it)."""
    change: Change | None = None
    """What the verdict became since the baseline run; None when there is no baseline."""


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
    crash: str | None = None
    """The traceback file of an unexpected exception outside its steps (planning, cleanup)."""


@dataclass(frozen=True, slots=True)
class Cleanup:
    """One agent decommissioned (or not) after its guide ended."""

    agent_id: str | None
    """None for the sweep that looks for agents whose registration answer was lost."""
    outcome: L["decommissioned", "failed", "kept"]
    detail: str = ""
    """For a failure, the last answer (or why none came)."""
    tag: str = ""
    """The run tag its unique fields carry on the target (`r7f3a09c2-1`)."""


@dataclass(frozen=True, slots=True)
class Leftover:
    """An agent a run created and could not decommission (or, with no id, the agents a lost
    registration answer may have created, known only by their tag)."""

    path: str
    """The guide that created it."""
    agent_id: str | None
    tag: str
    last_answer: str


@dataclass(frozen=True, slots=True)
class RunResult:
    """A whole run: every guide, in the order given."""

    target: str
    guides: tuple[GuideResult, ...] = field(default=())
    unreachable: str | None = None
    """Where the target stopped answering (`FILE:LINE`), when it did: the run ended there."""
    baseline: str | None = None
    """The earlier run's JSON report each step's `change` is against (as the user named it);
    None without `--baseline`."""
    mask: Callable[[str], str] = field(default=str, compare=False, repr=False)
    """Masks a text with every secret the run learned, as known when it is called (the run's
    secret set): each writer passes its whole output through it at write time, so a secret
    learned at the last step is hidden in what the first step printed."""

    @property
    def leftovers(self) -> tuple[Leftover, ...]:
        """Every agent the cleanup could not decommission, in guide order."""
        return tuple(Leftover(guide.path, c.agent_id, c.tag, c.detail)
                     for guide in self.guides for c in guide.cleanup if c.outcome == "failed")

    def cleanup_counts(self) -> dict[str, int]:
        """What cleanup did over the run: agents decommissioned, left behind, kept (`--keep`)."""
        cleanups = [c for guide in self.guides for c in guide.cleanup]
        return {"decommissioned": sum(c.outcome == "decommissioned" and c.agent_id is not None
                                      for c in cleanups),
                "left": sum(c.outcome == "failed" for c in cleanups),
                "kept": sum(c.outcome == "kept" for c in cleanups)}

    @property
    def exit_status(self) -> int:
        """The highest that applies: 0 all passed, 1 an expectation failed, 2 unreadable docs,
        3 target fault, 4 the runner crashed; 5 when nothing else applies and there were
        steps but none ran (`-k` deselecting them all is the front end's to tell)."""
        status = 0
        ran = planned = False
        for guide in self.guides:
            if guide.target_fault:
                status = max(status, 3)
            if guide.errors:
                status = max(status, 2)
            if guide.crash is not None:
                status = max(status, 4)
            for step in guide.steps:
                planned = True
                ran = ran or step.status != "skipped"
                if step.crash is not None:
                    status = max(status, 4)
                elif step.status == "failed":
                    status = max(status, 1)
                elif step.status == "error":
                    status = max(status, 2)
        if self.leftovers or self.unreachable is not None:
            status = max(status, 3)  # an agent left on a shared target is never a pass
        # Like pytest's "no tests ran": a green run must have verified something. Steps that
        # were all held back or skipped are not a pass; pages with no step (an index) are.
        return 5 if status == 0 and planned and not ran else status
