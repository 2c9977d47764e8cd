"""The OpenAPI description: valid 3.1, complete, and really used to check responses."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import yaml
from openapi_core.validation.response.exceptions import InvalidData
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from fixtures.idp import IdP
from fixtures.idp.store import AUDIT_ACTIONS

from .conftest import SPEC_PATH, ConformingTransport, check_conforms

CONTRACT = Path("/work/shared/idp-contract.md")


def test_the_document_is_valid_openapi_3_1() -> None:
    document, _ = read_from_filename(str(SPEC_PATH))
    assert str(document["openapi"]).startswith("3.1")
    validate(document)


def _document() -> dict[str, object]:
    loaded: dict[str, object] = yaml.safe_load(SPEC_PATH.read_text())
    return loaded


def test_it_describes_all_fourteen_endpoints_and_health() -> None:
    paths = _document()["paths"]
    assert isinstance(paths, dict)
    operations = {
        (method.upper(), path)
        for path, item in paths.items()
        for method in item
        if method in ("get", "post", "patch", "delete")
    }
    assert operations == {
        ("POST", "/agents"), ("GET", "/agents"), ("GET", "/agents/{agentId}"),
        ("PATCH", "/agents/{agentId}"), ("DELETE", "/agents/{agentId}"),
        ("POST", "/agents/{agentId}/credentials"), ("GET", "/agents/{agentId}/credentials"),
        ("POST", "/agents/{agentId}/credentials/{credentialId}/rotate"),
        ("DELETE", "/agents/{agentId}/credentials/{credentialId}"),
        ("POST", "/token"), ("POST", "/token/introspect"), ("POST", "/token/revoke"),
        ("GET", "/audit"), ("GET", "/audit/{eventId}"),
        ("GET", "/health"), ("GET", "/.well-known/jwks.json"),
    }  # fmt: skip


def test_every_error_code_and_audit_action_is_in_the_document() -> None:
    text = SPEC_PATH.read_text()
    codes = (
        re.findall(r"^\| `([A-Z_]+)` \| (\d{3}) \|", CONTRACT.read_text(), re.M)
        if CONTRACT.exists()
        else []
    )
    expected = {code for code, _ in codes} or {
        "VALIDATION_ERROR", "UNAUTHORIZED", "FORBIDDEN", "AGENT_NOT_ACTIVE",
        "FREE_TIER_LIMIT_EXCEEDED", "AGENT_NOT_FOUND", "CREDENTIAL_NOT_FOUND",
        "AUDIT_EVENT_NOT_FOUND", "AGENT_ALREADY_EXISTS", "AGENT_ALREADY_DECOMMISSIONED",
        "CREDENTIAL_ALREADY_REVOKED", "RATE_LIMIT_EXCEEDED", "NOT_FOUND", "METHOD_NOT_ALLOWED",
    }  # fmt: skip
    assert len(expected) == 14
    for code in expected:
        assert f"- {code}\n" in text, code
    for error in (
        "invalid_request",
        "unsupported_grant_type",
        "invalid_scope",
        "invalid_client",
        "unauthorized_client",
    ):
        assert f"- {error}\n" in text, error
    assert len(AUDIT_ACTIONS) == 12
    for action in AUDIT_ACTIONS:
        assert f"- {action}\n" in text, action


def test_security_schemes() -> None:
    components = _document()["components"]
    assert isinstance(components, dict)
    schemes = components["securitySchemes"]
    assert schemes["bearerAuth"] == {**schemes["bearerAuth"], "type": "http", "scheme": "bearer"}
    assert schemes["basicAuth"]["scheme"] == "basic"


def test_the_checker_rejects_a_response_that_breaks_the_description() -> None:
    request = httpx.Request("GET", "http://localhost:3000/api/v1/agents")
    wrong = httpx.Response(
        200,
        json={"data": [{"agentId": "x"}], "total": 1, "page": 1, "limit": 20},
        headers={"X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1"},
        request=request,
    )
    with pytest.raises(InvalidData):
        check_conforms(request, wrong)


def test_the_checker_runs_on_every_test_client_response(idp: IdP) -> None:
    transport = ConformingTransport(idp.transport)
    with httpx.Client(transport=transport, base_url=idp.base_url) as client:
        client.get("/agents")
        client.post("/token", data={"grant_type": "client_credentials"})
    assert transport.checked == 2
