"""Read: Markdown -> blocks (fences, prose, directives), each at its line; guide discovery.

The jq path grammar lives here too: a directive's paths are read with the guide.
"""

from __future__ import annotations

from runner.read.directive import Directive
from runner.read.discover import find_guides, find_root
from runner.read.files import read_named_text, read_regular_file
from runner.read.markdown import Block, Document, Fence, Prose, read_markdown, read_path

__all__ = [
    "Block",
    "Directive",
    "Document",
    "Fence",
    "Prose",
    "find_guides",
    "find_root",
    "read_markdown",
    "read_named_text",
    "read_path",
    "read_regular_file",
]
