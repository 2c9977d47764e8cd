"""`--update` and `--diff` on the command line: plan the edits from the run's results, show
or write them, run what was written again, and list what is left to a person."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from runner.model import DocError

if TYPE_CHECKING:
    from runner.model import RunResult

__all__ = ["snapshot", "update_guides"]


def snapshot(files: Sequence[Path]) -> dict[Path, str]:
    from runner.update import digest

    return {file.resolve(): digest(file.read_bytes()) for file in files}


def update_guides(result: RunResult, paths: Sequence[str], snapshot: dict[Path, str], *,
                   write: bool, show: bool,
                   rerun: Callable[[list[str]], RunResult]) -> tuple[str | None, int]:
    """`--update` and `--diff`: the patch (for the step summary), and 2 when a file could not
    be written. What needs a person is listed on stderr either way.

    A step blocked by an earlier failure was never compared: after writing, the guides
    written are run again (`rerun`, reporting nothing) and updated again, at most twice more,
    so that one `--update` leaves guides the next run passes.
    """
    from runner.update import digest, plan_update, render_diff, write_update

    allowed = [Path(path) for path in paths]
    update = plan_update(result, allowed=allowed, snapshot=snapshot)
    patch = render_diff(update)
    if show and patch:
        click.echo(patch, nl=False)
    forced = 0
    looks = {look: None for look in update.looks}
    prose = {line: None for line in update.prose}
    rounds = 3 if write else 1
    for round_number in range(1, rounds + 1):
        if round_number > 1:
            files = [file.path for file in update.files]
            snapshot = {file.file.resolve(): digest(file.new.encode("utf-8"))
                        for file in update.files}
            again = rerun(files)
            update = plan_update(again, allowed=allowed, snapshot=snapshot)
            # What the rerun guides still need replaces what was said of them before (their
            # prose still names the old values: it stays listed).
            looks = {look: None for look in looks if not look.startswith(tuple(files))}
            looks.update((look, None) for look in update.looks)
            prose.update((line, None) for line in update.prose)
        if not write or not update.files:
            break
        try:
            written = write_update(update)
        except DocError as exc:
            click.echo(f"verify-docs: {exc.message}", err=True)
            written, forced = [], 2
        except OSError as exc:
            click.echo(f"verify-docs: --update: cannot write a guide: {exc}", err=True)
            written, forced = [], 2
        for path in written:
            click.echo(f"verify-docs: updated {path}", err=True)
        if not written:
            break
    for look in looks:
        click.echo(f"verify-docs: not updated, needs a look: {look}", err=True)
    for line in prose:
        click.echo(f"verify-docs: prose that may need a look: {line}", err=True)
    return patch or None, forced
