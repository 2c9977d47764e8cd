"""Reports: terminal, JSON, JUnit and GitHub output, all read from one `RunResult`."""

from __future__ import annotations

from runner.report.github import write_annotations, write_step_summary
from runner.report.json_report import to_json, write_json
from runner.report.junit import write_junit
from runner.report.terminal import Progress, write_lint, write_terminal

__all__ = [
    "Progress",
    "to_json",
    "write_annotations",
    "write_json",
    "write_junit",
    "write_lint",
    "write_step_summary",
    "write_terminal",
]
