"""Reductions beyond what the records express: ties and kinks, zeros in products, degenerate
variances, integer and bool results, named tuples, empty inputs, errors and warnings, all
compared with torch. Also sum and mean (core ops) for their dtype, keepdim and dim rules."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule as cr

nan, inf = math.nan, math.inf


def _np(t):
    return t.detach().numpy()


def assert_same(ours, theirs):
    """Values (nan equal to nan), dtype and shape; tuples (named or not) item by item."""
    if isinstance(theirs, tuple):
        assert type(ours).__name__ == type(theirs).__name__
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            assert_same(a, b)
        return
    assert str(ours.dtype) == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    if ours.is_floating_point():
        # reductions may sum in another order than torch: a few units in the last place
        rtol = {"torch.float64": 1e-14, "torch.float32": 1e-6}.get(str(ours.dtype), 1e-3)
        np.testing.assert_allclose(_np(ours), _np(theirs), rtol=rtol, atol=0)
    else:
        np.testing.assert_array_equal(_np(ours), _np(theirs))


def _grad(lib, fn, values, dtype="float64"):
    """x.grad after backward of fn(x) weighted by 1, 2, 3, ... (so positions are told apart)."""
    x = lib.tensor(np.array(values, dtype=dtype), requires_grad=True)
    out = fn(lib, x)
    w = np.arange(1, out.numel() + 1, dtype=dtype).reshape(tuple(out.shape))
    (out * lib.tensor(w)).sum().backward()
    return out, x.grad


# ---- gradients at ties, kinks, zeros, nans and degenerate counts ----------------------------

GRADIENTS = [
    # whole-tensor max/min/median and amax/amin: ties share the gradient equally
    ("max ties", lambda T, x: x.max(), [1.0, 3.0, 3.0]),
    ("min ties", lambda T, x: T.min(x), [0.0, 3.0, 0.0, 0.0]),
    ("max nan", lambda T, x: x.max(), [1.0, nan, 3.0, nan]),
    ("max int-valued 2d ties", lambda T, x: x.max(), [[2.0, 1.0], [2.0, 2.0]]),
    ("amax ties", lambda T, x: x.amax(1), [[1.0, 3.0, 3.0], [2.0, 2.0, 1.0]]),
    ("amax all ties", lambda T, x: x.amax(), [[1.0, 3.0, 3.0], [3.0, 2.0, 1.0]]),
    ("amax dims keepdim", lambda T, x: x.amax((0, 2), keepdim=True),
     [[[1.0, 3.0], [3.0, 0.0]], [[3.0, 3.0], [1.0, 0.0]]]),
    ("amin ties", lambda T, x: x.amin(0), [[1.0, 0.0], [1.0, 2.0]]),
    ("amax nan", lambda T, x: x.amax(), [1.0, nan, 0.0]),
    ("amin nan", lambda T, x: x.amin(0), [1.0, nan, 0.0]),
    ("aminmax ties", lambda T, x: (lambda r: r.min * 2 + r.max * 3)(T.aminmax(x)),
     [1.0, 3.0, 3.0, 0.0, 0.0]),
    ("aminmax dim ties", lambda T, x: (lambda r: r.min - r.max)(T.aminmax(x, dim=1)),
     [[1.0, 1.0, 2.0], [4.0, 4.0, 4.0]]),
    ("aminmax nan", lambda T, x: T.aminmax(x).max, [1.0, nan, 0.0]),
    ("median ties", lambda T, x: x.median(), [1.0, 2.0, 2.0, 3.0]),
    ("median even count", lambda T, x: x.median(), [3.0, 1.0, 4.0, 2.0]),
    ("median nan", lambda T, x: x.median(), [3.0, nan, 1.0, nan]),
    ("nanmedian", lambda T, x: x.nanmedian(), [nan, 1.0, 3.0, 2.0, nan]),
    ("nanmedian all nan", lambda T, x: x.nanmedian(), [nan, nan]),
    # along a dim: one index takes it all
    ("max dim ties", lambda T, x: x.max(1).values, [[1.0, 3.0, 3.0], [2.0, 2.0, 1.0]]),
    ("min dim ties keepdim", lambda T, x: x.min(0, keepdim=True).values,
     [[1.0, 0.0], [1.0, 0.0]]),
    ("max dim nan", lambda T, x: x.max(0).values, [1.0, nan, nan]),
    ("max of 0-d along 0", lambda T, x: x.max(0).values, 2.0),
    ("median dim ties", lambda T, x: x.median(1).values,
     [[3.0, 2.0, 1.0, 2.0], [1.0, 1.0, 1.0, 1.0]]),
    ("median dim nan", lambda T, x: x.median(1).values, [[3.0, nan, 1.0], [1.0, 2.0, 3.0]]),
    ("nanmedian dim", lambda T, x: x.nanmedian(1).values,
     [[nan, 1.0, 3.0], [2.0, nan, nan], [nan, nan, nan]]),
    ("kthvalue", lambda T, x: x.kthvalue(2).values, [[3.0, 1.0, 0.0], [2.0, 5.0, 4.0]]),
    ("mode ties", lambda T, x: x.mode().values, [[1.0, 2.0, 2.0, 1.0], [3.0, 1.0, 3.0, 0.0]]),
    ("sort ties", lambda T, x: x.sort().values, [3.0, 1.0, 3.0, 1.0, 2.0]),
    ("sort descending ties", lambda T, x: x.sort(descending=True).values,
     [[3.0, 1.0, 3.0], [nan, 0.0, nan]]),
    ("sort long stable", lambda T, x: x.sort(stable=True, descending=True).values,
     [float(v % 3) for v in range(40)]),
    ("topk", lambda T, x: x.topk(2).values, [[3.0, 1.0, 4.0], [0.0, -2.0, 9.0]]),
    ("topk smallest", lambda T, x: x.topk(2, largest=False, dim=0).values,
     [[3.0, 1.0], [0.0, -2.0], [9.0, 7.0]]),
    ("cummax ties", lambda T, x: x.cummax(0).values, [1.0, 3.0, 3.0, 2.0, 3.0]),
    ("cummin ties", lambda T, x: x.cummin(1).values, [[2.0, 1.0, 1.0], [0.0, 0.0, 5.0]]),
    ("cummax nan", lambda T, x: x.cummax(0).values, [1.0, nan, 3.0, nan]),
    # norms: 0 at the zero vector, sign(0) = 0, ties of the inf norm share
    *[(f"norm {p} at zero", lambda T, x, p=p: x.norm(p), [0.0, 0.0, 0.0])
      for p in (2, 1, 3, 1.5, 0.5, inf, -inf, -1, "fro")],
    *[(f"norm {p} with a zero", lambda T, x, p=p: x.norm(p), [1.0, -2.0, 0.0, 2.0])
      for p in (2, 1, 3, 1.5, 0.5, inf, -inf, -1)],
    ("norm dim zero row", lambda T, x: x.norm(dim=1), [[0.0, 0.0], [3.0, 4.0]]),
    ("norm inf dim ties", lambda T, x: x.norm(inf, dim=0), [[1.0, -2.0], [-1.0, 2.0]]),
    # products with zeros: the product of the others, exactly
    ("prod one zero", lambda T, x: x.prod(), [1.0, 0.0, 3.0, 2.0]),
    ("prod two zeros", lambda T, x: x.prod(), [1.0, 0.0, 3.0, 0.0]),
    ("prod 2d zero", lambda T, x: x.prod(), [[1.0, 2.0], [0.0, 3.0]]),
    ("prod dim zeros", lambda T, x: x.prod(1),
     [[1.0, 0.0, 3.0], [0.0, 0.0, 2.0], [1.0, 2.0, 3.0]]),
    ("prod dim 0 zeros", lambda T, x: x.prod(0, keepdim=True),
     [[1.0, 0.0], [0.0, 0.0], [2.0, 3.0]]),
    ("cumprod zeros", lambda T, x: x.cumprod(0), [2.0, 0.0, 3.0, 0.0, 5.0, 7.0]),
    ("cumprod zero first", lambda T, x: x.cumprod(0), [0.0, 2.0, 3.0]),
    ("cumprod zero last", lambda T, x: x.cumprod(0), [2.0, 3.0, 0.0]),
    ("cumprod 2d zeros", lambda T, x: x.cumprod(1),
     [[1.0, 0.0, 3.0], [0.0, 2.0, 0.0], [1.0, 2.0, 3.0]]),
    ("cumprod dim 0 zeros", lambda T, x: x.cumprod(0), [[1.0, 0.0], [0.0, 2.0], [4.0, 5.0]]),
    # logsumexp at infinities
    ("logsumexp all -inf", lambda T, x: x.logsumexp(0), [-inf, -inf]),
    ("logsumexp inf", lambda T, x: x.logsumexp(0), [inf, 1.0]),
    ("logsumexp large", lambda T, x: x.logsumexp(0), [1000.0, 1000.0, 999.0]),
    # variance at and past the count
    ("var of one", lambda T, x: x.var(), [2.0]),
    ("var of 0-d", lambda T, x: x.var(0), 2.0),
    ("std no spread", lambda T, x: x.std(), [2.0, 2.0]),
    ("std dim no spread", lambda T, x: x.std(1), [[2.0, 2.0], [1.0, 3.0]]),
    ("var correction = n", lambda T, x: x.var(correction=3), [1.0, 2.0, 2.0]),
    ("var correction > n", lambda T, x: x.var(correction=4), [1.0, 2.0, 2.0]),
    ("var correction > n, no spread", lambda T, x: x.var(correction=4), [2.0, 2.0]),
    ("var dim correction = n", lambda T, x: x.var(0, correction=3), [1.0, 2.0, 2.0]),
    ("var dim correction > n", lambda T, x: x.var(0, correction=3.5), [1.0, 2.0, 2.0]),
    ("std dim correction > n", lambda T, x: x.std(0, correction=4), [1.0, 2.0, 2.0]),
    ("var_mean both", lambda T, x: (lambda r: r[0] * 2 + r[1] * 3)(T.var_mean(x, 1)),
     [[1.0, 2.0, 4.0]]),
    ("std_mean both", lambda T, x: (lambda r: r[0] - r[1])(T.std_mean(x, unbiased=False)),
     [[1.0, 2.0], [4.0, 4.0]]),
    ("std_mean mean only", lambda T, x: T.std_mean(x, 0)[1], [[1.0, 2.0], [4.0, 4.0]]),
    # nansum / nanmean: no gradient to the nans; a slice of nans only gives nan
    ("nansum nan", lambda T, x: T.nansum(x), [1.0, nan, 2.0]),
    ("nansum dim", lambda T, x: x.nansum(1), [[1.0, nan], [nan, nan]]),
    ("nanmean nan", lambda T, x: T.nanmean(x, 1, keepdim=True), [[1.0, nan, 3.0], [nan, nan, 2.0]]),
    ("nanmean all nan", lambda T, x: x.nanmean(), [nan, nan]),
    # logcumsumexp with infinities and a large spread (torch's log-space backward)
    ("logcumsumexp -inf", lambda T, x: x.logcumsumexp(0), [-inf, 1.0, -inf, 2.0]),
    ("logcumsumexp spread", lambda T, x: T.logcumsumexp(x, 0), [1000.0, 1.0, -1000.0]),
    ("logcumsumexp inf", lambda T, x: x.logcumsumexp(0), [1.0, inf, 2.0]),
    # quantiles: ties (sorted positions in stable order), nans, every interpolation
    ("quantile ties", lambda T, x: T.quantile(x, 0.5), [1.0, 1.0, 1.0, 2.0]),
    ("quantile ties lerp", lambda T, x: T.quantile(x, 0.4), [3.0, 1.0, 3.0, 3.0, 1.0]),
    ("quantile nan", lambda T, x: T.quantile(x, 0.5), [1.0, nan, 1.0, 2.0]),
    ("quantile nan dim", lambda T, x: x.quantile(0.3, 1), [[1.0, nan, 2.0], [4.0, 3.0, 5.0]]),
    ("nanquantile nan", lambda T, x: T.nanquantile(x, 0.5), [1.0, nan, 3.0, 2.0]),
    ("nanquantile all nan", lambda T, x: T.nanquantile(x, 0.5, dim=1),
     [[nan, nan], [1.0, 2.0]]),
    ("quantile q list", lambda T, x: T.quantile(x, T.tensor([0.0, 0.25, 1.0], dtype=x.dtype),
                                                dim=0, keepdim=True),
     [[3.0, 1.0], [2.0, 2.0], [0.0, 5.0]]),
    ("quantile lower", lambda T, x: T.quantile(x, 0.6, interpolation="lower"), [4.0, 1.0, 3.0]),
    ("quantile higher", lambda T, x: T.quantile(x, 0.6, interpolation="higher"), [4.0, 1.0, 3.0]),
    ("quantile nearest half", lambda T, x: T.quantile(x, 0.5, interpolation="nearest"),
     [4.0, 1.0, 3.0, 2.0]),
    ("quantile nearest 1.5", lambda T, x: T.quantile(x, 0.5, interpolation="nearest"),
     [4.0, 1.0, 3.0, 2.0, 0.0, 7.0]),
    ("quantile midpoint", lambda T, x: T.quantile(x, 0.2, interpolation="midpoint"),
     [4.0, 1.0, 3.0]),
    ("quantile 0-d", lambda T, x: T.quantile(x, 0.7, dim=0, keepdim=True), 2.0),
    # dist at equal inputs and at ties of the largest difference
    ("dist equal", lambda T, x: T.dist(x, x.detach()), [1.0, 2.0]),
    ("dist inf ties", lambda T, x: T.dist(x, T.tensor([0.0, 1.0, 0.0], dtype=x.dtype), inf),
     [1.0, 2.0, 0.0]),
    ("dist 1 equal", lambda T, x: x.dist(T.tensor([1.0, 3.0], dtype=x.dtype), 1), [1.0, 2.0]),
    ("dist 0.5 equal", lambda T, x: x.dist(T.tensor([1.0, 3.0], dtype=x.dtype), 0.5),
     [1.0, 2.0]),
    ("dist -inf", lambda T, x: x.dist(T.zeros(2, dtype=x.dtype), -inf), [3.0, -2.0]),
    # renorm: rows above, at and below maxnorm, and a zero row
    ("renorm", lambda T, x: T.renorm(x, 2, 0, 5.0),
     [[3.0, 4.0], [0.3, 0.4], [6.0, 8.0], [0.0, 0.0]]),
    ("renorm dim 1 inf", lambda T, x: x.renorm(inf, 1, 1.0), [[3.0, 0.5], [-4.0, 0.2]]),
]


@pytest.mark.parametrize("fn, values", [g[1:] for g in GRADIENTS], ids=[g[0] for g in GRADIENTS])
def test_gradients_match_torch(torch, fn, values):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out, g = _grad(cr, fn, values)
        ref, h = _grad(torch, fn, values)
    assert out.grad_fn.name() == ref.grad_fn.name()
    np.testing.assert_allclose(_np(out), _np(ref), rtol=1e-12, atol=0)
    if h is None:
        assert g is None
        return
    np.testing.assert_allclose(g.numpy(), h.numpy(), rtol=1e-12, atol=1e-300)
    # the sign of a zero gradient too
    np.testing.assert_array_equal(np.signbit(g.numpy()), np.signbit(h.numpy()))


def test_kthvalue_topk_ties_pick_one_of_the_tied():
    # torch's quickselect picks some index among equal values (unspecified); ours is the
    # first in stable order. Either way the whole gradient goes to one element of that value.
    x = cr.tensor([[2.0, 5.0, 2.0], [1.0, 1.0, 1.0]], requires_grad=True)
    r = x.kthvalue(2)
    assert r.indices.tolist() == [2, 1]
    r.values.sum().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    t = cr.tensor([3.0, 5.0, 5.0, 1.0]).topk(2, largest=True)
    assert t.indices.tolist() == [1, 2]


def test_norm_0_has_no_gradient(torch):
    for lib in (cr, torch):
        x = lib.tensor([1.0, 0.0, 2.0], requires_grad=True)
        y = x.norm(0)
        assert y.item() == 2.0
        y.backward()
        assert x.grad is None


SECOND_ORDER = [
    ("prod no zero", lambda T, x: x.prod(), [1.5, 2.0, -3.0]),
    ("prod one zero", lambda T, x: x.prod(), [1.5, 0.0, -3.0, 2.0]),
    ("prod two zeros", lambda T, x: x.prod(), [1.5, 0.0, -3.0, 0.0]),
    ("prod dim zeros", lambda T, x: x.prod(1), [[1.0, 0.0, 3.0], [0.0, 0.0, 2.0]]),
    ("cumprod no zero", lambda T, x: x.cumprod(0), [1.5, 2.0, -3.0]),
    ("cumprod one zero", lambda T, x: x.cumprod(0), [1.5, 0.0, -3.0, 2.0]),
    ("cumprod two zeros", lambda T, x: x.cumprod(1), [[1.5, 0.0, -3.0, 0.0], [0.0, 2.0, 3.0, 4.0]]),
    ("cumsum", lambda T, x: x.cumsum(0) ** 2, [1.5, 0.0, -3.0, 2.0]),
    ("max ties", lambda T, x: x.max() ** 2, [1.0, 3.0, 3.0]),
    ("amax ties", lambda T, x: x.amax(0) ** 2, [[1.0, 3.0], [1.0, 2.0]]),
    ("var", lambda T, x: x.var(0) ** 2, [[1.0, 3.0], [1.5, 2.0]]),
    ("std", lambda T, x: x.std(), [1.0, 3.0, 1.5]),
    ("norm", lambda T, x: x.norm(dim=0), [[1.0, 3.0], [1.5, 2.0]]),
    ("norm 3", lambda T, x: x.norm(3), [1.0, -3.0, 1.5]),
    ("norm inf", lambda T, x: x.norm(inf) ** 2, [1.0, -3.0, 3.0]),
    ("logsumexp", lambda T, x: x.logsumexp(1), [[1.0, 3.0], [1.5, 2.0]]),
    ("sort", lambda T, x: x.sort().values ** 2, [3.0, 1.0, 2.0]),
    ("median", lambda T, x: x.median(0).values ** 2, [3.0, 1.0, 2.0]),
    ("nansum", lambda T, x: T.nansum(x * x, 0), [[1.0, 3.0], [1.5, 2.0]]),
    ("nanmean", lambda T, x: T.nanmean(x * x), [1.0, 3.0, 1.5]),
    ("logcumsumexp", lambda T, x: x.logcumsumexp(1), [[1.0, 3.0, -1.0], [1.5, 2.0, 0.5]]),
    ("quantile", lambda T, x: T.quantile(x * x, 0.3, dim=1), [[1.0, 3.0, -1.0], [1.5, 2.0, 0.5]]),
    ("dist", lambda T, x: T.dist(x, x * x), [1.5, 3.0, -1.0]),
    ("dist 3", lambda T, x: T.dist(x, x * x, 3), [1.5, 3.0, -1.0]),
    ("renorm", lambda T, x: T.renorm(x, 2, 0, 2.0), [[1.0, 3.0], [1.5, 0.5]]),
]


@pytest.mark.parametrize("fn, values", [g[1:] for g in SECOND_ORDER],
                         ids=[g[0] for g in SECOND_ORDER])
def test_second_derivatives_match_torch(torch, fn, values):
    def second(lib):
        x = lib.tensor(np.array(values), requires_grad=True)
        out = fn(lib, x)
        w = lib.tensor(np.arange(1.0, out.numel() + 1).reshape(tuple(out.shape)))
        (g,) = lib.autograd.grad((out * w).sum(), x, create_graph=True)
        (g * lib.tensor(np.arange(2.0, x.numel() + 2).reshape(tuple(x.shape)))).sum().backward()
        return g, x.grad

    (g, gg), (h, hh) = second(cr), second(torch)
    np.testing.assert_allclose(_np(g), _np(h), rtol=1e-12)
    np.testing.assert_allclose(gg.numpy(), hh.numpy(), rtol=1e-12, atol=1e-300)


DOUBLE_BACKWARD_NAMES = ["x.max()", "x.median()", "x.amax(0)", "x.prod()", "x.prod(0)",
                         "x.var()", "x.std(0)", "x.norm()", "x.norm(1)", "x.norm(inf)",
                         "x.logsumexp(0)", "x.cumsum(0)", "x.cumprod(0)", "x.cummax(0)[0]",
                         "x.median(0)[0]", "x.sort(0)[0]", "x.topk(2)[0]", "x.kthvalue(2)[0]",
                         "x.mode()[0]", "x.max(0)[0]", "T.aminmax(x).min", "T.var_mean(x)[0]"]


@pytest.mark.parametrize("expr", DOUBLE_BACKWARD_NAMES)
def test_double_backward_node_names_match_torch(torch, expr):
    # the recorded backward uses flip, scatter, scatter_add and masked_fill when present
    if not all(hasattr(cr, name) for name in ("flip", "scatter", "scatter_add", "masked_fill")):
        pytest.skip("torch's names need flip, scatter, scatter_add and masked_fill")
    a = np.array([[1.0, 5.0, 2.0, 0.5], [3.0, 2.5, 0.25, 4.0], [2.0, 1.5, 6.0, 3.5]])
    names = []
    for T in (cr, torch):
        x = T.tensor(a, requires_grad=True)
        y = eval(expr, {"T": T, "x": x, "inf": inf})
        names.append(T.autograd.grad((y * y).sum(), x, create_graph=True)[0].grad_fn.name())
    assert names[0] == names[1]


def test_cumprod_second_derivative_with_zeros_is_exact():
    # y = x0 * x1 * x2 at x1 = 0: d2y/dx0dx2 = x1 = 0, d2y/dx0dx1 = x2, d2y/dx1dx2 = x0
    x = cr.tensor([2.0, 0.0, 5.0], requires_grad=True)
    (g,) = cr.autograd.grad(x.cumprod(0)[2], x, create_graph=True)
    assert g.tolist() == [0.0, 10.0, 0.0]
    (h,) = cr.autograd.grad(g[1], x)
    assert h.tolist() == [5.0, 0.0, 2.0]


# ---- results without gradients: indices, bools, integer dtypes --------------------------------

I32 = np.array([[3, 1, 2], [1, 1, 0]], dtype=np.int32)
F = np.array([[1.0, nan, 3.0, 3.0], [0.0, -1.0, -1.0, 2.0]], dtype=np.float32)
TIES = np.array([float(v % 4) for v in range(20)], dtype=np.float32)
U = np.array([[3, 1, 3], [1, 1, 2]])  # for unique: repeats within rows, columns and runs
NANS = [2.0, nan, 1.0, nan, 2.0]

VALUES = [
    # argmax / argmin: first occurrence, nan wins, keepdim, int64
    ("argmax", lambda T: T.tensor(F).argmax()),
    ("argmax dim", lambda T: T.tensor(F).argmax(1)),
    ("argmin dim keepdim", lambda T: T.tensor(F).argmin(dim=0, keepdim=True)),
    ("argmin nan", lambda T: T.tensor([1.0, nan, 0.0]).argmin()),
    ("argmax keepdim", lambda T: T.tensor(F).argmax(keepdim=True)),
    ("argmax int", lambda T: T.tensor(I32).argmax(0)),
    ("argmax 0-d", lambda T: T.tensor(3.0).argmax(0, True)),
    ("argmax empty dim", lambda T: T.ones(0, 3).argmax(1)),
    # all / any: bool, uint8 stays uint8, dims, empty
    ("all", lambda T: T.tensor(F).all()),
    ("all nan", lambda T: T.tensor([1.0, nan]).all()),
    ("any dim", lambda T: T.tensor(I32).any(1)),
    ("all keepdim", lambda T: T.tensor(I32).all(0, keepdim=True)),
    ("all no dim keepdim", lambda T: T.tensor(I32).all(keepdim=True)),
    ("all uint8", lambda T: T.tensor([1, 2, 3], dtype=T.uint8).all()),
    ("any uint8 dims", lambda T: T.tensor([[1, 0], [0, 0]], dtype=T.uint8).any((0, 1))),
    ("all uint8 keepdim", lambda T: T.tensor([[1, 0], [1, 1]], dtype=T.uint8).all(1, True)),
    ("all dim tuple", lambda T: T.tensor(I32).all((0, 1))),
    ("all empty dim list", lambda T: T.tensor(I32).all(dim=())),
    ("any empty dim list uint8", lambda T: T.tensor([2, 0], dtype=T.uint8).any(dim=[])),
    ("all bool", lambda T: T.tensor([True, False]).all()),
    ("all empty", lambda T: T.ones(0).all()),
    ("any empty", lambda T: T.ones(0).any()),
    ("all empty dim", lambda T: T.ones(0, 3).all(0)),
    ("any empty rows", lambda T: T.ones(0, 3).any(1)),
    ("all 0-d", lambda T: T.tensor(3.0).all(0)),
    # integer and bool inputs keep or widen their dtype as torch
    ("prod int32", lambda T: T.tensor(I32).prod()),
    ("prod bool", lambda T: T.tensor([True, True]).prod(0)),
    ("prod int dtype", lambda T: T.tensor(I32).prod(1, dtype=T.float32)),
    ("prod float to int", lambda T: T.tensor([1.5, 2.0], dtype=T.float64).prod(dtype=T.int32)),
    ("prod 0-d dim", lambda T: T.tensor(3.0).prod(0, True)),
    ("cumsum int32", lambda T: T.tensor(I32).cumsum(1)),
    ("cumsum uint8", lambda T: T.tensor([200, 100], dtype=T.uint8).cumsum(0)),
    ("cumsum bool", lambda T: T.tensor([True, True, False]).cumsum(0)),
    ("cumsum dtype", lambda T: T.tensor(I32).cumsum(0, dtype=T.float64)),
    ("cumprod int8", lambda T: T.tensor([1, 2, 3], dtype=T.int8).cumprod(0)),
    ("cumsum float32 long", lambda T: T.tensor(np.linspace(0, 1, 5000, dtype=np.float32)
                                               * 1.1).cumsum(0)),
    ("cumsum empty", lambda T: T.ones(0).cumsum(0)),
    ("logsumexp int", lambda T: T.tensor(I32).logsumexp(1)),
    ("logsumexp bool", lambda T: T.tensor([True, False]).logsumexp(0)),
    ("logsumexp empty", lambda T: T.ones(0, 3).logsumexp(0)),
    ("logsumexp 0-d", lambda T: T.tensor(3.0).logsumexp(0, True)),
    ("max int", lambda T: T.tensor(I32).max()),
    ("max bool", lambda T: T.tensor([True, False]).max()),
    ("max bool dim", lambda T: T.tensor([True, False]).max(0)),
    ("min int dim", lambda T: T.tensor(I32).min(1)),
    ("amax int", lambda T: T.tensor(I32).amax(1)),
    ("amin bool", lambda T: T.tensor([True, False]).amin()),
    ("amax empty dim list", lambda T: T.tensor(I32).amax(dim=[])),
    ("amax empty rows", lambda T: T.ones(0, 3).amax(1)),
    ("max empty rows", lambda T: T.ones(0, 3).max(1)),
    ("aminmax", lambda T: T.aminmax(T.tensor(F))),
    ("aminmax bool", lambda T: T.aminmax(T.tensor([True, False]))),
    ("aminmax dim keepdim", lambda T: T.aminmax(T.tensor(I32), dim=0, keepdim=True)),
    ("aminmax keepdim", lambda T: T.tensor(I32).aminmax(keepdim=True)),
    ("aminmax empty rows", lambda T: T.ones(0, 3).aminmax(dim=1)),
    ("median int", lambda T: T.tensor(I32).median()),
    ("median uint8", lambda T: T.tensor([1, 2], dtype=T.uint8).median()),
    ("median int dim", lambda T: T.tensor(I32).median(1)),
    ("median empty", lambda T: T.ones(0).median()),
    ("median empty long", lambda T: T.ones(0, dtype=T.int64).median()),
    ("median empty rows", lambda T: T.ones(0, 3).median(1)),
    ("nanmedian int dim", lambda T: T.tensor([1, 2]).nanmedian(0)),
    ("median 0-d dim", lambda T: T.tensor(3.0).median(0)),
    ("mode int", lambda T: T.tensor(I32).mode()),
    ("mode bool", lambda T: T.tensor([True, False]).mode()),
    ("mode keepdim", lambda T: T.tensor(F[1:]).mode(1, keepdim=True)),
    ("kthvalue int", lambda T: T.tensor(I32).kthvalue(2, 1, True)),
    ("kthvalue nan", lambda T: T.tensor([nan, 1.0, nan]).kthvalue(3)),
    ("cummax int", lambda T: T.tensor(I32).cummax(1)),
    ("cummin bool", lambda T: T.tensor([True, False, True]).cummin(0)),
    ("cummin nan", lambda T: T.tensor([2.0, 1.0, nan, 0.0, nan]).cummin(0)),
    ("cummax empty", lambda T: T.ones(0).cummax(0)),
    ("sort", lambda T: T.tensor(F).sort()),
    ("sort bool", lambda T: T.tensor([True, False, True]).sort()),
    ("sort int descending", lambda T: T.tensor(I32).sort(0, descending=True)),
    ("sort nan descending", lambda T: T.tensor([nan, 1.0, nan, 3.0]).sort(descending=True)),
    ("sort stable long", lambda T: T.tensor(TIES).sort(stable=True)),
    ("sort stable long descending", lambda T: T.tensor(TIES).sort(descending=True,
                                                                  stable=True)),
    ("sort 0-d", lambda T: T.tensor(3.0).sort()),
    ("sort empty", lambda T: T.ones(0).sort()),
    ("argsort", lambda T: T.tensor(F).argsort(descending=True)),
    ("argsort stable", lambda T: T.tensor(TIES).argsort(stable=True)),
    ("msort", lambda T: T.tensor(I32).msort()),
    ("topk", lambda T: T.tensor([[1.0, 5.0, 3.0], [2.0, 0.0, 4.0]]).topk(2)),
    ("topk int smallest", lambda T: T.tensor(I32).topk(1, dim=0, largest=False)),
    ("topk nan", lambda T: T.tensor([nan, 1.0, 2.0]).topk(2)),
    ("topk 0", lambda T: T.ones(0).topk(0)),
    ("topk 0-d", lambda T: T.tensor(3.0).topk(1, 0)),
    ("kthvalue", lambda T: T.tensor([[1.0, 5.0, 3.0], [2.0, 0.0, 4.0]]).kthvalue(3, dim=1)),
    # float results: empty reductions, correction, dtype=
    ("prod empty", lambda T: T.ones(0).prod()),
    ("prod empty dim", lambda T: T.ones(0, 3).prod(0)),
    ("var empty", lambda T: T.ones(0).var()),
    ("var empty dim", lambda T: T.ones(0, 3).var(0)),
    ("std keepdim no dim", lambda T: T.ones(2, 3).std(keepdim=True)),
    ("var legacy unbiased", lambda T: T.tensor(F[1]).var(False)),
    ("var positional keepdim", lambda T: T.tensor(F[1:]).var(1, False, True)),
    ("var float correction", lambda T: T.tensor(F[1]).var(correction=2.5)),
    ("var negative correction", lambda T: T.tensor(F[1]).var(correction=-1)),
    ("var correction None", lambda T: T.tensor(F[1]).var(correction=None)),
    ("var dim list", lambda T: T.tensor(F[1:]).var([0, 1], correction=0)),
    ("var empty dim list", lambda T: T.tensor(F[1:]).var(dim=[])),
    ("var half", lambda T: T.tensor([1.0, 2.0, 4.0], dtype=T.float16).var()),
    ("var_mean tuple", lambda T: T.var_mean(T.tensor(F[1:]), 1, keepdim=True, correction=0)),
    ("std_mean tuple", lambda T: T.std_mean(T.tensor(F[1:]), dim=None)),
    ("norm empty", lambda T: T.ones(0).norm()),
    ("norm empty dim", lambda T: T.ones(0, 3).norm(dim=0)),
    ("norm inf empty rows", lambda T: T.ones(0, 3).norm(inf, dim=1)),
    ("norm 0", lambda T: T.tensor([3.0, -4.0, 0.0]).norm(0)),
    ("norm negative with zero", lambda T: T.tensor([3.0, -4.0, 0.0]).norm(-2)),
    ("norm p None", lambda T: T.tensor(F[1:]).norm(p=None)),
    ("norm p bool", lambda T: T.tensor(F[1:]).norm(p=True)),
    ("norm positional", lambda T: T.tensor(F[1:]).norm(2, 1, True)),
    ("norm dim list", lambda T: T.norm(T.tensor(F[1:]), 2, [1], True)),
    ("norm fro dim", lambda T: T.tensor(F[1:]).norm("fro", dim=0)),
    ("norm dtype", lambda T: T.norm(T.tensor(F[1:]), p=1, dtype=T.float64)),
    ("norm half to float", lambda T: T.tensor(F[1:], dtype=T.float16).norm(dtype=T.float32)),
    ("norm half", lambda T: T.tensor(F[1:], dtype=T.float16).norm()),
    ("norm half large", lambda T: T.tensor([300.0, 400.0], dtype=T.float16).norm()),
    ("var half large", lambda T: T.tensor([300.0, -400.0], dtype=T.float16).var()),
    ("norm 0-d dim", lambda T: T.tensor(-3.0).norm(dim=0)),
    ("norm dims all", lambda T: T.tensor(F[1:]).norm(dim=[])),
    ("nansum", lambda T: T.tensor(F).nansum()),
    ("nansum int", lambda T: T.tensor(I32).nansum(1)),
    ("nansum bool", lambda T: T.nansum(T.tensor([True, True]))),
    ("nansum dims", lambda T: T.nansum(T.tensor(F), (0, 1), keepdim=True)),
    ("nansum dtype", lambda T: T.nansum(T.tensor(F), dtype=T.float64)),
    ("nansum empty dims", lambda T: T.tensor(F).nansum([])),
    ("nansum empty", lambda T: T.nansum(T.ones(0, 3), 0)),
    ("nansum 0-d", lambda T: T.nansum(T.tensor(nan), 0)),
    ("nanmean", lambda T: T.nanmean(T.tensor(F), 1)),
    ("nanmean all nan", lambda T: T.nanmean(T.tensor([nan, nan]))),
    ("nanmean dtype", lambda T: T.tensor(F).nanmean(dtype=T.float64)),
    ("logcumsumexp", lambda T: T.tensor([-inf, -inf, 1.0, inf, nan, 1.0]).logcumsumexp(0)),
    ("logcumsumexp 0-d", lambda T: T.logcumsumexp(T.tensor(2.0), -1)),
    ("logcumsumexp float64", lambda T: T.tensor(F, dtype=T.float64).logcumsumexp(1)),
    ("quantile", lambda T: T.tensor(F[1:]).quantile(0.3)),
    ("quantile nan", lambda T: T.tensor(F).quantile(0.3, dim=1)),
    ("nanquantile", lambda T: T.tensor(F).nanquantile(0.3, dim=1)),
    ("quantile tensor q", lambda T: T.tensor(TIES).quantile(T.tensor([0.1, 0.5, 0.95]))),
    ("quantile keepdim no dim", lambda T: T.tensor(F[1:]).quantile(T.tensor([0.5]),
                                                                    keepdim=True)),
    ("quantile q 0 and 1", lambda T: T.quantile(T.tensor(TIES), T.tensor([0.0, 1.0]))),
    ("quantile float64", lambda T: T.quantile(T.tensor(F, dtype=T.float64), 0.9, 0)),
    ("dist", lambda T: T.dist(T.tensor(F[1:]), T.tensor([1.0, 2.0, 3.0, 4.0]), 3)),
    ("dist float64", lambda T: T.dist(T.ones(3), T.zeros(3, dtype=T.float64))),
    ("dist 0", lambda T: T.dist(T.tensor([1.0, 0.0, 2.0]), T.tensor([1.0, 1.0, 0.0]), 0)),
    ("dist empty", lambda T: T.dist(T.ones(0), T.ones(0))),
    ("dist tensor p", lambda T: T.dist(T.ones(2), T.zeros(2), T.tensor(1.0))),
    ("renorm", lambda T: T.tensor(F[1:]).renorm(1, 0, 0.5)),
    ("renorm float64", lambda T: T.renorm(T.tensor([[3.0, 4.0]], dtype=T.float64), 2, 1, 3.5)),
]


@pytest.mark.parametrize("fn", [v[1] for v in VALUES], ids=[v[0] for v in VALUES])
def test_values_match_torch(torch, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(fn(cr), fn(torch))


# ---- sum and mean (core ops), checked here for their reduction rules ------------------------

SUM_MEAN = [
    ("sum int32", lambda T: T.tensor(I32).sum()),
    ("sum bool", lambda T: T.tensor([True, True, False]).sum()),
    ("sum uint8 dim", lambda T: T.tensor([[200, 100]], dtype=T.uint8).sum(1)),
    ("sum dtype float", lambda T: T.tensor(I32).sum(0, dtype=T.float64)),
    ("sum keepdim", lambda T: T.tensor(F).sum(1, keepdim=True)),
    ("sum dim tuple", lambda T: T.ones(2, 3, 4).sum((0, 2))),
    ("sum negative dims", lambda T: T.ones(2, 3, 4).sum((-1, 0), keepdim=True)),
    ("sum dim list", lambda T: T.ones(2, 3).sum([1])),
    ("sum 0-d dim", lambda T: T.tensor(2.0).sum(0)),
    ("sum 0-d dim -1 keepdim", lambda T: T.tensor(2.0).sum(-1, keepdim=True)),
    ("sum empty", lambda T: T.ones(0).sum()),
    ("sum empty int", lambda T: T.ones(0, dtype=T.int32).sum()),
    ("sum empty dim", lambda T: T.ones(0, 3).sum(0)),
    ("sum empty rows", lambda T: T.ones(0, 3).sum(1)),
    ("mean", lambda T: T.tensor(F[1:]).mean()),
    ("mean keepdim", lambda T: T.tensor(F).mean(1, keepdim=True)),
    ("mean dim tuple", lambda T: T.ones(2, 3, 4).mean((0, 2))),
    ("mean dtype", lambda T: T.tensor(I32).mean(dtype=T.float64)),
    ("mean empty", lambda T: T.ones(0).mean()),
    ("mean empty dim", lambda T: T.ones(0, 3).mean(0)),
    ("mean empty rows", lambda T: T.ones(0, 3).mean(1)),
    ("mean half", lambda T: T.tensor([1.0, 2.0, 4.0], dtype=T.float16).mean()),
]


@pytest.mark.parametrize("fn", [v[1] for v in SUM_MEAN], ids=[v[0] for v in SUM_MEAN])
def test_sum_mean_match_torch(torch, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(fn(cr), fn(torch))


# torch reads an empty dim list as "every dim" for sum and mean (unlike all/any); with a
# small integer dtype= it sums in that dtype (NumPy's sum widens to int64)
@pytest.mark.parametrize("fn", [lambda T: T.tensor(I32).sum(dim=[]),
                                lambda T: T.tensor(F[1:]).mean(dim=()),
                                lambda T: T.tensor(I32).sum(dtype=T.int32)])
def test_sum_mean_empty_dims_and_dtype(torch, fn):
    assert_same(fn(cr), fn(torch))


def test_sum_mean_gradients_match_torch(torch):
    fns = [lambda T, x: x.sum((0, 2), keepdim=True), lambda T, x: x.mean((-1, 0)),
           lambda T, x: x.sum(), lambda T, x: x.mean(1, keepdim=True)]
    values = np.arange(24.0).reshape(2, 3, 4)
    for fn in fns:
        (out, g), (ref, h) = _grad(cr, fn, values), _grad(torch, fn, values)
        assert out.grad_fn.name() == ref.grad_fn.name()
        np.testing.assert_allclose(g.numpy(), h.numpy(), rtol=1e-12)


# ---- named tuples and printing ----------------------------------------------------------------

REPRS = [
    lambda T: T.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True).max(1),
    lambda T: T.tensor([3.0, 1.0, 2.0]).sort(),
    lambda T: T.tensor([3.0, 1.0, 2.0], requires_grad=True).topk(2),
    lambda T: T.tensor([3.0, 1.0, 2.0]).median(0),
    lambda T: T.tensor([3.0, 1.0, 2.0]).kthvalue(1),
    lambda T: T.tensor([3.0, 1.0, 1.0]).mode(),
    lambda T: T.tensor([3.0, 1.0, 2.0]).cummax(0),
    lambda T: T.tensor([3.0, 1.0, 2.0]).cummin(0),
    lambda T: T.aminmax(T.tensor([3.0, 1.0, 2.0], requires_grad=True)),
    lambda T: T.tensor([3.0, 1.0], requires_grad=True).max(),
    lambda T: T.var_mean(T.tensor([3.0, 1.0], requires_grad=True)),
    lambda T: T.tensor([3.0, 1.0]).norm(),
]


@pytest.mark.parametrize("fn", REPRS)
def test_reprs_match_torch(torch, fn):
    assert repr(fn(cr)) == repr(fn(torch))


def test_named_tuple_fields():
    r = cr.tensor([[1.0, 5.0], [3.0, 2.0]]).max(1)
    values, indices = r
    assert r.values is values and r[1] is indices and r._fields == ("values", "indices")
    m = cr.aminmax(cr.tensor([1.0, 4.0]))
    assert (m.min.item(), m.max.item()) == (1.0, 4.0)
    assert isinstance(cr.var_mean(cr.tensor([1.0, 4.0])), tuple)


def test_methods_and_functions_agree():
    x = cr.tensor([[1.0, 5.0, 2.0], [3.0, 2.0, 0.5]])
    for name in ("amax", "amin", "argmax", "argmin", "prod", "var", "std", "norm", "median",
                 "nanmedian", "all", "any"):
        assert_same(getattr(x, name)(), getattr(cr, name)(x))
    for name in ("logsumexp", "cumsum", "cumprod"):
        assert_same(getattr(x, name)(1), getattr(cr, name)(x, 1))
    for name in ("sort", "cummax", "cummin", "mode"):
        assert_same(getattr(x, name)(1), getattr(cr, name)(x, 1))
    assert_same(x.topk(2), cr.topk(x, 2))
    assert_same(x.kthvalue(2), cr.kthvalue(x, 2))
    assert_same(x.msort(), cr.msort(x))


def test_keyword_names_match_torch(torch):
    calls = [
        lambda T, x: T.max(x, dim=1, keepdim=True),
        lambda T, x: T.amax(x, dim=(0, 1), keepdim=True),
        lambda T, x: T.argmax(x, dim=1, keepdim=True),
        lambda T, x: T.prod(x, dim=1, keepdim=True, dtype=T.float64),
        lambda T, x: T.var(x, dim=1, correction=0, keepdim=True),
        lambda T, x: T.std(x, dim=1, unbiased=False, keepdim=True),
        lambda T, x: T.norm(x, p=1, dim=1, keepdim=True, dtype=T.float64),
        lambda T, x: T.logsumexp(x, dim=1, keepdim=True),
        lambda T, x: T.cumsum(x, dim=1, dtype=T.float64),
        lambda T, x: T.cumprod(x, dim=0),
        lambda T, x: T.cummax(x, dim=0),
        lambda T, x: T.all(x, dim=1, keepdim=True),
        lambda T, x: T.median(x, dim=0, keepdim=True),
        lambda T, x: T.sort(x, dim=0, descending=True, stable=True),
        lambda T, x: T.argsort(x, dim=0, descending=True, stable=True),
        lambda T, x: T.topk(x, k=1, dim=0, largest=False, sorted=True),
        lambda T, x: T.kthvalue(x, k=1, dim=0, keepdim=True),
        lambda T, x: T.mode(x, dim=0, keepdim=True),
        lambda T, x: T.aminmax(x, dim=0, keepdim=True),
    ]
    a = np.array([[1.0, 5.0, 2.0], [3.0, 2.0, 0.5]])
    for call in calls:
        assert_same(call(cr, cr.tensor(a)), call(torch, torch.tensor(a)))


def test_vector_norm_matches_torch(torch):
    if not hasattr(cr.linalg, "vector_norm"):
        pytest.skip("chainrule.linalg.vector_norm: linalg.py imports it from _ops.reductions")
    a = np.array([[3.0, -4.0, 0.0], [1.0, 2.0, 2.0]])
    calls = [
        lambda T, x: T.linalg.vector_norm(x),
        lambda T, x: T.linalg.vector_norm(x, 1, 1),
        lambda T, x: T.linalg.vector_norm(x, ord=inf, dim=(0, 1), keepdim=True),
        lambda T, x: T.linalg.vector_norm(x, 0.5, dim=0, dtype=T.float64),
    ]
    for call in calls:
        assert_same(call(cr, cr.tensor(a)), call(torch, torch.tensor(a)))
    with pytest.raises(TypeError, match="argument 'ord' must be Number, not str"):
        cr.linalg.vector_norm(cr.tensor(a), ord="fro")


LINALG_NORMS = [
    lambda T, x: T.linalg.matrix_norm(x),
    lambda T, x: T.linalg.matrix_norm(x, 1),
    lambda T, x: T.linalg.matrix_norm(x, -1, keepdim=True),
    lambda T, x: T.linalg.matrix_norm(x, inf, dim=(1, 0)),
    lambda T, x: T.linalg.matrix_norm(x, -inf, dtype=T.float64),
    lambda T, x: T.linalg.matrix_norm(x[None], inf, dim=(0, 2), keepdim=True),
    lambda T, x: T.linalg.norm(x),
    lambda T, x: T.linalg.norm(x, 1),
    lambda T, x: T.linalg.norm(x, -inf, (-1, 0)),
    lambda T, x: T.linalg.norm(x, inf, dim=1),
    lambda T, x: T.linalg.norm(x, "fro", keepdim=True),
    lambda T, x: T.linalg.norm(x[0], 3),
    lambda T, x: T.linalg.norm(x[None], keepdim=True),
]


@pytest.mark.parametrize("fn", LINALG_NORMS)
def test_linalg_norms_match_torch(torch, fn):
    if not hasattr(cr.linalg, "matrix_norm"):
        pytest.skip("chainrule.linalg.matrix_norm/norm: linalg.py imports them from reductions")
    a = np.array([[1.0, -2.0, 0.5], [3.0, 4.0, -1.0]])
    (out, g), (ref, h) = _grad(cr, fn, a), _grad(torch, fn, a)
    assert out.grad_fn.name() == ref.grad_fn.name()
    assert_same(out, ref)
    np.testing.assert_allclose(g.numpy(), h.numpy(), rtol=1e-12)


LINALG_NORM_ERRORS = [
    lambda T: T.linalg.matrix_norm(T.ones(3)),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3), 3),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3), 3.5),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3), "abc"),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3), dim=(0, -2)),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3), dim=(0, 1, 2)),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3), dim=(0, 2)),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3, dtype=T.float16), "nuc"),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3, dtype=T.int64)),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3, dtype=T.float64), 1, dtype=T.float32),
    lambda T: T.linalg.matrix_norm(T.ones(2, 3), 1, dtype=T.int32),
    lambda T: T.linalg.norm(T.ones(2, 3), dim=(0, 1, 1)),
    lambda T: T.linalg.norm(T.ones(2, 2, 3), "fro"),
    lambda T: T.linalg.norm(T.ones(2, 2, 3), 1),
    lambda T: T.linalg.norm(T.ones(2, 3), "fro", dim=1),
    lambda T: T.linalg.norm(T.ones(3), "fro"),
    lambda T: T.linalg.vector_norm(T.ones(3, dtype=T.int64)),
    lambda T: T.linalg.vector_norm(T.ones(3), dtype=T.int64),
    lambda T: T.linalg.vector_norm(T.ones(0), -0.5),
]


@pytest.mark.parametrize("fn", LINALG_NORM_ERRORS)
def test_linalg_norm_errors_match_torch(torch, fn):
    if not hasattr(cr.linalg, "matrix_norm"):
        pytest.skip("chainrule.linalg.matrix_norm/norm: linalg.py imports them from reductions")
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(type(theirs.value)) as ours:
        fn(cr)
    assert str(ours.value) == str(theirs.value)




def test_max_with_other():
    a, b = cr.tensor([1.0, 4.0]), cr.tensor([3.0, 2.0])
    if not hasattr(cr, "maximum"):
        with pytest.raises(NotImplementedError, match="maximum"):
            cr.max(a, b)
        return
    assert cr.max(a, b).tolist() == [3.0, 4.0]
    assert a.min(b).tolist() == [1.0, 2.0]
    assert cr.max(a, other=b).tolist() == [3.0, 4.0]


# ---- errors -----------------------------------------------------------------------------------

ERRORS = [
    # empty reductions without an identity
    lambda T: T.ones(0).max(),
    lambda T: T.ones(0).min(),
    lambda T: T.ones(0).amax(),
    lambda T: T.ones(0, 3).amin(),
    lambda T: T.ones(0, 3).amax(0),
    lambda T: T.ones(0, 3).amax((0, 1)),
    lambda T: T.ones(3, 0).max(1),
    lambda T: T.ones(0, 3).min(0),
    lambda T: T.ones(0).argmax(),
    lambda T: T.ones(0, 3).argmin(0),
    lambda T: T.ones(0).aminmax(),
    lambda T: T.ones(0, 3).aminmax(dim=0),
    lambda T: T.ones(0, 3).median(0),
    lambda T: T.ones(0).kthvalue(1),
    lambda T: T.ones(0).mode(),
    lambda T: T.ones(0).norm(inf),
    lambda T: T.ones(0).norm(-inf),
    lambda T: T.ones(0).norm(-1),
    lambda T: T.ones(0, 3).norm(inf, dim=0),
    lambda T: T.ones(0).topk(1),
    # dims out of range or repeated
    lambda T: T.tensor([1.0, 2.0]).max(2),
    lambda T: T.tensor([1.0, 2.0]).max(dim=-3),
    lambda T: T.tensor([1.0, 2.0]).amax(-3),
    lambda T: T.tensor([1.0, 2.0]).argmax(1),
    lambda T: T.tensor([1.0, 2.0]).sort(1),
    lambda T: T.tensor([1.0, 2.0]).cumsum(1),
    lambda T: T.tensor([1.0, 2.0]).cumprod(-2),
    lambda T: T.tensor([1.0, 2.0]).cummax(1),
    lambda T: T.tensor([1.0, 2.0]).prod(1),
    lambda T: T.tensor([1.0, 2.0]).var(1),
    lambda T: T.tensor([1.0, 2.0]).std((0, 1)),
    lambda T: T.tensor([1.0, 2.0]).median(1),
    lambda T: T.tensor([1.0, 2.0]).logsumexp(1),
    lambda T: T.tensor([1.0, 2.0]).all(1),
    lambda T: T.tensor([1.0, 2.0]).any((0, 1)),
    lambda T: T.tensor([1.0, 2.0]).norm(dim=1),
    lambda T: T.tensor([1.0, 2.0]).topk(1, 1),
    lambda T: T.tensor([1.0, 2.0]).kthvalue(1, 1),
    lambda T: T.tensor([1.0, 2.0]).mode(1),
    lambda T: T.tensor([1.0, 2.0]).aminmax(dim=1),
    lambda T: T.tensor(3.0).cumsum(1),
    lambda T: T.tensor(3.0).max(-2),
    lambda T: T.tensor([1.0, 2.0]).amax((0, 0)),
    lambda T: T.tensor([1.0, 2.0]).all((0, 0)),
    lambda T: T.tensor([1.0, 2.0]).var((0, -1)),
    lambda T: T.tensor([1.0, 2.0]).logsumexp((0, 0)),
    lambda T: T.tensor([1.0, 2.0]).norm(dim=(0, 0)),
    lambda T: T.ones(3).logsumexp([]),
    lambda T: T.ones(2, 3).logsumexp(()),
    # k out of range
    lambda T: T.ones(3).kthvalue(4),
    lambda T: T.ones(3).kthvalue(0),
    lambda T: T.ones(2, 3).kthvalue(3, 0),
    lambda T: T.ones(3).topk(4),
    lambda T: T.ones(3).topk(-1),
    lambda T: T.tensor(3.0).topk(2),
    # dtypes an op does not take
    lambda T: T.tensor([1, 2, 3]).var(),
    lambda T: T.tensor([1, 2, 3]).std(0),
    lambda T: T.var_mean(T.tensor([True, False])),
    lambda T: T.tensor([1, 2, 3]).norm(),
    lambda T: T.tensor([1, 2, 3]).norm(dtype=T.float32),
    lambda T: T.tensor([1.0, 2.0]).norm(dtype=T.int64),
    lambda T: T.tensor([1.0, 2.0], dtype=T.float64).norm(dtype=T.float32),
    lambda T: T.tensor([1.0, 2.0]).norm(dtype=T.float16),
    lambda T: T.tensor([True, False]).argmax(),
    lambda T: T.tensor([True, False]).argmin(0),
    lambda T: T.tensor([True]).topk(1),
    lambda T: T.tensor([True, False]).median(),
    lambda T: T.tensor([True, False]).median(0),
    lambda T: T.tensor([True, False]).nanmedian(),
    lambda T: T.tensor([True, False]).nanmedian(0),
    lambda T: T.tensor([True, False]).kthvalue(1),
    lambda T: T.tensor([1, 2]).mean(),
    lambda T: T.tensor([True]).mean(0),
    # arguments
    lambda T: T.ones(2, 3).median(keepdim=True),
    lambda T: T.ones(2, 3).norm("abc"),
    lambda T: T.ones(2, 3, 4).norm("fro", dim=(0, 1, 2)),
    # counting and distinct values
    lambda T: T.tensor(F).count_nonzero(dim=(0, 0)),
    lambda T: T.tensor(F).count_nonzero(2),
    lambda T: T.tensor(F).count_nonzero(1.5),
    lambda T: T.count_nonzero(T.tensor(F), 1.5),
    lambda T: T.tensor(U).unique(dim=2),
    lambda T: T.tensor(3).unique(dim=0),
    lambda T: T.zeros(0, 3).unique(dim=1),
    lambda T: T.tensor(U).unique_consecutive(dim=3),
    lambda T: T.tensor(3).unique_consecutive(dim=0),
    lambda T: T.zeros(2, 0).unique_consecutive(dim=0),
    lambda T: T.func.vmap(T.unique)(T.tensor(F)),
    lambda T: T.func.vmap(lambda t: t.unique(dim=0))(T.tensor(F)),
    lambda T: T.func.vmap(lambda t: t.unique_consecutive())(T.tensor(F)),
]


ERRORS += [
    lambda T: T.nansum(T.ones(2, dtype=T.complex64)),
    lambda T: T.nansum(T.ones(2, 3), 5),
    lambda T: T.nanmean(T.tensor([1, 2])),
    lambda T: T.logcumsumexp(T.tensor([1, 2]), 0),
    lambda T: T.logcumsumexp(T.ones(2, 3), 2),
    lambda T: T.quantile(T.ones(3), 1.5),
    lambda T: T.nanquantile(T.ones(3), -0.5),
    lambda T: T.quantile(T.ones(3), T.tensor([1.5])),
    lambda T: T.quantile(T.ones(3), T.tensor([[0.5]])),
    lambda T: T.quantile(T.ones(3), T.tensor([0.5], dtype=T.float64)),
    lambda T: T.quantile(T.tensor([1, 2]), 0.5),
    lambda T: T.quantile(T.ones(0), 0.5),
    lambda T: T.quantile(T.ones(3), 0.5, interpolation="foo"),
    lambda T: T.quantile(T.ones(0), 1.5, interpolation="foo"),
    lambda T: T.quantile(T.ones(2, 3), 0.5, dim=3),
    lambda T: T.dist(T.tensor([1, 2]), T.tensor([1, 2])),
    lambda T: T.dist(T.ones(2, 3), T.ones(2)),
    lambda T: T.dist(T.ones(2), T.ones(2), "fro"),
    lambda T: T.dist(T.ones(0), T.ones(0), inf),
    lambda T: T.dist(T.ones(0), T.ones(0), -1),
    lambda T: T.renorm(T.ones(3), 2, 0, 1.0),
    lambda T: T.renorm(T.ones(2, 3), -1, 0, 1.0),
    lambda T: T.renorm(T.ones(2, 3), 0, 0, 1.0),
    lambda T: T.renorm(T.ones(2, 3), 2, 0, -1.0),
    lambda T: T.renorm(T.ones(2, 3), 2, 0, -0.5),
    lambda T: T.renorm(T.ones(2, 3, dtype=T.int64), 2, 0, 1.0),
    lambda T: T.renorm(T.ones(2, 3), 2, 2, 1.0),
    lambda T: T.ones(2, 3, dtype=T.int64).renorm_(2, 0, 1.0),
]


@pytest.mark.parametrize("fn", ERRORS)
def test_errors_match_torch(torch, fn):
    with pytest.raises(Exception) as theirs:
        fn(torch)
    with pytest.raises(type(theirs.value)) as ours:
        fn(cr)
    assert str(ours.value) == str(theirs.value)


# torch's texts for these list every overload it tried; the type and the start agree
ARGUMENT_ERRORS = [
    lambda T: T.ones(2, 3).max(keepdim=True),
    lambda T: T.ones(2, 3).prod((0, 1)),
    lambda T: T.ones(3).var(unbiased=True, correction=1),
    lambda T: T.ones(3).var(True, correction=1),
    lambda T: T.ones(3).std(0, 1),
    lambda T: T.ones(3).logsumexp(),
]


@pytest.mark.parametrize("fn", ARGUMENT_ERRORS)
def test_argument_errors_match_torch(torch, fn):
    with pytest.raises(TypeError) as theirs:
        fn(torch)
    with pytest.raises(TypeError) as ours:
        fn(cr)
    assert str(ours.value).split(" - ")[0].split("(")[0] == \
        str(theirs.value).split(" - ")[0].split("(")[0]


@pytest.mark.parametrize("name", ["var", "std", "var_mean", "std_mean"])
def test_degrees_of_freedom_warning_matches_torch(torch, name):
    def warned(T, **kwargs):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            getattr(T, name)(T.tensor([1.0, 2.0]), **kwargs)
        return [str(m.message).split(" (Triggered internally")[0] for m in w
                if issubclass(m.category, UserWarning)]

    assert warned(cr, correction=2) == warned(torch, correction=2)
    assert warned(cr, correction=3) == warned(torch, correction=3)
    assert warned(cr) == warned(torch) == []


# ---- searching sorted values --------------------------------------------------------------------

SEARCH_CASES = [
    "T.isin(T.tensor([1, 2, 3]), T.tensor([2, 5]))", "T.isin(T.tensor([1, 2, 3]), 2)",
    "T.isin(2, T.tensor([1, 2]))", "T.isin(T.tensor([1.0, 2.0]), T.tensor([2]), invert=True)",
    "T.isin(T.tensor([1.5, 2.0]), T.tensor([2]))",
    "T.isin(T.tensor([[1, 2]]), T.tensor([[2], [1]]))",
    "T.isin(T.tensor([1.0, float('nan')]), T.tensor([float('nan')]))",
    "T.searchsorted(s, v)", "T.searchsorted(s, v, right=True)", "T.searchsorted(s, 5)",
    "T.searchsorted(s, v, out_int32=True)", "T.searchsorted(s, v, side='right')",
    "T.searchsorted(s, v, side='left', right=True)", "T.searchsorted(s, v, side='middle')",
    "T.searchsorted(T.tensor([[1, 3], [2, 4]]), T.tensor([[2], [3]]))",
    "T.searchsorted(T.tensor([[1, 3], [2, 4]]), T.tensor([[2, 9], [3, 0]]), right=True)",
    "T.searchsorted(T.tensor([1.0, 3.0]), T.tensor([2]))",
    "T.searchsorted(T.tensor([3, 1, 2]), T.tensor([2]), sorter=T.tensor([1, 2, 0]))",
    "T.searchsorted(T.tensor([[1, 2]]), T.tensor([1]))", "T.searchsorted(s, T.tensor([2.5, 7.0]))",
    "T.bucketize(T.tensor([3, 6, 9]), s)", "T.bucketize(T.tensor([3, 6, 9]), s, right=True)",
    "T.bucketize(5, s)", "T.bucketize(T.tensor([1]), T.tensor([[1, 2]]))",
    "T.bucketize(T.tensor([[3.5, 0.0]]), s, out_int32=True)",
]


@pytest.mark.parametrize("expr", SEARCH_CASES)
def test_searching_matches_torch(torch, expr):
    def outcome(T):  # noqa: ANN001, ANN202
        env = {"T": T, "s": T.tensor([1, 3, 5, 7]), "v": T.tensor([[3, 6, 9], [3, 6, 9]])}
        try:
            out = eval(expr, env)
        except Exception as e:  # noqa: BLE001 - the exception itself is compared
            return type(e).__name__, str(e)
        return str(out.dtype), tuple(out.shape), out.tolist()

    assert outcome(cr) == outcome(torch)


# ---- counting and distinct values -----------------------------------------------------------

def _unique_grad(T, **kwargs):
    """A unique of a tensor that requires grad: its node's name, and the error of its
    backward."""
    x = T.tensor([[0.0, 1.0, 2.0], [0.0, 0.0, 3.0]], requires_grad=True)
    out = x.unique(**kwargs) if "consecutive" not in kwargs else x.unique_consecutive(
        dim=kwargs["consecutive"])
    first = out[0] if isinstance(out, tuple) else out
    rest = [(t.requires_grad, t.grad_fn) for t in (out[1:] if isinstance(out, tuple) else ())]
    try:
        first.sum().backward()
        error = None
    except Exception as e:  # noqa: BLE001 - the exception is what is compared
        error = (type(e).__name__, str(e))
    return first.grad_fn.name(), rest, error



DISTINCT = [
    ("count_nonzero", lambda T: T.tensor(F).count_nonzero()),
    ("count_nonzero dim", lambda T: T.tensor(F).count_nonzero(0)),
    ("count_nonzero negative dim", lambda T: T.count_nonzero(T.tensor(F), -1)),
    ("count_nonzero dims", lambda T: T.tensor(F).count_nonzero(dim=(0, 1))),
    ("count_nonzero list", lambda T: T.count_nonzero(T.tensor(F), dim=[1])),
    ("count_nonzero empty dims", lambda T: T.tensor(F).count_nonzero(dim=())),
    ("count_nonzero none", lambda T: T.tensor(F).count_nonzero(dim=None)),
    ("count_nonzero 0-d", lambda T: (T.tensor(3.0).count_nonzero(),
                                     T.tensor(0.0).count_nonzero(0))),
    ("count_nonzero bool", lambda T: T.tensor([True, False]).count_nonzero()),
    ("count_nonzero empty", lambda T: T.zeros(0, 3).count_nonzero(1)),
    ("unique", lambda T: T.tensor(U).unique()),
    ("unique unsorted", lambda T: T.tensor(U).unique(sorted=False)),
    ("unique inverse", lambda T: T.tensor(U).unique(return_inverse=True)),
    ("unique counts", lambda T: T.unique(T.tensor(U), return_counts=True)),
    ("unique both", lambda T: T.tensor(U).unique(return_inverse=True, return_counts=True)),
    ("unique positional", lambda T: T.unique(T.tensor([1, 1, 2]), False, True)),
    ("unique dim", lambda T: T.tensor(U).unique(dim=0)),
    ("unique dim 1", lambda T: T.tensor(U).unique(dim=1, return_inverse=True,
                                                  return_counts=True)),
    ("unique dim positional", lambda T: T.unique(T.tensor(U), True, True, True, 0)),
    ("unique dim negative", lambda T: T.tensor(U).unique(dim=-1)),
    ("unique nan", lambda T: T.tensor(NANS).unique(return_inverse=True, return_counts=True)),
    ("unique float", lambda T: T.tensor(F).unique(return_counts=True)),
    ("unique bool", lambda T: T.tensor([True, False, True]).unique(return_counts=True)),
    ("unique 0-d", lambda T: T.tensor(3).unique(return_inverse=True, return_counts=True)),
    ("unique empty", lambda T: T.tensor([]).unique(return_inverse=True, return_counts=True)),
    ("unique empty dim", lambda T: T.zeros(0, 3).unique(dim=0, return_inverse=True,
                                                        return_counts=True)),
    ("unique empty selected dim", lambda T: T.zeros(2, 0).unique(dim=1, return_inverse=True,
                                                                 return_counts=True)),
    ("unique_consecutive", lambda T: T.tensor(U).unique_consecutive()),
    ("unique_consecutive flat", lambda T: T.tensor(U).flatten().unique_consecutive(
        return_inverse=True, return_counts=True)),
    ("unique_consecutive inverse", lambda T: T.tensor(U).unique_consecutive(
        return_inverse=True)),
    ("unique_consecutive dim", lambda T: T.tensor(U).unique_consecutive(dim=1,
                                                                       return_counts=True)),
    ("unique_consecutive dim rows", lambda T: T.zeros(2, 3).unique_consecutive(
        dim=1, return_inverse=True)),
    ("unique_consecutive positional", lambda T: T.unique_consecutive(
        T.tensor([1, 1, 2, 2, 1]), True, True)),
    ("unique_consecutive nan", lambda T: T.tensor(NANS).unique_consecutive()),
    ("unique_consecutive 0-d", lambda T: T.tensor(5).unique_consecutive(
        return_inverse=True, return_counts=True)),
    ("unique_consecutive empty", lambda T: T.tensor([]).unique_consecutive(
        return_inverse=True, return_counts=True)),
    ("unique_consecutive empty dim", lambda T: T.zeros(0, 2).unique_consecutive(
        dim=0, return_inverse=True, return_counts=True)),
]


@pytest.mark.parametrize("fn", [v[1] for v in DISTINCT], ids=[v[0] for v in DISTINCT])
def test_counting_and_distinct_values_match_torch(torch, fn):
    assert_same(fn(cr), fn(torch))


@pytest.mark.parametrize("kwargs", [{}, {"dim": 0}, {"return_inverse": True,
                                                      "return_counts": True},
                                     {"dim": 1, "return_counts": True}, {"consecutive": None},
                                     {"consecutive": 1}])
def test_unique_records_a_node_without_derivative_as_torch(torch, kwargs):
    ours, theirs = _unique_grad(cr, **kwargs), _unique_grad(torch, **kwargs)
    assert ours == theirs


def test_count_nonzero_under_vmap_matches_torch(torch):
    results = [T.func.vmap(lambda t, T=T: T.count_nonzero(t, 0))(T.tensor(F.reshape(2, 2, 2)))
               for T in (cr, torch)]
    assert_same(*results)


def test_dist_0_has_no_gradient_and_fails_for_other(torch):
    # the 0-"norm" counts nonzeros: no gradient for input; torch negates that undefined
    # gradient for other and fails
    for T in (cr, torch):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        T.dist(x, T.tensor([1.0, 3.0]), 0).backward()
        assert x.grad is None
        y = T.tensor([1.0, 3.0], requires_grad=True)
        with pytest.raises(RuntimeError, match="Expected a proper Tensor but got None"):
            T.dist(x, y, 0).backward()


def test_quantile_gradient_reaches_q(torch):
    got = []
    for T in (cr, torch):
        x = T.tensor([1.0, 3.0, 2.0, 4.0], dtype=T.float64, requires_grad=True)
        q = T.tensor([0.3, 0.5], dtype=T.float64, requires_grad=True)
        T.quantile(x, q).sum().backward()
        got.append((x.grad.numpy(), q.grad.numpy()))
        # lower/higher/nearest/midpoint do not depend on q continuously: no gradient
        p = T.tensor([0.3], dtype=T.float64, requires_grad=True)
        T.quantile(x, p, interpolation="midpoint").sum().backward()
        assert p.grad is None
    np.testing.assert_allclose(got[0][0], got[1][0], rtol=1e-12)
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-12)
    # without torch: d/dq of the linear interpolation is (x_above - x_below) * (n - 1)
    np.testing.assert_allclose(got[0][1], [3.0, 3.0])


def test_nan_reductions_in_place_and_methods_without_torch():
    x = cr.tensor([[3.0, 4.0], [0.3, 0.4]])
    assert x.renorm_(2, 0, 1.0) is x
    np.testing.assert_allclose(x.numpy(), [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    y = cr.tensor([1.0, nan, 3.0], requires_grad=True)
    y.nanmean().backward()
    assert y.grad.tolist() == [0.5, 0.0, 0.5]
    assert cr.nansum(cr.tensor([nan, nan])).item() == 0.0
