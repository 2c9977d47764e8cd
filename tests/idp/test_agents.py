"""The five agent endpoints, their validation order and their error codes."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from fixtures.idp import IdP

from .conftest import AGENT, Clock, agent_with_token, assert_error, create_agent, make_client

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MISSING_ID = "9b2f4c1e-0000-4000-8000-000000000001"


def test_create_returns_the_agent_active_with_timestamps(admin: httpx.Client) -> None:
    response = admin.post("/agents", json=AGENT)
    assert response.status_code == 201
    assert response.headers["content-type"] == "application/json"
    agent = response.json()
    assert UUID.match(agent["agentId"])
    assert agent["status"] == "active"
    assert {k: agent[k] for k in AGENT} == AGENT
    assert ISO_MS.match(agent["createdAt"]) and agent["createdAt"] == agent["updatedAt"]
    assert admin.get(f"/agents/{agent['agentId']}").json() == agent


def test_create_times_follow_the_injected_clock(clock: Clock) -> None:
    clock.now = 1_700_000_000.123
    idp = IdP(clock=clock)
    with make_client(idp, idp.bootstrap_token) as admin:
        agent = create_agent(admin)
    assert agent["createdAt"] == "2023-11-14T22:13:20.123Z"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([], "body"),
        ("text", "body"),
        ({**AGENT, "nickname": "x"}, "nickname"),
        ({k: v for k, v in AGENT.items() if k != "email"}, "email"),
        ({**AGENT, "email": "not-an-email"}, "email"),
        ({**AGENT, "email": "a" * 250 + "@b.com"}, "email"),
        ({**AGENT, "agentType": "robot"}, "agentType"),
        ({**AGENT, "version": "1.0"}, "version"),
        ({**AGENT, "version": "01.0.0"}, "version"),
        ({**AGENT, "capabilities": []}, "capabilities"),
        ({**AGENT, "capabilities": ["read"]}, "capabilities"),
        ({**AGENT, "capabilities": "resume:read"}, "capabilities"),
        ({**AGENT, "owner": ""}, "owner"),
        ({**AGENT, "owner": "x" * 129}, "owner"),
        ({**AGENT, "deploymentEnv": "qa"}, "deploymentEnv"),
        # The first failing field in the contract's order is the one named.
        ({**AGENT, "version": "x", "email": "bad", "owner": ""}, "email"),
        ({**AGENT, "deploymentEnv": "qa", "capabilities": []}, "capabilities"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_create_validation_names_the_first_failing_field(
    admin: httpx.Client, body: Any, field: str
) -> None:
    assert_error(admin.post("/agents", json=body), 400, "VALIDATION_ERROR", field)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("version", "2.3.1-beta"),
        ("version", "1.0.0+build.5"),
        ("capabilities", ["data:*", "resume:read", "a.b-c_d:e"]),
        ("owner", "x" * 128),
        ("agentType", "custom"),
    ],
)
def test_create_accepts_valid_edge_values(admin: httpx.Client, field: str, value: Any) -> None:
    agent = create_agent(admin, **{field: value})
    assert agent[field] == value


def test_email_is_unique_case_insensitively(admin: httpx.Client) -> None:
    create_agent(admin)
    duplicate = admin.post("/agents", json={**AGENT, "email": AGENT["email"].upper()})
    assert_error(duplicate, 409, "AGENT_ALREADY_EXISTS")


def test_validation_comes_before_conflict(admin: httpx.Client) -> None:
    create_agent(admin)
    response = admin.post("/agents", json={**AGENT, "version": "bad"})
    assert_error(response, 400, "VALIDATION_ERROR", "version")


def test_list_pages_oldest_first_with_filters(admin: httpx.Client) -> None:
    made = [
        create_agent(
            admin,
            email=f"a{i}@example.com",
            owner="team-a" if i % 2 else "team-b",
            agentType="router" if i < 3 else "monitor",
        )
        for i in range(5)
    ]
    page = admin.get("/agents", params={"limit": 2, "page": 2}).json()
    assert page["total"] == 5 and page["page"] == 2 and page["limit"] == 2
    assert [a["agentId"] for a in page["data"]] == [made[2]["agentId"], made[3]["agentId"]]
    default = admin.get("/agents").json()
    assert default["page"] == 1 and default["limit"] == 20 and len(default["data"]) == 5
    past_end = admin.get("/agents", params={"page": 9}).json()
    assert past_end["data"] == [] and past_end["total"] == 5
    owned = admin.get("/agents", params={"owner": "team-a"}).json()
    assert [a["email"] for a in owned["data"]] == ["a1@example.com", "a3@example.com"]
    typed = admin.get("/agents", params={"agentType": "monitor"}).json()
    assert typed["total"] == 2
    admin.delete(f"/agents/{made[0]['agentId']}")
    gone = admin.get("/agents", params={"status": "decommissioned"}).json()
    assert [a["agentId"] for a in gone["data"]] == [made[0]["agentId"]]
    assert admin.get("/agents").json()["total"] == 5  # decommissioned agents are listed


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "-1"}, "limit"),
        ({"agentType": "robot"}, "agentType"),
        ({"status": "gone"}, "status"),
    ],
)
def test_list_rejects_bad_query(admin: httpx.Client, params: dict[str, str], field: str) -> None:
    assert_error(admin.get("/agents", params=params), 400, "VALIDATION_ERROR", field)


def test_limit_bounds_are_accepted(admin: httpx.Client) -> None:
    assert admin.get("/agents", params={"limit": 1}).status_code == 200
    assert admin.get("/agents", params={"limit": 100}).status_code == 200


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE"])
def test_non_uuid_id_is_400_and_unknown_is_404(admin: httpx.Client, method: str) -> None:
    body = {"owner": "x"} if method == "PATCH" else None
    bad = admin.request(method, "/agents/not-a-uuid", json=body)
    assert_error(bad, 400, "VALIDATION_ERROR", "agentId")
    missing = admin.request(method, f"/agents/{MISSING_ID}", json=body)
    assert_error(missing, 404, "AGENT_NOT_FOUND")


def test_patch_changes_mutable_fields(admin: httpx.Client, clock: Clock) -> None:
    agent = create_agent(admin)
    clock.advance(5)
    change = {
        "version": "1.1.0",
        "capabilities": ["data:*"],
        "owner": "new-team",
        "deploymentEnv": "production",
    }
    response = admin.patch(f"/agents/{agent['agentId']}", json=change)
    assert response.status_code == 200
    updated = response.json()
    assert {k: updated[k] for k in change} == change
    assert updated["createdAt"] == agent["createdAt"]
    assert updated["updatedAt"] > agent["updatedAt"]
    assert updated["email"] == agent["email"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ([], "body"),
        ({"email": "new@example.com"}, "email"),
        ({"agentType": "router"}, "agentType"),
        ({"status": "decommissioned"}, "status"),
        ({"status": "sleeping"}, "status"),
        ({"version": "v1"}, "version"),
        ({"agentId": MISSING_ID}, "agentId"),
        ({"owner": "ok", "color": "red"}, "color"),
    ],
)
def test_patch_validation(admin: httpx.Client, body: Any, field: str) -> None:
    agent = create_agent(admin)
    response = admin.patch(f"/agents/{agent['agentId']}", json=body)
    assert_error(response, 400, "VALIDATION_ERROR", field)


def test_patch_order_id_then_existence_then_body_then_decommissioned(admin: httpx.Client) -> None:
    assert_error(admin.patch("/agents/nope", json={}), 400, "VALIDATION_ERROR", "agentId")
    assert_error(admin.patch(f"/agents/{MISSING_ID}", json={}), 404, "AGENT_NOT_FOUND")
    agent = create_agent(admin)
    assert admin.delete(f"/agents/{agent['agentId']}").status_code == 204
    path = f"/agents/{agent['agentId']}"
    assert_error(admin.patch(path, json={}), 400, "VALIDATION_ERROR", "body")
    assert_error(admin.patch(path, json={"owner": "x"}), 409, "AGENT_ALREADY_DECOMMISSIONED")


def test_suspend_and_reactivate(admin: httpx.Client) -> None:
    agent = create_agent(admin)
    path = f"/agents/{agent['agentId']}"
    assert admin.patch(path, json={"status": "suspended"}).json()["status"] == "suspended"
    assert admin.get(path).json()["status"] == "suspended"
    assert admin.patch(path, json={"status": "active"}).json()["status"] == "active"


def test_delete_is_a_soft_decommission(admin: httpx.Client) -> None:
    agent = create_agent(admin)
    path = f"/agents/{agent['agentId']}"
    response = admin.delete(path)
    assert response.status_code == 204 and response.content == b""
    kept = admin.get(path)
    assert kept.status_code == 200 and kept.json()["status"] == "decommissioned"
    assert_error(admin.delete(path), 409, "AGENT_ALREADY_DECOMMISSIONED")


def test_scopes_guard_agent_endpoints(admin: httpx.Client, idp: IdP) -> None:
    _, _, reader = agent_with_token(admin, scope="agents:read")
    _, _, writer = agent_with_token(admin, scope="agents:write", email="w@example.com")
    with make_client(idp, reader) as read_only, make_client(idp, writer) as write_only:
        assert read_only.get("/agents").status_code == 200
        assert_error(
            read_only.post("/agents", json={**AGENT, "email": "z@example.com"}), 403, "FORBIDDEN"
        )
        assert_error(write_only.get("/agents"), 403, "FORBIDDEN")
        created = write_only.post("/agents", json={**AGENT, "email": "y@example.com"})
        assert created.status_code == 201
        agent_id = created.json()["agentId"]
        assert_error(write_only.get(f"/agents/{agent_id}"), 403, "FORBIDDEN")
        assert_error(read_only.delete(f"/agents/{agent_id}"), 403, "FORBIDDEN")
        assert_error(read_only.patch(f"/agents/{agent_id}", json={"owner": "o"}), 403, "FORBIDDEN")
