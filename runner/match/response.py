"""The match stage: a step's documented response against the real one, as problems at lines.

The status comes first; headers and body are compared only when the status class is
right, so a 201 example meeting a 409 error reads as one problem naming the real
error code, not a page of missing keys.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from runner.match.body import BodyMatcher
from runner.match.diff import body_diff
from runner.match.printed import check_printed
from runner.match.unify import ExampleBook
from runner.model import (
    DiffLine,
    DocError,
    DocObject,
    DocumentedResponse,
    Problem,
    Source,
    Step,
    expected_class,
    status_matches,
)
from runner.read.jq import Path, PathNotFound, parse_path, render, select
from runner.translate.curl import PrintedFacts, render_write_out, write_out_matches
from runner.translate.docjson import documented_body, parse_documented_json
from runner.translate.json_body import read_json
from runner.translate.shapes import fits_shape, is_placeholder, prefix_fits, shape_of, shortened

__all__ = ["ExampleBook", "ResponseMatch", "compare_response", "match_response", "printed_filter",
           "shown_json"]

_IGNORED_HEADERS = frozenset({"date", "content-length", "connection", "transfer-encoding"})
_NUMERIC_HEADERS = frozenset({"x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"})
_SHOWN_LIMIT = 200
"""How much of a body that is not JSON a problem quotes."""

Mask = Callable[[str], str]
"""Hides the run's secrets in a text; applied before any text is cut (a secret cut in two
would no longer be found, and half of it would show)."""


def _unmasked(text: str) -> str:
    return text


_MESSAGE_LIMIT = 80


def _error_summary(response: httpx.Response, mask: Mask) -> str | None:
    """The real error as a reader would quote it: `VALIDATION_ERROR: Content-Type must be…`.

    The `code` and `message` of the IdP's errors, or OAuth's `error` and
    `error_description`; a long message is cut at a word, on one line.
    """
    ok, body = read_json(response.content)
    if not ok or not isinstance(body, dict):
        return None
    for code_key, message_key in (("code", "message"), ("error", "error_description")):
        code, message = body.get(code_key), body.get(message_key)
        code = code if isinstance(code, str) and code.strip() else None
        message = message if isinstance(message, str) and message.strip() else None
        if code is None and message is None:
            continue
        if message is None:
            return code
        # A final period would run into what the problem says next (`…; no status is`).
        text = _shortened(" ".join(mask(message).split()).removesuffix("."))
        return f"{mask(code)}: {text}" if code is not None else text
    return None


def _shortened(text: str) -> str:
    """A message cut to about one line: at its last clause within the limit, else a word."""
    if len(text) <= _MESSAGE_LIMIT:
        return text
    head = text[: _MESSAGE_LIMIT + 1]
    clause = max(head.rfind(mark) for mark in (". ", "; ", ", ", ": ", " - "))
    if clause >= _MESSAGE_LIMIT // 3:
        cut = head[:clause]
    else:
        cut = head.rsplit(" ", 1)[0] if " " in head else text[:_MESSAGE_LIMIT]
    return cut.rstrip(" ,;:.-") + "…"


_CLASS_REASONS = {
    ("shape", 4): "the documented body has an error shape and no status is written",
    ("shape", 2): "the documented body is no error and no status is written",
    ("default", 2): "no status is written for this request (no directive, status line or "
                    "status phrase near it)",
}


def _status_problem(step: Step, response: httpx.Response, mask: Mask) -> Problem | None:
    expected = step.expected
    actual = response.status_code
    if status_matches(expected, actual):
        return None
    want = str(expected.code) if expected.code is not None else f"{expected_class(expected)}xx"
    summary = _error_summary(response, mask)
    got = f"{actual} {summary}" if summary else str(actual)
    if expected.code is not None:
        message = f"expected status {want}, got {got}"
    else:
        # Say where a class came from: a writer who meant a status wrote it somewhere else.
        reason = _CLASS_REASONS.get((expected.origin, expected_class(expected)))
        message = f"expected a {want} status, got {got}" + (f"; {reason}" if reason else "")
    source = expected.source
    if source is None and step.response is not None and expected.origin == "http":
        source = step.response.source
    return Problem(message=message, source=source or step.source, path=None,
                   expected=want, actual=got)


def _header_value_fits(name: str, documented: str, real: str) -> bool:
    documented, real = documented.strip(), real.strip()
    if name == "content-type":
        return documented.split(";")[0].strip().lower() == real.split(";")[0].strip().lower()
    if name in _NUMERIC_HEADERS:
        return real.isdigit()
    if is_placeholder(documented):
        return real != ""
    prefix = shortened(documented)
    if prefix is not None:
        return prefix_fits(prefix, real)
    shape = shape_of(documented)
    if shape is not None:
        return fits_shape(shape, documented, real)
    return documented == real


def _header_problems(documented: DocumentedResponse, response: httpx.Response) -> list[Problem]:
    problems = []
    for index, (name, value) in enumerate(documented.headers):
        lowered = name.lower()
        if lowered in _IGNORED_HEADERS:
            continue
        line = documented.source.line + 1 + index if documented.kind == "http" else 0
        source = (
            documented.source.at(line)
            if documented.kind == "http" and line < documented.body_line
            else documented.source
        )
        values = response.headers.get_list(name)
        if not values:
            problems.append(Problem(
                message=f"header {name} is documented but missing from the response",
                source=source, path=f"header {name}", expected=value, actual="missing",
            ))
        elif not any(_header_value_fits(lowered, value, real) for real in values):
            problems.append(Problem(
                message=f"header {name} is {', '.join(values)}, the guide shows {value}",
                source=source, path=f"header {name}", expected=value, actual=", ".join(values),
            ))
    return problems


def _is_json(documented: DocumentedResponse) -> bool:
    if documented.kind == "json":
        return True
    if documented.kind == "text":
        return False
    return documented.body.lstrip()[:1] in {"{", "["}


def _directive_paths(paths: tuple[str, ...], step: Step) -> list[Path]:
    return [parse_path(path, source=step.source) for path in paths]


def printed_filter(step: Step) -> tuple[str, bool] | None:
    """The jq filter a shown curl's output goes through (`| jq '.data[0]'`), and `-r`.

    None when the output is printed whole (no jq, `jq`, `jq .`, `python -m json.tool`)
    or goes into a variable (`X=$(curl ... | jq -r .x)` documents the whole answer).
    """
    jq = step.command.jq_filter() if step.command is not None else None
    path = jq.word.literal if jq is not None and jq.word is not None else None
    if jq is None or path is None or path.strip() == "." or any(
            capture.path == path for capture in step.captures):
        return None
    return path, jq.raw


def _filtered(step: Step, response: httpx.Response,
              body_source: Source) -> tuple[bool, Any, Problem | None]:
    """The real JSON as the reader sees it: (is JSON, value, a problem selecting it)."""
    ok, real = read_json(response.content)
    printed = printed_filter(step)
    if not ok or printed is None:
        return ok, real, None
    path, _ = printed
    try:
        return True, select(real, path, source=step.source), None
    except PathNotFound as missing:
        return True, None, Problem(
            message=f"jq {path} prints nothing useful: {missing.message}",
            source=body_source, path=missing.path, expected=f"a value at {path}",
            actual="missing")
    except DocError as error:
        # Comparing the whole body instead would pass what the reader never sees.
        raise DocError(f"jq filter `{path}` cannot be applied to the response: "
                       f"{error.message}", body_source) from None


def shown_json(step: Step, response: httpx.Response) -> tuple[bool, Any]:
    """The real JSON as the documented body is held against it (after a `| jq` filter):
    (whether there is one, the value)."""
    ok, real = read_json(response.content)
    printed = printed_filter(step)
    if not ok or printed is None:
        return ok, real
    try:
        return True, select(real, printed[0], source=step.source)
    except DocError:
        return False, None


@dataclass(frozen=True, slots=True)
class ResponseMatch:
    """What matching one response found: its problems, and the body diff they draw."""

    problems: tuple[Problem, ...]
    diff: tuple[DiffLine, ...] = ()
    """The documented JSON body against the real value it was held against, where it failed
    (texts whole and not yet masked: the caller masks them like the problems)."""


_Body = tuple[list[Problem], tuple[DiffLine, ...]]


def _body_problems(step: Step, documented: DocumentedResponse, response: httpx.Response,
                   book: ExampleBook, mask: Mask) -> _Body:
    body_source = documented.source.at(documented.body_line)
    ok, real, missing = _filtered(step, response, body_source)
    if missing is not None:
        return [missing], ()
    if not _is_json(documented):
        printed = printed_filter(step)
        got = response.text.strip()
        want = documented.body.strip()
        if printed is not None and ok:
            got = render(real, raw=printed[1]).strip()
            if printed[1] and isinstance(real, str) and "\n" not in want:
                # `jq -r .access_token` prints one value: it matches by shape like a JSON one.
                # One value is its own diff: the problem's expected and actual say it all.
                return _value_problems(step, json.dumps(want), real, body_source, book)[0], ()
        if want == got:
            return [], ()
        return [Problem(message="the response body differs from the guide", source=body_source,
                        path=None, expected=want, actual=got)], ()
    doc = documented_body(documented)
    if not ok:
        if not response.content.strip():
            if isinstance(doc, DocObject) and not doc.members:
                return [], ()  # `{}` documented for an empty answer says the same thing
            return [Problem(
                message=f"the guide shows a JSON body, the {response.status_code} response "
                "has none",
                source=body_source, path="$", expected="a JSON body", actual="an empty body",
            )], ()
        return [Problem(
            message="the guide shows a JSON body, the response is not JSON",
            source=body_source, path="$", expected="a JSON body",
            actual=mask(response.text.strip())[:_SHOWN_LIMIT],
        )], ()
    return _value_problems(step, doc, real, body_source, book)


def _value_problems(step: Step, doc: Any, real: Any, body_source: Source,
                    book: ExampleBook) -> _Body:
    """Documented JSON (text or parsed) against a real value, binding the examples it meets;
    the diff is drawn against that same value (after any jq filter), with the same pairing."""
    if isinstance(doc, str):
        doc = parse_documented_json(doc, source=body_source)
    matcher = BodyMatcher(
        book,
        ignore=_directive_paths(step.ignore, step),
        unordered=_directive_paths(step.unordered, step),
        strict=step.strict,
    )
    matcher.value(doc, real, [])
    problems = [*matcher.problems, *book.bind_all(matcher.bindings)]
    if not any(problem.severity == "failure" for problem in problems):
        return problems, ()  # the usual case: nothing to draw
    return problems, body_diff(doc, real, problems, matcher.pairs, matcher.renamed)


def match_response(
    step: Step, response: httpx.Response, book: ExampleBook, *, mask: Mask = _unmasked
) -> list[Problem]:
    """The problems of `compare_response`, for callers that draw no diff."""
    return list(compare_response(step, response, book, mask=mask).problems)


def compare_response(
    step: Step, response: httpx.Response, book: ExampleBook, *, mask: Mask = _unmasked
) -> ResponseMatch:
    """Every way the real response contradicts the step's documented status, headers and body.

    Binds the documented examples the body meets in `book` (the guide's), so later
    steps must meet the same real values. `mask` hides the run's secrets in any text the
    problems quote only in part; the caller still masks the problems whole.

    Raises:
        DocError: the documented JSON or a directive path cannot be read.
    """
    status = _status_problem(step, response, mask)
    documented = step.response
    if status is not None and response.status_code // 100 != expected_class(step.expected):
        # The answer is another one than documented: only what the command could print for
        # no answer at all (a body after `-I`, say) is worth saying besides.
        never = () if documented is None else check_printed(step.printing, documented).problems
        return ResponseMatch((status, *never))
    problems = [status] if status is not None else []
    if documented is None:
        return ResponseMatch(tuple(problems))
    problems.extend(_header_problems(documented, response))
    # What the guide shows is what the command prints: a part curl never prints for this
    # status is a problem of its own, and not compared as if it had been printed.
    seen = check_printed(step.printing, documented, response.status_code)
    problems.extend(seen.problems)
    diff: tuple[DiffLine, ...] = ()
    if not seen.body_unseen and documented.body.strip():
        found, diff = _body_problems(step, documented, response, book, mask)
        problems.extend(found)
    # A wrong status is already said once: the `%{http_code}` it prints says it again.
    printed = _printed_problem(step, documented, response) if status is None else None
    if printed is not None:
        problems.append(printed)
    return ResponseMatch(tuple(problems), diff)


def _printed_problem(
    step: Step, documented: DocumentedResponse, response: httpx.Response
) -> Problem | None:
    """What curl's `-w` would print for the real answer, against what the guide shows."""
    write_out = step.write_out
    if write_out is None or documented.printed is None:
        return None
    facts = PrintedFacts(
        status=response.status_code,
        headers={name.lower(): value for name, value in response.headers.items()},
        size=len(response.content),
        method=response.request.method,
    )
    if write_out_matches(write_out, documented.printed, facts):
        return None
    return Problem(
        message="what curl -w prints differs from the guide",
        source=documented.source.at(documented.printed_line),
        path=None, expected=documented.printed.strip(),
        actual=render_write_out(write_out, facts).strip(),
    )

