"""Framing headers written in a guide meet a real HTTP/1.1 connection (h11 checks them)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from runner.model.errors import DocError
from runner.run.retry import RetryPolicy
from runner.run.sender import Sender
from tests.staging.conftest import Served, assert_clean, verify

GUIDE = """\
# Content-Length written by hand

<!-- verify: requires=registered-agent -->

```http
POST /api/v1/token HTTP/1.1
Content-Type: application/x-www-form-urlencoded
Content-Length: 29

grant_type=client_credentials&client_id={{CLIENT_ID}}&client_secret={{CLIENT_SECRET}}
```

```http
HTTP/1.1 200 OK
Content-Type: application/json

{"token_type": "Bearer", ...}
```
"""


def test_a_written_content_length_is_the_examples_and_the_filled_body_gets_its_own(
    served: Served, tmp_path: Path
) -> None:
    guide = tmp_path / "docs" / "framing.md"
    guide.parent.mkdir()
    guide.write_text(GUIDE)
    done, report = verify(served.url, served.token, tmp_path, guides=(str(guide),))
    assert done.returncode == 0, done.stdout + done.stderr
    assert [s["status"] for s in report["guides"][0]["steps"]][-1] == "passed"
    assert_clean(served)


def test_a_request_h11_will_not_send_is_the_requests_fault(served: Served) -> None:
    request = httpx.Request("POST", f"{served.url}/api/v1/token", content=b"x" * 40,
                            headers={"Content-Length": "3"})
    with httpx.Client() as client:
        sender = Sender(client, RetryPolicy())
        with pytest.raises(DocError, match="cannot be sent as written"):
            sender.send(request, timeout=httpx.Timeout(5))
