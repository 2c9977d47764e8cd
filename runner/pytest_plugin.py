"""The pytest11 plugin: `pytest docs/` collects each guide, one item per step.

Only hooks live here; the engine is imported when a guide is collected.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from runner.config import Config
    from runner.model import Guide, GuideResult, Step, StepResult
    from runner.run import Target

__all__ = ["ReaderWarning", "pytest_addoption", "pytest_collect_file"]


class ReaderWarning(UserWarning):
    """A step read a variable that a reader's shell would not hold (see `--strict`)."""


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("verify-docs", "executable developer guides")
    group.addoption("--verify-target", default=None,
                    help="verify-docs target: 'embedded' (default) or the URL of an AgentIdP.")
    parser.addini("verify_docs_paths", type="args", default=["docs"],
                  help="Folders (below rootdir) whose Markdown files are collected as guides.")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix != ".md" or not _wanted(file_path, parent.config):
        return None
    return GuideFile.from_parent(parent, path=file_path)


def _wanted(file_path: Path, config: pytest.Config) -> bool:
    """Guides under the configured folders, or Markdown files named on the command line."""
    resolved = file_path.resolve()
    for arg in config.args:
        if Path(arg.split("::")[0]).resolve() == resolved:
            return True
    roots = [(config.rootpath / folder).resolve() for folder in config.getini("verify_docs_paths")]
    return any(resolved.is_relative_to(root) for root in roots)


class _Session:
    """What the guides of one pytest process share: the project's settings and one target
    (one run id, so each guide's tag is the run id and its number, as in the CLI)."""

    def __init__(self, config: pytest.Config) -> None:
        from runner.config import load_config

        # Without a pyproject.toml the rootdir is the root, as the working directory is
        # for the CLI: `requires=` finds `fixtures/` there.
        self.project = load_config(config.rootpath)
        self._spec: str | None = config.getoption("--verify-target")
        self._target: Target | None = None
        self.guides = 0

    def target(self) -> Target:
        if self._target is None:
            from runner.run import configured_target

            self._target = configured_target(self.project, self._spec)
        return self._target


_SESSION = pytest.StashKey[_Session]()


def _session(config: pytest.Config) -> _Session:
    if _SESSION not in config.stash:
        config.stash[_SESSION] = _Session(config)
    return config.stash[_SESSION]


def _project(config: pytest.Config) -> Config:
    return _session(config).project


class GuideFile(pytest.File):
    """A guide: planned on collection, run once (all steps, in order) on its first item."""

    _guide: Guide
    _number: int = 0
    _result: GuideResult | None = None

    def collect(self) -> list[pytest.Item]:
        from runner.config import project_config
        from runner.plan import plan_guide

        run = _project(self.config)
        # `fixtures/` of the project the guide is in (as for the CLI), else the rootdir's.
        project = project_config(self.path, run)
        self._guide = plan_guide(self.path, display_path=self._display(), root=project.root,
                                 fixtures=project.root / project.fixtures,
                                 origin=run.documented_origin)
        session = _session(self.config)
        self._number = session.guides
        session.guides += 1
        if self._guide.errors:
            return [GuideErrorItem.from_parent(self, name="plan")]
        return [
            StepItem.from_parent(self, name=f"{step.name} (line {step.source.line})", step=step)
            for step in self._guide.steps
        ]

    def _display(self) -> str:
        try:
            return str(self.path.relative_to(self.config.rootpath))
        except ValueError:
            return str(self.path)

    def result_for(self, step: Step) -> StepResult | None:
        """Run the whole guide once (steps share a context), then hand out step verdicts."""
        if self._result is None:
            from runner.run import run_guide

            self._result = run_guide(self._guide, _session(self.config).target(),
                                     number=self._number)
        for result in self._result.steps:
            if result.step is step:
                return result
        return None


class GuideErrorItem(pytest.Item):
    """A guide that cannot be read or planned: one failing item listing why."""

    def runtest(self) -> None:
        assert isinstance(self.parent, GuideFile)
        lines = [f"{source}: {message}" for source, message in self.parent._guide.errors]
        raise GuideFailure("\n".join(lines))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, GuideFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, 0, f"{self.name}"


class StepItem(pytest.Item):
    """One step of a guide, reported at its Markdown line."""

    def __init__(self, *, step: Step, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.step = step

    def runtest(self) -> None:
        __tracebackhide__ = True
        assert isinstance(self.parent, GuideFile)
        result = self.parent.result_for(self.step)
        if result is None:
            pytest.skip("not run")
        # The whole guide has run: its every secret, and every earlier guide's, is known to
        # the run's set, so what pytest prints for this step is masked with them all.
        mask = _session(self.config).target().secrets.mask
        if result.status == "skipped":
            pytest.skip(mask(result.reason or "skipped"))
        if result.status in ("failed", "error"):
            from runner.report.masked import masked_step

            # Whole values first: the description cuts long ones, and a cut secret stays half.
            raise GuideFailure(mask(_describe(masked_step(result, mask))))
        # Shown in pytest's warnings summary; they change no verdict (`-W error` opts in).
        for problem in result.problems:
            if problem.severity == "warning":
                warnings.warn(ReaderWarning(mask(f"{problem.source}: {problem.message}")),
                              stacklevel=1)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, GuideFailure):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        return Path(self.step.source.path), self.step.source.line - 1, self.name


class GuideFailure(Exception):
    """A step's verdict, already rendered for the reader."""


def _describe(result: StepResult) -> str:
    """Tavern's order: the documented request, what was really sent, then the problems."""
    from runner.report.body_diff import body_diff_text
    from runner.report.render import render_problem

    step = result.step
    lines = [f"{step.source}: {step.name}"]
    if step.command is not None:
        lines += ["documented request:", *("    " + ln for ln in step.command.text.splitlines())]
    if result.exchange is not None:
        ex = result.exchange
        lines.append(f"sent: {ex.method} {ex.url}")
        lines += [f"    {name}: {value}" for name, value in ex.request_headers]
        if ex.request_body:
            lines.append("    " + ex.request_body[:2000])
        lines.append(f"received: {ex.status}")
    lines.append("problems:")
    lines += ["  " + render_problem(p).replace("\n", "\n  ") for p in result.problems]
    lines += ["  " + line for line in body_diff_text(result).splitlines()]
    return "\n".join(lines)
