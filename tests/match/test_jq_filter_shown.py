"""A shown `curl ... | jq FILTER`: the documented response is what the filter prints."""

from __future__ import annotations

from runner.match.response import match_response
from runner.match.unify import ExampleBook
from runner.model.command import Invocation
from runner.model.source import Source
from runner.model.step import Capture
from runner.translate.shell.script import parse_script

from .builders import response, step

PAGE = {"data": [{"email": "a@x.example", "owner": "sre"}], "total": 1, "page": 1, "limit": 20}


def _command(text: str) -> Invocation:
    [command] = parse_script(text + "\n", source=Source("docs/guide.md", 3)).commands
    assert isinstance(command, Invocation)
    return command


def _problems(shell: str, body: str, kind: str = "json", **options: object) -> list[str | None]:
    documented = step(body, kind=kind, command=_command(shell), **options)  # type: ignore[arg-type]
    return [p.path for p in match_response(documented, response(200, PAGE), ExampleBook())
            if p.severity == "failure"]


def test_the_filtered_value_is_compared() -> None:
    shell = "curl -s http://localhost:3000/api/v1/agents | jq '.data[0]'"
    assert _problems(shell, '{"email": "a@x.example", ...}') == []
    assert _problems(shell, '{"email": "b@x.example", ...}') == ["$.email"]


def test_a_scalar_filter_prints_text() -> None:
    shell = "curl -s http://localhost:3000/api/v1/agents | jq .total"
    assert _problems(shell, "1", kind="console") == []
    assert _problems(shell, "2", kind="console") == [None]


def test_raw_strings_print_without_quotes() -> None:
    shell = "curl -s http://localhost:3000/api/v1/agents | jq -r '.data[0].owner'"
    assert _problems(shell, "sre", kind="console") == []


def test_a_filter_on_a_missing_path_fails() -> None:
    shell = "curl -s http://localhost:3000/api/v1/agents | jq .items"
    assert _problems(shell, '{"a": 1}') == ["$.items"]


def test_pretty_printing_and_captures_compare_the_whole_answer() -> None:
    whole = '{"data": [...], "total": 1, ...}'
    assert _problems("curl -s http://localhost:3000/api/v1/agents | jq .", whole) == []
    assert _problems("curl -s http://localhost:3000/api/v1/agents | jq", whole) == []
    capture = Capture(name="TOTAL", path=".total", source=Source("docs/guide.md", 3))
    assert _problems("curl -s http://localhost:3000/api/v1/agents | jq -r .total", whole,
                     captures=(capture,)) == []


def test_a_raw_printed_token_matches_by_shape() -> None:
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlc2lnbmF0dXJl"
    shell = "curl -s http://localhost:3000/api/v1/token | jq -r .access_token"
    documented = step("eyJhbGciOiJSUzI1NiIs...", kind="console", command=_command(shell))
    real = response(200, {"access_token": jwt})
    assert match_response(documented, real, ExampleBook()) == []
    wrong = step("sk_live_...", kind="console", command=_command(shell))
    assert [p.path for p in match_response(wrong, real, ExampleBook())] == ["$"]
