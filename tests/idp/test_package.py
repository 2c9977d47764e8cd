"""The package's shape: a small public surface, `__all__` everywhere, and no import of runner."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import fixtures.idp

PACKAGE = Path(fixtures.idp.__file__).resolve().parent


def test_exported_names() -> None:
    assert fixtures.idp.__all__ == ["IdP", "Request", "Response"]
    from fixtures.idp.server import __all__ as server_names

    assert set(server_names) == {
        "LISTEN_BACKLOG",
        "IdPServer",
        "RemoteBindRefused",
        "is_loopback",
        "serve",
    }


def test_every_module_declares_all_and_stays_small() -> None:
    for path in sorted(PACKAGE.glob("*.py")):
        module = importlib.import_module(
            f"fixtures.idp.{path.stem}" if path.stem != "__init__" else "fixtures.idp"
        )
        assert isinstance(getattr(module, "__all__", None), list), path.name
        for name in module.__all__:
            assert hasattr(module, name), (path.name, name)
        assert len(path.read_text().splitlines()) <= 400, path.name


def test_nothing_imports_runner() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name == "runner" or name.startswith("runner.") for name in names), path
