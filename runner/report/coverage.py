"""The coverage report: a table on the terminal, or JSON. It formats what `runner.coverage`
measured and decides nothing."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from runner.model import CodeCoverage, Coverage, Figure, OperationCoverage, Shown
from runner.secrets import mask_shapes

__all__ = ["COVERAGE_SCHEMA_VERSION", "coverage_json", "percent_text", "threshold_text",
           "where_shown", "write_coverage", "write_coverage_json"]

COVERAGE_SCHEMA_VERSION = 1

# A URL from a hostile guide could hold control characters that drive the user's terminal.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def percent_text(figure: Figure) -> str:
    """`35.2%`: rounded down, so a figure short of a threshold never shows as reaching it."""
    return f"{figure.shown_percent:.1f}%"


def threshold_text(value: float) -> str:
    """`--fail-under` as the user gave it (`62.50001`, `40`), never rounded."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def write_coverage(coverage: Coverage, stream: TextIO, *, run_line: str = "",
                   fail_under: float | None = None,
                   mask: Callable[[str], str] = str) -> None:
    """The table of operations and their responses, the error codes, then the figures
    (after `run_line`, the run's summary, when given)."""
    rows: list[tuple[str, str, str, str]] = [("operation / response", "state", "error codes",
                                              "shown at")]
    for operation in coverage.operations:
        rows.append((_operation_label(operation), operation.state, "",
                     where_shown(operation.shown)))
        for response in operation.responses:
            label = f"  {response.status}" + ("" if response.declared else " (not in the OpenAPI)")
            codes = ", ".join(code if state == "verified" else f"{code} ({state})"
                              for code, state in response.codes)
            rows.append((label, response.state, codes, where_shown(response.shown)))
    lines = [run_line, ""] if run_line else []
    lines += _table(rows)
    lines.append("")
    lines += _table([("error code", "state", "shown at"),
                     *((_code_label(code), code.state, where_shown(code.shown))
                       for code in coverage.codes)])
    if coverage.unmatched:
        lines += ["", "requests that are no operation of the OpenAPI (not counted):"]
        lines += [f"  {item.shown.path}:{item.shown.line} {item.method} {item.url}"
                  for item in coverage.unmatched]
    lines += ["", f"coverage of {coverage.openapi}:"]
    undocumented = [code.code for code in coverage.codes
                    if code.listed and code.state == "undocumented"]
    figures = [("operations", coverage.operation_figure, ""),
               ("responses", coverage.response_figure,
                "" if fail_under is None
                else f"  (--fail-under {threshold_text(fail_under)} applies here)"),
               ("error codes", coverage.code_figure,
                f": {', '.join(undocumented)}" if undocumented else "")]
    lines += [f"  {name:<12}{_figure_text(figure)}{extra}" for name, figure, extra in figures]
    text = "\n".join(line.rstrip() for line in lines)
    # Masked with the run's final secrets (a request's URL may carry one), then made safe.
    text = _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], mask_shapes(mask(text)))
    stream.write(text + "\n")
    stream.flush()


def coverage_json(coverage: Coverage, mask: Callable[[str], str] = str) -> dict[str, Any]:
    """The coverage as plain JSON data (see the README's `verify-docs coverage`)."""
    data: dict[str, Any] = {
        "version": COVERAGE_SCHEMA_VERSION,
        "openapi": coverage.openapi,
        "summary": {
            "operations": _figure_json(coverage.operation_figure),
            "responses": _figure_json(coverage.response_figure),
            "codes": _figure_json(coverage.code_figure),
        },
        "operations": [{
            "method": op.method,
            "path": op.path,
            "operationId": op.operation_id,
            "state": op.state,
            "shown": [_shown_json(item) for item in op.shown],
            "responses": [{
                "status": response.status,
                "declared": response.declared,
                "state": response.state,
                "codes": [{"code": code, "state": state} for code, state in response.codes],
                "shown": [_shown_json(item) for item in response.shown],
            } for response in op.responses],
        } for op in coverage.operations],
        "codes": [{"code": code.code, "field": code.field, "listed": code.listed,
                   "state": code.state, "shown": [_shown_json(item) for item in code.shown]}
                  for code in coverage.codes],
        "unmatched": [{"method": item.method, "url": item.url, **_shown_json(item.shown)}
                      for item in coverage.unmatched],
    }
    masked = _masked(data, mask)
    assert isinstance(masked, dict)
    return masked


def write_coverage_json(coverage: Coverage, path: str | os.PathLike[str] | TextIO, *,
                        mask: Callable[[str], str] = str) -> None:
    """Write the JSON coverage to a file, or to an open stream (`--json -`)."""
    text = json.dumps(coverage_json(coverage, mask), indent=2, ensure_ascii=False) + "\n"
    if isinstance(path, (str, os.PathLike)):
        with open(path, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(text)
    else:
        path.write(text)
        path.flush()


def _operation_label(operation: OperationCoverage) -> str:
    return f"{operation.method} {operation.path}"


def _code_label(code: CodeCoverage) -> str:
    label = code.code if code.field == "code" else f"error={code.code}"
    return label if code.listed else f"{label} (not in the OpenAPI)"


def where_shown(shown: tuple[Shown, ...]) -> str:
    """The first step that verified it (else the first that shows it), and how many more."""
    if not shown:
        return ""
    first = next((item for item in shown if item.verdict == "passed"), shown[0])
    more = f" +{len(shown) - 1}" if len(shown) > 1 else ""
    verdict = "" if first.verdict == "passed" else f" ({first.verdict})"
    return f"{first.path}:{first.line}{verdict}{more}"


def _table(rows: Sequence[tuple[str, ...]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return ["  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)),
                       row[-1]])
            for row in rows]


def _figure_text(figure: Figure) -> str:
    return (f"{figure.verified} of {figure.total} verified ({percent_text(figure)}), "
            f"{figure.failing} failing, {figure.undocumented} undocumented")


def _figure_json(figure: Figure) -> dict[str, Any]:
    return {"total": figure.total, "verified": figure.verified, "failing": figure.failing,
            "undocumented": figure.undocumented, "percent": figure.shown_percent}


def _shown_json(item: Shown) -> dict[str, Any]:
    return {"path": item.path, "line": item.line, "verdict": item.verdict}


def _masked(value: object, mask: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return mask_shapes(mask(value))
    if isinstance(value, dict):
        return {key: _masked(item, mask) for key, item in value.items()}
    if isinstance(value, list):
        return [_masked(item, mask) for item in value]
    return value
