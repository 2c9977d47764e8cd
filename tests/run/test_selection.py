"""`-k EXPR` picks steps with pytest's meaning: a step's words include its guide's path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.model.errors import DocError
from runner.model.step import Guide
from runner.plan.planner import plan_guide
from runner.run.selection import Selection

ROOT = Path(__file__).resolve().parents[2]
DEVELOPERS = ROOT / "docs" / "developers"


def _guide(name: str) -> Guide:
    guide = plan_guide(DEVELOPERS / name, display_path=f"docs/developers/{name}", root=ROOT)
    assert guide.errors == () and guide.steps
    return guide


def _picked(expression: str, guide: Guide) -> list[str]:
    selection = Selection.parse(expression)
    if not selection.wants_guide(guide):
        return []
    wanted = selection.step_filter(guide)
    return [step.name for step in guide.steps if wanted is None or wanted(step)]


def test_a_word_of_the_path_picks_every_step_of_the_guide() -> None:
    tokens = _guide("guides/issue-and-revoke-tokens.md")
    assert _picked("revoke", tokens) == [step.name for step in tokens.steps]
    assert Selection.parse("revoke").step_filter(tokens) is None


def test_not_drops_matching_steps_of_every_guide() -> None:
    audit = _guide("guides/query-audit-logs.md")
    writing = _guide("writing-executable-guides.md")  # one of its examples reads the log
    assert _picked("not audit", audit) == []
    kept = _picked("not audit", writing)
    assert kept and len(kept) < len(writing.steps)
    assert not any("audit" in name.lower() for name in kept)


def test_step_words_combine_with_and_or() -> None:
    tokens = _guide("guides/issue-and-revoke-tokens.md")
    assert set(_picked("POST and introspect", tokens)) == {"POST /api/v1/token/introspect"}
    assert _picked("introspect or nothing-like-this", tokens) == _picked("introspect", tokens)


def test_a_bad_expression_is_a_command_line_error() -> None:
    with pytest.raises(DocError, match="-k: cannot read expression"):
        Selection.parse("audit and (")
    outcome = CliRunner().invoke(cli, ["docs/", "-k", "audit and ("])
    assert outcome.exit_code == 2 and "Traceback" not in outcome.output


def test_the_cli_runs_only_the_selected_steps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                              ) -> None:
    monkeypatch.chdir(ROOT)
    report = tmp_path / "r.json"
    outcome = CliRunner().invoke(cli, ["docs/developers/", "-k", "not audit",
                                       "--json", str(report)])
    assert outcome.exit_code == 0, outcome.output
    guides = json.loads(report.read_text())["guides"]
    paths = [guide["path"] for guide in guides]
    assert paths and not any("audit" in path for path in paths)
    names = [step["name"] for guide in guides for step in guide["steps"]]
    assert names and not any("audit" in name.lower() for name in names)


def test_lint_plans_and_counts_only_the_selected_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    tokens = _guide("guides/issue-and-revoke-tokens.md")
    picked = _picked("introspect", tokens)
    assert 0 < len(picked) < len(tokens.steps)
    whole = CliRunner().invoke(cli, ["--lint", "-v", "docs/developers/guides/"
                                     "issue-and-revoke-tokens.md"])
    narrow = CliRunner().invoke(cli, ["--lint", "-v", "-k", "introspect",
                                      "docs/developers/guides/issue-and-revoke-tokens.md"])
    assert whole.exit_code == narrow.exit_code == 0, narrow.output
    assert f"{len(tokens.steps)} steps:" in whole.output
    count = len(picked)
    assert f"1 guide, {count} step{'' if count == 1 else 's'}:" in narrow.output, narrow.output
    planned = [line for line in narrow.output.splitlines() if line.startswith("  ")]
    assert len(planned) == count and all("introspect" in line for line in planned), planned
