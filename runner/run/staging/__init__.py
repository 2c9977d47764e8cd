"""What a shared (staging) target needs: cleanup of what a run created, and a preflight."""

from __future__ import annotations

from runner.run.staging.preflight import preflight

__all__ = [
    "preflight",
]
