"""Shared test configuration, and the one `verify-docs serve` fixture."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

pytest_plugins = ["pytester"]


@pytest.fixture
def served() -> Iterator[tuple[str, str]]:
    """`verify-docs serve --port 0` in its own process: its URL and bootstrap token, read from
    the two lines it prints first."""
    proc = subprocess.Popen([sys.executable, "-m", "runner", "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first, second = proc.stdout.readline(), proc.stdout.readline()
        assert first.startswith("AgentIdP listening on http://127.0.0.1:"), first
        assert second.startswith("BOOTSTRAP_TOKEN="), "second line names the token"
        yield first.split()[-1], second.strip().split("=", 1)[1]
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
