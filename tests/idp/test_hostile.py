"""Hostile input (contract, fine print 10): unpaired surrogates and NUL characters are refused
at the door in every string field, and a request either answers as documented or changes
nothing."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from fixtures.idp import IdP, Request
from fixtures.idp.wire import json_response

from .conftest import (
    AGENT,
    agent_with_token,
    assert_error,
    assert_oauth,
    create_agent,
    create_credential,
)

SURROGATE = "\ud800"
NUL = "\x00"


def _post_json(client: httpx.Client, path: str, text: str, method: str = "POST") -> httpx.Response:
    # Written by hand: the JSON escape `\ud800` is the attack, and httpx's `json=` would
    # refuse to encode a lone surrogate before it left.
    return client.request(
        method, path, content=text.encode(), headers={"Content-Type": "application/json"}
    )


def _agent_text(**overrides: Any) -> str:
    """An agent body whose strings keep their `\\uXXXX` escapes (ensure_ascii)."""
    return json.dumps({**AGENT, **overrides})


def _events(admin: httpx.Client) -> list[dict[str, Any]]:
    answer = admin.get("/audit", params={"limit": 100})
    assert answer.status_code == 200, answer.text
    events: list[dict[str, Any]] = answer.json()["data"]
    return events


def test_a_surrogate_owner_is_refused_and_poisons_nothing(admin: httpx.Client) -> None:
    response = _post_json(admin, "/agents", '{"email": "s@example.com", "agentType": "screener",'
                          ' "version": "1.0.0", "capabilities": ["a:b"], "owner": "o\\ud800",'
                          ' "deploymentEnv": "development"}')  # fmt: skip
    assert_error(response, 400, "VALIDATION_ERROR", "owner")
    assert "surrogate" in response.json()["details"]["reason"]
    listed = admin.get("/agents")
    assert listed.status_code == 200 and listed.json()["total"] == 0
    assert _events(admin) == []


@pytest.mark.parametrize("bad", [SURROGATE, NUL], ids=["surrogate", "nul"])
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("email", "a{}b@example.com"),
        ("agentType", "screener{}"),
        ("version", "1.0.0-beta{}"),
        ("capabilities", ["a:b", "c:d{}"]),
        ("owner", "team{}"),
        ("owner", "{}"),
        ("deploymentEnv", "{}staging"),
    ],
)
def test_every_agent_field_refuses_hostile_strings(
    admin: httpx.Client, field: str, value: Any, bad: str
) -> None:
    hostile = [item.format(bad) for item in value] if isinstance(value, list) else value.format(bad)
    response = _post_json(admin, "/agents", _agent_text(**{field: hostile}))
    assert_error(response, 400, "VALIDATION_ERROR", field)
    assert admin.get("/agents").json()["total"] == 0
    assert _events(admin) == []


def test_a_nul_in_an_email_address_is_refused(admin: httpx.Client) -> None:
    response = admin.post("/agents", json={**AGENT, "email": "nul\x00@example.com"})
    assert_error(response, 400, "VALIDATION_ERROR", "email")
    assert "NUL" in response.json()["details"]["reason"]


@pytest.mark.parametrize("key", ["\\ud800", "own\\u0000er"])
def test_a_hostile_field_name_is_refused_as_the_body(admin: httpx.Client, key: str) -> None:
    # The unknown-field error names the field: a name no response can carry names the body.
    text = _agent_text()[:-1] + f', "{key}": 1}}'
    assert_error(_post_json(admin, "/agents", text), 400, "VALIDATION_ERROR", "body")
    agent = create_agent(admin)
    patched = _post_json(admin, f"/agents/{agent['agentId']}", f'{{"{key}": 1}}', "PATCH")
    assert_error(patched, 400, "VALIDATION_ERROR", "body")
    credential = _post_json(admin, f"/agents/{agent['agentId']}/credentials", f'{{"{key}": 1}}')
    assert_error(credential, 400, "VALIDATION_ERROR", "body")


@pytest.mark.parametrize("bad", ["\\ud800", "\\u0000"], ids=["surrogate", "nul"])
def test_patch_refuses_hostile_strings_and_changes_nothing(admin: httpx.Client, bad: str) -> None:
    agent = create_agent(admin)
    before = _events(admin)
    for body in (f'{{"owner": "x{bad}"}}', f'{{"capabilities": ["a:{bad}"]}}',
                 f'{{"version": "2.0.0", "owner": "x{bad}"}}'):  # fmt: skip
        response = _post_json(admin, f"/agents/{agent['agentId']}", body, "PATCH")
        assert response.status_code == 400, response.text
    assert admin.get(f"/agents/{agent['agentId']}").json() == agent
    assert _events(admin) == before


@pytest.mark.parametrize("bad", ["\\ud800", "\\u0000"], ids=["surrogate", "nul"])
def test_credential_expiry_refuses_hostile_strings(admin: httpx.Client, bad: str) -> None:
    agent = create_agent(admin)
    body = f'{{"expiresAt": "2099-01-01T00:00:00Z{bad}"}}'
    response = _post_json(admin, f"/agents/{agent['agentId']}/credentials", body)
    assert_error(response, 400, "VALIDATION_ERROR", "expiresAt")
    assert admin.get(f"/agents/{agent['agentId']}/credentials").json()["total"] == 0


@pytest.mark.parametrize("field", ["grant_type", "client_id", "client_secret", "scope"])
def test_token_form_fields_refuse_nul(admin: httpx.Client, anon: httpx.Client, field: str) -> None:
    agent = create_agent(admin)
    credential = create_credential(admin, agent["agentId"])
    before = _events(admin)
    form = {
        "grant_type": "client_credentials",
        "client_id": agent["agentId"],
        "client_secret": credential["clientSecret"],
        "scope": "agents:read",
    }
    form[field] += NUL
    response = anon.post("/token", data=form)
    assert_oauth(response, 400, "invalid_request")
    assert field in response.json()["error_description"]
    assert _events(admin) == before  # no auth.failed about a client id nobody can name


def test_basic_credentials_refuse_nul(admin: httpx.Client, anon: httpx.Client) -> None:
    agent = create_agent(admin)
    before = _events(admin)
    basic = base64.b64encode(f"{agent['agentId']}\x00:secret".encode()).decode()
    response = anon.post(
        "/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert_oauth(response, 400, "invalid_request")
    assert _events(admin) == before


@pytest.mark.parametrize("path", ["/token/introspect", "/token/revoke"])
def test_introspect_and_revoke_refuse_a_nul_token(admin: httpx.Client, path: str) -> None:
    _, _, token = agent_with_token(admin)
    before = _events(admin)
    response = admin.post(path, data={"token": token + NUL})
    assert_error(response, 400, "VALIDATION_ERROR", "token")
    assert _events(admin) == before
    assert admin.post("/token/introspect", data={"token": token}).json()["active"] is True


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/agents", "owner"),
        ("/agents", "agentType"),
        ("/agents", "status"),
        ("/agents", "page"),
        ("/audit", "agentId"),
        ("/audit", "action"),
        ("/audit", "outcome"),
        ("/audit", "fromDate"),
        ("/audit", "toDate"),
        ("/audit", "limit"),
    ],
)
def test_query_parameters_refuse_nul(admin: httpx.Client, path: str, param: str) -> None:
    assert_error(admin.get(path, params={param: "x\x00"}), 400, "VALIDATION_ERROR", param)


def test_query_parameters_refuse_surrogates_through_the_app_core(idp: IdP) -> None:
    # No HTTP adapter decodes a query into a lone surrogate, but the core takes any Request.
    request = Request(
        "GET",
        "/api/v1/agents",
        query=(("owner", SURROGATE),),
        headers={"authorization": f"Bearer {idp.bootstrap_token}"},
    )
    response = idp.handle(request)
    assert response.status == 400
    assert json.loads(response.body)["details"]["field"] == "owner"


def test_the_json_writer_cannot_fail_on_a_string() -> None:
    response = json_response(200, {"owner": "o" + SURROGATE, "name": "café"})
    assert json.loads(response.body) == {"owner": "o" + SURROGATE, "name": "café"}
    # Ordinary text stays UTF-8, not escaped.
    assert "café".encode() in json_response(200, {"name": "café"}).body


def test_two_differing_content_lengths_are_400_in_process(idp: IdP) -> None:
    body = json.dumps(AGENT).encode()
    request = Request(
        "POST",
        "/api/v1/agents",
        headers={
            "authorization": f"Bearer {idp.bootstrap_token}",
            "content-type": "application/json",
            "content-length": f"{len(body)}, {len(body) + 1}",
        },
        body=body,
    )
    response = idp.handle(request)
    assert response.status == 400
    assert json.loads(response.body)["details"]["field"] == "Content-Length"
    assert dict(response.headers)["X-RateLimit-Limit"] == "100"
    same = Request(
        "POST",
        "/api/v1/agents",
        headers={**request.headers, "content-length": f"{len(body)}, {len(body)}"},
        body=body,
    )
    assert idp.handle(same).status == 201


def test_differing_content_lengths_on_token_answer_the_oauth_way(idp: IdP) -> None:
    body = b"grant_type=client_credentials&client_id=x&client_secret=y"
    response = idp.handle(
        Request(
            "POST",
            "/api/v1/token",
            headers={
                "content-type": "application/x-www-form-urlencoded",
                "content-length": f"{len(body)}, 5",
            },
            body=body,
        )
    )
    assert response.status == 400
    assert json.loads(response.body)["error"] == "invalid_request"
    assert dict(response.headers)["Cache-Control"] == "no-store"
