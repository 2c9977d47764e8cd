"""What a release manager reads first on the HTML page: the run's outcome, as the exit status
the command really ends with; the steps that need attention, each linked to its details with
its `file:line`; what a baseline says was fixed; and nothing cut without saying so."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.model import GuideResult, RunResult
from runner.report.html import to_html
from tests.report.html_page import Page, read_page
from tests.report.samples import sample_result

ROOT = Path(__file__).resolve().parents[2]
DRIFT = ROOT / "tests" / "e2e" / "guides" / "drift-changed-value.md"
CLEAN = ROOT / "tests" / "e2e" / "guides" / "clean-register.md"


def _outcome(page: Page) -> str:
    return " ".join(page.by_id("outcome").text.split())


@pytest.mark.parametrize(("guide", "options", "broken_json"), [
    (CLEAN, [], False),
    (DRIFT, [], False),
    (CLEAN, ["-k", "nostephasthisname"], False),  # -k deselected every step: 5
    (CLEAN, [], True),  # a report not written: the run does not pass
    (DRIFT, [], True),
], ids=["passes", "drifted", "nothing-selected", "report-not-written", "both"])
def test_the_page_states_the_exit_status_the_command_exits_with(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, guide: Path, options: list[str],
    broken_json: bool
) -> None:
    if broken_json:
        def refuse(*args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr("runner.report.json_report.write_json", refuse)
    html = tmp_path / "r.html"
    outcome = CliRunner().invoke(cli, [str(guide), *options, "--json", str(tmp_path / "r.json"),
                                       "--html", str(html)])
    assert outcome.exit_code in (0, 1, 2, 5), outcome.output
    page = read_page(html.read_text(encoding="utf-8"))
    said = _outcome(page)
    assert f"(exit status {outcome.exit_code})" in said
    assert said.startswith("This run PASSED" if outcome.exit_code == 0 else "This run FAILED")
    assert f"(exit {outcome.exit_code})" in page.root.find_all("title")[0].text
    # First in the page's reading order, before any table or guide.
    first = next(e for e in page.elements if e.tag in ("table", "section", "nav")
                 or e.attrs.get("id") == "outcome")
    assert first.attrs.get("id") == "outcome"


def test_without_the_command_lines_status_the_page_states_the_runs_own() -> None:
    result = sample_result()
    assert result.exit_status == 3  # a target fault and an agent left behind
    page = read_page(to_html(result))
    assert _outcome(page).startswith("This run FAILED (exit status 3): the target")
    passing = RunResult(target="embedded", guides=(result.guides[0],))
    page = read_page(to_html(passing))
    assert _outcome(page) == "This run PASSED (exit status 0): every step passed."
    page = read_page(to_html(passing, exit_status=130))
    assert _outcome(page).startswith("This run INTERRUPTED (exit status 130)")


def test_the_steps_that_need_attention_link_to_their_details() -> None:
    page = read_page(to_html(sample_result()))
    rows = page.by_id("attention").find_all("tbody")[0].find_all("tr")
    where = [row.find_all("th")[0] for row in rows]
    assert [cell.text for cell in where] == ["docs/guides/agents.md:12",
                                             "docs/guides/outage.md:8"]
    assert [cell.find_all("a")[0].attrs["href"] for cell in where] == [
        "#guide-2-step-2", "#guide-4-step-1"]
    cells = [td.text for td in rows[0].find_all("td")]
    assert cells[:2] == ["FAIL", "POST /api/v1/agents"]
    # The first failure, and how many more the step has (a note is no failure).
    assert cells[2] == 'status 409 Conflict, expected 201 Created (code "agent_exists") ' \
                       "(and 1 more)"
    assert rows[1].find_all("td")[0].text == "ERROR"
    assert "target fault: 503" in rows[1].find_all("td")[2].text

    passing = RunResult(target="embedded", guides=(sample_result().guides[0],))
    page = read_page(to_html(passing))
    assert page.by_id("attention").text == "None: no step failed or could not run."


def test_against_a_baseline_new_failures_come_first_and_fixed_steps_are_listed() -> None:
    base = sample_result()
    quick, agents, broken, outage = base.guides
    quick = replace(quick, steps=(replace(quick.steps[0], change="fixed"),
                                  replace(quick.steps[1], change="unchanged")))
    agents = replace(agents, steps=(agents.steps[0],
                                    replace(agents.steps[1], change="still_failing"),
                                    *agents.steps[2:]))
    outage = replace(outage, steps=(replace(outage.steps[0], change="new_failure"),
                                    outage.steps[1]))
    result = replace(base, guides=(quick, agents, broken, outage), baseline="last.json")
    page = read_page(to_html(result))
    rows = page.by_id("attention").find_all("tbody")[0].find_all("tr")
    assert [row.find_all("th")[0].text for row in rows] == ["docs/guides/outage.md:8",
                                                           "docs/guides/agents.md:12"]
    assert [row.find_all("td")[-1].text for row in rows] == ["new failure", "still failing"]
    fixed = page.by_id("fixed").find_all("a")
    assert [(a.text, a.attrs["href"]) for a in fixed] == [("docs/guides/quickstart.md:10",
                                                           "#guide-1-step-1")]
    assert "last.json" in page.root.find_all("header")[0].text


def test_a_page_with_no_step_says_so_rather_than_zero_counts() -> None:
    result = RunResult(target="embedded", guides=(GuideResult(path="docs/README.md",
                                                              status="passed"),))
    section = read_page(to_html(result)).by_id("guide-1")
    said = " ".join(section.text.split())
    assert "No steps: this page documents no request" in said
    assert "0 passed" not in said


def test_a_long_changed_line_is_shown_whole_and_a_cut_says_how_much() -> None:
    # The difference may be at the end of a long line: a changed line is not cut at 400
    # characters, and an unchanged one that is says by how much.
    same = '"same": "' + "s" * 600 + '",'
    documented = "\n".join(["{", same, '"v": "' + "a" * 1500 + '"', "}"])
    real = "\n".join(["{", same, '"v": "' + "a" * 1499 + 'b"', "}"])
    base = sample_result()
    agents = base.guides[1]
    step = agents.steps[1]
    assert step.exchange is not None and step.step.response is not None
    step = replace(step, step=replace(step.step, response=replace(step.step.response,
                                                                  body=documented)),
                   exchange=replace(step.exchange, response_body=real))
    agents = replace(agents, steps=(agents.steps[0], step, *agents.steps[2:]))
    page = read_page(to_html(replace(base, guides=(base.guides[0], agents, *base.guides[2:]))))
    table = next(t for t in page.by_id("guide-2-step-2").find_all("table")
                 if "compare" in t.classes)
    cells = [td.text for row in table.find_all("tr") for td in row.find_all("td")]
    assert "+ " + '"v": "' + "a" * 1499 + 'b"' in cells
    assert "  " + same[:400] + f"… ({len(same) - 400} more characters)" in cells
