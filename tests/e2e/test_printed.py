"""What a reader sees is what is compared: `-o`, `-i`, `-I`, `-f` guides through the CLI.

Each `printed-*.md` guide runs against the embedded IdP; a documented response the command
as written could never print fails at its line and says why, and what it does print is
compared like any response.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner.cli import cli

GUIDES = Path(__file__).parent / "guides"


def _line_of(path: Path, needle: str) -> int:
    """The 1-based line of the first line containing `needle` (tests name text, not numbers)."""
    hits = [i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    assert hits, f"{needle!r} not in {path.name}"
    return hits[0]


def _run(tmp_path: Path, guide: Path) -> tuple[int, dict[str, Any], str]:
    report = tmp_path / "report.json"
    outcome = CliRunner().invoke(cli, [str(guide), "--json", str(report)])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome.exit_code, json.loads(report.read_text()), outcome.output


@pytest.mark.parametrize("name", [
    "printed-output-file",  # -o FILE (a json block, `$ cat FILE`), -o /dev/null -w
    "printed-fail-error-line",  # -sSf and --fail-with-body show what curl prints for a 404
    "printed-include",  # -i: status line, headers and body
    "printed-head",  # -I: status line and headers
])
def test_what_the_command_prints_passes(tmp_path: Path, name: str) -> None:
    code, report, output = _run(tmp_path, GUIDES / f"{name}.md")
    assert code == 0, output
    steps = report["guides"][0]["steps"]
    assert steps and all(step["status"] == "passed" for step in steps), steps


# guide, the text on the line the failure points at, words its message must hold
FAILS = [
    ("printed-output-file-wrong", '"email": "someone-else@myproject.ai"',
     ["someone-else@myproject.ai", "saved@myproject.ai"]),
    ("printed-fail-body", '"code": "AGENT_NOT_FOUND"',
     ["`curl -f` prints no body for 404; drop `-f` or the body"]),
    ("printed-head-body", '{"status": "ok"}',
     ["`curl -I` prints only the headers; drop the body or `-I`"]),
    ("printed-discarded-body", '{"status": "ok"}',
     ["`curl -o /dev/null` prints no body; drop the body or `-o /dev/null`"]),
    ("printed-include-drift", "Content-Type: text/plain", ["text/plain", "application/json"]),
]


@pytest.mark.parametrize(("name", "marker", "words"), FAILS, ids=[f[0] for f in FAILS])
def test_what_the_command_cannot_print_fails_at_its_line(
    tmp_path: Path, name: str, marker: str, words: list[str]
) -> None:
    guide = GUIDES / f"{name}.md"
    code, report, output = _run(tmp_path, guide)
    assert code == 1, output
    failed = [s for s in report["guides"][0]["steps"] if s["status"] == "failed"]
    assert len(failed) == 1, report
    failures = [p for p in failed[0]["problems"] if p["severity"] == "failure"]
    assert _line_of(guide, marker) in {p["line"] for p in failures}, failures
    text = " ".join(f"{p['message']} {p['expected']} {p['actual']}" for p in failures)
    for word in words:
        assert word in text, (word, failures)


def test_a_wrong_body_after_o_file_is_compared_key_by_key(tmp_path: Path) -> None:
    _, report, _ = _run(tmp_path, GUIDES / "printed-output-file-wrong.md")
    (step,) = [s for s in report["guides"][0]["steps"] if s["status"] == "failed"]
    assert {p["path"] for p in step["problems"] if p["severity"] == "failure"} == {
        "$.email", "$.state"}
