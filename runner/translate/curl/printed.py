"""What a reader sees after a curl command: curl 7.88's printing, for one real answer.

A guide shows what a command printed (a console transcript) or what it wrote (the body
after `-o FILE`, as `cat FILE` shows it). Which of the status line, headers, body, `-w`
text and error line appear, and where, depends on a handful of options and on the real
status only; `Screen` is that decision and `printed` renders it byte for byte, so the
tests can hold it against the real curl. `split_documented` reads the other side: the
error line and `-w` text a guide shows, split off the documented output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Literal

from runner.model.printing import Destination, Printing, WriteOut
from runner.model.step import DocumentedResponse
from runner.translate.curl.write_out import (
    PrintedFacts,
    parse_write_out,
    render_write_out,
    split_printed,
)

__all__ = [
    "Answer",
    "Printed",
    "Screen",
    "error_line",
    "is_meter",
    "printed",
    "screen",
    "split_documented",
]

# `curl: (22) The requested URL returned error: 404` as a guide may write it; the text after
# the code is compared with what curl 7.88 prints, so an older wording is caught, not skipped.
_ERROR_LINE = re.compile(r"curl: \([0-9]+\) .*")
_ERROR_STATUS = re.compile(r"\berror:? ([1-5][0-9]{2})\b")


@dataclass(frozen=True, slots=True)
class Screen:
    """What a reader sees for one real status: which parts are printed, and where."""

    destination: Destination
    """Where `headers` and `body` go: the terminal, the `-o` file, or nowhere (`/dev/null`)."""
    headers: bool
    """The status line and headers are written (`-i`, `-I`), even when `-f` fails."""
    body: bool
    """The body is written (not with `-I`, nor with `-f` on a status of 400 or more)."""
    file_written: bool
    """`-o FILE` exists afterwards: `-f` that fails with nothing to write creates no file."""
    error: str | None
    """The line curl prints on the terminal's stderr (`curl: (22) ...`), if any."""
    write_out: bool
    """`-w` text follows on the terminal."""
    meter: bool
    """A progress meter shows on a terminal (only when the answer goes elsewhere)."""


# The progress meter's heading and rows, as a transcript of `curl -o FILE` may show them.
_METER_LINE = re.compile(r"\s*(?:% Total\s+% Received.*|Dload\s+Upload.*|[0-9 .:kMG-]+)")


def is_meter(text: str) -> bool:
    """Whether a documented output is nothing but curl's progress meter."""
    lines = [line for line in text.replace("\r", "\n").split("\n") if line.strip()]
    # Its heading says it is a meter: a bare number alone could be anything.
    return any("% Total" in line for line in lines) and all(
        _METER_LINE.fullmatch(line) for line in lines)


def error_line(status: int) -> str:
    """What curl 7.88 prints on stderr when `-f` meets a status of 400 or more."""
    return f"curl: (22) The requested URL returned error: {status}"


def screen(printing: Printing, status: int) -> Screen:
    """What the reader sees when the real answer has this status."""
    failed = printing.fail != "none" and status >= 400
    destination = printing.destination
    headers = printing.include or printing.head
    body = not printing.head and not (failed and printing.fail == "fail")
    shows_error = failed and (not printing.silent or printing.show_error)
    return Screen(
        destination=destination,
        headers=headers,
        body=body,
        file_written=destination == "file" and (headers or body),
        error=error_line(status) if shows_error else None,
        write_out=printing.write_out is not None,
        # curl keeps the terminal clean when the answer is printed there; a meter shows only
        # while the answer goes to a file (or /dev/null).
        meter=not printing.silent and printing.progress_meter and destination != "stdout",
    )


@dataclass(frozen=True, slots=True)
class Answer:
    """A real answer as curl reads it off the wire."""

    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]
    """In the order received, names as the server spelled them."""
    body: bytes
    method: str = "GET"
    version: str = "HTTP/1.1"


@dataclass(frozen=True, slots=True)
class Printed:
    """What curl writes: the terminal's two streams and the `-o` file (None: no file)."""

    stdout: bytes
    stderr: bytes
    file: bytes | None
    write_out: bytes = b""
    """The `-w` text, the end of `stdout`: written after the transfer and its error line."""

    @property
    def terminal(self) -> bytes:
        """Both streams as one terminal shows them, in the order they appear there.

        stdout is line-buffered on a terminal and stderr is not: the error line comes
        after the answer's last complete line, before the rest of it and the `-w` text.
        """
        answer = self.stdout[: len(self.stdout) - len(self.write_out)]
        cut = answer.rfind(b"\n") + 1
        return answer[:cut] + self.stderr + answer[cut:] + self.write_out


def _head(answer: Answer) -> bytes:
    """The status line and headers as curl prints them (CRLF, a blank line after)."""
    lines = [f"{answer.version} {answer.status} {answer.reason}".rstrip() + "\r\n"]
    lines += [f"{name}: {value}\r\n" for name, value in answer.headers]
    return ("".join(lines) + "\r\n").encode("latin-1", "replace")


def printed(printing: Printing, answer: Answer) -> Printed:
    """Exactly what curl writes for this answer (progress meter aside: it varies).

    `-w` variables that vary from run to run render as `0`; with a `-w` format whose
    variables cannot all be rendered, the `-w` text is left out.
    """
    seen = screen(printing, answer.status)
    shown = (_head(answer) if seen.headers else b"") + (answer.body if seen.body else b"")
    write_out = parse_write_out(printing.write_out) if printing.write_out else None
    text = b""
    if write_out is not None:
        facts = PrintedFacts(status=answer.status, size=len(answer.body), method=answer.method,
                             headers={name.lower(): value for name, value in answer.headers})
        text = render_write_out(write_out, facts).encode()
    return Printed(
        stdout=(shown if seen.destination == "stdout" else b"") + text,
        stderr=(seen.error + "\n").encode() if seen.error else b"",
        file=shown if seen.file_written else None,
        write_out=text,
    )


def split_documented(
    response: DocumentedResponse | None, write_out: WriteOut | None
) -> DocumentedResponse | None:
    """The documented output with curl's error line and `-w` text split off.

    A transcript shows `curl: (22) The requested URL returned error: 404` before the body
    (stderr is unbuffered, the body waits for its newline) or after it: the first or the
    last line. Its status is the documented status, as a printed `%{http_code}` is.
    """
    if response is None:
        return None
    split = _split_error_line(response, last_only=False)
    split = split_printed(split, write_out)
    if split is not None and split.error_line is None:
        # On a terminal the error line may sit between the body and the `-w` text.
        split = _split_error_line(split, last_only=True)
    return split


def _split_error_line(
    response: DocumentedResponse | None, *, last_only: bool
) -> DocumentedResponse | None:
    """The response with a `curl: (N) ...` first (or last) line moved to `error_line`."""
    if response is None:
        return None
    lines = response.body.split("\n")
    filled = [index for index, line in enumerate(lines) if line.strip()]
    for index in (filled[-1:] + ([] if last_only else filled[:1])) if filled else []:
        line = lines[index].strip()
        if _ERROR_LINE.fullmatch(line) is None:
            continue
        first = index == filled[0]
        # The body is what is left on the other side of the line (blank lines aside).
        body = "\n".join(lines[index + 1:] if first else lines[:index])
        code = found.group(1) if (found := _ERROR_STATUS.search(line)) else None
        response = replace(
            response,
            kind=_kind(response, body),
            body=body,
            body_line=response.body_line + (index + 1 if first else 0),
            error_line=line,
            error_line_at=response.body_line + index,
            status=response.status if response.status is not None or code is None
            else int(code),
        )
        break
    return response


def _kind(response: DocumentedResponse, body: str) -> Literal["json", "http", "console", "text"]:
    if response.kind in ("http", "text"):
        return response.kind
    return "json" if body.lstrip()[:1] in ("{", "[") else "console"
