"""The backward engine: one iterative pass over the graph.

1. Collect the nodes reachable from the roots (explicit stack, no recursion; dicts, not sets,
   so the order is deterministic), counting the edges into each leaf's AccumulateGrad.
2. Run the nodes newest first. A node's consumers were all created after it, so by then every
   gradient it will receive has arrived: this is a topological order, and it is exactly the
   order of torch's ready queue (which always pops the newest ready node). AccumulateGrad runs
   as soon as its last edge is in, as torch's does.
3. Sum each node's incoming gradients into a buffer that is dropped once consumed, and release
   what a node saved as soon as it has run, unless the graph is retained.

While no user code can run inside a backward (``graph.EXACT``), a loss's backward takes a
shorter road to the same order (``_ordered``): no counting walk, a queue fed as gradients
arrive, and each AccumulateGrad once everything that feeds it has run. There, as nothing
outside the engine can see a gradient in flight, a formula may also write its product into a
large gradient that only the engine holds (``owned``), instead of a new array.
"""

from __future__ import annotations

import sys
from heapq import heappop, heappush
from operator import attrgetter
from typing import Any

from .._backend import generic, ndarray, np, preserved_axes
from ..autograd.grad_mode import _state
from . import graph
from .anomaly_mode import STATE as anomaly
from .anomaly_mode import run_checked
from .graph import EXACT, AccumulateGrad, Node

_getrefcount = sys.getrefcount
_by_sequence = attrgetter("_seq")

# bound by _tensor.py once the class exists (it imports this package first)
Tensor: Any = None
_make: Any = None


def execute(roots: list, root_grads: list, keep_graph: bool, create_graph: bool,
            targets: list | None = None, accumulate_targets: bool = True) -> list | None:
    """Runs backward from ``roots`` (pairs of node and output slot) seeded with ``root_grads``.

    ``targets`` (pairs of node and slot) restrict the pass to the nodes that lead to them. With
    ``accumulate_targets`` the targets' gradients go to ``.grad`` (``backward(inputs=...)``);
    without, they are captured and returned (``autograd.grad``) and no ``.grad`` changes.
    """
    if targets is None and len(roots) == 1:
        return _plain(roots[0][0], roots[0][1], root_grads[0], keep_graph, create_graph)
    needed = None
    captured = results = None
    if targets is not None:
        needed = _needed(roots, targets)
        if not accumulate_targets:
            captured = {}
            for k, (node, slot) in enumerate(targets):
                captured.setdefault(node, []).append((slot, k))
            results = [None] * len(targets)

    # 1. reachable nodes, and the edge counts of AccumulateGrad nodes
    seen: dict = {}
    acc_deps: dict = {}
    stack = []
    for node, _ in roots:
        if node.__class__ is AccumulateGrad:
            acc_deps.setdefault(node, 0)
        elif node not in seen:
            seen[node] = None
            stack.append(node)
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is None or nxt in seen:
                continue
            if needed is not None and not needed.get(nxt):
                continue
            if nxt.__class__ is AccumulateGrad:
                acc_deps[nxt] = acc_deps.get(nxt, 0) + 1
            else:
                seen[nxt] = None
                stack.append(nxt)

    buffers: dict = {}
    for (node, slot), g in zip(roots, root_grads):
        _add_to_buffer(buffers, node, slot, g)
    order = sorted(seen, key=_by_sequence, reverse=True) if len(seen) > 1 else list(seen)
    seen = None

    prev_mode = _state.grad_enabled
    _state.grad_enabled = create_graph
    try:
        for node in [n for n, count in acc_deps.items() if count == 0]:
            # a leaf that is itself a root, reached from nowhere else
            del acc_deps[node]
            _accumulate_node(node, buffers, captured, results, create_graph)
        # 2. newest first
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None:
                grads = [None] * node._n_out
            hooks = node._hooks
            if hooks is not None:
                grads = _run_pre_hooks(hooks, grads)
            if captured is not None and node in captured:
                for slot, k in captured[node]:
                    results[k] = grads[slot]
            for g in grads:
                if g is not None:
                    outs = run_checked(node, grads, create_graph) if anomaly[0] else \
                        node._apply(grads, create_graph)
                    break
            else:  # nothing flows in: nothing flows out
                outs = [None] * len(node.next_functions)
            if hooks is not None and hooks.post:
                outs = _run_post_hooks(hooks, outs, grads)
            grads = None
            if not keep_graph and node._saved:
                node._saved = None
            nf = node.next_functions
            for k in range(len(nf)):
                nxt, slot = nf[k]
                if nxt is None or (needed is not None and not needed.get(nxt)):
                    continue
                g = outs[k]
                outs[k] = None  # the buffer now holds the only reference (see accumulate)
                if g is not None:
                    _add_to_buffer(buffers, nxt, slot, g)
                    g = None
                if nxt.__class__ is AccumulateGrad:
                    d = acc_deps[nxt]
                    if d == 1:
                        del acc_deps[nxt]
                        _accumulate_node(nxt, buffers, captured, results, create_graph)
                    else:
                        acc_deps[nxt] = d - 1
            outs = None
    finally:
        _state.grad_enabled = prev_mode
    return results


def _plain(root: Node, root_slot: int, seed: Any, keep_graph: bool, create_graph: bool) -> None:
    """``execute`` for one root and no targets: the backward() of a loss. The same passes
    with nothing to capture or prune, kept lean because it runs for every backward: a node
    without hooks runs its generated ``_run``, which does ``_step``'s work unrolled."""
    if not (create_graph or EXACT[0] or anomaly[0] or root.__class__ is AccumulateGrad):
        return _ordered(root, root_slot, seed, keep_graph)
    seen: dict = {}
    acc_deps: dict = {}
    if root.__class__ is AccumulateGrad:
        acc_deps[root] = 0
    else:
        seen[root] = None
    stack = [root]
    push = stack.append
    while stack:
        for nxt, _ in stack.pop().next_functions:
            if nxt is None or nxt in seen:
                continue
            if nxt.__class__ is AccumulateGrad:
                acc_deps[nxt] = acc_deps.get(nxt, 0) + 1
            else:
                seen[nxt] = None
                push(nxt)
    buffers: dict = {}
    _add_to_buffer(buffers, root, root_slot, seed)
    order = sorted(seen, key=_by_sequence, reverse=True) if len(seen) > 1 else list(seen)
    seen = None
    pop = buffers.pop
    fast = not create_graph and not anomaly[0]
    prev_mode = _state.grad_enabled
    _state.grad_enabled = create_graph
    try:
        if root.__class__ is AccumulateGrad:
            _accumulate_node(root, buffers, None, None, create_graph)
        for node in order:
            grads = pop(node, None)
            if fast and grads is not None and node._hooks is None:
                node._run(grads, buffers, acc_deps, keep_graph)
            else:
                _step(node, grads, buffers, acc_deps, keep_graph, create_graph)
            grads = None
    finally:
        _state.grad_enabled = prev_mode


def _ordered(root: Node, root_slot: int, seed: Any, keep_graph: bool) -> None:
    """``_plain`` while no user code can run inside a backward (see ``graph.EXACT``), in one
    pass: a queue ordered by creation, newest first, fed as gradients reach nodes. A node's
    consumers are all newer than it, so when it is the newest queued node every gradient it
    will get is in: the order of ``_plain``'s sort, without the walk that counts edges. An
    AccumulateGrad sorts below every op node, so it runs once all that feed it have."""
    queue = [(-root._seq, root)]
    buffers: dict = {}
    _add_to_buffer(buffers, root, root_slot, seed)
    pop = buffers.pop
    prev_mode = _state.grad_enabled
    _state.grad_enabled = False
    try:
        while queue:
            node = heappop(queue)[1]
            grads = pop(node)
            if node.__class__ is AccumulateGrad:
                # drop the list first: accumulate() decides by refcount whether it may keep
                # the array as the leaf's .grad
                g = grads[0]
                grads = None
                accumulate(node.variable, g, False)
            elif grads[0] is not None:
                node._run_fast(grads, buffers, queue, keep_graph)
            else:  # a node with several outputs, or one that got no gradient at all
                _run_node_fast(node, grads if any(g is not None for g in grads) else None,
                               buffers, queue, keep_graph)
    finally:
        _state.grad_enabled = prev_mode


def _step(node: Node, grads: list | None, buffers: dict, acc_deps: dict, keep_graph: bool,
          create_graph: bool) -> None:
    """One node of ``_plain``: hooks, the node's backward, then each gradient to the buffer of
    the node it flows to (AccumulateGrad runs once its last edge is in)."""
    hooks = node._hooks
    if hooks is not None:
        grads = _run_pre_hooks(hooks, grads or [None] * node._n_out)
    if grads is None or (grads[0] is None and all(g is None for g in grads)):
        outs = [None] * len(node.next_functions)
    elif anomaly[0]:
        outs = run_checked(node, grads, create_graph)
    else:
        outs = node._apply(grads, create_graph)
    if hooks is not None and hooks.post:
        outs = _run_post_hooks(hooks, outs, grads)
    grads = None
    if not keep_graph and node._saved:
        node._saved = None
    nf = node.next_functions
    for k in range(len(nf)):
        nxt, slot = nf[k]
        if nxt is None:
            continue
        g = outs[k]
        outs[k] = None  # the buffer now holds the only reference (see accumulate)
        if g is not None:
            _add_to_buffer(buffers, nxt, slot, g)
            g = None
        if nxt.__class__ is AccumulateGrad:
            arrive(nxt, buffers, acc_deps, create_graph)


def _run_node(node: Node, grads: list, buffers: dict, acc_deps: dict, keep: bool) -> None:
    _step(node, grads, buffers, acc_deps, keep, False)


def _run_node_fast(node: Node, grads: list | None, buffers: dict, queue: list,
                   keep: bool) -> None:
    """``_ordered``'s step for a node without generated code, or one that got no gradient."""
    outs = [None] * len(node.next_functions) if grads is None else node._apply(grads, False)
    grads = None
    if not keep and node._saved:
        node._saved = None
    for k, (nxt, slot) in enumerate(node.next_functions):
        g = outs[k]
        outs[k] = None
        if nxt is None:
            continue
        if nxt not in buffers:
            buffers[nxt] = [None] * nxt._n_out
            heappush(queue, (-nxt._seq, nxt))
        if g is not None:
            _add_to_buffer(buffers, nxt, slot, g)
            g = None


# nodes without generated code (custom Functions, variadic ops)
Node._run = _run_node
Node._run_fast = _run_node_fast


def arrive(acc: AccumulateGrad, buffers: dict, acc_deps: dict, create_graph: bool = False) -> None:
    """An edge into ``acc`` is done; after its last, the leaf's gradient is accumulated."""
    d = acc_deps[acc]
    if d != 1:
        acc_deps[acc] = d - 1
    elif acc._hooks is None:
        grads = buffers.pop(acc, None)
        if grads is not None:
            accumulate(acc.variable, grads[0], create_graph)
    else:
        _accumulate_node(acc, buffers, None, None, create_graph)


def _accumulate_node(node: AccumulateGrad, buffers: dict, captured: dict | None,
                     results: list | None, create_graph: bool) -> None:
    grads = buffers.pop(node, None)
    if grads is None:
        return
    hooks = node._hooks
    if hooks is not None:
        grads = _run_pre_hooks(hooks, grads)
    if captured is not None:  # autograd.grad: capture, never touch .grad
        for slot, k in captured.get(node, ()):
            results[k] = grads[slot]
        return
    node._apply(grads, create_graph)
    if hooks is not None and hooks.post:
        _run_post_hooks(hooks, [], grads)


def _add_to_buffer(buffers: dict, node: Node, slot: int, g: Any) -> None:
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node._n_out
        buf[slot] = g
    elif buf[slot] is None:
        buf[slot] = g
    else:
        buf[slot] = sum_into(buf[slot], g)


def sum_into(b: Any, g: Any) -> Any:
    """``b + g`` for a buffer ``b`` gathering a node's gradients: written into ``b`` when
    nothing but the buffer can see it (referenced only by the buffer's list, this frame and
    getrefcount's argument, as in accumulate) and the sum keeps its shape and dtype, which
    saves a large tensor a fresh allocation per extra consumer."""
    if (type(b) is ndarray and type(g) is ndarray and b.base is None and b.flags.writeable and
            b.shape == g.shape and b.dtype is g.dtype and _getrefcount(b) <= 3):
        b += g
        return b
    return b + g


# Gradients of at least this many elements are written in place by the formulas of the fast
# path where the engine alone holds them (see owned); smaller ones are not worth the checks.
# A list, so that tests can lower it for the generated code that reads it.
IN_PLACE_MIN = [1 << 16]


def owned(g: ndarray) -> bool:
    """Whether the gradient array ``g`` that a generated ``_run_fast`` is about to consume is
    the engine's alone, so that its last formula may write the result into it: its own memory
    (not a view, writable) and referenced only by the node's gradient list, the generated
    code's local, this argument and getrefcount's. A saved tensor, a user's tensor, a view
    of it or another node's pending gradient all add a reference."""
    return g.base is None and g.flags.writeable and _getrefcount(g) <= 4


def is_one(g: Any) -> bool:
    """Whether ``g`` is a broadcast 1 (a full sum's gradient in ``loss.backward()``): a
    product with it may be skipped."""
    return g.size != 0 and not any(g.strides) and g.flat[0] == 1


def mul_grad(g: ndarray, x: Any, own: bool) -> Any:
    """``g * x`` in a formula of the fast path: into ``g`` when ``own`` and the product keeps
    g's shape and dtype; ``x`` itself when ``g`` is a broadcast 1 of its shape and dtype (the
    result is then shared, and every later step sees the extra reference). The values are
    those of ``g * x`` either way."""
    if type(x) is ndarray:
        if x.dtype == g.dtype and x.shape == g.shape:
            if own:
                return np.multiply(g, x, out=g)
            if is_one(g):
                return x
    elif own and (type(x) is float or type(x) is int) and g.dtype.kind == "f":
        return np.multiply(g, x, out=g)
    return g * x


def neg_grad(g: ndarray, own: bool) -> Any:
    """``-g`` in a formula of the fast path, into ``g`` when ``own``."""
    return np.negative(g, out=g) if own else -g


def _needed(roots: list, targets: list) -> dict:
    """Which nodes lead to a target: a post-order walk with an explicit stack."""
    is_target = {node: True for node, _ in targets}
    needed: dict = {}
    for root, _ in roots:
        if root in needed:
            continue
        needed[root] = False
        stack = [(root, iter(root.next_functions))]
        while stack:
            node, it = stack[-1]
            descended = False
            for nxt, _ in it:
                if nxt is not None and nxt not in needed:
                    needed[nxt] = False
                    stack.append((nxt, iter(nxt.next_functions)))
                    descended = True
                    break
            if not descended:
                stack.pop()
                needed[node] = node in is_target or any(
                    needed.get(n, False) for n, _ in node.next_functions if n is not None)
    return needed


def _run_pre_hooks(hooks: Any, grads: list) -> list:

    if hooks.tensor_pre or hooks.retain or hooks.pre:
        grads = list(grads)
    for slot, fns in hooks.tensor_pre.items():
        for fn in list(fns.values()):
            g = grads[slot]
            if g is None:
                continue
            r = fn(_as_tensor(g, _make))
            if r is not None:
                grads[slot] = _like_mode(r, g)
    for slot, ref in hooks.retain.items():
        t = ref()
        g = grads[slot]
        if t is None or g is None:
            continue
        # retain_grad keeps its own copy and accumulates across backward calls, as torch does
        if isinstance(g, Tensor):
            t._grad = g if t._grad is None else t._grad + g
        else:
            t._grad = _make(g.copy()) if t._grad is None else _make(t._grad._data + g)
    for fn in list(hooks.pre.values()):
        r = fn(tuple(_as_tensor_or_none(g) for g in grads))
        if r is not None:
            grads = [_like_mode(v, g) if v is not None else None for v, g in zip(r, grads)]
    return grads


def _run_post_hooks(hooks: Any, outs: list, grads: list) -> list:
    grad_inputs = tuple(_as_tensor_or_none(g) for g in outs)
    grad_outputs = tuple(_as_tensor_or_none(g) for g in grads)
    for fn in list(hooks.post.values()):
        r = fn(grad_inputs, grad_outputs)
        if r is not None:
            grad_inputs = tuple(r)
    return [_like_mode(v, g) if v is not None else None for v, g in zip(grad_inputs, outs)]


def _as_tensor(g: Any, make: Any) -> Any:
    return g if isinstance(g, Tensor) else make(g)


def _as_tensor_or_none(g: Any) -> Any:
    return None if g is None else _as_tensor(g, _make)


def _like_mode(value: Any, reference: Any) -> Any:
    """A hook's tensor in the engine's current form: an array in a plain backward."""
    if isinstance(reference, Tensor) or not isinstance(value, Tensor):
        return value
    return value._data


def accumulate(variable: Any, g: Any, create_graph: bool) -> None:
    """AccumulateGrad: hooks, then ``variable.grad += g`` (a new tensor on the first call)."""
    if g is None:
        return
    aux = variable._aux
    if aux is not None and aux.hooks:
        for fn in list(aux.hooks.values()):
            r = fn(g if isinstance(g, Tensor) else _make(g))
            if r is not None:
                g = r if isinstance(g, Tensor) else r._data
    old = variable._grad
    if isinstance(g, Tensor):  # a recorded backward: the gradient keeps its graph
        variable._grad = _copy_in(g) if old is None else old + g
    elif old is None:
        # Keep the array itself when nothing else can see its memory: referenced only by the
        # engine's buffer, this frame and getrefcount's own argument, and fresh or a view of
        # a fresh array (_private). Anything else (a gradient passed through to two leaves,
        # the user's own gradient) is copied. As torch's layout contract asks, .grad is laid
        # out as its leaf (an optimizer step mixing orders runs several times slower): row-major,
        # or a dense leaf's own axis order (a transposed leaf gets a transposed .grad).
        v = variable._data
        order = None if type(v) is not ndarray or v.flags.c_contiguous else _dense_axes(v)
        if not isinstance(g, generic) and not (
                _getrefcount(g) <= 3 and (f := g.flags).writeable and
                (f.c_contiguous if order is None else g.transpose(order).flags.c_contiguous)
                and _private(g)):
            g = g.copy() if order is None else \
                g.transpose(order).copy().transpose(np.argsort(order))
        variable._grad = _make(g)
    elif old._requires_grad:
        variable._grad = old + _make(g)
    else:
        od = old._data
        if type(od) is ndarray and od.flags.writeable:
            od += g
        else:
            old._data = od + g
    if aux is not None and aux.post_acc_hooks:
        for fn in list(aux.post_acc_hooks.values()):
            fn(variable)


def _dense_axes(v: ndarray) -> list | None:
    """The axis order, outermost first, of a leaf whose elements fill their memory without
    gaps in some order (torch's non-overlapping and dense); None for any other leaf, whose
    .grad is row-major."""
    order = preserved_axes(v)
    return order if order is not None and v.transpose(order).flags.c_contiguous else None


def _copy_in(g: Any) -> Any:
    from .._ops import derivatives as D
    from .._ops.registry import call

    if not g._requires_grad:
        return _make(g._data.copy())
    # torch's node has an edge for the (new) .grad too, which needs none
    dst = _make(np.empty_like(g._data))
    return call(D.COPY, (dst, g), (dst._data, g._data))


def _private(g: Any) -> bool:
    """Whether g's memory is g's alone: a fresh array, or a view (a transposed matmul result)
    of an array that nothing but g holds (3: g's pointer, this local, getrefcount's argument)."""
    base = g.base
    return base is None or (type(base) is ndarray and base.base is None and
                            _getrefcount(base) <= 3)


def call_node(node: Node, grads: tuple) -> Any:
    """Calling a node directly (``y.grad_fn(g)``), as torch allows."""
    outs = node._apply([g._data if isinstance(g, Tensor) else g for g in grads], False)
    res = tuple(None if o is None else _make(o) for o in outs)
    return res[0] if len(res) == 1 else res


graph._accumulate = accumulate
