"""Run: a step and its context -> a real response, matched; targets, sending, retries."""

from __future__ import annotations

from runner.run.crash import mask_crash_files, record_crash
from runner.run.guide import Interrupted, not_started, run_guide
from runner.run.selection import Selection
from runner.run.target import Target, configured_target

__all__ = [
    "Interrupted",
    "Selection",
    "Target",
    "configured_target",
    "mask_crash_files",
    "not_started",
    "record_crash",
    "run_guide",
]
