"""What was really sent and received, as the reports show it: JSON indented, secrets masked,
bodies bounded. Built once, at the step, so that no report decodes a body again."""

from __future__ import annotations

import json

import httpx

from runner.model import Exchange
from runner.secrets import SecretSet, mask_headers
from runner.translate.json_body import loads_or_none

__all__ = ["BODY_LIMIT", "exchange_record"]

BODY_LIMIT = 64 * 1024
"""Characters of a body kept for the reports."""

_WORD_ENDS = " \t\n\"',:;&=<>()[]{}"
"""Where a cut may fall: a secret is written between these, never across one."""

_BACK_OFF = 1024
"""How far a cut goes back for a word's end; a text with none that near is cut where it is."""


def exchange_record(request: httpx.Request, response: httpx.Response, elapsed: float,
                    secrets: SecretSet) -> Exchange:
    """The exchange, masked with what the guide knows now (every report masks it again with
    all the run learned)."""
    mask = secrets.mask
    return Exchange(
        method=request.method,
        url=mask(str(request.url)),
        request_headers=mask_headers(request.headers.multi_items(), secrets),
        request_body=_bounded(mask(_plain_json(request.content.decode("utf-8", "replace")))),
        status=response.status_code,
        response_headers=mask_headers(response.headers.multi_items(), secrets),
        response_body=_bounded(mask(_plain_json(response.text))),
        elapsed=elapsed,
    )


def _bounded(text: str) -> str:
    """Masked whole, then cut, and cut at a word's end: a secret the run learns later, which
    the reports mask then, must not be cut in two (the half before the cut would stay)."""
    if len(text) <= BODY_LIMIT:
        return text
    cut = text[:BODY_LIMIT]
    end = max(cut.rfind(mark) for mark in _WORD_ENDS)
    return cut[: end + 1] if end >= BODY_LIMIT - _BACK_OFF else cut


def _plain_json(text: str) -> str:
    """A JSON body as `-v` shows it: one written on one line indented, so a reader can find a
    key, and needless `\\u` escapes written out, so that masking meets a secret the server
    wrote as `\\u0073k_live…` in the form a reader sees; any other text as it is."""
    if not text.lstrip().startswith(("{", "[")) or (
            "\\u" not in text and "\n" in text.strip()):
        return text
    body = loads_or_none(text)
    try:
        return text if body is None else json.dumps(body, indent=2, ensure_ascii=False)
    except RecursionError:  # the indenting encoder is Python: it walks less deep than loads
        return text
