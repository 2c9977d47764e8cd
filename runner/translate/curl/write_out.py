"""curl's `-w FORMAT`: what it prints after a transfer, read from a guide and rendered for real.

A guide writes `curl -s -o /dev/null -w '%{http_code}\\n' ...` and shows `204` under it:
the printed code is the documented status, and the rest of what `-w` prints is compared
with what curl would print for the real response.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

from runner.model.printing import WriteOut
from runner.model.step import DocumentedResponse

__all__ = [
    "PrintedFacts",
    "documented_tail",
    "parse_write_out",
    "render_write_out",
    "split_printed",
    "write_out_matches",
]

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\"}
_TOKEN = re.compile(r"%%|%\{header\{(?P<header>[^}]*)\}\}|%\{(?P<name>[a-z_]+)\}|\\(?P<esc>.)",
                    re.DOTALL)
_STATUS_NAMES = frozenset({"http_code", "response_code"})
# Known to differ from run to run, or from the guide's machine to the target: any value of
# the right shape matches.
_VARYING = {
    **dict.fromkeys(("time_appconnect", "time_connect", "time_namelookup", "time_pretransfer",
                     "time_redirect", "time_starttransfer", "time_total", "speed_download",
                     "speed_upload"), r"[0-9]+(?:\.[0-9]+)?"),
    **dict.fromkeys(("size_header", "size_request", "size_upload", "local_port", "remote_port",
                     "num_connects", "num_redirects"), r"[0-9]+"),
    **dict.fromkeys(("local_ip", "remote_ip"), r"[0-9A-Fa-f.:]*"),
}


@dataclass(frozen=True, slots=True)
class PrintedFacts:
    """What a real transfer lets `-w` print."""

    status: int
    headers: Mapping[str, str]
    """Response headers, names lower-cased."""
    size: int
    method: str


_RENDERERS: dict[str, Callable[[PrintedFacts], str]] = {
    "http_code": lambda facts: f"{facts.status:03d}",
    "response_code": lambda facts: f"{facts.status:03d}",
    "content_type": lambda facts: facts.headers.get("content-type", ""),
    "size_download": lambda facts: str(facts.size),
    "method": lambda facts: facts.method,
    "http_version": lambda facts: "1.1",
}
# What each printed value can look like in a guide, so that only what `-w` printed is split
# off the end of a documented output (never a JSON body's closing brace).
_SHAPES = {
    "content_type": r"[!-~]*(?:; ?[!-~]+)*", "size_download": r"[0-9]+", "method": r"[A-Z]+",
    "http_version": r"[0-9.]+", "header": r"[^\n{}\[\]\"]*",
}


def _pieces(write_out: WriteOut) -> Iterator[tuple[str, str]]:
    """(kind, text): `text` literal output, or a `var`/`header` name."""
    position = 0
    for found in _TOKEN.finditer(write_out.format):
        if found.start() > position:
            yield "text", write_out.format[position : found.start()]
        position = found.end()
        if found.group() == "%%":
            yield "text", "%"
        elif found.group("esc") is not None:
            escape = found.group("esc")
            yield "text", _ESCAPES.get(escape, "\\" + escape)
        elif found.group("header") is not None:
            yield "header", found.group("header").lower()
        else:
            yield "var", found.group("name")
    if position < len(write_out.format):
        yield "text", write_out.format[position:]


def documented_tail(write_out: WriteOut) -> re.Pattern[str] | None:
    """What this format prints, as a pattern for the end of a documented output.

    The group `status` holds a printed `%{http_code}`. None when nothing the format
    prints (a status, or text of its own) could tell its output from the body's end:
    a guide showing only the body after `-w '%{time_total}'` must keep its body.
    """
    pieces = _trimmed(list(_pieces(write_out)), leading=False)
    anchored = any((kind == "text" and bool(text.strip()))
                   or (kind == "var" and text in _STATUS_NAMES) for kind, text in pieces)
    if not anchored:
        return None
    pattern, status = "", False
    for kind, text in pieces:
        if kind == "text":
            pattern += re.escape(text)
        elif kind == "var" and text in _STATUS_NAMES and not status:
            pattern, status = pattern + r"(?P<status>[0-9]{3})", True
        elif kind == "var" and text in _STATUS_NAMES:
            pattern += r"[0-9]{3}"
        else:
            pattern += _VARYING.get(text) or _SHAPES["header" if kind == "header" else text]
    return re.compile(pattern + r"\s*\Z")


def write_out_matches(write_out: WriteOut, printed: str, facts: PrintedFacts) -> bool:
    """Whether curl, given this real transfer, could have printed `printed`."""
    pattern = ""
    for kind, text in _trimmed(list(_pieces(write_out)), leading=True):
        if kind == "text":
            pattern += re.escape(text)
        elif kind == "header":
            pattern += re.escape(facts.headers.get(text, ""))
        elif text in _VARYING:
            pattern += _VARYING[text]
        else:
            pattern += re.escape(_RENDERERS[text](facts))
    return re.fullmatch(pattern, printed.strip()) is not None


def render_write_out(write_out: WriteOut, facts: PrintedFacts) -> str:
    """What curl prints for the real transfer (varying values as curl would: numbers)."""
    out = []
    for kind, text in _pieces(write_out):
        if kind == "text":
            out.append(text)
        elif kind == "header":
            out.append(facts.headers.get(text, ""))
        elif text in _VARYING:
            out.append("0")
        else:
            out.append(_RENDERERS[text](facts))
    return "".join(out)


def split_printed(
    response: DocumentedResponse | None, write_out: WriteOut | None
) -> DocumentedResponse | None:
    """The documented output with what curl's `-w` printed split off its end.

    A printed `%{http_code}` is the documented status, as an `HTTP/1.1` line would be.
    """
    tail = documented_tail(write_out) if write_out is not None else None
    if response is None or tail is None or response.kind == "http":
        return response
    found = tail.search(response.body)
    if found is None:
        return response
    body = response.body[: found.start()]
    printed = found.group(0)
    blank = len(printed) - len(printed.lstrip())
    code = found.group("status") if "status" in found.groupdict() else None
    return replace(
        response,
        kind="json" if body.lstrip()[:1] in ("{", "[") else "console",
        body=body,
        printed=printed,
        printed_line=response.body_line + response.body.count("\n", 0, found.start() + blank),
        status=int(code) if code is not None else response.status,
    )


def _trimmed(pieces: list[tuple[str, str]], *, leading: bool) -> list[tuple[str, str]]:
    """The pieces without the blanks at the end (and the start): a fence keeps or drops
    those as it likes, so they are never compared."""
    while pieces and pieces[-1][0] == "text" and not pieces[-1][1].strip():
        pieces.pop()
    if pieces and pieces[-1][0] == "text":
        pieces[-1] = ("text", pieces[-1][1].rstrip())
    while leading and pieces and pieces[0][0] == "text" and not pieces[0][1].strip():
        pieces.pop(0)
    if leading and pieces and pieces[0][0] == "text":
        pieces[0] = ("text", pieces[0][1].lstrip())
    return pieces


def parse_write_out(fmt: str) -> WriteOut | None:
    """The format, or None when it reads a file (`@file`) or prints what cannot be checked."""
    if fmt.startswith("@"):
        return None
    for found in _TOKEN.finditer(fmt):
        name = found.group("name")
        if name is not None and name not in _RENDERERS and name not in _VARYING:
            return None
    return WriteOut(fmt)
