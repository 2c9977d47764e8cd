"""A secret the server writes with needless `\\u` escapes is masked in every report."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import respx
from click.testing import CliRunner

from runner.cli import cli

SECRET = "sk_live_" + "4f" * 32
ESCAPED = "".join(f"\\u{ord(c):04x}" for c in SECRET[:8]) + SECRET[8:]
GUIDE = f"""\
Keep the secret you were given, then read the credential back (`200 OK`):

```bash
export CLIENT_SECRET={SECRET}
curl -s http://localhost:3000/api/v1/echo -H "X-Client-Secret: $CLIENT_SECRET"
```

```json
{{"clientSecret": "sk_live_{"00" * 32}", "status": "drifted"}}
```
"""


def test_an_escaped_secret_is_masked_in_every_report(tmp_path: Path) -> None:
    guide = tmp_path / "guide.md"
    guide.write_text(GUIDE)
    body = '{"clientSecret": "' + ESCAPED + '", "status": "active"}'
    with respx.mock(assert_all_called=False) as peer:
        peer.get("http://idp.test/api/v1/agents").mock(httpx.Response(200, json={"data": []}))
        peer.get("http://idp.test/api/v1/echo").mock(httpx.Response(
            200, content=body.encode(), headers={"Content-Type": "application/json"}))
        outcome = CliRunner().invoke(cli, [
            str(guide), "--target", "http://idp.test", "-v", "--keep",
            "--json", str(tmp_path / "r.json"), "--junitxml", str(tmp_path / "r.xml")],
            env={"IDP_BOOTSTRAP_TOKEN": "tok-abc123", "GITHUB_ACTIONS": "true",
                 "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")})
    assert outcome.exit_code == 1, outcome.output
    outputs = {"terminal": outcome.output,
               **{name: (tmp_path / name).read_text()
                  for name in ("r.json", "r.xml", "summary.md")}}
    assert "status" in json.loads(outputs["r.json"])["guides"][0]["steps"][0]["problems"][0][
        "path"]
    for name, text in outputs.items():
        assert SECRET not in text and SECRET[8:] not in text, name
