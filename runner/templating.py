"""Variables in `http` blocks: `{{NAME}}`, `${NAME}` and `$NAME`, resolved from the context."""

from __future__ import annotations

import re
from collections.abc import Mapping

from runner.shell import UnboundVariable
from runner.source import Source

__all__ = ["fill_template", "template_variables"]

_VARIABLE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\$\{([A-Za-z_][A-Za-z0-9_]*)\}"
                       r"|\$([A-Za-z_][A-Za-z0-9_]*)")


def template_variables(text: str) -> frozenset[str]:
    """The variable names an http block's text reads."""
    return frozenset(next(g for g in m.groups() if g) for m in _VARIABLE.finditer(text))


def fill_template(text: str, variables: Mapping[str, str], source: Source) -> str:
    """Replace every variable reference; an unknown one raises UnboundVariable."""

    def value(match: re.Match[str]) -> str:
        name = next(g for g in match.groups() if g)
        if name not in variables:
            raise UnboundVariable(name, source)
        return variables[name]

    return _VARIABLE.sub(value, text)
