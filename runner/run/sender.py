"""Sending one step's request: timeouts, same-origin redirects, bounded retries, a deadline."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import h11
import httpx

from runner.model import DocError, TargetError
from runner.run.reach import Reachability, is_unreachable
from runner.run.retry import RetryPolicy
from runner.run.target import describe_fault
from runner.translate.curl import Redirects, next_request

__all__ = ["Delivery", "Sender"]

log = logging.getLogger(__name__)

# Failures raised before a single byte of the request can have reached the server.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout)
# Never shorten an attempt below this, even at the very end of a step's deadline.
_LEAST_TIMEOUT = 0.5


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
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
        cancel: threading.Event | None = None,
        reach: Reachability | None = None,
    ) -> None:
        """`reach` is the run's record of whether the target answers: every attempt updates
        it, and once the target counts as gone nothing is retried. `cancel`, once set, ends
        a wait between retries with KeyboardInterrupt (the run was interrupted: a worker
        thread must not sit out a long `Retry-After` first).
        `sleep` and `clock` replace real time (the embedded IdP's clock is moved on instead
        of waited for)."""
        self._client = client
        self._policy = policy
        self._sleep = sleep
        self._clock = clock
        self._cancel = cancel
        self._reach = reach

    def send(
        self,
        request: httpx.Request,
        *,
        timeout: httpx.Timeout,
        redirects: Redirects | None = None,
        idempotent: bool = False,
        expected_status: int | None = None,
        where: str | None = None,
    ) -> Delivery:
        """Send, retrying within the policy; raise TargetError when the target is at fault.

        A 429 is the target's refusal, not an answer: when the policy stops retrying it (too
        many, or a `Retry-After` beyond the bound), the step meets a target fault, unless the
        guide documents that very 429 (`expected_status`), which is then returned at once.
        `where` (the step's `FILE:LINE`) says where the target stopped answering, if it did.
        """
        started = self._clock()
        retries: list[str] = []
        ever_sent = False
        attempt = 1
        while True:
            try:
                response = self._send_once(request, self._limited(timeout, started),
                                           redirects)
            except httpx.HTTPError as exc:
                sent = not isinstance(exc, _NOT_SENT)
                ever_sent = ever_sent or sent
                if self._reach is not None and is_unreachable(exc):
                    self._reach.failed(where)
                wait = self._policy.wait_for_failure(request.method, sent=sent, attempt=attempt,
                                                     idempotent=idempotent)
                if wait is None or not self._in_time(started, wait) or self._gone():
                    fault = self._fault(describe_fault(str(request.url), exc).message, retries)
                    fault.unreached = not ever_sent
                    raise fault from None
                retries.append(f"attempt {attempt}: {type(exc).__name__}; "
                               f"retried after {wait:.1f} s")
            else:
                ever_sent = True
                if self._reach is not None:
                    self._reach.answered()
                status = response.status_code
                if status == expected_status:
                    return Delivery(response, self._clock() - started, tuple(retries))
                wait = self._policy.wait_for_status(
                    request.method, status, response.headers.get("retry-after"), attempt,
                    idempotent=idempotent)
                if wait is None or not self._in_time(started, wait):
                    if status == 429:
                        response.close()
                        why = self._why_stopped(response, attempt, wait)
                        raise self._fault(f"target {request.url} answered 429 Too Many "
                                          f"Requests ({why})", retries)
                    return Delivery(response, self._clock() - started, tuple(retries))
                retries.append(f"attempt {attempt}: {status}; retried after {wait:.1f} s")
                response.close()
            # Where, not the URL: a log line is written at once, before the run has learned
            # every secret a URL may carry.
            log.info("retrying %s at %s: %s", request.method, where, retries[-1])
            self._wait(wait)
            attempt += 1

    def _gone(self) -> bool:
        """The target no longer answers (this guide's attempts or another's): stop retrying."""
        return self._reach is not None and self._reach.since is not None

    def _wait(self, seconds: float) -> None:
        if self._cancel is not None and self._cancel.is_set():
            raise KeyboardInterrupt
        if self._sleep is not None:
            self._sleep(seconds)
        elif self._cancel is None:
            time.sleep(seconds)
        elif self._cancel.wait(seconds):
            raise KeyboardInterrupt

    def _in_time(self, started: float, wait: float) -> bool:
        return self._clock() - started + wait <= self._policy.deadline

    def _limited(self, timeout: httpx.Timeout, started: float) -> httpx.Timeout:
        """The request's timeout, cut so that no attempt outlives the step's deadline."""
        left = max(_LEAST_TIMEOUT, self._policy.deadline - (self._clock() - started))

        def cut(value: float | None) -> float:
            return left if value is None else min(value, left)

        return httpx.Timeout(connect=cut(timeout.connect), read=cut(timeout.read),
                             write=cut(timeout.write), pool=cut(timeout.pool))

    def _why_stopped(self, response: httpx.Response, attempt: int, wait: float | None) -> str:
        if attempt >= self._policy.attempts:
            return "no attempt left"
        if wait is None:
            value = response.headers.get("retry-after")
            return f"Retry-After {value} s is beyond the {self._policy.max_wait:g} s bound"
        return f"waiting {wait:.1f} s more would pass the {self._policy.deadline:g} s deadline"

    @staticmethod
    def _fault(message: str, retries: list[str]) -> TargetError:
        if not retries:
            return TargetError(message)
        return TargetError(f"{message}, after {len(retries) + 1} attempts "
                           f"({'; '.join(retries)})")

    def _send_once(
        self, request: httpx.Request, timeout: httpx.Timeout, redirects: Redirects | None
    ) -> httpx.Response:
        request.extensions["timeout"] = timeout.as_dict()
        try:
            response = self._client.send(request)
        except h11.LocalProtocolError as exc:
            # h11 refuses to put this request on the wire (a written Content-Length the
            # body does not have, say): the request's fault, not the target's.
            raise DocError(f"the request cannot be sent as written: {exc}") from None
        origin = (request.url.scheme, request.url.host, request.url.port)
        hops = redirects.max_hops if redirects is not None else 0
        while redirects is not None and response.is_redirect and hops > 0:
            nxt = next_request(request, response, redirects)
            # Redirects stay on the target's origin, so credentials never travel elsewhere.
            if nxt is None or (nxt.url.scheme, nxt.url.host, nxt.url.port) != origin:
                break
            hops -= 1
            nxt.extensions["timeout"] = timeout.as_dict()
            response.close()
            request, response = nxt, self._client.send(nxt)
        return response

