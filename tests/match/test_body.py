"""Body matching: each rule of the design, passing and failing, with its path and line."""

from __future__ import annotations

from typing import Any

import pytest

from runner.match.response import match_response
from runner.match.unify import ExampleBook
from runner.model.errors import DocError
from runner.model.printing import Printing

from .builders import response, step

UUID_A = "a3f7c821-4b1e-4c2a-9f3d-1e2b3c4d5e6f"
UUID_REAL = "0f0f0f0f-1111-4222-8333-444455556666"
JWT_REAL = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl"
SECRET_REAL = "sk_live_" + "9e" * 32
SECRET_DOC = "sk_live_" + "8f3a2b1c" * 8


def _outcome(body: str, real: Any, **options: Any) -> list[tuple[str | None, str]]:
    problems = match_response(step(body, **options), response(200, real), ExampleBook())
    return [(problem.path, problem.severity) for problem in problems]


F, N = "failure", "note"

CASES: list[tuple[str, str, Any, list[tuple[str | None, str]]]] = [
    # Scalars compare exactly.
    ("same scalars", '{"s": "active", "n": 3600, "b": true, "z": null, "f": 1.5}',
     {"s": "active", "n": 3600, "b": True, "z": None, "f": 1.5}, []),
    ("1 equals 1.0", '{"n": 1}', {"n": 1.0}, []),
    ("other string", '{"s": "active"}', {"s": "suspended"}, [("$.s", F)]),
    ("other number", '{"n": 3600}', {"n": 60}, [("$.n", F)]),
    ("number as string", '{"n": 3600}', {"n": "3600"}, [("$.n", F)]),
    ("true is not 1", '{"b": true}', {"b": 1}, [("$.b", F)]),
    ("null is not empty", '{"z": null}', {"z": ""}, [("$.z", F)]),
    ("email exactly", '{"email": "bot@example.com"}', {"email": "Bot@example.com"},
     [("$.email", F)]),
    # Keys.
    ("missing key", '{"a": 1, "b": 2}', {"a": 1}, [("$.b", F)]),
    ("extra key is a note", '{"a": 1}', {"a": 1, "b": 2}, [("$.b", N)]),
    ("extra key with more keys", '{"a": 1, ...}', {"a": 1, "b": 2}, []),
    ("nested extra key", '{"o": {"a": 1}}', {"o": {"a": 1, "c": 3}}, [("$.o.c", N)]),
    ("bare ... value needs the key", '{"a": ...}', {"a": [1, {"x": 2}]}, []),
    ("bare ... value missing", '{"a": ...}', {"b": 1}, [("$.a", F), ("$.b", N)]),
    ("object expected", '{"o": {"a": 1}}', {"o": [1]}, [("$.o", F)]),
    ("array expected", '{"l": [1]}', {"l": "1"}, [("$.l", F)]),
    ("top-level anything", "...", {"whatever": 1}, []),
    # Dynamic shapes.
    ("uuid", f'{{"id": "{UUID_A}"}}', {"id": UUID_REAL}, []),
    ("uuid vs text", f'{{"id": "{UUID_A}"}}', {"id": "agent-1"}, [("$.id", F)]),
    ("iso timestamp", '{"t": "2026-03-01T12:00:00.000Z"}', {"t": "2026-11-27T19:00:01.123Z"}, []),
    ("iso timestamp vs text", '{"t": "2026-03-01T12:00:00Z"}', {"t": "soon"}, [("$.t", F)]),
    ("unix timestamp", '{"exp": 1735689600}', {"exp": 1764273600}, []),
    ("unix timestamp vs small", '{"exp": 1735689600}', {"exp": 3600}, [("$.exp", F)]),
    ("jwt", '{"access_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.abc"}',
     {"access_token": JWT_REAL}, []),
    ("truncated jwt", '{"access_token": "eyJhbGciOi..."}', {"access_token": JWT_REAL}, []),
    ("cut jwt", '{"access_token": "eyJhbGciOiJSUzI1NiIs"}', {"access_token": JWT_REAL}, []),
    ("jwt vs opaque", '{"access_token": "eyJhbGciOi..."}', {"access_token": "abc"},
     [("$.access_token", F)]),
    ("secret", f'{{"clientSecret": "{SECRET_DOC}"}}', {"clientSecret": SECRET_REAL}, []),
    ("shortened secret", '{"clientSecret": "sk_live_..."}', {"clientSecret": SECRET_REAL}, []),
    ("secret vs other kind", '{"clientSecret": "sk_live_8f3a2b1c9d0e"}',
     {"clientSecret": "pk_test_8f3a2b1c9d0e"}, [("$.clientSecret", F)]),
    ("opaque token", '{"t": "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"}',
     {"t": "0123456789abcdef0123456789abcdef"}, []),
    # Placeholders and shortened values.
    ("placeholder", '{"id": "<agent-id>"}', {"id": "anything"}, []),
    ("bare placeholder", '{"id": <agent-id>}', {"id": 42}, []),
    ("placeholder empty", '{"id": "<agent-id>"}', {"id": ""}, [("$.id", F)]),
    ("placeholder null", '{"id": <agent-id>}', {"id": None}, [("$.id", F)]),
    ("shortened uuid", '{"id": "a3f7c821-..."}', {"id": UUID_REAL}, []),
    ("shortened uuid unicode", '{"id": "a3f7c821-…"}', {"id": UUID_REAL}, []),
    ("shortened uuid vs text", '{"id": "a3f7c821-..."}', {"id": "x"}, [("$.id", F)]),
    ("shortened text", '{"scope": "agents:read ..."}', {"scope": "agents:read audit:read"}, []),
    ("shortened text other start", '{"scope": "agents:read ..."}', {"scope": "audit:read"},
     [("$.scope", F)]),
    ("shortened empty", '{"s": "..."}', {"s": ""}, [("$.s", F)]),
    # Human-readable text.
    ("message same", '{"message": "Agent not found."}', {"message": "Agent not found."}, []),
    ("message reworded", '{"message": "Agent not found."}', {"message": "No such agent."},
     [("$.message", N)]),
    ("message empty", '{"message": "Agent not found."}', {"message": ""}, [("$.message", F)]),
    ("message not text", '{"message": "x"}', {"message": 3}, [("$.message", F)]),
    ("nested reason", '{"details": {"field": "email", "reason": "bad"}}',
     {"details": {"field": "email", "reason": "must be an email"}}, [("$.details.reason", N)]),
    ("error_description shortened", '{"error_description": "Client auth..."}',
     {"error_description": "Client authentication failed"}, []),
    ("error code is not prose", '{"error": "invalid_client"}', {"error": "invalid_grant"},
     [("$.error", F)]),
    # Arrays.
    ("same array", '{"l": [1, 2]}', {"l": [1, 2]}, []),
    ("longer array", '{"l": [1, 2]}', {"l": [1, 2, 3]}, [("$.l", F)]),
    ("shorter array", '{"l": [1, 2]}', {"l": [1]}, [("$.l", F)]),
    ("item differs", '{"l": [1, 2]}', {"l": [1, 5]}, [("$.l[1]", F)]),
    ("order matters", '{"l": ["a", "b"]}', {"l": ["b", "a"]}, [("$.l[0]", F), ("$.l[1]", F)]),
    ("head and more", '{"l": [1, ...]}', {"l": [1, 2, 3]}, []),
    ("head and more, empty tail", '{"l": [1, ...]}', {"l": [1]}, []),
    ("head wrong", '{"l": [1, ...]}', {"l": [2, 3]}, [("$.l[0]", F)]),
    ("head and tail", '{"l": [1, ..., 9]}', {"l": [1, 4, 5, 9]}, []),
    ("tail wrong", '{"l": [1, ..., 9]}', {"l": [1, 4, 5, 8]}, [("$.l[3]", F)]),
    ("too short for head and tail", '{"l": [1, ..., 9]}', {"l": [1]}, [("$.l", F)]),
    ("just more", '{"l": [...]}', {"l": []}, []),
    ("middle run", '{"l": [1, ..., 5, 6, ..., 9]}', {"l": [1, 2, 5, 6, 7, 9]}, []),
    ("middle run missing", '{"l": [1, ..., 5, 6, ..., 9]}', {"l": [1, 5, 7, 6, 9]}, [("$.l", F)]),
    ("items of objects", '{"data": [{"agentId": "<id>", "status": "active"}, ...]}',
     {"data": [{"agentId": "x", "status": "suspended"}]}, [("$.data[0].status", F)]),
]


@pytest.mark.parametrize(("body", "real", "expected"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_body_rule(body: str, real: Any, expected: list[tuple[str | None, str]]) -> None:
    assert _outcome(body, real) == expected


def test_problem_lines_point_at_the_documented_node() -> None:
    body = '{\n  "agentId": "<id>",\n  "status": "active",\n  "owner": "team"\n}'
    real = {"status": "suspended", "extra": 1}
    problems = match_response(step(body), response(200, real), ExampleBook())
    lines = {problem.path: problem.source.line for problem in problems if problem.source}
    assert lines == {"$.agentId": 11, "$.status": 12, "$.owner": 13, "$.extra": 10}


@pytest.mark.parametrize(
    ("body", "real", "message", "expected", "actual"),
    [
        ('{"status": "active"}', {"status": "suspended"},
         '$.status is "suspended", the guide shows "active"', '"active"', '"suspended"'),
        ('{"a": 1}', {}, "$.a is documented but missing from the response", "present", "missing"),
        ('{}', {"b": {"c": 1}}, "$.b is in the response but not in the guide", "absent",
         "an object"),
        ('{"l": [1]}', {"l": [1, 2]}, "$.l has 2 items, the guide shows 1", "1 item", "2 items"),
        (f'{{"id": "{UUID_A}"}}', {"id": "x"},
         f'$.id should be a UUID like the documented "{UUID_A}", got "x"', "a UUID", '"x"'),
        ('{"o": {}}', {"o": [1, 2]}, "$.o should be an object, got an array", "an object",
         "an array of 2 items"),
        ('{"message": "A."}', {"message": "B."}, "$.message reads differently from the guide",
         '"A."', '"B."'),
    ],
)
def test_problem_messages(body: str, real: Any, message: str, expected: str,
                          actual: str) -> None:
    problems = match_response(step(body), response(200, real), ExampleBook())
    assert [(p.message, p.expected, p.actual) for p in problems] == [(message, expected, actual)]


def test_strict_makes_extra_keys_failures() -> None:
    assert _outcome('{"a": 1}', {"a": 1, "b": 2}, strict=True) == [("$.b", F)]
    assert _outcome('{"a": 1, ...}', {"a": 1, "b": 2}, strict=True) == []


@pytest.mark.parametrize(
    ("ignore", "expected"),
    [
        ((), [("$.createdAt", F), ("$.data[0].t", F), ("$.data[1].t", F), ("$.x", N)]),
        (("$.createdAt",), [("$.data[0].t", F), ("$.data[1].t", F), ("$.x", N)]),
        (("$.data[*].t", "$.x"), [("$.createdAt", F)]),
        (("$.data[1].t", ".createdAt"), [("$.data[0].t", F), ("$.x", N)]),
        (("$.data",), [("$.createdAt", F), ("$.x", N)]),
    ],
)
def test_ignore_paths_are_skipped(ignore: tuple[str, ...], expected: list[Any]) -> None:
    body = '{"createdAt": "yesterday", "data": [{"t": 1}, {"t": 2}]}'
    real = {"createdAt": "today", "data": [{"t": 5}, {"t": 6}], "x": 0}
    assert _outcome(body, real, ignore=ignore) == expected


@pytest.mark.parametrize(
    ("body", "real", "expected"),
    [
        ('{"scopes": ["a", "b", "c"]}', {"scopes": ["c", "a", "b"]}, []),
        ('{"scopes": ["a", "b"]}', {"scopes": ["b", "b"]}, [("$.scopes", F)]),
        ('{"scopes": ["a", "a"]}', {"scopes": ["a", "b"]}, [("$.scopes", F)]),
        ('{"scopes": ["a", "b"]}', {"scopes": ["b", "a", "c"]}, [("$.scopes", F)]),
        ('{"scopes": ["b", ...]}', {"scopes": ["a", "b", "c"]}, []),
        ('{"scopes": [{"k": "b", "n": 2}, {"k": "a", "n": 1}]}',
         {"scopes": [{"k": "a", "n": 1, "x": 0}, {"k": "b", "n": 2}]}, [("$.scopes[0].x", N)]),
        # A general item first must not take the only real item the specific one fits.
        ('{"scopes": [{"k": ...}, {"k": "a", "n": 1}]}',
         {"scopes": [{"k": "a", "n": 1}, {"k": "b", "n": 2}]}, [("$.scopes[1].n", N)]),
        ('{"scopes": [..., {"k": ...}, {"k": "a"}]}',
         {"scopes": [{"k": "a"}, {"k": "b"}, {"k": "c"}]}, []),
    ],
)
def test_unordered_arrays_compare_as_multisets(body: str, real: Any,
                                               expected: list[Any]) -> None:
    assert _outcome(body, real, unordered=("$.scopes",)) == expected
    # Without the directive, order matters.
    if sorted(map(str, real["scopes"])) != list(map(str, real["scopes"])):
        assert _outcome(body, real) != []


def test_unordered_items_respect_example_bindings() -> None:
    """An item whose documented id is already bound takes the real item with that id."""
    one, two = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    real_a, real_b = UUID_REAL, "0e0e0e0e-1111-4222-8333-444455556666"
    book = ExampleBook()
    first = match_response(step(f'{{"id": "{one}"}}'), response(200, {"id": real_b}), book)
    assert first == []
    body = f'{{"data": [{{"id": "{one}"}}, {{"id": "{two}"}}]}}'
    real = {"data": [{"id": real_a}, {"id": real_b}]}
    assert match_response(step(body, unordered=("$.data",)), response(200, real), book) == []
    assert book.substitute(f"/agents/{two}") == f"/agents/{real_a}"
    # In order, the same documented list contradicts the earlier binding.
    problems = match_response(step(body), response(200, real), ExampleBook())
    assert problems == []  # a fresh book has nothing to contradict
    problems = match_response(step(body), response(200, real), book)
    assert [p.path for p in problems] == ["$.data[0].id", "$.data[1].id"]


def test_text_bodies_compare_exactly_after_trimming() -> None:
    documented = step("\n  ok\n", kind="text")
    assert match_response(documented, response(200, text="ok\n"), ExampleBook()) == []
    problems = match_response(documented, response(200, text="OK"), ExampleBook())
    assert [(p.expected, p.actual) for p in problems] == [("ok", "OK")]
    assert problems[0].source is not None and problems[0].source.line == 10


def test_console_output_that_is_not_json_is_text() -> None:
    documented = step("healthy", kind="console")
    assert match_response(documented, response(200, text="healthy"), ExampleBook()) == []


def test_json_documented_but_text_returned() -> None:
    problems = match_response(step('{"a": 1}'), response(200, text="<html>"), ExampleBook())
    assert [(p.path, p.expected, p.actual) for p in problems] == [("$", "a JSON body", "<html>")]


def test_json_documented_but_empty_body() -> None:
    problems = match_response(step('{"a": 1}', code=204), response(204), ExampleBook())
    assert [p.actual for p in problems] == ["an empty body"]


@pytest.mark.parametrize("body", ["", "  \n", "{}"])
def test_no_content_with_nothing_or_empty_object_documented(body: str) -> None:
    assert match_response(step(body, code=204), response(204), ExampleBook()) == []


def test_a_body_the_command_never_prints_is_a_failure_not_compared() -> None:
    documented = step('{"a": 1}', printing=Printing(output="/dev/null"))
    problems = match_response(documented, response(200, {"b": 2}), ExampleBook())
    assert [(p.message, p.path) for p in problems] == [
        ("`curl -o /dev/null` prints no body; drop the body or `-o /dev/null`", None)]


def test_invalid_documented_json_is_a_doc_error() -> None:
    with pytest.raises(DocError) as caught:
        match_response(step('{\n  "a": 1\n  "b": 2\n}'), response(200, {"a": 1}), ExampleBook())
    assert caught.value.source is not None and caught.value.source.line == 12


def test_invalid_directive_path_is_a_doc_error() -> None:
    with pytest.raises(DocError):
        match_response(step('{"a": 1}', ignore=("a.b",)), response(200, {"a": 1}), ExampleBook())
