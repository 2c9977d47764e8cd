"""Shared helpers for the contract walk: a real `verify-docs serve` subprocess and checks."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt

__all__ = [
    "ALL_SCOPES",
    "OPERATOR",
    "SECRET_RE",
    "Idp",
    "agent_body",
    "envelope",
    "is_ts",
    "is_uuid",
    "oauth_error",
    "serve",
]

OPERATOR = "00000000-0000-4000-8000-000000000000"
ALL_SCOPES = "agents:read agents:write tokens:read audit:read"
SECRET_RE = re.compile(r"^sk_live_[0-9a-f]{64}$")
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
VERIFY_DOCS = Path(sys.executable).parent / "verify-docs"
RL_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


def is_ts(value: object) -> bool:
    """ISO 8601, UTC, milliseconds, Z."""
    return isinstance(value, str) and TS_RE.match(value) is not None


def is_uuid(value: object) -> bool:
    """A canonical UUID string."""
    return isinstance(value, str) and UUID_RE.match(value) is not None


def envelope(
    r: httpx.Response, status: int, code: str, field_name: str | None = None
) -> dict[str, Any]:
    """Assert the error envelope; for VALIDATION_ERROR also details.field/reason."""
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert isinstance(body, dict)
    assert set(body) <= {"code", "message", "details"}, body
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"], body
    if "details" in body:
        assert isinstance(body["details"], dict)
    if code == "VALIDATION_ERROR":
        details = body["details"]
        assert set(details) >= {"field", "reason"}, body
        assert isinstance(details["reason"], str) and details["reason"], body
        if field_name is not None:
            assert details["field"] == field_name, body
    return body


def oauth_error(r: httpx.Response, status: int, error: str) -> None:
    """Assert an RFC 6749 5.2 error answer."""
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error", "error_description"}, body
    assert body["error"] == error, body
    assert isinstance(body["error_description"], str)


def agent_body(**over: Any) -> dict[str, Any]:
    """A valid registration body with a unique email."""
    body: dict[str, Any] = {
        "email": f"a-{uuid.uuid4().hex[:12]}@example.com",
        "agentType": "screener",
        "version": "1.0.0",
        "capabilities": ["resume:read"],
        "owner": "talent-team",
        "deploymentEnv": "development",
    }
    body.update(over)
    return body


@dataclass
class Idp:
    """A running server plus a client that checks X-RateLimit-* on every answer."""

    origin: str
    bootstrap: str
    client: httpx.Client
    seen: list[httpx.Response] = field(default_factory=list)

    def req(self, method: str, path: str, token: str | None = None, **kw: Any) -> httpx.Response:
        """Send one request; path under /api/v1 unless it starts with '//'."""
        url = self.origin + (path[1:] if path.startswith("//") else "/api/v1" + path)
        headers = dict(kw.pop("headers", {}) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        r = self.client.request(method, url, headers=headers, **kw)
        for name in RL_HEADERS:
            assert name in r.headers, (method, path, r.status_code, name)
            assert r.headers[name].isdigit(), (name, r.headers[name])
        return r

    def create_agent(self, token: str | None = None, **over: Any) -> dict[str, Any]:
        """Register an agent, assert 201."""
        r = self.req("POST", "/agents", token or self.bootstrap, json=agent_body(**over))
        assert r.status_code == 201, r.text
        out: dict[str, Any] = r.json()
        return out

    def credential(self, agent_id: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """Generate a credential, assert 201."""
        r = self.req("POST", f"/agents/{agent_id}/credentials", self.bootstrap, json=body or {})
        assert r.status_code == 201, r.text
        out: dict[str, Any] = r.json()
        return out

    def token_raw(self, client_id: str, secret: str, scope: str | None = None) -> httpx.Response:
        """POST /token with the client_credentials grant."""
        data = {"grant_type": "client_credentials", "client_id": client_id, "client_secret": secret}
        if scope is not None:
            data["scope"] = scope
        return self.req("POST", "/token", data=data)

    def token(self, client_id: str, secret: str, scope: str | None = None) -> str:
        """An access token, asserting 200."""
        r = self.token_raw(client_id, secret, scope)
        assert r.status_code == 200, r.text
        out: str = r.json()["access_token"]
        return out

    def agent_with_token(
        self, scope: str | None = None, **over: Any
    ) -> tuple[dict[str, Any], dict[str, Any], str]:
        """A fresh agent, a credential, and a token for it."""
        agent = self.create_agent(**over)
        cred = self.credential(agent["agentId"])
        return agent, cred, self.token(agent["agentId"], cred["clientSecret"], scope)

    def jwks_key(self, token: str) -> Any:
        """The JWKS key that should verify this token."""
        r = self.req("GET", "//.well-known/jwks.json")
        assert r.status_code == 200, r.text
        keys = r.json()["keys"]
        kid = jwt.get_unverified_header(token).get("kid")
        chosen = [k for k in keys if kid is None or k.get("kid") == kid]
        assert chosen, "no JWKS key matches the token's kid"
        return jwt.PyJWK(chosen[0]).key

    def decode(self, token: str) -> dict[str, Any]:
        """Verify an RS256 JWT with the server's JWKS and return the claims."""
        assert jwt.get_unverified_header(token)["alg"] == "RS256"
        claims: dict[str, Any] = jwt.decode(
            token, self.jwks_key(token), algorithms=["RS256"], options={"verify_aud": False}
        )
        return claims

    def audit(self, **params: Any) -> list[dict[str, Any]]:
        """GET /audit with filters, limit 100, asserting 200."""
        params.setdefault("limit", 100)
        r = self.req("GET", "/audit", self.bootstrap, params=params)
        assert r.status_code == 200, r.text
        data: list[dict[str, Any]] = r.json()["data"]
        return data


@contextmanager
def serve(rate_limit: int | None = 0) -> Iterator[Idp]:
    """Start `verify-docs serve --port 0` and yield a client for it."""
    argv = [str(VERIFY_DOCS), "serve", "--port", "0"]
    if rate_limit is not None:
        argv += ["--rate-limit", str(rate_limit)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    found: dict[str, str] = {}

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("AgentIdP listening on "):
                found["origin"] = line.split("listening on ", 1)[1].strip()
            elif line.startswith("BOOTSTRAP_TOKEN="):
                found["token"] = line.split("=", 1)[1].strip()
            if len(found) == 2:
                break

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(15)
    try:
        assert len(found) == 2, "server did not announce itself"
        with httpx.Client(timeout=10) as client:
            yield Idp(found["origin"], found["token"], client)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()
