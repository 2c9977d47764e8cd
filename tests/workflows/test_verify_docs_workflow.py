"""`.github/workflows/verify-docs.yml`: linted by actionlint, and read for what it promises.

GitHub is the only place the workflow really runs, so what can be checked here is: actionlint
(syntax, expressions, action inputs, and the `run:` scripts through shellcheck), and the
structure the README and the design rely on: the triggers, one staging run at a time, the
two secrets and where the token goes, strict embedded runs, and every report uploaded.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from runner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "verify-docs.yml"
SECRETS = {"STAGING_IDP_URL", "STAGING_IDP_BOOTSTRAP_TOKEN"}
REPORT_OPTIONS = ("--json", "--junitxml", "--html")
BIN = Path(sys.executable).parent


def _tool(name: str) -> Path:
    """A linter from the dev extra, next to this Python: missing is a failure, not a skip."""
    path = BIN / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: it comes with the dev extra "
                    f"(.venv/bin/pip install -e '.[dev]', or make setup)")
    return path


def _actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    # shellcheck from the dev extra, pyflakes off: the result must not depend on what else
    # a machine happens to have on PATH.
    command = [str(_tool("actionlint")), "-no-color", f"-shellcheck={_tool('shellcheck')}",
               "-pyflakes=", *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_actionlint_passes_the_workflow() -> None:
    done = _actionlint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(("broken", "said"), [
    # An expression that does not parse.
    (lambda text: text.replace("github.event_name == 'pull_request'",
                               "github.event_name == 'pull_request"), "expression"),
    # A run: script bash cannot parse (found by shellcheck).
    (lambda text: text.replace('exit 1\n          fi', 'exit 1\n'), "shellcheck"),
    # An input the action does not have.
    (lambda text: text.replace("if-no-files-found: warn", "if-no-file-found: warn", 1),
     "if-no-file-found"),
])
def test_actionlint_fails_a_broken_workflow(tmp_path: Path, broken: Any, said: str) -> None:
    text = WORKFLOW.read_text()
    changed = broken(text)
    assert changed != text, "the breakage no longer applies: update this test"
    copy = tmp_path / ".github" / "workflows" / WORKFLOW.name
    copy.parent.mkdir(parents=True)
    copy.write_text(changed)
    done = _actionlint(copy)
    assert done.returncode == 1, done.stdout + done.stderr
    assert said in done.stdout


# The structure, read from the YAML.

@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text())
    assert isinstance(data, dict)
    return data


def _triggers(workflow: dict[str, Any]) -> dict[str, Any]:
    # YAML 1.1 reads a bare `on` key as the boolean true.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict)
    return triggers


def _step(job: dict[str, Any], pattern: str) -> dict[str, Any]:
    found = [s for s in job["steps"] if re.search(pattern, s.get("run", "") + s.get("uses", ""))]
    assert len(found) == 1, f"expected one step matching {pattern!r}, found {len(found)}"
    return found[0]


def _runs_on(job: dict[str, Any], event: str) -> bool:
    """Whether the job's `if:` holds for a run started by `event` (its only condition)."""
    condition = job["if"]
    mentioned = set(re.findall(r"github\.event_name == '(\w+)'", condition))
    assert re.fullmatch(r"github\.event_name == '\w+'( \|\| github\.event_name == '\w+')*",
                        condition), f"unexpected condition: {condition}"
    return event in mentioned


def test_triggers(workflow: dict[str, Any]) -> None:
    triggers = _triggers(workflow)
    assert set(triggers) == {"pull_request", "schedule", "workflow_dispatch"}
    assert "docs/**" in triggers["pull_request"]["paths"]
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert len(crons) == 1 and re.fullmatch(r"\d+ \d+ \* \* \*", crons[0]), crons  # daily


def test_pull_requests_run_the_guides_embedded_and_strict(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    on_pr = [name for name, job in jobs.items() if _runs_on(job, "pull_request")]
    assert on_pr == ["embedded"]
    run = _step(jobs["embedded"], r"make verify-docs")["run"]
    assert "--target" not in run and "--no-strict" not in run and "IDP_BOOTSTRAP_TOKEN" not in run
    # Drift gets its suggested patch in the step summary; nothing is written in CI.
    assert re.search(r"(\s|\")--diff(\s|\")", run) and "--update" not in run
    recipe = re.search(r"^verify-docs:.*\n\t(.*)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe is not None and "--strict" in recipe.group(1)


def test_staging_runs_nightly_and_on_demand_one_at_a_time(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    for event in ("schedule", "workflow_dispatch"):
        assert [name for name, job in jobs.items() if _runs_on(job, event)] == ["staging"]
    concurrency = jobs["staging"]["concurrency"]
    assert concurrency["group"] and "${{" not in concurrency["group"]  # one group, whatever ran it
    assert concurrency["cancel-in-progress"] is False  # a cancelled run may leave agents


def test_staging_takes_the_url_and_token_from_secrets(workflow: dict[str, Any]) -> None:
    text = WORKFLOW.read_text()
    assert set(re.findall(r"\bsecrets\.(\w+)", text)) == SECRETS
    # The token is handed to the runner the way the design says, and only to the steps
    # that need it: no workflow- or job-level env, nothing on a command line.
    assert "env" not in workflow
    staging = workflow["jobs"]["staging"]
    assert all("env" not in job for job in workflow["jobs"].values())
    step = _step(staging, r"make verify-docs")
    assert step["env"] == {
        "STAGING_IDP_URL": "${{ secrets.STAGING_IDP_URL }}",
        "IDP_BOOTSTRAP_TOKEN": "${{ secrets.STAGING_IDP_BOOTSTRAP_TOKEN }}",
    }
    assert re.search(r"--target \$STAGING_IDP_URL\b", step["run"])
    assert re.search(r"(^|\s)-n 4(\s|\")", step["run"])
    assert "secrets." not in step["run"]  # values via env, never spliced into the script
    for name in SECRETS:
        assert name in (ROOT / "README.md").read_text(), f"README does not say how to set {name}"


def test_no_real_host_or_secret_in_the_workflow() -> None:
    text = WORKFLOW.read_text()
    hosts = set(re.findall(r"https?://([^/\s\"']+)", text))
    assert all(host.endswith(".example") for host in hosts), hosts
    assert not re.search(r"eyJ[\w-]{10,}", text)  # no JWT


@pytest.mark.parametrize("job_name", ["embedded", "staging"])
def test_every_report_written_is_uploaded_even_after_a_failure(
    workflow: dict[str, Any], job_name: str
) -> None:
    job = workflow["jobs"][job_name]
    run = _step(job, r"make verify-docs")["run"]
    upload = _step(job, r"actions/upload-artifact@")
    assert upload["if"] == "always()"
    uploaded = set(upload["with"]["path"].split())
    assert upload["with"].get("if-no-files-found", "warn") != "error"
    offered = {opt for param in cli.commands["run"].params for opt in param.opts}
    for option in REPORT_OPTIONS:
        written = re.search(rf"{option} (\S+?)\"?(\s|$)", run)
        if option in offered:
            # A report the runner can write is written and kept.
            assert written, f"the {job_name} run does not pass {option}"
        if written:
            assert written.group(1) in uploaded, f"{written.group(1)} is not uploaded"
    # The HTML report, the release manager's page, is kept with the others.
    assert any(path.endswith(".html") for path in uploaded)
    assert all(path.startswith("reports/") for path in uploaded)
    assert "mkdir -p reports" in run  # the runner refuses a report in a missing folder


def _leftovers_step(workflow: dict[str, Any]) -> dict[str, Any]:
    return _step(workflow["jobs"]["staging"], r"leftovers")


def test_staging_fails_on_leftovers_after_any_outcome(workflow: dict[str, Any]) -> None:
    step = _leftovers_step(workflow)
    assert step["if"].startswith("always()")
    names = [s.get("name", s.get("uses")) for s in workflow["jobs"]["staging"]["steps"]]
    assert names.index(step["name"]) > names.index("Verify the guides against staging")


@pytest.mark.parametrize(("report", "status", "said"), [
    ({"leftovers": []}, 0, ""),
    ({"leftovers": [{"path": "docs/a.md", "agentId": "a1", "tag": "r1",
                     "last_answer": "429"}]}, 1, "::error file=docs/a.md::agent a1 (r1)"),
    (None, 1, "is unknown"),
])
def test_the_leftovers_check_reads_the_json_report(
    workflow: dict[str, Any], tmp_path: Path, report: dict[str, Any] | None, status: int,
    said: str
) -> None:
    (tmp_path / "reports").mkdir()
    if report is not None:
        full = {"version": 1, "target": "https://idp.staging.example", "guides": [], **report}
        (tmp_path / "reports" / "verify-docs.json").write_text(json.dumps(full))
    script = _leftovers_step(workflow)["run"]
    done = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == status, done.stdout + done.stderr
    assert said in done.stdout
