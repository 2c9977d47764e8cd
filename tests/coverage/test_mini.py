"""`verify-docs coverage` on a hand-made OpenAPI description and two guides, every figure
computed by hand (see the comments in samples/mini.yaml and the guides)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = "tests/coverage/samples"
MINI = f"{SAMPLES}/mini.yaml"


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def _coverage(*args: str) -> tuple[int, str, str]:
    outcome = CliRunner().invoke(cli, ["coverage", *args])
    return outcome.exit_code, outcome.stdout, outcome.stderr


@pytest.fixture(scope="module")
def report() -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        status, out, err = _coverage("--strict", "--openapi", MINI, "--json", "-", SAMPLES)
    assert status == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


def _operation(report: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found = [op for op in report["operations"] if (op["method"], op["path"]) == (method, path)]
    assert len(found) == 1
    return found[0]


def _responses(report: dict[str, Any], method: str, path: str) -> dict[str, str]:
    return {r["status"]: r["state"] for r in _operation(report, method, path)["responses"]}


def test_the_three_figures(report: dict[str, Any]) -> None:
    summary = report["summary"]
    # createAgent, getAgent, issueToken verified; listAgents and decommissionAgent documented
    # only by failing steps; health by none.
    assert summary["operations"] == {"total": 6, "verified": 3, "failing": 2,
                                     "undocumented": 1, "percent": 50.0}
    # 3 + 2 + 2 + 2 + 2 + 1 declared responses; verified: 201 and 409 of POST /agents, 200 and
    # 404 of GET /agents/{agentId}, 401 of POST /token; failing: DELETE's `default`.
    assert summary["responses"] == {"total": 12, "verified": 5, "failing": 1,
                                    "undocumented": 6, "percent": 41.6}
    # VALIDATION_ERROR (an enum and a const: once), AGENT_NOT_FOUND, AGENT_ALREADY_EXISTS,
    # invalid_client, invalid_scope.
    assert summary["codes"] == {"total": 5, "verified": 3, "failing": 0, "undocumented": 2,
                                "percent": 60.0}


def test_responses_of_each_operation(report: dict[str, Any]) -> None:
    assert _responses(report, "POST", "/agents") == {
        "201": "verified", "400": "undocumented", "409": "verified"}
    # The failing step documents 201, which GET /agents does not declare: shown, not counted.
    assert _responses(report, "GET", "/agents") == {
        "200": "undocumented", "4XX": "undocumented", "201": "failing"}
    declared = {r["status"]: r["declared"] for r in _operation(report, "GET", "/agents")[
        "responses"]}
    assert declared == {"200": True, "4XX": True, "201": False}
    # A documented 200 on DELETE falls under `default`.
    assert _responses(report, "DELETE", "/agents/{agentId}") == {
        "204": "undocumented", "default": "failing"}
    assert _responses(report, "POST", "/token") == {"200": "undocumented", "401": "verified"}
    # /health has its own server (no /api/v1): nothing in the guides reaches it.
    assert _responses(report, "GET", "/health") == {"200": "undocumented"}


def test_codes_per_response_and_overall(report: dict[str, Any]) -> None:
    not_found = next(r for r in _operation(report, "GET", "/agents/{agentId}")["responses"]
                     if r["status"] == "404")
    assert not_found["codes"] == [{"code": "AGENT_NOT_FOUND", "state": "verified"},
                                  {"code": "CREDENTIAL_NOT_FOUND", "state": "failing"}]
    codes = {(c["field"], c["code"]): (c["state"], c["listed"]) for c in report["codes"]}
    assert codes == {
        ("code", "VALIDATION_ERROR"): ("undocumented", True),
        ("code", "AGENT_NOT_FOUND"): ("verified", True),
        ("code", "AGENT_ALREADY_EXISTS"): ("verified", True),
        ("error", "invalid_client"): ("verified", True),
        ("error", "invalid_scope"): ("undocumented", True),
        ("code", "CREDENTIAL_NOT_FOUND"): ("failing", False),
    }


def test_what_is_not_counted(report: dict[str, Any]) -> None:
    # The audit request is no operation of mini.yaml; the hidden DELETE is not documented.
    assert [(u["method"], u["url"], u["path"], u["line"]) for u in report["unmatched"]] == [
        ("GET", "http://localhost:3000/api/v1/audit?limit=1", f"{SAMPLES}/agents.md", 56)]
    deletes = _operation(report, "DELETE", "/agents/{agentId}")["shown"]
    assert [(s["path"], s["line"], s["verdict"]) for s in deletes] == [
        (f"{SAMPLES}/drifting.md", 55, "failed")]


def test_the_table() -> None:
    status, out, _ = _coverage("--strict", "--openapi", MINI, SAMPLES)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "2 guides, 11 steps: 8 passed, 3 failed, 0 errors, 0 skipped"
    assert lines[2].split() == ["operation", "/", "response", "state", "error", "codes",
                                "shown", "at"]
    assert [line.split() for line in lines[3:7]] == [
        ["POST", "/agents", "verified", f"{SAMPLES}/agents.md:6", "+2"],
        ["201", "verified", f"{SAMPLES}/agents.md:6", "+1"],
        ["400", "undocumented"],
        ["409", "verified", "AGENT_ALREADY_EXISTS", f"{SAMPLES}/agents.md:31"],
    ]
    assert "  201 (not in the OpenAPI)" in out
    assert "CREDENTIAL_NOT_FOUND (not in the OpenAPI)" in out
    assert f"  {SAMPLES}/agents.md:56 GET http://localhost:3000/api/v1/audit?limit=1" in out
    assert lines[-4:] == [
        f"coverage of {MINI}:",
        "  operations  3 of 6 verified (50.0%), 2 failing, 1 undocumented",
        "  responses   5 of 12 verified (41.6%), 1 failing, 6 undocumented",
        "  error codes 3 of 5 verified (60.0%), 0 failing, 2 undocumented: VALIDATION_ERROR, "
        "invalid_scope",
    ]


def test_fail_under_applies_to_the_responses_figure() -> None:
    status, out, err = _coverage("--strict", "--openapi", MINI, "--fail-under", "41.6", SAMPLES)
    assert status == 0, err
    assert "(--fail-under 41.6 applies here)" in out
    status, _, err = _coverage("--strict", "--openapi", MINI, "--fail-under", "42", SAMPLES)
    assert status == 1
    assert "41.6% of the OpenAPI's responses are verified, under --fail-under 42" in err


def test_the_run_options_apply(tmp_path: Path) -> None:
    # -k selects as a run does: only agents.md's steps are reported, so only they count.
    report = tmp_path / "c.json"
    status, _, err = _coverage("--strict", "--openapi", MINI, "--json", str(report),
                               "-k", "agents and not drifting", SAMPLES)
    assert status == 0, err
    data = json.loads(report.read_text())
    assert data["summary"]["operations"]["failing"] == 0
    assert data["summary"]["responses"]["verified"] == 4


def test_json_from_a_json_openapi_file(tmp_path: Path) -> None:
    import yaml

    spec = tmp_path / "mini.json"
    spec.write_text(json.dumps(yaml.safe_load((ROOT / MINI).read_text())))
    status, out, err = _coverage("--strict", "--openapi", str(spec), "--json", "-",
                                 f"{SAMPLES}/agents.md")
    assert status == 0, err
    data = json.loads(out)
    assert data["openapi"] == str(spec)
    assert data["summary"]["responses"]["verified"] == 4


def test_fail_under_compares_the_figure_as_shown() -> None:
    # 5 of 12 is 41.666...%, shown 41.6: a threshold between the two fails, as it reads.
    status, out, err = _coverage("--strict", "--openapi", MINI, "--fail-under", "41.65",
                                 SAMPLES)
    assert status == 1
    assert "(--fail-under 41.65 applies here)" in out
    assert "41.6% of the OpenAPI's responses are verified, under --fail-under 41.65" in err
    status, _, err = _coverage("--strict", "--openapi", MINI, "--fail-under", "41.60001",
                               SAMPLES)
    assert status == 1 and "under --fail-under 41.60001 (exit 1)" in err


def test_steps_not_run_by_choice_count_for_nothing(tmp_path: Path) -> None:
    # Held back by --read-only, the registration and the duplicate neither show nor fail
    # POST /agents; the reads still run, so GET /agents/{agentId} shows its 404.
    status, out, err = _coverage("--strict", "--read-only", "--openapi", MINI, "--json", "-",
                                 f"{SAMPLES}/agents.md")
    data = json.loads(out)
    assert _operation(data, "POST", "/agents")["state"] == "undocumented", err
    assert data["summary"]["responses"]["failing"] == 0
    # The writer's own skip= is not counted either.
    guide = tmp_path / "skipped.md"
    guide.write_text("# Skipped\n\n<!-- verify: skip=\"illustration only\" -->\n\n```bash\n"
                     "curl -s -X DELETE http://localhost:3000/api/v1/agents/"
                     "00000000-0000-4000-8000-000000000001 \\\n"
                     "  -H \"Authorization: Bearer $BOOTSTRAP_TOKEN\"\n```\n\n"
                     "```json\n{\"code\": \"AGENT_NOT_FOUND\", \"message\": \"No agent.\"}\n"
                     "```\n\nStill up:\n\n```bash\ncurl -s http://localhost:3000/health\n```\n\n"
                     "```json\n{\"status\": \"ok\"}\n```\n")
    status, out, err = _coverage("--openapi", MINI, "--json", "-", "-v", str(guide))
    assert status == 0, err
    data = json.loads(out)
    assert "SKIP" in err and "illustration only" in err  # read, and skipped as written
    assert _operation(data, "DELETE", "/agents/{agentId}")["state"] == "undocumented", err


def test_a_run_that_sent_nothing_is_exit_5_not_a_figure() -> None:
    status, _, err = _coverage("--strict", "--openapi", MINI, "-k", "no-such-guide-or-step",
                               SAMPLES)
    assert status == 5, err
    assert "no step was run" in err
