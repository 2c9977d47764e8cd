"""tree-sitter-bash itself: the parser, and the checks its tree cannot make."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable

import tree_sitter_bash
from tree_sitter import Language, Node, Parser, Tree

from runner.model import DocError, Source

__all__ = [
    "check_trailing_backslashes",
    "heredoc_tail",
    "kind_ids",
    "parse_tree",
]

Locator = Callable[[int], Source]

_LANGUAGE = Language(tree_sitter_bash.language())
_LOCAL = threading.local()  # a Parser is not thread-safe; one per thread, built once
_ASCII_SHADOW = bytes(range(128)) + b"x" * 128

# A line whose last `\\` is followed by spaces: the only lines the check below looks at.
_BACKSLASH_SPACES = re.compile(rb"\\[ \t\r]+$", re.MULTILINE)
# Where a trailing `\ ` is text, not a broken continuation.
_TEXT_NODES = frozenset(
    {"raw_string", "ansi_c_string", "string", "heredoc_body", "heredoc_content", "comment"}
)


def parse_tree(data: bytes) -> Tree:
    """The syntax tree of a script's bytes.

    tree-sitter-bash's scanner calls C `isalpha` on whole code points, which reads out of
    bounds (a segfault) on large ones. Bash treats every non-ASCII byte as an ordinary word
    character, so the tree is built from a same-length ASCII shadow of the bytes; the words
    themselves are read from the real bytes.
    """
    return _parser().parse(data if data.isascii() else data.translate(_ASCII_SHADOW))


def kind_ids(names: Iterable[str]) -> frozenset[int]:
    """The grammar's node kind ids whose type is one of `names`.

    Reading `node.kind_id` costs less than `node.type` (which builds a string each time).
    """
    wanted = frozenset(names)
    count = _LANGUAGE.node_kind_count
    return frozenset(i for i in range(count) if _LANGUAGE.node_kind_for_id(i) in wanted)


def _parser() -> Parser:
    parser: Parser | None = getattr(_LOCAL, "parser", None)
    if parser is None:
        parser = Parser(_LANGUAGE)
        _LOCAL.parser = parser
    return parser


def check_trailing_backslashes(
    root: Node, data: bytes, line_starts: list[int], locate: Locator
) -> None:
    """Refuse `\\` + spaces at a line end outside text: bash would end the command there."""
    if _BACKSLASH_SPACES.search(data) is None:
        return  # the usual case: no line can fail the check below
    for row, start in enumerate(line_starts):
        end = line_starts[row + 1] - 1 if row + 1 < len(line_starts) else len(data)
        stripped = data[start:end].rstrip(b" \t\r")
        if not stripped.endswith(b"\\") or start + len(stripped) == end:
            continue
        backslashes = len(stripped) - len(stripped.rstrip(b"\\"))
        if backslashes % 2 == 0:
            continue  # `\\` is an escaped backslash, not a continuation
        offset = start + len(stripped) - 1
        node: Node | None = root.descendant_for_byte_range(offset, offset + 1)
        while node is not None and node.type not in _TEXT_NODES:
            node = node.parent
        if node is None:
            raise DocError(
                "backslash followed by spaces: bash ends the command here, "
                "remove the trailing spaces",
                locate(offset),
            )


def heredoc_tail(redirect: Node) -> list[Node]:
    """What tree-sitter nests inside a heredoc redirect but follows it (`<<EOF | jq .`)."""
    tail: list[Node] = []
    started = False
    for child in redirect.children:
        if child.type == "heredoc_start":
            started = True
        elif child.type in ("heredoc_body", "heredoc_end"):
            break
        elif started:
            tail.append(child)
    return tail
