"""Before the first guide on a URL target: is the bootstrap token set, and does the target
take it?

Without this, a missing or wrong `IDP_BOOTSTRAP_TOKEN` reads as drift in every guide ("variable
$BOOTSTRAP_TOKEN is not set" a hundred times, or "expected status 201, got 401"). One usage
error or one refusal, before anything else is sent, says what is really wrong.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence

import httpx

from runner.model import DocError, Guide, TargetError
from runner.run.sender import Sender
from runner.run.target import Session, Target, UrlTarget
from runner.translate.json_body import loads_or_none

__all__ = ["TOKEN_VARIABLE", "preflight"]

TOKEN_VARIABLE = "IDP_BOOTSTRAP_TOKEN"
"""Where a URL target's bootstrap token comes from (the guides read it as $BOOTSTRAP_TOKEN)."""

# A read every AgentIdP answers for its bootstrap token, and the cheapest one: one agent.
_PROBE = "/agents?limit=1"
_CHALLENGE_ERROR = re.compile(r'error="?([\w.-]{1,80})')


def preflight(guides: Sequence[Guide], target: Target) -> None:
    """Check a URL target before the first guide; nothing at all for the embedded one.

    Raises DocError (exit 2) when a guide reads $BOOTSTRAP_TOKEN and the token is unset,
    TargetError (exit 3) when the target cannot be reached, refuses the token (401, 403) or
    has no agents API there (404, 405). Only the probe is sent, and only once the token is
    known to be there. A 429 or 5xx is no verdict on the token: the guides go on and meet it.
    """
    if not isinstance(target, UrlTarget):
        return
    session = target.open(0)
    token = session.bootstrap_token
    if token is None:
        reader = _first_reader(guides)
        if reader is None:
            return  # nothing needs it; the guides will say what else they miss
        raise DocError(f"{TOKEN_VARIABLE} is not set, expected the target's bootstrap token "
                       f"in the environment: {reader} reads $BOOTSTRAP_TOKEN")
    _probe(session, token.reveal(), target.name)


def _first_reader(guides: Sequence[Guide]) -> str | None:
    """Where the token is first read: an assignment before a request (`export
    TOKEN=$BOOTSTRAP_TOKEN`) is named itself, not the request that uses it later."""
    for guide in guides:
        for step in guide.steps:
            if "BOOTSTRAP_TOKEN" not in step.reads:
                continue
            for assignment in step.setup:
                if "BOOTSTRAP_TOKEN" in assignment.value.variables():
                    return str(assignment.source)
            return str(step.source)
    return None


def _probe(session: Session, token: str, name: str) -> None:
    url = session.rewrite(httpx.URL(session.documented_base_url + _PROBE))
    request = httpx.Request("GET", url, headers={"Authorization": f"Bearer {token}"})
    with httpx.Client(transport=session.transport, follow_redirects=False) as client:
        # The run's record of whether the target answers: a dead target stops the retries
        # here, and every guide is then reported as not started (runner/_cli_parallel.py).
        sender = Sender(client, session.retry, clock=time.monotonic, reach=session.reach)
        try:
            response = sender.send(request, timeout=httpx.Timeout(session.timeout),
                                   expected_status=200,
                                   where=f"the preflight check (GET {url.path})").response
        except TargetError as exc:
            if session.reach.since is None:
                # There, but busy or flaky (a 429 beyond the bound, a dropped connection):
                # that says nothing of the token, and each guide meets it in its own steps.
                return
            # The message names the URL and the cause, never the token (it is in a header).
            raise TargetError(f"preflight: {exc.message}") from None
    status = response.status_code
    if status // 100 == 2 or status == 429 or status >= 500:
        return  # accepted, or a fault the guides will report where they meet it
    code = _error_code(response)
    answer = f"{status} {code}" if code else f"{status} {response.reason_phrase}".rstrip()
    if status in (401, 403):
        raise TargetError(f"the target refused {TOKEN_VARIABLE}: {answer}, expected the "
                          f"bootstrap token of {name}")
    if status in (404, 405):
        raise TargetError(f"preflight: GET {session.documented_base_url}{_PROBE} on {name} "
                          f"answered {answer}, expected 200: is --target the AgentIdP's "
                          "origin?")


def _error_code(response: httpx.Response) -> str | None:
    """The error's code: the bearer challenge's (`invalid_token`, RFC 6750), else the body's
    (`UNAUTHORIZED`) in any of the usual shapes."""
    challenge = _CHALLENGE_ERROR.search(response.headers.get("WWW-Authenticate", ""))
    if challenge is not None:
        return challenge.group(1)
    body = loads_or_none(response.text) if response.content else None
    if not isinstance(body, dict):
        return None
    for key in ("error", "code"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value[:80]
        if isinstance(value, dict) and isinstance(value.get("code"), str):
            return str(value["code"])[:80]
    return None
