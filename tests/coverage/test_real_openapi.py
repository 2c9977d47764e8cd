"""fixtures/openapi.yaml against one of our own guides, a few cells checked by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.coverage import load_openapi

ROOT = Path(__file__).resolve().parents[2]
TOKENS = "docs/developers/guides/issue-and-revoke-tokens.md"


def test_the_denominators_of_fixtures_openapi() -> None:
    api = load_openapi(ROOT / "fixtures/openapi.yaml")
    # 14 operations of the contract under /api/v1, plus /health and the JWKS outside it.
    assert len(api.operations) == 16
    assert api.operation_for("GET", "/health") is not None
    assert api.operation_for("GET", "/api/v1/health") is None
    assert api.operation_for("GET", "/api/v1/agents/a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09/"
                             "credentials").operation_id == "listCredentials"  # type: ignore[union-attr]
    # 5+6+6+7+7 (agents) + 6+6+7+7 (credentials) + 5+5+4 (tokens) + 5+6 (audit) + 1+1.
    assert sum(len(op.responses) for op in api.operations) == 84
    # The 14 envelope codes of ErrorCode and the 5 OAuth errors of POST /token.
    assert len([c for c in api.codes if c[0] == "code"]) == 14
    assert [c[1] for c in api.codes if c[0] == "error"] == [
        "invalid_request", "unsupported_grant_type", "invalid_scope", "invalid_client",
        "unauthorized_client"]


@pytest.fixture(scope="module")
def tokens() -> dict[str, Any]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        outcome = CliRunner().invoke(cli, ["coverage", "--strict", "--json", "-", TOKENS])
    assert outcome.exit_code == 0, outcome.stderr
    data: dict[str, Any] = json.loads(outcome.stdout)
    return data


def _states(report: dict[str, Any], method: str, path: str) -> dict[str, str]:
    [operation] = [op for op in report["operations"]
                   if (op["method"], op["path"]) == (method, path)]
    return {r["status"]: r["state"] for r in operation["responses"] if r["state"] != "undocumented"}


def test_cells_of_the_tokens_guide(tokens: dict[str, Any]) -> None:
    assert tokens["openapi"] == "fixtures/openapi.yaml"
    # Its requires=registered-agent fixture registers an agent: the guide does not show it.
    assert _states(tokens, "POST", "/agents") == {}
    assert _states(tokens, "POST", "/token") == {"200": "verified", "400": "verified",
                                                 "401": "verified"}
    assert _states(tokens, "GET", "/agents/{agentId}") == {"200": "verified", "401": "verified"}
    assert _states(tokens, "POST", "/agents/{agentId}/credentials") == {"403": "verified"}
    assert _states(tokens, "POST", "/token/introspect") == {"200": "verified", "403": "verified"}
    assert _states(tokens, "POST", "/token/revoke") == {"200": "verified"}
    # The JWKS is served outside /api/v1, as its own `servers` entry says.
    assert _states(tokens, "GET", "/.well-known/jwks.json") == {"200": "verified"}
    [token] = [op for op in tokens["operations"] if op["operationId"] == "issueToken"]
    [bad_request] = [r for r in token["responses"] if r["status"] == "400"]
    assert [c["code"] for c in bad_request["codes"]] == [
        "invalid_scope", "invalid_request", "unsupported_grant_type"]
    summary = tokens["summary"]
    assert (summary["operations"]["total"], summary["operations"]["verified"]) == (16, 6)
    # 3 of POST /token, 2 of GET /agents/{agentId} and of introspection, 1 of credential
    # generation (403), of revocation and of the JWKS.
    assert (summary["responses"]["total"], summary["responses"]["verified"]) == (84, 10)
    verified = [c["code"] for c in tokens["codes"] if c["state"] == "verified"]
    assert verified == ["UNAUTHORIZED", "FORBIDDEN", "invalid_request", "unsupported_grant_type",
                        "invalid_scope", "invalid_client"]
    assert tokens["unmatched"] == []


def test_the_readme_states_the_projects_own_figure() -> None:
    # The figure in the README is what `make coverage` prints today: a guide that stops
    # showing a response (or a new one that shows more) must update it.
    readme = (ROOT / "README.md").read_text()
    block = readme.split("This project's own figure", 1)[1].split("```text\n", 1)[1]
    stated = block.split("```", 1)[0].splitlines()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        outcome = CliRunner().invoke(cli, ["coverage", "--strict", "docs/"])
    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.stdout.splitlines()[-4:] == stated
