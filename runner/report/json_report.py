"""The JSON report: the design's schema (version 1), every string passed through `mask_shapes`."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

from runner.model import GuideResult, Problem, RunResult, StepResult
from runner.report.masked import masked_result
from runner.report.render import count_changes, problem_source, step_problems, summarize
from runner.secrets import mask_shapes

__all__ = ["SCHEMA_VERSION", "to_json", "write_json"]

SCHEMA_VERSION = 1


def to_json(result: RunResult) -> dict[str, Any]:
    """The report as plain JSON data, exactly the design's schema."""
    result = masked_result(result)  # whole values, before any is cut for display
    summary = summarize(result)
    data: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "target": result.target,
        "summary": {
            "guides": summary.guides,
            "steps": summary.steps,
            "passed": summary.passed,
            "failed": summary.failed,
            "errors": summary.errors,
            "skipped": summary.skipped,
            # Beyond the schema's keys, only in a --read-only run that held steps back.
            **({"held_back": summary.held_back} if summary.held_back else {}),
        },
        "guides": [_guide(guide) for guide in result.guides],
        # What cleanup did over the run (all 0 when embedded), and every agent it left.
        "cleanup": result.cleanup_counts(),
        "leftovers": [{"path": left.path, "agentId": left.agent_id, "tag": left.tag,
                       "last_answer": left.last_answer} for left in result.leftovers],
    }
    if result.baseline is not None:
        # Only with --baseline: the earlier report, and how many steps each change holds.
        data["baseline"] = result.baseline
        data["changes"] = dict(count_changes(result))
    # The whole document, keys and values, masked with the run's final secrets at write time.
    masked = _masked(data, result.mask)
    assert isinstance(masked, dict)
    return masked


def write_json(result: RunResult, path: str | os.PathLike[str]) -> None:
    """Write the JSON report to a file (UTF-8, indented, ending in a newline)."""
    text = json.dumps(to_json(result), indent=2, ensure_ascii=False)
    # Half a surrogate pair (from a `\ud800` in a response) is kept as its JSON escape.
    with open(path, "w", encoding="utf-8", errors="backslashreplace") as file:
        file.write(text + "\n")


def _guide(guide: GuideResult) -> dict[str, Any]:
    return {
        "path": guide.path,
        "status": guide.status,
        "steps": [_step(step, guide.path) for step in guide.steps],
        "errors": [
            {"line": source.line, "message": message} for source, message in sorted(guide.errors)
        ],
        # Beyond the schema's keys, only when there is something to say (staging runs).
        **({"cleanup": [{"agentId": c.agent_id, "outcome": c.outcome, "detail": c.detail}
                        for c in guide.cleanup]} if guide.cleanup else {}),
    }


def _step(step: StepResult, guide_path: str) -> dict[str, Any]:
    planned = step.step
    data: dict[str, Any] = {
        "name": planned.name,
        "line": planned.source.line,
        "response_line": None if planned.response is None else planned.response.source.line,
        "method": step.method,
        "url": step.url,
        "status": step.status,
        "expected_status": planned.expected.code,
        "actual_status": step.actual_status,
        "problems": [_problem(problem, step) for problem in step_problems(step)],
    }
    if step.reason is not None and step.status == "skipped":
        data["reason"] = step.reason
    if step.change is not None:
        data["change"] = step.change
    if step.held_back:
        data["held_back"] = True
    if step.retries:
        data["retries"] = list(step.retries)
    if planned.source.path != guide_path:
        # A fixture's step: its lines are in another file, which the report must name.
        data["path"] = planned.source.path
    return data


def _problem(problem: Problem, step: StepResult) -> dict[str, Any]:
    source = problem_source(problem, step)
    return {
        "line": None if source is None else source.line,
        "path": problem.path,
        "expected": problem.expected,
        "actual": problem.actual,
        "message": problem.message,
        "severity": problem.severity,
    }


def _masked(value: object, mask: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return mask_shapes(mask(value))
    if isinstance(value, dict):
        return {mask_shapes(mask(key)): _masked(item, mask) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, mask) for item in value]
    return value
