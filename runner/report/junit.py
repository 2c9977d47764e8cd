"""The JUnit XML report: a testsuite per guide, a testcase per step, rendered problems."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from runner.model import GuideResult, Problem, RunResult, StepResult
from runner.report.masked import masked_result
from runner.report.render import (
    CHANGES,
    leftover_line,
    plain,
    render_exchange,
    render_problem,
    step_problems,
    summarize,
)
from runner.secrets import mask_shapes

__all__ = ["to_junit", "write_junit"]

# Characters XML 1.0 cannot carry at all, even escaped; a response body may hold them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def to_junit(result: RunResult) -> ET.Element:
    """The report as a `<testsuites>` element."""
    result = masked_result(result)  # whole values, before any is cut for display
    summary = summarize(result)
    left = len(result.leftovers)
    root = _element(
        "testsuites", name="verify-docs", tests=summary.steps + summary.unreadable + left,
        failures=summary.failed, errors=summary.errors + summary.unreadable + left,
        skipped=summary.skipped + summary.held_back, time=_seconds(result.guides),
    )
    for guide in result.guides:
        root.append(_suite(guide))
    if left:
        root.append(_leftovers(result))
    # Every text and attribute of the document, masked with the run's final secrets (as
    # every piece already was with the shape pass): what was learned late is hidden too.
    for element in root.iter():
        element.attrib = {name: mask_shapes(result.mask(value))
                          for name, value in element.attrib.items()}
        for part in ("text", "tail"):
            value = getattr(element, part)
            if value:
                setattr(element, part, mask_shapes(result.mask(value)))
    return root


def _leftovers(result: RunResult) -> ET.Element:
    """Agents left on the target: one error testcase each, so CI marks the run failed."""
    suite = _element("testsuite", name="cleanup", tests=len(result.leftovers),
                     failures=0, errors=len(result.leftovers), skipped=0, time="0.000")
    for leftover in result.leftovers:
        name = f"decommission {leftover.agent_id or 'agents tagged ' + leftover.tag}"
        case = _element("testcase", classname=leftover.path, name=name, file=leftover.path)
        text = leftover_line(leftover)
        case.append(_element("error", text, message=text, type="leftover"))
        suite.append(case)
    return suite


def write_junit(result: RunResult, path: str | os.PathLike[str]) -> None:
    """Write the JUnit XML report to a file (UTF-8, with an XML declaration)."""
    root = to_junit(result)
    ET.indent(root)
    with open(path, "wb") as file:
        file.write(ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n")


def _suite(guide: GuideResult) -> ET.Element:
    steps = guide.steps
    suite = _element(
        "testsuite", name=guide.path, tests=len(steps) + bool(guide.errors),
        failures=sum(s.status == "failed" for s in steps),
        errors=sum(s.status == "error" for s in steps) + bool(guide.errors),
        skipped=sum(s.status == "skipped" for s in steps), time=_seconds([guide]),
    )
    if guide.errors:
        # A guide that could not be read has no steps; one testcase carries why.
        errors = sorted(guide.errors)
        case = _element("testcase", classname=guide.path, name="read and plan",
                        file=guide.path, line=errors[0][0].line)
        text = "\n".join(f"{source}: {message}" for source, message in errors)
        case.append(_element("error", text, message=errors[0][1], type="error"))
        suite.append(case)
    for step in steps:
        suite.append(_case(guide, step))
    return suite


def _case(guide: GuideResult, step: StepResult) -> ET.Element:
    planned = step.step
    elapsed = 0.0 if step.exchange is None else step.exchange.elapsed
    # A fixture's step names its file: its line alone would point into the guide.
    where = f"line {planned.source.line}" if planned.source.path == guide.path else planned.source
    case = _element(
        "testcase", classname=guide.path, name=f"{planned.name} ({where})",
        file=planned.source.path, line=planned.source.line, time=f"{elapsed:.3f}",
    )
    if step.change is not None:
        # With --baseline: JUnit readers show testcase properties (new failure, fixed...).
        properties = ET.SubElement(case, "properties")
        properties.append(_element("property", name="change", value=CHANGES[step.change]))
    problems = step_problems(step)
    failures = [p for p in problems if p.severity == "failure"]
    # Warnings and notes change no verdict: they go to the output, each labelled.
    notes = [p for p in problems if p.severity != "failure"]
    if step.status in ("failed", "error"):
        tag = "failure" if step.status == "failed" else "error"
        first = failures[0].message if failures else (step.reason or step.status)
        case.append(_element(tag, _render(failures, step), message=first, type=tag))
    elif step.held_back:
        # JUnit knows only "skipped": the type and message tell a held-back step apart.
        case.append(_element("skipped", type="held-back",
                             message=f"held back by --read-only: {step.reason or 'not sent'}"))
    elif step.status == "skipped":
        case.append(_element("skipped", message=step.reason or "skipped"))
    output = [_render(notes, step)] if notes else []
    if step.exchange is not None:
        output.append(plain(render_exchange(step.exchange)))
    if output:
        case.append(_element("system-out", "\n\n".join(output)))
    return case


def _render(problems: Sequence[Problem], step: StepResult) -> str:
    return "\n".join(render_problem(p, fallback=step.step.source) for p in problems)


def _seconds(guides: Sequence[GuideResult]) -> str:
    total = sum(s.exchange.elapsed for g in guides for s in g.steps if s.exchange is not None)
    return f"{total:.3f}"


def _element(tag: str, text: str | None = None, **attributes: object) -> ET.Element:
    element = ET.Element(tag, {key: _clean(str(value)) for key, value in attributes.items()})
    if text is not None:
        element.text = _clean(text)
    return element


def _clean(text: str) -> str:
    return mask_shapes(_INVALID_XML.sub("", text))
