"""JSON nested deeper than Python recurses: a clear verdict at the line, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import runner.run.guide
from runner.cli import cli

REQUEST = """\
# Deep

```bash
curl -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" --json '{body}'
```

It returns `400 Bad Request`.
"""


def _run(tmp_path: Path, text: str) -> tuple[int, str, dict[str, Any]]:
    guide, report = tmp_path / "deep.md", tmp_path / "r.json"
    guide.write_text(text)
    outcome = CliRunner().invoke(cli, [str(guide), "--json", str(report)])
    assert "Traceback" not in outcome.output
    return outcome.exit_code, outcome.output, json.loads(report.read_text())


@pytest.mark.parametrize("depth", [500, 1000, 5000])
def test_a_deeply_nested_request_body_is_sent_and_judged(tmp_path: Path, depth: int) -> None:
    code, output, report = _run(tmp_path, REQUEST.format(body="[" * depth + "]" * depth))
    assert code == 0, output
    assert report["guides"][0]["steps"][0]["actual_status"] == 400


def test_deeply_nested_documented_json_is_a_doc_error_at_its_line(tmp_path: Path) -> None:
    text = REQUEST.format(body="{}") + "\n```json\n" + "[" * 300 + "]" * 300 + "\n```\n"
    code, output, report = _run(tmp_path, text)
    assert code == 2, output
    [(line, message)] = [(e["line"], e["message"]) for e in report["guides"][0]["errors"]]
    assert line == 11 and "at most 100 levels of nesting" in message


def test_a_step_python_cannot_walk_is_an_error_and_the_guide_goes_on_reporting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A real response nested past Python's limit reaches matching: the step errs, no crash.
    def too_deep(*_: object, **__: object) -> list[object]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(runner.run.guide, "compare_response", too_deep)
    code, output, report = _run(tmp_path, REQUEST.format(body="{}"))
    assert code == 2, output
    [step] = report["guides"][0]["steps"]
    assert step["status"] == "error" and "nested too deeply" in step["problems"][0]["message"]
