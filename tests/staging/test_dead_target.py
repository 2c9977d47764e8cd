"""A target that stops answering ends the run in bounded time: loopback sockets that accept and
never answer (a blackhole), and a port nobody listens on."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.staging.conftest import GUIDE, Served, verify
from tests.staging.proxy import Fault, FaultProxy

TIMEOUT = 0.5
TOKEN = "not-a-real-token-but-secret"


@pytest.fixture
def blackhole() -> Iterator[str]:
    """A server that accepts every connection, reads what comes, and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            held.append(conn)  # kept open, never written to

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def _guides(tmp_path: Path, count: int) -> tuple[str, ...]:
    folder = tmp_path / "guides"
    folder.mkdir()
    paths = []
    for number in range(count):
        path = folder / f"g{number}.md"
        shutil.copy(GUIDE, path)
        paths.append(str(path))
    return tuple(paths)


@pytest.mark.parametrize("jobs", ["1", "3"])
def test_a_blackhole_ends_the_run_within_three_timeouts(
    blackhole: str, tmp_path: Path, jobs: str
) -> None:
    guides = _guides(tmp_path, 5)
    started = time.monotonic()
    done, report = verify(blackhole, TOKEN, tmp_path, "--timeout", str(TIMEOUT), "-n", jobs,
                          guides=guides, timeout=60)
    elapsed = time.monotonic() - started
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    # The bound, process start-up included: 3 × T + 10 s.
    assert elapsed < 3 * TIMEOUT + 10, out
    # The preflight found nobody answering: every guide is reported, none was started.
    assert len(report["guides"]) == 5
    for guide in report["guides"]:
        assert {step["reason"] for step in guide["steps"]} == {
            "not started: target unreachable since the preflight check "
            "(GET /api/v1/agents)"}, out
    assert report["leftovers"] == []
    assert "timed out" in done.stderr


def test_a_target_that_dies_mid_run_is_cleaned_up_within_bounds(
    served: Served, tmp_path: Path
) -> None:
    guides = _guides(tmp_path, 4)
    # The preflight and the first registration go through; then nothing is answered.
    fault = Fault(decide=lambda n, method, path: "forward" if n <= 2 else "hang")
    started = time.monotonic()
    with FaultProxy(served.address, fault) as proxy:
        done, report = verify(proxy.url, served.token, tmp_path, "--timeout", str(TIMEOUT),
                              guides=guides, timeout=60)
    elapsed = time.monotonic() - started
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert elapsed < 3 * TIMEOUT + 10, out
    first, *rest = report["guides"]
    assert first["steps"][0]["status"] == "passed"
    for guide in rest:
        assert all(step["reason"].startswith("not started: target unreachable since ")
                   for step in guide["steps"]), out
    # The agent made before the target died could not be decommissioned: it is named, with
    # its id and tag, and it is the only one left on the server.
    [left] = report["leftovers"]
    active = [a for a in served.agents() if a["status"] != "decommissioned"]
    assert [a["agentId"] for a in active] == [left["agentId"]]
    assert left["tag"] and left["tag"] in active[0]["email"]
    assert f"left behind: {first['path']}: agent {left['agentId']}" in done.stdout
    assert "cleanup: 0 agents decommissioned, 1 left" in done.stdout


def test_a_closed_port_ends_the_run_within_five_seconds(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # The port was free a moment ago and nothing listens there now.
    guides = _guides(tmp_path, 6)
    started = time.monotonic()
    done, report = verify(f"http://127.0.0.1:{port}", TOKEN, tmp_path, guides=guides,
                          timeout=60)
    elapsed = time.monotonic() - started
    out = done.stdout + done.stderr
    assert done.returncode == 3, out
    assert elapsed < 5, out
    assert "could not connect" in done.stderr
    assert len(report["guides"]) == 6
    for guide in report["guides"]:
        assert {step["reason"] for step in guide["steps"]} == {
            "not started: target unreachable since the preflight check "
            "(GET /api/v1/agents)"}, out
    # Nothing was ever sent, so nothing can be left behind; the account says so.
    assert report["leftovers"] == []
    assert "cleanup: 0 agents decommissioned, 0 left" in done.stdout
