"""`--update` on a URL target writes nothing of the run into a guide, in any encoding: no run
tag (percent-encoded or upper-cased), not the target's origin, no real id inside a longer
string, no near-copy of a secret (HTML entities, `\\u` escapes, hex, upper case, base64)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import respx
from click.testing import CliRunner, Result

from runner.cli import cli
from runner.run.isolation import Isolation
from runner.secrets import SecretSet
from runner.secrets.decoding import decoded_forms
from runner.update import revealing, target_marks

TARGET = "http://staging-secret.example.net:8443"
"""On staging the target's origin is a CI secret: it must never reach a guide."""
TAGGED = re.compile(r"\+(r[0-9a-f]{8}-[0-9]+)@")


def _update(tmp_path: Path, guide: str,
            routes: Callable[[respx.Router], None]) -> tuple[Result, str]:
    file = tmp_path / "guide.md"
    file.write_text(guide)
    with respx.mock(assert_all_called=False) as peer:
        peer.get(f"{TARGET}/api/v1/agents").mock(httpx.Response(200, json={"data": []}))
        routes(peer)
        outcome = CliRunner().invoke(cli, [str(file), "--target", TARGET, "--keep", "--update"],
                                     env={"IDP_BOOTSTRAP_TOKEN": "tok-abc123"})
    return outcome, file.read_text()


def _leaks(text: str, marks: list[str]) -> list[str]:
    """What of `marks` any decoded form of the text shows, case ignored."""
    return [mark for form in decoded_forms(text) for mark in marks if mark in form.lower()]


REGISTER = """\
Register an agent; the AgentIdP answers `201 Created`:

```bash
curl -s -i -X POST http://localhost:3000/api/v1/agents \\
  -H "Content-Type: application/json" \\
  -d '{"email": "resume-screener@acme-corp.com"}'
```

```http
HTTP/1.1 201 Created
Location: http://localhost:3000/api/v1/agents?email=someone%40acme-corp.com
Content-Type: application/json

{
  "email": "resume-screener@acme-corp.com",
  "contact": "SOMEONE@ACME-CORP.COM",
  "links": {"search": "http://localhost:3000/api/v1/agents?email=someone%40acme-corp.com"}
}
```
"""


def test_a_run_tag_percent_encoded_or_upper_cased_never_reaches_the_guide(
        tmp_path: Path) -> None:
    tags: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        email = json.loads(request.content)["email"]
        tags.append(TAGGED.search(email).group(1))  # type: ignore[union-attr]
        search = f"http://localhost:3000/api/v1/agents?email={quote(email, safe='')}"
        return httpx.Response(201, headers={"Location": search}, json={
            "email": email, "contact": email.upper(), "links": {"search": search}})

    def routes(peer: respx.Router) -> None:
        peer.post(f"{TARGET}/api/v1/agents").mock(side_effect=answer)

    outcome, written = _update(tmp_path, REGISTER, routes)
    assert outcome.exit_code == 1, outcome.output
    assert tags and written != REGISTER, outcome.output
    assert _leaks(written, [tag.lower() for tag in tags]) == []
    # What was written is the documented email, in the form the answer wrote it.
    assert "RESUME-SCREENER@ACME-CORP.COM" in written
    assert written.count("email=resume-screener%40acme-corp.com") == 2


def test_the_updater_refuses_a_run_tag_in_any_form() -> None:
    safe = revealing(str)
    for text in ("a+r88c5102f-0@x.io", "a%2Br88c5102f-0%40x.io", "a%2br88c5102f-0%40x.io",
                 "A+R88C5102F-0@X.IO", "a\\u002br88c5102f-0@x.io", "a&#43;r88c5102f-0@x.io",
                 "team-R88C5102F-12", "q=a%252Br88c5102f-0%2540x.io"):
        assert not safe(text), text
    assert safe("a@x.io") and safe("team-r88c5102f")


AGENT_ID = "3f2c9a4e-7b1d-4e8a-9c2f-1a2b3c4d5e6f"
REAL_ID = "79e20a5d-5c1b-4f7e-8a11-0d9c8b7a6f5e"
EVENT_ID = "b4a1c2d3-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
AGENT = f"""\
Register an agent; the AgentIdP answers `201 Created`:

```bash
curl -s -i -X POST http://localhost:3000/api/v1/agents \\
  -H "Content-Type: application/json" \\
  -d '{{"email": "resume-screener@acme-corp.com"}}'
```

```http
HTTP/1.1 201 Created
Location: http://localhost:3000/api/v1/agents/old
Content-Type: application/json

{{
  "agentId": "{AGENT_ID}",
  "self": "http://localhost:3000/api/v1/agents/old",
  "audit": "nothing yet",
  "issuer": "localhost"
}}
```
"""


def test_the_target_origin_and_ids_inside_longer_strings_are_written_as_documented(
        tmp_path: Path) -> None:
    host = httpx.URL(TARGET).host

    def answer(request: httpx.Request) -> httpx.Response:
        link = f"{TARGET}/api/v1/agents/{REAL_ID}"
        return httpx.Response(201, headers={"Location": link}, json={
            "agentId": REAL_ID, "self": link,
            "audit": f"event {EVENT_ID} at 2031-05-06T07:08:09Z by {TARGET.upper()}",
            "issuer": host})

    def routes(peer: respx.Router) -> None:
        peer.post(f"{TARGET}/api/v1/agents").mock(side_effect=answer)

    outcome, written = _update(tmp_path, AGENT, routes)
    assert outcome.exit_code == 1, outcome.output
    assert written != AGENT, outcome.output
    marks = [REAL_ID, EVENT_ID, host, "2031-05-06", "8443"]
    assert _leaks(written, marks) == []
    # The real id stands as the documented example it was bound to, on the documented origin.
    assert f"Location: http://localhost:3000/api/v1/agents/{AGENT_ID}\n" in written
    assert f'"self": "http://localhost:3000/api/v1/agents/{AGENT_ID}",' in written
    assert "by http://localhost:3000\"" in written, written


def test_the_updater_refuses_the_target_origin() -> None:
    marks = target_marks(TARGET, "http://localhost:3000")
    safe = revealing(str, marks)
    assert not safe(f"{TARGET}/api/v1/agents")
    assert not safe(quote(TARGET, safe="") + "%2Fapi")
    assert not safe("STAGING-SECRET.EXAMPLE.NET:8443")
    assert safe("http://localhost:3000/api/v1/agents")
    assert target_marks("http://localhost:3000/", "http://localhost:3000") == ()
    assert target_marks("embedded", "http://localhost:3000") == ()


SECRET = "sk_live_" + "326f" * 16
CREDENTIAL = """\
Create a credential; the answer holds its secret, shown once (`201 Created`):

```bash
curl -s -X POST http://localhost:3000/api/v1/credentials
```

```json
{"clientSecret": "sk_live_...", "status": "active"}
```

Read it back (`200 OK`):

```bash
curl -s http://localhost:3000/api/v1/credentials/current
```

```json
{"note": "old", "status": "active"}
```
"""
_BLOB = base64.b64encode(json.dumps({"cursor": 7, "secret": SECRET}).encode()).decode()
NEAR_COPIES = {
    # Each as the answer's JSON text writes it: the secret learned one step before.
    "html-entity": '"&#115;' + SECRET[1:] + '"',
    "json-escape": '"\\\\u0073' + SECRET[1:] + '"',
    "percent": '"cb?s=%73' + SECRET[1:] + '"',
    "upper-case": '"key ' + SECRET.upper() + '"',
    "hex": '"fp ' + SECRET.encode().hex() + '"',
    "base64-in-blob": '"state=' + _BLOB + '"',
    # The run's masking knows upper case, hex and base64; an encoding over them hides them
    # from it, not from whoever decodes the text.
    "upper-case-entity": '"&#83;' + SECRET.upper()[1:] + '"',
    "hex-entity": '"fp ' + SECRET.encode().hex()[:40] + f"&#{ord(SECRET.encode().hex()[40])};"
                  + SECRET.encode().hex()[41:] + '"',
    "base64-json-escape": '"state=' + _BLOB[:60] + "\\\\u00" + f"{ord(_BLOB[60]):02x}"
                          + _BLOB[61:] + '"',
}


@pytest.mark.parametrize("note", NEAR_COPIES.values(), ids=NEAR_COPIES.keys())
def test_no_near_copy_of_a_secret_is_written(tmp_path: Path, note: str) -> None:
    body = '{"note": ' + note + ', "status": "revoked"}'

    def routes(peer: respx.Router) -> None:
        peer.post(f"{TARGET}/api/v1/credentials").mock(httpx.Response(
            201, json={"clientSecret": SECRET, "status": "active"}))
        peer.get(f"{TARGET}/api/v1/credentials/current").mock(httpx.Response(
            200, content=body.encode(), headers={"Content-Type": "application/json"}))

    outcome, written = _update(tmp_path, CREDENTIAL, routes)
    assert outcome.exit_code == 1, outcome.output
    assert '"status": "revoked"' in written, outcome.output
    mask = SecretSet([SECRET]).mask
    for form in decoded_forms(written):
        assert mask(form) == form, form
        assert "326f326f" not in form.lower(), form



def test_every_form_of_a_tag_is_taken_off_an_answer() -> None:
    iso = Isolation(tag="r88c5102f-1", fields=frozenset({"email"}))
    answer = ("a%2Br88c5102f-1%40x.io A+R88C5102F-1@X.IO a\\u002Br88c5102f-1\\u0040x.io "
              "a&#43;r88c5102f-1&#64;x.io team-R88C5102F-1, b+r88c5102f-10@x.io")
    assert iso.inbound_text(answer) == ("a%40x.io A@X.IO a\\u0040x.io a&#64;x.io team, "
                                        "b+r88c5102f-10@x.io")
    # What --update may write holds no guide's tag of the run.
    assert iso.untag_run("b+r88c5102f-10@x.io ops-r88c5102f-3") == "b@x.io ops"
