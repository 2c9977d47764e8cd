"""A documented response against what the command as written prints for the real answer.

Steps are planned from small guides (so the options are read as the planner reads them) and
matched against real answers; which parts curl prints is judged against the real curl in
tests/translate/test_curl_printed.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from runner.match.response import match_response
from runner.match.unify import ExampleBook
from runner.model.errors import DocError
from runner.model.result import Problem
from runner.model.step import Step
from runner.plan.planner import plan_text

from .builders import response

URL = "http://localhost:3000/api/v1/agents/a-1"
ERROR_404 = "curl: (22) The requested URL returned error: 404"
MISSING = {"code": "AGENT_NOT_FOUND", "message": "No agent with this id."}


def _step(text: str) -> Step:
    guide = plan_text(text, "g.md")
    assert not guide.errors, guide.errors
    (step,) = guide.steps
    return step


def _console(command: str, *output: str) -> Step:
    return _step("```console\n$ " + command + "\n" + "".join(line + "\n" for line in output)
                 + "```\n")


def _bash(command: str, documented: str) -> Step:
    return _step(f"```bash\n{command}\n```\n\n```json\n{documented}\n```\n")


def _failures(step: Step, status: int, body: Any = None) -> list[Problem]:
    real = response(status, body)
    real.request = httpx.Request(step.method, URL)  # `-w '%{method}'` reads it
    return [p for p in match_response(step, real, ExampleBook()) if p.severity == "failure"]


def test_the_error_line_is_the_documented_status() -> None:
    step = _console(f"curl -sSf {URL}", ERROR_404)
    assert step.response is not None
    assert (step.response.error_line, step.response.error_line_at) == (ERROR_404, 3)
    assert step.response.body.strip() == ""
    assert step.expected.code == 404
    assert _failures(step, 404, MISSING) == []


def test_the_error_line_before_the_body_of_fail_with_body() -> None:
    step = _console(f"curl -sS --fail-with-body {URL}", ERROR_404,
                    '{"code": "AGENT_NOT_FOUND", "message": "No such agent."}')
    assert step.response is not None
    assert (step.response.kind, step.response.body_line) == ("json", 4)
    assert _failures(step, 404, MISSING) == []
    drifted = _failures(step, 404, {"code": "NOT_FOUND", "message": "x"})
    assert [p.path for p in drifted] == ["$.code"]


def test_the_error_line_between_the_body_and_the_write_out_text() -> None:
    # On a terminal a body ending in a newline is flushed before the error line, and the
    # `-w` text comes after it.
    step = _console(f"curl -sS --fail-with-body -w '%{{http_code}}\\n' {URL}",
                    '{"code": "AGENT_NOT_FOUND"}', ERROR_404, "404")
    assert step.response is not None
    printed = step.response.printed
    assert (step.response.error_line, printed and printed.strip()) == (ERROR_404, "404")
    assert _failures(step, 404, MISSING) == []


@pytest.mark.parametrize(("command", "message"), [
    (f"curl -sf {URL}", "`curl -s` hides the error line; write `-sS` to show it, or drop the "
                        "line"),
    (f"curl -sS {URL}", "curl without `-f` prints the 404 answer, not an error line; add `-f` "
                        "or drop the line"),
])
def test_an_error_line_curl_does_not_print(command: str, message: str) -> None:
    (problem,) = _failures(_console(command, ERROR_404), 404, MISSING)
    assert (problem.message, problem.source.line) == (message, 3)
    assert (problem.expected, problem.actual) == (ERROR_404, "no error line")


def test_an_error_line_in_another_wording_is_compared() -> None:
    step = _console(f"curl -sSf {URL}", ERROR_404 + " Not Found")
    assert step.expected.code == 404
    (problem,) = _failures(step, 404, MISSING)
    assert problem.message == "curl 7.88 prints another error line"
    assert problem.actual == ERROR_404


@pytest.mark.parametrize(("command", "message"), [
    (f"curl -s -f {URL}", "`curl -f` prints no body for 404; drop `-f` or the body"),
    (f"curl -sSf -o agent.json {URL}",
     "`curl -f` prints no body for 404 and writes no agent.json; drop `-f` or the body"),
    (f"curl -sI {URL}", "`curl -I` prints only the headers; drop the body or `-I`"),
    (f"curl -s -o /dev/null {URL}",
     "`curl -o /dev/null` prints no body; drop the body or `-o /dev/null`"),
])
def test_a_body_the_command_never_prints(command: str, message: str) -> None:
    step = _bash(command, '{"code": "AGENT_NOT_FOUND"}')
    problems = _failures(step, 404, MISSING)
    assert [(p.message, p.source.line, p.path) for p in problems] == [(message, 6, None)]


def test_what_f_prints_says_so() -> None:
    step = _bash(f"curl -sSf {URL}", '{"code": "AGENT_NOT_FOUND"}')
    (problem,) = _failures(step, 404, MISSING)
    assert (problem.expected, problem.actual) == ("a body", ERROR_404)


def test_f_prints_the_body_of_a_success_and_it_is_compared() -> None:
    step = _bash(f"curl -sf {URL}", '{"agentId": "a-1"}')
    assert _failures(step, 200, {"agentId": "a-1"}) == []
    assert [p.path for p in _failures(step, 200, {"agentId": "b-2"})] == ["$.agentId"]


def test_the_body_after_o_file_is_the_file_and_is_compared() -> None:
    step = _bash(f"curl -s -o agent.json {URL}", '{"agentId": "a-1", "status": "active"}')
    assert _failures(step, 200, {"agentId": "a-1", "status": "active"}) == []
    wrong = _failures(step, 200, {"agentId": "a-1", "status": "disabled"})
    assert [p.path for p in wrong] == ["$.status"]


def test_a_transcript_under_o_file_shows_nothing_of_the_body() -> None:
    step = _console(f"curl -s -o agent.json {URL}", '{"agentId": "a-1"}')
    (problem,) = _failures(step, 200, {"agentId": "a-1"})
    assert problem.message == ("`curl -o agent.json` prints no body: it writes it to "
                               "agent.json; show it under `$ cat agent.json`, or drop "
                               "`-o agent.json`")


@pytest.mark.parametrize("cat", ["cat agent.json", "cat agent.json | jq ."])
def test_cat_file_after_o_file_shows_the_body_and_it_is_compared(cat: str) -> None:
    text = (f"```console\n$ curl -s -o agent.json {URL}\n$ {cat}\n"
            '{"agentId": "a-1", "status": "active"}\n```\n')
    step = _step(text)
    assert step.response is not None and step.response.source.line == 4
    assert _failures(step, 200, {"agentId": "a-1", "status": "active"}) == []
    wrong = _failures(step, 200, {"agentId": "a-1", "status": "disabled"})
    assert [(p.path, p.source.line) for p in wrong] == [("$.status", 4)]


def test_cat_of_another_file_shows_nothing_of_this_answer() -> None:
    text = (f"```console\n$ curl -s -o agent.json {URL}\n$ cat other.json\n"
            '{"agentId": "b-2"}\n```\n')
    step = _step(text)
    assert step.response is None


def test_a_transcript_may_show_the_meter_while_the_body_goes_to_the_file() -> None:
    step = _console(
        f"curl -o agent.json {URL}",
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current",
        "                                 Dload  Upload   Total   Spent    Left  Speed",
        "100    38  100    38    0     0   7653      0 --:--:-- --:--:-- --:--:--  9500")
    assert _failures(step, 200, {"agentId": "a-1"}) == []


def test_a_transcript_shows_headers_only_with_i() -> None:
    output = ("HTTP/1.1 200 OK", "Content-Type: application/json", "", '{"agentId": "a-1"}')
    assert _failures(_console(f"curl -si {URL}", *output), 200, {"agentId": "a-1"}) == []
    (problem,) = _failures(_console(f"curl -s {URL}", *output), 200, {"agentId": "a-1"})
    assert problem.message.startswith("curl prints no status line or headers without `-i`")
    assert problem.source.line == 3


def test_i_with_f_prints_the_headers_of_a_failure() -> None:
    step = _console(f"curl -sSif {URL}", "HTTP/1.1 404 Not Found",
                    "Content-Type: application/json", "", ERROR_404)
    assert step.response is not None and step.response.error_line == ERROR_404
    assert _failures(step, 404, MISSING) == []


def test_an_http_block_documents_the_answer_whatever_curl_prints() -> None:
    # An `http` block after the command documents the answer (its status and headers),
    # as the design's format says; only its body must be something curl prints.
    step = _step(f"```bash\ncurl -s {URL}\n```\n\n```http\nHTTP/1.1 200 OK\n"
                 "Content-Type: application/json\n\n{\"agentId\": \"a-1\"}\n```\n")
    assert _failures(step, 200, {"agentId": "a-1"}) == []


def test_a_jq_filter_that_cannot_be_applied_is_an_error() -> None:
    step = _bash(f"curl -s {URL} | jq '$.data[*]'", '"a-1"')
    with pytest.raises(DocError) as caught:
        match_response(step, response(200, {"data": [{"id": "a-1"}]}), ExampleBook())
    assert caught.value.message.startswith("jq filter `$.data[*]` cannot be applied")


def test_printing_is_read_when_the_request_waits_for_its_variables() -> None:
    # `-d @$PAYLOAD` names a file only the run knows: the plan falls back to the words, and
    # still knows how the command prints.
    step = _step("```bash\nexport PAYLOAD=body.json\n"
                 "curl -sSf -o out.json -d @$PAYLOAD http://localhost:3000/x\n```\n")
    assert step.printing is not None
    assert (step.printing.fail, step.printing.output, step.printing.show_error) == (
        "fail", "out.json", True)


def test_a_bare_number_under_o_file_is_no_meter() -> None:
    step = _console(f"curl -o agent.json {URL}", "42")
    (problem,) = _failures(step, 200, {"agentId": "a-1"})
    assert problem.message.startswith("`curl -o agent.json` prints no body")


def test_a_body_after_i_is_said_besides_a_wrong_status() -> None:
    step = _bash(f"curl -sI {URL}", '{"agentId": "a-1"}')
    problems = _failures(step, 405, {"code": "METHOD_NOT_ALLOWED", "message": "Use GET."})
    assert [p.message for p in problems] == [
        "expected a 2xx status, got 405 METHOD_NOT_ALLOWED: Use GET; no status is written for "
        "this request (no directive, status line or status phrase near it)",
        "`curl -I` prints only the headers; drop the body or `-I`"]


def test_f_says_nothing_more_when_the_status_is_not_the_documented_one() -> None:
    step = _bash(f"curl -sf {URL}", '{"agentId": "a-1"}')
    assert [p.message for p in _failures(step, 404, MISSING)] == [
        "expected a 2xx status, got 404 AGENT_NOT_FOUND: No agent with this id; no status is "
        "written for this request (no directive, status line or status phrase near it)"]
