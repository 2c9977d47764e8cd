"""Dynamic values by their shape: what a documented example stands for, and what matches it.

A documented UUID, timestamp, JWT, secret or long opaque token is an example of a
value that changes with every run; any real value of the same shape matches it.
"""

from __future__ import annotations

import re
from typing import Any, Literal

__all__ = [
    "HUMAN_TEXT_KEYS",
    "UNIFIED_SHAPES",
    "Shape",
    "example_of",
    "fits_shape",
    "is_placeholder",
    "prefix_example",
    "prefix_fits",
    "same_shape",
    "shape_name",
    "shape_of",
    "shortened",
]

Shape = Literal["uuid", "iso_timestamp", "unix_timestamp", "jwt", "secret", "opaque"]

HUMAN_TEXT_KEYS = frozenset({"message", "error_description", "reason", "description", "detail"})
"""Keys whose values are prose: any non-empty string matches, other wording is a note."""

UNIFIED_SHAPES: frozenset[Shape] = frozenset({"uuid", "jwt", "secret", "opaque"})
"""Identifiers, tokens and secrets: one documented example stands for one real value.

Timestamps are left out on purpose: two events documented with the same time
legitimately happen a few milliseconds apart.
"""

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_ISO = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:[.,][0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# A JWT someone cut short without writing `...`: only its header start is left.
_JWT_CUT = re.compile(r"eyJ[A-Za-z0-9_-]{7,}(?:\.[A-Za-z0-9_-]*)?")
_SECRET = re.compile(r"(?P<kind>[a-z]{2,8}_(?:[a-z]{2,8}_)?)(?P<body>[A-Za-z0-9]{6,})")
_OPAQUE = re.compile(r"[A-Za-z0-9_~+/=.-]{20,}")
# A token is random all through: neighbouring characters keep switching between lower case,
# upper case and digits. A name with a number (`ml-platform-team-2024`, `payments-v2-prod`)
# switches once or twice, between words, and is compared as the text it is.
_MIXED = re.compile(r"(?=[a-z][A-Z0-9]|[A-Z][a-z0-9]|[0-9][A-Za-z])")
_OPAQUE_MIXING = 4
_DIGIT = re.compile(r"[0-9]")
_LETTER = re.compile(r"[A-Za-z]")
_PLACEHOLDER = re.compile(r"<[^<>]+>")
_ELLIPSIS = re.compile(r"(?:\.\.\.|…)\Z")

_UUID_PREFIX = re.compile(
    r"[0-9a-fA-F]{1,8}(?:-[0-9a-fA-F]{0,4}(?:-[0-9a-fA-F]{0,4}(?:-[0-9a-fA-F]{0,4}"
    r"(?:-[0-9a-fA-F]{0,12})?)?)?)?"
)
_ISO_PREFIX = re.compile(r"[0-9]{4}-[0-9T:.,+Z -]*")
_JWT_PREFIX = re.compile(r"eyJ[A-Za-z0-9_.-]*|e|ey")
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_~+/=.-]+")
# The visible start of a shortened secret: `sk_live_`, `sk_test_8f3a`, `sk_`, `whsec_`.
_SECRET_KIND = re.compile(
    r"(?:[a-z]{2,8}_(?:live|test|prod|dev|sandbox)_|(?:sk|pk|rk|whsec)_(?![a-z]+_))"
)

_NAMES: dict[Shape, str] = {
    "uuid": "a UUID",
    "iso_timestamp": "an ISO 8601 timestamp",
    "unix_timestamp": "a Unix timestamp",
    "jwt": "a JWT",
    "secret": "a secret",
    "opaque": "an opaque token",
}


def shape_name(shape: Shape) -> str:
    """How a message names a shape: `a UUID`."""
    return _NAMES[shape]


def _is_secret(text: str) -> bool:
    found = _SECRET.fullmatch(text)
    if found is None:
        return False
    body = found.group("body")
    # `sk_live_…`/`sk_test_…` say "secret" by their kind; otherwise a long body with a digit
    # does, which keeps words like `client_credentials` or `invalid_client_x` out.
    environment = found.group("kind").split("_")[1:-1]
    if environment and environment[0] in {"live", "test", "prod", "dev", "sandbox"}:
        return True
    return len(body) >= 16 and any(c.isdigit() for c in body)


def _secret_kind(text: str) -> str:
    found = _SECRET.fullmatch(text)
    return found.group("kind") if found else ""


def shape_of(value: Any) -> Shape | None:
    """The dynamic shape of a full value (documented or real), or None for a plain value."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return "unix_timestamp" if 1_000_000_000 <= value <= 9_999_999_999 else None
    if not isinstance(value, str):
        return None
    if _UUID.fullmatch(value):
        return "uuid"
    if _ISO.fullmatch(value):
        return "iso_timestamp"
    if _JWT.fullmatch(value) or _JWT_CUT.fullmatch(value):
        return "jwt"
    if _is_secret(value):
        return "secret"
    if (_OPAQUE.fullmatch(value) and _DIGIT.search(value) and _LETTER.search(value)
            and len(_MIXED.findall(value)) >= _OPAQUE_MIXING):
        return "opaque"
    return None


def same_shape(documented: str | int, real: Any) -> bool:
    """Whether a real value has the shape of a dynamic documented one."""
    return fits_shape(shape_of(documented), documented, real)


def fits_shape(shape: Shape | None, documented: str | int, real: Any) -> bool:
    """`same_shape`, with the documented value's shape (`shape_of(documented)`) known."""
    if shape == "jwt":
        return isinstance(real, str) and _JWT.fullmatch(real) is not None
    if shape == "opaque":
        # Whether the guide's value is a token is decided by its randomness; the real one
        # only has to be token-like (a real token may happen to mix little).
        return (isinstance(real, str) and _OPAQUE.fullmatch(real) is not None
                and shape_of(real) in ("opaque", None)
                and _DIGIT.search(real) is not None and _LETTER.search(real) is not None)
    if shape_of(real) != shape:
        return False
    if shape == "secret":
        assert isinstance(documented, str) and isinstance(real, str)
        return _secret_kind(documented) == _secret_kind(real)
    return True


def is_placeholder(value: Any) -> bool:
    """Whether a documented string is a `<placeholder>`."""
    return isinstance(value, str) and _PLACEHOLDER.fullmatch(value) is not None


def shortened(value: Any) -> str | None:
    """The visible part of a value the writer cut short (`"a3f7c821-..."` -> `a3f7c821-`)."""
    if not isinstance(value, str):
        return None
    found = _ELLIPSIS.search(value)
    return None if found is None else value[: found.start()]


def _prefix_shape(prefix: str) -> Shape | None:
    """The dynamic shape a visible start announces, if any."""
    if prefix.startswith("eyJ"):
        return "jwt"
    if _ISO_PREFIX.fullmatch(prefix) and len(prefix) >= 7:
        return "iso_timestamp"
    if _UUID_PREFIX.fullmatch(prefix) and len(prefix) >= 4:
        return "uuid"
    if _SECRET_KIND.match(prefix) and _TOKEN_CHARS.fullmatch(prefix):
        return "secret"
    return None


def prefix_fits(prefix: str, real: Any) -> bool:
    """Whether a real value matches a shortened documented one with this visible start.

    A start that announces a dynamic shape (a UUID's first group, `eyJ`, `sk_live_`)
    matches any real value of that shape; any other start must be the real text's start.
    """
    if not isinstance(real, str) or real == "":
        return False
    if prefix == "":
        return True
    shape = _prefix_shape(prefix)
    if shape == "jwt":
        return _JWT.fullmatch(real) is not None
    if shape == "secret":
        kind = _SECRET_KIND.match(prefix)
        assert kind is not None
        return shape_of(real) == "secret" and _secret_kind(real).startswith(kind.group())
    if shape is not None and shape_of(real) == shape:
        return True
    if shape == "uuid" and shape_of(real) == "opaque":
        return True  # a hex start fits a long hex token as well
    return real.startswith(prefix)


def example_of(value: Any) -> tuple[str, bool] | None:
    """The example a documented value stands for, to unify: (text, is_prefix), or None.

    Only identifiers, tokens and secrets are examples. Placeholders are not, nor are
    shortened values whose visible part says no more than their kind (`eyJhbGciOi...`,
    `sk_live_...`).
    """
    if not isinstance(value, str) or is_placeholder(value):
        return None
    prefix = shortened(value)
    if prefix is None:
        return (value, False) if shape_of(value) in UNIFIED_SHAPES else None
    return prefix_example(prefix)


def prefix_example(prefix: str) -> tuple[str, bool] | None:
    """`example_of` a shortened value, from its visible start (`shortened(value)`)."""
    shape = _prefix_shape(prefix)
    if shape == "jwt":
        # Every RS256 JWT starts with the same header: only the payload says which one.
        _header, _, rest = prefix.partition(".")
        return (prefix, True) if len(rest) >= 4 else None
    if shape == "secret":
        kind = _SECRET_KIND.match(prefix)
        assert kind is not None
        return (prefix, True) if len(prefix) - kind.end() >= 4 else None
    if shape == "uuid":
        return (prefix, True)
    return None
