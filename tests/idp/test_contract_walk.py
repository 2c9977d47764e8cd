"""Contract walk over real HTTP: health, auth, errors, agents, credentials (idp-contract.md)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.idp.test_contract_walk_support import (
    ALL_SCOPES,
    OPERATOR,
    SECRET_RE,
    Idp,
    agent_body,
    envelope,
    is_ts,
    is_uuid,
    oauth_error,
    serve,
)

__all__: list[str] = []

NIL = "11111111-1111-4111-8111-111111111111"
PROTECTED = [
    ("GET", "/agents"),
    ("POST", "/agents"),
    ("GET", f"/agents/{NIL}"),
    ("PATCH", f"/agents/{NIL}"),
    ("DELETE", f"/agents/{NIL}"),
    ("POST", f"/agents/{NIL}/credentials"),
    ("GET", f"/agents/{NIL}/credentials"),
    ("POST", f"/agents/{NIL}/credentials/{NIL}/rotate"),
    ("DELETE", f"/agents/{NIL}/credentials/{NIL}"),
    ("POST", "/token/introspect"),
    ("POST", "/token/revoke"),
    ("GET", "/audit"),
    ("GET", f"/audit/{NIL}"),
]


@pytest.fixture(scope="module")
def idp() -> Iterator[Idp]:
    with serve(0) as server:
        yield server


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_health(idp: Idp) -> None:
    r = idp.req("GET", "//health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}


def test_bootstrap_token(idp: Idp) -> None:
    claims = idp.decode(idp.bootstrap)
    assert claims["sub"] == OPERATOR and claims["client_id"] == OPERATOR
    assert set(claims["scope"].split()) == set(ALL_SCOPES.split())
    assert claims["exp"] - claims["iat"] == 24 * 3600
    r = idp.req("POST", "/token/introspect", idp.bootstrap, data={"token": idp.bootstrap})
    assert r.status_code == 200 and r.json()["active"] is True and r.json()["sub"] == OPERATOR


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_missing_or_bad_bearer_is_401(idp: Idp, method: str, path: str) -> None:
    envelope(idp.req(method, path), 401, "UNAUTHORIZED")
    envelope(idp.req(method, path, "not-a-jwt"), 401, "UNAUTHORIZED")
    envelope(
        idp.req(method, path, headers={"Authorization": "Basic Zm9vOmJhcg=="}), 401, "UNAUTHORIZED"
    )


def test_wrongly_signed_token_is_401(idp: Idp) -> None:
    claims = jwt.decode(idp.bootstrap, options={"verify_signature": False})
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    header = jwt.get_unverified_header(idp.bootstrap)
    forged = jwt.encode(
        claims,
        foreign,
        algorithm="RS256",
        headers={"kid": header.get("kid")} if "kid" in header else None,
    )
    envelope(idp.req("GET", "/agents", forged), 401, "UNAUTHORIZED")
    hs = jwt.encode(claims, "k" * 32, algorithm="HS256")
    envelope(idp.req("GET", "/agents", hs), 401, "UNAUTHORIZED")


def test_scopes_are_enforced(idp: Idp) -> None:
    agent, _, read_only = idp.agent_with_token("agents:read")
    aid = agent["agentId"]
    assert idp.req("GET", "/agents", read_only).status_code == 200
    assert idp.req("GET", f"/agents/{aid}", read_only).status_code == 200
    envelope(idp.req("POST", "/agents", read_only, json=agent_body()), 403, "FORBIDDEN")
    envelope(idp.req("PATCH", f"/agents/{aid}", read_only, json={"owner": "x"}), 403, "FORBIDDEN")
    envelope(idp.req("DELETE", f"/agents/{aid}", read_only), 403, "FORBIDDEN")
    envelope(idp.req("POST", f"/agents/{aid}/credentials", read_only, json={}), 403, "FORBIDDEN")
    envelope(idp.req("GET", f"/agents/{aid}/credentials", read_only), 403, "FORBIDDEN")
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials/{NIL}/rotate", read_only, json={}),
        403,
        "FORBIDDEN",
    )
    envelope(idp.req("DELETE", f"/agents/{aid}/credentials/{NIL}", read_only), 403, "FORBIDDEN")
    envelope(
        idp.req("POST", "/token/introspect", read_only, data={"token": read_only}), 403, "FORBIDDEN"
    )
    envelope(idp.req("GET", "/audit", read_only), 403, "FORBIDDEN")
    envelope(idp.req("GET", f"/audit/{NIL}", read_only), 403, "FORBIDDEN")
    _, _, writer = idp.agent_with_token("agents:write")
    envelope(idp.req("GET", "/agents", writer), 403, "FORBIDDEN")
    assert idp.req("GET", f"/agents/{aid}/credentials", writer).status_code == 200
    _, _, introspector = idp.agent_with_token("tokens:read")
    assert (
        idp.req("POST", "/token/introspect", introspector, data={"token": read_only}).status_code
        == 200
    )
    _, _, auditor = idp.agent_with_token("audit:read")
    assert idp.req("GET", "/audit", auditor).status_code == 200
    # revoke needs any valid token
    r = idp.req("POST", "/token/revoke", read_only, data={"token": "junk"})
    assert r.status_code == 200 and r.json() == {}


def test_decided_route_codes(idp: Idp) -> None:
    envelope(idp.req("GET", "/nope", idp.bootstrap), 404, "NOT_FOUND")
    envelope(idp.req("GET", "//nope", idp.bootstrap), 404, "NOT_FOUND")
    envelope(idp.req("PUT", "/agents", idp.bootstrap, json={}), 405, "METHOD_NOT_ALLOWED")
    envelope(idp.req("POST", "/audit", idp.bootstrap, json={}), 405, "METHOD_NOT_ALLOWED")
    envelope(idp.req("GET", "/token"), 405, "METHOD_NOT_ALLOWED")
    envelope(idp.req("PUT", f"/agents/{NIL}", idp.bootstrap, json={}), 405, "METHOD_NOT_ALLOWED")


def test_register_agent(idp: Idp) -> None:
    body = agent_body(
        agentType="classifier", version="2.3.1-beta", capabilities=["resume:read", "data:*"]
    )
    r = idp.req("POST", "/agents", idp.bootstrap, json=body)
    assert r.status_code == 201
    agent = r.json()
    assert set(agent) == {*body, "agentId", "status", "createdAt", "updatedAt"}
    assert {k: agent[k] for k in body} == body
    assert is_uuid(agent["agentId"]) and agent["status"] == "active"
    assert is_ts(agent["createdAt"]) and is_ts(agent["updatedAt"])
    got = idp.req("GET", f"/agents/{agent['agentId']}", idp.bootstrap)
    assert got.status_code == 200 and got.json() == agent
    events = idp.audit(agentId=agent["agentId"], action="agent.created")
    assert len(events) == 1 and events[0]["outcome"] == "success"
    assert events[0]["metadata"].get("agentType") == "classifier"


@pytest.mark.parametrize(
    "kind",
    [
        "screener",
        "classifier",
        "orchestrator",
        "extractor",
        "summarizer",
        "router",
        "monitor",
        "custom",
    ],
)
def test_every_agent_type(idp: Idp, kind: str) -> None:
    assert idp.create_agent(agentType=kind)["agentType"] == kind


@pytest.mark.parametrize("env", ["development", "staging", "production"])
def test_every_deployment_env(idp: Idp, env: str) -> None:
    assert idp.create_agent(deploymentEnv=env)["deploymentEnv"] == env


@pytest.mark.parametrize(
    ("over", "field_name"),
    [
        ({"email": "no-at-sign"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "a b@c.de"}, "email"),
        ({"email": 5}, "email"),
        ({"email": "x" * 244 + "@example.com"}, "email"),
        ({"agentType": "robot"}, "agentType"),
        ({"version": "1.0"}, "version"),
        ({"version": "01.0.0"}, "version"),
        ({"version": "v1.0.0"}, "version"),
        ({"capabilities": []}, "capabilities"),
        ({"capabilities": ["resume"]}, "capabilities"),
        ({"capabilities": ["a:b:c"]}, "capabilities"),
        ({"capabilities": "resume:read"}, "capabilities"),
        ({"capabilities": ["data:*x"]}, "capabilities"),
        ({"owner": ""}, "owner"),
        ({"owner": "o" * 129}, "owner"),
        ({"deploymentEnv": "prod"}, "deploymentEnv"),
    ],
)
def test_register_rejects_invalid_field(idp: Idp, over: dict[str, object], field_name: str) -> None:
    envelope(
        idp.req("POST", "/agents", idp.bootstrap, json=agent_body(**over)),
        400,
        "VALIDATION_ERROR",
        field_name,
    )


def test_register_boundaries_accepted(idp: Idp) -> None:
    email = "x" * 243 + "@example.com"
    assert len(email) == 255
    assert idp.create_agent(email=email)["email"] == email
    assert idp.create_agent(owner="o" * 128)["owner"] == "o" * 128
    assert idp.create_agent(version="1.0.0+build.7")["version"] == "1.0.0+build.7"
    assert idp.create_agent(capabilities=["a_b.c-d:e_f.g-h"])["capabilities"] == ["a_b.c-d:e_f.g-h"]


@pytest.mark.parametrize(
    "missing", ["email", "agentType", "version", "capabilities", "owner", "deploymentEnv"]
)
def test_register_requires_all_six(idp: Idp, missing: str) -> None:
    body = agent_body()
    del body[missing]
    envelope(idp.req("POST", "/agents", idp.bootstrap, json=body), 400, "VALIDATION_ERROR", missing)


def test_register_validation_order(idp: Idp) -> None:
    bad = {
        "email": "x",
        "agentType": "x",
        "version": "x",
        "capabilities": [],
        "owner": "",
        "deploymentEnv": "x",
    }
    order = ["email", "agentType", "version", "capabilities", "owner", "deploymentEnv"]
    good = agent_body()
    for i, name in enumerate(order):
        body = {**{k: good[k] for k in order[:i]}, **{k: bad[k] for k in order[i:]}}
        envelope(
            idp.req("POST", "/agents", idp.bootstrap, json=body), 400, "VALIDATION_ERROR", name
        )
    # body shape, then unknown fields, then the six fields
    envelope(
        idp.req("POST", "/agents", idp.bootstrap, json=[good]), 400, "VALIDATION_ERROR", "body"
    )
    envelope(
        idp.req(
            "POST",
            "/agents",
            idp.bootstrap,
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        ),
        400,
        "VALIDATION_ERROR",
        "body",
    )
    envelope(
        idp.req("POST", "/agents", idp.bootstrap, json={**bad, "colour": "red"}),
        400,
        "VALIDATION_ERROR",
        "colour",
    )


def test_duplicate_email(idp: Idp) -> None:
    agent = idp.create_agent()
    envelope(
        idp.req("POST", "/agents", idp.bootstrap, json=agent_body(email=agent["email"])),
        409,
        "AGENT_ALREADY_EXISTS",
    )
    envelope(
        idp.req("POST", "/agents", idp.bootstrap, json=agent_body(email=agent["email"].upper())),
        409,
        "AGENT_ALREADY_EXISTS",
    )
    # validation comes before 409
    envelope(
        idp.req(
            "POST", "/agents", idp.bootstrap, json=agent_body(email=agent["email"], version="x")
        ),
        400,
        "VALIDATION_ERROR",
        "version",
    )


def test_credential_endpoints_unknown_agent(idp: Idp) -> None:
    base = f"/agents/{NIL}/credentials"
    envelope(idp.req("DELETE", f"{base}/{NIL}", idp.bootstrap), 404, "AGENT_NOT_FOUND")
    envelope(idp.req("GET", "/agents/nope/credentials", idp.bootstrap), 400, "VALIDATION_ERROR")
    aid = idp.create_agent()["agentId"]
    envelope(
        idp.req("DELETE", f"/agents/{aid}/credentials/{NIL}", idp.bootstrap),
        404,
        "CREDENTIAL_NOT_FOUND",
    )


def test_get_agent_errors(idp: Idp) -> None:
    envelope(idp.req("GET", "/agents/not-a-uuid", idp.bootstrap), 400, "VALIDATION_ERROR")
    envelope(idp.req("GET", f"/agents/{NIL}", idp.bootstrap), 404, "AGENT_NOT_FOUND")
    envelope(idp.req("DELETE", "/agents/not-a-uuid", idp.bootstrap), 400, "VALIDATION_ERROR")
    envelope(idp.req("DELETE", f"/agents/{NIL}", idp.bootstrap), 404, "AGENT_NOT_FOUND")


def test_list_agents(idp: Idp) -> None:
    owner = f"owner-{time.monotonic_ns()}"
    made = [idp.create_agent(owner=owner, agentType=t) for t in ("router", "monitor", "router")]
    r = idp.req("GET", "/agents", idp.bootstrap, params={"owner": owner})
    assert r.status_code == 200
    page = r.json()
    assert set(page) == {"data", "total", "page", "limit"}
    assert (page["total"], page["page"], page["limit"]) == (3, 1, 20)
    assert [a["agentId"] for a in page["data"]] == [a["agentId"] for a in made]  # oldest first
    routers = idp.req(
        "GET", "/agents", idp.bootstrap, params={"owner": owner, "agentType": "router"}
    ).json()
    assert [a["agentId"] for a in routers["data"]] == [made[0]["agentId"], made[2]["agentId"]]
    assert idp.req("DELETE", f"/agents/{made[1]['agentId']}", idp.bootstrap).status_code == 204
    gone = idp.req(
        "GET", "/agents", idp.bootstrap, params={"owner": owner, "status": "decommissioned"}
    ).json()
    assert [a["agentId"] for a in gone["data"]] == [made[1]["agentId"]]
    everyone = idp.req("GET", "/agents", idp.bootstrap, params={"owner": owner}).json()
    assert everyone["total"] == 3  # decommissioned agents are listed
    p2 = idp.req(
        "GET", "/agents", idp.bootstrap, params={"owner": owner, "page": 2, "limit": 2}
    ).json()
    assert (p2["page"], p2["limit"], p2["total"]) == (2, 2, 3)
    assert [a["agentId"] for a in p2["data"]] == [made[2]["agentId"]]
    past = idp.req("GET", "/agents", idp.bootstrap, params={"owner": owner, "page": 9}).json()
    assert past["data"] == [] and past["total"] == 3
    assert idp.req("GET", "/agents", idp.bootstrap, params={"limit": 100}).status_code == 200
    assert idp.req("GET", "/agents", idp.bootstrap, params={"limit": 1}).json()["limit"] == 1


@pytest.mark.parametrize(
    ("params", "field_name"),
    [
        ({"page": 0}, "page"),
        ({"page": "x"}, "page"),
        ({"page": -1}, "page"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"agentType": "robot"}, "agentType"),
        ({"status": "sleeping"}, "status"),
    ],
)
def test_list_agents_bad_query(idp: Idp, params: dict[str, object], field_name: str) -> None:
    envelope(
        idp.req("GET", "/agents", idp.bootstrap, params=params), 400, "VALIDATION_ERROR", field_name
    )


def test_patch_agent(idp: Idp) -> None:
    agent = idp.create_agent()
    aid = agent["agentId"]
    r = idp.req(
        "PATCH",
        f"/agents/{aid}",
        idp.bootstrap,
        json={
            "version": "1.1.0",
            "capabilities": ["x:y"],
            "owner": "new",
            "deploymentEnv": "production",
        },
    )
    assert r.status_code == 200
    out = r.json()
    assert (out["version"], out["capabilities"], out["owner"], out["deploymentEnv"]) == (
        "1.1.0",
        ["x:y"],
        "new",
        "production",
    )
    assert out["createdAt"] == agent["createdAt"] and out["updatedAt"] >= agent["updatedAt"]
    assert out["email"] == agent["email"] and out["status"] == "active"
    actions = [e["action"] for e in idp.audit(agentId=aid)]
    assert actions == ["agent.updated", "agent.created"]
    for bad, name in [
        ({"email": "z@z.io"}, "email"),
        ({"agentType": "router"}, "agentType"),
        ({"status": "decommissioned"}, "status"),
        ({"status": "bogus"}, "status"),
        ({"version": "1"}, "version"),
        ({"owner": ""}, "owner"),
    ]:
        envelope(
            idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json=bad),
            400,
            "VALIDATION_ERROR",
            name,
        )
    envelope(
        idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={}), 400, "VALIDATION_ERROR", "body"
    )
    envelope(
        idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json=[1]), 400, "VALIDATION_ERROR", "body"
    )
    envelope(
        idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"agentId": NIL}),
        400,
        "VALIDATION_ERROR",
    )
    envelope(
        idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"colour": "red"}),
        400,
        "VALIDATION_ERROR",
    )


def test_patch_status_audit(idp: Idp) -> None:
    aid = idp.create_agent()["agentId"]
    r = idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"status": "suspended"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    assert [e["action"] for e in idp.audit(agentId=aid)] == ["agent.suspended", "agent.created"]
    r = idp.req(
        "PATCH", f"/agents/{aid}", idp.bootstrap, json={"status": "active", "owner": "both"}
    )
    assert r.status_code == 200 and r.json()["status"] == "active"
    newest = [e["action"] for e in idp.audit(agentId=aid)][:2]
    assert sorted(newest) == ["agent.reactivated", "agent.updated"]


def test_patch_check_order(idp: Idp) -> None:
    envelope(
        idp.req("PATCH", "/agents/not-a-uuid", idp.bootstrap, json={}), 400, "VALIDATION_ERROR"
    )
    envelope(idp.req("PATCH", f"/agents/{NIL}", idp.bootstrap, json={}), 404, "AGENT_NOT_FOUND")
    aid = idp.create_agent()["agentId"]
    r = idp.req("DELETE", f"/agents/{aid}", idp.bootstrap)
    assert r.status_code == 204 and r.content == b""
    envelope(
        idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={}), 400, "VALIDATION_ERROR", "body"
    )
    envelope(
        idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"owner": "x"}),
        409,
        "AGENT_ALREADY_DECOMMISSIONED",
    )
    envelope(
        idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"status": "active"}),
        409,
        "AGENT_ALREADY_DECOMMISSIONED",
    )


def test_decommission(idp: Idp) -> None:
    agent, cred, token = idp.agent_with_token()
    aid = agent["agentId"]
    r = idp.req("DELETE", f"/agents/{aid}", idp.bootstrap)
    assert r.status_code == 204 and r.content == b""
    got = idp.req("GET", f"/agents/{aid}", idp.bootstrap).json()
    assert got["status"] == "decommissioned" and got["email"] == agent["email"]
    envelope(
        idp.req("DELETE", f"/agents/{aid}", idp.bootstrap), 409, "AGENT_ALREADY_DECOMMISSIONED"
    )
    creds = idp.req("GET", f"/agents/{aid}/credentials", idp.bootstrap).json()["data"]
    assert [c["status"] for c in creds] == ["active"]  # keeps its own status
    oauth_error(idp.token_raw(aid, cred["clientSecret"]), 403, "unauthorized_client")
    envelope(idp.req("GET", "/agents", token), 401, "UNAUTHORIZED")
    assert idp.req("POST", "/token/introspect", idp.bootstrap, data={"token": token}).json() == {
        "active": False
    }
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials", idp.bootstrap, json={}),
        403,
        "AGENT_NOT_ACTIVE",
    )
    envelope(
        idp.req(
            "POST",
            f"/agents/{aid}/credentials/{cred['credentialId']}/rotate",
            idp.bootstrap,
            json={},
        ),
        403,
        "AGENT_NOT_ACTIVE",
    )
    assert [e["action"] for e in idp.audit(agentId=aid, action="agent.decommissioned")] == [
        "agent.decommissioned"
    ]


def test_generate_and_list_credentials(idp: Idp) -> None:
    aid = idp.create_agent()["agentId"]
    r = idp.req("POST", f"/agents/{aid}/credentials", idp.bootstrap, json={})
    assert r.status_code == 201
    cred = r.json()
    assert set(cred) == {
        "credentialId",
        "clientId",
        "status",
        "createdAt",
        "expiresAt",
        "revokedAt",
        "clientSecret",
    }
    assert is_uuid(cred["credentialId"]) and cred["clientId"] == aid and cred["status"] == "active"
    assert is_ts(cred["createdAt"]) and cred["expiresAt"] is None and cred["revokedAt"] is None
    assert SECRET_RE.match(cred["clientSecret"])
    future = iso(datetime.now(UTC) + timedelta(days=30))
    second = idp.credential(aid, {"expiresAt": future})
    assert second["expiresAt"] == future and second["clientSecret"] != cred["clientSecret"]
    page = idp.req("GET", f"/agents/{aid}/credentials", idp.bootstrap).json()
    assert set(page) == {"data", "total", "page", "limit"} and page["total"] == 2
    assert [c["credentialId"] for c in page["data"]] == [
        cred["credentialId"],
        second["credentialId"],
    ]
    assert all("clientSecret" not in c and is_ts(c["createdAt"]) for c in page["data"])
    # several active credentials all work
    assert idp.token_raw(aid, cred["clientSecret"]).status_code == 200
    assert idp.token_raw(aid, second["clientSecret"]).status_code == 200
    assert [e["action"] for e in idp.audit(agentId=aid, action="credential.generated")] == [
        "credential.generated"
    ] * 2
    p = idp.req(
        "GET", f"/agents/{aid}/credentials", idp.bootstrap, params={"page": 2, "limit": 1}
    ).json()
    assert [c["credentialId"] for c in p["data"]] == [second["credentialId"]] and p["limit"] == 1
    envelope(
        idp.req("GET", f"/agents/{aid}/credentials", idp.bootstrap, params={"limit": 101}),
        400,
        "VALIDATION_ERROR",
        "limit",
    )


def test_generate_credential_errors(idp: Idp) -> None:
    aid = idp.create_agent()["agentId"]
    past = iso(datetime.now(UTC) - timedelta(days=1))
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials", idp.bootstrap, json={"expiresAt": past}),
        400,
        "VALIDATION_ERROR",
        "expiresAt",
    )
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials", idp.bootstrap, json={"expiresAt": "soon"}),
        400,
        "VALIDATION_ERROR",
        "expiresAt",
    )
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials", idp.bootstrap, json={"colour": 1}),
        400,
        "VALIDATION_ERROR",
    )
    envelope(
        idp.req("POST", "/agents/nope/credentials", idp.bootstrap, json={}), 400, "VALIDATION_ERROR"
    )
    envelope(
        idp.req("POST", f"/agents/{NIL}/credentials", idp.bootstrap, json={}),
        404,
        "AGENT_NOT_FOUND",
    )
    envelope(idp.req("GET", f"/agents/{NIL}/credentials", idp.bootstrap), 404, "AGENT_NOT_FOUND")
    idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"status": "suspended"})
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials", idp.bootstrap, json={}),
        403,
        "AGENT_NOT_ACTIVE",
    )


def test_rotate(idp: Idp) -> None:
    agent, cred, token = idp.agent_with_token()
    aid, cid = agent["agentId"], cred["credentialId"]
    r = idp.req("POST", f"/agents/{aid}/credentials/{cid}/rotate", idp.bootstrap, json={})
    assert r.status_code == 200
    new = r.json()
    assert new["credentialId"] == cid and new["clientId"] == aid and new["status"] == "active"
    assert SECRET_RE.match(new["clientSecret"]) and new["clientSecret"] != cred["clientSecret"]
    oauth_error(idp.token_raw(aid, cred["clientSecret"]), 401, "invalid_client")
    assert idp.token_raw(aid, new["clientSecret"]).status_code == 200
    assert idp.req("GET", "/agents", token).status_code == 200  # tokens survive rotation
    future = iso(datetime.now(UTC) + timedelta(days=3))
    again = idp.req(
        "POST", f"/agents/{aid}/credentials/{cid}/rotate", idp.bootstrap, json={"expiresAt": future}
    )
    assert again.status_code == 200 and again.json()["expiresAt"] == future
    assert len(idp.audit(agentId=aid, action="credential.rotated")) == 2
    listed = idp.req("GET", f"/agents/{aid}/credentials", idp.bootstrap).json()["data"]
    assert len(listed) == 1 and "clientSecret" not in listed[0]
    other = idp.create_agent()["agentId"]
    envelope(
        idp.req("POST", f"/agents/{other}/credentials/{cid}/rotate", idp.bootstrap, json={}),
        404,
        "CREDENTIAL_NOT_FOUND",
    )
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials/{NIL}/rotate", idp.bootstrap, json={}),
        404,
        "CREDENTIAL_NOT_FOUND",
    )
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials/nope/rotate", idp.bootstrap, json={}),
        400,
        "VALIDATION_ERROR",
    )
    envelope(
        idp.req("POST", f"/agents/{NIL}/credentials/{cid}/rotate", idp.bootstrap, json={}),
        404,
        "AGENT_NOT_FOUND",
    )
    idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"status": "suspended"})
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials/{cid}/rotate", idp.bootstrap, json={}),
        403,
        "AGENT_NOT_ACTIVE",
    )


def test_revoke_credential(idp: Idp) -> None:
    agent, cred, token = idp.agent_with_token()
    aid, cid = agent["agentId"], cred["credentialId"]
    spare = idp.credential(aid)
    r = idp.req("DELETE", f"/agents/{aid}/credentials/{cid}", idp.bootstrap)
    assert r.status_code == 204 and r.content == b""
    listed = {
        c["credentialId"]: c
        for c in idp.req("GET", f"/agents/{aid}/credentials", idp.bootstrap).json()["data"]
    }
    assert listed[cid]["status"] == "revoked" and is_ts(listed[cid]["revokedAt"])
    assert listed[spare["credentialId"]]["status"] == "active"
    oauth_error(idp.token_raw(aid, cred["clientSecret"]), 401, "invalid_client")
    assert idp.token_raw(aid, spare["clientSecret"]).status_code == 200
    assert idp.req("GET", f"/agents/{aid}", idp.bootstrap).json()["status"] == "active"
    assert idp.req("GET", "/agents", token).status_code == 200  # issued tokens stay valid
    assert (
        idp.req("POST", "/token/introspect", idp.bootstrap, data={"token": token}).json()["active"]
        is True
    )
    envelope(
        idp.req("DELETE", f"/agents/{aid}/credentials/{cid}", idp.bootstrap),
        409,
        "CREDENTIAL_ALREADY_REVOKED",
    )
    envelope(
        idp.req("POST", f"/agents/{aid}/credentials/{cid}/rotate", idp.bootstrap, json={}),
        409,
        "CREDENTIAL_ALREADY_REVOKED",
    )
    other = idp.create_agent()["agentId"]
    envelope(
        idp.req("DELETE", f"/agents/{other}/credentials/{spare['credentialId']}", idp.bootstrap),
        404,
        "CREDENTIAL_NOT_FOUND",
    )
    envelope(
        idp.req("DELETE", f"/agents/{aid}/credentials/nope", idp.bootstrap), 400, "VALIDATION_ERROR"
    )
    assert [e["action"] for e in idp.audit(agentId=aid, action="credential.revoked")] == [
        "credential.revoked"
    ]


def test_expired_credential(idp: Idp) -> None:
    aid = idp.create_agent()["agentId"]
    soon = datetime.now(UTC) + timedelta(seconds=1.5)
    cred = idp.credential(aid, {"expiresAt": iso(soon)})
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.3)
    oauth_error(idp.token_raw(aid, cred["clientSecret"]), 401, "invalid_client")
    listed = idp.req("GET", f"/agents/{aid}/credentials", idp.bootstrap).json()["data"]
    assert [c["status"] for c in listed] == ["active"]
