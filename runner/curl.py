"""curl 7.88 arguments -> the request curl would send (the public curl translation)."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import httpx

from runner._curl_body import FileReader, FormPart, curl_escape, data_piece, multipart, parse_form
from runner._curl_options import SUPPORTED, Option, parse_args
from runner._curl_url import CurlUrl, parse_url
from runner.errors import DocError
from runner.source import Source

__all__ = ["to_request"]

USER_AGENT = "curl/7.88.1"
_MEBI = 1024 * 1024
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def _bytes(text: str) -> bytes:
    # Arguments may carry undecodable bytes (surrogate escapes): send them as they were.
    return text.encode("utf-8", "surrogateescape")


@dataclass(frozen=True, slots=True)
class CurlRequest:
    """A curl command line understood: the request plus the options that change how it is run."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    """Every header curl sends, in curl's order (Host only when `-H Host:` sets it)."""
    body: bytes
    follow_redirects: bool = False
    max_redirects: int = 50
    timeout: float | None = None
    connect_timeout: float | None = None
    fail: bool = False
    include_headers: bool = False
    head: bool = False
    insecure: bool = False
    output_file: str | None = None
    write_out: str | None = None
    secrets: tuple[str, ...] = ()
    """Values the user gave as credentials (`-u`, `--oauth2-bearer`, Authorization)."""
    target: str | None = None
    """The exact request target (path and query) curl puts on the request line."""

    def to_httpx(self) -> httpx.Request:
        """The request as httpx sends it (same method, target, headers and body bytes)."""
        try:
            url = httpx.URL(self.url)
        except httpx.InvalidURL as error:
            raise DocError(f"curl: URL {self.url!r} cannot be sent: {error}") from None
        extensions = {"target": _bytes(self.target)} if self.target is not None else {}
        chunked = any(
            n.lower() == "transfer-encoding" and v == "chunked" for n, v in self.headers
        )
        # A list, not a generator: httpx frames it chunked, like curl's `-T -`, and can resend it.
        content: bytes | list[bytes] = [self.body] if chunked else self.body
        request = httpx.Request(self.method, url, content=content, extensions=extensions)
        headers = list(self.headers)
        if not any(name.lower() == "host" for name, _ in headers):
            headers.insert(0, ("Host", url.netloc.decode("ascii")))
        # Exactly curl's headers: httpx's own (Content-Length: 0 on a bare POST) are dropped.
        request.headers = httpx.Headers([(_bytes(n), _bytes(v)) for n, v in headers])
        request.method = self.method  # httpx upper-cases; curl sends `-X wHat` as written
        return request


@dataclass(slots=True)
class _State:
    """What the options said, gathered in order before the request is assembled."""

    urls: list[str] = field(default_factory=list)
    method: str | None = None
    headers: list[str] = field(default_factory=list)
    data: list[tuple[bool, bytes]] = field(default_factory=list)
    queries: list[bytes] = field(default_factory=list)
    forms: list[FormPart] = field(default_factory=list)
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
             "show-error", "verbose", "progress-meter")


def _apply(option: Option, state: _State, files: FileReader, source: Source | None) -> None:
    name, value = option.name, option.value or ""
    if name not in SUPPORTED:
        shown = option.written if option.written == f"--{name}" else f"{option.written} (--{name})"
        raise DocError(f"curl: option {shown} is outside the supported flag set", source)
    if name in _DATA:
        state.data.append((name == "json", data_piece(name, value, files)))
    elif name == "url-query":
        state.queries.append(data_piece(name, value, files))
    elif name in ("form", "form-string"):
        state.forms.append(parse_form(value, name == "form-string", files, source))
    elif name == "url":
        state.urls.append(value)
    elif name == "request":
        state.method = value or None
    elif name == "header":
        state.headers.append(value)
    elif name == "get":
        state.get = option.enabled
    elif name == "head":
        state.head = option.enabled
    elif name == "upload-file":
        state.upload = value
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
    else:
        state.values[name] = value


def _seconds(state: _State, name: str, source: Source | None) -> float | None:
    if name not in state.values:
        return None
    try:
        seconds = float(state.values[name])
    except ValueError:
        raise DocError(
            f"curl: --{name} expected a number of seconds, got {state.values[name]!r}", source
        ) from None
    return seconds or None


def _custom_headers(
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
            value = value.strip(" \t")
            if not value:
                named.add(name.lower())
                continue  # `X:` removes curl's own X and sends nothing
        if not _TOKEN.match(name):
            raise DocError(f"curl: -H {line!r}: {name!r} is not a valid header name", source)
        named.add(name.lower())
        sent.append((name, value))
    return sent, named


def build_request(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    source: Source | None = None,
) -> CurlRequest:
    """Interpret curl's arguments (argv[0] is `curl`) as curl 7.88 does, or raise DocError.

    `cwd` is the guide's folder: `@file` references are read below it and never above.
    """
    files = FileReader(cwd if cwd is not None else Path.cwd(), stdin, source)
    parsed = parse_args(list(argv[1:]), source)
    state = _State()
    for option in parsed.options:
        _apply(option, state, files, source)
    urls = state.urls + list(parsed.urls)
    if not urls:
        raise DocError("curl: no URL specified", source)
    if len(urls) > 1:
        raise DocError(f"curl: several URLs ({', '.join(urls)}) are not supported", source)
    url = parse_url(urls[0], source)
    try:
        httpx.URL(url.url)
    except httpx.InvalidURL as error:
        raise DocError(f"curl: URL {urls[0]!r} is not valid: {error}", source) from None

    body_kinds = [
        kind
        for kind, used in (
            ("-d", bool(state.data) and not state.get),
            ("-F", bool(state.forms)),
            ("-T", state.upload is not None),
            ("-I", state.head and not state.forms),
        )
        if used
    ]
    if len(body_kinds) > 1:
        raise DocError(
            f"curl: you can only select one HTTP request method ({' and '.join(body_kinds)})",
            source,
        )
    joined = b""
    for index, (is_json, piece) in enumerate(state.data):
        joined += piece if is_json or index == 0 else b"&" + piece
    is_json = any(flag for flag, _ in state.data)

    url = _query(url, state, joined, source)
    body, method, content_type = b"", "GET", None
    sent, named = _custom_headers(state.headers, source)
    if state.forms:
        method = "POST"
        custom = next((v for n, v in sent if n.lower() == "content-type"), None)
        if custom is not None and not custom.lower().startswith("multipart/"):
            raise DocError(f"curl: -F with Content-Type {custom!r} is not supported", source)
        media = custom or "multipart/form-data"
        form_data = media.lower().startswith("multipart/form-data")
        disposition = "form-data" if form_data else "attachment"
        boundary, body = multipart(state.forms, disposition)
        content_type = f"{media}; boundary={boundary}"
        sent = [(n, v) for n, v in sent if n.lower() != "content-type"]
        named.discard("content-type")
    elif state.upload is not None:
        method = "PUT"
        body = files.read(state.upload, "-T")
        if state.upload != "-":
            url = url.with_file_name(curl_escape(_bytes(PurePosixPath(state.upload).name)))
    elif state.data and not state.get:
        method, body = "POST", joined
        if not is_json:
            content_type = "application/x-www-form-urlencoded"
    elif state.head:
        method = "HEAD"
    if state.method is not None:
        if not _TOKEN.match(state.method):
            raise DocError(f"curl: -X {state.method!r} is not an HTTP method name", source)
        method = state.method
    has_body = bool(state.forms) or state.upload is not None or (bool(state.data) and not state.get)

    headers, secrets = _headers(state, sent, named, is_json, source)
    if state.upload == "-" and not state.forms:
        # curl streams standard input: its size is unknown, so the body goes chunked.
        headers.append(("Transfer-Encoding", "chunked"))
    elif has_body and "content-length" not in named:
        headers.append(("Content-Length", str(len(body))))
    if content_type is not None and "content-type" not in named:
        headers.append(("Content-Type", content_type))
    if "expect" not in named and (state.upload is not None or (has_body and len(body) > _MEBI)):
        # curl asks before an upload or a body over 1 MiB; httpx sends the body right away,
        # which a server must accept, so the header goes out as curl sends it.
        headers.append(("Expect", "100-continue"))
    for name, value in sent:
        if name.lower() == "authorization":
            secrets += [value, value.partition(" ")[2]]
    if any(n.lower() == "content-length" and v != str(len(body)) for n, v in sent):
        raise DocError(
            "curl: a -H Content-Length that differs from the body is not supported", source
        )

    # HTTP/1.1 clients trim a value's outer blanks (servers read it so from curl as well).
    headers = [(name, value.strip(" \t")) for name, value in headers]
    for name, value in headers:
        if _CONTROL.search(value):
            raise DocError(
                f"curl: header {name!r} holds a control character ({value!r}); "
                "expected printable text",
                source,
            )
    redirects = state.values.get("max-redirs", "50")
    if not redirects.lstrip("-").isdigit():
        raise DocError(f"curl: --max-redirs expected a number, got {redirects!r}", source)
    return CurlRequest(
        method=method,
        url=url.url,
        headers=tuple(headers),
        body=body,
        follow_redirects=state.flags.get("location", False),
        max_redirects=int(redirects),
        timeout=_seconds(state, "max-time", source),
        connect_timeout=_seconds(state, "connect-timeout", source),
        fail=state.flags.get("fail", False) or state.flags.get("fail-with-body", False),
        include_headers=state.flags.get("include", False),
        head=method == "HEAD",
        insecure=state.flags.get("insecure", False),
        output_file=state.values.get("output"),
        write_out=state.values.get("write-out"),
        secrets=tuple(s for s in dict.fromkeys(secrets) if s),
        target=url.target,
    )


def _query(url: CurlUrl, state: _State, joined: bytes, source: Source | None) -> CurlUrl:
    """--url-query and -G appends; like curl 7.88, -G with data drops the --url-query parts."""
    if state.get and state.data:
        return url.append_query(joined.decode("utf-8", "surrogateescape"), source)
    if state.queries:
        extra = b"&".join(state.queries).decode("utf-8", "surrogateescape")
        return url.append_query(extra, source)
    return url


def _headers(
    state: _State,
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
    if state.bearer is not None:
        authorization = f"Bearer {state.bearer}"
        secrets += [state.bearer, authorization]
    elif state.user is not None:
        user, colon, password = state.user.partition(":")
        if not colon:
            raise DocError(
                f"curl: -u {user!r} has no password (curl would prompt for it); "
                "expected -u user:password",
                source,
            )
        token = base64.b64encode(_bytes(state.user)).decode()
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


def to_request(
    command: str, env: Mapping[str, str] | None = None, *, cwd: str | Path | None = None
) -> httpx.Request:
    """One curl command line in, the request the real curl would send out."""
    from runner.shell import Invocation, expand_argv, expand_string, parse_script

    source = Source("<command>", 1)
    script = parse_script(command, source=source)
    invocations = [c for c in script.commands if isinstance(c, Invocation)]
    if len(invocations) != 1 or invocations[0].program != "curl":
        found = "; ".join(f"`{i.text}`" for i in invocations) or "no command"
        raise DocError(f"expected exactly one curl command, got {found}", source)
    invocation = invocations[0]
    variables = dict(env or {})
    for command_ in script.commands:
        if command_ is invocation:
            break
        if not isinstance(command_, Invocation):
            variables[command_.name] = expand_string(command_.value, variables)
    # As in bash, `NAME=v curl ...` sets NAME for curl's environment, not for its own words.
    argv = expand_argv(invocation.argv, variables)
    stdin = None
    if invocation.stdin is not None:
        stdin = _bytes(expand_string(invocation.stdin, variables))
    folder = Path(cwd) if cwd is not None else None
    return build_request(argv, cwd=folder, stdin=stdin, source=invocation.source).to_httpx()
