"""A loopback HTTP/1.1 echo server that records exactly what arrives (the curl tests' judge)."""

from __future__ import annotations

import os
import re
import subprocess
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

__all__ = ["EchoServer", "Received", "comparable", "run_real_curl"]


@dataclass(frozen=True, slots=True)
class Received:
    """One request as it arrived: method, raw target, headers in order, body bytes."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


_BOUNDARY = re.compile(r"boundary=([^;\s]+)$")


def comparable(received: Received) -> tuple[str, str, tuple[tuple[str, str], ...], bytes]:
    """What two clients must agree on: method, target, every header in order, body bytes.

    Multipart boundaries are random in curl, so both sides' become `BOUNDARY`. Nothing else
    is set aside: neither curl nor a bare `httpx.Client.send` adds transport headers here.
    """
    body = received.body
    for name, value in received.headers:
        match = _BOUNDARY.search(value) if name.lower() == "content-type" else None
        if match:
            body = body.replace(match.group(1).encode(), b"BOUNDARY")
    headers = tuple(
        (name, _BOUNDARY.sub("boundary=BOUNDARY", v) if name.lower() == "content-type" else v)
        for name, v in received.headers
    )
    return received.method, received.target, headers, body


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


def run_real_curl(
    command: str, folder: Path, echo: EchoServer, env: dict[str, str] | None = None
) -> tuple[int, list[Received]]:
    """Run `command` through bash and the real curl (the oracle only): exit status, requests.

    HOME is the folder, so no ~/.curlrc changes curl, and no proxy variable is passed; the
    locale is UTF-8, as in a reader's terminal.
    """
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=folder,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(folder),
            # A reader's shell is UTF-8: bash turns $'\u00e9' into bytes only in such a locale.
            "LC_ALL": "C.UTF-8",
            **(env or {}),
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=30,
        start_new_session=True,  # no terminal for curl to prompt a password on
        check=False,
    )
    return done.returncode, echo.take()
