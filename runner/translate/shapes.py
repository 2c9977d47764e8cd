"""Dynamic values by their shape: what a documented example stands for, and what matches it.

A documented UUID, timestamp, JWT, secret or long opaque token is an example of a
value that changes with every run; any real value of the same shape, written in the
same form (`_shapes_form`), matches it.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Literal

from runner.translate.shape_forms import (
    case_difference,
    describe_secret,
    describe_timestamp,
    is_jwt,
    is_jwt_start,
    secret_difference,
    timestamp_difference,
    timestamp_form,
)

__all__ = [
    "HUMAN_TEXT_KEYS",
    "UNIFIED_SHAPES",
    "Shape",
    "describe_shape",
    "dynamic_spans",
    "example_of",
    "fits_shape",
    "form_difference",
    "is_placeholder",
    "prefix_difference",
    "prefix_example",
    "prefix_fits",
    "prefix_shape",
    "shape_name",
    "shape_of",
    "shortened",
    "unlike_shape",
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
# A JWT someone cut short without writing `...`: only its header start is left (and
# perhaps a payload start); `is_jwt_start` then reads what is shown.
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


def _secret_parts(text: str) -> tuple[str, str]:
    """A secret's kind (`sk_live_`) and body."""
    found = _SECRET.fullmatch(text)
    return (found.group("kind"), found.group("body")) if found else ("", text)


def _is_cut_jwt(text: str) -> bool:
    return _JWT_CUT.fullmatch(text) is not None and is_jwt_start(text)


def shape_of(value: Any) -> Shape | None:
    """The dynamic shape of a full value (documented or real), or None for a plain value."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return "unix_timestamp" if 1_000_000_000 <= value <= 9_999_999_999 else None
    if not isinstance(value, str):
        return None
    return _text_shape(value)


@functools.lru_cache(maxsize=4096)
def _text_shape(value: str) -> Shape | None:
    """`shape_of` for a string: pure, so cached (a guide's ids, tokens and timestamps are
    documented, and answered, many times over)."""
    if _UUID.fullmatch(value):
        return "uuid"
    if timestamp_form(value) is not None:
        return "iso_timestamp"
    if is_jwt(value) or _is_cut_jwt(value):
        return "jwt"
    if _is_secret(value):
        return "secret"
    if (_OPAQUE.fullmatch(value) and _DIGIT.search(value) and _LETTER.search(value)
            and len(_MIXED.findall(value)) >= _OPAQUE_MIXING):
        return "opaque"
    return None


def _alone(characters: str) -> str:
    """A look-behind: not inside a longer word of these characters, unless a percent escape
    comes just before (`agents%2F<id>`, `token%3D<jwt>`: the escape ends with a hex digit)."""
    return rf"(?:(?<=%[0-9A-Fa-f]{{2}})|(?<![{characters}]))"


# Where a dynamic value may sit inside a longer text (a URL, a header, a sentence): each
# candidate is then held to its shape as a whole value would be.
_EMBEDDED: tuple[tuple[re.Pattern[str], tuple[Shape, ...]], ...] = (
    (re.compile(_alone("A-Za-z0-9_-") + r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),
     ("jwt",)),
    (re.compile(_alone("0-9A-Fa-f") + _UUID.pattern + r"(?![0-9A-Fa-f])"), ("uuid",)),
    (re.compile(r"(?<![0-9])[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}"
                r"(?::[0-9]{2}(?:[.,][0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?(?![0-9])"),
     ("iso_timestamp",)),
    (re.compile(_alone("A-Za-z0-9_~-") + r"[A-Za-z0-9_~-]{16,}={0,2}(?![A-Za-z0-9_~=-])"),
     ("secret", "opaque")),
)


def dynamic_spans(text: str) -> list[tuple[int, int, Shape]]:
    """The dynamic values inside a longer text, by shape (`start`, `end`, shape), in order:
    a UUID in a URL, a JWT in a query, a secret or token in a sentence. Where two overlap,
    the more specific one (a JWT, a UUID, a timestamp, then a secret or token) is taken."""
    chosen: list[tuple[int, int, Shape]] = []
    for pattern, shapes in _EMBEDDED:
        for found in pattern.finditer(text):
            start, end = found.span()
            if any(start < other_end and other_start < end
                   for other_start, other_end, _ in chosen):
                continue
            shape = _text_shape(found.group())
            if shape in shapes:
                chosen.append((start, end, shape))
    return sorted(chosen)


def fits_shape(shape: Shape | None, documented: str | int, real: Any) -> bool:
    """Whether a real value has the kind and form of a dynamic documented one of `shape`."""
    return _of_kind(shape, real) and form_difference(shape, documented, real) is None


def _of_kind(shape: Shape | None, real: Any) -> bool:
    """Whether a real value is of the shape's kind, whatever its form."""
    if shape == "jwt":
        return is_jwt(real)  # a whole one: a real token is never cut short
    if shape == "opaque":
        # Whether the guide's value is a token is decided by its randomness; the real one
        # only has to be token-like (a real token may happen to mix little).
        return (isinstance(real, str) and _OPAQUE.fullmatch(real) is not None
                and shape_of(real) in ("opaque", None)
                and _DIGIT.search(real) is not None and _LETTER.search(real) is not None)
    return shape_of(real) == shape


def form_difference(shape: Shape | None, documented: str | int, real: Any) -> str | None:
    """How a real value of the documented value's kind is written differently from it.

    A phrase for a problem message (`it has the zone designator `Z`, the guide's has
    none`), or None when the forms agree or the real value is not of that kind at all.
    """
    if not isinstance(documented, str) or not isinstance(real, str) or not _of_kind(shape,
                                                                                      real):
        return None
    if shape == "iso_timestamp":
        documented_form, real_form = timestamp_form(documented), timestamp_form(real)
        assert documented_form is not None and real_form is not None
        return timestamp_difference(documented_form, real_form)
    if shape == "secret":
        return secret_difference(_secret_parts(documented), _secret_parts(real))
    if shape == "uuid":
        return case_difference(documented, real)
    return None


def describe_shape(shape: Shape, documented: str | int) -> str:
    """The kind and form a documented value asks for: `a secret `sk_live_` + 64 hex digits`."""
    if shape == "iso_timestamp" and (form := timestamp_form(documented)) is not None:
        return f"{shape_name(shape)} {describe_timestamp(form)}"
    if shape == "secret" and isinstance(documented, str):
        return describe_secret(*_secret_parts(documented))
    if shape == "jwt":
        return "a JWT (three base64url parts, a header naming `alg`)"
    return shape_name(shape)


def unlike_shape(documented: Any, real: Any) -> str | None:
    """Why a documented value meant as a dynamic one is compared as text, when that is why
    a real value of the meant shape does not match it (`eyJx.y.z` is not a JWT)."""
    if not isinstance(documented, str) or not is_jwt(real):
        return None
    text = shortened(documented)
    text = documented if text is None else text
    if text.startswith("eyJ") and shape_of(text) is None and prefix_shape(text) is None:
        return ("the guide's value is not a JWT (three base64url parts whose header is JSON "
                "naming `alg`), so it is compared as text")
    return None


def is_placeholder(value: Any) -> bool:
    """Whether a documented string is a `<placeholder>`."""
    return isinstance(value, str) and _PLACEHOLDER.fullmatch(value) is not None


def shortened(value: Any) -> str | None:
    """The visible part of a value the writer cut short (`"a3f7c821-..."` -> `a3f7c821-`)."""
    if not isinstance(value, str):
        return None
    found = _ELLIPSIS.search(value)
    return None if found is None else value[: found.start()]


def _uuid_start(prefix: str) -> Literal["dashed", "hex"] | None:
    """Whether a visible start is a UUID's: `dashed` past its first group, or bare `hex`.

    A whole first group and its dash (`a3f7c821-`) says UUID. A shorter hex start says
    so only if it mixes letters and digits (`a3f7`), unlike a year (`2024`) or a word
    (`cafe`), and it may as well begin a hex token.
    """
    if _UUID_PREFIX.fullmatch(prefix) is None:
        return None
    first, dash, _rest = prefix.partition("-")
    if dash:
        return "dashed" if len(first) == 8 else None
    if len(prefix) >= 4 and _DIGIT.search(prefix) and _LETTER.search(prefix):
        return "hex"
    return None


def prefix_shape(prefix: str) -> Shape | None:
    """The dynamic shape the visible start of a shortened value announces, if any."""
    if prefix.startswith("eyJ"):
        return "jwt" if is_jwt_start(prefix) else None
    if _ISO_PREFIX.fullmatch(prefix) and len(prefix) >= 7:
        return "iso_timestamp"
    if _uuid_start(prefix) is not None:
        return "uuid"
    if _SECRET_KIND.match(prefix) and _TOKEN_CHARS.fullmatch(prefix):
        return "secret"
    return None


def prefix_fits(prefix: str, real: Any) -> bool:
    """Whether a real value matches a shortened documented one with this visible start.

    A start that announces a dynamic shape (a UUID's first group, `eyJ`, `sk_live_`)
    matches any real value of that shape written in the form the start shows; any other
    start must be the real text's start.
    """
    if not isinstance(real, str) or real == "":
        return False
    if prefix == "":
        return True
    shape = prefix_shape(prefix)
    if shape is None:
        return real.startswith(prefix)
    return _prefix_of_kind(shape, prefix, real) and prefix_difference(prefix, real) is None


def _prefix_of_kind(shape: Shape, prefix: str, real: str) -> bool:
    if shape == "jwt":
        return is_jwt(real)
    if shape == "secret":
        kind = _SECRET_KIND.match(prefix)
        assert kind is not None
        return shape_of(real) == "secret" and _secret_parts(real)[0].startswith(kind.group())
    if shape == "uuid" and _uuid_start(prefix) == "hex" and shape_of(real) == "opaque":
        return True  # a bare hex start begins a long hex token as well
    return shape_of(real) == shape


def prefix_difference(prefix: str, real: Any) -> str | None:
    """`form_difference` for a shortened documented value, from its visible start."""
    shape = prefix_shape(prefix)
    if shape is None or not isinstance(real, str) or not _prefix_of_kind(shape, prefix, real):
        return None
    if shape == "uuid":
        return case_difference(prefix, real)
    if shape == "iso_timestamp":
        # What is shown is the form: digits where the guide has digits, and its `-`, `T`,
        # `:`, `.` or zone letter where the guide has them.
        for shown, got in zip(prefix, real, strict=False):
            if shown.isdigit() != got.isdigit() or (not shown.isdigit() and shown != got):
                return f"it is written `{real}`, the guide's starts `{prefix}`"
        if len(real) < len(prefix):
            return f"it is shorter than what the guide shows (`{prefix}`)"
    return None


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
    shape = prefix_shape(prefix)
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
