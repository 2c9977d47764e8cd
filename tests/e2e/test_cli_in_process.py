"""The CLI called in process (tests, scripts) leaves the caller's signal handlers alone."""

from __future__ import annotations

import errno
import json
import signal
from pathlib import Path

import pytest
from click.testing import CliRunner

import runner.report.json_report
from runner.cli import cli

GUIDE = Path(__file__).parent / "guides" / "clean-register.md"


def test_signal_handlers_are_restored_after_an_in_process_run() -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    outcome = CliRunner().invoke(cli, [str(GUIDE)])
    assert outcome.exit_code == 0, outcome.output
    # Left replaced, Ctrl-C would no longer stop this test session, and children started
    # later would inherit whatever disposition was left behind.
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_a_report_in_a_missing_folder_stops_the_run_before_anything_is_sent(
    tmp_path: Path
) -> None:
    outcome = CliRunner().invoke(cli, [str(GUIDE), "-v", "--json", str(tmp_path / "no" / "r.json")])
    assert outcome.exit_code == 2
    assert "--json" in outcome.output and "expected an existing folder" in outcome.output
    assert "POST" not in outcome.output  # -v would show every request sent


def test_a_report_that_cannot_be_written_still_lets_the_others_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(runner.report.json_report, "write_json", disk_full)
    junit = tmp_path / "r.xml"
    outcome = CliRunner().invoke(
        cli, [str(GUIDE), "--json", str(tmp_path / "r.json"), "--junitxml", str(junit)])
    assert outcome.exit_code == 2, outcome.output
    assert "--json" in outcome.output and "No space left on device" in outcome.output
    assert "Traceback" not in outcome.output
    assert "<testcase" in junit.read_text()


def test_an_embedded_run_reports_no_cleanup(tmp_path: Path) -> None:
    # The in-process IdP goes with its guide: "kept" entries would only be noise.
    report = tmp_path / "r.json"
    outcome = CliRunner().invoke(cli, [str(GUIDE), "-v", "--json", str(report)])
    assert outcome.exit_code == 0, outcome.output
    data = json.loads(report.read_text())
    assert all("cleanup" not in guide for guide in data["guides"])
    # The run-level account is always there, empty: nothing to clean up, nothing left.
    assert data["cleanup"] == {"decommissioned": 0, "left": 0, "kept": 0}
    assert data["leftovers"] == [] and "cleanup:" not in outcome.output
