"""Protocol edges: routes, methods, bodies, content types, formats, health and JWKS."""

from __future__ import annotations

import re
from typing import Any

import httpx
import jwt
import pytest

from fixtures.idp import IdP, Request
from fixtures.idp.app import MAX_BODY

from .conftest import AGENT, Clock, assert_error, assert_oauth, create_agent


def test_health(idp: IdP) -> None:
    with httpx.Client(transport=idp.transport) as client:
        response = client.get(idp.origin + "/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response.headers["content-type"] == "application/json"


def test_jwks_holds_the_key_that_verifies_tokens(idp: IdP, admin: httpx.Client) -> None:
    response = admin.get(idp.origin + "/.well-known/jwks.json")
    keys = response.json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    token = idp.bootstrap_token
    assert jwt.get_unverified_header(token)["kid"] == keys[0]["kid"]
    key = jwt.PyJWK(keys[0]).key
    claims = jwt.decode(token, key, algorithms=["RS256"], options={"verify_exp": False})
    assert claims["sub"] == "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize("path", ["/nothing", "/agents/x/y/z/w/v", "/tokens"])
def test_unknown_route_is_404_not_found(admin: httpx.Client, path: str) -> None:
    assert_error(admin.get(path), 404, "NOT_FOUND")


def test_unknown_route_outside_the_api(idp: IdP) -> None:
    with httpx.Client(transport=idp.transport) as client:
        assert_error(client.get(idp.origin + "/"), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/agents"),
        ("DELETE", "/agents"),
        ("POST", "/agents/9b2f4c1e-0000-4000-8000-000000000001"),
        ("GET", "/token"),
        ("GET", "/token/revoke"),
        ("PATCH", "/audit"),
    ],
)
def test_wrong_method_is_405(admin: httpx.Client, method: str, path: str) -> None:
    response = admin.request(method, path)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response.headers["allow"]


def test_trailing_slash_is_tolerated(idp: IdP) -> None:
    # Not checked against the spec: a checker would read `/agents/` as `/agents/{agentId}`.
    headers = {"Authorization": f"Bearer {idp.bootstrap_token}"}
    with httpx.Client(transport=idp.transport, base_url=idp.base_url, headers=headers) as client:
        response = client.get("/agents/")
    assert response.status_code == 200 and response.json()["data"] == []


def test_malformed_json_is_a_400_envelope(admin: httpx.Client) -> None:
    headers = {"Content-Type": "application/json"}
    for body in (b'{"email": ', b"\xff\xfe", b"NaN", b"[1,]"):
        response = admin.post("/agents", content=body, headers=headers)
        assert_error(response, 400, "VALIDATION_ERROR", "body")


def test_wrong_content_type_is_a_400_envelope(admin: httpx.Client) -> None:
    import json

    response = admin.post(
        "/agents", content=json.dumps(AGENT), headers={"Content-Type": "text/plain"}
    )
    assert_error(response, 400, "VALIDATION_ERROR", "body")
    assert "application/json" in response.json()["details"]["reason"]
    form = admin.post("/agents", data={"email": "x@example.com"})
    assert_error(form, 400, "VALIDATION_ERROR", "body")


def test_json_with_charset_is_fine(admin: httpx.Client) -> None:
    import json

    response = admin.post(
        "/agents",
        content=json.dumps(AGENT).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 201


def test_oversized_body_is_a_400(admin: httpx.Client) -> None:
    big = b'{"owner": "' + b"x" * MAX_BODY + b'"}'
    response = admin.post("/agents", content=big, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "VALIDATION_ERROR", "body")
    token = admin.post(
        "/token", content=b"a" * (MAX_BODY + 1),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    assert_oauth(token, 400, "invalid_request")


def test_401_comes_before_body_checks(idp: IdP) -> None:
    with httpx.Client(transport=idp.transport, base_url=idp.base_url) as client:
        response = client.post(
            "/agents", content=b"{", headers={"Content-Type": "application/json"}
        )
    assert_error(response, 401, "UNAUTHORIZED")


def test_timestamps_are_utc_milliseconds(admin: httpx.Client, clock: Clock) -> None:
    clock.now = 1_795_000_000.5
    agent = create_agent(admin)
    assert agent["createdAt"] == "2026-11-18T11:06:40.500Z"
    events = admin.get("/audit").json()["data"]
    assert all(
        re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", e["timestamp"]) for e in events
    )


def test_the_core_is_transport_independent(idp: IdP) -> None:
    response = idp.handle(
        Request(
            method="GET",
            path="/api/v1/agents",
            headers={"authorization": f"Bearer {idp.bootstrap_token}"},
            client="10.1.2.3",
        )
    )
    assert response.status == 200
    assert dict(response.headers)["Content-Type"] == "application/json"


def test_an_unexpected_fault_is_a_500_envelope_not_a_crash(
    idp: IdP, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fixtures.idp import agents

    def explode(*args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(agents, "list_agents", explode)
    monkeypatch.setattr("fixtures.idp.app._ROUTES", _routes_with(explode))
    with httpx.Client(transport=idp.transport, base_url=idp.base_url) as client:
        response = client.get("/agents", headers={"Authorization": f"Bearer {idp.bootstrap_token}"})
    assert response.status_code == 500 and response.json()["code"] == "INTERNAL_ERROR"


def _routes_with(handler: Any) -> tuple[Any, ...]:
    from fixtures.idp import app

    first = app._ROUTES[0]
    patched = type(first)(first.pattern, {**first.methods, "GET": (handler, "agents:read")})
    return (patched, *app._ROUTES[1:])


def test_a_new_idp_does_no_rsa_work() -> None:
    # The bootstrap token is minted on first use, and the key is made once per process.
    idp = IdP()
    assert idp._bootstrap is None
    assert idp.base_url == "http://localhost:3000/api/v1"
    assert idp.origin == "http://localhost:3000"
    assert isinstance(idp.transport, httpx.BaseTransport)


def test_ids_are_injectable(clock: Clock) -> None:
    counter = iter(range(1000))
    idp = IdP(clock=clock, ids=lambda: f"00000000-0000-4000-8000-{next(counter):012d}")
    with httpx.Client(transport=idp.transport, base_url=idp.base_url) as client:
        client.headers["Authorization"] = f"Bearer {idp.bootstrap_token}"
        agent = create_agent(client)
    assert agent["agentId"] == "00000000-0000-4000-8000-000000000001"
