"""A guide longer than the per-minute rate limit passes on the embedded IdP, without waiting."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from runner.cli import cli

STEP = """\
```bash
curl http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"data": [], "total": 0, ...}
```
"""


def test_a_429_on_the_embedded_idp_moves_its_clock_on_instead_of_failing(tmp_path: Path) -> None:
    guide, report = tmp_path / "long.md", tmp_path / "r.json"
    guide.write_text("# Long\n\n" + "\n".join([STEP] * 130))
    outcome = CliRunner().invoke(cli, [str(guide), "--json", str(report)])
    assert outcome.exit_code == 0, outcome.output
    steps = json.loads(report.read_text())["guides"][0]["steps"]
    assert [s["status"] for s in steps] == ["passed"] * 130
    # The 101st request met the limit and was retried once the window had (virtually) passed.
    retried = [(n, s["retries"]) for n, s in enumerate(steps, 1) if s.get("retries")]
    assert [n for n, _ in retried] == [101]
    assert "429" in retried[0][1][0]
