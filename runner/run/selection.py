"""`-k EXPR`: choosing guides and steps with pytest's keyword expressions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from runner.model import DocError, Guide, Step

__all__ = ["Selection"]


@dataclass(frozen=True, slots=True)
class Selection:
    """A compiled `-k` expression (`token and not revoke`), matched case-insensitively."""

    expression: str
    _compiled: Any

    @classmethod
    def parse(cls, expression: str) -> Selection:
        """Compile the expression now, so a typo is a command-line error (exit 2)."""
        # pytest's own -k grammar (and, or, not, parentheses, its identifier characters), so
        # users meet one language. A private import on purpose: pytest (9.2) offers no public
        # way to compile or evaluate a keyword expression outside a collection, and a copy of
        # the grammar would drift from the `-k` it claims to be. tests/run/test_selection.py
        # pins the behaviour we rely on. Imported here: a run without -k never loads pytest.
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

    def _wants_step(self, guide: Guide, step: Step) -> bool:
        # As in pytest, a step's words include its guide's: `-k tokens` picks every step of
        # tokens.md, and `-k "not audit"` drops the audit steps of any guide.
        return self._matches(guide.path, _step_words(step))

    def wants_guide(self, guide: Guide) -> bool:
        """A guide is run when one of its steps matches (its path, when it has none)."""
        if not guide.steps:
            return self._matches(guide.path)
        return any(self._wants_step(guide, step) for step in guide.steps)

    def step_filter(self, guide: Guide) -> Callable[[Step], bool] | None:
        """None when every step of the guide is wanted, else which steps are."""
        if all(self._wants_step(guide, step) for step in guide.steps):
            return None
        return lambda step: self._wants_step(guide, step)


    def narrowed(self, guide: Guide) -> Guide:
        """The guide with only the steps the expression picks (for `--lint -k`'s plan)."""
        wanted = self.step_filter(guide)
        if wanted is None:
            return guide
        return replace(guide, steps=tuple(step for step in guide.steps if wanted(step)))


def _step_words(step: Step) -> str:
    return f"{step.name} line {step.source.line} {step.source}"
