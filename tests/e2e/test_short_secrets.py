"""A short secret is a secret all the same: it shows in no output (issue 12, item 8)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from runner.cli import cli

SHORT = "abc12"
GUIDE = f"""\
# Probe

```bash
export CLIENT_SECRET={SHORT}
curl -s "http://localhost:3000/api/v1/agents?probe=$CLIENT_SECRET" \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

It answers `200 OK`:

```json
{{"data": [], "probe": "$CLIENT_SECRET"}}
```
"""


def test_a_five_character_secret_is_masked_in_every_output(tmp_path: Path) -> None:
    guide = tmp_path / "probe.md"
    guide.write_text(GUIDE)
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    done = CliRunner().invoke(cli, [str(guide), "-v", "--json", str(report),
                                    "--junitxml", str(junit)])
    assert done.exit_code == 1, done.output  # `probe` is not in the answer: a failure to show
    everything = done.output + report.read_text() + junit.read_text()
    assert "probe=***" in everything, done.output  # the -v URL, masked
    assert SHORT not in everything
