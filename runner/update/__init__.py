"""Update: a run's drift as the smallest edits to its guides (`--update`, `--diff`)."""

from __future__ import annotations

from runner.update.updater import (
    FileUpdate,
    Update,
    digest,
    plan_update,
    render_diff,
    revealing,
    target_marks,
    write_update,
)

__all__ = ["FileUpdate", "Update", "digest", "plan_update", "render_diff", "revealing",
           "target_marks", "write_update"]
