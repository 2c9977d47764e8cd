"""A body as JSON, or word that it is none: the one reader of real (server-written) JSON.

Documented JSON, with its `...` and placeholders, is `docjson`'s; this is for bodies that are
strict JSON or not JSON at all. In `translate` so every later stage (match, run, report) can
import it.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["loads_or_none", "read_json"]


def read_json(data: str | bytes) -> tuple[bool, Any]:
    """`(True, value)` when `data` is JSON, `(False, None)` when it is not.

    Not JSON: blank, not UTF-8 (bytes), not valid JSON, or nested more deeply than Python can
    parse (no JSON to us either). The flag tells a body of `null` from one that is not JSON.
    """
    try:
        return True, json.loads(data)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        return False, None


def loads_or_none(data: str | bytes) -> Any:
    """The JSON value of `data`, or None when it is not JSON (or is `null`: alike to callers
    that look only for objects and arrays)."""
    return read_json(data)[1]
