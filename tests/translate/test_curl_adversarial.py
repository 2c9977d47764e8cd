"""Hundreds of curl commands written the way API guides write them, judged by the real curl.

`corpus/adversarial.json` holds two lists, written against `localhost:3000` and a few
variables. "same": the real curl 7.88 sends them, and `to_request` must send exactly the same
bytes (method, target, headers in order, body). "refused": commands curl refuses, or that
leave the design's flag set or shell: the translation must refuse them clearly (a DocError
quoting what it refuses) unless it sends exactly what the real curl sends.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest

from runner.model.errors import DocError
from runner.translate.curl.request import to_request
from tests.translate.echo import EchoServer, comparable, run_real_curl
from tests.translate.test_curl_corpus import _names_something

TABLE = json.loads(
    (Path(__file__).resolve().parent / "corpus" / "adversarial.json").read_text("utf-8")
)
SAME: list[str] = TABLE["same"]
REFUSED: list[str] = TABLE["refused"]

ENV = {
    "TOKEN": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.sig",
    "BOOTSTRAP_TOKEN": "boot-tok",
    "CLIENT_ID": "client-abc",
    "CLIENT_SECRET": "s3cr3t/with+chars=",
    "BASE_URL": "http://localhost:3000",
    "API": "http://localhost:3000/api/v1",
    "AGENT_ID": "agt_01HXYZ",
    "SCOPE": "agents:read agents:write",
    "NAME": "my agent",
    "EMPTY": "",
    "HDR": "X-Trace: abc",
}

FILES = {
    "data.txt": b"a=1\r\nb=two words\n\nc=3\n",
    "upload.txt": b"uploaded\ncontent\n",
    "body.json": b'{"from": "file"}\n',
    "payload.json": b'{\n  "name": "agent-1",\n  "scopes": ["read", "write"]\n}\n',
    "avatar.png": b"\x89PNG\r\n\x1a\nfake",
    "report.pdf": b"%PDF-1.4 fake",
    "notes.md": b"# notes\n",
    "key.pem": b"-----BEGIN-----\nabc\n-----END-----\n",
    "cookies.txt": b"# Netscape HTTP Cookie File\n",
    "empty.txt": b"",
    "query.txt": b"name=a b&c\n",
    "h.txt": b"X-From-File: 1\n",
    "data.xml": b"<a>1</a>\n",
    "utf8.txt": "caf\u00e9 \u2603\n".encode(),
    "sub/in.json": b'{"sub": true}',
}


def test_the_table_is_large_and_new() -> None:
    assert len(set(SAME)) == len(SAME) >= 400
    assert len(set(REFUSED)) == len(REFUSED) >= 100
    assert not set(SAME) & set(REFUSED)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's folder, and a secret one level above it."""
    root = tmp_path_factory.mktemp("guide")
    (root / "secret.txt").write_text("above the guide")
    base = root / "docs"
    for name, content in FILES.items():
        (base / name).parent.mkdir(parents=True, exist_ok=True)
        (base / name).write_bytes(content)
    return base


def _local(text: str, echo: EchoServer) -> str:
    """The documented origin pointed at the echo server (both names reach loopback)."""
    port = echo.hostport.rsplit(":", 1)[1]
    return text.replace("localhost:3000", f"localhost:{port}").replace(
        "127.0.0.1:3000", f"127.0.0.1:{port}"
    )


def _both(
    command: str, folder: Path, echo: EchoServer, client: httpx.Client
) -> tuple[list[object], list[object] | DocError]:
    """What the real curl sends, and what the translation sends (or its refusal)."""
    env = {name: _local(value, echo) for name, value in ENV.items()}
    command = _local(command, echo)
    _, real = run_real_curl(command, folder, echo, env)
    try:
        request = to_request(command, env, cwd=folder)
    except DocError as error:
        return [comparable(r) for r in real], error
    client.send(request)
    return [comparable(r) for r in real], [comparable(r) for r in echo.take()]


@pytest.mark.parametrize("command", SAME)
def test_sends_what_curl_sends(
    command: str, folder: Path, echo: EchoServer, client: httpx.Client
) -> None:
    real, ours = _both(command, folder, echo, client)
    assert len(real) == 1, "the real curl did not send exactly one request"
    assert ours == real


@pytest.mark.parametrize("command", REFUSED)
def test_refuses_clearly_or_matches(
    command: str, folder: Path, echo: EchoServer, client: httpx.Client
) -> None:
    real, ours = _both(command, folder, echo, client)
    if isinstance(ours, DocError):
        # Clear: it quotes what it refuses (a flag, a value as expanded), or says what curl says.
        expanded = re.sub(
            r"\$\{?(\w+)\}?", lambda m: _local(ENV.get(m.group(1), m.group(0)), echo), command
        )
        context = " ".join([_local(command, echo), _local(expanded, echo)])
        curl_says = ("curl: no URL specified", "curl: URL using bad/illegal format")
        # The shell quotes the construct it refuses in backticks.
        clear = (
            _names_something(ours.message, context)
            or ours.message.startswith(curl_says)
            or re.search(r"`[^`]+`", ours.message) is not None
        )
        assert clear, ours.message
    else:
        assert ours == real and len(real) == 1
