"""A bounded schemathesis run against the served IdP: no 5xx, every response as described."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.idp.records import Agent
from fixtures.idp.server import IdPServer

from .conftest import SPEC_PATH

CHECKS = ",".join(
    [
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "missing_required_header",
        "ignored_auth",
    ]
)


def _schemathesis() -> str:
    found = Path(sys.executable).with_name("schemathesis")
    return str(found) if found.exists() else shutil.which("schemathesis") or "schemathesis"


def _run(tmp_path: Path, checks: str, max_examples: int) -> tuple[int, str]:
    # Not rate limited (0): a fuzzer from one address would otherwise mostly see 429s.
    with IdPServer(port=0, rate_limit=0) as server:
        result = subprocess.run(
            [
                _schemathesis(), "run", str(SPEC_PATH),
                "--url", server.url + "/api/v1",
                "--header", f"Authorization: Bearer {server.idp.bootstrap_token}",
                "--checks", checks,
                # /health and the JWKS live outside /api/v1; test_wire.py covers them.
                "--exclude-tag", "operations",
                "--max-examples", str(max_examples),
                "--generation-deterministic",
                # One worker: Python 3.11's ast.parse is not thread-safe under hypothesis.
                "--workers", "1",
                "--no-color",
            ],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    output = (result.stdout[-4000:] + result.stderr[-2000:]).replace(
        server.idp.bootstrap_token, "[token]"
    )
    return result.returncode, output


def test_schemathesis_finds_nothing(tmp_path: Path) -> None:
    status, output = _run(tmp_path, CHECKS, 15)
    assert status == 0, output
    assert "passed" in output


def test_schemathesis_would_catch_a_nonconforming_response(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Agent.to_json

    def without_status(self: Agent) -> dict[str, object]:
        answer = original(self)
        del answer["status"]
        return answer

    monkeypatch.setattr(Agent, "to_json", without_status)
    status, output = _run(tmp_path, "response_schema_conformance", 3)
    assert status != 0
    assert "status" in output
