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
    strides = [s // a.itemsize for s in a.strides]
    after = 1
    for i in range(a.ndim - 1, -1, -1):
        if strides[i] == 0 and a.shape[i] == 1:
            strides[i] = after
        after = a.shape[i] * strides[i]
    return strides


def preserved_axes(a: object) -> list | None:
    """The axes of ``a``, outermost first, in which torch's ``preserve_format`` lays out a new
    tensor made like ``a`` (``clone``, ``empty_like``, ``randn_like``): torch's
    ``infer_dense_strides``, which sorts the dims by stride (innermost first; a stride 0 keeps
    its place, equal strides put the smaller dim inside). None for plain row-major order."""
    if type(a) is not ndarray or a.ndim < 2 or a.flags.c_contiguous:
        return None
    strides, shape = torch_strides(a), a.shape

    def should_swap(d0: int, d1: int) -> int:
        s0, s1 = strides[d0], strides[d1]
        if s0 == 0 or s1 == 0:
            return 0
        if s0 != s1:
            return 1 if s0 > s1 else -1
        return 1 if shape[d0] > shape[d1] else 0

    perm = list(range(a.ndim - 1, -1, -1))  # innermost first; an insertion sort, as torch's
    for i in range(1, len(perm)):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = should_swap(perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    order = perm[::-1]
    return None if order == sorted(order) else order


def laid_out_as(make: object, order: list | None, shape: tuple) -> object:
    """``make(shape)`` (a new array of ``shape``, filled in memory order) with its axes in
    memory in ``order``, outermost first (from preserved_axes; None for row-major)."""
    if order is None:
        return make(shape)
    return make(tuple(shape[k] for k in order)).transpose(np.argsort(order))


__all__ = ["MALLOC_TUNED", "generic", "laid_out_as", "ndarray", "np", "preserved_axes",
           "torch_strides", "tune_malloc"]
