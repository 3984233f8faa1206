"""Reverse-mode automatic differentiation: ``backward``, ``grad``, custom Functions, grad modes."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

from . import forward_ad, functional, graph
from .anomaly_mode import (
    detect_anomaly,
    is_anomaly_check_nan_enabled,
    is_anomaly_enabled,
    set_detect_anomaly,
)
from .engine import execute
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import (
    enable_grad,
    inference_mode,
    is_grad_enabled,
    is_inference_mode_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .graph import grad_accumulator

__all__ = ["Function", "FunctionCtx", "GradcheckError", "backward", "detect_anomaly",
           "is_anomaly_check_nan_enabled", "is_anomaly_enabled", "set_detect_anomaly",
           "enable_grad", "forward_ad",
           "functional", "grad", "gradcheck", "gradgradcheck", "graph", "is_grad_enabled",
           "no_grad", "once_differentiable", "set_grad_enabled"]

_CREATE_GRAPH_WARNING = (
    "Using backward() with create_graph=True will create a reference cycle between the parameter "
    "and its gradient which can cause a memory leak. We recommend using autograd.grad when "
    "creating the graph to avoid this. If you have to use this function, make sure to reset the "
    ".grad fields of your parameters to None after use to break the cycle and avoid the leak."
)


def _as_tuple(x: Any) -> tuple:
    from .._tensor import Tensor

    if isinstance(x, Tensor):
        return (x,)
    return tuple(x)


def _edge(t: Any) -> tuple:
    fn = t._grad_fn
    return (fn, t._output_nr) if fn is not None else (grad_accumulator(t), 0)


def _root_grads(outputs: tuple, grads: Any, create_graph: bool) -> list:
    """Seeds for the roots: the given gradients checked against their outputs, or ones for
    one-element outputs."""
    from .._backend import np
    from .._tensor import Tensor, _make

    if grads is None or isinstance(grads, Tensor):
        grads = (grads,) * len(outputs) if grads is None else (grads,)
    else:
        grads = tuple(grads)
    if len(grads) != len(outputs):
        raise RuntimeError("grad can be implicitly created only for scalar outputs"
                           if not grads else
                           f"got {len(grads)} tensors and {len(outputs)} gradients")
    seeds = []
    for i, (out, g) in enumerate(zip(outputs, grads)):
        d = out._data
        if g is None:
            if d.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if d.dtype.kind not in "fc":
                raise RuntimeError(f"grad can be implicitly created only for real scalar outputs "
                                   f"but got {out.dtype}")
            seed = d.dtype.type(1) if d.ndim == 0 else np.ones(d.shape, d.dtype)
            seeds.append(_make(seed) if create_graph else seed)
            continue
        if not isinstance(g, Tensor):
            raise TypeError(f"gradients can be either Tensors or None, but got "
                            f"{type(g).__name__}")
        if g._data.shape != d.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {out.shape}.")
        if create_graph:
            seeds.append(g)
        else:
            gd = g._data
            seeds.append(gd if gd.dtype is d.dtype else gd.astype(d.dtype))
    return seeds


def _check_roots(outputs: tuple) -> None:
    for i, t in enumerate(outputs):
        if not t._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")


def backward(tensors: Any, grad_tensors: Any = None, retain_graph: bool | None = None,
             create_graph: bool = False, grad_variables: Any = None, inputs: Any = None) -> None:
    """Accumulates into the leaves' ``.grad`` the gradient of ``tensors``.

    >>> import chainrule as torch
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> torch.autograd.backward((x * x).sum())
    >>> x.grad
    tensor([2., 4.])
    """
    from .._ops import batching

    if batching.LEVELS:
        raise RuntimeError(batching.BACKWARD_MSG)
    outputs = _as_tuple(tensors)
    if grad_tensors is None:
        grad_tensors = grad_variables
    if create_graph:
        warnings.warn(_CREATE_GRAPH_WARNING, UserWarning, stacklevel=3)
    if retain_graph is None:
        retain_graph = create_graph
    targets = None
    if inputs is not None:
        inputs = _as_tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
        targets = [_edge(t) for t in inputs]
    _check_roots(outputs)
    seeds = _root_grads(outputs, grad_tensors, create_graph)
    roots = [_edge(t) for t in outputs]
    non_leaf_inputs = [t for t in inputs if t._grad_fn is not None] if inputs else []
    if not non_leaf_inputs:
        execute(roots, seeds, retain_graph, create_graph, targets)
        return
    # non-leaf inputs get their gradient accumulated into .grad, like retain_grad
    captured = execute(roots, seeds, retain_graph, create_graph, targets, False)
    from .engine import accumulate

    for t, g in zip(inputs, captured):
        if t._grad_fn is None:
            accumulate(t, g, create_graph)
        elif g is not None:
            from .._tensor import _make

            g = g if create_graph else _make(g.copy())
            t._grad = g if t._grad is None else t._grad + g


def grad(outputs: Any, inputs: Any, grad_outputs: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, only_inputs: bool = True, allow_unused: bool | None = None,
         is_grads_batched: bool = False, materialize_grads: bool = False) -> tuple:
    """The gradients of ``outputs`` with respect to ``inputs``, returned instead of accumulated.

    >>> import chainrule as torch
    >>> x = torch.tensor(3.0, requires_grad=True)
    >>> torch.autograd.grad(x ** 3, x)
    (tensor(27.),)
    """
    from .._ops import batching
    from .._tensor import Tensor, _make

    if batching.LEVELS and not create_graph:
        # inside vmap the backward runs its formulas on tensors, which vmap batches
        res = grad(outputs, inputs, grad_outputs, bool(retain_graph), True, only_inputs,
                   allow_unused, is_grads_batched, materialize_grads)
        return tuple(None if g is None else g.detach() for g in res)
    if materialize_grads and allow_unused is False:
        raise ValueError("Expected allow_unused to be True or not passed when materialize_grads="
                         "True, but got: allow_unused=False.")
    if allow_unused is None:
        allow_unused = materialize_grads
    outs = _as_tuple(outputs)
    ins = _as_tuple(inputs)
    for t in ins:
        if not isinstance(t, Tensor):
            raise TypeError("grad requires Tensor inputs")
        if not t._requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    if retain_graph is None:
        retain_graph = create_graph
    _check_roots(outs)
    seeds = _root_grads(outs, grad_outputs, create_graph)
    captured = execute([_edge(t) for t in outs], seeds, retain_graph, create_graph,
                       [_edge(t) for t in ins], False)
    result = []
    for i, (t, g) in enumerate(zip(ins, captured)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"The differentiated Tensor at index {i} appears to not have "
                                   "been used in the graph. Set allow_unused=True if this is the "
                                   "desired behavior.")
            if materialize_grads:
                from .._backend import np

                g = _make(np.zeros_like(t._data))
            result.append(g)
            continue
        result.append(g if isinstance(g, Tensor) else _make(g))
    return tuple(result)


