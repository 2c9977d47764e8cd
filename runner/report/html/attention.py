"""What needs attention, in the summary: every step that failed or could not run (and, against a
baseline, every new failure), one row each with its `file:line`, request and first problem,
linked to the step below; then the steps a baseline run failed that pass now. A release
manager reads this list instead of scrolling a hundred passing steps to find the red ones."""

from __future__ import annotations

from collections.abc import Iterator

from runner.model import GuideResult, RunResult, StepResult
from runner.report.html.markup import Markup
from runner.report.html.steps import LABELS, step_id
from runner.report.render import CHANGES, step_problems

__all__ = ["attention", "fixed_steps"]

_MESSAGE_LIMIT = 240


def attention(m: Markup, result: RunResult) -> str:
    """The table of steps that failed, could not run, or are new failures; a sentence if none."""
    rows = [(number, index, step) for number, index, _, step in _steps(result)
            if step.status in ("failed", "error") or step.change == "new_failure"]
    # What this change broke comes first; the rest stays in the guides' order.
    rows.sort(key=lambda row: row[2].change != "new_failure")
    title = m.tag("h3", m.text("Steps that need attention"), id="attention-title")
    if not rows:
        return m.join([title, m.tag("p", m.text("None: no step failed or could not run."),
                                    id="attention")])
    header = ["where (file:line)", "verdict", "request", "what went wrong"]
    if result.baseline is not None:
        header.append("since the baseline")
    head = m.tag("tr", *(m.tag("th", m.text(name), scope="col") for name in header))
    body = []
    for number, index, step in rows:
        cells = [m.tag("th", m.tag("a", m.text(step.step.source),
                                   href=f"#{step_id(number, index)}"), scope="row"),
                 m.tag("td", m.tag("span", m.text(_label(step)),
                                   class_=f"verdict {step.status}"), data_label=header[1]),
                 m.tag("td", m.tag("code", m.text(step.step.name)), data_label=header[2]),
                 m.tag("td", m.text(_first_problem(step)), data_label=header[3],
                       class_="message")]
        if result.baseline is not None:
            change = step.change
            cells.append(m.tag("td", "" if change is None else m.tag(
                "span", m.text(CHANGES[change]), class_=f"change change-{change}"),
                data_label=header[4]))
        body.append(m.tag("tr", *cells))
    order = ("new failures first, then in the order of the guides" if result.baseline
             is not None else "in the order of the guides")
    caption = (f"{len(rows)} step{'' if len(rows) == 1 else 's'}, {order}; "
               "each links to its details below")
    table = m.tag("table", m.tag("caption", m.text(caption)), m.tag("thead", head),
                  m.tag("tbody", m.join(body)), id="attention", class_="attention")
    return m.join([title, m.tag("div", table, class_="wide", role="region",
                                aria_labelledby="attention-title", tabindex="0")])


def fixed_steps(m: Markup, result: RunResult) -> str:
    """The steps the baseline run failed that pass now, linked (nothing without a baseline)."""
    if result.baseline is None:
        return ""
    fixed = [(number, index, step) for number, index, _, step in _steps(result)
             if step.change == "fixed"]
    title = m.tag("h3", m.text("Fixed since the baseline"))
    if not fixed:
        return m.join([title, m.tag("p", m.text("None."))])
    items = [m.tag("li", m.tag("a", m.text(step.step.source), href=f"#{step_id(number, index)}"),
                   " ", m.tag("code", m.text(step.step.name)))
             for number, index, step in fixed]
    return m.join([title, m.tag("ul", m.join(items), id="fixed")])


def _steps(result: RunResult) -> Iterator[tuple[int, int, GuideResult, StepResult]]:
    for number, guide in enumerate(result.guides, 1):
        for index, step in enumerate(guide.steps, 1):
            yield number, index, guide, step


def _label(step: StepResult) -> str:
    return "HELD BACK" if step.held_back else LABELS[step.status]


def _first_problem(step: StepResult) -> str:
    """The first failure's message (its first line), else why the step did not run."""
    problems = step_problems(step)
    failures = [p for p in problems if p.severity == "failure"] or list(problems)
    text = failures[0].message if failures else (step.reason or "")
    more = len(failures) - 1
    text = text.strip().splitlines()[0] if text.strip() else "see the step"
    if len(text) > _MESSAGE_LIMIT:
        text = text[: _MESSAGE_LIMIT - 1] + "…"
    return text + (f" (and {more} more)" if more > 0 else "")
