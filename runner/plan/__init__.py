"""Plan: blocks -> steps, with the status the prose gives, lint notes and variables."""

from __future__ import annotations

from runner.plan.lint import response_keys
from runner.plan.planner import plan_guide
from runner.plan.shell_fence import invocation_required, required_variables
from runner.plan.variables import export_hint, field_variables, suggest_variable

__all__ = [
    "export_hint",
    "field_variables",
    "invocation_required",
    "plan_guide",
    "required_variables",
    "response_keys",
    "suggest_variable",
]
