"""The documented origin is configurable: only it moves to the target, all else is refused."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import respx

from runner.model.errors import DocError
from runner.plan.planner import plan_text
from runner.run.guide import run_guide
from runner.run.target import EmbeddedTarget, Session, TargetOptions

GUIDE = """# Health of the API

```bash
curl -s https://api.sentryagent.ai/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"data": [], "total": 0, "page": 1, "limit": 20}
```
"""


def _session(origin: str, documented: str) -> Session:
    # Only `rewrite` is asked: a peer with no routes, which would refuse any request sent.
    peer = respx.Router()
    return Session(transport=httpx.MockTransport(peer.handler), origin=origin,
                   documented_origin=documented)


def test_only_the_documented_origin_is_moved() -> None:
    session = _session("https://staging.example/idp", "https://api.sentryagent.ai")
    moved = session.rewrite(httpx.URL("https://api.sentryagent.ai/api/v1/agents?page=2"))
    assert str(moved) == "https://staging.example/idp/api/v1/agents?page=2"
    with pytest.raises(DocError) as raised:
        session.rewrite(httpx.URL("http://localhost:3000/api/v1/agents"))
    assert "https://api.sentryagent.ai" in str(raised.value)


def test_a_guide_written_against_another_origin_runs_on_the_embedded_idp(
    tmp_path: Path,
) -> None:
    # Planned against the design's default origin (plan_text's), so the early check passes a
    # guide whose host comes from a variable and the run stage decides.
    text = GUIDE.replace("https://api.sentryagent.ai/api/v1", "$BASE_URL")
    guide = plan_text(text, str(tmp_path / "g.md"))
    assert guide.errors == ()
    options = TargetOptions(documented_origin="https://api.sentryagent.ai")
    result = run_guide(guide, EmbeddedTarget(options=options))
    assert [s.status for s in result.steps] == ["passed"]
    assert result.steps[0].url == "https://api.sentryagent.ai/api/v1/agents"


def test_the_planner_refuses_every_origin_but_the_documented_one(tmp_path: Path) -> None:
    path = str(tmp_path / "g.md")
    assert plan_text(GUIDE, path, origin="https://api.sentryagent.ai/").errors == ()
    [(_, message)] = plan_text(GUIDE, path).errors
    assert "refused" in message and "http://localhost:3000" in message
