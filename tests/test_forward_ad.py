"""Forward-mode AD over the whole op table: for every record, the tangent chainrule's forward
mode gives equals J u computed by torch, and agrees with chainrule's reverse mode by the
dot-product test <J u, v> = <u, J^T v>."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.autograd.forward_ad as fwAD
from records import RECORDS

IDS = [r.name for r in RECORDS]


def _inputs(rec, rng):
    shapes = rec.shapes[0] if rec.arity > 1 else (rec.shapes[0],)
    values = []
    for s in shapes:
        v = rng.uniform(rec.low, rec.high, size=s)
        for bad in rec.avoid:
            v = np.where(np.abs(v - bad) < 0.05, bad + 0.3, v)
        values.append(np.asarray(v, dtype=np.float64))
    return values


def _forward(rec, values, tangents):
    with fwAD.dual_level():
        duals = [fwAD.make_dual(cr.tensor(v), cr.tensor(t)) for v, t in zip(values, tangents)]
        out = rec.fn(cr, *duals)
        primal, tangent = fwAD.unpack_dual(out)
    return primal, tangent


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_dot_product_forward_against_reverse(rec):
    rng = np.random.default_rng(3)
    values = _inputs(rec, rng)
    tangents = [rng.standard_normal(v.shape) for v in values]
    primal, jt = _forward(rec, values, tangents)
    assert jt is not None, "no tangent came out"
    w = rng.standard_normal(tuple(primal.shape))
    xs = [cr.tensor(v, requires_grad=True) for v in values]
    out = rec.fn(cr, *xs)
    grads = cr.autograd.grad((out * cr.tensor(w)).sum(), xs, allow_unused=True,
                             materialize_grads=True)
    left = float((jt.numpy() * w).sum())
    right = sum(float((g.numpy() * t).sum()) for g, t in zip(grads, tangents))
    tol = 1e-9 if rec.eps <= 1e-6 else 1e-6  # records that pass through float32
    assert left == pytest.approx(right, rel=tol, abs=tol)


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_tangent_matches_torch(torch, rec):
    rng = np.random.default_rng(4)
    values = _inputs(rec, rng)
    tangents = [rng.standard_normal(v.shape) for v in values]
    _, ours = _forward(rec, values, tangents)

    def f(*args):
        return rec.fn(torch, *args)

    try:
        _, theirs = torch.func.jvp(f, tuple(torch.tensor(v) for v in values),
                                   tuple(torch.tensor(t) for t in tangents))
    except NotImplementedError as e:  # cdist: torch has no forward AD for it
        assert "Trying to use forward AD with" in str(e)
        pytest.skip("torch has no forward AD for this op; the dot-product test checks ours")
    # force: torch may give a ZeroTensor (the tangent of sgn of a real tensor)
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(force=True), rtol=1e-9, atol=1e-9)


def test_dual_tensor_api_matches_torch(torch):
    for T, F in ((cr, fwAD), (torch, torch.autograd.forward_ad)):
        with F.dual_level():
            d = F.make_dual(T.tensor([1.0, 2.0]), T.tensor([1.0, 1.0]))
            text = repr(d)
            unpacked = F.unpack_dual((d.sin() * d).sum())
            assert type(unpacked).__name__ == "UnpackedDualTensor"
            assert text == "tensor([1., 2.], tangent=tensor([1., 1.]))"
            assert round(unpacked.tangent.item(), 4) == 1.4588
        assert F.unpack_dual(d).tangent is None
        with pytest.raises(RuntimeError, match="no level exists"):
            F.make_dual(T.tensor([1.0]), T.tensor([1.0]))


def test_custom_function_jvp():
    class Sq(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_forward(a)
            return a * a

        @staticmethod
        def jvp(ctx, ta):
            (a,) = ctx.saved_tensors
            return 2 * a * ta

        @staticmethod
        def backward(ctx, g):
            return g

    with fwAD.dual_level():
        d = fwAD.make_dual(cr.tensor([1.0, 2.0]), cr.tensor([1.0, 1.0]))
        t = fwAD.unpack_dual(Sq.apply(d)).tangent
    assert repr(t) == "tensor([2., 4.])"
