"""The status comes first; the body is compared only when the status class is right."""

from __future__ import annotations

from dataclasses import replace

import pytest

from runner.match.response import match_response
from runner.match.unify import ExampleBook
from runner.model.source import Source
from runner.model.step import ExpectedStatus, expected_class, status_matches

from .builders import STATUS_LINE, response, step


@pytest.mark.parametrize(
    ("expected", "actual", "fits"),
    [
        (ExpectedStatus(201, "prose"), 201, True),
        (ExpectedStatus(201, "prose"), 200, False),
        (ExpectedStatus(None, "shape", status_class=4), 409, True),
        (ExpectedStatus(None, "shape", status_class=4), 200, False),
        (ExpectedStatus(None, "shape", status_class=2), 204, True),
        (ExpectedStatus(None, "default"), 200, True),
        (ExpectedStatus(None, "default"), 404, False),
    ],
)
def test_status_matches(expected: ExpectedStatus, actual: int, fits: bool) -> None:
    assert status_matches(expected, actual) is fits


def test_expected_class() -> None:
    assert expected_class(ExpectedStatus(409, "prose")) == 4
    assert expected_class(ExpectedStatus(None, "shape", status_class=4)) == 4
    assert expected_class(ExpectedStatus(None, "default")) == 2


AGENT = '{"agentId": "<id>", "email": "a@example.com"}'


def test_wrong_class_names_the_real_error_code_and_skips_the_body() -> None:
    real = response(409, {"code": "AGENT_ALREADY_EXISTS", "message": "taken"})
    problems = match_response(step(AGENT, code=201), real, ExampleBook())
    assert len(problems) == 1
    problem = problems[0]
    assert problem.message == "expected status 201, got 409 AGENT_ALREADY_EXISTS: taken"
    assert (problem.expected, problem.actual) == ("201", "409 AGENT_ALREADY_EXISTS: taken")
    assert problem.source == Source("docs/guide.md", STATUS_LINE)
    assert problem.path is None


def test_oauth_error_is_named_too() -> None:
    real = response(401, {"error": "invalid_client", "error_description": "bad"})
    problems = match_response(step('{"access_token": "eyJ..."}', code=None, status_class=2),
                              real, ExampleBook())
    assert [p.message for p in problems] == [
        "expected a 2xx status, got 401 invalid_client: bad; the documented body is no error "
        "and no status is written"]


def test_wrong_class_without_error_body() -> None:
    problems = match_response(step(AGENT, code=201), response(500, text="boom"), ExampleBook())
    assert [p.message for p in problems] == ["expected status 201, got 500"]


def test_right_class_wrong_code_still_compares_the_body() -> None:
    real = response(200, {"agentId": "x", "email": "b@example.com"})
    problems = match_response(step(AGENT, code=201), real, ExampleBook())
    assert [p.path for p in problems] == [None, "$.email"]
    assert problems[0].message == "expected status 201, got 200"


def test_status_from_the_shape_of_an_error_body() -> None:
    documented = step('{"code": "AGENT_NOT_FOUND", "message": "No agent."}', code=None,
                      status_class=4)
    real = response(404, {"code": "AGENT_NOT_FOUND", "message": "Agent not found."})
    problems = match_response(documented, real, ExampleBook())
    assert [(p.path, p.severity) for p in problems] == [("$.message", "note")]


def test_step_without_documented_response_checks_only_the_status() -> None:
    documented = step(code=204, documented=False)
    assert match_response(documented, response(204), ExampleBook()) == []
    assert len(match_response(documented, response(200, {"a": 1}), ExampleBook())) == 1


def test_status_line_of_an_http_block_is_the_problem_line() -> None:
    documented = replace(step('{"a": 1}', kind="http"), expected=ExpectedStatus(201, "http"))
    problems = match_response(documented, response(400, {"code": "VALIDATION_ERROR"}),
                              ExampleBook())
    assert problems[0].source == Source("docs/guide.md", 10)


def test_a_status_problem_quotes_the_error_message_without_verbose() -> None:
    message = ("Content-Type must be application/json; the body was sent as "
               "application/x-www-form-urlencoded, which this endpoint does not read")
    real = response(400, {"code": "VALIDATION_ERROR", "message": message})
    problems = match_response(step(AGENT, code=201), real, ExampleBook())
    assert [p.message for p in problems] == [
        "expected status 201, got 400 VALIDATION_ERROR: Content-Type must be "
        "application/json…"]


@pytest.mark.parametrize(
    ("body", "got"),
    [
        ({"code": "AGENT_NOT_FOUND"}, "404 AGENT_NOT_FOUND"),
        ({"message": "No agent with this id."}, "404 No agent with this id"),
        ({"error": "invalid_grant", "error_description": "The code\nexpired."},
         "404 invalid_grant: The code expired"),
        ({"code": "", "message": "   "}, "404"),
        ({"code": 7, "detail": "x"}, "404"),
        (["not", "an", "object"], "404"),
        ({"code": "X", "message": "a" * 120}, "404 X: " + "a" * 80 + "…"),
        ({"code": "X", "message": "word " * 30}, "404 X: " + "word " * 15 + "word…"),
    ],
)
def test_what_a_status_problem_quotes(body: object, got: str) -> None:
    problems = match_response(step(AGENT, code=200), response(404, body), ExampleBook())
    assert [p.actual for p in problems] == [got]
