"""No secret reaches any output, in any encoding: terminal, -v, JSON, JUnit, annotations."""

from __future__ import annotations

import base64
import re
from pathlib import Path

from click.testing import CliRunner

from runner.cli import cli

GUIDE = Path(__file__).parent / "guides" / "secrets-everywhere.md"
JWT = re.compile(r"eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}")
CLIENT_SECRET = re.compile(r"sk_live_[0-9a-f]{64}")
BASE64ISH = re.compile(r"[A-Za-z0-9+/=_-]{40,}")


def _leaks(text: str) -> list[str]:
    found = JWT.findall(text) + CLIENT_SECRET.findall(text)
    # Basic credentials travel as base64 of "id:sk_live_...": decode anything that looks like it.
    for blob in BASE64ISH.findall(text):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decode(blob + "=" * (-len(blob) % 4)).decode("utf-8", "replace")
            except ValueError:
                continue
            if "sk_live_" in decoded or JWT.search(decoded):
                found.append(blob)
    return found


def test_no_secret_in_any_output(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    outcome = CliRunner(env=env).invoke(
        cli, [str(GUIDE), "-v", "--json", str(report), "--junitxml", str(junit)]
    )
    assert outcome.exit_code == 1, outcome.output  # the introspection is documented wrongly
    outputs = {
        "terminal": outcome.output,
        "json": report.read_text(),
        "junit": junit.read_text(),
        "summary": summary.read_text(),
    }
    # The run really handled secrets (so a silent no-op cannot pass): -v shows the requests.
    assert "/api/v1/token" in outputs["terminal"]
    assert '"active"' in outputs["json"] or "active" in outputs["json"]
    for name, text in outputs.items():
        assert _leaks(text) == [], name
