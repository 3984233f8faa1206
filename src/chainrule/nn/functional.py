"""``chainrule.nn.functional``: activations, softmax, losses, as ``torch.nn.functional``.

Functions dispatch to the table (``_ops/derivatives/nn.py`` and the other families).
"""

from __future__ import annotations

from typing import Any  # noqa: F401

from .._backend import np  # noqa: F401
from .._ops import derivatives as D  # noqa: F401
from .._ops.api import relu, sigmoid, tanh
from .._ops.registry import GRAPH, call, call1, call2, call_multi  # noqa: F401
from .._tensor import Tensor, _dim, _make  # noqa: F401

__all__ = ["relu", "sigmoid", "tanh"]
