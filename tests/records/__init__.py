"""One record per op of the table, one module per family, as the table itself is laid out.

``test_ops.py`` runs every record through gradcheck, gradgradcheck and a comparison with torch,
and fails when the table and these records drift apart. ``SPECIAL`` names nodes that only a
backward pass records, with an expression that reaches them.
"""

from __future__ import annotations

from . import arithmetic, elementwise, indexing, linalg, nn, reductions, shape
from .base import BINARY, UNARY, Record

FAMILIES = (arithmetic, elementwise, reductions, shape, indexing, linalg, nn)
RECORDS = [r for family in FAMILIES for r in family.RECORDS]
SPECIAL = {k: v for family in FAMILIES for k, v in getattr(family, "SPECIAL", {}).items()}

__all__ = ["BINARY", "RECORDS", "SPECIAL", "UNARY", "Record"]
