"""Forward-mode AD: dual tensors carrying a tangent, propagated through every op of the table.

The table drives it, as it drives backward. Each entry's ``fw`` tag says how its tangent
follows from its inputs' tangents:

- ``element_wise``: the entry's backward formulas with the (broadcast) tangent as ``grad``
  (elementwise ops have diagonal Jacobians, so J t and J^T t are the same product);
- ``linear``: the op applied to the tangents;
- ``bilinear``: the product rule, f(ta, b) + f(a, tb);
- anything else: the double-backward trick on the op alone (u -> J^T u is linear, so the
  derivative of <J^T u, t> with respect to u is J t), exact for every entry.
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from ._modes import refresh

# The levels open now, innermost last; ACTIVE[0] is read by every op, so it stays a plain
# number that is 0 when forward AD is off.
ACTIVE = [0]
_LEVELS: list = []
# open vmap levels: they share the flag, and ``propagate`` batches before it propagates
VMAP = [0]
_BATCH_OP: list = []  # vmap's hook, imported on first use
_NEXT = [0]


class UnpackedDualTensor(namedtuple("UnpackedDualTensor", ["primal", "tangent"])):
    """(primal, tangent) of a dual tensor; the tangent is None when there is none."""

    __slots__ = ()


def enter_dual_level() -> int:
    level = _NEXT[0]
    _NEXT[0] += 1
    _LEVELS.append(level)
    ACTIVE[0] = len(_LEVELS) + VMAP[0]
    refresh()
    return level


def exit_dual_level(*, level: int | None = None) -> None:
    if not _LEVELS or (level is not None and level != _LEVELS[-1]):
        raise RuntimeError("Trying to exit a forward AD level that was not the last one that "
                           "was created. This is not supported.")
    _LEVELS.pop()
    ACTIVE[0] = len(_LEVELS) + VMAP[0]
    refresh()


class dual_level:
    """Context manager: the tangents made inside live until it exits.

    >>> import chainrule as torch
    >>> import chainrule.autograd.forward_ad as fwAD
    >>> with fwAD.dual_level():
    ...     x = fwAD.make_dual(torch.tensor([1., 2.]), torch.tensor([1., 0.]))
    ...     fwAD.unpack_dual(x ** 2).tangent
    tensor([2., 0.])
    """

    def __enter__(self) -> int:
        return enter_dual_level()

    def __exit__(self, *exc: object) -> None:
        exit_dual_level()


def _level(level: int | None) -> int | None:
    if level is not None:
        return level
    return _LEVELS[-1] if _LEVELS else None


def tangent_of(t: Any, level: int | None = None) -> Any:
    """The tangent of ``t`` at the innermost (or given) open level, or None."""
    aux = getattr(t, "_aux", None)
    if aux is None or aux.tangent is None:
        return None
    at, tangent = aux.tangent
    want = _level(level)
    return tangent if at == want and at in _LEVELS else None


def set_tangent(t: Any, tangent: Any, level: int | None = None) -> None:
    t._aux_().tangent = (_level(level), tangent)


def make_dual(tensor: Any, tangent: Any, *, level: int | None = None) -> Any:
    """A tensor with ``tensor``'s values (a view of it) carrying ``tangent``."""
    from .._ops import derivatives as D
    from .._ops.registry import call1
    from .._tensor import _alias

    lvl = _level(level)
    if lvl is None:
        raise RuntimeError("Trying to create a dual Tensor for forward AD but no level exists, "
                           "make sure to enter_dual_level() first.")
    if tuple(tangent.shape) != tuple(tensor.shape):
        raise RuntimeError(
            "Trying to set a forward gradient that has a different size than that of the "
            f"original Tensor, this is not supported. Tensor is of size {list(tensor.shape)} "
            f"while the given forward gradient is of size {list(tangent.shape)}.")
    dual = call1(D.ALIAS, tensor) if tensor.requires_grad else _alias(tensor)
    if tangent.dtype != tensor.dtype:
        tangent = tangent.to(tensor.dtype)
    set_tangent(dual, tangent, lvl)
    return dual


def unpack_dual(tensor: Any, *, level: int | None = None) -> UnpackedDualTensor:
    """(primal, tangent) of ``tensor`` at the innermost (or given) level."""
    tangent = tangent_of(tensor, level)
    if tangent is None:
        return UnpackedDualTensor(tensor, None)
    from .._tensor import _alias

    return UnpackedDualTensor(_alias(tensor), tangent)


# ---- propagation through the table ----------------------------------------------------------

def propagate(entry: Any, inputs: Any, arrays: Any, args: tuple, outs: Any) -> None:
    """The registry's hook after an op while forward AD or vmap is active: vmap batches the
    op first, then the tangents of ``outs`` are set from those of ``inputs``."""
    if VMAP[0]:
        if not _BATCH_OP:
            from .._ops.batching import batch_op

            _BATCH_OP.append(batch_op)
        _BATCH_OP[0](entry, inputs, arrays, args, outs)
        if not _LEVELS:
            return
    _propagate(entry, inputs, arrays, args, outs)


def _propagate(entry: Any, inputs: Any, arrays: Any, args: tuple, outs: Any) -> None:
    """Sets the tangents of ``outs`` from those of ``inputs``, by ``entry.fw``."""
    from .._tensor import Tensor

    tensors = list(inputs) if entry.variadic else list(inputs)
    tangents = [tangent_of(t) if isinstance(t, Tensor) else None for t in tensors]
    if all(t is None for t in tangents):
        return
    outs = outs if isinstance(outs, tuple) else (outs,)
    n_diff = len(outs) if entry.n_diff == "all" else entry.n_diff
    from .grad_mode import _state

    # the rules compute on primals and tangents that carry no tangent of their own: forward AD
    # is off while they run (so they cannot recurse)
    prev = _state.grad_enabled
    levels, ACTIVE[0] = ACTIVE[0], VMAP[0]
    try:
        kind = entry.fw
        if kind == "linear":
            result = _linear(entry, tensors, tangents, args)
        elif kind == "bilinear" and len(tensors) == 2 and not entry.variadic:
            result = _bilinear(entry, tensors, tangents, args)
        elif kind == "element_wise" and not entry.variadic and n_diff == 1:
            result = (_elementwise(entry, tensors, tangents, args, outs),)
        else:
            result = _double_backward(entry, tensors, arrays, tangents, args, n_diff)
    finally:
        _state.grad_enabled = prev
        ACTIVE[0] = levels
    for out, t in zip(outs[:n_diff], result):
        if t is not None:
            set_tangent(out, t)


def _zeros_like(t: Any) -> Any:
    from .._creation import zeros_like

    return zeros_like(t)


def _run(entry: Any, inputs: list, args: tuple) -> tuple:
    """The entry applied to tensors (recorded when they require grad), outputs as a tuple."""
    from .._ops.registry import call, call_list, call_multi

    arrays = [t._data if hasattr(t, "_data") else t for t in inputs]
    if entry.variadic:
        return (call_list(entry, inputs, arrays, args),)
    if len(entry.outputs) > 1 or entry.n_diff != 1:
        return call_multi(entry, tuple(inputs), tuple(arrays), args)
    return (call(entry, tuple(inputs), tuple(arrays), args),)


def _linear(entry: Any, tensors: list, tangents: list, args: tuple) -> tuple:
    from .._tensor import Tensor

    ts = [t if t is not None else (_zeros_like(x) if isinstance(x, Tensor) else 0)
          for x, t in zip(tensors, tangents)]
    return _run(entry, ts, args)


def _bilinear(entry: Any, tensors: list, tangents: list, args: tuple) -> tuple:
    (a, b), (ta, tb) = tensors, tangents
    total = None
    if ta is not None:
        total = _run(entry, [ta, _primal(b)], args)[0]
    if tb is not None:
        part = _run(entry, [_primal(a), tb], args)[0]
        total = part if total is None else total + part
    return (total,)


def _primal(t: Any) -> Any:
    from .._tensor import Tensor, _alias

    return _alias(t) if isinstance(t, Tensor) else t


def _elementwise(entry: Any, tensors: list, tangents: list, args: tuple, outs: tuple) -> Any:
    """Sum over inputs of (backward formula with the broadcast tangent as grad)."""
    from .._ops.registry import GRAPH
    from .._ops.shape import expand
    from .._tensor import Tensor

    out = outs[0]
    mask = sum(1 << i for i, t in enumerate(tangents) if t is not None)
    cls = entry.node_class(mask)
    values = [tensors[j] if j >= 0 else _primal(outs[-1 - j]) for j in cls._save]
    env = [_primal(v) if isinstance(v, Tensor) else v for v in values]
    env += list(args)
    env += [tuple(t.shape) if isinstance(t, Tensor) else None for t in tensors]
    total = None
    for (spec, t) in zip(cls._formulas, tangents):
        if spec is None or t is None:
            continue
        f, idx = spec
        grad = expand(t, tuple(out.shape)) if tuple(t.shape) != tuple(out.shape) else t
        part = f(GRAPH, grad, *[env[k] for k in idx])
        if tuple(part.shape) != tuple(out.shape):
            part = expand(part, tuple(out.shape))
        if part.dtype != out.dtype:
            part = part.to(out.dtype)
        total = part if total is None else total + part
    return total


def _double_backward(entry: Any, tensors: list, arrays: Any, tangents: list, args: tuple,
                     n_diff: int) -> tuple:
    from .._tensor import Tensor, _make
    from . import grad
    from .grad_mode import enable_grad

    with enable_grad():
        xs = [_make(x._data).requires_grad_() if isinstance(x, Tensor) and t is not None
              else (_primal(x) if isinstance(x, Tensor) else x)
              for x, t in zip(tensors, tangents)]
        outs = _run(entry, xs, args)[:n_diff]
        wrt = [x for x, t in zip(xs, tangents) if t is not None]
        ts = [t for t in tangents if t is not None]
        result = []
        for out in outs:
            if not out.requires_grad:
                result.append(None)
                continue
            u = _zeros_like(out).requires_grad_()
            vjps = grad(out, wrt, u, create_graph=True, allow_unused=True)
            pairs = [(g, t) for g, t in zip(vjps, ts) if g is not None and g.requires_grad]
            if not pairs:
                result.append(_zeros_like(out))
                continue
            (jt,) = grad([g for g, _ in pairs], [u], [t for _, t in pairs], allow_unused=True,
                         materialize_grads=True)
            result.append(jt.detach())
    return tuple(result)
