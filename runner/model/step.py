"""What `plan` hands to `run`: steps, each a request with its documented response."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal as L

from runner.model.command import Assignment, Invocation
from runner.model.document import DocValue
from runner.model.printing import Printing, WriteOut
from runner.model.source import Source

__all__ = [
    "Capture",
    "DocumentedResponse",
    "ExpectedStatus",
    "Guide",
    "HttpRequest",
    "Step",
    "expected_class",
    "status_matches",
]


@dataclass(frozen=True, slots=True)
class HttpRequest:
    """An `http` fence holding a request; `$VAR`, `${VAR}` and `{{VAR}}` are left unresolved."""

    method: str
    target: str
    """The request target as written: a path (`/api/v1/token`) or a full URL."""
    headers: tuple[tuple[str, str], ...]
    body: str
    source: Source
    """The request line."""


@dataclass(frozen=True, slots=True)
class DocumentedResponse:
    """The response the guide shows for a request."""

    kind: L["json", "http", "console", "text"]
    body: str
    """The documented body as written (JSON with `...` and comments, or text)."""
    source: Source
    """The first content line of the documented response."""
    body_line: int
    """The line where `body` starts (after an http block's status line and headers)."""
    status: int | None = None
    """The status from an `HTTP/1.1 201 Created` line, if any."""
    headers: tuple[tuple[str, str], ...] = ()
    document: DocValue | None = None
    """`body` read as documented JSON, once, by the planner (None when it is not JSON)."""
    printed: str | None = None
    """What the guide shows curl's `-w` printing, split off the end of the output."""
    printed_line: int = 0
    """The line where `printed` starts."""
    error_line: str | None = None
    """A curl error line the guide shows (`curl: (22) The requested URL returned error: 404`),
    split off the output: curl prints it on stderr, which a console transcript shows too."""
    error_line_at: int = 0
    """The line where `error_line` is written."""
    transcript: bool = False
    """Printed under the command's `$ ` prompt in a console block: the terminal itself, so
    what `-o FILE` writes, or headers without `-i`, cannot be in it."""


@dataclass(frozen=True, slots=True)
class ExpectedStatus:
    """The status a step must answer, and where the guide said so."""

    code: int | None
    """An exact status, or None when only a class (or nothing) is known."""
    origin: L["directive", "http", "prose", "shape", "default"]
    source: Source | None = None
    status_class: int | None = None
    """2 or 4 when `code` is None and the class is known (from the body's shape)."""


def expected_class(expected: ExpectedStatus) -> int:
    """The status class a step must answer in: 2 for 2xx, 4 for 4xx (2 when nothing is known)."""
    if expected.code is not None:
        return expected.code // 100
    return expected.status_class if expected.status_class is not None else 2


def status_matches(expected: ExpectedStatus, actual: int) -> bool:
    """Whether a real status is the expected one: the exact code, else the class."""
    if expected.code is not None:
        return actual == expected.code
    return actual // 100 == expected_class(expected)


@dataclass(frozen=True, slots=True)
class Capture:
    """A variable bound from the step's real response."""

    name: str
    path: str
    """A jq filter (`.access_token`, `.a[0].b`) or a JSON path (`$.a.b`)."""
    source: Source
    raw: bool = True
    """`jq -r`: strings without their quotes."""


@dataclass(frozen=True, slots=True)
class Step:
    """One request of a guide, with all the guide says about it."""

    name: str
    """Method and path, as a user names it: `POST /api/v1/agents`."""
    source: Source
    """The `curl` word or an http block's request line."""
    method: str
    url: str
    """The documented URL with variables unresolved, for display."""
    expected: ExpectedStatus
    command: Invocation | None = None
    """The curl invocation (None for an http block)."""
    http_request: HttpRequest | None = None
    response: DocumentedResponse | None = None
    setup: tuple[Assignment, ...] = ()
    """Assignments written before this step (since the previous one), applied first, in order."""
    captures: tuple[Capture, ...] = ()
    reads: frozenset[str] = frozenset()
    binds: frozenset[str] = frozenset()
    skip: str | None = None
    """A `skip="reason"` directive: the step is reported as skipped with this reason."""
    strict: bool = False
    ignore: tuple[str, ...] = ()
    unordered: tuple[str, ...] = ()
    hidden: bool = False
    prints_response: bool = True
    """False when no documented block can show the body (`-o /dev/null`, `-I`); after
    `-o FILE` the documented block is the file's content, as `cat FILE` shows it."""
    write_out: WriteOut | None = None
    """curl's `-w` format, when every variable in it can be checked against a real answer."""
    printing: Printing | None = None
    """How the curl command prints its answer (`-o`, `-i`, `-I`, `-f`, `-s`, `-S`, `-w`): what
    the documented response is held against. None for an http block (its response is read
    as a whole)."""


@dataclass(frozen=True, slots=True)
class Guide:
    """A planned guide: its steps (fixture steps first) or the errors that kept it from planning."""

    path: str
    steps: tuple[Step, ...] = ()
    errors: tuple[tuple[Source, str], ...] = ()
    """What kept the guide from being read or planned, each at its line: nothing is sent."""
    notes: tuple[tuple[Source, str], ...] = ()
    """Lint notes: commands that are not run, variables better written as variables."""
    requires: tuple[str, ...] = field(default=())
    linked: frozenset[str] = frozenset()
    """The files the guide links to (display paths): a reader can follow those, so the
    variables a linked fixture sets are in a reader's shell; an unlinked fixture's are not."""
