"""The op table, indexing ops: index_select, gather, scatter, masked_select, ...."""

from __future__ import annotations

from ..._backend import np  # noqa: F401
from .. import formulas as fm  # noqa: F401
from ..registry import op  # noqa: F401
