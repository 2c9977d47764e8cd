"""The one reader of real JSON: a value, or word that the body is none."""

from __future__ import annotations

from typing import Any

import pytest

from runner.translate.json_body import loads_or_none, read_json


@pytest.mark.parametrize(("data", "expected"), [
    ('{"a": [1, 2]}', (True, {"a": [1, 2]})),
    (b'{"a": 1}', (True, {"a": 1})),
    ("null", (True, None)),
    ("", (False, None)),
    (b"  \n", (False, None)),
    ("<html>", (False, None)),
    (b"\xff\xfe{", (False, None)),  # not UTF-8
    ("[" * 100_000 + "]" * 100_000, (False, None)),  # deeper than Python parses
])
def test_read_json(data: str | bytes, expected: tuple[bool, Any]) -> None:
    assert read_json(data) == expected
    assert loads_or_none(data) == expected[1]
