"""`fixtures` in `[tool.verify-docs]` names the folder `requires=` recipes come from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli

RECIPE = """# A recipe

```bash
curl -s http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"data": [], "total": 0, "page": 1, "limit": 20}
```
"""


def test_requires_reads_the_configured_fixtures_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.verify-docs]\nfixtures = "recipes"\n')
    (tmp_path / "recipes").mkdir()
    (tmp_path / "recipes" / "empty-list.md").write_text(RECIPE)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "g.md").write_text("# G\n\n<!-- verify: requires=empty-list -->\n\n"
                                            + RECIPE.split("\n", 2)[2])
    monkeypatch.chdir(tmp_path)
    outcome = CliRunner().invoke(cli, ["docs", "--json", "r.json"])
    assert outcome.exit_code == 0, outcome.output
    steps = json.loads((tmp_path / "r.json").read_text())["guides"][0]["steps"]
    assert [s.get("path") for s in steps] == ["recipes/empty-list.md", None]


def test_a_configured_documented_origin_is_accepted_literally_and_others_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.verify-docs]\ndocumented-origin = "https://api.sentryagent.ai"\n')
    (tmp_path / "docs").mkdir()
    guide = RECIPE.replace("http://localhost:3000", "https://api.sentryagent.ai")
    (tmp_path / "docs" / "g.md").write_text(guide)
    (tmp_path / "docs" / "old.md").write_text(RECIPE)
    monkeypatch.chdir(tmp_path)
    ran = CliRunner().invoke(cli, ["docs/g.md"])
    assert ran.exit_code == 0, ran.output
    refused = CliRunner().invoke(cli, ["--lint", "docs/old.md"])
    assert refused.exit_code == 2
    assert "docs/old.md:4: request to http://localhost:3000 refused" in refused.output
    assert "https://api.sentryagent.ai" in refused.output
