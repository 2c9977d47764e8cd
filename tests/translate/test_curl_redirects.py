"""`curl -L` as curl 7.88 follows redirects: every hop's request line, headers and body,
judged by sending the same command with the real curl and through the runner to one
loopback server that answers chains of 301, 302, 303, 307 and 308.
"""

from __future__ import annotations

import http.server
import re
import shlex
import subprocess
import threading
from collections.abc import Iterator

import httpx
import pytest

from runner.run.retry import RetryPolicy
from runner.run.sender import Sender
from runner.translate.curl.request import build_request

Hop = tuple[str, tuple[tuple[str, str], ...], bytes]


class _Chain(http.server.BaseHTTPRequestHandler):
    """`/r/CODE/N` answers CODE towards `/r/CODE/N-1`, `/r/CODE/0` answers 200; `/away/N`
    points at another origin."""

    protocol_version = "HTTP/1.1"
    hops: list[Hop]

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        self.hops.append((self.requestline, tuple(self.headers.items()), body))
        parts = self.path.split("/")
        if parts[1] == "away":
            self._redirect(302, "http://127.0.0.2:9/elsewhere")
        elif parts[1] == "r" and int(parts[3]) > 0:
            self._redirect(int(parts[2]), f"/r/{parts[2]}/{int(parts[3]) - 1}")
        else:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

    def _redirect(self, code: int, location: str) -> None:
        self.send_response(code)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def chain() -> Iterator[tuple[str, list[Hop]]]:
    hops: list[Hop] = []
    handler = type("Handler", (_Chain,), {"hops": hops})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    yield f"http://{host!s}:{port}", hops
    server.shutdown()
    server.server_close()
    thread.join()


_BOUNDARY = re.compile(rb"-{20,}[0-9a-f]{16}")


def _same_boundary(hops: list[Hop]) -> list[Hop]:
    """Multipart boundaries are random: the same placeholder on both sides."""
    def fixed(text: str) -> str:
        return _BOUNDARY.sub(b"BOUNDARY", text.encode("latin-1")).decode("latin-1")
    return [(line, tuple((name, fixed(value)) for name, value in headers),
             _BOUNDARY.sub(b"BOUNDARY", body)) for line, headers, body in hops]


def _real_curl(command: str, url: str, hops: list[Hop]) -> list[Hop]:
    hops.clear()
    subprocess.run(["curl", "-s", *shlex.split(command), url], capture_output=True, timeout=20,
                   check=False)
    return list(hops)


def _runner(command: str, url: str, hops: list[Hop]) -> list[Hop]:
    hops.clear()
    curl = build_request(["curl", *shlex.split(command), url])
    with httpx.Client(trust_env=False) as client:
        Sender(client, RetryPolicy(attempts=1)).send(
            curl.to_httpx(), timeout=httpx.Timeout(10), redirects=curl.redirects())
    return list(hops)


COMMANDS = [
    "-L -d x=1",
    "-L -X POST -d x=1",
    "-L -X PUT -d x=1",
    "-L -X DELETE",
    "-L -X POST",
    "-L --json '{\"a\": 1}'",
    "-L -I",
    "-L -H 'Content-Type: application/json' -d '{}'",
    "-L -F a=1",
    "-L -H 'Authorization: Bearer t0k' -d a=b",
    "-L",
    "-d x=1",
]


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("command", COMMANDS)
def test_every_hop_is_what_curl_sends(chain: tuple[str, list[Hop]], code: int,
                                      command: str) -> None:
    origin, hops = chain
    url = f"{origin}/r/{code}/2"
    assert _same_boundary(_runner(command, url, hops)) == _same_boundary(
        _real_curl(command, url, hops))


@pytest.mark.parametrize("limit", ["0", "1", "2"])
def test_max_redirs_bounds_the_hops_as_curl_does(chain: tuple[str, list[Hop]],
                                                 limit: str) -> None:
    origin, hops = chain
    command = f"-L --max-redirs {limit} -X POST -d x=1"
    url = f"{origin}/r/307/5"
    sent = _runner(command, url, hops)
    assert sent == _real_curl(command, url, hops)
    assert len(sent) == int(limit) + 1


def test_a_redirect_to_another_origin_is_not_followed(chain: tuple[str, list[Hop]]) -> None:
    # The guide's credentials never travel to another origin: the runner stops where curl
    # would go on to a host that is not the target.
    origin, hops = chain
    assert [hop[0] for hop in _runner("-L -d x=1", f"{origin}/away/1", hops)] == [
        "POST /away/1 HTTP/1.1"]
