"""An earlier run's JSON report, read for what `--baseline` needs: each guide's steps, named
as the report names them, with their verdicts."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runner.model import DocError, Verdict
from runner.read import read_named_text

__all__ = ["Baseline", "BaselineStep", "load_baseline"]

_VERDICTS: tuple[Verdict, ...] = ("passed", "failed", "error", "skipped")
MAX_BASELINE_BYTES = 64 * 1024 * 1024
"""A JSON report of a whole docs tree is well under this; a bigger file is no report of ours."""
_VERSION = 1  # the JSON report's schema version (runner.report.json_report.SCHEMA_VERSION)


@dataclass(frozen=True, slots=True)
class BaselineStep:
    """One step of the earlier run."""

    path: str
    """The file the step is in: its guide's, or its fixture's (the report's step `path`)."""
    name: str
    line: int
    status: Verdict


@dataclass(frozen=True, slots=True)
class Baseline:
    """The earlier run: each guide's steps in its order."""

    file: str
    """The report, as the user named it."""
    guides: dict[str, tuple[BaselineStep, ...]]


def load_baseline(path: Path, shown: str | None = None) -> Baseline:
    """Read a JSON report an earlier run wrote (`--json FILE`).

    Raises:
        DocError: the file is missing or unreadable, not JSON, or not a verify-docs JSON
            report (`FILE: what`, exit 2).
    """
    name = shown if shown is not None else str(path)
    text = read_named_text(path, MAX_BASELINE_BYTES, name=name, what="a JSON report",
                           missing="no such file (--baseline takes the JSON report of an "
                                   "earlier run, written with --json FILE)")
    try:
        data = json.loads(text)
        return Baseline(name, _guides(data, name))
    except json.JSONDecodeError as exc:
        raise DocError(f"{name}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    except RecursionError:
        # Deeper than Python walks (about a thousand levels); a report of ours is six deep.
        raise DocError(f"{name}: nested too deeply, expected a verify-docs JSON report "
                       f"(version {_VERSION})") from None


def _guides(data: Any, name: str) -> dict[str, tuple[BaselineStep, ...]]:
    def refuse(what: str) -> DocError:
        return DocError(f"{name}: not a verify-docs JSON report (version {_VERSION}): {what}")

    if not isinstance(data, dict) or "guides" not in data or "version" not in data:
        raise refuse("expected an object with `version` and `guides`")
    if type(data["version"]) is not int or data["version"] != _VERSION:  # not True, not 1.0
        raise refuse(f"`version` is {json.dumps(data['version'])}")
    if not isinstance(data["guides"], list):
        raise refuse("`guides` is not a list")
    guides: dict[str, tuple[BaselineStep, ...]] = {}
    for g, guide in enumerate(data["guides"]):
        if not isinstance(guide, dict) or not isinstance(guide.get("path"), str) \
                or not isinstance(guide.get("steps"), list):
            raise refuse(f"guides[{g}] needs a `path` string and a `steps` list")
        steps = []
        for s, step in enumerate(guide["steps"]):
            where = f"guides[{g}].steps[{s}]"
            if not isinstance(step, dict):
                raise refuse(f"{where} is not an object")
            line, status = step.get("line"), step.get("status")
            if not isinstance(step.get("name"), str) or isinstance(line, bool) \
                    or not isinstance(line, int):
                raise refuse(f"{where} needs a `name` string and a `line` number")
            if status not in _VERDICTS:
                raise refuse(f"{where}: `status` {json.dumps(status)} is not one of "
                             + ", ".join(_VERDICTS))
            own = step.get("path", guide["path"])
            if not isinstance(own, str):
                raise refuse(f"{where}: `path` is not a string")
            steps.append(BaselineStep(own, step["name"], line, status))
        guides[guide["path"]] = tuple(steps)
    return guides
