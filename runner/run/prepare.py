"""A step with the guide's context -> the exact request to send to the target."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import httpx

from runner.match import ExampleBook
from runner.model import DocError, HttpRequest, Invocation, Step
from runner.run.context import Context
from runner.run.target import Session
from runner.secrets import SecretSet
from runner.translate.curl import CurlRequest, build_request
from runner.translate.http_block import fill_template
from runner.translate.json_body import loads_or_none
from runner.translate.shell import expand_argv, expand_word

__all__ = ["Outbound", "RequestBuilder"]


@dataclass(frozen=True, slots=True)
class Outbound:
    """A request ready to send, and how curl would have sent it."""

    # Out of `repr`, like CurlRequest's: the URL and headers carry credentials as sent.
    request: httpx.Request = field(repr=False)
    curl: CurlRequest | None
    documented_url: str = field(repr=False)
    """The URL as the guide wrote it, variables resolved, before moving it to the target."""


class RequestBuilder:
    """Resolves variables and documented examples, then translates and moves the request."""

    def __init__(
        self, session: Session, context: Context, book: ExampleBook, secrets: SecretSet
    ) -> None:
        self._session = session
        self._context = context
        self._book = book
        self._secrets = secrets
        self._folders: dict[str, Path] = {}
        """Each guide file's folder (`@file` is read below it), found once per file."""

    def build(self, step: Step) -> Outbound:
        """The request for `step`, or DocError (unbound variable, bad flag, foreign origin)."""
        if step.command is not None:
            outbound = self._from_curl(step, step.command)
        elif step.http_request is not None:
            outbound = self._from_http(step.http_request)
        else:
            raise DocError("step has neither a curl command nor an http request", step.source)
        self._collect_secrets(outbound.request)
        return outbound

    def _from_curl(self, step: Step, command: Invocation) -> Outbound:
        substitute = self._book.substitute
        words = expand_argv(command.argv, self._context, _refuse_substitution)
        argv = [substitute(word) for word in words]
        stdin = None
        if command.stdin is not None:
            stdin = substitute("".join(expand_word(command.stdin, self._context))).encode()
        folder = self._folders.get(step.source.path)
        if folder is None:
            folder = self._folders[step.source.path] = Path(step.source.path).parent
        curl = build_request(argv, cwd=folder, stdin=stdin, source=step.source)
        for secret in curl.secrets:
            self._secrets.add(secret)
        return self._moved(curl.to_httpx(), curl)

    def _from_http(self, spec: HttpRequest) -> Outbound:
        def fill(text: str) -> str:
            return self._book.substitute(fill_template(text, self._context, spec.source))

        target = fill(spec.target)
        if target.startswith("/"):
            target = self._session.documented_origin + target
        try:
            url = httpx.URL(target)
        except httpx.InvalidURL as exc:
            raise DocError(f"invalid request target {target!r}: {exc}", spec.source) from None
        # A written Content-Length is the example's: the filled body has its own length.
        headers = [(name, fill(value)) for name, value in spec.headers
                   if name.lower() != "content-length"]
        request = httpx.Request(spec.method, url, headers=headers, content=fill(spec.body).encode())
        return self._moved(request, None)

    def _moved(self, request: httpx.Request, curl: CurlRequest | None) -> Outbound:
        """The documented origin becomes the target's; unique values get the run's tag.

        The request is changed as little as possible: curl's exact header list, order and
        raw request target survive the move (only Host, the target and the tagged body change).
        """
        documented = str(request.url)
        url = self._session.rewrite(request.url)
        content = request.content
        isolation = self._session.isolation
        if isolation is not None:
            content = isolation.outbound_body(content, request.headers.get("content-type", ""))
            written = url.query.decode("ascii", "replace")
            query = isolation.outbound_query(written)
            # An untagged query leaves the URL as it is (a bare `?` aside, which this drops).
            if query != written or (not query and b"?" in url.raw_path):
                url = url.copy_with(query=query.encode("ascii") or None)
        if (url is request.url or url == request.url) and content == request.content:
            return Outbound(request, curl, documented)
        extensions = dict(request.extensions)
        if "target" in extensions or url.raw_path != request.url.raw_path:
            extensions["target"] = url.raw_path
        headers = []
        for name, value in request.headers.multi_items():
            if name.lower() == "host" and value == request.url.netloc.decode("ascii"):
                value = url.netloc.decode("ascii")
            elif name.lower() == "content-length" and content != request.content:
                value = str(len(content))
            headers.append((name, value))
        moved = httpx.Request(request.method, url, stream=httpx.ByteStream(content),
                              extensions=extensions)
        moved.headers = httpx.Headers(headers)
        moved.method = request.method
        moved.read()
        return Outbound(moved, curl, documented)

    def _collect_secrets(self, request: httpx.Request) -> None:
        self._secrets.collect_from_headers(request.headers.multi_items())
        content_type = request.headers.get("content-type", "")
        text = request.content.decode("utf-8", "replace")
        if "json" in content_type:
            body = loads_or_none(text)
            if body is not None:
                self._secrets.collect_from_json(body)
        elif "x-www-form-urlencoded" in content_type:
            self._secrets.collect_from_form(text)


def _refuse_substitution(invocation: Invocation) -> str:
    raise DocError("a command substitution `$(...)` is only run in "
                   "`export NAME=$(curl ... | jq -r FILTER)`", invocation.source)
