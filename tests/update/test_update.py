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
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from runner.cli import cli
from runner.update import FileUpdate, Update, write_update

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
    # Only the drifted lines changed, so `git diff` is those lines.
    assert _changed_lines(drifted, original) == {
        number for number, line in enumerate(drifted.splitlines(), 1)
        if any(bad.split("\n")[0] in line for _, bad in RESTORED)}


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
