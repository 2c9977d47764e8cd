"""A shell or console fence -> drafts of steps, assignments and lint notes, in source order."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from runner.config import DOCUMENTED_ORIGIN
from runner.model import (
    Assignment,
    Capture,
    CommandSubstitution,
    DocError,
    DocumentedResponse,
    HttpRequest,
    Invocation,
    Literal,
    Parameter,
    Printing,
    Script,
    Source,
    Word,
)
from runner.plan.display import curl_display
from runner.read import Fence
from runner.read.jq import parse_path
from runner.translate.http_block import parse_http_response
from runner.translate.shell import parse_script, split_console

__all__ = [
    "CONSOLE_LANGS",
    "MAX_SHELL_BYTES_PER_GUIDE",
    "SHELL_LANGS",
    "Draft",
    "Note",
    "ShellPlan",
    "plan_shell_fence",
    "required_variables",
]

SHELL_LANGS = frozenset({"bash", "sh", "shell", "zsh", "curl"})
CONSOLE_LANGS = frozenset({"console", "shell-session", "shellsession"})
# All the shell one guide may hand to tree-sitter. Each block is capped (MAX_SHELL_BYTES), but
# many broken blocks of just under the cap would still take a second each; real guides hold
# a few KB of shell (a generated 200-step guide, 21 KB).
MAX_SHELL_BYTES_PER_GUIDE = 64 * 1024


_ONLY_CAPTURE = (
    "a command substitution `$(...)` is only run in `export NAME=$(curl ... | jq -r FILTER)`"
)


@dataclass(frozen=True, slots=True)
class Draft:
    """A step before the plan knows its documented response and expected status."""

    name: str
    source: Source
    method: str
    url: str
    command: Invocation | None = None
    http_request: HttpRequest | None = None
    captures: tuple[Capture, ...] = ()
    response: DocumentedResponse | None = None
    """What a console command printed."""
    prints_response: bool = True
    write_out: str | None = None
    hidden: bool = False
    printing: Printing | None = None
    """How the curl command prints its answer (None for an http block)."""


@dataclass(frozen=True, slots=True)
class Note:
    """A lint note: something the guide shows that is not run."""

    source: Source
    message: str
    assigns: str | None = None
    """`NAME=$(date ...)`: the variable the command that is not run would have set."""
    program: str = ""
    """The command that is not run (`date`)."""


@dataclass(slots=True)
class ShellPlan:
    """What one fence yields, in order, plus the errors found in it."""

    items: list[Draft | Assignment | Note] = field(default_factory=list)
    errors: list[DocError] = field(default_factory=list)


def required_variables(word: Word) -> Iterator[str]:
    """Variables a word cannot expand without (those with a `:-default` are not required)."""
    for part in word.parts:
        if isinstance(part, Parameter) and part.default is None:
            yield part.name
        elif isinstance(part, CommandSubstitution):
            yield from (name for name, _ in invocation_required(part.command))


def invocation_required(command: Invocation) -> Iterator[tuple[str, Source]]:
    """Variables a command needs (its own prefix assignments aside), each where it is read."""
    own = {assignment.name for assignment in command.prefix}
    words = list(command.argv) + [a.value for a in command.prefix]
    if command.stdin is not None:
        words.append(command.stdin)
    words += [word for stage in command.pipeline for word in stage]
    for word in words:
        for name in required_variables(word):
            if name not in own:
                yield name, word.source


def _mentions_curl(text: str) -> bool:
    """Whether a block that failed to parse looks like it holds a curl command."""
    return any(word.lstrip("$(`").endswith("curl") for word in text.split())


def _curl_substitution(word: Word) -> CommandSubstitution | None:
    """The `$(curl ...)` of an assignment value, if the value is just that."""
    subs = [part for part in word.parts if isinstance(part, CommandSubstitution)]
    others = [p for p in word.parts if not isinstance(p, CommandSubstitution)]
    if len(subs) == 1 and subs[0].command.program == "curl" and all(
        isinstance(p, Literal) and not p.text.strip() for p in others
    ):
        return subs[0]
    return None


def _capture_of(name: str, command: Invocation, source: Source) -> Capture:
    """`NAME=$(curl ... | jq -r FILTER)` -> the capture of FILTER (`.` without a jq)."""
    jq = command.jq_filter()
    if jq is None:
        return Capture(name=name, path=".", source=source, raw=True)
    if jq.word is not None and jq.word.literal is None:
        raise DocError("the jq filter must be written literally, like '.access_token'",
                       jq.word.source)
    path = jq.word.literal if jq.word is not None else None
    return Capture(name=name, path=path or ".", source=source, raw=jq.raw)


def _disguised_curl(command: Invocation) -> DocError | None:
    """`curl` glued to its options by a space the shell does not split on (pasted from a
    wiki or a word processor): without this error the guide would pass, having run nothing."""
    word = command.argv[0].literal if command.argv else None
    if word is None or not word.startswith("curl") or len(word) == 4:
        return None
    odd = word[4]
    if not odd.isspace():
        return None
    name = unicodedata.name(odd, "a space")
    return DocError(
        f"`curl` is followed by U+{ord(odd):04X} ({name}), which the shell does not split "
        "on: it reads one word, not curl and its options; expected a plain space",
        command.source,
    )


def _not_run(command: Invocation) -> Note:
    program = command.program or (command.text.split(maxsplit=1) or ["?"])[0]
    return Note(
        command.source,
        f"`{program}` is not run: only curl commands, exports and assignments are",
        program=program,
    )


def _plan_script(
    script: Script, plan: ShellPlan, cwd: Path | None, origin: str, hidden: bool,
    console_response: DocumentedResponse | None = None,
) -> None:
    """Turn parsed commands into drafts, assignments and notes."""
    start = len(plan.items)
    for command in script.commands:
        if isinstance(command, Assignment):
            substitution = _curl_substitution(command.value)
            if substitution is not None:
                try:
                    capture = _capture_of(command.name, substitution.command, command.source)
                except DocError as error:
                    plan.errors.append(error)
                    continue
                draft = _draft(substitution.command, cwd, origin, hidden, plan, (capture,))
                if draft is not None:
                    plan.items.append(draft)
            elif any(isinstance(p, CommandSubstitution) for p in command.value.parts):
                inner = next(
                    p.command for p in command.value.parts if isinstance(p, CommandSubstitution)
                )
                if inner.program == "curl":
                    plan.errors.append(DocError(_ONLY_CAPTURE, inner.source))
                else:
                    note = _not_run(inner)
                    plan.items.append(Note(note.source, note.message, assigns=command.name,
                                           program=note.program))
            else:
                plan.items.append(command)
        elif command.program == "curl":
            draft = _draft(command, cwd, origin, hidden, plan, ())
            if draft is not None:
                plan.items.append(draft)
        elif (disguised := _disguised_curl(command)) is not None:
            plan.errors.append(disguised)
        else:
            plan.items.append(_not_run(command))
    if console_response is not None:
        # What a console command printed belongs to its own last curl, not an earlier one.
        drafts = [i for i, item in enumerate(plan.items) if i >= start and isinstance(item, Draft)]
        if drafts:
            last = drafts[-1]
            item = plan.items[last]
            assert isinstance(item, Draft)
            plan.items[last] = _with_response(item, console_response)
        else:
            _file_shown(script, plan, console_response)


def _file_shown(script: Script, plan: ShellPlan, output: DocumentedResponse) -> None:
    """`$ cat agent.json` after `$ curl -o agent.json ...`: what it prints is what that curl
    wrote, its documented response, as the guide's reader sees it."""
    command = script.commands[0] if len(script.commands) == 1 else None
    if not isinstance(command, Invocation) or command.program != "cat":
        return
    names = [word.literal for word in command.argv[1:]]
    jq = command.jq_filter()
    pretty = jq is None or jq.word is None or (jq.word.literal or "").strip() == "."
    if len(names) != 1 or names[0] is None or not pretty:
        return
    for index in range(len(plan.items) - 1, -1, -1):
        item = plan.items[index]
        if not isinstance(item, Draft):
            continue
        printing = item.printing
        if (item.response is None and printing is not None
                and printing.destination == "file" and printing.output == names[0]):
            plan.items[index] = _with_response(item, replace(output, transcript=False))
            plan.items = [
                Note(note.source, f"`cat {names[0]}` is not run: what it shows is compared with "
                                  f"what the curl at line {item.source.line} wrote",
                     program="cat")
                if isinstance(note, Note) and note.source == command.source else note
                for note in plan.items]
        return  # the nearest curl only: an earlier one's file may have been written over


def _with_response(draft: Draft, response: DocumentedResponse) -> Draft:
    return Draft(
        name=draft.name, source=draft.source, method=draft.method, url=draft.url,
        command=draft.command, http_request=draft.http_request, captures=draft.captures,
        response=response, prints_response=draft.prints_response, hidden=draft.hidden,
        write_out=draft.write_out, printing=draft.printing,
    )


def _unchecked_filter(command: Invocation) -> DocError | None:
    """A jq filter that is not a path: what it prints could not be compared with the guide
    (`.data | length`, `.[]`), so the step is refused rather than checked against the
    whole body."""
    jq = command.jq_filter()
    text = jq.word.literal if jq is not None and jq.word is not None else None
    if jq is None or jq.word is None or text is None:
        return None
    try:
        parse_path(text, source=jq.word.source)
    except DocError as error:
        return DocError(f"jq filter `{text}` cannot be checked: {error.message}; "
                        "expected a path like .data[0].status (or `jq .` to pretty-print)",
                        jq.word.source)
    return None


def _substitutions(command: Invocation) -> Iterator[CommandSubstitution]:
    words = list(command.argv) + [a.value for a in command.prefix]
    if command.stdin is not None:
        words.append(command.stdin)
    for word in words:
        for part in word.parts:
            if isinstance(part, CommandSubstitution):
                yield part


def _draft(
    command: Invocation, cwd: Path | None, origin: str, hidden: bool, plan: ShellPlan,
    captures: tuple[Capture, ...],
) -> Draft | None:
    # The run stage runs no `$(...)` inside a request: refuse it now, before anything is sent.
    nested = next(_substitutions(command), None)
    if nested is not None:
        plan.errors.append(DocError(_ONLY_CAPTURE, nested.command.source))
        return None
    unchecked = _unchecked_filter(command)
    if unchecked is not None:
        plan.errors.append(unchecked)
        return None
    try:
        display = curl_display(command, cwd, origin)
    except DocError as error:
        plan.errors.append(error)
        return None
    return Draft(
        name=display.name, source=command.source, method=display.method, url=display.url,
        command=command, captures=captures, prints_response=display.prints_response,
        hidden=hidden, write_out=display.write_out, printing=display.printing,
    )


def _console_response(output: str, line: int, path: str) -> DocumentedResponse:
    """What a console command printed, as its documented response."""
    source = Source(path, line)
    if output.lstrip().startswith("HTTP/"):
        return replace(parse_http_response(output, source), transcript=True)
    first = output.lstrip()[:1]
    kind: str = "json" if first in ("{", "[") else "console"
    return DocumentedResponse(
        kind="json" if kind == "json" else "console", body=output, source=source, body_line=line,
        transcript=True,
    )


def plan_shell_fence(
    fence: Fence, cwd: Path | None, origin: str = DOCUMENTED_ORIGIN
) -> ShellPlan:
    """Parse a shell or console fence; errors are collected, not raised (`origin`: the
    documented origin, as for `curl_display`)."""
    plan = ShellPlan()
    path = fence.source.path
    first = next((line for line in fence.text.split("\n") if line.strip()), "")
    # `$ curl ...` in a bash fence is a console session whatever the info string says.
    commands, stray = split_console(fence.text, fence.content_line)
    # A console block without a single prompt is plain shell.
    if commands and (fence.lang in CONSOLE_LANGS or first.startswith("$ ")):
        if stray is not None:
            plan.items.append(Note(Source(path, stray),
                                   "console text before the first `$ ` prompt is not run"))
        for command in commands:
            response = None
            try:
                if command.output_line is not None:
                    response = _console_response(command.output, command.output_line, path)
                script = parse_script(command.text, source=Source(path, command.line, 3))
            except DocError as error:
                if _mentions_curl(command.text):
                    plan.errors.append(error)
                else:
                    plan.items.append(Note(Source(path, command.line), _unread(error)))
                continue
            _plan_script(script, plan, cwd, origin, fence.hidden, response)
        return plan
    try:
        script = parse_script(fence.text, source=Source(path, fence.content_line))
    except DocError as error:
        if _mentions_curl(fence.text):
            plan.errors.append(error)
        else:
            plan.items.append(Note(fence.source, _unread(error)))
        return plan
    _plan_script(script, plan, cwd, origin, fence.hidden)
    return plan


def _unread(error: DocError) -> str:
    return f"shell block not read (it holds no curl): {error.message}"
