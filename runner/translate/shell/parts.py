"""Pieces the shell parser builds up: a word's parts, and a command still being read."""

from __future__ import annotations

from collections.abc import Callable

from runner.model import Assignment, CommandSubstitution, Literal, Parameter, Part, Word

__all__ = ["Decoder", "PartBuilder", "Pending"]

Decoder = Callable[[bytes | bytearray, int], str]
"""Literal bytes and the offset to blame -> their text (or a DocError at that offset)."""


class PartBuilder:
    """Collects parts, merging adjacent literal text of the same kind."""

    __slots__ = ("buffer", "decode", "offset", "open", "parts", "split")

    def __init__(self, decode: Decoder, offset: int) -> None:
        self.decode = decode
        self.offset = offset
        self.parts: list[Part] = []
        self.buffer = bytearray()
        self.split = False
        self.open = False

    def text(self, data: bytes, *, split: bool = False) -> None:
        """Add literal bytes; empty quoted text still marks the word as present (`''`)."""
        if self.open and split != self.split:
            self.flush()
        if not data and split:
            return
        self.buffer += data
        self.split = split
        self.open = True

    def add(self, part: Parameter | CommandSubstitution) -> None:
        """Add an expansion, after the literal text before it."""
        self.flush()
        self.parts.append(part)

    def flush(self) -> None:
        """End the literal text being gathered, if any, as one Literal part."""
        if self.open:
            text = self.decode(self.buffer, self.offset)
            self.parts.append(Literal(text, split=True) if self.split else Literal(text))
            self.buffer = bytearray()
            self.open = False

    def finish(self) -> tuple[Part, ...]:
        """The word's parts."""
        self.flush()
        return tuple(self.parts)


class Pending:
    """An invocation whose pipeline stages are still being read."""

    __slots__ = ("argv", "end", "prefix", "stages", "start", "stdin")

    def __init__(
        self, argv: tuple[Word, ...], prefix: tuple[Assignment, ...], stdin: Word | None,
        start: int, end: int,
    ) -> None:  # fmt: skip
        self.argv = argv
        self.prefix = prefix
        self.stdin = stdin
        self.stages: list[tuple[Word, ...]] = []
        self.start = start
        self.end = end
