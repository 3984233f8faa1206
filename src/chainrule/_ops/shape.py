"""Shape ops: reshape, view, expand and the sum that undoes broadcasting."""

from __future__ import annotations

import math
from typing import Any

from .._backend import np
from .._tensor import Tensor, _dim
from . import derivatives as D
from .registry import GRAPH, call1, call_list, call_multi


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


def view(input: Tensor, *shape: Any) -> Tensor:
    """``input`` seen with a new shape (``ViewBackward0``); torch's error when the memory
    layout does not allow it."""
    data = input._data
    if isinstance(data, np.ndarray) and not data.flags.c_contiguous and data.size > 1:
        target = _infer(_shape_arg(shape), data.size)
        if target != data.shape:
            raise RuntimeError("view size is not compatible with input tensor's size and stride "
                               "(at least one dimension spans across two contiguous subspaces). "
                               "Use .reshape(...) instead.")
    return reshape(input, *shape)


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


def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices of ``input`` along ``dim``, as a tuple of tensors (``UnbindBackward0``)."""
    d = _dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return call_multi(D.UNBIND, (input,), (input._data,), (d,))


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces of ``split_size_or_sections`` elements along ``dim`` (the last may be smaller),
    or pieces of the listed sizes."""
    d = _dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0 and not (size == 0 and n == 0):
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                               f"dimension size of {n}" if size == 0 else
                               f"split expects split_size be non-negative, but got split_size="
                               f"{size}")
        sizes = [size] * (n // size) + ([n % size] if n % size else []) if size else [0]
    else:
        sizes = [int(s) for s in split_size_or_sections]
        if sum(sizes) != n:
            raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                               f"(input tensor's size at dimension {d}), but got split_sizes="
                               f"{sizes}")
    entry = D.SPLIT if isinstance(split_size_or_sections, int) else D.SPLIT_WITH_SIZES
    return call_multi(entry, (tensor,), (tensor._data,), (tuple(sizes), d))


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """``chunks`` nearly equal pieces along ``dim`` (torch's sizes: ceil(n / chunks) each)."""
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = input._data.shape[_dim(dim, input._data.ndim)]
    return split(input, max(-(-n // chunks), 1) if n else 1, dim)


def _same_rank_tensors(tensors: Any, name: str) -> list:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {tensors.index(t)} in argument 0, but "
                            f"got {type(t).__name__}")
    return tensors


def cat(tensors: Any, dim: int = 0) -> Tensor:
    """``tensors`` joined along an existing dimension ``dim`` (``CatBackward0``)."""
    tensors = _same_rank_tensors(tensors, "torch.cat")
    first = tensors[0]._data
    if first.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = _dim(dim, first.ndim)
    for k, t in enumerate(tensors[1:], 1):
        shape = t._data.shape
        if len(shape) != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} "
                               f"and {len(shape)}")
        for i, (a, b) in enumerate(zip(first.shape, shape)):
            if i != d and a != b:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {a} but got size {b} for tensor number {k} "
                                   "in the list.")
    arrays = _promoted([t._data for t in tensors])
    return call_list(D.CAT, tensors, arrays, (d,))


concat = concatenate = cat


def stack(tensors: Any, dim: int = 0) -> Tensor:
    """``tensors`` of one shape joined along a new dimension ``dim`` (``StackBackward0``)."""
    tensors = _same_rank_tensors(tensors, "stack")
    shape = tensors[0]._data.shape
    for k, t in enumerate(tensors[1:], 1):
        if t._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(t._data.shape)} at entry {k}")
    d = _dim(dim, len(shape) + 1)
    return call_list(D.STACK, tensors, _promoted([t._data for t in tensors]), (d,))


def _promoted(arrays: list) -> list:
    from .._dtypes import result_type

    dims = tuple(a.dtype for a in arrays if a.ndim)
    zeros = tuple(a.dtype for a in arrays if not a.ndim)
    dt = result_type(dims, zeros, ())
    return [a if a.dtype == dt else a.astype(dt) for a in arrays]


def _graph_stack_grads(grads: list, shape: tuple, dim: int) -> Tensor:
    from .._creation import zeros

    like = next(g for g in grads if g is not None)
    part = shape[:dim] + shape[dim + 1:]
    return stack([zeros(part, dtype=like.dtype) if g is None else g for g in grads], dim)


def _graph_cat_grads(grads: list, shape: tuple, sizes: tuple, dim: int) -> Tensor:
    from .._creation import zeros

    like = next(g for g in grads if g is not None)
    return cat([zeros(shape[:dim] + (n,) + shape[dim + 1:], dtype=like.dtype) if g is None
                else g for g, n in zip(grads, sizes)], dim)


GRAPH.stack_grads = _graph_stack_grads
GRAPH.cat_grads = _graph_cat_grads
GRAPH.split_grad = lambda g, sizes, dim: list(split(g, list(sizes), dim))

__all__ = ["cat", "chunk", "concat", "concatenate", "expand", "reshape", "split", "stack",
           "unbind", "view"]
METHODS = {"reshape": reshape, "view": view, "expand": expand, "split": split, "chunk": chunk,
           "unbind": unbind}
