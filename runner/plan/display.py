"""How a step is shown before it runs: method, documented URL (`${AGENT_ID}` kept) and name."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from runner.config import DOCUMENTED_ORIGIN
from runner.model import (
    CommandSubstitution,
    DocError,
    HttpRequest,
    Invocation,
    Literal,
    Parameter,
    Printing,
    Source,
    Word,
)
from runner.translate.curl import (
    PRINTING_OPTIONS,
    FileReader,
    State,
    apply,
    build_request,
    parse_args,
    printing_of,
    same_origin,
)
from runner.translate.shell import expand_argv, expand_word

__all__ = ["Display", "curl_display", "http_display", "step_name"]

def _base(origin: str) -> str:
    """What `$BASE_URL` stands for in the guides (the run stage moves it to the target)."""
    return origin + "/api/v1"
_DATA_OPTIONS = frozenset(
    {"-d", "--data", "--data-raw", "--data-binary", "--data-urlencode", "--data-ascii",
     "--json", "-F", "--form", "--form-string", "-T", "--upload-file"}
)


@dataclass(frozen=True, slots=True)
class Display:
    """What a user sees of a request before it is sent."""

    name: str
    method: str
    url: str
    prints_response: bool = True
    write_out: str | None = None
    """curl's `-w` format, when written without variables."""
    printing: Printing | None = None
    """What the command prints (`-o`, `-i`, `-I`, `-f`...); None only when even its printing
    options cannot be read."""


def step_name(method: str, url: str) -> str:
    """`POST /api/v1/agents`: the method and the URL's path (query left out)."""
    if "://" not in url and not url.startswith("/"):
        url = "http://" + url
    try:
        path = urlsplit(url).path if "://" in url else url.split("?", 1)[0]
    except ValueError:
        path = url
    return f"{method} {path or '/'}"


def _sentinel(index: int) -> str:
    # Lower-case letters and digits survive URL parsing and host normalization untouched.
    return f"vdplaceholder{index}x"


def curl_display(
    command: Invocation, cwd: Path | None, origin: str = DOCUMENTED_ORIGIN
) -> Display:
    """Method and URL as curl would send them, variables shown as `${NAME}`.

    `origin` is the documented origin (`[tool.verify-docs] documented-origin`, no trailing `/`).

    Raises DocError for a curl command curl itself would refuse (unknown flag, ...).
    """
    names = sorted(command.variables())
    env: dict[str, str] = {}
    back: dict[str, str] = {}
    for index, name in enumerate(names):
        if name == "BASE_URL":
            env[name] = _base(origin)
        else:
            env[name] = _sentinel(index)
            back[env[name]] = "${" + name + "}"
    substituted = _sentinel(len(names))
    back[substituted] = "$(...)"

    def restore(text: str) -> str:
        for sentinel, shown in back.items():
            text = text.replace(sentinel, shown)
        return text

    try:
        argv = expand_argv(command.argv, env, lambda _: substituted)
        stdin = None
        if command.stdin is not None:
            stdin = " ".join(expand_word(command.stdin, env, lambda _: substituted)).encode()
        request = build_request(argv, cwd=cwd, stdin=stdin, source=command.source)
    except NotImplementedError:
        return _fallback(command, origin)
    except DocError as error:
        # A refusal caused by a placeholder says nothing about the guide.
        if any(sentinel in error.message for sentinel in back):
            return _fallback(command, origin)
        raise _at_word(error, command) from None
    _check_origin(request.url, command.source, origin, allowed=back)
    url = restore(request.url)
    printing = request.printing
    if printing.output is not None:
        printing = replace(printing, output=restore(printing.output))
    return Display(
        name=restore(step_name(request.method, request.url)),
        method=request.method,
        url=url,
        # After `-o FILE` the documented block is the file's content, as `cat FILE` shows it.
        prints_response=not printing.head and printing.destination != "nowhere",
        printing=printing,
        write_out=(request.write_out
                   if request.write_out is not None and restore(request.write_out)
                   == request.write_out else None),
    )


def _at_word(error: DocError, command: Invocation) -> DocError:
    """The error moved to the line of the word it names (`--frobnicate` on a continuation line).

    curl's refusals name the option or value they refuse; a command spread over several
    lines should point at the line where that word is written, not where `curl` starts.
    """
    if error.source is None or error.source != command.source:
        return error
    # A hint names what was meant, not what is wrong: only the words before it count.
    blamed = error.message.split(" (did you mean", 1)[0]
    named = [
        word for word in command.argv[1:]
        if word.literal and len(word.literal) > 1
        and re.search(r"(?<![\w-])" + re.escape(word.literal.lstrip("@")) + r"(?![\w-])",
                      blamed)
    ]
    # Words on several lines (`-d` and `-F` both refused): no one line is to blame.
    if len({word.source.line for word in named}) != 1:
        return error
    return DocError(error.message, named[0].source)


def _shown(word: Word, origin: str) -> str:
    """A word as text with its variables left as `${NAME}`."""
    out: list[str] = []
    for part in word.parts:
        if isinstance(part, Literal):
            out.append(part.text)
        elif isinstance(part, Parameter):
            out.append(_base(origin) if part.name == "BASE_URL" else "${" + part.name + "}")
        elif isinstance(part, CommandSubstitution):
            out.append("$(...)")
    return "".join(out)


def _fallback(command: Invocation, origin: str) -> Display:
    """A best guess from the words alone, when curl's translation cannot say."""
    words = [_shown(word, origin) for word in command.argv[1:]]
    method: str | None = None
    url: str | None = None
    has_data = head = False
    index = 0
    while index < len(words):
        word = words[index]
        following = words[index + 1] if index + 1 < len(words) else ""
        if word in ("-X", "--request"):
            method, index = following, index + 1
        elif word.startswith("-X") and len(word) > 2:
            method = word[2:]
        elif word == "--url":
            url, index = following, index + 1
        elif word in _DATA_OPTIONS:
            has_data, index = True, index + 1
        elif word in ("-I", "--head"):
            head = True
        elif url is None and not word.startswith("-") and (
            "://" in word or word.startswith(("localhost", "${", "$("))
        ):
            url = word
        index += 1
    if method is None:
        method = "HEAD" if head else "POST" if has_data else "GET"
    url = url or ""
    printing = _fallback_printing(words, command.source)
    return Display(name=step_name(method, url), method=method, url=url, printing=printing,
                   prints_response=printing is None or (
                       not printing.head and printing.destination != "nowhere"))


def _fallback_printing(words: list[str], source: Source) -> Printing | None:
    """How the command prints, from its printing options alone (none of them reads a file)."""
    try:
        options = parse_args(words, source).options
        state = State()
        files = FileReader(None, None, source)
        for option in options:
            if option.name in PRINTING_OPTIONS:
                apply(option, state, files, source)
    except DocError:
        return None
    return printing_of(state)


def http_display(request: HttpRequest, origin: str = DOCUMENTED_ORIGIN) -> Display:
    """Method and URL of an http block, `{{NAME}}` shown as `${NAME}` (`origin` as for
    `curl_display`)."""
    target = request.target
    while "{{" in target and "}}" in target.split("{{", 1)[1]:
        head, rest = target.split("{{", 1)
        name, tail = rest.split("}}", 1)
        target = head + "${" + name.strip() + "}" + tail
    target = target.replace("${BASE_URL}", _base(origin)).replace("$BASE_URL", _base(origin))
    where = request.source
    if target.startswith("/"):
        index, host = next(((i, v) for i, (k, v) in enumerate(request.headers)
                            if k.lower() == "host"), (0, None))
        url = (f"http://{host}" if host else origin) + target
        if host:
            # Headers follow the request line one per line: point at the Host header itself.
            where = request.source.at(request.source.line + 1 + index)
    else:
        url = target
    _check_origin(url, where, origin, allowed={})
    return Display(name=step_name(request.method, url), method=request.method, url=url)


def _check_origin(url: str, source: Source, origin: str, *, allowed: Mapping[str, str]) -> None:
    """A documented URL on another host is refused before anything is sent.

    Hosts that come from a variable (a placeholder here) are checked when the step runs.
    """
    try:
        parts = urlsplit(url if "://" in url else "http://" + url)
        host, port, scheme = parts.hostname or "", parts.port, parts.scheme
    except ValueError:
        return
    if "$" in host or any(sentinel in host for sentinel in allowed):
        return
    if not same_origin(scheme, host, port, origin):
        shown = f"{scheme}://{parts.netloc}"
        raise DocError(f"request to {shown} refused: guides may only call the documented "
                       f"origin {origin}, which is moved to the target", source)
