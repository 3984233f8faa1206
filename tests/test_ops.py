"""Every op of the table: gradcheck and gradgradcheck in float64, and a comparison with torch
(values, gradients, dtype, shape, grad_fn name) on hypothesis-drawn shapes and values."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule as cr
from chainrule._ops import derivatives
from chainrule._ops.registry import Entry
from chainrule.autograd import engine
from records import RECORDS, SPECIAL, Record

IDS = [r.name for r in RECORDS]


def table_names() -> set:
    return {e.node_name for e in vars(derivatives).values() if isinstance(e, Entry)}


def test_every_op_has_a_record_and_every_record_an_op():
    recorded = {r.grad_fn for r in RECORDS} | set(SPECIAL)
    assert table_names() - recorded == set(), "ops of the table without a test record"
    assert recorded - table_names() == set(), "records naming no op of the table"


def _values(rec: Record, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    v = rng.uniform(rec.low, rec.high, size=shape)
    for bad in rec.avoid:  # keep finite differences away from kinks
        v = np.where(np.abs(v - bad) < 0.05, bad + 0.3, v)
    return np.asarray(v, dtype=np.float64)


def _shape_sets(rec: Record) -> list:
    return [s if rec.arity > 1 else (s,) for s in rec.shapes]


def _inputs(lib, rec: Record, shapes: tuple, rng: np.random.Generator) -> list:
    return [lib.tensor(_values(rec, s, rng), requires_grad=True) for s in shapes]


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_grad_fn_name(rec):
    rng = np.random.default_rng(0)
    for shapes in _shape_sets(rec):
        out = rec.fn(cr, *_inputs(cr, rec, shapes, rng))
        assert out.grad_fn.name() == rec.grad_fn


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_gradcheck_and_gradgradcheck(rec):
    rng = np.random.default_rng(1)
    def fn(*a):
        return rec.fn(cr, *a)

    for shapes in _shape_sets(rec):
        xs = _inputs(cr, rec, shapes, rng)
        assert cr.autograd.gradcheck(fn, xs, eps=rec.eps)
        if rec.gradgrad:
            assert cr.autograd.gradgradcheck(fn, xs, eps=rec.eps)


def _broadcastable(rec: Record):
    if rec.arity == 1:
        return hnp.array_shapes(min_dims=min(len(s) for s in rec.shapes),
                                max_dims=max(len(s) for s in rec.shapes), max_side=4)
    return hnp.mutually_broadcastable_shapes(num_shapes=rec.arity, max_dims=3, max_side=4)


def _shapes_for(rec: Record, drawn) -> tuple:
    return (drawn,) if rec.arity == 1 else drawn.input_shapes


@pytest.fixture
def in_place_below(request):
    """For float64, the engine's fast path sends gradients of every size through the code
    that writes into a gradient it alone holds (large tensors only, by default), so that
    every formula is checked both ways at no extra cost."""
    if request.node.callspec.params.get("dtype") != "float64":
        yield
        return
    old = engine.IN_PLACE_MIN[0]
    engine.IN_PLACE_MIN[0] = 0
    yield
    engine.IN_PLACE_MIN[0] = old


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.usefixtures("in_place_below")
def test_matches_torch(torch, rec, dtype):
    fixed_shapes = rec.fixed_shapes

    @given(drawn=st.sampled_from(rec.shapes) if fixed_shapes else _broadcastable(rec),
           seed=st.integers(0, 2**32 - 1))
    def check(drawn, seed):
        rng = np.random.default_rng(seed)
        shapes = (drawn if rec.arity > 1 else (drawn,)) if fixed_shapes else \
            _shapes_for(rec, drawn)
        arrays = [_values(rec, s, rng).astype(dtype) for s in shapes]
        ours = [cr.tensor(a, requires_grad=True) for a in arrays]
        theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out, ref = rec.fn(cr, *ours), rec.fn(torch, *theirs)
        assert out.grad_fn.name() == ref.grad_fn.name() == rec.grad_fn
        assert str(out.dtype) == str(ref.dtype) and tuple(out.shape) == tuple(ref.shape)
        tol = 1e-5 if dtype == "float32" else 1e-12
        np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=tol,
                                   atol=tol)
        w = rng.standard_normal(tuple(out.shape)).astype(dtype)
        (out * cr.tensor(w)).sum().backward()
        (ref * torch.tensor(w)).sum().backward()
        for a, b in zip(ours, theirs):
            assert str(a.grad.dtype) == str(b.grad.dtype)
            # force: torch may hand back a ZeroTensor (sgn of a real tensor)
            np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(force=True), rtol=10 * tol,
                                       atol=10 * tol)

    check()


@pytest.mark.parametrize("name", [k for k, v in SPECIAL.items() if v is not None])
def test_special_nodes_match_torch(torch, name):
    a_np = np.array([[1.0, 2.0], [3.0, 4.0]])
    fn = SPECIAL[name]
    a, b = cr.tensor(a_np, requires_grad=True), torch.tensor(a_np, requires_grad=True)
    g, ref = fn(cr, a), fn(torch, b)
    assert g.grad_fn.name() == ref.grad_fn.name() == name
    np.testing.assert_array_equal(g.detach().numpy(), ref.detach().numpy())
    (g * g).sum().backward()
    (ref * ref).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-12)


def test_copy_backwards_matches_torch():
    x = cr.tensor(3.0, requires_grad=True)
    with pytest.warns(UserWarning):
        (x**3).backward(create_graph=True)
    assert repr(x.grad) == "tensor(27., grad_fn=<CopyBackwards>)"


# ---- gradient conventions at kinks and special points (reference section 4) ----------------

KINKS = [
    ("relu at 0", lambda T, x: T.relu(x), [0.0]),
    ("abs at 0", lambda T, x: T.abs(x), [0.0]),
    ("sqrt at 0", lambda T, x: T.sqrt(x), [0.0]),
    ("pow half at 0", lambda T, x: x**0.5, [0.0]),
    ("log at 0", lambda T, x: T.log(x), [0.0]),
    ("sqrt of -1", lambda T, x: T.sqrt(x), [-1.0]),
    ("x**0 at 0", lambda T, x: x**0, [0.0]),
    ("0**x at 0 and 1", lambda T, x: T.tensor([0.0, 0.0]) ** x, [0.0, 1.0]),
    ("0**x scalar base", lambda T, x: 0**x, [0.0, 1.0, -1.0]),
    ("x**x at 0", lambda T, x: x**x, [0.0]),
    ("where masks sqrt", lambda T, x: T.where(x > 0, T.sqrt(x), T.zeros_like(x)), [-1.0, 4.0]),
    ("sigmoid extremes", lambda T, x: T.sigmoid(x), [-100.0, 100.0]),
    ("tanh extremes", lambda T, x: T.tanh(x), [-30.0, 30.0]),
    ("div by zero", lambda T, x: x / 0.0, [1.0, 0.0]),
    ("mean of one", lambda T, x: x.mean(), [3.0]),
]


@pytest.mark.parametrize("name, fn, values", KINKS, ids=[k[0] for k in KINKS])
def test_kink_conventions_match_torch(torch, name, fn, values):
    x = cr.tensor(values, requires_grad=True)
    y = torch.tensor(values, requires_grad=True)
    fn(cr, x).sum().backward()
    fn(torch, y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.grad.numpy())


def test_kink_conventions_without_torch():
    x = cr.tensor([0.0], requires_grad=True)
    cr.relu(x).sum().backward()
    assert x.grad.item() == 0.0
    x = cr.tensor(0.0, requires_grad=True)
    cr.sqrt(x).backward()
    assert x.grad.item() == float("inf")
