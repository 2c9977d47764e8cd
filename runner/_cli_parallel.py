"""Guides run side by side (`-n`), in order in the results, and stopped cleanly: a first
interrupt lets running guides clean up, a second stops waiting for them."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from runner.model import Guide, GuideResult, RunResult
    from runner.run import Selection, Target

__all__ = ["Outcome", "cleanup_said", "run_guides"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What `run_guides` ends with: the results, and how the run was stopped, if it was."""

    result: RunResult
    interrupted: bool = False
    abandoned: bool = False
    """Interrupted a second time while guides were cleaning up: nobody waits for them."""


def run_guides(
    guides: Sequence[Guide], target: Target, selection: Selection | None, jobs: int, color: bool,
    first: int = 0,
) -> Outcome:
    """Run guides (in parallel up to `jobs`), keeping their order in the results; `first` is
    the number of the first (guides run again by `--update` take numbers of their own, so
    their unique values never meet the ones a shared target already holds)."""
    from concurrent.futures import ThreadPoolExecutor

    from runner.model import RunResult
    from runner.report.terminal import Progress
    from runner.run import Interrupted, not_started, run_guide

    cancel = threading.Event()
    results: dict[int, GuideResult] = {}

    unreachable: list[str] = []

    def one(number: int) -> GuideResult:
        guide = guides[number]
        # Once the target stopped answering, every guide not yet started would only repeat
        # its timeouts: the run ends there (sticky, even if the target comes back meanwhile).
        since = unreachable[0] if unreachable else target.reach.since
        if since is not None:
            unreachable.append(since)
            return not_started(guide, f"not started: target unreachable since {since}")
        wanted = selection.step_filter(guide) if selection is not None else None
        return run_guide(guide, target, selected=wanted, number=first + number,
                         cancel=cancel)

    interrupted = abandoned = False
    pool = ThreadPoolExecutor(max_workers=jobs)
    with Progress(len(guides), enabled=color) as progress:
        futures = {pool.submit(one, n): n for n in range(len(guides))}
        try:
            for future, number in futures.items():
                try:
                    results[number] = future.result()
                except Interrupted as stop:
                    results[number] = stop.result
                    raise KeyboardInterrupt from None
                progress.advance(guides[number].path)
        except KeyboardInterrupt:
            interrupted = True
            cancel.set()
            for future in futures:
                future.cancel()
            try:
                # Inside the `try`: a second interrupt may come the moment this is read.
                if any(n not in results and not f.cancelled() for f, n in futures.items()):
                    click.echo("verify-docs: interrupted; letting running guides clean up "
                               "(interrupt again to stop now)", err=True)
                for future, number in futures.items():
                    if number in results or future.cancelled():
                        continue
                    try:
                        results[number] = future.result()
                    except Interrupted as stop:
                        results[number] = stop.result
            except KeyboardInterrupt:
                # Twice: stop waiting. What finished is reported; what did not says so.
                abandoned = True
                for future, number in futures.items():
                    if number not in results and not future.cancelled():
                        results[number] = _abandoned(guides[number].path)
    pool.shutdown(wait=not abandoned, cancel_futures=True)
    for number, guide in enumerate(guides):
        if number not in results:  # never started: reported, not left out
            results[number] = not_started(guide, "interrupted before the guide started")
    ordered = tuple(results[n] for n in sorted(results))
    since = unreachable[0] if unreachable else target.reach.since
    # The reports mask with what the whole run learned, by the time they are written.
    return Outcome(RunResult(target=target.name, guides=ordered, unreachable=since,
                              mask=target.secrets.mask), interrupted, abandoned)


def cleanup_said(result: RunResult) -> str:
    """What an interrupted run did, truthfully: cleaned up only when nothing was left."""
    left = len(result.leftovers)
    if left:
        return (f"reported what ran; {left} agent{'' if left == 1 else 's'} could not be "
                "decommissioned (named above)")
    kept = result.cleanup_counts()["kept"]
    if kept:
        return f"reported what ran; {kept} agent{'' if kept == 1 else 's'} kept (--keep)"
    if result.target == "embedded":
        return "reported what ran"
    return "cleaned up and reported what ran"


def _abandoned(path: str) -> GuideResult:
    from runner.model import GuideResult, Source

    return GuideResult(path=path, status="error", errors=((
        Source(path, 1),
        "interrupted again while this guide was running or cleaning up: its results were "
        "not waited for, and agents it created may remain on the target",
    ),))
