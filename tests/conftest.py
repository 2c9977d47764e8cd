"""Shared test configuration, and the `verify-docs serve` fixtures."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest

pytest_plugins = ["pytester"]


def _serve(*options: str) -> Iterator[tuple[str, str]]:
    """`verify-docs serve --port 0` in its own process: its URL and bootstrap token, read from
    the two lines it prints first."""
    proc = subprocess.Popen([sys.executable, "-m", "runner", "serve", "--port", "0", *options],
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


@pytest.fixture
def served() -> Iterator[tuple[str, str]]:
    """The embedded IdP served as the contract has it (100 requests a minute per client)."""
    yield from _serve()


@pytest.fixture
def served_unlimited() -> Iterator[tuple[str, str]]:
    """Served with no rate limit, for a test that runs one guide many times within a minute
    (the rounds of `--diff`, then `--update`, then a check): as one client, the bootstrap
    token, it would meet the contract's 429 there, which is not what such a test is about."""
    yield from _serve("--rate-limit", "0")
