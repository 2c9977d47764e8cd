"""Example unification: one documented example is one real value, in both directions."""

from __future__ import annotations

from runner.match.response import match_response
from runner.match.unify import Binding, ExampleBook
from runner.model.source import Source

from .builders import response, step

CRED = "7c1e9a20-5b6d-4f8e-9a1b-2c3d4e5f6a7b"
SECRET_1 = "sk_live_" + "1a" * 32
SECRET_2 = "sk_live_" + "2b" * 32
REAL_CRED = "0f0f0f0f-1111-4222-8333-444455556666"
REAL_SECRET_1 = "sk_live_" + "c3" * 32
REAL_SECRET_2 = "sk_live_" + "d4" * 32
OTHER = "99999999-1111-4222-8333-444455556666"
JWT_1 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"
JWT_2 = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIyIn0.c2ln"


def _documented(credential: str, secret: str) -> str:
    return f'{{\n  "credentialId": "{credential}",\n  "clientSecret": "{secret}"\n}}'


def _binding(example: str, real: str, line: int, *, prefix: bool = False) -> Binding:
    return Binding(example, prefix, real, Source("g.md", line), "$.id")


def test_rotation_that_keeps_the_id_and_replaces_the_secret_passes() -> None:
    book = ExampleBook()
    generate = step(_documented(CRED, SECRET_1), code=201)
    rotate = step(_documented(CRED, SECRET_2))
    real_generate = {"credentialId": REAL_CRED, "clientSecret": REAL_SECRET_1}
    real_rotate = {"credentialId": REAL_CRED, "clientSecret": REAL_SECRET_2}
    assert match_response(generate, response(201, real_generate), book) == []
    assert match_response(rotate, response(200, real_rotate), book) == []


def test_same_example_meeting_a_different_real_value_fails_at_its_line() -> None:
    book = ExampleBook()
    assert match_response(step(_documented(CRED, SECRET_1)),
                          response(200, {"credentialId": REAL_CRED,
                                         "clientSecret": REAL_SECRET_1}), book) == []
    other = "99999999-1111-4222-8333-444455556666"
    problems = match_response(step(_documented(CRED, SECRET_2)),
                              response(200, {"credentialId": other,
                                             "clientSecret": REAL_SECRET_2}), book)
    assert len(problems) == 1
    problem = problems[0]
    assert problem.path == "$.credentialId"
    assert problem.source is not None and problem.source.line == 11
    assert "the same value as line 11" in problem.message
    assert "different one" in problem.message
    assert problem.expected is not None and problem.expected.startswith(f"{REAL_CRED} (the real `")
    assert "of line 11)" in problem.expected and problem.actual == other


def test_different_examples_meeting_one_real_value_fail() -> None:
    """A rotation that kept the old secret: the guide shows a new one."""
    book = ExampleBook()
    real = {"credentialId": REAL_CRED, "clientSecret": REAL_SECRET_1}
    assert match_response(step(_documented(CRED, SECRET_1)), response(200, real), book) == []
    problems = match_response(step(_documented(CRED, SECRET_2)), response(200, real), book)
    assert [problem.path for problem in problems] == ["$.clientSecret"]
    assert "a different value from line 12" in problems[0].message
    assert "returned the same one" in problems[0].message
    assert problems[0].actual == REAL_SECRET_1


def test_shortened_and_full_values_with_the_same_start_are_one_example() -> None:
    book = ExampleBook()
    assert book.bind(_binding("a3f7c821-", REAL_CRED, 10, prefix=True)) is None
    assert book.bind(_binding("a3f7c821-4b1e-4c2a-9f3d-1e2b3c4d5e6f", REAL_CRED, 20)) is None
    conflict = book.bind(_binding("a3f7c821-4b1e-4c2a-9f3d-1e2b3c4d5e6f", "x" * 36, 30))
    assert conflict is not None and "line 10" in conflict.message


def test_shortened_values_with_other_starts_are_other_examples() -> None:
    book = ExampleBook()
    assert book.bind(_binding("a3f7", REAL_CRED, 10, prefix=True)) is None
    conflict = book.bind(_binding("b4e8", REAL_CRED, 20, prefix=True))
    assert conflict is not None and "different value from line 10" in conflict.message


def test_placeholders_and_kind_only_values_are_not_unified() -> None:
    book = ExampleBook()
    body = ('{"a": "<agent-id>", "b": "eyJhbGciOi...", "c": "sk_live_...",'
            ' "d": "2026-01-01T00:00:00Z"}')
    first = {"a": "x1", "b": JWT_1, "c": "sk_live_" + "0" * 64, "d": "2026-11-27T10:00:00Z"}
    second = {"a": "x2", "b": JWT_2, "c": "sk_live_" + "1" * 64, "d": "2026-11-27T10:00:01Z"}
    assert match_response(step(body), response(200, first), book) == []
    assert match_response(step(body), response(200, second), book) == []
    assert book.bindings() == ()


def test_one_example_twice_in_one_response_must_be_one_value() -> None:
    book = ExampleBook()
    body = f'{{"agentId": "{CRED}",\n "clientId": "{CRED}"}}'
    problems = match_response(step(body), response(200, {"agentId": REAL_CRED,
                                                          "clientId": OTHER}), book)
    assert [problem.path for problem in problems] == ["$.clientId"]
    assert "the same value as line 10" in problems[0].message


def test_substitute_replaces_bound_examples_longest_first() -> None:
    book = ExampleBook()
    short = "abcdef0123456789abcdef01"
    long = short + "99"
    book.bind(_binding(short, "REAL-SHORT", 1))
    book.bind(_binding(long, "REAL-LONG", 2))
    book.bind(_binding("a3f7", "REAL-PREFIX", 3, prefix=True))
    text = f"curl /agents/{long}/x -d id={short} -H 'X: a3f7'"
    assert book.substitute(text) == "curl /agents/REAL-LONG/x -d id=REAL-SHORT -H 'X: a3f7'"
    assert ExampleBook().substitute(text) == text


def test_substitute_after_matching() -> None:
    book = ExampleBook()
    match_response(step(_documented(CRED, SECRET_1)),
                   response(200, {"credentialId": REAL_CRED, "clientSecret": REAL_SECRET_1}),
                   book)
    assert book.substitute(f"/credentials/{CRED}/rotate") == f"/credentials/{REAL_CRED}/rotate"
    assert book.substitute(f"-d secret={SECRET_1}") == f"-d secret={REAL_SECRET_1}"
    assert book.substitute("unknown") == "unknown"


def test_copy_is_independent() -> None:
    book = ExampleBook()
    trial = book.copy()
    trial.bind(_binding(CRED, REAL_CRED, 1))
    assert book.bindings() == ()
    assert len(trial.bindings()) == 1


def test_a_value_of_the_wrong_shape_is_not_bound() -> None:
    book = ExampleBook()
    problems = match_response(step(f'{{"credentialId": "{CRED}"}}'),
                              response(200, {"credentialId": "cred-1"}), book)
    assert [problem.path for problem in problems] == ["$.credentialId"]
    assert book.bindings() == ()
