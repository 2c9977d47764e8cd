"""Sending one step's request: timeouts, same-origin redirects, bounded retries, a deadline."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from runner.errors import TargetError
from runner.retry import RetryPolicy
from runner.target import describe_fault

__all__ = ["Delivery", "Sender"]

log = logging.getLogger(__name__)

# Failures raised before a single byte of the request can have reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)


@dataclass(frozen=True, slots=True)
class Delivery:
    """The final response, how long it all took, and every retry on the way."""

    response: httpx.Response
    elapsed: float
    retries: tuple[str, ...]


class Sender:
    """Sends requests through one guide's client, retrying only what is safe to repeat."""

    def __init__(
        self,
        client: httpx.Client,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._policy = policy
        self._sleep = sleep
        self._clock = clock

    def send(
        self,
        request: httpx.Request,
        *,
        timeout: httpx.Timeout,
        follow_redirects: bool = False,
        max_redirects: int = 0,
    ) -> Delivery:
        """Send, retrying within the policy; raise TargetError when the target is at fault."""
        started = self._clock()
        retries: list[str] = []
        attempt = 1
        while True:
            try:
                response = self._send_once(request, timeout, follow_redirects, max_redirects)
            except httpx.HTTPError as exc:
                sent = not isinstance(exc, _NOT_SENT)
                wait = self._policy.wait_for_failure(request.method, sent=sent, attempt=attempt)
                if wait is None or not self._in_time(started, wait):
                    if retries:
                        raise TargetError(f"{describe_fault(str(request.url), exc).message} "
                                          f"after {len(retries) + 1} attempts") from None
                    raise describe_fault(str(request.url), exc) from None
                retries.append(f"attempt {attempt}: {type(exc).__name__}; "
                               f"retried after {wait:.1f} s")
            else:
                wait = self._policy.wait_for_status(
                    request.method, response.status_code, response.headers.get("retry-after"),
                    attempt)
                if wait is None or not self._in_time(started, wait):
                    return Delivery(response, self._clock() - started, tuple(retries))
                retries.append(f"attempt {attempt}: {response.status_code}; "
                               f"retried after {wait:.1f} s")
            log.info("retrying %s %s: %s", request.method, request.url, retries[-1])
            self._sleep(wait)
            attempt += 1

    def _in_time(self, started: float, wait: float) -> bool:
        return self._clock() - started + wait <= self._policy.deadline

    def _send_once(
        self, request: httpx.Request, timeout: httpx.Timeout, follow: bool, hops: int
    ) -> httpx.Response:
        request.extensions["timeout"] = timeout.as_dict()
        response = self._client.send(request)
        origin = (request.url.scheme, request.url.host, request.url.port)
        while follow and response.is_redirect and hops > 0:
            nxt = response.next_request
            # Redirects stay on the target's origin, so credentials never travel elsewhere.
            if nxt is None or (nxt.url.scheme, nxt.url.host, nxt.url.port) != origin:
                break
            hops -= 1
            nxt.extensions["timeout"] = timeout.as_dict()
            response = self._client.send(nxt)
        return response
