"""A fault-injecting HTTP/1.1 proxy for staging tests: latency, 429 bursts, 503s, drops, hangs."""

from __future__ import annotations

import http.client
import re
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["ACTIONS", "Fault", "FaultProxy", "Forwarded"]

ACTIONS = ("forward", "429", "429-long", "503", "drop", "drop-early", "hang", "hang-after")
"""What the proxy can do to one request.

`forward` passes it on; `429` answers `Retry-After: Fault.retry_after` and `429-long` one far
beyond any retry bound, neither forwarding it; `503` answers without forwarding; `drop`
forwards, then cuts the answer in half (the request was applied); `drop-early` closes before
forwarding (not applied); `hang` never answers and never forwards; `hang-after` forwards and
then never answers (applied, the client only sees a timeout).
"""

_SECRET = re.compile(rb"sk_live_[0-9a-f]{64}")
_AGENT_ID = re.compile(rb'"agentId"\s*:\s*"([0-9a-f-]{36})"')


@dataclass(frozen=True, slots=True)
class Forwarded:
    """One request the upstream received (and so may have applied), and what the client got."""

    method: str
    path: str
    body: bytes
    action: str


@dataclass
class Fault:
    """What the proxy does to the n-th request; `decide` returns one of `ACTIONS`."""

    latency: float = 0.0
    decide: Callable[[int, str, str], str] = lambda n, method, path: "forward"
    """(request number from 1, method, path) -> one of ACTIONS."""
    retry_after: str = "1"
    seen: list[tuple[str, str, str]] = field(default_factory=list)
    forwarded: list[Forwarded] = field(default_factory=list)
    """Every request the upstream received, in order (for counting resent requests)."""
    secrets: set[str] = field(default_factory=set)
    """Client secrets and agent ids that crossed the proxy (for leak checks)."""
    agent_ids: set[str] = field(default_factory=set)


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        try:
            self._serve()
        except OSError:
            # The client went away (timeout, interrupt): nothing left to answer.
            return

    def _serve(self) -> None:
        while True:
            request = self._read_request()
            if request is None:
                return
            method, path, headers, body = request
            proxy = self.server.proxy
            fault = proxy.fault
            with proxy.lock:
                proxy.count += 1
                number = proxy.count
                action = fault.decide(number, method, path)
                fault.seen.append((method, path, action))
            time.sleep(fault.latency)
            if action in ("hang", "drop-early"):
                if action == "hang":
                    proxy.stopped.wait(60)
                return
            if action in ("429", "429-long", "503"):
                status = 503 if action == "503" else 429
                seconds = "3600" if action == "429-long" else fault.retry_after
                extra = f"Retry-After: {seconds}\r\n" if status == 429 else ""
                payload = b'{"code": "RATE_LIMIT_EXCEEDED", "message": "slow down"}'
                self.wfile.write(
                    f"HTTP/1.1 {status} Fault\r\nContent-Type: application/json\r\n{extra}"
                    f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
                continue
            with proxy.lock:
                fault.forwarded.append(Forwarded(method, path, body, action))
            raw = self._forward(method, path, headers, body)
            with proxy.lock:
                fault.secrets.update(m.decode() for m in _SECRET.findall(raw))
                fault.agent_ids.update(m.decode() for m in _AGENT_ID.findall(raw))
            if action == "hang-after":
                proxy.stopped.wait(60)
                return
            if action == "drop":
                # The upstream applied the request; the client only sees half an answer.
                self.wfile.write(raw[: max(1, len(raw) // 2)])
                self.wfile.flush()
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(raw)

    def _read_request(self) -> tuple[str, str, list[tuple[str, str]], bytes] | None:
        line = self.rfile.readline()
        if not line.strip():
            return None
        method, path, _ = line.decode("latin-1").split(" ", 2)
        headers: list[tuple[str, str]] = []
        while (raw := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
            name, _, value = raw.decode("latin-1").partition(":")
            headers.append((name.strip(), value.strip()))
        length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
        return method, path, headers, self.rfile.read(length)

    def _forward(self, method: str, path: str, headers: list[tuple[str, str]],
                 body: bytes) -> bytes:
        host, port = self.server.proxy.upstream
        conn = http.client.HTTPConnection(host, port, timeout=30)
        try:
            conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
            for name, value in headers:
                conn.putheader(name, value)
            conn.endheaders(body or None)
            response = conn.getresponse()
            payload = response.read()
            lines = [f"HTTP/1.1 {response.status} {response.reason}"]
            lines += [f"{k}: {v}" for k, v in response.getheaders()
                      if k.lower() not in ("transfer-encoding", "connection", "content-length")]
            lines.append(f"Content-Length: {len(payload)}")
            return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload
        finally:
            conn.close()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    proxy: FaultProxy


class FaultProxy:
    """Listens on 127.0.0.1 (a free port) and forwards to `upstream`, injecting faults."""

    def __init__(self, upstream: tuple[str, int], fault: Fault) -> None:
        self.upstream = upstream
        self.fault = fault
        self.count = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()
