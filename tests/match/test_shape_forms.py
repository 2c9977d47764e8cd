"""Shape forms: a real value fits a dynamic documented one only if it is written the same way.

Each rule has its drifted value failing (a failure problem at the value's path) next to the
good form passing, through `match_response` as a step's body is matched.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import jwt
import pytest

from runner.match.response import match_response
from runner.match.unify import ExampleBook

from .builders import response, step

UUID_REAL = "0f0f0f0f-1111-4222-8333-444455556666"
HEX_64 = "0a1b2c3d" * 8
# A JWT PyJWT itself signs, so the good form is a JWT by PyJWT's own word.
JWT_REAL = jwt.encode({"sub": "agent"}, "k" * 32, algorithm="HS256")


def _part(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _failures(documented: Any, real: Any, key: str = "v") -> list[str]:
    """The failure messages at `$.key` when `documented` (a JSON value) meets `real`."""
    body = json.dumps({key: documented})
    problems = match_response(step(body), response(200, {key: real}), ExampleBook())
    assert all(problem.path == f"$.{key}" for problem in problems)
    return [problem.message for problem in problems if problem.severity == "failure"]


def _fits(documented: Any, real: Any) -> bool:
    return _failures(documented, real) == []


# -- JWT ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("real", "fits"),
    [
        (JWT_REAL, True),
        ("eyJx.y.z", False),  # three dotted parts, but the header is no JSON
        (_part({"typ": "JWT"}) + "." + _part({"sub": "a"}) + ".c2ln", False),  # no `alg`
        (JWT_REAL + ".c2ln", False),  # four parts
        (JWT_REAL.rsplit(".", 1)[0], False),  # two parts
        (JWT_REAL.replace(".", "..", 1), False),  # an empty payload
    ],
)
@pytest.mark.parametrize(
    "documented",
    ["eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", "eyJhbGciOi...", "eyJ...",
     "eyJhbGciOiJSUzI1NiIs"],
    ids=["full", "shortened", "kind only", "cut"],
)
def test_a_jwt_is_three_base64url_parts_whose_header_names_alg(documented: str, real: str,
                                                               fits: bool) -> None:
    assert _fits(documented, real) is fits


@pytest.mark.parametrize("documented", ["eyJx.y.z", "eyJxxxxxxxxxxx", "eyJx.y..."])
def test_a_documented_value_that_is_no_jwt_stands_for_no_jwt(documented: str) -> None:
    failures = _failures(documented, JWT_REAL)
    assert len(failures) == 1
    assert "the guide's value is not a JWT" in failures[0]


# -- timestamps ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("documented", "real", "why"),
    [
        ("2026-03-01T10:00:00.000", "2026-11-27T19:00:01.123",
         None),
        ("2026-03-01T10:00:00.000", "2026-11-27T19:00:01.123Z",
         "it has the zone designator `Z`, the guide's has no zone designator"),
        ("2026-03-01T10:00:00.000Z", "2026-11-27T19:00:01.123",
         "it has no zone designator, the guide's has zone designator `Z`"),
        ("2026-03-01T10:00:00Z", "2026-11-27T19:00:01+00:00",
         "it has an offset written `+hh:mm`, the guide's has zone designator `Z`"),
        ("2026-03-01T10:00:00+02:00", "2026-11-27T19:00:01-05:00", None),
        ("2026-03-01T10:00:00+02:00", "2026-11-27T19:00:01+0200",
         "it has an offset written `+hhmm`, the guide's has an offset written `+hh:mm`"),
        ("2026-03-01T10:00:00.000Z", "2026-11-27T19:00:01.123456Z",
         "it has 6 fraction digits, the guide's has 3 fraction digits"),
        ("2026-03-01T10:00:00.000Z", "2026-11-27T19:00:01Z",
         "it has no fraction of a second, the guide's has 3 fraction digits"),
        ("2026-03-01T10:00:00.000Z", "2026-11-27T19:00:01,123Z",
         "its fraction follows `,`, the guide's `.`"),
        # An example to the whole second is one: milliseconds are another form.
        ("2026-03-01T10:05:00Z", "2026-11-27T19:00:01.795Z",
         "it has 3 fraction digits, the guide's has no fraction of a second"),
        ("2026-03-01T10:05:00Z", "2026-11-27T19:00:01Z", None),
        ("2026-03-01T10:05Z", "2026-11-27T19:00:01Z", "it has seconds, the guide's has none"),
        ("2026-03-01 10:00:00Z", "2026-11-27T19:00:01Z",
         "its date and time are separated by `T`, the guide's by ` `"),
    ],
)
def test_a_timestamp_keeps_its_zone_and_fraction_digits(documented: str, real: str,
                                                         why: str | None) -> None:
    failures = _failures(documented, real)
    if why is None:
        assert failures == []
    else:
        assert failures == [f'$.v should be an ISO 8601 timestamp like the documented '
                            f'"{documented}", got "{real}": {why}']


def test_a_timestamp_problem_names_the_documented_form() -> None:
    body = '{"createdAt": "2026-03-01T10:00:00.000"}'
    real = {"createdAt": "2026-11-27T19:00:01.123Z"}
    problems = match_response(step(body), response(200, real), ExampleBook())
    assert [(p.severity, p.expected) for p in problems] == [
        ("failure", "an ISO 8601 timestamp with 3 fraction digits and no zone designator")]


@pytest.mark.parametrize(
    ("real", "fits"),
    [("2026-11-27T19:00:01.123Z", True), ("2026-11-27 19:00:01.123Z", False), ("soon", False)],
)
def test_a_shortened_timestamp_keeps_the_form_it_shows(real: str, fits: bool) -> None:
    assert _fits("2026-03-01T...", real) is fits


# -- secrets ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("real", "why"),
    [
        ("sk_live_" + "9e8d7c6b" * 8, None),
        ("sk_live_abc123", "its body has 6 characters after `sk_live_`, the guide's has 64"),
        ("sk_live_" + HEX_64 + "00", "its body has 66 characters after `sk_live_`, the guide's "
                                     "has 64"),
        ("sk_live_" + "g" * 64, "its body is not all hex digits, the guide's is"),
        ("sk_live_" + HEX_64.upper(), "its body has upper-case letters, the guide's are lower "
                                      "case"),
        ("sk_test_" + HEX_64, "its kind is `sk_test_`, the guide's is `sk_live_`"),
    ],
)
def test_a_secret_keeps_its_kind_body_length_and_alphabet(real: str, why: str | None) -> None:
    documented = "sk_live_" + "dbfe4ffb" * 8
    failures = _failures(documented, real, "clientSecret")
    if why is None:
        assert failures == []
    else:
        assert len(failures) == 1
        assert failures[0].endswith(f": {why}")
        assert "should be a secret like the documented" in failures[0]


def test_a_secret_problem_names_the_documented_form() -> None:
    body = '{"clientSecret": "sk_live_' + HEX_64 + '"}'
    problems = match_response(step(body), response(200, {"clientSecret": "sk_live_abc123"}),
                              ExampleBook())
    assert [p.expected for p in problems] == ["a secret `sk_live_` + 64 lower-case hex digits"]


def test_a_mixed_case_secret_allows_either_case() -> None:
    documented = "whsec_" + "aB3dE5fG7h" * 3
    assert _fits(documented, "whsec_" + "Zy9Xw8Vu7T" * 3)
    assert not _fits(documented, "whsec_" + "Zy9Xw8Vu7T" * 2)


# -- UUIDs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("documented", "real", "fits"),
    [
        ("a3f7c821-4b1e-4c2a-9f3d-1e2b3c4d5e6f", UUID_REAL, True),
        ("a3f7c821-4b1e-4c2a-9f3d-1e2b3c4d5e6f", "a3f7c821-4b1e-4c2a-9f3d", False),
        ("a3f7c821-4b1e-4c2a-9f3d-1e2b3c4d5e6f", "A3F7C821-4B1E-4C2A-9F3D-1E2B3C4D5E6F", False),
        # A shortened UUID needs a UUID, not a string that starts the same way.
        ("a3f7c821-...", UUID_REAL, True),
        ("a3f7c821-...", "a3f7c821-not-a-uuid", False),
        ("a3f7c821-4b1e-…", "a3f7c821-4b1e", False),
        ("a3f7c821-...", UUID_REAL.upper(), False),
        # A bare hex start may begin a hex token too, but still no plain text.
        ("a3f7...", UUID_REAL, True),
        ("a3f7...", "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c", True),
        ("a3f7...", "a3f7 is a name", False),
        # Starts no UUID has: compared as text.
        ("2024...", "2024.1", True),
        ("2024-...", "2024-rc", True),
    ],
)
def test_a_uuid_looking_example_needs_a_uuid(documented: str, real: str, fits: bool) -> None:
    assert _fits(documented, real) is fits


def test_a_shortened_uuid_problem_names_the_shape() -> None:
    assert _failures("a3f7c821-...", "a3f7c821-not-a-uuid", "agentId") == [
        '$.agentId should be a UUID like `a3f7c821-...`, got "a3f7c821-not-a-uuid"']


def test_a_shortened_uuid_is_still_an_example_to_unify() -> None:
    book = ExampleBook()
    assert match_response(step('{"agentId": "a3f7c821-..."}'),
                          response(200, {"agentId": UUID_REAL}), book) == []
    assert [(b.example, b.is_prefix, b.real) for b in book.bindings()] == [
        ("a3f7c821-", True, UUID_REAL)]
    other = "99999999-1111-4222-8333-444455556666"
    problems = match_response(step('{"agentId": "a3f7c821-4b1e-4c2a-9f3d-1e2b3c4d5e6f"}'),
                              response(200, {"agentId": other}), book)
    assert [p.path for p in problems] == ["$.agentId"]


# -- headers use the same rules ------------------------------------------------------------


@pytest.mark.parametrize(
    ("real", "fits"),
    [("2026-11-27T19:00:01.123Z", True), ("2026-11-27T19:00:01.123", False)],
)
def test_a_header_value_keeps_its_form(real: str, fits: bool) -> None:
    documented = step('{"a": 1}', headers=(("X-Issued-At", "2026-03-01T10:00:00.000Z"),))
    problems = match_response(documented, response(200, {"a": 1}, headers={"X-Issued-At": real}),
                              ExampleBook())
    assert [p.path for p in problems] == ([] if fits else ["header X-Issued-At"])
