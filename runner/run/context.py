"""A guide's variables: what the run stage expands `$NAME` with, in the design's order.

Assignments and captures come first, then the top-level fields of the real responses seen
so far (each bound to one spelling, its SCREAMING_SNAKE form), then the target's. Every read
of a value a reader's shell would not hold is remembered, so the run stage can say so at the
reading line: bash binds nothing from a response, and a fixture's exports reach a reader only
if the guide sends them there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from typing import Literal as L

from runner.model import Source
from runner.plan import field_variables, suggest_variable
from runner.secrets import Secret, is_secret_name, is_secret_variable

__all__ = ["Binding", "Context"]


@dataclass(frozen=True, slots=True)
class Binding:
    """Where a variable's value came from."""

    value: str | Secret
    """A secret (a variable or field named like one) stays a `Secret` until it is expanded."""
    origin: L["assigned", "field"]
    source: Source | None
    """The assignment or capture (`assigned`), or the response it was read from (`field`)."""
    key: str = ""
    """The response field (`clientSecret`), for a `field` binding."""


class Context(Mapping[str, str]):
    """Variables resolved from assignments, then response fields, then the target.

    With `strict`, responses bind nothing (bash's semantics): what they would have bound is
    kept only to explain why a variable is unset.
    """

    def __init__(self, target_variables: Mapping[str, str | Secret], *,
                 strict: bool = False) -> None:
        self._assigned: dict[str, Binding] = {}
        self._fields: dict[str, Binding] = {}
        self._target = dict(target_variables)
        self._strict = strict
        self._reads: list[tuple[str, Binding]] = []

    def assign(self, name: str, value: str, source: Source | None = None) -> None:
        """An assignment, export or capture: it wins over response fields from now on."""
        kept: str | Secret = Secret(value) if is_secret_variable(name) else value
        self._assigned[name] = Binding(kept, "assigned", source)

    def learn_response(self, body: Any, source: Source | None = None) -> None:
        """Remember a JSON response's top-level scalar fields; the most recent response wins."""
        if not isinstance(body, dict):
            return
        for key, value in body.items():
            if isinstance(value, bool) or value is None or isinstance(value, dict | list):
                continue
            text = str(value)
            kept: str | Secret = Secret(text) if is_secret_name(str(key)) else text
            for name in field_variables(str(key)):
                self._fields[name] = Binding(kept, "field", source, str(key))

    def _binding(self, name: str) -> Binding | None:
        found = self._assigned.get(name)
        if found is None and not self._strict:
            found = self._fields.get(name)
        return found

    def __getitem__(self, name: str) -> str:
        found = self._binding(name)
        if found is not None:
            self._reads.append((name, found))
            return _revealed(found.value)
        return _revealed(self._target[name])

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return self._binding(name) is not None or name in self._target

    def __iter__(self) -> Iterator[str]:
        # Response fields are left out: copying the context must not count as reading them.
        yield from dict.fromkeys([*self._assigned, *self._target])

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._assigned, *self._target]))

    def take_reads(self) -> list[tuple[str, Binding]]:
        """The assigned and response-bound variables read since the last call, in order."""
        reads, self._reads = self._reads, []
        return reads

    def withheld(self, name: str) -> Binding | None:
        """The response field that would bind `name` if responses bound anything (strict)."""
        return self._fields.get(name) if self._strict else None

    def suggestion(self, name: str) -> str | None:
        """The variable an unset `name` was probably meant to be (`$AGENTID` -> `AGENT_ID`)."""
        known = [*self._assigned, *self._target]
        if not self._strict:
            known += list(self._fields)
        return suggest_variable(name, known)


def _revealed(value: str | Secret) -> str:
    """The value a word expands to: the one place a variable's secret is taken out."""
    return value.reveal() if isinstance(value, Secret) else value
