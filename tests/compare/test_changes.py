"""`--baseline`: each step against the same step of an earlier run's JSON report."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.compare import Baseline, BaselineStep, load_baseline, mark_changes
from runner.model import DocError, GuideResult, RunResult, StepResult, Verdict
from runner.report.json_report import to_json
from tests.report.html_page import read_page
from tests.report.samples import make_step

GUIDE = "docs/a.md"
FIXTURE = "fixtures/agent.md"


def _result(*steps: tuple[str, int, Verdict]) -> RunResult:
    results = tuple(StepResult(step=make_step(path, line, "POST", "/api/v1/agents"),
                               status=status, method="POST", url="u")
                    for path, line, status in steps)
    return RunResult(target="embedded", guides=(GuideResult(GUIDE, "passed", results),))


def _baseline(*steps: tuple[str, int, Verdict]) -> Baseline:
    return Baseline("base.json", {GUIDE: tuple(BaselineStep(path, "POST /api/v1/agents", line,
                                                            status)
                                               for path, line, status in steps)})


def _changes(result: RunResult) -> list[str | None]:
    return [step.change for guide in result.guides for step in guide.steps]


@pytest.mark.parametrize(("before", "now", "change"), [
    ("passed", "failed", "new_failure"),
    ("skipped", "error", "new_failure"),
    ("failed", "passed", "fixed"),
    ("error", "passed", "fixed"),
    ("failed", "failed", "still_failing"),
    ("failed", "error", "still_failing"),
    ("failed", "skipped", "still_failing"),  # nothing showed it fixed
    ("passed", "passed", "unchanged"),
    ("passed", "skipped", "unchanged"),
    ("skipped", "passed", "unchanged"),
])
def test_each_change(before: Verdict, now: Verdict, change: str) -> None:
    marked = mark_changes(_result((GUIDE, 10, now)), _baseline((GUIDE, 10, before)))
    assert _changes(marked) == [change]
    assert marked.baseline == "base.json"


def test_a_step_the_baseline_lacks_is_new_or_a_new_failure() -> None:
    marked = mark_changes(_result((GUIDE, 10, "failed"), (GUIDE, 20, "passed"),
                                  (GUIDE, 30, "skipped")), _baseline())
    assert _changes(marked) == ["new_failure", "new", "new"]


def test_same_line_first_then_same_name_in_order_when_lines_moved() -> None:
    # Three steps with one name: the one still at line 30 is matched by its line; the two
    # that moved (10 -> 14, 20 -> 24) are paired in Markdown order.
    before = _baseline((GUIDE, 10, "failed"), (GUIDE, 20, "passed"), (GUIDE, 30, "failed"))
    now = _result((GUIDE, 14, "passed"), (GUIDE, 24, "failed"), (GUIDE, 30, "failed"))
    assert _changes(mark_changes(now, before)) == ["fixed", "new_failure", "still_failing"]


def test_a_fixture_step_is_matched_in_its_own_file() -> None:
    before = _baseline((FIXTURE, 10, "failed"), (GUIDE, 10, "passed"))
    now = _result((FIXTURE, 10, "passed"), (GUIDE, 10, "failed"))
    assert _changes(mark_changes(now, before)) == ["fixed", "new_failure"]


def test_the_json_report_has_changes_only_with_a_baseline() -> None:
    plain = to_json(_result((GUIDE, 10, "failed")))
    assert "changes" not in plain and "baseline" not in plain
    assert "change" not in plain["guides"][0]["steps"][0]
    marked = to_json(mark_changes(_result((GUIDE, 10, "failed"), (GUIDE, 20, "passed")),
                                  _baseline((GUIDE, 10, "passed"))))
    assert marked["baseline"] == "base.json"
    assert marked["changes"] == {"new_failure": 1, "fixed": 0, "still_failing": 0, "new": 1,
                                 "unchanged": 0}
    assert [s["change"] for s in marked["guides"][0]["steps"]] == ["new_failure", "new"]


@pytest.mark.parametrize(("content", "said"), [
    (None, "no such file"),
    ("{not json", ":1: not valid JSON"),
    ("[]", "not a verify-docs JSON report (version 1): expected an object"),
    ('{"version": 2, "guides": []}', "`version` is 2"),
    ('{"version": 1, "guides": {}}', "`guides` is not a list"),
    ('{"version": 1, "guides": [{"path": "a.md"}]}', "guides[0] needs a `path`"),
    ('{"version": 1, "guides": [{"path": "a.md", "steps": [{"name": "GET /", "line": "3"}]}]}',
     "guides[0].steps[0] needs a `name` string and a `line` number"),
    ('{"version": 1, "guides": [{"path": "a.md", "steps": [{"name": "GET /", "line": 3, '
     '"status": "green"}]}]}', '`status` "green" is not one of'),
    ('{"version": true, "guides": []}', "`version` is true"),
    ('{"version": 1.0, "guides": []}', "`version` is 1.0"),
    ('{"version": 1, "guides": ' + "[" * 5000 + "]" * 5000 + "}", "nested too deeply"),
    ('{"version": 1, "x": ' + "[" * 900 + "]" * 900 + ', "guides": [{"path": "a.md", '
     '"steps": [{"name": "GET /", "line": 3, "status": ' + "[" * 900 + "]" * 900 + "}]}]}",
     "is not one of"),
])
def test_an_unreadable_baseline_names_the_file_and_what(
    tmp_path: Path, content: str | None, said: str
) -> None:
    file = tmp_path / "base.json"
    if content is not None:
        file.write_text(content)
    with pytest.raises(DocError) as raised:
        load_baseline(file, shown="base.json")
    assert str(raised.value).startswith("base.json")
    assert said in str(raised.value)


# End to end: a guide that passes, then drifts with a paragraph added above its steps.

PASSING = """\
# Register

Register an agent (`201 Created`):

```bash
curl -s -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"email": "a@example.com", "agentType": "screener", "version": "1.0.0",
       "capabilities": ["resume:read"], "owner": "team", "deploymentEnv": "production"}'
```

```json
{"agentType": "screener", "status": "STATUS"}
```

List the agents (`200 OK`):

```bash
curl -s "http://localhost:3000/api/v1/agents?limit=1" \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```
"""


def _invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    outcome = CliRunner().invoke(cli, list(args), env=env)
    assert "Traceback" not in outcome.output
    return outcome.exit_code, outcome.output


def test_a_run_against_its_baseline(tmp_path: Path) -> None:
    guide = tmp_path / "register.md"
    guide.write_text(PASSING.replace("STATUS", "active"))
    base, now, html = tmp_path / "base.json", tmp_path / "now.json", tmp_path / "now.html"
    assert _invoke(str(guide), "--json", str(base))[0] == 0
    # The docs drift, and a paragraph above moves every line.
    guide.write_text(PASSING.replace("STATUS", "pending").replace(
        "# Register\n", "# Register\n\nA new paragraph.\n"))
    status, output = _invoke(str(guide), "--baseline", str(base), "--json", str(now),
                             "--html", str(html))
    assert status == 1
    assert re.search(r"FAIL \[new failure\] \S+register.md:8 POST /api/v1/agents", output)
    assert f"since {base}: 1 new failure, 0 fixed, 0 still failing, 0 new steps, 1 unchanged" \
        in output
    data = json.loads(now.read_text())
    assert data["changes"] == {"new_failure": 1, "fixed": 0, "still_failing": 0, "new": 0,
                               "unchanged": 1}
    assert [s["change"] for s in data["guides"][0]["steps"]] == ["new_failure", "unchanged"]
    page = read_page(html.read_text(encoding="utf-8"))
    assert page.table_rows("changes") == {"new failure": ["1"], "fixed": ["0"],
                                          "still failing": ["0"], "new": ["0"],
                                          "unchanged": ["1"]}
    # Each step's badge (the summary's table of steps that need attention repeats one).
    badges = [e.text for step in page.elements if "step" in step.classes
              for e in step.find_all("span") if "change" in e.classes]
    assert badges == ["new failure", "unchanged"]
    assert [row.find_all("td")[-1].text for row in page.by_id("attention").find_all("tr")[1:]] \
        == ["new failure"]
    # JUnit and GitHub annotations carry the mark too.
    junit = tmp_path / "now.xml"
    status, output = _invoke(str(guide), "--baseline", str(base), "--junitxml", str(junit),
                             env={"GITHUB_ACTIONS": "true"})
    changes = [(case.get("name"), prop.get("value"))
               for case in ET.parse(junit).getroot().iter("testcase")
               for prop in case.iter("property") if prop.get("name") == "change"]
    assert [value for _, value in changes] == ["new failure", "unchanged"]
    assert re.search(r"::error file=\S+register.md,line=\d+,title=POST /api/v1/agents "
                     r"\(line 8\) \[new failure\]::", output), output

    # And back: the failure is fixed, shown even though the step passes.
    guide.write_text(PASSING.replace("STATUS", "active"))
    status, output = _invoke(str(guide), "--baseline", str(now))
    assert status == 0
    assert re.search(r"PASS \[fixed\] \S+register.md:6 POST /api/v1/agents", output)
    assert "1 fixed" in output


def test_a_bad_baseline_is_a_usage_error_before_anything_is_sent(tmp_path: Path) -> None:
    guide = tmp_path / "register.md"
    guide.write_text(PASSING.replace("STATUS", "active"))
    (tmp_path / "base.json").write_text('{"version": 1}')
    for baseline in ("base.json", "missing.json"):
        status, output = _invoke(str(guide), "-v", "--baseline", str(tmp_path / baseline))
        assert status == 2
        assert output.startswith(f"verify-docs: {tmp_path / baseline}: ")
        assert "POST" not in output  # -v would show every request sent


def test_the_changes_line_counts_new_failures_in_the_plural() -> None:
    from dataclasses import replace

    from runner.report.render import changes_line
    from tests.report.samples import make_step

    steps = tuple(StepResult(step=make_step("g.md", line, "GET", "/api/v1/agents"),
                             status="failed", method="GET", url="/api/v1/agents",
                             change="new_failure") for line in (3, 9))
    result = RunResult(target="embedded", guides=(GuideResult("g.md", "failed", steps),),
                       baseline="base.json")
    assert changes_line(result) == ("since base.json: 2 new failures, 0 fixed, 0 still failing, "
                                    "0 new steps, 0 unchanged")
    one = replace(result, guides=(GuideResult("g.md", "failed", steps[:1]),))
    assert changes_line(one) == ("since base.json: 1 new failure, 0 fixed, 0 still failing, "
                                 "0 new steps, 0 unchanged")
    added = replace(one, guides=(GuideResult("g.md", "passed", (
        replace(steps[0], status="passed", change="new"),)),))
    assert changes_line(added) == ("since base.json: 0 new failures, 0 fixed, 0 still failing, "
                                   "1 new step, 0 unchanged")
