"""No empty green: a run that sent no step exits 5, and --read-only counts what it held back
apart from what it skipped, in every report."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli

GUIDE = Path(__file__).parent / "guides" / "clean-register.md"
READ = """# List agents

```bash
curl -s http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"data": [], "total": 0, "page": 1, "limit": 20}
```
"""
NO_RUN = "verify-docs: no step was run"


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    outcome = CliRunner().invoke(cli, list(args), env=env)
    assert "Traceback" not in outcome.output
    return outcome.exit_code, outcome.output


def test_read_only_holding_back_every_step_exits_5_and_says_so_in_every_report(
    tmp_path: Path
) -> None:
    report, junit, summary = tmp_path / "r.json", tmp_path / "r.xml", tmp_path / "summary.md"
    status, output = _invoke(str(GUIDE), "--read-only", "--json", str(report),
                             "--junitxml", str(junit),
                             env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert status == 5, output
    assert NO_RUN in output
    assert "3 steps: 0 passed, 0 failed, 0 errors, 0 skipped, 3 held back by --read-only" in output
    data = json.loads(report.read_text())
    assert data["summary"]["skipped"] == 0 and data["summary"]["held_back"] == 3
    assert all(step["held_back"] for step in data["guides"][0]["steps"])
    held = ET.parse(junit).getroot().findall(".//skipped")
    assert [s.get("type") for s in held] == ["held-back"] * 3
    assert held[0].get("message", "").startswith("held back by --read-only: read-only mode")
    assert "### Held back by --read-only" in summary.read_text()
    assert "::notice" in output and "held back by --read-only: " in output


def test_read_only_that_verifies_a_read_passes_and_counts_what_it_held_back(
    tmp_path: Path
) -> None:
    guide = tmp_path / "mixed.md"
    guide.write_text(READ + "\n" + GUIDE.read_text().split("\n", 2)[2])
    report = tmp_path / "r.json"
    status, output = _invoke(str(guide), "--read-only", "--json", str(report))
    assert status == 0, output
    assert "1 passed, 0 failed, 0 errors, 0 skipped, 3 held back by --read-only" in output
    assert json.loads(report.read_text())["summary"]["held_back"] == 3


def test_a_k_expression_that_selects_nothing_exits_5() -> None:
    status, output = _invoke(str(GUIDE), "-k", "no-such-step")
    assert status == 5, output
    assert NO_RUN in output


def test_every_step_skipped_by_a_directive_exits_5(tmp_path: Path) -> None:
    guide = tmp_path / "skipped.md"
    guide.write_text(READ.replace("```bash", '<!-- verify: skip="not today" -->\n\n```bash'))
    status, output = _invoke(str(guide))
    assert status == 5, output
    assert "0 passed, 0 failed, 0 errors, 1 skipped" in output


def test_guides_without_any_step_pass(tmp_path: Path) -> None:
    # Index pages only: nothing was held back, deselected or skipped, so nothing is missing
    # (the acceptance suite's c17-index.md says the same).
    (tmp_path / "index.md").write_text("# Guides\n\nSee [the first](first.md).\n")
    status, output = _invoke(str(tmp_path / "index.md"))
    assert status == 0, output
    assert NO_RUN not in output


def test_a_k_expression_that_selects_a_guide_but_none_of_its_steps_exits_5(
    tmp_path: Path
) -> None:
    guide = tmp_path / "agents-only.md"
    guide.write_text(READ)
    status, output = _invoke(str(guide), "-k", "agents-only and not GET")
    assert status == 5, output


@pytest.mark.parametrize("extra", [[], ["-k", "agents"]])
def test_a_run_that_sent_steps_exits_as_before(extra: list[str]) -> None:
    status, output = _invoke(str(GUIDE), *extra)
    assert status == 0, output
    assert NO_RUN not in output
