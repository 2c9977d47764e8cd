"""The pipeline's shape cannot drift: imports point downstream, the IdP stands alone."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The front end (read, translate, plan) knows nothing of execution or output.
FRONT_END = {"read", "shell", "curl", "http_block", "plan", "discover", "step",
             "docjson", "source", "errors", "jq", "status", "directive", "shapes"}
# The engine returns data; only report and the entry points write output.
ENGINE = {"run", "target", "context", "match", "selection", "isolation", "retry", "unify",
          "crash", "preflight",
          "cleanup", "prepare", "sender"}
FORBIDDEN_IN_FRONT_END = {"runner.report", "runner.cli", "runner.pytest_plugin", "fixtures",
                          "pytest", "rich", "click",
                          *(f"runner.{name}" for name in ENGINE)}
FORBIDDEN_IN_ENGINE = {"runner.report", "runner.cli", "runner.pytest_plugin", "rich", "click"}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _in(path: Path, stages: set[str]) -> bool:
    """`_curl_options.py` belongs to the `curl` stage, `http_block.py` to `http_block`."""
    stem = path.stem.lstrip("_")
    return any(stem == stage or stem.startswith(stage + "_") for stage in stages)


def _violations(path: Path, forbidden: set[str]) -> list[str]:
    return sorted(
        name for name in _imports(path)
        if any(name == bad or name.startswith(bad + ".") for bad in forbidden)
    )


@pytest.mark.parametrize("path", sorted((ROOT / "runner").glob("*.py")), ids=lambda p: p.name)
def test_stage_imports_point_downstream(path: Path) -> None:
    if _in(path, FRONT_END):
        assert _violations(path, FORBIDDEN_IN_FRONT_END) == []
    elif _in(path, ENGINE):
        assert _violations(path, FORBIDDEN_IN_ENGINE) == []


def test_every_runner_module_is_classified_or_an_entry_point() -> None:
    others = {"cli", "pytest_plugin", "init", "main", "secrets", "result", "config"}
    unknown = [
        p.name for p in (ROOT / "runner").glob("*.py")
        if not _in(p, FRONT_END | ENGINE | others)
    ]
    assert unknown == [], "classify new modules in tests/test_architecture.py"


def test_idp_imports_nothing_from_runner() -> None:
    files = sorted((ROOT / "fixtures").rglob("*.py"))
    assert files, "fixtures/idp has no Python files"
    for path in files:
        assert _violations(path, {"runner"}) == [], path


def test_every_module_declares_all() -> None:
    missing = [
        str(p.relative_to(ROOT)) for p in sorted((ROOT / "runner").rglob("*.py"))
        if "__all__" not in p.read_text()
    ]
    assert missing == []


def test_public_surface() -> None:
    import runner.curl

    assert runner.curl.__all__ == ["to_request"]
    assert callable(runner.curl.to_request)
