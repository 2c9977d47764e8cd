"""When a request may be sent again on a flaky target, and how long to wait first."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace

__all__ = ["SAFE_METHODS", "RetryPolicy"]

# Methods that change nothing on the server: repeating them cannot apply anything twice.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded, jittered retries; a request that may have been applied is never resent."""

    attempts: int = 4
    """Tries in all, the first included (1 turns retries off)."""
    backoff: float = 0.5
    """The first wait for a 5xx or a dropped connection, doubled each time, jittered."""
    max_wait: float = 10.0
    """The longest single wait, `Retry-After` included."""
    deadline: float = 60.0
    """Seconds a step may take, retries and waits included."""
    insist: bool = False
    """Cleanup's patience: honour any `Retry-After` that fits the deadline (its budget), knock
    again after `max_wait` when a longer one does not, and back off on every 5xx.

    Only for cleanup, where leaving an agent behind is worse than knocking early: a 429 was
    not applied, so an early retry can cost another 429, never a second agent.
    """

    def for_cleanup(self, budget: float = 120.0) -> RetryPolicy:
        """The policy a guide's cleanup uses: its own budget (not the step deadline), more
        attempts, insisting past long waits."""
        return replace(self, attempts=max(12, 2 * self.attempts), insist=True, deadline=budget)

    def wait_for_status(
        self, method: str, status: int, retry_after: str | None, attempt: int,
        *, idempotent: bool = False,
    ) -> float | None:
        """Seconds to wait before trying again after `status`, or None to stop here.

        `idempotent` marks a request whose repetition changes nothing more than its first
        sending (the cleanup's DELETE: a second one answers 409), so it may be resent.
        """
        if attempt >= self.attempts:
            return None
        if status == 429:
            # A 429 means the server refused the request without applying it.
            return self._retry_after(retry_after, attempt)
        retryable = status in RETRYABLE_STATUSES or (self.insist and status >= 500)
        if retryable and (idempotent or method in SAFE_METHODS):
            return self._backoff(attempt)
        return None

    def wait_for_failure(
        self, method: str, *, sent: bool, attempt: int, idempotent: bool = False
    ) -> float | None:
        """After a transport failure: resend only what cannot have been applied."""
        if attempt >= self.attempts:
            return None
        if not sent or idempotent or method in SAFE_METHODS:
            return self._backoff(attempt)
        return None

    def _backoff(self, attempt: int) -> float:
        base = self.backoff * (2 ** (attempt - 1))
        jittered: float = base * random.uniform(0.5, 1.5)
        return min(self.max_wait, jittered)

    def _retry_after(self, value: str | None, attempt: int) -> float | None:
        if value is None:
            return self._backoff(attempt)
        try:
            seconds = float(value)
        except ValueError:
            # An HTTP date, or garbage: wait as for any other refusal.
            return self._backoff(attempt)
        if seconds != seconds:  # NaN
            return self._backoff(attempt)
        # Waiting longer than the bound would blow the step's deadline: stop instead.
        if seconds <= self.max_wait or (self.insist and seconds <= self.deadline):
            return max(0.0, seconds)
        return self.max_wait if self.insist else None
