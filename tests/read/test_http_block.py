"""http_block: an `http` fence -> a request or a documented response, errors at their line."""

from __future__ import annotations

import pytest

from runner.model.errors import DocError
from runner.model.source import Source
from runner.model.step import DocumentedResponse, HttpRequest
from runner.translate.http_block import http_variables, parse_http, parse_http_request

AT = Source("g.md", 10)


def test_request_with_headers_and_body() -> None:
    text = (
        "POST /api/v1/token HTTP/1.1\n"
        "Host: localhost:3000\n"
        "Content-Type: application/x-www-form-urlencoded\n"
        "\n"
        "grant_type=client_credentials\n"
    )
    request = parse_http(text, AT)
    assert request == HttpRequest(
        method="POST",
        target="/api/v1/token",
        headers=(
            ("Host", "localhost:3000"),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ),
        body="grant_type=client_credentials",
        source=Source("g.md", 10),
    )


def test_request_with_a_full_url_and_no_version() -> None:
    request = parse_http("\nGET http://localhost:3000/api/v1/agents\n", AT)
    assert isinstance(request, HttpRequest)
    assert (request.method, request.target, request.source.line) == (
        "GET", "http://localhost:3000/api/v1/agents", 11
    )
    assert request.headers == () and request.body == ""


def test_response_status_headers_and_body_lines() -> None:
    text = 'HTTP/1.1 201 Created\nContent-Type: application/json\n\n{\n  "a": 1\n}\n'
    response = parse_http(text, AT)
    assert response == DocumentedResponse(
        kind="http",
        body='{\n  "a": 1\n}',
        source=Source("g.md", 10),
        body_line=13,
        status=201,
        headers=(("Content-Type", "application/json"),),
    )


def test_response_without_body() -> None:
    response = parse_http("HTTP/2 204\n", AT)
    assert isinstance(response, DocumentedResponse)
    assert (response.status, response.body, response.headers) == (204, "", ())


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("post /api/v1/token\n", 10,
         "unknown HTTP method 'post', expected one of GET, POST, PUT, PATCH, DELETE, HEAD, "
         "OPTIONS, did you mean 'POST'?"),
        ("FETCH /x\n", 10,
         "unknown HTTP method 'FETCH', expected one of GET, POST, PUT, PATCH, DELETE, HEAD, "
         "OPTIONS"),
        ("GET\n", 10, "expected a request line 'METHOD /path HTTP/1.1', got 'GET'"),
        ("GET api/v1 HTTP/1.1\n", 10,
         "expected a request target starting with '/' or 'http://', got 'api/v1'"),
        ("GET /x\nAccept application/json\n", 11,
         "expected a header 'Name: value' or a blank line before the body, got "
         "'Accept application/json'"),
        ("HTTP/1.1 OK\n", 10, "expected a status line 'HTTP/1.1 200 OK', got 'HTTP/1.1 OK'"),
        ("HTTP/1.1 200 OK\nX-A: 1\nbroken\n", 12,
         "expected a header 'Name: value' or a blank line before the body, got 'broken'"),
        ("", 10, "empty http block, expected a request line like 'GET /api/v1/agents'"),
    ],
)
def test_errors_at_their_line(text: str, line: int, message: str) -> None:
    with pytest.raises(DocError) as caught:
        parse_http(text, AT)
    assert (caught.value.source, caught.value.message) == (Source("g.md", line), message)


def test_variables_at_their_lines() -> None:
    text = (
        "PATCH {{BASE_URL}}/agents/$AGENT_ID HTTP/1.1\n"
        "Authorization: Bearer {{ TOKEN }}\n"
        "\n"
        '{"owner": "${OWNER:-me}",\n'
        ' "x": "${X}"}\n'
    )
    request = parse_http_request(text, AT)
    assert [(name, where.line, default) for name, where, default in http_variables(request)] == [
        ("BASE_URL", 10, False),
        ("AGENT_ID", 10, False),
        ("TOKEN", 11, False),
        ("OWNER", 13, True),
        ("X", 14, False),
    ]
