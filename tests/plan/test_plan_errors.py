"""plan: every error of a guide is collected at its line, and then nothing is planned to send."""

from __future__ import annotations

from pathlib import Path

from runner.plan.planner import plan_guide, plan_text


def errors(text: str, **kwargs: object) -> list[tuple[int, str]]:
    guide = plan_text(text, "g.md", **kwargs)  # type: ignore[arg-type]
    assert guide.steps == () or not guide.errors
    return [(source.line, message) for source, message in guide.errors]


def test_all_errors_are_collected_in_line_order() -> None:
    text = (
        "<!-- verify: stauts=201 -->\n"  # 1
        "```bash\n"
        "curl --bogus-flag http://localhost:3000/api/v1/agents\n"  # 3
        "```\n"
        "\n"
        "```bash\n"
        "curl http://localhost:3000/api/v1/agents || true\n"  # 7
        "```\n"
        "\n"
        "```http\n"
        "FETCH /api/v1/agents\n"  # 11
        "```\n"
    )
    found = errors(text)
    assert [line for line, _ in found] == [1, 3, 7, 11]
    assert found[0][1].startswith("unknown directive 'stauts'")
    assert "--bogus-flag" in found[1][1]
    assert "||" in found[2][1]
    assert found[3][1].startswith("unknown HTTP method 'FETCH'")


def test_a_guide_with_errors_has_no_steps() -> None:
    text = (
        "```bash\ncurl http://localhost:3000/health\n```\n\n"
        "<!-- verify: nope -->\n```bash\ncurl http://localhost:3000/health\n```\n"
    )
    guide = plan_text(text, "g.md")
    assert guide.steps == ()
    assert [source.line for source, _ in guide.errors] == [5]


def test_shell_without_curl_that_cannot_be_read_is_a_note() -> None:
    guide = plan_text("```bash\nfor i in 1 2; do npm test; done\n```\n", "g.md")
    assert guide.errors == () and guide.steps == ()
    ((source, note),) = guide.notes
    assert source.line == 1
    assert note.startswith("shell block not read (it holds no curl): ")


def test_directive_with_nothing_to_apply_to() -> None:
    assert errors("Text.\n\n<!-- verify: status=200 -->\n") == [
        (3, "verify directive applies to no request or documented response: nothing follows it")
    ]
    assert errors("<!-- verify: strict -->\n```python\nprint()\n```\n") == [
        (1, "verify directive applies to no request or documented response: the block at "
            "line 2 is `python`")
    ]


def test_skip_before_any_block_is_harmless() -> None:
    assert errors("<!-- verify: skip -->\n```python\nprint()\n```\n") == []


def test_skip_before_json_is_an_illustration() -> None:
    text = (
        "```bash\ncurl http://localhost:3000/health\n```\n\n"
        "<!-- verify: skip -->\n```json\n{\"code\": \"X\"}\n```\n\n"
        "```json\n{\"status\": \"ok\"}\n```\n"
    )
    guide = plan_text(text, "g.md")
    (step,) = guide.steps
    assert step.response is not None and step.response.source.line == 11
    assert step.skip is None


def test_requires_after_the_first_step(tmp_path: Path) -> None:
    text = (
        "```bash\ncurl http://localhost:3000/health\n```\n\n"
        "<!-- verify: requires=agent -->\n"
    )
    assert errors(text, root=tmp_path) == [
        (5, "requires=agent must come before the guide's first step (line 2)")
    ]


def test_missing_fixture(tmp_path: Path) -> None:
    (tmp_path / "fixtures").mkdir()
    assert errors("<!-- verify: requires=agent -->\n", root=tmp_path) == [
        (1, f"fixture 'agent' not found, expected {tmp_path / 'fixtures' / 'agent.md'}")
    ]


def test_fixture_errors_come_with_the_fixture_file(tmp_path: Path) -> None:
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "agent.md").write_text("<!-- verify: oops -->\n")
    guide = plan_text("<!-- verify: requires=agent -->\n", "g.md", root=tmp_path)
    ((source, message),) = guide.errors
    assert source.path.endswith("agent.md") and source.line == 1
    assert message.startswith("unknown directive 'oops'")


def test_fixture_cycle(tmp_path: Path) -> None:
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "a.md").write_text("<!-- verify: requires=b -->\n")
    (tmp_path / "fixtures" / "b.md").write_text("<!-- verify: requires=a -->\n")
    guide = plan_text("<!-- verify: requires=a -->\n", "g.md", root=tmp_path)
    assert [message for _, message in guide.errors] == ["fixture 'a' requires itself (a cycle)"]


def test_invalid_documented_json_is_an_error() -> None:
    text = "```bash\ncurl http://localhost:3000/health\n```\n\n```json\n{\"a\": }\n```\n"
    found = errors(text)
    assert [line for line, _ in found] == [6]


def test_unreadable_guide_file(tmp_path: Path) -> None:
    guide_file = tmp_path / "bad.md"
    guide_file.write_bytes(b"# Title\n\xff\xfe\n")
    guide = plan_guide(guide_file, display_path="bad.md", root=tmp_path)
    assert guide.steps == ()
    assert [(str(s), m) for s, m in guide.errors] == [
        ("bad.md:2", "not UTF-8: byte 0xff at line 2, expected UTF-8 text")
    ]


def test_variable_bound_by_response_field_names() -> None:
    text = (
        "```bash\ncurl http://localhost:3000/health\n```\n\n"
        "```json\n{\"agentId\": \"x\", \"client-secret\": \"y\", \"access_token\": \"z\"}\n```\n\n"
        "```bash\ncurl http://localhost:3000/$AGENT_ID/$CLIENT_SECRET/$ACCESS_TOKEN/$TOKEN"
        "/${MISSING:-ok}\n```\n"
    )
    assert errors(text) == []


def test_skipped_steps_neither_read_nor_bind() -> None:
    text = (
        "<!-- verify: skip=\"later\" -->\n"
        "```bash\nexport A=$(curl http://localhost:3000/health/$NOPE | jq -r .a)\n```\n\n"
        "```bash\ncurl http://localhost:3000/$A\n```\n"
    )
    assert [(line, message.split(" is")[0]) for line, message in errors(text)] == [
        (7, "variable $A")
    ]


def test_non_curl_substitution_is_not_run() -> None:
    guide = plan_text("```bash\nexport ID=$(uuidgen)\n```\n", "g.md")
    assert [(s.line, n) for s, n in guide.notes] == [
        (2, "`uuidgen` is not run: only curl commands, exports and assignments are")
    ]


def test_substitution_inside_a_request_is_refused() -> None:
    text = (
        "```bash\n"
        "curl -X DELETE http://localhost:3000/api/v1/agents/$(cat id.txt)\n"
        'X="Bearer $(curl http://localhost:3000/api/v1/token)"\n'
        "```\n"
    )
    message = (
        "a command substitution `$(...)` is only run in `export NAME=$(curl ... | jq -r FILTER)`"
    )
    assert errors(text) == [(2, message), (3, message)]


def test_console_text_before_the_first_prompt_is_a_note() -> None:
    text = "```console\n# as root\n$ curl http://localhost:3000/health\n```\n"
    guide = plan_text(text, "g.md")
    assert [(s.line, n) for s, n in guide.notes] == [
        (2, "console text before the first `$ ` prompt is not run")
    ]
    (step,) = guide.steps
    assert step.source.line == 3 and step.source.column == 3


def test_display_and_prints_response() -> None:
    text = (
        "```bash\n"
        "curl -s -o /dev/null -w '%{http_code}' $BASE_URL/agents "
        "-H \"Authorization: Bearer $BOOTSTRAP_TOKEN\"\n"
        'curl -I "$BASE_URL/agents/${AGENT_ID:-x}?limit=1"\n'
        "```\n"
    )
    quiet, head = plan_text(text, "g.md").steps
    assert (quiet.name, quiet.url, quiet.prints_response) == (
        "GET /api/v1/agents", "http://localhost:3000/api/v1/agents", False
    )
    assert (head.name, head.method, head.url, head.prints_response) == (
        "HEAD /api/v1/agents/${AGENT_ID}", "HEAD",
        "http://localhost:3000/api/v1/agents/${AGENT_ID}?limit=1", False,
    )


def test_directive_before_the_response_counts_for_the_step() -> None:
    text = (
        "<!-- verify: status=200 strict -->\n"
        "```bash\ncurl http://localhost:3000/health\ncurl http://localhost:3000/health\n```\n\n"
        "<!-- verify: status=503 ignore=$.x -->\n"
        "```json\n{\"status\": \"down\"}\n```\n"
    )
    first, last = plan_text(text, "g.md").steps
    assert (first.expected.code, first.strict, first.ignore) == (None, False, ())
    assert last.expected.code == 503 and last.expected.origin == "directive"
    assert last.expected.source is not None and last.expected.source.line == 7
    assert (last.strict, last.ignore) == (True, ("$.x",))


def test_prompts_in_a_bash_fence_are_a_console() -> None:
    text = "```bash\n$ curl http://localhost:3000/health\n{\"status\": \"ok\"}\n```\n"
    (step,) = plan_text(text, "g.md").steps
    assert (step.name, step.source.line) == ("GET /health", 2)
    assert step.response is not None and step.response.source.line == 3


def test_console_without_prompts_is_shell() -> None:
    text = "```console\ncurl http://localhost:3000/health\n```\n"
    (step,) = plan_text(text, "g.md").steps
    assert (step.name, step.source.line, step.source.column) == ("GET /health", 2, 1)


def test_a_documented_url_on_another_host_is_refused_before_running() -> None:
    text = ("# x\n\n```bash\ncurl https://api.example.com/v1/agents\n```\n\n"
            "```http\nGET http://localhost:4000/api/v1/agents HTTP/1.1\n```\n")
    found = errors(text)
    assert [line for line, _ in found] == [4, 8]
    assert all("refused" in message and "localhost:3000" in message for _, message in found)


def test_a_host_from_a_variable_is_left_to_the_run() -> None:
    text = "# x\n\n```bash\nexport HOST=localhost:3000\ncurl http://$HOST/api/v1/agents\n```\n"
    assert errors(text) == []


def test_curl_glued_to_its_options_by_a_no_break_space_is_an_error_not_a_silent_pass() -> None:
    for space, name in (("\u00a0", "NO-BREAK SPACE"), ("\u2009", "THIN SPACE")):
        text = f"text\n\n```bash\ncurl{space}-s http://localhost:3000/health\n```\n"
        [(line, message)] = errors(text)
        assert line == 4 and name in message and "expected a plain space" in message
    # Other programs are still only noted as not run.
    guide = plan_text("```bash\njq\u00a0.\n```\n", "g.md")
    assert guide.errors == () and "is not run" in guide.notes[0][1]


def test_a_variable_set_by_a_command_that_is_not_run_names_that_command() -> None:
    text = (
        "```bash\n"
        "SINCE=$(date -u +%Y-%m-%dT%H:%M:%SZ)\n"  # 2
        'curl "http://localhost:3000/api/v1/audit?fromDate=$SINCE" \\\n'  # 3
        '  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"\n'
        "```\n"
    )
    [(line, message)] = errors(text)
    assert line == 3
    assert message == ("variable $SINCE is never bound: line 2 sets it with `date`, which is "
                       "not run, expected a literal value (export SINCE=...) or a curl capture")


def test_a_jq_filter_that_is_not_a_path_is_refused_at_its_word() -> None:
    for shown in ("'.data | length'", "'.data[] | .status'", "'.[]'"):
        text = ("```bash\n"
                "curl -s http://localhost:3000/api/v1/agents \\\n"
                f'  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" | jq {shown}\n'  # 3
                "```\n")
        [(line, message)] = errors(text)
        assert line == 3 and "cannot be checked" in message and "expected a path" in message
    # Paths (and pretty-printing) are fine.
    for shown in ("'.data[0].status'", ".", "-r .total"):
        guide = plan_text("```bash\ncurl -s http://localhost:3000/api/v1/agents | "
                          f"jq {shown}\n```\n", "g.md")
        assert guide.errors == (), shown
