"""The project's own error types: every failure a user can cause is one of these."""

from __future__ import annotations

from runner.model.source import Source

__all__ = ["DocError", "TargetError", "VerifyDocsError"]


class VerifyDocsError(Exception):
    """Base of every error verify-docs raises on purpose (never a traceback for the user)."""

    exit_status = 2

    def __init__(self, message: str, source: Source | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        if self.source is None:
            return self.message
        return f"{self.source}: {self.message}"


class DocError(VerifyDocsError):
    """The docs (Markdown, shell, curl, directives) or the command line cannot be read: exit 2."""

    exit_status = 2


class TargetError(VerifyDocsError):
    """The target could not be reached or failed (refused, timeout, undocumented 5xx): exit 3."""

    exit_status = 3
    unreached = False
    """True when the request never left (connection refused): nothing can have been applied."""
