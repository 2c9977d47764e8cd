"""A response is fully built before any state change is committed (contract, fine print 10):
when building the answer fails, the request answers 500 and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from fixtures.idp import IdP, agents, credentials, oauth
from fixtures.idp.wire import Response

from .conftest import AGENT, agent_with_token, create_agent, create_credential, make_client


class _Broken(RuntimeError):
    """Stands for any failure to build an answer (the surrogate's UnicodeEncodeError was one)."""


def _break(monkeypatch: pytest.MonkeyPatch, module: object) -> None:
    def failing(status: int, payload: object, headers: object = ()) -> Response:
        raise _Broken(status)

    monkeypatch.setattr(module, "json_response", failing)


def _state(idp: IdP) -> dict[str, Any]:
    """Everything a client can see, read with the bootstrap token (rate limit off)."""
    with make_client(idp, idp.bootstrap_token) as admin:
        listed = admin.get("/agents", params={"limit": 100}).json()["data"]
        return {
            "agents": listed,
            "credentials": {
                agent["agentId"]: admin.get(f"/agents/{agent['agentId']}/credentials").json()
                for agent in listed
            },
            "audit": admin.get("/audit", params={"limit": 100}).json(),
        }


Scenario = Callable[[httpx.Client, dict[str, Any]], httpx.Response]


def _setup(idp: IdP) -> dict[str, Any]:
    with make_client(idp, idp.bootstrap_token) as admin:
        agent, credential, token = agent_with_token(admin)
    return {"agent": agent, "credential": credential, "token": token}


def _token_form(world: dict[str, Any]) -> dict[str, str]:
    return {
        "grant_type": "client_credentials",
        "client_id": world["agent"]["agentId"],
        "client_secret": world["credential"]["clientSecret"],
    }


SCENARIOS: list[tuple[str, object, Scenario]] = [
    ("create agent", agents,
     lambda c, w: c.post("/agents", json={**AGENT, "email": "new@example.com"})),
    ("patch agent", agents,
     lambda c, w: c.patch(f"/agents/{w['agent']['agentId']}", json={"owner": "other"})),
    ("suspend agent", agents,
     lambda c, w: c.patch(f"/agents/{w['agent']['agentId']}", json={"status": "suspended"})),
    ("generate credential", credentials,
     lambda c, w: c.post(f"/agents/{w['agent']['agentId']}/credentials", json={})),
    ("rotate credential", credentials,
     lambda c, w: c.post(f"/agents/{w['agent']['agentId']}/credentials/"
                         f"{w['credential']['credentialId']}/rotate", json={})),
    ("issue token", oauth, lambda c, w: c.post("/token", data=_token_form(w))),
    ("introspect token", oauth,
     lambda c, w: c.post("/token/introspect", data={"token": w["token"]})),
    ("revoke token", oauth, lambda c, w: c.post("/token/revoke", data={"token": w["token"]})),
]  # fmt: skip


@pytest.mark.parametrize(
    ("module", "scenario"),
    [(module, scenario) for _, module, scenario in SCENARIOS],
    ids=[name for name, _, _ in SCENARIOS],
)
def test_an_answer_that_cannot_be_built_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, module: object, scenario: Scenario
) -> None:
    idp = IdP(rate_limit=0)
    world = _setup(idp)
    before = _state(idp)
    _break(monkeypatch, module)
    with _plain(idp) as client:
        answer = scenario(client, world)
    monkeypatch.undo()
    assert answer.status_code == 500, answer.text
    assert _state(idp) == before
    with make_client(idp, idp.bootstrap_token) as admin:
        # The token still introspects as live and the secret still buys a token: nothing was
        # revoked, rotated or counted.
        assert admin.post("/token/introspect", data={"token": world["token"]}).json()["active"]
        assert admin.post("/token", data=_token_form(world)).status_code == 200


def _plain(idp: IdP) -> httpx.Client:
    """A client without the OpenAPI check: a 500 is no operation of the description."""
    headers = {"Authorization": f"Bearer {idp.bootstrap_token}"}
    return httpx.Client(transport=idp.transport, base_url=idp.base_url, headers=headers)


def test_a_patch_that_fails_to_answer_leaves_the_stored_agent_untouched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    idp = IdP(rate_limit=0)
    with make_client(idp, idp.bootstrap_token) as admin:
        agent = create_agent(admin)
        create_credential(admin, agent["agentId"])
    _break(monkeypatch, agents)
    with _plain(idp) as client:
        failed = client.patch(
            f"/agents/{agent['agentId']}",
            json={"capabilities": ["x:y"], "version": "9.9.9", "status": "suspended"},
        )
    monkeypatch.undo()
    assert failed.status_code == 500
    with make_client(idp, idp.bootstrap_token) as admin:
        assert admin.get(f"/agents/{agent['agentId']}").json() == agent
