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
from ipaddress import ip_address
from typing import Any
from urllib.parse import quote

import httpx

from runner.match import ExampleBook, shown_json
from runner.model import Observed, Problem, Step, StepResult
from runner.run.isolation import Isolation
from runner.secrets import MASK, SecretSet, is_secret_name, mask_headers
from runner.secrets.decoding import decoded_forms, reveals
from runner.translate.shape_forms import is_jwt_start
from runner.translate.shapes import Shape, dynamic_spans, shape_of

__all__ = ["Observer", "plausible_example"]

_EXAMPLE_TIME = "20250115093000"
"""The digits a made-up timestamp is written with (2025-01-15 09:30:00), then zeros."""
_EXAMPLE_UNIX = 1736933400
_BOUND_MIN = 8
"""The shortest real value looked for inside longer texts (a real id in a link)."""


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
               isolation: Isolation | None, *, origin: str | None = None,
               documented_origin: str | None = None) -> list[StepResult]:
        """The results, each failed one with its answer as `--update` may write it.

        `origin` is where the requests went, `documented_origin` the guides' own: the
        target's origin in an answer (a `Location`, a link) is written as the documented one.
        """
        cleaner = _Cleaner(_Examples(book, self._seed), secrets, isolation,
                           _Origins.of(origin, documented_origin))
        done = []
        for result in results:
            seen = self._seen.get(id(result.step))
            if seen is None or result.status != "failed":
                done.append(result)
                continue
            done.append(replace(result, observed=cleaner.observed(seen)))
        return done


class _Origins:
    """The target's origin (and its host) in any text, written as the documented one."""

    def __init__(self, pairs: dict[str, str]) -> None:
        self._to = {real.lower(): documented for real, documented in pairs.items()}
        alternatives = "|".join(re.escape(real) for real in sorted(pairs, key=len, reverse=True))
        self._pattern = re.compile(rf"(?<![A-Za-z0-9.-])(?:{alternatives})(?![A-Za-z0-9-])",
                                   re.IGNORECASE)
        self.forms = tuple(self._to)
        """Every form of the target's origin, lowercased: none may reach a guide."""

    @classmethod
    def of(cls, origin: str | None, documented: str | None) -> _Origins | None:
        if not origin or not documented:
            return None
        real, shown = httpx.URL(origin.rstrip("/")), httpx.URL(documented.rstrip("/"))
        if (real.scheme, real.netloc, real.path.rstrip("/")) == (
                shown.scheme, shown.netloc, shown.path.rstrip("/")):
            return None
        pairs = {origin.rstrip("/"): documented.rstrip("/")}
        if real.netloc != shown.netloc:
            pairs[real.netloc.decode("ascii")] = shown.netloc.decode("ascii")
        if real.host != shown.host and not _is_address(real.host):
            # A host name alone (`"iss": "staging.example"`); not an address, which an
            # answer may hold for another reason (a client's `127.0.0.1`).
            pairs[real.host] = shown.host
        # As a URL parameter (`redirect_uri=http%3A%2F%2F...`) and in JSON text (`http:\/\/`).
        for real_form, shown_form in list(pairs.items()):
            pairs[quote(real_form, safe="")] = quote(shown_form, safe="")
            pairs[real_form.replace("/", "\\/")] = shown_form.replace("/", "\\/")
        return cls(pairs)

    def restore(self, text: str) -> str:
        return self._pattern.sub(lambda found: self._to[found.group().lower()], text)


def _is_address(host: str) -> bool:
    try:
        ip_address(host)
    except ValueError:
        return False
    return True


class _Cleaner:
    """One guide's failed answers made fit for its text: no run tag, no target origin, no
    secret (in any encoding) and no real dynamic value, even inside a longer string."""

    def __init__(self, examples: _Examples, secrets: SecretSet, isolation: Isolation | None,
                 origins: _Origins | None) -> None:
        self.examples = examples
        self.secrets = secrets
        self.isolation = isolation
        self.origins = origins

    def observed(self, seen: _Seen) -> Observed:
        secrets = self.secrets
        headers = tuple((name, self.header(name, value))
                        for name, value in mask_headers(seen.headers, secrets))
        text = self.text(seen.text)
        body = self.json(seen.body, None) if seen.is_json else None
        problems = seen.body_problems
        if problems is not None:
            problems = tuple(replace(
                p, message=secrets.mask(p.message),
                expected=None if p.expected is None else secrets.mask(p.expected),
                actual=None if p.actual is None else secrets.mask(p.actual))
                for p in problems)
        return Observed(status=seen.status, headers=headers, is_json=seen.is_json, body=body,
                        text=text, body_problems=problems)

    def restore(self, text: str) -> str:
        """The text as the guide documents it: without run tags, on the documented origin."""
        if self.isolation is not None:
            text = self.isolation.untag_run(text)
        if self.origins is not None:
            text = self.origins.restore(text)
        return text

    def leaks(self, text: str) -> bool:
        """Whether the text, read in any of its encodings, shows a secret of the run, the run
        id (any guide's tag holds it) or the target's origin."""
        if reveals(text, self.secrets.mask):
            return True
        run = self.isolation.tag.rpartition("-")[0] if self.isolation is not None else ""
        marks = [*(self.origins.forms if self.origins is not None else ()),
                 *((run.lower(),) if run else ())]
        return bool(marks) and any(mark in form.lower() for form in decoded_forms(text)
                                   for mark in marks)

    def text(self, text: str) -> str | None:
        """A body that is not JSON; None when it shows a secret."""
        text = self.restore(text)
        if self.leaks(text):
            return None
        text = self.embedded(text)
        return None if self.leaks(text) else text

    def header(self, name: str, value: str) -> str:
        """A header value; a masked one (`***`) is never written."""
        if MASK in value:
            return value
        value = self.restore(value)
        if self.leaks(value):
            return MASK
        value = self.string(value, name)
        return MASK if self.leaks(value) else value

    def json(self, value: Any, key: str | None) -> Any:
        """A real JSON value with every secret and dynamic value replaced by an example."""
        if isinstance(value, dict):
            return {self.embedded(self.restore(name)) if isinstance(name, str) else name:
                    self.json(item, str(name)) for name, item in value.items()}
        if isinstance(value, list):
            return [self.json(item, key) for item in value]
        if isinstance(value, bool) or value is None or isinstance(value, float):
            return value
        if isinstance(value, int):
            return self.examples.example(value, "unix_timestamp", key) \
                if shape_of(value) == "unix_timestamp" else value
        if not isinstance(value, str):
            return value
        return self.string(self.restore(value), key)

    def string(self, value: str, key: str | None) -> str:
        """A string (already restored): an example of its shape when it is a dynamic value
        or a secret, else the string with every dynamic value in it replaced."""
        forms = decoded_forms(value)
        # A value the server wrote escaped (`&#115;k_live_...`) is the value it decodes to.
        real, shape = next(((form, found) for form in forms
                            if (found := shape_of(form)) is not None), (value, None))
        secret = (key is not None and is_secret_name(key)) or reveals(value, self.secrets.mask)
        made = (self.examples.example(real, shape, key) if shape is not None or secret
                else self.embedded(value))
        if isinstance(made, str) and not self.leaks(made):
            return made
        # Never anything made from the real value: a placeholder named after its key.
        return f"<{key or 'value'}>"

    def embedded(self, text: str) -> str:
        """The text with each dynamic value inside it (a UUID in a URL, a JWT in a query)
        written as the example it was bound to, or a plausible one."""
        spans = self.examples.bound_in(text)
        spans.extend(span for span in dynamic_spans(text)
                     if not any(span[0] < end and start < span[1] for start, end, _ in spans))
        if not spans:
            return text
        out: list[str] = []
        position = 0
        for start, end, shape in sorted(spans):
            out += [text[position:start], str(self.examples.example(text[start:end], shape, None))]
            position = end
        return "".join([*out, text[position:]])


class _Examples:
    """Real dynamic values -> the examples written for them, one per value in a guide."""

    def __init__(self, book: ExampleBook, seed: str) -> None:
        self._bound: dict[str, str] = {}
        for binding in book.bindings():
            # The first documented example of a value is the one a reader met first.
            self._bound.setdefault(binding.real, binding.example + "..." if binding.is_prefix
                                   else binding.example)
        # Longest first: a real value is found whole before any shorter one inside it.
        self._reals = sorted((real for real in self._bound if len(real) >= _BOUND_MIN),
                             key=len, reverse=True)
        self._made: dict[str | int, str | int] = {}
        self._seed = seed
        self._first_time: int | None = None

    def _unix(self, real: int) -> int:
        # Made-up times keep their distances (`exp` an hour after `iat`): a time is no secret.
        if self._first_time is None:
            self._first_time = real
        return _EXAMPLE_UNIX + real - self._first_time

    def bound_in(self, text: str) -> list[tuple[int, int, Shape | None]]:
        """Where real values bound to documented examples sit inside a longer text."""
        spans: list[tuple[int, int, Shape | None]] = []
        for real in self._reals:
            at = text.find(real)
            while at >= 0:
                if not any(at < end and start < at + len(real) for start, end, _ in spans):
                    spans.append((at, at + len(real), shape_of(real)))
                at = text.find(real, at + len(real))
        return spans

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
