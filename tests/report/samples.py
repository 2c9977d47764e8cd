"""Hand-built run results covering every verdict, and the golden-file check."""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Literal

from runner.model.result import Cleanup, Exchange, GuideResult, Problem, RunResult, StepResult
from runner.model.source import Source
from runner.model.step import DocumentedResponse, ExpectedStatus, Guide, Step

__all__ = [
    "GOLDEN",
    "READER_WARNING",
    "check_golden",
    "make_step",
    "sample_guides",
    "sample_result",
]

GOLDEN = Path(__file__).parent / "golden"
_UPDATE = "VERIFY_DOCS_UPDATE_GOLDEN"

QUICKSTART = "docs/guides/quickstart.md"
AGENTS = "docs/guides/agents.md"
BROKEN = "docs/guides/broken, old.md"
OUTAGE = "docs/guides/outage.md"
FIXTURE = "fixtures/agent.md"


READER_WARNING = (
    "$ACCESS_TOKEN is not in a reader's shell: it was taken from the `access_token` field of "
    "the response at line 18; write export ACCESS_TOKEN=$(curl … | jq -r '.access_token') "
    "there to make the guide pasteable"
)
"""A warning on a passing step: shown everywhere, and no step's verdict changes."""


def check_golden(name: str, text: str) -> None:
    """Compare `text` with `golden/name`; with VERIFY_DOCS_UPDATE_GOLDEN=1, rewrite it instead."""
    path = GOLDEN / name
    if os.environ.get(_UPDATE) == "1":
        path.write_text(text, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run with {_UPDATE}=1 to write it, then review it"
    expected = path.read_text(encoding="utf-8")
    if text != expected:
        diff = "".join(difflib.unified_diff(
            expected.splitlines(keepends=True), text.splitlines(keepends=True),
            f"golden/{name}", "output",
        ))
        raise AssertionError(f"output differs from golden/{name}:\n{diff}")


def make_step(
    path: str,
    line: int,
    method: str,
    url_path: str,
    *,
    code: int | None = None,
    status_class: int | None = None,
    response_line: int | None = None,
    skip: str | None = None,
) -> Step:
    """A planned step at `path:line` with an optional documented JSON response."""
    source = Source(path, line)
    response = None
    if response_line is not None:
        response = DocumentedResponse(
            kind="json", body="{}", source=source.at(response_line), body_line=response_line
        )
    origin: Literal["prose", "shape", "default"] = (
        "prose" if code is not None else "shape" if status_class else "default"
    )
    return Step(
        name=f"{method} {url_path}",
        source=source,
        method=method,
        url=f"http://localhost:3000{url_path}",
        expected=ExpectedStatus(code=code, origin=origin, status_class=status_class),
        response=response,
        skip=skip,
    )


def _exchange(
    method: str, url: str, status: int | None, body: str = "", response: str = ""
) -> Exchange:
    return Exchange(
        method=method,
        url=url,
        request_headers=(("Authorization", "Bearer ***"), ("Content-Type", "application/json")),
        request_body=_indented(body),
        status=status,
        response_headers=(("content-type", "application/json"),) if status else (),
        response_body=_indented(response),
        elapsed=0.25,
    )


def _indented(body: str) -> str:
    """A JSON body as the run stage stores it: indented (reports never decode a body)."""
    return json.dumps(json.loads(body), indent=2) if body.startswith("{") else body


def _quickstart() -> GuideResult:
    token = make_step(QUICKSTART, 10, "POST", "/api/v1/token", code=200, response_line=18)
    me = make_step(QUICKSTART, 30, "GET", "/api/v1/agents/me", response_line=35)
    base = "http://localhost:3000/api/v1"
    return GuideResult(
        path=QUICKSTART,
        status="passed",
        steps=(
            StepResult(step=token, status="passed", method="POST", url=f"{base}/token",
                       actual_status=200,
                       exchange=_exchange("POST", f"{base}/token", 200,
                                          "grant_type=client_credentials",
                                          '{"access_token": "***", "token_type": "Bearer"}')),
            StepResult(step=me, status="passed", method="GET", url=f"{base}/agents/me",
                       actual_status=200,
                       problems=(Problem(message="undocumented key", source=Source(QUICKSTART, 37),
                                         path="$.createdBy", actual='"bootstrap"',
                                         severity="note"),
                                 Problem(message=READER_WARNING, source=Source(QUICKSTART, 31),
                                         expected="a variable the reader's shell holds",
                                         actual="$ACCESS_TOKEN from line 18",
                                         severity="warning")),
                       exchange=_exchange("GET", f"{base}/agents/me", 200, "",
                                          '{"agentId": "a1", "createdBy": "bootstrap"}'),
                       retries=("429 Too Many Requests, waited 1s",)),
        ),
    )


def _agents() -> GuideResult:
    base = "http://localhost:3000/api/v1"
    fixture = make_step(FIXTURE, 5, "POST", "/api/v1/token", code=200, response_line=9)
    create = make_step(AGENTS, 12, "POST", "/api/v1/agents", code=201, response_line=20)
    fetch = make_step(AGENTS, 30, "GET", "/api/v1/agents/$AGENT_ID", response_line=34)
    illustration = make_step(AGENTS, 40, "DELETE", "/api/v1/agents/$AGENT_ID",
                             skip="illustration only")
    documented = '{\n  "name": "billing-bot",\n  "scopes": ["read"],\n  "status": "active"\n}'
    real = '{\n  "name": "billing-bot",\n  "scopes": ["read", "write"],\n  "status": "active"\n}'
    problems = (
        Problem(message="status 409 Conflict, expected 201 Created (code \"agent_exists\")",
                source=Source(AGENTS, 20), expected="201", actual="409"),
        Problem(message="body differs: 50% of keys, see $.scopes",
                source=Source(AGENTS, 22), path="$.scopes", expected=documented, actual=real),
        Problem(message="wording differs", source=Source(AGENTS, 24), path="$.message",
                expected='"Agent created"', actual='"Agent registered"', severity="note"),
    )
    return GuideResult(
        path=AGENTS,
        status="failed",
        steps=(
            StepResult(step=fixture, status="passed", method="POST", url=f"{base}/token",
                       actual_status=200),
            StepResult(step=create, status="failed", method="POST", url=f"{base}/agents",
                       actual_status=409, problems=problems,
                       exchange=_exchange("POST", f"{base}/agents", 409,
                                          '{"name": "billing-bot"}',
                                          '{"code": "agent_exists"}')),
            StepResult(step=fetch, status="skipped", method="GET", url=f"{base}/agents/$AGENT_ID",
                       reason="blocked by line 12"),
            StepResult(step=illustration, status="skipped", method="DELETE",
                       url=f"{base}/agents/$AGENT_ID", reason="illustration only"),
        ),
        cleanup=(Cleanup(agent_id="agt_7f3a", outcome="failed", detail="503 from DELETE",
                         tag="r7f3a09c2-1"),
                 Cleanup(agent_id="agt_91bc", outcome="decommissioned")),
    )


def _broken() -> GuideResult:
    return GuideResult(
        path=BROKEN,
        status="error",
        errors=(
            (Source(BROKEN, 14), "unbound variable $TOKEN: no response or assignment binds it"),
            (Source(BROKEN, 7), "unknown directive word `statu`, did you mean `status`?"),
        ),
    )


def _outage() -> GuideResult:
    base = "http://localhost:3000/api/v1"
    health = make_step(OUTAGE, 8, "GET", "/api/v1/health", status_class=2)
    after = make_step(OUTAGE, 15, "GET", "/api/v1/agents")
    return GuideResult(
        path=OUTAGE,
        status="error",
        target_fault=True,
        steps=(
            StepResult(step=health, status="error", method="GET", url=f"{base}/health",
                       actual_status=503,
                       reason="target fault: 503 Service Unavailable, which the guide does not "
                              "document",
                       exchange=_exchange("GET", f"{base}/health", 503, "",
                                          "upstream down\x1b[2J\x00")),
            StepResult(step=after, status="skipped", method="GET", url=f"{base}/agents",
                       reason="blocked by line 8"),
        ),
    )


def sample_result() -> RunResult:
    """A run with every verdict: passed, failed, unreadable, a target fault, a fixture step."""
    return RunResult(target="embedded", guides=(_quickstart(), _agents(), _broken(), _outage()))


def sample_guides() -> list[Guide]:
    """Planned guides for `--lint`: steps, a skip directive, errors and notes."""
    steps = (
        make_step(FIXTURE, 5, "POST", "/api/v1/token", code=200, response_line=9),
        make_step(AGENTS, 12, "POST", "/api/v1/agents", code=201, response_line=20),
        make_step(AGENTS, 30, "GET", "/api/v1/agents/$AGENT_ID", status_class=4),
        make_step(AGENTS, 40, "DELETE", "/api/v1/agents/$AGENT_ID", skip="illustration only"),
    )
    return [
        Guide(path=AGENTS, steps=steps, requires=("agent",),
              notes=((Source(AGENTS, 50), "`openssl` is not run"),
                     (Source(AGENTS, 26), "write `$AGENT_ID` instead of the example value"))),
        Guide(path=BROKEN, errors=_broken().errors),
    ]
