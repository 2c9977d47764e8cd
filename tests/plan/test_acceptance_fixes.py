"""Fixes found by the acceptance guides: error lines on continuation lines, unclosed comments."""

from __future__ import annotations

from runner.plan.planner import plan_text


def _errors(text: str) -> list[tuple[int, str]]:
    guide = plan_text(text, "g.md")
    return [(source.line, message) for source, message in guide.errors]


def test_unknown_curl_option_on_a_continuation_line_points_at_that_line() -> None:
    text = (
        "```bash\n"
        "curl http://localhost:3000/api/v1/agents \\\n"  # 2
        "  -H 'Accept: application/json' \\\n"  # 3
        "  --frobnicate\n"  # 4
        "```\n"
    )
    [(line, message)] = _errors(text)
    assert line == 4
    assert "--frobnicate" in message


def test_a_curl_refusal_naming_no_word_stays_at_the_curl_line() -> None:
    text = (
        "```bash\n"
        "curl -X POST http://localhost:3000/api/v1/token \\\n"  # 2
        "  -d a=b \\\n"
        "  -F c=d\n"
        "```\n"
    )
    [(line, _)] = _errors(text)
    assert line == 2


def test_foreign_host_header_of_an_http_block_is_reported_at_the_header() -> None:
    text = (
        "```http\n"
        "GET /api/v1/agents HTTP/1.1\n"  # 2
        "Accept: application/json\n"  # 3
        "Host: evil.example.com\n"  # 4
        "```\n"
    )
    [(line, message)] = _errors(text)
    assert line == 4
    assert "evil.example.com" in message


def test_an_unclosed_verify_comment_is_an_error_not_hidden_steps() -> None:
    text = (
        "# Title\n"
        "\n"
        "<!-- verify: hidden\n"  # 3
        "```bash\n"
        "curl http://localhost:3000/health\n"
        "```\n"
    )
    guide = plan_text(text, "g.md")
    assert guide.steps == ()
    [(source, message)] = guide.errors
    assert source.line == 3
    assert "-->" in message


def test_an_unclosed_plain_comment_is_left_alone() -> None:
    guide = plan_text("# Title\n\n<!-- a note for editors\n\nmore\n", "g.md")
    assert guide.errors == ()


def test_an_unclosed_fence_is_an_error_at_its_opening_line() -> None:
    text = "# T\n\n~~~bash\ncurl http://localhost:3000/health\n\nSome prose.\n"
    guide = plan_text(text, "g.md")
    assert guide.steps == ()
    [(source, message)] = guide.errors
    assert source.line == 3
    assert "never closed" in message


def test_closed_fences_in_lists_and_quotes_are_fine() -> None:
    text = (
        "1. Step:\n\n   ```bash\n   curl http://localhost:3000/health\n   ```\n\n"
        "> ```bash\n> curl http://localhost:3000/health\n> ```\n\n"
        "````bash\ncurl http://localhost:3000/health\n`````\n"
    )
    guide = plan_text(text, "g.md")
    assert guide.errors == ()
    assert len(guide.steps) == 3
