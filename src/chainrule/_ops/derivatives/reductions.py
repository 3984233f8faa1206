"""The op table, reductions: prod, var, std, max/min, norms, cumulative ops, sort."""

from __future__ import annotations

from ..._backend import np  # noqa: F401
from .. import formulas as fm  # noqa: F401
from ..registry import op  # noqa: F401

# values and indices: only the values are differentiable; the gradient goes to the one index
# chosen (the first of ties, as torch's max(dim))
MAX_DIM = op("MaxBackward0", lambda self, dim, keepdim: fm.max_min_dim(self, dim, keepdim, True),
             fw="linear", outputs=("values", "indices"),
             self=lambda F, grad, self_shape, dim, keepdim, indices: F.index_backward(
                 grad if keepdim else F.unsqueeze_dim(grad, dim), self_shape,
                 fm.along(indices, dim, keepdim)))
MIN_DIM = op("MinBackward0", lambda self, dim, keepdim: fm.max_min_dim(self, dim, keepdim, False),
             fw="linear", outputs=("values", "indices"),
             self=lambda F, grad, self_shape, dim, keepdim, indices: F.index_backward(
                 grad if keepdim else F.unsqueeze_dim(grad, dim), self_shape,
                 fm.along(indices, dim, keepdim)))
