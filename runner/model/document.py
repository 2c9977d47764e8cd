"""Documented JSON as the planner hands it on: values with `...` gaps, each at its line."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from runner.model.source import Source

__all__ = [
    "DocAny",
    "DocArray",
    "DocEllipsis",
    "DocMember",
    "DocObject",
    "DocScalar",
    "DocValue",
    "Scalar",
]

Scalar = Union[str, int, float, bool, None]  # noqa: UP007 (a runtime alias)


@dataclass(frozen=True, slots=True)
class DocScalar:
    """A string, number, boolean or null as documented."""

    value: Scalar
    source: Source
    placeholder: bool = False
    """Written bare, like `<agent-id>`, rather than as a JSON string."""


@dataclass(frozen=True, slots=True)
class DocAny:
    """A bare `...` written as a value: anything matches, but the key must be there."""

    source: Source


@dataclass(frozen=True, slots=True)
class DocEllipsis:
    """A `...` among an array's items: any number of items (zero included) stand here."""

    source: Source


@dataclass(frozen=True, slots=True)
class DocMember:
    """One `"key": value` of a documented object; `source` is the key's line."""

    key: str
    value: DocValue
    source: Source


@dataclass(frozen=True, slots=True)
class DocObject:
    """A documented object; `more` when the writer wrote `...` for further keys."""

    members: tuple[DocMember, ...]
    source: Source
    more: bool = False

    def get(self, key: str) -> DocMember | None:
        """The member with this key, if documented."""
        for member in self.members:
            if member.key == key:
                return member
        return None


@dataclass(frozen=True, slots=True)
class DocArray:
    """A documented array; items may include `DocEllipsis` gaps (`[a, ..., z]`)."""

    items: tuple[DocValue | DocEllipsis, ...]
    source: Source

    @property
    def more(self) -> bool:
        """Whether the writer elided items somewhere."""
        return any(isinstance(item, DocEllipsis) for item in self.items)


DocValue = Union[DocScalar, DocAny, DocObject, DocArray]  # noqa: UP007 (a runtime alias)
