"""Records of the reductions family."""

from __future__ import annotations

from .base import BINARY, UNARY, Record  # noqa: F401

RECORDS = [
    Record("max_dim", "MaxBackward0", lambda T, a: a.max(-1).values, [(3,), (2, 3)],
           fixed_shapes=True),
    Record("max_dim_keepdim", "MaxBackward0", lambda T, a: T.max(a, 0, keepdim=True)[0],
           [(3,), (2, 3)], fixed_shapes=True),
    Record("min_dim", "MinBackward0", lambda T, a: a.min(0).values, [(3,), (2, 3)],
           fixed_shapes=True),
]
