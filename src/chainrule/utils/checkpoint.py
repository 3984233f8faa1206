"""Activation checkpointing: keep no intermediate values in the forward pass, recompute them
in backward. Trades compute for memory, as ``torch.utils.checkpoint``."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

_REENTRANT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. In "
    "version 2.5 we will raise an exception if use_reentrant is not passed. use_reentrant=False "
    "is recommended, but if you need to preserve the current default behavior, you can pass "
    "use_reentrant=True. Refer to docs for more details on the differences between the two "
    "variants."
)


def _make_function() -> type:
    from ..autograd.function import Function

    class CheckpointFunction(Function):
        """Runs ``fn`` without recording; backward runs it again, recorded, and backpropagates
        through that second run."""

        @staticmethod
        def forward(ctx: Any, fn: Callable, *args: Any) -> Any:
            ctx.fn = fn
            tensors = [a for a in args if _is_tensor(a)]
            ctx.save_for_backward(*tensors)
            ctx.args = args
            return fn(*args)

        @staticmethod
        def backward(ctx: Any, *grads: Any) -> Any:
            from ..autograd import backward
            from ..autograd.grad_mode import enable_grad

            saved = iter(ctx.saved_tensors)
            args = []
            for a in ctx.args:
                if _is_tensor(a):
                    t = next(saved)
                    args.append(t.detach().requires_grad_(t.requires_grad))
                else:
                    args.append(a)
            with enable_grad():
                outputs = ctx.fn(*args)
            outputs = outputs if isinstance(outputs, tuple) else (outputs,)
            pairs = [(o, g) for o, g in zip(outputs, grads)
                     if _is_tensor(o) and o.requires_grad and g is not None]
            if pairs:
                backward([o for o, _ in pairs], [g for _, g in pairs])
            return (None,) + tuple(a.grad if _is_tensor(a) and a.requires_grad else None
                                   for a in args)

    return CheckpointFunction


def _is_tensor(x: Any) -> bool:
    from .._tensor import Tensor

    return isinstance(x, Tensor)


_FUNCTION: list = []


def checkpoint(function: Callable, *args: Any, use_reentrant: bool | None = None,
               context_fn: Any = None, determinism_check: str = "default",
               debug: bool = False, preserve_rng_state: bool = True, **kwargs: Any) -> Any:
    """``function(*args)``, keeping nothing of its inside for backward: backward recomputes it.

    >>> import chainrule as torch
    >>> from chainrule.utils.checkpoint import checkpoint
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> checkpoint(lambda t: t.sin() * t, x, use_reentrant=False).backward()
    >>> round(x.grad.item(), 4)
    0.0770
    """
    if use_reentrant is None:
        warnings.warn(_REENTRANT_WARNING, UserWarning, stacklevel=2)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
    if not _FUNCTION:
        _FUNCTION.append(_make_function())
    from .._random import get_state, set_state

    state = get_state() if preserve_rng_state else None

    def run(*a: Any) -> Any:
        if state is not None:  # the recomputation draws the same random numbers (dropout)
            set_state(state)
        return function(*a)

    return _FUNCTION[0].apply(run, *args)
