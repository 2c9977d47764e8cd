"""How a curl command prints its answer, as the planner hands it on: options and `-w`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Destination", "FailMode", "Printing", "WriteOut"]

FailMode = Literal["none", "fail", "with-body"]
Destination = Literal["stdout", "file", "nowhere"]

_DISCARDED = frozenset({"/dev/null", "NUL", "nul"})

@dataclass(frozen=True, slots=True)
class Printing:
    """The options of one curl command that decide what its reader sees."""

    output: str | None = None
    """`-o FILE` as written; None (or `-`) when the answer goes to the terminal."""
    include: bool = False
    """`-i`: the status line and headers come before the body."""
    head: bool = False
    """`-I`: a HEAD request whose status line and headers are printed (there is no body)."""
    fail: FailMode = "none"
    """`-f` prints no body for a status of 400 or more; `--fail-with-body` still does."""
    silent: bool = False
    """`-s`: no progress meter and, without `-S`, no error line."""
    show_error: bool = False
    """`-S`: the error line even when silent."""
    progress_meter: bool = True
    """False with `--no-progress-meter`."""
    write_out: str | None = None
    """`-w FORMAT` as written: printed on the terminal after the answer, whatever happens."""

    @property
    def destination(self) -> Destination:
        """Where the status line, headers and body go."""
        if self.output is None or self.output == "-":
            return "stdout"
        return "nowhere" if self.output in _DISCARDED else "file"

    def named(self, what: Literal["fail", "head", "output", "silent"]) -> str:
        """An option as a message names it: `-f`, `--fail-with-body`, `-I`, `-o agent.json`."""
        if what == "fail":
            return "--fail-with-body" if self.fail == "with-body" else "-f"
        if what == "head":
            return "-I"
        if what == "output":
            return f"-o {self.output}"
        return "-s"


@dataclass(frozen=True, slots=True)
class WriteOut:
    """A `-w` format every variable of which can be checked (`translate.curl` reads it)."""

    format: str
