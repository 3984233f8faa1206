"""Graph nodes: the records ops leave behind for backward, and their hooks."""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable
from typing import Any

# Creation order of nodes; the engine runs the newest ready node first, as torch does.
_sequence = itertools.count()
# AccumulateGrad runs as soon as it is ready (torch gives it the largest sequence number).
_ACCUMULATE_FIRST = 1 << 62

FREED_MSG = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


class RemovableHandle:
    """Returned by every ``register_*hook``; ``remove()`` takes the hook out."""

    __slots__ = ("_hooks", "_key")
    _ids = itertools.count()

    def __init__(self, hooks: dict) -> None:
        self._hooks = hooks
        self._key = next(RemovableHandle._ids)

    def remove(self) -> None:
        self._hooks.pop(self._key, None)

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class _NodeHooks:
    """Hooks of one node. Dicts keyed by handle ids keep registration order."""

    __slots__ = ("pre", "post", "tensor_pre", "retain", "metadata")

    def __init__(self) -> None:
        self.pre: dict = {}
        self.post: dict = {}
        # output slot -> {handle id: hook} for Tensor.register_hook on a non-leaf
        self.tensor_pre: dict = {}
        # output slot -> weakref to the non-leaf tensor that retains its grad
        self.retain: dict = {}
        self.metadata: dict = {}


class Node:
    """A backward function: consumes gradients of its outputs, produces its inputs' gradients.

    ``next_functions`` pairs each input with the node that receives its gradient (``None`` for
    inputs that need none, such as Python numbers).
    """

    __slots__ = ("next_functions", "_seq", "_hooks", "__weakref__")
    _n_out = 1
    # what the node saved for backward; emptied after use unless the graph is retained
    _saved: tuple | None = ()

    def name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        return f"<{type(self).__name__} object at {hex(id(self))}>"

    def _get_hooks(self) -> _NodeHooks:
        if self._hooks is None:
            self._hooks = _NodeHooks()
        return self._hooks

    @property
    def metadata(self) -> dict:
        return self._get_hooks().metadata

    def register_hook(self, fn: Callable) -> RemovableHandle:
        """``fn(grad_inputs, grad_outputs)`` runs after the node; a returned tuple replaces
        ``grad_inputs``."""
        hooks = self._get_hooks().post
        handle = RemovableHandle(hooks)
        hooks[handle._key] = fn
        return handle

    def register_prehook(self, fn: Callable) -> RemovableHandle:
        """``fn(grad_outputs)`` runs before the node; a returned tuple replaces ``grad_outputs``."""
        hooks = self._get_hooks().pre
        handle = RemovableHandle(hooks)
        hooks[handle._key] = fn
        return handle

    def _apply(self, grads: list, create_graph: bool) -> list:
        raise NotImplementedError

    def __call__(self, *grads: Any) -> Any:
        from ..autograd.engine import call_node

        return call_node(self, grads)


class AccumulateGrad(Node):
    """The sink of a leaf tensor: sums incoming gradients into ``variable.grad``."""

    __slots__ = ("variable",)

    def __init__(self, variable: Any) -> None:
        self.variable = variable
        self.next_functions = ()
        self._seq = _ACCUMULATE_FIRST + next(_sequence)
        self._hooks = None

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def _apply(self, grads: list, create_graph: bool) -> list:
        _accumulate(self.variable, grads[0], create_graph)
        return []


def grad_accumulator(t: Any) -> AccumulateGrad:
    """The one AccumulateGrad of leaf ``t``; the tensor holds it weakly, the graph strongly."""
    ref = t._acc
    if ref is not None:
        node = ref()
        if node is not None:
            return node
    node = AccumulateGrad(t)
    t._acc = weakref.ref(node)
    return node


def next_sequence() -> int:
    return next(_sequence)


_accumulate: Any = None  # engine.accumulate, bound when the engine loads
