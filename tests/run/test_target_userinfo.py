"""A password in `--target` is refused before anything is sent, and never printed."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli

GUIDE = Path(__file__).resolve().parents[1] / "e2e" / "guides" / "clean-register.md"


@pytest.mark.parametrize("url", [
    "http://ops:s3cr3t-pw@127.0.0.1:9/",
    "https://ops:s3cr3t-pw@staging.example/idp",
    "http://:s3cr3t-pw@127.0.0.1:9",
])
def test_credentials_in_the_target_url_are_a_usage_error(tmp_path: Path, url: str) -> None:
    report = tmp_path / "r.json"
    outcome = CliRunner().invoke(cli, [str(GUIDE), "--target", url, "--json", str(report)],
                                 env={"IDP_BOOTSTRAP_TOKEN": "tok-abc123"})
    assert outcome.exit_code == 2, outcome.output
    assert "credentials in the URL are refused" in outcome.output
    assert "s3cr3t" not in outcome.output and "Traceback" not in outcome.output
    assert not report.exists() or "s3cr3t" not in report.read_text()
