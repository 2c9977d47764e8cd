"""A secret learned at a run's last step is masked in what every earlier step printed, in
every report: the writers mask their whole output with the run's final secret set.

The earlier steps print the (not yet secret) value JSON-escaped, percent-encoded, lowercased
and inside a Basic pair; only the last step's `-u` says it is a secret. The same guide
without that step shows the value is really printed, so the check cannot pass vacuously.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import quote, quote_plus

import httpx
import pytest
import respx
from click.testing import CliRunner

from runner.cli import cli
from tests.report.html_page import read_page

TARGET = "http://idp.test"
CLIENT = "agent-late-7f3a"
LATE = "Late+Secret/Value \u00e942"
BASIC = base64.b64encode(f"{CLIENT}:{LATE}".encode()).decode()
ESCAPED = json.dumps(LATE).strip('"').replace("L", "\\u004c").replace("/", "\\/")
PERCENT = quote(LATE, safe="")

EARLIER = f"""\
# Notes

A note (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/notes/1
```

```json
{{"note": "nothing here"}}
```

Search the notes (`200 OK`):

```bash
curl -s "http://localhost:3000/api/v1/notes?q={PERCENT}"
```

```json
{{"q": "other"}}
```

A long note, which every report cuts for display (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/notes/3
```

```json
{{"note": "short"}}
```

The header a client would send (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/notes/2
```

```json
{{"header": "Basic other"}}
```
"""
LAST = f"""
Get a token (`200 OK`):

```bash
curl -s -u "{CLIENT}:{LATE}" http://localhost:3000/api/v1/token -d grant_type=client_credentials
```

```json
{{"token_type": "Bearer", "expires_in": 3600}}
```
"""


def _forms() -> set[str]:
    """The value as the earlier steps print it, and as any encoder may write it."""
    forms = {LATE, LATE.lower(), PERCENT, PERCENT.lower(), quote(LATE), quote_plus(LATE),
             json.dumps(LATE)[1:-1], json.dumps(LATE, ensure_ascii=False)[1:-1], BASIC,
             base64.b64encode(LATE.encode()).decode()}
    return forms


def _run(tmp_path: Path, guide_text: str) -> tuple[int, dict[str, str]]:
    guide = tmp_path / "notes.md"
    guide.write_text(guide_text, encoding="utf-8")
    with respx.mock(assert_all_called=False) as peer:
        peer.get(f"{TARGET}/api/v1/agents").respond(200, json={"data": [], "total": 0})
        peer.get(f"{TARGET}/api/v1/notes/1").mock(httpx.Response(
            200, content=('{"note": "' + ESCAPED + '"}').encode(),
            headers={"Content-Type": "application/json"}))
        peer.get(f"{TARGET}/api/v1/notes").respond(200, json={"q": LATE.lower()})
        peer.get(f"{TARGET}/api/v1/notes/2").respond(200, json={"header": f"Basic {BASIC}"})
        # The value once at each place a report cuts a long one for display: 100 characters
        # (a diff line), 240 (a problem's value), 400 (an HTML cell).
        note = "y" * 90 + LATE + "w" * 120 + LATE + "x" * 140 + LATE + "z" * 300
        peer.get(f"{TARGET}/api/v1/notes/3").respond(200, json={"note": note})
        peer.post(f"{TARGET}/api/v1/token").respond(
            200, json={"access_token": "opaque-0123456789", "token_type": "Bearer",
                       "expires_in": 3600})
        outcome = CliRunner().invoke(cli, [
            str(guide), "--target", TARGET, "-v", "--keep",
            "--json", str(tmp_path / "r.json"), "--junitxml", str(tmp_path / "r.xml"),
            "--html", str(tmp_path / "r.html")],
            env={"IDP_BOOTSTRAP_TOKEN": "tok-abc123", "GITHUB_ACTIONS": "true",
                 "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")})
    assert "Traceback" not in outcome.output
    outputs = {"terminal and annotations": outcome.output,
               **{name: (tmp_path / name).read_text(encoding="utf-8")
                  for name in ("r.json", "r.xml", "r.html", "summary.md")}}
    outputs["r.json decoded"] = repr(json.loads(outputs["r.json"]))
    # The page as a browser reads it: every text and attribute value, entities decoded.
    page = read_page(outputs["r.html"])
    outputs["r.html decoded"] = "\n".join(
        [page.text, *(str(value) for element in page.elements for value in element.attrs.values())])
    return outcome.exit_code, outputs


def test_the_earlier_steps_really_print_the_value(tmp_path: Path) -> None:
    status, outputs = _run(tmp_path, EARLIER)
    assert status == 1
    shown = {form for text in outputs.values() for form in _forms() if form in text}
    # Each way the value travels is in some report: escaped (decoded for the reader), in the
    # URL percent-encoded, lowercased, and in a Basic pair.
    assert {LATE, PERCENT, LATE.lower(), BASIC} <= shown
    assert [form for form in _forms() if form in outputs["r.html decoded"]]  # the page too


@pytest.mark.parametrize("report", ["terminal and annotations", "r.json", "r.json decoded",
                                    "r.xml", "r.html", "r.html decoded", "summary.md"])
def test_a_secret_learned_at_the_last_step_is_masked_everywhere(
    tmp_path: Path, report: str
) -> None:
    status, outputs = _run(tmp_path, EARLIER + LAST)
    assert status == 1  # the earlier steps still fail: only what they print is masked
    text = outputs[report]
    assert "***" in text
    assert [form for form in _forms() if form in text] == []
    # Nor any part of it: masked whole before any report cut a long value for display.
    assert LATE[:6] not in text and LATE[:6].lower() not in text


def test_a_value_that_shows_a_secret_once_decoded_is_hidden_whole() -> None:
    from runner.model import GuideResult, Problem, RunResult, StepResult
    from runner.report.masked import masked_result
    from runner.secrets import SecretSet
    from tests.report.samples import make_step

    secret = "sk_live_" + "3c" * 32
    near = {"html": "&#115;" + secret[1:], "json": "\\u0073" + secret[1:],
            "percent": "%73" + secret[1:], "plain": "nothing secret here: 50% & more \\o/"}
    step = make_step("g.md", 3, "GET", "/api/v1/agents")
    problems = tuple(Problem(message=name, actual=value) for name, value in near.items())
    failed = StepResult(step=step, status="failed", method="GET", url="/api/v1/agents",
                        problems=problems)
    result = RunResult(target="embedded", guides=(GuideResult("g.md", "failed", (failed,)),),
                       mask=SecretSet([secret]).mask)
    shown = {p.message: p.actual for p in masked_result(result).guides[0].steps[0].problems}
    assert shown == {"html": "***", "json": "***", "percent": "***",
                     "plain": "nothing secret here: 50% & more \\o/"}
