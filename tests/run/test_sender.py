"""The sender retries what is safe, waits as told, and gives up within its bounds."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest
import respx

from runner.model.errors import TargetError
from runner.run.retry import RetryPolicy
from runner.run.sender import Sender

URL = "http://localhost:3000/api/v1/agents"
TIMEOUT = httpx.Timeout(5.0)


def _peer(
    *answers: int | type[httpx.RequestError], headers: dict[str, str] | None = None
) -> respx.Router:
    """A scripted peer: each request takes the next answer (a status or a transport error)."""
    peer = respx.Router(assert_all_called=False)
    peer.route().side_effect = [
        httpx.Response(answer, headers=headers, json={}) if isinstance(answer, int) else answer
        for answer in answers
    ]
    return peer


def _methods(peer: respx.Router) -> list[str]:
    """The methods of the requests the peer received, in order."""
    return [call.request.method for call in peer.calls]


def _client(peer: respx.Router) -> httpx.Client:
    # respx's way to give one client its own router (its MockTransport class is deprecated).
    return httpx.Client(transport=httpx.MockTransport(peer.handler))


def _sender(peer: respx.Router, policy: RetryPolicy | None = None) -> tuple[Sender, list[float]]:
    waits: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    clock: Callable[[], float] = lambda: now[0]  # noqa: E731
    return Sender(_client(peer), policy or RetryPolicy(), sleep=sleep, clock=clock), waits


def test_429_is_retried_after_retry_after_even_for_post() -> None:
    peer = _peer(429, 429, 201, headers={"Retry-After": "2"})
    sender, waits = _sender(peer)
    delivery = sender.send(httpx.Request("POST", URL), timeout=TIMEOUT)
    assert delivery.response.status_code == 201
    assert waits == [2.0, 2.0]
    assert len(delivery.retries) == 2 and "429" in delivery.retries[0]


def test_503_is_retried_for_get_but_never_for_post() -> None:
    sender, _ = _sender(_peer(503, 200))
    assert sender.send(httpx.Request("GET", URL), timeout=TIMEOUT).response.status_code == 200
    post = _peer(503, 201)
    sender, waits = _sender(post)
    assert sender.send(httpx.Request("POST", URL), timeout=TIMEOUT).response.status_code == 503
    assert _methods(post) == ["POST"] and waits == []


def test_a_dropped_post_is_not_resent_but_a_refused_connection_is() -> None:
    dropped = _peer(httpx.RemoteProtocolError, 201)
    sender, _ = _sender(dropped)
    with pytest.raises(TargetError):
        sender.send(httpx.Request("POST", URL), timeout=TIMEOUT)
    assert _methods(dropped) == ["POST"]
    refused = _peer(httpx.ConnectError, 201)
    sender, _ = _sender(refused)
    assert sender.send(httpx.Request("POST", URL), timeout=TIMEOUT).response.status_code == 201
    assert _methods(refused) == ["POST", "POST"]


def test_retries_stop_at_the_attempt_bound_and_the_deadline() -> None:
    peer = _peer(*([503] * 10))
    sender, _ = _sender(peer, RetryPolicy(attempts=3))
    assert sender.send(httpx.Request("GET", URL), timeout=TIMEOUT).response.status_code == 503
    assert len(peer.calls) == 3
    slow = _peer(*([429] * 10), headers={"Retry-After": "8"})
    sender, waits = _sender(slow, RetryPolicy(attempts=10, max_wait=10, deadline=20))
    # A 429 the policy stops retrying is the target's fault, not an answer to match.
    with pytest.raises(TargetError) as raised:
        sender.send(httpx.Request("GET", URL), timeout=TIMEOUT)
    assert sum(waits) <= 20
    assert "429" in str(raised.value) and "deadline" in str(raised.value)


def test_a_429_retried_to_the_last_attempt_is_a_target_error_listing_the_retries() -> None:
    peer = _peer(*([429] * 5), headers={"Retry-After": "1"})
    sender, waits = _sender(peer, RetryPolicy(attempts=3))
    with pytest.raises(TargetError) as raised:
        sender.send(httpx.Request("POST", URL), timeout=TIMEOUT)
    assert len(peer.calls) == 3 and waits == [1.0, 1.0]
    assert "after 3 attempts" in str(raised.value) and "attempt 2: 429" in str(raised.value)


def test_a_retry_after_beyond_the_bound_is_not_waited_for() -> None:
    peer = _peer(429, 201, headers={"Retry-After": "3600"})
    sender, waits = _sender(peer, RetryPolicy(max_wait=10))
    with pytest.raises(TargetError) as raised:
        sender.send(httpx.Request("POST", URL), timeout=TIMEOUT)
    assert waits == [] and _methods(peer) == ["POST"]
    assert "beyond the 10 s bound" in str(raised.value)


def test_a_documented_429_is_returned_as_the_answer() -> None:
    peer = _peer(429, 201, headers={"Retry-After": "1"})
    sender, waits = _sender(peer)
    delivery = sender.send(httpx.Request("POST", URL), timeout=TIMEOUT, expected_status=429)
    assert delivery.response.status_code == 429 and waits == []


def test_an_idempotent_delete_is_resent_after_a_drop_or_a_503() -> None:
    peer = _peer(httpx.RemoteProtocolError, 503, 204)
    sender, _ = _sender(peer)
    request = httpx.Request("DELETE", URL + "/a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09")
    assert sender.send(request, timeout=TIMEOUT, idempotent=True).response.status_code == 204
    assert _methods(peer) == ["DELETE"] * 3
    plain = _peer(503, 204)
    sender, _ = _sender(plain)
    assert sender.send(request, timeout=TIMEOUT).response.status_code == 503


def test_no_attempt_outlives_the_step_deadline() -> None:
    seen: list[float] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"]["read"])
        raise httpx.ReadTimeout("slow", request=request)

    now = [0.0]
    peer = respx.Router()
    peer.route().side_effect = answer
    sender = Sender(_client(peer), RetryPolicy(attempts=5, backoff=1, deadline=12),
                    sleep=lambda s: now.__setitem__(0, now[0] + s + 5),
                    clock=lambda: now[0])
    with pytest.raises(TargetError):
        sender.send(httpx.Request("GET", URL), timeout=httpx.Timeout(30.0))
    assert seen[0] == 12 and all(t <= 12 for t in seen) and seen[-1] < 12


def test_a_target_that_never_answers_is_a_target_error_naming_the_url() -> None:
    sender, _ = _sender(_peer(*([httpx.ReadTimeout] * 5)), RetryPolicy(attempts=2))
    with pytest.raises(TargetError) as raised:
        sender.send(httpx.Request("GET", URL), timeout=TIMEOUT)
    assert URL in str(raised.value) and "timed out" in str(raised.value)


def test_an_interrupted_run_stops_waiting_between_retries() -> None:
    cancel = threading.Event()
    cancel.set()
    sender = Sender(_client(_peer(503, 200)), RetryPolicy(), cancel=cancel)
    with pytest.raises(KeyboardInterrupt):
        sender.send(httpx.Request("GET", URL), timeout=TIMEOUT)
