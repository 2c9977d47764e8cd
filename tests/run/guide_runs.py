"""Run a guide written in a test through the CLI (embedded IdP) and read its JSON report."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from runner.cli import cli

__all__ = ["Run", "line_of", "run_guide_text"]

REGISTER = """\
```bash
export AGENT_ID=$(curl -s -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" -H "Content-Type: application/json" \\
  -d '{"email": "r@acme.example", "agentType": "custom", "version": "1.0.0",
       "capabilities": ["a:b"], "owner": "o", "deploymentEnv": "development"}' \\
  | jq -r '.agentId')
```
"""
"""A first step that registers an agent and keeps its id, showing no answer."""


@dataclass(frozen=True)
class Run:
    """What one CLI run gave: its exit status, the JSON report's only guide, the terminal."""

    exit: int
    guide: dict[str, Any]
    output: str

    @property
    def steps(self) -> list[dict[str, Any]]:
        return list(self.guide["steps"])

    def step_at(self, line: int) -> dict[str, Any]:
        [step] = [s for s in self.steps if s["line"] == line]
        return step


def line_of(text: str, marker: str, n: int = 1) -> int:
    """The 1-based line of the n-th line holding `marker` (tests name text, not numbers)."""
    hits = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(hits) >= n, f"{marker!r} (#{n}) not in the guide"
    return hits[n - 1]


def run_guide_text(tmp_path: Path, text: str, *options: str, name: str = "guide.md") -> Run:
    """Write `text` as a guide and run it; fixtures come from the repository's folder."""
    guide = tmp_path / name
    guide.write_text(text)
    report = tmp_path / "report.json"
    outcome = CliRunner().invoke(cli, [str(guide), "--json", str(report), *options])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    assert "Traceback" not in outcome.output, outcome.output
    [result] = json.loads(report.read_text())["guides"]
    return Run(outcome.exit_code, result, outcome.output)
