"""Preflight on a URL target: a missing token is one usage error, a refused one is one target
error, and either way nothing but the probe is sent (scripted peers, respx)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import respx
from click.testing import CliRunner

from runner.cli import cli

TARGET = "https://staging.example"
LISTING = {"data": [], "total": 0, "page": 1, "limit": 20}
READS_TOKEN = """# List agents

```bash
curl -s http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"data": [], "total": 0, "page": 1, "limit": 20}
```
"""
NO_TOKEN = """# Health

```bash
curl -s http://localhost:3000/health
```

```json
{"status": "ok"}
```
"""


def _guide(tmp_path: Path, text: str = READS_TOKEN) -> str:
    path = tmp_path / "guide.md"
    path.write_text(text)
    return str(path)


def _run(tmp_path: Path, token: str | None, *args: str) -> tuple[int, str]:
    env = {"IDP_BOOTSTRAP_TOKEN": token} if token is not None else {"IDP_BOOTSTRAP_TOKEN": ""}
    outcome = CliRunner().invoke(cli, [*args, "--target", TARGET], env=env)
    assert "Traceback" not in outcome.output
    return outcome.exit_code, outcome.output


@pytest.mark.parametrize("token", [None, ""])
def test_a_missing_token_is_one_usage_error_and_nothing_is_sent(
    tmp_path: Path, token: str | None
) -> None:
    with respx.mock(assert_all_called=False) as mock:
        route = mock.route().respond(200, json=LISTING)
        status, output = _run(tmp_path, token, _guide(tmp_path), _guide(tmp_path))
    assert status == 2, output
    assert output.count("IDP_BOOTSTRAP_TOKEN is not set") == 1, output
    assert "guide.md:4 reads $BOOTSTRAP_TOKEN" in output
    assert not route.called


def test_the_message_names_the_export_that_reads_the_token_first(tmp_path: Path) -> None:
    exported = ("# Agents\n\n```bash\nexport TOKEN=${TOKEN:-$BOOTSTRAP_TOKEN}\n```\n\n"
                + READS_TOKEN.replace("$BOOTSTRAP_TOKEN", "$TOKEN"))
    status, output = _run(tmp_path, None, _guide(tmp_path, exported))
    assert status == 2, output
    assert "guide.md:4 reads $BOOTSTRAP_TOKEN" in output, output


def test_no_token_is_needed_when_no_guide_reads_it(tmp_path: Path) -> None:
    with respx.mock as mock:
        mock.get(f"{TARGET}/health").respond(200, json={"status": "ok"})
        status, output = _run(tmp_path, None, _guide(tmp_path, NO_TOKEN))
    assert status == 0, output


def test_a_refused_token_is_one_message_and_nothing_else_is_sent(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as mock:
        probe = mock.get(f"{TARGET}/api/v1/agents", params={"limit": "1"}).respond(
            401, json={"code": "UNAUTHORIZED", "message": "The bearer token is invalid."},
            headers={"WWW-Authenticate": 'Bearer realm="AgentIdP", error="invalid_token"'})
        other = mock.route().respond(200, json=LISTING)
        status, output = _run(tmp_path, "wrong-token", _guide(tmp_path))
    assert status == 3, output
    assert output.strip().splitlines() == [
        "verify-docs: the target refused IDP_BOOTSTRAP_TOKEN: 401 invalid_token, expected "
        f"the bootstrap token of {TARGET}"]
    assert probe.call_count == 1 and not other.called
    sent = probe.calls.last.request
    assert sent.headers["Authorization"] == "Bearer wrong-token"
    assert "wrong-token" not in output


def test_a_refusal_without_a_challenge_names_the_body_code(tmp_path: Path) -> None:
    with respx.mock:
        respx.get(f"{TARGET}/api/v1/agents").respond(403, json={"code": "FORBIDDEN"})
        status, output = _run(tmp_path, "t0ken", _guide(tmp_path))
    assert status == 3
    assert "the target refused IDP_BOOTSTRAP_TOKEN: 403 FORBIDDEN" in output


def test_an_unreachable_target_is_one_message_and_no_guide_is_sent(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as mock:
        probe = mock.get(f"{TARGET}/api/v1/agents", params={"limit": "1"}).mock(
            side_effect=httpx.ConnectError("Connection refused"))
        other = mock.route().respond(200, json=LISTING)
        status, output = _run(tmp_path, "t0ken", _guide(tmp_path), _guide(tmp_path))
    assert status == 3, output
    assert output.startswith("verify-docs: preflight: target https://staging.example/api/v1/")
    assert output.count("could not connect") == 1, output
    assert probe.called and not other.called


def test_an_accepted_token_lets_the_guides_run(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    with respx.mock as mock:
        listing = mock.get(f"{TARGET}/api/v1/agents").respond(200, json=LISTING)
        status, output = _run(tmp_path, "t0ken", _guide(tmp_path), "--json", str(report))
    assert status == 0, output
    # The probe, then the guide's own request: the same read, with the same token.
    assert [str(call.request.url) for call in listing.calls][:2] == [
        f"{TARGET}/api/v1/agents?limit=1", f"{TARGET}/api/v1/agents"]
    assert json.loads(report.read_text())["summary"]["passed"] == 1


@pytest.mark.parametrize("status", [429, 503])
def test_a_busy_or_failing_target_says_nothing_of_the_token_and_the_guides_go_on(
    tmp_path: Path, status: int
) -> None:
    with respx.mock as mock:
        mock.get(f"{TARGET}/api/v1/agents", params={"limit": "1"}).respond(
            status, headers={"Retry-After": "0"})
        guide = mock.get(f"{TARGET}/api/v1/agents").respond(200, json=LISTING)
        status_code, output = _run(tmp_path, "t0ken", _guide(tmp_path))
    assert status_code == 0, output
    assert guide.called


def test_no_agents_api_at_the_target_is_one_message(tmp_path: Path) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{TARGET}/api/v1/agents").respond(404, text="Not Found")
        status, output = _run(tmp_path, "t0ken", _guide(tmp_path))
    assert status == 3, output
    assert "answered 404 Not Found, expected 200: is --target the AgentIdP's origin?" in output
