"""Headers: documented ones must be there with their value; volatile and transport ones aside."""

from __future__ import annotations

import pytest

from runner.match.response import match_response
from runner.match.unify import ExampleBook

from .builders import response, step

REAL = {
    "Content-Type": "application/json; charset=utf-8",
    "Cache-Control": "no-store",
    "X-RateLimit-Limit": "100",
    "X-RateLimit-Remaining": "97",
    "X-RateLimit-Reset": "1764273600",
    "Retry-After": "42",
    "Location": "/api/v1/agents/0f0f0f0f-1111-4222-8333-444455556666",
    "X-Request-Id": "0f0f0f0f-1111-4222-8333-444455556666",
}


def _paths(headers: tuple[tuple[str, str], ...]) -> list[str | None]:
    documented = step('{"a": 1}', kind="http", headers=headers)
    problems = match_response(documented, response(200, {"a": 1}, headers=REAL), ExampleBook())
    return [problem.path for problem in problems]


@pytest.mark.parametrize(
    ("headers", "paths"),
    [
        ((("Content-Type", "application/json"),), []),
        ((("content-type", "Application/JSON"),), []),
        ((("Content-Type", "text/plain"),), ["header Content-Type"]),
        ((("Cache-Control", "no-store"),), []),
        ((("cache-control", "no-cache"),), ["header cache-control"]),
        ((("X-RateLimit-Limit", "100"),), []),
        ((("X-RateLimit-Limit", "60"),), ["header X-RateLimit-Limit"]),
        ((("X-RateLimit-Remaining", "99"), ("X-RateLimit-Reset", "1700000000")), []),
        ((("Retry-After", "60"),), []),
        ((("Pragma", "no-cache"),), ["header Pragma"]),
        ((("Date", "Mon, 01 Jan 2026 00:00:00 GMT"), ("Content-Length", "9"),
          ("Connection", "keep-alive"), ("Transfer-Encoding", "chunked")), []),
        ((("X-Request-Id", "a3f7c821-4b1e-4c2a-9f3d-1e2b3c4d5e6f"),), []),
        ((("X-Request-Id", "<request-id>"),), []),
        ((("Location", "/api/v1/agents/..."),), []),
        ((("Location", "/api/v2/..."),), ["header Location"]),
    ],
)
def test_documented_headers(headers: tuple[tuple[str, str], ...], paths: list[str]) -> None:
    assert _paths(headers) == paths


def test_non_numeric_rate_limit_value_fails() -> None:
    documented = step('{"a": 1}', kind="http", headers=(("Retry-After", "60"),))
    real = response(200, {"a": 1}, headers={"Retry-After": "soon"})
    assert [p.path for p in match_response(documented, real, ExampleBook())] == [
        "header Retry-After"
    ]


def test_header_problem_lines_and_messages() -> None:
    headers = (("Content-Type", "application/json"), ("Pragma", "no-cache"),
               ("Cache-Control", "private"))
    documented = step('{"a": 1}', kind="http", headers=headers)
    problems = match_response(documented, response(200, {"a": 1}, headers=REAL), ExampleBook())
    assert [(p.source.line if p.source else None, p.message, p.expected, p.actual)
            for p in problems] == [
        (12, "header Pragma is documented but missing from the response", "no-cache",
         "missing"),
        (13, "header Cache-Control is no-store, the guide shows private", "private",
         "no-store"),
    ]


def test_headers_are_not_compared_when_the_status_class_is_wrong() -> None:
    documented = step('{"a": 1}', kind="http", headers=(("Pragma", "no-cache"),))
    problems = match_response(documented, response(400, {"code": "X"}), ExampleBook())
    assert [p.path for p in problems] == [None]
