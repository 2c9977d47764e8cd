"""A text as whoever reads it may decode it: HTML entities, `\\u` escapes, percent-encoding.

What is written into a guide must hold no secret and no run tag, not even one a browser, a
JSON parser or a URL decoder would reveal (`&#115;k_live_...`, `\\u0073k_live_...`,
`a%2Br7f3a09c2-1%40x.io`). `decoded_forms` gives every reading of a text, so that a check can
hold each of them against the run's secrets and tags.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from urllib.parse import unquote

__all__ = ["decoded_forms", "reveals"]

_UNICODE_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\\/\"']))")
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_ROUNDS = 4
"""How many layers of encoding are taken off (a percent-encoded URL in a JSON string in
HTML is three)."""


def _unescape_json(text: str) -> str:
    def one(found: re.Match[str]) -> str:
        if found.group(3):
            return found.group(3)  # `\\` is one backslash (a `\u` escaped again)
        return chr(int(found.group(1) or found.group(2), 16))

    return _UNICODE_ESCAPE.sub(one, text) if "\\" in text else text


def _decoders(text: str) -> list[Callable[[str], str]]:
    found: list[Callable[[str], str]] = []
    if "&" in text:
        found.append(html.unescape)
    if "\\" in text:
        found.append(_unescape_json)
    if "%" in text and _PERCENT.search(text):
        found.append(unquote)
    return found


def decoded_forms(text: str) -> list[str]:
    """The text and every form it decodes to, one or more layers of encoding taken off,
    in any order (the text first)."""
    forms = [text]
    seen = {text}
    layer = [text]
    for _ in range(_ROUNDS):
        following = []
        for form in layer:
            for decode in _decoders(form):
                decoded = decode(form)
                if decoded not in seen:
                    seen.add(decoded)
                    forms.append(decoded)
                    following.append(decoded)
        if not following:
            break
        layer = following
    return forms


def reveals(text: str, mask: Callable[[str], str]) -> bool:
    """Whether the text, or any form it decodes to, holds something `mask` hides (a secret
    of the run in any of its encodings, or a JWT)."""
    return any(mask(form) != form for form in decoded_forms(text))
