"""A handful of acceptance guides through the pytest plugin: items, outcomes, lines, no secrets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


def _docs(pytester: pytest.Pytester, *names: str) -> None:
    docs = pytester.path / "docs"
    docs.mkdir()
    for name in names:
        shutil.copy(HERE / name, docs / Path(name).name)
    shutil.copytree(ROOT / "fixtures", pytester.path / "fixtures",
                    ignore=shutil.ignore_patterns("idp", "*.py", "*.yaml", "__pycache__"))
    # `requires=` runs fixtures from the repository root: the folder with a pyproject.toml.
    (pytester.path / "pyproject.toml").write_text('[project]\nname = "guides"\n')


def _line(name: str, marker: str) -> int:
    lines = (HERE / name).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if marker in line)


def test_clean_guides_pass(pytester: pytest.Pytester) -> None:
    _docs(pytester, "clean/c01-register-and-read.md", "clean/c09-introspect-revoke.md")
    result = pytester.runpytest_subprocess("docs", "-v", "-p", "no:cacheprovider")
    # c01: 2 steps; c09: the agent-token recipe's steps and 4 of its own.
    from runner.plan.planner import plan_guide

    recipe = plan_guide(HERE.parent.parent / "fixtures" / "agent-token.md")
    assert recipe.steps and not recipe.errors
    result.assert_outcomes(passed=2 + len(recipe.steps) + 4)
    line = _line("clean/c01-register-and-read.md", "curl -X POST")
    result.stdout.fnmatch_lines([f"*c01-register-and-read.md::POST /api/v1/agents (line {line})*"])


def test_drifted_guide_fails_at_its_line(pytester: pytest.Pytester) -> None:
    _docs(pytester, "drifted/d03-changed-value.md", "drifted/d01-status.md")
    result = pytester.runpytest_subprocess("docs", "-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=2, skipped=1)
    line = _line("drifted/d03-changed-value.md", '"deploymentEnv": "prod"')
    result.stdout.fnmatch_lines([f"*d03-changed-value.md:{line}*"])
    out = result.stdout.str()
    assert "Traceback" not in out
    assert "sk_live_" not in out.replace("sk_live_...", "")


def test_malformed_guide_is_reported_at_its_line(pytester: pytest.Pytester) -> None:
    _docs(pytester, "malformed/m03-unknown-flag.md")
    result = pytester.runpytest_subprocess("docs", "-p", "no:cacheprovider")
    assert result.ret != 0
    line = _line("malformed/m03-unknown-flag.md", "--frobnicate")
    result.stdout.fnmatch_lines([f"*m03-unknown-flag.md:{line}*--frobnicate*"])
    assert "Traceback" not in result.stdout.str()
