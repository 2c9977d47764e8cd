"""`-k EXPR`: choosing guides and steps with pytest's keyword expressions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from runner.errors import DocError
from runner.step import Guide, Step

__all__ = ["Selection"]


@dataclass(frozen=True, slots=True)
class Selection:
    """A compiled `-k` expression (`token and not revoke`), matched case-insensitively."""

    expression: str
    _compiled: Any

    @classmethod
    def parse(cls, expression: str) -> Selection:
        """Compile the expression now, so a typo is a command-line error (exit 2)."""
        # pytest's own -k grammar (and, or, not, parentheses), so users meet one language.
        from _pytest.mark.expression import Expression

        try:
            compiled = Expression.compile(expression)
        except SyntaxError as exc:  # what pytest >= 8 raises; older ones raised a subclass
            raise DocError(f"-k: cannot read expression {expression!r}: {exc.msg}") from None
        except Exception as exc:
            raise DocError(f"-k: cannot read expression {expression!r}: {exc}") from None
        return cls(expression, compiled)

    def _matches(self, *names: str) -> bool:
        haystack = [name.lower() for name in names]
        return bool(self._compiled.evaluate(
            lambda word, **_: any(word.lower() in h for h in haystack)))

    def wants_guide(self, guide: Guide) -> bool:
        """A guide is run when its path, or one of its steps, matches."""
        if self._matches(guide.path):
            return True
        return any(self._matches(guide.path, _step_words(step)) for step in guide.steps)

    def step_filter(self, guide: Guide) -> Callable[[Step], bool] | None:
        """None when the whole guide is wanted, else which steps are."""
        if self._matches(guide.path):
            return None
        return lambda step: self._matches(guide.path, _step_words(step))


def _step_words(step: Step) -> str:
    return f"{step.name} line {step.source.line} {step.source}"
