"""Timing, memory and profiles of the two phases: the runner in process, and the floor."""

from __future__ import annotations

import cProfile
import gc
import io
import pstats
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import tree_sitter_bash
from markdown_it import MarkdownIt
from tree_sitter import Language, Parser

from runner.model.result import GuideResult, RunResult
from runner.plan.planner import plan_guide
from runner.report.terminal import write_terminal
from runner.run.guide import run_guide
from runner.run.target import EmbeddedTarget

__all__ = [
    "RunnerRun",
    "Timing",
    "best_of",
    "markdown_only",
    "peak_memory",
    "profile",
    "run_runner",
    "time_cli",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RunnerRun:
    """What the runner did: its steps by verdict, and the report it rendered."""

    steps: int
    passed: int
    report_lines: int
    first_problem: str | None
    plan_s: float
    """Reading, translating and planning (markdown-it, tree-sitter, curl, documented JSON)."""
    run_s: float
    """Running: building requests, sending them, matching, unifying, masking."""
    report_s: float


def run_runner(paths: Sequence[Path], root: Path | None) -> RunnerRun:
    """Plan, run, match and report every guide, in order, as the CLI does with one job."""
    target = EmbeddedTarget(rate_limit=0)
    results: list[GuideResult] = []
    clock = time.perf_counter
    plan_s = run_s = 0.0
    for number, path in enumerate(paths):
        start = clock()
        guide = plan_guide(path, display_path=_shown(path, root), root=root)
        planned = clock()
        results.append(run_guide(guide, target, number=number))
        plan_s, run_s = plan_s + planned - start, run_s + clock() - planned
    start = clock()
    run = RunResult(target=target.name, guides=tuple(results))
    report = io.StringIO()
    write_terminal(run, report, verbose=False, color=False)
    report_s = clock() - start
    steps = [step for guide in results for step in guide.steps]
    return RunnerRun(
        steps=len(steps),
        passed=sum(step.status == "passed" for step in steps),
        report_lines=report.getvalue().count("\n"),
        first_problem=_first_problem(results, report.getvalue()),
        plan_s=plan_s,
        run_s=run_s,
        report_s=report_s,
    )


_BASH = Language(tree_sitter_bash.language())


def markdown_only(paths: Sequence[Path]) -> int:
    """Only what any reader of these guides must do: markdown-it parsing each file.

    Added to the floor, it is the least a runner that reads Markdown with markdown-it can
    cost, whatever it does after; returns the number of tokens, so nothing is optimized away.
    """
    parser = MarkdownIt("commonmark").enable("table")
    return sum(len(parser.parse(path.read_text(encoding="utf-8"))) for path in paths)


def mandated_parsers(paths: Sequence[Path]) -> int:
    """`markdown_only`, plus tree-sitter-bash parsing each shell fence: the two parsers the
    project's standards require of any runner, and nothing after them (no curl, no JSON, no
    matching). Returns a count, so nothing is optimized away."""
    parser = MarkdownIt("commonmark").enable("table")
    shell = Parser(_BASH)
    count = 0
    for path in paths:
        for token in parser.parse(path.read_text(encoding="utf-8")):
            count += 1
            if token.type == "fence" and token.info.split()[:1] in (["bash"], ["sh"],
                                                                    ["shell"], ["console"]):
                count += shell.parse(token.content.encode()).root_node.child_count
    return count


def _shown(path: Path, root: Path | None) -> str:
    if root is None:
        return str(path)
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _first_problem(results: Sequence[GuideResult], report: str) -> str | None:
    """A line of the report that says what went wrong, to print with the warning."""
    if all(step.status == "passed" for guide in results for step in guide.steps) and not any(
        guide.errors for guide in results
    ):
        return None
    for line in report.splitlines():
        if line.strip() and not line.startswith(("PASS", " ")):
            return line.strip()
    return report.splitlines()[0] if report else "no report"


@dataclass(frozen=True, slots=True)
class Timing(Generic[T]):
    """The fastest of some repeats: wall and CPU seconds, and what that repeat returned."""

    wall: float
    cpu: float
    value: T


def best_of(repeat: int, action: Callable[[], T]) -> Timing[T]:
    """The fastest of `repeat` runs (the least disturbed by a busy machine)."""
    best: Timing[T] | None = None
    for _ in range(max(1, repeat)):
        gc.collect()
        start, cpu = time.perf_counter(), time.process_time()
        value = action()
        timing = Timing(time.perf_counter() - start, time.process_time() - cpu, value)
        if best is None or timing.wall < best.wall:
            best = timing
    assert best is not None
    return best


def peak_memory(action: Callable[[], object]) -> int:
    """Peak bytes Python allocated during `action` (tracemalloc: slow, so never timed)."""
    gc.collect()
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def profile(action: Callable[[], object], top: int) -> str:
    """Run `action` under cProfile; the `top` entries by cumulative and by own time."""
    profiler = cProfile.Profile()
    profiler.enable()
    action()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


def time_cli(repo: Path, args: Sequence[str]) -> tuple[float, int]:
    """Wall time and exit status of `verify-docs ARGS` run from the repository root."""
    command = Path(sys.executable).parent / "verify-docs"
    start = time.perf_counter()
    done = subprocess.run([str(command), *args], cwd=repo, capture_output=True, check=False)
    return time.perf_counter() - start, done.returncode
