"""The engine: accumulation, graph shapes, freeing, errors, deep graphs, memory."""

from __future__ import annotations

import gc
import sys
import warnings
import weakref

import numpy as np
import pytest

import chainrule as cr

FREED = "Trying to backward through the graph a second time"


def leaf(v, **kw):
    return cr.tensor(v, requires_grad=True, **kw)


def test_lab_expression():
    x = leaf(2.0)
    y = x**2 + 2 * x + 1
    y.backward()
    assert x.grad.item() == 6.0
    assert y.grad_fn.name() == "AddBackward0"


def test_diamond_sums_both_paths():
    x = leaf(3.0)
    a = x * 2
    b = a.sin()
    c = a.cos()
    (b + c).backward()
    expected = 2 * (np.cos(6.0) - np.sin(6.0))
    assert np.isclose(x.grad.item(), expected, rtol=1e-6)


def test_same_leaf_twice_in_one_op():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    assert x.grad.tolist() == [2.0, 4.0]
    nf = (x * x).grad_fn.next_functions
    assert nf[0][0] is nf[1][0]  # one AccumulateGrad per leaf


def test_gradients_accumulate_across_backward_calls():
    x = leaf(2.0)
    (x * x).backward()
    g = x.grad
    (x * x).backward()
    assert x.grad.item() == 8.0
    assert g is x.grad  # accumulated in place, as torch does


def test_two_leaves_never_share_gradient_memory():
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x + y).sum().backward()
    assert not np.shares_memory(x.grad.numpy(), y.grad.numpy())
    x.grad.numpy()[0] = 10
    assert y.grad.tolist() == [1.0, 1.0]


def test_user_gradient_is_not_aliased():
    x = leaf([1.0, 2.0])
    g = cr.tensor([5.0, 6.0])
    (x + 1).backward(g)
    x.grad.numpy()[0] = 0
    assert g.tolist() == [5.0, 6.0]


def test_second_backward_through_freed_graph_raises():
    x = leaf(2.0)
    y = x * x
    y.backward()
    with pytest.raises(RuntimeError, match=FREED):
        y.backward()


def test_second_backward_without_saved_tensors_is_allowed():
    x = leaf(2.0)
    y = x + 1
    y.backward()
    y.backward()
    assert x.grad.item() == 2.0


def test_retain_graph_keeps_saved_values():
    x = leaf(2.0)
    y = x**3
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad.item() == 24.0


def test_non_scalar_backward_needs_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="^grad can be implicitly created only for scalar "
                                           "outputs$"):
        (x * 2).backward()


def test_wrong_shape_gradient():
    x = leaf([1.0, 2.0])
    msg = ("Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has "
           "a shape of torch.Size([2]).")
    with pytest.raises(RuntimeError) as e:
        (x * 2).backward(cr.ones(3))
    assert str(e.value) == msg
    assert x.grad is None


def test_backward_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="^element 0 of tensors does not require grad and "
                                           "does not have a grad_fn$"):
        cr.tensor(2.0).backward()


def test_backward_of_a_leaf_itself():
    x = leaf(3.0)
    x.backward()
    assert x.grad.item() == 1.0


def test_gradient_argument_weights_outputs():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).backward(cr.tensor([1.0, 0.0, 2.0]))
    assert x.grad.tolist() == [2.0, 0.0, 12.0]


def test_backward_inputs_restricts_accumulation():
    x, y = leaf(2.0), leaf(3.0)
    (x * y).backward(inputs=[x])
    assert x.grad.item() == 3.0
    assert y.grad is None


def test_backward_inputs_non_leaf():
    x = leaf(2.0)
    h = x * 3
    (h * h).backward(inputs=[h])
    assert h.grad.item() == 12.0
    assert x.grad is None


def test_broadcast_gradient_summed_to_input_shape():
    a = leaf([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = leaf([10.0, 20.0, 30.0])
    s = leaf(2.0)
    ((a * b) * s).sum().backward()
    assert b.grad.tolist() == [10.0, 14.0, 18.0]
    assert a.grad.shape == (2, 3)
    assert s.grad.item() == pytest.approx(1.0 * 10 + 2 * 20 + 3 * 30 + 4 * 10 + 5 * 20 + 6 * 30)


def test_gradient_dtype_follows_input_dtype():
    a = leaf([1.0, 2.0])
    b = leaf(3.0, dtype=cr.float64)
    y = a * b  # a dimensioned float32 tensor wins over a 0-d float64 one
    assert y.dtype == cr.float32
    y.sum().backward()
    assert b.grad.dtype == cr.float64
    assert a.grad.dtype == cr.float32


def test_non_leaf_grad_warns_and_is_none():
    x = leaf(2.0)
    y = x * 2
    y.backward()
    with pytest.warns(UserWarning, match="The .grad attribute of a Tensor that is not a leaf "
                                         "Tensor is being accessed"):
        assert y.grad is None


def test_retain_grad():
    x = leaf(2.0)
    y = x * 3
    y.retain_grad()
    z = y * y
    z.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert y.grad.item() == 12.0
    assert y.retains_grad
    x.retain_grad()  # a no-op on a leaf
    assert not x.retains_grad


def test_no_grad_context_and_decorator():
    x = leaf(1.0)
    with cr.no_grad():
        y = x * 2
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf

    @cr.no_grad()
    def f(t):
        return t * 2

    assert f(x).grad_fn is None

    @cr.no_grad
    def g(t):
        return t * 2

    assert g(x).grad_fn is None
    with cr.no_grad():
        with cr.enable_grad():
            assert (x * 2).requires_grad
    assert cr.is_grad_enabled()


def test_set_grad_enabled_function_and_context():
    x = leaf(1.0)
    with cr.set_grad_enabled(False):
        assert not cr.is_grad_enabled()
        assert not (x * 2).requires_grad
    assert cr.is_grad_enabled()
    cr.set_grad_enabled(False)
    try:
        assert not cr.is_grad_enabled()
    finally:
        cr.set_grad_enabled(True)


def test_grad_mode_is_per_thread():
    import threading

    seen = []
    with cr.no_grad():
        t = threading.Thread(target=lambda: seen.append(cr.is_grad_enabled()))
        t.start()
        t.join()
    assert seen == [True]


def test_million_op_chain_backpropagates_without_recursion():
    x = leaf(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad.item() == 1.0
    limit = sys.getrecursionlimit()
    assert limit <= 10_000  # nothing raised it to get here
    del y
    gc.collect()


def test_deep_chain_freed_without_gc_and_without_recursion():
    gc.disable()
    try:
        x = leaf(1.0)
        y = x
        for _ in range(200_000):
            y = y * 1.0
        ref = weakref.ref(y.grad_fn)
        del y
        assert ref() is None
    finally:
        gc.enable()


def test_graph_and_saved_arrays_freed_with_last_reference():
    gc.disable()
    try:
        x = leaf(np.ones(1000))
        h = (x * 2).exp()
        out = (h * h).sin().sum()
        node_ref = weakref.ref(out.grad_fn)
        exp_node_ref = weakref.ref(h.grad_fn)
        del h
        assert exp_node_ref() is not None  # the graph holds it
        del out
        assert node_ref() is None and exp_node_ref() is None
        assert sys.getrefcount(x) == 2  # only our local name holds the leaf
    finally:
        gc.enable()


def test_saved_values_released_after_backward():
    gc.disable()
    try:
        x = leaf(np.ones(10))
        big = x * 3
        y = (big * big).sum()
        big_ref = weakref.ref(big)
        del big
        assert big_ref() is not None  # saved by the MulBackward0 node
        y.backward()
        assert big_ref() is None  # released once used
    finally:
        gc.enable()


def test_next_functions_and_names():
    a = leaf([1.0, 2.0])
    b = leaf([3.0, 4.0])
    y = a**2 + 3 * b
    nf = y.grad_fn.next_functions
    assert [n.name() for n, _ in nf] == ["PowBackward0", "MulBackward0"]
    acc = nf[0][0].next_functions[0][0]
    assert acc.name() == "torch::autograd::AccumulateGrad"
    assert repr(acc).startswith("<AccumulateGrad object at 0x")
    assert nf[0][0].next_functions[0][0].variable is a
    z = a * 3 + 1
    assert z.grad_fn.next_functions[1] == (None, 0)
    assert repr(y.grad_fn).startswith("<AddBackward0 object at 0x")


def test_grad_fn_names_of_scalar_forms():
    x = leaf(2.0)
    names = {
        "1 - x": (1 - x), "2 / x": (2 / x), "2 ** x": (2**x), "x ** x": (x**x),
        "x / 2": (x / 2), "-x": (-x), "x - 1": (x - 1),
    }
    got = {k: v.grad_fn.name() for k, v in names.items()}
    assert got == {"1 - x": "RsubBackward1", "2 / x": "MulBackward0", "2 ** x": "PowBackward2",
                   "x ** x": "PowBackward1", "x / 2": "DivBackward0", "-x": "NegBackward0",
                   "x - 1": "SubBackward0"}
    assert (2 / x).grad_fn.next_functions[0][0].name() == "ReciprocalBackward0"


def test_autograd_grad_and_create_graph():
    x = leaf(3.0)
    (g,) = cr.autograd.grad(x**3, x, create_graph=True)
    assert repr(g) == "tensor(27., grad_fn=<MulBackward0>)"
    (g2,) = cr.autograd.grad(g, x)
    assert repr(g2) == "tensor(18.)"
    assert x.grad is None  # grad() never touches .grad


def test_autograd_grad_unused_input():
    x, z = leaf(1.0), leaf(2.0)
    msg = ("The differentiated Tensor at index 0 appears to not have been used in the graph. Set "
           "allow_unused=True if this is the desired behavior.")
    with pytest.raises(RuntimeError) as e:
        cr.autograd.grad(x * 2, z)
    assert str(e.value) == msg
    assert cr.autograd.grad(x * 2, z, allow_unused=True) == (None,)
    (m,) = cr.autograd.grad(x * 2, z, materialize_grads=True)
    assert m.item() == 0.0


def test_backward_create_graph_warns_and_keeps_graph():
    x = leaf(3.0)
    with pytest.warns(UserWarning, match="Using backward\\(\\) with create_graph=True"):
        (x**3).backward(create_graph=True)
    assert x.grad.requires_grad
    assert x.grad.item() == 27.0


def test_tensor_hook_replaces_gradient():
    x = leaf(2.0)
    y = x * x
    y.register_hook(lambda g: g * 10)
    y.backward()
    assert x.grad.item() == 40.0


def test_leaf_hook_and_post_accumulate_hook():
    x = leaf(2.0)
    seen = []
    h = x.register_hook(lambda g: g + 1)
    x.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.item()))
    (x * x).backward()
    assert x.grad.item() == 5.0 and seen == [5.0]
    h.remove()
    x.grad = None
    (x * x).backward()
    assert x.grad.item() == 4.0


def test_node_hooks():
    x = leaf(2.0)
    y = x * 3
    calls = []
    y.grad_fn.register_prehook(lambda go: calls.append(("pre", go[0].item())))
    y.grad_fn.register_hook(lambda gi, go: calls.append(("post", gi[0].item(), go[0].item())))
    y.backward()
    assert calls == [("pre", 1.0), ("post", 3.0, 1.0)]


def test_hook_on_tensor_without_grad():
    with pytest.raises(RuntimeError, match="cannot register a hook on a tensor that doesn't "
                                           "require gradient"):
        cr.tensor(1.0).register_hook(lambda g: g)


def test_requires_grad_rules():
    with pytest.raises(RuntimeError, match="^Only Tensors of floating point and complex dtype "
                                           "can require gradients$"):
        cr.tensor([1, 2], requires_grad=True)
    t = cr.tensor([1, 2])
    with pytest.raises(RuntimeError, match="^only Tensors of floating point and complex dtype "
                                           "can require gradients$"):
        t.requires_grad = True
    with pytest.raises(RuntimeError, match="^only Tensors of floating point dtype can require "
                                           "gradients$"):
        t.requires_grad_()
    x = leaf(1.0)
    y = x * 2
    with pytest.raises(RuntimeError, match="you can only change requires_grad flags of leaf "
                                           "variables. If you want"):
        y.requires_grad = False
    with cr.no_grad():
        z = x * 2
    z.requires_grad = True
    assert z.requires_grad and z.is_leaf


def test_grad_assignment_checks_shape():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError) as e:
        x.grad = cr.ones(3)
    assert str(e.value) == ("attempting to assign a gradient of size '[3]' to a tensor of size "
                            "'[2]'. Please ensure that the gradient and the tensor are the same "
                            "size")
    x.grad = cr.ones(2)
    assert x.grad.tolist() == [1.0, 1.0]


def test_failed_backward_leaves_grads_unchanged():
    x = leaf([1.0, 2.0])
    (x * x).sum().backward()
    before = x.grad.tolist()
    with pytest.raises(RuntimeError):
        (x * x).backward(cr.ones(3))
    assert x.grad.tolist() == before


def test_execution_order_is_newest_first():
    x = leaf(1.0)
    order = []
    a = x * 2
    b = x * 3
    a.register_hook(lambda g: order.append("a"))
    b.register_hook(lambda g: order.append("b"))
    (a + b).backward()
    assert order == ["b", "a"]


def test_leaf_grad_takes_fresh_arrays_without_copying_but_never_shared_ones():
    a = leaf(np.ones((3, 2)))
    b = leaf(np.ones((2, 4)))
    (a @ b).sum().backward()  # both gradients are transposes of fresh products
    assert not np.shares_memory(a.grad.numpy(), b.grad.numpy())
    x = leaf(np.ones((2, 2)))
    y = x.t()
    (x + y).sum().backward()
    assert x.grad.tolist() == [[2.0, 2.0], [2.0, 2.0]]
    base = np.ones(3)
    view_user = leaf(np.ones(3))
    (view_user * cr.from_numpy(base)).sum().backward()
    assert not np.shares_memory(view_user.grad.numpy(), base)


def _diamond(T, x, w):
    h = (x * w).sin()
    u = h * h + x.exp() * w
    return (u * h + x).sum()


def test_ordered_fast_path_gives_the_same_gradients_as_torch(torch):
    from chainrule.autograd import graph

    data = np.array([0.3, -1.2, 2.0])
    xs = [(leaf(data), leaf(np.array(0.7))), (torch.tensor(data, requires_grad=True),
                                     torch.tensor(0.7, dtype=torch.float64, requires_grad=True))]
    for T, (x, w) in zip((cr, torch), xs):
        _diamond(T, x, w).backward()
    assert graph.EXACT[0] == 0  # nothing made the engine leave its fast path
    np.testing.assert_allclose(xs[0][0].grad.numpy(), xs[1][0].grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(xs[0][1].grad.numpy(), xs[1][1].grad.numpy(), rtol=1e-12)


def test_a_hook_brings_back_torchs_schedule_where_a_leaf_accumulates_when_ready(torch):
    # x's AccumulateGrad is ready once b's node has run, before the older node of a: a hook
    # there sees x.grad already written, as in torch
    from chainrule.autograd import graph

    seen = {}
    for T in (cr, torch):
        x = T.tensor(1.0, requires_grad=True)
        w = T.tensor(2.0, requires_grad=True)
        a = w * 3
        b = x * 4

        def look(grads, T=T, x=x):
            seen[T] = None if x.grad is None else x.grad.item()

        a.grad_fn.register_prehook(look)
        (a + b).backward()
    assert graph.EXACT[0] == 1
    assert seen[cr] == seen[torch] == 4.0


def test_a_node_that_gets_no_gradient_still_runs_and_frees_what_it_saved(torch):
    for T in (cr, torch):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        e = x.exp()
        T.linalg.vector_norm(e, 0).backward()  # the count of nonzeros passes no gradient on
        assert x.grad is None
        with pytest.raises(RuntimeError, match="backward through the graph a second time"):
            e.grad_fn._saved_result


def test_gradients_summed_in_a_buffer_never_write_into_an_array_someone_else_holds():
    x = leaf(np.ones(3))
    held = []
    y = x * 2
    y.register_hook(lambda g: held.append(g) or None)  # the user keeps y's gradient
    (y + y * 3 + y).sum().backward()
    assert held[0].tolist() == [5.0, 5.0, 5.0]
    assert x.grad.tolist() == [10.0, 10.0, 10.0]
    z = leaf(np.ones(3))
    (z + z + z).sum().backward()  # one array reaches z's buffer three times
    assert z.grad.tolist() == [3.0, 3.0, 3.0]


def test_each_mode_takes_the_operators_off_their_straight_path_and_back():
    import chainrule.autograd.forward_ad as fwAD
    from chainrule.autograd import _modes

    seen = []
    x = leaf(np.ones(2))
    modes = [cr.inference_mode(), cr.autograd.detect_anomaly(),
             cr.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t), fwAD.dual_level()]
    for mode in modes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # anomaly mode's warning
            with mode:
                seen.append(_modes.SPECIAL[0])
        assert _modes.SPECIAL[0] == 0
    cr.func.vmap(lambda t: seen.append(_modes.SPECIAL[0]) or t * 2)(x.detach())
    assert seen == [1] * 5 and _modes.SPECIAL[0] == 0
    with cr.inference_mode():
        assert (cr.ones(2) * 2).is_inference()
