"""The short body diff under a failed step: only the failing paths differ, secrets masked."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

import httpx
from click.testing import CliRunner

from runner.cli import cli
from runner.match.response import ExampleBook, compare_response
from runner.model.result import DiffLine, Exchange, GuideResult, RunResult, StepResult, Verdict
from runner.model.source import Source
from runner.model.step import DocumentedResponse, ExpectedStatus, Step
from runner.pytest_plugin import _describe
from runner.report.body_diff import HEADER, body_diff, body_diff_text
from runner.report.render import plain
from runner.report.terminal import write_terminal

GUIDE = "docs/guide.md"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


def _result(
    documented: str,
    real: Any,
    *,
    status: int = 201,
    code: int = 201,
    strict: bool = False,
    kind: Literal["json", "http", "console", "text"] = "json",
) -> StepResult:
    """Match a documented body with a real response (the real matcher), as `run` would."""
    source = Source(GUIDE, 10)
    response = DocumentedResponse(kind=kind, body=documented, source=source.at(20),
                                  body_line=20)
    step = Step(name="POST /api/v1/agents", source=source, method="POST",
                url="http://localhost:3000/api/v1/agents",
                expected=ExpectedStatus(code=code, origin="prose"), response=response,
                strict=strict)
    body = real if isinstance(real, str) else json.dumps(real)
    answer = httpx.Response(status, content=body.encode(),
                            headers={"content-type": "application/json"})
    matched = compare_response(step, answer, ExampleBook())
    problems = matched.problems
    verdict: Verdict = "failed" if any(p.severity == "failure" for p in problems) else "passed"
    exchange = Exchange(method="POST", url=step.url, request_headers=(), request_body="",
                        status=status, response_body=body)
    return StepResult(step=step, status=verdict, method="POST", url=step.url,
                      actual_status=status, problems=problems, exchange=exchange,
                      diff=matched.diff)


AGENT = """{
  "agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09",
  "email": "screener-001@myproject.ai",
  "agentType": "screener",
  "capabilities": ["resume:read", "resume:write"],
  "owner": "talent-team",
  "status": "pending",
  "tier": "free",
  "createdAt": "2026-03-01T10:00:00.000Z"
}"""


def _agent(**changes: Any) -> dict[str, Any]:
    real: dict[str, Any] = {
        "agentId": "0d6e4a57-3c1b-4f0a-9d2e-8b7c6a5f4e3d",
        "email": "screener-001@myproject.ai",
        "agentType": "screener",
        "capabilities": ["resume:read", "resume:write"],
        "owner": "talent-team",
        "status": "pending",
        "tier": "free",
        "createdAt": "2026-11-27T19:00:00.000Z",
    }
    for key, value in changes.items():
        if value is None:
            del real[key]
        else:
            real[key] = value
    return real


def test_changed_value_is_a_minus_plus_pair_with_context() -> None:
    result = _result(AGENT, _agent(status="active"))
    assert result.status == "failed"
    assert body_diff_text(result) == "\n".join([
        HEADER,
        "   {",
        "     ...",
        '     "owner": "talent-team",',
        '-    "status": "pending",',
        '+    "status": "active",',
        '     "tier": "free",',
        '     "createdAt": "2026-03-01T10:00:00.000Z"',
        "   }",
    ])


def test_missing_key_is_only_a_minus_line() -> None:
    result = _result(AGENT, _agent(tier=None))
    lines = body_diff_text(result).splitlines()
    assert '-    "tier": "free",' in lines
    assert not any(line.startswith("+") for line in lines)
    # The line before and after the change stay, as the documented values.
    index = lines.index('-    "tier": "free",')
    assert lines[index - 1] == '     "status": "pending",'
    assert lines[index + 1] == '     "createdAt": "2026-03-01T10:00:00.000Z"'


def test_array_of_the_wrong_length_shows_both_arrays() -> None:
    result = _result(AGENT, _agent(capabilities=["resume:read"]))
    lines = body_diff_text(result).splitlines()
    assert '-    "capabilities": ["resume:read", "resume:write"],' in lines
    assert '+    "capabilities": ["resume:read"],' in lines
    assert sum(line[:1] in "-+" for line in lines[1:]) == 2


def test_nested_path_opens_only_its_containers() -> None:
    documented = """{
      "agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09",
      "owner": {"team": "talent", "contact": {"email": "a@b.c", "pager": "123"}},
      "scopes": ["read"]
    }"""
    real = {"agentId": "0d6e4a57-3c1b-4f0a-9d2e-8b7c6a5f4e3d",
            "owner": {"team": "talent", "contact": {"email": "x@y.z", "pager": "123"}},
            "scopes": ["read"]}
    result = _result(documented, real)
    assert [p.path for p in result.problems] == ["$.owner.contact.email"]
    assert body_diff_text(result).splitlines()[1:] == [
        "   {",
        '     "agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09",',
        '     "owner": {',
        '       "team": "talent",',
        '       "contact": {',
        '-        "email": "a@b.c",',
        '+        "email": "x@y.z",',
        '         "pager": "123"',
        "       }",
        "     },",
        '     "scopes": ["read"]',
        "   }",
    ]


def test_array_item_after_an_ellipsis_is_paired_from_the_end() -> None:
    result = _result('{"items": ["a", ..., "z"]}', {"items": ["a", "b", "c", "y"]})
    assert [p.path for p in result.problems] == ["$.items[3]"]
    assert body_diff_text(result).splitlines()[1:] == [
        "   {",
        '     "items": [',
        '       "a",',
        "       ...,",
        '-      "z"',
        '+      "y"',
        "     ]",
        "   }",
    ]


def test_strict_undocumented_key_is_a_plus_line() -> None:
    result = _result('{"id": 1}', {"id": 1, "debug": True}, strict=True)
    assert body_diff_text(result).splitlines()[1:] == [
        "   {",
        '     "id": 1,',
        '+    "debug": true',
        "   }",
    ]


def test_wording_note_gives_no_diff() -> None:
    documented = '{"code": "AGENT_EXISTS", "message": "An agent with this email exists."}'
    real = {"code": "AGENT_EXISTS", "message": "Email already registered."}
    result = _result(documented, real, status=409, code=409)
    assert [p.severity for p in result.problems] == ["note"]
    assert body_diff(result) == []
    # Even on a step failed for another reason, a note alone is no body difference.
    failed = StepResult(step=result.step, status="failed", method="POST", url=result.url,
                        problems=result.problems, exchange=result.exchange)
    assert body_diff(failed) == []


def test_non_json_bodies_give_no_diff() -> None:
    not_json = _result('{"id": 1}', "<html>oops</html>")
    assert not_json.status == "failed"
    assert [p.path for p in not_json.problems] == ["$"]
    assert body_diff(not_json) == []
    text = _result("created", "deleted", kind="text")
    assert text.status == "failed"
    assert body_diff(text) == []


def test_wrong_status_class_gives_no_diff() -> None:
    result = _result(AGENT, {"code": "AGENT_ALREADY_EXISTS"}, status=409)
    assert result.status == "failed"
    assert body_diff(result) == []
    # Body problems handed over with a wrong-class answer (a hand-built result) are not drawn.
    changed = _result(AGENT, _agent(status="active"))
    assert changed.exchange is not None
    conflict = StepResult(step=changed.step, status="failed", method="POST", url=changed.url,
                          problems=changed.problems,
                          exchange=replace(changed.exchange, status=409))
    assert body_diff(changed) != []
    assert body_diff(conflict) == []
    # Right class, wrong code: the body was compared, so its differences are shown.
    near = _result(AGENT, _agent(status="active"), status=200)
    assert '+    "status": "active",' in body_diff_text(near).splitlines()


def test_jwts_are_masked_on_both_sides() -> None:
    documented = '{"token_type": "Bearer", "note": "' + JWT + '", "expires_in": 3600}'
    result = _result(documented, {"token_type": JWT, "note": JWT, "expires_in": 60},
                     status=200, code=200)
    text = body_diff_text(result)
    assert '+    "token_type": "***",' in text.splitlines()
    assert "eyJ" not in text
    assert "eyJ" not in plain(body_diff(result))


def test_long_bodies_are_collapsed_and_capped() -> None:
    keys = [f"k{n:02}" for n in range(60)]
    documented = json.dumps({key: n for n, key in enumerate(keys)}, indent=2)
    real = {key: n + 1 if n % 3 == 0 else n for n, key in enumerate(keys)}
    lines = body_diff_text(_result(documented, real)).splitlines()
    assert len(lines) == 1 + 20
    assert lines[-1].endswith("more lines)")
    quiet = {key: n + 1 if n in (5, 50) else n for n, key in enumerate(keys)}
    collapsed = body_diff_text(_result(documented, quiet)).splitlines()
    assert collapsed[1:] == [
        "   {",
        "     ...",
        '     "k04": 4,',
        '-    "k05": 5,',
        '+    "k05": 6,',
        '     "k06": 6,',
        "     ...",
        '     "k49": 49,',
        '-    "k50": 50,',
        '+    "k50": 51,',
        '     "k51": 51,',
        "     ...",
        "   }",
    ]


def test_styles_follow_the_problem_diff() -> None:
    segments = body_diff(_result(AGENT, _agent(status="active")))
    styles = {text.strip()[:1]: style for text, style in segments if text.strip()}
    assert styles["-"] == "green"
    assert styles["+"] == "red"


def test_terminal_prints_the_diff_after_the_problems_plain_and_coloured() -> None:
    step = _result(AGENT, _agent(status="active"))
    run = RunResult(target="embedded",
                    guides=(GuideResult(path=GUIDE, status="failed", steps=(step,)),))
    for color in (False, True):
        stream = io.StringIO()
        write_terminal(run, stream, verbose=False, color=color)
        text = re.sub(r"\x1b\[[0-9;]*m", "", stream.getvalue())
        lines = text.splitlines()
        header = lines.index("    " + HEADER)
        assert lines.index('      actual:   "active"') < header
        assert lines[header + 4] == '    -    "status": "pending",'
        assert lines[header + 5] == '    +    "status": "active",'


def test_pytest_failure_text_ends_with_the_diff() -> None:
    text = _describe(_result(AGENT, _agent(status="active")))
    problems = text.index("problems:")
    assert text.index("  " + HEADER) > problems
    assert '  +    "status": "active",' in text.splitlines()


JQ_GUIDE = """# A jq-filtered answer

Register an agent (`201 Created`):

```bash
curl -s -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"email": "jq-001@myproject.ai", "agentType": "screener", "version": "1.0.0",
       "capabilities": ["resume:read"], "owner": "talent-team", "deploymentEnv": "production"}'
```

```json
{"agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09", "owner": "talent-team", ...}
```

The first agent of the team, `200 OK`:

```bash
curl -s "http://localhost:3000/api/v1/agents?owner=talent-team" \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" | jq '.data[0]'
```

```json
{
  "agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09",
  "owner": "recruiting",
  ...
}
```
"""


def test_a_jq_filtered_drift_shows_both_sides_end_to_end(tmp_path: Path) -> None:
    # The diff is drawn against the value jq printed, not the whole answer: the report
    # once showed the documented owner with no `+` line at all.
    guide = tmp_path / "jq.md"
    guide.write_text(JQ_GUIDE)
    outcome = CliRunner().invoke(cli, [str(guide)])
    assert outcome.exit_code == 1, outcome.output
    lines = outcome.output.splitlines()
    header = lines.index("    " + HEADER)
    assert lines[header + 1:header + 7] == [
        "       {",
        '         "agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09",',
        '    -    "owner": "recruiting",',
        '    +    "owner": "talent-team",',
        "         ...",
        "       }",
    ]


def test_the_diff_is_read_from_the_result_only() -> None:
    # A hand-built result: the report draws what the matcher recorded, and parses nothing
    # (the exchange's body is not even JSON here).
    changed = _result(AGENT, _agent(status="active"))
    assert changed.exchange is not None
    lines = (DiffLine(" ", 0, "{", path="$", line=20, frame=True),
             DiffLine("-", 1, '"pending"', key='"status": ', path="$.status", line=26),
             DiffLine("+", 1, '"active"', key='"status": ', path="$.status"),
             DiffLine(" ", 0, "}", frame=True))
    drawn = replace(changed, diff=lines, exchange=replace(changed.exchange, response_body="?"))
    assert body_diff_text(drawn).splitlines() == [
        HEADER, "   {", '-    "status": "pending"', '+    "status": "active"', "   }"]
    assert body_diff(replace(changed, diff=())) == []
    assert body_diff(replace(drawn, status="passed")) == []


def test_a_long_line_is_cut_after_masking_and_keeps_its_key_and_comma() -> None:
    text = '"' + "x" * 300 + '"'
    result = replace(_result(AGENT, _agent(status="active")),
                     diff=(DiffLine("+", 1, text, key='"note": ', comma=True),))
    [line] = body_diff_text(result).splitlines()[1:]
    assert line.startswith('+    "note": "xxx') and line.endswith("…,")
    assert len(line) == len('+    "note": ') + 100 + 1


def test_no_report_module_parses_json_or_reaches_the_engine() -> None:
    # Reports format the result: a body is never decoded or matched again there.
    import ast

    import runner.report

    folder = Path(runner.report.__file__).parent
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                assert node.attr not in {"loads", "load", "JSONDecoder", "raw_decode"}, \
                    f"{path.name}:{node.lineno} decodes JSON"
            if isinstance(node, ast.ImportFrom):
                module = node.module or ""
                assert not module.startswith(("runner.match", "runner.run")), path.name
                assert module not in {"runner.translate.docjson", "runner.read.jq"}, path.name
                names = {alias.name for alias in node.names}
                assert not names & {"loads", "load", "documented_body",
                                    "parse_documented_json"}, path.name


SECRET_GUIDE = """# A secret in a drifted body

```bash
curl -s -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"email": "vault-diff@myproject.ai", "agentType": "custom", "version": "1.0.0",
       "capabilities": ["vault:read"], "owner": "security", "deploymentEnv": "staging"}'
```

```json
{"agentId": "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09", "status": "active", ...}
```

The answer is exactly (`201 Created`):

```bash
curl -s -X POST http://localhost:3000/api/v1/agents/$AGENT_ID/credentials \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{}'
```

<!-- verify: strict -->
```json
{"credentialId": "c9d8e7f6-5a4b-4c3d-8e2f-1a0b9c8d7e6f"}
```
"""


def test_the_run_masks_the_diff_it_hands_to_the_reports(tmp_path: Path) -> None:
    # The undocumented clientSecret is a `+` line: drawn by the matcher, masked by the run.
    guide = tmp_path / "secret.md"
    guide.write_text(SECRET_GUIDE)
    outcome = CliRunner().invoke(cli, [str(guide)])
    assert outcome.exit_code == 1, outcome.output
    lines = outcome.output.splitlines()
    assert '    +    "clientSecret": "***"' in lines, outcome.output
    assert "sk_live" not in outcome.output
