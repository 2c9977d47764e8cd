"""Lint a planned guide: variables nothing earlier can bind, example values better as variables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from runner.model import (
    DocArray,
    DocError,
    DocObject,
    DocScalar,
    DocumentedResponse,
    DocValue,
    Literal,
    Source,
    Step,
)
from runner.plan.shell_fence import invocation_required, required_variables
from runner.plan.variables import export_hint, field_variables, suggest_variable
from runner.translate.docjson import documented_body, top_level_keys
from runner.translate.http_block import http_variables
from runner.translate.shapes import example_of

__all__ = [
    "TARGET_VARIABLES",
    "VariableLint",
    "check_variables",
    "literal_examples",
    "response_keys",
]

TARGET_VARIABLES = frozenset({"BOOTSTRAP_TOKEN", "BASE_URL"})
"""Variables the target provides."""


def response_keys(response: DocumentedResponse | None) -> tuple[str, ...]:
    """The top-level keys of a documented JSON body (none for text or unreadable bodies)."""
    if response is None or not response.body.strip():
        return ()
    if response.body.lstrip()[:1] not in ("{", "["):
        return ()
    try:
        return top_level_keys(documented_body(response))
    except DocError:
        return ()


def _documents_every_key(step: Step) -> bool:
    """Whether the guide shows every top-level key of the step's answer: a documented object
    without `...`. Any other answer (none shown, text, `{..., ...}`) may bind any variable
    at run time, so what it binds is decided there."""
    response = step.response
    if response is None:
        return False
    try:
        document = documented_body(response) if response.body.lstrip()[:1] == "{" else None
    except DocError:
        return False
    return isinstance(document, DocObject) and not document.more


def _step_reads(step: Step) -> Iterator[tuple[str, Source]]:
    """What a step's request needs, each with the line of the word that reads it."""
    if step.command is not None:
        yield from invocation_required(step.command)
    if step.http_request is not None:
        for name, source, has_default in http_variables(step.http_request):
            if not has_default:
                yield name, source


@dataclass(frozen=True, slots=True)
class VariableLint:
    """What planning says of a guide's variables."""

    errors: list[tuple[Source, str]]
    """Reads that no earlier step of any kind could bind: the guide is not run."""
    notes: list[tuple[Source, str]]
    """Reads decided only at run time, and reads a reader's shell would not hold."""


def _where(at: Source, here: Source) -> str:
    return f"line {at.line}" if at.path == here.path else str(at)


def check_variables(
    steps: Sequence[Step], unrun: Mapping[str, tuple[Source, str]] | None = None
) -> VariableLint:
    """Variables read before anything can bind them, each reported once, at its first use.

    A response field binds one spelling, its SCREAMING_SNAKE form. A variable that only an
    answer the guide does not show in full could bind is left to the run (a note here); one
    bound only by a documented field is in no reader's shell (a note, a warning when run).
    `unrun` names the variables a command that is not run would have set (`X=$(date)`):
    their message says so, since the cause is there and not where the variable is read.
    """
    unrun = unrun or {}
    bound = set(TARGET_VARIABLES)
    fields: dict[str, tuple[str, Source]] = {}
    open_since: Source | None = None
    reported: set[str] = set()
    lint = VariableLint([], [])

    def need(name: str, where: Source) -> None:
        if name in bound or name in reported:
            return
        reported.add(name)
        if name in fields:
            key, seen = fields[name]
            lint.notes.append((where, (
                f"${name} is bound only by the `{key}` field of the response at "
                f"{_where(seen, where)}: a reader's shell does not hold it; write "
                f"{export_hint(name, key)} there")))
            return
        hint = suggest_variable(name, [*bound, *fields])
        mean = f"; did you mean ${hint}?" if hint else ""
        if name in unrun:
            at, program = unrun[name]
            lint.errors.append((where, (
                f"variable ${name} is never bound: {_where(at, where)} sets it with "
                f"`{program}`, which is not run, expected a literal value (export {name}=...) "
                "or a curl capture")))
        elif open_since is not None:
            lint.notes.append((where, (
                f"variable ${name} is bound by no assignment, capture or documented field "
                f"before it; only the answer at {_where(open_since, where)}, which the guide "
                f"does not show in full, could bind it when run{mean}")))
        else:
            lint.errors.append((where, (
                f"variable ${name} is never bound, expected an earlier assignment "
                f"(export {name}=...), a capture or a response field that sets it{mean}")))

    for step in steps:
        if step.skip is not None:
            # A skipped step is not sent: it reads nothing and binds nothing.
            continue
        for assignment in step.setup:
            for name in required_variables(assignment.value):
                need(name, assignment.value.source)
            bound.add(assignment.name)
        for name, where in _step_reads(step):
            need(name, where)
        bound.update(capture.name for capture in step.captures)
        seen = step.response.source if step.response is not None else step.source
        for key in response_keys(step.response):
            for name in field_variables(key):
                fields[name] = (key, seen)
        if not _documents_every_key(step):
            open_since = step.source
    return lint


def _variable_for(key: str) -> str:
    """The variable to suggest for a field: its shell name (`TOKEN` for `access_token`)."""
    names = field_variables(key)
    return names[-1] if names else key.upper()


def _documented_examples(doc: DocValue, key: str | None = None) -> Iterator[
        tuple[str, str, Source]]:
    """(field, example, where) for every full example value in a documented body."""
    if isinstance(doc, DocObject):
        for member in doc.members:
            yield from _documented_examples(member.value, member.key)
    elif isinstance(doc, DocArray):
        for item in doc.items:
            if isinstance(item, DocObject | DocArray | DocScalar):
                yield from _documented_examples(item, key)
    elif isinstance(doc, DocScalar) and key is not None and not doc.placeholder:
        example = example_of(doc.value)
        if example is not None and not example[1]:
            yield key, example[0], doc.source


def _request_texts(step: Step) -> Iterator[tuple[str, Source]]:
    """The literal text a step's request is written with, each piece at its first line."""
    if step.command is not None:
        words = list(step.command.argv)
        if step.command.stdin is not None:
            words.append(step.command.stdin)
        for word in words:
            text = "".join(part.text for part in word.parts if isinstance(part, Literal))
            yield text, word.source
    request = step.http_request
    if request is not None:
        yield request.target, request.source
        for offset, (name, value) in enumerate(request.headers, start=1):
            yield f"{name}: {value}", request.source.at(request.source.line + offset)
        body_line = request.source.line + len(request.headers) + 2
        yield request.body, request.source.at(body_line)


def literal_examples(steps: Sequence[Step]) -> list[tuple[Source, str]]:
    """Documented example values written literally into later requests, each with a note.

    The runner sends the real value the example was bound to; a reader pasting the
    command sends the guide's example and gets someone else's agent, or a 404.
    """
    documented: dict[str, tuple[str, Source]] = {}
    notes: list[tuple[Source, str]] = []
    for step in steps:
        # A hidden step is the runner's, not the reader's: nobody pastes it.
        if step.skip is None and not step.hidden and documented:
            for text, where in _request_texts(step):
                for example, (key, seen) in documented.items():
                    offset = text.find(example)
                    if offset < 0:
                        continue
                    line = where.line + text.count("\n", 0, offset)
                    first = f"line {seen.line}" if seen.path == where.path else str(seen)
                    shown = example if len(example) <= 16 else example[:12] + "..."
                    notes.append((where.at(line), (
                        f"{shown} is the {key} documented at {first}, written literally: "
                        f"a reader would send the guide's value, not theirs; write "
                        f"${_variable_for(key)} instead")))
        document = step.response.document if step.response is not None else None
        if document is not None:
            for key, example, where in _documented_examples(document):
                documented.setdefault(example, (key, where))
    return notes
