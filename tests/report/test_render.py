"""The shared renderer: problem text, details, truncation, escapes and the exported names."""

from __future__ import annotations

import runner.report as report
import runner.report.github as github
import runner.report.json_report as json_report
import runner.report.junit as junit
import runner.report.render as render
import runner.report.terminal as terminal
import runner.secrets.masking as secrets
from runner.model.result import Exchange, Problem, StepResult
from runner.model.source import Source
from runner.report.github import escape_data, escape_property
from runner.report.render import (
    plain,
    problem_details,
    render_exchange,
    render_problem,
    render_problem_styled,
    step_problems,
    summarize,
)
from tests.report.samples import make_step, sample_result


def test_problem_reads_like_a_compiler() -> None:
    problem = Problem(message="value differs", source=Source("docs/a.md", 7), path="$.status",
                      expected='"active"', actual='"suspended"')
    assert render_problem(problem) == (
        'docs/a.md:7: value differs\n'
        '  at:       $.status\n'
        '  expected: "active"\n'
        '  actual:   "suspended"'
    )
    assert problem_details(problem) == render_problem(problem).split("\n")[1:]


def test_problem_without_a_line_takes_the_fallback() -> None:
    problem = Problem(message="extra key", path="$.x", severity="note")
    assert render_problem(problem, fallback=Source("docs/a.md", 3)) == (
        "docs/a.md:3: note: extra key\n  at:       $.x"
    )
    assert render_problem(problem) == "note: extra key\n  at:       $.x"


def test_styled_and_plain_agree() -> None:
    problem = Problem(message="m", source=Source("a.md", 1), expected="1\n2", actual="1\n3")
    styled = render_problem_styled(problem)
    assert plain(styled) == render_problem(problem)
    assert any(style == "green" for _, style in styled)
    assert any(style == "red" for _, style in styled)


def test_multiline_values_become_a_short_diff() -> None:
    expected = "\n".join(f"line {n}" for n in range(40))
    actual = "\n".join(f"line {n}" if n % 2 else f"LINE {n}" for n in range(40))
    text = render_problem(Problem(message="body", expected=expected, actual=actual))
    assert "diff:     -expected +actual" in text
    assert "-line 0" in text and "+LINE 0" in text
    assert "more lines)" in text
    assert len(text.splitlines()) < 25


def test_long_values_are_clipped() -> None:
    text = render_problem(Problem(message="m", expected="x" * 1000, actual="y"))
    assert "x" * 240 + "… (760 more characters)" in text


def test_exchange_bodies_are_truncated() -> None:
    exchange = Exchange(method="GET", url="http://h/x", request_headers=(), request_body="",
                        status=200, response_body="\n".join(str(n) for n in range(100)))
    text = plain(render_exchange(exchange))
    assert "< 29" in text and "< 30\n" not in text
    assert text.endswith("< … (70 more lines)")


def test_error_reason_becomes_a_problem_once() -> None:
    step = make_step("docs/a.md", 5, "GET", "/x")
    result = StepResult(step=step, status="error", method="GET", url="u", reason="unbound $X")
    assert [p.message for p in step_problems(result)] == ["unbound $X"]
    same = StepResult(step=step, status="error", method="GET", url="u", reason="unbound $X",
                      problems=(Problem(message="unbound $X", source=Source("docs/a.md", 6)),))
    assert step_problems(same) == same.problems
    skipped = StepResult(step=step, status="skipped", method="GET", url="u", reason="blocked")
    assert step_problems(skipped) == ()


def test_summary_counts_add_up() -> None:
    summary = summarize(sample_result())
    assert summary.steps == summary.passed + summary.failed + summary.errors + summary.skipped
    assert summary.warnings == 1
    assert summary.line() == (
        "4 guides, 8 steps: 3 passed, 1 failed, 1 error, 3 skipped, 1 warning; 1 unreadable"
    )


def test_annotation_escapes() -> None:
    assert escape_data("50% a\r\nb: c, d") == "50%25 a%0D%0Ab: c, d"
    assert escape_property("a,b: 100%\n") == "a%2Cb%3A 100%25%0A"


def test_should_color_respects_no_color() -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    assert terminal.should_color(Tty(), {})  # type: ignore[arg-type]
    assert not terminal.should_color(Tty(), {"NO_COLOR": "1"})  # type: ignore[arg-type]


def test_progress_is_a_no_op_off_a_terminal() -> None:
    import io

    stream = io.StringIO()
    with terminal.Progress(3, stream=stream) as progress:
        progress.advance("docs/a.md")
    assert stream.getvalue() == ""


def test_exported_names() -> None:
    assert set(secrets.__all__) == {
        "MASK", "MIN_SECRET_LENGTH", "SECRET_NAME_PARTS", "SECRET_NAME_SUFFIXES", "Secret",
        "SecretSet",
        "is_secret_name", "is_secret_variable", "mask_headers", "mask_shapes",
    }
    assert set(report.__all__) == {
        "Progress", "to_json", "write_annotations", "write_json", "write_junit", "write_lint",
        "write_step_summary", "write_terminal",
    }
    assert set(terminal.__all__) == {"Progress", "should_color", "write_lint", "write_terminal"}
    assert set(json_report.__all__) == {"SCHEMA_VERSION", "to_json", "write_json"}
    assert set(junit.__all__) == {"to_junit", "write_junit"}
    assert set(github.__all__) == {
        "escape_data", "escape_property", "write_annotations", "write_step_summary",
    }
    for module in (secrets, report, terminal, json_report, junit, github, render):
        for name in module.__all__:
            assert hasattr(module, name), (module.__name__, name)
