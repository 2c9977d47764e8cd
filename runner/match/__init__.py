"""Match: the documented response against the real one -> problems."""

from __future__ import annotations

from runner.match.response import ExampleBook, match_response

__all__ = [
    "ExampleBook",
    "match_response",
]
