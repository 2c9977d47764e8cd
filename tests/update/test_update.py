"""`--update` and `--diff` on hand-made drifted copies of this project's own guides.

Each drifted guide is a copy of a guide under docs/ with drift planted in it; `--update`
must make the next run pass, touch only the drifted lines (for drift planted by changing
what the target really answers, the update gives back the original guide byte for byte),
never write a secret or a run tag, and leave a clean guide untouched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from runner.cli import cli
from runner.plan import plan_guide
from runner.update import FileUpdate, Update, render_diff, write_update

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "developers" / "guides"
REGISTER = GUIDES / "register-an-agent.md"
TOKENS = GUIDES / "issue-and-revoke-tokens.md"

# (what the guide says, what the planted drift says instead): each comes back on update.
RESTORED = [
    ('  "status": "active",\n  "createdAt": "2026-03-01T10:15:00.000Z"',
     '  "status": "pending",\n  "createdAt": "2026-03-01T10:15:00.000Z"'),   # a status string
    ('"code": "AGENT_NOT_FOUND"', '"code": "NOT_FOUND"'),                    # an error code
    ('The AgentIdP answers `201 Created`', 'The AgentIdP answers `200 OK`'),  # prose status
    ('"capabilities": ["invoice:read", "vendor:read", "ledger:write"],\n  "owner": "finance',
     '"capabilities": ["invoice:read", "vendor:read"],\n  "owner": "finance'),  # an array
    ('  "agentType": "extractor",\n  "version": "2.0.0"',
     '  "kind": "extractor",\n  "version": "2.0.0"'),                       # a renamed field
]


def _plant(original: str, drifts: list[tuple[str, str]]) -> str:
    text = original
    for good, bad in drifts:
        assert good in text, good
        text = text.replace(good, bad, 1)  # the first answer that shows it
    return text


def _verify(*args: str, env: dict[str, str] | None = None) -> Result:
    outcome = CliRunner(env=env).invoke(cli, ["--strict", *args])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome


def _copy(tmp_path: Path, source: Path, text: str | None = None) -> Path:
    """A copy of a guide in a copy of the project (its links to fixtures/ still hold)."""
    if not (tmp_path / "pyproject.toml").exists():
        shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
        shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures",
                        ignore=shutil.ignore_patterns("idp", "*.py", "*.yaml", "__pycache__"))
    guide = tmp_path / source.relative_to(ROOT)
    guide.parent.mkdir(parents=True, exist_ok=True)
    guide.write_text(source.read_text() if text is None else text)
    return guide


def _changed_lines(before: str, after: str) -> set[int]:
    """The 1-based lines of `before` that differ (the files keep their line count here)."""
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new)
    return {number for number, (a, b) in enumerate(zip(old, new, strict=True), 1) if a != b}


def test_update_gives_back_the_guide_the_drift_was_planted_in(tmp_path: Path) -> None:
    original = REGISTER.read_text()
    drifted = _plant(original, RESTORED)
    guide = _copy(tmp_path, REGISTER, drifted)
    first = _verify(str(guide), "--update")
    assert first.exit_code == 1, first.output  # the run's own status: it drifted
    assert guide.read_text() == original
    second = _verify(str(guide))
    assert second.exit_code == 0, second.output
    # Only the drifted lines changed, so `git diff` is those lines: one for each drift.
    changed = _changed_lines(drifted, original)
    assert len(changed) == len(RESTORED)
    assert all(any(bad.split("\n")[0] in drifted.splitlines()[number - 1]
                   for _, bad in RESTORED) for number in changed)


def test_each_drift_alone_is_a_one_line_diff(tmp_path: Path) -> None:
    original = REGISTER.read_text()
    for number, drift in enumerate(RESTORED):
        folder = tmp_path / str(number)
        folder.mkdir()
        drifted = _plant(original, [drift])
        guide = _copy(folder, REGISTER, drifted)
        shown = _verify(str(guide), "--diff")
        assert shown.exit_code == 1
        assert guide.read_text() == drifted  # --diff writes nothing
        removed = [line for line in shown.stdout.splitlines()
                   if line.startswith("-") and not line.startswith("---")]
        added = [line for line in shown.stdout.splitlines()
                 if line.startswith("+") and not line.startswith("+++")]
        assert len(removed) == len(added) == 1, shown.stdout
        assert drift[1].split("\n")[0].strip() in removed[0], shown.stdout
        assert drift[0].split("\n")[0].strip() in added[0], shown.stdout


def test_clean_guides_are_left_byte_for_byte(tmp_path: Path) -> None:
    copies = [_copy(tmp_path, source) for source in (REGISTER, TOKENS)]
    before = [(path.read_bytes(), path.stat().st_mtime_ns) for path in copies]
    outcome = _verify(str(copies[0].parent), "--update")
    assert outcome.exit_code == 0, outcome.output
    assert [(path.read_bytes(), path.stat().st_mtime_ns) for path in copies] == before
    assert sorted(os.listdir(copies[0].parent)) == sorted(path.name for path in copies)


def test_an_elided_body_keeps_its_ellipsis(tmp_path: Path) -> None:
    original = REGISTER.read_text()
    whole = original[original.index('{\n  "agentId": "5b8e2f14'):]
    whole = whole[: whole.index("}\n") + 1]
    elided = ('{\n  "agentId": "5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35",\n'
              '  "status": "suspended",\n  ...\n}')
    guide = _copy(tmp_path, REGISTER, original.replace(whole, elided, 1))
    assert _verify(str(guide), "--update").exit_code == 1
    assert elided.replace("suspended", "active") in guide.read_text()
    assert _verify(str(guide)).exit_code == 0


def _shown_secrets(text: str) -> set[str]:
    """Every whole JWT and `sk_live_` secret written in a text."""
    return set(re.findall(r"eyJ[\w-]+\.[\w-]+\.[\w-]*|sk_live_[0-9a-f]{16,}", text))


def test_no_secret_is_ever_written(tmp_path: Path) -> None:
    register = REGISTER.read_text()
    tokens = TOKENS.read_text()
    secret = register[register.index('"clientSecret": "sk_live_'):].split("\n")[0]
    drifted_register = register.replace(secret, '"clientSecret": "sk_test_0123"', 1)
    token = '"access_token": "eyJhbGciOiJSUzI1NiIsImtpZCI6...",'
    drifted_tokens = tokens.replace(token, '"access_token": "not-a-token",', 1)
    one = _copy(tmp_path, REGISTER, drifted_register)
    two = _copy(tmp_path, TOKENS, drifted_tokens)
    assert _verify(str(one.parent), "--update").exit_code == 1
    written = one.read_text() + two.read_text()
    # The bootstrap token and every token issued are JWTs; client secrets are sk_live_.
    assert _shown_secrets(written) <= _shown_secrets(register + tokens)
    assert '"clientSecret": "sk_live_..."' in one.read_text()
    assert '"access_token": "eyJ' in two.read_text()
    again = _verify(str(one.parent))
    assert again.exit_code == 0, again.output


def test_diff_writes_nothing_and_prints_a_unified_diff(tmp_path: Path) -> None:
    drifted = _plant(REGISTER.read_text(), RESTORED[:2])
    guide = _copy(tmp_path, REGISTER, drifted)
    outcome = _verify(str(guide), "--diff")
    assert outcome.exit_code == 1
    assert guide.read_text() == drifted
    out = outcome.stdout
    assert f"--- a/{guide}" in out and f"+++ b/{guide}" in out
    assert '-  "status": "pending",' in out and '+  "status": "active",' in out
    assert '-  "code": "NOT_FOUND",' in out and '+  "code": "AGENT_NOT_FOUND",' in out
    assert re.search(r"^@@ -\d+,\d+ \+\d+,\d+ @@", out, re.MULTILINE)


def test_diff_prints_the_patch_alone_on_stdout_for_git_apply(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = REGISTER.read_text()
    guide = _copy(tmp_path, REGISTER, _plant(original, RESTORED[:2]))
    monkeypatch.chdir(tmp_path)
    shown = str(guide.relative_to(tmp_path))
    outcome = _verify(shown, "--diff")
    assert outcome.exit_code == 1
    assert outcome.stdout.startswith(f"--- a/{shown}\n"), outcome.stdout
    assert "failed" in outcome.stderr  # the run's own report is there, not in the patch
    (tmp_path / "fix.patch").write_text(outcome.stdout)
    applied = subprocess.run(["git", "apply", "fix.patch"], cwd=tmp_path,
                             capture_output=True, text=True, check=False)
    assert applied.returncode == 0, applied.stderr
    assert guide.read_text() == original


PRINTED = """# What jq prints

<!-- verify: requires=registered-agent -->

With the agent of [Register an agent](../../../fixtures/registered-agent.md):

```console
$ curl -s -X POST http://localhost:3000/api/v1/token -d grant_type=client_credentials \\
    -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET -d scope=tokens:read | jq -r .expires_in
3600
```

```console
$ curl -s -X POST http://localhost:3000/api/v1/token -d grant_type=client_credentials \\
    -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET -d scope=tokens:read | jq .token_type
"Bearer"
```

```console
$ curl -s -X POST http://localhost:3000/api/v1/token -d grant_type=client_credentials \\
    -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET -d scope=tokens:read | jq -r .scope
tokens:read
```

```console
$ curl -s -X POST http://localhost:3000/api/v1/token -d grant_type=client_credentials \\
    -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET -d scope=tokens:read \\
    | jq -r .access_token
eyJhbGciOiJSUzI1NiIsImtpZCI6...
```
"""


def test_what_a_jq_filter_prints_is_written_as_it_prints_it(tmp_path: Path) -> None:
    # The one value (bare under -r, quoted without), never the whole answer around it.
    drifted = (PRINTED.replace("\n3600\n", "\n7200\n").replace('"Bearer"', '"bearer"')
               .replace("\ntokens:read\n", "\nagents:read\n"))
    assert drifted.count("\n") == PRINTED.count("\n") and drifted != PRINTED
    guide = _copy(tmp_path, TOKENS, drifted)
    first = _verify(str(guide), "--update")
    assert first.exit_code == 1, first.output
    assert "needs a look" not in first.output, first.output
    assert guide.read_text() == PRINTED
    assert _verify(str(guide)).exit_code == 0


def test_a_github_run_puts_the_patch_in_the_step_summary(tmp_path: Path) -> None:
    guide = _copy(tmp_path, REGISTER, _plant(REGISTER.read_text(), RESTORED[1:2]))
    summary = tmp_path / "summary.md"
    outcome = _verify(str(guide), "--diff",
                      env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)})
    assert outcome.exit_code == 1
    text = summary.read_text()
    assert "### Suggested patch" in text
    patch = text[text.index("### Suggested patch"):]
    assert '+  "code": "AGENT_NOT_FOUND",' in patch
    # The guides' own ``` fences are in the patch: the summary's fence is longer.
    assert "````diff" in patch


def test_a_prose_status_phrase_read_by_two_steps_is_left_and_listed(tmp_path: Path) -> None:
    guide = tmp_path / "shared.md"
    guide.write_text(
        "# Shared\n\n<!-- verify: requires=registered-agent -->\n\n"
        "```bash\ncurl -X DELETE http://localhost:3000/api/v1/agents/$AGENT_ID/credentials/"
        '$CREDENTIAL_ID -H "Authorization: Bearer $BOOTSTRAP_TOKEN"\n```\n\n'
        "The credential is gone: the answer is `200 OK`.\n\n"
        "```bash\ncurl http://localhost:3000/api/v1/agents/$AGENT_ID/credentials "
        '-H "Authorization: Bearer $BOOTSTRAP_TOKEN"\n```\n')
    before = guide.read_bytes()
    outcome = _verify(str(guide), "--update")
    assert outcome.exit_code == 1
    assert guide.read_bytes() == before
    assert "read by two steps" in outcome.stderr


def test_other_prose_naming_an_old_value_is_listed_not_changed(tmp_path: Path) -> None:
    drifted = _plant(REGISTER.read_text(), RESTORED[1:2])
    drifted = drifted.replace("## 4. Give it a credential",
                              "A missing agent answers `NOT_FOUND`.\n\n## 4. Give it a credential")
    guide = _copy(tmp_path, REGISTER, drifted)
    outcome = _verify(str(guide), "--update")
    line = drifted.splitlines().index("A missing agent answers `NOT_FOUND`.") + 1
    assert f"prose that may need a look: {guide}:{line}" in outcome.stderr
    assert "A missing agent answers `NOT_FOUND`." in guide.read_text()


def test_only_files_under_the_given_paths_are_written(tmp_path: Path) -> None:
    # A fixture's step that drifts is listed, not written, when the fixture was not given.
    drifted = _plant(REGISTER.read_text(), RESTORED[1:2])
    guide = _copy(tmp_path, REGISTER, drifted)
    outcome = _verify(str(guide), "--update")
    assert outcome.exit_code == 1
    fixtures = tmp_path / "fixtures"
    assert not any(path.name.startswith(".") and path.suffix == ".tmp"
                   for path in fixtures.iterdir())


def test_a_file_changed_since_it_was_read_is_not_written(tmp_path: Path) -> None:
    file = tmp_path / "guide.md"
    file.write_text("changed by someone else\n")
    update = Update(files=(FileUpdate("guide.md", file, "as read\n", "as updated\n"),))
    with pytest.raises(Exception, match="changed while the run was checking it"):
        write_update(update)
    assert file.read_text() == "changed by someone else\n"


def test_update_and_diff_are_run_options() -> None:
    outcome = CliRunner().invoke(cli, ["--help"])
    assert "--update" in outcome.output and "--diff" in outcome.output


def _blocked_drift(original: str) -> str:
    """Two drifts, the second behind the first: the registration documented as `200 OK`
    (it changes state and answered another 2xx, so every later step is held back), and a
    field of the record read back later with $AGENT_ID."""
    drifted = _plant(original, RESTORED[2:3])
    at = drifted.index("The answer is `200 OK` and the same record:")
    later = drifted[at:].replace('"deploymentEnv": "staging"', '"deploymentEnv": "production"', 1)
    assert later != drifted[at:]
    return drifted[:at] + later


def _patch(stdout: str) -> str:
    """The unified diff `--diff` prints after the run's report."""
    return stdout[stdout.index("--- a/"):]


def test_diff_prints_exactly_what_update_then_writes(tmp_path: Path) -> None:
    original = REGISTER.read_text()
    drifted = _blocked_drift(original)
    guide = _copy(tmp_path, REGISTER, drifted)
    before = guide.read_bytes()
    shown = _verify(str(guide), "--diff")
    assert shown.exit_code == 1, shown.output  # a normal run's status: it drifted
    assert guide.read_bytes() == before  # --diff wrote nothing, ran the rounds in memory
    assert sorted(os.listdir(guide.parent)) == [guide.name]  # no temporary file either
    patch = _patch(shown.stdout)
    # The second drift was blocked in the run itself: only a rerun of the updated text shows it.
    assert '+  "deploymentEnv": "staging",' in patch, patch
    assert "+The AgentIdP answers `201 Created`" in patch, patch
    written = _verify(str(guide), "--update")
    assert written.exit_code == 1, written.output
    after = guide.read_text()
    assert after == original
    expected = render_diff(Update(files=(FileUpdate(str(guide), guide, drifted, after),)))
    assert patch == expected
    assert written.stderr.count(f"updated {guide}") == 1  # written once, after every round
    assert _verify(str(guide)).exit_code == 0


def test_the_rounds_plan_the_updated_text_under_the_guides_own_path(tmp_path: Path) -> None:
    # The text in memory is planned as the file would be: its requires= fixture, its `@file`
    # beside it, its display path; the file itself is not read (nor changed).
    _copy(tmp_path, REGISTER)
    folder = tmp_path / "docs"
    (folder / "body.json").write_text('{"agentType": "extractor"}')
    guide = folder / "g.md"
    on_disk = "# G\n\nNothing to run yet.\n"
    guide.write_text(on_disk)
    updated = ("# G\n\n<!-- verify: requires=registered-agent -->\n\n```bash\n"
               "curl -X PATCH http://localhost:3000/api/v1/agents/$AGENT_ID "
               '-H "Authorization: Bearer $BOOTSTRAP_TOKEN" '
               '-H "Content-Type: application/json" -d @body.json\n```\n\n'
               "The answer is `202 Accepted`.\n")
    planned = plan_guide(guide, display_path="shown.md", root=tmp_path,
                         texts={guide.resolve(): updated})
    assert not planned.errors, planned.errors
    assert planned.path == "shown.md"
    own = [step for step in planned.steps if step.source.path == "shown.md"]
    assert [step.expected.code for step in own] == [202]
    assert any(step.source.path.endswith("registered-agent.md") for step in planned.steps)
    assert guide.read_text() == on_disk
    # The same text read from the file plans the same steps.
    guide.write_text(updated)
    assert plan_guide(guide, display_path="shown.md", root=tmp_path) == planned


def test_a_file_changed_during_the_rounds_is_not_written(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # The rounds run in memory; the one write at the end still refuses a file someone
    # changed since the run read it, and says so.
    import runner.update

    guide = _copy(tmp_path, REGISTER, _blocked_drift(REGISTER.read_text()))
    plan_update = runner.update.plan_update
    calls = []

    def meanwhile(*args: object, **kwargs: object) -> Update:
        calls.append(None)
        if len(calls) == 2:  # the rerun's result is in: an editor saves the guide now
            guide.write_text("changed by someone else\n")
        return plan_update(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runner.update, "plan_update", meanwhile)
    outcome = _verify(str(guide), "--update")
    assert len(calls) >= 2
    assert outcome.exit_code == 2, outcome.output
    assert "changed while the run was checking it" in outcome.stderr
    assert guide.read_text() == "changed by someone else\n"


DRIFTED = ROOT / "tests" / "acceptance" / "drifted"


def _lenient(*args: str) -> Result:
    """A run without --strict: the acceptance guides read their fixtures' variables."""
    outcome = CliRunner().invoke(cli, ["--no-strict", *args])
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome


def test_a_capture_of_a_renamed_field_is_renamed_when_one_field_reads_on(tmp_path: Path) -> None:
    # `$.items[0].eventId`: the answer has no `items`, and only `data` holds `[0].eventId`.
    source = DRIFTED / "d11-capture-missing.md"
    guide = _copy(tmp_path, source)
    drifted = guide.read_text()
    outcome = _lenient(str(guide), "--update")
    assert outcome.exit_code == 1, outcome.output
    assert "needs a look" not in outcome.stderr, outcome.stderr
    assert guide.read_text() == drifted.replace("$.items[0].eventId", "$.data[0].eventId")
    assert _lenient(str(guide)).exit_code == 0


def test_a_capture_is_told_apart_by_how_later_commands_use_it(tmp_path: Path) -> None:
    # `jq -r '.token'` on an answer of four fields, and no value documented for it: the
    # next command sends `Bearer $ACCESS`, and one field alone holds a token.
    source = DRIFTED / "d26-jq-capture-missing.md"
    guide = _copy(tmp_path, source)
    outcome = _lenient(str(guide), "--update")
    assert outcome.exit_code == 1
    assert guide.read_text() == source.read_text().replace(
        "jq -r '.token'", "jq -r '.access_token'")
    assert _lenient(str(guide)).exit_code == 0


def test_a_capture_that_cannot_be_told_is_listed_with_why(tmp_path: Path) -> None:
    # Read nowhere that says what it is (a form field): which field it was is a guess.
    text = (DRIFTED / "d26-jq-capture-missing.md").read_text().replace(
        'curl http://localhost:3000/api/v1/agents -H "Authorization: Bearer $ACCESS"',
        "curl -X POST http://localhost:3000/api/v1/token/introspect "
        '-H "Authorization: Bearer $BOOTSTRAP_TOKEN" -d "token=$ACCESS"')
    guide = _copy(tmp_path, DRIFTED / "d26-jq-capture-missing.md", text)
    outcome = _lenient(str(guide), "--update")
    assert outcome.exit_code == 1
    assert guide.read_text() == text
    assert (f"needs a look: {guide}:6: cannot capture $ACCESS: $.token not found in the "
            "response; not updated: which field of $ holds the value cannot be told from the "
            "answer (its fields: access_token, expires_in, scope, token_type); change `.token` "
            "to the field that now holds the value") in outcome.stderr, outcome.stderr


def test_the_uses_of_a_variable_are_read_from_the_commands() -> None:
    from runner.plan import plan_guide as plan
    from runner.update.capture import variable_uses

    guide = plan(TOKENS, display_path=str(TOKENS), root=ROOT)
    uses = variable_uses(guide.steps)
    assert uses["TOKEN"] == frozenset({"jwt", "opaque", "secret"})  # `Bearer $TOKEN`
    assert uses["AGENT_ID"] == frozenset({"uuid", "opaque"})  # `/agents/$AGENT_ID/...`
    assert "CLIENT_SECRET" not in uses  # a form field says nothing of its shape


def test_a_capture_renamed_only_when_exactly_one_field_fits(tmp_path: Path) -> None:
    from runner.model import Capture, ExpectedStatus, Source, Step
    from runner.update.capture import capture_edit
    from runner.update.text import GuideText

    text = GuideText("<!-- verify: capture=ID:$.items[0].id -->\n```bash\ncurl x\n```\n")
    step = Step(name="GET x", source=Source("g.md", 3), method="GET", url="x",
                expected=ExpectedStatus(None, "default"),
                captures=(Capture("ID", "$.items[0].id", Source("g.md", 1)),))

    def edit(body: object) -> object:
        return capture_edit(text, step, "ID", body, lambda _: True)

    renamed = edit({"data": [{"id": "a"}], "total": 1})
    assert not isinstance(renamed, str)
    assert text.text[renamed.start:renamed.end] == "items" and renamed.text == "data"
    several = edit({"data": [{"id": "a"}], "more": [{"id": "b"}]})
    assert isinstance(several, str) and "several fields of $ hold [0].id: data, more" in several
    none = edit({"total": 1})
    assert isinstance(none, str) and "no other field of $ holds [0].id" in none
    short = edit({"items": []})
    assert isinstance(short, str) and "not a renamed field ($.items[0])" in short


def test_a_failure_with_no_written_status_says_what_to_do(tmp_path: Path) -> None:
    guide = _copy(tmp_path, DRIFTED / "d09-undocumented-failure.md")
    before = guide.read_bytes()
    outcome = _lenient(str(guide), "--update")
    assert outcome.exit_code == 1
    assert guide.read_bytes() == before
    assert ("the answer was 404; not updated: there is no written status to correct, and "
            "writing one would document that this request fails; fix the request"
            in outcome.stderr), outcome.stderr
    assert "<!-- verify: status=404 -->" in outcome.stderr


def test_a_status_phrase_two_steps_read_names_both_and_what_to_do(tmp_path: Path) -> None:
    guide = _copy(tmp_path, DRIFTED / "d13-status-after-wrong.md")
    before = guide.read_bytes()
    outcome = _lenient(str(guide), "--update")
    assert outcome.exit_code == 1
    assert guide.read_bytes() == before
    assert (f"{guide}:9: the status phrase is read by two steps (lines 6 and 12); the step at "
            "line 6 answered 204; not updated: one phrase cannot hold what each answers; "
            "give each request its own status") in outcome.stderr, outcome.stderr


def test_failed_answers_are_kept_only_for_update_and_diff() -> None:
    from runner.plan.planner import plan_text
    from runner.run import run_guide
    from runner.run.target import EmbeddedTarget, TargetOptions

    guide = plan_text("# Health\n\n```bash\ncurl -s http://localhost:3000/health\n```\n\n"
                      '```json\n{"status": "drifted"}\n```\n', "g.md")
    for observe in (False, True):
        result = run_guide(guide, EmbeddedTarget(options=TargetOptions(observe=observe)))
        (step,) = result.steps
        assert step.status == "failed"
        assert (step.observed is not None) is observe
