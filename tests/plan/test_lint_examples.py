"""Lint: documented example values written literally into later requests get a note."""

from __future__ import annotations

from runner.plan.planner import plan_text

GUIDE = """\
# Literal ids

```bash
curl -X POST http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{"email": "a@x.io", "agentType": "classifier", "version": "1.0.0",
       "capabilities": ["x:read"], "owner": "team", "deploymentEnv": "production"}'
```

```json
{
  "agentId": "5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35",
  "email": "a@x.io",
  ...
}
```

```bash
curl -X POST http://localhost:3000/api/v1/agents/5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35/credentials \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" \\
  -H "Content-Type: application/json" \\
  -d '{
    "note": "for 5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35"
  }'
```

```http
GET /api/v1/agents/5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35 HTTP/1.1
Authorization: Bearer {{BOOTSTRAP_TOKEN}}
```
"""


def _notes(text: str) -> list[tuple[int, str]]:
    guide = plan_text(text, "g.md")
    assert guide.errors == ()
    return [(source.line, note) for source, note in guide.notes]


def test_each_literal_use_is_noted_at_its_line_with_the_variable_to_use() -> None:
    notes = _notes(GUIDE)
    assert [line for line, _ in notes] == [20, 24, 29]
    for _, note in notes:
        assert note.startswith("5b8e2f14-9c3... is the agentId documented at line 13")
        assert note.endswith("write $AGENT_ID instead")


def test_variables_placeholders_and_values_not_yet_documented_get_no_note() -> None:
    text = GUIDE.replace(
        "agents/5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35/credentials", "agents/$AGENT_ID/credentials"
    ).replace('"for 5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35"', '"for <agent-id>"')
    text = text.replace("GET /api/v1/agents/5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35",
                        "GET /api/v1/agents/{{AGENT_ID}}")
    # No literal example is left; what remains is the reader's-shell note on $AGENT_ID, which
    # only the documented answer binds.
    notes = _notes(text)
    assert [line for line, _ in notes] == [20]
    assert notes[0][1].startswith("$AGENT_ID is bound only by the `agentId` field")
    # The same id in the request *before* the response that documents it is no example yet.
    first = GUIDE.split("```json")[0].replace('"a@x.io"', '"5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35"')
    assert _notes(first) == []


def test_token_fields_suggest_token() -> None:
    text = """\
```bash
curl -X POST http://localhost:3000/api/v1/token -d grant_type=client_credentials \\
  -d client_id=$CLIENT_ID -d client_secret=$CLIENT_SECRET
```

```json
{"access_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln", "token_type": "Bearer"}
```

```bash
curl http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln"
```
"""
    [(line, note)] = _notes(text.replace("$CLIENT_ID", "x").replace("$CLIENT_SECRET", "y"))
    assert line == 12 and note.endswith("write $TOKEN instead")
