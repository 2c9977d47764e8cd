"""The guides on the page: a section per guide, its steps in Markdown order, each a
`<details>` (open when it failed or could not run); a failed step's documented and real
response side by side, the differences highlighted."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from itertools import zip_longest

from runner.model import DiffLine, GuideResult, StepResult, expected_class, status_matches
from runner.report.body_diff import shown_lines
from runner.report.html.markup import Markup
from runner.report.render import (
    CHANGES,
    expected_label,
    plain,
    render_exchange,
    render_problem,
    status_phrase,
    step_problems,
)

__all__ = ["LABELS", "guide_section", "step_id"]

LABELS = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "skipped": "SKIP"}
_CELL_LIMIT = 400
_CHANGED_CELL_LIMIT = 4000
"""A changed line is cut much later than an unchanged one: the difference may be at its end."""
_EQUAL_CONTEXT = 2
_MAX_ROWS = 80

Row = tuple[str | None, str | None, bool]
"""A row of the side-by-side table: documented text, real text (None: no line on that side),
and whether the two differ."""


def step_id(number: int, index: int) -> str:
    """The id of a guide's step on the page (both counted from 1), for links to it."""
    return f"guide-{number}-step-{index}"


def guide_section(m: Markup, guide: GuideResult, number: int) -> str:
    """A guide's section: heading with its verdict, what kept it from running, its steps."""
    ident = f"guide-{number}"
    count = len(guide.steps)
    parts = [m.tag("h3", m.tag("span", m.text(LABELS[guide.status]),
                         class_=f"verdict {guide.status}"), " ",
                   m.tag("code", m.text(guide.path)), id=f"{ident}-title")]
    tally = ", ".join(f"{sum(s.status == verdict for s in guide.steps)} {word}"
                      for verdict, word in (("passed", "passed"), ("failed", "failed"),
                                            ("error", "errors"), ("skipped", "skipped")))
    if count or not guide.errors:
        # A page with no step (an index) passes; "0 passed, 0 failed" would read as a fault.
        said = (f"{count} step{'' if count == 1 else 's'}: {tally}" if count
                else "No steps: this page documents no request, so there was nothing to run.")
        parts.append(m.tag("p", m.text(said)))
    if guide.errors:
        parts.append(m.tag("p", m.text("Could not be read or planned; nothing was sent:")))
        parts.append(m.tag("ul", *(m.tag("li", m.tag("code", m.text(source)), ": ",
                                         m.text(message))
                                   for source, message in sorted(guide.errors)),
                           class_="errors"))
    if guide.steps:
        parts.append(m.tag("ol", *(_step(m, guide, step, step_id(number, index))
                                   for index, step in enumerate(guide.steps, 1)),
                           class_="steps"))
    for cleanup in guide.cleanup:
        what = "sweep" if cleanup.agent_id is None else f"agent {cleanup.agent_id}"
        detail = f": {cleanup.detail}" if cleanup.detail else ""
        parts.append(m.tag("p", m.text(f"cleanup: {what} {cleanup.outcome}{detail}"),
                           class_=f"cleanup {cleanup.outcome}"))
    return m.tag("section", m.join(parts), id=ident, class_=f"guide {guide.status}",
                 aria_labelledby=f"{ident}-title")


def _step(m: Markup, guide: GuideResult, result: StepResult, ident: str) -> str:
    step = result.step
    where = (f"line {step.source.line}" if step.source.path == guide.path
             else str(step.source))
    label = "HELD BACK" if result.held_back else LABELS[result.status]
    summary = [m.tag("span", m.text(label), class_=f"verdict {result.status}"), " ",
               m.tag("span", m.text(where), class_="where"), " ",
               m.tag("code", m.text(step.name))]
    if result.status == "skipped" and result.reason:
        summary.append(m.text(f": {result.reason}"))
    if result.change is not None:
        summary += [" ", m.tag("span", m.text(CHANGES[result.change]),
                               class_=f"change change-{result.change}")]
    body = [m.tag("summary", *summary), _facts(m, result)]
    problems = step_problems(result)
    if problems:
        body.append(m.tag("ul", *(m.tag("li", m.tag("pre", m.text(
            render_problem(problem, fallback=step.source))), class_=problem.severity)
            for problem in problems), class_="problems", aria_label="Problems"))
    if result.status == "failed":
        body.append(_comparison(m, result))
    if result.exchange is not None:
        body.append(m.tag("details", m.tag("summary", m.text("Request sent and response "
                                                             "received")),
                          m.tag("pre", m.text(plain(render_exchange(result.exchange)))),
                          class_="exchange"))
    opened = result.status in ("failed", "error")
    return m.tag("li", m.tag("details", m.join(body), open=opened), id=ident,
                 class_=f"step {result.status}")


def _facts(m: Markup, result: StepResult) -> str:
    step = result.step
    rows = [("URL", m.tag("code", m.text(result.url))),
            ("expected status", m.text(expected_label(step.expected))),
            ("real status", m.text("none" if result.actual_status is None
                                   else status_phrase(result.actual_status)))]
    if result.reason and result.status != "skipped":
        rows.append(("why", m.text(result.reason)))
    if result.held_back:
        rows.append(("held back", m.text("by --read-only: not sent")))
    rows += [("retry", m.text(retry)) for retry in result.retries]
    if result.crash is not None:
        rows.append(("traceback", m.tag("code", m.text(result.crash))))
    return m.tag("dl", *(m.tag("dt", m.text(name)) + m.tag("dd", value) for name, value in rows),
                 class_="facts")


def _comparison(m: Markup, result: StepResult) -> str:
    """The documented and the real response side by side: the status, then the body."""
    step = result.step
    expected = expected_label(step.expected)
    actual = "no response" if result.actual_status is None else status_phrase(result.actual_status)
    status_differs = (result.actual_status is None
                      or not status_matches(step.expected, result.actual_status))
    rows: list[Row] = [(f"status {expected}", f"status {actual}", status_differs)]
    rows += _body_rows(result)
    documented = "documented in the guide"
    if step.response is not None:
        documented += f" (line {step.response.source.line})"
    head = m.tag("tr", m.tag("th", m.text(documented), scope="col"),
                 m.tag("th", m.text("real answer of the target"), scope="col"))
    lines = [_row(m, row) for row in rows[:_MAX_ROWS]]
    if len(rows) > _MAX_ROWS:
        hidden = len(rows) - _MAX_ROWS
        lines.append(_row(m, (f"… {hidden} more rows", f"… {hidden} more rows", False), gap=True))
    caption = ("Documented response against the real one: lines marked - (red) are only in "
               "the guide, + (green) only in the real answer")
    return m.tag("table", m.tag("caption", m.text(caption)), m.tag("thead", head),
                 m.tag("tbody", m.join(lines)), class_="compare")


def _row(m: Markup, row: Row, *, gap: bool = False) -> str:
    documented, real, changed = row
    cells = []
    for text, side, mark, wrap in ((documented, "documented", "- ", "del"),
                                   (real, "real", "+ ", "ins")):
        if text is None:
            cells.append(m.tag("td", class_=f"cell {side} empty"))
            continue
        shown = m.text(_clip(text, _CHANGED_CELL_LIMIT if changed else _CELL_LIMIT))
        content = m.tag(wrap, m.text(mark), shown) if changed else m.text("  ") + shown
        cells.append(m.tag("td", content, class_=f"cell {side}" + (" gap" if gap else "")))
    return m.tag("tr", *cells, class_="changed" if changed else None)


def _body_rows(result: StepResult) -> list[Row]:
    """The body: the matcher's diff when it drew one, else the two bodies as texts, lined up.

    Lines that differ are highlighted unless the matcher compared the JSON body and found it
    held (the step failed elsewhere: a status, a header): a timestamp or an id that differs
    from the example is no difference then.
    """
    lines = shown_lines(result)
    if lines:
        return list(_diff_rows(lines))
    step = result.step
    documented = step.response.body if step.response is not None else ""
    real = result.exchange.response_body if result.exchange is not None else ""
    if not documented.strip() and not real.strip():
        return []
    held = (step.response is not None and step.response.kind == "json"
            and result.actual_status is not None
            and result.actual_status // 100 == expected_class(step.expected))
    return list(_text_rows(documented.strip("\n").splitlines(), real.strip("\n").splitlines(),
                           highlight=not held))


def _diff_rows(lines: list[DiffLine]) -> Iterator[Row]:
    """The matcher's lines: `-` runs on the left paired with the `+` runs after them."""
    gone: list[str] = []
    came: list[str] = []
    for line in lines:
        text = f"{'  ' * line.depth}{line.key}{line.text}{',' if line.comma else ''}"
        if line.tag == "-":
            gone.append(text)
        elif line.tag == "+":
            came.append(text)
        else:
            yield from _pairs(gone, came)
            gone, came = [], []
            yield text, text, False
    yield from _pairs(gone, came)


def _text_rows(documented: list[str], real: list[str], *, highlight: bool) -> Iterator[Row]:
    """Two texts lined up (difflib), long unchanged runs cut to their ends."""
    matcher = difflib.SequenceMatcher(None, documented, real, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            for left, right, _ in _pairs(documented[i1:i2], real[j1:j2]):
                yield left, right, highlight
            continue
        same = documented[i1:i2]
        if len(same) > 2 * _EQUAL_CONTEXT + 1:
            cut = len(same) - 2 * _EQUAL_CONTEXT
            yield from ((text, text, False) for text in same[:_EQUAL_CONTEXT])
            yield f"… {cut} equal lines", f"… {cut} equal lines", False
            same = same[-_EQUAL_CONTEXT:]
        yield from ((text, text, False) for text in same)


def _pairs(gone: list[str], came: list[str]) -> Iterator[Row]:
    for left, right in zip_longest(gone, came):
        yield left, right, True


def _clip(text: str, limit: int) -> str:
    """The text, or its start and how much was cut: a cut is never silent."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"
