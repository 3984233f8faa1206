"""The op table, neural-network functions: activations, softmax, losses, padding.

Where torch's backward is itself an op with a name of its own in double backward
(``HardtanhBackwardBackward0``, ``SoftmaxBackwardDataBackward0``, ...), that backward is an
entry too, and the first entry's formula calls it through ``F`` (``F.hardtanh_backward``): a
plain backward runs its forward on arrays, a recorded one records it.

Losses take ``reduction`` as torch's enum: 0 none, 1 mean, 2 sum.
"""

from __future__ import annotations

import math
from typing import Any

from ..._backend import channels_last_axes, ndarray, np, preserving, relaid
from ..registry import NUMPY, op
from .elementwise import erf_array

NONE, MEAN, SUM = 0, 1, 2

# ---- helpers on arrays ------------------------------------------------------------------------

def _reduce(loss: Any, reduction: int) -> Any:
    if reduction == NONE:
        return loss
    loss = np.asarray(loss)
    if loss.ndim == 0:
        return loss[()]
    # half precision accumulates in float, as torch's reductions do
    acc = np.float32 if loss.dtype == np.float16 else None
    total = np.add.reduce(loss, axis=None, dtype=acc)
    out = total / loss.size if reduction == MEAN else total
    return out if acc is None else loss.dtype.type(out)


def _norm(reduction: int, shape: tuple) -> float:
    """The factor a mean puts on every element's gradient."""
    return 1.0 / max(math.prod(shape), 1) if reduction == MEAN else 1.0


def _scale(g: Any, reduction: int, shape: tuple) -> Any:
    return g / max(math.prod(shape), 1) if reduction == MEAN else g


def _reduced(F: Any, g: Any, reduction: int, shape: tuple) -> Any:
    """A formula's gradient divided by the element count for a mean (torch's Scalar
    division, DivBackward1 when recorded)."""
    return F.div_scalar(g, max(math.prod(shape), 1)) if reduction == MEAN else g


def _sum_keepdim(x: Any, dim: int) -> Any:
    x = np.asarray(x)
    return np.add.reduce(x, axis=dim if x.ndim else (), keepdims=True)


# ---- activations ------------------------------------------------------------------------------

def hardtanh_backward(grad_output: Any, self: Any, min_val: float, max_val: float) -> Any:
    # the mask is strict: the gradient at min_val and max_val is 0 (clamp's is 1)
    return np.where((self > min_val) & (self < max_val), grad_output, 0)


HARDTANH = op("HardtanhBackward0",
              lambda self, min_val, max_val: np.clip(self, min_val, max_val),
              self=lambda F, grad, self, min_val, max_val: F.hardtanh_backward(
                  grad, self, min_val, max_val))
HARDTANH_BACKWARD = op("HardtanhBackwardBackward0", hardtanh_backward, n_inputs=2, fw="linear",
                       grad_output=lambda F, grad, self, min_val, max_val: F.hardtanh_backward(
                           grad, self, min_val, max_val),
                       self=lambda F, grad: F.zeros_like(grad))


def leaky_relu_backward(grad_output: Any, self: Any, negative_slope: float) -> Any:
    # x > 0 is strict: at 0 the gradient is the negative slope
    return np.where(self > 0, grad_output, grad_output * negative_slope)


LEAKY_RELU = op("LeakyReluBackward0",
                lambda self, negative_slope: np.where(self > 0, self, self * negative_slope),
                self=lambda F, grad, self, negative_slope: F.leaky_relu_backward(
                    grad, self, negative_slope))
LEAKY_RELU_BACKWARD = op("LeakyReluBackwardBackward0", leaky_relu_backward, n_inputs=2,
                         fw="linear",
                         grad_output=lambda F, grad, self, negative_slope: F.leaky_relu_backward(
                             grad, self, negative_slope),
                         self=lambda F, grad: F.zeros_like(grad))

_INPLACE_SLOPE_MSG = (
    "In-place leakyReLu backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead. File an issue at "
    "https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu backward "
    "calculation with negative slope")


def _leaky_relu_inplace_backward(F: Any, grad: Any, result: Any, negative_slope: float) -> Any:
    # in place only the result is kept; its sign is the input's only for a positive slope
    if negative_slope < 0:
        raise RuntimeError(_INPLACE_SLOPE_MSG)
    return F.leaky_relu_backward(grad, result, negative_slope)


# leaky_relu_ (in place): the node keeps the result, not the overwritten input
LEAKY_RELU_INPLACE = op("LeakyReluBackward1", LEAKY_RELU.forward,
                        self=_leaky_relu_inplace_backward)


def elu_forward(self: Any, alpha: float, scale: float, input_scale: float) -> Any:
    return np.where(self > 0, self * scale, np.expm1(self * input_scale) * (alpha * scale))


def elu_backward(grad_output: Any, self: Any, alpha: float, scale: float,
                 input_scale: float) -> Any:
    # x <= 0 takes the exponential branch, so the gradient at 0 is alpha * scale * input_scale
    return np.where(self > 0, grad_output * scale,
                    grad_output * np.exp(self * input_scale) * (alpha * scale * input_scale))


def _elu_double_backward(F: Any, grad: Any, grad_output: Any, self: Any, alpha: float,
                         scale: float, input_scale: float) -> Any:
    c = alpha * scale * input_scale * input_scale
    return F.where(self > 0, 0.0, grad * grad_output * F.exp(self * input_scale) * c)


ELU = op("EluBackward0", elu_forward,
         self=lambda F, grad, self, alpha, scale, input_scale: F.elu_backward(
             grad, self, alpha, scale, input_scale))
ELU_BACKWARD = op("EluBackwardBackward0", elu_backward, n_inputs=2,
                  grad_output=lambda F, grad, self, alpha, scale, input_scale: F.elu_backward(
                      grad, self, alpha, scale, input_scale),
                  self=_elu_double_backward)

_INPLACE_ELU_MSG = (
    "In-place elu backward calculation is triggered with a negative slope which is not "
    "supported. This is caused by calling in-place forward function with a negative slope, "
    "please call out-of-place version instead.")


def _elu_inplace_backward(F: Any, grad: Any, result: Any, alpha: float, scale: float,
                          input_scale: float) -> Any:
    # from the result y: for x <= 0, dy/dx = input_scale * (y + alpha * scale)
    if alpha < 0:
        raise RuntimeError(_INPLACE_ELU_MSG)
    return F.where(result > 0, grad * scale, grad * (result + alpha * scale) * input_scale)


# elu_ (in place): the node keeps the result
ELU_INPLACE = op("EluBackward1", elu_forward, self=_elu_inplace_backward)

_SQRT1_2 = math.sqrt(0.5)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)
_K_BETA = math.sqrt(2 / math.pi)  # tanh approximation: tanh(k (x + 0.044715 x^3))
_K_KAPPA = 0.044715


def gelu_forward(self: Any, approximate: str) -> Any:
    x = np.asarray(self)
    if approximate == "tanh":
        inner = _K_BETA * (x + _K_KAPPA * (x * x * x))
        out = 0.5 * x * (1 + np.tanh(inner))
    else:
        out = x * 0.5 * (1 + erf_array(x * _SQRT1_2))
    # torch's TensorIterator writes the result in the input's layout (preserve_format)
    return out if x.flags.c_contiguous else preserving(out, x)


def gelu_backward(grad_output: Any, self: Any, approximate: str) -> Any:
    x = np.asarray(self)
    if approximate == "tanh":
        x_sq = x * x
        t = np.tanh(_K_BETA * (x + _K_KAPPA * (x_sq * x)))
        left = 0.5 * x
        right = 1 + t
        d_inner = _K_BETA * (1 + 3 * _K_KAPPA * x_sq)
        return grad_output * (0.5 * right + left * (1 - t * t) * d_inner)
    cdf = 0.5 * (1 + erf_array(x * _SQRT1_2))
    pdf = np.exp(-0.5 * (x * x)) * _INV_SQRT_2PI
    return grad_output * (cdf + x * pdf)


def _gelu_double_backward(F: Any, grad: Any, grad_output: Any, self: Any,
                          approximate: str) -> Any:
    x = self
    if approximate == "tanh":
        # g = x/2 (1 + t), t = tanh(u), u = k (x + c x^3):
        # g'' = (1 - t^2) (u' + x/2 (u'' - 2 t u'^2)), u' = k (1 + 3 c x^2), u'' = 6 k c x
        t = F.tanh((x + x * x * x * _K_KAPPA) * _K_BETA)
        du = (x * x * (3 * _K_KAPPA) + 1) * _K_BETA
        ddu = x * (6 * _K_BETA * _K_KAPPA)
        return grad * grad_output * (1 - t * t) * (du + x * 0.5 * (ddu - t * du * du * 2))
    # d/dx (cdf + x pdf) = pdf (2 - x^2)
    pdf = F.exp(x * x * -0.5) * _INV_SQRT_2PI
    return grad * grad_output * pdf * (2 - x * x)


GELU = op("GeluBackward0", gelu_forward,
          self=lambda F, grad, self, approximate: F.gelu_backward(grad, self, approximate))
GELU_BACKWARD = op("GeluBackwardBackward0", gelu_backward, n_inputs=2,
                   grad_output=lambda F, grad, self, approximate: F.gelu_backward(
                       grad, self, approximate),
                   self=_gelu_double_backward)


def _silu_backward(F: Any, grad: Any, self: Any) -> Any:
    # d/dx x s(x) = s (1 + x (1 - s)), s the sigmoid
    s = F.sigmoid(self)
    return grad * s * (1 + self * (1 - s))


SILU = op("SiluBackward0", lambda self: self / (1 + np.exp(-self)), self=_silu_backward)


def softplus_forward(self: Any, beta: float, threshold: float) -> Any:
    # linear above the threshold, where log1p(exp(z)) == z in floating point anyway
    z = self * beta
    return np.where(z > threshold, self, np.log1p(np.exp(z)) / beta)


def softplus_backward(grad_output: Any, self: Any, beta: float, threshold: float) -> Any:
    z = np.exp(self * beta)
    return np.where(self * beta > threshold, grad_output, grad_output * z / (z + 1))


def _softplus_double_backward(F: Any, grad: Any, grad_output: Any, self: Any, beta: float,
                              threshold: float) -> Any:
    s = F.sigmoid(self * beta)
    return F.where(self * beta > threshold, 0.0, grad * grad_output * s * (1 - s) * beta)


SOFTPLUS = op("SoftplusBackward0", softplus_forward,
              self=lambda F, grad, self, beta, threshold: F.softplus_backward(
                  grad, self, beta, threshold))
SOFTPLUS_BACKWARD = op("SoftplusBackwardBackward0", softplus_backward, n_inputs=2,
                       grad_output=lambda F, grad, self, beta, threshold: F.softplus_backward(
                           grad, self, beta, threshold),
                       self=_softplus_double_backward)


def log_sigmoid(self: Any) -> Any:
    """log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)), without overflow."""
    return np.minimum(self, 0) - np.log1p(np.exp(-np.abs(self)))


def log_sigmoid_backward(grad_output: Any, self: Any) -> Any:
    # d/dx log sigmoid(x) = sigmoid(-x) = 1 / (1 + exp(x))
    return grad_output / (1 + np.exp(self))


def _log_sigmoid_double_backward(F: Any, grad: Any, grad_output: Any, self: Any) -> Any:
    # d/dx sigmoid(-x) = -sigmoid(x) (1 - sigmoid(x))
    s = F.sigmoid(self)
    return grad * grad_output * s * (s - 1)


LOG_SIGMOID = op("LogSigmoidBackward0", log_sigmoid,
                 self=lambda F, grad, self: F.log_sigmoid_backward(grad, self))
LOG_SIGMOID_BACKWARD = op(
    "LogSigmoidBackwardBackward0", log_sigmoid_backward, n_inputs=2,
    grad_output=lambda F, grad, self: F.log_sigmoid_backward(grad, self),
    self=_log_sigmoid_double_backward)

# ---- softmax ------------------------------------------------------------------------------------


def softmax_forward(self: Any, dim: int) -> Any:
    x = np.asarray(self)
    if x.ndim == 0:
        return np.ones_like(x)
    # half precision is computed in float and rounded once, as torch's kernels do
    h = x.astype(np.float32) if x.dtype == np.float16 else x
    # row-major whatever the input's layout, as torch's softmax kernels write their result
    e = np.exp(np.subtract(h, np.max(h, axis=dim, keepdims=True), order="C"))
    return (e / np.sum(e, axis=dim, keepdims=True)).astype(x.dtype, copy=False)


def log_softmax_forward(self: Any, dim: int) -> Any:
    x = np.asarray(self)
    if x.ndim == 0:
        return np.zeros_like(x)
    h = x.astype(np.float32) if x.dtype == np.float16 else x
    out = np.subtract(h, np.maximum.reduce(h, axis=dim, keepdims=True), order="C")  # as softmax
    lse = np.add.reduce(np.exp(out), axis=dim, keepdims=True)
    out -= np.log(lse, out=lse)
    return out if out.dtype is x.dtype else out.astype(x.dtype)


def softmax_backward_data(grad_output: Any, output: Any, dim: int) -> Any:
    # J = diag(y) - y y^T: g -> y (g - <g, y>)
    return output * (grad_output - _sum_keepdim(grad_output * output, dim))


def log_softmax_backward_data(grad_output: Any, output: Any, dim: int) -> Any:
    # J = I - 1 softmax^T: g -> g - softmax * sum(g)
    p = np.exp(output)
    if type(p) is not ndarray or type(grad_output) is not ndarray or \
            p.shape != grad_output.shape or p.dtype is not grad_output.dtype:
        return grad_output - p * _sum_keepdim(grad_output, dim)
    p *= _sum_keepdim(grad_output, dim)  # into exp's fresh result
    return np.subtract(grad_output, p, out=p)


def _softmax_backward_data_output(F: Any, grad: Any, grad_output: Any, output: Any,
                                  dim: int) -> Any:
    # d/dy [y (g - <g, y>)] applied to gg: gg (g - <g, y>) - g <gg, y>
    return (grad * (grad_output - F.sum_keepdim(grad_output * output, dim))
            - grad_output * F.sum_keepdim(grad * output, dim))


SOFTMAX = op("SoftmaxBackward0", softmax_forward,
             fw=lambda F, self_t, result, dim: F.softmax_backward_data(self_t, result, dim),
             self=lambda F, grad, result, dim: F.softmax_backward_data(grad, result, dim))
SOFTMAX_BACKWARD_DATA = op(
    "SoftmaxBackwardDataBackward0", softmax_backward_data, fw="bilinear",
    grad_output=lambda F, grad, output, dim: F.softmax_backward_data(grad, output, dim),
    output=_softmax_backward_data_output)
LOG_SOFTMAX = op("LogSoftmaxBackward0", log_softmax_forward,
                 fw=lambda F, self_t, result, dim: self_t - F.sum_keepdim(
                     self_t * F.exp(result), dim),
                 self=lambda F, grad, result, dim: F.log_softmax_backward_data(grad, result, dim))
LOG_SOFTMAX_BACKWARD_DATA = op(
    "LogSoftmaxBackwardDataBackward0", log_softmax_backward_data, fw=None,
    grad_output=lambda F, grad, output, dim: grad - F.sum_keepdim(grad * F.exp(output), dim),
    output=lambda F, grad, grad_output, output, dim: -grad * F.exp(output) * F.sum_keepdim(
        grad_output, dim))

# ---- regression losses ----------------------------------------------------------------------


def mse_loss_forward(self: Any, target: Any, reduction: int) -> Any:
    d = self - target
    return _reduce(d * d, reduction)


def mse_loss_backward(grad_output: Any, self: Any, target: Any, reduction: int) -> Any:
    return _scale(2 * (self - target) * grad_output, reduction, np.shape(self))


def _mse_double_backward(F: Any, grad: Any, grad_output: Any, reduction: int,
                         self_shape: tuple) -> Any:
    return grad * grad_output * (2 * _norm(reduction, self_shape))


MSE_LOSS = op("MseLossBackward0", mse_loss_forward, fw=None,
              self=lambda F, grad, self, target, reduction: F.mse_loss_backward(
                  grad, self, target, reduction),
              target=lambda F, grad, self, target, reduction: F.mse_loss_backward(
                  grad, target, self, reduction))
# the gradient of grad_output comes out in the input's shape; the engine sums it to the
# reduced shape of grad_output
MSE_LOSS_BACKWARD = op(
    "MseLossBackwardBackward0", mse_loss_backward, fw=None,
    grad_output=lambda F, grad, self, target, reduction: F.mse_loss_backward(
        grad, self, target, reduction),
    self=_mse_double_backward,
    target=lambda F, grad, grad_output, reduction, self_shape: -_mse_double_backward(
        F, grad, grad_output, reduction, self_shape))


def smooth_l1_loss_forward(self: Any, target: Any, reduction: int, beta: float) -> Any:
    z = np.abs(self - target)
    return _reduce(np.where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta), reduction)


def smooth_l1_loss_backward(grad_output: Any, self: Any, target: Any, reduction: int,
                            beta: float) -> Any:
    d = self - target
    g = np.where(d < -beta, -grad_output, np.where(d > beta, grad_output, d * grad_output / beta))
    return _scale(g, reduction, np.shape(self))


def _smooth_l1_double_backward(F: Any, grad: Any, grad_output: Any, self: Any, target: Any,
                               reduction: int, beta: float, self_shape: tuple) -> Any:
    # the second derivative is 1/beta inside (-beta, beta), 0 outside and on its ends
    d = self - target
    inside = (d < beta) & (d > -beta)
    return F.where(inside, grad * grad_output * (_norm(reduction, self_shape) / beta), 0.0)


SMOOTH_L1_LOSS = op("SmoothL1LossBackward0", smooth_l1_loss_forward, fw=None,
                    self=lambda F, grad, self, target, reduction, beta:
                    F.smooth_l1_loss_backward(grad, self, target, reduction, beta),
                    target=lambda F, grad, self, target, reduction, beta:
                    F.smooth_l1_loss_backward(grad, target, self, reduction, beta))
SMOOTH_L1_LOSS_BACKWARD = op(
    "SmoothL1LossBackwardBackward0", smooth_l1_loss_backward, fw=None,
    grad_output=lambda F, grad, self, target, reduction, beta: F.smooth_l1_loss_backward(
        grad, self, target, reduction, beta),
    self=_smooth_l1_double_backward,
    target=lambda F, grad, grad_output, self, target, reduction, beta, self_shape:
    -_smooth_l1_double_backward(F, grad, grad_output, self, target, reduction, beta, self_shape))


def huber_loss_forward(self: Any, target: Any, reduction: int, delta: float) -> Any:
    z = np.abs(self - target)
    return _reduce(np.where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta)), reduction)


def huber_loss_backward(grad_output: Any, self: Any, target: Any, reduction: int,
                        delta: float) -> Any:
    d = self - target
    g = np.where(d < -delta, -grad_output * delta,
                 np.where(d > delta, grad_output * delta, d * grad_output))
    return _scale(g, reduction, np.shape(self))


def _huber_double_backward(F: Any, grad: Any, grad_output: Any, self: Any, target: Any,
                           reduction: int, delta: float, self_shape: tuple) -> Any:
    d = self - target
    inside = (d < delta) & (d > -delta)
    return F.where(inside, grad * grad_output * _norm(reduction, self_shape), 0.0)


HUBER_LOSS = op("HuberLossBackward0", huber_loss_forward, fw=None,
                self=lambda F, grad, self, target, reduction, delta: F.huber_loss_backward(
                    grad, self, target, reduction, delta),
                target=lambda F, grad, self, target, reduction, delta: F.huber_loss_backward(
                    grad, target, self, reduction, delta))
HUBER_LOSS_BACKWARD = op(
    "HuberLossBackwardBackward0", huber_loss_backward, fw=None,
    grad_output=lambda F, grad, self, target, reduction, delta: F.huber_loss_backward(
        grad, self, target, reduction, delta),
    self=_huber_double_backward,
    target=lambda F, grad, grad_output, self, target, reduction, delta, self_shape:
    -_huber_double_backward(F, grad, grad_output, self, target, reduction, delta, self_shape))

# ---- classification losses ------------------------------------------------------------------


def _nll_parts(shape: tuple, dtype: Any, target: Any, weight: Any, ignore_index: int) -> tuple:
    """For input of ``shape`` (classes on axis 1, or a single sample (C,)): the target with
    ignored entries sent to class 0, each entry's weight (0 where ignored), and the mask of
    ignored entries (None when there is none)."""
    t = np.asarray(target)
    if len(shape) == 1:
        t = t.reshape(1)
    ignored = t == ignore_index
    if not ignored.any():  # the usual case: every target counts
        safe = t.astype(np.intp, copy=False)
        w = np.ones(safe.shape, dtype=dtype) if weight is None else np.asarray(weight)[safe]
        return safe, w.astype(dtype, copy=False), None
    safe = np.where(ignored, 0, t).astype(np.intp)
    if weight is None:
        w = np.ones(safe.shape, dtype=dtype)
    else:
        w = np.asarray(weight)[safe]
    return safe, np.where(ignored, 0, w).astype(dtype, copy=False), ignored


def _pick(x: Any, safe: Any) -> Any:
    """``x[n, safe[n], ...]``: each sample's value at its target class (classes on axis 1)."""
    if x.ndim == 2:
        return x[np.arange(x.shape[0]), safe]
    return np.take_along_axis(x, np.expand_dims(safe, 1), axis=1).squeeze(1)


def _unweighted(shape: tuple, target: Any, weight: Any, ignore_index: int) -> bool:
    """The common case of an (N, C) input, no class weights and no ignored target: each
    sample counts once, and a mean divides by N."""
    return weight is None and len(shape) == 2 and shape[0] > 0 and ignore_index not in target


def nll_loss_forward(self: Any, target: Any, weight: Any, reduction: int,
                     ignore_index: int) -> Any:
    x = np.asarray(self)
    if _unweighted(x.shape, target, weight, ignore_index):
        picked = x[np.arange(x.shape[0]), target]
        if reduction == NONE:
            return -picked
        total = -np.add.reduce(picked)
        return total / x.shape[0] if reduction == MEAN else total
    single = x.ndim == 1
    if single:
        x = x[None]
    safe, w, ignored = _nll_parts(np.shape(self), x.dtype, target, weight, ignore_index)
    losses = -w * _pick(x, safe)
    if ignored is not None:
        losses = np.where(ignored, 0, losses)
    losses = losses.astype(x.dtype, copy=False)
    if reduction == SUM:
        return np.sum(losses)
    if reduction == MEAN:
        # the mean over the weights of the targets that count (nan when none does)
        return np.sum(losses) / np.sum(w)
    return losses[0] if single else losses


def nll_loss_backward(grad_output: Any, self: Any, target: Any, weight: Any, reduction: int,
                      ignore_index: int) -> Any:
    """``-w[t] * grad`` at each target class (divided by the total weight for a mean), zeros
    elsewhere, in the shape of ``self``."""
    g = np.asarray(grad_output)
    shape = self.shape if type(self) is ndarray else np.shape(self)
    if _unweighted(shape, target, weight, ignore_index):
        out = np.zeros(shape, dtype=g.dtype)
        out[np.arange(shape[0]), target] = -(g / shape[0]) if reduction == MEAN else -g
        return out
    safe, w, ignored = _nll_parts(shape, g.dtype, target, weight, ignore_index)
    coef = -w / np.sum(w) if reduction == MEAN else -w
    if reduction == NONE and len(shape) == 1:
        g = g.reshape(1)
    vals = coef * g
    if ignored is not None:
        vals = np.where(ignored, 0, vals)
    vals = vals.astype(g.dtype, copy=False)
    full = (1,) + tuple(shape) if len(shape) == 1 else tuple(shape)
    out = np.zeros(full, dtype=g.dtype)
    if len(full) == 2:
        out[np.arange(full[0]), safe] = vals
    else:
        np.put_along_axis(out, np.expand_dims(safe, 1), np.expand_dims(vals, 1), axis=1)
    return out.reshape(shape)


# the backward takes self, as torch's does, for its shape: the result is linear in grad_output
# and constant in self, but recorded whenever self requires grad
NLL_LOSS = op("NllLossBackward0", nll_loss_forward, fw="linear",
              self=lambda F, grad, self, target, weight, reduction, ignore_index:
              F.nll_loss_backward(grad, self, target, weight, reduction, ignore_index))
NLL_LOSS_BACKWARD = op(
    "NllLossBackwardBackward0", nll_loss_backward, fw="linear",
    grad_output=lambda F, grad, target, weight, reduction, ignore_index: F.nll_loss(
        grad, target, weight, reduction, ignore_index),
    self=lambda F, grad: F.zeros_like(grad))
# inputs of 4 dimensions (N, C, H, W): the same math under torch's 2-d names
NLL_LOSS2D = op("NllLoss2DBackward0", nll_loss_forward, fw="linear",
                self=lambda F, grad, self, target, weight, reduction, ignore_index:
                F.nll_loss2d_backward(grad, self, target, weight, reduction, ignore_index))
NLL_LOSS2D_BACKWARD = op(
    "NllLoss2DBackwardBackward0", nll_loss_backward, fw="linear",
    grad_output=lambda F, grad, target, weight, reduction, ignore_index: F.nll_loss2d(
        grad, target, weight, reduction, ignore_index),
    self=lambda F, grad: F.zeros_like(grad))

# torch's clamp of the denominator x (1 - x): 1e-12 as a float, also in double
BCE_EPSILON = float(np.float32(1e-12))


def binary_cross_entropy_forward(self: Any, target: Any, weight: Any, reduction: int) -> Any:
    x = np.asarray(self)
    # each log clamped at -100, so 0 and 1 give a finite loss
    log_x = np.maximum(np.log(x), -100)
    log_1mx = np.maximum(np.log1p(-x), -100)
    loss = (target - 1) * log_1mx - target * log_x
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def binary_cross_entropy_backward(grad_output: Any, self: Any, target: Any, weight: Any,
                                  reduction: int) -> Any:
    x = np.asarray(self)
    g = grad_output * (x - target) / np.maximum((1 - x) * x, BCE_EPSILON)
    if weight is not None:
        g = g * weight
    return _scale(g, reduction, np.shape(self))


def _bce_target_backward(F: Any, grad: Any, self: Any, weight: Any, reduction: int,
                         self_shape: tuple) -> Any:
    # d/dt = log(1 - x) - log(x) = -logit(x)
    g = grad * (F.log(1 - self) - F.log(self))
    if weight is not None:
        g = g * weight
    return _reduced(F, g, reduction, self_shape)


# torch's double backward adds 1e-12 to each factor of x (1 - x) instead of clamping
_DOUBLE_EPS = 1e-12


def _bce_double_backward_grad_output(F: Any, grad: Any, self: Any, target: Any, weight: Any,
                                     reduction: int, self_shape: tuple) -> Any:
    g = grad * (self - target) / ((self + _DOUBLE_EPS) * (1 - self + _DOUBLE_EPS))
    if weight is not None:
        g = g * weight
    return _reduced(F, g, reduction, self_shape)


def _bce_double_backward_self(F: Any, grad: Any, grad_output: Any, self: Any, target: Any,
                              weight: Any, reduction: int, self_shape: tuple) -> Any:
    # d/dx (x - t) / (x (1 - x)) = (x^2 - 2 t x + t) / (x (1 - x))^2
    x = self
    num = x * x - x * target * 2 + target
    a = x + _DOUBLE_EPS
    b = 1 - x + _DOUBLE_EPS
    g = grad * grad_output * num / (a * a * (b * b))
    if weight is not None:
        g = g * weight
    return _reduced(F, g, reduction, self_shape)


def _bce_double_backward_target(F: Any, grad: Any, grad_output: Any, self: Any, weight: Any,
                                reduction: int, self_shape: tuple) -> Any:
    # d/dt (x - t) / (x (1 - x)) = -1 / (x (1 - x)), the denominator clamped as in the backward
    den = (1 - self) * self
    g = -grad * grad_output / F.where(den < BCE_EPSILON, BCE_EPSILON, den)
    if weight is not None:
        g = g * weight
    return _reduced(F, g, reduction, self_shape)


BINARY_CROSS_ENTROPY = op(
    "BinaryCrossEntropyBackward0", binary_cross_entropy_forward, fw=None,
    self=lambda F, grad, self, target, weight, reduction: F.binary_cross_entropy_backward(
        grad, self, target, weight, reduction),
    target=_bce_target_backward)
BINARY_CROSS_ENTROPY_BACKWARD = op(
    "BinaryCrossEntropyBackwardBackward0", binary_cross_entropy_backward, fw=None,
    grad_output=_bce_double_backward_grad_output, self=_bce_double_backward_self,
    target=_bce_double_backward_target)


def bce_with_logits_forward(self: Any, target: Any, weight: Any, pos_weight: Any,
                            reduction: int) -> Any:
    x = np.asarray(self)
    log_sig = log_sigmoid(x)
    if pos_weight is not None:
        # the positive term weighted: (1 - t) x - (1 + (pw - 1) t) log sigmoid(x)
        log_sig = log_sig * ((pos_weight - 1) * target + 1)
    loss = (1 - target) * x - log_sig
    if weight is not None:
        loss = loss * weight
    return _reduce(loss.astype(x.dtype, copy=False), reduction)


def _bce_logits_backward_self(F: Any, grad: Any, self: Any, target: Any, weight: Any,
                              pos_weight: Any, reduction: int, self_shape: tuple) -> Any:
    if pos_weight is not None:
        t = target * pos_weight
        g = ((t + 1 - target) * F.sigmoid(self) - t) * grad
    else:
        g = (F.sigmoid(self) - target) * grad
    if weight is not None:
        g = g * weight
    return _reduced(F, g, reduction, self_shape)


def _bce_logits_backward_target(F: Any, grad: Any, self: Any, weight: Any, pos_weight: Any,
                                reduction: int, self_shape: tuple) -> Any:
    if pos_weight is not None:
        g = (F.log_sigmoid(-self) - F.log_sigmoid(self) * pos_weight) * grad
    else:
        g = -self * grad
    if weight is not None:
        g = g * weight
    return _reduced(F, g, reduction, self_shape)


BINARY_CROSS_ENTROPY_WITH_LOGITS = op(
    "BinaryCrossEntropyWithLogitsBackward0", bce_with_logits_forward, fw=None,
    self=_bce_logits_backward_self, target=_bce_logits_backward_target)

# ---- padding ----------------------------------------------------------------------------------


def constant_pad_nd(self: Any, pad: tuple, value: Any) -> Any:
    """Pads the last ``len(pad) // 2`` dims, the last first: ``pad = (left, right, ...)``;
    negative amounts crop."""
    x = np.asarray(self)
    crop = [slice(None)] * x.ndim
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        d = x.ndim - 1 - i
        lo, hi = pad[2 * i], pad[2 * i + 1]
        crop[d] = slice(max(-lo, 0), x.shape[d] - max(-hi, 0))
        widths[d] = (max(lo, 0), max(hi, 0))
    cropped = x[tuple(crop)]
    # torch clones the cropped input when nothing is added (preserve_format), else writes the
    # input's suggested memory format: channels_last or row-major
    if not any(lo or hi for lo, hi in widths):
        return cropped.copy() if x.flags.c_contiguous else preserving(cropped.copy(), cropped)
    out = np.pad(cropped, widths, constant_values=value)
    return out if x.flags.c_contiguous else relaid(out, channels_last_axes(x))


# the gradient is the padding undone: the same op with the amounts negated
CONSTANT_PAD_ND = op("ConstantPadNdBackward0", constant_pad_nd, fw=None,
                     self=lambda F, grad, pad: F.constant_pad_nd(grad, tuple(-p for p in pad), 0))

# ---- tensor and number, as composite ops reach them --------------------------------------------
# Python's ``t * 2`` is MulBackward0 (the number becomes a tensor); torch's own composites
# (cross_entropy's label smoothing and mean over class probabilities) use the Scalar overloads.
MUL_SCALAR = op("MulBackward1", lambda self, other: self * other, fw="linear",
                self=lambda F, grad, other: F.mul_scalar(grad, other))
ADD_SCALAR = op("AddBackward1", lambda self, other: self + other, fw="element_wise",
                self=lambda F, grad: grad)
DIV_SCALAR = op("DivBackward1", lambda self, other: self / other, fw="linear",
                self=lambda F, grad, other: grad / other)


# the table's entries; the array helpers above stay out of the shared ``derivatives`` namespace
__all__ = ["ADD_SCALAR", "BINARY_CROSS_ENTROPY", "BINARY_CROSS_ENTROPY_BACKWARD",
           "BINARY_CROSS_ENTROPY_WITH_LOGITS", "CONSTANT_PAD_ND", "DIV_SCALAR", "ELU",
           "ELU_BACKWARD", "ELU_INPLACE", "GELU", "GELU_BACKWARD", "HARDTANH", "HARDTANH_BACKWARD",
           "HUBER_LOSS", "HUBER_LOSS_BACKWARD", "LEAKY_RELU", "LEAKY_RELU_BACKWARD",
           "LEAKY_RELU_INPLACE", "LOG_SIGMOID", "LOG_SIGMOID_BACKWARD",
           "LOG_SOFTMAX", "LOG_SOFTMAX_BACKWARD_DATA",
           "MSE_LOSS", "MSE_LOSS_BACKWARD", "MUL_SCALAR", "NLL_LOSS", "NLL_LOSS2D",
           "NLL_LOSS2D_BACKWARD", "NLL_LOSS_BACKWARD", "SILU", "SMOOTH_L1_LOSS",
           "SMOOTH_L1_LOSS_BACKWARD", "SOFTMAX", "SOFTMAX_BACKWARD_DATA", "SOFTPLUS",
           "SOFTPLUS_BACKWARD"]


# ---- more activations and losses

def hardswish_forward(self: Any) -> Any:
    return self * np.clip(self + 3, 0, 6) / 6


def hardswish_backward(grad_output: Any, self: Any) -> Any:
    # torch's breakpoints: x <= -3 gives 0, -3 < x < 3 gives x/3 + 1/2, x >= 3 gives 1
    inner = np.where(self < 3, grad_output * (self / 3 + 0.5), grad_output)
    return np.where(self <= -3, 0, inner)


def _hardswish_double_backward(F: Any, grad: Any, grad_output: Any, self: Any) -> Any:
    # d/dx (x/3 + 1/2) = 1/3 strictly inside (-3, 3), 0 elsewhere
    return F.where(self > -3, F.where(self < 3, grad * grad_output / 3, 0.0), 0.0)


HARDSWISH = op("HardswishBackward0", hardswish_forward,
               self=lambda F, grad, self: F.hardswish_backward(grad, self))
HARDSWISH_BACKWARD = op("HardswishBackwardBackward0", hardswish_backward, n_inputs=2,
                        grad_output=lambda F, grad, self: F.hardswish_backward(grad, self),
                        self=_hardswish_double_backward)


# torch's kernel holds the slope 1/6 as a float32 constant, in every dtype
_ONE_SIXTH_F32 = float(np.float32(1 / 6))


def hardsigmoid_backward(grad_output: Any, self: Any) -> Any:
    # the slope 1/6 strictly inside (-3, 3): the gradient at -3 and at 3 is 0
    return np.where((self > -3) & (self < 3), grad_output * _ONE_SIXTH_F32, 0)


def _no_derivative(F: Any, grad: Any) -> Any:
    raise RuntimeError("derivative for aten::hardsigmoid_backward is not implemented")


HARDSIGMOID = op("HardsigmoidBackward0", lambda self: np.clip(self + 3, 0, 6) / 6,
                 self=lambda F, grad, self: F.hardsigmoid_backward(grad, self))
# torch has no derivative of hardsigmoid_backward: the node exists and its backward raises
HARDSIGMOID_BACKWARD = op("torch::autograd::NotImplemented", hardsigmoid_backward, n_inputs=2,
                          grad_output=_no_derivative, self=_no_derivative)


def _mish_backward(F: Any, grad: Any, self: Any) -> Any:
    # d/dx x tanh(sp(x)) = t + x s (1 - t^2), t = tanh(sp(x)), sp' = s the sigmoid;
    # sp(x) = -log sigmoid(-x) does not overflow
    s = F.sigmoid(self)
    t = F.tanh(-F.log_sigmoid(-self))
    return grad * (t + self * s * (1 - t * t))


MISH = op("MishBackward0", lambda self: self * np.tanh(np.logaddexp(0, self)),
          self=_mish_backward)


def threshold_forward(self: Any, threshold: float, value: float) -> Any:
    # y = x above the threshold (strictly), value elsewhere; integers stay integers
    return np.where(self > threshold, self, value).astype(np.asarray(self).dtype, copy=False)


def threshold_backward(grad_output: Any, self: Any, threshold: float) -> Any:
    return np.where(self > threshold, grad_output, 0)


THRESHOLD = op("ThresholdBackward0", threshold_forward,
               self=lambda F, grad, self, threshold, value: F.threshold_backward(
                   grad, self, threshold))
# threshold_ (in place): torch keeps the input from before the write (the result cannot
# tell where the input was above the threshold when value is above it too)
THRESHOLD_INPLACE = op("ThresholdBackward1", threshold_forward,
                       self=lambda F, grad, self, threshold, value: F.threshold_backward(
                           grad, self, threshold))
THRESHOLD_BACKWARD_AT = op("ThresholdBackwardBackward0", threshold_backward, n_inputs=2,
                           fw="linear",
                           grad_output=lambda F, grad, self, threshold: F.threshold_backward(
                               grad, self, threshold),
                           self=lambda F, grad: F.zeros_like(grad))

# celu(x, alpha) = elu(x, alpha, scale=1, input_scale=1/alpha); its backward is elu's, with
# torch's 1 / alpha taken from alpha rounded to float32 (derivatives.yaml: alpha.toFloat())
def _celu_inverse(alpha: float) -> float:
    return 1.0 / float(np.float32(alpha))


CELU = op("CeluBackward0", lambda self, alpha: elu_forward(self, alpha, 1.0, 1.0 / alpha),
          self=lambda F, grad, self, alpha: F.elu_backward(grad, self, alpha, 1.0,
                                                           _celu_inverse(alpha)))
CELU_INPLACE = op("CeluBackward1", lambda self, alpha: elu_forward(self, alpha, 1.0, 1.0 / alpha),
                  self=lambda F, grad, result, alpha: _elu_inplace_backward(
                      F, grad, result, alpha, 1.0, _celu_inverse(alpha)))


def softshrink_forward(self: Any, lambd: float) -> Any:
    return np.where(self > lambd, self - lambd, np.where(self < -lambd, self + lambd, 0 * self))


def shrink_backward(grad_output: Any, self: Any, lambd: float) -> Any:
    # both shrinks pass the gradient strictly outside [-lambd, lambd]: 0 at the breakpoints
    return np.where((self >= -lambd) & (self <= lambd), 0, grad_output)


def _shrink_backward_entry(node_name: str, backward: str) -> Any:
    # linear in grad_output, and a mask of self: 0 as a function of self
    return op(node_name, shrink_backward, n_inputs=2, fw="linear",
              grad_output=lambda F, grad, self, lambd: getattr(F, backward)(grad, self, lambd),
              self=lambda F, grad: F.zeros_like(grad))


SOFTSHRINK = op("SoftshrinkBackward0", softshrink_forward,
                self=lambda F, grad, self, lambd: F.softshrink_backward(grad, self, lambd))
SOFTSHRINK_BACKWARD = _shrink_backward_entry("SoftshrinkBackwardBackward0", "softshrink_backward")
HARDSHRINK = op("HardshrinkBackward0",
                lambda self, lambd: np.where((self >= -lambd) & (self <= lambd), 0, self),
                self=lambda F, grad, self, lambd: F.hardshrink_backward(grad, self, lambd))
HARDSHRINK_BACKWARD = _shrink_backward_entry("HardshrinkBackwardBackward0", "hardshrink_backward")

__all__ += ["CELU", "CELU_INPLACE", "HARDSHRINK", "HARDSHRINK_BACKWARD", "HARDSIGMOID",
            "HARDSIGMOID_BACKWARD", "HARDSWISH", "HARDSWISH_BACKWARD", "MISH", "SOFTSHRINK",
            "SOFTSHRINK_BACKWARD", "THRESHOLD", "THRESHOLD_BACKWARD_AT", "THRESHOLD_INPLACE"]


# glu(x, dim) = a * sigmoid(b), a and b the two halves of x along dim
def glu_forward(self: Any, dim: int) -> Any:
    a, b = np.split(np.asarray(self), 2, axis=dim)
    return a / (1 + np.exp(-b))


def glu_backward(grad_output: Any, self: Any, dim: int) -> Any:
    # d/da = s, d/db = a s (1 - s), s = sigmoid(b)
    a, b = np.split(np.asarray(self), 2, axis=dim)
    s = 1 / (1 + np.exp(-b))
    return np.concatenate([grad_output * s, grad_output * a * s * (1 - s)], axis=dim)


def _halves(F: Any, x: Any, dim: int) -> list:
    n = x.shape[dim] // 2
    return F.split_grad(x, [n, n], dim)


def _glu_double_backward_grad_output(F: Any, grad: Any, self: Any, dim: int) -> Any:
    # glu_backward is linear in grad_output: the same weights, summed over the two halves
    a, b = _halves(F, self, dim)
    ga, gb = _halves(F, grad, dim)
    s = F.sigmoid(b)
    return ga * s + gb * a * s * (1 - s)


def _glu_double_backward_self(F: Any, grad: Any, grad_output: Any, self: Any, dim: int) -> Any:
    # with ds = s (1 - s) and ds' = ds (1 - 2 s): the a half gets gb g ds, the b half
    # (ga + gb a (1 - 2 s)) g ds
    a, b = _halves(F, self, dim)
    ga, gb = _halves(F, grad, dim)
    s = F.sigmoid(b)
    ds = s * (1 - s)
    n = self.shape[dim] // 2
    return F.cat_grads([gb * grad_output * ds, (ga + gb * a * (1 - 2 * s)) * grad_output * ds],
                       tuple(self.shape), (n, n), dim)


GLU = op("GluBackward0", glu_forward, fw=None,
         self=lambda F, grad, self, dim: F.glu_backward(grad, self, dim))
GLU_BACKWARD = op("GluBackwardBackward0", glu_backward, n_inputs=2, fw=None,
                  grad_output=_glu_double_backward_grad_output, self=_glu_double_backward_self)

__all__ += ["GLU", "GLU_BACKWARD"]


# soft margin: log(1 + exp(-y x)); only the input is differentiable
def soft_margin_loss_forward(self: Any, target: Any, reduction: int) -> Any:
    return _reduce(np.log1p(np.exp(-target * self)), reduction)


def soft_margin_loss_backward(grad_output: Any, self: Any, target: Any, reduction: int) -> Any:
    # d/dx = -y z / (1 + z), z = exp(-y x); in torch's order of operations
    z = np.exp(-target * self)
    return target * z * -_norm(reduction, np.shape(self)) / (1 + z) * grad_output


def _soft_margin_double_backward(F: Any, grad: Any, grad_output: Any, self: Any, target: Any,
                                 reduction: int) -> Any:
    # d/dx (-y z / (1 + z)) = y^2 z / (1 + z)^2
    z = F.exp(-target * self)
    w = target * target * z / ((1 + z) * (1 + z)) * _norm(reduction, tuple(self.shape))
    return grad * grad_output * w


SOFT_MARGIN_LOSS = op("SoftMarginLossBackward0", soft_margin_loss_forward, fw=None, n_inputs=2,
                      self=lambda F, grad, self, target, reduction: F.soft_margin_loss_backward(
                          grad, self, target, reduction))
# the gradient of grad_output comes out in the input's shape; the engine sums it to the
# reduced shape of grad_output
SOFT_MARGIN_LOSS_BACKWARD = op(
    "SoftMarginLossBackwardBackward0", soft_margin_loss_backward, fw=None, n_inputs=3,
    grad_output=lambda F, grad, self, target, reduction: F.soft_margin_loss_backward(
        grad, self, target, reduction),
    self=_soft_margin_double_backward)

__all__ += ["SOFT_MARGIN_LOSS", "SOFT_MARGIN_LOSS_BACKWARD"]


# ---- normalization and embedding ----------------------------------------------------------------


def _trailing(ndim: int, n: int) -> tuple:
    """The last ``n`` of ``ndim`` axes: the dims a layer norm normalises over."""
    return tuple(range(ndim - n, ndim))


def _layer_norm_stats(F: Any, x: Any, n: int, eps: float) -> tuple:
    """x - mean and 1 / sqrt(var + eps) over the last ``n`` dims (the biased variance)."""
    axes = _trailing(len(x.shape), n)
    count = math.prod(x.shape[len(x.shape) - n:])
    centred = x - F.reduce_sum(x, axes, True) * (1.0 / count)
    var = F.reduce_sum(centred * centred, axes, True) * (1.0 / count)
    return centred, F.rsqrt(var + eps), axes, count


def layer_norm_forward(input: Any, weight: Any, bias: Any, n: int, eps: float) -> Any:
    x = np.asarray(input)
    centred, rstd, _, _ = _layer_norm_stats(NUMPY, x, n, eps)
    out = centred * rstd * weight + bias
    return out.astype(x.dtype, copy=False)


def _layer_norm_input(F: Any, grad: Any, input: Any, weight: Any, n: int, eps: float) -> Any:
    # with xhat = (x - mean) rstd and gh = grad * weight:
    # dx = rstd (gh - mean(gh) - xhat mean(gh xhat)), means over the normalised dims
    centred, rstd, axes, count = _layer_norm_stats(F, input, n, eps)
    xhat = centred * rstd
    gh = grad * weight
    mean_gh = F.reduce_sum(gh, axes, True) * (1.0 / count)
    mean_ghx = F.reduce_sum(gh * xhat, axes, True) * (1.0 / count)
    return (gh - mean_gh - xhat * mean_ghx) * rstd


def _layer_norm_weight(F: Any, grad: Any, input: Any, n: int, eps: float) -> Any:
    # grad * xhat; the engine sums it over the leading dims to the weight's shape
    centred, rstd, _, _ = _layer_norm_stats(F, input, n, eps)
    return grad * (centred * rstd)


# weight and bias are always tensors here (ones and zeros stand in for None); ``n`` is the
# number of trailing dims normalised
LAYER_NORM = op("NativeLayerNormBackward0", layer_norm_forward, fw=None,
                input=_layer_norm_input, weight=_layer_norm_weight, bias=lambda F, grad: grad)


def embedding_forward(weight: Any, indices: Any, padding_idx: int) -> Any:
    # rows of the weight (its second-to-last axis, so a batch of weights in front works too)
    return np.take(weight, indices, axis=-2)


def _embedding_backward(F: Any, grad: Any, weight_shape: tuple, indices: Any,
                        padding_idx: int) -> Any:
    # each row's gradient summed into the row it was taken from; the padding row gets none
    lead = tuple(weight_shape[:-2])
    flat = F.reshape(grad, lead + (-1, weight_shape[-1]))
    out = F.index_select_backward(flat, tuple(weight_shape), len(lead),
                                  np.reshape(np.asarray(indices), -1))
    if padding_idx >= 0:
        out = F.index_fill(out, len(lead), np.array([padding_idx]), 0)
    return out


# padding_idx is -1 for none (torch's convention), already made non-negative otherwise
EMBEDDING = op("EmbeddingBackward0", embedding_forward, fw="linear", n_inputs=1,
               weight=_embedding_backward)


def _p_norm_backward(F: Any, grad: Any, self: Any, result: Any, ord: float, dim: tuple,
                     keepdim: bool) -> Any:
    from .reductions import _norm_backward

    return _norm_backward(F, grad, self, result, ord, dim, keepdim)


def _p_norm(self: Any, ord: float, dim: tuple, keepdim: bool) -> Any:
    from .reductions import _vector_norm

    return _vector_norm(self, ord, dim, keepdim)


# at::norm(x, p, dim, keepdim), which pairwise_distance calls: linalg.vector_norm's math under
# its own name
NORM_P = op("NormBackward1", _p_norm, fw=None, self=_p_norm_backward)


def _channel_axes(ndim: int, keep: int) -> tuple:
    """The axes batch norm reduces over: all but the ``keep`` leading (vmap) batch axes and the
    channel axis after them."""
    return (keep,) + tuple(range(keep + 2, ndim))


def _per_channel(p: Any, ndim: int, keep: int) -> Any:
    """A per-channel ``(*lead, C)`` value (``lead`` empty or the ``keep`` batch dims) shaped to
    broadcast against an input of ``ndim`` dims whose channels are on axis ``keep + 1``."""
    shape = tuple(p.shape)
    lead = shape[:-1] if len(shape) > 1 else (1,) * keep
    return p.reshape(lead + (1, shape[-1]) + (1,) * (ndim - keep - 2))


def _batch_norm_stats(F: Any, x: Any, running_mean: Any, running_var: Any, training: bool,
                      eps: float, keep: int) -> tuple:
    """x - mean and 1 / sqrt(var + eps): the batch's (biased variance) when training, else
    the running ones."""
    ndim = len(x.shape)
    axes = _channel_axes(ndim, keep)
    if not training:  # constants: arrays whatever F is
        dt = np.asarray(x).dtype if type(x) is ndarray else x._data.dtype
        mean = _per_channel(np.asarray(running_mean, dt), ndim, keep)
        var = _per_channel(np.asarray(running_var, dt), ndim, keep)
        return x - mean, (1 / np.sqrt(var + eps)).astype(dt, copy=False), axes
    count = math.prod(x.shape[a] for a in axes)
    centred = x - F.reduce_sum(x, axes, True) * (1.0 / count)
    var = F.reduce_sum(centred * centred, axes, True) * (1.0 / count)
    return centred, F.rsqrt(var + eps), axes


def batch_norm_forward(input: Any, weight: Any, bias: Any, running_mean: Any, running_var: Any,
                       training: bool, eps: float, keep: int) -> Any:
    x = np.asarray(input)
    centred, rstd, _ = _batch_norm_stats(NUMPY, x, running_mean, running_var, training, eps,
                                         keep)
    w = _per_channel(np.asarray(weight), x.ndim, keep)
    out = centred * rstd * w + _per_channel(np.asarray(bias), x.ndim, keep)
    return out.astype(x.dtype, copy=False)


def _batch_norm_input(F: Any, grad: Any, input: Any, weight: Any, running_mean: Any,
                      running_var: Any, training: bool, eps: float, keep: int) -> Any:
    centred, rstd, axes = _batch_norm_stats(F, input, running_mean, running_var, training, eps,
                                            keep)
    gh = grad * _per_channel(weight, len(input.shape), keep)
    if not training:  # the statistics are constants
        return gh * rstd
    # as layer_norm, over the reduced axes: rstd (gh - mean(gh) - xhat mean(gh xhat))
    count = math.prod(input.shape[a] for a in axes)
    xhat = centred * rstd
    mean_gh = F.reduce_sum(gh, axes, True) * (1.0 / count)
    mean_ghx = F.reduce_sum(gh * xhat, axes, True) * (1.0 / count)
    return (gh - mean_gh - xhat * mean_ghx) * rstd


def _batch_norm_weight(F: Any, grad: Any, input: Any, running_mean: Any, running_var: Any,
                       training: bool, eps: float, keep: int) -> Any:
    centred, rstd, axes = _batch_norm_stats(F, input, running_mean, running_var, training, eps,
                                            keep)
    return F.reduce_sum(grad * (centred * rstd), axes, False)


# weight and bias always tensors of the channels (ones and zeros stand in for None); the
# running statistics are constants; ``keep``: leading vmap batch dims (0 outside vmap)
BATCH_NORM = op("NativeBatchNormBackward0", batch_norm_forward, fw=None, n_inputs=3,
                input=_batch_norm_input, weight=_batch_norm_weight,
                bias=lambda F, grad, input_shape, keep: F.reduce_sum(
                    grad, _channel_axes(len(input_shape), keep), False))


def _group_norm_stats(F: Any, x: Any, group: int, eps: float, keep: int) -> tuple:
    """x - mean and 1 / sqrt(var + eps) per sample and group (the biased variance), in the
    grouped shape ``(*lead, N, group, rest)``; ``keep`` leading vmap batch dims."""
    shape = tuple(x.shape)
    grouped = F.reshape(x, shape[:keep + 1] + (group, -1))
    centred, rstd, _, _ = _layer_norm_stats(F, grouped, 1, eps)
    return centred, rstd


def group_norm_forward(input: Any, weight: Any, bias: Any, group: int, eps: float,
                       keep: int) -> Any:
    x = np.asarray(input)
    centred, rstd = _group_norm_stats(NUMPY, x, group, eps, keep)
    xhat = (centred * rstd).reshape(x.shape)
    out = xhat * _per_channel(np.asarray(weight), x.ndim, keep) + \
        _per_channel(np.asarray(bias), x.ndim, keep)
    return out.astype(x.dtype, copy=False)


def _group_norm_input(F: Any, grad: Any, input: Any, weight: Any, group: int, eps: float,
                      keep: int) -> Any:
    # layer_norm's formula within each group, with gh = grad * weight per channel
    shape = tuple(input.shape)
    centred, rstd = _group_norm_stats(F, input, group, eps, keep)
    gh = F.reshape(grad * _per_channel(weight, len(shape), keep), tuple(centred.shape))
    count = centred.shape[-1]
    xhat = centred * rstd
    mean_gh = F.reduce_sum(gh, (len(centred.shape) - 1,), True) * (1.0 / count)
    mean_ghx = F.reduce_sum(gh * xhat, (len(centred.shape) - 1,), True) * (1.0 / count)
    return F.reshape((gh - mean_gh - xhat * mean_ghx) * rstd, shape)


def _group_norm_weight(F: Any, grad: Any, input: Any, group: int, eps: float,
                       keep: int) -> Any:
    shape = tuple(input.shape)
    centred, rstd = _group_norm_stats(F, input, group, eps, keep)
    xhat = F.reshape(centred * rstd, shape)
    return F.reduce_sum(grad * xhat, _channel_axes(len(shape), keep), False)


# weight and bias always tensors of the channels (ones and zeros stand in for None)
GROUP_NORM = op("NativeGroupNormBackward0", group_norm_forward, fw=None, n_inputs=3,
                input=_group_norm_input, weight=_group_norm_weight,
                bias=lambda F, grad, input_shape, keep: F.reduce_sum(
                    grad, _channel_axes(len(input_shape), keep), False))

__all__ += ["BATCH_NORM", "EMBEDDING", "GROUP_NORM", "LAYER_NORM", "NORM_P"]
