"""Where requests go: the one module that knows the embedded IdP and remote targets.

Everything above builds its `httpx.Client` from a `Session` handed out here, so a guide
can only ever talk to its target's origin.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from runner.errors import DocError, TargetError

__all__ = [
    "DOCUMENTED_BASE_URL",
    "DOCUMENTED_ORIGIN",
    "EmbeddedTarget",
    "Session",
    "Target",
    "UrlTarget",
    "make_target",
]

DOCUMENTED_ORIGIN = "http://localhost:3000"
DOCUMENTED_BASE_URL = f"{DOCUMENTED_ORIGIN}/api/v1"


@dataclass(frozen=True, slots=True)
class Session:
    """One guide's view of the target: a transport, its origin and its variables."""

    transport: httpx.BaseTransport
    origin: str
    """The real origin requests are sent to (`http://localhost:3000` when embedded)."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """What the target provides: BOOTSTRAP_TOKEN and BASE_URL (in documented form)."""
    secrets: tuple[str, ...] = ()

    def rewrite(self, url: httpx.URL) -> httpx.URL:
        """Move a documented URL onto the target, refusing every other origin."""
        port = url.port or (443 if url.scheme == "https" else 80)
        if url.scheme != "http" or url.host != "localhost" or port != 3000:
            shown = f"{url.scheme}://{url.host}" + (f":{url.port}" if url.port else "")
            raise DocError(
                f"request to {shown} refused: guides may only call the documented origin "
                f"{DOCUMENTED_ORIGIN}, which is rewritten to the target"
            )
        if self.origin == DOCUMENTED_ORIGIN:
            return url
        # The target may sit under a path (`https://staging.example/idp`): keep the raw
        # path and query bytes exactly as curl would have sent them.
        return httpx.URL(self.origin.rstrip("/") + url.raw_path.decode("ascii"))


class Target:
    """A place guides run against; `open()` gives each guide its own Session."""

    name: str

    def open(self) -> Session:
        """A fresh session for one guide."""
        raise NotImplementedError


class EmbeddedTarget(Target):
    """The in-process IdP from `fixtures/idp`: a fresh one per guide, no network."""

    name = "embedded"

    def __init__(self, *, rate_limit: int = 100) -> None:
        self._rate_limit = rate_limit

    def open(self) -> Session:
        # Imported here so that planning and linting never load the IdP.
        from fixtures.idp import IdP

        idp = IdP(rate_limit=self._rate_limit)
        return Session(
            transport=idp.transport,
            origin=DOCUMENTED_ORIGIN,
            variables={"BOOTSTRAP_TOKEN": idp.bootstrap_token, "BASE_URL": DOCUMENTED_BASE_URL},
            secrets=(idp.bootstrap_token,),
        )


class UrlTarget(Target):
    """A running AgentIdP (staging, or `verify-docs serve`) at a URL."""

    def __init__(self, url: str, *, bootstrap_token: str | None) -> None:
        parsed = httpx.URL(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise DocError(f"--target: expected 'embedded' or an http(s) URL, got {url!r}")
        self.name = url
        self._origin = str(parsed.copy_with(query=None, fragment=None)).rstrip("/")
        self._bootstrap_token = bootstrap_token

    def open(self) -> Session:
        variables = {"BASE_URL": DOCUMENTED_BASE_URL}
        secrets: tuple[str, ...] = ()
        if self._bootstrap_token:
            variables["BOOTSTRAP_TOKEN"] = self._bootstrap_token
            secrets = (self._bootstrap_token,)
        return Session(
            transport=httpx.HTTPTransport(retries=0),
            origin=self._origin,
            variables=variables,
            secrets=secrets,
        )


def make_target(spec: str | None, environ: Mapping[str, str] | None = None) -> Target:
    """`embedded` (the default) or a URL; a URL target reads IDP_BOOTSTRAP_TOKEN."""
    environ = os.environ if environ is None else environ
    spec = spec or environ.get("VERIFY_DOCS_TARGET") or "embedded"
    if spec == "embedded":
        return EmbeddedTarget()
    return UrlTarget(spec, bootstrap_token=environ.get("IDP_BOOTSTRAP_TOKEN"))


def describe_fault(url: str, exc: Exception) -> TargetError:
    """A transport failure as the user should read it: the URL and the cause."""
    if isinstance(exc, httpx.TimeoutException):
        cause = "timed out"
    elif isinstance(exc, httpx.ConnectError):
        cause = f"could not connect ({exc})"
    else:
        cause = f"{type(exc).__name__}: {exc}"
    return TargetError(f"target {url} {cause}")
