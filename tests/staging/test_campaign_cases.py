"""The fault campaign's most telling cases, made deterministic.

Each one failed (or could fail) in a campaign run: a 429 burst longer than the retries, a
`Retry-After` beyond the bound, faults that hit the cleanup itself, a registration whose
answer never came, SIGTERM in a parallel run, and `[tool.verify-docs]` end to end.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.staging.conftest import GUIDE, ROOT, Served, assert_clean, verify
from tests.staging.proxy import Fault, FaultProxy

CLEANUP = "/api/v1/agents/"


def _posts(proxy: FaultProxy) -> list[str]:
    return [action for method, path, action in proxy.fault.seen
            if method == "POST" and path.endswith("/agents")]


def test_a_429_burst_longer_than_the_retries_is_a_target_fault(
    served: Served, tmp_path: Path
) -> None:
    def decide(n: int, method: str, path: str) -> str:
        return "429" if method == "POST" and n <= 10 else "forward"

    fault = Fault(decide=decide, retry_after="0")
    with FaultProxy(served.address, fault) as proxy:
        done, report = verify(proxy.url, served.token, tmp_path)
    # Exit 3, not 1: the target refused; the docs were never contradicted.
    assert done.returncode == 3, done.stdout + done.stderr
    step = report["guides"][0]["steps"][0]
    assert step["status"] == "error" and "429" in step["problems"][0]["message"]
    assert _posts(proxy) == ["429"] * 4
    assert served.agents() == []


def test_a_retry_after_beyond_the_bound_is_not_waited_for(
    served: Served, tmp_path: Path
) -> None:
    def decide(n: int, method: str, path: str) -> str:
        return "429-long" if n == 2 else "forward"  # 1: the preflight check

    with FaultProxy(served.address, Fault(decide=decide)) as proxy:
        done, report = verify(proxy.url, served.token, tmp_path, timeout=30)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "beyond the 10 s bound" in report["guides"][0]["steps"][0]["problems"][0]["message"]
    assert len(proxy.fault.seen) <= 4  # preflight, the refused POST, at most the sweep
    assert served.agents() == []


def test_faults_that_hit_the_cleanup_itself_do_not_leave_the_agent(
    served: Served, tmp_path: Path
) -> None:
    # The guide's own steps go through; its cleanup meets 429s, a 503 and a drop.
    cleanup = iter(["429", "429", "429", "429", "429", "503", "drop"])

    def decide(n: int, method: str, path: str) -> str:
        if method == "DELETE" and CLEANUP in path:
            return next(cleanup, "forward")
        return "forward"

    (tmp_path / "pyproject.toml").write_text("[tool.verify-docs]\nretry-max-wait = 0.2\n")
    with FaultProxy(served.address, Fault(decide=decide, retry_after="0")) as proxy:
        done, report = verify(proxy.url, served.token, tmp_path, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    deletes = [action for method, _, action in proxy.fault.seen if method == "DELETE"]
    assert deletes == ["429"] * 5 + ["503", "drop", "forward"]
    assert report["guides"][0]["cleanup"][0]["outcome"] == "decommissioned"
    assert_clean(served)


def test_a_registration_whose_answer_never_came_is_found_and_decommissioned(
    served: Served, tmp_path: Path
) -> None:
    def decide(n: int, method: str, path: str) -> str:
        return "hang-after" if method == "POST" else "forward"

    with FaultProxy(served.address, Fault(decide=decide)) as proxy:
        done, report = verify(proxy.url, served.token, tmp_path, "--timeout", "1")
    assert done.returncode == 3, done.stdout + done.stderr
    assert _posts(proxy) == ["hang-after"]  # applied, maybe: never sent again
    assert "timed out" in report["guides"][0]["steps"][0]["problems"][0]["message"]
    [agent] = served.agents()
    assert "+r" in agent["email"]
    assert [c["agentId"] for c in report["guides"][0]["cleanup"]] == [agent["agentId"]]
    assert_clean(served)


def test_sigterm_in_a_parallel_run_cleans_up_every_guide_and_reports(
    served: Served, tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    guides = [str(ROOT / "docs"), str(GUIDE)]
    with FaultProxy(served.address, Fault(latency=0.1)) as proxy:
        proc = subprocess.Popen(
            [sys.executable, "-m", "runner", *guides, "--target", proxy.url, "-n", "2",
             "--json", str(report)], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "IDP_BOOTSTRAP_TOKEN": served.token})
        deadline = time.monotonic() + 30
        while sum(1 for m, _, _ in proxy.fault.seen if m == "POST") < 3:
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, out + err
    assert "Traceback" not in out + err and served.token not in out + err
    data = json.loads(report.read_text())
    statuses = {s["status"] for g in data["guides"] for s in g["steps"]}
    assert "skipped" in statuses
    assert any(s.get("reason") == "interrupted" for g in data["guides"] for s in g["steps"])
    assert served.agents() != []
    assert_clean(served)


def test_pyproject_settings_reach_the_run_and_options_override_them(
    served: Served, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    (project / "guides").mkdir(parents=True)
    (project / "sub").mkdir()
    (project / "guides" / "g.md").write_text(GUIDE.read_text())
    (project / "pyproject.toml").write_text(
        '[tool.verify-docs]\npaths = ["guides/"]\nunique-fields = ["email", "owner"]\n'
        "retries = 2\nretry-max-wait = 0.5\nstep-deadline = 20\ntimeout = 30\njobs = 2\n")

    def decide(n: int, method: str, path: str) -> str:
        return "503" if method == "GET" else "forward"

    with FaultProxy(served.address, Fault(decide=decide)) as proxy:
        # From a subfolder: paths are relative to pyproject.toml, not to the working folder.
        done, report = verify(proxy.url, served.token, tmp_path, guides=(),
                              cwd=project / "sub")
    assert done.returncode == 3, done.stdout + done.stderr
    assert report["guides"][0]["path"].endswith("g.md")
    step = report["guides"][0]["steps"][1]
    assert step["method"] == "GET" and len(step["retries"]) == 1  # retries = 2 tries in all
    [agent] = served.agents()
    assert agent["owner"].startswith("talent-team-r")  # owner was made unique too
    assert_clean(served)

    def hang(n: int, method: str, path: str) -> str:
        return "hang" if method == "POST" else "forward"

    with FaultProxy(served.address, Fault(decide=hang)) as proxy:
        # timeout = 30 in the file; --timeout 1 wins (the subprocess bound would catch 30).
        done, report = verify(proxy.url, served.token, tmp_path, "--timeout", "1",
                              guides=(), cwd=project, timeout=15)
    assert done.returncode == 3, done.stdout + done.stderr
    assert "timed out" in report["guides"][0]["steps"][0]["problems"][0]["message"]
