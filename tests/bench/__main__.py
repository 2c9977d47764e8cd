"""`python -m tests.bench`: verify-docs against the floor in process at three sizes (the
last about 10,000 steps, for growth), on loopback against `verify-docs serve`
(`tests.bench.loopback`), and on its own guides; then the embedded IdP under 1,000 concurrent
connections (`tests.bench.load`).

The floor is a bare httpx loop sending the same requests to the same IdP, with no Markdown,
no shell and no matching: the runner can only be slower, and the ratios say by how much.
The aims (issue 13): on loopback, runner client CPU at most 1.3 x the floor's; in process,
the runner's own cost per step at most 0.3 ms above the floor's; growth linear to 10,000
steps. Timings live here, never in tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from runner.read.discover import find_guides
from tests.bench.floor import FloorRun, run_floor
from tests.bench.generate import GeneratedTree, generate_tree
from tests.bench.load import CONNECTIONS, run_load
from tests.bench.loopback import describe, measure_loopback
from tests.bench.measure import (
    RunnerRun,
    best_of,
    markdown_only,
    peak_memory,
    profile,
    run_runner,
    time_cli,
)

__all__ = ["main"]

REPO = Path(__file__).resolve().parents[2]
RATIO_AIM = 1.3
"""Runner client CPU over the floor's, on loopback."""
OWN_COST_AIM_MS = 0.3
"""In process: the runner's CPU per step above the floor's, in ms."""
LOOPBACK_GUIDES = 50
STEPS_PER_GUIDE = 20
GROWTH_AIM = 1.2
"""Time per step may grow this much at 10x the size and still count as linear."""
OWN_GUIDES_AIM = 1.0


@dataclass(frozen=True, slots=True)
class Row:
    """One size, measured."""

    label: str
    steps: int
    runner_s: float
    floor_s: float
    runner_cpu: float
    floor_cpu: float
    runner_peak: int | None
    floor_peak: int | None
    markdown_s: float
    """markdown-it alone on the same tree: a cost every Markdown-reading runner pays."""
    runner: RunnerRun
    floor: FloorRun

    @property
    def ratio(self) -> float:
        return self.runner_s / self.floor_s

    @property
    def cpu_ratio(self) -> float:
        """The ratio in CPU seconds: steadier than wall time when the machine is shared."""
        return self.runner_cpu / max(self.floor_cpu, 1e-9)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--guides", type=_positive, default=10, help="guides at 1x (default 10)")
    parser.add_argument("--steps-per-guide", type=_positive, default=STEPS_PER_GUIDE,
                        metavar="S", help=f"steps per guide (default {STEPS_PER_GUIDE})")
    parser.add_argument("--scale", type=_positive, default=10,
                        help="the second size is this many times the first (default 10)")
    parser.add_argument("--grow", choices=("guides", "steps"), default="guides",
                        help="scale the number of guides (default) or the steps per guide")
    parser.add_argument("--steps", type=int, default=10000, metavar="N",
                        help="also measure about N steps, for the linearity aim (default "
                             "10000; 0 skips it)")
    parser.add_argument("--loopback-guides", type=_positive, default=LOOPBACK_GUIDES,
                        metavar="G", help=f"guides of the loopback part (default "
                                          f"{LOOPBACK_GUIDES})")
    parser.add_argument("--no-loopback", action="store_true",
                        help="skip the loopback part (runner vs floor on `verify-docs serve`)")
    parser.add_argument("--repeat", type=_positive, default=3,
                        help="best of this many runs per size up to 2000 steps (default 3)")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc passes")
    parser.add_argument("--no-docs", action="store_true", help="skip the project's own guides")
    parser.add_argument("--connections", type=_positive, default=CONNECTIONS, metavar="N",
                        help=f"concurrent connections of the IdP load part (default {CONNECTIONS})")
    parser.add_argument("--no-load", action="store_true", help="skip the IdP load part")
    parser.add_argument("--profile", action="store_true",
                        help="cProfile the runner at 1x and print the top entries")
    parser.add_argument("--top", type=_positive, default=25, help="profile entries (default 25)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="write the generated trees under DIR instead of a temp dir")
    return parser.parse_args(argv)


def _sizes(args: argparse.Namespace) -> list[tuple[int, int]]:
    guides, steps = args.guides, args.steps_per_guide
    grown = (guides * args.scale, steps) if args.grow == "guides" else (guides,
                                                                        steps * args.scale)
    sizes = [(guides, steps), grown]
    if args.steps > 0:
        sizes.append((max(1, -(-args.steps // steps)), steps))
    return sizes


def _measure(tree: GeneratedTree, label: str, args: argparse.Namespace) -> Row:
    repeat = args.repeat if tree.steps <= 2000 else 1

    def runner() -> RunnerRun:
        return run_runner(tree.paths, tree.root)

    def floor() -> FloorRun:
        return run_floor(tree.floor)

    runner_timing = best_of(repeat, runner)
    floor_timing = best_of(repeat, floor)
    markdown_timing = best_of(repeat, lambda: markdown_only(tree.paths))
    # tracemalloc passes take minutes past 2,000 steps: growth is judged on time there.
    memory = not args.no_memory and tree.steps <= 2000
    return Row(
        label=label,
        steps=tree.steps,
        runner_s=runner_timing.wall,
        floor_s=floor_timing.wall,
        runner_cpu=runner_timing.cpu,
        floor_cpu=floor_timing.cpu,
        runner_peak=peak_memory(runner) if memory else None,
        floor_peak=peak_memory(floor) if memory else None,
        markdown_s=markdown_timing.wall,
        runner=runner_timing.value,
        floor=floor_timing.value,
    )


def _megabytes(size: int | None) -> str:
    return "-" if size is None else f"{size / 1e6:.1f} MB"


def _table(rows: Sequence[Row]) -> None:
    header = (f"{'size':>10} {'steps':>6} {'runner s':>9} {'floor s':>8} {'runner st/s':>12} "
              f"{'floor st/s':>11} {'ratio':>6} {'cpu ratio':>9} {'runner peak':>12} "
              f"{'floor peak':>11}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row.label:>10} {row.steps:>6} {row.runner_s:>9.3f} {row.floor_s:>8.3f} "
              f"{row.steps / row.runner_s:>12.0f} {row.steps / row.floor_s:>11.0f} "
              f"{row.ratio:>6.2f} {row.cpu_ratio:>9.2f} {_megabytes(row.runner_peak):>12} "
              f"{_megabytes(row.floor_peak):>11}")
    print()
    print("where the runner's time goes, in ms per step (the floor's whole loop for scale):")
    for row in rows:
        run = row.runner
        print(f"{row.label:>10}  plan {_per_step(run.plan_s, row.steps)}  "
              f"run+match {_per_step(run.run_s, row.steps)}  "
              f"report {_per_step(run.report_s, row.steps)}  "
              f"| floor {_per_step(row.floor_s, row.steps)}")
    print("the least a runner reading Markdown with markdown-it can cost: the floor plus "
          "markdown-it's parse alone")
    for row in rows:
        least = (row.floor_s + row.markdown_s) / row.floor_s
        print(f"{row.label:>10}  markdown-it {_per_step(row.markdown_s, row.steps)} ms/step, "
              f"so no such runner's ratio can be below {least:.2f}")


def _per_step(seconds: float, steps: int) -> str:
    return f"{seconds * 1000 / steps:7.3f}"


def _checks(rows: Sequence[Row]) -> None:
    """A fast but broken runner must not look good: say so when steps did not pass."""
    for row in rows:
        if row.runner.passed != row.steps or row.runner.steps != row.steps:
            print(f"WARNING: at {row.label} the runner passed {row.runner.passed} of "
                  f"{row.steps} steps ({row.runner.steps} reported): "
                  f"{row.runner.first_problem}")
        if row.floor.as_documented != row.steps:
            print(f"WARNING: at {row.label} the floor got the documented status for "
                  f"{row.floor.as_documented} of {row.steps} requests")


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def _own_cost(rows: Sequence[Row]) -> None:
    """The runner's own CPU per step: what it spends above the floor for the same requests."""
    costs = [(row, (row.runner_cpu - row.floor_cpu) * 1000 / row.steps) for row in rows]
    shown = ", ".join(f"{cost:.3f} at {row.label}" for row, cost in costs)
    worst = max(cost for _, cost in costs)
    print(f"runner's own cost per step above the floor, in process (cpu ms): {shown}; worst "
          f"{worst:.3f}  [aim <= {OWN_COST_AIM_MS}: {_verdict(worst <= OWN_COST_AIM_MS)}]")


def _growth(rows: Sequence[Row]) -> None:
    """Time per step at each larger size over the first; judged on CPU time, which other
    processes on a shared machine disturb less than wall time."""
    base = rows[0]

    def grown(now: float, then: float, steps: int) -> float:
        return (now / steps) / (then / base.steps)

    for row in rows[1:]:
        runner = grown(row.runner_cpu, base.runner_cpu, row.steps)
        wall = grown(row.runner_s, base.runner_s, row.steps)
        floor = grown(row.floor_cpu, base.floor_cpu, row.steps)
        memory = ""
        if row.runner_peak and base.runner_peak:
            per_step = grown(row.runner_peak, base.runner_peak, row.steps)
            memory = f", runner peak memory per step x{per_step:.2f}"
        print(f"growth {base.label} -> {row.label} ({row.steps} steps; cpu time per step, "
              "1.00 = linear): "
              f"runner x{runner:.2f} (wall x{wall:.2f}), floor x{floor:.2f}{memory}  "
              f"[aim <= {GROWTH_AIM}: {_verdict(runner <= GROWTH_AIM)}]")


def _own_guides() -> None:
    """The project's own guides, in process and through the CLI, against the 1 s aim."""
    paths = find_guides([str(REPO / "docs")])
    timing = best_of(3, lambda: run_runner(paths, REPO))
    seconds, run = timing.wall, timing.value
    print(f"docs/ in process: {run.steps} steps in {seconds:.3f} s "
          f"({run.passed} passed)  [aim < {OWN_GUIDES_AIM} s: "
          f"{_verdict(seconds < OWN_GUIDES_AIM)}]")
    if run.first_problem:
        print(f"WARNING: docs/ did not all pass: {run.first_problem}")
    cli = min(time_cli(REPO, ["docs/"]) for _ in range(3))
    lint = min(time_cli(REPO, ["--lint", "docs/"]) for _ in range(3))
    helps = min(time_cli(REPO, ["--help"]) for _ in range(3))
    print(f"docs/ via CLI:    `verify-docs docs/` {cli[0]:.3f} s wall, exit {cli[1]}  "
          f"[aim < {OWN_GUIDES_AIM} s: {_verdict(cli[0] < OWN_GUIDES_AIM)}]")
    print(f"                  for scale: `verify-docs --help` {helps[0]:.3f} s (start-up), "
          f"`verify-docs --lint docs/` {lint[0]:.3f} s (start-up + plan, nothing sent)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the bench and print its table; the exit status is 0 unless the bench itself broke."""
    args = _arguments(argv)
    with tempfile.TemporaryDirectory(prefix="verify-docs-bench-") as scratch:
        base = args.keep or Path(scratch)
        trees = []
        for guides, steps in _sizes(args):
            folder = base / f"{guides}x{steps}"
            trees.append((f"{guides}x{steps}", generate_tree(folder, guides, steps)))
        # Warm up imports, tree-sitter and the IdP's keys before anything is timed.
        warm = trees[0][1]
        run_runner(warm.paths[:1], warm.root)
        run_floor(warm.floor[:1])
        print("verify-docs bench: runner (plan + run + match + terminal report, one thread) "
              "vs floor (bare httpx loop), same requests, embedded IdP, rate limit off\n")
        rows = [_measure(tree, label, args) for label, tree in trees]
        _table(rows)
        print()
        _checks(rows)
        worst = max(rows, key=lambda row: row.cpu_ratio)
        print(f"ratio runner/floor in process: worst {worst.cpu_ratio:.2f} in cpu time "
              f"({worst.ratio:.2f} wall, at {worst.label}); no aim in process: markdown-it "
              "alone nearly equals this floor, so the aims are the two below and the "
              "loopback ratio")
        _own_cost(rows)
        _growth(rows)
        if not args.no_loopback:
            print()
            loopback_tree = generate_tree(base / "loopback", args.loopback_guides,
                                          args.steps_per_guide)
            row = measure_loopback(loopback_tree, f"{args.loopback_guides}x"
                                   f"{args.steps_per_guide}", args.repeat)
            for line in describe(row, RATIO_AIM, _verdict):
                print(line)
            print()
        if not args.no_docs:
            _own_guides()
        if not args.no_load:
            print(run_load(args.connections).line())
        if args.profile:
            tree = trees[0][1]
            print(f"\nprofile of the runner at {trees[0][0]} ({tree.steps} steps):")
            print(profile(lambda: run_runner(tree.paths, tree.root), args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
