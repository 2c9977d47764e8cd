"""The audit log: the twelve actions, filters, order, pages, dates and 90-day retention."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from fixtures.idp import IdP
from fixtures.idp.instants import format_instant

from .conftest import Clock, agent_with_token, assert_error, create_agent, create_credential

OPERATOR = "00000000-0000-4000-8000-000000000000"
DAY = 86_400


def _events(admin: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = admin.get("/audit", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def _form(agent_id: str, secret: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": agent_id, "client_secret": secret}


def test_every_action_is_recorded_about_the_right_agent(
    admin: httpx.Client, anon: httpx.Client
) -> None:
    agent = create_agent(admin)
    agent_id = agent["agentId"]
    credential = create_credential(admin, agent_id)
    cred_path = f"/agents/{agent_id}/credentials/{credential['credentialId']}"
    rotated = admin.post(cred_path + "/rotate").json()
    token = anon.post("/token", data=_form(agent_id, rotated["clientSecret"])).json()
    admin.post("/token/introspect", data={"token": token["access_token"]})
    admin.post("/token/revoke", data={"token": token["access_token"]})
    anon.post("/token", data=_form(agent_id, credential["clientSecret"]))  # old secret
    admin.patch(f"/agents/{agent_id}", json={"owner": "someone-else"})
    admin.patch(f"/agents/{agent_id}", json={"status": "suspended"})
    admin.patch(f"/agents/{agent_id}", json={"status": "active"})
    admin.delete(cred_path)
    admin.delete(f"/agents/{agent_id}")
    expected = [
        ("agent.created", "success", {"agentType": "screener"}),
        ("credential.generated", "success", None),
        ("credential.rotated", "success", None),
        ("token.issued", "success", None),
        ("token.introspected", "success", {"active": True}),
        ("token.revoked", "success", None),
        ("auth.failed", "failure", None),
        ("agent.updated", "success", None),
        ("agent.suspended", "success", None),
        ("agent.reactivated", "success", None),
        ("credential.revoked", "success", None),
        ("agent.decommissioned", "success", None),
    ]
    events = _events(admin, agentId=agent_id)
    # Newest first: reversed, the log is the order things happened in.
    assert [e["action"] for e in reversed(events)] == [a for a, _, _ in expected]
    for event, (action, outcome, metadata) in zip(reversed(events), expected, strict=True):
        assert event["outcome"] == outcome, action
        assert event["agentId"] == agent_id
        assert event["ipAddress"] == "127.0.0.1"
        assert str(event["userAgent"]).startswith("python-httpx")
        if metadata is not None:
            assert event["metadata"] == metadata
    for action, _, _ in expected:
        only = _events(admin, action=action)
        assert only and all(e["action"] == action for e in only)
        single = admin.get(f"/audit/{only[0]['eventId']}")
        assert single.status_code == 200 and single.json() == only[0]


def test_patch_of_status_and_fields_records_both(admin: httpx.Client) -> None:
    agent = create_agent(admin)
    admin.patch(f"/agents/{agent['agentId']}", json={"status": "suspended", "owner": "x"})
    actions = {e["action"] for e in _events(admin, agentId=agent["agentId"])}
    assert {"agent.suspended", "agent.updated"} <= actions


def test_unauthorized_client_records_auth_failed(admin: httpx.Client, anon: httpx.Client) -> None:
    agent = create_agent(admin)
    credential = create_credential(admin, agent["agentId"])
    admin.patch(f"/agents/{agent['agentId']}", json={"status": "suspended"})
    anon.post("/token", data=_form(agent["agentId"], credential["clientSecret"]))
    failed = _events(admin, action="auth.failed", outcome="failure")
    assert [e["agentId"] for e in failed] == [agent["agentId"]]


def test_introspecting_junk_is_about_the_caller(admin: httpx.Client) -> None:
    admin.post("/token/introspect", data={"token": "junk"})
    event = _events(admin, action="token.introspected")[0]
    assert event["agentId"] == OPERATOR and event["metadata"] == {"active": False}


def test_outcome_filter_and_pages(admin: httpx.Client, anon: httpx.Client) -> None:
    for index in range(3):
        create_agent(admin, email=f"p{index}@example.com")
    anon.post("/token", data=_form("9b2f4c1e-0000-4000-8000-00000000000f", "sk_live_0"))
    assert [e["action"] for e in _events(admin, outcome="failure")] == ["auth.failed"]
    assert len(_events(admin, outcome="success")) == 3
    page = admin.get("/audit", params={"limit": 2, "page": 2}).json()
    assert page["total"] == 4 and page["page"] == 2 and page["limit"] == 2
    assert len(page["data"]) == 2
    assert admin.get("/audit", params={"page": 3, "limit": 2}).json()["data"] == []


def test_date_filters_are_inclusive(admin: httpx.Client, clock: Clock) -> None:
    first = create_agent(admin, email="d1@example.com")
    clock.advance(10)
    second = create_agent(admin, email="d2@example.com")
    clock.advance(10)
    create_agent(admin, email="d3@example.com")
    created_at = second["createdAt"]
    between = _events(admin, fromDate=created_at, toDate=created_at)
    assert [e["agentId"] for e in between] == [second["agentId"]]
    upto = _events(admin, toDate=created_at)
    assert [e["agentId"] for e in upto] == [second["agentId"], first["agentId"]]
    day = str(created_at)[:10]
    assert len(_events(admin, fromDate=day, toDate=day)) == 3
    no_zone = str(created_at)[:-1]  # a date-time without a zone is UTC
    assert [e["agentId"] for e in _events(admin, fromDate=no_zone, toDate=no_zone)] == [
        second["agentId"]
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"action": "agent.exploded"}, "action"),
        ({"outcome": "maybe"}, "outcome"),
        ({"fromDate": "yesterday"}, "fromDate"),
        ({"toDate": "2026-13-01"}, "toDate"),
        ({"fromDate": "2026-11-18T11:00:00Z", "toDate": "2026-11-18T10:00:00Z"}, "fromDate"),
        ({"agentId": "nope"}, "agentId"),
        ({"limit": "500"}, "limit"),
        ({"page": "0"}, "page"),
    ],
)
def test_bad_filters_are_rejected(admin: httpx.Client, params: dict[str, str], field: str) -> None:
    assert_error(admin.get("/audit", params=params), 400, "VALIDATION_ERROR", field)


def test_from_date_may_go_back_exactly_90_days(admin: httpx.Client, clock: Clock) -> None:
    now_ms = int(clock.now * 1000)
    exactly = format_instant(now_ms - 90 * DAY * 1000)
    assert admin.get("/audit", params={"fromDate": exactly}).status_code == 200
    bare_day = exactly[:10]
    assert admin.get("/audit", params={"fromDate": bare_day}).status_code == 200
    further = format_instant(now_ms - 90 * DAY * 1000 - 3600 * 1000)
    assert_error(
        admin.get("/audit", params={"fromDate": further}), 400, "VALIDATION_ERROR", "fromDate"
    )
    day_before = format_instant(now_ms - 91 * DAY * 1000)[:10]
    assert_error(
        admin.get("/audit", params={"fromDate": day_before}), 400, "VALIDATION_ERROR", "fromDate"
    )


def _refresh(admin: httpx.Client, operator: dict[str, str]) -> None:
    """Swap in a fresh token: the clock outruns the 24-hour bootstrap token."""
    answer = admin.post("/token", data=_form(operator["clientId"], operator["clientSecret"]))
    admin.headers["Authorization"] = "Bearer " + answer.json()["access_token"]


def test_events_older_than_90_days_disappear(admin: httpx.Client, clock: Clock) -> None:
    old = create_agent(admin, email="old@example.com")
    operator = create_credential(admin, old["agentId"])
    old_event = _events(admin, agentId=old["agentId"], action="agent.created")[0]
    clock.advance(60 * DAY)
    _refresh(admin, operator)
    young = create_agent(admin, email="young@example.com")
    clock.advance(30 * DAY)
    _refresh(admin, operator)
    assert admin.get(f"/audit/{old_event['eventId']}").status_code == 200
    clock.advance(1)
    assert_error(admin.get(f"/audit/{old_event['eventId']}"), 404, "AUDIT_EVENT_NOT_FOUND")
    remaining = _events(admin)
    assert old_event["eventId"] not in {e["eventId"] for e in remaining}
    assert young["agentId"] in {e["agentId"] for e in remaining}
    assert all(
        e["timestamp"] >= format_instant(int(clock.now * 1000) - 90 * DAY * 1000) for e in remaining
    )


def test_unknown_event_and_bad_id(admin: httpx.Client) -> None:
    missing = "9b2f4c1e-0000-4000-8000-0000000000ee"
    assert_error(admin.get(f"/audit/{missing}"), 404, "AUDIT_EVENT_NOT_FOUND")
    assert_error(admin.get("/audit/123"), 400, "VALIDATION_ERROR", "eventId")


def test_audit_needs_audit_read(admin: httpx.Client, idp: IdP) -> None:
    from .conftest import make_client

    _, _, token = agent_with_token(admin, scope="agents:read agents:write tokens:read")
    with make_client(idp, token) as client:
        assert_error(client.get("/audit"), 403, "FORBIDDEN")
        assert_error(client.get("/audit/9b2f4c1e-0000-4000-8000-0000000000ee"), 403, "FORBIDDEN")


def test_the_log_is_read_only(admin: httpx.Client) -> None:
    assert_error(admin.post("/audit", json={}), 405, "METHOD_NOT_ALLOWED")
    event_id = "9b2f4c1e-0000-4000-8000-0000000000ee"
    assert_error(admin.delete(f"/audit/{event_id}"), 405, "METHOD_NOT_ALLOWED")


def test_a_raw_plus_in_a_zone_offset_is_understood(admin: httpx.Client, clock: Clock) -> None:
    create_agent(admin)
    # curl sends `+` unencoded and form decoding turns it into a space.
    response = admin.get("/audit?fromDate=2026-11-18T11:00:00+00:00")
    assert response.status_code == 200 and response.json()["total"] == 1
    later = admin.get("/audit?fromDate=2026-11-18T11:00:00-01:00")  # 12:00 UTC, after the event
    assert later.status_code == 200 and later.json()["total"] == 0
