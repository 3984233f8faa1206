"""Records of the shape family."""

from __future__ import annotations

from .base import BINARY, UNARY, Record  # noqa: F401

RECORDS = [
    Record("unbind", "UnbindBackward0", lambda T, a: a.unbind(-1)[1], [(3,), (2, 3)],
           fixed_shapes=True),
    Record("split", "SplitBackward0", lambda T, a: a.split(2, -1)[1], [(3,), (2, 3)],
           fixed_shapes=True),
    Record("split_sizes", "SplitWithSizesBackward0", lambda T, a: a.split([1, 2], -1)[1],
           [(3,), (2, 3)], fixed_shapes=True),
    Record("chunk", "SplitBackward0", lambda T, a: a.chunk(2, 0)[0], [(3,), (4, 2)],
           fixed_shapes=True),
    Record("cat", "CatBackward0", lambda T, a, b: T.cat([a, b * 2, a], -1),
           [((3,), (3,)), ((2, 3), (2, 1))], fixed_shapes=True),
    Record("stack", "StackBackward0", lambda T, a, b: T.stack([a, b, a], 1),
           [((3,), (3,)), ((2, 3), (2, 3))], fixed_shapes=True),
]
