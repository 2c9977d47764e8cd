"""Coverage: which operations, responses and error codes of an OpenAPI description the guides
show, from a run's results. Returns data; `runner.report.coverage` formats it."""

from __future__ import annotations

from runner.coverage.openapi import ApiDescription, Operation, load_openapi
from runner.coverage.tally import documented_code, documented_status, measure_coverage

__all__ = [
    "ApiDescription",
    "Operation",
    "documented_code",
    "documented_status",
    "load_openapi",
    "measure_coverage",
]
