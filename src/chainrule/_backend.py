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

__all__ = ["MALLOC_TUNED", "generic", "ndarray", "np", "tune_malloc"]
