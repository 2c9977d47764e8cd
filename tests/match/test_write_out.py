"""curl's `-w`: the printed status is the documented status, the rest is compared for real."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.plan.planner import plan_text
from runner.translate.curl.write_out import PrintedFacts, parse_write_out, write_out_matches

FACTS = PrintedFacts(status=201, headers={"content-type": "application/json"}, size=42,
                     method="POST")


@pytest.mark.parametrize(
    ("fmt", "printed", "drifted"),
    [
        ("%{http_code}\\n", "201", "200"),
        ("%{response_code}", "201", "404"),
        ("code=%{http_code} type=%{content_type} size=%{size_download}\\n",
         "code=201 type=application/json size=42", "code=201 type=text/html size=42"),
        ("%{method} %{http_version}", "POST 1.1", "GET 1.1"),
        ("%{header{Content-Type}}|%%|\\t", "application/json|%|", "application/xml|%|"),
        ("took %{time_total}s from %{remote_ip}:%{remote_port}",
         "took 0.042s from 127.0.0.1:80", "took soon from 127.0.0.1:80"),
        ("%{size_download} bytes", "42 bytes", "41 bytes"),
    ],
)
def test_what_curl_prints_for_a_transfer(fmt: str, printed: str, drifted: str) -> None:
    write_out = parse_write_out(fmt)
    assert write_out is not None
    assert write_out_matches(write_out, printed, FACTS)
    assert not write_out_matches(write_out, drifted, FACTS)


def test_formats_that_cannot_be_checked_are_left_alone() -> None:
    assert parse_write_out("@format.txt") is None
    assert parse_write_out("%{json}") is None
    assert parse_write_out("%{http_code} %{certs}") is None
    # Not modelled faithfully (the target's URL is not the guide's; curl's exit code): unchecked.
    assert parse_write_out("%{url_effective}") is None
    assert parse_write_out("%{exitcode}") is None


@pytest.mark.parametrize("fmt", ["\\n%{time_total}\\n", "%{header{x-request-id}}",
                                 "%{size_download}"])
def test_a_format_that_prints_nothing_recognisable_leaves_the_body_whole(fmt: str) -> None:
    # The guide shows only the body: splitting its last line off would break the JSON.
    text = (f"```bash\ncurl -s -w '{fmt}' http://localhost:3000/api/v1/agents \\\n"
            '  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"\n```\n\n'
            '```json\n{\n  "data": [],\n  "total": 0\n}\n```\n')
    guide = plan_text(text, "w.md")
    assert guide.errors == ()
    response = guide.steps[0].response
    assert response is not None and response.printed is None and response.document is not None


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
