"""The CLI called in process (tests, scripts) leaves the caller's signal handlers alone."""

from __future__ import annotations

import signal
from pathlib import Path

from click.testing import CliRunner

from runner.cli import cli

GUIDE = Path(__file__).parent / "guides" / "clean-register.md"


def test_signal_handlers_are_restored_after_an_in_process_run() -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    outcome = CliRunner().invoke(cli, [str(GUIDE)])
    assert outcome.exit_code == 0, outcome.output
    # Left replaced, Ctrl-C would no longer stop this test session, and children started
    # later would inherit whatever disposition was left behind.
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before
