"""`[tool.verify-docs]` and `fixtures/` are found from the guide's own folder upwards (then the
current folder's): a guide behaves the same whatever folder the shell is in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
LISTING = """```bash
curl -s http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"data": [], "total": 0, "page": 1, "limit": 20}
```
"""
USES_REPO_FIXTURE = """# Uses a fixture of this repository

<!-- verify: requires=registered-agent -->

```bash
curl -s http://localhost:3000/api/v1/agents/$AGENT_ID \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09", ...}
```
"""


def _checkout(tmp_path: Path, requires: str = "empty-list") -> Path:
    """Another project: its own settings (fixtures in `recipes/`) and a guide using one."""
    other = tmp_path / "other"
    (other / "recipes").mkdir(parents=True)
    (other / "docs").mkdir()
    (other / "pyproject.toml").write_text('[tool.verify-docs]\nfixtures = "recipes"\n')
    (other / "recipes" / "empty-list.md").write_text("# A recipe\n\n" + LISTING)
    guide = other / "docs" / "g.md"
    guide.write_text(f"# G\n\n<!-- verify: requires={requires} -->\n\n" + LISTING)
    return guide


def _run(*args: str) -> tuple[int, str]:
    outcome = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in outcome.output
    return outcome.exit_code, outcome.output


def test_a_guide_in_another_checkout_uses_that_checkouts_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = _checkout(tmp_path)
    report = tmp_path / "r.json"
    for folder in (ROOT, tmp_path, guide.parent):
        monkeypatch.chdir(folder)
        status, output = _run(str(guide), "--json", str(report))
        assert status == 0, (folder, output)
        steps = json.loads(report.read_text())["guides"][0]["steps"]
        assert steps[0]["path"].endswith("recipes/empty-list.md"), folder


def test_a_missing_fixture_says_where_it_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    guide = _checkout(tmp_path, requires="nowhere")
    monkeypatch.chdir(ROOT)
    status, output = _run(str(guide))
    assert status == 2, output
    looked = tmp_path / "other" / "recipes" / "nowhere.md"
    assert f"fixture 'nowhere' not found, expected {looked}" in output


def test_a_copy_in_a_folder_of_no_project_uses_the_current_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy.md"
    copy.write_text(USES_REPO_FIXTURE)
    monkeypatch.chdir(ROOT)
    status, output = _run(str(copy))
    assert status == 0, output


def test_a_repository_guide_finds_its_fixtures_from_any_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no pyproject.toml here or above
    # One of the repository's own guides that requires a fixture.
    status, output = _run(str(ROOT / "docs" / "developers" / "guides" /
                              "manage-credentials.md"))
    assert status == 0, output
    # A guide of no project, run from a folder of none: its fixture is looked for here.
    lost = tmp_path / "lost.md"
    lost.write_text(USES_REPO_FIXTURE)
    status, output = _run(str(lost))
    assert status == 2, output
    assert "fixture 'registered-agent' not found, expected fixtures/registered-agent.md" in output
