"""Markdown -> blocks: fences, prose and `<!-- verify: ... -->` directives, each at its line.

markdown-it-py does the reading (fences in lists and blockquotes, `~~~` fences, longer fences
holding shorter ones); `token.map` gives the lines. Nothing here knows shell, curl or HTTP.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal as L

from markdown_it import MarkdownIt
from markdown_it.token import Token

from runner.model import DocError, Source
from runner.read.directive import DIRECTIVE_WORDS, Directive, parse_directive, split_words
from runner.read.files import FileTooLarge, read_regular_file

__all__ = [
    "DIRECTIVE_WORDS",
    "MAX_FENCE_BYTES",
    "MAX_GUIDE_BYTES",
    "Block",
    "Directive",
    "Document",
    "Fence",
    "Prose",
    "decode_markdown",
    "read_markdown",
    "read_path",
]

_PREFIX = "verify:"
# Limits no real guide meets (the largest here is 26 KB, its largest fence 1.3 KB), so that a
# hostile page is refused before a parser sees it: markdown-it spends about 45 ms a KB on
# lines of `![` (12 s for 256 KB on a busy 2-core machine, 6 s at this cap), and tree-sitter's
# error recovery grows faster than the square of a broken command's length (a 224 KB command
# took 28 s).
MAX_GUIDE_BYTES = 128 * 1024
MAX_FENCE_BYTES = 64 * 1024
_FENCED = re.compile(r"\s*(```|~~~)")


@dataclass(frozen=True, slots=True)
class Fence:
    """A fenced code block, its content with the container's indentation or `>` removed."""

    info: str
    """The whole info string (`bash title="x"`)."""
    lang: str
    """The info string's first word, lower-cased (`bash`, `json`, `http`...)."""
    text: str
    source: Source
    """The opening fence line."""
    content_line: int
    """The 1-based line of the first content line."""
    hidden: bool = False
    """Written inside a `<!-- verify: hidden ... -->` comment."""


@dataclass(frozen=True, slots=True)
class Prose:
    """A paragraph, heading or table cell as plain text; soft breaks kept as newlines."""

    text: str
    source: Source
    kind: L["paragraph", "heading", "cell"] = "paragraph"

    def line_of(self, offset: int) -> int:
        """The 1-based line of the character at `offset` in `text`."""
        return self.source.line + self.text.count("\n", 0, max(offset, 0))


Block = Fence | Prose | Directive


@dataclass(frozen=True, slots=True)
class Document:
    """A guide read: its blocks in source order and the errors found while reading."""

    path: str
    blocks: tuple[Block, ...]
    errors: tuple[DocError, ...] = ()
    links: tuple[str, ...] = ()
    """Every link target the page shows a reader (`../fixtures/agent-token.md#top`)."""


_PARSER = MarkdownIt("commonmark").enable("table")
# One parser for every page, behind a lock: markdown-it fills its rule caches on first use
# without one, and a thread reading a half-filled cache parses a page into nothing.
_PARSER_LOCK = threading.Lock()


def _parse(text: str) -> list[Token]:
    with _PARSER_LOCK:
        return _PARSER.parse(text)


def decode_markdown(data: bytes, path: str) -> str:
    """Bytes -> text, or DocError at the file for binary (NUL) or non-UTF-8 content."""
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise DocError(
            f"not a Markdown text file: NUL byte at line {line}, expected UTF-8 text",
            Source(path, line),
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise DocError(
            f"not UTF-8: byte 0x{byte:02x} at line {line}, expected UTF-8 text",
            Source(path, line),
        ) from None
    return text


def read_path(path: Path, display_path: str | None = None) -> Document:
    """Read a Markdown file; an unreadable, binary or non-UTF-8 file raises DocError."""
    shown = display_path if display_path is not None else str(path)
    try:
        data = read_regular_file(path, MAX_GUIDE_BYTES)
    except FileTooLarge as error:
        raise _too_large(error.size, shown) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise DocError(f"cannot read the guide: {reason}", Source(shown, 1)) from None
    return read_markdown(decode_markdown(data, shown), shown)


def _too_large(size: int, path: str) -> DocError:
    return DocError(
        f"guide too large, expected at most {MAX_GUIDE_BYTES} bytes, got {size}", Source(path, 1))


def _blank_front_matter(lines: list[str]) -> None:
    """Blank a leading YAML front matter in place, so later lines keep their numbers."""
    if not lines or lines[0].rstrip() != "---":
        return
    for end in range(1, len(lines)):
        if lines[end].rstrip() in ("---", "..."):
            for index in range(end + 1):
                lines[index] = ""
            return


def _normalize(text: str) -> str:
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    _blank_front_matter(lines)
    return "\n".join(lines)


def read_markdown(text: str, path: str) -> Document:
    """Read Markdown text into blocks; directive errors are collected, not raised."""
    size = _size(text)
    if size > MAX_GUIDE_BYTES:
        raise _too_large(size, path)
    blocks: list[Block] = []
    errors: list[DocError] = []
    normalized = _normalize(text)
    tokens = _parse(normalized)
    _collect(tokens, Source(path, 1), 0, blocks, errors, hidden=False)
    errors.extend(_unclosed_fences(tokens, normalized, Source(path, 1), 0))
    return Document(path=path, blocks=tuple(blocks), errors=tuple(errors),
                    links=_links(tokens))


def _links(tokens: Sequence[Token]) -> tuple[str, ...]:
    """The targets of the page's links, in order, each once."""
    found: dict[str, None] = {}
    for token in tokens:
        for child in _flatten(token.children or []):
            href = child.attrGet("href") if child.type == "link_open" else None
            if isinstance(href, str) and href:
                found[href] = None
    return tuple(found)


def _unclosed_fences(
    tokens: Sequence[Token], text: str, origin: Source, offset: int
) -> Iterator[DocError]:
    """A fence that runs to the end of the page or of its list item or quote was never closed.

    CommonMark lets it swallow everything after it, which is never what the writer meant:
    the prose, responses and requests that follow would silently become part of it.
    """
    lines = text.split("\n")
    for token in tokens:
        if token.type != "fence" or token.map is None or not token.markup:
            continue
        last = token.map[1] - 1
        closing = lines[last].lstrip(" \t>") if 0 <= last < len(lines) else ""
        char = token.markup[0]
        run = len(closing) - len(closing.lstrip(char))
        if last > token.map[0] and run >= len(token.markup) and not closing[run:].strip():
            continue
        yield DocError(
            f"code fence {token.markup}{token.info.strip()} is never closed, expected a closing "
            f"{token.markup} line",
            origin.at(token.map[0] + offset + 1),
        )


def _collect(
    tokens: Sequence[Token],
    origin: Source,
    offset: int,
    blocks: list[Block],
    errors: list[DocError],
    *,
    hidden: bool,
) -> None:
    """Turn tokens into blocks; `offset` is added to every 0-based `token.map` line."""
    kind: L["paragraph", "heading", "cell"] = "paragraph"
    for token in tokens:
        if token.type == "paragraph_open":
            kind = "paragraph"
        elif token.type == "heading_open":
            kind = "heading"
        elif token.type in ("th_open", "td_open"):
            kind = "cell"
        if token.map is None:
            continue
        first = token.map[0] + offset + 1
        if token.type == "fence" and _size(token.content) > MAX_FENCE_BYTES:
            errors.append(DocError(
                f"code fence too large, expected at most {MAX_FENCE_BYTES} bytes, got "
                f"{_size(token.content)}", origin.at(first)))
        elif token.type == "fence":
            info = token.info.strip()
            words = info.split()
            blocks.append(
                Fence(
                    info=info,
                    lang=words[0].lower() if words else "",
                    text=token.content,
                    source=origin.at(first),
                    content_line=first + 1,
                    hidden=hidden,
                )
            )
        elif token.type == "code_block" and _FENCED.match(token.content):
            # An indented fence: the body of a content tab (`=== "curl"` in MkDocs Material)
            # or a note. Read as the reader sees it rendered: a fence, with its lines.
            inner = _parse(token.content)
            _collect(inner, origin, token.map[0] + offset, blocks, errors, hidden=hidden)
            errors.extend(_unclosed_fences(inner, token.content, origin, token.map[0] + offset))
        elif token.type == "html_block" and not hidden:
            for comment, line, closed in _comments(token.content, first):
                _directive(comment, origin.at(line), blocks, errors, closed=closed)
        elif token.type == "inline" and not hidden:
            _inline(token, origin.at(first), kind, blocks, errors)


def _size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _comments(html: str, first_line: int) -> Iterator[tuple[str, int, bool]]:
    """Every `<!-- ... -->` in an HTML chunk: its inside, the line of its `<!--`, whether closed."""
    position = 0
    while True:
        start = html.find("<!--", position)
        if start < 0:
            return
        end = html.find("-->", start + 4)
        inner = html[start + 4 :] if end < 0 else html[start + 4 : end]
        yield inner, first_line + html.count("\n", 0, start), end >= 0
        if end < 0:
            return
        position = end + 3


def _inline(
    token: Token, source: Source, kind: L["paragraph", "heading", "cell"],
    blocks: list[Block], errors: list[DocError],
) -> None:
    """A paragraph's text as a Prose block, and any inline verify comment as a Directive."""
    parts: list[str] = []
    found: list[Block] = []
    for child in _flatten(token.children or []):
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "html_inline":
            line = source.line + "".join(parts).count("\n")
            for comment, comment_line, closed in _comments(child.content, line):
                _directive(comment, source.at(comment_line), found, errors, closed=closed)
            # Keep the comment's line breaks so later text keeps its lines.
            parts.append("\n" * child.content.count("\n"))
    text = "".join(parts)
    if text.strip():
        blocks.append(Prose(text=text, source=source, kind=kind))
    # The paragraph starts before its comments, so it comes first in source order.
    blocks.extend(found)


def _flatten(children: Sequence[Token]) -> Iterator[Token]:
    for child in children:
        if child.children:
            yield from _flatten(child.children)
        else:
            yield child


def _directive(
    comment: str, source: Source, blocks: list[Block], errors: list[DocError],
    *, closed: bool = True,
) -> None:
    """A comment that starts with `verify:` becomes a Directive (and maybe hidden fences)."""
    stripped = comment.lstrip()
    # `<!-- VERIFY: ... -->` means the same to its writer: never let it pass unread.
    if stripped[: len(_PREFIX)].lower() != _PREFIX:
        return
    line = source.line + comment.count("\n", 0, len(comment) - len(stripped))
    if not closed:
        # An unclosed comment hides the rest of the page from readers; never guess where it ends.
        errors.append(DocError(
            "verify comment is never closed, expected `-->` before the end of the file",
            source.at(line)))
        return
    body = stripped[len(_PREFIX) :]
    head, newline, rest = body.partition("\n")
    try:
        first_words = [word for word, _ in split_words(head, source.at(line))]
    except DocError:
        first_words = []
    if "hidden" not in first_words:
        directive, problems = parse_directive(body, source.at(line))
        errors.extend(problems)
        blocks.append(directive)
        return
    directive, problems = parse_directive(head, source.at(line))
    errors.extend(problems)
    blocks.append(directive)
    before = len(blocks)
    inner_text = rest if newline else ""
    inner = _parse(inner_text)
    # `rest` starts on the line after the comment's first line.
    _collect(inner, source, line, blocks, errors, hidden=True)
    errors.extend(_unclosed_fences(inner, inner_text, source, line))
    if len(blocks) == before:
        errors.append(
            DocError(
                "hidden directive holds no fenced block, expected a ``` fence before -->",
                source.at(line),
            )
        )
