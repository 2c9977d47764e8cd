"""A crash is a crash: a bug forced at each stage ends in exit 4, an error at its step, a
traceback file named in the output (none on the terminal), every report, and cleanup."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

import runner.plan
import runner.report.junit
import runner.run.guide
import runner.run.sender
import runner.run.staging.cleanup
from runner.cli import cli
from tests.staging.conftest import GUIDE, Served, assert_clean

_FILE = re.compile(r"traceback in (\S+\.txt)")


def _plan(monkeypatch: pytest.MonkeyPatch) -> None:
    real = runner.plan.plan_guide

    def plan_guide(path: Path, **options: Any) -> Any:
        if path.name == "copy.md":
            raise ZeroDivisionError("forced while planning")
        return real(path, **options)

    monkeypatch.setattr(runner.plan, "plan_guide", plan_guide)


def _send(monkeypatch: pytest.MonkeyPatch, seen: list[str]) -> None:
    real = runner.run.sender.Sender.send

    def send(self: Any, request: httpx.Request, **options: Any) -> Any:
        # The fetch-back step (GET /agents/ID), after the agent was registered.
        if request.method == "GET" and request.url.path.count("/") == 4 and not seen:
            seen.append(request.headers["Authorization"].split()[-1])
            raise RuntimeError(f"forced while sending with {request.headers['Authorization']}")
        return real(self, request, **options)

    monkeypatch.setattr(runner.run.sender.Sender, "send", send)


def _match(monkeypatch: pytest.MonkeyPatch) -> None:
    real = runner.run.guide.compare_response
    calls: list[int] = []

    def match_response(*args: Any, **options: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise KeyError("forced while matching")
        return real(*args, **options)

    monkeypatch.setattr(runner.run.guide, "compare_response", match_response)


def _report(monkeypatch: pytest.MonkeyPatch) -> None:
    def write_junit(*_: object) -> None:
        raise TypeError("forced while writing JUnit")

    monkeypatch.setattr(runner.report.junit, "write_junit", write_junit)


def _cleanup(monkeypatch: pytest.MonkeyPatch) -> None:
    real = runner.run.staging.cleanup.AgentLedger.decommission

    def decommission(self: Any, client: Any, session: Any, *args: Any, **options: Any) -> Any:
        if session.isolation.tag.endswith("-1"):  # the second guide's cleanup only
            raise AttributeError("forced while cleaning up")
        return real(self, client, session, *args, **options)

    monkeypatch.setattr(runner.run.staging.cleanup.AgentLedger, "decommission", decommission)


STAGES: dict[str, Callable[..., None]] = {
    "plan": _plan, "send": _send, "match": _match, "report": _report, "cleanup": _cleanup}


@pytest.mark.parametrize("stage", list(STAGES))
def test_a_crash_at_each_stage_is_reported_as_one(
    stage: str, served: Served, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy.md"
    shutil.copy(GUIDE, copy)
    seen: list[str] = []
    if stage == "send":
        _send(monkeypatch, seen)
    else:
        STAGES[stage](monkeypatch)
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    outcome = CliRunner().invoke(
        cli, [str(GUIDE), str(copy), "--target", served.url, "--json", str(report),
              "--junitxml", str(junit)],
        env={"IDP_BOOTSTRAP_TOKEN": served.token})
    output = outcome.output
    assert outcome.exit_code == 4, output
    assert "Traceback" not in output and 'File "' not in output
    assert f"forced while {'writing JUnit' if stage == 'report' else ''}" in output
    files = list(dict.fromkeys(_FILE.findall(output)))
    assert files, output
    traceback = Path(files[-1]).read_text()
    assert "Traceback" in traceback and "forced while" in traceback
    for secret in [served.token, *seen]:
        assert secret not in output + traceback + report.read_text()
    data = json.loads(report.read_text())  # written whatever crashed
    if stage != "report":
        ET.parse(junit)
        crashed = [g for g in data["guides"] if g["status"] == "error"]
        assert len(crashed) == 1, data
        messages = [e["message"] for e in crashed[0]["errors"]]
        messages += [p["message"] for s in crashed[0]["steps"] for p in s["problems"]]
        assert any("crashed while" in m and files[-1] in m for m in messages), messages
        if stage in ("send", "match"):
            error = [s for s in crashed[0]["steps"] if s["status"] == "error"]
            assert [s["line"] for s in error] == [37]  # the fetch-back step
    # The other guide ran to the end, and cleanup ran (except where it was what crashed).
    assert any(g["status"] == "passed" for g in data["guides"]), data
    if stage == "cleanup":
        assert data.get("leftovers"), data  # its agents are named, never silently lost
    else:
        assert_clean(served)
    for name in files:
        Path(name).unlink()


def test_a_traceback_file_is_masked_again_with_the_secrets_learned_after_it() -> None:
    from runner.run import mask_crash_files, record_crash
    from runner.secrets import SecretSet

    late = "learned-later-0123456789"
    crash = record_crash(KeyError(f"https://idp.test/x?q={late}"), "sending")
    assert crash.path is not None
    path = Path(crash.path)
    try:
        assert late in path.read_text(encoding="utf-8")  # not a secret when it was written
        mask_crash_files([crash.path], SecretSet([late]).mask)
        text = path.read_text(encoding="utf-8")
        assert late not in text and "KeyError" in text
    finally:
        path.unlink(missing_ok=True)
