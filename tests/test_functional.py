"""autograd.functional against torch: values, result structure (tensor or nested tuples),
create_graph, strict mode and errors."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

X = np.array([0.5, -1.0, 2.0])
Y = np.array([1.5, 0.25, -0.75])


def _args(T, n):
    xs = [T.tensor(X), T.tensor(Y)][:n]
    return xs[0] if n == 1 else tuple(xs)


# (name, fn-maker taking the library, number of inputs, needs scalar output)
FUNCS = [
    ("square", lambda T: lambda x: x**2, 1),
    ("sin_cube_sum", lambda T: lambda x: (T.sin(x) * x**3).sum(), 1),
    ("two_in_one_out", lambda T: lambda a, b: (a * b + a.exp()).sum(), 2),
    ("two_in_two_out", lambda T: lambda a, b: (a * b, (a + b).sum()), 2),
    ("sigmoid", lambda T: lambda x: T.sigmoid(x) * x, 1),
]


def _flatten(res):
    if hasattr(res, "detach"):
        return [res]
    return [t for r in res for t in _flatten(r)]


def _same(ours, theirs):
    assert type(ours).__name__ == type(theirs).__name__ or (
        isinstance(ours, tuple) and isinstance(theirs, tuple))
    a, b = _flatten(ours), _flatten(theirs)
    assert len(a) == len(b)
    for p, q in zip(a, b):
        assert tuple(p.shape) == tuple(q.shape)
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-10)


@pytest.mark.parametrize("name, make, n", FUNCS, ids=[f[0] for f in FUNCS])
def test_jacobian_vjp_jvp_match_torch(torch, name, make, n):
    ours = cr.autograd.functional.jacobian(make(cr), _args(cr, n))
    theirs = torch.autograd.functional.jacobian(make(torch), _args(torch, n))
    _same(ours, theirs)
    out_c, out_t = make(cr)(*([_args(cr, n)] if n == 1 else _args(cr, n))), \
        make(torch)(*([_args(torch, n)] if n == 1 else _args(torch, n)))
    outs_c = out_c if isinstance(out_c, tuple) else (out_c,)
    v_c = tuple(cr.ones_like(o) for o in outs_c)
    v_t = tuple(torch.ones_like(o) for o in (out_t if isinstance(out_t, tuple) else (out_t,)))
    v_c, v_t = (v_c if isinstance(out_c, tuple) else v_c[0]), \
        (v_t if isinstance(out_t, tuple) else v_t[0])
    _same(cr.autograd.functional.vjp(make(cr), _args(cr, n), v_c),
          torch.autograd.functional.vjp(make(torch), _args(torch, n), v_t))
    u_c = _args(cr, n)
    u_t = _args(torch, n)
    _same(cr.autograd.functional.jvp(make(cr), _args(cr, n), u_c),
          torch.autograd.functional.jvp(make(torch), _args(torch, n), u_t))


SCALAR = [f for f in FUNCS if f[0] in ("sin_cube_sum", "two_in_one_out")]


@pytest.mark.parametrize("name, make, n", SCALAR, ids=[f[0] for f in SCALAR])
def test_hessian_vhp_hvp_match_torch(torch, name, make, n):
    _same(cr.autograd.functional.hessian(make(cr), _args(cr, n)),
          torch.autograd.functional.hessian(make(torch), _args(torch, n)))
    _same(cr.autograd.functional.vhp(make(cr), _args(cr, n), _args(cr, n)),
          torch.autograd.functional.vhp(make(torch), _args(torch, n), _args(torch, n)))
    _same(cr.autograd.functional.hvp(make(cr), _args(cr, n), _args(cr, n)),
          torch.autograd.functional.hvp(make(torch), _args(torch, n), _args(torch, n)))


def test_create_graph_keeps_results_differentiable(torch):
    for T in (cr, torch):
        x = T.tensor(X, requires_grad=True)
        h = T.autograd.functional.hessian(lambda t: (t**4).sum(), x, create_graph=True)
        assert h.requires_grad
    x = cr.tensor(X, requires_grad=True)
    h = cr.autograd.functional.hessian(lambda t: (t**4).sum(), x, create_graph=True)
    (g,) = cr.autograd.grad(h.sum(), x)
    np.testing.assert_allclose(g.numpy(), 24 * X)


ERRORS = [
    ("vjp needs v", lambda T: T.autograd.functional.vjp(lambda x: x * 2, T.tensor(X))),
    ("bad v size", lambda T: T.autograd.functional.vjp(lambda x: x * 2, T.tensor(X),
                                                       T.ones(2))),
    ("not a tensor", lambda T: T.autograd.functional.jacobian(lambda x: x, 3.0)),
    ("hessian non-scalar", lambda T: T.autograd.functional.hessian(lambda x: x * 2,
                                                                   T.tensor(X))),
    ("strict independent", lambda T: T.autograd.functional.jacobian(
        lambda x, y: x * 2, (T.tensor(X), T.tensor(Y)), strict=True)),
    ("strict no grad output", lambda T: T.autograd.functional.vjp(
        lambda x: T.ones(3), T.tensor(X), T.ones(3), strict=True)),
]


@pytest.mark.parametrize("name, action", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(torch, name, action):
    with pytest.raises(Exception) as theirs:
        action(torch)
    with pytest.raises(Exception) as ours:
        action(cr)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)
