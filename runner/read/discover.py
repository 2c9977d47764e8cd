"""Command-line paths -> the guides to run: files as given, folders searched for `*.md`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from runner.model import DocError

__all__ = ["find_guides", "find_root"]


def find_guides(paths: Sequence[str]) -> list[Path]:
    """Every guide named by `paths`: files as given, `*.md` below folders, sorted, no repeats.

    Raises DocError for a path that does not exist.
    """
    found: dict[Path, None] = {}
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for file in sorted(path.rglob("*.md")):
                if file.is_file() and not any(part.startswith(".") for part in
                                              file.relative_to(path).parts):
                    found.setdefault(file, None)
        elif path.is_file():
            found.setdefault(path, None)
        else:
            raise DocError(
                f"no such file or folder: {name}, expected a guide or a folder of guides"
            )
    return sorted(found)


def find_root(start: Path) -> Path | None:
    """The repository root: the nearest folder, from `start` up, holding `pyproject.toml`."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    return None
