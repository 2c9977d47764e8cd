"""Lint a planned guide: variables nothing earlier can bind, example values better as variables."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from runner._plan_shell import invocation_required, required_variables
from runner.docjson import DocArray, DocObject, DocScalar, DocValue, top_level_keys
from runner.errors import DocError
from runner.http_block import http_variables
from runner.shapes import example_of
from runner.shell import Literal
from runner.source import Source
from runner.step import DocumentedResponse, Step

__all__ = ["TARGET_VARIABLES", "literal_examples", "response_keys", "unbound_variables"]

TARGET_VARIABLES = frozenset({"BOOTSTRAP_TOKEN", "BASE_URL"})
"""Variables the target provides."""


def _normal(name: str) -> str:
    return name.lower().replace("_", "").replace("-", "")


def response_keys(response: DocumentedResponse | None) -> tuple[str, ...]:
    """The top-level keys of a documented JSON body (none for text or unreadable bodies)."""
    if response is None or not response.body.strip():
        return ()
    if response.body.lstrip()[:1] not in ("{", "["):
        return ()
    try:
        return top_level_keys(response.parsed_body())
    except DocError:
        return ()


def _bound_by_field(name: str, fields: set[str]) -> bool:
    normal = _normal(name)
    # `TOKEN` is how people name the `access_token` of the last token response.
    return normal in fields or (normal == "token" and "accesstoken" in fields)


def _step_reads(step: Step) -> Iterator[tuple[str, Source]]:
    """What a step's request needs, each with the line of the word that reads it."""
    if step.command is not None:
        yield from invocation_required(step.command)
    if step.http_request is not None:
        for name, source, has_default in http_variables(step.http_request):
            if not has_default:
                yield name, source


def unbound_variables(
    steps: Sequence[Step], unrun: Mapping[str, tuple[Source, str]] | None = None
) -> list[tuple[Source, str]]:
    """Variables read before anything can bind them, each reported once, at its first use.

    `unrun` names the variables a command that is not run would have set (`X=$(date)`):
    their message says so, since the cause is there and not where the variable is read.
    """
    unrun = unrun or {}
    bound = set(TARGET_VARIABLES)
    fields: set[str] = set()
    reported: set[str] = set()
    errors: list[tuple[Source, str]] = []

    def need(name: str, where: Source) -> None:
        if name in bound or name in reported or _bound_by_field(name, fields):
            return
        reported.add(name)
        if name in unrun:
            at, program = unrun[name]
            shown = f"line {at.line}" if at.path == where.path else str(at)
            errors.append((where, (
                f"variable ${name} is never bound: {shown} sets it with `{program}`, which is "
                f"not run, expected a literal value (export {name}=...) or a curl capture")))
            return
        errors.append(
            (
                where,
                f"variable ${name} is never bound, expected an earlier assignment "
                f"(export {name}=...), a capture or a documented response field that sets it",
            )
        )

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
        fields.update(_normal(key) for key in response_keys(step.response))
    return errors


def _variable_for(key: str) -> str:
    """The variable a field binds by name: `agentId` -> AGENT_ID, `access_token` -> TOKEN."""
    if key == "access_token":
        return "TOKEN"
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", key).replace("-", "_").upper()


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
