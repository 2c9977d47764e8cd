"""An unexpected exception (a bug in the runner): one line for the reports, a traceback file.

A crash must not read as documentation drift, and its traceback must not reach the
terminal or any report: the reports carry one line naming the file, and the file carries
the traceback, masked like every other output (the run's secrets, then any JWT).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from runner.secrets import SecretSet, mask_shapes

__all__ = ["Crash", "mask_crash_files", "record_crash"]

_MESSAGE_LIMIT = 200


@dataclass(frozen=True, slots=True)
class Crash:
    """A crash as reported: one masked line, and the file that holds its traceback."""

    message: str
    """`verify-docs crashed while sending (a bug in the runner): KeyError: 'x'; ...`."""
    path: str | None
    """The traceback file; None when it could not be written either."""


def record_crash(
    error: BaseException, stage: str, *, secrets: SecretSet | None = None,
    environ: Iterable[str] = ("IDP_BOOTSTRAP_TOKEN",),
) -> Crash:
    """Write `error`'s traceback (masked) to a new file and describe the crash in one line.

    `stage` says what the runner was doing ("sending", "writing the JSON report").
    The variables named in `environ` are masked too: a crash may come before any session
    has registered the bootstrap token.
    """
    masks = secrets.copy() if secrets is not None else SecretSet()
    for name in environ:
        value = os.environ.get(name)
        if value:
            masks.add(value)

    def clean(text: str) -> str:
        return mask_shapes(masks.mask(text))

    summary = "".join(traceback.format_exception_only(error)).strip().splitlines()
    first = clean(summary[0] if summary else type(error).__name__)
    if len(first) > _MESSAGE_LIMIT:
        first = first[: _MESSAGE_LIMIT - 3] + "..."
    path = _write("".join(traceback.format_exception(error)), clean)
    where = f"; traceback in {path}" if path else "; its traceback could not be written"
    return Crash(f"verify-docs crashed while {stage} (a bug in the runner, not in the "
                 f"guide): {first}{where}", path)


def _write(text: str, clean: Callable[[str], str]) -> str | None:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    try:
        handle, path = tempfile.mkstemp(prefix=f"verify-docs-crash-{stamp}-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8", errors="backslashreplace") as file:
            file.write(clean(text))
    except OSError:
        return None
    return path


def mask_crash_files(paths: Iterable[str], mask: Callable[[str], str]) -> None:
    """Mask traceback files again with the run's final secrets, when the run ends: a file
    written at the first step could not know a secret learned at the last."""
    for path in paths:
        try:
            with open(path, encoding="utf-8", errors="backslashreplace") as file:
                text = file.read()
            masked = mask_shapes(mask(text))
            if masked != text:
                with open(path, "w", encoding="utf-8", errors="backslashreplace") as file:
                    file.write(masked)
        except OSError:
            # Not rewritable: a traceback is worth less than the secret it may hold.
            with contextlib.suppress(OSError):
                os.remove(path)
