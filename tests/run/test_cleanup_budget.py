"""Cleanup on a URL target, against scripted answers (respx): what is recorded, what the sweep
finds, how long it waits, and how an agent it could not remove is named everywhere."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import pytest
import respx

from runner.model.result import Cleanup, GuideResult, RunResult
from runner.plan.planner import plan_text
from runner.report.github import write_annotations
from runner.report.json_report import to_json
from runner.report.junit import to_junit
from runner.report.terminal import write_terminal
from runner.run.guide import run_guide
from runner.run.isolation import Isolation
from runner.run.retry import RetryPolicy
from runner.run.staging.cleanup import AgentLedger
from runner.run.target import Session, TargetOptions, UrlTarget
from runner.secrets import Secret, SecretSet

ORIGIN = "https://staging.example"
TOKEN = "bootstrap-secret-token-value"
AGENT = "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09"
OTHER = "b4e8d932-5c3f-4e9a-8d2b-8f6c4e3a2b10"
TAG = "r1234abcd-1"


class FakeTime:
    """An injected clock: `sleep` moves it on at once and remembers every wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def _session(fields: frozenset[str] = frozenset({"email", "owner"}),
             budget: float = 120.0) -> Session:
    return Session(
        transport=httpx.HTTPTransport(retries=0), origin=ORIGIN,
        variables={"BASE_URL": "http://localhost:3000/api/v1"},
        bootstrap_token=Secret(TOKEN), secrets=SecretSet([TOKEN]),
        retry=RetryPolicy(attempts=4, max_wait=10, deadline=9.97),
        isolation=Isolation(tag=TAG, fields=fields), cleanup=True, timeout=5.0,
        cleanup_budget=budget)


def _decommission(ledger: AgentLedger, session: Session, time: FakeTime) -> tuple[Cleanup, ...]:
    with httpx.Client(transport=session.transport) as client:
        return ledger.decommission(client, session, sleep=time.sleep, clock=time.clock)


def _created(agent_id: str = AGENT) -> AgentLedger:
    ledger = AgentLedger()
    ledger.observe("POST", "/api/v1/agents", 201, {"agentId": agent_id})
    return ledger


@pytest.mark.parametrize("status", [200, 201, 202])
def test_any_2xx_with_an_agent_id_to_a_registration_is_recorded(status: int) -> None:
    ledger = AgentLedger()
    ledger.observe("POST", "/api/v1/agents", status, {"agentId": AGENT})
    ledger.observe("POST", "/api/v1/agents/", status, {"agentId": OTHER})
    ledger.observe("GET", "/api/v1/agents", 200, {"agentId": "c" * 36})  # not a creation
    assert ledger.leftovers() == [AGENT, OTHER]


GUIDE = """# Register

```bash
curl -s -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" -H "Content-Type: application/json" \\
  -d '{"email": "a@x.io", "owner": "team"}'
```

```json
{"agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09", "email": "a@x.io", "owner": "team"}
```
"""


def test_a_registration_answered_200_is_decommissioned_after_the_guide(tmp_path: Path) -> None:
    guide = plan_text(GUIDE, str(tmp_path / "g.md"))
    target = UrlTarget(ORIGIN, bootstrap_token=TOKEN,
                       options=TargetOptions(run_id="r1234abcd", unique_fields=frozenset(
                           {"email", "owner"})))
    with respx.mock(base_url=ORIGIN, assert_all_called=True) as mock:
        mock.post("/api/v1/agents").respond(200, json={
            "agentId": AGENT, "email": "a+r1234abcd-0@x.io", "owner": "team-r1234abcd-0"})
        delete = mock.delete(f"/api/v1/agents/{AGENT}").respond(204)
        result = run_guide(guide, target)
    assert [s.status for s in result.steps] == ["passed"]
    assert delete.call_count == 1
    assert result.cleanup == (Cleanup(AGENT, "decommissioned", tag="r1234abcd-0"),)
    assert RunResult(ORIGIN, (result,)).exit_status == 0


def _listing(*agents: dict[str, str]) -> dict[str, object]:
    return {"data": list(agents), "total": len(agents), "page": 1, "limit": 100}


def test_the_sweep_finds_a_lost_registration_by_owner_when_email_is_not_unique() -> None:
    ledger = AgentLedger()
    ledger.unanswered("POST", "/api/v1/agents")  # a timeout: maybe applied, id unknown
    session = _session(fields=frozenset({"owner"}))
    with respx.mock(base_url=ORIGIN, assert_all_called=True) as mock:
        mock.get("/api/v1/agents", params={"status": "active"}).respond(200, json=_listing(
            {"agentId": AGENT, "email": "a@x.io", "owner": f"team-{TAG}", "status": "active"},
            # Guide 10's tag starts like guide 1's: not this guide's agent.
            {"agentId": OTHER, "email": "b@x.io", "owner": f"team-{TAG}0",
             "status": "active"}))
        mock.get("/api/v1/agents", params={"status": "suspended"}).respond(
            200, json=_listing())
        delete = mock.delete(f"/api/v1/agents/{AGENT}").respond(204)
        outcomes = _decommission(ledger, session, FakeTime())
    assert outcomes == (Cleanup(AGENT, "decommissioned", tag=TAG),)
    assert delete.call_count == 1


def test_a_sweep_that_cannot_search_any_unique_field_says_so() -> None:
    ledger = AgentLedger()
    ledger.unanswered("POST", "/api/v1/agents")
    session = _session(fields=frozenset({"nickname"}))
    with respx.mock(base_url=ORIGIN) as mock:
        mock.get("/api/v1/agents").respond(200, json=_listing(
            {"agentId": AGENT, "email": "a@x.io", "owner": "team", "status": "active"}))
        [outcome] = _decommission(ledger, session, FakeTime())
    assert outcome.outcome == "failed" and outcome.agent_id is None and outcome.tag == TAG
    assert "none of unique-fields (nickname) is a field of the listed agents" in outcome.detail
    assert RunResult(ORIGIN, (GuideResult("g.md", "passed", cleanup=(outcome,)),)
                     ).exit_status == 3


def test_no_lost_answer_means_no_sweep() -> None:
    with respx.mock(base_url=ORIGIN, assert_all_called=True) as mock:
        mock.delete(f"/api/v1/agents/{AGENT}").respond(204)
        outcomes = _decommission(_created(), _session(), FakeTime())
    assert [o.outcome for o in outcomes] == ["decommissioned"]


def test_a_long_retry_after_is_honoured_within_the_cleanup_budget() -> None:
    # The step deadline (9.97 s) no longer bounds cleanup: the server's 60 s are waited.
    time = FakeTime()
    with respx.mock(base_url=ORIGIN) as mock:
        delete = mock.delete(f"/api/v1/agents/{AGENT}")
        delete.side_effect = [httpx.Response(429, headers={"Retry-After": "60"}),
                              httpx.Response(204)]
        outcomes = _decommission(_created(), _session(budget=120), time)
    assert [o.outcome for o in outcomes] == ["decommissioned"]
    assert time.waits == [60.0]


def test_5xx_answers_are_backed_off_and_retried() -> None:
    time = FakeTime()
    with respx.mock(base_url=ORIGIN) as mock:
        delete = mock.delete(f"/api/v1/agents/{AGENT}")
        delete.side_effect = [httpx.Response(500), httpx.Response(503), httpx.Response(204)]
        outcomes = _decommission(_created(), _session(), time)
    assert [o.outcome for o in outcomes] == ["decommissioned"]
    assert len(time.waits) == 2 and all(0 < wait <= 10 for wait in time.waits)
    assert time.waits[1] > time.waits[0] * 0.3  # jittered, but growing in expectation


def _leftover_run() -> tuple[RunResult, FakeTime]:
    time = FakeTime()
    with respx.mock(base_url=ORIGIN) as mock:
        mock.delete(f"/api/v1/agents/{AGENT}").respond(429, headers={"Retry-After": "60"})
        outcomes = _decommission(_created(), _session(budget=100), time)
    guide = GuideResult(path="docs/register.md", status="passed", cleanup=outcomes)
    return RunResult(target=ORIGIN, guides=(guide,)), time


def test_a_spent_budget_leaves_the_agent_named_everywhere_and_exits_3() -> None:
    result, time = _leftover_run()
    [cleanup] = result.guides[0].cleanup
    assert cleanup.outcome == "failed" and cleanup.agent_id == AGENT
    assert "429" in cleanup.detail and "cleanup budget 100 s" in cleanup.detail
    # Bounded by the budget, never beyond it, and waited for in virtual time only.
    assert time.now - 1000.0 <= 100.0 and time.waits[0] == 60.0
    assert result.exit_status == 3

    terminal = io.StringIO()
    write_terminal(result, terminal, verbose=False, color=False)
    text = terminal.getvalue()
    assert f"left behind: docs/register.md: agent {AGENT} (tag {TAG}) left active" in text
    assert "cleanup: 0 agents decommissioned, 1 left" in text

    data = to_json(result)
    assert data["cleanup"] == {"decommissioned": 0, "left": 1, "kept": 0}
    [left] = data["leftovers"]
    assert (left["agentId"], left["tag"], left["path"]) == (AGENT, TAG, "docs/register.md")
    assert "429" in left["last_answer"]

    junit = to_junit(result)
    [error] = junit.findall("./testsuite[@name='cleanup']/testcase/error")
    assert AGENT in (error.text or "") and junit.get("errors") == "1"

    annotations = io.StringIO()
    write_annotations(result, annotations)
    assert annotations.getvalue().startswith("::error file=docs/register.md,")
    assert AGENT in annotations.getvalue()

    every = text + json.dumps(data) + ET.tostring(junit, encoding="unicode")
    assert TOKEN not in every + annotations.getvalue()


def test_an_embedded_run_has_an_empty_account() -> None:
    data = to_json(RunResult(target="embedded"))
    assert data["leftovers"] == [] and data["cleanup"]["left"] == 0
    terminal = io.StringIO()
    write_terminal(RunResult(target="embedded"), terminal, verbose=False, color=False)
    assert "cleanup:" not in terminal.getvalue()


def test_cleanup_budget_is_a_setting_that_reaches_the_session(tmp_path: Path) -> None:
    from runner.config import load_config
    from runner.model.errors import DocError
    from runner.run.target import configured_target

    (tmp_path / "pyproject.toml").write_text("[tool.verify-docs]\ncleanup-budget = 45\n")
    config = load_config(tmp_path)
    assert config.cleanup_budget == 45.0
    session = configured_target(config, ORIGIN).open(1)
    assert session.cleanup_budget == 45.0
    (tmp_path / "pyproject.toml").write_text("[tool.verify-docs]\ncleanup-budget = 0\n")
    with pytest.raises(DocError, match="cleanup-budget should be a number of seconds above 0"):
        load_config(tmp_path)
