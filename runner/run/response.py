"""A response rebuilt with another body (the run tag taken out of what a shared target said)."""

from __future__ import annotations

import httpx

__all__ = ["with_body"]


def with_body(response: httpx.Response, content: bytes,
              request: httpx.Request) -> httpx.Response:
    """`response` with a new, already decoded body, its headers kept as received.

    Built with its `Content-Encoding` (gzip under `--compressed`), httpx would decode the
    plain bytes a second time and fail; the headers are what `-i` shows, so they stay.
    """
    if content == response.content and _request_of(response) is request:
        # Nothing to take out (most answers carry no run tag): it is that response already.
        return response
    plain = [(name, value) for name, value in response.headers.multi_items()
             if name.lower() != "content-encoding"]
    rebuilt = httpx.Response(response.status_code, headers=plain, content=content,
                             request=request, extensions=response.extensions)
    rebuilt.headers = response.headers
    return rebuilt


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a response built without one
        return None
