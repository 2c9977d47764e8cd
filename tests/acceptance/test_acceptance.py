"""Acceptance guides (clean, drifted, malformed) through the CLI: verdicts, lines, exits, secrets.

Every expected line is found by searching the guide for marker text, never written as a
number, so the expectations say *what* a verdict points at.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner.cli import cli
from tests.leaks import shaped_leaks

HERE = Path(__file__).parent
ROOT = HERE.parent.parent


@dataclass(frozen=True)
class S:
    """One step of the guide itself: its verdict, the text on its line, the expected status."""

    status: str
    marker: str
    n: int = 1
    expect: int | str | None = "any"
    """The `expected_status` in the report; "any" when not checked."""
    response: str | None = None
    """The text on the first content line of its documented response (`response_line`)."""


@dataclass(frozen=True)
class P:
    """A problem the failing step must carry: the text on its line and its JSON path."""

    marker: str
    path: str | None
    severity: str = "failure"
    n: int = 1


@dataclass(frozen=True)
class G:
    """What one acceptance guide must produce."""

    exit: int
    steps: tuple[S, ...] = ()
    fixture: str | None = None
    problems: tuple[P, ...] = ()
    error: str | None = None
    """Malformed: the text on the line the first error points at."""
    words: tuple[str, ...] = field(default=())
    """Words the failure or error message must contain."""
    xfail: str | None = None
    """A known runner bug outside the read/plan/match/report stages (reported to the lead)."""


def _line(path: Path, marker: str, n: int = 1) -> int:
    """The 1-based line of the n-th line containing `marker`."""
    text = path.read_bytes().decode("utf-8", "replace")
    hits = [i for i, line in enumerate(text.splitlines(), 1) if marker in line]
    assert len(hits) >= n, f"{marker!r} (#{n}) not in {path.name}"
    return hits[n - 1]


REGISTER = "curl -X POST http://localhost:3000/api/v1/agents \\"
TOKEN_POST = "curl -X POST http://localhost:3000/api/v1/token"

EXPECTED: dict[str, G] = {
    # ---- clean: every step passes, exit 0 -------------------------------------------------
    "clean/c01-register-and-read.md": G(0, (
        S("passed", REGISTER, expect=201),
        S("passed", "curl http://localhost:3000/api/v1/agents/$AGENT_ID", expect=200))),
    "clean/c02-console-session.md": G(0, (
        S("passed", "$ curl -s -X POST http://localhost:3000/api/v1/agents -H", expect=None,
          response='{"agentId": "7c0d8e1f'),
        S("passed", "$ curl -s -X POST http://localhost:3000/api/v1/agents/$AGENT_ID/cred",
          expect=None),
        S("passed", "$ curl -s -X POST http://localhost:3000/api/v1/token", expect=200))),
    "clean/c03-http-exchange.md": G(0, (
        S("passed", "POST /api/v1/token HTTP/1.1", expect=200),
        S("passed", "POST /api/v1/token/introspect HTTP/1.1", expect=200)),
        fixture="registered-agent"),
    "clean/c04-export-capture.md": G(0, (
        S("passed", "export AGENT=$(curl"),
        S("passed", "export SECRET=$(curl"),
        S("passed", "export ACCESS=$(curl"),
        S("passed", 'curl -s "http://localhost:3000/api/v1/agents/$AGENT"', expect=200))),
    "clean/c05-status-after.md": G(0, (
        S("passed", "curl -s http://localhost:3000/api/v1/agents/1111", expect=404),
        S("passed", "curl -s http://localhost:3000/api/v1/agents/not-a-uuid", expect=400))),
    "clean/c06-status-before.md": G(0, (
        S("passed", REGISTER, expect=409),
        S("passed", "curl http://localhost:3000/api/v1/agents", expect=401)),
        fixture="registered-agent"),
    "clean/c07-decommission-204.md": G(0, (
        S("passed", "curl -i -X DELETE", expect=204),
        S("passed", "curl http://localhost:3000/api/v1/agents/$AGENT_ID", expect=None),
        S("passed", "curl -X POST http://localhost:3000/api/v1/token", expect=403),
        S("passed", "curl -X DELETE", expect=409)),
        fixture="registered-agent"),
    "clean/c08-rotate-proves.md": G(0, (
        S("passed", "export CLIENT_SECRET=$(curl", expect=200),
        S("passed", TOKEN_POST, 1, expect=401),
        S("passed", TOKEN_POST, 2, expect=None)),
        fixture="agent-token"),
    "clean/c09-introspect-revoke.md": G(0, (
        S("passed", "curl -X POST http://localhost:3000/api/v1/token/introspect", 1, expect=200),
        S("passed", "curl -X POST http://localhost:3000/api/v1/token/revoke", expect=200,
          response="   {}"),
        S("passed", "curl -X POST http://localhost:3000/api/v1/token/introspect", 2, expect=None),
        S("passed", "curl http://localhost:3000/api/v1/agents -H", expect=401)),
        fixture="agent-token"),
    "clean/c10-audit.md": G(0, (
        S("passed", "curl -G http://localhost:3000/api/v1/audit", expect=200),
        S("passed", "curl http://localhost:3000/api/v1/audit/$EVENT_ID", expect=None),
        S("passed", "curl http://localhost:3000/api/v1/audit/0000", expect=404),
        S("passed", "agent.exploded", expect=400)),
        fixture="agent-token"),
    "clean/c11-list-unordered.md": G(0, (
        S("passed", '"email": "a@lists.example"'),
        S("passed", '"email": "b@lists.example"', expect=201),
        S("passed", "owner=sre&agentType=monitor", expect=200),
        S("passed", "page=5", expect=None))),
    "clean/c12-skip-and-ignore.md": G(0, (
        S("skipped", "curl -X DELETE"),
        S("passed", REGISTER, expect=None))),
    "clean/c13-hidden-step.md": G(0, (
        S("passed", REGISTER, expect=None),
        S("passed", "curl -X PATCH", 1, expect=200),
        S("passed", "/credentials \\", expect=403),
        S("passed", "curl -X PATCH", 2, expect=400),
        S("passed", "curl -X PATCH", 3, expect=None))),
    "clean/c14-oauth-errors.md": G(0, (
        S("passed", "grant_type=password", expect=400),
        S("passed", TOKEN_POST, 2, expect=400),
        S("passed", TOKEN_POST, 3, expect=None),
        S("passed", TOKEN_POST, 4, expect=401)),
        fixture="registered-agent"),
    "clean/c15-routes.md": G(0, (
        S("passed", "curl http://localhost:3000/health", expect=None),
        S("passed", "curl -i localhost:3000/health", expect=200, response="HTTP/1.1 200 OK"),
        S("passed", "/api/v1/robots", expect=404),
        S("passed", "curl -X PUT", expect=405))),
    "clean/c16-shortened-heredoc.md": G(0, (
        S("passed", REGISTER, expect=201),
        S("passed", "curl http://localhost:3000/api/v1/agents/${AGENT_ID}", expect=None))),
    "clean/c17-index.md": G(0, ()),
    "clean/c18-credentials-list.md": G(0, (
        S("passed", "curl -sS -X POST", expect=201),
        S("passed", "curl -sS http://", expect=None),
        S("passed", "curl -X DELETE", 1, expect=204),
        S("passed", "/rotate \\", expect=409),
        S("passed", "curl -X DELETE", 2, expect=404)),
        fixture="registered-agent"),
    "clean/c19-scopes.md": G(0, (
        S("passed", "export READ_TOKEN=$(curl"),
        S("passed", "?status=active", expect=200),
        S("passed", "curl -X POST http://localhost:3000/api/v1/agents/$CLIENT_ID", expect=403),
        S("passed", "curl http://localhost:3000/api/v1/audit", expect=403)),
        fixture="registered-agent"),
    "clean/c20-jq-filter.md": G(0, (
        S("passed", "| jq '.data[0]'", expect=200),
        S("passed", "| jq .total", expect=None)),
        fixture="agent-token"),
    "clean/c21-console-include.md": G(0, (
        S("passed", "$ curl -i", expect=200),),
        fixture="agent-token"),
    "clean/c22-quoting.md": G(0, (
        S("passed", "curl --get", expect=200),
        S("passed", "curl --oauth2-bearer", expect=None)),
        fixture="agent-token"),
    "clean/c23-head-tail.md": G(0, (
        S("passed", '"email": "first@tail.example"'),
        S("passed", '"email": "middle@tail.example"'),
        S("passed", '"email": "last@tail.example"'),
        S("passed", "curl http://localhost:3000/api/v1/agents?owner=tails"))),
    "clean/c24-http-beats-prose.md": G(0, (
        S("passed", "curl -i -X DELETE", expect=204),
        S("passed", TOKEN_POST, expect=401)),
        fixture="registered-agent"),
    "clean/c25-skip-between.md": G(0, (
        S("passed", "curl -X PATCH $BASE_URL", expect=200),
        S("passed", "curl -X POST \"${BASE_URL}/token/introspect\"", expect=None)),
        fixture="agent-token"),
    "clean/c26-comments-in-json.md": G(0, (S("passed", REGISTER, expect=201),)),
    "clean/c27-http-variants.md": G(0, (
        S("passed", "POST http://localhost:3000/api/v1/agents HTTP/1.1", expect=201,
          response="HTTP/1.1 201 Created"),
        S("passed", "GET {{BASE_URL}}/agents/{{AGENT_ID}}", expect=200),
        S("passed", "DELETE /api/v1/agents/{{AGENT_ID}}", expect=204))),
    "clean/c28-console-jq-raw.md": G(0, (
        S("passed", "$ curl -s -X POST http://localhost:3000/api/v1/token \\",
          response="eyJhbGciOiJSUzI1NiIsImtpZCI6..."),
        S("passed", "| jq -r .scope", response="agents:read agents:write tokens:read")),
        fixture="registered-agent"),
    # ---- drifted: the one failing step at its line, the rest skipped, exit 1 ---------------
    "drifted/d01-status.md": G(1, (
        S("failed", "curl -X POST", expect=200),
        S("skipped", "curl http://localhost:3000/api/v1/agents/$AGENT_ID")),
        problems=(P("Registration returns `200 OK`", None),), words=("200", "201")),
    "drifted/d02-missing-key.md": G(1, (S("failed", "curl -X POST", expect=201),),
        problems=(P('"region"', "$.region"),)),
    "drifted/d03-changed-value.md": G(1, (S("failed", "curl -X POST"),),
        problems=(P('"deploymentEnv": "prod"', "$.deploymentEnv"),), words=("prod", "production")),
    "drifted/d04-error-code.md": G(1, (
        S("passed", "curl -X POST"),
        S("failed", "POST /api/v1/agents HTTP/1.1", expect=409,
          response="HTTP/1.1 409 Conflict")),
        problems=(P('"code": "DUPLICATE_AGENT"', "$.code"),),
        words=("DUPLICATE_AGENT", "AGENT_ALREADY_EXISTS")),
    "drifted/d05-unify-rotation-new-id.md": G(1, (S("failed", "/rotate"),),
        fixture="agent-token", problems=(P('"credentialId": "f0f0f0f0', "$.credentialId"),)),
    "drifted/d06-unify-rotation-same-secret.md": G(1, (S("failed", "/rotate"),),
        fixture="agent-token", problems=(P('"clientSecret": "sk_live_dbfe', "$.clientSecret"),)),
    "drifted/d07-header.md": G(1, (S("failed", "curl -i -X POST"),),
        fixture="registered-agent",
        problems=(P("Cache-Control: max-age=60", "header Cache-Control"),),
        words=("no-store", "max-age=60")),
    "drifted/d08-array-length.md": G(1, (S("failed", "curl -X POST"),),
        problems=(P('"mail:send"', "$.capabilities"),), words=("2", "3")),
    "drifted/d09-undocumented-failure.md": G(1, (
        S("failed", "/keys", expect=None),
        # A failed read changed nothing: the next step still runs (every drift in one run).
        S("passed", "/credentials")),
        fixture="agent-token", problems=(P("/keys", None),), words=("404",)),
    "drifted/d10-strict-extra.md": G(1, (S("failed", "curl -X POST"),),
        problems=(P("{", "$.updatedAt", n=2),)),
    "drifted/d11-capture-missing.md": G(1, (
        S("failed", 'curl "http://localhost:3000/api/v1/audit?limit=5"'),
        S("skipped", "curl http://localhost:3000/api/v1/audit/$FIRST_EVENT")),
        fixture="agent-token", problems=(P("capture=FIRST_EVENT", "$.items[0].eventId"),)),
    "drifted/d12-wording-only.md": G(0, (
        S("passed", TOKEN_POST, expect=401),
        S("passed", "curl http://localhost:3000/api/v1/agents/1234", expect=None)),
        fixture="registered-agent",
        problems=(P('"error_description"', "$.error_description", "note"),
                  P('"message"', "$.message", "note"))),
    "drifted/d13-status-after-wrong.md": G(1, (
        S("failed", "curl -X DELETE", expect=200),
        S("skipped", "curl http://localhost:3000/api/v1/agents/$AGENT_ID/credentials -H")),
        fixture="registered-agent", problems=(P("the answer is `200 OK`", None),),
        words=("200", "204")),
    "drifted/d14-two-drifts.md": G(1, (S("failed", "curl -X POST"),),
        problems=(P('"agentType": "screener"', "$.agentType"),
                  P('"status": "pending"', "$.status"))),
    "drifted/d15-directive-status.md": G(1, (S("failed", "token/revoke", expect=201),),
        fixture="agent-token", problems=(P("status=201", None),), words=("201", "200")),
    "drifted/d16-oauth-error.md": G(1, (S("failed", "$ curl -s -X POST"),),
        fixture="registered-agent", problems=(P('"invalid_grant"', "$.error"),)),
    "drifted/d17-unify-two-agents-one.md": G(1, (S("failed", REGISTER),),
        fixture="registered-agent", problems=(P('"agentId": "a3f7c821', "$.agentId"),)),
    "drifted/d18-console-enum.md": G(1, (
        S("failed", "$ curl -s -X POST"),
        # Created as documented, only a value drifted: the agent is there to read.
        S("passed", "$ curl -s http://")),
        problems=(P('"deploymentEnv": "dev"', "$.deploymentEnv"),)),
    "drifted/d19-jq-filter-drift.md": G(1, (S("failed", "| jq '.data[0]'"),),
        fixture="agent-token", problems=(P('"owner": "recruiting"', "$.owner"),)),
    "drifted/d20-validation-field.md": G(1, (S("failed", REGISTER, expect=400),),
        problems=(P('"field": "agentType"', "$.details.field"),), words=("email", "agentType")),
    "drifted/d21-hidden-drift.md": G(1, (
        S("failed", REGISTER),
        S("passed", "curl http://localhost:3000/api/v1/agents/$AGENT_ID")),
        problems=(P('"deploymentEnv": "production"', "$.deploymentEnv"),)),
    "drifted/d22-http-status-line.md": G(1, (S("failed", "POST /api/v1/token HTTP/1.1",
                                               expect=201),),
        fixture="registered-agent", problems=(P("HTTP/1.1 201 Created", None),),
        words=("201", "200")),
    "drifted/d23-shortened-unify.md": G(1, (S("failed", "curl -X POST"),),
        fixture="registered-agent", problems=(P('"agentId": "a3f7c821-..."', "$.agentId"),),
        words=("fixtures/registered-agent.md",)),
    "drifted/d24-strict-introspect.md": G(1, (S("failed", "token/introspect"),),
        fixture="agent-token",
        problems=(P('{"active": false}', "$.active"), P('{"active": false}', "$.jti"))),
    "drifted/d25-unordered-missing.md": G(1, (S("failed", "curl \"http://"),),
        fixture="registered-agent",
        problems=(P("interview-scheduler", "$.data"), P('"total": 2', "$.total"))),
    "drifted/d26-jq-capture-missing.md": G(1, (
        S("failed", "export ACCESS=$(curl"),
        S("skipped", "curl http://localhost:3000/api/v1/agents")),
        fixture="registered-agent", problems=(P("export ACCESS=$(curl", "$.token"),),
        words=("ACCESS",),
        ),
    # ---- malformed: exit 2, path:line of the offending text, nothing sent ---------------------
    "malformed/m01-shell-or.md": G(2, error='|| echo "failed"', words=("||",)),
    "malformed/m02-unterminated-quote.md": G(2, error="-d '{", words=("quote",)),
    "malformed/m03-unknown-flag.md": G(2, error="--frobnicate", words=("--frobnicate",)),
    "malformed/m04-ambiguous-option.md": G(2, error="--da x=1", words=("ambiguous",)),
    "malformed/m05-unknown-directive.md": G(2, error="stauts=200", words=("stauts",)),
    "malformed/m06-bad-json.md": G(2, error='"page": 1', words=("JSON",)),
    "malformed/m07-unbound.md": G(2, error="$MY_AGENT_UUID", words=("MY_AGENT_UUID",)),
    "malformed/m08-foreign-host.md": G(2, error="api.sentryagent.example", words=("refused",)),
    "malformed/m09-not-utf8.md": G(2, error="Caf", words=("UTF-8",)),
    "malformed/m10-backslash-space.md": G(2, error="curl -X POST", words=("backslash",)),
    "malformed/m11-bad-status-directive.md": G(2, error="status=OK", words=("OK",)),
    "malformed/m12-unknown-fixture.md": G(2, error="requires=admin-user", words=("admin-user",)),
    "malformed/m13-data-and-form.md": G(2, error="-F client_id", words=("-F",)),
    "malformed/m14-for-loop.md": G(2, error="for i in", words=("for",)),
    "malformed/m15-file-above.md": G(2, error="pyproject.toml", words=("outside",)),
    "malformed/m16-bad-http-block.md": G(2, error="Content-Type application", words=("header",)),
    "malformed/m17-unterminated-hidden.md": G(2, error="<!-- verify: hidden", words=("-->",)),
    # The first answer is not documented, so only the run can tell that nothing binds it.
    "malformed/m18-second-step-unbound.md": G(2, (
        S("passed", "curl -X POST http://localhost:3000/api/v1/agents"),
        S("error", "GET /api/v1/agents/{{AGENT_UUID}}")),
        problems=(P("{{AGENT_UUID}}", None),), words=("AGENT_UUID", "did you mean $AGENT_ID")),
    "malformed/m19-capture-syntax.md": G(2, error="capture=EVENT_ID", words=("capture",)),
    "malformed/m20-several-urls.md": G(2, error="curl http://localhost:3000/health http",
                                       words=("URLs",)),
    "malformed/m21-foreign-http-host.md": G(2, error="Host: evil.example.com",
                                            words=("evil.example.com",)),
    "malformed/m22-subshell.md": G(2, error="(cd /tmp", words=("subshell",)),
    "malformed/m23-late-requires.md": G(2, error="requires=agent-token", words=("requires",)),
    "malformed/m25-unclosed-fence.md": G(2, error="```bash", words=("never closed",)),
    # Bound on paper by an ignored field, unbound when sent: that step errs (exit 2), the
    # step before it ran, nothing is sent for it or after it.
    "malformed/m26-unbound-at-run-time.md": G(2, (
        S("passed", "curl http://localhost:3000/health", 1),
        S("error", "$WIDGET_ID"),
        S("skipped", "curl http://localhost:3000/health", 2)),
        problems=(P("$WIDGET_ID", None),), words=("WIDGET_ID",)),
    "malformed/m24-fixture-var-typo.md": G(2, error="$CLIENT_SECRETS", words=("CLIENT_SECRETS",)),
}

def _documented_text(guide: Path) -> str:
    """What the guide and the fixtures show: documented example values are not secrets."""
    parts = [guide.read_bytes().decode("utf-8", "replace")]
    parts += [p.read_text() for p in (ROOT / "fixtures").glob("*.md")]
    return "\n".join(parts)


def _run(tmp_path: Path, guide: Path) -> tuple[int, dict[str, Any], dict[str, str]]:
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    summary = tmp_path / "summary.md"
    # GitHub mode too, so the annotations and the step summary are checked for secrets.
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    outcome = CliRunner(env=env).invoke(
        cli, [str(guide), "-v", "--json", str(report), "--junitxml", str(junit)])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), (
        outcome.output, outcome.exception)
    outputs = {"terminal": outcome.output, "json": report.read_text(),
               "junit": junit.read_text(),
               "summary": summary.read_text() if summary.exists() else ""}
    return outcome.exit_code, json.loads(outputs["json"]), outputs


def _cases() -> list[Any]:
    return [
        pytest.param(name, marks=pytest.mark.xfail(reason=g.xfail, strict=True))
        if g.xfail else name
        for name, g in sorted(EXPECTED.items())
    ]


@pytest.mark.parametrize("name", _cases())
def test_acceptance_guide(tmp_path: Path, name: str) -> None:
    guide = HERE / name
    want = EXPECTED[name]
    code, report, outputs = _run(tmp_path, guide)
    for where, text in outputs.items():
        assert "Traceback" not in text, where
        assert shaped_leaks(text, _documented_text(guide)) == [], where
    assert code == want.exit, outputs["terminal"]
    [result] = report["guides"]
    steps = result["steps"]
    if want.error is not None:
        _check_malformed(guide, want, result, outputs["terminal"])
        return
    # A fixture's steps come first and name their own file (however many the recipe has).
    fixture_steps = [s for s in steps if s.get("path", "").startswith("fixtures/")]
    own = steps[len(fixture_steps):]
    assert bool(fixture_steps) == bool(want.fixture), steps
    assert all("path" not in s or not s["path"].startswith("fixtures/") for s in own), own
    for step in fixture_steps:
        assert step.get("path") == f"fixtures/{want.fixture}.md", step
        assert step["status"] == "passed", step
    assert [s["status"] for s in own] == [s.status for s in want.steps], own
    for step, expected in zip(own, want.steps, strict=True):
        assert "path" not in step or step["path"] == str(guide), step
        assert step["line"] == _line(guide, expected.marker, expected.n), (expected, step)
        if expected.response is not None:
            assert step["response_line"] == _line(guide, expected.response), (expected, step)
        if expected.expect != "any":
            assert step["expected_status"] == expected.expect, (expected, step)
        if step["status"] == "passed":
            # Reader warnings (a variable only the runner could bind) change no verdict.
            assert all(p["severity"] in ("note", "warning") for p in step["problems"]), step
    failed = [s for s in own if s["status"] == "failed"]
    assert len(failed) == (1 if want.exit == 1 else 0), own
    problems = [p for s in own for p in s["problems"]]
    for expected_problem in want.problems:
        line = _line(guide, expected_problem.marker, expected_problem.n)
        hits = [p for p in problems if p["line"] == line and p["path"] == expected_problem.path
                and p["severity"] == expected_problem.severity]
        assert hits, (expected_problem, line, problems)
    errored = [s for s in own if s["status"] == "error"]
    assert len(errored) == (1 if want.exit == 2 else 0), own
    assert all(s["actual_status"] is None for s in errored), errored
    failed = failed or errored
    if failed:
        failures = [p for p in failed[0]["problems"] if p["severity"] == "failure"]
        assert failures, failed
        text = " ".join(f"{p['message']} {p['expected']} {p['actual']}" for p in failures)
        for word in want.words:
            assert word in text, (word, failures)
        assert f"{guide.name}:{failed[0]['line']}" in outputs["terminal"]


def _check_malformed(guide: Path, want: G, result: dict[str, Any], terminal: str) -> None:
    assert want.error is not None
    assert result["status"] == "error", result
    # Nothing was sent: no step ran (a planning error stops the whole guide).
    assert all(s["actual_status"] is None for s in result["steps"]), result["steps"]
    assert result["errors"], result
    line = _line(guide, want.error)
    first = result["errors"][0]
    assert first["line"] == line, (want.error, line, result["errors"])
    for word in want.words:
        assert word in first["message"], (word, first)
    assert f"{guide.name}:{line}:" in terminal, terminal


def test_exit_status_is_the_highest_that_applies(tmp_path: Path) -> None:
    """Clean (0), drifted (1) and malformed (2) together exit 2; each guide keeps its verdict."""
    names = ["clean/c05-status-after.md", "drifted/d03-changed-value.md",
             "malformed/m06-bad-json.md"]
    report = tmp_path / "r.json"
    outcome = CliRunner().invoke(cli, [*(str(HERE / n) for n in names), "--json", str(report)])
    assert outcome.exit_code == 2, outcome.output
    statuses = {Path(g["path"]).name: g["status"] for g in json.loads(report.read_text())["guides"]}
    assert statuses == {"c05-status-after.md": "passed", "d03-changed-value.md": "failed",
                        "m06-bad-json.md": "error"}
    clean_and_drifted = CliRunner().invoke(cli, [str(HERE / n) for n in names[:2]])
    assert clean_and_drifted.exit_code == 1, clean_and_drifted.output
