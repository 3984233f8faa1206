"""The op table, shape and view ops: squeeze, permute, transpose, cat, stack, split, ...."""

from __future__ import annotations

from ..._backend import np  # noqa: F401
from .. import formulas as fm  # noqa: F401
from ..registry import op  # noqa: F401

# several differentiable outputs: each formula gets ``grads``, one per output (None if unused)
UNBIND = op("UnbindBackward0",
            lambda self, dim: tuple(self[(slice(None),) * dim + (i,)]
                                    for i in range(np.shape(self)[dim])),
            fw="linear", n_diff="all",
            self=lambda F, grads, self_shape, dim: F.stack_grads(grads, self_shape, dim))
SPLIT = op("SplitBackward0",
           lambda self, sizes, dim: tuple(np.split(self, np.cumsum(sizes)[:-1], axis=dim)),
           fw="linear", n_diff="all",
           self=lambda F, grads, self_shape, sizes, dim: F.cat_grads(grads, self_shape, sizes,
                                                                     dim))
# split with a list of sizes: the same op under torch's other name
SPLIT_WITH_SIZES = op("SplitWithSizesBackward0", SPLIT.forward, fw="linear", n_diff="all",
                      self=SPLIT.formulas["self"])
# a list of tensors in, one formula giving every tensor's gradient
CAT = op("CatBackward0", lambda tensors, dim: np.concatenate(tensors, axis=dim), fw="linear",
         variadic=True,
         tensors=lambda F, grad, tensors_shape, dim: F.split_grad(
             grad, [s[dim] for s in tensors_shape], dim))
STACK = op("StackBackward0", lambda tensors, dim: np.stack(tensors, axis=dim), fw="linear",
           variadic=True,
           tensors=lambda F, grad, tensors_shape, dim: [F.select(grad, dim, i)
                                                        for i in range(len(tensors_shape))])
