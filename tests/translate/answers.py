"""A loopback HTTP/1.1 server that answers chosen statuses, headers and bodies byte for byte.

The judge of what curl prints: the test knows every byte it sent (no `Server` or `Date`
of its own), so what the real curl prints can be compared with what the model says.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from runner.translate.curl.printed import Answer

__all__ = ["ANSWERS", "AnswerServer"]


def _json(status: int, reason: str, body: bytes, *extra: tuple[str, str]) -> Answer:
    headers = (("Content-Type", "application/json; charset=utf-8"), *extra,
               ("Content-Length", str(len(body))))
    return Answer(status=status, reason=reason, headers=headers, body=body)


ANSWERS: dict[str, Answer] = {
    "ok": _json(200, "OK", b'{"agentId": "a-1", "status": "active"}',
                ("X-Request-Id", "req-1")),
    "created": _json(201, "Created", b'{\n  "agentId": "a-2"\n}\n', ("Location", "/agents/a-2")),
    "missing": _json(404, "Not Found",
                     b'{"code": "AGENT_NOT_FOUND", "message": "No agent with this id."}'),
    "refused": _json(400, "Bad Request",
                     b'{"error": "invalid_request", "error_description": "grant_type?"}\n',
                     ("Cache-Control", "no-store")),
    "empty": Answer(status=204, reason="No Content", headers=(("X-Request-Id", "req-4"),),
                    body=b""),
}
"""The answers by path (`/ok`, `/missing`...)."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        answer = ANSWERS[self.path.lstrip("/").split("?", 1)[0]]
        head = f"HTTP/1.1 {answer.status} {answer.reason}\r\n"
        head += "".join(f"{name}: {value}\r\n" for name, value in answer.headers) + "\r\n"
        self.wfile.write(head.encode("latin-1"))
        if self.command != "HEAD":
            self.wfile.write(answer.body)
        self.wfile.flush()
        self.close_connection = True

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class AnswerServer:
    """The server on 127.0.0.1 (a free port), serving from a thread until closed."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, name: str) -> str:
        """The URL that answers `ANSWERS[name]`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/{name}"

    def __enter__(self) -> AnswerServer:
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
