"""Drifted guides are caught at the right line; clean ones pass (CLI, embedded IdP)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner.cli import cli

GUIDES = Path(__file__).parent / "guides"


def _line_of(path: Path, needle: str, occurrence: int = 1) -> int:
    """The 1-based line of the n-th line containing `needle` (so tests name text, not numbers)."""
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} not in {path.name}"
    return hits[occurrence - 1]


def _run(tmp_path: Path, *paths: Path) -> tuple[int, dict[str, Any], str]:
    report = tmp_path / "report.json"
    outcome = CliRunner().invoke(cli, [*map(str, paths), "--json", str(report)])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome.exit_code, json.loads(report.read_text()), outcome.output


def test_clean_guide_passes(tmp_path: Path) -> None:
    code, report, output = _run(tmp_path, GUIDES / "clean-register.md")
    assert code == 0, output
    steps = report["guides"][0]["steps"]
    assert [s["status"] for s in steps] == ["passed"] * 3
    assert [s["actual_status"] for s in steps] == [201, 200, 409]
    assert report["summary"]["passed"] == 3


# name, the curl occurrence of the failing step, the documented text the problem points at,
# words the message must contain
DRIFTS = [
    ("status", 1, "The server answers", ["201", "200"]),
    ("missing-key", 1, '"tier": "free"', ["tier"]),
    ("changed-value", 1, '"status": "pending"', ["pending", "active"]),
    ("error-code", 3, '"code": "AGENT_EXISTS"', ["AGENT_EXISTS", "AGENT_ALREADY_EXISTS"]),
    ("array-length", 1, '"capabilities": ["resume:read", "resume:write"]', ["capabilities"]),
    ("unify-two-examples", 2, '"agentId": "b81d4fae', ["b81d4fae"]),
    ("unify-one-example", 2, '"agentId": "a3f7c821', ["a3f7c821"]),
    ("header", 1, "Content-Type: text/plain", ["text/plain", "application/json"]),
    ("undocumented-failure", 1, None, ["404"]),
]


# Drifts after which the server may not be in the state the guide assumes.
STATE_CHANGED = {"status"}


@pytest.mark.parametrize(("name", "curl_index", "marker", "words"), DRIFTS,
                         ids=[d[0] for d in DRIFTS])
def test_drift_is_caught_at_its_line(
    tmp_path: Path, name: str, curl_index: int, marker: str | None, words: list[str]
) -> None:
    guide = GUIDES / f"drift-{name}.md"
    code, report, output = _run(tmp_path, guide)
    assert code == 1, output
    steps = report["guides"][0]["steps"]
    failed = [s for s in steps if s["status"] == "failed"]
    assert len(failed) == 1, steps
    step = failed[0]
    assert step["line"] == _line_of(guide, "curl ", curl_index)
    failures = [p for p in step["problems"] if p["severity"] == "failure"]
    assert failures, step
    text = " ".join(f"{p['message']} {p['expected']} {p['actual']}" for p in failures)
    for word in words:
        assert word in text, (word, failures)
    if marker is not None:
        marked = {i for i, ln in enumerate(guide.read_text().splitlines(), 1) if marker in ln}
        assert marked & {p["line"] for p in failures}, (marked, failures)
    # After a failure the guide goes on where the server's state is still what it assumes;
    # a request that created something with another 2xx than documented holds back the rest.
    after = steps[steps.index(step) + 1:]
    if name in STATE_CHANGED:
        assert after and all(s["status"] == "skipped" for s in after), after
        assert all(s["reason"] == f"blocked by line {step['line']}" for s in after), after
    else:
        assert all(s["status"] == "passed" for s in after), after
    assert f"{guide.name}:" in output or str(guide) in output


def test_every_drift_file_is_tested() -> None:
    files = {p.stem.removeprefix("drift-") for p in GUIDES.glob("drift-*.md")}
    assert files == {d[0] for d in DRIFTS}
