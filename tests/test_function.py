"""Custom autograd.Function: forward/backward, ctx, names, and torch's errors."""

from __future__ import annotations

import gc
import weakref

import pytest

import chainrule as cr


class SQ(cr.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        ctx.save_for_backward(i)
        return i**2

    @staticmethod
    def backward(ctx, grad_output):
        (i,) = ctx.saved_tensors
        return 2 * i * grad_output


def test_custom_function_forward_backward_and_names():
    x = cr.tensor(2.0, requires_grad=True)
    y = SQ.apply(x)
    assert repr(y) == "tensor(4., grad_fn=<SQBackward>)"
    assert y.grad_fn.name() == "SQBackward"
    assert repr(y.grad_fn).startswith("<chainrule.autograd.function.SQBackward object at 0x")
    assert type(y.grad_fn).__name__ == "SQBackward"
    assert y.grad_fn.next_functions[0][0].name() == "torch::autograd::AccumulateGrad"
    y.backward()
    assert x.grad.item() == 4.0


def test_needs_input_grad_and_non_tensor_args():
    seen = {}

    class Scale(cr.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor, w):
            seen["needs"] = ctx.needs_input_grad
            ctx.factor = factor
            return x * factor * w

        @staticmethod
        def backward(ctx, g):
            return g * ctx.factor, None, None

    x = cr.tensor([1.0, 2.0], requires_grad=True)
    w = cr.tensor([3.0, 4.0])
    Scale.apply(x, 3.0, w).sum().backward()
    assert seen["needs"] == (True, False, False)
    assert x.grad.tolist() == [3.0, 3.0]


def test_wrong_number_of_gradients():
    class Bad(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a * b

        @staticmethod
        def backward(ctx, g):
            return g

    a = cr.tensor(1.0, requires_grad=True)
    b = cr.tensor(2.0, requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        Bad.apply(a, b).backward()
    assert str(e.value) == ("function BadBackward returned an incorrect number of gradients "
                            "(expected 2, got 1)")


def test_gradient_of_wrong_shape():
    class Bad2(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return cr.ones(3)

    a = cr.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError) as e:
        Bad2.apply(a).sum().backward()
    assert str(e.value) == ("Function Bad2Backward returned an invalid gradient at index 0 - got "
                            "[3] but expected shape compatible with [2]")


def test_broadcastable_gradient_is_summed():
    class Wide(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return cr.ones(3, 2)

    a = cr.tensor([1.0, 2.0], requires_grad=True)
    Wide.apply(a).sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]


def test_missing_backward():
    class NoBackward(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

    a = cr.tensor(1.0, requires_grad=True)
    y = NoBackward.apply(a)
    with pytest.raises(NotImplementedError) as e:
        y.backward()
    assert str(e.value) == ("You must implement either the backward or vjp method for your custom "
                            "autograd.Function to use it with backward mode AD.")


def test_save_for_backward_type_check():
    class Saver(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(3)
            return a

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(TypeError, match="^save_for_backward can only save variables, but "
                                        "argument 0 is of type int$"):
        Saver.apply(cr.tensor(1.0, requires_grad=True))


def test_mark_non_differentiable_and_materialize_grads():
    class SortLike(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            idx = cr.tensor([1, 0])
            ctx.mark_non_differentiable(idx)
            ctx.set_materialize_grads(False)
            return a * 1, idx

        @staticmethod
        def backward(ctx, g, g_idx):
            assert g_idx is None
            return g

    a = cr.tensor([1.0, 2.0], requires_grad=True)
    out, idx = SortLike.apply(a)
    assert not idx.requires_grad
    out.sum().backward()
    assert a.grad.tolist() == [1.0, 1.0]


def test_saved_tensors_freed_after_backward():
    x = cr.tensor(2.0, requires_grad=True)
    y = SQ.apply(x)
    y.backward()
    with pytest.raises(RuntimeError, match="Trying to backward through the graph a second time"):
        y.grad_fn.saved_tensors


def test_saved_output_makes_no_cycle():
    class Exp(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            r = a.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r

    gc.disable()
    try:
        x = cr.tensor(1.0, requires_grad=True)
        y = Exp.apply(x)
        ref = weakref.ref(y.grad_fn)
        y.backward(retain_graph=True)
        assert abs(x.grad.item() - 2.718281828) < 1e-5
        del y
        assert ref() is None
    finally:
        gc.enable()


def test_instantiation_warns_and_legacy_call_raises():
    with pytest.warns(DeprecationWarning, match="should not be instantiated"):
        f = SQ()
    with pytest.raises(RuntimeError, match="^Legacy autograd function with non-static forward"):
        f(cr.tensor(1.0))


def test_double_backward_through_custom_function():
    class Cube(cr.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a**3

        @staticmethod
        def backward(ctx, g):
            (a,) = ctx.saved_tensors
            return 3 * a**2 * g

    x = cr.tensor(2.0, requires_grad=True)
    (g,) = cr.autograd.grad(Cube.apply(x), x, create_graph=True)
    (g2,) = cr.autograd.grad(g, x)
    assert g.item() == 12.0 and g2.item() == 12.0


def test_no_record_without_grad():
    y = SQ.apply(cr.tensor(2.0))
    assert y.grad_fn is None and not y.requires_grad


def _mark_dirty_program(T):
    class Inc(T.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            a.add_(1)
            ctx.mark_dirty(a)
            return a

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = Inc.apply(y)
    z.sum().backward()
    out = {"same": z is y, "version": y._version, "name": z.grad_fn.name(),
           "grad": x.grad.tolist(), "value": z.tolist()}
    try:
        Inc.apply(x)
    except RuntimeError as e:
        out["leaf"] = str(e)
    return out


def test_mark_dirty_matches_torch(torch):
    assert _mark_dirty_program(cr) == _mark_dirty_program(torch)
