"""curl 7.88 arguments -> the request curl would send (the public curl translation)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from runner.source import Source

__all__ = ["to_request"]


@dataclass(frozen=True, slots=True)
class CurlRequest:
    """A curl command line understood: the request plus the options that change how it is run."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    """Every header curl sends, in curl's order (Host excluded: the URL says it)."""
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

    def to_httpx(self) -> httpx.Request:
        """The request as httpx sends it (same method, URL, headers and body bytes)."""
        return httpx.Request(self.method, self.url, headers=list(self.headers), content=self.body)


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
    raise NotImplementedError


def to_request(
    command: str, env: Mapping[str, str] | None = None, *, cwd: str | Path | None = None
) -> httpx.Request:
    """One curl command line in, the request the real curl would send out."""
    raise NotImplementedError
