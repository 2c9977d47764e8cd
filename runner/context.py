"""A guide's variables: what the run stage expands `$NAME` with, in the design's order."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["Context", "field_key"]

# TOKEN is how guides name the access token; every other name matches a field by spelling.
_ALIASES = {"token": "accesstoken"}


def field_key(name: str) -> str:
    """How a variable meets a response field: case, `_` and `-` ignored (AGENT_ID ~ agentId)."""
    key = name.replace("_", "").replace("-", "").lower()
    return _ALIASES.get(key, key)


class Context(Mapping[str, str]):
    """Variables resolved from assignments, then response fields, then the target."""

    def __init__(self, target_variables: Mapping[str, str]) -> None:
        self._assigned: dict[str, str] = {}
        self._fields: dict[str, str] = {}
        self._target = dict(target_variables)

    def assign(self, name: str, value: str) -> None:
        """An assignment, export or capture: it wins over response fields from now on."""
        self._assigned[name] = value

    def learn_response(self, body: Any) -> None:
        """Remember a JSON response's top-level scalar fields; the most recent response wins."""
        if not isinstance(body, dict):
            return
        for key, value in body.items():
            if isinstance(value, bool) or value is None or isinstance(value, dict | list):
                continue
            self._fields[field_key(key)] = str(value)

    def __getitem__(self, name: str) -> str:
        if name in self._assigned:
            return self._assigned[name]
        key = field_key(name)
        if key in self._fields:
            return self._fields[key]
        return self._target[name]

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return name in self._assigned or field_key(name) in self._fields or name in self._target

    def __iter__(self) -> Iterator[str]:
        yield from dict.fromkeys([*self._assigned, *self._target])

    def __len__(self) -> int:
        return len(dict.fromkeys([*self._assigned, *self._target]))
