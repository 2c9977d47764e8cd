"""Small Steps and real responses for the match tests."""

from __future__ import annotations

from typing import Any, Literal

import httpx

from runner.model.source import Source
from runner.model.step import DocumentedResponse, ExpectedStatus, Step

__all__ = ["GUIDE", "STATUS_LINE", "response", "step"]

GUIDE = "docs/guide.md"
STATUS_LINE = 5
"""Where the prose says the status."""
RESPONSE_LINE = 10


def step(
    body: str = "",
    *,
    code: int | None = 200,
    status_class: int | None = None,
    kind: Literal["json", "http", "console", "text"] = "json",
    headers: tuple[tuple[str, str], ...] = (),
    body_line: int | None = None,
    documented: bool = True,
    **options: Any,
) -> Step:
    """A step whose documented response body starts at line 10 (json) or after its headers."""
    source = Source(GUIDE, RESPONSE_LINE)
    if body_line is None:
        body_line = RESPONSE_LINE + (1 + len(headers) + 1 if kind == "http" else 0)
    response = DocumentedResponse(kind, body, source, body_line, headers=headers)
    origin: Literal["prose", "shape"] = "prose" if code is not None else "shape"
    return Step(
        name="POST /api/v1/agents",
        source=Source(GUIDE, 3),
        method="POST",
        url="http://localhost:3000/api/v1/agents",
        expected=ExpectedStatus(code, origin, Source(GUIDE, STATUS_LINE), status_class),
        response=response if documented else None,
        **options,
    )


def response(status: int = 200, json: Any = None, *, text: str | None = None,
             headers: dict[str, str] | None = None) -> httpx.Response:
    """A real response as the target would give it."""
    if text is not None:
        return httpx.Response(status, text=text, headers=headers)
    if json is None:
        return httpx.Response(status, headers=headers)
    return httpx.Response(status, json=json, headers=headers)
