"""The op table, core family: arithmetic, the first elementwise functions, sum and mean,
copies, and the shape and indexing primitives the rest builds on."""

from __future__ import annotations

from typing import Any

from ..._backend import index_axes, ndarray, np, preserved_axes, relaid, row_major
from ...autograd.engine import is_one
from .. import formulas as fm
from ..registry import op

# ---- NumPy-side steps of the plain backward ------------------------------------------------
# F.expand_view, F.mean_view, F.mul_cos, F.mul_positive: registered with the graph namespace
# as the recorded ops the formulas used before (nn/functional.py), so create_graph records
# what it did; on arrays they skip work a large tensor pays for: a filled gradient where a
# broadcast view is read, a second buffer where the product can go into the fresh one.


def expand_view(grad: Any, shape: tuple) -> Any:
    """The gradient of a sum: ``grad`` broadcast to ``shape`` as a read-only view (torch's
    expand), not a filled array. The next formulas only read it; a product with it is as fast
    as with a dense array, and nothing is written to memory first. A leaf that receives it
    keeps a dense, C-ordered copy (the engine copies what it cannot write)."""
    return np.broadcast_to(grad, shape)


def mean_view(grad: Any, shape: tuple, dim: tuple, keepdim: bool) -> Any:
    """The gradient of a mean: ``grad / n`` broadcast to ``shape`` as a read-only view, as for
    a sum. Dividing before broadcasting computes the same quotients, once each."""
    if not keepdim and dim:
        grad = np.expand_dims(grad, dim)
    return np.broadcast_to(grad / max(fm.reduced_count(shape, dim), 1), shape)


def expand_forward(self: Any, size: tuple) -> Any:
    """``self`` broadcast to ``size``: a view, writable as torch's expand (a fill writes
    through it; an elementwise write raises torch's overlap error, see inplace.py)."""
    out = np.broadcast_to(self, size)
    if type(self) is ndarray and self.flags.writeable:
        out.flags.writeable = True
    return out


def mul_cos(grad: Any, x: Any) -> Any:
    """``grad * cos(x)``, computed into cos's result (one new buffer, still hot in the cache,
    instead of two)."""
    c = np.cos(x)
    if type(c) is ndarray and type(grad) is ndarray and c.dtype is grad.dtype and \
            c.shape == grad.shape:
        return c if is_one(grad) else np.multiply(c, grad, out=c)
    return grad * c


# NumPy's maximum against a scalar runs a loop 2.5 times slower than against an array, so a
# large relu takes its max against blocks of zeros (kept per dtype, 256 KiB for float32)
_ZERO_BLOCK = 1 << 16
_ZEROS: dict = {}
_ZERO: dict = {}  # a 0-d zero per dtype: NumPy converts a Python 0 on every call, slowly


def _read_only_zero(dtype: Any) -> Any:
    zero = np.zeros((), dtype)
    zero.flags.writeable = False
    return zero


# Of two equal arguments NumPy's maximum returns the second in its SIMD loops (float32,
# float64) and the first in its scalar ones (float16, longdouble). relu passes the zero where
# it is not returned, so that relu(-0.) is -0., as torch's max(x, 0).
_ZERO_FIRST = {np.dtype(t): _read_only_zero(t) for t in (np.float32, np.float64)}


def relu_forward(self: Any) -> Any:
    """max(self, 0), elementwise; -0. stays -0., as in torch."""
    if type(self) is not ndarray or self.size < 4096 or self.dtype.kind != "f" or \
            not self.flags.c_contiguous:
        dtype = self.dtype
        zero = _ZERO_FIRST.get(dtype)
        if zero is not None:
            return np.maximum(zero, self)
        zero = _ZERO.get(dtype)
        if zero is None:
            zero = _ZERO[dtype] = _read_only_zero(dtype)
        return np.maximum(self, zero)
    zeros = _ZEROS.get(self.dtype)
    if zeros is None:
        zeros = _ZEROS[self.dtype] = np.zeros(_ZERO_BLOCK, self.dtype)
    zero_first = self.dtype in _ZERO_FIRST
    out = np.empty_like(self)
    flat_in, flat_out = self.reshape(-1), out.reshape(-1)
    n = flat_in.size
    for i in range(0, n, _ZERO_BLOCK):
        j = min(i + _ZERO_BLOCK, n)
        if zero_first:
            np.maximum(zeros[:j - i], flat_in[i:j], out=flat_out[i:j])
        else:
            np.maximum(flat_in[i:j], zeros[:j - i], out=flat_out[i:j])
    return out


_SAME_SIZE_INT = {2: np.int16, 4: np.int32, 8: np.int64}


def mul_positive(grad: Any, result: Any) -> Any:
    """torch's threshold_backward for a relu's ``result``: 0 where ``result <= 0``, else
    ``grad`` (so a nan result passes the gradient, and a masked inf or nan gradient gives 0,
    where a product with the mask would give nan). A relu's result is >= 0 or nan, so
    ``result <= 0`` is ``result == 0``, one comparison. For float arrays the mask becomes
    all-ones or all-zeros bit patterns that are and-ed with grad's bits: a masked copy or
    ``where`` branches on every element and runs ten times slower on a relu's random mask."""
    keep = result != 0
    if type(keep) is ndarray and type(grad) is ndarray and keep.shape == grad.shape and \
            grad.dtype.kind == "f":
        if is_one(grad):
            return keep.astype(grad.dtype)
        out = keep.astype(_SAME_SIZE_INT[grad.itemsize])
        np.negative(out, out=out)  # 1 -> all bits set
        return np.bitwise_and(grad.view(out.dtype), out, out=out).view(grad.dtype)
    return np.where(keep, grad, 0)


# ---- arithmetic ---------------------------------------------------------------------------

ADD = op(
    "AddBackward0",
    lambda self, other, alpha: self + other if alpha == 1 else self + alpha * other,
    fw="linear",
    self=lambda F, grad: grad,
    other=lambda F, grad, alpha: grad if alpha == 1 else grad * alpha,
)
SUB = op(
    "SubBackward0",
    lambda self, other, alpha: self - other if alpha == 1 else self - alpha * other,
    fw="linear",
    self=lambda F, grad: grad,
    other=lambda F, grad, alpha: -grad if alpha == 1 else grad * -alpha,
)
# number - tensor: torch's rsub.Scalar, the number is not an input of the node
RSUB = op(
    "RsubBackward1",
    lambda self, other, alpha: other - self if alpha == 1 else other - alpha * self,
    fw="element_wise",  # affine in self (the number is an argument): not "linear"
    self=lambda F, grad, alpha: -grad if alpha == 1 else grad * -alpha,
)
MUL = op(
    "MulBackward0",
    lambda self, other: self * other,
    fw="bilinear",
    self=lambda F, grad, other: grad * other,
    other=lambda F, grad, self: grad * self,
)
DIV = op(
    "DivBackward0",
    lambda self, other: self / other,
    dtype="float",
    self=lambda F, grad, other: grad / other,
    other=lambda F, grad, self, other: -grad * self / (other * other),
)
NEG = op("NegBackward0", lambda self: -self, fw="linear", self=lambda F, grad: -grad)
RECIPROCAL = op(
    "ReciprocalBackward0",
    lambda self: 1 / self,
    dtype="float",
    self=lambda F, grad, result: -grad * (result * result),
)
POW = op(  # tensor ** number
    "PowBackward0",
    lambda self, exponent: self**exponent,
    self=lambda F, grad, self, exponent: grad * fm.pow_factor(self, exponent),
)
POW_TENSOR = op(  # tensor ** tensor
    "PowBackward1",
    lambda self, exponent: self**exponent,
    self=fm.pow_backward_self,
    exponent=lambda F, grad, self, exponent, result: fm.pow_backward_exponent(
        F, grad, self, exponent, result),
)
POW_SCALAR_BASE = op(  # number ** tensor
    "PowBackward2",
    lambda exponent, self: self**exponent,
    exponent=lambda F, grad, self, exponent, result: fm.pow_backward_scalar_base(
        F, grad, self, exponent, result),
)

# ---- elementwise functions ----------------------------------------------------------------

SIN = op("SinBackward0", lambda self: np.sin(self), dtype="float",
         self=lambda F, grad, self: F.mul_cos(grad, self))
COS = op("CosBackward0", lambda self: np.cos(self), dtype="float",
         self=lambda F, grad, self: grad * -F.sin(self))
TAN = op("TanBackward0", lambda self: np.tan(self), dtype="float",
         self=lambda F, grad, result: grad * (1 + result * result))
EXP = op("ExpBackward0", lambda self: np.exp(self), dtype="float",
         self=lambda F, grad, result: grad * result)
LOG = op("LogBackward0", lambda self: np.log(self), dtype="float",
         self=lambda F, grad, self: grad / self)
# d sqrt(x) = 1 / (2 sqrt(x)): inf at 0, as torch
SQRT = op("SqrtBackward0", lambda self: np.sqrt(self), dtype="float",
          self=lambda F, grad, result: grad / (2 * result))
# sign(0) = 0, so |x| has gradient 0 at 0
ABS = op("AbsBackward0", lambda self: np.abs(self), self=lambda F, grad, self: grad * F.sign(self))
# relu'(0) = 0: the mask is result > 0
RELU = op("ReluBackward0", relu_forward,
          self=lambda F, grad, result: F.mul_positive(grad, result))
# relu's backward, threshold_backward(grad, result, 0), as an op of its own so that under
# create_graph it is recorded with the output as an input (its derivative there is 0), as torch
THRESHOLD_BACKWARD = op("ThresholdBackwardBackward0", lambda grad_output, result:
                        mul_positive(grad_output, result), n_inputs=2, fw="linear",
                        grad_output=lambda F, grad, result: F.mul_positive(grad, result),
                        result=lambda F, grad: F.zeros_like(grad))
SIGMOID = op("SigmoidBackward0", lambda self: 1 / (1 + np.exp(-self)), dtype="float",
             self=lambda F, grad, result: grad * ((1 - result) * result))
TANH = op("TanhBackward0", lambda self: np.tanh(self), dtype="float",
          self=lambda F, grad, result: grad * (1 - result * result))

# ---- reductions ---------------------------------------------------------------------------

def sum_dim_forward(self: Any, dim: tuple, keepdim: bool) -> Any:
    out = np.sum(self, axis=dim, keepdims=keepdim, dtype=self.dtype)
    # torch writes a reduction's result row-major; NumPy follows the input's layout
    if out.ndim > 1 and not self.flags.c_contiguous:
        return row_major(out)
    return out


def mean_dim_forward(self: Any, dim: tuple, keepdim: bool) -> Any:
    out = np.mean(self, axis=dim, keepdims=keepdim)
    if out.ndim > 1 and not self.flags.c_contiguous:
        return row_major(out)
    return out


# the sum keeps the input's dtype (the public sum casts first: ints to int64, or dtype=)
SUM = op("SumBackward0", lambda self: np.sum(self, dtype=self.dtype), fw="linear",
         self=lambda F, grad, self_shape: F.expand_view(grad, self_shape))
SUM_DIM = op("SumBackward1", sum_dim_forward, fw="linear",
             self=lambda F, grad, self_shape, dim, keepdim: F.expand_view(
                 grad if keepdim or not dim else F.unsqueeze_dims(grad, dim), self_shape))
MEAN = op("MeanBackward0", lambda self: np.mean(self), fw="linear",
          self=lambda F, grad, self_shape: F.mean_view(
              grad, self_shape, tuple(range(len(self_shape))), True))
MEAN_DIM = op("MeanBackward1", mean_dim_forward, fw="linear",
              self=lambda F, grad, self_shape, dim, keepdim: F.mean_view(
                  grad, self_shape, dim, keepdim))

# ---- copies, conversions, selection -------------------------------------------------------

CLONE = op("CloneBackward0", lambda self: self.copy(), fw="linear", self=lambda F, grad: grad)


def copy_preserving(self: Any) -> Any:
    """A copy of ``self`` laid out as torch's ``clone()`` lays it out (preserve_format): a
    row-major copy of ``self`` with its axes in memory order, viewed back."""
    order = preserved_axes(self)
    if order is None:
        return self.copy()
    return self.transpose(order).copy().transpose(np.argsort(order))


# clone() keeps the layout (a transposed tensor's clone is transposed); contiguous() and
# reshape's copies take CLONE's row-major copy
CLONE_PRESERVE = op("CloneBackward0", copy_preserving, fw="linear",
                    self=lambda F, grad: grad)


def copy_forward(self: Any, src: Any) -> Any:
    """``src`` broadcast to ``self``'s shape in ``self``'s dtype, as a row-major copy."""
    shape = np.broadcast_shapes(np.shape(self), np.shape(src))
    return np.array(np.broadcast_to(src, shape), dtype=self.dtype, order="C")


# self.copy_(src): the old values of self are gone (zero gradient), src passes through; also
# what a recorded backward stores as a leaf's first .grad (torch copies it in)
COPY = op("torch::autograd::CopyBackwards", copy_forward, fw="linear",
          self=lambda F, grad: F.zeros_like(grad), src=lambda F, grad: grad)
# the engine casts a gradient back to its input's dtype, so the formula is the identity
TO_COPY = op("ToCopyBackward0", lambda self, dtype: self.astype(dtype), fw="linear",
             self=lambda F, grad: grad)
WHERE = op("WhereBackward0", lambda self, other, condition: np.where(condition, self, other),
           fw="linear",
           self=lambda F, grad, condition: F.where(condition, grad, 0),
           other=lambda F, grad, condition: F.where(condition, 0, grad))

# ---- shape ----------------------------------------------------------------------------------

VIEW = op("ViewBackward0", lambda self, shape: self.reshape(shape), fw="linear", view=True,
          self=lambda F, grad, self_shape: F.reshape(grad, self_shape))
# the engine sums a gradient back down to its input's shape, which is all expand's backward is
EXPAND = op("ExpandBackward0", lambda self, size: expand_forward(self, size), fw="linear",
            view=True, self=lambda F, grad: grad)
# the trailing ... keeps a 0-d result a view of self (plain indexing would copy the scalar)
SELECT = op("SelectBackward0", lambda self, dim, index: self[(slice(None),) * dim + (index, ...)],
            fw="linear", view=True,
            self=lambda F, grad, self_shape, dim, index: F.select_backward(
                grad, self_shape, dim, index))
SELECT_BACKWARD = op("SelectBackwardBackward0",
                     lambda self, shape, dim, index: fm.select_backward_array(
                         self, shape, dim, index),
                     fw="linear",
                     self=lambda F, grad, dim, index: F.select(grad, dim, index))
SLICE = op("SliceBackward0",
           lambda self, dim, start, stop, step: self[
               (slice(None),) * dim + (slice(start, stop, step),)],
           fw="linear", view=True,
           self=lambda F, grad, self_shape, dim, start, stop, step: F.slice_backward(
               grad, self_shape, dim, start, stop, step))
SLICE_BACKWARD = op("SliceBackwardBackward0",
                    lambda self, shape, dim, start, stop, step: fm.slice_backward_array(
                        self, shape, dim, start, stop, step),
                    fw="linear",
                    self=lambda F, grad, dim, start, stop, step: F.slice(
                        grad, dim, start, stop, step))


def unsqueeze_forward(self: Any, dim: int) -> Any:
    # torch gives the new dim the stride size * stride of the dim it lands before (1 at the
    # end). A row-major array reshaped has exactly those strides, which then travel with
    # the dim through permutes; other layouts are indexed with None, whose stride 0
    # Tensor.stride() reports as torch's where the dim stands (expand_dims reshapes, and
    # picks other strides for some layouts)
    if not isinstance(dim, int):  # several dims at once (vmap's batching rules)
        return np.expand_dims(self, dim)
    if dim < 0:
        dim += np.ndim(self) + 1
    if type(self) is ndarray and self.flags.c_contiguous and self.size:
        shape = self.shape
        return self.reshape(shape[:dim] + (1,) + shape[dim:])
    return self[(slice(None),) * dim + (None,)]


UNSQUEEZE = op("UnsqueezeBackward0", unsqueeze_forward, fw="linear", view=True,
               self=lambda F, grad, dim: F.squeeze_dim(grad, dim))
# squeeze(dim) removes dim only when it has size 1; reshaping back undoes either case
SQUEEZE_DIM = op("SqueezeBackward1",
                 lambda self, dim: np.squeeze(self, dim)
                 if np.ndim(self) and np.shape(self)[dim] == 1 else self,
                 fw="linear", view=True,
                 self=lambda F, grad, self_shape, dim: F.unsqueeze_dim(grad, dim)
                 if len(self_shape) != np.ndim(grad) else grad)
ALIAS = op("AliasBackward0", lambda self: self.view() if isinstance(self, np.ndarray) else self,
           fw="linear", view=True, self=lambda F, grad: grad)
def index_forward(self: Any, indices: tuple) -> Any:
    out = self[indices]
    # NumPy orders a fresh result's dims its own way (x[:, idx] comes out column-major); torch
    # writes it row-major from a row-major input, else in the order index_axes finds
    if type(self) is not ndarray or type(out) is not ndarray:
        return out
    if self.flags.c_contiguous:
        return row_major(out)
    return relaid(out, index_axes(self, indices, out.shape))


# advanced indexing: indices is a tuple of slices and integer or boolean arrays, as NumPy reads
INDEX = op("IndexBackward0", index_forward, fw="linear",
           self=lambda F, grad, self_shape, indices: F.index_backward(grad, self_shape, indices))
INDEX_BACKWARD = op("IndexPutImplBackward0",
                    lambda self, shape, indices: fm.index_backward_array(self, shape, indices),
                    fw="linear",
                    self=lambda F, grad, indices: F.index(grad, indices))
# x[index] = value on a tensor in a graph: the gradient reaches the old values everywhere but
# the written positions, and the value through exactly those positions
COPY_SLICES = op("torch::autograd::CopySlices",
                 lambda self, value, index: fm.copy_slices(self, value, index), fw="linear",
                 self=lambda F, grad, index: F.index_put_zero(grad, index),
                 value=lambda F, grad, index: F.index(grad, index))
# a view of a tensor whose history an in-place write through the view rebased: the view's
# elements are read back out of the new base (index: where they sit in it)
AS_STRIDED = op("AsStridedBackward0", lambda self, index: self[index], fw="linear",
                self=lambda F, grad, self_shape, index: F.index_backward(grad, self_shape, index))
