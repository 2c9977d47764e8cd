"""An `http` fence -> a request (`POST /api/v1/token HTTP/1.1`) or a documented response."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from runner.model import DocError, DocumentedResponse, HttpRequest, Source
from runner.translate.shell.script import UnboundVariable

__all__ = [
    "fill_template",
    "http_variables",
    "is_status_line",
    "parse_http",
    "parse_http_request",
    "parse_http_response",
    "template_variables",
]

_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# `$NAME`, `${NAME}`, `${NAME:-default}` and, in http blocks, `{{NAME}}` (spaces allowed).
_VARIABLE = re.compile(
    r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}"
    r"|\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-[^}]*)?\}"
    r"|\$([A-Za-z_][A-Za-z0-9_]*)"
)
_TOKEN_CHARS = frozenset(
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
)


def is_status_line(text: str) -> bool:
    """True when the block's first non-blank line is a status line (`HTTP/1.1 201 Created`)."""
    for line in text.split("\n"):
        if line.strip():
            return line.lstrip().startswith("HTTP/")
    return False


def _lines(text: str, source: Source) -> list[tuple[str, int]]:
    """The block's lines with their numbers, leading blank lines and trailing newline dropped."""
    numbered = [(line.rstrip("\r"), source.line + i) for i, line in enumerate(text.split("\n"))]
    while numbered and not numbered[0][0].strip():
        numbered.pop(0)
    while numbered and not numbered[-1][0].strip():
        numbered.pop()
    return numbered


def _headers_and_body(
    lines: list[tuple[str, int]], source: Source
) -> tuple[tuple[tuple[str, str], ...], str, int]:
    """Header lines up to the first blank line, then the body and the line it starts on."""
    headers: list[tuple[str, str]] = []
    index = 0
    while index < len(lines):
        line, number = lines[index]
        if not line.strip():
            break
        name, colon, value = line.partition(":")
        if not colon or not name or not set(name) <= _TOKEN_CHARS:
            raise DocError(
                f"expected a header 'Name: value' or a blank line before the body, got {line!r}",
                source.at(number),
            )
        headers.append((name, value.strip()))
        index += 1
    body_lines = lines[index + 1 :]
    if body_lines:
        body_line = body_lines[0][1]
    elif index < len(lines):
        body_line = lines[index][1] + 1
    else:
        body_line = (lines[-1][1] + 1) if lines else source.line
    body = "\n".join(line for line, _ in body_lines)
    return tuple(headers), body, body_line


def parse_http_request(text: str, source: Source) -> HttpRequest:
    """`METHOD TARGET [HTTP/x]`, headers, a blank line and the body; `source` is line one."""
    lines = _lines(text, source)
    if not lines:
        raise DocError(
            "empty http block, expected a request line like 'GET /api/v1/agents'", source
        )
    first, number = lines[0]
    words = first.split()
    if len(words) not in (2, 3) or (len(words) == 3 and not words[2].startswith("HTTP/")):
        raise DocError(
            f"expected a request line 'METHOD /path HTTP/1.1', got {first.strip()!r}",
            source.at(number),
        )
    method, target = words[0], words[1]
    if method not in _METHODS:
        expected = ", ".join(_METHODS)
        hint = f", did you mean '{method.upper()}'?" if method.upper() in _METHODS else ""
        raise DocError(
            f"unknown HTTP method '{method}', expected one of {expected}{hint}",
            source.at(number),
        )
    if not target.startswith(("/", "http://", "https://", "$", "{{")):
        raise DocError(
            f"expected a request target starting with '/' or 'http://', got '{target}'",
            source.at(number),
        )
    headers, body, _ = _headers_and_body(lines[1:], source)
    return HttpRequest(
        method=method, target=target, headers=headers, body=body, source=source.at(number)
    )


def parse_http_response(text: str, source: Source) -> DocumentedResponse:
    """`HTTP/1.1 201 Created`, headers, a blank line and the body; `source` is line one."""
    lines = _lines(text, source)
    if not lines:
        raise DocError("empty http block, expected a status line like 'HTTP/1.1 200 OK'", source)
    first, number = lines[0]
    words = first.split()
    version = words[0] if words else ""
    code = words[1] if len(words) > 1 else ""
    if not version.startswith("HTTP/") or not (
        code.isascii() and code.isdigit() and len(code) == 3 and 100 <= int(code) <= 599
    ):
        raise DocError(
            f"expected a status line 'HTTP/1.1 200 OK', got {first.strip()!r}",
            source.at(number),
        )
    headers, body, body_line = _headers_and_body(lines[1:], source)
    return DocumentedResponse(
        kind="http",
        body=body,
        source=source.at(number),
        body_line=body_line,
        status=int(code),
        headers=headers,
    )


def parse_http(text: str, source: Source) -> HttpRequest | DocumentedResponse:
    """An http block: a response when it starts with `HTTP/`, else a request."""
    if is_status_line(text):
        return parse_http_response(text, source)
    return parse_http_request(text, source)


def template_variables(text: str) -> Iterator[tuple[str, int, bool]]:
    """Every `$NAME`, `${NAME}` or `{{NAME}}` in text: (name, offset, has a default)."""
    for match in _VARIABLE.finditer(text):
        name = match.group(1) or match.group(2) or match.group(4)
        yield name, match.start(), match.group(3) is not None


def fill_template(text: str, variables: Mapping[str, str], source: Source) -> str:
    """Replace every variable reference as template_variables finds them.

    `${NAME:-x}` uses `x` when NAME is unset or empty, `${NAME-x}` only when unset, as in
    the shell; any other unknown NAME raises UnboundVariable.
    """

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2) or match.group(4)
        default = match.group(3)
        if default is not None:
            fallback = default.removeprefix(":")[1:]
            current = variables.get(name)
            if current is None or (default.startswith(":") and current == ""):
                return fallback
            return current
        if name not in variables:
            raise UnboundVariable(name, source)
        return variables[name]

    return _VARIABLE.sub(value, text)


def http_variables(request: HttpRequest) -> list[tuple[str, Source, bool]]:
    """The variables an http request reads, each at its line: (name, where, has a default)."""
    found: list[tuple[str, Source, bool]] = []
    line = request.source.line
    texts = [request.method + " " + request.target]
    texts += [f"{name}: {value}" for name, value in request.headers]
    for offset, text in enumerate(texts):
        for name, _, default in template_variables(text):
            found.append((name, request.source.at(line + offset), default))
    body_start = line + len(texts) + 1
    for name, position, default in template_variables(request.body):
        at = body_start + request.body.count("\n", 0, position)
        found.append((name, request.source.at(at), default))
    return found
