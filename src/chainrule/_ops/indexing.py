"""Selecting parts of a tensor."""

from __future__ import annotations

from .._tensor import Tensor, _dim
from . import derivatives as D
from .registry import call1


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice ``index`` along ``dim`` (``SelectBackward0``), with torch's IndexError."""
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
