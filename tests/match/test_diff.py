"""The body diff as the matcher draws it: what was compared, after jq, ignore=, unordered= and
`...`, as data (path, documented line, text) that reports only format."""

from __future__ import annotations

from typing import Any

from runner.match.response import ResponseMatch, compare_response
from runner.match.unify import ExampleBook
from runner.model import DiffLine
from runner.model.command import Invocation
from runner.model.source import Source
from runner.translate.shell.script import parse_script

from .builders import RESPONSE_LINE, response, step


def _command(text: str) -> Invocation:
    [command] = parse_script(text + "\n", source=Source("docs/guide.md", 3)).commands
    assert isinstance(command, Invocation)
    return command


def _match(body: str, real: Any, **options: Any) -> ResponseMatch:
    return compare_response(step(body, **options), response(200, real), ExampleBook())


def _lines(matched: ResponseMatch) -> list[str]:
    """The diff as a report draws it, uncollapsed: tag, indent, key, text, comma."""
    return [f"{d.tag} {'  ' * d.depth}{d.key}{d.text}{',' if d.comma else ''}"
            for d in matched.diff]


def _changes(matched: ResponseMatch) -> list[DiffLine]:
    return [line for line in matched.diff if line.tag != " "]


def test_a_jq_filtered_drift_shows_both_sides() -> None:
    shell = "curl -s http://localhost:3000/api/v1/agents | jq '.data[0]'"
    page = {"data": [{"agentId": "a1", "owner": "talent-platform"}], "total": 1}
    matched = _match('{\n  "agentId": "a1",\n  "owner": "recruiting",\n  ...\n}', page,
                     command=_command(shell))
    assert _lines(matched) == [
        "  {",
        '    "agentId": "a1",',
        '-   "owner": "recruiting",',
        '+   "owner": "talent-platform",',
        "    ...",
        "  }",
    ]
    minus, plus = _changes(matched)
    assert (minus.path, minus.line, minus.key, minus.text) == (
        "$.owner", RESPONSE_LINE + 2, '"owner": ', '"recruiting"')
    assert (plus.path, plus.line, plus.text) == ("$.owner", None, '"talent-platform"')


def test_an_ignored_path_draws_nothing_and_is_context() -> None:
    documented = '{"id": 1, "etag": "abc", "state": "on"}'
    real = {"id": 1, "etag": "xyz", "state": "off"}
    matched = _match(documented, real, ignore=("$.etag",))
    # The etag differs too, but was not compared: it is drawn as documented, on both sides.
    assert _lines(matched) == [
        "  {",
        '    "id": 1,',
        '    "etag": "abc",',
        '-   "state": "on"',
        '+   "state": "off"',
        "  }",
    ]
    assert _match(documented, {**real, "state": "on"}, ignore=("$.etag",)).diff == ()


def test_an_unordered_array_draws_its_pairs_and_the_unmatched_items() -> None:
    documented = '{"data": [{"name": "a"}, {"name": "b"}, {"name": "c"}]}'
    real = {"data": [{"name": "c"}, {"name": "x"}, {"name": "a"}]}
    matched = _match(documented, real, unordered=("$.data",))
    assert _lines(matched) == [
        "  {",
        '    "data": [',
        '      {"name": "a"},',
        '-     {"name": "b"},',
        '      {"name": "c"},',
        '+     {"name": "x"}',
        "    ]",
        "  }",
    ]
    minus = _changes(matched)[0]
    assert (minus.path, minus.line) == ("$.data", RESPONSE_LINE)
    assert _changes(matched)[1].path == "$.data[1]"


def test_an_unordered_array_with_a_gap_draws_no_leftover() -> None:
    documented = '{"data": [{"name": "b"}, ...]}'
    matched = _match(documented, {"data": [{"name": "a"}, {"name": "c"}]},
                     unordered=("$.data",))
    assert [line.tag for line in _changes(matched)] == ["-"]


def test_an_item_found_after_a_gap_is_drawn_against_the_real_item_it_met() -> None:
    # `"m"` was found at real index 2: the item after it is compared with real index 3.
    documented = '{"items": ["a", ..., {"k": "m"}, {"k": "n"}, ..., "z"]}'
    real = {"items": ["a", "b", {"k": "m"}, {"k": "n"}, "q", "z"], "extra": 1}
    assert _match(documented, real).diff == ()
    drifted = {"items": ["a", "b", {"k": "m"}, {"k": "n"}, "q", "y"]}
    assert _lines(_match(documented, drifted)) == [
        "  {",
        '    "items": [',
        '      "a",',
        "      ...,",
        '      {"k": "m"},',
        '      {"k": "n"},',
        "      ...,",
        '-     "z"',
        '+     "y"',
        "    ]",
        "  }",
    ]


def test_a_run_not_found_after_a_gap_is_a_minus_line() -> None:
    documented = '{"items": ["a", ..., "m", ..., "z"]}'
    matched = _match(documented, {"items": ["a", "b", "c", "z"]})
    assert [line for line in _lines(matched) if line[:1] in "-+"] == ['-     "m",']


def test_a_short_ordered_array_shows_both_arrays() -> None:
    matched = _match('{"scopes": ["read", "write"]}', {"scopes": ["read"]})
    assert [line for line in _lines(matched) if line[:1] in "-+"] == [
        '-   "scopes": ["read", "write"]',
        '+   "scopes": ["read"]',
    ]


def test_a_renamed_key_draws_the_real_member_under_the_documented_one() -> None:
    documented = '{\n  "kind": "extractor",\n  "version": "2.0.0",\n  "owner": "x"\n}'
    matched = _match(documented, {"agentType": "extractor", "version": "2.0.0", "owner": "x"})
    assert _lines(matched) == [
        "  {",
        '-   "kind": "extractor",',
        '+   "agentType": "extractor",',
        '    "version": "2.0.0",',
        '    "owner": "x"',
        "  }",
    ]
    # Last member, a close name whose value changed too: no comma after the real one.
    matched = _match('{"id": 1, "agentTyp": "a"}', {"id": 1, "agentType": "b"})
    assert [line for line in _lines(matched) if line[:1] in "-+"] == [
        '-   "agentTyp": "a"', '+   "agentType": "b"']
    # Under strict the real key is not drawn a second time as an extra one.
    strict = _match('{"kind": "extractor"}', {"agentType": "extractor"}, strict=True)
    assert [line for line in _lines(strict) if line[:1] in "-+"] == [
        '-   "kind": "extractor"', '+   "agentType": "extractor"']


def test_no_failure_no_diff() -> None:
    assert _match('{"id": 1}', {"id": 1}).diff == ()
    # A note (other wording) is no drift.
    note = _match('{"message": "Created."}', {"message": "Made."})
    assert [p.severity for p in note.problems] == ["note"]
    assert note.diff == ()


def test_a_wrong_status_class_compares_no_body_and_draws_nothing() -> None:
    matched = compare_response(step('{"id": 1}', code=201), response(409, {"code": "X"}),
                               ExampleBook())
    assert matched.problems and matched.diff == ()


def test_texts_are_whole_for_the_caller_to_mask_then_cut() -> None:
    long = "s" * 500
    matched = _match('{"note": "short"}', {"note": long})
    plus = _changes(matched)[1]
    assert plus.text == f'"{long}"'
