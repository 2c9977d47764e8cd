"""The command's planning and crash bookkeeping: each guide with its own project's settings,
and a crash while planning one guide reported at that guide instead of ending the run."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from runner.config import Config, project_config
from runner.model import Guide, RunResult, Source
from runner.run import record_crash

__all__ = ["crash_files", "plan_guides", "with_crashes"]


def plan_guides(
    paths: Iterable[Path], run: Config, here: Config, display: Callable[[Path], str],
    crashes: dict[str, str], texts: Mapping[Path, str] | None = None,
) -> list[Guide]:
    """Plan every guide, each with the `fixtures/` of the project it lives in (found from its
    own folder upwards, else `here`, the current folder's); the documented origin is the
    run's, as the target rewrites only that one.

    A crash while planning a guide (a bug) becomes that guide's error; its traceback file is
    put in `crashes` under the guide's path, so the run exits 4 once the rest has run.
    `texts` (resolved path -> text) is planned in place of those files' content (`--update`'s
    rounds in memory; see `plan_guide`).
    """
    from runner.plan import plan_guide

    projects: dict[Path, Config] = {}
    guides: list[Guide] = []
    for path in paths:
        folder = path.resolve().parent
        if folder not in projects:
            projects[folder] = project_config(folder, here)
        project = projects[folder]
        shown = display(path)
        try:
            guide = plan_guide(path, display_path=shown, root=project.root,
                               fixtures=project.root / project.fixtures,
                               origin=run.documented_origin, texts=texts)
        except Exception as exc:  # a bug: this guide is not run, the others are
            crash = record_crash(exc, f"planning {shown}")
            guide = Guide(path=shown, errors=((Source(shown, 1), crash.message),))
            crashes[shown] = crash.path or ""
        guides.append(guide)
    return guides


def with_crashes(result: RunResult, crashes: dict[str, str]) -> RunResult:
    """The run's result with the planning crashes marked on their guides (exit 4)."""
    if not crashes:
        return result
    guides = tuple(replace(g, crash=crashes[g.path]) if g.path in crashes else g
                   for g in result.guides)
    return replace(result, guides=guides)


def crash_files(result: RunResult) -> list[str]:
    """Every traceback file the run wrote, in report order."""
    files = [guide.crash for guide in result.guides if guide.crash]
    files += [step.crash for guide in result.guides for step in guide.steps if step.crash]
    return list(dict.fromkeys(files))
