"""Shell syntax errors and refusals, each quoting the guide's text where reading stopped.

A line number alone sends a writer hunting through a ten-line curl command; the text it
stopped at (``unexpected `)` in `-d '{"a": 1}' )` ``, ``unterminated single quote starting
at `'{"email": ...` ``) shows the spot at once. The DocError's Source carries the line and
column of the first byte to blame: the opening quote of an unterminated string, the token
bash would call unexpected, the first character of a refused construct.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tree_sitter import Node

from runner.model import DocError, Source

__all__ = [
    "CONSTRUCTS",
    "Locator",
    "backquote_message",
    "check_reserved",
    "construct_error",
    "excerpt",
    "operator_error",
    "redirect_message",
    "syntax_error",
]

Locator = Callable[[int], Source]
"""A byte offset in the script -> its place in the guide."""

_EXCERPT = 40
_CONTEXT = 60

CONSTRUCTS = {
    "subshell": "a subshell",
    "compound_statement": "a command group",
    "for_statement": "a `for` loop",
    "c_style_for_statement": "a `for` loop",
    "while_statement": "a `while`/`until` loop",
    "if_statement": "an `if` statement",
    "case_statement": "a `case` statement",
    "function_definition": "a function definition",
    "negated_command": "negation",
    "test_command": "a test",
    "process_substitution": "process substitution",
    "arithmetic_expansion": "arithmetic expansion",
    "translated_string": "locale translation",
    "brace_expression": "brace expansion",
    "array": "an array",
    "subscript": "an array subscript",
    "file_redirect": "redirection",
    "heredoc_redirect": "a heredoc here",
    "herestring_redirect": "a here-string here",
}
"""What each refused tree-sitter node kind is, in a reader's words."""

# Statements refused whole: a syntax error inside one is reported as the refusal, which is
# what the writer has to fix first.
_STATEMENTS = frozenset(
    {
        "subshell",
        "compound_statement",
        "for_statement",
        "c_style_for_statement",
        "while_statement",
        "if_statement",
        "case_statement",
        "function_definition",
    }
)
# The first token of an ERROR node that starts a refused construct tree-sitter could not
# finish (`for i in 1 2 do ...` has no `;` before `do`).
_KEYWORDS = {
    "for": "for_statement",
    "while": "while_statement",
    "until": "while_statement",
    "if": "if_statement",
    "case": "case_statement",
    "function": "function_definition",
    "$((": "arithmetic_expansion",
    "[[": "test_command",
}
# Words bash reads as reserved at the start of a command: alone they are a syntax error
# (`curl ...; fi`), though tree-sitter takes them for a command named `fi`.
_RESERVED = frozenset({"then", "else", "elif", "fi", "do", "done", "esac", "in", "}", "]]"})
_UNTERMINATED = (
    ("$'", "ANSI-C quote `$'`", "'"),
    ('$"', 'locale translation `$"`', '"'),
    ("${", "`${`", "}"),
    ("$(", "`$(`", ")"),
    ("'", "single quote", "'"),
    ('"', "double quote", '"'),
    ("`", "backquote", "`"),
)


def excerpt(data: bytes, start: int, end: int | None = None, limit: int = _EXCERPT) -> str:
    """The text from `start` (to `end`, else to the end of the data): its first line, clipped.

    A line continuation's backslash is dropped, and `...` marks text left out.
    """
    first, newline, rest = data[start : len(data) if end is None else end].partition(b"\n")
    text = first.decode("utf-8", "replace").rstrip(" \t\\")
    if len(text) > limit:
        return text[: limit - 3] + "..."
    return text + " ..." if newline and rest.strip() else text


def context(data: bytes, start: int, end: int, limit: int = _CONTEXT) -> str:
    """The guide line around data[start:end], trimmed and clipped around that range."""
    line_start = data.rfind(b"\n", 0, start) + 1
    line_end = data.find(b"\n", start)
    line_end = len(data) if line_end < 0 else line_end
    line = data[line_start:line_end]
    indent = len(line) - len(line.lstrip(b" \t"))
    head = line_start + indent
    tail = line_start + len(line.rstrip(b" \t\\")) if line.rstrip(b" \t\\") else line_end
    tail = max(tail, min(end, line_end))
    # Keep the offending text in view: cut the start of a long line rather than its end.
    left = max(head, min(start - limit // 2, tail - limit))
    right = min(tail, left + limit)
    text = data[left:right].decode("utf-8", "replace")
    return ("..." if left > head else "") + text + ("..." if right < tail else "")


def syntax_error(root: Node, data: bytes, locate: Locator) -> DocError:
    """A DocError at the first ERROR or MISSING node of the tree, quoting the text there."""
    node = root
    while not (node.is_missing or node.type == "ERROR"):
        if node.type in _STATEMENTS:
            return construct_error(node, data, locate)
        broken = [c for c in node.children if c.has_error or c.is_missing]
        if not broken:
            break
        node = broken[0]
    if node.is_missing:
        return _missing(node, data, locate)
    return _error(node, data, locate)


def _error(node: Node, data: bytes, locate: Locator) -> DocError:
    """An ERROR node: an unterminated quote, an unclosed heredoc, or an unexpected token."""
    leaves = _leaves(node)
    # The node may start with the blank before its first token (`curl 'x`).
    start = leaves[0].start_byte
    text = data[start : node.end_byte]
    for opener, what, closer in _UNTERMINATED:
        if text.startswith(opener.encode()):
            return _unterminated(what, closer, start, data, locate)
    heredoc = next((leaf for leaf in leaves if leaf.type in ("<<", "<<-")), None)
    if heredoc is not None:
        return _heredoc(heredoc, data, locate)
    first = leaves[0]
    kind = _KEYWORDS.get(first.type)
    if kind is not None:
        return construct_error(node, data, locate, kind=kind)
    return unexpected(first, data, locate)


def _missing(node: Node, data: bytes, locate: Locator) -> DocError:
    """A MISSING node: what tree-sitter had to invent to finish the tree."""
    parent = node.parent
    if node.type == "heredoc_end" and parent is not None:
        operator = next((c for c in parent.children if c.type in ("<<", "<<-")), parent)
        return _heredoc(operator, data, locate)
    if parent is not None and parent.child_count and parent.children[0] != node:
        opener = parent.children[0]
        for prefix, what, closer in _UNTERMINATED:
            if closer == node.type and data[opener.start_byte : opener.end_byte] == prefix.encode():
                return _unterminated(what, closer, opener.start_byte, data, locate)
    previous = _previous_leaf(node)
    wanted = "a command" if node.type == "word" else f"`{node.type}`"
    if previous is None:
        return DocError(f"shell syntax error: expected {wanted}", locate(node.start_byte))
    shown = data[previous.start_byte : previous.end_byte].decode("utf-8", "replace")
    where = context(data, previous.start_byte, previous.end_byte)
    return DocError(
        f"shell syntax error: expected {wanted} after `{shown}` in `{where}`",
        locate(previous.start_byte),
    )


def _unterminated(what: str, closer: str, start: int, data: bytes, locate: Locator) -> DocError:
    return DocError(
        f"unterminated {what} starting at `{excerpt(data, start)}`: expected a closing "
        f"`{closer}` before the end of the block",
        locate(start),
    )


def _heredoc(operator: Node, data: bytes, locate: Locator) -> DocError:
    delimiter = operator.next_sibling
    raw = b"" if delimiter is None else data[delimiter.start_byte : delimiter.end_byte]
    word = raw.decode("utf-8", "replace")
    line = word.strip("'\"").replace("\\", "")
    shown = data[operator.start_byte : operator.end_byte].decode("utf-8", "replace") + word
    return DocError(
        f"heredoc `{shown}` is not closed: expected a line `{line or 'EOF'}` before the end "
        "of the block",
        locate(operator.start_byte),
    )


def unexpected(token: Node, data: bytes, locate: Locator) -> DocError:
    """`unexpected `)` in `curl ... )``, at the token bash would stop at."""
    shown = excerpt(data, token.start_byte, token.end_byte)
    where = context(data, token.start_byte, token.end_byte)
    return DocError(
        f"shell syntax error: unexpected `{shown}` in `{where}`", locate(token.start_byte)
    )


def check_reserved(words: Sequence[Node], data: bytes, locate: Locator) -> None:
    """Refuse a command that starts with a word bash reserves (`then`, `fi`, `done`, `}`)."""
    if not words or words[0].type != "command_name":
        return
    if data[words[0].start_byte : words[0].end_byte].decode("ascii", "replace") in _RESERVED:
        raise unexpected(words[0], data, locate)


def construct_error(
    node: Node, data: bytes, locate: Locator, *, kind: str | None = None
) -> DocError:
    """`a subshell `(cd /tmp && curl ...)` is not supported in a guide's shell`."""
    kind = kind or node.type
    shown = excerpt(data, node.start_byte, node.end_byte)
    what = CONSTRUCTS.get(kind)
    if what is None:
        message = f"`{shown}` ({kind.replace('_', ' ')}) is not supported in a guide's shell"
    else:
        message = f"{what} `{shown}` is not supported in a guide's shell"
    return DocError(message, locate(node.start_byte))


def operator_error(node: Node, data: bytes, locate: Locator) -> DocError:
    """Why the operator `node` between commands is refused, quoting the line it is on."""
    operator = node.type
    where = context(data, node.start_byte, node.end_byte)
    if operator == "&":
        why = "it runs the command in the background"
    elif operator == "|&":
        why = "use `|`: only standard output is read"
    else:
        why = "only `;` and `&&` join commands"
    return DocError(f"`{operator}` in `{where}` is not supported ({why})", locate(node.start_byte))


def backquote_message(data: bytes, start: int) -> str:
    """Why `` `cmd` `` is refused, with the `$(cmd)` that bash reads the same way."""
    end = start + 1
    while end < len(data) and data[end] != 0x60:  # the closing backquote, escapes skipped
        end += 2 if data[end] == 0x5C else 1
    inner = excerpt(data, start + 1, min(end, len(data)))
    return f"backquote command substitution is not supported, use $({inner})"


def redirect_message(redirect: str) -> str:
    """Why a redirection is refused."""
    return (
        f"redirection `{redirect}` is not supported (only a heredoc or here-string feeding `-d @-`)"
    )


def _leaves(node: Node) -> list[Node]:
    """The tokens under a node, in order."""
    if not node.child_count:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(child)]


def _previous_leaf(node: Node) -> Node | None:
    """The last real token before `node` (a MISSING node has no text of its own)."""
    current: Node | None = node
    while current is not None:
        sibling = current.prev_sibling
        while sibling is not None:
            leaves = [leaf for leaf in _leaves(sibling) if leaf.end_byte > leaf.start_byte]
            if leaves:
                return leaves[-1]
            sibling = sibling.prev_sibling
        current = current.parent
    return None
