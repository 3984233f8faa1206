"""The op table, neural-network functions: activations, softmax, losses."""

from __future__ import annotations

from ..._backend import np  # noqa: F401
from .. import formulas as fm  # noqa: F401
from ..registry import op  # noqa: F401
