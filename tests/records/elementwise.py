"""Records of the elementwise family."""

from __future__ import annotations

from .base import BINARY, UNARY, Record  # noqa: F401

RECORDS = [
]
