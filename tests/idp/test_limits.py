"""The request-rate limit and the free-tier limits, driven by the injected clock."""

from __future__ import annotations

import math
import uuid

import httpx
import pytest

from fixtures.idp import IdP, oauth
from fixtures.idp.ratelimit import RateLimiter

from .conftest import (
    AGENT,
    Clock,
    agent_with_token,
    assert_error,
    create_agent,
    create_credential,
    make_client,
)


def _form(agent_id: str, secret: str) -> dict[str, str]:
    return {"grant_type": "client_credentials", "client_id": agent_id, "client_secret": secret}


def test_every_response_carries_rate_limit_headers(admin: httpx.Client, idp: IdP) -> None:
    responses = [
        admin.get("/agents"),
        admin.get("/nowhere"),
        admin.put("/agents"),
        admin.post("/token", data={}),
        admin.get(idp.origin + "/health"),
        admin.get(idp.origin + "/.well-known/jwks.json"),
        httpx.Client(transport=idp.transport, base_url=idp.base_url).get("/agents"),
    ]
    for response in responses:
        assert response.headers["x-ratelimit-limit"] == "100", response.request.url
        assert int(response.headers["x-ratelimit-remaining"]) >= 0
        assert int(response.headers["x-ratelimit-reset"]) > 0


def test_101st_request_in_a_minute_is_429_until_the_window_rolls(
    admin: httpx.Client, clock: Clock
) -> None:
    start = clock.now
    first = admin.get("/agents")
    assert first.headers["x-ratelimit-remaining"] == "99"
    assert first.headers["x-ratelimit-reset"] == str(int(start) + 60)
    for _ in range(98):
        clock.advance(0.1)
        assert admin.get("/agents").status_code == 200
    last = admin.get("/agents")
    assert last.status_code == 200 and last.headers["x-ratelimit-remaining"] == "0"
    refused = admin.get("/agents")
    assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
    assert refused.headers["retry-after"] == str(math.ceil(start + 60 - clock.now))
    clock.now = start + 60
    rolled = admin.get("/agents")
    assert rolled.status_code == 200 and rolled.headers["x-ratelimit-remaining"] == "99"


def test_clients_are_counted_apart(admin: httpx.Client, idp: IdP) -> None:
    _, _, token = agent_with_token(admin)
    for _ in range(100):
        admin.get("/agents")
    assert admin.get("/agents").status_code == 429
    with make_client(idp, token) as other:
        assert other.get("/agents").status_code == 200


def test_limit_is_checked_before_authentication(idp: IdP) -> None:
    with make_client(idp, "not-a-token") as client:
        for _ in range(100):
            assert client.get("/agents").status_code == 401
        assert_error(client.get("/agents"), 429, "RATE_LIMIT_EXCEEDED")


def test_health_is_not_counted(idp: IdP) -> None:
    with make_client(idp) as client:
        for _ in range(150):
            assert client.get(idp.origin + "/health").json() == {"status": "ok"}
        assert client.get("/agents").headers["x-ratelimit-remaining"] == "99"


def test_token_endpoint_counts_by_client_id(admin: httpx.Client, anon: httpx.Client) -> None:
    agent = create_agent(admin)
    credential = create_credential(admin, agent["agentId"])
    bad = _form(agent["agentId"], "sk_live_wrong")
    for _ in range(100):
        assert anon.post("/token", data=bad).status_code == 401
    limited = anon.post("/token", data=_form(agent["agentId"], credential["clientSecret"]))
    assert_error(limited, 429, "RATE_LIMIT_EXCEEDED")  # the envelope, even on /token
    assert "retry-after" in limited.headers
    other = anon.post("/token", data=_form("9b2f4c1e-0000-4000-8000-00000000000a", "x"))
    assert other.status_code == 401


def test_rate_limit_can_be_set_or_turned_off(clock: Clock) -> None:
    strict = IdP(clock=clock, rate_limit=2)
    with make_client(strict, strict.bootstrap_token) as client:
        assert [client.get("/agents").status_code for _ in range(3)] == [200, 200, 429]
    unlimited = IdP(clock=clock, rate_limit=0)
    with make_client(unlimited, unlimited.bootstrap_token) as client:
        assert all(client.get("/agents").status_code == 200 for _ in range(150))
    with pytest.raises(ValueError, match="rate limit"):
        IdP(rate_limit=-1)


def test_100_agent_limit_counts_only_live_agents(clock: Clock) -> None:
    idp = IdP(clock=clock, rate_limit=0)
    with make_client(idp, idp.bootstrap_token) as admin:
        agents = [create_agent(admin, email=f"a{i}@example.com") for i in range(100)]
        over = admin.post("/agents", json={**AGENT, "email": "x@example.com"})
        assert_error(over, 403, "FREE_TIER_LIMIT_EXCEEDED")
        assert over.json()["details"] == {"limit": 100}
        # 409 comes before the limit, and validation before 409 (fine print 5).
        assert_error(
            admin.post("/agents", json={**AGENT, "email": "a1@example.com"}),
            409,
            "AGENT_ALREADY_EXISTS",
        )
        assert_error(admin.post("/agents", json={**AGENT, "version": "x"}), 400, "VALIDATION_ERROR")
        admin.patch(f"/agents/{agents[0]['agentId']}", json={"status": "suspended"})
        assert admin.post("/agents", json={**AGENT, "email": "x@example.com"}).status_code == 403
        admin.delete(f"/agents/{agents[1]['agentId']}")
        assert admin.post("/agents", json={**AGENT, "email": "x@example.com"}).status_code == 201


def test_monthly_token_quota_resets_at_the_month_boundary(
    monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    assert oauth.MONTHLY_TOKEN_LIMIT == 10_000
    # Signing 10,000 RSA tokens is slow; the same code path is exercised with a quota of 3.
    monkeypatch.setattr(oauth, "MONTHLY_TOKEN_LIMIT", 3)
    clock.now = 1_798_761_000.0  # 2026-12-31T23:50:00Z
    idp = IdP(clock=clock, rate_limit=0)
    with make_client(idp, idp.bootstrap_token) as admin:
        agent = create_agent(admin)
        credential = create_credential(admin, agent["agentId"])
        form = _form(agent["agentId"], credential["clientSecret"])
        assert [admin.post("/token", data=form).status_code for _ in range(3)] == [200] * 3
        over = admin.post("/token", data=form)
        assert_error(over, 403, "FREE_TIER_LIMIT_EXCEEDED")
        assert over.json()["details"] == {"limit": 3}
        assert over.headers["cache-control"] == "no-store"
        # Client authentication still comes first.
        wrong = admin.post("/token", data=_form(agent["agentId"], "sk_live_bad"))
        assert wrong.json()["error"] == "invalid_client"
        clock.now = 1_798_761_600.0  # 2027-01-01T00:00:00Z
        assert admin.post("/token", data=form).status_code == 200


def test_idle_rate_limit_windows_expire() -> None:
    limiter = RateLimiter(100)
    start = 1_795_000_000.0
    for index in range(1000):
        limiter.count(f"client-{index}", start)
    limiter.count("late", start + 30)
    assert len(limiter) == 1001
    limiter.count("other", start + 59.9)
    assert len(limiter) == 1002  # nothing has ended yet
    limiter.count("another", start + 60)
    assert len(limiter) == 3  # the 1,000 windows of `start` ended at start + 60
    limiter.count("last", start + 120)
    assert len(limiter) == 1
    # A returning client gets a fresh window, as if its old one had merely ended.
    assert limiter.count("client-7", start + 121).remaining == 99


def test_windows_stay_bounded_under_random_client_ids() -> None:
    limiter = RateLimiter(100)
    start, held = 1_795_000_000.0, []
    # 200 new clients a second for five minutes of the injected clock: 60,000 windows opened.
    for second in range(300):
        for index in range(200):
            limiter.count(f"{second}-{index}", start + second + index / 200)
        held.append(len(limiter))
    assert max(held) <= 60 * 200 + 200


def test_a_restarted_window_is_not_dropped_with_the_old_ones() -> None:
    limiter = RateLimiter(2)
    start = 1_795_000_000.0
    limiter.count("busy", start)
    limiter.count("idle", start + 1)
    assert limiter.count("busy", start + 61).remaining == 1  # a new window from start + 61
    limiter.count("busy", start + 62)
    limiter.count("someone", start + 100)  # idle's window (start + 1) ended; busy's did not
    assert len(limiter) == 2
    assert not limiter.count("busy", start + 110).allowed  # its third request in its window


def test_window_count_has_a_hard_bound() -> None:
    limiter = RateLimiter(100, max_windows=10)
    for index in range(25):
        limiter.count(f"c{index}", 1_795_000_000.0)
    assert len(limiter) == 10
    assert limiter.peek("c24", 1_795_000_000.0).remaining == 99


def test_long_client_ids_are_counted_apart_and_together() -> None:
    limiter = RateLimiter(2)
    first, second = "a" * 100_000, "a" * 99_999 + "b"
    assert limiter.count(first, 0.0).allowed and limiter.count(first, 0.0).allowed
    assert not limiter.count(first, 0.0).allowed
    assert limiter.count(second, 0.0).allowed


def test_refused_token_requests_with_random_client_ids_leave_no_lasting_state(
    clock: Clock,
) -> None:
    idp = IdP(clock=clock)
    # Not checked against the OpenAPI description (other tests do that): it would be most of
    # the time here.
    with httpx.Client(transport=idp.transport, base_url=idp.base_url) as anon:
        for index in range(900):
            clock.advance(0.2)
            response = anon.post("/token", data=_form(str(uuid.uuid4()), f"sk_live_{index}"))
            assert response.status_code == 401
    # Only the last minute's 300 clients (and no more) still hold a window.
    assert len(idp._limiter) <= 301
