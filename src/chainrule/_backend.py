"""The array backend: the only module that imports NumPy.

Everything else reaches arrays through ``np`` re-exported here, so that another array library
can later stand in for NumPy by changing this one file.
"""

from __future__ import annotations

import numpy as np

ndarray = np.ndarray
generic = np.generic

__all__ = ["np", "ndarray", "generic"]
