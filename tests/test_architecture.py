"""The pipeline's shape cannot drift: a package per stage, imports point downstream, no cycles.

The stages, in import order, are the packages of `runner/`. A stage imports only earlier
stages and the shared base (`model`, `secrets`, `config`); `match` comes before `run` because
the run matches each step's response before it captures the next step's variables, and
`coverage` comes after `run` because it measures a run's results, and `compare` (a run against
a baseline run's report) after it (reports then format what they measured or compared,
through the model, without importing them). The
front doors (`cli`, `pytest_plugin`) may import anything. `fixtures/idp` is something the
runner talks to and imports nothing from it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

STAGES = ("read", "translate", "plan", "match", "run", "coverage", "update", "compare",
          "report")
"""The pipeline's stages, each a package of `runner/`, in the order they may import."""
BASE = ("model", "secrets", "config")
"""Typed hand-offs, the secret set and the settings: any stage may import them."""
FRONT_DOORS = ("__init__", "__main__", "cli", "_cli_plan", "_cli_parallel", "_cli_reports",
               "_cli_update", "pytest_plugin", "curl")
"""Entry points (and `runner.curl`, the public function the design names)."""
FRONT_END = ("read", "translate", "plan")
ENGINE = ("match", "run", "coverage", "compare")
# The front end knows nothing of execution or output, so `--lint` is "stop after plan" and
# it runs with no network and no IdP.
FORBIDDEN_IN_FRONT_END = ("pytest", "_pytest", "rich", "click", "fixtures")
FORBIDDEN_IN_ENGINE = ("rich", "click")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    paths = [*(ROOT / "runner").rglob("*.py"), *(ROOT / "fixtures").rglob("*.py")]
    return {_module_name(path): path for path in sorted(paths)}


def _is_package(module: str) -> bool:
    return _modules()[module].name == "__init__.py"


def _resolve(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module a `from ... import` names (relative forms included)."""
    if not node.level:
        return node.module or ""
    base = importer.split(".")
    if not _is_package(importer):
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


@cache
def _imports(module: str) -> frozenset[str]:
    """Every module `module` imports, lazy imports inside functions and TYPE_CHECKING included.

    `from runner.x import y` counts as importing `runner.x.y` when that is a module.
    """
    found: set[str] = set()
    tree = ast.parse(_modules()[module].read_text(), str(_modules()[module]))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in _modules() else target)
    return frozenset(found)


def _local(module: str) -> Iterator[str]:
    """The project modules `module` imports."""
    return (name for name in _imports(module) if name in _modules())


def _unit(module: str) -> str:
    """`runner.translate.curl.url` -> `translate`; `runner.cli` -> `cli`."""
    return module.split(".")[1] if module.count(".") else module


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)


RUNNER = sorted(name for name in _modules() if _under(name, ("runner",)))
STAGED = [name for name in RUNNER if _unit(name) in STAGES]


def test_every_runner_module_is_in_a_stage_the_base_or_a_front_door() -> None:
    unknown = [name for name in RUNNER
               if name != "runner" and _unit(name) not in (*STAGES, *BASE, *FRONT_DOORS)]
    assert unknown == [], "put new modules in a stage package (see tests/test_architecture.py)"


@pytest.mark.parametrize("module", STAGED)
def test_a_stage_imports_only_earlier_stages_and_the_base(module: str) -> None:
    stage = STAGES.index(_unit(module))
    allowed = (*STAGES[: stage + 1], *BASE)
    later = sorted(name for name in _local(module)
                   if _under(name, ("runner",)) and _unit(name) not in allowed)
    assert later == [], f"{module} ({STAGES[stage]}) imports a later stage or a front door"


@pytest.mark.parametrize("module", [name for name in RUNNER if _unit(name) in BASE])
def test_the_base_imports_only_the_base(module: str) -> None:
    # `model` imports only itself, `secrets` only itself; `config` reads the model's types.
    allowed = ("model", "secrets") if _unit(module) == "config" else (_unit(module),)
    outside = sorted(name for name in _local(module)
                     if _under(name, ("runner",)) and _unit(name) not in allowed)
    assert outside == []


@pytest.mark.parametrize("module", [name for name in STAGED if _unit(name) in FRONT_END])
def test_the_front_end_knows_nothing_of_execution(module: str) -> None:
    engine = tuple(f"runner.{stage}" for stage in (*ENGINE, "report"))
    bad = sorted(name for name in _imports(module)
                 if _under(name, (*FORBIDDEN_IN_FRONT_END, *engine)))
    assert bad == []


@pytest.mark.parametrize("module", [name for name in STAGED if _unit(name) in ENGINE])
def test_the_engine_returns_data_and_writes_no_output(module: str) -> None:
    assert sorted(name for name in _imports(module) if _under(name, FORBIDDEN_IN_ENGINE)) == []


@pytest.mark.parametrize("module", [name for name in STAGED if _unit(name) == "report"])
def test_report_imports_no_engine_module(module: str) -> None:
    # Reports format the results the model carries; they never run, match or measure anything.
    engine = tuple(f"runner.{stage}" for stage in ENGINE)
    assert sorted(name for name in _imports(module) if _under(name, engine)) == []


def test_idp_imports_nothing_from_runner() -> None:
    idp = [name for name in _modules() if _under(name, ("fixtures",))]
    assert idp, "fixtures/idp has no Python files"
    for module in idp:
        assert sorted(name for name in _imports(module) if _under(name, ("runner",))) == [], module


def _cycle() -> list[str] | None:
    """One import cycle between project modules, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for name in sorted(_local(module)):
            if state.get(name) == 1:
                return [*path[path.index(name):], name]
            if name not in state and (found := visit(name)) is not None:
                return found
        path.pop()
        state[module] = 2
        return None

    for module in _modules():
        if module not in state and (found := visit(module)) is not None:
            return found
    return None


def test_no_import_cycles() -> None:
    cycle = _cycle()
    assert cycle is None, " -> ".join(cycle or [])


@pytest.mark.parametrize("module", [name for name in RUNNER if name.count(".") > 1])
def test_no_module_imports_its_own_package(module: str) -> None:
    # A package's __init__ imports its modules: a module that imported it back could find it
    # half initialised. Modules of one stage import one another by their full names.
    parents = module.split(".")[:-1]
    own = {".".join(parents[:i]) for i in range(2, len(parents) + 1)}
    assert sorted(own & _imports(module)) == []


@pytest.mark.parametrize("module", RUNNER)
def test_private_modules_stay_in_their_package(module: str) -> None:
    for name in _local(module):
        package, _, last = name.rpartition(".")
        if last.startswith("_") and not last.startswith("__") and package.count("."):
            assert _under(module, (package,)), f"{module} imports {name}"


def test_every_module_declares_all() -> None:
    missing = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "runner").rglob("*.py"))
               if "__all__" not in path.read_text()]
    assert missing == []


def test_public_surface() -> None:
    import runner.curl
    import runner.translate.curl

    assert runner.curl.__all__ == ["to_request"]
    assert runner.curl.to_request is runner.translate.curl.to_request
