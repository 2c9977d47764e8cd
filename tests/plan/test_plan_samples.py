"""plan: sample guides -> steps with exact lines, responses, statuses and variables."""

from __future__ import annotations

from pathlib import Path

from runner.model.source import Source
from runner.model.step import Capture, ExpectedStatus, Guide, Step
from runner.plan.planner import plan_guide, plan_text

SAMPLES = Path(__file__).parents[1] / "samples"


def plan_sample(name: str) -> Guide:
    guide = plan_guide(SAMPLES / name, display_path=name, root=SAMPLES)
    return guide


def summary(step: Step) -> tuple[str, int, int | None]:
    response_line = step.response.source.line if step.response else None
    return step.name, step.source.line, response_line


def test_fence_in_list() -> None:
    guide = plan_sample("fence-in-list.md")
    assert guide.errors == ()
    (step,) = guide.steps
    assert summary(step) == ("POST /api/v1/agents", 6, 14)
    assert step.url == "http://localhost:3000/api/v1/agents"
    assert step.reads == {"BOOTSTRAP_TOKEN"}
    assert step.expected == ExpectedStatus(code=None, origin="default", status_class=2)


def test_tilde_and_blockquote_fences() -> None:
    (tilde,) = plan_sample("tilde-fence.md").steps
    assert summary(tilde) == ("GET /api/v1/agents", 4, 9)
    (quoted,) = plan_sample("blockquote-fence.md").steps
    assert summary(quoted) == ("GET /api/v1/agents", 4, 9)
    assert quoted.response is not None and quoted.response.body == '{"data": [], "total": 0}'


def test_nested_fence_is_not_a_request() -> None:
    guide = plan_sample("nested-fence.md")
    assert [summary(step) for step in guide.steps] == [("GET /api/v1/agents", 12, None)]


def test_hidden_step_binds_from_its_response() -> None:
    guide = plan_sample("hidden-step.md")
    assert guide.errors == ()
    hidden, visible = guide.steps
    assert summary(hidden) == ("POST /api/v1/agents", 5, 11) and hidden.hidden
    assert summary(visible) == ("GET /api/v1/agents/${AGENT_ID}", 18, None)
    assert not visible.hidden
    assert visible.url == "http://localhost:3000/api/v1/agents/${AGENT_ID}"


def test_front_matter_is_no_prose() -> None:
    guide = plan_sample("front-matter.md")
    (step,) = guide.steps
    # `status: 404` in the front matter is not a status phrase.
    assert step.expected.origin == "default"
    assert step.source.line == 9


def test_console_prompt() -> None:
    guide = plan_sample("console-prompt.md")
    assert guide.errors == ()
    assert [(str(source), note) for source, note in guide.notes] == [
        ("console-prompt.md:11",
         "`echo` is not run: only curl commands, exports and assignments are"),
        # The session reads $AGENT_ID that only the answer it shows binds: no shell does that.
        ("console-prompt.md:13",
         "$AGENT_ID is bound only by the `agentId` field of the response at line 9: a reader's "
         "shell does not hold it; write export AGENT_ID=$(curl … | jq -r '.agentId') there"),
    ]
    create, read = guide.steps
    assert summary(create) == ("POST /api/v1/agents", 4, 9)
    assert create.response is not None and create.response.kind == "json"
    assert summary(read) == ("GET /api/v1/agents/${AGENT_ID}", 13, 14)
    assert read.response is not None
    assert (read.response.kind, read.response.status, read.response.body_line) == ("http", 200, 17)
    assert read.expected == ExpectedStatus(code=200, origin="http", source=Source(
        "console-prompt.md", 14))


def test_export_capture_jq() -> None:
    guide = plan_sample("export-capture-jq.md")
    assert guide.errors == ()
    token, agents = guide.steps
    assert summary(token) == ("POST /api/v1/token", 5, None)
    assert [a.name for a in token.setup] == ["CLIENT_ID"]
    assert token.captures == (
        Capture(name="ACCESS", path=".access_token", source=Source("export-capture-jq.md", 5, 8)),
    )
    assert token.binds == {"CLIENT_ID", "ACCESS"}
    assert "CLIENT_ID" in token.reads
    assert summary(agents) == ("GET /api/v1/agents", 14, None)
    assert agents.reads == {"ACCESS"}


def test_status_from_prose() -> None:
    guide = plan_sample("status-from-prose.md")
    assert guide.errors == ()
    expected = [
        (step.expected.code, step.expected.origin,
         step.expected.source.line if step.expected.source else None, step.expected.status_class)
        for step in guide.steps
    ]
    assert expected == [
        (409, "prose", 9, None),  # between the request and its response
        (404, "prose", 15, None),  # the paragraph just before the request
        (404, "prose", 29, None),  # no response: the paragraph just after
        (None, "default", None, 2),  # "3600 seconds", "100 agents" are no statuses
        (None, "shape", 48, 4),  # an error-shaped body
        (None, "default", None, 2),  # a paragraph ending in `:` introduces the next block
    ]


def test_several_curls_one_block() -> None:
    guide = plan_sample("several-curls-one-block.md")
    assert guide.errors == ()
    assert guide.notes == (
        (Source("several-curls-one-block.md", 9),
         "`git` is not run: only curl commands, exports and assignments are"),
    )
    health, read, patch = guide.steps
    assert [summary(step) for step in guide.steps] == [
        ("GET /health", 4, None),
        ("GET /api/v1/agents/${AGENT}", 6, None),
        ("PATCH /api/v1/agents/${AGENT}", 6, 13),
    ]
    assert [a.name for a in read.setup] == ["AGENT"] and patch.setup == ()
    assert health.response is None and read.response is None


def test_http_blocks() -> None:
    guide = plan_sample("http-block.md")
    assert guide.errors == ()
    token, agents = guide.steps
    assert summary(token) == ("POST /api/v1/token", 9, 17)
    assert token.http_request is not None and token.command is None
    assert token.reads == {"AGENT_ID", "CLIENT_SECRET"}
    assert [a.name for a in token.setup] == ["AGENT_ID", "CLIENT_SECRET"]
    assert token.expected.code == 200 and token.expected.origin == "http"
    # TOKEN is bound by the documented `access_token` of the previous response.
    assert summary(agents) == ("GET /api/v1/agents", 28, None)
    assert agents.url == "http://localhost:3000/api/v1/agents"
    assert agents.reads == {"BASE_URL", "TOKEN"}


def test_unknown_directive_errors_and_sends_nothing() -> None:
    guide = plan_sample("unknown-directive.md")
    assert guide.steps == ()
    assert [(source.line, message.split(",")[0]) for source, message in guide.errors] == [
        (3, "unknown directive 'statsu'"),
        (11, "unknown directive 'captur'"),
    ]


def test_unbound_variables_are_errors_once_at_first_use() -> None:
    guide = plan_sample("unbound-variable.md")
    assert guide.steps == ()
    assert [(str(source), message) for source, message in guide.errors] == [
        ("unbound-variable.md:2",
         "variable $AGENT_ID is never bound, expected an earlier assignment "
         "(export AGENT_ID=...), a capture or a response field that sets it"),
        # The first step's answer is not shown, so only the run can say what it binds.
    ]
    assert [(str(source), message) for source, message in guide.notes] == [
        ("unbound-variable.md:5",
         "variable $TOKEN is bound by no assignment, capture or documented field before it; "
         "only the answer at line 2, which the guide does not show in full, could bind it "
         "when run"),
    ]


def test_directives_and_fixture(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "agent.md").write_text(
        "```bash\ncurl http://localhost:3000/health\n```\n"
    )
    guide_file = tmp_path / "docs" / "directives.md"
    guide_file.parent.mkdir()
    guide_file.write_bytes((SAMPLES / "directives.md").read_bytes())
    guide = plan_guide(guide_file, display_path="directives.md")
    assert guide.errors == ()
    assert guide.requires == ("agent",)
    fixture, create, delete = guide.steps
    assert fixture.source.path.endswith("agent.md") and fixture.source.line == 2
    assert summary(create) == ("POST /api/v1/agents", 13, 18)
    assert create.expected == ExpectedStatus(
        code=201, origin="directive", source=Source("directives.md", 11))
    assert create.captures == (
        Capture(name="AGENT_ID", path="$.agentId", source=Source("directives.md", 11)),
    )
    assert create.strict and create.ignore == ("$.createdAt",)
    assert create.unordered == ("$.capabilities",)
    assert create.skip is None
    assert delete.skip == "needs a suspended agent"
    assert delete.reads == {"AGENT_ID", "BOOTSTRAP_TOKEN"}


def test_a_fixture_runs_once_however_often_it_is_required(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    (fixtures / "agent.md").write_text("```bash\ncurl http://localhost:3000/health\n```\n")
    (fixtures / "token.md").write_text(
        "<!-- verify: requires=agent -->\n\n```bash\ncurl http://localhost:3000/api/v1/x\n```\n")
    guide_file = tmp_path / "g.md"
    guide_file.write_text(
        "<!-- verify: requires=agent -->\n<!-- verify: requires=token requires=agent -->\n\n"
        "```bash\ncurl http://localhost:3000/api/v1/agents\n```\n")
    guide = plan_guide(guide_file, display_path="g.md")
    assert guide.errors == ()
    assert [(Path(s.source.path).name, s.name) for s in guide.steps] == [
        ("agent.md", "GET /health"), ("token.md", "GET /api/v1/x"), ("g.md", "GET /api/v1/agents")]


def test_every_curl_of_a_block_takes_its_status_from_the_paragraph_before_it() -> None:
    text = (
        "Both of these sign-ins return `401 Unauthorized`:\n\n"
        "```bash\n"
        "curl -s -X POST http://localhost:3000/api/v1/token -d client_secret=wrong\n"  # 4
        "curl -s -X POST http://localhost:3000/api/v1/token -d client_secret=wrong-2\n"  # 5
        "```\n\n"
        "```json\n"
        '{"error": "invalid_client", "error_description": "Client authentication failed."}\n'
        "```\n"
    )
    guide = plan_text(text, "g.md")
    assert [(s.source.line, s.expected.code, s.expected.origin) for s in guide.steps] == [
        (4, 401, "prose"), (5, 401, "prose")]
