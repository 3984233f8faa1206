"""Public ops of the elementwise family: argument handling as torch's signatures, then dispatch to
the table (`_ops/derivatives/elementwise.py`)."""

from __future__ import annotations

from typing import Any  # noqa: F401

from .._backend import np  # noqa: F401
from .._tensor import Tensor, _dim, _make  # noqa: F401
from . import derivatives as D  # noqa: F401
from .registry import GRAPH, binary_arrays, call, call1, call2, call_multi  # noqa: F401

# the public names (exported from chainrule) and the Tensor methods of this family
__all__: list[str] = []
METHODS: dict = {}
