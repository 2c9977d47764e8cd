"""Each step of a run against the same step of the baseline run.

Steps are matched within their guide (by the guide's path): first by file, name and line
(the step's own file, a fixture's for a fixture step; its method and path; its command's
Markdown line); then, for the steps left on both sides, by file and name alone, in Markdown
order, so a step whose lines moved (a paragraph added above it) is still the same step. A
step with no match is new: a new failure if it fails, else `new` (not "unchanged": a release
manager counts what the docs now prove that they did not).
"""

from __future__ import annotations

from dataclasses import replace

from runner.compare.baseline import Baseline, BaselineStep
from runner.model import Change, GuideResult, RunResult, Verdict

__all__ = ["mark_changes"]


def mark_changes(result: RunResult, baseline: Baseline) -> RunResult:
    """The run with each step's `change` against `baseline`, and the baseline named."""
    guides = tuple(_guide(guide, baseline.guides.get(guide.path, ())) for guide in result.guides)
    return replace(result, guides=guides, baseline=baseline.file)


def _guide(guide: GuideResult, before: tuple[BaselineStep, ...]) -> GuideResult:
    matched: dict[int, BaselineStep] = {}
    left = list(before)
    # Exact: same file, name and line.
    for index, step in enumerate(guide.steps):
        key = (step.step.source.path, step.step.name, step.step.source.line)
        found = next((old for old in left if (old.path, old.name, old.line) == key), None)
        if found is not None:
            matched[index] = found
            left.remove(found)
    # Lines moved: the remaining steps of the same file and name, paired in order.
    for index, step in enumerate(guide.steps):
        if index in matched:
            continue
        key2 = (step.step.source.path, step.step.name)
        found = next((old for old in left if (old.path, old.name) == key2), None)
        if found is not None:
            matched[index] = found
            left.remove(found)
    steps = tuple(replace(step, change=_change(matched[index].status if index in matched
                                               else None, step.status))
                  for index, step in enumerate(guide.steps))
    return replace(guide, steps=steps)


def _change(before: Verdict | None, now: Verdict) -> Change:
    was = before in ("failed", "error")
    if now in ("failed", "error"):
        return "still_failing" if was else "new_failure"
    if before is None:
        return "new"
    if was:
        # Skipped now (blocked, held back): nothing showed it fixed.
        return "fixed" if now == "passed" else "still_failing"
    return "unchanged"
