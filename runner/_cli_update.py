"""`--update` and `--diff` on the command line: plan the edits from the run's results, run
the updated guides again on their new text (in memory), show or write the result, and list
what is left to a person."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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


_ROUNDS = 3
"""The run, then at most two runs of the updated guides (steps a failure blocked)."""


def update_guides(result: RunResult, paths: Sequence[str], snapshot: dict[Path, str], *,
                   write: bool, show: bool,
                   rerun: Callable[[list[str], Mapping[Path, str]], RunResult],
                   documented_origin: str = "",
                   ) -> tuple[str | None, int]:
    """`--update` and `--diff`: the patch (for the step summary), and 2 when a file could not
    be written. What needs a person is listed on stderr either way.

    A step blocked by an earlier failure was never compared: the guides an update touched
    (their own steps or a fixture's) are run again on the updated text, held in memory
    (`rerun(guides, texts)`, reporting nothing), and updated again, at most twice more, so
    that one `--update` leaves guides the next run passes. `--diff` runs the same rounds, so
    it prints exactly what `--update` writes: the diff from each file as the run read it to
    its text after the last round. `--update` then writes each file once, and never over a
    file changed since the run read it. On a URL target other than `documented_origin`, its
    origin is never written (on staging it is a CI secret).
    """
    from runner.update import (
        FileUpdate,
        Update,
        plan_update,
        render_diff,
        target_marks,
        write_update,
    )

    allowed = [Path(path) for path in paths]
    texts: dict[Path, str] = {}  # each updated file's text after the latest round
    first: dict[Path, FileUpdate] = {}  # each file's first update: its text as read
    looks: dict[str, None] = {}
    prose: dict[str, None] = {}
    latest = result
    marks = target_marks(result.target, documented_origin) if documented_origin else ()
    for round_number in range(1, _ROUNDS + 1):
        update = plan_update(latest, allowed=allowed, snapshot=snapshot, texts=texts,
                             marks=marks)
        looks.update((look, None) for look in update.looks)
        prose.update((line, None) for line in update.prose)
        for file in update.files:
            first.setdefault(file.file, file)
            texts[file.file] = file.new
        if not update.files or round_number == _ROUNDS:
            break
        changed = {file.path for file in update.files}
        again = [guide.path for guide in latest.guides
                 if guide.path in changed
                 or any(step.step.source.path in changed for step in guide.steps)]
        latest = rerun(again, dict(texts))
        # What the rerun guides still need replaces what was said of them before (their
        # prose still names the old values: it stays listed).
        rerun_files = tuple(f"{path}:" for path in (*again, *changed))
        looks = {look: None for look in looks if not look.startswith(rerun_files)}
    final = Update(files=tuple(FileUpdate(file.path, file.file, file.old, texts[key])
                               for key, file in first.items() if texts[key] != file.old))
    patch = render_diff(final)
    if show and patch:
        click.echo(patch, nl=False)
    forced = 0
    for file in final.files if write else ():
        try:
            written = write_update(Update(files=(file,)))
        except DocError as exc:
            click.echo(f"verify-docs: {exc.message}", err=True)
            written, forced = [], 2
        except OSError as exc:
            click.echo(f"verify-docs: --update: cannot write a guide: {exc}", err=True)
            written, forced = [], 2
        for path in written:
            click.echo(f"verify-docs: updated {path}", err=True)
    for look in looks:
        click.echo(f"verify-docs: not updated, needs a look: {look}", err=True)
    for line in prose:
        click.echo(f"verify-docs: prose that may need a look: {line}", err=True)
    return patch or None, forced
