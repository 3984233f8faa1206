"""Shape ops: reshape, view, expand and the sum that undoes broadcasting."""

from __future__ import annotations

import math
from typing import Any

from .._tensor import Size, Tensor
from . import derivatives as D
from .registry import call1


def _shape_arg(shape: tuple) -> tuple:
    if len(shape) == 1 and not isinstance(shape[0], int):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


def _infer(shape: tuple, numel: int) -> tuple:
    """Resolves one ``-1`` and checks the element count, with torch's message."""
    known = 1
    free = None
    for i, s in enumerate(shape):
        if s == -1:
            if free is not None:
                raise RuntimeError("only one dimension can be inferred")
            free = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s}")
        else:
            known *= s
    if free is not None:
        if known == 0 or numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:free] + (numel // known,) + shape[free + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """``input`` with a new shape holding the same elements (``ViewBackward0``)."""
    shape = _infer(_shape_arg(shape), input._data.size)
    return call1(D.VIEW, input, (shape,))


view = reshape


def expand(input: Tensor, *sizes: Any) -> Tensor:
    """``input`` broadcast to ``sizes`` (``-1`` keeps a dimension), without copying."""
    sizes = _shape_arg(sizes)
    shape = input._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand(torch.FloatTensor{{{list(shape)}}}, size={list(sizes)}): the number of "
            f"sizes provided ({len(sizes)}) must be greater or equal to the number of dimensions "
            f"in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    out = list(sizes[:lead])
    for i, s in enumerate(shape):
        want = sizes[lead + i]
        if want == -1:
            want = s
        elif s != want and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({s}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  Tensor "
                f"sizes: {list(shape)}")
        out.append(want)
    return call1(D.EXPAND, input, (tuple(out),))


def sum_to(g: Tensor, shape: tuple) -> Tensor:
    """Sums ``g`` down to ``shape`` (the reverse of broadcasting), recorded."""
    from .api import sum

    lead = g._data.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and g._data.shape[lead + i] != 1)
    if dims:
        g = sum(g, dims, keepdim=True)
    if g._data.shape != tuple(shape):
        g = reshape(g, tuple(shape))
    return g


def numel_of(shape: tuple) -> int:
    return math.prod(shape)


__all__ = ["Size", "expand", "reshape", "sum_to", "view"]
