"""POST /token, introspection, revocation, and what makes a bearer token refused."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from fixtures.idp import IdP
from fixtures.idp.keys import SigningKey

from .conftest import (
    Clock,
    agent_with_token,
    assert_error,
    assert_oauth,
    create_agent,
    create_credential,
    make_client,
)

ALL = "agents:read agents:write tokens:read audit:read"
OPERATOR = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def client_pair(admin: httpx.Client) -> tuple[str, str]:
    agent = create_agent(admin)
    credential = create_credential(admin, agent["agentId"])
    return agent["agentId"], credential["clientSecret"]


def _form(agent_id: str, secret: str, **extra: str) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": agent_id,
        "client_secret": secret,
        **extra,
    }


def _public_key(idp: IdP, anon: httpx.Client) -> Any:
    jwks = anon.get(idp.origin + "/.well-known/jwks.json").json()
    return jwt.PyJWK(jwks["keys"][0]).key


def test_issue_token_with_all_scopes_by_default(
    anon: httpx.Client, idp: IdP, client_pair: tuple[str, str], clock: Clock
) -> None:
    agent_id, secret = client_pair
    response = anon.post("/token", data=_form(agent_id, secret))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600 and body["scope"] == ALL
    token = body["access_token"]
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    claims = jwt.decode(
        token, _public_key(idp, anon), algorithms=["RS256"], options={"verify_exp": False}
    )
    assert claims["sub"] == agent_id and claims["client_id"] == agent_id
    assert claims["scope"] == ALL
    assert claims["iat"] == int(clock.now) and claims["exp"] == claims["iat"] + 3600
    assert uuid.UUID(claims["jti"])


@pytest.mark.parametrize(
    ("scope", "granted"),
    [
        ("audit:read agents:read", "audit:read agents:read"),
        ("tokens:read", "tokens:read"),
        ("", ALL),
        ("agents:read  agents:read", "agents:read"),
    ],
)
def test_scope_is_granted_in_the_order_asked(
    anon: httpx.Client, client_pair: tuple[str, str], scope: str, granted: str
) -> None:
    response = anon.post("/token", data=_form(*client_pair, scope=scope))
    assert response.json()["scope"] == granted


def test_basic_authentication(anon: httpx.Client, client_pair: tuple[str, str]) -> None:
    agent_id, secret = client_pair
    data = {"grant_type": "client_credentials"}
    assert anon.post("/token", data=data, auth=(agent_id, secret)).status_code == 200
    wrong = anon.post("/token", data=data, auth=(agent_id, "sk_live_" + "0" * 64))
    assert_oauth(wrong, 401, "invalid_client")
    assert "basic" in wrong.headers["www-authenticate"].lower()


GRANT = "client_credentials"


@pytest.mark.parametrize(
    ("body", "error", "status"),
    [
        ({"client_id": "A", "client_secret": "B"}, "invalid_request", 400),
        ({"grant_type": "", "client_id": "A", "client_secret": "B"}, "invalid_request", 400),
        ({"grant_type": GRANT, "client_secret": "B"}, "invalid_request", 400),
        ({"grant_type": GRANT, "client_id": "A"}, "invalid_request", 400),
        ({"grant_type": GRANT, "client_id": "A", "client_secret": ""}, "invalid_request", 400),
        ({"grant_type": "password", "client_id": "A", "client_secret": "B"},
         "unsupported_grant_type", 400),
        ({"grant_type": "password"}, "unsupported_grant_type", 400),
        ({"grant_type": GRANT, "client_id": "A", "client_secret": "B", "scope": "admin"},
         "invalid_scope", 400),
        ({"grant_type": GRANT, "client_id": "A", "client_secret": "B"}, "invalid_client", 401),
    ],
)  # fmt: skip
def test_token_request_errors(
    anon: httpx.Client, client_pair: tuple[str, str], body: dict[str, str], error: str, status: int
) -> None:
    agent_id = client_pair[0]
    wrong_secret = "sk_live_" + "1" * 64
    filled = {k: v.replace("A", agent_id).replace("B", wrong_secret) for k, v in body.items()}
    assert_oauth(anon.post("/token", data=filled), status, error)


def test_repeated_parameter_is_invalid_request(
    anon: httpx.Client, client_pair: tuple[str, str]
) -> None:
    agent_id, secret = client_pair
    content = (
        f"grant_type=client_credentials&client_id={agent_id}"
        f"&client_id={agent_id}&client_secret={secret}"
    )
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    assert_oauth(anon.post("/token", content=content, headers=headers), 400, "invalid_request")


def test_wrong_content_type_is_invalid_request(
    anon: httpx.Client, client_pair: tuple[str, str]
) -> None:
    assert_oauth(anon.post("/token", json=_form(*client_pair)), 400, "invalid_request")


def test_syntax_is_checked_before_the_client(anon: httpx.Client) -> None:
    response = anon.post("/token", data=_form(str(uuid.uuid4()), "nope", scope="bogus"))
    assert_oauth(response, 400, "invalid_scope")


@pytest.mark.parametrize("client_id", ["not-a-uuid", "9b2f4c1e-0000-4000-8000-00000000abcd"])
def test_unknown_client_is_invalid_client(anon: httpx.Client, client_id: str) -> None:
    assert_oauth(
        anon.post("/token", data=_form(client_id, "sk_live_" + "2" * 64)), 401, "invalid_client"
    )


def test_wrong_secret_is_invalid_client(anon: httpx.Client, client_pair: tuple[str, str]) -> None:
    agent_id, secret = client_pair
    assert_oauth(
        anon.post("/token", data=_form(agent_id, secret[:-1] + "x")), 401, "invalid_client"
    )


@pytest.mark.parametrize("change", ["suspend", "decommission"])
def test_inactive_agent_is_unauthorized_client(
    admin: httpx.Client, anon: httpx.Client, client_pair: tuple[str, str], change: str
) -> None:
    agent_id, secret = client_pair
    if change == "suspend":
        admin.patch(f"/agents/{agent_id}", json={"status": "suspended"})
    else:
        admin.delete(f"/agents/{agent_id}")
    assert_oauth(anon.post("/token", data=_form(agent_id, secret)), 403, "unauthorized_client")
    # Client authentication comes first: a wrong secret is still invalid_client.
    assert_oauth(anon.post("/token", data=_form(agent_id, "sk_live_x")), 401, "invalid_client")


def test_token_lifetime_is_3600_seconds(admin: httpx.Client, idp: IdP, clock: Clock) -> None:
    _, _, token = agent_with_token(admin)
    with make_client(idp, token) as agent:
        clock.advance(3599)
        assert agent.get("/agents").status_code == 200
        assert admin.post("/token/introspect", data={"token": token}).json()["active"] is True
        clock.advance(1)
        assert_error(agent.get("/agents"), 401, "UNAUTHORIZED")
    assert admin.post("/token/introspect", data={"token": token}).json() == {"active": False}


def test_introspection_of_a_live_token(admin: httpx.Client) -> None:
    agent, _, token = agent_with_token(admin, scope="agents:read")
    body = admin.post("/token/introspect", data={"token": token}).json()
    claims = jwt.decode(token, options={"verify_signature": False})
    assert body == {
        "active": True,
        "sub": agent["agentId"],
        "client_id": agent["agentId"],
        "scope": "agents:read",
        "token_type": "Bearer",
        "exp": claims["exp"],
        "iat": claims["iat"],
        "jti": claims["jti"],
    }


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "eyJhbGciOiJub25lIn0.e30."])
def test_introspection_of_junk_is_exactly_inactive(admin: httpx.Client, token: str) -> None:
    assert admin.post("/token/introspect", data={"token": token}).json() == {"active": False}


def test_introspect_and_revoke_need_the_token_parameter(admin: httpx.Client) -> None:
    for path in ("/token/introspect", "/token/revoke"):
        assert_error(admin.post(path, data={}), 400, "VALIDATION_ERROR", "token")
        assert_error(admin.post(path, data={"token": ""}), 400, "VALIDATION_ERROR", "token")
        assert_error(admin.post(path, json={"token": "x"}), 400, "VALIDATION_ERROR")


def test_introspection_needs_tokens_read(admin: httpx.Client, idp: IdP) -> None:
    _, _, token = agent_with_token(admin, scope="agents:read")
    with make_client(idp, token) as client:
        assert_error(client.post("/token/introspect", data={"token": token}), 403, "FORBIDDEN")
        # Revocation needs any valid token (decided).
        assert client.post("/token/revoke", data={"token": token}).json() == {}
        assert_error(client.get("/agents"), 401, "UNAUTHORIZED")


def test_revocation_refuses_the_token_at_once(admin: httpx.Client, idp: IdP) -> None:
    _, _, token = agent_with_token(admin)
    with make_client(idp, token) as agent:
        assert agent.get("/agents").status_code == 200
        response = admin.post("/token/revoke", data={"token": token})
        assert response.status_code == 200 and response.json() == {}
        assert_error(agent.get("/agents"), 401, "UNAUTHORIZED")
    assert admin.post("/token/introspect", data={"token": token}).json() == {"active": False}
    assert admin.post("/token/revoke", data={"token": "never-issued"}).json() == {}


def test_suspension_refuses_tokens_until_reactivation(admin: httpx.Client, idp: IdP) -> None:
    agent, _, token = agent_with_token(admin)
    path = f"/agents/{agent['agentId']}"
    with make_client(idp, token) as client:
        admin.patch(path, json={"status": "suspended"})
        assert_error(client.get("/agents"), 401, "UNAUTHORIZED")
        assert admin.post("/token/introspect", data={"token": token}).json() == {"active": False}
        admin.patch(path, json={"status": "active"})
        assert client.get("/agents").status_code == 200
        admin.delete(path)
        assert_error(client.get("/agents"), 401, "UNAUTHORIZED")
        admin.patch(path, json={"status": "active"})  # 409: decommission is for good
        assert_error(client.get("/agents"), 401, "UNAUTHORIZED")


def test_bootstrap_token(admin: httpx.Client, idp: IdP, anon: httpx.Client, clock: Clock) -> None:
    token = idp.bootstrap_token
    claims = jwt.decode(
        token, _public_key(idp, anon), algorithms=["RS256"], options={"verify_exp": False}
    )
    assert claims["sub"] == claims["client_id"] == OPERATOR
    assert claims["scope"] == ALL and claims["exp"] - claims["iat"] == 24 * 3600
    assert admin.post("/token/introspect", data={"token": token}).json()["sub"] == OPERATOR
    clock.advance(24 * 3600)
    assert_error(admin.get("/agents"), 401, "UNAUTHORIZED")


def test_bootstrap_token_is_revocable(idp: IdP) -> None:
    with make_client(idp, idp.bootstrap_token) as admin:
        assert admin.post("/token/revoke", data={"token": idp.bootstrap_token}).status_code == 200
        assert_error(admin.get("/agents"), 401, "UNAUTHORIZED")


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _forgeries(idp: IdP, token: str) -> dict[str, str]:
    claims = jwt.decode(token, options={"verify_signature": False})
    header, payload, signature = token.split(".")
    public_pem = SigningKey.from_private(idp_private(idp)).public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    foreign = SigningKey.generate()
    escalated = {**claims, "sub": claims["sub"], "scope": ALL}
    return {
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(escalated)}.",
        "HS256 with the public key": _hs256(escalated, public_pem),
        "tampered payload": f"{header}.{_b64(escalated)}.{signature}",
        "tampered signature": f"{header}.{payload}.{signature[:-4]}AAAA",
        "foreign key": jwt.encode(claims, foreign.private, algorithm="RS256"),
        "not a JWT": "hello",
    }


def _hs256(claims: dict[str, Any], secret: bytes) -> str:
    import hashlib
    import hmac

    signing_input = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(claims)}"
    mac = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def idp_private(idp: IdP) -> Any:
    from fixtures.idp.keys import process_key

    return process_key().private


@pytest.mark.parametrize(
    "kind",
    [
        "alg none",
        "HS256 with the public key",
        "tampered payload",
        "tampered signature",
        "foreign key",
        "not a JWT",
    ],
)
def test_forged_tokens_are_refused(admin: httpx.Client, idp: IdP, kind: str) -> None:
    _, _, token = agent_with_token(admin, scope="agents:read")
    forged = _forgeries(idp, token)[kind]
    with make_client(idp, forged) as client:
        assert_error(client.get("/agents"), 401, "UNAUTHORIZED")
    assert admin.post("/token/introspect", data={"token": forged}).json() == {"active": False}


def test_a_token_of_another_idp_is_unknown(admin: httpx.Client, clock: Clock) -> None:
    other = IdP(clock=clock)
    with make_client(other, admin.headers["authorization"].split()[1]) as client:
        assert_error(client.get("/agents"), 401, "UNAUTHORIZED")


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer ", "Basic abc", "Token xyz", "Bearer a b"]
)
def test_missing_or_malformed_authorization(idp: IdP, header: str | None) -> None:
    with make_client(idp) as client:
        headers = {"Authorization": header} if header is not None else {}
        response = client.get("/agents", headers=headers)
        assert_error(response, 401, "UNAUTHORIZED")
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_the_bearer_scheme_is_case_insensitive(idp: IdP) -> None:
    with make_client(idp) as client:
        response = client.get("/agents", headers={"Authorization": "bearer " + idp.bootstrap_token})
        assert response.status_code == 200
