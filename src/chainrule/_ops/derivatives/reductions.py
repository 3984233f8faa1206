"""The op table, reductions: prod, var, std, max/min, norms, cumulative ops, sort.

Forwards work on whole arrays; the formulas follow torch's ``FunctionsManual.cpp``, so ties,
zeros and nans get torch's gradients. Formula helpers too long for a lambda are the
``_..._backward`` functions below; the ``F`` functions they use beyond registry.py's
(``count``, ``reduce_sum``, ``cumsum``, ``flip_dim``, ``exclusive_cumprod``, ``scatter_along``,
``scatter_add_along``, ``fill_where``, ``cumprod_backward``) are registered by
``_ops/reductions.py`` in both namespaces.
"""

from __future__ import annotations

import math
from typing import Any

from ..._backend import np, preserving, row_major
from .. import formulas as fm
from ..batching import full_data
from ..registry import op

# ---- forwards on arrays ----------------------------------------------------------------------

_ACC = {np.dtype(np.float16): np.float32, np.dtype(np.float32): np.float64}


def _row_major(out: Any, x: Any) -> Any:
    # torch allocates the results of reductions, cumulative ops, topk and the like row-major
    # whatever the input's layout (NumPy follows the input's)
    if x.flags.c_contiguous:
        return out
    if type(out) is tuple:
        return tuple(row_major(o) for o in out)
    return row_major(out)


def _cumulative(ufunc: Any, x: Any, dim: int) -> Any:
    # torch accumulates float32 (float16) cumulative sums and products in float64 (float32)
    x = np.asarray(x)
    if x.ndim == 0:
        return x.copy()
    acc = _ACC.get(x.dtype)
    if acc is None:
        return _row_major(ufunc.accumulate(x, axis=dim), x)
    return _row_major(ufunc.accumulate(x, axis=dim, dtype=acc).astype(x.dtype), x)


def _cummax_cummin(x: Any, dim: int, is_max: bool) -> tuple:
    """Running max (min) and the index it came from. As torch: an equal value moves the index
    forward (``>=``), a nan is taken and then kept, and every later nan moves the index."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    values = (np.maximum if is_max else np.minimum).accumulate(x, axis=dim)
    # the index moves exactly where x equals the running value, or is nan
    moved = x == values
    if x.dtype.kind in "fc":
        moved |= np.isnan(x)
    shape = [1] * x.ndim
    shape[dim] = x.shape[dim]
    positions = np.where(moved, np.arange(x.shape[dim]).reshape(shape), 0)
    return _row_major((values, np.maximum.accumulate(positions, axis=dim).astype(np.int64)), x)


def _argsort(x: Any, dim: int, descending: bool) -> Any:
    """Stable sort order along ``dim``; nan sorts above every number (last ascending, first
    descending); equal values keep their order either way."""
    if not descending:
        return np.argsort(x, axis=dim, kind="stable")
    # stable ascending order of the reversed array, reversed: descending, ties in input order
    n = x.shape[dim]
    order = np.argsort(np.flip(x, dim), axis=dim, kind="stable")
    return np.flip(n - 1 - order, dim)


def _sort(self: Any, dim: int, descending: bool) -> tuple:
    x = np.asarray(self)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = _argsort(x, dim, descending)
    values, idx = np.take_along_axis(x, idx, axis=dim), idx.astype(np.int64)
    if x.flags.c_contiguous:
        return values, idx
    # torch sorts into the input's layout (preserve_format)
    return preserving(values, x), preserving(idx, x)


def _topk(self: Any, k: int, dim: int, largest: bool) -> tuple:
    x = np.asarray(self)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = np.take(_argsort(x, dim, largest), np.arange(k), axis=dim)
    return _row_major((np.take_along_axis(x, idx, axis=dim), idx.astype(np.int64)), x)


def _pick(x: Any, idx: Any, dim: int, keepdim: bool) -> tuple:
    """``x`` at ``idx`` (one index per slice along ``dim``, kept as a size-1 dim)."""
    values = np.take_along_axis(x, idx, axis=dim)
    if not keepdim:
        values = np.squeeze(values, dim)
        idx = np.squeeze(idx, dim)
    return _row_major((values, idx.astype(np.int64)), x)


def _kthvalue(self: Any, k: int, dim: int, keepdim: bool) -> tuple:
    x = np.asarray(self)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    idx = np.take(_argsort(x, dim, False), [k - 1], axis=dim)
    return _pick(x, idx, dim, keepdim)


def _nan_mask(x: Any) -> Any:
    return np.isnan(x) if x.dtype.kind in "fc" else None


def _median_all(x: Any, ignore_nan: bool) -> Any:
    """The lower median of all elements: nan when any is nan (``median``) or when all are
    (``nanmedian``)."""
    flat = np.ravel(x)
    nan = _nan_mask(flat)
    n = flat.size
    if nan is not None and nan.any():
        if not ignore_nan:
            return np.array(np.nan, flat.dtype)
        n -= int(nan.sum())
    if n == 0:
        # nan; for integers torch's cast of nan (int64: its smallest value)
        with np.errstate(invalid="ignore"):
            return np.array(np.nan).astype(flat.dtype)
    k = (n - 1) // 2
    return np.partition(flat, k)[k]  # nan partitions to the end


def _median_dim(x: Any, dim: int, keepdim: bool, ignore_nan: bool) -> tuple:
    """Lower median along ``dim`` and its index in the stable sort order (torch's choice among
    ties). ``median``: a slice holding a nan gives nan at its first nan. ``nanmedian``: the
    median of the numbers, nan (at the first index) for a slice of nans only."""
    x = np.asarray(x)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    order = _argsort(x, dim, False)
    n = x.shape[dim]
    nan = _nan_mask(x)
    if nan is None:
        return _pick(x, np.take(order, [(n - 1) // 2], axis=dim), dim, keepdim)
    has_nan = nan.any(axis=dim, keepdims=True)
    if ignore_nan:
        count = n - nan.sum(axis=dim, keepdims=True)
        k = np.maximum(count - 1, 0) // 2
        idx = np.take_along_axis(order, k, axis=dim)
        idx = np.where(count == 0, 0, idx)
    else:
        idx = np.take(order, [(n - 1) // 2], axis=dim)
        idx = np.where(has_nan, np.argmax(nan, axis=dim, keepdims=True), idx)
    return _pick(x, idx, dim, keepdim)


def _mode(self: Any, dim: int, keepdim: bool) -> tuple:
    """The most frequent value along ``dim`` (the smallest among equally frequent ones) and
    its last index."""
    x = np.asarray(self)
    if x.ndim == 0:
        return x.copy(), np.zeros((), np.int64)
    order = np.argsort(x, axis=dim, kind="stable")
    s = np.take_along_axis(x, order, axis=dim)
    n = x.shape[dim]
    shape = [1] * x.ndim
    shape[dim] = n
    pos = np.arange(n).reshape(shape)
    # runs of equal values in sorted order: where each starts and where each ends
    change = np.diff(s, axis=dim) != 0
    edge = np.ones_like(np.take(s, [0], axis=dim), dtype=bool)
    first = np.concatenate([edge, change], axis=dim)
    last = np.concatenate([change, edge], axis=dim)
    start = np.maximum.accumulate(np.where(first, pos, 0), axis=dim)
    run = np.where(last, pos - start + 1, 0)
    # the first longest run in sorted order: the smallest of the most frequent values
    end = np.argmax(run, axis=dim)
    end = np.expand_dims(end, dim)
    return _pick(x, np.take_along_axis(order, end, axis=dim), dim, keepdim)


def _var(self: Any, dim: Any, correction: float, keepdim: bool) -> Any:
    """Sum of squared deviations over ``max(0, N - correction)``: inf or nan past the count,
    as torch (``dim`` None: every element)."""
    x = np.asarray(self)
    if x.dtype == np.float16:
        return _var(x.astype(np.float32), dim, correction, keepdim).astype(np.float16)
    n = x.size if dim is None else math.prod(x.shape[d] for d in dim)
    mean = np.mean(x, axis=dim, keepdims=True) if n else np.full((1,) * x.ndim, np.nan, x.dtype)
    dev = x - mean
    ss = np.sum(dev * dev, axis=dim, keepdims=keepdim)
    if keepdim and dim is None:
        ss = np.reshape(ss, (1,) * x.ndim)
    return _row_major(ss / max(n - correction, 0), x)


def _std(self: Any, dim: Any, correction: float, keepdim: bool) -> Any:
    return np.sqrt(_var(self, dim, correction, keepdim))


def _mean(x: Any, dim: Any, keepdim: bool) -> Any:
    x = np.asarray(x)
    if x.size == 0:
        shape = np.sum(x, axis=dim, keepdims=keepdim).shape
        out = np.full(shape, np.nan, x.dtype)
    else:
        out = np.mean(x, axis=dim, keepdims=keepdim)
    if keepdim and dim is None:
        out = np.reshape(out, (1,) * x.ndim)
    return _row_major(out, x)


def _vector_norm(self: Any, ord: float, dim: tuple, keepdim: bool) -> Any:
    x = np.asarray(self)
    if not x.flags.c_contiguous:
        return row_major(_vector_norm(np.ascontiguousarray(x), ord, dim, keepdim))
    if x.dtype == np.float16:
        # half precision is summed in float, as torch: squares of a few hundred overflow
        return _vector_norm(x.astype(np.float32), ord, dim, keepdim).astype(np.float16)
    a = np.abs(x)
    if ord == 2:
        return np.sqrt(np.sum(a * a, axis=dim, keepdims=keepdim))
    if ord == 1:
        return np.sum(a, axis=dim, keepdims=keepdim)
    if ord == math.inf:
        return np.max(a, axis=dim, keepdims=keepdim)
    if ord == -math.inf:
        return np.min(a, axis=dim, keepdims=keepdim)
    if ord == 0:
        return np.sum(a != 0, axis=dim, keepdims=keepdim).astype(a.dtype)
    return np.sum(a**ord, axis=dim, keepdims=keepdim) ** (1.0 / ord)


def _logsumexp(self: Any, dim: tuple, keepdim: bool) -> Any:
    """log(sum(exp(x))) computed as m + log(sum(exp(x - m))), m the max (0 where it is
    infinite, so that all -inf gives -inf and an inf gives inf)."""
    x = np.asarray(self)
    m = np.max(x, axis=dim, keepdims=True, initial=-np.inf)
    m = np.where(np.isinf(m), 0, m).astype(x.dtype)
    out = np.log(np.sum(np.exp(x - m), axis=dim, keepdims=True)) + m
    return _row_major(out if keepdim else np.squeeze(out, dim), x)


def _nansum(self: Any, dim: tuple, keepdim: bool) -> Any:
    # the sum with every nan taken as 0, in the input's dtype
    x = np.asarray(self)
    if x.dtype.kind == "f":
        x = np.where(np.isnan(x), 0, x).astype(x.dtype, copy=False)
    return np.sum(x, axis=dim, keepdims=keepdim, dtype=x.dtype)


def logcumsumexp_array(self: Any, dim: int) -> Any:
    """log(cumsum(exp(x))) along ``dim`` without overflow: NumPy's logaddexp accumulated, which
    handles infinities and nan as torch's kernel does."""
    x = np.asarray(self)
    if x.ndim == 0:
        return x.copy()
    return np.logaddexp.accumulate(x, axis=dim)


def _dist(self: Any, other: Any, p: float, dims: tuple) -> Any:
    # the p-norm of the (broadcast) difference over every dim
    return _vector_norm(np.asarray(self - other), p, dims, False)


def renorm_array(self: Any, p: float, dims: tuple, maxnorm: float) -> Any:
    """Each slice whose p-norm over ``dims`` exceeds ``maxnorm`` scaled to norm ``maxnorm``
    (torch's factor maxnorm / (norm + 1e-7), in the input's dtype)."""
    x = np.asarray(self)
    norm = _vector_norm(x, p, dims, True)
    top = np.asarray(maxnorm, dtype=norm.dtype)
    factor = np.where(norm > top, top / (norm + np.asarray(1e-7, dtype=norm.dtype)), 1)
    return x * factor.astype(x.dtype, copy=False)


# ---- backward helpers ------------------------------------------------------------------------

def _restore(F: Any, grad: Any, dim: tuple, keepdim: bool) -> Any:
    """``grad`` with the reduced dims back as size 1, to broadcast against the input."""
    return grad if keepdim or not dim else F.unsqueeze_dims(grad, dim)


def _evenly_distribute(F: Any, grad: Any, self: Any, result: Any) -> Any:
    # whole-tensor max/min/median: the gradient shared equally by every element equal to the
    # result; a nan result is shared by the nans
    mask = (self == result) | ((self != self) & (result != result))
    return F.fill_where(mask, grad / F.count(mask, None, grad))


def _amax_backward(F: Any, grad: Any, self: Any, result: Any, dim: tuple,
                   keepdim: bool) -> Any:
    # (grad / ties) * mask: shared equally by the ties of each slice; a nan result has no
    # ties, so its slice gets inf * 0 = nan, as torch
    grad = _restore(F, grad, dim, keepdim)
    mask = self == _restore(F, result, dim, keepdim)
    return grad / F.count(mask, dim, grad) * mask


def _aminmax_backward(F: Any, grads: list, self: Any, min: Any, max: Any,  # noqa: A002
                      dim: tuple, keepdim: bool) -> Any:
    out = None
    for g, r in zip(grads, (min, max)):
        if g is not None:
            part = _amax_backward(F, g, self, r, dim, keepdim)
            out = part if out is None else out + part
    return out


def _select_backward(F: Any, grad: Any, self_shape: tuple, indices: Any, dim: int,
                     keepdim: bool) -> Any:
    # max(dim), median(dim), kthvalue, mode, sort, topk: each value's gradient goes back to
    # the one position it was taken from
    if not self_shape:
        return grad
    if not keepdim:
        grad = F.unsqueeze_dim(grad, dim)
    return F.scatter_along(grad, self_shape, indices, dim, keepdim)


def _cummax_backward(F: Any, grad: Any, self_shape: tuple, indices: Any, dim: int) -> Any:
    # a running max is taken from one index, many times: contributions add up there
    if not self_shape:
        return grad
    return F.scatter_add_along(grad, self_shape, indices, dim)


def _var_backward(F: Any, grad: Any, self: Any, dim: Any, correction: float,
                  keepdim: bool) -> Any:
    """d var = 2 / (N - correction) * (x - mean). Over all elements (``dim`` None, or a 0-d
    input) with N <= correction torch gives inf, or nan where x equals the mean."""
    shape = np.shape(self)
    if dim is None or not shape:
        n = math.prod(shape)
        mean = F.reduce_sum(self, None, False) / n
        dof = n - correction
        if dof <= 0:
            return grad * F.where(self == mean, math.nan, math.inf)
        return (2.0 / dof) * grad * (self - mean)
    n = math.prod(shape[d] for d in dim)
    mean = F.reduce_sum(self, dim, True) / n
    dof = n - correction
    # along dims torch keeps 2 / dof as it is: inf at dof 0, negative past the count
    scale = 2.0 / dof if dof else math.inf
    return scale * _restore(F, grad, dim, keepdim) * (self - mean)


def _std_backward(F: Any, grad: Any, self: Any, result: Any, dim: Any, correction: float,
                  keepdim: bool) -> Any:
    # d sqrt(v) = dv / (2 sqrt(v)); 0 where the std is 0
    grad_var = F.where(result == 0, 0, grad / (result * 2))
    return _var_backward(F, grad_var, self, dim, correction, keepdim)


def _mean_part(F: Any, grad: Any, self: Any, dim: Any, keepdim: bool) -> Any:
    shape = np.shape(self)
    dims = tuple(range(len(shape))) if dim is None else dim
    return fm.mean_backward(F, grad, shape, dims, keepdim or dim is None)


def _var_mean_backward(F: Any, grads: list, self: Any, var: Any, dim: Any,
                       correction: float, keepdim: bool, is_std: bool) -> Any:
    g_var, g_mean = grads
    out = None
    if g_var is not None:
        out = (_std_backward(F, g_var, self, var, dim, correction, keepdim) if is_std else
               _var_backward(F, g_var, self, dim, correction, keepdim))
    if g_mean is not None:
        part = _mean_part(F, g_mean, self, dim, keepdim)
        out = part if out is None else out + part
    return out


def _norm_backward(F: Any, grad: Any, self: Any, result: Any, ord: float, dim: tuple,
                   keepdim: bool) -> Any:
    """torch's norm_backward: the gradient of ||x||_p; 0 at the zero vector for p >= 1."""
    if ord == 0:
        return None  # the count of nonzeros has no gradient: torch leaves it undefined
    grad = _restore(F, grad, dim, keepdim)
    norm = _restore(F, result, dim, keepdim)
    sign = F.sign(self)
    if ord == 1:
        return sign * grad
    if ord == 2:
        return grad * F.where(norm == 0, 0, self / norm)
    absolute = self * sign
    if math.isinf(ord):
        # the gradient of max |x|: shared by the ties, nans included
        mask = (absolute == norm) | (absolute != absolute)
        return sign * (grad / F.count(mask, dim, grad) * mask)
    if ord < 1:
        scaled = sign * F.where(self == 0, 0, absolute ** (ord - 1))
        return scaled * grad * norm ** (1 - ord)
    scaled = sign * absolute ** (ord - 1) if ord < 2 else self * absolute ** (ord - 2)
    return scaled * F.where(norm == 0, 0, grad / norm ** (ord - 1))


def _logsumexp_backward(F: Any, grad: Any, self: Any, result: Any, dim: tuple,
                        keepdim: bool) -> Any:
    # d/dx log sum exp(x) = exp(x - logsumexp(x)): the softmax
    return _restore(F, grad, dim, keepdim) * F.exp(self - _restore(F, result, dim, keepdim))


def _has_zero(x: Any) -> bool:
    # torch picks its product gradient by whether the input holds a zero; so do we (under vmap,
    # whether any sample does, not sample 0 alone)
    return bool(np.any(full_data(x) == 0))


def _prod_backward(F: Any, grad: Any, self: Any, result: Any, dim: Any, keepdim: bool) -> Any:
    """d prod / dx_k = prod of the others. Without zeros that is result / x_k (torch's
    formula); with zeros, the products before and after k, so any number of zeros is exact.
    ``dim`` None: the whole tensor."""
    shape = np.shape(self)
    if not shape:
        return grad
    if dim is None:
        x, d = F.reshape(self, (-1,)), 0
    else:
        x, d = self, dim
        if not keepdim:
            grad = F.unsqueeze_dim(grad, dim)
            result = F.unsqueeze_dim(result, dim)
    if not _has_zero(self):
        return grad * (result / self)
    if np.shape(x)[d] == 0:
        return F.expand(grad, shape)
    others = F.exclusive_cumprod(x, d, False) * F.exclusive_cumprod(x, d, True)
    if dim is None:
        others = F.reshape(others, shape)
    return grad * others


def _cumsum_backward(F: Any, grad: Any, dim: int) -> Any:
    # each input counts in every later partial sum: the reversed cumulative sum of grad
    if np.ndim(grad) == 0:
        return grad
    return F.flip_dim(F.cumsum(F.flip_dim(grad, dim), dim), dim)


def _nansum_backward(F: Any, grad: Any, self: Any, self_shape: tuple, dim: tuple,
                     keepdim: bool) -> Any:
    # the sum's gradient times 0 where the input was nan (self == self is False there): an
    # infinite gradient gives nan there, as torch's product does
    return fm.sum_backward(F, grad, self_shape, dim, keepdim) * (self == self)


def _logcumsumexp_backward(F: Any, grad: Any, self: Any, result: Any, dim: int) -> Any:
    """d out_j / d x_k = exp(x_k - out_j) for j >= k. As torch, the positive and the negative
    parts of grad are summed separately in log space (a reversed logcumsumexp), so nothing
    overflows; log 0 is the dtype's lowest value."""
    if np.ndim(grad) == 0 or np.size(getattr(grad, "_data", grad)) == 0:
        return grad
    lowest = float(np.finfo(np.result_type(getattr(grad, "_data", grad))).min)
    log_abs = F.log(F.abs(grad))
    total = None
    for part in (F.where(grad > 0, log_abs, lowest), F.where(grad < 0, log_abs, lowest)):
        rev = F.flip_dim(F.logcumsumexp(F.flip_dim(part - result, dim), dim), dim)
        term = F.exp(rev + self)
        total = term if total is None else total - term
    return total


_UNDEFINED_MSG = ("Expected a proper Tensor but got None (or an undefined Tensor in C++) for "
                  "argument #0 'self'")


def _dist_backward_other(F: Any, grad: Any, self: Any, other: Any, result: Any, p: float,
                         dims: tuple) -> Any:
    g = _norm_backward(F, grad, self - other, result, p, dims, False)
    if g is None:
        # the 0-norm has no gradient; torch negates that undefined gradient and fails
        raise RuntimeError(_UNDEFINED_MSG)
    return -g


def _renorm_backward(F: Any, grad: Any, self: Any, p: float, dims: tuple,
                     maxnorm: float) -> Any:
    """torch's renorm_backward: where the norm n exceeds maxnorm the output is x * m / (n + e),
    whose gradient is (m / (n + e)) (grad - d n / dx * sum(x * grad) / (n + e))."""
    norm = F.vector_norm(self, p, dims, True)
    nb = _norm_backward(F, F.reduce_sum(self * grad, dims, True), self, norm, p, dims, True)
    invnorm = 1 / (norm + 1e-7)
    return F.where(norm > maxnorm, (invnorm * maxnorm) * (grad - invnorm * nb), grad)


# ---- the entries -----------------------------------------------------------------------------

# values and indices: only the values are differentiable; the gradient goes to the one index
# chosen (the first of ties, as torch's max(dim))
MAX_DIM = op("MaxBackward0",
             lambda self, dim, keepdim: _row_major(fm.max_min_dim(self, dim, keepdim, True),
                                                   self),
             fw=None, outputs=("values", "indices"),
             self=lambda F, grad, self_shape, dim, keepdim, indices: _select_backward(
                 F, grad, self_shape, indices, dim, keepdim))
MIN_DIM = op("MinBackward0",
             lambda self, dim, keepdim: _row_major(fm.max_min_dim(self, dim, keepdim, False),
                                                   self),
             fw=None, outputs=("values", "indices"),
             self=lambda F, grad, self_shape, dim, keepdim, indices: _select_backward(
                 F, grad, self_shape, indices, dim, keepdim))
# whole-tensor max/min: ties share the gradient equally
MAX = op("MaxBackward1", lambda self: np.max(self), fw="linear",
         self=lambda F, grad, self, result: _evenly_distribute(F, grad, self, result))
MIN = op("MinBackward1", lambda self: np.min(self), fw="linear",
         self=lambda F, grad, self, result: _evenly_distribute(F, grad, self, result))
AMAX = op("AmaxBackward0",
          lambda self, dim, keepdim: _row_major(np.max(self, axis=dim, keepdims=keepdim), self),
          fw=None,
          self=lambda F, grad, self, result, dim, keepdim: _amax_backward(
              F, grad, self, result, dim, keepdim))
AMIN = op("AminBackward0",
          lambda self, dim, keepdim: _row_major(np.min(self, axis=dim, keepdims=keepdim), self),
          fw=None,
          self=lambda F, grad, self, result, dim, keepdim: _amax_backward(
              F, grad, self, result, dim, keepdim))
AMINMAX = op("AminmaxBackward0",
             lambda self, dim, keepdim: _row_major((np.min(self, axis=dim, keepdims=keepdim),
                                                     np.max(self, axis=dim, keepdims=keepdim)),
                                                    self),
             fw="linear", outputs=("min", "max"), n_diff=2,
             self=lambda F, grads, self, min, max, dim, keepdim: _aminmax_backward(  # noqa: A006
                 F, grads, self, min, max, dim, keepdim))

# dtype=: NumPy would widen small integers to int64; torch keeps the (already chosen) dtype
PROD = op("ProdBackward0", lambda self: np.prod(self, dtype=np.result_type(self)), fw=None,
          self=lambda F, grad, self, result: _prod_backward(F, grad, self, result, None, False))
PROD_DIM = op("ProdBackward1", lambda self, dim, keepdim: _row_major(np.prod(
    self, axis=dim, keepdims=keepdim, dtype=np.result_type(self)), self),
              fw=None,
              self=lambda F, grad, self, result, dim, keepdim: _prod_backward(
                  F, grad, self, result, dim, keepdim))

# dim: None (every element: torch's own gradient branch) or a tuple of dims
VAR = op("VarBackward0", _var, fw=None,
         self=lambda F, grad, self, dim, correction, keepdim: _var_backward(
             F, grad, self, dim, correction, keepdim))
STD = op("StdBackward0", _std, fw=None,
         self=lambda F, grad, self, result, dim, correction, keepdim: _std_backward(
             F, grad, self, result, dim, correction, keepdim))
VAR_MEAN = op("VarMeanBackward0",
              lambda self, dim, correction, keepdim: (_var(self, dim, correction, keepdim),
                                                      _mean(self, dim, keepdim)),
              fw=None, outputs=("var", "mean"), n_diff=2,
              self=lambda F, grads, self, dim, correction, keepdim: _var_mean_backward(
                  F, grads, self, None, dim, correction, keepdim, False))
STD_MEAN = op("StdMeanBackward0",
              lambda self, dim, correction, keepdim: (_std(self, dim, correction, keepdim),
                                                      _mean(self, dim, keepdim)),
              fw=None, outputs=("std", "mean"), n_diff=2,
              self=lambda F, grads, self, std, dim, correction, keepdim: _var_mean_backward(
                  F, grads, self, std, dim, correction, keepdim, True))

NORM = op("LinalgVectorNormBackward0", _vector_norm, fw=None,
          self=lambda F, grad, self, result, ord, dim, keepdim: _norm_backward(
              F, grad, self, result, ord, dim, keepdim))
LOGSUMEXP = op("LogsumexpBackward0", _logsumexp, dtype="float", fw=None,
               self=lambda F, grad, self, result, dim, keepdim: _logsumexp_backward(
                   F, grad, self, result, dim, keepdim))

CUMSUM = op("CumsumBackward0", lambda self, dim: _cumulative(np.add, self, dim), fw="linear",
            self=lambda F, grad, dim: _cumsum_backward(F, grad, dim))
CUMPROD = op("CumprodBackward0", lambda self, dim: _cumulative(np.multiply, self, dim), fw=None,
             self=lambda F, grad, self, dim, result: F.cumprod_backward(grad, self, dim, result))
CUMMAX = op("CummaxBackward0", lambda self, dim: _cummax_cummin(self, dim, True), fw=None,
            outputs=("values", "indices"),
            self=lambda F, grad, self_shape, dim, indices: _cummax_backward(
                F, grad, self_shape, indices, dim))
CUMMIN = op("CumminBackward0", lambda self, dim: _cummax_cummin(self, dim, False), fw=None,
            outputs=("values", "indices"),
            self=lambda F, grad, self_shape, dim, indices: _cummax_backward(
                F, grad, self_shape, indices, dim))

# whole-tensor median: torch shares the gradient among elements equal to the median
MEDIAN = op("MedianBackward0", lambda self: _median_all(self, False), fw="linear",
            self=lambda F, grad, self, result: _evenly_distribute(F, grad, self, result))
NANMEDIAN = op("NanmedianBackward0", lambda self: _median_all(self, True), fw="linear",
               self=lambda F, grad, self, result: _evenly_distribute(F, grad, self, result))
MEDIAN_DIM = op("MedianBackward1",
                lambda self, dim, keepdim: _median_dim(self, dim, keepdim, False),
                fw=None, outputs=("values", "indices"),
                self=lambda F, grad, self_shape, dim, keepdim, indices: _select_backward(
                    F, grad, self_shape, indices, dim, keepdim))
NANMEDIAN_DIM = op("NanmedianBackward1",
                   lambda self, dim, keepdim: _median_dim(self, dim, keepdim, True),
                   fw=None, outputs=("values", "indices"),
                   self=lambda F, grad, self_shape, dim, keepdim, indices: _select_backward(
                       F, grad, self_shape, indices, dim, keepdim))
KTHVALUE = op("KthvalueBackward0", _kthvalue, fw=None, outputs=("values", "indices"),
              self=lambda F, grad, self_shape, dim, keepdim, indices: _select_backward(
                  F, grad, self_shape, indices, dim, keepdim))
MODE = op("ModeBackward0", _mode, fw=None, outputs=("values", "indices"),
          self=lambda F, grad, self_shape, dim, keepdim, indices: _select_backward(
              F, grad, self_shape, indices, dim, keepdim))
SORT = op("SortBackward0", _sort, fw=None, outputs=("values", "indices"),
          self=lambda F, grad, self_shape, dim, indices: _select_backward(
              F, grad, self_shape, indices, dim, True))
# sort(stable=...): torch's other overload, the same op under its own name
SORT_STABLE = op("SortBackward1", _sort, fw=None, outputs=("values", "indices"),
                 self=SORT.formulas["self"])
TOPK = op("TopkBackward0", _topk, fw=None, outputs=("values", "indices"),
          self=lambda F, grad, self_shape, dim, indices: _select_backward(
              F, grad, self_shape, indices, dim, True))

# ---- distinct values: no derivative; torch records a node whose backward says so -----------


def no_derivative(name: str) -> Any:
    raise NotImplementedError(f"the derivative for '{name}' is not implemented.")


def unique_array(self: Any, dim: int | None) -> tuple:
    """The sorted distinct values (``dim`` None; nan equals nothing, so each nan stays) or
    slices along ``dim``; for each element (slice) the index of its value; the counts."""
    a = np.asarray(self)
    if dim is None:
        values, inverse, counts = np.unique(a.reshape(-1), return_inverse=True,
                                            return_counts=True, equal_nan=False)
        return values, inverse.reshape(a.shape).astype(np.int64), counts.astype(np.int64)
    if a.shape[dim] == 0:
        return a.copy(), np.zeros(0, np.int64), np.zeros(0, np.int64)
    values, inverse, counts = np.unique(a, return_inverse=True, return_counts=True, axis=dim)
    return values, inverse.reshape(-1).astype(np.int64), counts.astype(np.int64)


def unique_consecutive_array(self: Any, dim: int | None) -> tuple:
    """The values (``dim`` None, read flat) or slices along ``dim`` that differ from the one
    before, the index of each element's (slice's) run, and the runs' lengths."""
    a = np.asarray(self)
    if dim is None:
        rows = a.reshape(-1, 1)
    else:  # one row per slice along dim
        rows = np.moveaxis(a, dim, 0).reshape(a.shape[dim], a.size // max(a.shape[dim], 1))
    starts = np.ones(rows.shape[0], bool)
    starts[1:] = (rows[1:] != rows[:-1]).any(axis=1)  # nan != nan: every nan starts a run
    first = np.flatnonzero(starts)
    inverse = (np.cumsum(starts) - 1).astype(np.int64)
    counts = np.diff(np.append(first, rows.shape[0])).astype(np.int64)
    if dim is None:
        return a.reshape(-1)[first], inverse.reshape(a.shape), counts
    return np.take(a, first, axis=dim), inverse, counts


UNIQUE = op("Unique2Backward0", lambda self: unique_array(self, None), fw=None,
            outputs=("output", "inverse_indices", "counts"),
            self=lambda F, grad: no_derivative("_unique2"))
UNIQUE_DIM = op("UniqueDimBackward0", lambda self, dim: unique_array(self, dim), fw=None,
                outputs=("output", "inverse_indices", "counts"),
                self=lambda F, grad: no_derivative("unique_dim"))
UNIQUE_CONSECUTIVE = op("UniqueConsecutiveBackward0",
                        lambda self, dim: unique_consecutive_array(self, dim), fw=None,
                        outputs=("output", "inverse_indices", "counts"),
                        self=lambda F, grad: no_derivative("unique_consecutive"))


# nansum: the sum with nan as 0 (dim: a tuple, every dim when none is given)
NANSUM = op("NansumBackward0", _nansum, fw=None, self=_nansum_backward)
LOGCUMSUMEXP = op("LogcumsumexpBackward0", logcumsumexp_array, fw=None,
                  self=lambda F, grad, self, result, dim: _logcumsumexp_backward(
                      F, grad, self, result, dim))
# dist(x, y, p) = ||x - y||_p over every element of the broadcast difference
DIST = op("DistBackward0", _dist, fw=None,
          self=lambda F, grad, self, other, result, p, dims: _norm_backward(
              F, grad, self - other, result, p, dims, False),
          other=_dist_backward_other)
# renorm: dims are the dims the norm runs over (all but torch's dim)
RENORM = op("RenormBackward0", renorm_array, fw=None, self=_renorm_backward)
