"""Shared pieces of the staging tests: a served IdP, a run through it, the audit after."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

__all__ = ["GUIDE", "ROOT", "Served", "assert_clean", "verify"]

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "tests" / "e2e" / "guides" / "clean-register.md"


class Served:
    """`verify-docs serve` on a free port, counted directly (never through a proxy)."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        parsed = httpx.URL(url)
        self.address = (parsed.host, parsed.port or 80)

    def agents(self) -> list[dict[str, Any]]:
        """Every agent on the server, decommissioned ones included."""
        data: list[dict[str, Any]] = []
        page = 1
        while True:
            response = httpx.get(f"{self.url}/api/v1/agents",
                                 params={"limit": 100, "page": page},
                                 headers={"Authorization": f"Bearer {self.token}"})
            assert response.status_code == 200, response.text
            data += response.json()["data"]
            if len(response.json()["data"]) < 100:
                return data
            page += 1


@pytest.fixture
def served() -> Iterator[Served]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner", "serve", "--port", "0", "--rate-limit", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]
        token = proc.stdout.readline().strip().split("=", 1)[1]
        yield Served(url, token)
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def verify(url: str, token: str, tmp: Path, *args: str, timeout: float = 60,
           guides: tuple[str, ...] = (str(GUIDE),), cwd: Path | None = None,
           ) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run `guides` against `url`; no secret and no traceback in any output."""
    report = tmp / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "runner", *guides, "--target", url, "--json", str(report),
         "-v", *args],
        capture_output=True, text=True, timeout=timeout, cwd=cwd or ROOT,
        env={**os.environ, "IDP_BOOTSTRAP_TOKEN": token})
    data = json.loads(report.read_text()) if report.exists() else {}
    assert token not in done.stdout + done.stderr + json.dumps(data)
    assert "Traceback" not in done.stdout + done.stderr
    return done, data


def assert_clean(served: Served) -> None:
    """Every agent the run registered is decommissioned, and none was registered twice."""
    agents = served.agents()
    emails = [a["email"] for a in agents]
    assert len(emails) == len(set(emails))
    assert [a for a in agents if a["status"] != "decommissioned"] == []


