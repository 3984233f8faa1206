"""The activations and losses added after the first nn issue, against torch: values and
gradients at their breakpoints, in-place forms, module reprs and attributes, warnings, dtype
errors and messages. (Gradients away from the breakpoints: the records in tests/records/nn.py.)"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr


def F(T):  # noqa: N802 - reads as torch.nn.functional
    return T.nn.functional


# each function at its breakpoints (and just off them): torch's value and one-sided choice
KINKS = [
    ("hardswish", lambda T, x: F(T).hardswish(x), [-3.0, 3.0, -3.5, 0.0, 3.5]),
    ("hardsigmoid", lambda T, x: F(T).hardsigmoid(x), [-3.0, 3.0, -3.5, 0.0, 3.5]),
    ("threshold", lambda T, x: F(T).threshold(x, 0.5, -2.0), [0.5, 0.4, 0.6]),
    ("threshold_inplace", lambda T, x: F(T).threshold(x * 1, 0.5, -2.0, True), [0.5, 0.6]),
    # value above the threshold: only the input from before the write tells the branches apart
    ("threshold_inplace_high_value", lambda T, x: F(T).threshold(x * 1, 0.5, 2.0, True),
     [0.2, 0.6]),
    ("celu", lambda T, x: F(T).celu(x, 0.7), [0.0, -1.0, 1.0]),
    ("celu_inplace", lambda T, x: F(T).celu(x * 1, 0.7, True), [0.0, -1.0, 1.0]),
    ("softshrink", lambda T, x: F(T).softshrink(x, 0.5), [-0.5, 0.5, -0.7, 0.0, 0.7]),
    ("hardshrink", lambda T, x: F(T).hardshrink(x, 0.5), [-0.5, 0.5, -0.7, 0.0, 0.7]),
    ("softsign", lambda T, x: F(T).softsign(x), [0.0, -2.0]),
    ("tanhshrink", lambda T, x: F(T).tanhshrink(x), [0.0, 1.0]),
    ("mish", lambda T, x: F(T).mish(x), [0.0, -30.0, 30.0]),
    ("relu6_inplace", lambda T, x: F(T).relu6(x * 1, inplace=True), [0.0, 6.0, 3.0]),
    ("hardswish_inplace", lambda T, x: F(T).hardswish(x * 1, inplace=True), [-3.0, 3.0, 1.0]),
    ("hardsigmoid_inplace", lambda T, x: F(T).hardsigmoid(x * 1, True), [-3.0, 3.0, 1.0]),
    ("mish_inplace", lambda T, x: F(T).mish(x * 1, True), [-1.0, 2.0]),
    # target -1 at input == margin: the clamp passes the gradient at its bound
    ("hinge_at_margin", lambda T, x: F(T).hinge_embedding_loss(
        x, T.tensor([-1.0, -1.0, 1.0, 1.0]), margin=0.5, reduction="none"), [0.5, 0.7, 0.5, 0.0]),
    ("hinge_other_target", lambda T, x: F(T).hinge_embedding_loss(
        x, T.tensor([0.0, 2.0]), reduction="none"), [0.5, 2.0]),
    ("margin_ranking_at_zero", lambda T, x: F(T).margin_ranking_loss(
        x, x * 0 + 1, T.tensor([1.0, -1.0, 1.0]), reduction="sum"), [1.0, 1.0, 0.5]),
    ("soft_margin_extremes", lambda T, x: F(T).soft_margin_loss(
        x, T.tensor([1.0, -1.0, 1.0]), reduction="sum"), [-50.0, -50.0, 50.0]),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, fn, values", KINKS, ids=[k[0] for k in KINKS])
def test_breakpoints_match_torch(torch, name, fn, values, dtype):
    x = cr.tensor(values, dtype=getattr(cr, dtype), requires_grad=True)
    y = torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=True)
    out, ref = fn(cr, x), fn(torch, y)
    assert out.grad_fn.name() == ref.grad_fn.name()
    assert str(out.dtype) == str(ref.dtype)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-6)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-6)


def test_threshold_keeps_integers(torch):
    out = F(cr).threshold(cr.tensor([1, 2, 3]), 1.5, 0)
    ref = F(torch).threshold(torch.tensor([1, 2, 3]), 1.5, 0)
    assert str(out.dtype) == str(ref.dtype)
    assert out.tolist() == ref.tolist()


def test_hardsigmoid_has_no_second_derivative(torch):
    messages = []
    for T in (cr, torch):
        x = T.tensor([-1.0, 0.5], requires_grad=True)
        (g,) = T.autograd.grad(F(T).hardsigmoid(x).sum(), x, create_graph=True)
        assert g.grad_fn.name() == "torch::autograd::NotImplemented"
        with pytest.raises(RuntimeError) as info:
            g.sum().backward()
        messages.append(str(info.value))
    assert messages[0] == messages[1]


# the public in-place functions: same values, same node as torch's
INPLACE = [
    ("celu_", lambda T, x: F(T).celu_(x, 2.0)),
    ("selu_", lambda T, x: F(T).selu_(x)),
    ("elu_", lambda T, x: F(T).elu_(x, 0.5)),
    ("relu_", lambda T, x: F(T).relu_(x)),
    ("leaky_relu_", lambda T, x: F(T).leaky_relu_(x, 0.1)),
    ("hardtanh_", lambda T, x: F(T).hardtanh_(x, -0.5, 0.5)),
    ("threshold_", lambda T, x: F(T).threshold_(x, 0.2, -1.0)),
]


@pytest.mark.parametrize("name, fn", INPLACE, ids=[k[0] for k in INPLACE])
def test_inplace_functions_match_torch(torch, name, fn):
    values = [-1.5, -0.3, 0.4, 2.0]
    x, y = cr.tensor(values, requires_grad=True), torch.tensor(values, requires_grad=True)
    a, b = x * 1, y * 1
    out, ref = fn(cr, a), fn(torch, b)
    assert out is a and ref is b
    assert out.grad_fn.name() == ref.grad_fn.name()
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-6)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-6)


ERRORS = [
    ("hardswish_int", lambda T: F(T).hardswish(T.tensor([1, 2]))),
    ("hardsigmoid_int", lambda T: F(T).hardsigmoid(T.tensor([1, 2]))),
    ("mish_int", lambda T: F(T).mish(T.tensor([1, 2]))),
    ("celu_int", lambda T: F(T).celu(T.tensor([1, 2]))),
    ("softshrink_int", lambda T: F(T).softshrink(T.tensor([1, 2]))),
    ("hardshrink_int", lambda T: F(T).hardshrink(T.tensor([1, 2]))),
    ("celu_alpha_0", lambda T: F(T).celu(T.tensor([1.0]), 0.0)),
    ("softshrink_negative", lambda T: F(T).softshrink(T.tensor([1.0]), -1.0)),
    ("softshrink_negative_double", lambda T: F(T).softshrink(T.tensor([1.0]).double(), -0.25)),
    ("glu_scalar", lambda T: F(T).glu(T.tensor(1.0))),
    ("glu_odd", lambda T: F(T).glu(T.ones(2, 3))),
    ("glu_odd_dim0", lambda T: F(T).glu(T.ones(3, 2), 0)),
    ("glu_int", lambda T: F(T).glu(T.ones(2, 4, dtype=T.long))),
    ("glu_dim_range", lambda T: F(T).glu(T.ones(2, 4), 2)),
    ("hardtanh_module_bounds", lambda T: T.nn.Hardtanh(1.0, 1.0)),
    ("margin_ranking_dims", lambda T: F(T).margin_ranking_loss(
        T.ones(2, 3), T.ones(2, 3), T.ones(3))),
    ("soft_margin_target_grad", lambda T: F(T).soft_margin_loss(
        T.ones(3), T.ones(3, requires_grad=True))),
    ("soft_margin_int", lambda T: F(T).soft_margin_loss(T.ones(3, dtype=T.long),
                                                        T.ones(3, dtype=T.long))),
    ("soft_margin_int_input", lambda T: F(T).soft_margin_loss(T.ones(3, dtype=T.int32),
                                                              T.ones(3))),
    ("soft_margin_bool", lambda T: F(T).soft_margin_loss(T.ones(3, dtype=T.bool),
                                                         T.ones(3, dtype=T.bool))),
    ("kl_div_bad_reduction", lambda T: F(T).kl_div(T.ones(3), T.ones(3), reduction="avg")),
    ("hinge_bad_reduction", lambda T: F(T).hinge_embedding_loss(T.ones(3), T.ones(3),
                                                                reduction="x")),
]


@pytest.mark.parametrize("name, fn", ERRORS, ids=[k[0] for k in ERRORS])
def test_errors_match_torch(torch, name, fn):
    with pytest.raises(Exception) as ref:
        fn(torch)
    with pytest.raises(type(ref.value)) as ours:
        fn(cr)
    assert str(ours.value) == str(ref.value)


MODULES = [
    ("Threshold", lambda T: T.nn.Threshold(0.1, 20)),
    ("Threshold_inplace", lambda T: T.nn.Threshold(0.1, 20.0, True)),
    ("Hardtanh", lambda T: T.nn.Hardtanh()),
    ("Hardtanh_args", lambda T: T.nn.Hardtanh(-2, 3, True)),
    ("ReLU6", lambda T: T.nn.ReLU6()),
    ("ReLU6_inplace", lambda T: T.nn.ReLU6(True)),
    ("Hardswish", lambda T: T.nn.Hardswish(True)),
    ("Hardsigmoid", lambda T: T.nn.Hardsigmoid()),
    ("Mish", lambda T: T.nn.Mish(True)),
    ("SELU", lambda T: T.nn.SELU()),
    ("SELU_inplace", lambda T: T.nn.SELU(inplace=True)),
    ("CELU", lambda T: T.nn.CELU()),
    ("CELU_args", lambda T: T.nn.CELU(2, True)),
    ("Softsign", lambda T: T.nn.Softsign()),
    ("Tanhshrink", lambda T: T.nn.Tanhshrink()),
    ("LogSigmoid", lambda T: T.nn.LogSigmoid()),
    ("Softshrink", lambda T: T.nn.Softshrink()),
    ("Softshrink_1", lambda T: T.nn.Softshrink(1)),
    ("Hardshrink", lambda T: T.nn.Hardshrink(0.3)),
    ("Softmin", lambda T: T.nn.Softmin(1)),
    ("Softmin_none", lambda T: T.nn.Softmin()),
    ("GLU", lambda T: T.nn.GLU()),
    ("GLU_dim0", lambda T: T.nn.GLU(0)),
]

_PUBLIC = ("threshold", "value", "inplace", "min_val", "max_val", "alpha", "lambd", "dim")


@pytest.mark.parametrize("name, make", MODULES, ids=[k[0] for k in MODULES])
def test_modules_match_torch(torch, name, make):
    m, r = make(cr), make(torch)
    assert repr(m) == repr(r)
    assert type(m).__name__ == type(r).__name__
    for attr in _PUBLIC:
        assert getattr(m, attr, None) == getattr(r, attr, None), attr
    values = np.array([[-3.5, -0.3, 0.0, 0.5], [1.0, 2.5, 3.0, 7.0]])
    x = cr.tensor(values, requires_grad=True)
    y = torch.tensor(values, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Softmin without a dim
        out, ref = m(x * 1), r(y * 1)
    assert out.grad_fn.name() == ref.grad_fn.name()
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_hardtanh_deprecated_keywords(torch):
    with pytest.warns(FutureWarning, match="`min_value` is deprecated"):
        m = cr.nn.Hardtanh(min_value=-2.0)
    assert repr(m) == repr(torch.nn.Hardtanh(-2.0))


# ---- losses: warnings, errors, kinks and modules against torch

def test_kl_div_mean_warns_as_torch(torch):
    x, t = [-1.0, -2.0], [0.3, 0.7]
    with pytest.warns(UserWarning) as ours:
        out = F(cr).kl_div(cr.tensor(x), cr.tensor(t))
    with pytest.warns(UserWarning) as theirs:
        ref = F(torch).kl_div(torch.tensor(x), torch.tensor(t))
    assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
    assert ours[0].filename == __file__  # points at the caller, as torch's stacklevel=2
    np.testing.assert_allclose(out.numpy(), ref.numpy(), rtol=1e-6)


def test_kl_div_zero_target_and_scalar_batchmean(torch):
    vals = []
    for T in (cr, torch):
        x = T.tensor([-1.0, -2.0, 0.5], requires_grad=True)
        out = F(T).kl_div(x, T.tensor([0.0, 0.4, 0.6]), reduction="batchmean")
        out.backward()
        s = F(T).kl_div(T.tensor(-1.0), T.tensor(0.5), reduction="batchmean")
        vals.append([out.item(), *x.grad.tolist(), s.item(), s.dim()])
    np.testing.assert_allclose(vals[0], vals[1], rtol=1e-6)


LOSS_MODULES = [
    ("KLDivLoss", lambda T: T.nn.KLDivLoss(reduction="batchmean", log_target=True), 2),
    ("MarginRankingLoss", lambda T: T.nn.MarginRankingLoss(0.3, reduction="sum"), 3),
    ("HingeEmbeddingLoss", lambda T: T.nn.HingeEmbeddingLoss(0.5), 2),
    ("SoftMarginLoss", lambda T: T.nn.SoftMarginLoss(reduction="none"), 2),
]


@pytest.mark.parametrize("name, make, arity", LOSS_MODULES, ids=[k[0] for k in LOSS_MODULES])
def test_loss_modules_match_torch(torch, name, make, arity):
    m, r = make(cr), make(torch)
    assert repr(m) == repr(r)
    for attr in ("reduction", "margin", "log_target"):
        assert getattr(m, attr, None) == getattr(r, attr, None), attr
    rng = np.random.default_rng(3)
    arrays = [rng.uniform(-2, 2, (2, 3)) for _ in range(arity - 1)]
    target = np.sign(rng.standard_normal((2, 3)))
    xs = [cr.tensor(a, requires_grad=True) for a in arrays]
    ys = [torch.tensor(a, requires_grad=True) for a in arrays]
    out, ref = m(*xs, cr.tensor(target)), r(*ys, torch.tensor(target))
    assert out.grad_fn.name() == ref.grad_fn.name()
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    out.sum().backward()
    ref.sum().backward()
    for a, b in zip(xs, ys):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)


def test_legacy_reduction_arguments(torch):
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        m = cr.nn.SoftMarginLoss(size_average=False)
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated"):
        r = torch.nn.SoftMarginLoss(size_average=False)
    assert m.reduction == r.reduction == "sum"
