"""Reductions beyond sum and mean: max/min (whole tensor or along a dim), and more."""

from __future__ import annotations

from typing import Any

from .. import return_types
from .._tensor import Tensor, _dim
from . import derivatives as D
from .registry import call_multi


def _max_min_dim(input: Tensor, dim: int, keepdim: bool, is_max: bool) -> Any:
    d = _dim(dim, input._data.ndim)
    if input._data.ndim and input._data.shape[d] == 0:
        name = "max" if is_max else "min"
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    entry = D.MAX_DIM if is_max else D.MIN_DIM
    values, indices = call_multi(entry, (input,), (input._data,), (d, keepdim))
    return (return_types.max if is_max else return_types.min)((values, indices))


def max(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """With ``dim``: the (values, indices) of the largest entries along it. The whole-tensor
    form and ``max(input, other)`` come with the rest of the reductions."""
    if dim is None:
        raise NotImplementedError("max() of a whole tensor is not available yet")
    return _max_min_dim(input, dim, keepdim, True)


def min(input: Tensor, dim: Any = None, keepdim: bool = False) -> Any:  # noqa: A001
    """With ``dim``: the (values, indices) of the smallest entries along it."""
    if dim is None:
        raise NotImplementedError("min() of a whole tensor is not available yet")
    return _max_min_dim(input, dim, keepdim, False)


__all__ = ["max", "min"]
METHODS = {"max": max, "min": min}
