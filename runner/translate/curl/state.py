"""curl 7.88's options gathered in order, and the headers curl builds from them."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

from runner.model import DocError, FailMode, Printing, Source
from runner.translate.curl.body import FileReader, FormPart, data_piece, parse_form
from runner.translate.curl.options import SUPPORTED, Option, unsupported

__all__ = [
    "PRINTING_OPTIONS",
    "TOKEN",
    "USER_AGENT",
    "State",
    "apply",
    "custom_headers",
    "default_headers",
    "printing_of",
    "seconds",
]

USER_AGENT = "curl/7.88.1"
TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(slots=True)
class State:
    """What the options said, gathered in order before the request is assembled."""

    urls: list[str] = field(default_factory=list)
    method: str | None = None
    headers: list[str] = field(default_factory=list)
    data: list[tuple[bool, bytes]] = field(default_factory=list)
    queries: list[bytes] = field(default_factory=list)
    forms: list[FormPart] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    """The request kinds -F and -I chose, in order (curl's SetHTTPrequest calls)."""
    get: bool = False
    head: bool = False
    upload: str | None = None
    user: str | None = None
    bearer: str | None = None
    agent: str = USER_AGENT
    referer: str = ""
    cookies: list[str] = field(default_factory=list)
    compressed: bool = False
    flags: dict[str, bool] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)


_DATA = ("data", "data-ascii", "data-binary", "data-raw", "data-urlencode", "json")
_SWITCHES = ("location", "insecure", "fail", "fail-with-body", "include", "silent",
             "show-error", "verbose", "progress-meter", "globoff", "buffer")


def apply(option: Option, state: State, files: FileReader, source: Source | None) -> None:
    name, value = option.name, option.value or ""
    if name not in SUPPORTED:
        raise unsupported(option, source)
    if name in _DATA:
        state.data.append((name == "json", data_piece(name, value, files)))
    elif name == "url-query":
        state.queries.append(data_piece(name, value, files))
    elif name in ("form", "form-string"):
        state.forms.append(parse_form(value, name == "form-string", files, source))
        state.requests.append("form")
    elif name == "url":
        state.urls.append(value)
    elif name == "request":
        if not value:
            raise DocError("curl: -X '' names no method; expected e.g. -X POST", source)
        state.method = value
    elif name == "header":
        state.headers.append(value)
    elif name == "get":
        state.get = option.enabled
    elif name == "head":
        state.head = option.enabled
        # curl settles -I (and --no-head, a GET) at once; a clash is an error right there.
        state.requests.append("head" if option.enabled else "get")
    elif name == "upload-file":
        state.upload = value or None  # curl ignores an empty -T
    elif name == "user":
        state.user = value
    elif name == "oauth2-bearer":
        state.bearer = value
    elif name == "user-agent":
        state.agent = value
    elif name == "referer":
        state.referer = value.removesuffix(";auto")
    elif name == "cookie":
        if value and "=" not in value:
            raise DocError(
                f"curl: -b {value!r} names a cookie file; only cookie strings (name=value) "
                "are supported",
                source,
            )
        if value:
            state.cookies.append(value)
    elif name == "compressed":
        state.compressed = option.enabled
    elif name in _SWITCHES:
        state.flags[name] = option.enabled
        if state.flags.get("fail") and state.flags.get("fail-with-body"):
            raise DocError(
                f"curl: option {option.written}: you must select either --fail or "
                "--fail-with-body, not both",
                source,
            )
    else:
        state.values[name] = value


PRINTING_OPTIONS = frozenset({"fail", "fail-with-body", "include", "head", "silent",
                              "show-error", "progress-meter", "output", "write-out"})
"""The options `printing_of` reads: applying only these needs no file, URL or header."""


def printing_of(state: State) -> Printing:
    """What decides curl's printing, as the last of each switch left it."""
    flags = state.flags
    fail: FailMode = ("with-body" if flags.get("fail-with-body") else
                      "fail" if flags.get("fail") else "none")
    return Printing(
        output=state.values.get("output"),
        include=flags.get("include", False),
        head=state.head,
        fail=fail,
        silent=flags.get("silent", False),
        show_error=flags.get("show-error", False),
        progress_meter=flags.get("progress-meter", True),
        write_out=state.values.get("write-out"),
    )


def seconds(state: State, name: str, source: Source | None) -> float | None:
    if name not in state.values:
        return None
    try:
        seconds = float(state.values[name])
    except ValueError:
        raise DocError(
            f"curl: --{name} expected a number of seconds, got {state.values[name]!r}", source
        ) from None
    return seconds or None


def custom_headers(
    lines: list[str], source: Source | None
) -> tuple[list[tuple[str, str]], set[str]]:
    """-H lines as curl sends them, and every name they mention (removals included)."""
    sent: list[tuple[str, str]] = []
    named: set[str] = set()
    for line in lines:
        if line.startswith("@"):
            raise DocError(f"curl: -H {line!r} reads headers from a file (not supported)", source)
        if line[:1] in (" ", "\t") or "\r" in line or "\n" in line:
            raise DocError(f"curl: -H {line!r}: a header line must start with its name", source)
        name, colon, value = line.partition(":")
        if not colon:
            if not line.endswith(";"):
                continue  # curl ignores a header with neither ':' nor a final ';'
            name, value = line[:-1], ""
        else:
            # Leading blanks are no part of the value; trailing ones are (curl sends them).
            value = value.lstrip(" \t")
            if not value:
                named.add(name.lower())
                continue  # `X:` removes curl's own X and sends nothing
        if not TOKEN.match(name):
            raise DocError(f"curl: -H {line!r}: {name!r} is not a valid header name", source)
        named.add(name.lower())
        # curl writes a custom Host line itself, always spelled `Host:`.
        sent.append(("Host" if name.lower() == "host" else name, value))
    return sent, named


def default_headers(
    state: State,
    sent: list[tuple[str, str]],
    named: set[str],
    is_json: bool,
    source: Source | None,
) -> tuple[list[tuple[str, str]], list[str]]:
    """curl's header order: Host, Authorization, User-Agent, Accept, ..., then -H lines."""
    headers: list[tuple[str, str]] = []
    secrets: list[str] = []
    host = [(n, v) for n, v in sent if n.lower() == "host"]
    if "host" in named and not host:
        raise DocError("curl: removing the Host header (-H 'Host:') is not supported", source)
    headers += host[:1]
    authorization: str | None = None
    if state.bearer == "" and "authorization" not in named:
        raise DocError(
            "curl: --oauth2-bearer '' sends 'Authorization: Bearer ' with a trailing blank, "
            "which no HTTP/1.1 client library will send; expected a token",
            source,
        )
    if state.bearer is not None:
        authorization = f"Bearer {state.bearer}"
        secrets += [state.bearer, authorization]
    elif state.user is not None:
        _, colon, password = state.user.partition(":")
        if not colon:
            raise DocError(
                # Not quoted: a writer who forgot the id may have put the secret there.
                "curl: -u has no password (curl would prompt for it); "
                "expected -u user:password",
                source,
            )
        token = base64.b64encode(state.user.encode("utf-8", "surrogateescape")).decode()
        authorization = f"Basic {token}"
        secrets += [password, token, authorization, state.user]
    defaults = [
        ("Authorization", authorization),
        ("User-Agent", state.agent or None),
        ("Accept", None if is_json else "*/*"),
        ("Accept-Encoding", "deflate, gzip, br, zstd" if state.compressed else None),
        ("Referer", state.referer or None),
        ("Cookie", ";".join(state.cookies) or None),
    ]
    headers += [(n, v) for n, v in defaults if v is not None and n.lower() not in named]
    headers += [(n, v) for n, v in sent if n.lower() != "host"]
    if is_json:
        for name in ("Content-Type", "Accept"):
            if name.lower() not in named:
                headers.append((name, "application/json"))
    return headers, secrets
