"""Status phrases in prose: only real statuses, never counts or durations."""

from __future__ import annotations

import pytest

from runner.plan.status_phrase import find_status_phrase


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("It returns 201 Created.", 201),
        ("The answer is HTTP 404.", 404),
        ("The call returns 400 when the email is missing.", 400),
        ("Registering twice conflicts (409 Conflict).", 409),
        ("Without a token you get a 401.", 401),
        ("You get a 401 error.", 401),
        ("The status code 422 means the body is wrong.", 422),
        ("HTTP/1.1 204 No Content, no body.", 204),
        ("It responds with 429 and a Retry-After header.", 429),
        ("A 404 Not Found here means the id is unknown.", 404),
        ("status: 403", 403),
        ("413 Payload Too Large", 413),
        ("The response code is `200`.", 200),
        ("The status was 404, as expected.", 404),
        ("This fails (401):", 401),
        ("Response: 401", 401),
    ],
)
def test_status_phrases(text: str, status: int) -> None:
    found = find_status_phrase(text)
    assert found is not None and found[0] == status
    assert text[found[1] : found[1] + 3] == str(status)


@pytest.mark.parametrize(
    "text",
    [
        "The free tier allows 100 agents.",
        "A token lives 3600 seconds.",
        "The list returns 100 agents at most.",
        "Version v1.201 and 2.300 are old.",
        "It returns 4000 events.",
        "Ports 3000 and 8080.",
        "Write 200 lines of code.",
        "Page 2 of 404 pages? no: 404 pages.",
        "The 999 Unknown status does not exist.",
        "Call it 201 times.",
        "The response lists 200 agents.",
        "The limit is 100 per page.",
        "A response 200 items long.",
    ],
)
def test_numbers_that_are_not_statuses(text: str) -> None:
    assert find_status_phrase(text) is None


def test_first_phrase_wins() -> None:
    assert find_status_phrase("First 201 Created, then 409 Conflict.") == (201, 6)
