"""The written form of a dynamic value: what a real value must keep of a documented example.

A documented example says more than its kind. A timestamp shows its zone designator and
fraction digits, a secret its kind prefix, body length and alphabet, a UUID its case, a
JWT that it is one. A reader's code parses the value the way the guide shows it, so a
real value fits only if it is written the same way.

Each `*_difference` function says, in a phrase a problem message can end with, how a real
value of the right kind is written differently from the documented one (None: it is not).
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass
from typing import Any, Literal

import jwt
from jwt.utils import base64url_decode

__all__ = [
    "TimestampForm",
    "case_difference",
    "describe_secret",
    "describe_timestamp",
    "is_jwt",
    "is_jwt_start",
    "secret_difference",
    "timestamp_difference",
    "timestamp_form",
]

_BASE64URL = frozenset(string.ascii_letters + string.digits + "-_")
_PRINTABLE = frozenset(string.printable) - frozenset("\t\n\r\x0b\x0c")


def _jwt_header(text: str) -> dict[str, Any] | None:
    """The header of a value written as a JWT, read by PyJWT; None if it is not one."""
    parts = text.split(".")
    # Exactly three parts, the first two non-empty: PyJWT alone would take a fourth part
    # into the signature's split and an empty payload as a detached one.
    if len(parts) != 3 or not parts[0] or not parts[1]:
        return None
    try:
        # Decodes all three parts as base64url and the header as a JSON object.
        read = jwt.get_unverified_header(text)
    except jwt.PyJWTError:
        return None
    alg = read.get("alg")
    return read if isinstance(alg, str) and alg else None


def is_jwt(value: Any) -> bool:
    """Whether a value is a JWT: three base64url parts whose header is JSON naming `alg`."""
    return isinstance(value, str) and _is_jwt_text(value)


@functools.lru_cache(maxsize=4096)
def _is_jwt_text(text: str) -> bool:
    # Pure and cached: a token is matched against its documented example, unified, and read
    # again by every later response that quotes it; PyJWT decodes and parses it each time.
    return _jwt_header(text) is not None


def is_jwt_start(text: str) -> bool:
    """Whether `text` is the visible start of a JWT (`eyJhbGciOi`, `eyJ...`, `eyJ…J9.eyJz`).

    The header must start as base64url JSON (`eyJ` is `{"`) and read as text as far as
    it is shown; once complete (a `.` follows it) it must name `alg`, like a whole JWT's.
    """
    parts = text.split(".")
    header = parts[0]
    if len(parts) > 3 or not header.startswith("eyJ"):
        return False
    if any(not set(part) <= _BASE64URL for part in parts):
        return False
    if len(parts) > 1:
        # A lone header is a JWT with an empty payload and signature, as PyJWT reads one.
        return _jwt_header(f"{header}.e30.") is not None
    # Only whole groups of four characters decode to whole bytes.
    shown = header[: len(header) // 4 * 4]
    try:
        decoded = base64url_decode(shown).decode("ascii")
    except (ValueError, TypeError):
        return False
    return set(decoded) <= _PRINTABLE


# -- timestamps ---------------------------------------------------------------------------

_ISO = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?P<separator>[T ])[0-9]{2}:[0-9]{2}"
    r"(?P<seconds>:[0-9]{2}(?P<fraction>[.,][0-9]+)?)?"
    r"(?P<zone>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)


_ZEROS = str.maketrans("0123456789", "0" * 10)


@dataclass(frozen=True, slots=True)
class TimestampForm:
    """How an ISO 8601 timestamp is written, whatever instant it names."""

    separator: str
    """Between date and time: `T` or a space."""
    seconds: bool
    fraction: str
    """The fraction separator and one `0` per digit (`.000`), or empty."""
    zone: str
    """`Z`, an offset with its digits as `0` (`+00:00`, `+0000`, `+00`), or empty."""


def timestamp_form(value: Any) -> TimestampForm | None:
    """The form of an ISO 8601 timestamp, or None if the value is not one."""
    if not isinstance(value, str):
        return None
    found = _ISO.fullmatch(value)
    if found is None:
        return None
    fraction = found.group("fraction") or ""
    zone = found.group("zone") or ""
    return TimestampForm(
        separator=found.group("separator"),
        seconds=found.group("seconds") is not None,
        fraction=fraction[:1] + "0" * (len(fraction) - 1),
        # The sign is part of the instant, not of how it is written.
        zone="Z" if zone == "Z" else "+" + zone[1:].translate(_ZEROS) if zone else "",
    )


def _zone(form: TimestampForm) -> str:
    if not form.zone:
        return "no zone designator"
    if form.zone == "Z":
        return "the zone designator `Z`"
    return f"an offset written `{form.zone.replace('0', 'h', 2).replace('0', 'm')}`"


def _fraction(form: TimestampForm) -> str:
    digits = len(form.fraction) - 1
    if digits <= 0:
        return "no fraction of a second"
    return f"{digits} fraction digit{'s' if digits != 1 else ''}"


def describe_timestamp(form: TimestampForm) -> str:
    """The form as a message names it: `with 3 fraction digits and no zone designator`."""
    parts = [_fraction(form) if form.seconds else "no seconds", _zone(form)]
    if form.separator == " ":
        parts.insert(0, "a space between date and time")
    return "with " + ", ".join(parts[:-1]) + " and " + parts[-1]


def timestamp_difference(documented: TimestampForm, real: TimestampForm) -> str | None:
    """How a real timestamp is written differently from the documented one.

    The zone designator, the seconds, the separators and the number of fraction digits
    must be the example's (none included): a reader's parser counts on the form the guide
    shows, and `10:05:00Z` documented for a `10:05:00.123Z` answer is a drifted example.
    """
    if real.zone != documented.zone:
        return f"it has {_zone(real)}, the guide's has {_zone(documented).removeprefix('the ')}"
    if real.seconds != documented.seconds:
        return "it has seconds, the guide's has none" if real.seconds else (
            "it has no seconds, the guide's has")
    if real.fraction != documented.fraction:
        if len(real.fraction) != len(documented.fraction):
            return f"it has {_fraction(real)}, the guide's has {_fraction(documented)}"
        return (f"its fraction follows `{real.fraction[:1]}`, the guide's "
                f"`{documented.fraction[:1]}`")
    if real.separator != documented.separator:
        return (f"its date and time are separated by `{real.separator}`, the guide's by "
                f"`{documented.separator}`")
    return None


# -- secrets and case -----------------------------------------------------------------------

_HEX = frozenset(string.hexdigits)


def _case(text: str) -> Literal["lower", "upper"] | None:
    """The one case all the letters of `text` are in, or None (no letters, or both)."""
    letters = [char for char in text if char.isalpha()]
    if letters and all(char.islower() for char in letters):
        return "lower"
    if letters and all(char.isupper() for char in letters):
        return "upper"
    return None


def case_difference(documented: str, real: str) -> str | None:
    """How the real value's letters break the one case the documented value's are in."""
    case = _case(documented)
    if case == "lower" and real != real.lower():
        return "it has upper-case letters, the guide's are lower case"
    if case == "upper" and real != real.upper():
        return "it has lower-case letters, the guide's are upper case"
    return None


def describe_secret(kind: str, body: str) -> str:
    """A documented secret's form: `a secret `sk_live_` + 64 lower-case hex digits`."""
    case = _case(body)
    alphabet = "hex digits" if set(body) <= _HEX else "letters and digits"
    return f"a secret `{kind}` + {len(body)} {f'{case}-case ' if case else ''}{alphabet}"


def secret_difference(documented: tuple[str, str], real: tuple[str, str]) -> str | None:
    """How a real secret (kind, body) is written differently from the documented one."""
    (kind, body), (real_kind, real_body) = documented, real
    if real_kind != kind:
        return f"its kind is `{real_kind}`, the guide's is `{kind}`"
    if len(real_body) != len(body):
        return (f"its body has {len(real_body)} characters after `{kind}`, the guide's "
                f"has {len(body)}")
    if set(body) <= _HEX and not set(real_body) <= _HEX:
        return "its body is not all hex digits, the guide's is"
    difference = case_difference(body, real_body)
    return None if difference is None else difference.replace("it has", "its body has", 1)
