"""gradcheck and gradgradcheck: analytical gradients against central finite differences."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from .._backend import np


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients disagree."""


def _as_tuple(x: Any) -> tuple:
    from .._tensor import Tensor

    return (x,) if isinstance(x, Tensor) else tuple(x)


def _differentiable(outputs: tuple) -> list:
    from .._tensor import Tensor

    return [o for o in outputs if isinstance(o, Tensor) and o.is_floating_point()]


def _numerical_jacobian(fn: Callable, inputs: tuple, k: int, eps: float) -> list:
    """Columns d out / d inputs[k][j] by central differences, one per output."""
    from .._tensor import _storage

    x = inputs[k]
    # perturb the input's own storage in place: fn sees the same tensor object
    flat = _storage(x).reshape(-1)
    columns: list = []
    for j in range(flat.size):
        orig = flat[j].item()
        flat[j] = orig + eps
        plus = [np.array(o._data, dtype=np.float64).reshape(-1)
                for o in _differentiable(_as_tuple(fn(*inputs)))]
        flat[j] = orig - eps
        minus = [np.array(o._data, dtype=np.float64).reshape(-1)
                 for o in _differentiable(_as_tuple(fn(*inputs)))]
        flat[j] = orig
        columns.append([(p - m) / (2 * eps) for p, m in zip(plus, minus)])
    n_out = len(columns[0]) if columns else len(_differentiable(_as_tuple(fn(*inputs))))
    result = []
    for i in range(n_out):
        if columns:
            result.append(np.stack([c[i] for c in columns], axis=1))
        else:
            out = _differentiable(_as_tuple(fn(*inputs)))[i]
            result.append(np.zeros((out._data.size, 0)))
    return result


def _analytical_jacobian(outputs: list, inputs: tuple, diff: list) -> list:
    """Rows d outputs[i][r] / d inputs by one backward pass per output element."""
    from .._tensor import _make
    from . import grad

    jac = {}
    for i, out in enumerate(outputs):
        n = out._data.size
        rows = {k: np.zeros((n, inputs[k]._data.size)) for k in diff}
        for r in range(n):
            seed = np.zeros(out._data.shape, out._data.dtype)
            seed.reshape(-1)[r] = 1
            if not out.requires_grad:
                continue
            gs = grad(out, [inputs[k] for k in diff], _make(seed), retain_graph=True,
                      allow_unused=True)
            for k, g in zip(diff, gs):
                if g is not None:
                    rows[k][r] = np.asarray(g._data, dtype=np.float64).reshape(-1)
        jac[i] = rows
    return [[jac[i][k] for k in diff] for i in range(len(outputs))]


def gradcheck(func: Callable, inputs: Any, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, nondet_tol: float = 0.0,
              check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
              check_batched_grad: bool = False, check_batched_forward_grad: bool = False,
              check_forward_ad: bool = False, check_backward_ad: bool = True,
              fast_mode: bool = False, masked: bool | None = None) -> bool:
    """Checks the gradients ``func`` computes against finite differences, in double precision.

    >>> import chainrule as torch
    >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradcheck(torch.sin, (x,))
    True
    """
    from .._tensor import Tensor

    inputs = _as_tuple(inputs)
    diff = [k for k, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    for k in diff:
        if inputs[k]._data.dtype != np.float64 and inputs[k]._data.dtype != np.complex128:
            warnings.warn(
                f"Input #{k} requires gradient and is not a double precision floating point or "
                "complex. This check will likely fail if all the inputs are not of double "
                "precision floating point or complex. ", UserWarning, stacklevel=2)
    outputs = _differentiable(_as_tuple(func(*inputs)))
    analytical = _analytical_jacobian(outputs, inputs, diff)
    for pos, k in enumerate(diff):
        numerical = _numerical_jacobian(func, inputs, k, eps)
        for i in range(len(outputs)):
            a = analytical[i][pos]
            n = numerical[i]
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=True):
                if not raise_exception:
                    return False
                from .._tensor import _make

                raise GradcheckError(
                    f"Jacobian mismatch for output {i} with respect to input {k},\n"
                    f"numerical:{_make(n.T.copy())!r}\nanalytical:{_make(a.T.copy())!r}\n")
    return True


def gradgradcheck(func: Callable, inputs: Any, grad_outputs: Any = None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, gen_non_contig_grad_outputs: bool = False,
                  raise_exception: bool = True, nondet_tol: float = 0.0,
                  check_undefined_grad: bool = True, check_grad_dtypes: bool = False,
                  check_batched_grad: bool = False, check_fwd_over_rev: bool = False,
                  check_rev_over_rev: bool = True, fast_mode: bool = False,
                  masked: bool = False) -> bool:
    """Checks second derivatives: gradcheck of the gradient of ``func`` (recorded with
    ``create_graph=True``) with respect to its inputs and the output gradients.

    >>> import chainrule as torch
    >>> x = torch.tensor([0.5, 1.5], dtype=torch.float64, requires_grad=True)
    >>> torch.autograd.gradgradcheck(torch.sin, (x,))
    True
    """
    from .._random import randn
    from .._tensor import Tensor, _make
    from . import grad

    inputs = _as_tuple(inputs)
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outputs = _differentiable(_as_tuple(func(*inputs)))
    if grad_outputs is None:
        grad_outputs = tuple(
            _make(randn(o._data.shape, np.dtype(np.float64)).astype(o._data.dtype))
            .requires_grad_() for o in outputs)
    grad_outputs = _as_tuple(grad_outputs)
    n_in = len(inputs)

    def first_derivative(*args: Any) -> tuple:
        ins, gos = args[:n_in], args[n_in:]
        outs = _differentiable(_as_tuple(func(*ins)))
        diff_ins = [x for x in ins if isinstance(x, Tensor) and x.requires_grad]
        pairs = [(o, g) for o, g in zip(outs, gos) if o.requires_grad]
        if not pairs:
            return ()
        gs = grad([o for o, _ in pairs], diff_ins, [g for _, g in pairs], create_graph=True,
                  allow_unused=True)
        return tuple(g for g in gs if g is not None)

    del diff
    return gradcheck(first_derivative, inputs + grad_outputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
