"""Every report shows every warning and every skip reason, and a warning changes no verdict.

A warning (a read a reader's shell could not make) fails nothing, so it is easy to drop
from a report that only lists failures; a skipped step's reason ("blocked by line 12") is
easy to drop from one that only counts. Each report format is checked for both.
"""

from __future__ import annotations

import dataclasses
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from runner.model.result import GuideResult, Problem, RunResult, StepResult
from runner.model.source import Source
from runner.report.github import escape_data, write_annotations, write_step_summary
from runner.report.json_report import to_json
from runner.report.junit import to_junit
from runner.report.render import summarize
from runner.report.terminal import write_terminal
from tests.report.samples import READER_WARNING, make_step, sample_result

GUIDE = "docs/guides/warned.md"


def _warning(marker: str, line: int) -> Problem:
    return Problem(message=f"$VAR_{marker} is not in a reader's shell", source=Source(GUIDE, line),
                   expected="a variable the reader's shell holds", actual=f"$VAR_{marker}",
                   severity="warning")


def warned_run() -> RunResult:
    """A warning on a passing, a failing and an erring step; a held-back and a skipped one."""
    passing = make_step(GUIDE, 10, "GET", "/api/v1/agents/me")
    failing = make_step(GUIDE, 20, "POST", "/api/v1/agents", code=201, response_line=25)
    erring = make_step(GUIDE, 30, "GET", "/api/v1/agents/$X")
    held = make_step(GUIDE, 40, "DELETE", "/api/v1/agents/$AGENT_ID")
    directive = make_step(GUIDE, 50, "GET", "/api/v1/agents", skip="an illustration")
    base = "http://localhost:3000"
    return RunResult(target="embedded", guides=(GuideResult(path=GUIDE, status="failed", steps=(
        StepResult(step=passing, status="passed", method="GET", url=f"{base}/me",
                   actual_status=200, problems=(_warning("PASSED", 11),)),
        StepResult(step=failing, status="failed", method="POST", url=f"{base}/agents",
                   actual_status=409,
                   problems=(Problem(message="status 409, expected 201",
                                     source=Source(GUIDE, 25), expected="201", actual="409"),
                             _warning("FAILED", 21))),
        StepResult(step=erring, status="error", method="GET", url=f"{base}/agents/$X",
                   reason="variable $X is not set", problems=(_warning("ERROR", 31),)),
        StepResult(step=held, status="skipped", method="DELETE", url=f"{base}/agents/$AGENT_ID",
                   reason="blocked by line 20"),
        StepResult(step=directive, status="skipped", method="GET", url=f"{base}/agents",
                   reason="an illustration"),
    )),))


MARKERS = {"PASSED": 11, "FAILED": 21, "ERROR": 31}
SKIPS = {40: "blocked by line 20", 50: "an illustration"}


def _terminal(result: RunResult, *, verbose: bool) -> str:
    stream = io.StringIO()
    write_terminal(result, stream, verbose=verbose, color=False)
    return stream.getvalue()


def _annotations(result: RunResult) -> list[str]:
    stream = io.StringIO()
    write_annotations(result, stream)
    return stream.getvalue().splitlines()


def _summary(result: RunResult, tmp_path: Path) -> str:
    target = tmp_path / "summary.md"
    write_step_summary(result, target)
    return target.read_text(encoding="utf-8")


# -- warnings ------------------------------------------------------------------------------


@pytest.mark.parametrize("verbose", [False, True])
def test_terminal_shows_every_warning_labelled_at_its_line(verbose: bool) -> None:
    text = _terminal(warned_run(), verbose=verbose)
    for marker, line in MARKERS.items():
        assert f"{GUIDE}:{line}: warning: $VAR_{marker} is not in a reader's shell" in text
    # Without -v a passing step is shown only for its warning, under its own PASS line.
    assert f"  PASS {GUIDE}:10 GET /api/v1/agents/me\n" in text


def test_terminal_summary_counts_warnings_only_when_there_are_some() -> None:
    assert _terminal(warned_run(), verbose=False).splitlines()[-1] == (
        "1 guide, 5 steps: 1 passed, 1 failed, 1 error, 2 skipped, 3 warnings"
    )
    quiet = RunResult(target="embedded", guides=(GuideResult(path=GUIDE, status="passed"),))
    assert "warning" not in _terminal(quiet, verbose=True)


def test_json_keeps_every_warning_with_its_severity_and_line() -> None:
    steps = to_json(warned_run())["guides"][0]["steps"]
    warnings = {(p["line"], p["message"]) for s in steps for p in s["problems"]
                if p["severity"] == "warning"}
    assert warnings == {(line, f"$VAR_{m} is not in a reader's shell")
                        for m, line in MARKERS.items()}
    # A warning changes no verdict: the passing step stays passed.
    assert [s["status"] for s in steps] == ["passed", "failed", "error", "skipped", "skipped"]


def test_junit_puts_warnings_in_the_output_and_fails_nothing_for_them() -> None:
    root = to_junit(warned_run())
    cases = {int(c.get("line", "0")): c for c in root.iter("testcase")}
    for marker, line in MARKERS.items():
        case = cases[line - 1]
        out = case.findtext("system-out") or ""
        assert f"{GUIDE}:{line}: warning: $VAR_{marker}" in out
        for verdict in case.findall("failure") + case.findall("error"):
            assert f"$VAR_{marker}" not in (verdict.text or "") + verdict.get("message", "")
    assert cases[10].find("failure") is None and cases[10].find("error") is None
    assert root.get("failures") == "1" and root.get("errors") == "1"


def test_github_annotates_each_warning_as_a_warning() -> None:
    lines = _annotations(warned_run())
    for marker, line in MARKERS.items():
        prefix = f"::warning file={GUIDE},line={line},"
        hits = [a for a in lines if a.startswith(prefix)]
        assert len(hits) == 1, lines
        assert escape_data(f"$VAR_{marker} is not in a reader's shell") in hits[0]


def test_step_summary_lists_every_warning(tmp_path: Path) -> None:
    text = _summary(warned_run(), tmp_path)
    warnings = text.split("### Warnings\n", 1)[1].split("###", 1)[0]
    for marker, line in MARKERS.items():
        assert f"`{GUIDE}:{line}`" in warnings and f"$VAR_{marker}" in warnings
    assert "3 warnings" in text.splitlines()[2]


def test_the_sample_warning_reaches_every_report(tmp_path: Path) -> None:
    result = sample_result()
    reports = {
        "terminal": _terminal(result, verbose=False),
        "json": json.dumps(to_json(result), ensure_ascii=False),
        "junit": ET.tostring(to_junit(result), encoding="unicode"),
        "annotations": "\n".join(_annotations(result)),
        "step summary": _summary(result, tmp_path),
    }
    wanted = {"terminal": READER_WARNING, "json": json.dumps(READER_WARNING,
                                                             ensure_ascii=False)[1:-1],
              "junit": READER_WARNING.replace("&", "&amp;"),
              "annotations": escape_data(READER_WARNING),
              "step summary": READER_WARNING.replace("|", "\\|")}
    for name, text in reports.items():
        assert wanted[name] in text, name


def test_a_warning_changes_no_exit_status() -> None:
    result = warned_run()
    guide = result.guides[0]
    bare = dataclasses.replace(guide, steps=tuple(
        dataclasses.replace(s, problems=tuple(p for p in s.problems if p.severity != "warning"))
        for s in guide.steps))
    assert result.exit_status == dataclasses.replace(result, guides=(bare,)).exit_status
    counts = summarize(result)
    assert (counts.passed, counts.failed, counts.errors, counts.warnings) == (1, 1, 1, 3)


# -- skip reasons --------------------------------------------------------------------------


def test_terminal_shows_every_skip_reason() -> None:
    text = _terminal(warned_run(), verbose=False)
    assert f"  SKIP {GUIDE}:40 DELETE /api/v1/agents/$AGENT_ID: blocked by line 20\n" in text
    assert f"  SKIP {GUIDE}:50 GET /api/v1/agents: an illustration\n" in text


def test_json_gives_every_skipped_step_its_reason() -> None:
    steps = to_json(warned_run())["guides"][0]["steps"]
    assert {s["line"]: s["reason"] for s in steps if s["status"] == "skipped"} == SKIPS


def test_junit_skipped_element_carries_the_reason() -> None:
    cases = {int(c.get("line", "0")): c for c in to_junit(warned_run()).iter("testcase")}
    for line, reason in SKIPS.items():
        skipped = cases[line].find("skipped")
        assert skipped is not None and skipped.get("message") == reason


def test_github_notices_a_step_held_back_and_summarises_every_skip(tmp_path: Path) -> None:
    lines = _annotations(warned_run())
    held = [a for a in lines if a.startswith(f"::notice file={GUIDE},line=40,")]
    assert len(held) == 1 and held[0].endswith("::skipped: blocked by line 20")
    # The writer's own skip directive is no news in a pull request: no annotation.
    assert not [a for a in lines if "line=50," in a]
    skipped = _summary(warned_run(), tmp_path).split("### Skipped\n", 1)[1]
    for line, reason in SKIPS.items():
        assert f"`{GUIDE}:{line}`" in skipped and reason in skipped
