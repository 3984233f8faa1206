"""The array backend: the only module that imports NumPy.

Everything else reaches arrays through ``np`` re-exported here, so that another array library
can later stand in for NumPy by changing this one file.
"""

from __future__ import annotations

import os
import sys

import numpy as np

ndarray = np.ndarray
generic = np.generic

# glibc hands every freed block above its mmap threshold straight back to the system, so each
# new multi-megabyte temporary is page-faulted in afresh: a 1,000,000-element float32 chain
# then spends most of its time in the kernel (hand-written NumPy: about 38 ms a step instead
# of 8). Raising the thresholds keeps such blocks in the process for reuse, as torch's own
# allocator does. CHAINRULE_MALLOC_TUNING=0 leaves glibc as it is; a GLIBC_TUNABLES setting of
# the user's own always wins.
MMAP_THRESHOLD = 32 * 1024 * 1024
TRIM_THRESHOLD = 1024 * 1024 * 1024
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def tune_malloc(enable: bool = True) -> bool:
    """Keeps large freed blocks for reuse instead of returning them to the system at once
    (glibc only). Returns whether glibc took the setting. ``enable=False`` restores glibc's
    default thresholds."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mmap, trim = (MMAP_THRESHOLD, TRIM_THRESHOLD) if enable else (128 * 1024, 128 * 1024)
    return bool(mallopt(_M_MMAP_THRESHOLD, mmap)) and bool(mallopt(_M_TRIM_THRESHOLD, trim))


MALLOC_TUNED = (
    os.environ.get("CHAINRULE_MALLOC_TUNING", "1") != "0"
    and "glibc.malloc" not in os.environ.get("GLIBC_TUNABLES", "")
    and tune_malloc()
)


def torch_strides(a: ndarray) -> list:
    """``a``'s strides in elements as torch reports them: NumPy gives a new dim of size 1
    (indexed with None, or broadcast_to) stride 0, torch the extent of the dim after it (its
    size times its stride), or 1 as the last dim."""
    if a.size == 0 and 0 in a.strides:
        # NumPy gives a new empty array zero strides; torch its row-major strides
        return row_major_strides(a.shape)
    strides = [s // a.itemsize for s in a.strides]
    after = 1
    for i in range(a.ndim - 1, -1, -1):
        if strides[i] == 0 and a.shape[i] == 1:
            strides[i] = after
        after = a.shape[i] * strides[i]
    return strides


def row_major_strides(shape: tuple) -> list:
    """torch's contiguous strides for ``shape``, in elements (a dim of size 0 counts as 1)."""
    strides = [1] * len(shape)
    for i in range(len(shape) - 1, 0, -1):
        strides[i - 1] = strides[i] * max(shape[i], 1)
    return strides


def preserved_axes(a: object) -> list | None:
    """The axes of ``a``, outermost first, in which torch's ``preserve_format`` lays out a new
    tensor made like ``a`` (``clone``, ``empty_like``, ``randn_like``): torch's
    ``infer_dense_strides``, which sorts the dims by stride (innermost first; a stride 0 keeps
    its place, equal strides put the smaller dim inside). None for plain row-major order."""
    if type(a) is not ndarray or a.ndim < 2 or a.flags.c_contiguous:
        return None
    order = stride_order([torch_strides(a)], a.shape)
    return None if order == sorted(order) else order


def stride_order(operands: list, shape: tuple) -> list:
    """The dims of ``shape``, outermost first, as torch sorts them for a new tensor: innermost
    first by the first operand (a list of strides) whose strides of two dims are unequal and
    nonzero, the smaller dim inside on a tie; torch's insertion sort (TensorIterator's
    reorder_dimensions; infer_dense_strides for one operand)."""
    def should_swap(d0: int, d1: int) -> int:
        for st in operands:
            s0, s1 = st[d0], st[d1]
            if s0 == 0 or s1 == 0:
                continue
            if s0 != s1:
                return 1 if s0 > s1 else -1
            if shape[d0] > shape[d1]:
                return 1
        return 0

    perm = list(range(len(shape) - 1, -1, -1))  # innermost first
    for i in range(1, len(perm)):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    return perm[::-1]


def laid_out_as(make: object, order: list | None, shape: tuple) -> object:
    """``make(shape)`` (a new array of ``shape``, filled in memory order) with its axes in
    memory in ``order``, outermost first (from preserved_axes; None for row-major)."""
    if order is None:
        return make(shape)
    return make(tuple(shape[k] for k in order)).transpose(np.argsort(order))


def index_axes(a: object, indices: tuple, shape: tuple) -> list:
    """The axes of ``a[indices]`` (of ``shape``), outermost first, in which torch's index
    kernel lays it out: a TensorIterator over ``a`` restrided to the result (stride 0 along
    the indexed dims) and the index tensors broadcast to it, whose dims it sorts innermost
    first (stride_order). ``indices``: full slices and integer or bool arrays, as advanced
    indexing takes them."""
    strides = torch_strides(a)
    arrays, dims = [], []  # each index and the dim of ``a`` it indexes; a mask, its nonzeros
    d = 0
    for item in indices:
        if isinstance(item, slice):
            d += 1
        elif item.dtype.kind == "b":
            for _ in range(item.ndim):
                arrays.append(np.empty(int(item.sum()), np.int64))
                dims.append(d)
                d += 1
        else:
            arrays.append(item)
            dims.append(d)
            d += 1
    common = np.broadcast_shapes(*(x.shape for x in arrays))
    # indexed dims apart: torch moves them to the front, as NumPy places their result
    apart = dims != list(range(dims[0], dims[0] + len(dims)))
    before = [] if apart else list(range(dims[0]))
    after = [k for k in range(a.ndim) if k not in dims and k not in before]
    operands = [[strides[k] for k in before] + [0] * len(common) +
                [strides[k] for k in after]]
    for x in arrays:
        own = [0] * (len(common) - x.ndim) + [
            0 if n == 1 and m != 1 else s for n, m, s in
            zip(x.shape, common[len(common) - x.ndim:], torch_strides(x))]
        operands.append([0] * len(before) + own + [0] * len(after))
    return stride_order(operands, shape)


def channels_last_axes(a: object) -> tuple | None:
    """The axes of ``a``, outermost first, of the memory format torch's
    ``suggest_memory_format`` gives it: channels_last for a 4-D tensor (channels_last_3d for
    5-D) whose strides put the channels (dim 1) innermost and the rest in order; None for
    contiguous_format. torch's ``is_channels_last_strides_2d`` (``_3d``), ambiguous cases
    (a size-1 dim, equal strides) falling back to contiguous as there."""
    if type(a) is not ndarray or a.ndim not in (4, 5) or a.flags.c_contiguous:
        return None
    strides, shape = torch_strides(a), a.shape
    if strides[1] == 0:
        return None
    least = 0
    for d in (1, 3, 2, 0) if a.ndim == 4 else (1, 4, 3, 2, 0):
        if shape[d] == 0 or strides[d] < least or (d == 0 and least == strides[1]):
            return None
        least = strides[d] * shape[d] if shape[d] > 1 else strides[d]
    return (0, 2, 3, 1) if a.ndim == 4 else (0, 2, 3, 4, 1)


def concat_axes(arrays: list) -> tuple | None:
    """The axes, outermost first, in which torch's ``cat`` lays out its result: the memory
    format every input suggests when they agree on a channels_last one (channels_last_axes),
    else None (row-major)."""
    first = channels_last_axes(arrays[0])
    if first is None:
        return None
    for a in arrays[1:]:
        if channels_last_axes(a) != first:
            return None
    return first


def relaid(a: object, order: list | tuple | None) -> object:
    """``a`` with its axes in memory in ``order``, outermost first (None: row-major, with
    torch's strides for dims of size 1): ``a`` itself when a fresh array already laid out so,
    else a copy. For results torch allocates in a layout of its own choosing."""
    if type(a) is not ndarray:
        return a
    if order is None:
        if not a.flags.c_contiguous:
            return np.ascontiguousarray(a)
        # a view whose size-1 dims have NumPy's strides of the layout it was made in
        return a.reshape(-1).reshape(a.shape) if 1 in a.shape else a
    if a.base is None and preserved_axes(a) == list(order):
        return a
    return a.transpose(order).copy().transpose(np.argsort(order))


def row_major(a: object) -> object:
    """``a`` laid out row-major (relaid with no order), as torch writes the results of ops
    that allocate them contiguous whatever their inputs' layout."""
    return relaid(a, None)


def preserving(out: object, like: object) -> object:
    """``out``, a new array of ``like``'s shape, laid out as torch lays out a result made like
    ``like`` (preserve_format; a TensorIterator's output for one input): in ``like``'s axis
    order (preserved_axes), row-major when that is plain."""
    return relaid(out, preserved_axes(like))


__all__ = ["MALLOC_TUNED", "channels_last_axes", "concat_axes", "generic", "index_axes",
           "laid_out_as", "ndarray", "np", "preserved_axes", "preserving", "relaid", "row_major",
           "row_major_strides", "torch_strides", "tune_malloc"]
