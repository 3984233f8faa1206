"""The op table, shape and view ops: squeeze, permute, transpose, cat, stack, split, ...."""

from __future__ import annotations

from typing import Any

from ..._backend import concat_axes, np, preserved_axes, preserving, relaid, row_major
from .. import formulas as fm  # noqa: F401
from ..registry import op
from .arithmetic import SQUEEZE_DIM, UNSQUEEZE

# several differentiable outputs: each formula gets ``grads``, one per output (None if unused)
UNBIND = op("UnbindBackward0",
            lambda self, dim: tuple(self[(slice(None),) * dim + (i,)]
                                    for i in range(np.shape(self)[dim])),
            fw="linear", view=True, n_diff="all",
            self=lambda F, grads, self_shape, dim: F.stack_grads(grads, self_shape, dim))
SPLIT = op("SplitBackward0",
           lambda self, sizes, dim: tuple(np.split(self, np.cumsum(sizes)[:-1], axis=dim)),
           fw="linear", view=True, n_diff="all",
           self=lambda F, grads, self_shape, sizes, dim: F.cat_grads(grads, self_shape, sizes,
                                                                     dim))
# split with a list of sizes: the same op under torch's other name
SPLIT_WITH_SIZES = op("SplitWithSizesBackward0", SPLIT.forward, fw="linear", view=True,
                      n_diff="all",
                      self=SPLIT.formulas["self"])


def cat_forward(tensors: list, dim: int) -> Any:
    # torch writes cat's result row-major unless every input suggests one channels_last
    # format; NumPy's is row-major when every input is
    out = np.concatenate(tensors, axis=dim)
    if out.flags.c_contiguous:
        return out
    return relaid(out, concat_axes(tensors))


def stack_forward(tensors: list, dim: int) -> Any:
    # torch's stack is cat along dim viewed with the new dim split off before it, or, at the
    # end, cat of the tensors unsqueezed there: cat's layout either way
    out = np.stack(tensors, axis=dim)
    if out.flags.c_contiguous:
        return out
    if dim == np.ndim(tensors[0]):
        return relaid(out, concat_axes([a[..., None] for a in tensors]))
    order = concat_axes(tensors)
    if order is not None:
        order = [k + (k > dim) for k in order]
        order.insert(order.index(dim) + 1, dim + 1)
    return relaid(out, order)


# a list of tensors in, one formula giving every tensor's gradient
CAT = op("CatBackward0", cat_forward, fw="linear", variadic=True,
         tensors=lambda F, grad, tensors_shape, dim: F.split_grad(
             grad, [s[dim] for s in tensors_shape], dim))
STACK = op("StackBackward0", stack_forward, fw="linear", variadic=True,
           tensors=lambda F, grad, tensors_shape, dim: [F.select(grad, dim, i)
                                                        for i in range(len(tensors_shape))])


# ---- reshaping --------------------------------------------------------------------------------

# reshape of a non-contiguous tensor: a view when the strides allow one (_reshape_alias), else
# a contiguous copy viewed (_unsafe_view of a clone); either way the gradient is reshaped back
RESHAPE_ALIAS = op("ReshapeAliasBackward0", lambda self, shape: self.reshape(shape), fw="linear",
                   view=True,
                   self=lambda F, grad, self_shape: F.reshape(grad, self_shape))
UNSAFE_VIEW = op("UnsafeViewBackward0", lambda self, shape: self.reshape(shape), fw="linear",
                 self=lambda F, grad, self_shape: F.reshape(grad, self_shape))


def unsqueeze_to(F: Any, grad: Any, shape: tuple, dims: tuple) -> Any:
    """Puts back the size-1 dims among ``dims`` that squeeze removed (torch's unsqueeze_to)."""
    for d in dims:
        if shape[d] == 1:
            grad = F.unsqueeze_dim(grad, d)
    return grad


# squeeze() removes every size-1 dim, squeeze((d0, d1, ...)) those of the listed dims
SQUEEZE = op("SqueezeBackward0", lambda self: np.squeeze(self), fw="linear", view=True,
             self=lambda F, grad, self_shape: unsqueeze_to(F, grad, self_shape,
                                                           tuple(range(len(self_shape)))))
SQUEEZE_DIMS = op("SqueezeBackward2",
                  lambda self, dims: np.squeeze(self, tuple(d for d in dims
                                                            if np.shape(self)[d] == 1)),
                  fw="linear", view=True,
                  self=lambda F, grad, self_shape, dims: unsqueeze_to(F, grad, self_shape, dims))
# squeeze_(dim), in place on a tensor nothing else sees (the last step of quantile): the
# squeeze(dim) of a fresh result (not a view), under the in-place op's name
SQUEEZE_DIM_INPLACE = op("SqueezeBackward4", SQUEEZE_DIM.forward, fw="linear",
                         self=SQUEEZE_DIM.formulas["self"])
# squeeze(dim) of a 0-d tensor: the identity, under squeeze(dim)'s name
SQUEEZE_SCALAR = op("SqueezeBackward1", lambda self, dim: self, fw="linear", view=True,
                    self=lambda F, grad: grad)


def repeat_forward(self: Any, repeats: tuple) -> Any:
    # np.tile prepends the dims that repeats has beyond self's, as torch does; it copies,
    # keeping self's layout where torch writes row-major
    out = np.tile(self, repeats)
    return out if self.flags.c_contiguous else row_major(out)


def repeat_backward_array(grad: Any, shape: tuple, repeats: tuple) -> Any:
    """The gradient of ``repeat``: the copies of each element summed. ``grad`` is viewed as
    (r0, s0, r1, s1, ...) and summed over the r's, after the leading new dims."""
    if 0 in repeats:
        return np.zeros(shape, grad.dtype)
    lead = len(repeats) - len(shape)
    if lead:
        grad = grad.sum(axis=tuple(range(lead)))
    split = []
    for r, s in zip(repeats[lead:], shape):
        split += [r, s]
    # a sum: row-major in torch whatever grad's layout
    return row_major(grad.reshape(split).sum(axis=tuple(range(0, 2 * len(shape), 2))))


REPEAT = op("RepeatBackward0", repeat_forward, fw="linear",
            self=lambda F, grad, self_shape, repeats: F.repeat_backward(grad, self_shape,
                                                                        repeats))

# ---- permutations ---------------------------------------------------------------------------


def inverse_permutation(dims: tuple) -> tuple:
    inverse = [0] * len(dims)
    for i, d in enumerate(dims):
        inverse[d] = i
    return tuple(inverse)


PERMUTE = op("PermuteBackward0", lambda self, dims: self.transpose(dims), fw="linear", view=True,
             self=lambda F, grad, dims: F.permute(grad, inverse_permutation(dims)))
TRANSPOSE = op("TransposeBackward0", lambda self, dim0, dim1: self.swapaxes(dim0, dim1)
               if self.ndim else self, fw="linear", view=True,
               self=lambda F, grad, dim0, dim1: F.transpose(grad, dim0, dim1))
TRANSPOSE_T = op("TBackward0", lambda self: self.transpose(), fw="linear", view=True,
                 self=lambda F, grad: F.t(grad))

# ---- views in place ----------------------------------------------------------------------------

# x.t_(), x.transpose_(), x.unsqueeze_(), x.squeeze_(): the views above, which x becomes, under
# the in-place ops' names (the same forwards and formulas)
def _in_place(view: Any, node_name: str) -> Any:
    return op(node_name, view.forward, fw="linear", view=True, self=view.formulas["self"])


TRANSPOSE_T_ = _in_place(TRANSPOSE_T, "TBackward1")
TRANSPOSE_ = _in_place(TRANSPOSE, "TransposeBackward1")
UNSQUEEZE_ = _in_place(UNSQUEEZE, "UnsqueezeBackward1")
SQUEEZE_ = _in_place(SQUEEZE, "SqueezeBackward3")
SQUEEZE_DIM_ = _in_place(SQUEEZE_DIM, "SqueezeBackward4")
SQUEEZE_DIMS_ = _in_place(SQUEEZE_DIMS, "SqueezeBackward5")

# ---- copies that rearrange ------------------------------------------------------------------

def flip_array(a: Any, dims: tuple) -> Any:
    # torch's flip copies (a NumPy flip is a negative-stride view, which torch has no notion of)
    # into the input's layout (preserve_format)
    if not dims:
        return np.array(a) if a.flags.c_contiguous else preserving(np.array(a), a)
    index = [slice(None)] * np.ndim(a)
    for d in dims:
        index[d] = slice(None, None, -1)
    flipped = a[tuple(index)]
    return flipped.copy() if a.flags.c_contiguous else relaid(flipped, preserved_axes(a))


def roll_array(self: Any, shifts: tuple, dims: Any) -> Any:
    """``self`` rolled. torch rolls a flattened tensor into a row-major result, and each dim
    of a strided one as the cat of two narrows (cat's layout), one dim after the other."""
    if self.flags.c_contiguous:
        return np.roll(self, shifts, dims)
    if dims is None:
        return row_major(np.roll(self, shifts, dims))
    if not self.size:
        return preserving(np.array(self), self)
    a = self
    for shift, d in zip(shifts, dims):
        n = a.shape[d]
        start = (n - shift) % n
        head = (slice(None),) * d
        parts = [a[head + (slice(start, None),)], a[head + (slice(0, start),)]]
        a = relaid(np.concatenate(parts, axis=d), concat_axes(parts))
    return a


def _triangle(part: Any) -> Any:
    # torch writes tril and triu row-major whatever the input's layout
    def forward(self: Any, diagonal: int) -> Any:
        out = part(self, diagonal)
        return out if self.flags.c_contiguous else row_major(out)

    return forward


tril_array = _triangle(np.tril)
triu_array = _triangle(np.triu)


FLIP = op("FlipBackward0", lambda self, dims: flip_array(self, dims), fw="linear",
          self=lambda F, grad, dims: F.flip(grad, dims))


def rot90_array(self: Any, k: int, dim0: int, dim1: int) -> Any:
    """``k`` (0 to 3) quarter turns from dim0 towards dim1, as torch computes them: a flip
    (a copy), transposed (a view of it) for odd ``k``; ``k`` = 0 a row-major copy."""
    if k == 0:
        return np.array(self, order="C")
    if k == 2:
        return flip_array(self, (dim0, dim1))
    return flip_array(self, (dim1,) if k == 1 else (dim0,)).swapaxes(dim0, dim1)


# turning back is k quarter turns the other way
ROT90 = op("Rot90Backward0", rot90_array, fw="linear",
           self=lambda F, grad, k, dim0, dim1: F.rot90(grad, -k % 4, dim0, dim1))
# shifts a tuple; dims None (one shift, the tensor rolled as if flattened) or a tuple
ROLL = op("RollBackward0", roll_array, fw="linear",
          self=lambda F, grad, shifts, dims: F.roll(grad, tuple(-s for s in shifts), dims))
TRIL = op("TrilBackward0", tril_array, fw="linear",
          self=lambda F, grad, diagonal: F.tril(grad, diagonal))
TRIU = op("TriuBackward0", triu_array, fw="linear",
          self=lambda F, grad, diagonal: F.triu(grad, diagonal))

# ---- diagonals ------------------------------------------------------------------------------


def diagonal_view(self: Any, offset: int, dim1: int, dim2: int) -> Any:
    """torch's diagonal: a writable view, the diagonal as the last dim."""
    a = np.asarray(self)
    d = np.diagonal(a, offset, dim1, dim2)
    if not d.flags.writeable and a.flags.writeable:
        d.flags.writeable = True
    return d


def diagonal_backward_array(grad: Any, shape: tuple, offset: int, dim1: int,
                            dim2: int) -> Any:
    """The gradient of ``diagonal``: ``grad`` on that diagonal of a zero tensor of ``shape``."""
    out = np.zeros(shape, grad.dtype)
    diagonal_view(out, offset, dim1, dim2)[...] = grad
    return out


def diag_embed_array(self: Any, offset: int, dim1: int, dim2: int) -> Any:
    """A tensor whose (offset, dim1, dim2) diagonals are the last dim of ``self``: the other
    dims keep their order in the dims that are neither dim1 nor dim2."""
    a = np.asarray(self)
    n = a.shape[-1] + abs(offset)
    rest = list(a.shape[:-1])
    shape = []
    for d in range(a.ndim + 1):
        shape.append(n if d in (dim1, dim2) else rest.pop(0))
    out = np.zeros(shape, a.dtype)
    diagonal_view(out, offset, dim1, dim2)[...] = a
    return out


def diagonal_grad(F: Any, grad: Any, self_shape: tuple, offset: int, dim1: int,
                  dim2: int) -> Any:
    return F.diagonal_backward(grad, self_shape, offset, dim1, dim2)


DIAGONAL = op("DiagonalBackward0", diagonal_view, fw="linear", view=True, self=diagonal_grad)
# diag of a 2-D tensor: a copy of the diagonal, under torch's name for diagonal_copy
DIAGONAL_COPY = op("DiagonalBackward0_copy",
                   lambda self, offset, dim1, dim2: np.diagonal(self, offset, dim1, dim2).copy(),
                   fw="linear", self=diagonal_grad)
DIAGONAL_BACKWARD = op("DiagonalBackwardBackward0",
                       lambda self, shape, offset, dim1, dim2: diagonal_backward_array(
                           self, shape, offset, dim1, dim2),
                       fw="linear",
                       self=lambda F, grad, offset, dim1, dim2: F.diagonal(grad, offset, dim1,
                                                                           dim2))
DIAG_EMBED = op("DiagEmbedBackward0", diag_embed_array, fw="linear",
                self=lambda F, grad, offset, dim1, dim2: F.diagonal(grad, offset, dim1, dim2))
