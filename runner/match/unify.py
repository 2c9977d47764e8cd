"""Example unification: in a guide, one documented identifier, token or secret is one value.

The first time a documented example meets a real value they are bound, both ways.
Later, the same example must meet the same real value, and a different example a
different one: a rotate response documented with the same `credentialId` and a new
`clientSecret` then proves that rotation keeps the id and replaces the secret.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

from runner.model import Problem, Source

__all__ = ["Binding", "ExampleBook"]


@dataclass(frozen=True, slots=True)
class Binding:
    """A documented example met a real value at a place of the guide."""

    example: str
    """The documented value, or its visible start when the writer shortened it."""
    is_prefix: bool
    real: str
    source: Source
    path: str
    """The JSON path where they met (`$.credentialId`)."""


def _same_example(one: Binding, other: Binding) -> bool:
    """A shortened and a full value with the same visible start are one example."""
    if not one.is_prefix and not other.is_prefix:
        return one.example == other.example
    if one.is_prefix and other.is_prefix:
        return one.example.startswith(other.example) or other.example.startswith(one.example)
    prefix, full = (one, other) if one.is_prefix else (other, one)
    return full.example.startswith(prefix.example)


def _show(binding: Binding) -> str:
    """A documented example as a message quotes it: its start is enough to find it."""
    text = binding.example
    if binding.is_prefix:
        return text + "..."
    return text if len(text) <= 12 else text[:8] + "..."


class ExampleBook:
    """The bindings of one guide's documented examples to real values (owned by the run)."""

    def __init__(self) -> None:
        self._bindings: list[Binding] = []
        # Full (not shortened) examples -> real values, kept up to date as bindings are made
        # rather than rebuilt for every word of every request that `substitute` looks at.
        self._full: dict[str, str] = {}

    def bindings(self) -> tuple[Binding, ...]:
        """Every binding so far, in the order they were made."""
        return tuple(self._bindings)

    def copy(self) -> ExampleBook:
        """An independent book with the same bindings (to try a match without committing)."""
        return copy.copy(self)

    def __copy__(self) -> ExampleBook:
        book = ExampleBook()
        book._bindings = list(self._bindings)
        book._full = dict(self._full)
        return book

    def bind(self, binding: Binding) -> Problem | None:
        """Record that an example met a real value; a problem when that contradicts the guide."""
        for bound in self._bindings:
            if _same_example(bound, binding):
                if bound.real != binding.real:
                    return Problem(
                        message=(
                            f"{binding.path} is documented as the same value as "
                            f"{_where(bound, binding)} (`{_show(bound)}`), but the server returned "
                            "a different one"
                        ),
                        source=binding.source,
                        path=binding.path,
                        # The real value, said to be one: a bare id reads like a guide's value.
                        expected=f"{bound.real} (the real `{_show(bound)}` of "
                                 f"{_where(bound, binding)})",
                        actual=binding.real,
                    )
                if bound.example == binding.example and bound.is_prefix == binding.is_prefix:
                    return None
                break
        else:
            for bound in self._bindings:
                if bound.real == binding.real:
                    return Problem(
                        message=(
                            f"{binding.path} is documented as `{_show(binding)}`, a different "
                            f"value from {_where(bound, binding)} (`{_show(bound)}`), but the "
                            "server returned the same one"
                        ),
                        source=binding.source,
                        path=binding.path,
                        expected=f"a value other than the one at {_where(bound, binding)}",
                        actual=binding.real,
                    )
        self._bindings.append(binding)
        if not binding.is_prefix and binding.example:
            self._full[binding.example] = binding.real
        return None

    def bind_all(self, bindings: list[Binding] | tuple[Binding, ...]) -> list[Problem]:
        """Bind in order; the problems of those that contradict earlier ones."""
        problems = []
        for binding in bindings:
            problem = self.bind(binding)
            if problem is not None:
                problems.append(problem)
        return problems

    def substitute(self, text: str) -> str:
        """Replace every bound documented example written literally in `text` by its real value.

        Longest first, in one pass, so an example inside a longer one is never half replaced.
        """
        examples = self._full
        # Most request words hold no documented example: only those present are compiled.
        present = [example for example in examples if example in text]
        if not present:
            return text
        pattern = re.compile(
            "|".join(re.escape(example) for example in sorted(present, key=len, reverse=True))
        )
        return pattern.sub(lambda found: examples[found.group()], text)


def _where(bound: Binding, binding: Binding) -> str:
    """`line 12`, or `fixtures/agent-token.md:40` when the first sighting is in another file."""
    if bound.source.path and bound.source.path != binding.source.path:
        return f"{bound.source.path}:{bound.source.line}"
    return f"line {bound.source.line}"
