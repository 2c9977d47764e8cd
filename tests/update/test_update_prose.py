""""Prose that may need a look": the lines naming an old value as a value, tables included,
and not every sentence holding the same word (found by `tests.update.sweep`)."""

from __future__ import annotations

from pathlib import Path

from tests.update.test_update import GUIDES, _copy
from tests.update.test_update_arrays import _run

TOKENS = GUIDES / "issue-and-revoke-tokens.md"
REGISTER = GUIDES / "register-an-agent.md"

SCOPES = """\
# Scopes

<!-- verify: requires=agent-token -->

```bash
export READ=$(curl -s -X POST http://localhost:3000/api/v1/token \\
  -d grant_type=client_credentials -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET \\
  -d scope=agents:read | jq -r '.access_token')
```

A token without `agents:write` may not generate a credential:

```bash
curl -X POST http://localhost:3000/api/v1/agents/$AGENT_ID/credentials \\
  -H "Authorization: Bearer $READ" -H "Content-Type: application/json" -d '{}'
```

The answer is `403 Forbidden` with `SCOPE_MISSING`:

```json
{
  "code": "SCOPE_MISSING",
  "message": "The token lacks the agents:write scope."
}
```

| status | code | fix |
|---|---|---|
| 403 | SCOPE_MISSING | ask for the scope |
| 401 | `UNAUTHORIZED` | get a token |
"""


def _prose(stderr: str) -> list[int]:
    return [int(line.rsplit(":", 1)[1]) for line in stderr.splitlines()
            if "prose that may need a look" in line]


def test_the_status_line_and_a_table_row_naming_the_old_code_are_listed(tmp_path: Path) -> None:
    guide = tmp_path / "scopes.md"
    guide.write_text(SCOPES)
    outcome = _run("--no-strict", str(guide), "--update")
    lines = SCOPES.splitlines()
    # The status phrase's line was the step's own, so it was skipped for its old code too.
    assert _prose(outcome.stderr) == [
        lines.index("The answer is `403 Forbidden` with `SCOPE_MISSING`:") + 1,
        lines.index("| 403 | SCOPE_MISSING | ask for the scope |") + 1]
    assert '"code": "FORBIDDEN"' in guide.read_text()


def test_a_plain_word_is_listed_only_where_it_is_written_as_a_value(tmp_path: Path) -> None:
    original = TOKENS.read_text()
    drifted = original.replace('"token_type": "Bearer"', '"token_type": "bearer"', 1)
    drifted = drifted.replace("- `token_type` is `Bearer`", "- `token_type` is `bearer`", 1)
    guide = _copy(tmp_path, TOKENS, drifted)
    outcome = _run("--strict", str(guide), "--update")
    assert outcome.exit_code == 1
    # "needs no bearer token" is a word of the prose, not the value.
    assert _prose(outcome.stderr) == [drifted.splitlines().index(
        "- `token_type` is `bearer`: how to send it (see") + 1]


def test_a_renamed_key_named_in_a_table_is_listed(tmp_path: Path) -> None:
    original = REGISTER.read_text()
    drifted = original.replace('  "agentType": "extractor",\n  "version": "2.0.0"',
                               '  "kind": "extractor",\n  "version": "2.0.0"', 1)
    drifted = drifted.replace("## 4. Give it a credential",
                              "| `kind` | the agent's type |\n\n## 4. Give it a credential", 1)
    guide = _copy(tmp_path, REGISTER, drifted)
    outcome = _run("--strict", str(guide), "--update")
    assert outcome.exit_code == 1
    assert drifted.splitlines().index("| `kind` | the agent's type |") + 1 in _prose(
        outcome.stderr)
