"""A loopback HTTP/1.1 echo server that records exactly what arrives (the curl tests' judge)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

__all__ = ["EchoServer", "Received"]


@dataclass(frozen=True, slots=True)
class Received:
    """One request as it arrived: method, raw target, headers in order, body bytes."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    """Records every request, whatever its method, and answers 200 with an empty body."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def __getattr__(self, name: str) -> Any:
        # http.server dispatches on `do_<METHOD>`; curl's -X sends any token (`wHat`).
        if name.startswith("do_"):
            return self._record
        raise AttributeError(name)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    # Trailers end at an empty line.
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _record(self) -> None:
        body = self._read_body()
        headers = tuple((name, value) for name, value in self.headers.items())
        with self.server.lock:
            self.server.received.append(Received(self.command, self.path, headers, body))
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the tests read the records, not a log."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.received: list[Received] = []


class EchoServer:
    """The echo server on 127.0.0.1 (a free port), serving from a thread until closed."""

    def __init__(self) -> None:
        self._server = _Server()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        """`http://127.0.0.1:PORT`, the origin to send requests to."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def hostport(self) -> str:
        """`127.0.0.1:PORT`, the Host header value both clients send."""
        return self.origin.removeprefix("http://")

    def take(self) -> list[Received]:
        """Every request received since the last call, oldest first."""
        with self._server.lock:
            taken = list(self._server.received)
            self._server.received.clear()
        return taken

    def __enter__(self) -> EchoServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
