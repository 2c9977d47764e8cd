"""Unification problems name the file of the first sighting when it is another (a fixture)."""

from __future__ import annotations

from runner.match.unify import Binding, ExampleBook
from runner.model.source import Source

EXAMPLE = "a3f7c821-4b2e-4d8f-9c1a-7e5b3d2f1a09"
OTHER_EXAMPLE = "5e5e5e5e-5e5e-4e5e-8e5e-5e5e5e5e5e5e"
REAL = "0f0f0f0f-1111-4222-8333-444455556666"
REAL_OTHER = "99999999-1111-4222-8333-444455556666"


def _bind(book: ExampleBook, example: str, real: str, path: str, line: int) -> str | None:
    problem = book.bind(Binding(example, False, real, Source(path, line), "$.agentId"))
    return None if problem is None else problem.message


def test_same_example_seen_first_in_a_fixture_names_the_fixture() -> None:
    book = ExampleBook()
    assert _bind(book, EXAMPLE, REAL, "fixtures/agent-token.md", 40) is None
    message = _bind(book, EXAMPLE, REAL_OTHER, "docs/guide.md", 12)
    assert message is not None and "fixtures/agent-token.md:40" in message


def test_different_examples_one_value_names_the_fixture() -> None:
    book = ExampleBook()
    assert _bind(book, EXAMPLE, REAL, "fixtures/agent-token.md", 40) is None
    message = _bind(book, OTHER_EXAMPLE, REAL, "docs/guide.md", 12)
    assert message is not None and "fixtures/agent-token.md:40" in message


def test_within_one_file_it_stays_a_line_number() -> None:
    book = ExampleBook()
    assert _bind(book, EXAMPLE, REAL, "docs/guide.md", 4) is None
    message = _bind(book, EXAMPLE, REAL_OTHER, "docs/guide.md", 12)
    assert message is not None and "line 4" in message and "guide.md:4" not in message
