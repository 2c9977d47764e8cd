"""A documented response against what the command as written prints for the real answer.

The guide shows what a reader sees after a command: the terminal (a console transcript),
or the body `-o FILE` wrote. A part of it that curl could never print for the real
status (a body after `-f` on a 404, after `-I`, after `-o /dev/null`; headers without
`-i`; an error line curl does not print) is a failure at that part's line, saying why
and how to fix it, and that part is not compared further.
"""

from __future__ import annotations

from dataclasses import dataclass

from runner.model import DocumentedResponse, Printing, Problem
from runner.translate.curl import Screen, is_meter, screen

__all__ = ["PrintedCheck", "check_printed"]


@dataclass(frozen=True, slots=True)
class PrintedCheck:
    """What the reader sees for the real status, and the documented parts curl never prints."""

    screen: Screen
    problems: tuple[Problem, ...]
    body_unseen: bool
    """The documented body is not what curl prints: it is not compared."""


def check_printed(
    printing: Printing | None, documented: DocumentedResponse, status: int | None = None
) -> PrintedCheck:
    """The documented response's parts that the command could not print for `status`.

    With no status, only the parts it could print for no status at all (what `-f` and its
    error line print depends on the status; what `-I` or `-o /dev/null` print does not).
    """
    printing = printing or Printing()
    # A status under 400 makes `-f` print what it would without it: nothing depends on it.
    seen = screen(printing, 200 if status is None else status)
    problems: list[Problem] = []
    headers = _headers_problem(printing, seen, documented)
    if headers is not None:
        problems.append(headers)
    # The meter a reader sees while the body goes to the file is no body to compare.
    meter = seen.meter and documented.transcript and is_meter(documented.body)
    body = None if meter else _body_problem(printing, seen, documented, status or 200)
    if body is not None:
        problems.append(body)
    error = None if status is None else _error_problem(printing, seen, documented, status)
    if error is not None:
        problems.append(error)
    return PrintedCheck(screen=seen, problems=tuple(problems),
                        body_unseen=meter or body is not None)


def _headers_problem(
    printing: Printing, seen: Screen, documented: DocumentedResponse
) -> Problem | None:
    """A transcript showing the status line and headers of a command that prints neither.

    An `http` block after the command documents the answer and may show headers; a
    transcript is the terminal, where they appear only with `-i` or `-I`.
    """
    if documented.kind != "http" or not documented.transcript or seen.headers:
        return None
    if seen.destination != "stdout":
        return None  # the body check names `-o`, the real reason
    return Problem(
        message="curl prints no status line or headers without `-i`; add `-i` to the command "
                "or show only what it prints",
        source=documented.source, path=None, expected="a status line and headers",
        actual="the body only")


def _body_problem(
    printing: Printing, seen: Screen, documented: DocumentedResponse, status: int
) -> Problem | None:
    """A documented body the reader cannot see: why, and what they see instead."""
    if not documented.body.strip():
        return None
    source = documented.source.at(documented.body_line)
    if printing.head:
        message = "`curl -I` prints only the headers; drop the body or `-I`"
        actual = "the headers only"
    elif seen.destination == "nowhere":
        flag = printing.named("output")
        message = f"`curl {flag}` prints no body; drop the body or `{flag}`"
        actual = f"no body (it goes to {printing.output})"
    elif seen.destination == "file" and documented.transcript:
        flag = printing.named("output")
        message = (f"`curl {flag}` prints no body: it writes it to {printing.output}; show it "
                   f"under `$ cat {printing.output}`, or drop `{flag}`")
        actual = f"no body (it goes to {printing.output})"
    elif not seen.body:
        flag = printing.named("fail")
        wrote = (f" and writes no {printing.output}"
                 if seen.destination == "file" and not seen.file_written else "")
        message = f"`curl {flag}` prints no body for {status}{wrote}; drop `{flag}` or the body"
        actual = seen.error if seen.error is not None else "nothing"
    else:
        return None
    return Problem(message=message, source=source, path=None, expected="a body",
                   actual=actual)


def _error_problem(
    printing: Printing, seen: Screen, documented: DocumentedResponse, status: int
) -> Problem | None:
    """A documented `curl: (22) ...` line against the one curl prints (or does not)."""
    shown = documented.error_line
    if shown is None:
        return None
    source = documented.source.at(documented.error_line_at)
    if seen.error is not None:
        if shown == seen.error:
            return None
        return Problem(message="curl 7.88 prints another error line", source=source,
                       path=None, expected=shown, actual=seen.error)
    if printing.fail == "none":
        why = (f"curl without `-f` prints the {status} answer, not an error line; add `-f` or "
               "drop the line")
    elif status < 400:
        why = (f"`curl {printing.named('fail')}` prints an error line only for a status of "
               f"400 or more, not {status}")
    else:
        why = (f"`curl {printing.named('silent')}` hides the error line; write `-sS` to show "
               "it, or drop the line")
    return Problem(message=why, source=source, path=None, expected=shown,
                   actual="no error line")
