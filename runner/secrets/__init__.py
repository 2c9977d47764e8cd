"""The run's secret set and the `Secret` type: what is masked in every output."""

from __future__ import annotations

from runner.secrets.masking import (
    MASK,
    Secret,
    SecretSet,
    is_secret_name,
    is_secret_variable,
    mask_headers,
    mask_shapes,
)

__all__ = [
    "MASK",
    "Secret",
    "SecretSet",
    "is_secret_name",
    "is_secret_variable",
    "mask_headers",
    "mask_shapes",
]
