"""Body problems that say how to fix them: the key a missing one probably is, and no wording
note for a message that differs only by an example already bound to its real value."""

from __future__ import annotations

from typing import Any

import pytest

from runner.match.response import match_response
from runner.match.unify import ExampleBook

from .builders import response, step

MISSING = "is documented but missing from the response"
DOC_ID = "5b8e2f14-9c3d-4a7e-b6f1-2d4c8a9e0b35"
REAL_ID = "0f0f0f0f-1111-4222-8333-444455556666"


def _messages(body: str, real: Any, book: ExampleBook | None = None) -> list[tuple[str, str]]:
    problems = match_response(step(body), response(200, real), book or ExampleBook())
    return [(problem.severity, problem.message) for problem in problems]


def _missing(body: str, real: Any) -> str:
    """The one failure's message, for a body with one documented key missing."""
    failures = [message for severity, message in _messages(body, real) if severity == "failure"]
    assert len(failures) == 1 and MISSING in failures[0]
    return failures[0]


@pytest.mark.parametrize(
    ("body", "real", "hint"),
    [
        # The undocumented key that holds the documented value, over a closer name.
        ('{"eventType": "agent.created"}', {"action": "agent.created", "eventTypes": ["x"]},
         "; did you mean `action`? (its value matches the guide's)"),
        # A value of the documented example's shape is the documented value.
        (f'{{"agentId": "{DOC_ID}"}}', {"id": REAL_ID, "name": "bot"},
         "; did you mean `id`? (its value matches the guide's)"),
        ('{"owner": {"team": "payments"}}', {"ownership": {"team": "payments"}},
         "; did you mean `ownership`? (its value matches the guide's)"),
        # Several keys hold it: the closest name among them.
        ('{"enabled": true}', {"verified": True, "isEnabled": True},
         "; did you mean `isEnabled`? (its value matches the guide's)"),
        # No key holds it: the closest name.
        ('{"deployEnv": "production"}', {"deploymentEnv": "staging"},
         "; did you mean `deploymentEnv`?"),
        # A placeholder or `...` would fit anything: only the name counts.
        ('{"agentId": "<agent-id>"}', {"agent_id": "x", "name": "y"},
         "; did you mean `agent_id`?"),
        ('{"agentId": "<agent-id>"}', {"name": "bot"}, ""),
        ('{"scopes": ...}', {"owner": ["a"]}, ""),
        # Nothing near.
        ('{"zone": 1}', {"abc": 2}, ""),
    ],
)
def test_a_missing_key_names_the_key_it_probably_is(body: str, real: Any, hint: str) -> None:
    key = body.split('"')[1]
    assert _missing(body, real) == f"$.{key} {MISSING}{hint}"


def test_only_undocumented_keys_are_candidates() -> None:
    body = '{"eventType": "agent.created", "action": "agent.updated"}'
    messages = _messages(body, {"action": "agent.created"})
    assert messages == [
        ("failure", f"$.eventType {MISSING}"),
        ("failure", '$.action is "agent.created", the guide shows "agent.updated"'),
    ]


def test_a_key_holding_a_value_bound_to_another_example_is_not_named() -> None:
    book = ExampleBook()
    assert _messages(f'{{"agentId": "{DOC_ID}"}}', {"agentId": REAL_ID}, book) == []
    other = "7c1e9a20-5b6d-4f8e-9a1b-2c3d4e5f6a7b"
    # `ownerId` holds the real id of DOC_ID, not of `other`: a UUID, but not this one.
    problems = _messages(f'{{"credentialId": "{other}"}}', {"ownerId": REAL_ID}, book)
    assert problems[0] == ("failure", f"$.credentialId {MISSING}")


# -- wording notes and bound examples --------------------------------------------------------

NOT_FOUND = f'{{"code": "AGENT_NOT_FOUND", "message": "No agent with id {DOC_ID}."}}'


def _bound_book() -> ExampleBook:
    book = ExampleBook()
    assert _messages(f'{{"agentId": "{DOC_ID}"}}', {"agentId": REAL_ID}, book) == []
    return book


def test_a_message_quoting_a_bound_example_reads_as_its_real_value() -> None:
    real = {"code": "AGENT_NOT_FOUND", "message": f"No agent with id {REAL_ID}."}
    assert _messages(NOT_FOUND, real, _bound_book()) == []


def test_other_wording_around_a_bound_example_is_still_a_note() -> None:
    real = {"code": "AGENT_NOT_FOUND", "message": f"Agent {REAL_ID} does not exist."}
    problems = match_response(step(NOT_FOUND), response(200, real), _bound_book())
    assert [(p.severity, p.path, p.expected) for p in problems] == [
        ("note", "$.message", f'"No agent with id {DOC_ID}."')]


def test_an_unbound_example_in_a_message_is_still_a_note() -> None:
    real = {"code": "AGENT_NOT_FOUND", "message": f"No agent with id {REAL_ID}."}
    assert [severity for severity, _ in _messages(NOT_FOUND, real)] == ["note"]


def test_a_message_may_quote_an_example_bound_later_in_its_own_body() -> None:
    body = (f'{{\n "status": "active",\n "message": "Agent {DOC_ID} registered.",\n'
            f' "agentId": "{DOC_ID}",\n "owner": "team"\n}}')
    real = {"status": "suspended", "message": f"Agent {REAL_ID} registered.",
            "agentId": REAL_ID, "owner": "other"}
    assert [p.path for p in match_response(step(body), response(200, real), ExampleBook())] == [
        "$.status", "$.owner"]
    # A note there still comes in the order of the guide's keys.
    real["message"] = "Registered."
    problems = match_response(step(body), response(200, real), ExampleBook())
    assert [(p.path, p.severity) for p in problems] == [
        ("$.status", "failure"), ("$.message", "note"), ("$.owner", "failure")]
