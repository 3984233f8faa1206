"""Backward formulas too long for one line of the table. Each takes the namespace ``F`` first."""

from __future__ import annotations

import math
from typing import Any

from .._backend import np


def pow_factor(self: Any, exponent: Any) -> Any:
    """d/dx x**p = p*x**(p-1), the factor of torch's pow_backward, grad * (p * x**(p-1)).
    p == 0 gives 0, not nan (0**-1 is inf); 1 and 2 skip NumPy's slow generic power."""
    if exponent == 0:
        return 0
    if exponent == 1:
        return 1
    if exponent == 2:
        return 2 * self
    return exponent * self ** (exponent - 1)


def pow_backward_self(F: Any, grad: Any, self: Any, exponent: Any) -> Any:
    # as pow_factor, with a tensor exponent: zero wherever the exponent is zero
    return F.where(exponent == 0, 0.0, grad * exponent * self ** (exponent - 1))


def pow_backward_exponent(F: Any, grad: Any, base: Any, exponent: Any, result: Any) -> Any:
    # d/dp b**p = b**p * log(b); at b == 0 with p >= 0 torch takes 0 (the one-sided limit)
    # instead of 0 * -inf = nan
    zero_base = (base == 0) & (exponent >= 0)
    return F.where(zero_base, 0.0, grad * result * F.log(base))


def pow_backward_scalar_base(F: Any, grad: Any, base: float, exponent: Any, result: Any) -> Any:
    # d/dp b**p for a Python number b
    if base == 0:
        return F.where(exponent >= 0, 0.0, grad * result * -math.inf)
    return grad * result * math.log(base) if base > 0 else grad * result * math.nan


def reduced_count(shape: tuple, dim: tuple) -> int:
    return math.prod(shape[d] for d in dim)


def sum_backward(F: Any, grad: Any, shape: tuple, dim: tuple, keepdim: bool) -> Any:
    # the gradient of a sum is the incoming gradient copied to every summed position
    if not keepdim and dim:
        grad = F.unsqueeze_dims(grad, dim)
    return F.expand(grad, shape)


def mean_backward(F: Any, grad: Any, shape: tuple, dim: tuple, keepdim: bool) -> Any:
    return sum_backward(F, grad, shape, dim, keepdim) / max(reduced_count(shape, dim), 1)


def select_backward_array(grad: Any, shape: tuple, dim: int, index: int) -> Any:
    """The gradient of ``x.select(dim, index)``: ``grad`` placed at ``index``, zeros elsewhere."""
    out = np.zeros(shape, dtype=grad.dtype)
    out[(slice(None),) * dim + (index,)] = grad
    return out


def slice_backward_array(grad: Any, shape: tuple, dim: int, start: int, stop: int,
                         step: int) -> Any:
    """The gradient of a slice: ``grad`` placed in the sliced positions, zeros elsewhere."""
    out = np.zeros(shape, dtype=grad.dtype)
    out[(slice(None),) * dim + (slice(start, stop, step),)] = grad
    return out


def index_backward_array(grad: Any, shape: tuple, indices: tuple) -> Any:
    """The gradient of ``x[indices]``: ``grad`` summed into the indexed positions (an index
    that appears twice receives both contributions)."""
    out = np.zeros(shape, dtype=grad.dtype)
    np.add.at(out, indices, grad)
    return out


def max_min_dim(x: Any, dim: int, keepdim: bool, is_max: bool) -> tuple:
    """(values, indices) of the max or min along ``dim``; nan wins, as in torch."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x[()], np.int64(0)
    pick = np.nanargmax if is_max else np.nanargmin
    nan = np.isnan(x) if x.dtype.kind in "fc" else None
    if nan is not None and nan.any():
        # the first nan along dim is the answer wherever one exists
        idx = np.where(nan.any(axis=dim, keepdims=True), np.argmax(nan, axis=dim, keepdims=True),
                       pick(np.where(nan, 0, x), axis=dim, keepdims=True))
    else:
        idx = (np.argmax if is_max else np.argmin)(x, axis=dim, keepdims=True)
    values = np.take_along_axis(x, idx, axis=dim)
    if not keepdim:
        values = np.squeeze(values, dim)
        idx = np.squeeze(idx, dim)
    return values, idx.astype(np.int64)


def along(indices: Any, dim: int, keepdim: bool) -> tuple:
    """An advanced index that reaches, at every position, ``indices`` along ``dim``."""
    indices = np.asarray(getattr(indices, "_data", indices))
    if not keepdim:
        indices = np.expand_dims(indices, dim)
    grid = list(np.ogrid[tuple(slice(s) for s in indices.shape)])
    grid[dim] = indices
    return tuple(grid)


def copy_slices(x: Any, value: Any, index: tuple) -> Any:
    out = np.array(x, copy=True)
    out[index] = value
    return out


def index_put_zero_array(grad: Any, index: tuple) -> Any:
    out = np.array(grad, copy=True)
    out[index] = 0
    return out
