"""A synthetic docs tree: G guides of S steps, each a realistic agent lifecycle, plus its floor.

Every step is written once, as a `Call`, and rendered twice: as Markdown the way a person
writes a guide (a `bash` curl fence, prose with a status phrase, a `json` documented
response), and as a prebuilt request for the floor (no Markdown, no shell, no matching).
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from string import Template
from typing import Any

__all__ = [
    "DOCUMENTED_BASE",
    "Call",
    "FloorRequest",
    "GeneratedTree",
    "calls_for_guide",
    "floor_request",
    "generate_tree",
    "render_guide",
]

DOCUMENTED_BASE = "http://localhost:3000/api/v1"
_ALL_SCOPES = "agents:read agents:write tokens:read audit:read"
_JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6..."
_TYPES = ("screener", "classifier", "orchestrator", "extractor", "summarizer", "router")
_MORE = object()
"""Marks a documented object the writer shortened with a trailing `...`."""


@dataclass(frozen=True, slots=True)
class Call:
    """One documented request and its documented response."""

    title: str
    intro: str
    method: str
    path: str
    """The path under the base URL, with `$VARS` (`/agents/$AGENT_ID`)."""
    status: str
    """The status phrase the prose gives (`201 Created`)."""
    response: dict[str, Any]
    query: str = ""
    bearer: str | None = "TOKEN"
    json_body: str | None = None
    form: tuple[tuple[str, str], ...] = ()
    capture: tuple[str, str] | None = None
    """`export NAME=$(curl ... | jq -r PATH)`: the name and the jq path."""
    binds: tuple[tuple[str, tuple[str | int, ...]], ...] = ()
    """What the floor reads back from the JSON answer: variable name and key path."""
    outro: str = ""


@dataclass(frozen=True, slots=True)
class FloorRequest:
    """A request prebuilt for the bare httpx loop: templates filled from a dict at send time."""

    method: str
    url: Template
    headers: tuple[tuple[str, Template], ...]
    body: Template | None
    expected: int
    binds: tuple[tuple[str, tuple[str | int, ...]], ...]


@dataclass(frozen=True, slots=True)
class GeneratedTree:
    """Guides written to disk, and the same guides as floor requests."""

    root: Path
    paths: tuple[Path, ...]
    floor: tuple[tuple[FloorRequest, ...], ...]
    steps: int


class _Examples:
    """The documented example values of one guide: one per real object, all distinct."""

    def __init__(self, number: int) -> None:
        # Seeded per guide: the same tree every run, and distinct examples in every guide.
        self._rng = random.Random(number * 7919 + 17)
        self.agent = self.uuid()
        self.credential = self.uuid()
        self.first_secret = self.secret()
        self.second_secret = self.secret()
        self.first_jti = self.uuid()
        self.second_jti = self.uuid()
        self.created_event = self.uuid()
        self.rotated_event = self.uuid()
        self.agent_type = _TYPES[number % len(_TYPES)]
        self.email = f"{self.agent_type}-{number:05d}@acme-corp.com"

    def uuid(self) -> str:
        """A fresh version-4 UUID."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def secret(self) -> str:
        """A fresh client secret: `sk_live_` and 64 lowercase hex digits."""
        return "sk_live_" + f"{self._rng.getrandbits(256):064x}"


def _stamp(minute: int, second: int = 0) -> str:
    return f"2026-03-01T10:{minute:02d}:{second:02d}.000Z"


def _agent(ex: _Examples, *, full: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"agentId": ex.agent, "email": ex.email}
    if not full:
        return {**body, "status": "active", "...": _MORE}
    return {
        **body,
        "agentType": ex.agent_type,
        "version": "1.4.2",
        "capabilities": ["resume:read", "candidates:write"],
        "owner": "talent-platform",
        "deploymentEnv": "production",
        "status": "active",
        "createdAt": _stamp(0),
        "updatedAt": _stamp(0),
    }


def _credential(ex: _Examples, secret: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "credentialId": ex.credential,
        "clientId": ex.agent,
        "status": "active",
        "createdAt": _stamp(0, 5),
        "expiresAt": None,
        "revokedAt": None,
    }
    return body if secret is None else {**body, "clientSecret": secret}


def _event(ex: _Examples, event: str, action: str, metadata: dict[str, Any]) -> dict[str, Any]:
    return {
        "eventId": event,
        "agentId": ex.agent,
        "action": action,
        "outcome": "success",
        "ipAddress": "127.0.0.1",
        "userAgent": "curl/7.88.1",
        "metadata": metadata,
        "timestamp": _stamp(0),
    }


def _page(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"data": items, "total": len(items), "page": 1, "limit": 20}


def _token_form(secret_var: str) -> tuple[tuple[str, str], ...]:
    return (("grant_type", "client_credentials"), ("client_id", "$CLIENT_ID"),
            ("client_secret", f"${secret_var}"))


def _token_answer() -> dict[str, Any]:
    return {"access_token": _JWT, "token_type": "Bearer", "expires_in": 3600,
            "scope": _ALL_SCOPES}


def _introspection(ex: _Examples, jti: str, iat: int) -> dict[str, Any]:
    return {"active": True, "sub": ex.agent, "client_id": ex.agent, "scope": _ALL_SCOPES,
            "token_type": "Bearer", "exp": iat + 3600, "iat": iat, "jti": jti}


def _opening(ex: _Examples) -> list[Call]:
    """Registration to the second token: every step binds or proves something new."""
    register = _documented_json({
        "email": ex.email, "agentType": ex.agent_type, "version": "1.4.2",
        "capabilities": ["resume:read", "candidates:write"], "owner": "talent-platform",
        "deploymentEnv": "production"}, "  ")
    created = "$AGENT_ID&action=agent.created"
    return [
        Call("Register the agent", "Register it with the operator's bootstrap token.",
             "POST", "/agents", "201 Created", _agent(ex, full=True), bearer="BOOTSTRAP_TOKEN",
             json_body=register, binds=(("AGENT_ID", ("agentId",)),),
             outro="The `agentId` is the agent's identity from now on."),
        Call("Generate a credential", "Give the agent a client secret.", "POST",
             "/agents/$AGENT_ID/credentials", "201 Created",
             _credential(ex, ex.first_secret), bearer="BOOTSTRAP_TOKEN", json_body="{}",
             binds=(("CLIENT_ID", ("clientId",)), ("CREDENTIAL_ID", ("credentialId",)),
                    ("CLIENT_SECRET", ("clientSecret",))),
             outro="The secret is shown this once only: store it now."),
        Call("Issue a token", "Trade the client id and secret for an access token.", "POST",
             "/token", "200 OK", _token_answer(), bearer=None,
             form=_token_form("CLIENT_SECRET"), binds=(("TOKEN", ("access_token",)),)),
        Call("Read the agent", "Read the agent back with its own token.", "GET",
             "/agents/$AGENT_ID", "200 OK", _agent(ex, full=True)),
        Call("List its credentials", "One credential so far, and no secret in the list.",
             "GET", "/agents/$AGENT_ID/credentials", "200 OK",
             _page([_credential(ex, None)])),
        Call("Introspect the token", "Ask the IdP what the token carries.", "POST",
             "/token/introspect", "200 OK", _introspection(ex, ex.first_jti, 1772359207),
             form=(("token", "$TOKEN"),)),
        Call("Find its registration", "Keep the id of the agent's registration event.", "GET",
             "/audit", "200 OK",
             _page([_event(ex, ex.created_event, "agent.created",
                           {"agentType": ex.agent_type})]),
             query=f"agentId={created}", capture=("EVENT_ID", ".data[0].eventId"),
             binds=(("EVENT_ID", ("data", 0, "eventId")),)),
        Call("Read one event", "An event can be read on its own by its id.", "GET",
             "/audit/$EVENT_ID", "200 OK",
             _event(ex, ex.created_event, "agent.created", {"agentType": ex.agent_type})),
        Call("Rotate the credential", "Rotation keeps the id and replaces the secret.", "POST",
             "/agents/$AGENT_ID/credentials/$CREDENTIAL_ID/rotate", "200 OK",
             _credential(ex, ex.second_secret), binds=(("CLIENT_SECRET", ("clientSecret",)),)),
        Call("Audit the rotation", "The rotation is in the log.", "GET", "/audit", "200 OK",
             _page([_event(ex, ex.rotated_event, "credential.rotated",
                           {"credentialId": ex.credential})]),
             query="agentId=$AGENT_ID&action=credential.rotated"),
        Call("Issue a token with the new secret", "The new secret buys tokens.", "POST",
             "/token", "200 OK", _token_answer(), bearer=None,
             form=_token_form("CLIENT_SECRET"), binds=(("TOKEN", ("access_token",)),)),
    ]


def _fillers(ex: _Examples) -> list[Call]:
    """Read-only steps that can repeat in any number, each proving the same facts again."""
    return [
        Call("Read the agent again", "Still active, same id, same email.", "GET",
             "/agents/$AGENT_ID", "200 OK", _agent(ex, full=False)),
        Call("Introspect the new token", "The new token is live.", "POST", "/token/introspect",
             "200 OK", _introspection(ex, ex.second_jti, 1772359267),
             form=(("token", "$TOKEN"),)),
        Call("List its credentials again", "Rotation did not add a credential.", "GET",
             "/agents/$AGENT_ID/credentials", "200 OK", _page([_credential(ex, None)])),
        Call("Query the registration", "Filters combine: agent and action.", "GET", "/audit",
             "200 OK",
             _page([_event(ex, ex.created_event, "agent.created",
                           {"agentType": ex.agent_type})]),
             query="agentId=$AGENT_ID&action=agent.created"),
        Call("Read the event again", "Events never change.", "GET", "/audit/$EVENT_ID",
             "200 OK",
             _event(ex, ex.created_event, "agent.created", {"agentType": ex.agent_type})),
    ]


def _closing(ex: _Examples) -> list[Call]:
    return [
        Call("Revoke the token", "Revocation takes effect at once.", "POST", "/token/revoke",
             "200 OK", {}, form=(("token", "$TOKEN"),)),
        Call("Introspect the revoked token", "It is no longer active.", "POST",
             "/token/introspect", "200 OK", {"active": False}, bearer="BOOTSTRAP_TOKEN",
             form=(("token", "$TOKEN"),)),
    ]


def calls_for_guide(number: int, steps: int) -> list[Call]:
    """The `steps` calls of guide `number`: opening, read-only fillers, closing, in order."""
    ex = _Examples(number)
    opening, closing = _opening(ex), _closing(ex)
    fillers = _fillers(ex)
    middle = [fillers[i % len(fillers)] for i in range(steps - len(opening) - len(closing))]
    return [*opening, *middle, *closing][:steps]


def _documented_json(value: Any, indent: str = "") -> str:
    """JSON as a writer shows it, where an object may end with a literal `...`."""
    inner = indent + "  "
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = [f"{inner}{json.dumps(k)}: {_documented_json(v, inner)}"
                 for k, v in value.items() if v is not _MORE]
        if any(v is _MORE for v in value.values()):
            lines.append(f"{inner}...")
        return "{\n" + ",\n".join(lines) + "\n" + indent + "}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return json.dumps(value)  # short lists of scalars read best on one line
        items = [inner + _documented_json(v, inner) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + indent + "]" if items else "[]"
    return json.dumps(value)


def _url(call: Call) -> str:
    return DOCUMENTED_BASE + call.path + (f"?{call.query}" if call.query else "")


def _curl(call: Call) -> str:
    url = _url(call)
    shown = f'"{url}"' if call.query else url
    method = "" if call.method == "GET" else f"-X {call.method} "
    silent = "-s " if call.capture else ""
    lines = [f"curl {silent}{method}{shown}"]
    if call.bearer:
        lines.append(f'  -H "Authorization: Bearer ${call.bearer}"')
    if call.json_body is not None:
        lines.append('  -H "Content-Type: application/json"')
        lines.append(f"  -d '{call.json_body}'")
    lines.extend(f"  -d {name}={value}" for name, value in call.form)
    text = " \\\n".join(lines)
    if call.capture:
        name, path = call.capture
        text = f"export {name}=$({text} | jq -r '{path}')"
    return text


def render_guide(number: int, calls: list[Call]) -> str:
    """One guide as Markdown: a title, then per step a heading, prose, curl and response."""
    out = [f"# Agent lifecycle {number}\n",
           "This guide registers an agent, gives it a credential, trades it for tokens, "
           "reads the audit log and revokes what it issued. Every request is a curl command "
           "you can paste into a shell once `$BOOTSTRAP_TOKEN` is set.\n"]
    for index, call in enumerate(calls, start=1):
        out.append(f"## {index}. {call.title}\n")
        out.append(f"{call.intro}\n")
        out.append(f"```bash\n{_curl(call)}\n```\n")
        out.append(f"The answer is `{call.status}`:\n")
        out.append(f"```json\n{_documented_json(call.response)}\n```\n")
        if call.outro:
            out.append(f"{call.outro}\n")
    return "\n".join(out)


def floor_request(call: Call) -> FloorRequest:
    """The same request, prebuilt: what curl would send, with `$VARS` left to fill."""
    headers: list[tuple[str, Template]] = []
    body: str | None = None
    if call.bearer:
        headers.append(("Authorization", Template(f"Bearer ${call.bearer}")))
    if call.json_body is not None:
        headers.append(("Content-Type", Template("application/json")))
        body = call.json_body
    elif call.form:
        headers.append(("Content-Type", Template("application/x-www-form-urlencoded")))
        body = "&".join(f"{name}={value}" for name, value in call.form)
    return FloorRequest(
        method=call.method,
        url=Template(_url(call)),
        headers=tuple(headers),
        body=None if body is None else Template(body),
        expected=int(call.status.split()[0]),
        binds=call.binds,
    )


def _guide_files(root: Path, guides: int, steps: int) -> Iterator[tuple[Path, list[Call]]]:
    folder = root / "docs" / "developers" / "guides"
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(guides):
        yield folder / f"lifecycle-{number:05d}.md", calls_for_guide(number, steps)


def generate_tree(root: Path, guides: int, steps: int) -> GeneratedTree:
    """Write `guides` guides of `steps` steps under `root/docs/`, and prebuild their floor."""
    if steps < 1 or guides < 1:
        raise ValueError(f"expected at least 1 guide of 1 step, got {guides}x{steps}")
    paths: list[Path] = []
    floor: list[tuple[FloorRequest, ...]] = []
    total = 0
    for number, (path, calls) in enumerate(_guide_files(root, guides, steps)):
        path.write_text(render_guide(number, calls), encoding="utf-8")
        paths.append(path)
        floor.append(tuple(floor_request(call) for call in calls))
        total += len(calls)
    return GeneratedTree(root=root, paths=tuple(paths), floor=tuple(floor), steps=total)
