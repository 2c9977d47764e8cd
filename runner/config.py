"""`[tool.verify-docs]` in pyproject.toml: defaults that command-line options override."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from runner.errors import DocError
from runner.source import Source

__all__ = ["Config", "load_config"]


@dataclass(frozen=True, slots=True)
class Config:
    """Everything a project may set once instead of on every command line."""

    paths: tuple[str, ...] = ("docs/",)
    target: str = "embedded"
    documented_origin: str = "http://localhost:3000"
    unique_fields: tuple[str, ...] = ("email",)
    fixtures: str = "fixtures"
    timeout: float = 30.0
    retries: int = 4
    retry_max_wait: float = 10.0
    step_deadline: float = 60.0
    jobs: int = 1
    root: Path = field(default_factory=Path.cwd)
    """The folder holding pyproject.toml (the repository root), or the working directory."""

    def override(self, **values: Any) -> Config:
        """Command-line values win; None means "not given"."""
        return replace(self, **{k: v for k, v in values.items() if v is not None})


_TYPES: dict[str, type] = {
    "paths": list, "target": str, "documented-origin": str, "unique-fields": list,
    "fixtures": str, "timeout": float, "retries": int, "retry-max-wait": float,
    "step-deadline": float, "jobs": int,
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
        if not isinstance(value, expected) or isinstance(value, bool):
            raise DocError(f"[tool.verify-docs]: {key} should be {expected.__name__}, "
                           f"got {value!r}", Source(str(path), 1))
        values[name] = tuple(value) if isinstance(value, list) else value
    return Config(**values)
