"""Where requests go: the one module that knows the embedded IdP and remote targets.

Everything above builds its `httpx.Client` from a `Session` handed out here, so a guide
can only ever talk to its target's origin.
"""

from __future__ import annotations

import functools
import os
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from runner.config import DOCUMENTED_ORIGIN, Config
from runner.model import DocError, TargetError
from runner.run.isolation import Isolation, new_run_id
from runner.run.reach import Reachability
from runner.run.retry import RetryPolicy
from runner.secrets import Secret, SecretSet
from runner.translate.curl import same_origin

__all__ = [
    "EmbeddedTarget",
    "Session",
    "Target",
    "TargetOptions",
    "UrlTarget",
    "VirtualClock",
    "configured_target",
    "make_target",
]

@dataclass(frozen=True, slots=True)
class Session:
    """One guide's view of the target: a transport, its origin and its variables."""

    transport: httpx.BaseTransport
    origin: str
    """The real origin requests are sent to (`http://localhost:3000` when embedded)."""
    variables: Mapping[str, str] = field(default_factory=dict)
    """What the target provides besides its token: BASE_URL (in documented form)."""
    bootstrap_token: Secret | None = None
    """$BOOTSTRAP_TOKEN, shown as `***` wherever the session is printed."""
    secrets: SecretSet = field(default_factory=SecretSet)
    """The run's secret set (the target's, shared by its sessions), holding the token."""
    retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(attempts=1))
    """How a step's request is retried (each target gives its own; one attempt by default)."""
    clock: VirtualClock | None = None
    """The embedded IdP's clock: waits between retries move it on instead of sleeping."""
    isolation: Isolation | None = None
    """On a shared target, unique fields are tagged with the run id (None when embedded)."""
    cleanup: bool = False
    """Decommission the agents a guide created and left active, when it ends."""
    read_only: bool = False
    """Send nothing that changes state (token issuance and introspection excepted)."""
    strict: bool = False
    """Bash's semantics: responses bind no variable, and a read a reader's shell would not
    hold is a failure instead of a warning."""
    observe: bool = False
    """Keep failed steps' real answers, made safe, for `--update` and `--diff` (only they
    read them: any other run would clean each failed answer for nothing)."""
    timeout: float = 30.0
    documented_origin: str = DOCUMENTED_ORIGIN
    """The origin the guides are written against; only it is moved to the target."""
    cleanup_budget: float = 120.0
    """Seconds the guide's cleanup may take, apart from any step's deadline."""
    reach: Reachability = field(default_factory=Reachability)
    """Whether the target still answers: one record for every guide of a run."""

    @property
    def documented_base_url(self) -> str:
        """The documented origin's API root (what `$BASE_URL` stands for)."""
        return f"{self.documented_origin}/api/v1"

    def rewrite(self, url: httpx.URL) -> httpx.URL:
        """Move a documented URL onto the target, refusing every other origin."""
        if not same_origin(url.scheme, url.host, url.port, self.documented_origin):
            shown = f"{url.scheme}://{url.host}" + (f":{url.port}" if url.port else "")
            raise DocError(
                f"request to {shown} refused: guides may only call the documented origin "
                f"{self.documented_origin}, which is rewritten to the target"
            )
        if self.origin == self.documented_origin:
            return url
        # The target may sit under a path (`https://staging.example/idp`): keep the raw
        # path and query bytes exactly as curl would have sent them.
        return _url(self.origin.rstrip("/") + url.raw_path.decode("ascii"))


@dataclass(frozen=True, slots=True)
class TargetOptions:
    """How a run treats its target (from the command line and `[tool.verify-docs]`)."""

    timeout: float = 30.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    run_id: str = "r0000"
    unique_fields: frozenset[str] = frozenset({"email"})
    keep: bool = False
    read_only: bool = False
    strict: bool = False
    observe: bool = False
    documented_origin: str = DOCUMENTED_ORIGIN
    cleanup_budget: float = 120.0


class Target:
    """A place guides run against; `open()` gives each guide its own Session."""

    name: str
    reach: Reachability
    """Shared by the sessions it opens: once the target stops answering, the run stops."""
    secrets: SecretSet
    """The run's secrets, fed by every session it opens: what every report masks at the end."""

    def open(self, number: int = 0) -> Session:
        """A fresh session for one guide (`number` tells parallel guides apart)."""
        raise NotImplementedError


class VirtualClock:
    """Real time plus whatever the run has skipped: the embedded IdP reads it, so a
    `Retry-After: 40` is honoured at once by moving it 40 s on, and a long guide outlasts
    the per-minute rate limit as it would on a real server, without the wait."""

    def __init__(self) -> None:
        self._skipped = 0.0

    def time(self) -> float:
        """Seconds since the epoch, as the IdP sees them."""
        return time.time() + self._skipped

    def monotonic(self) -> float:
        """A monotonic reading on the same time line (retry deadlines)."""
        return time.monotonic() + self._skipped

    def advance(self, seconds: float) -> None:
        """Wait `seconds` without waiting."""
        self._skipped += max(0.0, seconds)


# In process, only a 429 needs patience (the embedded IdP never drops a connection), and
# that patience costs nothing: up to the whole rate-limit window, a few times over.
_EMBEDDED_RETRY = RetryPolicy(attempts=4, max_wait=60.0, deadline=600.0)


class EmbeddedTarget(Target):
    """The in-process IdP from `fixtures/idp`: a fresh one per guide, no network."""

    name = "embedded"

    def __init__(self, *, rate_limit: int = 100, options: TargetOptions | None = None) -> None:
        self._rate_limit = rate_limit
        self._options = options or TargetOptions()
        self.reach = Reachability()
        self.secrets = SecretSet()

    def open(self, number: int = 0) -> Session:
        # Imported here so that planning and linting never load the IdP.
        from fixtures.idp import IdP

        clock = VirtualClock()
        idp = IdP(rate_limit=self._rate_limit, clock=clock.time)
        documented = self._options.documented_origin
        token = Secret(idp.bootstrap_token)
        self.secrets.add(token)
        # The in-process IdP answers whatever host is asked: the documented origin stays.
        return Session(
            transport=idp.transport,
            origin=documented,
            documented_origin=documented,
            variables={"BASE_URL": f"{documented}/api/v1"},
            bootstrap_token=token,
            secrets=self.secrets,
            retry=_EMBEDDED_RETRY,
            clock=clock,
            read_only=self._options.read_only,
            strict=self._options.strict,
            observe=self._options.observe,
            timeout=self._options.timeout,
        )


class UrlTarget(Target):
    """A running AgentIdP (staging, or `verify-docs serve`) at a URL."""

    def __init__(
        self, url: str, *, bootstrap_token: str | None, options: TargetOptions | None = None
    ) -> None:
        try:
            parsed = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise DocError(f"--target: expected 'embedded' or an http(s) URL, got an invalid "
                           f"URL ({exc})") from None
        if parsed.userinfo:
            # A password here would be printed with the target's name in every report, and
            # httpx would send it as Basic auth in place of every guide's own Authorization.
            shown = str(parsed.copy_with(username=None, password=None))
            raise DocError(f"--target: credentials in the URL are refused, expected {shown} "
                           "with the bootstrap token in IDP_BOOTSTRAP_TOKEN")
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise DocError(f"--target: expected 'embedded' or an http(s) URL, got {url!r}")
        self.name = url
        self._origin = str(parsed.copy_with(query=None, fragment=None)).rstrip("/")
        self._bootstrap_token = Secret(bootstrap_token) if bootstrap_token else None
        self._options = options or TargetOptions()
        self.reach = Reachability()
        self.secrets = SecretSet([self._bootstrap_token] if self._bootstrap_token else [])
        self._tls: ssl.SSLContext | None = None

    def _tls_context(self) -> ssl.SSLContext:
        # httpx builds a TLS context for every transport, loading the CA bundle each time
        # (40 to 80 ms, more than a guide's requests on loopback); one serves every session.
        if self._tls is None:
            if httpx.URL(self._origin).scheme == "https":
                self._tls = httpx.create_ssl_context()
            else:
                # An http:// target never speaks TLS (every request and redirect stays on its
                # origin): no CA bundle to load. A context trusting nothing, should one be
                # used after all, refuses every certificate instead of accepting any.
                self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        return self._tls

    def open(self, number: int = 0) -> Session:
        options = self._options
        return Session(
            transport=httpx.HTTPTransport(retries=0, verify=self._tls_context()),
            origin=self._origin,
            documented_origin=options.documented_origin,
            variables={"BASE_URL": f"{options.documented_origin}/api/v1"},
            bootstrap_token=self._bootstrap_token,
            secrets=self.secrets,
            retry=options.retry,
            isolation=Isolation(tag=f"{options.run_id}-{number}", fields=options.unique_fields),
            cleanup=not options.keep,
            read_only=options.read_only,
            strict=options.strict,
            observe=options.observe,
            timeout=options.timeout,
            cleanup_budget=options.cleanup_budget,
            reach=self.reach,
        )


def configured_target(
    config: Config, spec: str | None = None, *, keep: bool = False, read_only: bool = False,
    strict: bool | None = None, observe: bool = False,
) -> Target:
    """The target of one run: `spec` (from the command line) or the project's, with the
    project's options and a fresh run id (every front end, so they tag and time alike)."""
    options = TargetOptions(
        timeout=config.timeout,
        retry=RetryPolicy(attempts=config.retries, max_wait=config.retry_max_wait,
                          deadline=config.step_deadline),
        run_id=new_run_id(),
        unique_fields=frozenset(config.unique_fields),
        keep=keep,
        read_only=read_only,
        strict=config.strict if strict is None else strict,
        observe=observe,
        documented_origin=config.documented_origin.rstrip("/"),
        cleanup_budget=config.cleanup_budget,
    )
    chosen = spec or (None if config.target == "embedded" else config.target)
    return make_target(chosen, options=options)


def make_target(
    spec: str | None,
    environ: Mapping[str, str] | None = None,
    options: TargetOptions | None = None,
) -> Target:
    """`embedded` (the default) or a URL; a URL target reads IDP_BOOTSTRAP_TOKEN.

    The target is only ever the one the caller names (`--target`, the config): no variable
    of the process environment turns a plain run into a URL run, which would send the
    bootstrap token to a host the command line never showed.
    """
    if not spec or spec == "embedded":
        return EmbeddedTarget(options=options)
    environ = os.environ if environ is None else environ
    return UrlTarget(spec, bootstrap_token=environ.get("IDP_BOOTSTRAP_TOKEN"), options=options)


@functools.lru_cache(maxsize=1024)
def _url(text: str) -> httpx.URL:
    """httpx's parse of a target URL; cached, as a guide sends to the same few URLs again
    and again (httpx.URL is immutable, so requests may share one)."""
    return httpx.URL(text)


def describe_fault(url: str, exc: Exception) -> TargetError:
    """A transport failure as the user should read it: the URL and the cause."""
    if isinstance(exc, httpx.TimeoutException):
        cause = "timed out"
    elif isinstance(exc, httpx.ConnectError):
        cause = f"could not connect ({exc})"
    else:
        cause = f"{type(exc).__name__}: {exc}"
    return TargetError(f"target {url} {cause}")
