"""Indexing: ``x[...]`` composed as torch composes it, and the ops it is made of.

Integers select, slices slice, ``None`` unsqueezes, ``...`` stands for the dims it skips; any
integer or boolean tensors, lists or arrays then index the result in one ``IndexBackward0`` node,
with NumPy's (which are torch's) rules for where the indexed dims go.
"""

from __future__ import annotations

import builtins
from typing import Any

from .. import _dtypes
from .._backend import generic, ndarray, np
from .._tensor import Tensor, _dim
from . import derivatives as D
from .registry import call1

# this module defines torch's slice(); Python's is needed too
_pyslice = builtins.slice


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice ``index`` along ``dim`` (``SelectBackward0``), one dimension fewer."""
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, len(shape))
    size = shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(shape)} at dimension {d}")
    return call1(D.SELECT, input, (d, index + size if index < 0 else index))


def select_backward(grad: Tensor, shape: tuple, dim: int, index: int) -> Tensor:
    return call1(D.SELECT_BACKWARD, grad, (shape, dim, index))


def slice(input: Tensor, dim: int, start: int, stop: int, step: int) -> Tensor:  # noqa: A001
    return call1(D.SLICE, input, (dim, start, stop, step))


def slice_backward(grad: Tensor, shape: tuple, dim: int, start: int, stop: int,
                   step: int) -> Tensor:
    return call1(D.SLICE_BACKWARD, grad, (shape, dim, start, stop, step))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """``input`` with a new dimension of size 1 at ``dim``."""
    return call1(D.UNSQUEEZE, input, (_dim(dim, input._data.ndim + 1),))


def unsqueeze_dim(grad: Tensor, dim: int) -> Tensor:
    return call1(D.UNSQUEEZE, grad, (dim,))


def squeeze_dim(input: Tensor, dim: int) -> Tensor:
    return call1(D.SQUEEZE_DIM, input, (_dim(dim, input._data.ndim),))


def index(input: Tensor, indices: tuple) -> Tensor:
    return call1(D.INDEX, input, (indices,))


def index_backward(grad: Tensor, shape: tuple, indices: tuple) -> Tensor:
    return call1(D.INDEX_BACKWARD, grad, (shape, indices))


_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
              "are valid indices (got {})")


def _bound(i: int, dim: int, size: int) -> int:
    if not -size <= i < size:
        raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
    return i + size if i < 0 else i


def _slice_bounds(s: Any, size: int) -> tuple:
    if s.step is not None and s.step <= 0:
        raise ValueError("step must be greater than zero")
    return s.indices(size)


def _as_index_array(item: Any) -> Any:
    """A tensor, list or array index as a NumPy integer or boolean array, or None if the
    item is not an advanced index."""
    if isinstance(item, Tensor):
        a = item._data
    elif isinstance(item, (list, ndarray)):
        a = np.asarray(item)
    else:
        return None
    if a.dtype.kind == "b" or a.dtype.kind in "iu":
        return np.asarray(a)
    if a.size == 0 and isinstance(item, list):
        return a.astype(np.int64)
    kind = _dtypes.FROM_NP.get(a.dtype)
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors"
                     if kind is not None else _BAD_INDEX.format(type(item).__name__))


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]``."""
    t = type(index)
    if t is int:
        return _select_checked(x, 0, index)
    if t is _pyslice:
        # a lone slice is always recorded, even when it takes everything
        start, stop, step = _slice_bounds(index, _size(x, 0))
        return slice(x, 0, start, stop, step)
    if index is None:
        return unsqueeze(x, 0)
    if index is Ellipsis:
        return call1(D.ALIAS, x)
    if isinstance(index, Tensor) and index._data.ndim == 0 and index._data.dtype.kind in "iu":
        return _select_checked(x, 0, int(index._data))
    items = index if t is tuple else (index,)
    return _apply_items(x, items)


def _size(x: Tensor, dim: int) -> int:
    shape = x._data.shape
    if dim >= len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    return shape[dim]


def _select_checked(x: Tensor, dim: int, i: int) -> Tensor:
    if x._data.ndim == 0:
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    return call1(D.SELECT, x, (dim, _bound(i, dim, _size(x, dim))))


def _consumed(item: Any) -> int:
    """How many dims of the indexed tensor an index item uses up."""
    if item is None or item is Ellipsis or isinstance(item, bool):
        return 0
    a = _as_index_array(item) if not isinstance(item, (int, _pyslice, generic)) else None
    if a is not None and a.dtype.kind == "b":
        return a.ndim
    return 1


def _apply_items(x: Tensor, items: tuple) -> Tensor:
    ndim = x._data.ndim
    used = sum(_consumed(i) for i in items)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    result = x
    dim = 0
    advanced: dict = {}
    for item in items:
        if item is Ellipsis:
            dim += ndim - used
            used = ndim  # a second ... takes nothing
            continue
        if item is None:
            result = unsqueeze(result, dim)
            advanced = {(k + 1 if k >= dim else k): v for k, v in advanced.items()}
            dim += 1
            continue
        if isinstance(item, bool):  # x[True] adds a dim and indexes it with the mask
            result = unsqueeze(result, dim)
            advanced = {(k + 1 if k >= dim else k): v for k, v in advanced.items()}
            advanced[dim] = np.array([item])
            dim += 1
            continue
        if isinstance(item, (int, np.integer)) or (
                isinstance(item, Tensor) and item._data.ndim == 0 and
                item._data.dtype.kind in "iu"):
            result = _select_checked(result, dim, int(item))
            advanced = {(k - 1 if k > dim else k): v for k, v in advanced.items()}
            continue
        if isinstance(item, _pyslice):
            size = _size(result, dim)
            start, stop, step = _slice_bounds(item, size)
            if not (start == 0 and stop >= size and step == 1):
                result = slice(result, dim, start, stop, step)
            dim += 1
            continue
        a = _as_index_array(item)
        if a is None:
            raise IndexError(_BAD_INDEX.format(type(item).__name__))
        if a.dtype.kind == "b":
            shape = result._data.shape[dim:dim + a.ndim]
            if a.shape != shape:
                raise IndexError(
                    f"The shape of the mask {list(a.shape)} at index {dim} does not match the "
                    f"shape of the indexed tensor {list(result._data.shape)} at index {dim}")
            advanced[dim] = a
            dim += a.ndim
        else:
            size = _size(result, dim)
            if a.size:
                lo, hi = int(a.min()), int(a.max())
                bad = hi if hi >= size else lo if lo < -size else None
                if bad is not None:
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} with "
                                     f"size {size}")
            advanced[dim] = a
            dim += 1
    if not advanced:
        return result
    last = max(k + (v.ndim if v.dtype.kind == "b" else 1) for k, v in advanced.items())
    idx: list = []
    k = 0
    while k < last:
        if k in advanced:
            a = advanced[k]
            idx.append(a)
            k += a.ndim if a.dtype.kind == "b" else 1
        else:
            idx.append(_pyslice(None))
            k += 1
    return index(result, tuple(idx))


__all__ = ["select", "unsqueeze"]
METHODS = {"select": select, "unsqueeze": unsqueeze, "__getitem__": getitem}
