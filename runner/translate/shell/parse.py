"""tree-sitter-bash syntax tree -> Script: the statements the design allows, or a DocError."""

from __future__ import annotations

import bisect
import re
from itertools import accumulate

from tree_sitter import Node

from runner.model import Assignment, Command, DocError, Invocation, Literal, Script, Source, Word
from runner.translate.shell.errors import (
    CONSTRUCTS,
    check_reserved,
    construct_error,
    operator_error,
    redirect_message,
    syntax_error,
)
from runner.translate.shell.lex import Mode, WordLexer
from runner.translate.shell.parts import Pending
from runner.translate.shell.syntax import (
    check_trailing_backslashes,
    heredoc_tail,
    kind_ids,
    parse_tree,
)

__all__ = ["parse"]

_CONTINUATIONS = re.compile(rb"(?:\\\n)+")
_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")
_SEPARATORS = frozenset({";", "&&", "\n", "comment"})
_JQ_LONG = frozenset({"--raw-output", "--compact-output", "--monochrome-output", "--exit-status"})
_JQ_SHORT = frozenset("rcMCe")
_JSON_TOOL = ["-m", "json.tool"]
# Kinds looked for in a word's subtree, and the comments `_words` skips.
_WATCHED = kind_ids({*CONSTRUCTS, "command_substitution"})
_SUBSTITUTION = kind_ids({"command_substitution"})
_COMMENT = kind_ids({"comment"})


def parse(text: str, source: Source) -> Script:
    """Parse shell text whose first line is at `source`."""
    return _ScriptParser(text, source).script()


class _ScriptParser:
    """One script: its bytes, line table, syntax tree and word lexer."""

    def __init__(self, text: str, source: Source) -> None:
        self.source = source
        self.data = text.encode("utf-8", "surrogatepass")
        lines = self.data.split(b"\n")
        self.line_starts = list(accumulate([len(line) + 1 for line in lines[:-1]], initial=0))
        # In ASCII text a column is a byte count: no need to decode the line to count it.
        self.ascii = self.data.isascii()
        if b"\0" in self.data:
            raise DocError("a NUL character cannot appear in a shell command", source)
        self.tree = parse_tree(self.data)
        self.substitutions: dict[int, Node] = {}
        self.lexer = WordLexer(self.data, self.locate, self._substitution)

    # -- positions and errors ---------------------------------------------------------------

    def locate(self, offset: int) -> Source:
        """The guide line and column of a byte offset in the script."""
        row = bisect.bisect_right(self.line_starts, offset) - 1
        start = self.line_starts[row]
        before = self.data[start:offset]
        width = len(before) if self.ascii else len(before.decode("utf-8", "replace"))
        return Source(self.source.path, self.source.line + row, self.source.column + width)

    def error(self, node: Node, message: str) -> DocError:
        return DocError(message, self.locate(node.start_byte))

    def text(self, node: Node, limit: int = 60) -> str:
        shown = self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")
        shown = shown.split("\n", 1)[0]
        return shown if len(shown) <= limit else shown[: limit - 3] + "..."

    # -- whole script -----------------------------------------------------------------------

    def script(self) -> Script:
        root = self.tree.root_node
        check_trailing_backslashes(root, self.data, self.line_starts, self.locate)
        if root.has_error:
            raise syntax_error(root, self.data, self.locate)
        commands: list[Command] = []
        self._sequence(self._flatten(root.children), commands)
        return Script(tuple(commands))

    # -- statements -------------------------------------------------------------------------

    def _flatten(self, nodes: list[Node]) -> list[Node]:
        """Lists, pipelines and heredoc tails as one stream of statements and operators."""
        stream: list[Node] = []
        for node in nodes:
            if node.type in ("list", "pipeline"):
                stream += self._flatten(node.children)
            elif node.type == "redirected_statement":
                stream.append(node)
                for redirect in node.children_by_field_name("redirect"):
                    if redirect.type == "heredoc_redirect":
                        stream += self._flatten(heredoc_tail(redirect))
            else:
                stream.append(node)
        return stream

    def _sequence(self, stream: list[Node], out: list[Command]) -> None:
        pending: Pending | None = None
        piped = False
        for node in stream:
            kind = node.type
            if kind in _SEPARATORS:
                if piped:
                    raise self.error(node, "a command is missing after `|`")
                if pending is not None:
                    out.append(self._finish(pending))
                    pending = None
            elif kind == "|":
                if pending is None:
                    raise self.error(node, "`|` must follow a command")
                piped = True
            elif kind in ("||", "|&", "&", ";;"):
                raise operator_error(node, self.data, self.locate)
            elif piped:
                assert pending is not None
                pending.stages.append(self._stage(node))
                pending.end = node.end_byte
                piped = False
            else:
                if pending is not None:
                    out.append(self._finish(pending))
                pending = self._statement(node, out)
        if piped:
            raise DocError("a command is missing after `|`", self.locate(len(self.data)))
        if pending is not None:
            out.append(self._finish(pending))

    def _finish(self, pending: Pending) -> Invocation:
        text = self.data[pending.start : pending.end].decode("utf-8", "replace")
        return Invocation(
            argv=pending.argv,
            prefix=pending.prefix,
            stdin=pending.stdin,
            pipeline=tuple(pending.stages),
            source=pending.argv[0].source,
            text=text,
        )

    def _statement(self, node: Node, out: list[Command]) -> Pending | None:
        """Read one statement: assignments go to `out`, a command comes back as pending."""
        kind = node.type
        if kind == "command":
            return self._command(node, None)
        if kind == "redirected_statement":
            return self._redirected(node)
        if kind == "variable_assignment":
            out.append(self._assignment(node, exported=False))
        elif kind == "variable_assignments":
            out += [
                self._assignment(child, exported=False)
                for child in node.children
                if child.type == "variable_assignment"
            ]
        elif kind == "declaration_command":
            self._declaration(node, out)
        elif kind == "unset_command":
            argv = self._words(node.children, Mode.ARGUMENT)
            return Pending(argv, (), None, node.start_byte, node.end_byte)
        elif kind == "file_redirect":
            raise self.error(node, redirect_message(self.text(node, 30)))
        else:
            raise construct_error(node, self.data, self.locate)
        return None

    def _command(self, node: Node, stdin: Word | None) -> Pending:
        prefix: list[Assignment] = []
        words: list[Node] = []
        for child in node.children:
            kind = child.type
            if kind == "variable_assignment" and not words:
                prefix.append(self._assignment(child, exported=False))
            elif kind == "herestring_redirect":
                if stdin is not None:
                    raise self.error(child, "only one heredoc or here-string per command")
                stdin = self._herestring(child)
            elif kind == "file_redirect":
                raise self.error(child, redirect_message(self.text(child, 30)))
            elif kind in ("heredoc_redirect", "comment"):
                raise construct_error(child, self.data, self.locate)
            else:
                words.append(child)
        if not prefix:  # after an assignment, bash reserves no word
            check_reserved(words, self.data, self.locate)
        argv = self._words(words, Mode.ARGUMENT)
        if not argv:
            raise self.error(node, "expected a command after the assignments")
        return Pending(argv, tuple(prefix), stdin, node.start_byte, node.end_byte)

    def _redirected(self, node: Node) -> Pending:
        body = node.child_by_field_name("body")
        stdin: Word | None = None
        end = node.start_byte
        for redirect in node.children_by_field_name("redirect"):
            if redirect.type == "heredoc_redirect":
                if stdin is not None:
                    raise self.error(redirect, "only one heredoc or here-string per command")
                stdin = self._heredoc(redirect)
                start = next(c for c in redirect.children if c.type == "heredoc_start")
                end = max(end, start.end_byte)
            elif redirect.type == "herestring_redirect":
                if stdin is not None:
                    raise self.error(redirect, "only one heredoc or here-string per command")
                stdin = self._herestring(redirect)
                end = max(end, redirect.end_byte)
            else:
                raise self.error(redirect, redirect_message(self.text(redirect, 30)))
        if body is None or body.type != "command":
            if body is not None and body.type == "pipeline":
                raise self.error(node, "a heredoc can only feed the first command of a pipeline")
            raise self.error(node, "a heredoc or here-string must feed a simple command")
        pending = self._command(body, stdin)
        pending.end = max(pending.end, end)
        return pending

    def _stage(self, node: Node) -> tuple[Word, ...]:
        """A command after `|`: only `jq [-r] [FILTER]` or `python -m json.tool`."""
        if node.type != "command":
            return self._stage_error(node)
        if any(c.type != "command_name" and c.type.endswith(("redirect", "assignment"))
               for c in node.children):  # fmt: skip
            return self._stage_error(node)
        words = self._words(node.children, Mode.ARGUMENT)
        program = words[0].literal if words else None
        rest = [word.literal for word in words[1:]]
        if program in ("python", "python3"):
            if rest != _JSON_TOOL:
                raise self.error(node, f"only `{program} -m json.tool` is supported after `|`")
            return words
        if program != "jq":
            return self._stage_error(node)
        filters = 0
        for word, literal in zip(words[1:], rest, strict=True):
            if literal is not None and literal.startswith("-") and literal != "-":
                known = literal in _JQ_LONG or (
                    not literal.startswith("--") and set(literal[1:]) <= _JQ_SHORT
                )
                if not known:
                    raise DocError(f"jq option `{literal}` is not supported", word.source)
            else:
                filters += 1
        if filters > 1:
            raise self.error(node, "jq takes one filter here (no files, no `--arg`)")
        return words

    def _stage_error(self, node: Node) -> tuple[Word, ...]:
        raise self.error(
            node,
            f"`{self.text(node, 40)}` after `|` is not supported: only `jq [-r] [FILTER]` "
            "and `python -m json.tool` may read a command's output",
        )

    # -- assignments ------------------------------------------------------------------------

    def _assignment(self, node: Node, *, exported: bool) -> Assignment:
        name = node.child_by_field_name("name")
        if name is None or name.type != "variable_name":
            what = f"{CONSTRUCTS['subscript']} assignment `{self.text(node, 40)}`"
            raise self.error(node, f"{what} is not supported")
        if not _NAME.fullmatch(self.data[name.start_byte : name.end_byte]):
            raise self.error(node, f"`{self.text(name)}` is not a valid shell variable name")
        operator = name.next_sibling
        if operator is None or operator.type != "=":
            shown = operator.type if operator is not None else "="
            raise self.error(node, f"`{shown}` assignment is not supported, use `NAME=value`")
        value_node = node.child_by_field_name("value")
        if value_node is not None:
            self._collect(value_node)
        value = self.lexer.word(operator.end_byte, node.end_byte, Mode.VALUE)
        return Assignment(self.text(name), value, exported, self.locate(node.start_byte))

    def _declaration(self, node: Node, out: list[Command]) -> None:
        keyword = node.children[0]
        if keyword.type != "export":
            raise self.error(node, f"`{keyword.type}` is not supported (only `export NAME=value`)")
        assignments: list[Assignment] = []
        for child in node.children[1:]:
            if child.type == "variable_assignment":
                assignment = self._assignment(child, exported=True)
                read = assignment.value.variables() & {a.name for a in assignments}
                if read:
                    raise self.error(
                        child,
                        f"`{assignment.name}` reads ${min(read)} which this same export sets: "
                        "bash expands every argument first; write two export lines",
                    )
                assignments.append(assignment)
            elif child.type == "variable_name":
                continue  # `export NAME` only marks NAME exported: nothing to send or bind
            elif child.type == "word" and self.text(child).startswith("-"):
                raise self.error(child, f"`export {self.text(child)}` is not supported")
            elif child.type != "comment":
                raise self.error(child, "expected `NAME=value` after export")
        out += assignments

    # -- words ------------------------------------------------------------------------------

    def _words(self, nodes: list[Node], mode: Mode) -> tuple[Word, ...]:
        """The words written by these nodes (comments skipped, `unset` kept as a word)."""
        words: list[Word] = []
        word = self.lexer.word
        start = end = -1  # the bytes of the word being gathered, none yet
        for node in nodes:
            if node.kind_id in _COMMENT:
                continue
            node_start = node.start_byte
            # No space between two nodes (a backslash-newline is no space): the same word.
            if start >= 0 and not (
                node_start <= end or _CONTINUATIONS.fullmatch(self.data, end, node_start)
            ):
                words.append(word(start, end, mode))
                start = -1
            self._collect(node)
            if start < 0:
                start = node_start
            end = node.end_byte
        if start >= 0:
            words.append(word(start, end, mode))
        return tuple(words)

    def _collect(self, node: Node) -> None:
        """Record the `$(...)` inside a word's subtree and refuse what the lexer cannot see."""
        if not node.child_count and node.kind_id not in _WATCHED:
            return  # a leaf, like most words
        stack = [node]
        while stack:
            current = stack.pop()
            kind_id = current.kind_id  # cheaper than `.type`, which builds a string
            if kind_id in _WATCHED:
                if kind_id in _SUBSTITUTION:
                    self.substitutions[current.start_byte] = current
                    continue
                raise construct_error(current, self.data, self.locate)
            stack.extend(current.children)

    def _substitution(self, offset: int) -> tuple[Invocation, int] | None:
        node = self.substitutions.get(offset)
        if node is None or node.child_count < 2 or node.children[0].type != "$(":
            return None
        inner = [c for c in node.children[1:-1] if c.type != "comment"]
        commands: list[Command] = []
        self._sequence(self._flatten(inner), commands)
        if len(commands) != 1 or not isinstance(commands[0], Invocation):
            raise self.error(node, "$(...) must hold exactly one command (`curl ... | jq -r ...`)")
        return commands[0], node.end_byte

    def _heredoc(self, node: Node) -> Word:
        operator = node.children[0]
        start = next(c for c in node.children if c.type == "heredoc_start")
        delimiter = self.text(start)
        end = next((c for c in node.children if c.type == "heredoc_end"), None)
        if end is None:
            raise self.error(start, f"heredoc <<{delimiter} is not closed")
        body = next((c for c in node.children if c.type == "heredoc_body"), None)
        expand = not any(quote in delimiter for quote in "'\"\\")
        first = start.end_point.row + 1
        body_start = self.line_starts[body.start_point.row] if body else self.line_starts[first]
        if body is not None and expand:
            self._collect(body)
        return self.lexer.heredoc(
            body_start,
            self.line_starts[end.start_point.row],
            strip_tabs=operator.type == "<<-",
            expand=expand,
        )

    def _herestring(self, node: Node) -> Word:
        parts = [c for c in node.children if c.type != "<<<"]
        word = self._words(parts, Mode.VALUE)
        if len(word) != 1:
            raise self.error(node, "expected one word after `<<<`")
        # bash feeds a here-string with a newline added.
        return Word((*word[0].parts, _newline()), word[0].source)


def _newline() -> Literal:
    return Literal("\n")
