"""Dynamic shapes: which documented values are examples, and what real values match them."""

from __future__ import annotations

from typing import Any

import pytest

from runner.translate.shapes import example_of, fits_shape, prefix_fits, shape_of, shortened

UUID = "a3f7c821-4b1e-4c2a-9f3d-1e2b3c4d5e6f"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl"
SECRET = "sk_live_" + "0a1b2c3d" * 8


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        (UUID, "uuid"),
        (UUID.upper(), "uuid"),
        ("2026-03-01T12:00:00.000Z", "iso_timestamp"),
        ("2026-03-01T12:00:00Z", "iso_timestamp"),
        ("2026-03-01T12:00:00+02:00", "iso_timestamp"),
        (1735689600, "unix_timestamp"),
        (JWT, "jwt"),
        ("eyJhbGciOiJSUzI1NiIs", "jwt"),
        (SECRET, "secret"),
        ("sk_test_abc123", "secret"),
        ("3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c", "opaque"),
        ("dGhpcyBpcyBhIHRva2Vu9", "opaque"),
        ("ml-platform-team-2024", None),  # a name with a number is text, compared exactly
        ("payments-v2-prod-service", None),
        ("client_credentials", None),
        ("invalid_client_credentials", None),
        ("agents:read agents:write", None),
        ("bot@example.com", None),
        ("1.0.0", None),
        ("active", None),
        ("Bearer", None),
        ("2026-03-01", None),
        (3600, None),
        (True, None),
        (None, None),
        ("x" * 40, None),
    ],
)
def test_shape_of(value: Any, shape: str | None) -> None:
    assert shape_of(value) == shape


@pytest.mark.parametrize(
    ("documented", "real", "fits"),
    [
        (UUID, "11111111-2222-4333-8444-555555555555", True),
        (UUID, "not-a-uuid", False),
        (UUID, 42, False),
        ("2026-03-01T12:00:00Z", "2026-11-27T19:01:02Z", True),
        ("2026-03-01T12:00:00Z", "2026-11-27T19:01:02.345Z", False),  # other fraction digits
        ("2026-03-01T12:00:00Z", "yesterday", False),
        (1735689600, 1764270000, True),
        (1735689600, 3600, False),
        (1735689600, "1764270000", False),
        ("eyJhbGciOiJSUzI1NiIs", JWT, True),
        (JWT, "eyJhbGciOiJSUzI1NiIs", False),
        ("sk_live_" + "8f3a2b1c" * 8, SECRET, True),
        ("sk_live_8f3a2b1c", "sk_test_8f3a2b1c", False),
        ("3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c", "ffff0000ffff0000ffff0000ffff0000aa", True),
    ],
)
def test_fits_shape(documented: Any, real: Any, fits: bool) -> None:
    assert fits_shape(shape_of(documented), documented, real) is fits


@pytest.mark.parametrize(
    ("documented", "real", "fits"),
    [
        ("a3f7c821-...", UUID, True),
        ("a3f7c821-…", UUID, True),
        ("a3f7c821-...", "active", False),
        ("eyJhbGciOi...", JWT, True),
        ("eyJhbGciOi...", UUID, False),
        ("sk_live_...", SECRET, True),
        ("sk_live_8f3a...", SECRET, True),
        ("sk_live_...", "sk_test_" + "0" * 64, False),
        ("agents:read ...", "agents:read agents:write", True),
        ("agents:read ...", "audit:read", False),
        ("talent_platform...", "talent_platform_eu", True),
        ("talent_platform...", SECRET, False),
        ("2026-03-01T...", "2026-11-27T19:00:00.000Z", True),
        ("...", "anything", True),
        ("...", "", False),
        ("...", 5, False),
    ],
)
def test_shortened_values_match_their_shape(documented: str, real: Any, fits: bool) -> None:
    prefix = shortened(documented)
    assert prefix is not None
    assert prefix_fits(prefix, real) is fits


@pytest.mark.parametrize(
    ("documented", "example"),
    [
        (UUID, (UUID, False)),
        (JWT, (JWT, False)),
        (SECRET, (SECRET, False)),
        ("a3f7c821-...", ("a3f7c821-", True)),
        ("sk_live_8f3a...", ("sk_live_8f3a", True)),
        ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIi...", ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIi", True)),
        # The visible part says no more than the kind: not an example.
        ("eyJhbGciOi...", None),
        ("sk_live_...", None),
        ("...", None),
        ("<agent-id>", None),
        ("2026-03-01T12:00:00Z", None),
        ("active", None),
        ("Agent registered...", None),
        (1735689600, None),
    ],
)
def test_example_of(documented: Any, example: tuple[str, bool] | None) -> None:
    assert example_of(documented) == example
