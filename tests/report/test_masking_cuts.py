"""A text is masked whole before it is cut: no part of a secret survives a shortened output."""

from __future__ import annotations

import json

import httpx

from runner.match.response import ExampleBook, match_response
from runner.model.result import Problem
from runner.model.step import Step
from runner.plan.planner import plan_text
from runner.run.exchange import BODY_LIMIT, exchange_record
from runner.secrets.masking import SecretSet

# Opaque, 55 characters, no JWT: only the SecretSet can find it.
TOKEN = "opaque-bootstrap-0123456789-abcdefghijklmnopqrstuvwxyz"
GUIDE = """\
```bash
curl -s http://localhost:3000/api/v1/agents -H "Authorization: Bearer $BOOTSTRAP_TOKEN"
```

It answers `200 OK`:

```json
{"data": []}
```
"""


def _step() -> Step:
    (step,) = plan_text(GUIDE, "g.md").steps
    return step


def _pieces(secret: str, size: int = 8) -> list[str]:
    return [secret[i:i + size] for i in range(len(secret) - size + 1)]


def _shown(problems: list[Problem]) -> str:
    return json.dumps([[p.message, p.expected, p.actual] for p in problems])


def _response(status: int, content: bytes, content_type: str) -> httpx.Response:
    request = httpx.Request("GET", "http://localhost:3000/api/v1/agents")
    return httpx.Response(status, content=content, headers={"Content-Type": content_type},
                          request=request)


def test_a_body_that_is_not_json_is_masked_before_it_is_cut() -> None:
    # The token crosses the 200-character cut: cut first, 33 of its characters showed.
    body = ("<html>" + "x" * 172 + TOKEN + "</html>").encode()
    problems = match_response(_step(), _response(200, body, "text/html"), ExampleBook(),
                              mask=SecretSet([TOKEN]).mask)
    shown = _shown(problems)
    assert "the response is not JSON" in shown
    assert not [piece for piece in _pieces(TOKEN) if piece in shown]


def test_an_error_message_is_masked_before_it_is_shortened() -> None:
    message = "the client " + "y" * 55 + f" presented {TOKEN}, which is not known here"
    body = json.dumps({"code": "UNAUTHORIZED", "message": message}).encode()
    problems = match_response(_step(), _response(401, body, "application/json"), ExampleBook(),
                              mask=SecretSet([TOKEN]).mask)
    shown = _shown(problems)
    assert "UNAUTHORIZED" in shown
    assert not [piece for piece in _pieces(TOKEN) if piece in shown]


def test_an_exchange_body_is_masked_before_it_is_cut() -> None:
    padding = "z" * (BODY_LIMIT - 20)
    request = httpx.Request("POST", "http://localhost:3000/api/v1/agents",
                            content=(padding + TOKEN).encode())
    response = httpx.Response(400, text=padding + TOKEN, request=request)
    exchange = exchange_record(request, response, 0.0, SecretSet([TOKEN]))
    # Cut first, the first 20 characters of the token were kept, and never masked.
    assert exchange.request_body == exchange.response_body == padding + "***"


def test_a_body_is_cut_at_a_word_end_so_a_later_secret_is_never_halved() -> None:
    # A token the run learns only later straddles the cut: the reports mask it then, so the
    # cut must not leave the first half of it standing apart.
    later = "tok-" + "9" * 60
    text = "word " * ((BODY_LIMIT - 30) // 5) + later + " tail"
    request = httpx.Request("GET", "http://localhost:3000/api/v1/agents")
    response = httpx.Response(200, text=text, request=request)
    body = exchange_record(request, response, 0.0, SecretSet()).response_body
    assert len(body) <= BODY_LIMIT and body.endswith("word ")
    assert "tok-" not in body
