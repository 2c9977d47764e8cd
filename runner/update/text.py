"""A guide's text as `--update` edits it: lines, offsets, documented JSON tokens, edits."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["Edit", "GuideText", "Token", "apply_edits", "tokens_of"]


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace `start:end` of a guide's text with `text` (offsets in the whole file)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class Token:
    """A token of documented JSON: punctuation, a string, a scalar or `...`, at its offsets."""

    text: str
    start: int
    end: int


_TOKEN = re.compile(
    r"""[ \t\r\n]*(?:(?P<comment>//[^\n]*|/\*.*?\*/)
      |(?P<token>"[^"\\\n]*(?:\\.[^"\\\n]*)*"|[{}\[\]:,]|\.\.\.|…|<[^<>\n"]+>
        |[^\s,:{}\[\]"/]+))""",
    re.VERBOSE | re.DOTALL,
)


def tokens_of(text: str, start: int, end: int) -> list[Token]:
    """The tokens of documented JSON in `text[start:end]`, comments left out."""
    tokens = []
    position = start
    while position < end:
        found = _TOKEN.match(text, position, end)
        if found is None or found.end() == position:
            break
        position = found.end()
        if found.group("token") is not None:
            tokens.append(Token(found.group("token"), found.start("token"), found.end("token")))
    return tokens


class GuideText:
    """A guide's text with its line starts: Markdown lines <-> offsets."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [found.end() for found in re.finditer("\n", text)]

    def line_start(self, line: int) -> int:
        """The offset where a 1-based line starts (the text's end past the last line)."""
        return self.starts[line - 1] if 0 < line <= len(self.starts) else len(self.text)

    def line_text(self, line: int) -> str:
        """A 1-based line without its line ending ("" past the end)."""
        if not 0 < line <= len(self.starts):
            return ""
        end = self.starts[line] if line < len(self.starts) else len(self.text)
        return self.text[self.starts[line - 1]:end].rstrip("\r\n")

    def line_of(self, offset: int) -> int:
        """The 1-based line an offset is on."""
        return bisect.bisect_right(self.starts, offset)

    def offset(self, line: int, column: int, shown: str) -> int | None:
        """The offset of a column of `shown`, a line as a parser saw it (de-indented in a
        list, say): the Markdown line ends with it. None when it no longer does."""
        written = self.line_text(line)
        if not written.endswith(shown):
            return None
        return self.line_start(line) + len(written) - len(shown) + column - 1

    def indent(self, line: int) -> str:
        """The blanks a line starts with."""
        written = self.line_text(line)
        return written[: len(written) - len(written.lstrip(" \t"))]


def apply_edits(text: str, edits: Iterable[Edit]) -> tuple[str, list[Edit]]:
    """The text with the edits made, and the edits left out because they overlap one
    already made (the first one wins; the same edit twice is made once)."""
    chosen: list[Edit] = []
    dropped: list[Edit] = []
    for edit in edits:
        if edit in chosen:
            continue
        if any((edit.start < other.end and other.start < edit.end)
               or (edit.start == edit.end == other.start == other.end)
               for other in chosen):
            dropped.append(edit)
            continue
        chosen.append(edit)
    for edit in sorted(chosen, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.text + text[edit.end:]
    return text, dropped
