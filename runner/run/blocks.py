"""Which later steps a failed step holds back, so that one run shows every drift.

After a failure the guide goes on wherever the server's state is still what the guide
assumes: the failed request changed nothing (a read, an introspection, a request the server
refused), or its status was as documented and only its body drifted. A step is held back
only when the state may now differ (a request that can change state succeeded where the
guide documents an error, or with another 2xx than documented), when it reads a variable
the failed step was to bind, or after a step that could not be run at all.
"""

from __future__ import annotations

from collections.abc import Iterable

from runner.model import Step, StepResult, expected_class, status_matches
from runner.plan import field_variables, response_keys

__all__ = ["Blocks"]


class Blocks:
    """What the failures so far hold back: every later step, or the readers of some names."""

    def __init__(self, *, strict: bool = False) -> None:
        self._strict = strict
        self._everything: int | None = None
        self._names: dict[str, int] = {}
        """A variable the failed step at this line was to bind and did not."""

    def cause(self, step: Step) -> tuple[int, str] | None:
        """(the line, the reason) when an earlier failure holds `step` back."""
        if self._everything is not None:
            return self._everything, f"blocked by line {self._everything}"
        for name in sorted(step.reads):
            line = self._names.get(name)
            if line is not None:
                return line, f"blocked by line {line}: ${name} was to come from it"
        return None

    def skipped(self, step: Step, line: int) -> None:
        """A held-back step binds nothing either: its readers are held back by the same line."""
        self._hold(self.promised(step), line)

    def judged(self, step: Step, result: StepResult, *, changes_state: bool,
               bound: Iterable[str]) -> None:
        """Take in a step that ran (or could not): what its outcome holds back from now on."""
        line = step.source.line
        if result.status == "error":
            self._everything = line
            return
        if result.status != "failed":
            return
        actual = result.actual_status
        as_documented = actual is not None and status_matches(step.expected, actual)
        if changes_state and actual is not None and actual // 100 == 2 and not as_documented:
            self._everything = line  # it did something the guide does not say it does
            return
        promised = self.promised(step)
        if actual is not None and actual // 100 == expected_class(step.expected):
            promised -= set(bound)  # an answer of the documented kind binds the server's values
        self._hold(promised, line)

    def promised(self, step: Step) -> set[str]:
        """The variables a step is to bind: its captures, and (unless strict) the fields its
        documented answer shows."""
        names = {capture.name for capture in step.captures}
        if not self._strict:
            for key in response_keys(step.response):
                names.update(field_variables(key))
        return names

    def _hold(self, names: Iterable[str], line: int) -> None:
        for name in names:
            self._names.setdefault(name, line)
