"""Lint a planned guide: variables that nothing earlier in the guide can bind."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from runner._plan_shell import invocation_required, required_variables
from runner.docjson import top_level_keys
from runner.errors import DocError
from runner.http_block import http_variables
from runner.source import Source
from runner.step import DocumentedResponse, Step

__all__ = ["TARGET_VARIABLES", "response_keys", "unbound_variables"]

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


def unbound_variables(steps: Sequence[Step]) -> list[tuple[Source, str]]:
    """Variables read before anything can bind them, each reported once, at its first use."""
    bound = set(TARGET_VARIABLES)
    fields: set[str] = set()
    reported: set[str] = set()
    errors: list[tuple[Source, str]] = []

    def need(name: str, where: Source) -> None:
        if name in bound or name in reported or _bound_by_field(name, fields):
            return
        reported.add(name)
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
