"""Staging isolation: unique field values carry the run id out, and lose it on the way back.

`screener-001@myproject.ai` is sent as `screener-001+r7f3a-1@myproject.ai`, so two runs,
or two guides of one run, never collide on a shared server; responses are mapped back before
matching, so the guide stays exactly as written.
"""

from __future__ import annotations

import functools
import json
import re
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from runner.translate.json_body import read_json

__all__ = ["Isolation", "new_run_id"]


def new_run_id() -> str:
    """A short random id for one run: `r` and 8 hex digits, like `r7f3a09c2`.

    Emails stay taken after an agent is decommissioned, so an id an earlier run used on the
    same server would collide with it. CI may run the guides against staging dozens of times
    a day: with 4 billion ids, a year of that expects far less than one collision (with the
    16 million of 6 digits, about ten).
    """
    return "r" + secrets.token_hex(4)


# The contract's length limits on the fields usually made unique (`email` at most 255,
# `owner` 1 to 128 characters).
_LENGTH_LIMITS = {"email": 255, "owner": 128}


@dataclass(frozen=True, slots=True)
class Isolation:
    """How one guide's unique values are made its own on a shared target."""

    tag: str
    """The run id and the guide's number: `r7f3a-1`."""
    fields: frozenset[str]
    """Field names whose values must be unique on the server (`email` by default)."""

    def _out(self, key: str, value: str) -> str:
        if not value:
            # Nothing to make unique: an empty value must meet the server's checks unchanged.
            return value
        if "@" in value:
            local, _, domain = value.rpartition("@")
            if not local:
                return value  # `@x.io` is documented as invalid: a tag would make it valid
            tagged = f"{local}+{self.tag}@{domain}"
        else:
            tagged = f"{value}-{self.tag}"
        # A value at the contract's length limit would be refused once tagged: it goes as
        # written, so the documented answer stays the one the server gives.
        if len(value) <= _LENGTH_LIMITS.get(key, len(tagged)) < len(tagged):
            return value
        return tagged

    def _rewrite(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: self._out(key, item) if key in self.fields and isinstance(item, str)
                else self._rewrite(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self._rewrite(item) for item in value]
        return value

    def outbound_body(self, body: bytes, content_type: str) -> bytes:
        """The request body with every unique field tagged (JSON and form bodies)."""
        if not body:
            return body
        if "json" in content_type:
            ok, parsed = read_json(body)
            if not ok:
                return body
            rewritten = self._rewrite(parsed)
            # Untouched bodies keep curl's exact bytes; only a tagged one is serialized again.
            if rewritten == parsed:
                return body
            return json.dumps(rewritten, ensure_ascii=False).encode()
        if "x-www-form-urlencoded" in content_type:
            pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            if not any(key in self.fields and value for key, value in pairs):
                return body  # curl's exact bytes, as for an untouched JSON body
            return urlencode(
                [(k, self._out(k, v) if k in self.fields else v) for k, v in pairs]
            ).encode()
        return body

    def outbound_query(self, query: str) -> str:
        """Query parameters named like a unique field (`?email=...`) are tagged too."""
        if not query or not any(f"{name}=" in query for name in self.fields):
            return query
        pairs = parse_qsl(query, keep_blank_values=True)
        return urlencode([(k, self._out(k, v) if k in self.fields else v) for k, v in pairs])

    def inbound_text(self, text: str) -> str:
        """A response body with this guide's tags removed, as the guide documents it.

        Only whole tags go: guide 1's `-r7f3a-1` is not the start of guide 10's `-r7f3a-10`.
        A tag comes back in whatever form the server wrote the value: upper-cased
        (`A+R7F3A-1@X.IO`), percent-encoded in a URL (`a%2Br7f3a-1%40x.io`), `\\u`-escaped or
        as HTML entities; each loses it, and keeps its own form otherwise.
        """
        return _untag(self.tag, text)

    def untag_run(self, text: str) -> str:
        """The text without any guide's tag of this run (`-r7f3a-1`, `+r7f3a-12@`): what
        `--update` may write documents no guide's run (a list of agents shows every guide's)."""
        run, _, _ = self.tag.rpartition("-")
        return _untag(f"{run}-*", text) if run else _untag(self.tag, text)


# The characters a tag is joined with, in every form a server may write them: as is,
# percent-encoded (once or again), a JSON `\u` escape, an HTML entity; `+` may come back as a
# space (a form decoder's reading of it).
_PLUS = r"(?:\+|%(?:25)*2B|\\u002B|&#0*43;|&#x0*2B;|&plus;| |%(?:25)*20)"
_AT = r"(?:@|%(?:25)*40|\\u0040|&#0*64;|&#x0*40;|&commat;)"
_DASH = r"(?:-|%(?:25)*2D|\\u002D|&#0*45;|&#x0*2D;)"


@functools.lru_cache(maxsize=64)
def _tag_patterns(tag: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    run, sep, number = tag.rpartition("-")
    # `*` for the number: any guide's of the run.
    digits = "[0-9]+" if number == "*" else re.escape(number)
    body = rf"{re.escape(run)}{_DASH}{digits}" if sep else re.escape(tag)
    return (re.compile(rf"{_PLUS}{body}(?={_AT})", re.IGNORECASE),
            re.compile(rf"{_DASH}{body}(?![0-9])", re.IGNORECASE))


@functools.lru_cache(maxsize=64)
def _plain_pattern(tag: str) -> re.Pattern[str]:
    """The tag as the run wrote it: `+TAG@` in an email, `-TAG` at a value's end."""
    run, sep, number = tag.rpartition("-")
    body = (rf"{re.escape(run)}-[0-9]+" if number == "*" else re.escape(tag)) if sep \
        else re.escape(tag)
    return re.compile(rf"\+{body}(?=@)|-{body}(?![0-9])")


def _untag(tag: str, text: str) -> str:
    run = tag.split("-", 1)[0].lower()
    if run not in text.lower():
        return text  # no form of the tag can be in it: most answers
    # The tag as written first (a plain pattern, fast); the encoded forms only if any of the
    # run id is left: the case-blind patterns of every encoding cost far more per answer.
    text = _plain_pattern(tag).sub("", text)
    if run not in text.lower():
        return text
    email, suffix = _tag_patterns(tag)
    return suffix.sub("", email.sub("", text))
