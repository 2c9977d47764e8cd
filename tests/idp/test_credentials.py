"""The four credential endpoints."""

from __future__ import annotations

import re

import httpx
import pytest

from fixtures.idp import IdP

from .conftest import (
    AGENT,
    Clock,
    agent_with_token,
    assert_error,
    assert_oauth,
    create_agent,
    create_credential,
    make_client,
)

SECRET = re.compile(r"^sk_live_[0-9a-f]{64}$")
MISSING_ID = "9b2f4c1e-0000-4000-8000-000000000002"


def _token_form(agent_id: str, secret: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": agent_id, "client_secret": secret}


def test_generate_returns_the_secret_once(admin: httpx.Client) -> None:
    agent = create_agent(admin)
    credential = create_credential(admin, agent["agentId"])
    assert SECRET.match(credential["clientSecret"])
    assert credential["clientId"] == agent["agentId"]
    assert credential["status"] == "active"
    assert credential["expiresAt"] is None and credential["revokedAt"] is None
    listed = admin.get(f"/agents/{agent['agentId']}/credentials").json()
    assert listed["total"] == 1
    assert "clientSecret" not in listed["data"][0]
    assert (
        credential["clientSecret"] not in admin.get(f"/agents/{agent['agentId']}/credentials").text
    )


def test_generate_with_no_body_at_all(admin: httpx.Client) -> None:
    agent = create_agent(admin)
    response = admin.post(f"/agents/{agent['agentId']}/credentials")
    assert response.status_code == 201


def test_generate_with_future_expiry(admin: httpx.Client) -> None:
    agent = create_agent(admin)
    credential = create_credential(admin, agent["agentId"], expiresAt="2030-01-01T00:00:00Z")
    assert credential["expiresAt"] == "2030-01-01T00:00:00.000Z"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"expiresAt": "2020-01-01T00:00:00Z"}, "expiresAt"),
        ({"expiresAt": "tomorrow"}, "expiresAt"),
        ({"expiresAt": 5}, "expiresAt"),
        ({"scope": "x"}, "scope"),
        ([], "body"),
    ],
)
def test_generate_validation(admin: httpx.Client, body: object, field: str) -> None:
    agent = create_agent(admin)
    response = admin.post(f"/agents/{agent['agentId']}/credentials", json=body)
    assert_error(response, 400, "VALIDATION_ERROR", field)


def test_generate_needs_an_active_agent(admin: httpx.Client) -> None:
    agent = create_agent(admin)
    path = f"/agents/{agent['agentId']}"
    admin.patch(path, json={"status": "suspended"})
    assert_error(admin.post(f"{path}/credentials", json={}), 403, "AGENT_NOT_ACTIVE")
    admin.patch(path, json={"status": "active"})
    admin.delete(path)
    assert_error(admin.post(f"{path}/credentials", json={}), 403, "AGENT_NOT_ACTIVE")


def test_unknown_agent_and_bad_ids(admin: httpx.Client) -> None:
    assert_error(admin.post(f"/agents/{MISSING_ID}/credentials", json={}), 404, "AGENT_NOT_FOUND")
    assert_error(admin.get(f"/agents/{MISSING_ID}/credentials"), 404, "AGENT_NOT_FOUND")
    assert_error(admin.get("/agents/x/credentials"), 400, "VALIDATION_ERROR", "agentId")
    agent = create_agent(admin)
    base = f"/agents/{agent['agentId']}/credentials"
    assert_error(admin.post(f"{base}/x/rotate"), 400, "VALIDATION_ERROR", "credentialId")
    assert_error(admin.delete(f"{base}/x"), 400, "VALIDATION_ERROR", "credentialId")
    assert_error(admin.post(f"{base}/{MISSING_ID}/rotate"), 404, "CREDENTIAL_NOT_FOUND")
    assert_error(admin.delete(f"{base}/{MISSING_ID}"), 404, "CREDENTIAL_NOT_FOUND")


def test_credential_of_another_agent_is_not_found(admin: httpx.Client) -> None:
    one = create_agent(admin)
    other = create_agent(admin, email="other@example.com")
    credential = create_credential(admin, other["agentId"])
    path = f"/agents/{one['agentId']}/credentials/{credential['credentialId']}"
    assert_error(admin.delete(path), 404, "CREDENTIAL_NOT_FOUND")
    assert_error(admin.post(path + "/rotate"), 404, "CREDENTIAL_NOT_FOUND")


def test_rotate_replaces_the_secret_at_once(admin: httpx.Client, anon: httpx.Client) -> None:
    agent = create_agent(admin)
    old = create_credential(admin, agent["agentId"])
    path = f"/agents/{agent['agentId']}/credentials/{old['credentialId']}/rotate"
    response = admin.post(path, json={})
    assert response.status_code == 200
    new = response.json()
    assert new["credentialId"] == old["credentialId"]
    assert SECRET.match(new["clientSecret"]) and new["clientSecret"] != old["clientSecret"]
    refused = anon.post("/token", data=_token_form(agent["agentId"], old["clientSecret"]))
    assert_oauth(refused, 401, "invalid_client")
    accepted = anon.post("/token", data=_token_form(agent["agentId"], new["clientSecret"]))
    assert accepted.status_code == 200


def test_rotate_can_set_an_expiry(admin: httpx.Client) -> None:
    agent = create_agent(admin)
    credential = create_credential(admin, agent["agentId"])
    path = f"/agents/{agent['agentId']}/credentials/{credential['credentialId']}/rotate"
    rotated = admin.post(path, json={"expiresAt": "2031-05-01T12:00:00.250Z"}).json()
    assert rotated["expiresAt"] == "2031-05-01T12:00:00.250Z"
    bad = admin.post(path, json={"expiresAt": "2001-01-01T00:00:00Z"})
    assert_error(bad, 400, "VALIDATION_ERROR", "expiresAt")


def test_rotate_needs_an_active_agent(admin: httpx.Client) -> None:
    agent = create_agent(admin)
    credential = create_credential(admin, agent["agentId"])
    admin.patch(f"/agents/{agent['agentId']}", json={"status": "suspended"})
    path = f"/agents/{agent['agentId']}/credentials/{credential['credentialId']}/rotate"
    assert_error(admin.post(path), 403, "AGENT_NOT_ACTIVE")


def test_revoke_keeps_the_agent_and_its_other_credentials(
    admin: httpx.Client, anon: httpx.Client, clock: Clock
) -> None:
    agent = create_agent(admin)
    first = create_credential(admin, agent["agentId"])
    second = create_credential(admin, agent["agentId"])
    token = anon.post("/token", data=_token_form(agent["agentId"], first["clientSecret"]))
    access = token.json()["access_token"]
    clock.advance(1)
    path = f"/agents/{agent['agentId']}/credentials/{first['credentialId']}"
    response = admin.delete(path)
    assert response.status_code == 204 and response.content == b""
    listed = admin.get(f"/agents/{agent['agentId']}/credentials").json()["data"]
    assert [c["credentialId"] for c in listed] == [first["credentialId"], second["credentialId"]]
    assert listed[0]["status"] == "revoked" and listed[0]["revokedAt"] is not None
    assert listed[1]["status"] == "active"
    assert admin.get(f"/agents/{agent['agentId']}").json()["status"] == "active"
    revoked = anon.post("/token", data=_token_form(agent["agentId"], first["clientSecret"]))
    assert_oauth(revoked, 401, "invalid_client")
    assert anon.post(
        "/token", data=_token_form(agent["agentId"], second["clientSecret"])
    ).is_success
    # Tokens issued before the revocation stay valid until they expire (decided).
    introspected = admin.post("/token/introspect", data={"token": access}).json()
    assert introspected["active"] is True
    assert_error(admin.delete(path), 409, "CREDENTIAL_ALREADY_REVOKED")
    assert_error(admin.post(path + "/rotate"), 409, "CREDENTIAL_ALREADY_REVOKED")


def test_expired_credential_lists_active_but_is_refused(
    admin: httpx.Client, anon: httpx.Client, clock: Clock
) -> None:
    agent = create_agent(admin)
    credential = create_credential(admin, agent["agentId"], expiresAt="2026-11-18T12:00:00Z")
    form = _token_form(agent["agentId"], credential["clientSecret"])
    assert anon.post("/token", data=form).status_code == 200
    clock.advance(3600)
    assert_oauth(anon.post("/token", data=form), 401, "invalid_client")
    listed = admin.get(f"/agents/{agent['agentId']}/credentials").json()["data"]
    assert listed[0]["status"] == "active"


def test_credential_endpoints_need_agents_write(admin: httpx.Client, idp: IdP) -> None:
    agent, credential, reader = agent_with_token(admin, scope="agents:read")
    base = f"/agents/{agent['agentId']}/credentials"
    with make_client(idp, reader) as client:
        assert_error(client.get(base), 403, "FORBIDDEN")
        assert_error(client.post(base, json={}), 403, "FORBIDDEN")
        assert_error(client.post(f"{base}/{credential['credentialId']}/rotate"), 403, "FORBIDDEN")
        assert_error(client.delete(f"{base}/{credential['credentialId']}"), 403, "FORBIDDEN")


def test_an_agent_may_hold_several_active_credentials(admin: httpx.Client) -> None:
    agent = create_agent(admin, **{**AGENT, "email": "many@example.com"})
    for _ in range(3):
        create_credential(admin, agent["agentId"])
    listed = admin.get(f"/agents/{agent['agentId']}/credentials", params={"limit": 2}).json()
    assert listed["total"] == 3 and len(listed["data"]) == 2
    assert all(c["status"] == "active" for c in listed["data"])
