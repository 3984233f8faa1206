"""In-place ops, x[i] = v, version counters and torch's errors, each program run on both
libraries and compared: values, gradients, versions, grad_fn names, exception texts."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr


def _leaf(T, v=(1.0, 2.0, 3.0)):
    return T.tensor(list(v), requires_grad=True)


# each program returns a dict of observable results (tensors compared by value)
def p_zero_grad(T):
    x = _leaf(T)
    (x * x).sum().backward()
    g = x.grad
    x.grad.zero_()
    return {"grad": x.grad, "same": g is x.grad}


def p_sgd_step_no_grad(T):
    x = _leaf(T)
    (x * x).sum().backward()
    with T.no_grad():
        x -= 0.1 * x.grad
    return {"x": x.detach(), "version": x._version, "rg": x.requires_grad}


def p_data_update(T):
    x = _leaf(T)
    x.data -= 1
    x.data.mul_(2)
    return {"x": x.detach(), "version": x._version}


def p_rebase_add(T):
    x = _leaf(T)
    y = x * 2
    y.add_(1)
    y.mul_(3)
    y.sum().backward()
    return {"y": y.detach(), "name": y.grad_fn.name(), "grad": x.grad, "version": y._version}


def p_inplace_needs_self(T):
    x = _leaf(T)
    y = x * 2
    y.sin_()
    y.exp_()
    y.sum().backward()
    return {"grad": x.grad, "name": y.grad_fn.name()}


def p_augmented(T):
    x = _leaf(T)
    y = x + 0
    y += 1
    y *= x
    y -= 2
    y /= 4
    y **= 2
    y.sum().backward()
    return {"y": y.detach(), "grad": x.grad}


def p_setitem_graph(T):
    x = _leaf(T)
    v = T.tensor(5.0, requires_grad=True)
    y = x * 1
    y[1] = v * 2
    (y * T.tensor([1.0, 10.0, 100.0])).sum().backward()
    return {"y": y.detach(), "name": y.grad_fn.name(), "gx": x.grad, "gv": v.grad}


def p_setitem_plain(T):
    t = T.zeros(2, 3)
    t[0] = 1
    t[1, 1:] = T.tensor([4.0, 5.0])
    t[t > 4] = -1
    t[:, 0] += 7
    return {"t": t, "version": t._version}


def p_view_shares_memory_and_version(T):
    a = T.ones(3)
    b = a.view(3)
    c = a[1]
    b[0] = 5
    c.add_(2)
    return {"a": a, "va": a._version, "vb": b._version, "vc": c._version}


def p_fill_copy(T):
    t = T.zeros(3)
    t.fill_(2.5)
    u = T.zeros(2, 3)
    u.copy_(T.tensor([1, 2, 3]))
    return {"t": t, "u": u, "vt": t._version}


def p_fill_graph(T):
    x = _leaf(T)
    y = x * 2
    y.zero_()
    z = x * 3
    z.copy_(x * x)
    (y + z).sum().backward()
    return {"grad": x.grad, "y": y.detach(), "z": z.detach()}


def p_random_fills(T):
    T.manual_seed(3)
    a = T.empty(5).normal_()
    b = T.empty(4).uniform_(-1, 1)
    c = T.empty(6).bernoulli_(0.3)
    return {"a": a, "b": b, "c": c}


def p_augmented_through_view(T):
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x * 2
    y[:, 0] *= 3
    (y * T.tensor([[1.0, 10.0, 100.0], [1e3, 1e4, 1e5]])).sum().backward()
    return {"y": y.detach(), "name": y.grad_fn.name(), "grad": x.grad, "v": y._version}


def p_inplace_on_view_of_non_leaf(T):
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    y = x * 2
    v = y[1]
    v.mul_(x[0])
    y.sum().backward()
    return {"v": v.detach(), "vname": v.grad_fn.name(), "name": y.grad_fn.name(),
            "grad": x.grad, "versions": (y._version, v._version)}


PROGRAMS = [
    p_augmented_through_view, p_inplace_on_view_of_non_leaf, p_zero_grad, p_sgd_step_no_grad,
    p_data_update, p_rebase_add, p_inplace_needs_self, p_augmented, p_setitem_graph,
    p_setitem_plain, p_view_shares_memory_and_version, p_fill_copy, p_fill_graph, p_random_fills]


def _compare(ours, theirs):
    assert ours.keys() == theirs.keys()
    for k in ours:
        a, b = ours[k], theirs[k]
        if hasattr(b, "detach"):
            np.testing.assert_allclose(np.asarray(a.detach()), b.detach().numpy(), rtol=1e-6)
            assert str(a.dtype) == str(b.dtype), k
        else:
            assert a == b, k


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.__name__ for p in PROGRAMS])
def test_program_matches_torch(torch, program):
    _compare(program(cr), program(torch))


def _saved_leaf_modified(T):
    x = _leaf(T)
    y = x * x
    with T.no_grad():
        x.add_(1)
    y.sum().backward()


ERRORS = [
    ("leaf add_", lambda T: _leaf(T).add_(1)),
    ("leaf +=", lambda T: _leaf(T).__iadd__(1)),
    ("leaf setitem", lambda T: _leaf(T).__setitem__(0, 5.0)),
    ("view of leaf", lambda T: _leaf(T)[0].mul_(2)),
    ("slice of leaf", lambda T: _leaf(T)[1:].zero_()),
    ("saved input modified", lambda T: (lambda x: (lambda y: (lambda z: (
        y.add_(1), z.sum().backward()))(y * y))(x * 2))(_leaf(T))),
    ("saved output modified", lambda T: (lambda y: (y.mul_(2), y.sum().backward()))(
        _leaf(T).exp())),
    ("saved leaf modified under no_grad", lambda T: _saved_leaf_modified(T)),
    ("modified twice", lambda T: (lambda x: (lambda y: (lambda z: (
        y.add_(1), y.add_(1), z.sum().backward()))(y * y))(x * 1))(_leaf(T, (1.0, 2.0)))),
    ("int += float", lambda T: T.tensor([1, 2]).__iadd__(1.5)),
    ("broadcast into smaller", lambda T: T.ones(2).add_(T.ones(2, 2))),
    ("fill_ non-0-d", lambda T: T.ones(2).fill_(T.ones(2))),
    # the message names the op that wrote last: "Backward" and an overload number 0 dropped
    ("saved input changed by clamp_", lambda T: (lambda y: (lambda z: (
        y.clamp_(0, 1), z.sum().backward()))(y * y))(_leaf(T) * 1)),
    ("saved input changed by div_ floor", lambda T: (lambda y: (lambda z: (
        y.div_(2, rounding_mode="floor"), z.sum().backward()))(y * y))(_leaf(T) * 1)),
    ("saved output changed through a view", lambda T: (lambda y: (
        y.t().add_(1), y.sum().backward()))(T.ones(2, 3, requires_grad=True).exp())),
]


@pytest.mark.parametrize("name, action", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(torch, name, action):
    with pytest.raises(Exception) as theirs:
        action(torch)
    torch.set_grad_enabled(True)
    with pytest.raises(Exception) as ours:
        action(cr)
    cr.set_grad_enabled(True)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value) == str(theirs.value)


def test_failed_inplace_leaves_tensor_unchanged():
    t = cr.tensor([1, 2])
    with pytest.raises(RuntimeError):
        t += 1.5
    assert t.tolist() == [1, 2] and t._version == 0
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError):
        x.add_(1)
    assert x.tolist() == [1.0, 2.0] and x._version == 0


def test_version_counter_basics():
    t = cr.ones(3)
    assert t._version == 0
    t.add_(1)
    assert t._version == 1
    t[0] = 3
    assert t._version == 2


def test_an_optimizer_step_writes_in_place_every_time_not_just_the_first():
    w = cr.ones(3, requires_grad=True)
    with cr.no_grad():
        w -= 0.5 * cr.ones(3)
        memory = w._data
        w -= 0.25 * cr.ones(3)  # w now has a version counter: still no copy
        w.mul_(2.0)
    assert w._data is memory
    assert w._version == 3
    assert w.tolist() == [0.5, 0.5, 0.5]


# ---- writes into expanded tensors (stride 0: several elements share one memory location) ----

_ROWS = [[True, False, True], [False, False, False]]


def _set(index, value):
    def write(e, T):
        e[index(T) if callable(index) else index] = value(T) if callable(value) else value
    return write


EXPANDED_WRITES = {
    "row": _set(0, 1.0),
    "row_tensor": _set(1, lambda T: T.tensor([1.0, 2.0, 3.0])),
    "column": _set((slice(None), 0), 1.0),
    "advanced": _set(lambda T: T.tensor([1]), 4.0),
    "mask": _set(lambda T: T.tensor(_ROWS), 4.0),
    "masked_fill_": lambda e, T: e.masked_fill_(T.tensor(_ROWS), 7.0),
    "fill_": lambda e, T: e.fill_(2.0),
    "zero_": lambda e, T: e.zero_(),
    "add_": lambda e, T: e.add_(1.0),
    "iadd": lambda e, T: e.__iadd__(1.0),
    "exp_": lambda e, T: e.exp_(),
    "clamp_": lambda e, T: e.clamp_(min=0),
    "copy_": lambda e, T: e.copy_(T.ones(3)),
    "uniform_": lambda e, T: e.uniform_(),
}


def _expanded_write(T, write, grad):
    a = T.tensor([0.5, -1.0, 2.0], requires_grad=True)
    b = a.clone() if grad else a.detach().clone()
    e = b.expand(2, 3)
    try:
        write(e, T)
    except RuntimeError as err:
        return str(err), b.tolist()
    return [b.tolist(), e.tolist(), b.requires_grad]


@pytest.mark.parametrize("grad", [False, True])
@pytest.mark.parametrize("name", EXPANDED_WRITES)
def test_writes_into_an_expanded_tensor_match_torch(torch, name, grad):
    # torch raises for an elementwise write into overlapping memory (and leaves it as it
    # was); fills and advanced-index writes go through, writing only what they fill
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # masked_fill_ on an expanded tensor is deprecated
        ours = _expanded_write(cr, EXPANDED_WRITES[name], grad)
        theirs = _expanded_write(torch, EXPANDED_WRITES[name], grad)
    assert ours == theirs


def test_expand_is_a_view_fills_write_through(torch):
    for T in (cr, torch):
        s = T.tensor(1.0)
        s.expand(3).fill_(5.0)
        assert s.item() == 5.0
        z = T.zeros(0).expand(2, 0)
        z.add_(1)  # no element shares memory with another
        assert T.zeros(3).expand(1, 3).exp_().tolist() == [[1.0, 1.0, 1.0]]


def test_detach_in_place_of_a_view_is_torch_s_error(torch):
    messages = []
    for T in (cr, torch):
        with pytest.raises(RuntimeError) as err:
            T.zeros(3, requires_grad=True).clone()[1:].detach_()
        messages.append(str(err.value))
        t = T.zeros(3, requires_grad=True).clone()
        assert t.detach_() is t and t.grad_fn is None and not t.requires_grad
    assert messages[0] == messages[1]


# ---- comparisons and logic in place ----------------------------------------------------------

def _outcome(T, fn):
    """What ``fn(T)`` shows: a dict of observable results (tensors by value, dtype, repr, which
    names the grad_fn), or the type and text of what it raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            out = fn(T)
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return type(e).__name__, str(e)
    return {k: (repr(v), str(v.dtype), tuple(v.shape)) if hasattr(v, "dtype") else v
            for k, v in out.items()}


def _nonleaf(T):
    return T.tensor([1.0, -2.0, 0.0], requires_grad=True) * 2


def _in_place(make, method, *args):
    """A program: ``method`` in place on ``make(T)``; the result, whether it is the tensor
    itself, its version and its grad_fn's edges."""
    def program(T):
        t = make(T)
        out = getattr(t, method)(*(a(T) if callable(a) else a for a in args))
        fn = t.grad_fn
        edges = None if fn is None else [None if f is None else f.name()
                                         for f, _ in fn.next_functions]
        return {"out": out, "self": out is t, "version": t._version, "edges": edges}
    return program


COMPARISONS_IN_PLACE = {
    "eq_number": _in_place(_nonleaf, "eq_", 0),
    "eq_tensor": _in_place(_nonleaf, "eq_", _nonleaf),
    "eq_0d_tensor": _in_place(_nonleaf, "eq_", lambda T: T.tensor(2.0)),
    "eq_bool_number": _in_place(_nonleaf, "eq_", True),
    "ne_": _in_place(_nonleaf, "ne_", 0),
    "lt_broadcast": _in_place(lambda T: T.ones(2, 3), "lt_", lambda T: T.tensor([0.0, 2.0, 3.0])),
    "le_": _in_place(_nonleaf, "le_", -4),
    "gt_int_float": _in_place(lambda T: T.tensor([1, 2, 0]), "gt_", 1.5),
    "ge_int_float_tensor": _in_place(lambda T: T.tensor([1, 2, 0]), "ge_",
                                     lambda T: T.tensor([1.0, 2.5, -1.0])),
    "eq_int_grad_other": _in_place(lambda T: T.tensor([1, 2, 0]), "eq_",
                                   lambda T: T.tensor([1.0, 0.0, 0.0], requires_grad=True)),
    "eq_leaf_grad_other": _in_place(lambda T: T.ones(3), "eq_",
                                    lambda T: T.tensor([1.0, 0.0, 0.0], requires_grad=True)),
    "lt_bool": _in_place(lambda T: T.tensor([True, False]), "lt_", 1),
    "ge_bool_tensor": _in_place(lambda T: T.tensor([True, True, False]), "ge_",
                                lambda T: T.tensor([1, 0, 2])),
    "eq_double_float": _in_place(lambda T: T.ones(3, dtype=T.float64), "eq_",
                                 lambda T: T.ones(3)),
    "greater_": _in_place(_nonleaf, "greater_", 0),
    "greater_equal_": _in_place(_nonleaf, "greater_equal_", 0),
    "less_": _in_place(_nonleaf, "less_", lambda T: T.zeros(3)),
    "less_equal_": _in_place(_nonleaf, "less_equal_", 2),
    "not_equal_": _in_place(_nonleaf, "not_equal_", 2),
    "logical_and_": _in_place(_nonleaf, "logical_and_", _nonleaf),
    "logical_or_int_bool": _in_place(lambda T: T.tensor([1, 2, 0]), "logical_or_",
                                     lambda T: T.tensor([True, False, True])),
    "logical_xor_bool_int": _in_place(lambda T: T.tensor([True, False, True]), "logical_xor_",
                                      lambda T: T.tensor([1, 2, 0])),
    "logical_and_int_float": _in_place(lambda T: T.ones(3, dtype=T.int32), "logical_and_",
                                       lambda T: T.tensor([2.5, 0.0, 1.0])),
    "logical_and_broadcast": _in_place(lambda T: T.ones(2, 3), "logical_and_",
                                       lambda T: T.tensor([1.0, 0.0, 1.0])),
    "logical_not_": _in_place(_nonleaf, "logical_not_"),
    "logical_not_int": _in_place(lambda T: T.tensor([1, 2, 0]), "logical_not_"),
    "logical_not_bool": _in_place(lambda T: T.tensor([True, False]), "logical_not_"),
    # torch records nothing for the logical ops in place: even a leaf that requires grad is
    # written, keeping its (empty) history
    "logical_not_leaf": _in_place(lambda T: T.tensor([1.0, 0.0], requires_grad=True),
                                  "logical_not_"),
    "logical_and_leaf": _in_place(lambda T: T.tensor([1.0, 0.0], requires_grad=True),
                                  "logical_and_", lambda T: T.tensor([0.0, 1.0])),
    # errors
    "eq_leaf": _in_place(lambda T: T.ones(2, requires_grad=True), "eq_", 1),
    "eq_view_of_leaf": _in_place(lambda T: T.ones(2, requires_grad=True)[:1], "eq_", 1),
    "eq_str": _in_place(lambda T: T.ones(3), "eq_", "a"),
    "eq_nothing": _in_place(lambda T: T.ones(3), "eq_"),
    "greater_str": _in_place(lambda T: T.ones(3), "greater_", "a"),
    "eq_broadcast_bigger": _in_place(lambda T: T.ones(3), "eq_", lambda T: T.ones(2, 3)),
    "lt_shapes": _in_place(lambda T: T.ones(3), "lt_", lambda T: T.ones(2)),
    "eq_expanded": _in_place(lambda T: T.ones(3).expand(2, 3), "eq_", 1),
    "logical_and_number": _in_place(lambda T: T.ones(3), "logical_and_", 1),
    "logical_or_str": _in_place(lambda T: T.ones(3), "logical_or_", "a"),
    "logical_and_broadcast_bigger": _in_place(lambda T: T.ones(3), "logical_and_",
                                              lambda T: T.ones(2, 3)),
    "logical_xor_shapes": _in_place(lambda T: T.ones(3), "logical_xor_", lambda T: T.ones(2)),
    "logical_not_expanded": _in_place(lambda T: T.ones(3).expand(2, 3), "logical_not_"),
}


@pytest.mark.parametrize("name", COMPARISONS_IN_PLACE)
def test_comparisons_and_logic_in_place_match_torch(torch, name):
    program = COMPARISONS_IN_PLACE[name]
    assert _outcome(cr, program) == _outcome(torch, program)


def _logic_keeps_history(T):
    x = T.tensor([1.0, -2.0, 0.0], requires_grad=True)
    y = x.clone()
    y.logical_and_(y)  # no node: the gradient still flows through the clone
    (y * T.tensor([1.0, 2.0, 3.0])).sum().backward()
    z = x.exp()
    z.logical_not_()  # exp saved its result, which changed: its backward refuses
    try:
        z.sum().backward()
    except RuntimeError as e:
        return {"grad": x.grad, "name": y.grad_fn.name(), "error": str(e)}
    return {"grad": x.grad, "name": y.grad_fn.name(), "error": None}


def _comparison_gradients(T):
    x = T.tensor([1.0, -2.0, 0.0], requires_grad=True)
    w = T.ones(3, requires_grad=True)
    z = x * 1
    z.lt_(w)
    (z * 3).sum().backward()
    return {"gx": x.grad, "gw": w.grad, "z": z.detach()}


@pytest.mark.parametrize("program", [_logic_keeps_history, _comparison_gradients])
def test_comparison_and_logic_gradients_match_torch(torch, program):
    assert _outcome(cr, program) == _outcome(torch, program)


@pytest.mark.parametrize("method, args", [
    ("logical_not_", ()), ("logical_and_", ((1.0, 0.0, 1.0),)), ("eq_", (1.0,)),
    ("lt_", ((1.0, 0.0, 1.5),)), ("ge_", (0,))])
def test_comparisons_and_logic_in_place_under_vmap_match_torch(torch, method, args):
    results = []
    for T in (cr, torch):
        x = T.tensor([[1.0, 0.0, 2.0], [0.0, 0.0, 1.0]])
        extra = [T.tensor(a) if isinstance(a, tuple) else a for a in args]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch's fallback warns about its speed
            run = T.func.vmap(lambda t, extra=extra: getattr(t.clone(), method)(*extra))
            results.append(run(x).tolist())
    assert results[0] == results[1]


# ---- views in place: the tensor takes a new shape over the same memory -----------------------

def _view_in_place(make, method, *args, backward=True):
    """``method`` in place on ``make(T)``, then a backward through it: what the tensor shows
    (shape, strides, version, node and its edges, base), and the leaf's gradient."""
    def program(T):
        x = T.arange(1.0, 7.0).reshape(2, 3).requires_grad_()
        t = make(T, x)
        before = t._version
        out = getattr(t, method)(*args)
        fn = t.grad_fn
        result = {"self": out is t, "t": t.detach(), "shape": tuple(t.shape),
                  "stride": t.stride(), "contiguous": t.is_contiguous(),
                  "versions": (before, t._version),
                  "name": None if fn is None else fn.name(),
                  "edges": None if fn is None else [None if f is None else f.name()
                                                    for f, _ in fn.next_functions],
                  "base": t._base is not None, "offset": t.storage_offset()}
        if backward and t.requires_grad:
            w = T.arange(float(t.numel())).reshape(t.shape)
            (t * w).sum().backward()
            result["grad"] = x.grad
        return result
    return program


def _product(T, x):
    return x * 2


def _row(T, x):
    return (x * 2)[1]


VIEWS_IN_PLACE = {
    "t_": _view_in_place(_product, "t_"),
    "t_1d": _view_in_place(lambda T, x: (x * 2)[0], "t_"),
    "t_0d": _view_in_place(lambda T, x: (x * 2)[0, 1], "t_"),
    "transpose_": _view_in_place(_product, "transpose_", 0, 1),
    "transpose_negative": _view_in_place(lambda T, x: (x * 2).reshape(1, 2, 3), "transpose_",
                                         -1, 0),
    "swapaxes_": _view_in_place(_product, "swapaxes_", 1, 0),
    "swapdims_": _view_in_place(_product, "swapdims_", 0, 1),
    "unsqueeze_": _view_in_place(_product, "unsqueeze_", 1),
    "unsqueeze_last": _view_in_place(_product, "unsqueeze_", -1),
    "unsqueeze_0d": _view_in_place(lambda T, x: (x * 2)[0, 1], "unsqueeze_", 0),
    "squeeze_": _view_in_place(lambda T, x: (x * 2).unsqueeze(0), "squeeze_"),
    "squeeze_dim": _view_in_place(lambda T, x: (x * 2).unsqueeze(1), "squeeze_", 1),
    "squeeze_dim_kept": _view_in_place(_product, "squeeze_", 0),
    "squeeze_dims": _view_in_place(lambda T, x: (x * 2).unsqueeze(0), "squeeze_", (0, 1)),
    "squeeze_0d": _view_in_place(lambda T, x: (x * 2)[0, 1], "squeeze_", 0),
    "squeeze_0d_dims": _view_in_place(lambda T, x: (x * 2)[0, 1], "squeeze_", (0,)),
    # a view of a non-leaf: only the view's history changes
    "unsqueeze_view": _view_in_place(_row, "unsqueeze_", 0),
    "t_view": _view_in_place(lambda T, x: (x * 2)[:, 1:], "t_"),
    # outside a graph: the shape changes, the version moves on
    "t_plain": _view_in_place(lambda T, x: T.arange(6.0).reshape(2, 3), "t_"),
    "unsqueeze_plain_0d": _view_in_place(lambda T, x: T.tensor(1.0), "unsqueeze_", 0),
    "squeeze_no_grad": _view_in_place(lambda T, x: x.detach().unsqueeze(0), "squeeze_"),
    # errors
    "t_leaf": _view_in_place(lambda T, x: x, "t_"),
    "unsqueeze_leaf": _view_in_place(lambda T, x: x, "unsqueeze_", 0),
    "squeeze_view_of_leaf": _view_in_place(lambda T, x: x[0], "squeeze_"),
    "t_3d": _view_in_place(lambda T, x: T.zeros(2, 1, 3), "t_"),
    "transpose_dim": _view_in_place(lambda T, x: T.zeros(2, 1, 3), "transpose_", 0, 5),
    "unsqueeze_dim": _view_in_place(lambda T, x: T.zeros(2, 1, 3), "unsqueeze_", 5),
    "squeeze_dim_range": _view_in_place(lambda T, x: T.zeros(2, 1, 3), "squeeze_", 7),
    "squeeze_repeated": _view_in_place(lambda T, x: T.zeros(2, 1, 3), "squeeze_", (1, 1)),
}


@pytest.mark.parametrize("name", VIEWS_IN_PLACE)
def test_views_in_place_match_torch(torch, name):
    program = VIEWS_IN_PLACE[name]
    assert _outcome(cr, program) == _outcome(torch, program)


def _shared_version_and_saved(T):
    a = T.arange(6.0).reshape(2, 3)
    v = a.view(6)
    a.t_()
    x = T.ones(3, requires_grad=True)
    y = x * 2
    z = y * y  # saves y
    y.unsqueeze_(0)
    try:
        z.sum().backward()
        saved = None
    except RuntimeError as e:
        saved = str(e)
    e = x.exp()  # saves its result
    e.t_()
    try:
        e.sum().backward()
        result = None
    except RuntimeError as err:
        result = str(err)
    with T.no_grad():
        x.unsqueeze_(0)  # a leaf that requires grad may change shape outside a graph
    return {"a": a, "v": v, "versions": (a._version, v._version), "v_shape": tuple(v.shape),
            "saved": saved, "result": result, "x_shape": tuple(x.shape)}


def _views_under_forward_ad(T):
    import importlib

    fwad = importlib.import_module(T.__name__ + ".autograd.forward_ad")
    with fwad.dual_level():
        p = fwad.make_dual(T.ones(2, 3), T.arange(6.0).reshape(2, 3))
        q = p * 1
        q.t_()
        q.unsqueeze_(0)
        return {"tangent": fwad.unpack_dual(q).tangent}


def _views_in_inference_mode(T):
    with T.inference_mode():
        t = T.ones(2, 3)
    t.t_()
    return {}


@pytest.mark.parametrize("program", [_shared_version_and_saved, _views_under_forward_ad,
                                     _views_in_inference_mode])
def test_views_in_place_programs_match_torch(torch, program):
    assert _outcome(cr, program) == _outcome(torch, program)


# ---- triangles, running sums and products, scatters in place ---------------------------------

def _index(T, v):
    return T.tensor(v)


OPS_IN_PLACE = {
    "tril_": _in_place(lambda T: T.arange(1.0, 7.0).reshape(2, 3).requires_grad_() * 2, "tril_"),
    "triu_diagonal": _in_place(lambda T: T.arange(6).reshape(2, 3), "triu_", 1),
    "tril_batch": _in_place(lambda T: T.ones(2, 2, 3) * 1, "tril_", -1),
    "cumsum_": _in_place(_nonleaf, "cumsum_", 0),
    "cumsum_int32": _in_place(lambda T: T.ones(3, dtype=T.int32), "cumsum_", 0),
    "cumsum_same_dtype": _in_place(lambda T: T.ones(3), "cumsum_", 0),
    "cumprod_": _in_place(lambda T: T.arange(1.0, 7.0).reshape(2, 3).requires_grad_() * 2,
                          "cumprod_", 1),
    "cumprod_int": _in_place(lambda T: T.arange(1, 5), "cumprod_", -1),
    "scatter_value": _in_place(lambda T: _nonleaf(T).reshape(1, 3), "scatter_", 1,
                               lambda T: _index(T, [[2, 0]]), 5.0),
    "scatter_src": _in_place(lambda T: _nonleaf(T).reshape(1, 3), "scatter_", 1,
                             lambda T: _index(T, [[2, 0]]),
                             lambda T: T.ones(1, 2, requires_grad=True)),
    "scatter_plain": _in_place(lambda T: T.ones(2, 3), "scatter_", 1,
                                lambda T: _index(T, [[0], [1]]), 2.0),
    "scatter_add_": _in_place(lambda T: _nonleaf(T).reshape(1, 3), "scatter_add_", 1,
                              lambda T: _index(T, [[0, 0]]),
                              lambda T: T.ones(1, 2, requires_grad=True)),
    # errors
    "tril_1d": _in_place(lambda T: T.ones(3), "tril_"),
    "tril_leaf": _in_place(lambda T: T.ones(2, 2, requires_grad=True), "tril_"),
    "cumsum_dim": _in_place(lambda T: T.ones(3), "cumsum_", 2),
    "cumsum_bool": _in_place(lambda T: T.tensor([True, False]), "cumsum_", 0),
    "cumprod_bool": _in_place(lambda T: T.tensor([True, False]), "cumprod_", 0),
    "scatter_add_index_type": _in_place(lambda T: T.ones(3), "scatter_add_", 0, [0],
                                        lambda T: T.ones(1)),
    "scatter_bounds": _in_place(lambda T: T.ones(3), "scatter_", 0,
                                lambda T: _index(T, [5]), 1.0),
}


@pytest.mark.parametrize("name", OPS_IN_PLACE)
def test_ops_in_place_match_torch(torch, name):
    program = OPS_IN_PLACE[name]
    assert _outcome(cr, program) == _outcome(torch, program)


@pytest.mark.parametrize("dtype", ["float64", "int64", "bool", "int16", "int8", "uint8",
                                   "float16", "int32"])
def test_cumsum_in_place_refuses_another_dtype_as_torch(torch, dtype):
    def program(T):
        T.ones(3).cumsum_(0, dtype=getattr(T, dtype))
        return {}
    assert _outcome(cr, program) == _outcome(torch, program)


def _gradients_through_ops_in_place(T):
    x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    s = T.tensor([[10.0, 20.0]], requires_grad=True)
    y = x * 1
    y.cumprod_(1)
    y.tril_(1)
    y.scatter_add_(1, T.tensor([[2, 2]]), s)
    y.cumsum_(0)
    (y * T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
    return {"y": y.detach(), "gx": x.grad, "gs": s.grad, "name": y.grad_fn.name()}


def test_gradients_through_ops_in_place_match_torch(torch):
    assert _outcome(cr, _gradients_through_ops_in_place) == \
        _outcome(torch, _gradients_through_ops_in_place)
