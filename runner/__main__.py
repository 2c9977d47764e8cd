"""`python -m runner`: the same as the `verify-docs` command."""

from __future__ import annotations

from runner.cli import main

__all__: list[str] = []

if __name__ == "__main__":
    main()
