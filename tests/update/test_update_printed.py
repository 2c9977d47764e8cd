"""`--update` on what `| jq -r` printed in a console transcript: a bare value, not JSON, is
written again as jq prints it, and never as a secret (found by `tests.update.sweep`)."""

from __future__ import annotations

from pathlib import Path

from tests.leaks import shaped_leaks
from tests.update.test_update import ROOT, _copy
from tests.update.test_update_arrays import _run

RAW = ROOT / "tests" / "acceptance" / "clean" / "c28-console-jq-raw.md"
SCOPES = "\nagents:read agents:write tokens:read audit:read\n"


def test_a_raw_jq_output_that_drifted_is_written_again(tmp_path: Path) -> None:
    original = RAW.read_text()
    guide = _copy(tmp_path, RAW, original.replace(SCOPES, "\nagents:read audit:read\n"))
    assert _run("--no-strict", str(guide), "--update").exit_code == 1
    assert guide.read_text() == original
    assert _run("--no-strict", str(guide)).exit_code == 0


def test_a_raw_jq_token_is_written_as_its_kind_only(tmp_path: Path) -> None:
    original = RAW.read_text()
    guide = _copy(tmp_path, RAW, original.replace("\neyJhbGciOiJSUzI1NiIsImtpZCI6...\n",
                                                  "\nnot-a-token\n"))
    assert _run("--no-strict", str(guide), "--update").exit_code == 1
    written = guide.read_text()
    assert "not-a-token" not in written and "\neyJ" in written
    assert shaped_leaks(written) == []
    assert _run("--no-strict", str(guide)).exit_code == 0
