"""Records of the nn family."""

from __future__ import annotations

from .base import BINARY, UNARY, Record  # noqa: F401

RECORDS = [
]
