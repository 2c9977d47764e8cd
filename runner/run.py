"""Run a planned guide against a target, step by step, and return what happened as data."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from runner.context import Context
from runner.curl import CurlRequest, build_request
from runner.errors import DocError, TargetError
from runner.jq import render, select
from runner.match import ExampleBook, match_response
from runner.result import Exchange, GuideResult, Problem, StepResult, Verdict
from runner.secrets import SecretSet
from runner.shell import Invocation, expand_argv, expand_word
from runner.step import Guide, HttpRequest, Step
from runner.target import Session, Target, describe_fault
from runner.templating import fill_template

__all__ = ["run_guide"]

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0
_BODY_LIMIT = 64 * 1024


class _Outbound:
    """A request ready to send, with how to send it."""

    def __init__(self, request: httpx.Request, curl: CurlRequest | None, documented: str) -> None:
        self.request = request
        self.curl = curl
        self.documented_url = documented
        """The URL as the guide wrote it, variables resolved, before moving it to the target."""


def run_guide(
    guide: Guide,
    target: Target,
    *,
    selected: Callable[[Step], bool] | None = None,
) -> GuideResult:
    """Run every step of a planned guide in order; steps after a failure are blocked."""
    if guide.errors:
        return GuideResult(path=guide.path, status="error", errors=guide.errors)
    if not guide.steps:
        return GuideResult(path=guide.path, status="passed")
    session = target.open()
    runner = _GuideRunner(guide, session)
    last = _last_selected(guide, selected)
    try:
        results = runner.run(last, selected)
    finally:
        runner.close()
    return GuideResult(
        path=guide.path,
        status=_guide_status(results),
        steps=tuple(results),
        target_fault=runner.target_fault,
    )


def _last_selected(guide: Guide, selected: Callable[[Step], bool] | None) -> int:
    if selected is None:
        return len(guide.steps) - 1
    indexes = [i for i, step in enumerate(guide.steps) if selected(step)]
    return indexes[-1] if indexes else -1


def _guide_status(results: list[StepResult]) -> Verdict:
    verdicts = {result.status for result in results}
    for verdict in ("error", "failed", "passed"):
        if verdict in verdicts:
            return verdict  # type: ignore[return-value]
    return "skipped" if results else "passed"


class _GuideRunner:
    """One guide's context: variables, examples seen, secrets, the HTTP client."""

    def __init__(self, guide: Guide, session: Session) -> None:
        self.guide = guide
        self.session = session
        self.context = Context(session.variables)
        self.book = ExampleBook()
        self.secrets = SecretSet()
        for secret in session.secrets:
            self.secrets.add(secret)
        self.client = httpx.Client(transport=session.transport, follow_redirects=False)
        self.target_fault = False

    def close(self) -> None:
        self.client.close()

    def run(self, last: int, selected: Callable[[Step], bool] | None) -> list[StepResult]:
        results: list[StepResult] = []
        blocked_by: int | None = None
        for index, step in enumerate(self.guide.steps):
            if index > last:
                break
            if blocked_by is not None:
                result = self._skipped(step, f"blocked by line {blocked_by}")
            elif step.skip is not None:
                result = self._skipped(step, step.skip)
            else:
                result = self.run_step(step)
                if result.status in ("failed", "error"):
                    blocked_by = step.source.line
            # Steps left out by -k still run (later ones need their context), but only
            # their failures are reported: nothing that went wrong is ever hidden.
            if selected is None or selected(step) or result.status in ("failed", "error"):
                results.append(result)
        return results

    def _skipped(self, step: Step, reason: str) -> StepResult:
        return StepResult(step=step, status="skipped", method=step.method,
                          url=self.secrets.mask(step.url), reason=reason)

    def _error(self, step: Step, message: str, url: str | None = None) -> StepResult:
        problem = Problem(message=self.secrets.mask(message), source=step.source)
        return StepResult(step=step, status="error", method=step.method,
                          url=self.secrets.mask(url or step.url), problems=(problem,),
                          reason=problem.message)

    def run_step(self, step: Step) -> StepResult:
        """Resolve, send and match one step; never raises for the docs' or target's faults."""
        try:
            for assignment in step.setup:
                value = " ".join(expand_word(assignment.value, self.context))
                self._assign(assignment.name, value)
            outbound = self._prepare(step)
        except DocError as exc:
            return self._error(step, exc.message)
        request = outbound.request
        url = self.secrets.mask(outbound.documented_url)
        try:
            response, elapsed = self._send(outbound)
        except TargetError as exc:
            self.target_fault = True
            return self._error(step, exc.message, url)
        exchange = self._exchange(request, response, elapsed)
        expected = step.expected.code
        if response.status_code >= 500 and (expected is None or expected < 500):
            self.target_fault = True
            message = (f"target fault: {request.method} {url} answered {response.status_code}, "
                       "which the guide does not document")
            return StepResult(step=step, status="error", method=request.method, url=url,
                              actual_status=response.status_code, exchange=exchange,
                              problems=(Problem(message=message, source=step.source),),
                              reason=message)
        body = _json_or_none(response)
        self._collect_secrets(body)
        problems = list(match_response(step, response, self.book))
        problems.extend(self._capture(step, response, body))
        self.context.learn_response(body)
        masked = tuple(self._mask_problem(p) for p in problems)
        failed = any(p.severity == "failure" for p in masked)
        return StepResult(step=step, status="failed" if failed else "passed",
                          method=request.method, url=url, actual_status=response.status_code,
                          problems=masked, exchange=exchange)

    # -- preparing -----------------------------------------------------------------

    def _assign(self, name: str, value: str) -> None:
        if _secret_name(name):
            self.secrets.add(value)
        self.context.assign(name, value)

    def _prepare(self, step: Step) -> _Outbound:
        if step.command is not None:
            return self._prepare_curl(step, step.command)
        if step.http_request is not None:
            return self._prepare_http(step.http_request)
        raise DocError("step has neither a curl command nor an http request", step.source)

    def _prepare_curl(self, step: Step, command: Invocation) -> _Outbound:
        argv = [self.book.substitute(arg) for arg in expand_argv(command.argv, self.context,
                                                                 self._refuse_substitution)]
        stdin = None
        if command.stdin is not None:
            text = "".join(expand_word(command.stdin, self.context))
            stdin = self.book.substitute(text).encode()
        cwd = Path(step.source.path).parent
        curl = build_request(argv, cwd=cwd, stdin=stdin, source=step.source)
        for secret in curl.secrets:
            self.secrets.add(secret)
        request = curl.to_httpx()
        self._collect_request_secrets(request)
        documented = str(request.url)
        rewritten = self.session.rewrite(request.url)
        request = httpx.Request(request.method, rewritten, headers=request.headers,
                                content=request.content)
        return _Outbound(request, curl, documented)

    def _refuse_substitution(self, invocation: Invocation) -> str:
        raise DocError("a command substitution `$(...)` is only run in "
                       "`export NAME=$(curl ... | jq -r FILTER)`", invocation.source)

    def _prepare_http(self, spec: HttpRequest) -> _Outbound:
        def fill(text: str) -> str:
            return self.book.substitute(fill_template(text, self.context, spec.source))

        target = fill(spec.target)
        if target.startswith("/"):
            target = "http://localhost:3000" + target
        headers = [(name, fill(value)) for name, value in spec.headers]
        body = fill(spec.body).encode()
        url = httpx.URL(target)
        request = httpx.Request(spec.method, self.session.rewrite(url), headers=headers,
                                content=body)
        self._collect_request_secrets(request)
        return _Outbound(request, None, str(url))

    def _collect_request_secrets(self, request: httpx.Request) -> None:
        auth = request.headers.get("authorization")
        if auth:
            self.secrets.add(auth.split(" ", 1)[-1])
        content_type = request.headers.get("content-type", "")
        text = request.content.decode("utf-8", "replace")
        if "json" in content_type:
            self._collect_secrets(_loads(text))
        elif "x-www-form-urlencoded" in content_type:
            self.secrets.collect_from_form(text)

    def _collect_secrets(self, body: Any) -> None:
        if body is not None:
            self.secrets.collect_from_json(body)

    # -- sending -------------------------------------------------------------------

    def _send(self, outbound: _Outbound) -> tuple[httpx.Response, float]:
        curl = outbound.curl
        timeout = httpx.Timeout(curl.timeout if curl and curl.timeout else DEFAULT_TIMEOUT,
                                connect=curl.connect_timeout if curl else None)
        follow = bool(curl and curl.follow_redirects)
        hops = curl.max_redirects if curl else 0
        request = outbound.request
        request.extensions["timeout"] = timeout.as_dict()
        started = time.perf_counter()
        try:
            response = self.client.send(request)
            while follow and response.is_redirect and hops > 0:
                nxt = response.next_request
                # Redirects stay on the target's origin, so credentials never travel elsewhere.
                if nxt is None or (nxt.url.scheme, nxt.url.host, nxt.url.port) != (
                    request.url.scheme, request.url.host, request.url.port
                ):
                    break
                hops -= 1
                nxt.extensions["timeout"] = timeout.as_dict()
                response = self.client.send(nxt)
        except httpx.HTTPError as exc:
            raise describe_fault(str(request.url), exc) from None
        return response, time.perf_counter() - started

    # -- after ---------------------------------------------------------------------

    def _capture(self, step: Step, response: httpx.Response, body: Any) -> list[Problem]:
        problems: list[Problem] = []
        for capture in step.captures:
            if body is None:
                problems.append(Problem(
                    message=f"cannot capture ${capture.name}: the response is not JSON",
                    source=capture.source, path=capture.path))
                continue
            try:
                value = render(select(body, capture.path), raw=capture.raw)
            except DocError as exc:
                problems.append(Problem(message=f"cannot capture ${capture.name}: {exc.message}",
                                        source=capture.source, path=capture.path))
                continue
            self._assign(capture.name, value)
        return problems

    def _exchange(self, request: httpx.Request, response: httpx.Response,
                  elapsed: float) -> Exchange:
        mask = self.secrets.mask
        return Exchange(
            method=request.method,
            url=mask(str(request.url)),
            request_headers=tuple((k, mask(v)) for k, v in _masked_headers(request.headers)),
            request_body=mask(request.content.decode("utf-8", "replace")[:_BODY_LIMIT]),
            status=response.status_code,
            response_headers=tuple((k, mask(v)) for k, v in response.headers.multi_items()),
            response_body=mask(response.text[:_BODY_LIMIT]),
            elapsed=elapsed,
        )

    def _mask_problem(self, problem: Problem) -> Problem:
        mask = self.secrets.mask
        return Problem(
            message=mask(problem.message), source=problem.source, path=problem.path,
            expected=None if problem.expected is None else mask(problem.expected),
            actual=None if problem.actual is None else mask(problem.actual),
            severity=problem.severity,
        )


def _masked_headers(headers: httpx.Headers) -> list[tuple[str, str]]:
    out = []
    for name, value in headers.multi_items():
        if name.lower() in ("authorization", "proxy-authorization", "cookie"):
            scheme = value.split(" ", 1)[0] if " " in value else ""
            value = f"{scheme} ***".strip()
        out.append((name, value))
    return out


def _secret_name(name: str) -> bool:
    lowered = name.lower()
    return any(word in lowered for word in ("token", "secret", "password"))


def _json_or_none(response: httpx.Response) -> Any:
    if not response.content:
        return None
    return _loads(response.text)


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
