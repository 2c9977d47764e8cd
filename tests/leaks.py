"""Secrets found by their shape in an output: JWTs, client secrets, and base64 that hides either."""

from __future__ import annotations

import base64
import re

__all__ = ["CLIENT_SECRET", "JWT", "shaped_leaks"]

# Case-insensitive: a host name carries a JWT lowercased.
JWT = re.compile(r"eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}", re.IGNORECASE)
CLIENT_SECRET = re.compile(r"sk_live_[0-9a-f]{64}")
_BASE64ISH = re.compile(r"[A-Za-z0-9+/=_-]{40,}")


def shaped_leaks(text: str, documented: str = "") -> list[str]:
    """Every JWT, client secret or base64 blob holding one in `text`.

    Client secrets written in `documented` (the guide's own example values) are not leaks.
    """
    found = JWT.findall(text) + [s for s in CLIENT_SECRET.findall(text) if s not in documented]
    # Basic credentials travel as base64 of "id:sk_live_...": decode anything that looks like it.
    for blob in _BASE64ISH.findall(text):
        for decode in (base64.b64decode, base64.urlsafe_b64decode):
            try:
                decoded = decode(blob + "=" * (-len(blob) % 4)).decode("utf-8", "replace")
            except ValueError:
                continue
            if "sk_live_" in decoded or JWT.search(decoded):
                found.append(blob)
    return found
