"""The record format: how to call an op, its input domain and shapes, its grad_fn name.

``fn(T, *xs)`` is written once and run with ``T`` as chainrule and as torch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

UNARY = [(), (3,), (2, 3)]
BINARY = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((2, 3), ())]


@dataclass(frozen=True)
class Record:
    name: str
    grad_fn: str
    fn: Callable
    shapes: list = field(default_factory=lambda: UNARY)
    low: float = -2.0
    high: float = 2.0
    # kinks and poles that finite differences must not straddle
    avoid: tuple = ()
    differentiable: bool = True
    # finite-difference step: larger for ops that pass through a lower precision
    eps: float = 1e-6
    # False where torch has no second derivative (its double backward raises)
    gradgrad: bool = True

    # the op's arguments fit only the listed shapes (no hypothesis-drawn broadcasting)
    fixed_shapes: bool = False

    @property
    def arity(self) -> int:
        first = self.shapes[0]
        return len(first) if first and isinstance(first[0], tuple) else 1


