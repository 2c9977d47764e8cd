"""`curl --compressed` against a URL target that compresses its answers (a real socket)."""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli

BODY = {"data": [], "total": 0, "page": 1, "limit": 20}
GUIDE = """# List agents

```bash
curl -s --compressed http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"data": [], "total": 0, "page": 1, "limit": 20}
```
"""
# br and zstd only where httpx can decode them (brotli, zstandard are not installed here).
_ENCODERS = {"gzip": gzip.compress, "deflate": zlib.compress}


class _Compressing(BaseHTTPRequestHandler):
    """Answers every GET with the same JSON, compressed as the server is set to."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        encoding = self.server.encoding
        body = _ENCODERS[encoding](json.dumps(BODY).encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


class _Server(ThreadingHTTPServer):
    encoding = "gzip"


@pytest.fixture
def compressing() -> Iterator[_Server]:
    server = _Server(("127.0.0.1", 0), _Compressing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("encoding", sorted(_ENCODERS))
def test_a_compressed_answer_is_checked_not_crashed_on(
    encoding: str, compressing: _Server, tmp_path: Path
) -> None:
    compressing.encoding = encoding
    guide = tmp_path / "list.md"
    guide.write_text(GUIDE)
    report = tmp_path / "r.json"
    url = f"http://127.0.0.1:{compressing.server_address[1]}"
    outcome = CliRunner().invoke(cli, [str(guide), "--target", url, "-v", "--json", str(report)],
                                 env={"IDP_BOOTSTRAP_TOKEN": "staging-token"})
    assert outcome.exit_code == 0, outcome.output
    step = json.loads(report.read_text())["guides"][0]["steps"][0]
    assert step["status"] == "passed" and step["actual_status"] == 200
    assert f"content-encoding: {encoding}" in outcome.output.lower()  # as received, with -v
