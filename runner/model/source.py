"""Positions in the Markdown source, kept from the first stage to the reports."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Source"]


@dataclass(frozen=True, slots=True, order=True)
class Source:
    """A place in a guide: the file as the user named it and a 1-based line (and column)."""

    path: str
    line: int
    column: int = 1

    def at(self, line: int, column: int = 1) -> Source:
        """The same file at another line."""
        return Source(self.path, line, column)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"
