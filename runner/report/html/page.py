"""The page: the run's outcome, the summary (steps by verdict, what needs attention, changes
since a baseline, agents left behind), the contents, the coverage of the OpenAPI description,
then the guides. Built with the standard library."""

from __future__ import annotations

import os
from collections.abc import Sequence

from runner.model import Coverage, Figure, RunResult
from runner.report.coverage import percent_text, where_shown
from runner.report.html.attention import attention, fixed_steps
from runner.report.html.markup import Markup
from runner.report.html.outcome import outcome_banner, outcome_word
from runner.report.html.steps import LABELS, guide_section
from runner.report.html.style import STYLE
from runner.report.masked import masked_result
from runner.report.render import CHANGES, cleanup_line, count_changes, leftover_line, summarize
from runner.secrets import mask_shapes

__all__ = ["to_html", "write_html"]


def to_html(result: RunResult, *, coverage: Coverage | None = None,
            coverage_note: str | None = None, exit_status: int | None = None) -> str:
    """The report as one HTML document.

    Args:
        coverage: what `runner.coverage` measured of the run, to show after the summary.
        coverage_note: why there is no coverage (the OpenAPI file could not be read).
        exit_status: what the command exits with, stated first on the page; the run's own
            (`RunResult.exit_status`) when not given.
    """
    result = masked_result(result)  # whole values, before any is cut for display
    m = Markup(result.mask)
    summary = summarize(result)
    status = result.exit_status if exit_status is None else exit_status
    overall = outcome_word(status)
    guides = [guide_section(m, guide, number) for number, guide in enumerate(result.guides, 1)]
    body = [
        m.tag("a", m.text("Skip to the report"), href="#main", class_="skip-link"),
        m.tag("header", m.join([m.tag("h1", m.text("verify-docs report")),
                                outcome_banner(m, status), _about(m, result)])),
        m.tag("main", m.join([
            m.tag("section", m.join([
                m.tag("h2", m.text("Summary"), id="summary-title"),
                m.tag("p", m.text(summary.line()), class_=f"overall {overall}"),
                attention(m, result),
                _counts(m, result),
                _changes(m, result),
                fixed_steps(m, result),
                _leftovers(m, result),
            ]), id="summary", aria_labelledby="summary-title"),
            # After the summary: with many guides, the list would push the verdict out of view.
            _contents(m, result, coverage is not None or coverage_note is not None),
            _coverage(m, coverage, coverage_note),
            m.tag("section", m.join([m.tag("h2", m.text("Guides"), id="guides-title"),
                                     *guides] if guides else
                                    [m.tag("h2", m.text("Guides"), id="guides-title"),
                                     m.tag("p", m.text("No guide was run."))]),
                  id="guides", aria_labelledby="guides-title"),
        ]), id="main", tabindex="-1"),
    ]
    page = "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        m.tag("title", m.text(f"verify-docs {overall.upper()} (exit {status}): "
                              f"{summary.line()}")),
        m.tag("style", STYLE),
        "</head>",
        m.tag("body", m.join(body)),
        "</html>",
        "",
    ])
    # The whole page once more with the run's final secrets: nothing placed in it by a path
    # around `Markup` escapes the mask either.
    return mask_shapes(result.mask(page))


def write_html(result: RunResult, path: str | os.PathLike[str], *,
               coverage: Coverage | None = None, coverage_note: str | None = None,
               exit_status: int | None = None) -> None:
    """Write the HTML report to a file (UTF-8); the arguments are `to_html`'s."""
    text = to_html(result, coverage=coverage, coverage_note=coverage_note,
                   exit_status=exit_status)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


def _about(m: Markup, result: RunResult) -> str:
    """What the run was against: the target (and what "embedded" is), and the baseline."""
    target = [m.tag("dt", m.text("Target")), m.tag("dd", m.tag("code", m.text(result.target)),
                                                   m.text(_TARGETS.get(result.target, "")))]
    if result.baseline is not None:
        target += [m.tag("dt", m.text("Compared with")),
                   m.tag("dd", m.text("the earlier run in "), m.tag("code", m.text(
                       result.baseline)), m.text(" (--baseline)"))]
    return m.tag("dl", *target, class_="about")


_TARGETS = {"embedded": " (an AgentIdP started inside the run, a fresh one for each guide)"}


def _contents(m: Markup, result: RunResult, with_coverage: bool) -> str:
    links = [("summary", "Summary")]
    if with_coverage:
        links.append(("coverage", "Coverage"))
    items = [m.tag("li", m.tag("a", m.text(title), href=f"#{ident}")) for ident, title in links]
    guides = [m.tag("li", m.tag("a", m.text(f"{LABELS[guide.status]} {guide.path}"),
                                href=f"#guide-{number}"))
              for number, guide in enumerate(result.guides, 1)]
    if guides:
        items.append(m.tag("li", m.tag("a", m.text("Guides"), href="#guides"),
                           m.tag("ol", m.join(guides))))
    return m.tag("nav", m.tag("h2", m.text("Contents"), id="contents-title"),
                 m.tag("ol", m.join(items)), aria_labelledby="contents-title")


def _counts(m: Markup, result: RunResult) -> str:
    """Guides and steps by verdict: the JSON report's `summary`, and what only runs have."""
    summary = summarize(result)
    rows = [("guides", summary.guides), ("steps", summary.steps), ("passed", summary.passed),
            ("failed", summary.failed), ("errors", summary.errors),
            ("skipped", summary.skipped)]
    if summary.held_back:
        rows.append(("held back by --read-only", summary.held_back))
    if summary.unreadable:
        rows.append(("guides that could not be read", summary.unreadable))
    if summary.warnings:
        rows.append(("warnings", summary.warnings))
    return _table(m, "Guides and steps by verdict", ("what", "count"),
                  [(name, [str(count)]) for name, count in rows], numbers=True, id="counts")


def _changes(m: Markup, result: RunResult) -> str:
    """Steps by what they became since the baseline run (nothing without one)."""
    if result.baseline is None:
        return ""
    counts = count_changes(result)
    return _table(m, f"Steps by change since the baseline {result.baseline}", ("change", "steps"),
                  [(word, [str(counts[change])]) for change, word in CHANGES.items()],
                  numbers=True, id="changes")


def _leftovers(m: Markup, result: RunResult) -> str:
    parts = [m.tag("h3", m.text("Agents left behind"))]
    leftovers = result.leftovers
    if leftovers:
        parts.append(m.tag("ul", *(m.tag("li", m.text(leftover_line(left)))
                                   for left in leftovers), class_="leftovers"))
    else:
        parts.append(m.tag("p", m.text("None.")))
    account = cleanup_line(result)
    if account is not None:
        parts.append(m.tag("p", m.text(account)))
    if result.unreachable is not None:
        parts.append(m.tag("p", m.text(f"The target stopped answering at {result.unreachable}; "
                                       "the guides after it were not started.")))
    return m.join(parts)


def _coverage(m: Markup, coverage: Coverage | None, note: str | None) -> str:
    if coverage is None:
        if note is None:
            return ""
        return m.tag("section", m.tag("h2", m.text("Coverage"), id="coverage-title"),
                     m.tag("p", m.text(f"Coverage is unavailable: {note}")),
                     id="coverage", aria_labelledby="coverage-title")
    figures = [("operations", coverage.operation_figure),
               ("responses", coverage.response_figure),
               ("error codes", coverage.code_figure)]
    parts = [
        m.tag("h2", m.text("Coverage of "), m.tag("code", m.text(coverage.openapi)),
              id="coverage-title"),
        _table(m, "Verified of the OpenAPI's total", ("figure", "verified", "total", "percent",
                                                      "failing", "undocumented"),
               [(name, _figure(figure)) for name, figure in figures], numbers=True,
               id="coverage-figures"),
    ]
    rows: list[tuple[str, list[str]]] = []
    classes: list[str | None] = []
    for operation in coverage.operations:
        rows.append((f"{operation.method} {operation.path}",
                     [operation.state, "", where_shown(operation.shown)]))
        classes.append(f"operation {operation.state}")
        for response in operation.responses:
            label = f"{response.status}" + ("" if response.declared
                                            else " (not in the OpenAPI)")
            codes = ", ".join(code if state == "verified" else f"{code} ({state})"
                              for code, state in response.codes)
            rows.append((label, [response.state, codes, where_shown(response.shown)]))
            classes.append(f"response {response.state}")  # indented under its operation
    parts.append(_folded(m, f"Operations and responses ({len(coverage.operations)} operations)",
                         _table(m, "Operations and their responses",
                                ("operation / response", "state", "error codes", "shown at"),
                                rows, classes=classes)))
    code_rows = [(code.code if code.listed else f"{code.code} (not in the OpenAPI)",
              [code.field, code.state, where_shown(code.shown)]) for code in coverage.codes]
    parts.append(_folded(m, f"Error codes ({len(coverage.codes)})",
                         _table(m, "Error codes", ("code", "field", "state", "shown at"),
                                code_rows, classes=[code.state for code in coverage.codes])))
    if coverage.unmatched:
        parts.append(m.tag("p", m.text("Requests that are no operation of the OpenAPI "
                                       "(not counted):")))
        parts.append(m.tag("ul", *(m.tag("li", m.tag("code", m.text(
            f"{item.shown.path}:{item.shown.line} {item.method} {item.url}")))
            for item in coverage.unmatched)))
    return m.tag("section", m.join(parts), id="coverage", aria_labelledby="coverage-title")


def _figure(figure: Figure) -> list[str]:
    return [str(figure.verified), str(figure.total), percent_text(figure), str(figure.failing),
            str(figure.undocumented)]


def _folded(m: Markup, title: str, content: str) -> str:
    return m.tag("details", m.tag("summary", m.text(title)), content)


def _table(m: Markup, caption: str, header: Sequence[str],
           rows: Sequence[tuple[str, Sequence[str]]], *, numbers: bool = False,
           id: str | None = None, classes: Sequence[str | None] = ()) -> str:
    """A table whose first column heads each row (`<th scope="row">`), `classes` its rows'.

    It scrolls sideways in a region of its own on a narrow screen, so the page never does;
    the region is focusable, for a keyboard to scroll it.
    """
    head = m.tag("tr", *(m.tag("th", m.text(name), scope="col") for name in header))
    padded = [*classes, *[None] * (len(rows) - len(classes))]
    body = [m.tag("tr", m.tag("th", m.text(name), scope="row"),
                  *(m.tag("td", m.text(cell), class_="number" if numbers else None)
                    for cell in cells), class_=row_class)
            for (name, cells), row_class in zip(rows, padded, strict=True)]
    table = m.tag("table", m.tag("caption", m.text(caption)), m.tag("thead", head),
                  m.tag("tbody", m.join(body)), id=id)
    return m.tag("div", table, class_="wide", role="region", aria_label=caption, tabindex="0")
