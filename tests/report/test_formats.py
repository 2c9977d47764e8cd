"""Every report format of one hand-built run, compared with golden files."""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from runner.report.github import write_annotations, write_step_summary
from runner.report.json_report import to_json, write_json
from runner.report.junit import write_junit
from runner.report.terminal import write_lint, write_terminal
from tests.report.samples import check_golden, sample_guides, sample_result

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _terminal(*, verbose: bool, color: bool) -> str:
    stream = io.StringIO()
    write_terminal(sample_result(), stream, verbose=verbose, color=color)
    return stream.getvalue()


def test_terminal_plain() -> None:
    check_golden("terminal.txt", _terminal(verbose=False, color=False))


def test_terminal_verbose() -> None:
    check_golden("terminal-verbose.txt", _terminal(verbose=True, color=False))


def test_colour_is_the_plain_text_styled() -> None:
    for verbose in (False, True):
        coloured = _terminal(verbose=verbose, color=True)
        assert ANSI.search(coloured)
        assert ANSI.sub("", coloured) == _terminal(verbose=verbose, color=False)


def test_terminal_shows_control_characters_instead_of_sending_them() -> None:
    text = _terminal(verbose=True, color=False)
    assert "\x1b" not in text and "\x00" not in text
    assert "upstream down\\x1b[2J\\x00" in text


def test_lint() -> None:
    stream = io.StringIO()
    write_lint(sample_guides(), stream, verbose=False)
    check_golden("lint.txt", stream.getvalue())


def test_lint_verbose_shows_the_plan() -> None:
    stream = io.StringIO()
    write_lint(sample_guides(), stream, verbose=True)
    check_golden("lint-verbose.txt", stream.getvalue())


def test_json(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    write_json(sample_result(), target)
    text = target.read_text(encoding="utf-8")
    check_golden("report.json", text)
    assert json.loads(text) == to_json(sample_result())


def test_json_follows_the_schema() -> None:
    data = to_json(sample_result())
    assert set(data) == {"version", "target", "summary", "guides", "cleanup", "leftovers"}
    assert set(data["cleanup"]) == {"decommissioned", "left", "kept"}
    assert data["cleanup"]["left"] == len(data["leftovers"])
    for leftover in data["leftovers"]:
        assert set(leftover) == {"path", "agentId", "tag", "last_answer"}
    assert data["version"] == 1
    assert set(data["summary"]) == {"guides", "steps", "passed", "failed", "errors", "skipped"}
    summary = data["summary"]
    assert summary["steps"] == sum(summary[k] for k in ("passed", "failed", "errors", "skipped"))
    step_keys = {"name", "line", "response_line", "method", "url", "status",
                 "expected_status", "actual_status", "problems"}
    problem_keys = {"line", "path", "expected", "actual", "message", "severity"}
    for guide in data["guides"]:
        # `cleanup` is the one optional guide key (staging runs that created agents).
        assert set(guide) - {"cleanup"} == {"path", "status", "steps", "errors"}
        assert guide["status"] in {"passed", "failed", "error", "skipped"}
        for error in guide["errors"]:
            assert set(error) == {"line", "message"}
        for step in guide["steps"]:
            # Only a step from another file (a fixture) names its own path; `reason` (why it
            # was skipped) and `retries` appear only when there is something to say.
            assert set(step) - {"path", "reason", "retries"} == step_keys
            assert ("reason" in step) == (step["status"] == "skipped")
            assert ("path" in step) == (step.get("path", guide["path"]) != guide["path"])
            for problem in step["problems"]:
                assert set(problem) == problem_keys
                assert problem["severity"] in {"failure", "warning", "note"}
                assert isinstance(problem["line"], int)


def test_json_fixture_step_names_its_file() -> None:
    agents = to_json(sample_result())["guides"][1]
    assert agents["steps"][0]["path"] == "fixtures/agent.md"
    assert "path" not in agents["steps"][1]


def test_json_message_is_the_problem_message() -> None:
    result = sample_result()
    data = to_json(result)
    for guide, guide_data in zip(result.guides, data["guides"], strict=True):
        for step, step_data in zip(guide.steps, guide_data["steps"], strict=True):
            messages = [p["message"] for p in step_data["problems"]]
            assert [p.message for p in step.problems] == [
                m for m in messages if m != step.reason
            ]


def test_junit(tmp_path: Path) -> None:
    target = tmp_path / "junit.xml"
    write_junit(sample_result(), target)
    text = target.read_text(encoding="utf-8")
    check_golden("junit.xml", text)
    root = ET.fromstring(text.encode("utf-8"))
    suites = root.findall("testsuite")
    # One suite per guide, then the agents cleanup left behind (one error each).
    assert [s.get("name") for s in suites] == [g.path for g in sample_result().guides] + [
        "cleanup"]
    cases = root.findall(".//testcase")
    assert "POST /api/v1/agents (line 12)" in {c.get("name") for c in cases}
    assert len(root.findall(".//failure")) == 1
    assert len(root.findall(".//skipped")) == 3
    # Three errors: the unreadable guide, the target fault and the agent left behind.
    assert len(root.findall(".//error")) == 3


def test_annotations() -> None:
    stream = io.StringIO()
    write_annotations(sample_result(), stream)
    check_golden("annotations.txt", stream.getvalue())


def test_step_summary_appends(tmp_path: Path) -> None:
    target = tmp_path / "summary.md"
    target.write_text("earlier step\n", encoding="utf-8")
    write_step_summary(sample_result(), target)
    text = target.read_text(encoding="utf-8")
    assert text.startswith("earlier step\n")
    check_golden("step-summary.md", text.removeprefix("earlier step\n"))
