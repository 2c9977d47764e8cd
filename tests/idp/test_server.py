"""The loopback server: real sockets, keep-alive, concurrency, signals, and the bind guard."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from fixtures.idp import Request
from fixtures.idp.server import (
    LISTEN_BACKLOG,
    IdPServer,
    RemoteBindRefused,
    is_loopback,
    serve,
)

from .conftest import AGENT, check_conforms

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def server() -> Iterator[IdPServer]:
    with IdPServer(port=0, rate_limit=0) as running:
        yield running


def _client(server: IdPServer, **kwargs: object) -> httpx.Client:
    headers = {"Authorization": f"Bearer {server.idp.bootstrap_token}"}
    return httpx.Client(base_url=server.url + "/api/v1", headers=headers, **kwargs)  # type: ignore[arg-type]


def test_serves_the_contract_over_http(server: IdPServer) -> None:
    with _client(server) as client:
        created = client.post("/agents", json=AGENT)
        assert created.status_code == 201
        check_conforms(created.request, created)
        agent_id = created.json()["agentId"]
        deleted = client.delete(f"/agents/{agent_id}")
        assert deleted.status_code == 204 and deleted.content == b""
        assert "content-length" not in deleted.headers or deleted.headers["content-length"] == "0"
        health = client.get(server.url + "/health")
        assert health.json() == {"status": "ok"} and "x-ratelimit-limit" in health.headers
        audit = client.get("/audit").json()
        assert {e["ipAddress"] for e in audit["data"]} == {"127.0.0.1"}


def test_keep_alive_reuses_one_connection(server: IdPServer) -> None:
    peers: set[object] = set()
    with _client(server) as client:
        for _ in range(5):
            response = client.get("/agents")
            stream = response.extensions["network_stream"]
            peers.add(stream.get_extra_info("client_addr"))
            assert response.http_version == "HTTP/1.1"
    assert len(peers) == 1


def test_curl_can_talk_to_it(server: IdPServer) -> None:
    token = server.idp.bootstrap_token
    result = subprocess.run(
        [
            "curl", "-sS", "-X", "POST", f"{server.url}/api/v1/agents",
            "-H", f"Authorization: Bearer {token}", "-H", "Content-Type: application/json",
            "-d", '{"email": "curl@example.com", "agentType": "router", "version": "1.0.0",'
            ' "capabilities": ["a:b"], "owner": "o", "deploymentEnv": "staging"}',
            "-w", "\\n%{http_code}",
        ],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    body, status = result.stdout.rsplit("\n", 1)
    assert status == "201" and '"email":"curl@example.com"' in body


def test_concurrent_clients_lose_and_duplicate_nothing(server: IdPServer) -> None:
    def register(index: int) -> str:
        with _client(server) as client:
            agent = client.post("/agents", json={**AGENT, "email": f"c{index}@example.com"})
            assert agent.status_code == 201, agent.text
            agent_id: str = agent.json()["agentId"]
            credential = client.post(f"/agents/{agent_id}/credentials", json={})
            assert credential.status_code == 201
            return agent_id

    with ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(pool.map(register, range(64)))

    # The same email from many threads at once: exactly one wins.
    def duplicate(_: int) -> int:
        with _client(server) as client:
            return client.post("/agents", json={**AGENT, "email": "race@example.com"}).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(duplicate, range(16)))
    assert sorted(statuses) == [201] + [409] * 15
    assert len(set(ids)) == 64
    with _client(server) as client:
        listed = client.get("/agents", params={"limit": 100}).json()
        assert listed["total"] == 65
        assert {a["agentId"] for a in listed["data"]} >= set(ids)
        generated = client.get("/audit", params={"action": "credential.generated"}).json()
        assert generated["total"] == 64


def test_oversized_body_gets_a_clear_400(server: IdPServer) -> None:
    with _client(server) as client:
        response = client.post(
            "/agents",
            content=b"x" * (2 * 1024 * 1024),
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 400 and response.json()["details"]["field"] == "body"


def test_serve_refuses_a_remote_address_before_printing() -> None:
    out = io.StringIO()
    with pytest.raises(RemoteBindRefused, match="loopback"):
        serve("0.0.0.0", 0, out=out)
    assert out.getvalue() == ""


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", True), ("127.5.0.1", True), ("::1", True), ("[::1]", True),
        ("localhost", True), ("0.0.0.0", False), ("", False), ("example.com", False),
        ("192.168.1.10", False),
    ],
)  # fmt: skip
def test_loopback_detection(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


def test_remote_bind_needs_permission() -> None:
    with pytest.raises(RemoteBindRefused, match="--allow-remote"):
        IdPServer("0.0.0.0", 0)
    with IdPServer("0.0.0.0", 0, allow_remote=True) as server:
        assert httpx.get(f"http://127.0.0.1:{server.port}/health").status_code == 200


def _start(*args: str) -> tuple[subprocess.Popen[str], str, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "fixtures.idp", "--port", "0", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "0"},
    )  # fmt: skip
    assert process.stdout is not None
    first = process.stdout.readline().strip()
    second = process.stdout.readline().strip()
    return process, first, second


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_module_entry_point_prints_and_stops_cleanly(signum: int) -> None:
    process, first, second = _start("--rate-limit", "5")
    try:
        assert first.startswith("AgentIdP listening on http://127.0.0.1:")
        assert second.startswith("BOOTSTRAP_TOKEN=ey")
        url = first.removeprefix("AgentIdP listening on ")
        token = second.removeprefix("BOOTSTRAP_TOKEN=")
        with httpx.Client(
            base_url=url + "/api/v1", headers={"Authorization": f"Bearer {token}"}
        ) as c:
            statuses = [c.get("/agents").status_code for _ in range(6)]
        assert statuses == [200] * 5 + [429]
    finally:
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr


def test_module_entry_point_refuses_a_remote_address() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fixtures.idp", "--host", "0.0.0.0", "--port", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 2
    assert "not a loopback address" in result.stderr and "Traceback" not in result.stderr
    assert "BOOTSTRAP_TOKEN" not in result.stdout


def test_listens_with_a_backlog_of_1024(server: IdPServer) -> None:
    # socketserver's default of 5 dropped connections when 1,000 clients came at once.
    assert LISTEN_BACKLOG == 1024
    assert server._httpd.request_queue_size == LISTEN_BACKLOG


def _health_over_a_raw_socket(port: int, start: threading.Barrier) -> bytes:
    start.wait(timeout=30)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_200_concurrent_connections_all_get_answers(server: IdPServer) -> None:
    # No timing asserted here: `make bench` measures 1,000 connections and prints the time.
    start = threading.Barrier(200)
    with ThreadPoolExecutor(max_workers=200) as pool:
        answers = list(
            pool.map(lambda _: _health_over_a_raw_socket(server.port, start), range(200))
        )
    assert all(answer.startswith(b"HTTP/1.1 200 ") for answer in answers)


def _raw_exchange(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize("padding", [0, 5], ids=["exact-first", "padded-first"])
def test_two_differing_content_lengths_are_400(server: IdPServer, padding: int) -> None:
    # Either length alone frames a valid agent body: only the disagreement is wrong.
    body = json.dumps(AGENT).encode() + b" " * 5
    first, second = len(body) - 5 + padding, len(body) - padding
    token = server.idp.bootstrap_token.encode()
    request = (
        b"POST /api/v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (first, second) + body
    )
    answer = _raw_exchange(server.port, request)
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400 "), answer
    assert b"x-ratelimit-limit" in head.lower()
    error = json.loads(payload)
    assert error["code"] == "VALIDATION_ERROR"
    assert error["details"]["field"] == "Content-Length"
    # Nothing was created, and the connection was closed rather than read on.
    assert server.idp.handle(
        Request("GET", "/api/v1/agents", headers={"authorization": "Bearer " + token.decode()})
    ).body.startswith(b'{"data":[],')


def test_two_equal_content_lengths_are_one(server: IdPServer) -> None:
    body = json.dumps(AGENT).encode()
    size = str(len(body)).encode()
    token = server.idp.bootstrap_token.encode()
    request = (
        b"POST /api/v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + b"\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + size + b"\r\n"
        b"Content-Length: " + size + b"\r\nConnection: close\r\n\r\n" + body
    )
    assert _raw_exchange(server.port, request).startswith(b"HTTP/1.1 201 ")


def _post_raw(server: IdPServer, framing: bytes, body: bytes) -> bytes:
    token = server.idp.bootstrap_token.encode()
    return _raw_exchange(
        server.port,
        b"POST /api/v1/agents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token + b"\r\n"
        b"Content-Type: application/json\r\n" + framing + b"\r\n" + body,
    )


@pytest.mark.parametrize(
    ("framing", "body"),
    [
        # `"²".isdigit()` is true, and int() refused it: a traceback and a dropped connection.
        ("Content-Length: ²\r\n".encode("latin-1"), b"{}"),
        # int("-5", 16) is -5, and read(-5) waited for the client to close.
        (b"Transfer-Encoding: chunked\r\n", b"-5\r\nhello\r\n0\r\n\r\n"),
        (b"Transfer-Encoding: chunked\r\n", b"1_0\r\n0123456789abcdef\r\n0\r\n\r\n"),
    ],
    ids=["superscript-length", "negative-chunk", "underscore-chunk"],
)
def test_unreadable_framing_is_a_prompt_400(server: IdPServer, framing: bytes, body: bytes) -> None:
    answer = _post_raw(server, framing, body)
    assert answer.startswith(b"HTTP/1.1 400 "), answer
    assert b"Connection: close" in answer


def test_chunked_with_a_content_length_closes_the_connection(server: IdPServer) -> None:
    body = json.dumps(AGENT).encode()
    chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    answer = _post_raw(server, b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", chunked)
    assert answer.startswith(b"HTTP/1.1 201 "), answer
    assert b"Connection: close" in answer
