"""Match: the documented response against the real one -> problems."""

from __future__ import annotations

from runner.match.response import (
    ExampleBook,
    ResponseMatch,
    compare_response,
    match_response,
    printed_filter,
    shown_json,
)

__all__ = [
    "ExampleBook",
    "ResponseMatch",
    "compare_response",
    "match_response",
    "printed_filter",
    "shown_json",
]
