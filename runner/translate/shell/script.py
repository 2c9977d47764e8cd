"""Shell, parsed and never run: tree-sitter-bash -> a small IR of assignments and invocations.

Only the subset the design allows is accepted (quotes, `$VAR`, `${VAR}`, `${VAR:-x}`,
assignments, `export`, `;`, `&&`, `\\` continuations, comments, pipes into `jq` or
`python -m json.tool`, `$(curl ... | jq -r FILTER)`, heredocs). Everything else raises a
`DocError` at its line. Words stay unexpanded until the run stage knows the variables.

Choices where bash leaves room:
- `${VAR-x}` (default only when unset) is accepted too; every other `${...}` form is refused.
- A `<<<` here-string is accepted as stdin (its word plus a newline, as bash feeds it).
- `export NAME` without a value changes nothing here and yields no command.
- `~` and glob characters stay literal (bash leaves a glob that matches nothing as is);
  unquoted brace expansion (`{a,b}`, `{1..3}`) is refused since it makes several words.
- Field splitting uses bash's default IFS (space, tab, newline); IFS is never read.
- Words are read from the real bytes; tree-sitter only finds statements and word bounds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from runner.model.command import (
    Invocation,
    Literal,
    Parameter,
    Part,
    Script,
    Word,
)
from runner.model.errors import DocError
from runner.model.source import Source
from runner.translate.shell.parse import parse

__all__ = [
    "MAX_SHELL_BYTES",
    "UnboundVariable",
    "expand_argv",
    "expand_string",
    "expand_word",
    "parse_script",
    "prefix_environment",
]


class UnboundVariable(DocError):
    """A variable has no value when its command is about to be sent."""

    def __init__(self, name: str, source: Source | None) -> None:
        super().__init__(f"variable ${name} is not set", source)
        self.name = name


# The most shell text handed to tree-sitter at once. Its error recovery grows faster than the
# square of a broken script's length (one unterminated `${A:-` in 224 KB took 28 s, in 16 KB
# about a second); a real command block is rarely over 2 KB.
MAX_SHELL_BYTES = 16 * 1024

Substituter = Callable[[Invocation], str]
"""Runs a `$(...)` invocation and returns its output (the run stage provides it)."""


def parse_script(text: str, *, source: Source) -> Script:
    """Parse shell text whose first line is at `source` into a Script, or raise DocError.

    Every Word, Assignment and Invocation carries its own line and column in the guide
    (`source.column` is added to every column: the block's indentation).
    """

    size = len(text.encode("utf-8", "surrogatepass"))
    if size > MAX_SHELL_BYTES:
        raise DocError(
            f"shell block too large to read, expected at most {MAX_SHELL_BYTES} bytes, got {size}",
            source,
        )
    try:
        return parse(text, source)
    except DocError:
        raise
    except Exception as error:  # a bug or a tree-sitter failure must not become a traceback
        raise DocError(
            f"internal error while reading the shell ({type(error).__name__}), please report it",
            source,
        ) from error


def expand_word(
    word: Word, env: Mapping[str, str], substitute: Substituter | None = None
) -> list[str]:
    """Expand one word as bash would: parameters, substitutions, then field splitting.

    Raises UnboundVariable for a `$NAME` missing from `env` (a `${NAME:-x}` never raises).
    Unquoted results split on spaces, tabs and newlines (bash's default IFS); an unquoted
    expansion that comes out empty leaves no argument. `~` and glob characters stay literal
    (bash leaves a glob that matches nothing as written).
    """
    fields = _Fields()
    _expand_parts(word.parts, word, env, substitute, fields)
    return fields.finish()


def expand_string(word: Word, env: Mapping[str, str], substitute: Substituter | None = None) -> str:
    """Expand a word where bash does no field splitting: assignment values and stdin."""
    return "".join(expand_word(word, env, substitute))


def expand_argv(
    words: tuple[Word, ...], env: Mapping[str, str], substitute: Substituter | None = None
) -> list[str]:
    """Expand every word of a command, concatenating their fields."""
    return [field for word in words for field in expand_word(word, env, substitute)]


def prefix_environment(
    invocation: Invocation, env: Mapping[str, str], substitute: Substituter | None = None
) -> dict[str, str]:
    """The environment the command itself runs with: `env` plus its prefix assignments.

    Bash assigns prefixes left to right, each seeing the ones before it.
    """
    result = dict(env)
    for assignment in invocation.prefix:
        result[assignment.name] = expand_string(assignment.value, result, substitute)
    return result


class _Fields:
    """Bash's field splitting: words built from text and split expansion results."""

    __slots__ = ("current", "fields", "started")

    def __init__(self) -> None:
        self.fields: list[str] = []
        self.current: list[str] = []
        self.started = False

    def text(self, text: str) -> None:
        """Quoted or literal text: joins the current field and never splits."""
        self.current.append(text)
        self.started = True

    def split(self, text: str) -> None:
        """An unquoted result: IFS whitespace delimits fields, and nothing is no field."""
        for index, piece in enumerate(_IFS.split(text)):
            if index:
                self._end()
            if piece:
                self.current.append(piece)
                self.started = True

    def _end(self) -> None:
        if self.started:
            self.fields.append("".join(self.current))
        self.current = []
        self.started = False

    def finish(self) -> list[str]:
        self._end()
        return self.fields


_IFS = re.compile(r"[ \t\n]+")


def _expand_parts(
    parts: tuple[Part, ...],
    word: Word,
    env: Mapping[str, str],
    substitute: Substituter | None,
    fields: _Fields,
) -> None:
    for part in parts:
        if isinstance(part, Literal):
            if part.split:
                fields.split(part.text)
            else:
                fields.text(part.text)
        elif isinstance(part, Parameter):
            value = env.get(part.name)
            if part.default is not None and (
                value is None or (value == "" and not part.unset_only)
            ):
                if part.quoted:
                    fields.text("")  # `"${A:-}"` is still one (empty) argument
                _expand_parts(part.default.parts, part.default, env, substitute, fields)
                continue
            if value is None:
                raise UnboundVariable(part.name, word.source)
            if part.quoted:
                fields.text(value)
            else:
                fields.split(value)
        else:
            if substitute is None:
                raise DocError(
                    f"command substitution $({part.command.text}) cannot be run here",
                    word.source,
                )
            # bash drops every trailing newline of a substitution's output (and NUL bytes).
            output = substitute(part.command).rstrip("\n").replace("\0", "")
            if part.quoted:
                fields.text(output)
            else:
                fields.split(output)
