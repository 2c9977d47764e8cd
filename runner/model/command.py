"""Shell as the planner hands it on: assignments and invocations of words, still unexpanded.

`translate.shell` reads these from a guide's shell text; `run` expands them once the
variables are known.
"""

from __future__ import annotations

from dataclasses import dataclass

from runner.model.source import Source

__all__ = [
    "Assignment",
    "Command",
    "CommandSubstitution",
    "Invocation",
    "JqFilter",
    "Literal",
    "Parameter",
    "Part",
    "Script",
    "Word",
]


@dataclass(frozen=True, slots=True)
class Literal:
    """Text that expands to itself (quotes already removed, escapes already applied).

    An empty Literal stands for quotes with nothing in them (`""`, `''`): the word is
    still there, as one empty argument.
    """

    text: str
    split: bool = False
    """Unquoted text inside an unquoted `${A:-a b}` default: field-split like an expansion."""


@dataclass(frozen=True, slots=True)
class Parameter:
    """`$NAME`, `${NAME}` or `${NAME:-default}`; unquoted ones are field-split like bash."""

    name: str
    default: Word | None
    quoted: bool
    unset_only: bool = False
    """`${NAME-default}`: the default replaces an unset NAME only, not an empty one."""


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
class JqFilter:
    """A `| jq` stage: its filter word (None for a bare `jq`) and whether `-r` is given."""

    word: Word | None
    raw: bool


@dataclass(frozen=True, slots=True)
class Invocation:
    """One simple command, with the pipeline stages that read its output."""

    argv: tuple[Word, ...]
    """The words of the command; argv[0] is the program."""
    prefix: tuple[Assignment, ...]
    """`NAME=v curl ...`: assignments that apply to this command's environment only.

    Bash expands the command's words (and its heredoc) *before* these take effect, so
    `X=1 curl $X` sends the old X: expand `argv` and `stdin` with the outer environment,
    then `prefix_environment` gives the environment the command itself would see.
    """
    stdin: Word | None
    """A heredoc's body (or a `<<<` here-string plus its newline), fed to standard input."""
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

    def jq_filter(self) -> JqFilter | None:
        """The `| jq [-r] FILTER` the output goes through, or None when there is no jq."""
        for stage in self.pipeline:
            if not stage or stage[0].literal != "jq":
                continue
            raw, word = False, None
            for candidate in stage[1:]:
                text = candidate.literal
                if text is not None and text.startswith("-") and text != "-":
                    raw = raw or text == "--raw-output" or (
                        not text.startswith("--") and "r" in text)
                elif word is None:
                    word = candidate
            return JqFilter(word, raw)
        return None

    def variables(self) -> frozenset[str]:
        """Every variable the command reads from the outer environment.

        Its words, stdin and pipeline are expanded before the prefix assignments apply, so
        they read the outer variables; a prefix value reads the prefixes before it.
        """
        names: set[str] = set()
        for word in self.argv:
            names |= word.variables()
        assigned: set[str] = set()
        for assignment in self.prefix:
            names |= assignment.value.variables() - assigned
            assigned.add(assignment.name)
        if self.stdin is not None:
            names |= self.stdin.variables()
        for stage in self.pipeline:
            for word in stage:
                names |= word.variables()
        return frozenset(names)


Command = Assignment | Invocation


@dataclass(frozen=True, slots=True)
class Script:
    """A shell block (or one console command), in source order."""

    commands: tuple[Command, ...]
