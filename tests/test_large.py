"""Large tensors: the fused NumPy backward steps (sin, relu), relu's blocked forward, and
``F.linear``'s layout-keeping addmm, checked against torch and for aliasing: no array a user
can see is written by a later step."""

from __future__ import annotations

import weakref
from collections.abc import Iterator

import numpy as np
import pytest

import chainrule as T
from chainrule._ops.derivatives import arithmetic as A
from chainrule.autograd import engine

N = 70_000  # above relu's blocked threshold and its 65,536-element zero block


def _data(*shape: int, dtype: type = np.float32, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def _chain(lib: object, x: object) -> object:
    return lib.sin(x) * lib.exp(-x**2) + lib.relu(x)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.longdouble])
@pytest.mark.parametrize("n", [10, 5000, N, 3 * 65_536 + 7])
def test_relu_forward_is_numpy_maximum(dtype: type, n: int) -> None:
    x = _data(n, dtype=dtype)
    x[:4] = [np.nan, -0.0, 0.0, -np.inf]
    got, want = A.relu_forward(x), np.maximum(x, 0)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.array_equal(got, want, equal_nan=True)
    # torch's max(x, 0) keeps a -0.: the zeros are x's own
    assert np.array_equal(np.signbit(got), np.signbit(np.where(x < 0, 0, x)))


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize("n", [1, 7, 5000, N])
def test_relu_keeps_negative_zero_as_torch(torch: object, dtype: str, n: int) -> None:
    data = np.resize(np.array([-0.0, 0.0, -1.0, 2.0, np.nan, -0.0, -0.0]), n)
    signs = []
    for lib in (T, torch):
        x = lib.tensor(data, dtype=getattr(lib, dtype))
        results = [x.relu(), lib.nn.functional.relu(x), x.clone().relu_(),
                   x.reshape(1, n).t().relu(), lib.tensor(-0.0, dtype=x.dtype).relu()]
        signs.append([np.signbit(r.detach().numpy()).tolist() for r in results])
    assert signs[0] == signs[1]


def test_relu_forward_shapes_and_layouts() -> None:
    x = _data(300, 400)
    for a in (x, x.T, x[:, ::2], x.astype(np.int64)):
        got = A.relu_forward(a)
        assert got.shape == a.shape and got.dtype == a.dtype
        assert np.array_equal(got, np.maximum(a, 0))
    # the zero blocks are only read: writing into a result leaves later results right
    y = A.relu_forward(x)
    y += 5
    assert np.array_equal(A.relu_forward(-np.abs(x)), np.zeros_like(x))


@pytest.mark.parametrize("shape", [(N,), (250, 300), ()])
def test_large_chain_matches_torch(torch: object, shape: tuple) -> None:
    data = _data(*shape) if shape else np.float32(0.5)
    xs = [lib.tensor(data, requires_grad=True) for lib in (T, torch)]
    for lib, x in zip((T, torch), xs):
        _chain(lib, x).sum().backward()
    assert xs[0].grad.dtype == T.float32
    np.testing.assert_allclose(xs[0].grad.numpy(), xs[1].grad.numpy(), rtol=1e-6, atol=1e-6)


def test_non_contiguous_and_float64_inputs(torch: object) -> None:
    data = _data(400, 300, dtype=np.float64)
    for view in (lambda t: t.t(), lambda t: t[:, ::2]):
        grads = []
        for lib in (T, torch):
            x = lib.tensor(data, requires_grad=True)
            _chain(lib, view(x)).sum().backward()
            grads.append(x.grad.numpy())
        np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, atol=1e-12)


def test_user_gradient_and_hooked_gradients_are_not_overwritten(torch: object) -> None:
    data = _data(N)
    seed = _data(N, seed=1)
    for lib in (T, torch):
        x = lib.tensor(data, requires_grad=True)
        seen: list = []

        def keep(g: object, seen: list = seen) -> None:
            seen.append((g, g.clone()))

        y = lib.relu(x)
        y.register_hook(keep)
        s = lib.sin(y)
        s.register_hook(keep)
        g = lib.tensor(seed)
        s.backward(g)
        assert np.array_equal(g.numpy(), seed)
        for held, copy in seen:
            assert np.array_equal(held.numpy(), copy.numpy())


def test_grad_accumulates_over_two_backward_calls(torch: object) -> None:
    data = _data(N)
    results = []
    for lib in (T, torch):
        x = lib.tensor(data, requires_grad=True)
        _chain(lib, x).sum().backward()
        first = x.grad
        kept = first.clone()
        _chain(lib, x).sum().backward()
        # the second call adds into .grad in place, as torch does: the tensor read after the
        # first call is x.grad still, and holds the sum
        assert x.grad is first
        np.testing.assert_allclose(x.grad.numpy(), 2 * kept.numpy(), rtol=1e-6)
        results.append(x.grad.numpy())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6, atol=1e-6)


def test_create_graph_still_records(torch: object) -> None:
    data = _data(N, dtype=np.float64)
    second = []
    for lib in (T, torch):
        x = lib.tensor(data, requires_grad=True)
        (g,) = lib.autograd.grad(_chain(lib, x).sum(), x, create_graph=True)
        assert g.requires_grad and g.grad_fn is not None
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        second.append(gg.numpy())
    np.testing.assert_allclose(second[0], second[1], rtol=1e-10, atol=1e-10)


# ---- gradients written in place (engine.owned, mul_grad, neg_grad) ---------------------------


def test_an_owned_gradient_is_written_in_place() -> None:
    x = T.tensor(_data(N), requires_grad=True)
    y = T.exp(x)
    g = np.full(N, 2.0, np.float32)
    ref = weakref.ref(g)
    grads, buffers, queue = [g], {}, []
    del g  # the list is now the array's only holder besides the node's code
    y.grad_fn._run_fast(grads, buffers, queue, False)
    (out,) = buffers[y.grad_fn.next_functions[0][0]]
    assert out is ref()
    np.testing.assert_allclose(out, 2 * np.exp(_data(N)), rtol=1e-6)


def test_a_gradient_someone_else_holds_is_not_written() -> None:
    x = T.tensor(_data(N), requires_grad=True)
    y = T.exp(x)
    g = np.full(N, 2.0, np.float32)
    y.grad_fn._run_fast([g], {}, [], False)  # the test's own name holds g
    assert np.all(g == 2.0)


def _graphs(lib: object, x: object, w: object, held: list) -> object:
    """Elementwise graphs whose gradients pass through products and negations, with
    intermediates held by the caller (``held``), an input used twice, a result used twice,
    and a factor that is a leaf."""
    s, e = lib.sin(x), lib.exp(-x**2)
    held += [s, e]
    twice = lib.tanh(x) * lib.tanh(x)
    sq = e * e
    prod = x * w  # x's gradient would be w's own array, w's x's
    return (s * e).sum() + (twice * 3).sum() + (-sq).sum() + prod.sum() + (-(x**3) * w).sum()


@pytest.fixture
def every_size_in_place() -> Iterator[None]:
    """Every gradient, down to 0-d, through the code that may write in place."""
    old = engine.IN_PLACE_MIN[0]
    engine.IN_PLACE_MIN[0] = 0
    yield
    engine.IN_PLACE_MIN[0] = old


@pytest.mark.parametrize("every_size", [True, False])
def test_in_place_gradients_match_torch_and_leave_held_tensors_alone(
        torch: object, request: pytest.FixtureRequest, every_size: bool) -> None:
    if every_size:
        request.getfixturevalue("every_size_in_place")
    for shape in [(N,), (3, 4), ()]:
        x_np, w_np = _data(*shape), _data(*shape, seed=1)
        results = []
        for lib in (T, torch):
            x = lib.tensor(x_np, requires_grad=True)
            w = lib.tensor(w_np, requires_grad=True)
            held: list = []
            _graphs(lib, x, w, held).backward()
            results.append((x.grad.numpy(), w.grad.numpy(), [h.detach().numpy() for h in held]))
            for t, data in ((x, x_np), (w, w_np)):
                np.testing.assert_array_equal(t.detach().numpy(), data)
            assert not np.shares_memory(x.grad.numpy(), w.detach().numpy())
            assert not np.shares_memory(w.grad.numpy(), x.detach().numpy())
        (gx, gw, held_c), (tx, tw, held_t) = results
        np.testing.assert_allclose(gx, tx, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(gw, tw, rtol=1e-5, atol=1e-5)
        for a, b in zip(held_c, held_t):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_a_leaf_gradient_never_shares_a_tensor_s_memory() -> None:
    a = T.tensor(_data(N), requires_grad=True)
    b = T.tensor(_data(N, seed=1), requires_grad=True)
    (a * b).sum().backward()
    a.grad += 1
    np.testing.assert_array_equal(b.detach().numpy(), _data(N, seed=1))
    np.testing.assert_array_equal(a.grad.numpy(), _data(N, seed=1) + 1)


# ---- F.linear ---------------------------------------------------------------------------------


def _linear_grads(lib: object, shape: tuple, weight_t: bool = False,
                  create_graph: bool = False, bias: bool = True) -> tuple:
    x_np, w_np, b_np = _data(*shape, 5, seed=0), _data(7, 5, seed=1), _data(7, seed=2)
    x = lib.tensor(x_np, requires_grad=True)
    b = lib.tensor(b_np, requires_grad=True) if bias else None
    if weight_t:  # a weight laid out in columns: the fallback through addmm
        w = lib.tensor(np.ascontiguousarray(w_np.T), requires_grad=True)
        weight = w.t()
    else:
        w = weight = lib.tensor(w_np, requires_grad=True)
    out = lib.nn.functional.linear(x, weight, b)
    loss = (out * out).sum()
    leaves = (x, w, b) if bias else (x, w)
    if create_graph:
        grads = lib.autograd.grad(loss, leaves, create_graph=True)
        loss = sum((g * g).sum() for g in grads)
    loss.backward()
    return (out, *leaves)


@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 3, 2)])
@pytest.mark.parametrize("weight_t", [False, True])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(torch: object, shape: tuple, weight_t: bool, bias: bool) -> None:
    out_c, *ours = _linear_grads(T, shape, weight_t, bias=bias)
    out_t, *theirs = _linear_grads(torch, shape, weight_t, bias=bias)
    assert out_c.grad_fn.name() == out_t.grad_fn.name()
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-5, atol=1e-5)
    # the weight's gradient is laid out as the weight (the layout contract), with no copy
    # needed when it comes out of the product that way
    w = ours[1]
    assert w.grad._data.flags.c_contiguous == w._data.flags.c_contiguous


def test_linear_graph_as_torch(torch: object) -> None:
    out_c, *_ = _linear_grads(T, (3,))
    out_t, *_ = _linear_grads(torch, (3,))

    def names(fn: object) -> list:
        return [None if f is None else f.name() for f, _ in fn.next_functions]

    assert names(out_c.grad_fn) == names(out_t.grad_fn)
    assert names(out_c.grad_fn.next_functions[2][0]) == names(out_t.grad_fn.next_functions[2][0])
    nodes = []
    for lib in (T, torch):
        x = lib.tensor(_data(3, 5), requires_grad=True)
        w = lib.tensor(_data(7, 5), requires_grad=True)
        nodes.append(lib.nn.functional.linear(x, w, lib.zeros(7)).grad_fn)
    for attr in ("_saved_alpha", "_saved_beta"):
        assert getattr(nodes[0], attr) == getattr(nodes[1], attr)
    for attr in ("_saved_mat1", "_saved_mat2"):
        np.testing.assert_array_equal(getattr(nodes[0], attr).detach().numpy(),
                                      getattr(nodes[1], attr).detach().numpy())


@pytest.mark.parametrize("shape", [(3,), (3, 4)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_double_backward_matches_torch(torch: object, shape: tuple, bias: bool) -> None:
    _, *ours = _linear_grads(T, shape, create_graph=True, bias=bias)
    _, *theirs = _linear_grads(torch, shape, create_graph=True, bias=bias)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a.grad.numpy(), b.grad.numpy(), rtol=1e-4, atol=1e-4)


def _graph(fn: object) -> object:
    """A node's name and, nested, those of the nodes it feeds into."""
    if fn is None:
        return None
    return (fn.name(), [_graph(f) for f, _ in fn.next_functions])


@pytest.mark.parametrize("needs", [(x, w, b) for x in (False, True) for w in (False, True)
                                   for b in (False, True, None)])
@pytest.mark.parametrize("mode", ["plain", "hooks", "no_grad"])
def test_linear_graph_for_each_input_needing_grad(torch: object, needs: tuple,
                                                  mode: str) -> None:
    # the straight-line recording (plain) and call1/call (a saved-tensors hook forces them)
    # build torch's graph whichever inputs require grad; b None: no bias
    x_grad, w_grad, b_grad = needs
    seen = []
    for lib in (T, torch):
        x = lib.tensor(_data(3, 5), requires_grad=x_grad)
        w = lib.tensor(_data(7, 5, seed=1), requires_grad=w_grad)
        b = None if b_grad is None else lib.tensor(_data(7, seed=2), requires_grad=b_grad)
        if mode == "hooks":
            with lib.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
                out = lib.nn.functional.linear(x, w, b)
        elif mode == "no_grad":
            with lib.no_grad():
                out = lib.nn.functional.linear(x, w, b)
        else:
            out = lib.nn.functional.linear(x, w, b)
        grads = []
        if out.requires_grad:
            (out * out).sum().backward()
            grads = [t.grad.numpy() for t in (x, w, b) if t is not None and t.requires_grad]
        seen.append((out.detach().numpy(), out.requires_grad, _graph(out.grad_fn), grads))
    (o_c, r_c, g_c, grads_c), (o_t, r_t, g_t, grads_t) = seen
    np.testing.assert_allclose(o_c, o_t, rtol=1e-5, atol=1e-6)
    assert (r_c, g_c) == (r_t, g_t)
    for a, b in zip(grads_c, grads_t, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_linear_weight_changed_in_place_before_backward(torch: object) -> None:
    errors = []
    for lib in (T, torch):
        x = lib.tensor(_data(3, 5), requires_grad=True)
        w = lib.tensor(_data(7, 5, seed=1), requires_grad=True)
        out = lib.nn.functional.linear(x, w, lib.zeros(7))
        with lib.no_grad():
            w.add_(1)
        with pytest.raises(RuntimeError) as info:
            out.sum().backward()
        errors.append(str(info.value))
    # torch names the view's regenerated node (AsStrided) where chainrule keeps TBackward0's
    assert errors[0].split(", which is")[0] == errors[1].split(", which is")[0]
    assert "is at version 1; expected version 0 instead" in errors[0]


def test_linear_weight_grad_accumulates(torch: object) -> None:
    grads = []
    for lib in (T, torch):
        x = lib.tensor(_data(3, 5))
        w = lib.tensor(_data(7, 5, seed=1), requires_grad=True)
        b = lib.tensor(_data(7, seed=2), requires_grad=True)
        lib.nn.functional.linear(x, w, b).sum().backward()
        first = w.grad
        kept = first.clone()
        lib.nn.functional.linear(x, w, b).sum().backward()
        assert w.grad is first
        np.testing.assert_allclose(w.grad.numpy(), 2 * kept.numpy(), rtol=1e-6)
        grads.append(w.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-5)


def test_linear_integer_and_mixed_dtypes_go_through_addmm(torch: object) -> None:
    for lib in (T, torch):
        x = lib.ones(2, 3, dtype=lib.int64)
        w = lib.ones(4, 3, dtype=lib.int64)
        b = lib.ones(4, dtype=lib.int64)
        assert lib.nn.functional.linear(x, w, b).tolist() == [[4] * 4] * 2
    errors = []
    for lib in (T, torch):
        with pytest.raises(RuntimeError) as info:
            lib.nn.functional.linear(lib.ones(2, 3), lib.ones(4, 3, dtype=lib.float64),
                                     lib.ones(4))
        errors.append(str(info.value))
    assert errors[0] == errors[1]


# ---- the full sum's gradient: a read-only broadcast view, never handed out writable -----------


def test_sum_gradient_reaches_leaves_as_their_own_arrays(torch: object) -> None:
    for lib in (T, torch):
        x = lib.tensor(_data(N), requires_grad=True)
        y = lib.tensor(_data(N, seed=1), requires_grad=True)
        (x + y).sum().backward()  # one gradient array for both leaves
        x.grad.mul_(3)
        assert y.grad.tolist()[:3] == [1.0, 1.0, 1.0]
        assert x.grad.tolist()[:3] == [3.0, 3.0, 3.0]
        x.sum().backward()  # accumulates into the leaf's own array
        assert x.grad.tolist()[:3] == [4.0, 4.0, 4.0]
    assert x.grad.is_contiguous()


def test_sum_gradient_seen_by_hooks_and_retain_grad(torch: object) -> None:
    for lib in (T, torch):
        x = lib.tensor(_data(N), requires_grad=True)
        y = x * 2
        y.retain_grad()
        seen: list = []
        y.register_hook(lambda g, seen=seen: seen.append(g.clone()))
        y.sum().backward(retain_graph=True)
        y.grad.add_(1)  # retain_grad's .grad is the tensor's own
        y.sum().backward()
        assert y.grad.tolist()[:2] == [3.0, 3.0]
        assert [g.tolist()[:2] for g in seen] == [[1.0, 1.0], [1.0, 1.0]]
        assert x.grad.tolist()[:2] == [4.0, 4.0]


@pytest.mark.parametrize("seed", [1.0, 2.5])
def test_sum_then_elementwise_matches_torch(torch: object, seed: float) -> None:
    data = _data(N)
    fns = [lambda L, x: L.sin(x), lambda L, x: L.relu(x), lambda L, x: -x,
           lambda L, x: x / 2, lambda L, x: L.exp(x) * x]
    for fn in fns:
        grads = []
        for lib in (T, torch):
            x = lib.tensor(data, requires_grad=True)
            fn(lib, x).sum().backward(lib.tensor(seed))
            grads.append(x.grad.numpy())
        np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-6)
    x = T.tensor(data, requires_grad=True)
    (g,) = T.autograd.grad(x.sum(), x)
    assert np.array_equal(g.numpy(), np.ones(N, np.float32))


@pytest.mark.parametrize("dims", [(0,), (1,), (0, 1), (-1,)])
@pytest.mark.parametrize("keepdim", [False, True])
@pytest.mark.parametrize("name", ["sum", "mean"])
def test_sum_dim_gradient_matches_torch_and_is_c_ordered(torch: object, dims: tuple,
                                                         keepdim: bool, name: str) -> None:
    data = _data(300, 400)
    grads = []
    for lib in (T, torch):
        x = lib.tensor(data, requires_grad=True)
        y = getattr(x, name)(dims, keepdim=keepdim)
        (y * lib.arange(y.numel(), dtype=lib.float32).reshape(y.shape)).sum().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])
    assert grads[0].flags.c_contiguous
    x = T.tensor(data, requires_grad=True)
    getattr(x.reshape(-1, 400), name)(0).sum().backward()  # through a view
    assert x.grad._data.flags.c_contiguous and x.grad._data.base is None


def test_mean_gradient_matches_torch(torch: object) -> None:
    data = _data(N)
    grads = []
    for lib in (T, torch):
        x = lib.tensor(data, requires_grad=True)
        (lib.exp(x) * x).mean().backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("bias", [True, False])
def test_linear_forward_mode_matches_torch(torch: object, bias: bool) -> None:
    x_np, w_np, b_np = _data(3, 5, dtype=np.float64), _data(7, 5, dtype=np.float64, seed=1), \
        _data(7, dtype=np.float64, seed=2)
    tangents = []
    for lib in (T, torch):
        fw = lib.autograd.forward_ad
        with fw.dual_level():
            x = fw.make_dual(lib.tensor(x_np), lib.tensor(x_np * 2))
            w = fw.make_dual(lib.tensor(w_np), lib.tensor(w_np - 1))
            y = lib.nn.functional.linear(x, w, lib.tensor(b_np) if bias else None)
            tangents.append(fw.unpack_dual(y).tangent.numpy())
    np.testing.assert_allclose(tangents[0], tangents[1], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["sum", "mean"])
def test_reduction_gradients_handed_out_stay_as_handed_out(name: str) -> None:
    x = T.tensor(_data(N), requires_grad=True)
    one = np.float32(1) if name == "sum" else np.float32(1) / np.float32(N)
    (g,) = T.autograd.grad(getattr(x, name)(), x)
    getattr(x, name)().backward()
    x.grad.mul_(2)  # the leaf's .grad is its own array
    getattr(x, name)().backward()
    assert np.array_equal(x.grad.numpy(), np.full(N, one * 2 + one))
    assert np.array_equal(g.numpy(), np.full(N, one))


@pytest.mark.parametrize("bias", [True, False])
def test_linear_weight_grad_records_as_torch(torch: object, bias: bool) -> None:
    # torch's mm_mat2_backward for a transposed weight: (grad^T input)^T, then TBackward0
    chains = []
    for lib in (T, torch):
        x = lib.tensor(_data(3, 5, dtype=np.float64), requires_grad=True)
        w = lib.tensor(_data(4, 5, dtype=np.float64, seed=1), requires_grad=True)
        b = lib.ones(4, dtype=lib.float64) if bias else None
        (gw,) = lib.autograd.grad(lib.nn.functional.linear(x, w, b).pow(2).sum(), w,
                                  create_graph=True)
        fn, names = gw.grad_fn, []
        for _ in range(3):
            names.append(fn.name())
            fn = fn.next_functions[0][0]
        chains.append(names)
    assert chains[0] == chains[1] == ["TBackward0", "TBackward0", "MmBackward0"]
