"""Custom differentiable functions: ``class F(Function)`` with static forward and backward."""

from __future__ import annotations

import functools
import warnings
from typing import Any

from .._backend import np
from .forward_ad import ACTIVE as forward_ad_active
from .grad_mode import _state, no_grad
from .graph import EXACT, FREED_MSG, Node, _sequence, grad_accumulator

_BACKWARD_MISSING = (
    "You must implement either the backward or vjp method for your custom autograd.Function to "
    "use it with backward mode AD."
)
_LEGACY = (
    "Legacy autograd function with non-static forward method is deprecated. Please use new-style "
    "autograd function with static forward method. (Example: "
    "https://pytorch.org/docs/stable/autograd.html#torch.autograd.Function)"
)


class FunctionCtx:
    """What ``forward`` can tell ``backward``: saved tensors and flags."""

    def save_for_backward(self, *tensors: Any) -> None:
        from .._tensor import Tensor

        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(f"save_for_backward can only save variables, but argument {i} is "
                                f"of type {type(t).__name__}")
        self.to_save = tensors

    def save_for_forward(self, *tensors: Any) -> None:
        self.saved_for_forward = tensors

    def mark_non_differentiable(self, *outputs: Any) -> None:
        self.non_differentiable = outputs

    def mark_dirty(self, *tensors: Any) -> None:
        self.dirty_tensors = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value


class BackwardCFunction(Node, FunctionCtx):
    """The node of a custom Function call, which is also its ``ctx``. Its class is named
    ``<Function>Backward`` and lives in this module, as torch's do."""

    _forward_cls: Any = None

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{self.name()} object at {hex(id(self))}>"

    @property
    def saved_tensors(self) -> tuple:
        fw = self.__dict__.get("_fw_saved")
        if fw is not None:  # inside jvp: what forward gave to save_for_forward
            return fw
        saved = self._saved
        if saved is None:
            raise RuntimeError(FREED_MSG)
        return tuple(_unpack(self, s) for s in saved)

    def _apply(self, grads: list, create_graph: bool) -> list:
        from .._tensor import Tensor, _make

        cls = self._forward_cls
        if cls.backward is Function.backward and cls.vjp is Function.vjp:
            raise NotImplementedError(_BACKWARD_MISSING)
        args = []
        for g, meta in zip(grads, self._out_meta):
            if g is None:
                if self.materialize_grads and meta is not None:
                    g = np.zeros(meta[0], meta[1])
                else:
                    args.append(None)
                    continue
            args.append(g if isinstance(g, Tensor) else _make(g))
        result = cls.backward(self, *args)
        if not isinstance(result, tuple):
            result = (result,)
        n = len(self._input_meta)
        if len(result) != n:
            if len(result) > n and all(r is None for r in result[n:]):
                result = result[:n]
            else:
                raise RuntimeError(f"function {self.name()} returned an incorrect number of "
                                   f"gradients (expected {n}, got {len(result)})")
        out = []
        for i, (r, meta) in enumerate(zip(result, self._input_meta)):
            if meta is None:  # not a tensor input: no edge
                continue
            if r is None:
                out.append(None)
                continue
            if not isinstance(r, Tensor):
                raise TypeError(f"expected Tensor or None as gradient {i}, got "
                                f"{type(r).__name__}")
            shape, dtype = meta
            if r._data.shape != shape:
                if not _expandable(shape, r._data.shape):
                    raise RuntimeError(
                        f"Function {self.name()} returned an invalid gradient at index {i} - "
                        f"got {list(r._data.shape)} but expected shape compatible with "
                        f"{list(shape)}")
            if create_graph:
                out.append(r)
            else:
                out.append(r._data)
        from .._ops.registry import GRAPH, NUMPY

        F = GRAPH if create_graph else NUMPY
        metas = [m for m in self._input_meta if m is not None]
        return [None if g is None else F.fit(g, m[0], m[1]) for g, m in zip(out, metas)]


def _expandable(shape: tuple, grad_shape: tuple) -> bool:
    # torch sums a gradient down to its input when the input's shape broadcasts to it
    if len(shape) > len(grad_shape):
        return False
    for s, g in zip(reversed(shape), reversed(grad_shape)):
        if s != g and s != 1:
            return False
    return True


def _unpack(node: BackwardCFunction, s: Any) -> Any:
    from .._tensor import _make

    if isinstance(s, tuple):  # an output of the node, kept as (data, slot) to avoid a cycle
        data, slot = s
        t = _make(data)
        t._requires_grad = True
        t._grad_fn = node
        t._output_nr = slot
        return t
    return s


class FunctionMeta(type):
    """Gives every Function subclass its backward node class, ``<Name>Backward``."""

    def __init__(cls, name: str, bases: tuple, attrs: dict) -> None:
        backward_cls = type(name + "Backward", (BackwardCFunction,), {"_forward_cls": cls})
        backward_cls.__module__ = __name__
        backward_cls.__qualname__ = name + "Backward"
        cls._backward_cls = backward_cls
        super().__init__(name, bases, attrs)


class Function(metaclass=FunctionMeta):
    """Base class of custom differentiable operations.

    >>> import chainrule as torch
    >>> class Square(torch.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x * x
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         x, = ctx.saved_tensors
    ...         return 2 * x * grad
    >>> x = torch.tensor(3.0, requires_grad=True)
    >>> Square.apply(x).backward()
    >>> x.grad
    tensor(6.)
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            f"{type(self)} should not be instantiated. Methods on autograd functions are all "
            "static, so you should invoke them on the class itself. Instantiating an autograd "
            "function will raise an error in a future version of PyTorch.",
            DeprecationWarning, stacklevel=2)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(_LEGACY)

    @staticmethod
    def forward(*args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple, output: Any) -> Any:
        raise NotImplementedError("setup_context is not implemented.")

    @staticmethod
    def backward(ctx: Any, *grad_outputs: Any) -> Any:
        raise NotImplementedError(_BACKWARD_MISSING)

    vjp = backward

    @staticmethod
    def jvp(ctx: Any, *grad_inputs: Any) -> Any:
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        from .._tensor import Tensor, _make

        if not isinstance(cls.__dict__.get("forward", staticmethod(None)), staticmethod) and \
                "forward" in cls.__dict__:
            raise RuntimeError(_LEGACY)
        EXACT[0] = 1  # its backward is user code
        ctx = object.__new__(cls._backward_cls)
        ctx._seq = next(_sequence)
        ctx._hooks = None
        ctx.to_save = ()
        ctx.non_differentiable = ()
        ctx.dirty_tensors = ()
        ctx.materialize_grads = True
        recording = _state.grad_enabled and any(
            isinstance(a, Tensor) and a._requires_grad for a in args)
        ctx.needs_input_grad = tuple(
            isinstance(a, Tensor) and a._requires_grad and _state.grad_enabled for a in args)
        custom_setup = cls.setup_context is not Function.setup_context
        with no_grad():
            if custom_setup:
                output = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, output)
            else:
                output = cls.forward(ctx, *args, **kwargs)
        single = not isinstance(output, tuple)
        outputs = (output,) if single else output
        for t in ctx.dirty_tensors:  # forward changed these in place and returns them
            if recording and t._grad_fn is None and t._requires_grad:
                raise RuntimeError("a leaf Variable that requires grad has been used in an "
                                   "in-place operation.")
            t._aux_().version[0] += 1
        if forward_ad_active[0]:
            _forward_tangents(cls, ctx, args, outputs)
        if not recording:
            return output
        edges = []
        input_meta = []
        for a in args:
            if isinstance(a, Tensor):
                input_meta.append((a._data.shape, a._data.dtype))
                if a._requires_grad:
                    fn = a._grad_fn
                    edges.append((fn, a._output_nr) if fn is not None else
                                 (grad_accumulator(a), 0))
                else:
                    edges.append((None, 0))
            else:
                input_meta.append(None)
        ctx.next_functions = tuple(edges)
        ctx._input_meta = input_meta
        ctx._n_out = len(outputs)
        non_diff = {id(t) for t in ctx.non_differentiable}
        wrapped = []
        out_meta = []
        for slot, o in enumerate(outputs):
            if not isinstance(o, Tensor):
                wrapped.append(o)
                out_meta.append(None)
                continue
            if any(o is a for a in args) and not any(o is d for d in ctx.dirty_tensors):
                o = _make(o._data)  # an input returned as is: a new tensor over the same data
            out_meta.append((o._data.shape, o._data.dtype))
            if id(o) in non_diff or id(outputs[slot]) in non_diff:
                o._requires_grad = False
            elif _is_float(o):
                o._grad_fn = ctx
                o._output_nr = slot
                o._requires_grad = True
            wrapped.append(o)
        ctx._out_meta = out_meta
        saved = []
        for t in ctx.to_save:
            slot = next((k for k, o in enumerate(wrapped) if o is t), None)
            saved.append((t._data, slot) if slot is not None else t)
        ctx._saved = tuple(saved)
        del ctx.to_save
        return wrapped[0] if single else tuple(wrapped)


def _forward_tangents(cls: Any, ctx: Any, args: tuple, outputs: tuple) -> None:
    """Forward AD through a custom Function: its ``jvp(ctx, *tangents)`` gives the outputs'
    tangents; inside it, ``ctx.saved_tensors`` are what forward gave to save_for_forward."""
    from .._creation import zeros_like
    from .._tensor import Tensor
    from .forward_ad import set_tangent, tangent_of

    tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
    if all(t is None for t in tangents):
        return
    if cls.jvp is Function.jvp:
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")
    tangents = [t if t is not None else (zeros_like(a) if isinstance(a, Tensor) else None)
                for a, t in zip(args, tangents)]
    from .forward_ad import ACTIVE

    ctx._fw_saved = tuple(getattr(ctx, "saved_for_forward", ()))
    levels, ACTIVE[0] = ACTIVE[0], 0  # jvp computes one level down, without tangents
    try:
        result = cls.jvp(ctx, *tangents)
    finally:
        ACTIVE[0] = levels
        del ctx._fw_saved
    result = result if isinstance(result, tuple) else (result,)
    for out, t in zip(outputs, result):
        if isinstance(out, Tensor) and t is not None:
            set_tangent(out, t)


def _is_float(t: Any) -> bool:
    from .._dtypes import category

    return category(t._data.dtype) >= 2


def once_differentiable(fn: Any) -> Any:
    """Marks a backward as not itself differentiable: it runs without recording."""

    @functools.wraps(fn)
    def wrapper(ctx: Any, *args: Any) -> Any:
        with no_grad():
            return fn(ctx, *args)

    return wrapper
