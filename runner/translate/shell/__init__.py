"""Shell, parsed and never run: tree-sitter-bash -> assignments and invocations."""

from __future__ import annotations

from runner.translate.shell.console import split_console
from runner.translate.shell.script import UnboundVariable, expand_argv, expand_word, parse_script

__all__ = [
    "UnboundVariable",
    "expand_argv",
    "expand_word",
    "parse_script",
    "split_console",
]
