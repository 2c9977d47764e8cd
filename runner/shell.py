"""Shell, parsed and never run: tree-sitter-bash -> a small IR of assignments and invocations.

Only the subset the design allows is accepted (quotes, `$VAR`, `${VAR}`, `${VAR:-x}`,
assignments, `export`, `;`, `&&`, `\\` continuations, comments, pipes into `jq` or
`python -m json.tool`, `$(curl ... | jq -r FILTER)`, heredocs). Everything else raises a
`DocError` at its line. Words stay unexpanded until the run stage knows the variables.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from runner.errors import DocError
from runner.source import Source

__all__ = [
    "Assignment",
    "CommandSubstitution",
    "Invocation",
    "Literal",
    "Parameter",
    "Script",
    "UnboundVariable",
    "Word",
    "expand_argv",
    "expand_word",
    "parse_script",
]


@dataclass(frozen=True, slots=True)
class Literal:
    """Text that expands to itself (quotes already removed, escapes already applied)."""

    text: str


@dataclass(frozen=True, slots=True)
class Parameter:
    """`$NAME`, `${NAME}` or `${NAME:-default}`; unquoted ones are field-split like bash."""

    name: str
    default: Word | None
    quoted: bool


@dataclass(frozen=True, slots=True)
class CommandSubstitution:
    """`$(curl ... | jq -r FILTER)`: a request whose (filtered) output becomes text."""

    command: Invocation
    quoted: bool


Part = Literal | Parameter | CommandSubstitution


@dataclass(frozen=True, slots=True)
class Word:
    """One shell word before expansion, with where it starts in the guide."""

    parts: tuple[Part, ...]
    source: Source

    def variables(self) -> frozenset[str]:
        """Every variable name the word reads (defaults and substitutions included)."""
        names: set[str] = set()
        for part in self.parts:
            if isinstance(part, Parameter):
                names.add(part.name)
                if part.default is not None:
                    names |= part.default.variables()
            elif isinstance(part, CommandSubstitution):
                names |= part.command.variables()
        return frozenset(names)

    @property
    def literal(self) -> str | None:
        """The word's text when it has no expansion in it, else None."""
        if all(isinstance(part, Literal) for part in self.parts):
            return "".join(part.text for part in self.parts if isinstance(part, Literal))
        return None


@dataclass(frozen=True, slots=True)
class Assignment:
    """`NAME=value` or `export NAME=value` (also a prefix assignment of an invocation)."""

    name: str
    value: Word
    exported: bool
    source: Source


@dataclass(frozen=True, slots=True)
class Invocation:
    """One simple command, with the pipeline stages that read its output."""

    argv: tuple[Word, ...]
    """The words of the command; argv[0] is the program."""
    prefix: tuple[Assignment, ...]
    """`NAME=v curl ...`: assignments that apply to this command only."""
    stdin: Word | None
    """A heredoc's body, fed to the command's standard input (`-d @-`)."""
    pipeline: tuple[tuple[Word, ...], ...]
    """Commands after `|`: only `jq ...` or `python -m json.tool` are accepted."""
    source: Source
    """Where the program word starts."""
    text: str
    """The command as written (continuations included), for messages."""

    @property
    def program(self) -> str | None:
        """The program's name when it is written literally (`curl`, `jq`, ...)."""
        return self.argv[0].literal if self.argv else None

    def variables(self) -> frozenset[str]:
        """Every variable the command reads, in its words, prefix, stdin and pipeline."""
        names: set[str] = set()
        for word in self.argv:
            names |= word.variables()
        for assignment in self.prefix:
            names |= assignment.value.variables()
        if self.stdin is not None:
            names |= self.stdin.variables()
        for stage in self.pipeline:
            for word in stage:
                names |= word.variables()
        return frozenset(names - {a.name for a in self.prefix})


Command = Assignment | Invocation


@dataclass(frozen=True, slots=True)
class Script:
    """A shell block (or one console command), in source order."""

    commands: tuple[Command, ...]


class UnboundVariable(DocError):
    """A variable has no value when its command is about to be sent."""

    def __init__(self, name: str, source: Source | None) -> None:
        super().__init__(f"variable ${name} is not set", source)
        self.name = name


Substituter = Callable[[Invocation], str]
"""Runs a `$(...)` invocation and returns its output (the run stage provides it)."""


def parse_script(text: str, *, source: Source) -> Script:
    """Parse shell text whose first line is at `source` into a Script, or raise DocError."""
    raise NotImplementedError


def expand_word(
    word: Word, env: Mapping[str, str], substitute: Substituter | None = None
) -> list[str]:
    """Expand one word as bash would: parameters, substitutions, then field splitting.

    Raises UnboundVariable for a `$NAME` missing from `env` (a `${NAME:-x}` never raises).
    """
    raise NotImplementedError


def expand_argv(
    words: tuple[Word, ...], env: Mapping[str, str], substitute: Substituter | None = None
) -> list[str]:
    """Expand every word of a command, concatenating their fields."""
    return [field for word in words for field in expand_word(word, env, substitute)]
