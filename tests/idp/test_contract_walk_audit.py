"""Contract walk over real HTTP: the audit log, rate limiting and the free-tier agent limit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.idp.test_contract_walk_support import (
    Idp,
    agent_body,
    envelope,
    is_ts,
    is_uuid,
    serve,
)

__all__: list[str] = []

NIL = "11111111-1111-4111-8111-111111111111"
ACTIONS = [
    "agent.created",
    "agent.updated",
    "agent.decommissioned",
    "agent.suspended",
    "agent.reactivated",
    "token.issued",
    "token.revoked",
    "token.introspected",
    "credential.generated",
    "credential.rotated",
    "credential.revoked",
    "auth.failed",
]


@pytest.fixture(scope="module")
def idp() -> Iterator[Idp]:
    with serve(0) as server:
        yield server


def iso(moment: datetime, zone: bool = True) -> str:
    text = moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "")
    return text + "Z" if zone else text


def test_every_action_is_recorded(idp: Idp) -> None:
    aid = idp.create_agent()["agentId"]
    cred = idp.credential(aid)
    token = idp.token(aid, cred["clientSecret"])
    idp.req("POST", "/token/introspect", idp.bootstrap, data={"token": token})
    idp.req("POST", "/token/revoke", idp.bootstrap, data={"token": token})
    idp.req(
        "POST", f"/agents/{aid}/credentials/{cred['credentialId']}/rotate", idp.bootstrap, json={}
    )
    idp.req(
        "POST",
        "/token",
        data={
            "grant_type": "client_credentials",
            "client_id": aid,
            "client_secret": cred["clientSecret"],
        },
    )
    idp.req("DELETE", f"/agents/{aid}/credentials/{cred['credentialId']}", idp.bootstrap)
    idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"owner": "o2"})
    idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"status": "suspended"})
    idp.req("PATCH", f"/agents/{aid}", idp.bootstrap, json={"status": "active"})
    assert idp.req("DELETE", f"/agents/{aid}", idp.bootstrap).status_code == 204
    events = idp.audit(agentId=aid)
    assert [e["action"] for e in events] == [
        "agent.decommissioned",
        "agent.reactivated",
        "agent.suspended",
        "agent.updated",
        "credential.revoked",
        "auth.failed",
        "credential.rotated",
        "token.revoked",
        "token.introspected",
        "token.issued",
        "credential.generated",
        "agent.created",
    ]
    assert {e["action"] for e in events} == set(ACTIONS)
    stamps = [e["timestamp"] for e in events]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    for e in events:
        assert set(e) == {
            "eventId",
            "agentId",
            "action",
            "outcome",
            "ipAddress",
            "userAgent",
            "metadata",
            "timestamp",
        }
        assert is_uuid(e["eventId"]) and e["agentId"] == aid and is_ts(e["timestamp"])
        assert e["outcome"] == ("failure" if e["action"] == "auth.failed" else "success")
        assert (
            isinstance(e["ipAddress"], str)
            and isinstance(e["userAgent"], str)
            and isinstance(e["metadata"], dict)
        )


def test_event_records_caller(idp: Idp) -> None:
    r = idp.req(
        "POST",
        "/agents",
        idp.bootstrap,
        json=agent_body(),
        headers={"User-Agent": "walk-agent/1.0"},
    )
    aid = r.json()["agentId"]
    (event,) = idp.audit(agentId=aid)
    assert event["userAgent"] == "walk-agent/1.0" and event["ipAddress"] in {
        "127.0.0.1",
        "::1",
        "::ffff:127.0.0.1",
    }


def test_get_event(idp: Idp) -> None:
    aid = idp.create_agent()["agentId"]
    (event,) = idp.audit(agentId=aid)
    r = idp.req("GET", f"/audit/{event['eventId']}", idp.bootstrap)
    assert r.status_code == 200 and r.json() == event
    envelope(idp.req("GET", f"/audit/{NIL}", idp.bootstrap), 404, "AUDIT_EVENT_NOT_FOUND")
    envelope(idp.req("GET", "/audit/not-a-uuid", idp.bootstrap), 400, "VALIDATION_ERROR")


def test_filters_and_pages(idp: Idp) -> None:
    aid = idp.create_agent()["agentId"]
    secret = idp.credential(aid)["clientSecret"]
    for _ in range(3):
        idp.token(aid, secret)
    idp.token_raw(aid, "sk_live_" + "2" * 64)
    r = idp.req("GET", "/audit", idp.bootstrap, params={"agentId": aid})
    page = r.json()
    assert set(page) == {"data", "total", "page", "limit"} and (
        page["total"],
        page["page"],
        page["limit"],
    ) == (6, 1, 20)
    issued = idp.audit(agentId=aid, action="token.issued")
    assert len(issued) == 3
    failures = idp.audit(agentId=aid, outcome="failure")
    assert [e["action"] for e in failures] == ["auth.failed"]
    assert len(idp.audit(agentId=aid, outcome="success")) == 5
    p = idp.req(
        "GET", "/audit", idp.bootstrap, params={"agentId": aid, "page": 2, "limit": 4}
    ).json()
    assert (p["page"], p["limit"], p["total"], len(p["data"])) == (2, 4, 6, 2)
    assert [e["eventId"] for e in p["data"]] == [e["eventId"] for e in idp.audit(agentId=aid)][4:]
    assert (
        idp.req(
            "GET", "/audit", idp.bootstrap, params={"agentId": aid, "page": 3, "limit": 4}
        ).json()["data"]
        == []
    )
    unknown = idp.req("GET", "/audit", idp.bootstrap, params={"agentId": NIL}).json()
    assert unknown["data"] == [] and unknown["total"] == 0


def test_date_bounds(idp: Idp) -> None:
    aid = idp.create_agent()["agentId"]
    (event,) = idp.audit(agentId=aid)
    stamp = event["timestamp"]
    assert [e["eventId"] for e in idp.audit(agentId=aid, fromDate=stamp, toDate=stamp)] == [
        event["eventId"]
    ]  # inclusive
    assert [
        e["eventId"] for e in idp.audit(agentId=aid, fromDate=stamp[:-1], toDate=stamp[:-1])
    ] == [event["eventId"]]  # no zone = UTC
    moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    after = iso(moment + timedelta(milliseconds=1))
    before = iso(moment - timedelta(milliseconds=1))
    assert idp.audit(agentId=aid, fromDate=after) == []
    assert idp.audit(agentId=aid, toDate=before) == []
    in_window = iso(datetime.now(UTC) - timedelta(days=90) + timedelta(minutes=1))
    assert len(idp.audit(agentId=aid, fromDate=in_window)) == 1


@pytest.mark.parametrize(
    ("params", "field_name"),
    [
        ({"action": "agent.exploded"}, "action"),
        ({"outcome": "maybe"}, "outcome"),
        ({"fromDate": "yesterday"}, "fromDate"),
        ({"toDate": "2026-13-01T00:00:00Z"}, "toDate"),
        ({"agentId": "nope"}, "agentId"),
        ({"page": 0}, "page"),
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
    ],
)
def test_audit_bad_query(idp: Idp, params: dict[str, object], field_name: str) -> None:
    envelope(
        idp.req("GET", "/audit", idp.bootstrap, params=params), 400, "VALIDATION_ERROR", field_name
    )


def test_audit_date_refusals(idp: Idp) -> None:
    now = datetime.now(UTC)
    envelope(
        idp.req(
            "GET",
            "/audit",
            idp.bootstrap,
            params={"fromDate": iso(now), "toDate": iso(now - timedelta(hours=1))},
        ),
        400,
        "VALIDATION_ERROR",
    )
    for back in (timedelta(days=91), timedelta(days=90, minutes=1)):
        envelope(
            idp.req("GET", "/audit", idp.bootstrap, params={"fromDate": iso(now - back)}),
            400,
            "VALIDATION_ERROR",
            "fromDate",
        )


def test_rate_limit() -> None:
    with serve(None) as idp:  # the default limit, 100 a minute
        aid = idp.create_agent()["agentId"]  # bootstrap request 1
        secret = idp.credential(aid)["clientSecret"]  # bootstrap request 2
        agent_token = idp.token(aid, secret)  # client_id request 1
        remaining: list[int] = []
        resets: set[str] = set()
        for _ in range(98):
            r = idp.req("GET", "/agents", idp.bootstrap, params={"limit": 1})
            assert r.status_code == 200
            assert r.headers["X-RateLimit-Limit"] == "100"
            remaining.append(int(r.headers["X-RateLimit-Remaining"]))
            resets.add(r.headers["X-RateLimit-Reset"])
            health = idp.req("GET", "//health")  # carries the headers, not counted
            assert health.status_code == 200
        assert remaining == list(range(97, -1, -1))
        assert len(resets) == 1  # a fixed window from the client's first request
        r = idp.req("GET", "/agents", idp.bootstrap)
        envelope(r, 429, "RATE_LIMIT_EXCEEDED")
        retry = int(r.headers["Retry-After"])
        assert 0 < retry <= 60
        reset = int(r.headers["X-RateLimit-Reset"])
        assert time.time() - 1 <= reset <= time.time() + 61  # Unix epoch seconds
        assert r.headers["X-RateLimit-Remaining"] == "0"
        assert idp.req("GET", "/agents", agent_token).status_code == 200  # another client
        # the caller's address when there is no token; checked before authentication
        for _ in range(100):
            envelope(idp.req("GET", "/agents"), 401, "UNAUTHORIZED")
        envelope(idp.req("GET", "/agents"), 429, "RATE_LIMIT_EXCEEDED")
        # the client_id on POST /token; the envelope, not the OAuth shape
        other = NIL
        for _ in range(100):
            assert idp.token_raw(other, "sk_live_" + "3" * 64).status_code == 401
        r = idp.token_raw(other, "sk_live_" + "3" * 64)
        envelope(r, 429, "RATE_LIMIT_EXCEEDED")
        assert "Retry-After" in r.headers
        assert idp.token_raw(aid, secret).status_code == 200  # its own window


def test_agent_limit() -> None:
    with serve(0) as idp:
        made = [idp.create_agent() for _ in range(100)]
        taken = made[0]["email"]
        envelope(
            idp.req("POST", "/agents", idp.bootstrap, json=agent_body(version="x")),
            400,
            "VALIDATION_ERROR",
            "version",
        )
        envelope(
            idp.req("POST", "/agents", idp.bootstrap, json=agent_body(email=taken)),
            409,
            "AGENT_ALREADY_EXISTS",
        )
        body = envelope(
            idp.req("POST", "/agents", idp.bootstrap, json=agent_body()),
            403,
            "FREE_TIER_LIMIT_EXCEEDED",
        )
        assert body["details"]["limit"] == 100
        idp.req(
            "PATCH", f"/agents/{made[1]['agentId']}", idp.bootstrap, json={"status": "suspended"}
        )
        envelope(
            idp.req("POST", "/agents", idp.bootstrap, json=agent_body()),
            403,
            "FREE_TIER_LIMIT_EXCEEDED",
        )
        assert idp.req("DELETE", f"/agents/{made[2]['agentId']}", idp.bootstrap).status_code == 204
        idp.create_agent()
        envelope(
            idp.req("POST", "/agents", idp.bootstrap, json=agent_body()),
            403,
            "FREE_TIER_LIMIT_EXCEEDED",
        )
        # a decommissioned agent's email stays registered
        envelope(
            idp.req("POST", "/agents", idp.bootstrap, json=agent_body(email=made[2]["email"])),
            409,
            "AGENT_ALREADY_EXISTS",
        )
        listing = idp.req("GET", "/agents", idp.bootstrap, params={"limit": 100, "page": 2}).json()
        assert listing["total"] == 101 and len(listing["data"]) == 1
