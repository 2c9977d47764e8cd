"""Translate: the languages inside a guide's blocks, read into requests and documented responses.

`shell` (tree-sitter-bash -> commands), `curl` (arguments -> the request curl sends, and
what curl prints), `http_block`, `docjson` (documented JSON), `json_body` (real JSON, or
word that a body is none) and `shapes` (what a documented value stands for).
"""

from __future__ import annotations

__all__: list[str] = []
