"""How a reader's shell names things: the one variable a response field binds, and near misses.

Bash binds nothing from a response by itself. The runner binds a response's top-level field
to exactly one spelling, its SCREAMING_SNAKE form (`agentId` -> `AGENT_ID`), so that a guide
reading `$AGENTID` is caught as the typo it is in bash (an empty variable) instead of passing.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable

__all__ = ["export_hint", "field_variables", "suggest_variable"]

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@functools.lru_cache(maxsize=4096)
def field_variables(key: str) -> tuple[str, ...]:
    """The variables a response field binds: its SCREAMING_SNAKE form (`access_token` also
    binds `TOKEN`, how guides name the access token); none for a key no shell name can spell.

    Pure and cached: every response of a run spells its keys from the same few names.
    """
    name = _CAMEL.sub("_", key).replace("-", "_").upper()
    if not _NAME.fullmatch(name):
        return ()
    return (name, "TOKEN") if name == "ACCESS_TOKEN" else (name,)


def _squashed(name: str) -> str:
    return name.replace("_", "").lower()


def suggest_variable(name: str, known: Iterable[str]) -> str | None:
    """The known variable `name` was probably meant to be (`AGENTID` -> `AGENT_ID`), if any.

    The same letters with other underscores or case win; else the closest by spelling.
    """
    candidates = sorted({k for k in known if k != name})
    squashed = _squashed(name)
    for candidate in candidates:
        if _squashed(candidate) == squashed:
            return candidate
    close = difflib.get_close_matches(name.upper(), candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def export_hint(name: str, key: str) -> str:
    """The line that would put a response field in a reader's shell."""
    return f"export {name}=$(curl … | jq -r '.{key}')"
