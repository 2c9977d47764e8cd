"""Reading a file a guide names (the guide itself, `-d @file`...): regular files only, bounded.

Opening a FIFO for reading blocks until a writer comes, and a device may never end; both are
below a guide's folder as easily as a JSON body. The file is opened without blocking and
checked on the open descriptor (a check on the name first could meet another file than the
one opened), so nothing but a regular file is ever read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from runner.model import DocError

__all__ = ["FileTooLarge", "read_named_text", "read_regular_file"]

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)


class FileTooLarge(OSError):
    """The file holds more than the reader's limit; `size` is what it holds."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"larger than {limit} bytes ({size})")
        self.size = size
        self.limit = limit


def read_regular_file(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them.

    Raises OSError for anything else: a name the system refuses (too long, missing), a folder,
    a FIFO, a device or a socket (`strerror` "not a regular file"), or FileTooLarge.
    """
    descriptor = os.open(path, _FLAGS)
    with open(descriptor, "rb", closefd=True) as file:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if info.st_size > limit:
            raise FileTooLarge(info.st_size, limit)
        data = file.read(limit + 1)
    if len(data) > limit:  # grown since fstat
        raise FileTooLarge(len(data), limit)
    return data


def read_named_text(path: Path, limit: int, *, name: str, what: str, missing: str) -> str:
    """The UTF-8 text of a file the command line names (`--openapi`, `--baseline`), read as
    `read_regular_file` reads: a FIFO or a device is refused, never waited on.

    Raises DocError `NAME: what is wrong` (exit 2): `missing` says what to do when there is
    no such file; `what` names what the file should be (`an OpenAPI file`).
    """
    try:
        if path.is_dir():
            raise DocError(f"{name}: is a folder, expected {what}")
        data = read_regular_file(path, limit)
    except FileNotFoundError:
        raise DocError(f"{name}: {missing}") from None
    except FileTooLarge as exc:
        raise DocError(f"{name}: holds {exc.size} bytes, expected {what} of at most "
                       f"{limit}") from None
    except OSError as exc:
        raise DocError(f"{name}: cannot read it, expected {what}: "
                       f"{exc.strerror or exc}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocError(f"{name}: not UTF-8 at byte {exc.start}, expected {what}") from None
