"""The run's secret set: what is masked in every output."""

from __future__ import annotations

from runner.secrets.masking import (
    SecretSet,
    is_secret_name,
    is_secret_variable,
    mask_headers,
    mask_jwts,
)

__all__ = [
    "SecretSet",
    "is_secret_name",
    "is_secret_variable",
    "mask_headers",
    "mask_jwts",
]
