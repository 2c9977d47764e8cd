"""`<!-- verify: ... -->` directive words -> a Directive, each bad word a DocError at its line."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from runner.model import DocError, Source
from runner.read.jq import Wildcard, parse_path

__all__ = ["DIRECTIVE_WORDS", "Directive", "parse_directive", "split_words"]

DIRECTIVE_WORDS = (
    "capture",
    "hidden",
    "ignore",
    "requires",
    "skip",
    "status",
    "strict",
    "unordered",
)
_FLAGS = frozenset({"hidden", "strict"})
_NEEDS_VALUE = frozenset({"capture", "ignore", "requires", "status", "unordered"})
DEFAULT_SKIP_REASON = "skipped by a directive"
# A fixture is a file under fixtures/: plain ASCII names, subfolders split by `/`, no part
# starting with a dot (so never `..`), an optional `.md`. The length bound keeps every name
# far below what a file system accepts (255 bytes a part), so that looking the file up can
# never fail with "file name too long".
MAX_FIXTURE_NAME = 128
_FIXTURE_PART = r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*"
_FIXTURE_NAME = re.compile(rf"{_FIXTURE_PART}(?:/{_FIXTURE_PART})*")


@dataclass(frozen=True, slots=True)
class Directive:
    """One `<!-- verify: ... -->` comment: hints for the next block (or, `requires`, the guide)."""

    source: Source
    """The line where the comment starts."""
    status: int | None = None
    skip: str | None = None
    """The reason of a `skip` word (a default reason when written bare)."""
    captures: tuple[tuple[str, str, Source], ...] = ()
    """`capture=NAME:$.path` as (name, path, where the word is)."""
    ignore: tuple[str, ...] = ()
    unordered: tuple[str, ...] = ()
    strict: bool = False
    requires: tuple[tuple[str, Source], ...] = ()
    hidden: bool = False

    @property
    def applies_to_block(self) -> bool:
        """True when some word targets the next block (`requires` and `hidden` alone do not)."""
        return bool(
            self.status is not None
            or self.skip is not None
            or self.captures
            or self.ignore
            or self.unordered
            or self.strict
        )


def split_words(text: str, source: Source) -> list[tuple[str, Source]]:
    """Split directive text into words (quotes grouped and removed), each with its line.

    `source` is where `text` starts. An unclosed quote raises DocError.
    """
    words: list[tuple[str, Source]] = []
    line = source.line
    i = 0
    n = len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            if char == "\n":
                line += 1
            i += 1
            continue
        start_line = line
        chunk: list[str] = []
        while i < n and not text[i].isspace():
            char = text[i]
            if char in "\"'":
                end = text.find(char, i + 1)
                if end < 0:
                    raise DocError(
                        f"unclosed {char} quote in verify directive, expected a closing {char}",
                        source.at(line),
                    )
                quoted = text[i + 1 : end]
                line += quoted.count("\n")
                chunk.append(quoted)
                i = end + 1
            else:
                chunk.append(char)
                i += 1
        words.append(("".join(chunk), source.at(start_line)))
    return words


def _unknown(name: str, where: Source) -> DocError:
    expected = ", ".join(DIRECTIVE_WORDS)
    message = f"unknown directive '{name}', expected one of {expected}"
    close = difflib.get_close_matches(name.lower(), DIRECTIVE_WORDS, n=1, cutoff=0.6)
    if close:
        message += f", did you mean '{close[0]}'?"
    return DocError(message, where)


def _is_name(text: str) -> bool:
    return bool(text) and (text[0].isalpha() or text[0] == "_") and text.isascii() and all(
        c.isalnum() or c == "_" for c in text
    )


def _check_path(word: str, value: str, where: Source) -> None:
    """A path is read now, so a typo stops the guide before anything is sent."""
    if not (value.startswith("$") or value.startswith(".")):
        raise DocError(
            f"{word} expects a JSON path like $.field, got '{value}'",
            where,
        )
    try:
        parts = parse_path(value, source=where)
    except DocError as error:
        raise DocError(f"{word}: {error.message}", where) from None
    if word == "capture" and any(isinstance(part, Wildcard) for part in parts):
        raise DocError(f"capture expects a path to one value, got '{value}' (`*` stands for "
                       "every item)", where)


def _check_fixture(value: str, where: Source) -> None:
    if len(value) > MAX_FIXTURE_NAME:
        raise DocError(
            f"requires expects a fixture name of at most {MAX_FIXTURE_NAME} characters, got "
            f"{len(value)} ('{value[:40]}...')",
            where,
        )
    if not _FIXTURE_NAME.fullmatch(value):
        raise DocError(
            f"requires expects a fixture name under fixtures/ (letters, digits, `-`, `_`, `/` "
            f"between folders), like 'agent', got '{value}'",
            where,
        )


def parse_directive(text: str, source: Source) -> tuple[Directive, list[DocError]]:
    """Parse the words after `verify:`; bad words are returned as errors, the rest is kept."""
    errors: list[DocError] = []
    try:
        words = split_words(text, source)
    except DocError as error:
        return Directive(source=source), [error]
    if not words:
        errors.append(
            DocError(
                "empty verify directive, expected one of " + ", ".join(DIRECTIVE_WORDS),
                source,
            )
        )
    status: int | None = None
    skip: str | None = None
    captures: list[tuple[str, str, Source]] = []
    ignore: list[str] = []
    unordered: list[str] = []
    requires: list[tuple[str, Source]] = []
    strict = False
    hidden = False
    for word, where in words:
        name, has_value, value = word.partition("=")
        try:
            if name not in DIRECTIVE_WORDS:
                raise _unknown(name, where)
            if name in _FLAGS and has_value:
                raise DocError(f"directive '{name}' takes no value, got '{word}'", where)
            if name in _NEEDS_VALUE and not value:
                raise DocError(f"directive '{name}' needs a value ({name}=...)", where)
            if name == "status":
                if not (value.isascii() and value.isdigit() and 100 <= int(value) <= 599):
                    raise DocError(
                        f"status expects an HTTP status from 100 to 599, got '{value}'", where
                    )
                if status is not None and status != int(value):
                    raise DocError(f"status is written twice ({status} and {value}), "
                                   "expected one", where)
                status = int(value)
            elif name == "skip":
                skip = value or DEFAULT_SKIP_REASON
            elif name == "capture":
                var, colon, path = value.partition(":")
                if not colon or not _is_name(var) or not path:
                    raise DocError(
                        f"capture expects NAME:$.path, got '{value}'",
                        where,
                    )
                _check_path("capture", path, where)
                captures.append((var, path, where))
            elif name == "ignore":
                _check_path(name, value, where)
                ignore.append(value)
            elif name == "unordered":
                _check_path(name, value, where)
                unordered.append(value)
            elif name == "requires":
                _check_fixture(value, where)
                requires.append((value, where))
            elif name == "strict":
                strict = True
            else:
                hidden = True
        except DocError as error:
            errors.append(error)
    directive = Directive(
        source=source,
        status=status,
        skip=skip,
        captures=tuple(captures),
        ignore=tuple(ignore),
        unordered=tuple(unordered),
        strict=strict,
        requires=tuple(requires),
        hidden=hidden,
    )
    return directive, errors
