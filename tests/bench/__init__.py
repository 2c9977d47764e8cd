"""The benchmark: verify-docs on a synthetic docs tree against a bare httpx floor."""

from __future__ import annotations

__all__: list[str] = []
