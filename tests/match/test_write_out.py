"""curl's `-w`: the printed status is the documented status, the rest is compared for real."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner._curl_write_out import PrintedFacts, parse_write_out
from runner.cli import cli
from runner.plan import plan_text

FACTS = PrintedFacts(status=201, headers={"content-type": "application/json"}, size=42,
                     method="POST", url="http://localhost:3000/api/v1/agents")


@pytest.mark.parametrize(
    ("fmt", "printed"),
    [
        ("%{http_code}\\n", "201"),
        ("%{response_code}", "201"),
        ("code=%{http_code} type=%{content_type} size=%{size_download}\\n",
         "code=201 type=application/json size=42"),
        ("%{method} %{url_effective}", "POST http://localhost:3000/api/v1/agents"),
        ("%{header{Content-Type}}|%%|\\t", "application/json|%|"),
        ("took %{time_total}s from %{remote_ip}:%{remote_port}", "took 0.042s from 127.0.0.1:80"),
    ],
)
def test_what_curl_prints_for_a_transfer(fmt: str, printed: str) -> None:
    write_out = parse_write_out(fmt)
    assert write_out is not None
    assert write_out.matches(printed, FACTS)
    assert not write_out.matches(printed.replace("201", "200").replace("POST", "GET")
                                 .replace("0.042", "soon").replace("json", "xml") + "!", FACTS)


def test_formats_that_cannot_be_checked_are_left_alone() -> None:
    assert parse_write_out("@format.txt") is None
    assert parse_write_out("%{json}") is None
    assert parse_write_out("%{http_code} %{certs}") is None


GUIDE = """\
# Write-out

```console
$ curl -s -o /dev/null -w "%{http_code}\\n" http://localhost:3000/api/v1/agents \\
    -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
200
```

```console
$ curl -s -o /dev/null -w "%{http_code}\\n" \\
    http://localhost:3000/api/v1/agents/6a5aad7a-a814-446f-9be3-13998f8dce5d \\
    -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
404
```

```bash
curl -s -w "\\n%{http_code} %{content_type}\\n" http://localhost:3000/api/v1/agents \\
  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

```json
{"data": [], "total": 0, "page": 1, "limit": 20}
200 application/json
```
"""


def test_a_printed_status_is_the_documented_status_and_leaves_the_json_alone() -> None:
    guide = plan_text(GUIDE, "w.md")
    assert guide.errors == ()
    assert [(s.expected.code, s.expected.origin) for s in guide.steps] == [
        (200, "http"), (404, "http"), (200, "http")]
    last = guide.steps[-1].response
    assert last is not None and last.kind == "json" and last.document is not None
    assert (last.printed or "").strip() == "200 application/json" and last.printed_line == 23


def _run(tmp_path: Path, text: str) -> tuple[int, list[dict[str, Any]]]:
    (tmp_path / "w.md").write_text(text)
    outcome = CliRunner().invoke(cli, [str(tmp_path / "w.md"), "--json", str(tmp_path / "r.json")])
    steps = json.loads((tmp_path / "r.json").read_text())["guides"][0]["steps"]
    return outcome.exit_code, steps


def test_guides_using_write_out_pass_when_curl_would_print_what_they_show(
    tmp_path: Path
) -> None:
    code, steps = _run(tmp_path, GUIDE)
    assert code == 0, steps


@pytest.mark.parametrize(
    ("before", "after", "line", "message"),
    [
        ("\n200\n```\n\n```console", "\n201\n```\n\n```console", 4, "expected status 201"),
        ("\n404\n", "\n200\n", 10, "expected status 200"),
        ("200 application/json", "200 text/html", 23, "what curl -w prints differs"),
    ],
)
def test_drift_in_what_curl_prints_fails_at_its_line(
    tmp_path: Path, before: str, after: str, line: int, message: str
) -> None:
    assert before in GUIDE
    code, steps = _run(tmp_path, GUIDE.replace(before, after, 1))
    assert code == 1
    [failed] = [s for s in steps if s["status"] == "failed"]
    [problem] = failed["problems"]
    assert message in problem["message"]
    assert line in (failed["line"], problem["line"])
