"""Graph nodes: the records ops leave behind for backward, and their hooks."""

from __future__ import annotations

import itertools
import threading
import weakref
from collections.abc import Callable
from typing import Any

from ._modes import refresh

# Creation order of nodes; the engine runs the newest ready node first, as torch does.
_sequence = itertools.count()

# Set, for good, once user code can run inside a backward pass (hooks, custom Functions,
# saved-tensor hooks): from then on the engine keeps torch's exact schedule, in which an
# AccumulateGrad runs as soon as its last gradient is in. Until then nothing can observe
# when a leaf's .grad is written, and the engine's ordered fast path accumulates at the end.
EXACT = [0]

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
            EXACT[0] = 1
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
        # below every op node: the fast path's ordered queue reaches it after all that feed it
        self._seq = -1 - next(_sequence)
        self._hooks = None

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def _apply(self, grads: list, create_graph: bool) -> list:
        _accumulate(self.variable, grads[0], create_graph)
        return []


_new = object.__new__
_weakref = weakref.ref


def grad_accumulator(t: Any) -> AccumulateGrad:
    """The one AccumulateGrad of leaf ``t``; the tensor holds it weakly, the graph strongly."""
    ref = t._acc
    if ref is not None:
        node = ref()
        if node is not None:
            return node
    # AccumulateGrad.__init__, inline: this runs for every leaf of every graph
    node = _new(AccumulateGrad)
    node.variable = t
    node.next_functions = ()
    node._seq = -1 - next(_sequence)
    node._hooks = None
    t._acc = _weakref(node)
    return node




_accumulate: Any = None  # engine.accumulate, bound when the engine loads


# ---- saved_tensors_hooks ---------------------------------------------------------------------

# How many hook contexts are open in any thread: the recording path reads this one number and
# looks further only when it is not zero.
SAVED_HOOKS_ACTIVE = [0]


class _HookStack(threading.local):
    def __init__(self) -> None:
        self.stack: list = []


_hook_stack = _HookStack()


class saved_tensors_hooks:
    """``pack_hook(tensor)`` runs for every tensor a node saves, at forward time;
    ``unpack_hook(packed)`` gives the tensor back when backward needs it.

    >>> import chainrule as torch
    >>> x = torch.tensor([1., 2.], requires_grad=True)
    >>> with torch.autograd.graph.saved_tensors_hooks(lambda t: t * 1, lambda t: t):
    ...     y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    tensor([2., 4.])
    """

    def __init__(self, pack_hook: Callable, unpack_hook: Callable) -> None:
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook

    def __enter__(self) -> None:
        _hook_stack.stack.append((self.pack_hook, self.unpack_hook))
        SAVED_HOOKS_ACTIVE[0] += 1
        refresh()
        EXACT[0] = 1

    def __exit__(self, *exc: object) -> None:
        _hook_stack.stack.pop()
        SAVED_HOOKS_ACTIVE[0] -= 1
        refresh()


class _Packed:
    __slots__ = ("value", "unpack")

    def __init__(self, value: Any, unpack: Callable) -> None:
        self.value = value
        self.unpack = unpack


class HookedSaved(tuple):
    """A node's saved values, packed by the hooks open when it was recorded; reading one
    unpacks it (the generated backward only ever indexes, so it needs no change)."""

    __slots__ = ()

    def __getitem__(self, k: Any) -> Any:
        v = tuple.__getitem__(self, k)
        return v.unpack(v.value) if isinstance(v, _Packed) else v

    def __iter__(self) -> Any:
        return (self[k] for k in range(len(self)))


def apply_saved_hooks(saved: tuple) -> tuple:
    """Packs every saved tensor (and saved output array) with this thread's innermost hooks."""
    if not _hook_stack.stack or not saved:
        return saved
    from .._backend import generic, ndarray
    from .._tensor import Tensor, _make

    pack, unpack = _hook_stack.stack[-1]
    out = []
    for v in saved:
        if isinstance(v, Tensor):
            out.append(_Packed(pack(v), unpack))
        elif isinstance(v, (ndarray, generic)):
            out.append(_Packed(pack(_make(v)), unpack))
        else:
            out.append(v)
    return HookedSaved(out)
