"""Compare: a run's results against an earlier run's JSON report (`--baseline`), each step
marked new failure, fixed, still failing or unchanged. Returns data; reports format it."""

from __future__ import annotations

from runner.compare.baseline import Baseline, BaselineStep, load_baseline
from runner.compare.changes import mark_changes

__all__ = ["Baseline", "BaselineStep", "load_baseline", "mark_changes"]
