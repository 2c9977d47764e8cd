"""The status a step must answer: directive, http status line, prose, body shape, default."""

from __future__ import annotations

from collections.abc import Sequence

from runner.model import DocumentedResponse, ExpectedStatus, Source
from runner.plan.status_phrase import find_status_phrase
from runner.read import Block, Directive, Fence, Prose

__all__ = ["expected_status", "nearest_prose", "prose_between"]


def prose_between(blocks: Sequence[Block], start: int, end: int) -> list[Prose]:
    """The prose strictly between two blocks, in order."""
    return [block for block in blocks[start + 1 : end] if isinstance(block, Prose)]


def nearest_prose(blocks: Sequence[Block], index: int, step: int) -> list[Prose]:
    """The prose block right before (`step` -1) or after (+1) a block, directives aside."""
    position = index + step
    while 0 <= position < len(blocks):
        block = blocks[position]
        if isinstance(block, Prose):
            return [block]
        if isinstance(block, Fence):
            return []
        assert isinstance(block, Directive)
        position += step
    return []


def expected_status(
    directive_status: int | None,
    directive_source: Source | None,
    response: DocumentedResponse | None,
    prose: Sequence[Prose],
    error_shape: bool | None,
) -> ExpectedStatus:
    """Decide the expected status in the design's order; `prose` is already in search order."""
    if directive_status is not None:
        return ExpectedStatus(code=directive_status, origin="directive", source=directive_source)
    if response is not None and response.status is not None:
        return ExpectedStatus(code=response.status, origin="http", source=response.source)
    for block in prose:
        found = find_status_phrase(block.text)
        if found is not None:
            code, offset = found
            return ExpectedStatus(
                code=code, origin="prose", source=block.source.at(block.line_of(offset))
            )
    if error_shape:
        source = response.source if response is not None else None
        return ExpectedStatus(code=None, origin="shape", source=source, status_class=4)
    # Without any hint, a documented request is one that succeeds.
    return ExpectedStatus(code=None, origin="default", status_class=2)
