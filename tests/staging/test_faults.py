"""Staging runs through a fault-injecting proxy in front of `verify-docs serve`.

Across every fault: the run ends within its bounds with the designed exit status, no agent
is created twice, none is left active, and no secret reaches any output.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.staging.conftest import GUIDE, Served, assert_clean, verify
from tests.staging.proxy import Fault, FaultProxy

SECOND = GUIDE.parent / "drift-status.md"


def test_clean_run_tags_emails_and_cleans_up(served: Served, tmp_path: Path) -> None:
    done, report = verify(served.url, served.token, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    agents = served.agents()
    assert len(agents) == 1
    assert "+r" in agents[0]["email"] and agents[0]["email"].endswith("@myproject.ai")
    assert_clean(served)
    assert report["guides"][0]["cleanup"][0]["outcome"] == "decommissioned"


def test_latency_429_bursts_and_503s_are_survived(served: Served, tmp_path: Path) -> None:
    def decide(n: int, method: str, path: str) -> str:
        n -= 1  # the first request is the preflight check
        if 1 <= n <= 2:
            return "429"
        return "503" if method == "GET" and n == 4 else "forward"

    with FaultProxy(served.address, Fault(latency=0.05, decide=decide)) as proxy:
        done, report = verify(proxy.url, served.token, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    retries = [r for s in report["guides"][0]["steps"] for r in s.get("retries", [])]
    assert len(retries) == 3, retries
    assert_clean(served)


def test_dropped_registration_is_not_resent_and_is_still_cleaned_up(
    served: Served, tmp_path: Path
) -> None:
    def decide(n: int, method: str, path: str) -> str:
        return "drop" if method == "POST" and n == 2 else "forward"  # 1: the preflight check

    with FaultProxy(served.address, Fault(decide=decide)) as proxy:
        done, report = verify(proxy.url, served.token, tmp_path)
        posts = [s for s in proxy.fault.seen if s[0] == "POST"]
    assert done.returncode == 3, done.stdout + done.stderr
    assert len(posts) == 1  # a request that may have been applied is never sent twice
    assert report["guides"][0]["steps"][0]["status"] == "error"
    assert len(served.agents()) == 1
    assert_clean(served)


def test_a_target_that_never_answers_ends_within_bounds(served: Served, tmp_path: Path) -> None:
    # A short step deadline bounds the cleanup too (it gets one deadline for all its requests).
    (tmp_path / "pyproject.toml").write_text("[tool.verify-docs]\nstep-deadline = 4\n")
    # The preflight check goes through; every request after it meets a target that hangs.
    hang = Fault(decide=lambda n, m, p: "forward" if n == 1 else "hang")
    with FaultProxy(served.address, hang) as proxy:
        done, report = verify(proxy.url, served.token, tmp_path, "--timeout", "1",
                              cwd=tmp_path, timeout=30)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "timed out" in report["guides"][0]["steps"][0]["problems"][0]["message"]
    [sweep] = report["guides"][0]["cleanup"]
    assert sweep["outcome"] == "failed" and "cannot list agents" in sweep["detail"]
    assert sweep["agentId"] is None  # a sweep names no agent, rather than an empty one
    assert "cleanup: sweep failed: cannot list agents" in done.stdout


def test_sigint_halfway_cleans_up_and_reports(served: Served, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    # Each answer takes 1.5 s, and the signal comes 0.5 s after the registration arrives:
    # the run is certainly mid-step, even on a loaded machine.
    with FaultProxy(served.address, Fault(latency=1.5)) as proxy:
        proc = subprocess.Popen(
            [sys.executable, "-m", "runner", str(GUIDE), str(SECOND), "--target", proxy.url,
             "--json", str(report)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "IDP_BOOTSTRAP_TOKEN": served.token})
        # Wait until the registration has gone through, then interrupt.
        deadline = time.monotonic() + 30
        while not any(m == "POST" for m, _, _ in proxy.fault.seen):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err
    assert served.token not in out + err
    data = json.loads(report.read_text())
    first, second = data["guides"]
    # Interrupted midway is not passed; never started is still reported, every step skipped.
    assert len(first["steps"]) == 3 and first["status"] != "passed"
    assert first["steps"][-1]["status"] == "skipped"
    assert second["status"] == "skipped" and second["steps"]
    assert {s["status"] for s in second["steps"]} == {"skipped"}
    assert_clean(served)


def test_second_sigint_stops_waiting_for_cleanup_and_still_reports(
    served: Served, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    # Every answer takes 3 s: the guide is still mid-step or cleaning up at the second signal.
    with FaultProxy(served.address, Fault(latency=3.0)) as proxy:
        proc = subprocess.Popen(
            [sys.executable, "-m", "runner", str(GUIDE), "--target", proxy.url,
             "--json", str(report)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "IDP_BOOTSTRAP_TOKEN": served.token})
        assert proc.stderr is not None
        deadline = time.monotonic() + 30
        while len(proxy.fault.seen) < 2:  # past the preflight check, into the guide
            assert time.monotonic() < deadline
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        # The run says it is waiting for the guide to clean up: the moment to insist.
        first = proc.stderr.readline()
        assert "interrupt again to stop now" in first, first
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err
    assert "interrupted twice" in err
    assert served.token not in out + err
    [guide] = json.loads(report.read_text())["guides"]
    assert guide["status"] == "error"
    assert "agents it created may remain" in guide["errors"][0]["message"]


def test_two_runs_at_once_never_collide(served: Served, tmp_path: Path) -> None:
    env = {**os.environ, "IDP_BOOTSTRAP_TOKEN": served.token}
    command = [sys.executable, "-m", "runner", str(GUIDE), "--target", served.url, "--keep"]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    emails = [a["email"] for a in served.agents()]
    assert len(emails) == 2 and len(set(emails)) == 2
