"""func.vmap: every record of the op table batched (against torch.func.vmap and a loop over
samples, and differentiated through), no loop per sample, the transforms built on it (jacrev,
jacfwd as vmap over jvp, hessian), in-place ops and batched index tensors, functions that read
data outside the table, randomness, chunk_size, printing, and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
from chainrule._ops import batching, derivatives
from chainrule._ops.registry import Entry
from records import RECORDS, Record

IDS = [r.name for r in RECORDS]
B = 3


def _values(rec: Record, shape: tuple, rng: np.random.Generator) -> np.ndarray:
    v = rng.uniform(rec.low, rec.high, size=shape)
    for bad in rec.avoid:
        v = np.where(np.abs(v - bad) < 0.05, bad + 0.3, v)
    return np.asarray(v, dtype=np.float64)


def _shape_sets(rec: Record) -> list:
    return [s if rec.arity > 1 else (s,) for s in rec.shapes]


def _leaves(out) -> list:
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _compare(a, b) -> None:
    la, lb = _leaves(a), _leaves(b)
    assert len(la) == len(lb)
    for x, y in zip(la, lb):
        assert tuple(x.shape) == tuple(y.shape)
        assert str(x.dtype) == str(y.dtype)
        # force: torch may give a ZeroTensor (a gradient of sgn of a real tensor)
        np.testing.assert_allclose(np.asarray(x.detach().numpy(), dtype=np.float64),
                                   np.asarray(y.detach().numpy(force=True), dtype=np.float64),
                                   rtol=1e-7, atol=1e-9)


def _cases(rec: Record, rng: np.random.Generator) -> list:
    """(arrays, in_dims) pairs: all batched at 0; the first batched at its last dim and the
    others unbatched."""
    cases = []
    for shapes in _shape_sets(rec):
        arrays = [_values(rec, (B,) + tuple(s), rng) for s in shapes]
        cases.append((arrays, (0,) * len(shapes)))
        moved = [np.moveaxis(arrays[0], 0, -1)] + [a[0] for a in arrays[1:]]
        cases.append((moved, (-1,) + (None,) * (len(shapes) - 1)))
    return cases


def _torch_is_per_sample(torch, tfn, arrays, expected) -> bool:
    """Whether torch's vmap equals its own per-sample results stacked (not so for roll of
    0-d samples, which torch rolls across the batch)."""
    per = [_leaves(tfn(*[torch.tensor(a[i]) for a in arrays])) for i in range(B)]
    for k, e in enumerate(_leaves(expected)):
        s = torch.stack([p[k] for p in per])
        if s.shape != e.shape or not torch.allclose(s.double(), e.double(), equal_nan=True):
            return False
    return True


@pytest.mark.parametrize("rec", RECORDS, ids=IDS)
def test_record_under_vmap(rec, torch):
    rng = np.random.default_rng(0)
    for arrays, dims in _cases(rec, rng):
        def tfn(*xs):
            return rec.fn(torch, *xs)

        def cfn(*xs):
            return rec.fn(cr, *xs)

        try:
            expected = torch.func.vmap(tfn, in_dims=dims)(*[torch.tensor(a) for a in arrays])
        except Exception:  # noqa: BLE001 - torch cannot batch it either (data-dependent)
            continue
        got = cr.func.vmap(cfn, in_dims=dims)(*[cr.tensor(a) for a in arrays])
        _compare(got, expected)
        if dims[0] == 0 and all(d == 0 for d in dims) and _torch_is_per_sample(
                torch, tfn, arrays, expected):
            # equal to the per-sample results stacked
            per = [cfn(*[cr.tensor(a[i]) for a in arrays]) for i in range(B)]
            stacked = [cr.stack([_leaves(p)[k] for p in per]) for k in range(len(_leaves(per[0])))]
            _compare(_leaves(got), stacked)
        if not rec.differentiable:
            continue
        weights = rng.standard_normal(_leaves(expected)[0].shape)

        def loss(lib, fn, w, dims=dims):
            def f(*xs):
                out = _leaves(lib.func.vmap(fn, in_dims=dims)(*xs))[0]
                return (out * lib.tensor(w)).sum()
            return f

        argnums = tuple(range(len(arrays)))
        g_t = torch.func.grad(loss(torch, tfn, weights), argnums)(
            *[torch.tensor(a) for a in arrays])
        g_c = cr.func.grad(loss(cr, cfn, weights), argnums)(*[cr.tensor(a) for a in arrays])
        _compare(g_c, g_t)


def test_every_entry_has_a_batching_rule():
    batching.install()
    entries = {id(e): e for e in vars(derivatives).values() if isinstance(e, Entry)}
    missing = sorted(e.node_name for e in entries.values() if e not in batching.RULES)
    assert missing == [], "entries without a batching rule"


def test_no_loop_per_sample():
    entry = derivatives.SIN
    calls = []
    forward = entry.forward

    def counted(*a):
        calls.append(1)
        return forward(*a)

    entry.forward = counted
    try:
        out = cr.func.vmap(cr.sin)(cr.ones(7, 5))
    finally:
        entry.forward = forward
    assert tuple(out.shape) == (7, 5)
    assert len(calls) == 2  # sample 0, then the whole batch


def _both(torch, f):
    a = f(cr, cr.tensor(np.arange(12.0).reshape(3, 4) / 7))
    b = f(torch, torch.tensor(np.arange(12.0).reshape(3, 4) / 7))
    _compare(a, b)


def test_nested_and_pytrees(torch):
    _both(torch, lambda T, x: T.func.vmap(T.func.vmap(lambda a: a.sin() * a.sum()))(x))
    _both(torch, lambda T, x: T.func.vmap(T.func.vmap(T.outer, in_dims=(None, 0)),
                                          in_dims=(0, None))(x, x))
    _both(torch, lambda T, x: T.func.vmap(lambda d: (d["a"] * d["b"], d["a"]),
                                          in_dims=({"a": 0, "b": 1},), out_dims=(1, 0))(
        {"a": x, "b": x.T}))
    _both(torch, lambda T, x: T.func.vmap(lambda a, b: a @ b, in_dims=(1, None))(x, x))
    _both(torch, lambda T, x: T.func.vmap(lambda a: a[1:3].cumsum(0), out_dims=1)(x))


def test_transforms(torch):
    def f(T, x):
        return (T.sin(x) * x ** 3).sum()

    _both(torch, lambda T, x: T.func.vmap(T.func.grad(lambda a: f(T, a)))(x))
    _both(torch, lambda T, x: T.func.grad(lambda a: T.func.vmap(lambda r: f(T, r))(a).sum())(x))
    _both(torch, lambda T, x: T.func.hessian(lambda a: f(T, a))(x[0]))
    _both(torch, lambda T, x: T.func.jacrev(lambda a: T.tanh(a) * a.sum())(x[0]))
    _both(torch, lambda T, x: T.func.jacfwd(lambda a: T.tanh(a) * a.sum())(x[0]))
    _both(torch, lambda T, x: T.func.vmap(T.func.jacrev(lambda a: T.tanh(a) * a.sum()))(x))
    _both(torch, lambda T, x: T.autograd.functional.jacobian(
        lambda a: T.tanh(a) @ a.T, x, vectorize=True))
    _both(torch, lambda T, x: T.autograd.functional.hessian(
        lambda a: (a.exp() * a).sum(), x[0], vectorize=True))

    def per_sample(T, x):
        w = T.ones(4, dtype=T.float64) / 3
        return T.func.vmap(T.func.grad(lambda w, r: (T.tanh(r * w)).sum() ** 2),
                           in_dims=(None, 0))(w, x)

    _both(torch, per_sample)

    def vjp_rows(T, x):
        _, fn = T.func.vjp(lambda a: T.sin(a) * a, x[0])
        return T.func.vmap(fn)(T.eye(4, dtype=T.float64))

    _both(torch, vjp_rows)


ERRORS = [
    lambda T, x: T.func.vmap(T.sin, in_dims=(0, 0))(x),
    lambda T, x: T.func.vmap(T.add)(x, T.ones(4, 2)),
    lambda T, x: T.func.vmap(T.sin, out_dims=(0, 1))(x),
    lambda T, x: T.func.vmap(T.sin, in_dims=5)(x),
    lambda T, x: T.func.vmap(lambda a: T.rand(2) + a)(x),
    lambda T, x: T.func.vmap(lambda a: a if a.sum() > 0 else -a)(x),
    lambda T, x: T.func.vmap(lambda a: a.sum().item())(x),
    lambda T, x: T.func.vmap(lambda a: T.nonzero(a))(x),
    lambda T, x: T.func.vmap(lambda a: a.backward())(x),
    lambda T, x: T.func.vmap(T.sin, in_dims=None)(x),
    lambda T, x: T.func.vmap(T.sin)(3.0),
    lambda T, x: T.func.vmap(lambda a: 3.0)(x),
    lambda T, x: T.func.vmap(T.sin, randomness="foo")(x),
    lambda T, x: T.func.vmap(T.sin)(),
    lambda T, x: T.func.vmap(lambda a: a.tolist())(x),
]


@pytest.mark.parametrize("k", range(len(ERRORS)))
def test_errors(torch, k):
    f = ERRORS[k]
    with pytest.raises(Exception) as expected:
        f(torch, torch.ones(3, 2))
    with pytest.raises(Exception) as got:
        f(cr, cr.ones(3, 2))
    assert type(got.value) is type(expected.value)
    assert str(got.value) == str(expected.value)


def test_print_inside_vmap(torch, capsys):
    for T in (torch, cr):
        T.func.vmap(lambda a: print(a) or a)(T.tensor([[1.0, 2.0], [3.0, 4.0]]))
    out = capsys.readouterr().out.split("BatchedTensor")
    assert out[1] == out[2]


def _setitem(T, y, index, value):
    y[index] = value
    return y


INPLACE = {
    "add_": lambda T, a: (a * 1).add_(a, alpha=2),
    "mul_": lambda T, a: (a * 1).mul_(2.5),
    "clamp_": lambda T, a: (a * 1).clamp_(-0.5, 0.5),
    "sin_": lambda T, a: (a * 1).sin_(),
    "iadd": lambda T, a: (a * 1).__iadd__(a[0]),
    "zero_": lambda T, a: (a * 1).zero_(),
    "fill_": lambda T, a: (a * 1).fill_(3.0),
    "fill_tensor": lambda T, a: (a * 1).fill_(a[1]),
    "copy_": lambda T, a: (a * 0).copy_(a.exp()),
    "copy_broadcast": lambda T, a: (a.unsqueeze(0).expand(2, 4) * 1).copy_(a),
    "setitem": lambda T, a: _setitem(T, a * 1, slice(1, 3), a[0]),
    "setitem_number": lambda T, a: _setitem(T, a * 1, 0, 5.0),
    "setitem_list": lambda T, a: _setitem(T, a * 1, [0, 2], a[1] * 3),
    "view_add_": lambda T, a: (lambda y: (y[1:3].add_(a[0]), y)[1])(a * 1),
    "unbatched_value": lambda T, a: (a * 1).add_(T.ones(4, dtype=T.float64)),
    "into_unbatched_add_": lambda T, a: T.zeros(4, dtype=T.float64).add_(a),
    "into_unbatched_setitem": lambda T, a: _setitem(T, T.zeros(4, dtype=T.float64), 0, a[0]),
    "into_unbatched_copy_": lambda T, a: T.zeros(4, dtype=T.float64).copy_(a),
    "into_unbatched_fill_": lambda T, a: T.zeros(4, dtype=T.float64).fill_(a[0]),
    "into_unbatched_2d": lambda T, a: T.zeros(5, 4, dtype=T.float64).add_(a),
}


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace_under_vmap(torch, name):
    """In-place ops on batched tensors write the batch (values and gradients through vmap as
    torch's); a batched value written into an unbatched tensor raises torch's error."""
    f = INPLACE[name]
    x = np.arange(12.0).reshape(3, 4) / 5 - 1
    try:
        expected = torch.func.vmap(lambda a: f(torch, a))(torch.tensor(x))
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as got:
            cr.func.vmap(lambda a: f(cr, a))(cr.tensor(x))
        assert str(got.value) == str(e)
        return
    got = cr.func.vmap(lambda a: f(cr, a))(cr.tensor(x))
    _compare(got, expected)
    w = np.random.default_rng(1).standard_normal(tuple(expected.shape))

    def loss(T):
        return lambda a: (T.func.vmap(lambda r: f(T, r))(a) * T.tensor(w)).sum()

    _compare(cr.func.grad(loss(cr))(cr.tensor(x)), torch.func.grad(loss(torch))(torch.tensor(x)))
    per_t = torch.func.vmap(torch.func.grad(lambda r: (f(torch, r) ** 2).sum()))(torch.tensor(x))
    per_c = cr.func.vmap(cr.func.grad(lambda r: (f(cr, r) ** 2).sum()))(cr.tensor(x))
    _compare(per_c, per_t)


DATA_FUNCTIONS = {
    "argmax": lambda T, a: a.argmax(),
    "argmax_dim": lambda T, a: a.argmax(1, keepdim=True),
    "argmin_keep": lambda T, a: T.argmin(a, keepdim=True),
    "argsort": lambda T, a: a.argsort(0),
    "all": lambda T, a: (a > 0).all(),
    "any_dim": lambda T, a: (a > 0).any(1),
    "bitwise": lambda T, a: (a > 0) & (a < 0.5),
    "invert": lambda T, a: ~(a > 0),
    "signbit": lambda T, a: T.signbit(a),
    "isposinf": lambda T, a: T.isposinf(a / 0),
    "isclose": lambda T, a: T.isclose(a, a * 1.0000001),
    "isclose_m": lambda T, a: a.isclose(a * 1.1),
    "sum_int": lambda T, a: (a > 0).sum(),
    "sum_int_dim": lambda T, a: (a > 0).sum(0),
    "zeros_like": lambda T, a: T.zeros_like(a).add_(a),
    "full_like": lambda T, a: T.full_like(a, 2.0) * a,
    "ones_like_int": lambda T, a: T.ones_like(a, dtype=T.int64),
    "one_hot": lambda T, a: T.nn.functional.one_hot((a > 0).long(), 2),
    "one_hot_auto": lambda T, a: T.nn.functional.one_hot((a > 0).long()),
    "allclose": lambda T, a: T.allclose(a, a),
    "equal": lambda T, a: T.equal(a, a),
    "where1": lambda T, a: T.where(a > 0),
    "clone": lambda T, a: a.clone(),
    "to": lambda T, a: a.to(T.float32),
    "contig": lambda T, a: a.t().contiguous(),
    "sign_int": lambda T, a: (a * 10).long().sign(),
    "round_int": lambda T, a: T.round((a * 10).long()),
    "abs_int": lambda T, a: (a * 10).long().abs(),
    "floor_int": lambda T, a: (a * 10).long().floor(),
    "max_dim_idx": lambda T, a: a.max(1).indices,
    "sort_idx": lambda T, a: a.sort(1).indices,
    "topk": lambda T, a: a.topk(2, 1).indices,
    "prod_grad": lambda T, a: T.func.grad(lambda r: r.prod())(a),
    "cumprod_grad": lambda T, a: T.func.grad(lambda r: r.cumprod(1).sum())(a),
    "clamp_grad": lambda T, a: T.func.grad(lambda r: (r.clamp(-0.5, 0.5) ** 2).sum())(a),
    "max_grad": lambda T, a: T.func.grad(lambda r: r.max(1).values.sum())(a),
    "amax_grad": lambda T, a: T.func.grad(lambda r: r.amax(1).sum())(a),
    "median_grad": lambda T, a: T.func.grad(lambda r: r.median())(a),
    "sort_grad":
        lambda T, a: T.func.grad(lambda r: (r.sort(1).values * T.arange(4.).double()).sum())(a),
    "ce_grad":
        lambda T, a: T.func.grad(lambda r: T.nn.functional.cross_entropy(r, T.tensor([1, 3])))(a),
    "ce_smooth_grad":
        lambda T, a: T.func.grad(lambda r: T.nn.functional.cross_entropy(
            r, T.tensor([1, 3]), label_smoothing=0.2))(a),
    "std_grad": lambda T, a: T.func.grad(lambda r: r.std())(a),
    "norm_grad": lambda T, a: T.func.grad(lambda r: r.norm())(a),
    "abs_grad": lambda T, a: T.func.grad(lambda r: r.abs().sum())(a),
    "relu_grad": lambda T, a: T.func.grad(lambda r: T.relu(r).sum())(a),
    "where_grad": lambda T, a: T.func.grad(lambda r: T.where(r > 0, r, r * r).sum())(a),
    "maximum_grad": lambda T, a: T.func.grad(lambda r: T.maximum(r, r.flip(0)).sum())(a),
    "index_grad": lambda T, a: T.func.grad(lambda r: r[:, [1, 0, 1]].sum())(a),
    "masked_grad": lambda T, a: T.func.grad(lambda r: r.masked_fill(r > 0, 0.).pow(2).sum())(a),
    "logsumexp_grad": lambda T, a: T.func.grad(lambda r: r.logsumexp(1).sum())(a),
    "det_grad": lambda T, a: T.func.grad(lambda r: T.linalg.det(r[:, :2]))(a),
    "gather_grad":
        lambda T, a: T.func.grad(lambda r: r.gather(1, r.argmax(1, keepdim=True)).sum())(a),
    "kth_grad": lambda T, a: T.func.grad(lambda r: r.kthvalue(2, 1).values.sum())(a),
    "hardtanh_grad": lambda T, a: T.func.grad(lambda r: T.nn.functional.hardtanh(r).sum())(a),
    "huber_grad":
        lambda T, a: T.func.grad(lambda r: T.nn.functional.huber_loss(r, r * 0, delta=0.3))(a),
}


@pytest.mark.parametrize("name", list(DATA_FUNCTIONS))
def test_data_functions_under_vmap(torch, name):
    """Functions that compute from a tensor's data outside the table (argmax, all/any,
    comparisons and bit ops, *_like, one_hot), and backward formulas that read data (index
    outputs, masks, ties), batched as torch's; or torch's error."""
    f = DATA_FUNCTIONS[name]
    x = (np.arange(24.0).reshape(3, 2, 4) * 7 % 11) / 5 - 1
    x[1, 0, 2] = 0
    try:
        expected = torch.func.vmap(lambda a: f(torch, a))(torch.tensor(x))
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as got:
            cr.func.vmap(lambda a: f(cr, a))(cr.tensor(x))
        assert str(got.value) == str(e)
        return
    _compare(cr.func.vmap(lambda a: f(cr, a))(cr.tensor(x)), expected)


def _fwd_case(T, x):
    def f(a):
        return (T.sin(a) * a.sum() + a.cumsum(0)).exp().log1p() @ T.ones(4, 2, dtype=T.float64)

    return f, T.tensor(x)


FORWARD = {
    "vmap_jvp": lambda T, f, x: T.func.vmap(
        lambda p, t: T.func.jvp(f, (p,), (t,))[1])(x, x * 2),
    "vmap_jvp_tangents": lambda T, f, x: T.func.vmap(
        lambda t: T.func.jvp(f, (x[0],), (t,))[1])(T.eye(4, dtype=T.float64)),
    "jacfwd": lambda T, f, x: T.func.jacfwd(f)(x[0]),
    "vmap_jacfwd": lambda T, f, x: T.func.vmap(T.func.jacfwd(f))(x),
    "jacfwd_jacrev": lambda T, f, x: T.func.jacfwd(T.func.jacrev(lambda a: f(a).sum()))(x[0]),
    "jacfwd_argnums": lambda T, f, x: T.func.jacfwd(
        lambda a, b: (a * b.sum(), (a - b).sin()), argnums=(0, 1))(x[0], x[1]),
    "jacfwd_aux": lambda T, f, x: T.func.jacfwd(lambda a: (f(a), a.sum()), has_aux=True)(x[0]),
    "hessian": lambda T, f, x: T.func.hessian(lambda a: f(a).sum())(x[0]),
}


@pytest.mark.parametrize("name", list(FORWARD))
def test_forward_mode_under_vmap(torch, name):
    x = np.arange(12.0).reshape(3, 4) / 7 + 0.1
    _compare(_flat(FORWARD[name](cr, *_fwd_case(cr, x))),
             _flat(FORWARD[name](torch, *_fwd_case(torch, x))))


def _flat(out) -> list:
    if isinstance(out, (tuple, list)):
        return [leaf for v in out for leaf in _flat(v)]
    return [out]


def test_dual_tensors_under_vmap():
    """forward_ad's dual tensors made inside vmap (torch cannot batch make_dual) give each
    sample's tangent, as a loop does; duals made outside vmap keep their tangents through it."""
    fw = cr.autograd.forward_ad
    x = cr.tensor(np.arange(12.0).reshape(3, 4) / 7 + 0.1)

    def f(a):
        return (cr.sin(a) * a.sum()).exp()

    def tangent(p, t):
        with fw.dual_level():
            return fw.unpack_dual(f(fw.make_dual(p, t))).tangent

    got = cr.func.vmap(tangent)(x, x * 2)
    _compare(got, cr.stack([tangent(x[i], x[i] * 2) for i in range(3)]))
    with fw.dual_level():
        out = cr.func.vmap(f)(fw.make_dual(x, x * 2))
        _compare(fw.unpack_dual(out).tangent, got)


RANDOM = {
    "rand": lambda T, a: T.rand(4, dtype=T.float64) + a,
    "randn": lambda T, a: T.randn(4, dtype=T.float64) + a,
    "randint": lambda T, a: T.randint(0, 10, (4,)) + a,
    "rand_like": lambda T, a: T.rand_like(a),
    "randn_like": lambda T, a: T.randn_like(a),
    "dropout": lambda T, a: T.nn.functional.dropout(a + 1, 0.5),
    "normal_": lambda T, a: (a * 1).normal_(),
    "uniform_": lambda T, a: (a * 1).uniform_(-1, 2),
    "bernoulli_": lambda T, a: (a * 1).bernoulli_(0.3),
    "normal_unbatched": lambda T, a: T.zeros(4, dtype=T.float64).normal_() + a,
}


@pytest.mark.parametrize("mode", ["same", "different", "error"])
@pytest.mark.parametrize("name", list(RANDOM))
def test_randomness(torch, name, mode):
    """Random ops under each randomness mode draw exactly torch's numbers (one draw shared by
    the samples, or one per sample), or raise torch's error; chunks draw in turn."""
    f = RANDOM[name]
    res = []
    for T in (torch, cr):
        T.manual_seed(0)
        try:
            res.append(T.func.vmap(lambda a, T=T: f(T, a), randomness=mode)(
                T.zeros(3, 4, dtype=T.float64)))
        except RuntimeError as e:
            res.append(str(e))
    if isinstance(res[0], str):
        assert res[1] == res[0]
        return
    _compare(res[1], res[0])
    np.testing.assert_array_equal(res[1].numpy(), res[0].numpy())
    if mode == "different":
        cr.manual_seed(0)
        chunked = cr.func.vmap(lambda a: f(cr, a), randomness=mode, chunk_size=2)(
            cr.zeros(3, 4, dtype=cr.float64))
        assert tuple(chunked.shape) == tuple(res[1].shape)


def test_chunk_size(torch):
    """chunk_size runs the batch in chunks (the entry's forward is called once per chunk and
    once for its sample 0) and concatenates along out_dims."""
    x = np.arange(24.0).reshape(4, 6) / 5

    def f(T):
        return T.func.vmap(lambda a, b: {"s": (a.sin() * b).sum(), "l": [a.cos()]},
                           in_dims=(1, None), out_dims={"s": 0, "l": 1}, chunk_size=4)

    _compare(_flat(list(f(cr)(cr.tensor(x), cr.tensor(x[:, 0])).values())),
             _flat(list(f(torch)(torch.tensor(x), torch.tensor(x[:, 0])).values())))
    entry, calls, forward = derivatives.SIN, [], derivatives.SIN.forward
    entry.forward = lambda *a: calls.append(1) or forward(*a)
    try:
        cr.func.vmap(cr.sin, chunk_size=3)(cr.ones(7, 2))
    finally:
        entry.forward = forward
    assert len(calls) == 6  # 3 chunks (3, 3, 1): sample 0 and the chunk each
    with pytest.raises(TypeError, match="must be int, not NoneType"):
        cr.func.vmap(lambda a: (a, cr.ones(2)), out_dims=(0, None), chunk_size=2)(cr.ones(3))


def test_print_bdim(torch, capsys):
    """BatchedTensor's bdim as torch prints it: an input mapped over dim 1 keeps it, as do
    pointwise ops of it alone; other ops put it first."""
    for T in (torch, cr):
        x = T.arange(6.0).reshape(2, 3)
        T.func.vmap(lambda a, T=T: print(a, a * 2, a.sin(), a + T.ones(2), a[None]) or a,
                    in_dims=1)(x)
        T.func.vmap(T.func.vmap(lambda a: print(a) or a), in_dims=1)(x)
    out = capsys.readouterr().out
    half = len(out) // 2
    assert out[:half] == out[half:]


BATCHED_INDEX = {
    "x[i]": (lambda a, i, j: a[i], (0, 0, 0)),
    "x[:, j]": (lambda a, i, j: a[:, j], (0, 0, 0)),
    "x[i, j[:2]]": (lambda a, i, j: a[i, j[:2]], (0, 0, 0)),
    "x[i, :, 1]": (lambda a, i, j: a[i, :, 1], (0, 0, 0)),
    "x[..., j[:2], :]": (lambda a, i, j: a[..., j[:2], :], (0, 0, 0)),
    "x[None, :, j]": (lambda a, i, j: a[None, :, j], (0, 0, 0)),
    "x[i] x unbatched": (lambda a, i, j: a[i], (None, 0, 0)),
    "x[:, j] x unbatched": (lambda a, i, j: a[:, j], (None, 0, 0)),
    "index_select": (lambda a, i, j: a.index_select(1, i), (0, 0, 0)),
    "index_select x unbatched": (lambda a, i, j: a.index_select(0, i), (None, 0, 0)),
}


@pytest.mark.parametrize("name", list(BATCHED_INDEX))
def test_batched_index_tensors(torch, name):
    """Indexing with index tensors batched per sample (torch's placement of the advanced
    dims), values and gradients both ways (grad of vmap, vmap of grad)."""
    f, dims = BATCHED_INDEX[name]
    x = np.arange(3 * 4 * 5 * 2.0).reshape(3, 4, 5, 2) / 9
    index_i = np.array([[0, 3], [1, 1], [2, 0]])
    index_j = np.array([[4, 0, 1], [2, 2, 3], [0, 1, 4]])
    w = None
    results = []
    for T in (torch, cr):
        xs = [T.tensor(x if dims[0] == 0 else x[0]), T.tensor(index_i), T.tensor(index_j)]
        out = T.func.vmap(f, in_dims=dims)(*xs)
        if w is None:
            w = np.random.default_rng(0).standard_normal(tuple(out.shape))
        wt = T.tensor(w)
        g1 = T.func.grad(lambda a, T=T, xs=xs, wt=wt: (
            T.func.vmap(f, in_dims=dims)(a, xs[1], xs[2]) * wt).sum())(xs[0])
        g2 = T.func.vmap(T.func.grad(lambda a, i, j: (f(a, i, j) ** 2).sum()),
                         in_dims=dims)(*xs)
        results.append((out, g1, g2))
    _compare(results[1], results[0])
