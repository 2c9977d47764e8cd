"""curl 7.88's URL handling: scheme guessing, dot segments, query appends, refusals."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from runner.model import DocError, Source

__all__ = ["CurlUrl", "parse_url", "same_origin"]

# curl takes `word:/` as a scheme (one to three slashes; `localhost:3000` is a host).
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(/*)")
# curl guesses these protocols from a scheme-less host's first label.
_GUESSED = ("ftp.", "dict.", "ldap.", "imap.", "smtp.", "pop3.")
_HEX = re.compile(r"%[0-9A-Fa-f]{2}")
# What curl refuses in a URL: a space, a control character or DEL.
_BAD_CHAR = re.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True, slots=True)
class CurlUrl:
    """A URL as curl sends it: origin (`http://host:port`) and the exact request target."""

    scheme: str
    authority: str
    path: str
    query: str | None

    @property
    def target(self) -> str:
        """The request target as it goes on the wire."""
        return self.path if self.query is None else f"{self.path}?{self.query}"

    @property
    def url(self) -> str:
        """The absolute URL."""
        return f"{self.scheme}://{self.authority}{self.target}"

    def append_query(self, extra: str, source: Source | None) -> CurlUrl:
        """The URL with `extra` appended to its query (`-G`, `--url-query`), as urlapi does."""
        # urlapi rewrites the %XX it appends in lowercase and refuses spaces.
        extra = _HEX.sub(lambda m: m.group(0).lower(), extra)
        _check_chars(extra, source)
        _check_ascii(extra, source)
        if self.query:
            # urlapi adds `&` only when the query does not end in one already.
            glue = "" if self.query.endswith("&") else "&"
            query: str | None = f"{self.query}{glue}{extra}"
        else:
            query = extra or None  # an empty query set to nothing leaves no `?`
        if query is not None:
            # curl hands the rebuilt URL back to itself: a `#` now starts a fragment.
            query = query.split("#", 1)[0]
        return CurlUrl(self.scheme, self.authority, self.path, query)

    def with_file_name(self, name: str) -> CurlUrl:
        """-T's rule: a URL ending in `/` (or with no path) gets the file's name appended."""
        if self.path.endswith("/"):
            return CurlUrl(self.scheme, self.authority, self.path + name, self.query)
        return self


def _check_chars(text: str, source: Source | None) -> None:
    found = _BAD_CHAR.search(text)
    if found is not None:
        bad = found.group()
        raise DocError(
            f"curl: URL using bad/illegal format: {bad!r} in {text!r} "
            "(curl refuses a space or control character in a URL; encode it as %20)",
            source,
        )


def _check_ascii(query: str, source: Source | None) -> None:
    if not query.isascii():
        # curl sends such bytes raw, which no HTTP/1.1 client library will put on the wire.
        raise DocError(
            f"curl: non-ASCII characters in the URL query {query!r} are not supported; "
            "expected them percent-encoded (%XX)",
            source,
        )


def _remove_dots(path: str) -> str:
    """RFC 3986 remove_dot_segments, as curl applies it to every path."""
    if "/." not in path:
        return path  # no `.` or `..` segment (each segment follows a `/`): nothing to remove
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments[1:], start=1):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if output:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    return "/" + "/".join(output)


def _encode_high(text: str) -> str:
    # curl percent-encodes non-ASCII bytes of the path, lowercase hex.
    if text.isascii():
        return text
    return "".join(
        c if ord(c) < 0x80 else "".join(f"%{b:02x}" for b in c.encode("utf-8", "surrogateescape"))
        for c in text
    )


def _default_port(scheme: str) -> int:
    """The port an http(s) URL without one is sent to."""
    return 443 if scheme == "https" else 80


@functools.lru_cache(maxsize=16)
def _origin_parts(origin: str) -> tuple[str, str, int]:
    """An origin's (scheme, host, port); pure and asked for every request, so cached."""
    parts = urlsplit(origin)
    return parts.scheme, parts.hostname or "", parts.port or _default_port(parts.scheme)


def same_origin(scheme: str, host: str, port: int | None, origin: str) -> bool:
    """Whether a URL's scheme, host and port (None: the scheme's default) are `origin`'s.

    The one comparison of a request's origin with the documented one: the planner's early
    refusal and the run stage's rewrite must agree on what "the documented origin" is.
    """
    return (scheme, host, port or _default_port(scheme)) == _origin_parts(origin)


def parse_url(raw: str, source: Source | None, *, globoff: bool = False) -> CurlUrl:
    """The URL curl 7.88 requests for `raw`, or DocError where curl refuses or we do.

    `globoff` (`-g`): `{}` and `[]` are plain characters, sent as written.
    """
    _check_chars(raw, source)
    match = _SCHEME.match(raw)
    if match and match.group(2):
        scheme = match.group(1).lower()
        rest = raw[match.end() :]
        if len(match.group(2)) > 3:
            raise DocError(f"curl: URL {raw!r} has too many slashes after {scheme}:", source)
    else:
        if raw.lower().startswith(_GUESSED):
            raise DocError(f"curl: {raw!r} would be a non-HTTP URL; expected http(s)://", source)
        scheme, rest = "http", raw
    if scheme not in ("http", "https"):
        raise DocError(f"curl: unsupported protocol {scheme!r} in {raw!r}", source)
    rest = rest.split("#", 1)[0]
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority:
        # The password must not reach the message: only the host is shown.
        shown = f"{scheme}://***@{authority.rpartition('@')[2]}"
        raise DocError(
            f"curl: credentials in the URL ({shown}) are not supported; use -u instead", source
        )
    if not authority or authority.startswith(":"):
        raise DocError(f"curl: no host in URL {raw!r}", source)
    bracketed = "[" in tail or "]" in tail
    if not globoff and ("{" in raw or "}" in raw
                        or (bracketed and any(c in tail.replace("[]", "") for c in "[]"))):
        # curl expands {a,b} and [1-3] into several transfers (an empty [] stays).
        raise DocError(f"curl: URL globbing ({{}} or []) is not supported in {raw!r}", source)
    path, mark, query = tail.partition("?")
    _check_ascii(query, source)
    return CurlUrl(
        scheme, authority, _encode_high(_remove_dots(path or "/")), query if mark else None
    )
