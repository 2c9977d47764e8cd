"""Whether the target still answers: one record shared by every guide of a run.

A target that refuses connections or never answers would otherwise cost each guide its own
timeouts and cleanup; once it has failed on consecutive attempts, the run stops sending.
"""

from __future__ import annotations

import threading

import httpx

__all__ = ["Reachability", "is_unreachable"]

# Consecutive attempts without an answer before the target counts as gone: one may be a
# lost packet, two in a row (across guides, retries included) is a pattern.
_LIMIT = 2


def is_unreachable(exc: BaseException) -> bool:
    """A failure that says nobody answers (refused, or a connect or read timeout); a dropped
    connection is not one: the server was there to drop it."""
    return isinstance(exc, httpx.ConnectError | httpx.TimeoutException)


class Reachability:
    """Consecutive attempts the target did not answer, and where that streak began."""

    def __init__(self, limit: int = _LIMIT) -> None:
        self._lock = threading.Lock()
        self._limit = limit
        self._failures = 0
        self._first: str | None = None
        self._since: str | None = None

    def answered(self) -> None:
        """Any HTTP answer, even a 503, shows the target is there."""
        with self._lock:
            self._failures, self._first, self._since = 0, None, None

    def failed(self, where: str | None) -> None:
        """An attempt ended unanswered; `where` is the step's `FILE:LINE`, if any."""
        with self._lock:
            self._failures += 1
            if self._first is None:
                self._first = where
            if self._failures >= self._limit and self._since is None:
                self._since = self._first or where or "the first request"

    @property
    def since(self) -> str | None:
        """`FILE:LINE` of the step where the target stopped answering, once it counts as gone."""
        with self._lock:
            return self._since
