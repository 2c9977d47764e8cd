"""The URL target against `verify-docs serve` on a real loopback socket, and a dead port."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

GUIDE = Path(__file__).parent / "guides" / "clean-register.md"
VERIFY_DOCS = [sys.executable, "-m", "runner"]


def _verify(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*VERIFY_DOCS, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env})


def test_guide_passes_against_served_idp(served: tuple[str, str], tmp_path: Path) -> None:
    url, token = served
    report = tmp_path / "r.json"
    done = _verify(str(GUIDE), "--target", url, "--json", str(report),
                   env={"IDP_BOOTSTRAP_TOKEN": token})
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(report.read_text())
    assert data["target"] == url
    assert [s["actual_status"] for s in data["guides"][0]["steps"]] == [201, 200, 409]
    assert token not in done.stdout + done.stderr + report.read_text()


def test_dead_port_is_a_target_fault(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The port was free a moment ago and nothing listens there now.
    done = _verify(str(GUIDE), "--target", f"http://127.0.0.1:{port}",
                   env={"IDP_BOOTSTRAP_TOKEN": "not-a-real-token"})
    assert done.returncode == 3, done.stdout + done.stderr
    assert f"127.0.0.1:{port}" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
