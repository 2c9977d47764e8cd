"""What failed steps really answered, made safe for `--update` when their guide ends.

A failed step's real answer is kept only until its guide ends: by then the guide's example
book knows every documented example each real value was bound to, and the run's secret set
every secret the guide learned. Only then is it turned into an `Observed`, in which no real
secret, no run tag and no real dynamic value is left: each stands as the documented example
it was bound to (so a guide keeps its examples, and a value documented further down keeps
its own), or else as a plausible example of its shape, the same one for the same real value
throughout the guide (so that the next run unifies them again).
"""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import httpx

from runner.match import ExampleBook, shown_json
from runner.model import Observed, Problem, Step, StepResult
from runner.run.isolation import Isolation
from runner.secrets import SecretSet, is_secret_name, mask_headers
from runner.translate.shape_forms import is_jwt_start
from runner.translate.shapes import Shape, shape_of

__all__ = ["Observer", "plausible_example"]

_EXAMPLE_TIME = "20250115093000"
"""The digits a made-up timestamp is written with (2025-01-15 09:30:00), then zeros."""
_EXAMPLE_UNIX = 1736933400


@dataclass(frozen=True, slots=True)
class _Seen:
    """A failed step's real answer, as received (kept private to the guide's run)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    is_json: bool
    body: Any
    text: str
    body_problems: tuple[Problem, ...] | None


class Observer:
    """Keeps the real answers of one guide's failed steps until the guide ends."""

    def __init__(self, seed: str) -> None:
        self._seen: dict[int, _Seen] = {}
        self._seed = seed

    def record(self, step: Step, response: httpx.Response,
               body_problems: tuple[Problem, ...] | None = None) -> None:
        """Keep a failed step's answer (`response` already without run tags)."""
        is_json, body = shown_json(step, response)
        self._seen[id(step)] = _Seen(response.status_code, tuple(response.headers.multi_items()),
                                     is_json, body, response.text, body_problems)

    def finish(self, results: Iterable[StepResult], book: ExampleBook, secrets: SecretSet,
               isolation: Isolation | None) -> list[StepResult]:
        """The results, each failed one with its answer as `--update` may write it."""
        examples = _Examples(book, self._seed)
        done = []
        for result in results:
            seen = self._seen.get(id(result.step))
            if seen is None or result.status != "failed":
                done.append(result)
                continue
            done.append(replace(result, observed=_observed(seen, examples, secrets, isolation)))
        return done


def _observed(seen: _Seen, examples: _Examples, secrets: SecretSet,
              isolation: Isolation | None) -> Observed:
    def untagged(text: str) -> str:
        return isolation.inbound_text(text) if isolation is not None else text

    headers = tuple((name, untagged(value))
                    for name, value in mask_headers(seen.headers, secrets))
    text: str | None = untagged(seen.text)
    if text is not None and secrets.mask(text) != text:
        text = None
    body = _safe(seen.body, None, examples, secrets) if seen.is_json else None
    problems = seen.body_problems
    if problems is not None:
        problems = tuple(replace(p, message=secrets.mask(p.message),
                                 expected=None if p.expected is None else secrets.mask(p.expected),
                                 actual=None if p.actual is None else secrets.mask(p.actual))
                         for p in problems)
    return Observed(status=seen.status, headers=headers, is_json=seen.is_json, body=body,
                    text=text, body_problems=problems)


def _safe(value: Any, key: str | None, examples: _Examples, secrets: SecretSet) -> Any:
    """A real JSON value with every secret and dynamic value replaced by an example."""
    if isinstance(value, dict):
        return {name: _safe(item, str(name), examples, secrets) for name, item in value.items()}
    if isinstance(value, list):
        return [_safe(item, key, examples, secrets) for item in value]
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return value
    if isinstance(value, int):
        return examples.example(value, "unix_timestamp", key) \
            if shape_of(value) == "unix_timestamp" else value
    if not isinstance(value, str):
        return value
    shape = shape_of(value)
    secret = secrets.mask(value) != value or (key is not None and is_secret_name(key))
    if shape is None and not secret:
        return value
    return examples.example(value, shape, key)


class _Examples:
    """Real dynamic values -> the examples written for them, one per value in a guide."""

    def __init__(self, book: ExampleBook, seed: str) -> None:
        self._bound: dict[str, str] = {}
        for binding in book.bindings():
            # The first documented example of a value is the one a reader met first.
            self._bound.setdefault(binding.real, binding.example + "..." if binding.is_prefix
                                   else binding.example)
        self._made: dict[str | int, str | int] = {}
        self._seed = seed
        self._first_time: int | None = None

    def _unix(self, real: int) -> int:
        # Made-up times keep their distances (`exp` an hour after `iat`): a time is no secret.
        if self._first_time is None:
            self._first_time = real
        return _EXAMPLE_UNIX + real - self._first_time

    def example(self, real: str | int, shape: Shape | None, key: str | None) -> str | int:
        if isinstance(real, str) and real in self._bound:
            return self._bound[real]
        if isinstance(real, int):
            return self._unix(real)
        if real not in self._made:
            self._made[real] = plausible_example(shape, real, f"{self._seed}:{len(self._made)}",
                                                 key)
        return self._made[real]


def plausible_example(shape: Shape | None, real: str | int, seed: str,
                      key: str | None = None) -> str | int:
    """A made-up value of the shape and form of `real`, never `real` itself.

    Tokens and secrets are written shortened to their kind (`sk_live_...`, a JWT's header
    start), which says no more than their kind; identifiers and timestamps whole, made from
    `seed`; a secret of no known shape as a `<placeholder>` named after its key.
    """
    digest = hashlib.sha256(seed.encode()).digest()
    if shape == "unix_timestamp" or isinstance(real, int):
        return _EXAMPLE_UNIX
    if shape == "uuid":
        made = str(uuid.UUID(bytes=digest[:16], version=4))
        return made.upper() if real.isupper() else made
    if shape == "iso_timestamp":
        digits = iter(_EXAMPLE_TIME + "0" * len(real))
        return re.sub(r"[0-9]", lambda _: next(digits), real)
    if shape == "jwt":
        header = real.split(".", 1)[0][:20]
        return header + "..." if is_jwt_start(header) else "eyJhbGciOi..."
    if shape == "secret":
        kind = re.match(r"[a-z]{2,8}_(?:[a-z]{2,8}_)?", real)
        return (kind.group() if kind else "") + "..."
    if shape == "opaque":
        for attempt in range(8):
            text = base64.urlsafe_b64encode(hashlib.sha256(f"{seed}/{attempt}".encode())
                                            .digest()).decode().rstrip("=")
            made = (text * 4)[: max(20, min(len(real), 64))]
            if shape_of(made) == "opaque" and made != real:
                return made
    return f"<{key or 'secret'}>"
