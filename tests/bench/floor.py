"""The floor: the same requests sent by a bare httpx loop, with no parsing and no matching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from fixtures.idp import IdP
from tests.bench.generate import FloorRequest

__all__ = ["CURL_HEADERS", "FloorRun", "run_floor"]

CURL_HEADERS = (("User-Agent", "curl/7.88.1"), ("Accept", "*/*"))
"""What curl adds to every request, so the floor sends what the runner sends (and no more:
requests are built whole and sent with `Client.send`, which adds no client defaults)."""


@dataclass(frozen=True, slots=True)
class FloorRun:
    """What the floor did: how many requests, and how many got the documented status."""

    requests: int
    as_documented: int


def _dig(body: Any, path: tuple[str | int, ...]) -> str:
    for key in path:
        body = body[key]
    return str(body)


def run_floor(guides: Sequence[Sequence[FloorRequest]]) -> FloorRun:
    """Send every guide's requests in order, each guide to a fresh IdP with no rate limit."""
    statuses: list[tuple[int, int]] = []
    for requests in guides:
        idp = IdP(rate_limit=0)
        values = {"BOOTSTRAP_TOKEN": idp.bootstrap_token}
        with httpx.Client(transport=idp.transport) as client:
            for request in requests:
                headers = [*CURL_HEADERS,
                           *((name, value.substitute(values)) for name, value in request.headers)]
                response = client.send(httpx.Request(
                    request.method,
                    request.url.substitute(values),
                    headers=headers,
                    content=None if request.body is None else request.body.substitute(values),
                ))
                statuses.append((request.expected, response.status_code))
                if request.binds:
                    # Reading back the ids later requests need: the least a client must parse.
                    body = response.json()
                    for name, path in request.binds:
                        values[name] = _dig(body, path)
    # Counted after the loop, so the loop itself compares nothing.
    return FloorRun(len(statuses), sum(expected == real for expected, real in statuses))
