"""`--read-only` decides on the raw request target, exactly as the server will route it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.run.guide_runs import run_guide_text

BODY = ('{"email": "ro@acme.example", "agentType": "custom", "version": "1.0.0", '
        '"capabilities": ["a:b"], "owner": "o", "deploymentEnv": "development"}')


@pytest.mark.parametrize("path", [
    "/api/v1/agents%3Fx=/token",
    "/api/v1/agents%2F..%2Ftoken",
    "/api/v1/agents?next=/api/v1/token",
    "/api/v1//token",
])
def test_a_path_only_disguised_as_a_read_is_held_back(tmp_path: Path, path: str) -> None:
    # (`/agents/../token` is not among them: curl itself removes the dot segments and sends
    # POST /api/v1/token, a token request, as the runner does.)
    text = f"""\
```bash
curl -s -X POST 'http://localhost:3000{path}' \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" -H "Content-Type: application/json" \\
  -d '{BODY}'
```
"""
    run = run_guide_text(tmp_path, text, "--read-only")
    [step] = run.steps
    assert step["status"] == "skipped", step
    assert step["actual_status"] is None  # nothing was sent
    assert "read-only" in step["reason"]


def test_token_issuance_and_introspection_still_run(tmp_path: Path) -> None:
    text = """\
```bash
curl -s -X POST http://localhost:3000/api/v1/token/introspect \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" -d token=$BOOTSTRAP_TOKEN
```
"""
    run = run_guide_text(tmp_path, text, "--read-only")
    [step] = run.steps
    assert step["actual_status"] == 200, step


def test_what_follows_a_held_back_write_is_held_back_too(tmp_path: Path) -> None:
    # The list after a held-back registration would miss the agent and read as drift.
    text = f"""\
The list is empty at first (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```bash
curl -s -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" -H "Content-Type: application/json" \\
  -d '{BODY}'
```

Now it holds the agent (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{{"data": [{{"email": "ro@acme.example", ...}}], "total": 1, ...}}
```
"""
    run = run_guide_text(tmp_path, text, "--read-only")
    assert run.exit == 0, run.output
    first, write, after = run.steps
    assert first["status"] == "passed"
    assert write["status"] == after["status"] == "skipped"
    assert after["actual_status"] is None
    assert after["reason"] == (
        f"read-only mode: follows the write at line {write['line']} that was held back")
