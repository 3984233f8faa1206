"""``chainrule.nn.functional``: activations, softmax, losses, as ``torch.nn.functional``.

Functions dispatch to the table (``_ops/derivatives/nn.py`` and the other families). Composite
functions are composed as torch composes them, so their graphs carry torch's node names:
``cross_entropy`` is ``log_softmax`` then ``nll_loss``, ``l1_loss`` is ``abs`` then ``mean``.

>>> import chainrule as torch
>>> import chainrule.nn.functional as F
>>> x = torch.tensor([[1., 2., 3.]], requires_grad=True)
>>> loss = F.cross_entropy(x, torch.tensor([2]))
>>> loss.grad_fn.name()
'NllLossBackward0'
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from .._backend import np
from .._dtypes import SCALAR_NAMES, category
from .._ops import api
from .._ops import derivatives as D
from .._ops import formulas as _fm
from .._ops import linalg as _linalg
from .._ops.api import sigmoid, tanh
from .._ops.derivatives import nn as _nn
from .._ops.elementwise import masked_fill
from .._ops.inplace import apply_inplace
from .._ops.registry import GRAPH, NUMPY, binary_arrays, broadcast_check, call, call1, call_linear
from .._ops.shape import expand, reshape
from .._tensor import Tensor, _dim, _make
from ..autograd._modes import SPECIAL
from ..autograd.grad_mode import _state

__all__ = ["binary_cross_entropy", "binary_cross_entropy_with_logits", "cross_entropy",
           "dropout", "elu", "gelu", "hardtanh", "huber_loss", "l1_loss", "leaky_relu",
           "linear", "log_softmax", "logsigmoid", "mse_loss", "nll_loss", "one_hot", "pad",
           "relu", "relu6", "selu", "sigmoid", "silu", "smooth_l1_loss", "softmax", "softmin",
           "softplus", "tanh"]

_NONE, _MEAN, _SUM = _nn.NONE, _nn.MEAN, _nn.SUM


def _type_name(t: Tensor) -> str:
    return SCALAR_NAMES[t._data.dtype.name]


def _floating_only(input: Tensor, kernel: str) -> None:
    """torch's error for an integer or bool tensor reaching a floating-point kernel."""
    if category(input._data.dtype) < 2:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{_type_name(input)}\'')


# ---- activations --------------------------------------------------------------------------------

def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(input, 0), elementwise (``ReluBackward0``; the gradient at 0 is 0)."""
    if inplace:
        return apply_inplace(input, api.relu)
    return api.relu(input)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0,
             inplace: bool = False) -> Tensor:
    """``input`` clamped to [min_val, max_val] (``HardtanhBackward0``); unlike clamp, the
    gradient at min_val and max_val is 0.

    >>> import chainrule as torch
    >>> torch.nn.functional.hardtanh(torch.tensor([-2., 0.5, 2.]))
    tensor([-1.0000,  0.5000,  1.0000])
    """
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    if inplace:
        return apply_inplace(input, lambda t: hardtanh(t, min_val, max_val))
    dt = input._data.dtype
    if dt.kind == "b":
        raise RuntimeError("Bool inputs not supported for hardtanh")
    if category(dt) < 2:
        # integers clamp to the bounds as integers, outside autograd
        lo, hi = int(min_val), int(max_val)
        from .._ops import batching

        if batching.LEVELS:
            return batching.nondiff(lambda a: np.clip(a, lo, hi).astype(dt, copy=False),
                                    (input,), (input._data,))
        return _make(np.clip(input._data, lo, hi).astype(dt, copy=False))
    return call1(D.HARDTANH, input, (min_val, max_val))


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(input, 0), 6): ``hardtanh(input, 0, 6)``, as torch records it."""
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``negative_slope * input`` elsewhere (``LeakyReluBackward0``;
    the gradient at 0 is the negative slope)."""
    _floating_only(input, "leaky_relu_cpu")
    if inplace:
        return apply_inplace(input, lambda t: call1(D.LEAKY_RELU_INPLACE, t, (negative_slope,)))
    return call1(D.LEAKY_RELU, input, (negative_slope,))


def _elu(input: Tensor, alpha: float, scale: float, input_scale: float, inplace: bool) -> Tensor:
    _floating_only(input, "elu_cpu")
    args = (alpha, scale, input_scale)
    if inplace:
        return apply_inplace(input, lambda t: call1(D.ELU_INPLACE, t, args))
    return call1(D.ELU, input, args)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``input`` where positive, ``alpha * (exp(input) - 1)`` elsewhere (``EluBackward0``)."""
    return _elu(input, alpha, 1.0, 1.0, inplace)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """``scale * elu(input, alpha)`` with the self-normalising constants (``EluBackward0``)."""
    return _elu(input, _SELU_ALPHA, _SELU_SCALE, 1.0, inplace)


def gelu(input: Tensor, *, approximate: str = "none") -> Tensor:
    """``input * Phi(input)``, Phi the standard normal CDF; ``approximate='tanh'`` uses
    torch's tanh approximation (``GeluBackward0``)."""
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    _floating_only(input, "GeluKernelImpl")
    return call1(D.GELU, input, (approximate,))


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * sigmoid(input)`` (``SiluBackward0``)."""
    _floating_only(input, "silu_cpu")
    if inplace:
        return apply_inplace(input, lambda t: call1(D.SILU, t))
    return call1(D.SILU, input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * input)) / beta``, linear where ``beta * input > threshold``
    (``SoftplusBackward0``)."""
    _floating_only(input, "softplus_cpu")
    return call1(D.SOFTPLUS, input, (beta, threshold))


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(input))``, computed without overflow (``LogSigmoidBackward0``)."""
    _floating_only(input, "log_sigmoid_cpu")
    return call1(D.LOG_SIGMOID, input)


# ---- softmax ------------------------------------------------------------------------------------

def _get_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def _softmax(input: Tensor, dim: int, dtype: Any, log: bool) -> Tensor:
    if dtype is not None:
        input = api.to(input, dtype)
    ndim = input._data.ndim
    d = _dim(dim, ndim)
    if category(input._data.dtype) < 2:
        kind = "lastdim_kernel_impl" if d == max(ndim - 1, 0) else "kernel_impl"
        _floating_only(input, f"{'log_' if log else ''}softmax_{kind}")
    return call1(D.LOG_SOFTMAX if log else D.SOFTMAX, input, (d,))


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """``exp(input)`` normalised to sum to 1 along ``dim`` (``SoftmaxBackward0``); ``dtype``
    converts the input first.

    >>> import chainrule as torch
    >>> torch.nn.functional.softmax(torch.tensor([0., 0.]), dim=0)
    tensor([0.5000, 0.5000])
    """
    if dim is None:
        dim = _get_softmax_dim("softmax", input._data.ndim, _stacklevel)
    return _softmax(input, dim, dtype, False)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype: Any = None) -> Tensor:
    """``log(softmax(input, dim))``, computed stably (``LogSoftmaxBackward0``)."""
    if dim is None:
        dim = _get_softmax_dim("log_softmax", input._data.ndim, _stacklevel)
    return _softmax(input, dim, dtype, True)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype: Any = None) -> Tensor:
    """``softmax(-input, dim)``."""
    if dim is None:
        dim = _get_softmax_dim("softmin", input._data.ndim, _stacklevel)
    if dtype is not None:
        input = api.to(input, dtype)
    return _softmax(api.neg(input), dim, None, False)


def _softmax_method(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    return _softmax(self, dim, dtype, False)


def _log_softmax_method(self: Tensor, dim: int, dtype: Any = None) -> Tensor:
    return _softmax(self, dim, dtype, True)


# ---- linear and dropout -------------------------------------------------------------------------

def _linear_2d(input: Tensor, weight: Tensor, bias: Tensor | None) -> Tensor:
    """``addmm(bias, input, weight.t())``, or ``mm(input, weight.t())`` without a bias. For a
    C-ordered floating weight (every ``nn.Linear``) and a 1-d bias of its rows, through the
    ``LINEAR_`` entries, whose backward hands the weight its gradient in its own layout.
    Anything else (and every error) goes through ``addmm`` and ``matmul``."""
    a, b = input._data, weight._data
    dt = a.dtype
    if not (dt.kind == "f" and b.dtype is dt and b.ndim == 2 and b.flags.c_contiguous
            and a.shape[1] == b.shape[1]):
        wt = weight.t()
        return _linalg.matmul(input, wt) if bias is None else _linalg.addmm(bias, input, wt)
    if bias is not None and (bias._data.dtype is not dt or bias._data.shape != b.shape[:1]):
        return _linalg.addmm(bias, input, call1(D.TRANSPOSE_T, weight))
    if not SPECIAL[0]:
        return call_linear(D.LINEAR_MM if bias is None else D.LINEAR_ADDMM, D.TRANSPOSE_T, bias,
                           input, weight)
    wt = call1(D.TRANSPOSE_T, weight)
    if bias is None:
        return call(D.LINEAR_MM, (input, wt), (a, wt._data), (False, False))
    return call(D.LINEAR_ADDMM, (bias, input, wt), (bias._data, a, wt._data), (1, 1))


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``, for any leading dimensions of ``input``; composed as torch
    composes it (2-d: ``AddmmBackward0`` with bias, ``MmBackward0`` without).

    >>> import chainrule as torch
    >>> torch.nn.functional.linear(torch.ones(1, 2), torch.ones(3, 2), torch.zeros(3))
    tensor([[2., 2., 2.]])
    """
    ni, nw = input._data.ndim, weight._data.ndim
    if ni == 0 or nw == 0:
        raise RuntimeError(f"both arguments to linear need to be at least 1D, but they are "
                           f"{ni}D and {nw}D")
    if ni == 2:
        return _linear_2d(input, weight, bias)
    if bias is not None:
        if input.is_contiguous() and (ni == 3 or bias._data.ndim == 1):
            # flattened to 2-d for one addmm, then viewed back
            lead = input._data.shape[:-1]
            flat = reshape(input, (math.prod(lead), input._data.shape[-1]))
            out = _linear_2d(flat, weight, bias)
            return reshape(out, lead + (out._data.shape[1],))
    out = _linalg.matmul(input, weight.t())
    if bias is not None:
        out = api.add(out, bias)
    return out


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zeroes each element with probability ``p`` and scales the rest by ``1 / (1 - p)``,
    drawing from the generator exactly as torch does on CPU (``MulBackward0``).

    >>> import chainrule as torch
    >>> _ = torch.manual_seed(0)
    >>> torch.nn.functional.dropout(torch.ones(4), 0.5)
    tensor([0., 0., 2., 0.])
    """
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input._data.size == 0:
        return input
    if inplace:
        return apply_inplace(input, lambda t: _dropout(t, p))
    return _dropout(input, p)


def _dropout(input: Tensor, p: float) -> Tensor:
    dt = input._data.dtype
    if p == 1:
        # torch multiplies by a zero tensor: inf and nan inputs give nan
        return api.mul(input, _make(np.zeros((), dtype=dt)))
    # torch: noise = empty_like(input).bernoulli_(1 - p).div_(1 - p); input * noise
    from .. import _random  # numpy.random is a large import: only when dropout runs

    def draw(shape: tuple) -> Any:
        noise = _random.bernoulli(1 - p, shape, dt)
        if category(dt) < 2:
            raise RuntimeError(f"result type Float can't be cast to the desired output type "
                               f"{_type_name(input)}")
        if dt == np.float16:
            # the division runs in float, as torch's half kernels do
            return (noise.astype(np.float32) / np.float32(1 - p)).astype(dt)
        return noise / (1 - p)

    from .._ops import batching

    if batching.LEVELS:  # one mask for all samples, or one each (vmap's randomness)
        return api.mul(input, batching.random_tensor(draw, input._data.shape))
    return api.mul(input, _make(draw(input._data.shape)))


# ---- losses: argument handling ------------------------------------------------------------------

_REDUCTIONS = {"none": _NONE, "mean": _MEAN, "sum": _SUM}


def _reduction_enum(reduction: Any) -> int:
    if reduction == "elementwise_mean":
        warnings.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' "
                      "instead.", stacklevel=3)
        return _MEAN
    try:
        return _REDUCTIONS[reduction]
    except (KeyError, TypeError):
        raise ValueError(f"{reduction} is not a valid value for reduction") from None


def _legacy_reduction(size_average: Any, reduce: Any) -> str:
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", stacklevel=3)
    return ret


def _size_warning(input: Tensor, target: Tensor) -> None:
    if target._data.shape != input._data.shape:
        warnings.warn(f"Using a target size ({target.size()}) that is different to the input "
                      f"size ({input.size()}). This will likely lead to incorrect results due "
                      "to broadcasting. Please ensure they have the same size.", stacklevel=3)


def _broadcast_pair(input: Tensor, target: Tensor) -> tuple:
    """``torch.broadcast_tensors(input, target)``: each expanded (``ExpandBackward0``) only
    where its shape differs."""
    si, st = input._data.shape, target._data.shape
    if si == st:
        return input, target
    broadcast_check(si, st)
    shape = tuple(np.broadcast_shapes(si, st))
    return (input if si == shape else expand(input, shape),
            target if st == shape else expand(target, shape))


def _loss_arrays(input: Tensor, target: Tensor, kernel: str) -> tuple:
    a, b = binary_arrays(False, input, target)
    if category(np.result_type(a, b)) < 2:
        name = SCALAR_NAMES[np.result_type(a, b).name]
        raise NotImplementedError(f'"{kernel}" not implemented for \'{name}\'')
    return a, b


def _weighted(loss: Tensor, weight: Tensor, reduction: str, mean: Any) -> Tensor:
    """torch's Python path for an elementwise ``weight`` (mse, l1, huber)."""
    weighted = loss * weight
    if reduction == "none":
        return weighted
    if reduction == "sum":
        return api.sum(weighted)
    if reduction == "mean":
        return mean(weighted)
    raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', "
                     "'sum'.")


def _check_weight_size(weight: Tensor, input: Tensor) -> None:
    if weight._data.shape != input._data.shape:
        raise ValueError("Weights and input must have the same size.")


def _apply_reduction(loss: Tensor, reduction: int) -> Tensor:
    if reduction == _MEAN:
        return api.mean(loss)
    if reduction == _SUM:
        return api.sum(loss)
    return loss


# ---- regression losses --------------------------------------------------------------------------

def mse_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
             reduce: bool | None = None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """The (mean, summed or elementwise) squared difference (``MseLossBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.mse_loss(torch.tensor([1., 2.]), torch.tensor([1., 4.]))
    tensor(2.)
    """
    _size_warning(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        _check_weight_size(weight, input)
        sq = api.pow(api.sub(input, target), 2)
        return _weighted(sq, weight, reduction, lambda w: api.sum(w) / api.sum(weight))
    red = _reduction_enum(reduction)
    a, b = _loss_arrays(input, target, "mse_cpu")
    return call(D.MSE_LOSS, (input, target), (a, b), (red,))


def l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
            reduce: bool | None = None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """The (mean, summed or elementwise) absolute difference: ``abs(input - target)`` then
    the reduction, as torch composes it."""
    _size_warning(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    input, target = _broadcast_pair(input, target)
    if weight is not None:
        _check_weight_size(weight, input)
        err = api.abs(api.sub(input, target))
        return _weighted(err, weight, reduction, lambda w: api.sum(w) / api.sum(weight))
    red = _reduction_enum(reduction)
    return _l1(input, target, red)


def _l1(input: Tensor, target: Tensor, reduction: int) -> Tensor:
    return _apply_reduction(api.abs(api.sub(input, target)), reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """Squared below ``beta`` (``0.5 d^2 / beta``), absolute above (``|d| - beta / 2``)
    (``SmoothL1LossBackward0``; ``beta=0`` is ``l1_loss``)."""
    _size_warning(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    input, target = _broadcast_pair(input, target)
    red = _reduction_enum(reduction)
    if beta == 0.0:
        return _l1(input, target, red)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    a, b = _loss_arrays(input, target, "smooth_l1_cpu")
    return call(D.SMOOTH_L1_LOSS, (input, target), (a, b), (red, beta))


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Squared below ``delta`` (``0.5 d^2``), linear above (``delta (|d| - delta / 2)``)
    (``HuberLossBackward0``)."""
    _size_warning(input, target)
    input, target = _broadcast_pair(input, target)
    if weight is None:
        return _huber(input, target, _reduction_enum(reduction), delta)
    _check_weight_size(weight, input)
    return _weighted(_huber(input, target, _NONE, delta), weight, reduction, api.mean)


def _huber(input: Tensor, target: Tensor, red: int, delta: float) -> Tensor:
    if delta <= 0:
        raise RuntimeError("huber_loss does not support non-positive values for delta.")
    a, b = _loss_arrays(input, target, "huber_cpu")
    return call(D.HUBER_LOSS, (input, target), (a, b), (red, delta))


# ---- classification losses ----------------------------------------------------------------------

def _no_grad_weight(weight: Tensor | None, fn_name: str, arg: str = "weight") -> None:
    if weight is not None and weight._requires_grad and _state.grad_enabled:
        raise RuntimeError(f"The function '{fn_name}' is not differentiable with respect to "
                           f"argument '{arg}'. This input cannot have requires_grad True.")


def _target_array(target: Tensor) -> Any:
    d = target._data
    dt = d.dtype
    if dt not in (np.int64, np.uint8):
        raise RuntimeError(f"expected target dtype to be Long or Byte, but got "
                           f"{_type_name(target)}")
    if type(d) is not np.ndarray:
        d = np.asarray(d)
    return d if dt == np.int64 else d.astype(np.int64)


def _weight_array(weight: Tensor | None, input: Tensor) -> Any:
    if weight is None:
        return None
    if weight._data.dtype != input._data.dtype:
        raise RuntimeError(f"expected scalar type {_type_name(input)} but found "
                           f"{_type_name(weight)}")
    return np.asarray(weight._data)


def _check_targets(t: Any, n_classes: int, ignore_index: int) -> None:
    # read as unsigned, a negative target is above every class: one maximum finds both
    u = t.view(np.uint64)
    if not t.size or np.maximum.reduce(u, axis=None) < n_classes:
        return
    bad = u >= n_classes
    if (bad := bad & (t != ignore_index)).any():
        first = t.reshape(-1)[np.argmax(bad.reshape(-1))]
        raise IndexError(f"Target {first} is out of bounds.")


def _nll(input: Tensor, target: Tensor, weight: Tensor | None, reduction: int,
         ignore_index: int) -> Tensor:
    """nll_loss of a 1-d (C,) or 2-d (N, C) input (``NllLossBackward0``)."""
    if target._data.ndim > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    t = _target_array(target)
    n_classes = input._data.shape[-1]
    if weight is not None and (weight._data.ndim != 1 or weight._data.size != n_classes):
        raise RuntimeError(f"weight tensor should be defined either for all {n_classes} classes "
                           f"or no classes but got weight tensor of shape: "
                           f"{list(weight._data.shape)}")
    _floating_only(input, "nll_loss_out_frame")
    w = _weight_array(weight, input)
    _no_grad_weight(weight, "nll_loss_forward")
    _check_targets(t, n_classes, ignore_index)
    return call(D.NLL_LOSS, (input,), (input._data,), (t, w, reduction, ignore_index))


def _nll2d(input: Tensor, target: Any, target_dtype_of: Tensor, weight: Tensor | None,
           reduction: int, ignore_index: int) -> Tensor:
    """nll_loss of a 4-d (N, C, H, W) input and (N, H, W) target (``NllLoss2DBackward0``)."""
    t = _target_array(target_dtype_of).reshape(target.shape)
    ishape = input._data.shape
    if t.ndim != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got "
                           f"targets of dimension: {t.ndim}")
    if weight is not None and weight._data.size != ishape[1]:
        raise RuntimeError("weight tensor should be defined either for all or no classes")
    if (ishape[0], ishape[2], ishape[3]) != t.shape:
        raise RuntimeError(f"size mismatch (got input: {list(ishape)} , target: {list(t.shape)}")
    _floating_only(input, "nll_loss2d_forward_out_frame")
    w = _weight_array(weight, input)
    _no_grad_weight(weight, "nll_loss2d_forward")
    _check_targets(t, ishape[1], ignore_index)
    return call(D.NLL_LOSS2D, (input,), (input._data,), (t, w, reduction, ignore_index))


def _nll_loss_nd(input: Tensor, target: Tensor, weight: Tensor | None, reduction: int,
                 ignore_index: int) -> Tensor:
    ishape, tshape = input._data.shape, target._data.shape
    nd = len(ishape)
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    if nd != 1 and ishape[0] != (tshape[0] if tshape else 0):
        raise ValueError(f"Expected input batch_size ({ishape[0]}) to match target batch_size "
                         f"({tshape[0] if tshape else 0}).")
    if nd == 1 and len(tshape) == 1 and tshape[0] != 1:
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                         f"{tshape[0]}")
    if nd <= 2:
        return _nll(input, target, weight, reduction, ignore_index)
    if nd == 4:
        return _nll2d(input, target._data, target, weight, reduction, ignore_index)
    # 3 or more than 4 dims: viewed as (N, C, 1, rest) and (N, 1, rest), the result viewed back
    n, c = ishape[:2]
    out_size = (n,) + ishape[2:]
    if tshape[1:] != ishape[2:]:
        raise RuntimeError(f"Expected target size {list(out_size)}, got {list(tshape)}")
    flat = input._data.size > 0
    x = reshape(input, (n, c, 1, math.prod(ishape[2:])) if flat else (n, c, 0, 0))
    t = np.reshape(target._data, (n, 1, math.prod(tshape[1:])) if target._data.size else
                   (n, 0, 0))
    out = _nll2d(x, t, target, weight, reduction, ignore_index)
    return out if reduction != _NONE else reshape(out, out_size)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
             size_average: bool | None = None, ignore_index: int = -100,
             reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """The negative log-likelihood of class indices ``target`` under log-probabilities
    ``input`` (classes on dim 1, or a single sample (C,)); a weighted mean divides by the
    weights of the targets that count (``NllLossBackward0``)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    return _nll_loss_nd(input, target, weight, _reduction_enum(reduction), ignore_index)


def _class_weight_view(weight: Tensor, ndim: int, class_dim: int) -> Tensor:
    if ndim <= 1:
        return weight
    shape = [1] * ndim
    shape[class_dim] = weight._data.shape[0]
    return reshape(weight, tuple(shape))


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average: bool | None = None, ignore_index: int = -100,
                  reduce: bool | None = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """The cross entropy of logits ``input`` against class indices, or against class
    probabilities (a float ``target`` of ``input``'s shape): ``log_softmax`` then
    ``nll_loss`` for indices (``NllLossBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.cross_entropy(torch.tensor([[0., 0.]]), torch.tensor([1]))
    tensor(0.6931)
    """
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    red = _reduction_enum(reduction)
    class_dim = 0 if input._data.ndim == 1 else 1
    if input._data.shape == target._data.shape:
        if category(target._data.dtype) < 2:
            raise RuntimeError(f"Expected floating point type for target with class "
                               f"probabilities, got {_type_name(target)}")
        if ignore_index >= 0:
            raise RuntimeError("ignore_index is not supported for floating point target")
        return _cross_entropy_probs(input, target, weight, red, label_smoothing, class_dim)
    if label_smoothing > 0.0:
        _check_label_smoothing(label_smoothing)
        return _cross_entropy_smoothed(input, target, weight, red, ignore_index,
                                       label_smoothing, class_dim)
    return _nll_loss_nd(log_softmax(input, class_dim), target, weight, red, ignore_index)


def _check_label_smoothing(label_smoothing: float) -> None:
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: "
                           f"{label_smoothing:g}")


def _cross_entropy_probs(input: Tensor, target: Tensor, weight: Tensor | None, red: int,
                         label_smoothing: float, class_dim: int) -> Tensor:
    n_classes = input._data.shape[class_dim]
    if weight is not None and (weight._data.ndim != 1 or weight._data.size != n_classes):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all "
                           f"{n_classes} classes or no classes but got weight tensor of shape: "
                           f"{list(weight._data.shape)}")
    logp = log_softmax(input, class_dim)
    if label_smoothing > 0.0:
        _check_label_smoothing(label_smoothing)
        target = call1(D.ADD_SCALAR, call1(D.MUL_SCALAR, target, (1 - label_smoothing,)),
                       (label_smoothing / n_classes,))
    prod = logp * target
    if weight is not None:
        prod = prod * _class_weight_view(weight, logp._data.ndim, class_dim)
    if red == _NONE:
        return api.neg(api.sum(prod, class_dim))
    total = api.neg(api.sum(prod))
    if red == _SUM:
        return total
    if input._data.size == 0:
        return api.mul(total, math.nan)
    return call1(D.DIV_SCALAR, total, (input._data.size // n_classes,))


def _cross_entropy_smoothed(input: Tensor, target: Tensor, weight: Tensor | None, red: int,
                            ignore_index: int, label_smoothing: float,
                            class_dim: int) -> Tensor:
    # (1 - eps) * nll + eps / C * (the loss against the uniform distribution), as torch
    logp = log_softmax(input, class_dim)
    nll = _nll_loss_nd(logp, target, weight, red, ignore_index)
    n_classes = logp._data.shape[class_dim]
    if weight is not None:
        smooth = api.neg(api.sum(logp * _class_weight_view(weight, logp._data.ndim, class_dim),
                                 class_dim))
    else:
        smooth = api.neg(api.sum(logp, class_dim))
    t = np.asarray(target._data)
    ignored = t == ignore_index
    smooth = masked_fill(smooth, _make(ignored), 0.0)
    if red == _MEAN:
        if weight is not None:
            denom = _make(np.sum(np.asarray(weight._data)[t[~ignored]]))
        else:
            denom = _make(np.sum(~ignored))
        ret = api.sum(smooth) / denom
    elif red == _SUM:
        ret = api.sum(smooth)
    else:
        ret = smooth
    return api.add(call1(D.MUL_SCALAR, nll, (1 - label_smoothing,)),
                   call1(D.MUL_SCALAR, ret, (label_smoothing / n_classes,)))


def _broadcast_shapes_checked(*shapes: tuple) -> tuple:
    """``torch.broadcast_shapes`` with its message for shapes that do not broadcast."""
    from .._tensor import Size

    result: list = []
    for idx, shape in enumerate(shapes):
        for i in range(-1, -1 - len(shape), -1):
            if len(result) < -i:
                result.insert(0, shape[i])
            elif shape[i] != 1 and result[i] != 1 and shape[i] != result[i]:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[i]} at "
                                   f"{i}! Mismatching argument at index {idx} had "
                                   f"{Size(shape)!r}; but expected shape should be broadcastable "
                                   f"to {result}")
            elif result[i] == 1:
                result[i] = shape[i]
    return tuple(result)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """The binary cross entropy of probabilities ``input`` against ``target``, each log
    clamped at -100 (``BinaryCrossEntropyBackward0``)."""
    if size_average is not None or reduce is not None:
        red = _reduction_enum(_legacy_reduction(size_average, reduce))
    else:
        red = _reduction_enum(reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Using a target size ({target.size()}) that is different to the input "
                         f"size ({input.size()}) is deprecated. Please ensure they have the same "
                         "size.")
    if weight is not None:
        weight = expand(weight, _broadcast_shapes_checked(target._data.shape,
                                                          weight._data.shape))
    x, t = input._data, target._data
    if t.dtype != x.dtype:
        raise RuntimeError(f"Found dtype {_type_name(target)} but expected {_type_name(input)}")
    _floating_only(input, "binary_cross_entropy")
    _no_grad_weight(weight, "binary_cross_entropy")
    w = None if weight is None else np.asarray(weight._data).astype(x.dtype, copy=False)
    bad_x = ~((x >= 0) & (x <= 1))
    bad_t = ~((t >= 0) & (t <= 1))
    bad = bad_x | bad_t
    if np.any(bad):
        first = np.argmax(np.reshape(bad, -1))
        which = "input" if np.reshape(bad_x, -1)[first] else "target"
        raise RuntimeError(f"all elements of {which} should be between 0 and 1")
    return call(D.BINARY_CROSS_ENTROPY, (input, target), (x, t), (w, red))


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None,
                                     size_average: bool | None = None,
                                     reduce: bool | None = None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """The binary cross entropy of ``sigmoid(input)`` against ``target``, computed stably
    from the logits; ``pos_weight`` weighs the positive term
    (``BinaryCrossEntropyWithLogitsBackward0``)."""
    if size_average is not None or reduce is not None:
        red = _reduction_enum(_legacy_reduction(size_average, reduce))
    else:
        red = _reduction_enum(reduction)
    if target._data.shape != input._data.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size "
                         f"({input.size()})")
    _floating_only(input, "log_sigmoid_cpu")
    if category(target._data.dtype) < 2:
        raise RuntimeError(f"result type {_type_name(input)} can't be cast to the desired output "
                           f"type {_type_name(target)}")
    x, t = binary_arrays(False, input, target)
    shape = x.shape
    pw = None
    if pos_weight is not None:
        broadcast_check(pos_weight._data.shape, t.shape)
        pw = np.asarray(pos_weight._data).astype(x.dtype, copy=False)
        _no_grad_weight(pos_weight, "binary_cross_entropy_with_logits", "pos_weight")
    w = None
    if weight is not None:
        broadcast_check(shape, weight._data.shape)
        full = tuple(np.broadcast_shapes(shape, weight._data.shape))
        if full != shape:
            raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast "
                               f"shape {list(full)}")
        w = np.asarray(weight._data).astype(x.dtype, copy=False)
        _no_grad_weight(weight, "binary_cross_entropy_with_logits")
    return call(D.BINARY_CROSS_ENTROPY_WITH_LOGITS, (input, target), (x, t), (w, pw, red))


# ---- one_hot and pad ----------------------------------------------------------------------------

def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices as one-hot rows: an int64 tensor with a last dim of ``num_classes``
    (inferred as ``max + 1`` when -1).

    >>> import chainrule as torch
    >>> torch.nn.functional.one_hot(torch.tensor([0, 2]))
    tensor([[1, 0, 0],
            [0, 0, 1]])
    """
    t = np.asarray(tensor._data)
    if t.dtype != np.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if t.size == 0:
        if num_classes == -1:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return _make(np.zeros(t.shape + (num_classes,), dtype=np.int64))
    from .._ops import batching

    if batching.LEVELS and batching.link(tensor) is not None:
        if num_classes < 1:
            raise RuntimeError("When vmap-ing torch.nn.functional.one_hot, please provide an "
                               "explicit positive num_classes argument.")
        return batching.lift(lambda p, lead: _one_hot_array(p, num_classes), tensor)
    if t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(t.max()) + 1
    elif t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(t.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, t[..., None], 1, axis=-1)
    return _make(out)


def _one_hot_array(t: Any, num_classes: int) -> Any:
    if t.min() < 0:
        raise RuntimeError("Class values must be non-negative.")
    if t.max() >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(t.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, t[..., None], 1, axis=-1)
    return out


_PAD_MODES = ("constant", "reflect", "replicate", "circular")


def _pad_tuple(pad: Any) -> tuple:
    if not isinstance(pad, (tuple, list)):
        raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, not "
                        f"{type(pad).__name__}")
    for i, p in enumerate(pad):
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)):
            raise TypeError(f"pad(): argument 'pad' (position 2) must be tuple of ints, but "
                            f"found element of type {type(p).__name__} at pos {i}")
    return tuple(int(p) for p in pad)


def pad(input: Tensor, pad: Any, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pads the last ``len(pad) // 2`` dims by ``pad = (left, right, top, bottom, ...)``, the
    last dim first, with ``value`` (0 by default); negative amounts crop
    (``ConstantPadNdBackward0``). Only ``mode='constant'`` is implemented.

    >>> import chainrule as torch
    >>> torch.nn.functional.pad(torch.tensor([1., 2.]), (1, 2))
    tensor([0., 1., 2., 0., 0.])
    """
    amounts = _pad_tuple(pad)
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if mode != "constant":
        if value is not None and value != 0:
            raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
        raise NotImplementedError(f"F.pad: mode '{mode}' is not implemented in chainrule (only "
                                  "mode='constant' is)")
    return constant_pad_nd(input, amounts, 0 if value is None else value)


def constant_pad_nd(input: Tensor, pad: Any, value: float = 0) -> Tensor:
    """``torch.constant_pad_nd``: ``F.pad`` in mode ``'constant'``."""
    amounts = _pad_tuple(pad)
    shape = input._data.shape
    if len(amounts) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(amounts) > 2 * len(shape):
        raise RuntimeError(f"Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(amounts)} and input of "
                           f"dimension {len(shape)}")
    for i in range(len(amounts) // 2):
        size = shape[len(shape) - 1 - i]
        lo, hi = amounts[2 * i], amounts[2 * i + 1]
        # torch narrows for each negative amount in turn
        if size + min(lo, 0) < 0 or size + min(lo, 0) + min(hi, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
    if category(input._data.dtype) < 2:
        value = int(value)
    return call1(D.CONSTANT_PAD_ND, input, (amounts, value))


# ---- the formula namespaces: each backward op as a function of arrays and of tensors ------------

def _graph_op(entry: Any, n_tensors: int) -> Any:
    def recorded(*args: Any) -> Tensor:
        tensors = args[:n_tensors]
        arrays = tuple(t._data if isinstance(t, Tensor) else t for t in tensors)
        return call(entry, tensors, arrays, args[n_tensors:])

    recorded.__name__ = entry.node_name
    return recorded


_BACKWARD_OPS = {
    "hardtanh_backward": (D.HARDTANH_BACKWARD, 2),
    "leaky_relu_backward": (D.LEAKY_RELU_BACKWARD, 2),
    "elu_backward": (D.ELU_BACKWARD, 2),
    "gelu_backward": (D.GELU_BACKWARD, 2),
    "softplus_backward": (D.SOFTPLUS_BACKWARD, 2),
    "softmax_backward_data": (D.SOFTMAX_BACKWARD_DATA, 2),
    "log_softmax_backward_data": (D.LOG_SOFTMAX_BACKWARD_DATA, 2),
    "mse_loss_backward": (D.MSE_LOSS_BACKWARD, 3),
    "smooth_l1_loss_backward": (D.SMOOTH_L1_LOSS_BACKWARD, 3),
    "huber_loss_backward": (D.HUBER_LOSS_BACKWARD, 3),
    "binary_cross_entropy_backward": (D.BINARY_CROSS_ENTROPY_BACKWARD, 3),
    "nll_loss": (D.NLL_LOSS, 1),
    "nll_loss_backward": (D.NLL_LOSS_BACKWARD, 2),
    "nll_loss2d": (D.NLL_LOSS2D, 1),
    "nll_loss2d_backward": (D.NLL_LOSS2D_BACKWARD, 2),
    "log_sigmoid_backward": (D.LOG_SIGMOID_BACKWARD, 2),
    "constant_pad_nd": (D.CONSTANT_PAD_ND, 1),
}
for _name, (_entry, _n) in _BACKWARD_OPS.items():
    setattr(NUMPY, _name, _entry.forward)
    setattr(GRAPH, _name, _graph_op(_entry, _n))

NUMPY.div_scalar = D.DIV_SCALAR.forward
GRAPH.div_scalar = lambda t, other: call1(D.DIV_SCALAR, t, (other,))
NUMPY.mul_scalar = D.MUL_SCALAR.forward
GRAPH.mul_scalar = lambda t, other: call1(D.MUL_SCALAR, t, (other,))
NUMPY.sigmoid = D.SIGMOID.forward
GRAPH.sigmoid = sigmoid
NUMPY.tanh = np.tanh
GRAPH.tanh = tanh
NUMPY.log_sigmoid = _nn.log_sigmoid
GRAPH.log_sigmoid = logsigmoid
NUMPY.expand_view = D.arithmetic.expand_view
GRAPH.expand_view = lambda g, shape: GRAPH.expand(g, shape)
NUMPY.mean_view = D.arithmetic.mean_view
GRAPH.mean_view = lambda g, shape, dim, keepdim: _fm.mean_backward(GRAPH, g, shape, dim, keepdim)
NUMPY.mul_cos = D.arithmetic.mul_cos
GRAPH.mul_cos = lambda g, x: g * api.cos(x)
NUMPY.mul_positive = D.arithmetic.mul_positive
GRAPH.mul_positive = lambda g, result: call(D.THRESHOLD_BACKWARD, (g, result),
                                           (g._data, result._data))
NUMPY.sum_keepdim = _nn._sum_keepdim
GRAPH.sum_keepdim = lambda x, dim: api.sum(x, dim, keepdim=True)

# Tensor methods this family provides (``x.softmax(dim)``), for ``_ops/methods.py`` to install
METHODS = {"softmax": _softmax_method, "log_softmax": _log_softmax_method}


# ---- more activations and losses ----------------------------------------------------------------

from .._creation import zeros_like as _zeros_like  # noqa: E402
from .._ops import elementwise as _elementwise  # noqa: E402


def _activation(input: Tensor, entry: Any, kernel: str, inplace: bool) -> Tensor:
    """A one-input activation of the table, out of place or in place."""
    _floating_only(input, kernel)
    if inplace:
        return apply_inplace(input, lambda t: call1(entry, t))
    return call1(entry, input)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * relu6(input + 3) / 6`` (``HardswishBackward0``; the gradient is 0 at -3 and 1
    at 3).

    >>> import chainrule as torch
    >>> torch.nn.functional.hardswish(torch.tensor([-4., 0., 1.5, 4.]))
    tensor([-0.0000,  0.0000,  1.1250,  4.0000])
    """
    return _activation(input, D.HARDSWISH, "hardswish_cpu", inplace)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """``relu6(input + 3) / 6`` (``HardsigmoidBackward0``; torch has no second derivative).

    >>> import chainrule as torch
    >>> torch.nn.functional.hardsigmoid(torch.tensor([-4., 0., 1.5]))
    tensor([0.0000, 0.5000, 0.7500])
    """
    return _activation(input, D.HARDSIGMOID, "hardsigmoid_cpu", inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """``input * tanh(softplus(input))`` (``MishBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.mish(torch.tensor([0., 1.]))
    tensor([0.0000, 0.8651])
    """
    return _activation(input, D.MISH, "mish_cpu", inplace)


def softsign(input: Tensor) -> Tensor:
    """``input / (1 + |input|)``, composed as torch composes it (``DivBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.softsign(torch.tensor([-1., 3.]))
    tensor([-0.5000,  0.7500])
    """
    return input / (api.abs(input) + 1)


def tanhshrink(input: Tensor) -> Tensor:
    """``input - tanh(input)``, composed as torch composes it (``SubBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.tanhshrink(torch.tensor([0., 1.]))
    tensor([0.0000, 0.2384])
    """
    return input - tanh(input)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """``input`` where it is above ``threshold`` (strictly), ``value`` elsewhere
    (``ThresholdBackward0``; in place ``ThresholdBackward1``).

    >>> import chainrule as torch
    >>> torch.nn.functional.threshold(torch.tensor([-1., 0.5, 2.]), 0.5, -3.)
    tensor([-3., -3.,  2.])
    """
    args = (threshold, value)
    if inplace:
        return apply_inplace(input, lambda t: call1(D.THRESHOLD_INPLACE, t, args))
    return call1(D.THRESHOLD, input, args)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """In-place ``threshold``."""
    return globals()["threshold"](input, threshold, value, True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``max(0, x) + min(0, alpha * (exp(x / alpha) - 1))`` (``CeluBackward0``; in place
    ``CeluBackward1``).

    >>> import chainrule as torch
    >>> torch.nn.functional.celu(torch.tensor([-1., 1.]), 2.)
    tensor([-0.7869,  1.0000])
    """
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    _floating_only(input, "elu_cpu")
    if inplace:
        return apply_inplace(input, lambda t: call1(D.CELU_INPLACE, t, (alpha,)))
    return call1(D.CELU, input, (alpha,))


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place ``celu``."""
    return celu(input, alpha, True)


def selu_(input: Tensor) -> Tensor:
    """In-place ``selu``."""
    return selu(input, True)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place ``elu``."""
    return elu(input, alpha, True)


def relu_(input: Tensor) -> Tensor:
    """In-place ``relu``."""
    return relu(input, True)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place ``leaky_relu``."""
    return leaky_relu(input, negative_slope, True)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place ``hardtanh``."""
    return hardtanh(input, min_val, max_val, True)


_DTYPE_MAX = {"float16": ("Half", "65504"), "float32": ("Float", "3.40282e+38"),
              "float64": ("Double", "1.79769e+308")}


def softshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``input - lambd`` above ``lambd``, ``input + lambd`` below ``-lambd``, 0 between
    (``SoftshrinkBackward0``; the gradient at +-lambd is 0).

    >>> import chainrule as torch
    >>> torch.nn.functional.softshrink(torch.tensor([-1., 0.2, 2.]))
    tensor([-0.5000,  0.0000,  1.5000])
    """
    _floating_only(input, "softshrink_check")
    name, top = _DTYPE_MAX.get(input._data.dtype.name, ("", ""))
    if name and not 0 <= lambd <= float(top):
        raise RuntimeError(f"lambda must be in range [0, {top}] for input dtype {name}, but "
                           f"found {lambd:g}")
    return call1(D.SOFTSHRINK, input, (lambd,))


def hardshrink(input: Tensor, lambd: float = 0.5) -> Tensor:
    """``input`` outside ``[-lambd, lambd]``, 0 inside (``HardshrinkBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.hardshrink(torch.tensor([-1., 0.2, 2.]))
    tensor([-1.,  0.,  2.])
    """
    _floating_only(input, "hardshrink_cpu")
    return call1(D.HARDSHRINK, input, (lambd,))


def glu(input: Tensor, dim: int = -1) -> Tensor:
    """The first half of ``input`` along ``dim`` times the sigmoid of the second
    (``GluBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.glu(torch.tensor([2., 0.]))
    tensor([1.])
    """
    ndim = input._data.ndim
    if ndim == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    d = _dim(dim, ndim)
    size = input._data.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}")
    _floating_only(input, "glu_cpu")
    return call1(D.GLU, input, (d,))


def _loss_reduction(size_average: Any, reduce: Any, reduction: str) -> int:
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    return _reduction_enum(reduction)


_KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release.")


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """KL divergence of ``target`` from ``exp(input)``: ``target * (log(target) - input)``
    pointwise (``exp(target) * (target - input)`` with ``log_target``), then the reduction;
    ``'batchmean'`` divides the sum by the batch size. Composed as torch composes it.

    >>> import chainrule as torch
    >>> torch.nn.functional.kl_div(torch.tensor([0., 0.]), torch.tensor([0.5, 0.5]),
    ...                            reduction="sum")
    tensor(-0.6931)
    """
    if size_average is not None or reduce is not None:
        red = _reduction_enum(_legacy_reduction(size_average, reduce))
    else:
        if reduction == "mean":
            warnings.warn(_KL_MEAN_WARNING, stacklevel=2)
        red = _reduction_enum("sum" if reduction == "batchmean" else reduction)
    if log_target:
        out = api.exp(target) * (target - input)
    else:
        out = _elementwise.xlogy(target, target) - target * input
    reduced = _apply_reduction(out, red)
    if reduction == "batchmean" and input._data.ndim != 0:
        reduced = reduced / input._data.shape[0]
    return reduced


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)``, then the reduction.

    >>> import chainrule as torch
    >>> torch.nn.functional.margin_ranking_loss(torch.tensor([1., 2.]), torch.tensor([2., 1.]),
    ...                                         torch.tensor([1., 1.]))
    tensor(0.5000)
    """
    red = _loss_reduction(size_average, reduce, reduction)
    if input1.dim() != input2.dim() or input1.dim() != target.dim():
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.size()}, input2: {input2.size()}, target: {target.size()} ")
    out = _elementwise.clamp_min(-target * (input1 - input2) + margin, 0)
    return _apply_reduction(out, red)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """``input`` where ``target`` is 1, ``max(0, margin - input)`` where it is -1 (both terms
    for any other target), then the reduction.

    >>> import chainrule as torch
    >>> torch.nn.functional.hinge_embedding_loss(torch.tensor([0.3, 2.]),
    ...                                          torch.tensor([1., -1.]), reduction="none")
    tensor([0.3000, 0.0000])
    """
    red = _loss_reduction(size_average, reduce, reduction)
    zeros = _zeros_like(input)
    margin_clamp = _elementwise.clamp_min(margin - input, 0)
    output_margin = _elementwise.where(target != 1, margin_clamp, zeros)
    output_self = _elementwise.where(target != -1, input, zeros)
    return _apply_reduction(output_margin + output_self, red)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """``log(1 + exp(-target * input))``, then the reduction (``SoftMarginLossBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.soft_margin_loss(torch.tensor([0.]), torch.tensor([1.]))
    tensor(0.6931)
    """
    red = _loss_reduction(size_average, reduce, reduction)
    if target.requires_grad and _state.grad_enabled:
        raise RuntimeError("The function 'soft_margin_loss' is not differentiable with respect "
                           "to argument 'target'. This input cannot have requires_grad True.")
    dt = input._data.dtype
    if dt.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator "
                           "instead.")
    if category(dt) < 2:
        # the loss is written into a tensor of the input's dtype
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{_type_name(input)}")
    a, b = _loss_arrays(input, target, "soft_margin_loss")
    return call(D.SOFT_MARGIN_LOSS, (input, target), (a, b), (red,))


for _name, (_entry, _n) in {
    "soft_margin_loss_backward": (D.SOFT_MARGIN_LOSS_BACKWARD, 3),
    "glu_backward": (D.GLU_BACKWARD, 2),
    "hardswish_backward": (D.HARDSWISH_BACKWARD, 2),
    "hardsigmoid_backward": (D.HARDSIGMOID_BACKWARD, 2),
    "threshold_backward": (D.THRESHOLD_BACKWARD_AT, 2),
    "softshrink_backward": (D.SOFTSHRINK_BACKWARD, 2),
    "hardshrink_backward": (D.HARDSHRINK_BACKWARD, 2),
}.items():
    setattr(NUMPY, _name, _entry.forward)
    setattr(GRAPH, _name, _graph_op(_entry, _n))

__all__ += ["celu", "celu_", "elu_", "glu", "hardshrink", "hardsigmoid", "hardswish", "hardtanh_",
            "hinge_embedding_loss", "kl_div", "leaky_relu_", "margin_ranking_loss",
            "mish", "relu_", "selu_", "soft_margin_loss", "softshrink", "softsign",
            "tanhshrink", "threshold", "threshold_"]


# ---- normalization and embedding ----------------------------------------------------------------

def layer_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """``(input - mean) / sqrt(var + eps) * weight + bias``, the mean and biased variance
    over the last ``len(normalized_shape)`` dims (``NativeLayerNormBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.layer_norm(torch.tensor([[1., 3.]]), (2,))
    tensor([[-1.0000,  1.0000]])
    """
    ns = _normalized_shape(input, normalized_shape, (("weight", weight), ("bias", bias)),
                           "[*, ")
    n = len(ns)
    _floating_only(input, "LayerNormKernelImpl")
    dt = input._data.dtype
    if any(t is not None and t._data.dtype != dt for t in (weight, bias)):
        if dt == np.float32:  # a float input's parameters may only be float too
            raise RuntimeError("mixed dtype (CPU): expect parameter to have scalar type of Float")
        raise RuntimeError("mixed dtype (CPU): all inputs must share same datatype.")
    # absent weight and bias act as ones and zeros: constants of the normalised shape
    w = _make(np.ones(ns, dt)) if weight is None else weight
    b = _make(np.zeros(ns, dt)) if bias is None else bias
    return call(D.LAYER_NORM, (input, w, b), (input._data, w._data, b._data), (n, eps))


def _normalized_shape(input: Tensor, normalized_shape: Any, params: tuple,
                      opening: str) -> tuple:
    """``normalized_shape`` as a tuple, checked against the input and the parameters as torch
    checks it (``opening`` starts the expected shape: ``[*, `` for layer_norm, ``[*`` for
    rms_norm)."""
    ns = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    shape = input._data.shape
    n = len(ns)
    if n == 0:
        raise RuntimeError(f"Expected normalized_shape to be at least 1-dimensional, i.e., "
                           f"containing at least one element, but got normalized_shape = "
                           f"{list(ns)}")
    for name, t in params:
        if t is not None and tuple(t._data.shape) != ns:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but "
                               f"got {name} of shape {list(t._data.shape)} and normalized_shape "
                               f"= {list(ns)}")
    if len(shape) < n or tuple(shape[len(shape) - n:]) != ns:
        raise RuntimeError(f"Given normalized_shape={list(ns)}, expected input with shape "
                           f"{opening}{', '.join(str(s) for s in ns)}], but got input of size"
                           f"{list(shape)}")
    return ns


def rms_norm(input: Tensor, normalized_shape: Any, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """``input / sqrt(mean(input ** 2) + eps) * weight``, the mean over the last
    ``len(normalized_shape)`` dims, ``eps`` the dtype's machine epsilon when None; composed as
    torch composes it (``MulBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.rms_norm(torch.tensor([[3., 4.]]), (2,), eps=0.0)
    tensor([[0.8485, 1.1314]])
    """
    ns = _normalized_shape(input, normalized_shape, (("weight", weight),), "[*")
    if category(input._data.dtype) < 2:
        _floating_only(input, "rms_norm")
    if eps is None:
        eps = float(np.finfo(input._data.dtype).eps)
    nd = input._data.ndim
    dims = tuple(range(nd - len(ns), nd))
    mean_sq = api.mean(api.pow(input, 2), dims, keepdim=True)
    out = api.mul(input, call1(D.ADD_SCALAR, mean_sq, (eps,)).rsqrt())
    return out if weight is None else api.mul(out, weight)


_INDEX_TYPES = ("int64", "int32")


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm: float | None = None, norm_type: float = 2.0,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """The rows of ``weight`` at the indices ``input`` (``EmbeddingBackward0``); the row
    ``padding_idx`` gets no gradient, and ``max_norm`` renormalises the rows looked up, in
    place, to at most that ``norm_type``-norm. ``scale_grad_by_freq`` and ``sparse`` are not
    implemented.

    >>> import chainrule as torch
    >>> torch.nn.functional.embedding(torch.tensor([1]), torch.tensor([[0., 1.], [2., 3.]]))
    tensor([[2., 3.]])
    """
    num = weight._data.shape[0]
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= num:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -num:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = num + padding_idx
    else:
        padding_idx = -1
    if scale_grad_by_freq or sparse:
        raise NotImplementedError("embedding: scale_grad_by_freq and sparse are not "
                                  "implemented in chainrule")
    idx = input._data
    if idx.dtype.name not in _INDEX_TYPES:
        raise RuntimeError(f"Expected tensor for argument #1 'indices' to have one of the "
                           f"following scalar types: Long, Int; but got torch."
                           f"{_type_name(input)}Tensor instead (while checking arguments for "
                           f"embedding)")
    if weight._data.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    if idx.size and (idx.min() < 0 or idx.max() >= num):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _embedding_renorm(weight, idx, max_norm, norm_type)
    return call(D.EMBEDDING, (weight,), (weight._data,), (idx, padding_idx))


def _embedding_renorm(weight: Tensor, idx: Any, max_norm: float, norm_type: float) -> None:
    # torch's embedding_renorm_, outside autograd: each row looked up whose norm exceeds
    # max_norm is scaled by max_norm / (norm + 1e-7)
    from .._ops.inplace import _bump

    w = weight._data
    rows = np.unique(idx)
    norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
    big = norms > max_norm
    if np.any(big):
        scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
        w[rows[big]] *= scale[:, None]
        _bump(weight)


def normalize(input: Tensor, p: float = 2.0, dim: int = 1, eps: float = 1e-12,
              out: Tensor | None = None) -> Tensor:
    """``input`` divided by its ``p``-norm along ``dim``, clamped below at ``eps``; composed as
    torch composes it (``DivBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.normalize(torch.tensor([[3., 4.]]))
    tensor([[0.6000, 0.8000]])
    """
    if out is not None:
        raise NotImplementedError("normalize: out= is not implemented in chainrule")
    denom = expand(input.norm(p, dim, keepdim=True).clamp_min(eps), input._data.shape)
    return api.div(input, denom)


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """The cosine of the angle between ``x1`` and ``x2`` along ``dim``, each norm clamped below
    at ``eps``; composed as torch composes it (``SumBackward1``; the clamp passes the
    gradient through, as torch's in-place clamp outside autograd does).

    >>> import chainrule as torch
    >>> torch.nn.functional.cosine_similarity(torch.tensor([[1., 0.]]), torch.tensor([[1., 1.]]))
    tensor([0.7071])
    """
    from .. import linalg

    s1, s2 = x1._data.shape, x2._data.shape
    if s1 != s2:
        broadcast_check(s1, s2)
        shape = tuple(np.broadcast_shapes(s1, s2))
        x1 = x1 if s1 == shape else expand(x1, shape)
        x2 = x2 if s2 == shape else expand(x2, shape)
    n1 = api.clone(linalg.vector_norm(x1, 2, dim, keepdim=True))
    n2 = api.clone(linalg.vector_norm(x2, 2, dim, keepdim=True))
    # torch clamps the norms in place under no_grad: the clamp is not recorded
    n1._data = np.maximum(n1._data, eps).astype(n1._data.dtype, copy=False)
    n2._data = np.maximum(n2._data, eps).astype(n2._data.dtype, copy=False)
    return api.sum(api.mul(api.div(x1, n1), api.div(x2, n2)), dim)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """The ``p``-norm of ``x1 - x2 + eps`` along the last dim; composed as torch composes it
    (``NormBackward1``).

    >>> import chainrule as torch
    >>> torch.nn.functional.pairwise_distance(torch.tensor([[0., 0.]]), torch.tensor([[3., 4.]]),
    ...                                       eps=0.0)
    tensor([5.])
    """
    d = max(x1._data.ndim, x2._data.ndim) - 1
    diff = call1(D.ADD_SCALAR, api.sub(x1, x2), (eps,))
    if diff._data.dtype.kind != "f":
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {_type_name(diff)} instead.")
    dims = (d,) if diff._data.ndim else ()
    return call1(D.NORM_P, diff, (float(p), dims, bool(keepdim)))


__all__ += ["cosine_similarity", "embedding", "layer_norm", "normalize", "pairwise_distance",
            "rms_norm"]


def _verify_batch_size(size: tuple) -> None:
    if size[0] * math.prod(size[2:]) == 1:
        from .._tensor import Size

        raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                         f"{Size(size)!r}")


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalises each channel (dim 1) by the batch's mean and biased variance when
    ``training`` (updating the running statistics in place with ``momentum`` and the unbiased
    variance), else by the running statistics (``NativeBatchNormBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.batch_norm(torch.tensor([[1.], [3.]]), None, None, training=True)
    tensor([[-1.0000],
            [ 1.0000]])
    """
    shape = input._data.shape
    if training:
        _verify_batch_size(shape)
    n_channels = shape[1] if len(shape) > 1 else 1
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if t is not None and t._data.size != n_channels:
            raise RuntimeError(f"{name} should contain {n_channels} elements not "
                               f"{t._data.size}")
    if not training and (running_mean is None or running_var is None):
        which = "running_mean" if running_mean is None else "running_var"
        raise RuntimeError(f"{which} must be defined in evaluation mode")
    _floating_only(input, "batch_norm")
    from .._ops import batching

    if batching.LEVELS and training and running_mean is not None:
        raise NotImplementedError("batch_norm: updating running statistics under vmap is not "
                                  "implemented in chainrule")
    x = input._data
    dt = x.dtype
    w = _make(np.ones(n_channels, dt)) if weight is None else weight
    b = _make(np.zeros(n_channels, dt)) if bias is None else bias
    rm = None if running_mean is None else running_mean._data
    rv = None if running_var is None else running_var._data
    out = call(D.BATCH_NORM, (input, w, b), (x, w._data, b._data),
               (rm, rv, bool(training), eps, 0))
    if training and running_mean is not None:
        _update_running_stats(x, running_mean, running_var, momentum)
    return out


def _update_running_stats(x: Any, running_mean: Tensor, running_var: Tensor,
                          momentum: float) -> None:
    # running = (1 - momentum) running + momentum batch, with the unbiased batch variance
    from .._ops.inplace import _bump

    axes = _nn._channel_axes(x.ndim, 0)
    n = math.prod(x.shape[a] for a in axes)
    mean = np.mean(x, axis=axes)
    var = np.var(x, axis=axes) * (n / (n - 1))
    for t, batch in ((running_mean, mean), (running_var, var)):
        if t is None:
            continue
        a = t._data
        a[...] = ((1 - momentum) * a + momentum * batch).astype(a.dtype, copy=False)
        _bump(t)


__all__ += ["batch_norm"]


def group_norm(input: Tensor, num_groups: int, weight: Tensor | None = None,
               bias: Tensor | None = None, eps: float = 1e-5) -> Tensor:
    """Normalises each sample's channels (dim 1) in ``num_groups`` groups by the group's mean
    and biased variance, then scales and shifts each channel (``NativeGroupNormBackward0``).

    >>> import chainrule as torch
    >>> torch.nn.functional.group_norm(torch.tensor([[1., 3., 0., 2.]]), 2)
    tensor([[-1.0000,  1.0000, -1.0000,  1.0000]])
    """
    shape = input._data.shape
    if len(shape) < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{len(shape)}")
    n_channels = shape[1]
    if n_channels % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by "
                           f"num_groups, but got input of shape {list(shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t._data.ndim != 1 or t._data.size != n_channels):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape "
                               f"{list(t._data.shape)} and input of shape {list(shape)}")
    _floating_only(input, "GroupNormKernelImpl")
    dt = input._data.dtype
    w = _make(np.ones(n_channels, dt)) if weight is None else weight
    b = _make(np.zeros(n_channels, dt)) if bias is None else bias
    return call(D.GROUP_NORM, (input, w, b), (input._data, w._data, b._data),
                (num_groups, eps, 0))


__all__ += ["group_norm"]
