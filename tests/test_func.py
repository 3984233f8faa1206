"""chainrule.func against torch.func: values, structure (argnums, has_aux, tuples), nesting,
errors."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

X = [1.0, 2.0, -0.5]
Y = [3.0, 4.0, 0.25]


def _flat(v):
    if hasattr(v, "detach"):
        return [v]
    return [t for x in v for t in _flat(x)]


def _same(ours, theirs):
    a, b = _flat(ours), _flat(theirs)
    assert len(a) == len(b)
    for p, q in zip(a, b):
        assert tuple(p.shape) == tuple(q.shape)
        assert p.grad_fn is None and q.grad_fn is None
        np.testing.assert_allclose(p.numpy(), q.numpy(), rtol=1e-5, atol=1e-6)


CASES = [
    ("grad", lambda F, T: F.grad(lambda a, b: (a.sin() * b).sum())(T.tensor(X), T.tensor(Y))),
    ("grad argnums", lambda F, T: F.grad(lambda a, b: (a.sin() * b).sum(), argnums=(0, 1))(
        T.tensor(X), T.tensor(Y))),
    ("grad_and_value", lambda F, T: F.grad_and_value(lambda a, b: (a * b).sum(), argnums=1)(
        T.tensor(X), T.tensor(Y))),
    ("grad aux", lambda F, T: F.grad(lambda a: ((a**2).sum(), a.mean()), has_aux=True)(
        T.tensor(X))),
    ("grad of grad", lambda F, T: F.grad(F.grad(lambda a: a**3))(T.tensor(2.0))),
    ("vjp", lambda F, T: F.vjp(lambda a: a**2 * a.exp(), T.tensor(X))[1](T.tensor(Y))),
    ("jvp", lambda F, T: F.jvp(lambda a: a.sin() * a, (T.tensor(X),), (T.tensor(Y),))),
    ("jacrev", lambda F, T: F.jacrev(lambda a: a.sin() * a.sum())(T.tensor(X))),
    ("jacrev argnums", lambda F, T: F.jacrev(lambda a, b: a * b, argnums=(0, 1))(
        T.tensor(X), T.tensor(Y))),
    ("jacfwd", lambda F, T: F.jacfwd(lambda a: a.exp() * a)(T.tensor(X))),
    ("jacfwd tuples", lambda F, T: F.jacfwd(lambda a, b: (a * b, (a + b).sum()), argnums=(0, 1))(
        T.tensor(X), T.tensor(Y))),
    ("jacfwd aux", lambda F, T: F.jacfwd(lambda a: (a.sin(), a.sum()), has_aux=True)(
        T.tensor(X))),
    ("hessian", lambda F, T: F.hessian(lambda a: (a.sin() * a**3).sum())(T.tensor(X))),
]


@pytest.mark.parametrize("name, run", CASES, ids=[c[0] for c in CASES])
def test_matches_torch_func(torch, name, run):
    _same(run(cr.func, cr), run(torch.func, torch))


ERRORS = [
    ("non-scalar", lambda F, T: F.grad(lambda a: a**2)(T.tensor(X))),
    ("bad argnum", lambda F, T: F.grad(lambda a, b: (a * b).sum(), argnums=2)(
        T.tensor(X), T.tensor(Y))),
    ("int input", lambda F, T: F.grad(lambda a: a.sum())(T.tensor([1, 2]))),
    ("tuple without aux", lambda F, T: F.grad(lambda a: (a.sum(), 1))(T.tensor(X))),
    ("aux not a pair", lambda F, T: F.grad(lambda a: a.sum(), has_aux=True)(T.tensor(X))),
]


@pytest.mark.parametrize("name, run", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(torch, name, run):
    with pytest.raises(Exception) as theirs:
        run(torch.func, torch)
    with pytest.raises(Exception) as ours:
        run(cr.func, cr)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


def _params(T):
    return {"w": T.tensor(X), "b": [T.tensor(Y[:1]), T.tensor(Y[1:])]}


def _loss(T, p, x):
    return ((T.tanh(x * p["w"]) + p["b"][0]) * p["b"][1].sum()).sum()


def _structure(v):
    if isinstance(v, dict):
        return {k: _structure(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return type(v)(_structure(x) for x in v)
    return tuple(v.shape)


PYTREES = [
    ("grad dict", lambda F, T: F.grad(lambda p: _loss(T, p, T.tensor(Y)))(_params(T))),
    ("grad_and_value dict", lambda F, T: F.grad_and_value(
        lambda x, p: _loss(T, p, x), argnums=(0, 1))(T.tensor(Y), _params(T))),
    ("grad list aux", lambda F, T: F.grad(lambda ws: ((ws[0] * ws[1]).sum(), ws[0].sum()),
                                          has_aux=True)([T.tensor(X), T.tensor(Y)])),
    ("vjp dict", lambda F, T: F.vjp(lambda p: {"a": p["w"] * 2, "c": (p["b"][0].exp(),)},
                                    _params(T))[1]({"a": T.tensor(Y), "c": (T.tensor([2.0]),)})),
    ("vjp dict out", lambda F, T: F.vjp(lambda p: {"a": p["w"] * 2, "c": (p["b"][0].exp(),)},
                                        _params(T))[0]),
    ("jacrev dict", lambda F, T: F.jacrev(lambda p: {"a": p["w"] * p["b"][0],
                                                     "c": p["b"][1].sin()})(_params(T))),
    ("jacrev argnums dict", lambda F, T: F.jacrev(
        lambda a, p: (a * p["w"]).sum() + a.sum(), argnums=(0, 1))(T.tensor(Y), _params(T))),
    ("grad of grad dict", lambda F, T: F.grad(lambda p: F.grad(
        lambda q: _loss(T, q, T.tensor(Y)))(p)["w"].sum())(_params(T))),
    ("vmap grad dict", lambda F, T: F.vmap(F.grad(lambda p, x: _loss(T, p, x)),
                                           in_dims=(None, 0))(_params(T), T.tensor([X, Y]))),
]


@pytest.mark.parametrize("name, run", PYTREES, ids=[c[0] for c in PYTREES])
def test_pytrees_match_torch_func(torch, name, run):
    """dicts, lists and tuples of tensors as differentiated arguments (as a model's
    parameters) and as outputs: results in the same structure as torch.func's."""
    ours, theirs = run(cr.func, cr), run(torch.func, torch)
    assert _structure(ours) == _structure(theirs)
    _same(_leaves_of(ours), _leaves_of(theirs))


def _leaves_of(v):
    if isinstance(v, dict):
        return [x for k in v for x in _leaves_of(v[k])]
    if isinstance(v, (list, tuple)):
        return [x for item in v for x in _leaves_of(item)]
    return [v]


PYTREE_ERRORS = [
    ("non-tensor leaf", lambda F, T: F.grad(lambda p: p["w"].sum())({"w": T.tensor(X), "n": 3})),
    ("dict output", lambda F, T: F.grad(lambda p: {"x": p["w"].sum()})(_params(T))),
    ("cotangent structure", lambda F, T: F.vjp(lambda p: {"a": p["w"] * 2, "c": (p["w"],)},
                                               _params(T))[1]({"a": T.tensor(X)})),
]


@pytest.mark.parametrize("name, run", PYTREE_ERRORS, ids=[e[0] for e in PYTREE_ERRORS])
def test_pytree_errors_match_torch(torch, name, run):
    with pytest.raises(Exception) as theirs:
        run(torch.func, torch)
    with pytest.raises(Exception) as ours:
        run(cr.func, cr)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)
