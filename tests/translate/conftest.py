"""What every real-curl comparison shares: one loopback echo server and one plain client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.translate.echo import EchoServer


@pytest.fixture(scope="module")
def echo() -> Iterator[EchoServer]:
    with EchoServer() as server:
        yield server


@pytest.fixture(scope="module")
def client() -> Iterator[httpx.Client]:
    # trust_env=False: no proxy from the environment; send() adds no client headers.
    with httpx.Client(trust_env=False, timeout=10) as http:
        yield http
