"""Fixtures for the embedded IdP's tests: a movable clock, and clients checked against the spec."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict

from fixtures.idp import IdP

SPEC_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "openapi.yaml"
START = 1_795_000_000.0  # 2026-11-18T11:06:40Z, a fixed instant so tests are deterministic

AGENT: dict[str, Any] = {
    "email": "screener@example.com",
    "agentType": "screener",
    "version": "1.0.0",
    "capabilities": ["resume:read"],
    "owner": "talent-team",
    "deploymentEnv": "development",
}


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@functools.cache
def spec() -> OpenAPI:
    """The OpenAPI description, loaded once."""
    return OpenAPI.from_file_path(str(SPEC_PATH))


class _OpenAPIRequest:
    def __init__(self, request: httpx.Request) -> None:
        self._request = request
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qs(request.url.query.decode())),
            header=Headers(dict(request.headers)),
            cookie=ImmutableMultiDict(),
        )

    host_url = property(
        lambda self: f"{self._request.url.scheme}://{self._request.url.netloc.decode()}"
    )
    path = property(lambda self: self._request.url.path)
    method = property(lambda self: self._request.method.lower())
    body = property(lambda self: self._request.content or None)
    content_type = property(lambda self: self._request.headers.get("content-type", ""))


class _OpenAPIResponse:
    def __init__(self, response: httpx.Response) -> None:
        self.status_code = response.status_code
        self.headers = Headers(dict(response.headers))
        self.content_type = response.headers.get("content-type", "")
        self.data = response.content or None


def check_conforms(request: httpx.Request, response: httpx.Response) -> None:
    """Assert the response matches the OpenAPI description of its operation."""
    try:
        spec().validate_response(_OpenAPIRequest(request), _OpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        # Unknown routes and methods (404 NOT_FOUND, 405) are not operations of the contract.
        assert response.status_code in (404, 405), (request.method, request.url)


class ConformingTransport(httpx.BaseTransport):
    """Wraps the IdP's transport and checks every response against the spec."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.checked = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        check_conforms(request, response)
        self.checked += 1
        return response


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def idp(clock: Clock) -> IdP:
    return IdP(clock=clock)


def make_client(idp: IdP, token: str | None = None, **kwargs: Any) -> httpx.Client:
    """An httpx client on the in-process IdP whose responses are checked against the spec."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(
        transport=ConformingTransport(idp.transport),
        base_url=idp.base_url,
        headers=headers,
        **kwargs,
    )


@pytest.fixture
def admin(idp: IdP) -> Iterator[httpx.Client]:
    """A client holding the bootstrap token (all four scopes)."""
    with make_client(idp, idp.bootstrap_token) as client:
        yield client


@pytest.fixture
def anon(idp: IdP) -> Iterator[httpx.Client]:
    """A client with no token."""
    with make_client(idp) as client:
        yield client


def create_agent(client: httpx.Client, **overrides: Any) -> dict[str, Any]:
    """Register an agent and return it."""
    response = client.post("/agents", json={**AGENT, **overrides})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def create_credential(client: httpx.Client, agent_id: str, **body: Any) -> dict[str, Any]:
    """Generate a credential and return it (with its secret)."""
    response = client.post(f"/agents/{agent_id}/credentials", json=body)
    assert response.status_code == 201, response.text
    credential: dict[str, Any] = response.json()
    return credential


def get_token(
    client: httpx.Client, agent_id: str, secret: str, scope: str | None = None
) -> dict[str, Any]:
    """Exchange client credentials for a token and return the answer."""
    form = {"grant_type": "client_credentials", "client_id": agent_id, "client_secret": secret}
    if scope is not None:
        form["scope"] = scope
    response = client.post("/token", data=form)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def agent_with_token(
    client: httpx.Client, scope: str | None = None, **overrides: Any
) -> tuple[dict[str, Any], dict[str, Any], str]:
    """An agent, its credential and an access token of it."""
    agent = create_agent(client, **overrides)
    credential = create_credential(client, agent["agentId"])
    token = get_token(client, agent["agentId"], credential["clientSecret"], scope)
    return agent, credential, str(token["access_token"])


def assert_error(
    response: httpx.Response, status: int, code: str, field: str | None = None
) -> None:
    """Assert an envelope error (and, for validation errors, the field it names)."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str) and body["message"]
    if field is not None:
        assert body["details"]["field"] == field, body


def assert_oauth(response: httpx.Response, status: int, error: str) -> None:
    """Assert an RFC 6749 error of POST /token."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "error_description"}, body
    assert body["error"] == error
    assert response.headers["cache-control"] == "no-store"
