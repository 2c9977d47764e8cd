"""Every drift in one run: a failed step holds back only what its failure may have changed."""

from __future__ import annotations

from pathlib import Path

from tests.run.guide_runs import REGISTER, line_of, run_guide_text

WRONG_PHRASE = REGISTER + """
Registering it with no owner is refused with `422 Unprocessable Entity`:

```bash
curl -s -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" -H "Content-Type: application/json" \\
  -d '{"email": "x@acme.example", "agentType": "custom", "version": "1.0.0",
       "capabilities": ["a:b"], "deploymentEnv": "development"}'
```

```json
{"code": "VALIDATION_ERROR", "message": "Invalid value for 'owner': is required."}
```

Read the agent (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/agents/$AGENT_ID -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"agentId": "5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35", "deploymentEnv": "production", ...}
```

List the agents (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```
"""


def test_a_refused_request_holds_nothing_back_so_the_next_drift_is_found_too(
    tmp_path: Path
) -> None:
    run = run_guide_text(tmp_path, WRONG_PHRASE)
    assert run.exit == 1, run.output
    assert [s["status"] for s in run.steps] == ["passed", "failed", "failed", "passed"]
    refused = run.step_at(line_of(WRONG_PHRASE, "curl -s -X POST", 2))
    assert refused["expected_status"] == 422 and refused["actual_status"] == 400
    read = run.step_at(line_of(WRONG_PHRASE, "agents/$AGENT_ID"))
    assert [p["path"] for p in read["problems"] if p["severity"] == "failure"] == [
        "$.deploymentEnv"]


SUCCEEDED_INSTEAD = REGISTER + """
A second registration with the same email is refused (`409 Conflict`):

```bash
curl -s -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" -H "Content-Type: application/json" \\
  -d '{"email": "other@acme.example", "agentType": "custom", "version": "1.0.0",
       "capabilities": ["a:b"], "owner": "o", "deploymentEnv": "development"}'
```

The list now holds one agent (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```
"""


def test_a_request_that_did_what_the_guide_says_it_refuses_holds_back_the_rest(
    tmp_path: Path
) -> None:
    run = run_guide_text(tmp_path, SUCCEEDED_INSTEAD)
    assert run.exit == 1, run.output
    failed_line = line_of(SUCCEEDED_INSTEAD, "curl -s -X POST", 2)
    assert [s["status"] for s in run.steps] == ["passed", "failed", "skipped"]
    assert run.steps[-1]["reason"] == f"blocked by line {failed_line}"
    assert f"blocked by line {failed_line}" in run.output


LOST_CAPTURE = """\
List the audit events (`200 OK`) and keep the first one's id:

```bash
export EVENT=$(curl -s "http://localhost:3000/api/v1/audit?limit=1" \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" | jq -r '.data[0].eventKey')
```

Read that event (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/audit/$EVENT -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

The health check needs nothing from it (`200 OK`):

```bash
curl -s http://localhost:3000/health
```
"""


def test_only_the_readers_of_a_variable_the_failed_step_was_to_bind_are_held_back(
    tmp_path: Path
) -> None:
    run = run_guide_text(tmp_path, LOST_CAPTURE)
    assert run.exit == 1, run.output
    capture_line = line_of(LOST_CAPTURE, "export EVENT")
    assert [s["status"] for s in run.steps] == ["failed", "skipped", "passed"]
    assert run.steps[1]["reason"] == f"blocked by line {capture_line}: $EVENT was to come from it"


UNRUNNABLE = REGISTER + """
```bash
curl -s http://localhost:3000/api/v1/agents/$AGENT -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```bash
curl -s http://localhost:3000/health
```
"""


def test_a_step_that_could_not_run_holds_back_everything_after_it(tmp_path: Path) -> None:
    run = run_guide_text(tmp_path, UNRUNNABLE)
    assert run.exit == 2, run.output
    assert [s["status"] for s in run.steps] == ["passed", "error", "skipped"]
    assert run.steps[-1]["reason"] == f"blocked by line {line_of(UNRUNNABLE, '$AGENT ')}"


FAILED_READ = REGISTER + """
Its keys (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/agents/$AGENT_ID/keys \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

Its credentials (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/agents/$AGENT_ID/credentials \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```
"""


def test_a_failed_read_changes_nothing(tmp_path: Path) -> None:
    run = run_guide_text(tmp_path, FAILED_READ)
    assert run.exit == 1, run.output
    assert [s["status"] for s in run.steps] == ["passed", "failed", "passed"]
