"""`[tool.verify-docs]` in pyproject.toml: defaults that command-line options override."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from runner.model import DocError, Source

__all__ = ["DOCUMENTED_ORIGIN", "Config", "load_config", "project_config"]

DOCUMENTED_ORIGIN = "http://localhost:3000"
"""The origin guides are written against unless `documented-origin` says otherwise: the one
definition the planner's refusal and the run stage's rewrite both read."""


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a project may set once instead of on every command line."""

    paths: tuple[str, ...] = ("docs/",)
    """Guides to run when none are named; from pyproject.toml, relative to its folder."""
    target: str = "embedded"
    documented_origin: str = DOCUMENTED_ORIGIN
    unique_fields: tuple[str, ...] = ("email",)
    fixtures: str = "fixtures"
    """The folder of `requires=` recipes; from pyproject.toml, relative to its folder."""
    timeout: float = 30.0
    retries: int = 4
    retry_max_wait: float = 10.0
    step_deadline: float = 60.0
    cleanup_budget: float = 120.0
    """Seconds a guide's cleanup may take on a URL target, `Retry-After` waits included."""
    jobs: int = 1
    strict: bool = False
    """Run guides with bash's semantics: nothing bound from responses (see `--strict`)."""
    openapi: str = "fixtures/openapi.yaml"
    """The OpenAPI description `verify-docs coverage` measures; relative to `root`."""
    root: Path = field(default_factory=Path.cwd)
    """The folder holding pyproject.toml (the repository root), or the working directory."""

    def override(self, **values: Any) -> Config:
        """Command-line values win; None means "not given"."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


_TYPES: dict[str, type] = {
    "paths": list, "target": str, "documented-origin": str, "unique-fields": list,
    "fixtures": str, "timeout": float, "retries": int, "retry-max-wait": float,
    "step-deadline": float, "cleanup-budget": float, "jobs": int, "strict": bool,
    "openapi": str,
}


def load_config(start: Path | None = None) -> Config:
    """Read the nearest pyproject.toml above `start`; no file or no table gives the defaults."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return _parse(candidate)
    return Config(root=here)


def _parse(path: Path) -> Config:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise DocError(f"cannot read configuration: {exc}", Source(str(path), 1)) from None
    table = data.get("tool", {}).get("verify-docs", {})
    values: dict[str, Any] = {"root": path.parent}
    known = {f.name for f in fields(Config)}
    for key, value in table.items():
        expected = _TYPES.get(key)
        name = key.replace("-", "_")
        if expected is None or name not in known:
            raise DocError(f"[tool.verify-docs]: unknown setting {key!r}, expected one of "
                           f"{', '.join(sorted(_TYPES))}", Source(str(path), 1))
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
            raise DocError(f"[tool.verify-docs]: {key} should be {expected.__name__}, "
                           f"got {value!r}", Source(str(path), 1))
        if isinstance(value, list):
            if not all(isinstance(item, str) and item for item in value):
                raise DocError(f"[tool.verify-docs]: {key} should be a list of names, "
                               f"got {value!r}", Source(str(path), 1))
            value = tuple(value)
        _check(key, value, Source(str(path), 1))
        values[name] = value
    # Paths in pyproject.toml mean the same thing from any folder below it.
    root = path.parent
    if "paths" in values:
        values["paths"] = tuple(str(root / item) for item in values["paths"])
    if "fixtures" in values:
        values["fixtures"] = str(root / values["fixtures"])
    if "openapi" in values:
        values["openapi"] = str(root / values["openapi"])
    return Config(**values)


def _check(key: str, value: Any, source: Source) -> None:
    """Values of the right type but out of range are refused as clearly as wrong types."""
    problem = None
    if key in ("timeout", "retry-max-wait", "step-deadline", "cleanup-budget") and not value > 0:
        problem = "a number of seconds above 0"
    elif key == "retries" and value < 1:
        problem = "at least 1 (the first try counts)"
    elif key == "jobs" and not 1 <= value <= 64:
        problem = "between 1 and 64"
    elif key in ("paths", "unique-fields") and not value:
        problem = "a list of at least one name"
    elif key == "documented-origin" and not _is_origin(value):
        problem = "an origin like 'http://localhost:3000' (scheme, host, optional port)"
    elif key in ("target", "fixtures", "openapi") and not value:
        problem = "a non-empty string"
    if problem is not None:
        raise DocError(f"[tool.verify-docs]: {key} should be {problem}, got {value!r}", source)


def _is_origin(value: str) -> bool:
    parsed = urlsplit(value.rstrip("/"))
    return (parsed.scheme in ("http", "https") and bool(parsed.hostname)
            and parsed.path == "" and not parsed.query and not parsed.fragment)


def project_config(path: Path, fallback: Config) -> Config:
    """The settings of the project `path` (a guide or a folder) belongs to: the nearest
    pyproject.toml from its own folder upwards, else `fallback` (the current folder's).

    So a guide behaves the same whatever folder the shell is in, and a copy of it in a
    folder of no project (`/tmp`) runs with the settings of the folder it is run from.
    """
    start = path.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file():
            return _parse(candidate / "pyproject.toml")
    return fallback
