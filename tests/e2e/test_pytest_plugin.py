"""`pytest docs/` through the pytest11 plugin: one item per step, at its Markdown line."""

from __future__ import annotations

from pathlib import Path

import pytest

GUIDES = Path(__file__).parent / "guides"


def _docs(pytester: pytest.Pytester, *names: str) -> None:
    docs = pytester.path / "docs"
    docs.mkdir()
    for name in names:
        (docs / name).write_text((GUIDES / name).read_text())


def test_clean_guide_items_pass(pytester: pytest.Pytester) -> None:
    _docs(pytester, "clean-register.md")
    result = pytester.runpytest_subprocess("docs", "-v", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*clean-register.md::POST /api/v1/agents (line *) PASSED*"])


def test_drifted_guide_fails_at_its_line_and_blocks_the_rest(pytester: pytest.Pytester) -> None:
    # The registration answered another 2xx than documented: what follows is held back.
    _docs(pytester, "drift-status.md")
    result = pytester.runpytest_subprocess("docs", "-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, skipped=2)
    result.stdout.fnmatch_lines(["*drift-status.md:*", "*201*", "*blocked by line*"])
    assert "runner/" not in result.stdout.str()


def test_a_body_drift_holds_nothing_back(pytester: pytest.Pytester) -> None:
    # Created as documented, one value drifted: the later steps still run, and pass.
    _docs(pytester, "drift-changed-value.md")
    result = pytester.runpytest_subprocess("docs", "-rs", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1, passed=2)
    result.stdout.fnmatch_lines(["*drift-changed-value.md:*", "*pending*"])


def test_works_under_xdist_loadfile(pytester: pytest.Pytester) -> None:
    _docs(pytester, "clean-register.md", "drift-status.md")
    result = pytester.runpytest_subprocess("docs", "-n", "2", "--dist", "loadfile",
                                           "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, failed=1, skipped=2)


def test_markdown_outside_docs_is_not_collected(pytester: pytest.Pytester) -> None:
    (pytester.path / "notes.md").write_text((GUIDES / "drift-status.md").read_text())
    pytester.makepyfile(test_nothing="def test_ok():\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


ROOT = Path(__file__).resolve().parents[2]
REQUIRING = """\
# Uses a recipe

<!-- verify: requires=registered-agent -->

```bash
curl http://localhost:3000/api/v1/agents/$AGENT_ID \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09", "status": "active", ...}
```
"""


@pytest.mark.parametrize("pyproject", [None, '[tool.verify-docs]\nfixtures = "recipes"\n'])
def test_the_plugin_reads_the_project_settings_as_the_cli_does(
    pytester: pytest.Pytester, pyproject: str | None
) -> None:
    # The recipe folder comes from [tool.verify-docs], or is `fixtures/` at the rootdir.
    recipes = pytester.path / ("fixtures" if pyproject is None else "recipes")
    recipes.mkdir()
    recipe = (ROOT / "fixtures" / "registered-agent.md").read_text()
    (recipes / "registered-agent.md").write_text(recipe)
    if pyproject is not None:
        (pytester.path / "pyproject.toml").write_text(pyproject)
    (pytester.path / "docs").mkdir()
    (pytester.path / "docs" / "uses-recipe.md").write_text(REQUIRING)
    result = pytester.runpytest_subprocess("docs", "-v", "-p", "no:cacheprovider")
    steps = recipe.count("```bash")
    result.assert_outcomes(passed=steps + 1)
    result.stdout.fnmatch_lines(["*uses-recipe.md::GET /api/v1/agents/* (line 6) PASSED*"])


def test_a_read_only_the_runner_could_make_is_a_pytest_warning(pytester: pytest.Pytester) -> None:
    # clean-register.md reads $AGENT_ID, which only the registration's answer binds.
    _docs(pytester, "clean-register.md")
    result = pytester.runpytest_subprocess("docs", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=3, warnings=1)
    result.stdout.fnmatch_lines(["*ReaderWarning*clean-register.md:*$AGENT_ID is not in a "
                                 "reader's shell*"])
