"""``chainrule.autograd.functional``: vjp, jvp, jacobian, hessian, vhp and hvp of a function.

Each runs the function on fresh copies of its inputs that require grad and differentiates the
result with ``autograd.grad``; with ``create_graph=True`` the results are themselves
differentiable. A tensor in gives a tensor out; a tuple in gives tuples out, as in torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._backend import np


def _tensor_cls() -> type:
    from .._tensor import Tensor

    return Tensor


def _as_tuple(x: Any, arg_name: str | None = None, fn_name: str | None = None) -> tuple:
    """(was it a tuple, the tuple); with names, torch's TypeError for non-tensors."""
    Tensor = _tensor_cls()
    is_tuple = isinstance(x, tuple)
    items = x if is_tuple else (tuple(x) if isinstance(x, list) else (x,))
    if arg_name is not None:
        for i, el in enumerate(items):
            if not isinstance(el, Tensor):
                where = f"the value at index {i} has type" if is_tuple else \
                    f"the given {arg_name} has type"
                raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                                f"tuple of Tensors but {where} {type(el)}.")
    return is_tuple, items


def _unpack(res: Any, is_tuple: Any) -> Any:
    """Undo the tuple wrapping: ``is_tuple`` is a bool, or (outer, inner) for nested results."""
    if isinstance(is_tuple, tuple):
        outer, inner = is_tuple
        if not inner:
            res = tuple(el[0] for el in res)
        if not outer:
            res = res[0]
        return res
    return res if is_tuple else res[0]


def _prepare(inputs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """Inputs the function runs on: connected to the caller's graph under create_graph (so
    the result stays differentiable), otherwise fresh leaves."""
    from .._ops import derivatives as D
    from .._ops.registry import call1

    out = []
    for inp in inputs:
        if create_graph and inp.requires_grad:
            out.append(call1(D.ALIAS, inp))
        else:
            out.append(inp.detach().requires_grad_(need_graph))
    return tuple(out)


def _finish(values: Any, create_graph: bool) -> Any:
    Tensor = _tensor_cls()
    if isinstance(values, Tensor):
        return values if create_graph else values.detach()
    if values and isinstance(values[0], Tensor):
        return tuple(v if create_graph else v.detach() for v in values)
    return tuple(_finish(v, create_graph) for v in values)


def _validate_v(v: tuple, other: tuple, is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got "
                               f"{len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for idx, (el_v, el_other) in enumerate(zip(v, other)):
        if el_v.size() != el_other.size():
            prepend = f"Entry {idx} in " if is_other_tuple else ""
            raise RuntimeError(f"{prepend}v has invalid size: should be {el_other.size()} but "
                               f"got {el_v.size()}.")


_STRICT_MESSAGES = {
    "outputs": ("Output {i} of the user-provided function does not require gradients. The "
                "outputs must be computed in a differentiable manner from the input when running "
                "in strict mode."),
    "grad_inputs": ("The gradient with respect to input {i} is independent of the inputs of the "
                    "user-provided function. This is not allowed in strict mode."),
    "jacobian": ("While computing the hessian, found that the jacobian of the user-provided "
                 "function with respect to input {i} is independent of the input. This is not "
                 "allowed in strict mode. You should ensure that your function is twice "
                 "differentiable and that the jacobian depends on the inputs (this would be "
                 "violated by a linear function for example)."),
    "hessian": ("The hessian of the user-provided function with respect to input {i} is "
                "independent of the input. This is not allowed in strict mode. You should ensure "
                "that your function is thrice differentiable and that the hessian depends on the "
                "inputs."),
}


def _check_requires_grad(values: tuple, kind: str, strict: bool) -> None:
    if not strict:
        return
    for i, v in enumerate(values):
        if v is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if not v.requires_grad:
            raise RuntimeError(_STRICT_MESSAGES[kind].format(i=i))


def _grad(outputs: tuple, inputs: tuple, grad_outputs: tuple | None = None,
          create_graph: bool = False, retain_graph: bool | None = None) -> tuple:
    """autograd.grad over the outputs that require grad; Nones where nothing connects."""
    from . import grad

    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad([o for o, _ in pairs], inputs, [g for _, g in pairs], allow_unused=True,
                create_graph=create_graph, retain_graph=retain_graph)


_ZERO_MESSAGES = {
    "back": ("The output of the user-provided function is independent of input {i}. This is "
             "not allowed in strict mode."),
    "back_trick": ("The gradient with respect to the input is independent of entry {i} in the "
                   "grad_outputs when using the double backward trick to compute forward mode "
                   "gradients. This is not allowed in strict mode."),
    "double_back": ("The jacobian of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode."),
    "double_back_trick": ("The hessian of the user-provided function is independent of entry "
                          "{i} in the grad_jacobian. This is not allowed in strict mode as it "
                          "prevents from using the double backward trick to replace forward "
                          "mode AD."),
}


def _fill_in_zeros(grads: tuple, refs: tuple, strict: bool, create_graph: bool,
                   stage: str) -> tuple:
    from .._creation import zeros_like

    out = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(_ZERO_MESSAGES[stage].format(i=i))
            g = zeros_like(refs[i])
        elif strict and create_graph and not g.requires_grad:
            what = "jacobian" if "double" not in stage else "hessian"
            raise RuntimeError(f"The {what} of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode when "
                               "create_graph=True.")
        out.append(g)
    return tuple(out)


def _enable_grad() -> Any:
    from .grad_mode import enable_grad

    return enable_grad()


def _v_for_inputs(v: Any, inputs: tuple, is_inputs_tuple: bool, create_graph: bool,
                  fn_name: str) -> Any:
    """The vector ``v`` of a product with the inputs' shapes, checked as torch checks it; None
    only for a single one-element input."""
    if v is not None:
        _, v = _as_tuple(v, "v", fn_name)
        v = _prepare(v, create_graph, False)
        _validate_v(v, inputs, is_inputs_tuple)
    elif len(inputs) != 1 or inputs[0].nelement() != 1:
        raise RuntimeError("The vector v can only be None if the input to the user-provided "
                           "function is a single Tensor with a single element.")
    return v


def vjp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), v^T J): the vector-Jacobian product.

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import vjp
    >>> vjp(lambda x: x ** 2, torch.tensor([1., 2.]), torch.tensor([1., 1.]))[1]
    tensor([2., 4.])
    """
    with _enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "vjp")
        inputs = _prepare(inputs, create_graph, True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "vjp")
        _check_requires_grad(outputs, "outputs", strict)
        if v is not None:
            _, v = _as_tuple(v, "v", "vjp")
            v = _prepare(v, create_graph, False)
            _validate_v(v, outputs, is_outputs_tuple)
        elif len(outputs) != 1 or outputs[0].nelement() != 1:
            raise RuntimeError("The vector v can only be None if the user-provided function "
                               "returns a single Tensor with a single element.")
        grad_res = _grad(outputs, inputs, v, create_graph=create_graph)
        result = _fill_in_zeros(grad_res, inputs, strict, create_graph, "back")
    outputs = _finish(outputs, create_graph)
    result = _finish(result, create_graph)
    return _unpack(outputs, is_outputs_tuple), _unpack(result, is_inputs_tuple)


def jvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), J v): the Jacobian-vector product, by the double-backward trick: for a
    dummy u, g(u) = J^T u is linear in u, so the gradient of <g(u), v> with respect to u is
    J v.

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import jvp
    >>> jvp(lambda x: x ** 2, torch.tensor([1., 2.]), torch.tensor([1., 1.]))[1]
    tensor([2., 4.])
    """
    from .._creation import zeros_like

    with _enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jvp")
        inputs = _prepare(inputs, create_graph, True)
        v = _v_for_inputs(v, inputs, is_inputs_tuple, create_graph, "jvp")
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "jvp")
        _check_requires_grad(outputs, "outputs", strict)
        # u is a dummy: g(u) = J^T u is linear in u, so d <g(u), v> / du = J v
        grad_outputs = tuple(zeros_like(out).requires_grad_() for out in outputs)
        grad_inputs = _grad(outputs, inputs, grad_outputs, create_graph=True)
        _check_requires_grad(grad_inputs, "grad_inputs", strict)
        if create_graph:
            with _enable_grad():
                grad_res = _grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
                jvp_res = _fill_in_zeros(grad_res, outputs, strict, create_graph, "back_trick")
        else:
            grad_res = _grad(grad_inputs, grad_outputs, v, create_graph=create_graph)
            jvp_res = _fill_in_zeros(grad_res, outputs, strict, create_graph, "back_trick")
    outputs = _finish(outputs, create_graph)
    jvp_res = _finish(jvp_res, create_graph)
    return _unpack(outputs, is_outputs_tuple), _unpack(jvp_res, is_outputs_tuple)


def jacobian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode") -> Any:
    """The Jacobian of ``func`` at ``inputs``: for output i and input j, a tensor of shape
    ``output_i.shape + input_j.shape``. One backward pass per output element: ``vectorize``
    and ``strategy="forward-mode"`` are accepted and give the same values, computed that way.

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, torch.tensor([1., 2.]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". '
                             'Hint: If your function has more outputs than inputs, '
                             '"forward-mode" tends to be more performant. Otherwise, prefer to '
                             'use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError("torch.autograd.functional.jacobian: `create_graph=True` "
                                      "and `strategy=\"forward-mode\"` are not supported together "
                                      "(yet). Please either set `create_graph=False` or "
                                      "`strategy=\"reverse-mode\"`.")

    with _enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "jacobian")
        inputs = _prepare(inputs, create_graph, True)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              "jacobian")
        _check_requires_grad(outputs, "outputs", strict)
        jac: list = []
        for i, out in enumerate(outputs):
            flat = out.reshape(-1)
            n = flat.nelement()
            if n == 0 or not flat.requires_grad:
                block = _jacobian_rows(flat, inputs, i, strict, create_graph)
            else:
                block = _jacobian_vmap(flat, inputs, i, strict, create_graph)
            jac.append(tuple(m.view(tuple(out.shape) + tuple(inp.shape))
                             for m, inp in zip(block, inputs)))
    return _unpack(_finish(tuple(jac), create_graph), (is_outputs_tuple, is_inputs_tuple))


def _jacobian_vmap(flat: Any, inputs: tuple, i: int, strict: bool, create_graph: bool) -> list:
    """The rows of d flat / d inputs at once: vmap over the backward pass, the identity's rows
    as its seeds."""
    from .._creation import eye, zeros_like
    from ..func import vmap

    unused = [False] * len(inputs)

    def row(seed: Any) -> tuple:
        vj = _grad((flat,), inputs, (seed,), retain_graph=True, create_graph=create_graph)
        out = []
        for k, (el, inp) in enumerate(zip(vj, inputs)):
            if el is None:
                unused[k] = True
                el = zeros_like(inp)
            out.append(el)
        return tuple(out)

    rows = vmap(row)(eye(flat.nelement(), dtype=flat.dtype))
    if strict:
        for k, u in enumerate(unused):
            if u:
                raise RuntimeError(f"Output {i} of the user-provided function is independent of "
                                   f"input {k}. This is not allowed in strict mode.")
    return list(rows)


def _jacobian_rows(flat: Any, inputs: tuple, i: int, strict: bool, create_graph: bool) -> list:
    """The rows of d flat / d inputs one backward pass each (empty or constant outputs)."""
    from .._creation import zeros_like
    from .._ops.shape import stack
    from .._tensor import _make

    rows: list[list] = [[] for _ in inputs]
    for j in range(flat.nelement()):
        seed = np.zeros(flat._data.shape, flat._data.dtype)
        seed[j] = 1
        vj = _grad((flat,), inputs, (_make(seed),), retain_graph=True,
                   create_graph=create_graph)
        for k, (el, inp) in enumerate(zip(vj, inputs)):
            if el is None:
                if strict:
                    raise RuntimeError(f"Output {i} of the user-provided function is "
                                       f"independent of input {k}. This is not allowed "
                                       "in strict mode.")
                el = zeros_like(inp)
            rows[k].append(el)
    block = []
    for k, inp in enumerate(inputs):
        if rows[k]:
            block.append(stack(rows[k], 0))
        else:
            block.append(zeros_like(inp).reshape(0, *inp.shape))
    return block


def hessian(func: Callable, inputs: Any, create_graph: bool = False, strict: bool = False,
            vectorize: bool = False, outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar function: the Jacobian of its gradient.

    >>> import chainrule as torch
    >>> from chainrule.autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), torch.tensor([1., 2.]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", "hessian")
    if outer_jacobian_strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode".')

    def ensure_single_output(*inp: Any) -> Any:
        out = func(*inp)
        is_out_tuple, t_out = _as_tuple(out, "outputs of the user-provided function",
                                        "hessian")
        _check_requires_grad(t_out, "outputs", strict)
        if is_out_tuple or not isinstance(out, _tensor_cls()):
            raise RuntimeError("The function given to hessian should return a single Tensor")
        if out.nelement() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should "
                               "contain a single element")
        return out.squeeze()

    def jac_func(*inp: Any) -> Any:
        if outer_jacobian_strategy == "forward-mode":
            inp = tuple(t.requires_grad_(True) for t in inp)
        jac = jacobian(ensure_single_output, inp, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        return jac

    res = jacobian(jac_func, inputs, create_graph=create_graph, strict=strict,
                   vectorize=vectorize, strategy=outer_jacobian_strategy)
    return _unpack(res, (is_inputs_tuple, is_inputs_tuple))


def vhp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), v^T H): vector-Hessian product of a scalar function."""
    return _hessian_product(func, inputs, v, create_graph, strict, "vhp")


def hvp(func: Callable, inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple:
    """(func(inputs), H v): Hessian-vector product of a scalar function."""
    return _hessian_product(func, inputs, v, create_graph, strict, "hvp")


def _hessian_product(func: Callable, inputs: Any, v: Any, create_graph: bool, strict: bool,
                     name: str) -> tuple:
    from .._creation import zeros_like

    with _enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs, "inputs", name)
        inputs = _prepare(inputs, create_graph, True)
        v = _v_for_inputs(v, inputs, is_inputs_tuple, create_graph, name)
        outputs = func(*inputs)
        is_outputs_tuple, outputs = _as_tuple(outputs, "outputs of the user-provided function",
                                              name)
        _check_requires_grad(outputs, "outputs", strict)
        if is_outputs_tuple or not isinstance(outputs[0], _tensor_cls()):
            raise RuntimeError(f"The function given to {name} should return a single Tensor")
        if outputs[0].nelement() != 1:
            raise RuntimeError(f"The Tensor returned by the function given to {name} should "
                               "contain a single element")
        jac = _grad(outputs, inputs, create_graph=True)
        _check_requires_grad(jac, "jacobian", strict)
        if name == "vhp":
            grad_res = _grad(jac, inputs, v, create_graph=create_graph)
            res = _fill_in_zeros(grad_res, inputs, strict, create_graph, "double_back")
        else:
            # H is symmetric, but H v goes through the double-backward trick as torch does
            grad_jac = tuple(zeros_like(inp).requires_grad_() for inp in inputs)
            double_back = _grad(jac, inputs, grad_jac, create_graph=True)
            _check_requires_grad(jac, "hessian", strict)
            grad_res = _grad(double_back, grad_jac, v, create_graph=create_graph)
            res = _fill_in_zeros(grad_res, inputs, strict, create_graph, "double_back_trick")
    outputs = _finish(outputs, create_graph)
    res = _finish(res, create_graph)
    return _unpack(outputs, is_outputs_tuple), _unpack(res, is_inputs_tuple)
