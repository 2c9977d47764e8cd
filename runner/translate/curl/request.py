"""curl 7.88 arguments -> the request curl would send (the public curl translation)."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import httpx

from runner.model import (
    Assignment,
    CommandSubstitution,
    DocError,
    Invocation,
    Printing,
    Script,
    Source,
)
from runner.secrets import Secret, is_secret_name
from runner.translate.curl.body import FileReader, curl_escape, multipart
from runner.translate.curl.options import parse_args
from runner.translate.curl.redirect import MAX_REDIRECTS, Redirects
from runner.translate.curl.state import (
    TOKEN,
    State,
    apply,
    custom_headers,
    default_headers,
    printing_of,
    seconds,
)
from runner.translate.curl.url import CurlUrl, parse_url
from runner.translate.shell.script import expand_argv, expand_string, parse_script

__all__ = ["to_request"]

_MEBI = 1024 * 1024
Command = Assignment | Invocation
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


def _bytes(text: str) -> bytes:
    # Arguments may carry undecodable bytes (surrogate escapes): send them as they were.
    return text.encode("utf-8", "surrogateescape")


def _host_header(url: str) -> str:
    """curl's Host: the authority as written (case kept), without the scheme's default port."""
    scheme, _, rest = url.partition("://")
    authority = rest.split("/", 1)[0].split("?", 1)[0]
    default = ":443" if scheme.lower() == "https" else ":80"
    return authority.removesuffix(default)


@dataclass(frozen=True, slots=True)
class CurlRequest:
    """A curl command line understood: the request plus the options that change how it is run."""

    method: str
    # Out of `repr` (a debug line, a crash report): they carry credentials as sent.
    url: str = field(repr=False)
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    """Every header curl sends, in curl's order (Host only when `-H Host:` sets it)."""
    body: bytes = field(repr=False)
    follow_redirects: bool = False
    max_redirects: int = MAX_REDIRECTS
    """`--max-redirs` (curl's `-1`, unlimited, is bounded at curl's default)."""
    custom_method: bool = False
    """`-X` was given: curl keeps that method on every redirect hop."""
    body_headers: frozenset[str] = frozenset()
    """The headers curl added for the body (not the guide's), lower-cased."""
    timeout: float | None = None
    connect_timeout: float | None = None
    fail: bool = False
    include_headers: bool = False
    head: bool = False
    insecure: bool = False
    output_file: str | None = None
    write_out: str | None = None
    secrets: tuple[Secret, ...] = ()
    """Values the user gave as credentials (`-u`, `--oauth2-bearer`, Authorization)."""
    target: str | None = field(default=None, repr=False)
    """The exact request target (path and query) curl puts on the request line."""
    printing: Printing = field(default_factory=Printing)
    """The options that decide what the reader sees (`-o`, `-i`, `-I`, `-f`, `-s`, `-w`...)."""

    def redirects(self) -> Redirects | None:
        """How `-L` follows redirects; None without `-L`."""
        if not self.follow_redirects:
            return None
        return Redirects(self.max_redirects, self.custom_method, self.body_headers)

    def to_httpx(self) -> httpx.Request:
        """The request as httpx sends it (same method, target, headers and body bytes)."""
        url = _parsed_url(self.url)
        if isinstance(url, str):
            raise DocError(f"curl: URL {self.url!r} cannot be sent: {url}") from None
        extensions = {"target": _bytes(self.target)} if self.target is not None else {}
        chunked = has_host = False
        for name, value in self.headers:
            lowered = name.lower()
            if lowered == "host":
                has_host = True
            elif lowered == "transfer-encoding" and value == "chunked":
                chunked = True
        # Exactly curl's headers: httpx's own (Content-Length: 0 on a bare POST) are left out.
        headers = [(_bytes(n), _bytes(v)) for n, v in self.headers]
        if not has_host:
            headers.insert(0, (b"Host", _bytes(_host_header(self.url))))
        if chunked:
            # A list, not a generator: httpx frames it chunked, like curl's `-T -`, and can
            # resend it.
            request = httpx.Request(self.method, url, content=[self.body], extensions=extensions)
            request.headers = httpx.Headers(headers)
        else:
            # A stream, not content: httpx then adds no headers of its own to replace.
            request = httpx.Request(self.method, url, headers=headers,
                                    stream=httpx.ByteStream(self.body), extensions=extensions)
        request.method = self.method  # httpx upper-cases; curl sends `-X wHat` as written
        request.read()  # `.content` readable; a chunked body still goes out chunked
        return request


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
    files = FileReader(cwd, stdin, source)
    parsed = parse_args(list(argv[1:]), source)
    state = State()
    for option in parsed.options:
        apply(option, state, files, source)
    url = _the_url(state.urls + list(parsed.urls), source,
                   globoff=state.flags.get("globoff", False))
    kind = _request_kind(state, source)
    joined = b""
    for index, (json_piece, piece) in enumerate(state.data):
        # Several -d join with `&`; a --json piece is glued on as it is.
        joined += piece if json_piece or index == 0 else b"&" + piece
    is_json = any(json_piece for json_piece, _ in state.data)
    url = _query(url, state, joined, source)

    sent, named = custom_headers(state.headers, source)
    body, content_type = b"", None
    if kind == "form":
        body, content_type, sent = _multipart(state, sent, named, source)
        named.discard("content-type")
    elif kind == "put" and state.upload is not None:
        body = files.read(state.upload, "-T")
        if state.upload != "-":
            url = url.with_file_name(curl_escape(_bytes(PurePosixPath(state.upload).name)))
    elif kind == "post":
        body = joined
        content_type = None if is_json else "application/x-www-form-urlencoded"
    method = _METHODS[kind]
    if state.method is not None:
        if not TOKEN.match(state.method):
            raise DocError(f"curl: -X {state.method!r} is not an HTTP method name", source)
        method = state.method

    headers, secrets = default_headers(state, sent, named, is_json, source)
    framing = _framing(state, kind, named, body, content_type)
    headers += framing
    for name, value in sent:
        if name.lower() == "authorization":
            secrets += [value, value.partition(" ")[2]]
    if kind == "form":
        # `-F password=...` travels inside a multipart body no later stage reads field by field.
        secrets += [part.content.decode("utf-8", "replace") for part in state.forms
                    if part.name is not None and is_secret_name(part.name)]
    headers = _checked(headers, sent, body, kind in ("form", "put", "post"), source)
    redirects = state.values.get("max-redirs", "50")
    if not redirects.lstrip("-").isdigit():
        raise DocError(f"curl: --max-redirs expected a number, got {redirects!r}", source)
    return CurlRequest(
        method=method,
        url=url.url,
        headers=tuple(headers),
        body=body,
        follow_redirects=state.flags.get("location", False),
        max_redirects=int(redirects) if int(redirects) >= 0 else MAX_REDIRECTS,
        custom_method=state.method is not None,
        body_headers=frozenset(name.lower() for name, _ in framing),
        timeout=seconds(state, "max-time", source),
        connect_timeout=seconds(state, "connect-timeout", source),
        fail=state.flags.get("fail", False) or state.flags.get("fail-with-body", False),
        include_headers=state.flags.get("include", False),
        head=method == "HEAD",
        insecure=state.flags.get("insecure", False),
        output_file=state.values.get("output"),
        write_out=state.values.get("write-out"),
        secrets=tuple(Secret(s) for s in dict.fromkeys(secrets) if s),
        target=url.target,
        printing=printing_of(state),
    )


def _the_url(urls: list[str], source: Source | None, *, globoff: bool) -> CurlUrl:
    """The one URL (curl would run one transfer per URL: we take exactly one)."""
    if not urls:
        raise DocError("curl: no URL specified", source)
    if len(urls) > 1:
        raise DocError(f"curl: several URLs ({', '.join(urls)}) are not supported", source)
    url = parse_url(urls[0], source, globoff=globoff)
    problem = _url_problem(url.url)
    if problem is not None:
        raise DocError(f"curl: URL {urls[0]!r} is not valid: {problem}", source)
    return url


@functools.lru_cache(maxsize=1024)
def _parsed_url(url: str) -> httpx.URL | str:
    """httpx's reading of `url`, or why httpx cannot send to it.

    Pure and cached: a guide reuses a few URLs many times, and the check at translation
    and the request built from the same URL then parse it once (httpx.URL is immutable).
    """
    try:
        return httpx.URL(url)
    except httpx.InvalidURL as error:
        return str(error)


def _url_problem(url: str) -> str | None:
    """Why httpx cannot send to `url`, or None."""
    parsed = _parsed_url(url)
    return parsed if isinstance(parsed, str) else None


def _multipart(
    state: State, sent: list[tuple[str, str]], named: set[str], source: Source | None
) -> tuple[bytes, str, list[tuple[str, str]]]:
    """-F's body and Content-Type; a -H multipart type is kept and given the boundary."""
    custom = next((v for n, v in sent if n.lower() == "content-type"), None)
    if custom is None and "content-type" in named:
        custom = ""  # `-H 'Content-Type:'` leaves curl an empty type: `; boundary=...`
    if custom and not custom.lower().startswith("multipart/"):
        raise DocError(f"curl: -F with Content-Type {custom!r} is not supported", source)
    media = "multipart/form-data" if custom is None else custom
    # curl names parts "form-data" only in a form; other multipart types get "attachment".
    form_data = media.lower().startswith("multipart/form-data")
    boundary, body = multipart(state.forms, "form-data" if form_data else "attachment")
    rest = [(n, v) for n, v in sent if n.lower() != "content-type"]
    return body, f"{media}; boundary={boundary}", rest


def _framing(
    state: State, kind: str | None, named: set[str], body: bytes, content_type: str | None
) -> list[tuple[str, str]]:
    """The headers curl adds after the -H ones: length (or chunked), type, Expect."""
    headers: list[tuple[str, str]] = []
    has_body = kind in ("form", "put", "post")
    streamed = kind == "put" and state.upload == "-"
    if streamed and "transfer-encoding" not in named:
        # curl streams standard input: its size is unknown, so the body goes chunked.
        headers.append(("Transfer-Encoding", "chunked"))
    elif has_body and not named.intersection(("content-length", "transfer-encoding")):
        headers.append(("Content-Length", str(len(body))))
    if content_type is not None and "content-type" not in named:
        headers.append(("Content-Type", content_type))
    # curl asks before an upload of any size, and before a body over 1 MiB.
    asks = (kind == "put" and (streamed or body)) or (has_body and len(body) > _MEBI)
    if "expect" not in named and asks:
        # curl asks before an upload or a body over 1 MiB; httpx sends the body right away,
        # which a server must accept, so the header goes out as curl sends it.
        headers.append(("Expect", "100-continue"))
    return headers


def _checked(
    headers: list[tuple[str, str]],
    sent: list[tuple[str, str]],
    body: bytes,
    has_body: bool,
    source: Source | None,
) -> list[tuple[str, str]]:
    """Headers an HTTP/1.1 client can send as they are, or DocError."""
    if any(n.lower() == "content-length" and v != str(len(body)) for n, v in sent):
        raise DocError(
            "curl: a -H Content-Length that differs from the body is not supported", source
        )
    for name, value in sent:
        if name.lower() == "transfer-encoding" and (value != "chunked" or not has_body):
            raise DocError(
                f"curl: -H '{name}: {value}' is not supported; only 'Transfer-Encoding: "
                "chunked' on a request with a body (-d, -F, -T) can be sent as curl sends it",
                source,
            )
    # Leading blanks are no part of a value (servers read curl's so as well).
    headers = [(name, value.lstrip(" \t")) for name, value in headers]
    for name, value in headers:
        if value.endswith((" ", "\t")):
            # curl sends them as they are; an HTTP/1.1 client (h11) refuses such a value.
            raise DocError(
                f"curl: header {name!r} value {value!r} ends in whitespace, which curl sends "
                "but no HTTP/1.1 client library will; expected no trailing blanks",
                source,
            )
        if _CONTROL.search(value):
            raise DocError(
                f"curl: header {name!r} holds a control character ({value!r}); "
                "expected printable text",
                source,
            )
    return headers


_METHODS = {None: "GET", "get": "GET", "head": "HEAD", "form": "POST", "post": "POST", "put": "PUT"}
_REQUEST_NAMES = {
    "get": "GET (-G, --get)",
    "head": "HEAD (-I, --head)",
    "form": "multipart formpost (-F, --form)",
    "post": "POST (-d, --data)",
    "put": "PUT (-T, --upload-file)",
}


def _request_kind(state: State, source: Source | None) -> str | None:
    """curl 7.88's SetHTTPrequest sequence: -F and -I as parsed, then -T, then the data."""
    steps = list(state.requests)
    if state.upload is not None:
        steps.append("put")
    if state.data:
        # With -G the data goes to the URL, and the request is a GET (a HEAD with -I).
        steps.append(("head" if state.head else "get") if state.get else "post")
    kind: str | None = None
    for step in steps:
        if kind is not None and step != kind:
            raise DocError(
                "curl: you can only select one HTTP request method; you asked for both "
                f"{_REQUEST_NAMES[step]} and {_REQUEST_NAMES[kind]}",
                source,
            )
        kind = step
    return kind


def _query(url: CurlUrl, state: State, joined: bytes, source: Source | None) -> CurlUrl:
    """--url-query and -G appends; like curl 7.88, -G with data drops the --url-query parts."""
    if state.get and state.data:
        return url.append_query(joined.decode("utf-8", "surrogateescape"), source)
    if state.queries:
        extra = b"&".join(state.queries).decode("utf-8", "surrogateescape")
        return url.append_query(extra, source)
    return url


def _commands(script: Script) -> list[tuple[Command, Invocation]]:
    """Every invocation with the top-level command holding it (`X=$(curl ...)` included)."""
    found: list[tuple[Command, Invocation]] = []
    for command in script.commands:
        if isinstance(command, Invocation):
            found.append((command, command))
            continue
        for part in command.value.parts:
            if isinstance(part, CommandSubstitution):
                found.append((command, part.command))
    return found


def to_request(
    command: str, env: Mapping[str, str] | None = None, *, cwd: str | Path | None = None
) -> httpx.Request:
    """One curl command line in, the request the real curl would send out."""
    source = Source("<command>", 1)
    script = parse_script(command, source=source)
    found = _commands(script)
    if len(found) != 1 or found[0][1].program != "curl":
        shown = "; ".join(f"`{invocation.text}`" for _, invocation in found) or "no command"
        raise DocError(f"expected exactly one curl command, got {shown}", source)
    holder, invocation = found[0]
    variables = dict(env or {})
    for earlier in script.commands:
        if earlier is holder:
            break
        if isinstance(earlier, Assignment):
            variables[earlier.name] = expand_string(earlier.value, variables)
    # As in bash, `NAME=v curl ...` sets NAME for curl's environment, not for its own words.
    argv = expand_argv(invocation.argv, variables)
    stdin = None
    if invocation.stdin is not None:
        stdin = _bytes(expand_string(invocation.stdin, variables))
    folder = Path(cwd) if cwd is not None else None
    return build_request(argv, cwd=folder, stdin=stdin, source=invocation.source).to_httpx()
