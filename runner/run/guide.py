"""Run a planned guide against a target, step by step, and return what happened as data."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import httpx

from runner.match import ExampleBook, compare_response
from runner.model import (
    Cleanup,
    DiffLine,
    DocError,
    ExpectedStatus,
    Guide,
    GuideResult,
    Problem,
    Source,
    Step,
    StepResult,
    TargetError,
    Verdict,
    expected_class,
)
from runner.plan import field_variables
from runner.read.jq import PathNotFound, format_path, parse_path, render, select
from runner.run.blocks import Blocks
from runner.run.context import Binding, Context
from runner.run.crash import record_crash
from runner.run.exchange import exchange_record
from runner.run.observe import Observer
from runner.run.prepare import Outbound, RequestBuilder
from runner.run.reader import reader_problems, withheld_problem
from runner.run.response import with_body
from runner.run.retry import SAFE_METHODS
from runner.run.sender import Delivery, Sender
from runner.run.staging.cleanup import AgentLedger
from runner.run.target import Session, Target
from runner.secrets import Secret, is_secret_variable
from runner.translate.json_body import loads_or_none
from runner.translate.shell import UnboundVariable, expand_word

__all__ = ["Interrupted", "not_started", "run_guide"]

log = logging.getLogger(__name__)

# Reads that read-only mode still sends although they are POSTs.
_READ_ONLY_POSTS = ("/api/v1/token", "/api/v1/token/introspect")


def run_guide(
    guide: Guide,
    target: Target,
    *,
    selected: Callable[[Step], bool] | None = None,
    number: int = 0,
    cancel: threading.Event | None = None,
) -> GuideResult:
    """Run every step of a planned guide in order; steps after a failure are blocked.

    `selected` (from `-k`) limits what is reported; `number` tells parallel guides apart;
    `cancel`, once set, interrupts the guide at its next step (parallel runs).
    """
    if guide.errors:
        return GuideResult(path=guide.path, status="error", errors=guide.errors)
    if not guide.steps:
        return GuideResult(path=guide.path, status="passed")
    runner = _GuideRunner(guide, target.open(number), cancel)
    results: list[StepResult] = []
    try:
        runner.run(_last_selected(guide, selected), selected, results)
    except KeyboardInterrupt:
        # Interrupted (SIGINT, or SIGTERM turned into one): the shared target still gets its
        # agents back, and what ran is still reported.
        done = {id(result.step) for result in results}
        results.extend(runner.skipped(step, "interrupted") for step in guide.steps
                       if id(step) not in done)
        status = _guide_status(results)
        partial = GuideResult(path=guide.path, status="skipped" if status == "passed" else status,
                              steps=tuple(results), target_fault=runner.target_fault,
                              cleanup=runner.close())
        raise Interrupted(partial) from None
    except Exception as exc:  # a bug between steps: its step says so
        done = {id(result.step) for result in results}
        pending = [step for step in guide.steps if id(step) not in done]
        if pending:
            results.append(runner.crashed(pending[0], exc, "running the guide"))
            results.extend(runner.skipped(step, "not run: the runner crashed at an earlier "
                                          "step") for step in pending[1:])
        else:
            crash = record_crash(exc, "running the guide", secrets=runner.secrets)
            return _after_crash(guide, results, runner, crash.message, crash.path)
    if runner.session.observe:
        # Only now does the guide know every example and secret its failed answers may hold.
        results = runner.observer.finish(results, runner.book, runner.secrets,
                                         runner.session.isolation, origin=runner.session.origin,
                                         documented_origin=runner.session.documented_origin)
    try:
        cleanup = runner.close()
    except Exception as exc:  # cleanup is reported crashed, never silent
        crash = record_crash(exc, "cleaning up after the guide", secrets=runner.secrets)
        return _after_crash(guide, results, runner, crash.message, crash.path, close=False)
    return GuideResult(path=guide.path, status=_guide_status(results), steps=tuple(results),
                       target_fault=runner.target_fault, cleanup=cleanup)


def _after_crash(guide: Guide, results: list[StepResult], runner: _GuideRunner, message: str,
                 path: str | None, *, close: bool = True) -> GuideResult:
    """A guide whose runner crashed outside any step: what ran, and the crash as its error.

    Its agents may remain, which the message must not hide.
    """
    cleanup: tuple[Cleanup, ...] = ()
    if close:
        cleanup = runner.close()
    elif runner.session.isolation is not None:
        # Cleanup itself crashed: what the ledger knows of is named as left, never lost.
        cleanup = tuple(Cleanup(agent, "failed", "cleanup crashed (a bug in the runner)",
                                tag=runner.session.isolation.tag)
                        for agent in runner.ledger.leftovers())
    return GuideResult(path=guide.path, status="error", steps=tuple(results),
                       errors=((Source(guide.path, 1), message),),
                       target_fault=runner.target_fault, cleanup=cleanup, crash=path or "")


def not_started(guide: Guide, reason: str) -> GuideResult:
    """A guide the run never got to (interrupted first): every step skipped, with `reason`."""
    if guide.errors:
        return GuideResult(path=guide.path, status="error", errors=guide.errors)
    steps = tuple(StepResult(step=step, status="skipped", method=step.method, url=step.url,
                             reason=reason) for step in guide.steps)
    return GuideResult(path=guide.path, status="skipped", steps=steps)


class Interrupted(Exception):
    """The run was interrupted; `result` holds the guide as far as it got, cleaned up."""

    def __init__(self, result: GuideResult) -> None:
        super().__init__("interrupted")
        self.result = result


def _last_selected(guide: Guide, selected: Callable[[Step], bool] | None) -> int:
    if selected is None:
        return len(guide.steps) - 1
    indexes = [i for i, step in enumerate(guide.steps) if selected(step)]
    return indexes[-1] if indexes else -1


def _guide_status(results: list[StepResult]) -> Verdict:
    verdicts = {result.status for result in results}
    for verdict in ("error", "failed", "passed"):
        if verdict in verdicts:
            return verdict
    return "skipped" if results else "passed"


class _GuideRunner:
    """One guide's context: variables, examples seen, secrets, the HTTP client."""

    def __init__(self, guide: Guide, session: Session, cancel: threading.Event | None) -> None:
        self.guide = guide
        self.cancel = cancel
        self.session = session
        target_variables: dict[str, str | Secret] = dict(session.variables)
        if session.bootstrap_token is not None:
            target_variables["BOOTSTRAP_TOKEN"] = session.bootstrap_token
        self.context = Context(target_variables, strict=session.strict)
        self.book = ExampleBook()
        self.observer = Observer(guide.path)
        # This guide's view of the run's secrets: what it learns reaches every report.
        self.secrets = session.secrets.scoped()
        if session.bootstrap_token is not None:
            self.secrets.add(session.bootstrap_token)
        self.client = httpx.Client(transport=session.transport, follow_redirects=False)
        clock = session.clock
        self.sender = Sender(self.client, session.retry, cancel=cancel,
                             sleep=clock.advance if clock else None,
                             clock=clock.monotonic if clock else time.monotonic,
                             reach=session.reach)
        self.builder = RequestBuilder(session, self.context, self.book, self.secrets)
        self.ledger = AgentLedger()
        self.target_fault = False
        self.reached = False
        """Whether any request may have reached the target (else there is nothing to clean)."""
        self.read_only_skip: int | None = None
        self.changed_state = False
        """Whether the last step sent a request that can change the server's state."""
        self.bound: set[str] = set()
        """The variables the last step bound (captures, assignments, response fields)."""
        self.stage = "preparing the request"
        """What the current step is doing, named when the runner crashes there."""

    def close(self) -> tuple[Cleanup, ...]:
        try:
            if self.session.isolation is None:
                return ()  # an embedded IdP goes with its guide: nothing is left behind
            if self.session.cleanup and self.reached:
                return self.ledger.decommission(self.client, self.session)
            return tuple(Cleanup(agent, "kept") for agent in self.ledger.leftovers())
        finally:
            self.client.close()

    def run(
        self, last: int, selected: Callable[[Step], bool] | None, results: list[StepResult]
    ) -> None:
        blocks = Blocks(strict=self.session.strict)
        since: str | None = None
        for step in self.guide.steps[: last + 1]:
            if self.cancel is not None and self.cancel.is_set():
                raise KeyboardInterrupt
            cause = blocks.cause(step)
            # Once the target stopped answering (this guide or another), sending more only
            # costs a timeout each: the rest of the guide is not run, its cleanup still is.
            since = since or self.session.reach.since
            if since is not None:
                result = self.skipped(step, f"not run: target unreachable since {since}")
            elif cause is not None:
                result = self.skipped(step, cause[1])
                blocks.skipped(step, cause[0])
            elif step.skip is not None:
                result = self.skipped(step, step.skip)
            else:
                result = self.run_step(step)
                blocks.judged(step, result, changes_state=self.changed_state,
                              bound=self.bound)
            # Steps left out by -k still run (later ones need their context), but only
            # their failures are reported: nothing that went wrong is ever hidden.
            if selected is None or selected(step) or result.status in ("failed", "error"):
                results.append(result)

    def skipped(self, step: Step, reason: str, *, held_back: bool = False) -> StepResult:
        return StepResult(step=step, status="skipped", method=step.method,
                          url=self.secrets.mask(step.url), reason=reason, held_back=held_back)

    def _error(self, step: Step, message: str, url: str | None = None,
               source: Source | None = None) -> StepResult:
        problem = Problem(message=self.secrets.mask(message), source=source or step.source)
        return StepResult(step=step, status="error", method=step.method,
                          url=self.secrets.mask(url or step.url), problems=(problem,),
                          reason=problem.message)

    def run_step(self, step: Step) -> StepResult:
        """Resolve, send and match one step; never raises for the docs' or target's faults,
        and a bug of the runner's own becomes an error at the step (exit 4), not a crash."""
        self.stage = "preparing the request"
        try:
            return self._run_step(step)
        except RecursionError:
            # JSON nested deeper than Python can walk (a request or response body, since
            # documented JSON is bounded when read): the step cannot be checked, not a crash.
            return self._error(step, "a JSON body is nested too deeply to check, expected "
                                     "at most a few hundred levels")
        except Exception as exc:  # a bug: reported at its step, the run goes on
            return self.crashed(step, exc, self.stage)

    def crashed(self, step: Step, error: Exception, stage: str) -> StepResult:
        """An unexpected exception at `step`: one line in the reports, the traceback in a file."""
        crash = record_crash(error, f"{stage} ({step.source})", secrets=self.secrets)
        problem = Problem(message=crash.message, source=step.source)
        return StepResult(step=step, status="error", method=step.method,
                          url=self.secrets.mask(step.url), problems=(problem,),
                          reason=crash.message, crash=crash.path or "")

    def _run_step(self, step: Step) -> StepResult:
        self.changed_state, self.bound = False, set()
        self.context.take_reads()  # what earlier steps read is theirs
        try:
            for assignment in step.setup:
                value = " ".join(expand_word(assignment.value, self.context))
                self._assign(assignment.name, value, assignment.source)
            outbound = self.builder.build(step)
        except UnboundVariable as exc:
            if self.read_only_skip is not None:
                return self.skipped(step, f"needs ${exc.name}, from the step at line "
                                           f"{self.read_only_skip} that read-only mode skipped",
                                    held_back=True)
            withheld = self.context.withheld(exc.name)
            if withheld is not None:
                return self._withheld(step, exc, withheld)
            return self._error(step, self._unbound(exc.name), source=exc.source)
        except DocError as exc:
            return self._error(step, exc.message)
        reader = reader_problems(step, self.guide, self.context.take_reads(),
                                 strict=self.session.strict)
        if self.read_only_skip is not None:
            # What the guide shows after a write depends on it: a list read after a held-back
            # registration would answer without the agent and read as drift.
            return self.skipped(step, f"read-only mode: follows the write at line "
                                      f"{self.read_only_skip} that was held back",
                                held_back=True)
        if self.session.read_only and _changes_state(outbound.request):
            self.read_only_skip = step.source.line
            return self.skipped(step, f"read-only mode: {outbound.request.method} changes state",
                                held_back=True)
        self.changed_state = _changes_state(outbound.request)
        url = self.secrets.mask(outbound.documented_url)
        self.stage = "sending the request"
        try:
            delivery = self._send(outbound, step.expected.code, str(step.source))
        except TargetError as exc:
            self.target_fault = True
            self.reached = self.reached or not exc.unreached
            if not exc.unreached:  # maybe applied: a registration may have made an agent
                self.ledger.unanswered(outbound.request.method, outbound.request.url.path)
            return self._error(step, exc.message, url)
        except DocError as exc:
            self.reached = True  # a connection was made: what the guide created is cleaned up
            return self._error(step, exc.message, url)
        self.reached = True
        self.stage = "checking the response"
        return self._judge(step, outbound, delivery, url, reader)

    def _unbound(self, name: str) -> str:
        """An unset variable, and the name it was probably meant to be."""
        hint = self.context.suggestion(name)
        if hint is not None:
            return f"variable ${name} is not set; did you mean ${hint}?"
        return (f"variable ${name} is not set, expected an earlier export, capture or "
                "response field that sets it")

    def _withheld(self, step: Step, exc: UnboundVariable, binding: Binding) -> StepResult:
        """`--strict`: the step reads what only a response bound; a reader would send it
        empty, so nothing is sent and the step fails at the reading line."""
        problems = [withheld_problem(step, exc.name, binding, exc.source)]
        problems += reader_problems(step, self.guide, self.context.take_reads(), strict=True)
        masked = tuple(self._mask_problem(p) for p in problems)
        return StepResult(step=step, status="failed", method=step.method,
                          url=self.secrets.mask(step.url), problems=masked,
                          reason=masked[0].message)

    def _judge(self, step: Step, outbound: Outbound, delivery: Delivery, url: str,
               reader: list[Problem]) -> StepResult:
        request, response = outbound.request, delivery.response
        if self.session.isolation is not None:
            # The guide documents its own values, not the run-tagged ones that were sent.
            text = self.session.isolation.inbound_text(response.text)
            response = with_body(response, text.encode(), request)
        body = loads_or_none(response.text) if response.content else None
        self.ledger.observe(request.method, request.url.path, response.status_code, body)
        if body is not None:
            self.secrets.collect_from_json(body)
        exchange = exchange_record(request, response, delivery.elapsed, self.secrets)
        expected = step.expected.code
        if response.status_code >= 500 and (expected is None or expected < 500):
            self.target_fault = True
            message = (f"target fault: {request.method} {url} answered {response.status_code}, "
                       "which the guide does not document")
            return StepResult(step=step, status="error", method=request.method, url=url,
                              actual_status=response.status_code, exchange=exchange,
                              problems=(Problem(message=message, source=step.source),),
                              reason=message, retries=delivery.retries)
        try:
            matched = compare_response(step, response, self.book, mask=self.secrets.mask)
        except DocError as exc:
            # The documented response itself cannot be read: the docs' fault, not the target's.
            return StepResult(step=step, status="error", method=request.method, url=url,
                              actual_status=response.status_code, exchange=exchange,
                              problems=(self._mask_problem(Problem(message=exc.message,
                                                                   source=exc.source)),),
                              reason=self.secrets.mask(exc.message), retries=delivery.retries)
        problems = [*matched.problems, *self._capture(step, body), *reader]
        answer = step.response.source if step.response is not None else step.source
        self.context.learn_response(body, answer)
        if isinstance(body, dict):
            self.bound.update(name for key in body for name in field_variables(str(key)))
        masked = tuple(self._mask_problem(p) for p in problems)
        failed = any(p.severity == "failure" for p in masked)
        if failed and self.session.observe:
            self.observer.record(step, response, self._body_problems(step, response))
        return StepResult(step=step, status="failed" if failed else "passed",
                          method=request.method, url=url, actual_status=response.status_code,
                          problems=masked, exchange=exchange, retries=delivery.retries,
                          diff=tuple(self._mask_line(line) for line in matched.diff))

    def _body_problems(self, step: Step, response: httpx.Response) -> tuple[Problem, ...] | None:
        """When the answer is of another status class than documented, its body was not
        compared (nor any example bound): its problems against the real status, for
        `--update`, on a copy of the book (None otherwise)."""
        if step.response is None or _in_class(step, response.status_code):
            return None
        real = ExpectedStatus(code=response.status_code, origin="directive")
        try:
            matched = compare_response(replace(step, expected=real), response,
                                       self.book.copy(), mask=self.secrets.mask)
        except DocError:
            return None
        return matched.problems

    def _assign(self, name: str, value: str, source: Source | None = None) -> None:
        if is_secret_variable(name):
            self.secrets.add(value)
        self.context.assign(name, value, source)
        self.bound.add(name)

    def _send(self, outbound: Outbound, expected: int | None, where: str) -> Delivery:
        curl = outbound.curl
        seconds = curl.timeout if curl and curl.timeout else self.session.timeout
        timeout = httpx.Timeout(seconds, connect=curl.connect_timeout if curl else None)
        return self.sender.send(
            outbound.request,
            timeout=timeout,
            redirects=curl.redirects() if curl else None,
            expected_status=expected,
            where=where,
        )

    def _capture(self, step: Step, body: Any) -> list[Problem]:
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
                # Report a JSON path (`$.token`) whether the guide wrote a jq filter or a path.
                where = capture.path
                if isinstance(exc, PathNotFound):
                    where = format_path(parse_path(capture.path))
                problems.append(Problem(message=f"cannot capture ${capture.name}: {exc.message}",
                                        source=capture.source, path=where))
                continue
            self._assign(capture.name, value, capture.source)
        return problems

    def _mask_problem(self, problem: Problem) -> Problem:
        mask = self.secrets.mask
        return Problem(
            message=mask(problem.message), source=problem.source, path=problem.path,
            expected=None if problem.expected is None else mask(problem.expected),
            actual=None if problem.actual is None else mask(problem.actual),
            severity=problem.severity,
        )

    def _mask_line(self, line: DiffLine) -> DiffLine:
        # Whole, like the problems: the reports cut a long line only after this.
        return replace(line, text=self.secrets.mask(line.text), key=self.secrets.mask(line.key))


def _in_class(step: Step, actual: int) -> bool:
    """Whether a real status is of the class the step documents."""
    return actual // 100 == expected_class(step.expected)


def _changes_state(request: httpx.Request) -> bool:
    """Whether a request may change the server's state: all but reads and the two POSTs that
    only read (token issuance, introspection), judged on the raw target exactly as it is sent
    and routed. Anything not recognisably one of those (an escape, a dot segment, a query
    hiding `/token`) counts as a change."""
    if request.method in SAFE_METHODS:
        return False
    if request.method != "POST":
        return True
    sent = request.extensions.get("target", request.url.raw_path)
    raw = bytes(sent).split(b"?", 1)[0]
    if not raw.isascii():
        return True
    path = raw.decode("ascii")
    if "%" in path or "//" in path or any(part in (".", "..") for part in path.split("/")):
        return True
    return not path.endswith(_READ_ONLY_POSTS)
