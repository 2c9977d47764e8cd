"""Variables as a reader's shell has them: one spelling per field, warnings, `--strict`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from runner.model.source import Source
from runner.plan.planner import plan_text
from runner.plan.variables import field_variables, suggest_variable
from runner.run.context import Context
from tests.run.guide_runs import REGISTER, line_of, run_guide_text


@pytest.mark.parametrize(("key", "names"), [
    ("agentId", ("AGENT_ID",)),
    ("clientSecret", ("CLIENT_SECRET",)),
    ("credentialId", ("CREDENTIAL_ID",)),
    ("access_token", ("ACCESS_TOKEN", "TOKEN")),
    ("client_id", ("CLIENT_ID",)),
    ("deploymentEnv", ("DEPLOYMENT_ENV",)),
    ("2fa", ()),
])
def test_a_field_binds_its_screaming_snake_name_only(key: str, names: tuple[str, ...]) -> None:
    assert field_variables(key) == names


def test_other_spellings_of_a_field_are_unbound() -> None:
    context = Context({})
    context.learn_response({"agentId": "a1", "access_token": "t"}, Source("g.md", 9))
    assert context["AGENT_ID"] == "a1" and context["TOKEN"] == "t"
    for other in ("AGENTID", "agentId", "AgentId", "AGENT-ID"):
        assert other not in context
    assert context.suggestion("AGENTID") == "AGENT_ID"
    assert suggest_variable("CLIENT_SECRETS", ["CLIENT_SECRET", "TOKEN"]) == "CLIENT_SECRET"


def test_strict_binds_nothing_from_a_response_but_remembers_why() -> None:
    context = Context({}, strict=True)
    context.learn_response({"agentId": "a1"}, Source("g.md", 9))
    assert "AGENT_ID" not in context
    withheld = context.withheld("AGENT_ID")
    assert withheld is not None and withheld.key == "agentId" and withheld.source is not None
    assert withheld.source.line == 9


TYPO = REGISTER + """
Read it back (`200 OK`):

```bash
curl http://localhost:3000/api/v1/agents/$AGENTID -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```
"""


def test_a_misspelled_variable_is_an_error_at_its_line_naming_the_one_meant(
    tmp_path: Path
) -> None:
    # The answer of the first step is not shown, so only the run can know what it binds.
    run = run_guide_text(tmp_path, TYPO)
    assert run.exit == 2, run.output
    first, typo = run.steps
    assert first["status"] == "passed"
    assert typo["status"] == "error" and typo["actual_status"] is None
    [problem] = typo["problems"]
    assert problem["line"] == line_of(TYPO, "$AGENTID")
    assert "$AGENTID is not set; did you mean $AGENT_ID?" in problem["message"]


def test_a_misspelling_no_step_could_bind_is_refused_before_anything_is_sent() -> None:
    text = TYPO.replace("| jq -r '.agentId')", "| jq -r '.agentId')\n```\n\n```json\n"
                        '{"agentId": "5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35"}')
    guide = plan_text(text, "g.md")
    [(where, message)] = guide.errors
    assert where.line == line_of(text, "$AGENTID")
    assert message.endswith("did you mean $AGENT_ID?")


RUNTIME_BOUND = REGISTER + """
Give it a credential:

```bash
curl -s -X POST http://localhost:3000/api/v1/agents/$AGENT_ID/credentials \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" -H "Content-Type: application/json" -d '{}'
```

Then exchange it for a token (`200 OK`):

```bash
curl -s -X POST http://localhost:3000/api/v1/token -d grant_type=client_credentials \\
  -d client_id=$AGENT_ID -d client_secret=$CLIENT_SECRET
```

And read the credential back (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/agents/$AGENT_ID/credentials/$CREDENTIAL_ID/rotate \\
  -X POST -H "Authorization: Bearer $BOOTSTRAP_TOKEN" -H "Content-Type: application/json" \\
  -d '{}'
```
"""


def test_an_undocumented_answer_binds_at_run_time_with_a_reader_warning(tmp_path: Path) -> None:
    run = run_guide_text(tmp_path, RUNTIME_BOUND)
    assert run.exit == 0, run.output
    assert [s["status"] for s in run.steps] == ["passed"] * 4
    token = run.step_at(line_of(RUNTIME_BOUND, "api/v1/token"))
    [warning] = token["problems"]
    assert warning["severity"] == "warning"
    assert warning["line"] == line_of(RUNTIME_BOUND, "client_secret=$CLIENT_SECRET")
    credentials = line_of(RUNTIME_BOUND, "/credentials \\")
    assert f"response at line {credentials}" in warning["message"]
    assert "export CLIENT_SECRET=$(curl … | jq -r '.clientSecret')" in warning["message"]
    rotate = run.step_at(line_of(RUNTIME_BOUND, "/rotate"))
    assert [p["message"].split(" ")[0] for p in rotate["problems"]] == ["$CREDENTIAL_ID"]


def test_strict_runs_the_guide_as_bash_would(tmp_path: Path) -> None:
    run = run_guide_text(tmp_path, RUNTIME_BOUND, "--strict")
    assert run.exit == 1, run.output
    token = run.step_at(line_of(RUNTIME_BOUND, "api/v1/token"))
    assert token["status"] == "failed" and token["actual_status"] is None  # nothing sent
    [failure] = token["problems"]
    assert failure["severity"] == "failure"
    assert failure["line"] == line_of(RUNTIME_BOUND, "client_secret=$CLIENT_SECRET")
    assert "CLIENT_SECRET" in failure["message"] and "--strict" in failure["message"]


def test_strict_is_a_project_setting_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.verify-docs]\nstrict = true\n")
    monkeypatch.chdir(tmp_path)
    assert run_guide_text(tmp_path, RUNTIME_BOUND).exit == 1
    assert run_guide_text(tmp_path, RUNTIME_BOUND, "--no-strict").exit == 0


FIXTURE_READER = """\
# Read the recipe's agent

<!-- verify: requires=registered-agent -->

{link}

```bash
curl http://localhost:3000/api/v1/agents/$AGENT_ID -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{{"agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09", "status": "active", ...}}
```
"""
ROOT = Path(__file__).resolve().parents[2]


def test_a_variable_only_an_unlinked_fixture_sets_is_a_warning(tmp_path: Path) -> None:
    text = FIXTURE_READER.format(link="The agent is already registered.")
    run = run_guide_text(tmp_path, text)
    assert run.exit == 0, run.output
    step = run.steps[-1]
    [warning] = step["problems"]
    assert warning["severity"] == "warning"
    assert warning["line"] == line_of(text, "$AGENT_ID")
    assert "fixtures/registered-agent.md" in warning["message"]
    assert "does not link to" in warning["message"]
    assert run_guide_text(tmp_path, text, "--strict").exit == 1


def test_a_linked_fixture_is_in_the_reader_s_shell(tmp_path: Path) -> None:
    link = os.path.relpath(ROOT / "fixtures" / "registered-agent.md", tmp_path)
    text = FIXTURE_READER.format(link=f"First follow [the recipe]({link}).")
    run = run_guide_text(tmp_path, text, "--strict")
    assert run.exit == 0, run.output
    assert run.steps[-1]["problems"] == []
