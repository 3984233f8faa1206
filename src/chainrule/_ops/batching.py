"""vmap's batching: the rule of each entry of the op table on batched tensors.

Inside ``vmap`` a batched tensor is an ordinary Tensor whose ``_data`` is a view of sample 0
of its *physical* tensor (the batch dim first), which its ``_aux.batch`` names with the vmap
level: ``(level, physical)``. Public functions parse arguments against the logical (sample)
shape and run the entry's forward on sample 0 (cheap); then ``batch_op`` (called by the
registry through the forward-AD hook while a vmap level is open) applies the entry's rule to
the physical tensors, calling table ops on them (so autograd records them and an outer vmap
level batches them in turn), and rebinds each output to sample 0 of its physical result.
"""

from __future__ import annotations

import math
from typing import Any

from .._backend import np

# the vmap levels open now, innermost last, and their randomness modes
LEVELS: list = []
RANDOMNESS: list = []
SIZES: list = []
_NEXT = [1]
# per open level: id(sample-0 array) -> (array, physical tensor), so that arrays a public
# function passes as plain arguments (a mask, a condition, an index) are found batched
VIEWS: dict = {}
# per open level: id(sample-0 view) -> the dim torch would keep the batch at when it is not 0
# (an input mapped over another dim, and pointwise ops of it alone), for printing
BDIMS: dict = {}

DYNAMIC_MSG = ("vmap: We do not support batching operators that can output dynamic shape. "
               "Attempted to vmap over aten::{}. Please file an issue at "
               "https://github.com/pytorch/pytorch/issues if you need this feature.")
CONTROL_FLOW_MSG = ("vmap: It looks like you're attempting to use a Tensor in some data-dependent "
                    "control flow. We don't support that yet, please file an issue at "
                    "https://github.com/pytorch/pytorch/issues .")
ITEM_MSG = ("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over "
            "calling .item() on a Tensor, please try to rewrite what you're doing with other "
            "operations. If error is occurring somewhere inside PyTorch internals, please file a "
            "bug report.")
BACKWARD_MSG = ("backward() called inside a functorch transform. This is not supported, please "
                "use functorch.grad or functorch.vjp instead or call backward() outside of "
                "functorch transforms.")
INPLACE_MSG = ("vmap: {0}(self, *extra_args) is not possible because there exists a Tensor "
               "`other` in extra_args that has more elements than `self`. This happened due to "
               "`other` being vmapped over but `self` not being vmapped over in a vmap. Please "
               "try to use out-of-place operators instead of {0}. If said operator is being "
               "called inside the PyTorch framework, please file a bug report instead.")
STORAGE_MSG = "Cannot access data pointer of Tensor that doesn't have storage"


def _T() -> Any:
    import chainrule

    return chainrule


def link(t: Any) -> Any:
    """(level, physical) of a tensor batched at an open level, else None. A tensor made from
    a batched tensor's data (``_make(x._data)``) is batched as ``x``."""
    aux = getattr(t, "_aux", None)
    if aux is not None:
        b = aux.batch
        if b is not None and b[0] in VIEWS:
            return b
    if not LEVELS:
        return None
    d = getattr(t, "_data", None)
    key = id(d)
    for lvl in reversed(LEVELS):
        hit = VIEWS[lvl].get(key)
        if hit is not None and hit[0] is d:
            return (lvl, hit[1])
    return None


def bdim_of(t: Any) -> int:
    """The batch dim torch would show for ``t`` (0 unless it kept an input's)."""
    b = link(t)
    return BDIMS.get(b[0], {}).get(id(t._data), 0) if b is not None else 0


def level_of(t: Any) -> int:
    b = link(t)
    return 0 if b is None else b[0]


def physical(t: Any, level: int) -> Any:
    """``t``'s physical tensor at ``level``, or None when ``t`` is not batched there."""
    b = link(t)
    if b is not None and b[0] == level:
        return b[1]
    return None


def bind(out: Any, phys: Any, level: int) -> Any:
    """Makes ``out`` the logical view (sample 0) of ``phys`` at ``level``."""
    d = phys._data
    if not isinstance(d, np.ndarray):
        d = phys._data = np.asarray(d)
    view = d[0, ...]  # a 0-d sample is a 0-d array view, not a scalar (np.True_ is shared)
    out._data = view
    out._aux_().batch = (level, phys)
    VIEWS[level][id(view)] = (view, phys)
    return out


def wrap(phys: Any, level: int) -> Any:
    """A fresh logical tensor over ``phys``."""
    return bind(_LAZY["_make"](None), phys, level)


def array_physical(a: Any, level: int) -> Any:
    """The physical tensor whose sample-0 view is the array ``a``, or None."""
    hit = VIEWS.get(level, {}).get(id(a))
    if hit is not None and hit[0] is a:
        return hit[1]
    return None


def _array_level(a: Any) -> int:
    if not isinstance(a, (np.ndarray, np.generic)):
        return 0
    key = id(a)
    for lvl in reversed(LEVELS):
        hit = VIEWS[lvl].get(key)
        if hit is not None and hit[0] is a:
            return lvl
    return 0


def _level_of_call(inputs: Any, args: tuple) -> int:
    Tensor = _LAZY["Tensor"]
    best = 0
    for t in inputs:
        if isinstance(t, Tensor):
            best = max(best, level_of(t))
    for a in args:
        if isinstance(a, np.ndarray):
            best = max(best, _array_level(a))
        elif isinstance(a, tuple):
            for v in a:
                if isinstance(v, np.ndarray):
                    best = max(best, _array_level(v))
    return best


def batch_op(entry: Any, inputs: Any, arrays: Any, args: tuple, outs: Any) -> None:
    """The hook: after an entry ran on sample 0, batch it at the innermost level its inputs
    are batched at (nothing when none is)."""
    level = _level_of_call(inputs, args)
    if not level:
        return
    rule = RULES.get(entry)
    if rule is None:
        raise RuntimeError(f"vmap: batching rule not implemented for {entry.node_name}; "
                           "it cannot run under vmap")
    c = _Call(entry, inputs, arrays, args, outs, level)
    result = rule(c)
    if rule is r_elementwise and len(c.inputs) == 1 and not args and BDIMS[level]:
        bdim = bdim_of(c.inputs[0])
        if bdim:  # torch's pointwise rules keep the batch dim where it was
            bind(outs, result, level)
            BDIMS[level][id(outs._data)] = bdim
            return
    if isinstance(outs, tuple):
        for o, p in zip(outs, result):
            bind(o, p, level)
        node = next((o._grad_fn for o in outs if o._grad_fn is not None), None)
        if node is not None and getattr(node, "_output_pos", None):
            # saved outputs (max's indices, sort's): the batched views instead of sample 0's
            saved = list(node._saved)
            for pos, k in node._output_pos:
                saved[pos] = outs[k]._data
            node._saved = tuple(saved)
    else:
        bind(outs, result, level)
        node = outs._grad_fn
        if node is not None and getattr(node, "_output_pos", None):
            # the node saved the sample-0 output array: save the batched view instead
            saved = list(node._saved)
            for pos, _ in node._output_pos:
                saved[pos] = outs._data
            node._saved = tuple(saved)


class _Call:
    """One call being batched: the entry, its logical inputs and arguments, the level."""

    __slots__ = ("entry", "inputs", "arrays", "args", "outs", "level", "B")

    def __init__(self, entry: Any, inputs: Any, arrays: Any, args: tuple, outs: Any,
                 level: int) -> None:
        self.entry = entry
        self.inputs = list(inputs)
        self.arrays = list(arrays)
        self.args = args
        self.outs = outs
        self.level = level
        self.B = None
        for t in self.inputs:
            p = physical(t, level)
            if p is not None:
                self.B = p.shape[0]
                break
        if self.B is None:
            for a in args:
                for v in (a if isinstance(a, tuple) else (a,)):
                    p = array_physical(v, level) if isinstance(v, np.ndarray) else None
                    if p is not None:
                        self.B = p.shape[0]
                        break
                if self.B is not None:
                    break

    def phys(self, t: Any) -> Any:
        return physical(t, self.level)

    def out_ndim(self) -> int:
        o = self.outs[0] if isinstance(self.outs, tuple) else self.outs
        return np.ndim(o._data)

    def expanded(self, t: Any) -> Any:
        """``t`` physical, an unbatched tensor expanded over the batch."""
        p = self.phys(t)
        if p is not None:
            return p
        return t.unsqueeze(0).expand((self.B,) + tuple(t.shape))

    def aligned(self, t: Any, rank: int) -> Any:
        """A batched ``t``'s physical tensor with singleton dims after the batch dim up to
        logical rank ``rank`` (so it broadcasts as the logical one does); an unbatched one
        as it is."""
        p = self.phys(t)
        if p is None:
            return t
        nd = p.dim() - 1
        if nd < rank:
            p = p.reshape((self.B,) + (1,) * (rank - nd) + tuple(p.shape[1:]))
        return p

    def arg_aligned(self, a: Any, rank: int) -> Any:
        p = array_physical(a, self.level) if isinstance(a, np.ndarray) else None
        if p is None:
            return a
        d = p._data
        nd = d.ndim - 1
        if nd < rank:
            d = d.reshape((self.B,) + (1,) * (rank - nd) + d.shape[1:])
        return d

    def run(self, inputs: list, args: tuple | None = None, entry: Any = None) -> Any:
        """``entry`` (this call's by default) on physical tensors, recorded."""
        Tensor, call, call_list, call_multi, mark_view = _LAZY["run"]
        entry = entry or self.entry
        args = self.args if args is None else args
        if entry.variadic:
            arrays = [t._data if isinstance(t, Tensor) else t for t in inputs]
            dt = np.result_type(*[np.asarray(a).dtype for a in self.arrays]) \
                if entry is self.entry else None
            if dt is not None:
                arrays = [a.astype(dt) if np.asarray(a).dtype != dt else a for a in arrays]
            return call_list(entry, inputs, arrays, args)
        arrays = []
        for k, t in enumerate(inputs):
            if isinstance(t, Tensor):
                a = t._data
                if entry is self.entry and k < len(self.arrays):
                    ref = self.arrays[k]
                    dt = getattr(ref, "dtype", None)
                    if dt is not None and a.dtype != dt:
                        a = a.astype(dt)
                arrays.append(a)
            else:
                arrays.append(self.arrays[k] if entry is self.entry and k < len(self.arrays)
                              else t)
        if len(entry.outputs) > 1 or entry.n_diff != 1 or isinstance(self.outs, tuple):
            return call_multi(entry, tuple(inputs), tuple(arrays), args)
        out = call(entry, tuple(inputs), tuple(arrays), args)
        if entry.view and isinstance(inputs[0], Tensor) and \
                np.may_share_memory(out._data, inputs[0]._data):
            # a physical view of a physical base: an in-place write through it rebases the base
            mark_view(out, inputs[0])
        return out


def nondiff(fn: Any, operands: tuple, arrays: tuple) -> Any:
    """``_make(fn(*arrays))`` for a pointwise function of no gradient (comparisons, logical
    ops, isnan), batched at every level its operands are batched at."""
    from .._tensor import Tensor, _make

    out = _make(fn(*arrays))
    if not LEVELS:
        return out
    level = max((level_of(t) for t in operands if isinstance(t, Tensor)), default=0)
    if not level:
        return out
    rank = np.ndim(out._data)
    pops, parrs = [], []
    for t, a in zip(operands, arrays):
        p = physical(t, level) if isinstance(t, Tensor) else None
        if p is None:
            pops.append(t)
            parrs.append(a)
            continue
        nd = p.dim() - 1
        if nd < rank:
            p = p.reshape((p.shape[0],) + (1,) * (rank - nd) + tuple(p.shape[1:]))
        d = p._data
        dt = getattr(a, "dtype", None)
        pops.append(p)
        parrs.append(d.astype(dt) if dt is not None and d.dtype != dt else d)
    return bind(out, nondiff(fn, tuple(pops), tuple(parrs)), level)


def _chain(t: Any) -> tuple:
    """The fully physical tensor under ``t`` (every batch dim first, outermost level first)
    and the levels ``t`` is batched at, innermost first."""
    chain = []
    if isinstance(t, (np.ndarray, np.generic)):  # an argument array: the tensor it views
        lvl = _array_level(t)
        if not lvl:
            from .._tensor import _make

            return _make(t), chain
        chain.append(lvl)
        t = array_physical(t, lvl)
    while True:
        b = link(t)
        if b is None:
            return t, chain
        chain.append(b[0])
        t = b[1]


def _rewrap(array: Any, chain: list) -> Any:
    from .._tensor import _make

    out = _make(array)
    for lvl in reversed(chain):
        out = wrap(out, lvl)
    return out


def lift(fn: Any, t: Any) -> Any:
    """``_make(fn(array, lead))`` for a function of no gradient that is not pointwise
    (argmax, argsort, all/any, one_hot): ``fn`` computes on ``t``'s array whose first ``lead``
    dims are batch dims, and the result is batched as ``t``."""
    if LEVELS:
        base, chain = _chain(t)
        return _rewrap(fn(np.asarray(base._data), len(chain)), chain)
    return _rewrap(fn(np.asarray(getattr(t, "_data", t)), 0), [])


def like(out: Any, input: Any) -> Any:
    """``out`` (made in ``input``'s logical shape: ``zeros_like``, ``full_like``) batched as
    ``input`` is, every sample equal."""
    if not LEVELS or out._requires_grad:
        return out
    base, chain = _chain(input)
    if not chain:
        return out
    lead = np.shape(base._data)[:len(chain)]
    full = np.broadcast_to(out._data, lead + np.shape(out._data)).copy()
    return _rewrap(full, chain)


def check_random() -> None:
    """torch's error for a random op under vmap(randomness='error')."""
    if "error" in RANDOMNESS:
        raise RuntimeError("vmap: called random operation while in randomness error mode. "
                           "Please either use the 'same' or 'different' randomness flags on "
                           "vmap or perform the randomness operation out of vmap")


def _different() -> list:
    """(level, batch size) of the open levels drawing per sample, outermost first."""
    check_random()
    return [(lvl, size) for lvl, mode, size in zip(LEVELS, RANDOMNESS, SIZES)
            if mode == "different"]


def random_tensor(draw: Any, shape: tuple) -> Any:
    """A random tensor of logical ``shape``: ``draw(shape)`` once under randomness='same'
    (every sample equal), one draw of every sample at once (batch dims first) for each level
    under 'different', as torch draws them."""
    from .._tensor import _make

    diff = _different()
    if not diff:
        return _make(draw(tuple(shape)))
    arr = draw(tuple(size for _, size in diff) + tuple(shape))
    return _rewrap(arr, [lvl for lvl, _ in reversed(diff)])


def random_fill(t: Any, draw: Any) -> Any:
    """An in-place random fill of ``t``: the same values in every sample of a 'same' level,
    each sample its own at a 'different' one (where ``t`` must be batched)."""
    diff = _different()
    base, chain = _chain(t)
    if any(lvl not in chain for lvl, _ in diff):
        raise RuntimeError("vmap: Cannot ask for different inplace randomness on an unbatched "
                           "tensor. This will appear like same randomness. If this is necessary "
                           "for your usage, please file an issue with functorch.")
    d = base._data
    order = list(reversed(chain))  # the batch dims of d, outermost first
    levels = {lvl for lvl, _ in diff}
    lead = d.shape[:len(order)]
    logical = d.shape[len(order):]
    drawn = draw(tuple(n for lvl, n in zip(order, lead) if lvl in levels) + logical, d.dtype)
    d[...] = np.reshape(drawn, tuple(n if lvl in levels else 1 for lvl, n in zip(order, lead))
                        + logical)
    for x in {id(x): x for x in (t, base)}.values():
        x._aux_().version[0] += 1
    return t


def check_dynamic(name: str, *tensors: Any) -> None:
    if LEVELS and any(link(t) is not None for t in tensors):
        raise RuntimeError(DYNAMIC_MSG.format(name))


# ---- dims ------------------------------------------------------------------------------------

def _shift(d: Any) -> Any:
    """A logical dim (or tuple of dims) as a physical one: non-negative dims move by one."""
    if d is None:
        return None
    if isinstance(d, (tuple, list)):
        return type(d)(_shift(v) for v in d)
    return d + 1 if d >= 0 else d


def _all_dims(c: _Call, nd: int | None = None) -> tuple:
    x = c.inputs[0]
    n = np.ndim(x._data) if nd is None else nd
    return tuple(range(1, n + 1))


# ---- rules -----------------------------------------------------------------------------------

def r_elementwise(c: _Call) -> Any:
    """Pointwise ops (any inputs, broadcasting): batched inputs get singleton dims after the
    batch dim up to the output's logical rank; unbatched ones broadcast as they are."""
    rank = c.out_ndim()
    inputs = [c.aligned(t, rank) for t in c.inputs]
    args = tuple(c.arg_aligned(a, rank) for a in c.args)
    # an argument array (mask, condition) batched while no tensor input is: expand one
    if all(c.phys(t) is None for t in c.inputs):
        k = next((k for k, t in enumerate(c.inputs) if hasattr(t, "unsqueeze")), None)
        if k is not None:
            t = c.inputs[k]
            inputs[k] = t.unsqueeze(0).expand((c.B,) + tuple(t.shape)).contiguous().reshape(
                (c.B,) + (1,) * (rank - t.dim()) + tuple(t.shape))
    return c.run(inputs, args)


def _dims_rule(names: tuple, none_all: bool = False, expand: bool = True) -> Any:
    """Ops whose ``names`` arguments are dims: shift them; every tensor input batched."""
    def rule(c: _Call) -> Any:
        entry = c.entry
        args = list(c.args)
        for n in names:
            k = entry.args.index(n)
            v = args[k]
            if v is None and none_all:
                args[k] = _all_dims(c)
            else:
                args[k] = _shift(v)
        if entry.variadic:
            inputs = [c.expanded(t) for t in c.inputs]
            return c.run(inputs, tuple(args))
        inputs = [c.expanded(t) if expand else c.phys(t) for t in c.inputs]
        if all(np.ndim(t._data) == 0 for t in c.inputs if hasattr(t, "_data")):
            # 0-d samples: the dim is a unit dim of its own
            inputs = [t.unsqueeze(-1) if hasattr(t, "_data") else t for t in inputs]
            out = c.run(inputs, tuple(args))
            outs = c.outs if isinstance(c.outs, tuple) else (c.outs,)
            res = [o.reshape((c.B,) + np.shape(lo._data))
                   for o, lo in zip(out if isinstance(out, tuple) else (out,), outs)]
            return tuple(res) if isinstance(c.outs, tuple) else res[0]
        return c.run(inputs, tuple(args))
    return rule


def _full_reduce(dim_entry: Any, flatten: bool = False, kw: tuple = (False,)) -> Any:
    """A full reduction as its dim overload over every logical dim (flattened first where the
    op's semantics need one dim: median, max with ties)."""
    def rule(c: _Call) -> Any:
        p = c.phys(c.inputs[0])
        if flatten:
            p = p.reshape(c.B, -1)
            dims = 1 if dim_entry.node_name in ("MedianBackward1", "NanmedianBackward1") else (1,)
        else:
            dims = _all_dims(c)
        out = c.run([p], (dims,) + kw, dim_entry)
        return out[0] if isinstance(out, tuple) else out
    return rule


def r_shape(c: _Call) -> Any:
    """view/reshape: the batch size prepended."""
    p = c.phys(c.inputs[0])
    shape = c.args[0]
    return c.run([p], ((c.B,) + tuple(shape),) + c.args[1:])


def r_expand(c: _Call) -> Any:
    size = tuple(c.args[0])
    p = c.aligned(c.inputs[0], len(size))
    return c.run([p], ((c.B,) + size,))


def r_repeat(c: _Call) -> Any:
    reps = tuple(c.args[0])
    p = c.aligned(c.inputs[0], len(reps))
    return c.run([p], ((1,) + reps,))


def r_squeeze(c: _Call) -> Any:
    from . import derivatives as D

    x = c.inputs[0]
    dims = tuple(i + 1 for i, s in enumerate(np.shape(x._data)) if s == 1)
    return c.run([c.phys(x)], (dims,), D.SQUEEZE_DIMS)


def r_permute(c: _Call) -> Any:
    dims = tuple(d % max(len(c.args[0]), 1) for d in c.args[0])
    return c.run([c.phys(c.inputs[0])], ((0,) + tuple(d + 1 for d in dims),))


def r_t(c: _Call) -> Any:
    from . import derivatives as D

    p = c.phys(c.inputs[0])
    if p.dim() < 3:
        return p
    return c.run([p], (1, 2), D.TRANSPOSE)


def r_same(c: _Call) -> Any:
    """Ops on the last dims that NumPy applies over leading dims (tril, pad, inv)."""
    return c.run([c.expanded(t) if hasattr(t, "_data") else t for t in c.inputs])


def r_roll(c: _Call) -> Any:
    shifts, dims = c.args
    p = c.phys(c.inputs[0])
    if dims is None or dims == ():
        shape = tuple(c.inputs[0].shape)
        if not shape:  # torch rolls the batch of 0-d samples as one flat vector
            return c.run([p], (shifts, (0,)))
        out = c.run([p.reshape(c.B, -1)], (shifts, (1,)))
        return out.reshape((c.B,) + shape)
    return c.run([p], (shifts, _shift(dims)))


def r_diag(c: _Call) -> Any:
    entry = c.entry
    args = list(c.args)
    nd = np.ndim(c.inputs[0]._data) if entry.node_name != "DiagEmbedBackward0" else \
        c.out_ndim()
    for n in ("dim1", "dim2"):
        k = entry.args.index(n)
        args[k] = args[k] % nd + 1
    if "shape" in entry.args:
        k = entry.args.index("shape")
        args[k] = (c.B,) + tuple(args[k])
    return c.run([c.phys(c.inputs[0])], tuple(args))


def r_backward_shape(c: _Call) -> Any:
    """select/slice/index_add backward: a shape argument and a dim."""
    entry = c.entry
    args = list(c.args)
    k = entry.args.index("shape")
    args[k] = (c.B,) + tuple(args[k])
    if "dim" in entry.args:
        k = entry.args.index("dim")
        args[k] = _shift(args[k] % len(c.args[entry.args.index("shape")]))
    return c.run([c.phys(c.inputs[0])], tuple(args))


def r_index_dim(c: _Call) -> Any:
    """gather / scatter / index_select: the dim shifts; an index of the input's rank
    (gather, scatter) is batched too (expanded when it is not)."""
    entry = c.entry
    args = list(c.args)
    kd = entry.args.index("dim")
    ki = entry.args.index("index")
    nd = np.ndim(c.inputs[0]._data)
    args[kd] = args[kd] % max(nd, 1) + 1 if nd else 1
    idx = args[ki]
    pi = array_physical(idx, c.level) if isinstance(idx, np.ndarray) else None
    if nd == 0 and entry.node_name in ("IndexAddBackward0", "IndexCopyBackward0"):
        # a 0-d sample, its one index 0: the source added to it, or in its place
        x, src = (c.expanded(t) for t in c.inputs)
        if entry.node_name == "IndexCopyBackward0":
            return x * 0 + src.reshape(tuple(x.shape))
        alpha = args[entry.args.index("alpha")]
        return x + (src if alpha == 1 else src * alpha).reshape(tuple(x.shape))
    if nd == 0 and entry.node_name in ("IndexSelectBackward0", "GatherBackward0"):
        # a 0-d sample: every index is 0, each output element is the sample
        shape = np.shape(c.outs._data)
        p = c.phys(c.inputs[0])
        return p.reshape((c.B,) + (1,) * len(shape)).expand((c.B,) + shape).clone()
    if entry.node_name in ("IndexSelectBackward0",):
        if pi is not None:
            # a batched index: sample b takes its own rows, by an advanced index
            from .._tensor import _make

            d = args[kd]
            p = c.expanded(c.inputs[0]).movedim(d, 1)
            rows = _make(np.arange(c.B).reshape(c.B, 1))
            return p[rows, _make(pi._data.reshape(c.B, -1))].movedim(1, d)
    elif entry.node_name == "IndexAddBackward0":
        if pi is not None:
            # a batched index: each sample's source rows added into its own self, a
            # scatter_add along the (shifted) dim with the index spread over the source
            from .._tensor import _make

            d, alpha = args[kd], args[entry.args.index("alpha")]
            src = c.expanded(c.inputs[1])
            if alpha != 1:
                src = src * alpha
            spread = pi._data.reshape((c.B,) + (1,) * (d - 1) + (-1,) +
                                      (1,) * (src.dim() - d - 1))
            index = _make(np.ascontiguousarray(np.broadcast_to(spread, tuple(src.shape))))
            return c.expanded(c.inputs[0]).scatter_add(d, index, src)
    elif entry.node_name in ("IndexCopyBackward0", "IndexFillBackward0", "IndexFillBackward1"):
        if nd == 0:
            raise RuntimeError(f"vmap: {entry.node_name} on 0-d inputs is not supported")
        tensor_value = entry.node_name == "IndexFillBackward1"
        if pi is None and not (tensor_value and c.phys(c.inputs[1]) is not None):
            # one 1-D index for every sample; a 0-d value tensor fills as a number would
            inputs = [c.expanded(c.inputs[0])] + [t if tensor_value else c.expanded(t)
                                                  for t in c.inputs[1:]]
            return c.run(inputs, tuple(args))
        return _index_write_batched(c, args[kd], pi, idx)
    else:
        args[ki] = pi._data if pi is not None else np.broadcast_to(idx, (c.B,) + np.shape(idx))
    if nd == 0:
        raise RuntimeError(f"vmap: {entry.node_name} on 0-d inputs is not supported")
    inputs = [c.expanded(t) for t in c.inputs]
    return c.run(inputs, tuple(args))


def _index_write_batched(c: _Call, d: int, pi: Any, idx: Any) -> Any:
    """index_copy / index_fill with a batched index (or a batched value tensor): a scatter
    along the (shifted) dim, each sample's index spread over the slices it writes, or a
    where over the positions each sample fills."""
    from .._tensor import _make

    x = c.expanded(c.inputs[0])
    index = pi._data if pi is not None else np.broadcast_to(idx, (c.B,) + np.shape(idx))
    index = np.mod(index.reshape(c.B, -1), x.shape[d])  # negative entries count from the end
    written = list(x.shape)
    written[d] = index.shape[1]
    spread = index.reshape((c.B,) + (1,) * (d - 1) + (-1,) + (1,) * (x.dim() - d - 1))
    index_t = _make(np.ascontiguousarray(np.broadcast_to(spread, tuple(written))))
    if c.entry.node_name == "IndexCopyBackward0":  # the value written last stays
        return x.scatter(d, index_t, c.expanded(c.inputs[1]).reshape(tuple(written)))
    # a fill: where a mask of the filled positions holds (a repeated index fills once)
    filled = np.zeros((c.B, x.shape[d]), bool)
    filled[np.arange(c.B)[:, None], index] = True
    mask = _make(filled.reshape((c.B,) + (1,) * (d - 1) + (-1,) + (1,) * (x.dim() - d - 1)))
    if c.entry.node_name == "IndexFillBackward0":
        value = c.args[c.entry.args.index("value")]
    else:
        value = c.expanded(c.inputs[1]).reshape((c.B,) + (1,) * (x.dim() - 1))
    out = _T().where(mask, value, x)
    return out if out.dtype == x.dtype else out.to(x.dtype)


def r_index(c: _Call) -> Any:
    """``x[indices]``: a slice for the batch dim in front; advanced indices that NumPy moves
    to the front (separated by a slice) put the batch dim after their dims."""
    entry = c.entry
    p = c.phys(c.inputs[0])
    k = entry.args.index("indices")
    idx = c.args[k]
    idx = idx if isinstance(idx, tuple) else (idx,)
    if any(isinstance(v, np.ndarray) and array_physical(v, c.level) is not None for v in idx):
        return _index_batched(c, idx)
    args = list(c.args)
    args[k] = (slice(None),) + idx
    if "shape" in entry.args:
        ks = entry.args.index("shape")
        args[ks] = (c.B,) + tuple(args[ks])
        p = c.expanded(c.inputs[0])
    out = c.run([p], tuple(args))
    adv = [i for i, v in enumerate(idx) if isinstance(v, (np.ndarray, list))
           or (not isinstance(v, (slice, type(None), type(Ellipsis))) and np.ndim(v) > 0)]
    if adv and adv != list(range(adv[0], adv[-1] + 1)) and "shape" not in entry.args:
        n = np.broadcast(*[np.asarray(idx[i]) for i in adv]).ndim
        out = out.movedim(n, 0)
    return out


def _is_advanced(v: Any) -> bool:
    """An item NumPy indexes with by broadcasting (arrays, and integers beside them)."""
    return isinstance(v, (np.ndarray, list, int, np.integer)) and not isinstance(v, bool)


def _index_batched(c: _Call, idx: tuple) -> Any:
    """``x[indices]`` with batched index arrays: the batch dim indexed by an arange beside
    them (all advanced, so each sample reads with its own index). NumPy puts the broadcast
    dims first; where the logical advanced indices sit together after other dims, they move
    back there (and a gradient moves the other way)."""
    entry = c.entry
    k = entry.args.index("indices")
    adv = [i for i, v in enumerate(idx) if _is_advanced(v)]
    for i in adv:
        if np.asarray(idx[i]).dtype == np.bool_:
            raise RuntimeError(DYNAMIC_MSG.format("index"))
    parts = []
    for i in adv:
        p = array_physical(idx[i], c.level) if isinstance(idx[i], np.ndarray) else None
        parts.append(p._data if p is not None else np.asarray(idx[i]))
    m = max(np.ndim(a) - (1 if isinstance(idx[i], np.ndarray) and
                          array_physical(idx[i], c.level) is not None else 0)
            for i, a in zip(adv, parts))
    pidx = list(idx)
    for i, a in zip(adv, parts):
        if isinstance(idx[i], np.ndarray) and array_physical(idx[i], c.level) is not None:
            # a batched index: its batch dim first, then singletons up to the broadcast rank
            pidx[i] = a.reshape((c.B,) + (1,) * (m - a.ndim + 1) + a.shape[1:])
    rows = np.arange(c.B).reshape((c.B,) + (1,) * m)
    pidx = (rows,) + tuple(pidx)
    together = adv == list(range(adv[0], adv[-1] + 1))
    # result dims before the advanced block (slices, None, Ellipsis before it)
    nd = len(c.inputs[0].shape) if "shape" not in entry.args else \
        len(c.args[entry.args.index("shape")])
    before = 0
    if together:
        used = sum(1 for v in idx if v is not None and v is not Ellipsis)
        for v in idx[:adv[0]]:
            before += (nd - used) if v is Ellipsis else 1
    args = list(c.args)
    args[k] = pidx
    if "shape" not in entry.args:
        out = c.run([c.expanded(c.inputs[0])], tuple(args))
        return out.movedim(tuple(range(1, m + 1)), tuple(range(1 + before, 1 + before + m))) \
            if before else out
    ks = entry.args.index("shape")
    args[ks] = (c.B,) + tuple(args[ks])
    g = c.expanded(c.inputs[0])
    if before:
        g = g.movedim(tuple(range(1 + before, 1 + before + m)), tuple(range(1, m + 1)))
    return c.run([g], tuple(args))


def r_matmul(c: _Call) -> Any:
    """matmul and its overloads: the transposes applied, 1-D operands made matrices, batched
    operands given singleton batch dims up to the logical result's, then matmul."""
    T = _T()
    a, b = c.inputs[0], c.inputs[1]
    ta, tb = (c.args + (False, False))[:2] if "ta" in c.entry.args else (False, False)
    pa, pb = c.phys(a), c.phys(b)
    na, nb = np.ndim(a._data), np.ndim(b._data)

    def prep(t: Any, p: Any, n: int, trans: bool) -> Any:
        if p is None:
            return t.mT if trans and n >= 2 else t
        return p.transpose(-1, -2) if trans and n >= 2 else p

    A, Bm = prep(a, pa, na, ta), prep(b, pb, nb, tb)
    squeeze = []
    if pa is not None and na == 1:
        A = A.unsqueeze(-2)
        squeeze.append(-2)
    if pb is not None and nb == 1:
        Bm = Bm.unsqueeze(-1)
        squeeze.append(-1)
    ma = max(na, 2) if pa is not None and na == 1 else na
    mb = max(nb, 2) if pb is not None and nb == 1 else nb
    lead = max(ma, mb, 2) - 2
    if pa is not None and ma - 2 < lead:
        A = A.reshape((c.B,) + (1,) * (lead - (ma - 2)) + tuple(A.shape[1:]))
    if pb is not None and mb - 2 < lead:
        Bm = Bm.reshape((c.B,) + (1,) * (lead - (mb - 2)) + tuple(Bm.shape[1:]))
    if pb is not None and pa is None and na == 1:
        # a vector on the left of a batched matrix: a row
        A = A.unsqueeze(0)
        squeeze.insert(0, -2)
    out = T.matmul(A, Bm)
    for d in sorted(set(squeeze)):
        out = out.squeeze(d)
    return out


def r_masked_fill_tensor(c: _Call) -> Any:
    """A batched 0-d value: ``where(mask, value, input)`` with the value cast to the input's
    dtype and given singleton dims up to the output's rank."""
    from .._tensor import _make

    x, v = c.inputs
    pv = c.phys(v)
    if pv is None:
        return r_elementwise(c)
    rank = c.out_ndim()
    mask = _make(np.asarray(c.arg_aligned(c.args[0], rank)))
    value = pv.to(x.dtype).reshape((c.B,) + (1,) * rank)
    return _T().where(mask, value, c.aligned(x, rank))


def _flat_positions(index: Any, n: int) -> Any:
    """Flat positions into ``n`` elements (negative ones count from the end)."""
    index = np.asarray(index)
    return np.where(index < 0, index + n, index).astype(np.int64)


def _phys_or_array(c: _Call, a: Any) -> tuple:
    """(physical array, True) for an argument array batched at this level, else (a, False)."""
    p = array_physical(a, c.level) if isinstance(a, np.ndarray) else None
    return (p._data, True) if p is not None else (a, False)


def r_take(c: _Call) -> Any:
    """take: the flat physical samples gathered at the flat positions (per sample when the
    index is batched)."""
    from .._tensor import _make

    x = c.inputs[0]
    n = max(math.prod(np.shape(x._data)), 1)
    flat = c.expanded(x).reshape(c.B, -1)
    idx, batched = _phys_or_array(c, c.args[0])
    shape = np.shape(idx)[1:] if batched else np.shape(idx)
    pos = _flat_positions(idx, n).reshape(c.B, -1) if batched else \
        np.broadcast_to(_flat_positions(idx, n).reshape(1, -1), (c.B, max(np.size(idx), 0)))
    return flat.gather(1, _make(np.ascontiguousarray(pos))).reshape((c.B,) + tuple(shape))


def r_put_backward(c: _Call) -> Any:
    """take's backward (zeros of ``shape``, the gradient added at the flat positions)."""
    from .._tensor import _make

    g = c.inputs[0]
    shape = tuple(c.args[0])
    n = max(math.prod(shape), 1)
    idx, batched = _phys_or_array(c, c.args[1])
    pos = _flat_positions(idx, n).reshape(c.B, -1) if batched else \
        np.broadcast_to(_flat_positions(idx, n).reshape(1, -1), (c.B, np.size(idx)))
    src = c.expanded(g).reshape(c.B, -1)
    zeros = _T().zeros((c.B, math.prod(shape)), dtype=src.dtype)
    return zeros.scatter_add(1, _make(np.ascontiguousarray(pos)), src).reshape(
        (c.B,) + shape)


def r_masked_select(c: _Call) -> Any:
    """masked_select with an unbatched mask: the same positions of every sample."""
    from .._tensor import _make

    mask = c.args[0]
    if _phys_or_array(c, mask)[1]:
        raise RuntimeError("vmap: Attempted to vmap over `mask` in torch.masked_select(self, "
                           "mask) We cannot support this because for each batch this would "
                           "return a differently shaped Tensor. Please file an issue at "
                           "https://github.com/pytorch/pytorch/issues if you need this feature.")
    x = c.inputs[0]
    shape = np.broadcast_shapes(np.shape(x._data), np.shape(mask))
    p = c.aligned(x, len(shape)).expand((c.B,) + shape).reshape(c.B, -1)
    pos = np.flatnonzero(np.broadcast_to(mask, shape))
    return p.index_select(1, _make(pos.astype(np.int64)))


def r_masked_scatter(c: _Call) -> Any:
    """masked_scatter: each sample's self (broadcast with its mask) takes, where the mask
    holds, the elements of its own source in order: the k-th position that holds reads the
    k-th element (a gather by the running count of the mask), selected by a where."""
    from .._tensor import _make

    x, source = c.inputs
    mask, batched = _phys_or_array(c, c.args[0])
    shape = np.broadcast_shapes(np.shape(x._data), np.shape(c.args[0]))
    full = (np.broadcast_to(mask, (c.B,) + shape) if batched else
            np.broadcast_to(mask, shape)[None].repeat(c.B, 0)).reshape(c.B, -1)
    rank = np.maximum(np.cumsum(full, axis=1) - 1, 0).astype(np.int64)
    base = c.aligned(x, len(shape)).expand((c.B,) + shape).reshape(c.B, -1)
    taken = c.expanded(source).reshape(c.B, -1).gather(1, _make(rank))
    out = _T().where(_make(np.ascontiguousarray(full)), taken, base)
    return out.reshape((c.B,) + shape)


def r_dot(c: _Call) -> Any:
    a, b = c.inputs
    pa = c.phys(a) if c.phys(a) is not None else a
    pb = c.phys(b) if c.phys(b) is not None else b
    if c.entry.node_name == "VdotBackward0" and pa.dtype.is_complex:
        pa = pa.conj()
    return (pa * pb).sum(-1)


def r_outer(c: _Call) -> Any:
    a, b = c.inputs
    pa = c.aligned(a, 1)
    pb = c.aligned(b, 1)
    return pa.unsqueeze(-1) * pb.unsqueeze(-2)


def r_trace(c: _Call) -> Any:
    p = c.phys(c.inputs[0])
    return p.diagonal(0, -2, -1).sum(-1)


def _ph(c: _Call, t: Any) -> Any:
    p = c.phys(t)
    return t if p is None else p


def _add_scaled(c: _Call, prod: Any, rank: int) -> Any:
    """``beta * self + alpha * prod`` of the add-product ops, self aligned to ``rank``."""
    beta, alpha = c.args
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        if all(c.phys(t) is None for t in c.inputs[1:]):  # only self batched: every sample
            prod = prod.unsqueeze(0).expand((c.B,) + tuple(prod.shape)).contiguous()
        return prod
    s = c.aligned(c.inputs[0], rank)
    return prod + (s if beta == 1 else s * beta)


def r_addmm(c: _Call) -> Any:
    return _add_scaled(c, _T().matmul(_ph(c, c.inputs[1]), _ph(c, c.inputs[2])), 2)


def r_addmv(c: _Call) -> Any:
    # the vector as a column, so that either operand may carry the batch
    _, m, v = c.inputs
    return _add_scaled(c, _T().matmul(_ph(c, m), _ph(c, v).unsqueeze(-1)).squeeze(-1), 1)


def r_addr(c: _Call) -> Any:
    _, v1, v2 = c.inputs
    return _add_scaled(c, _ph(c, v1).unsqueeze(-1) * _ph(c, v2).unsqueeze(-2), 2)


def r_baddbmm(c: _Call) -> Any:
    return _add_scaled(c, _T().matmul(_ph(c, c.inputs[1]), _ph(c, c.inputs[2])), 3)


def r_addbmm(c: _Call) -> Any:
    return _add_scaled(c, _T().matmul(_ph(c, c.inputs[1]), _ph(c, c.inputs[2])).sum(-3), 2)


def r_cdist(c: _Call) -> Any:
    """cdist (and its matrix-product form) broadcasts batch dims itself: inputs aligned."""
    rank = max(np.ndim(t._data) for t in c.inputs)
    return c.run([c.aligned(t, rank) for t in c.inputs])


def r_dist(c: _Call) -> Any:
    """dist over each sample's elements: the inputs aligned to the broadcast logical rank,
    the norm over every dim after the batch dim."""
    p, dims = c.args
    return c.run([c.aligned(t, len(dims)) for t in c.inputs], (p, tuple(d + 1 for d in dims)))


def r_kron(c: _Call) -> Any:
    """kron(a, b) over shapes padded to one rank r: a's dims interleaved with singletons
    (a1, 1, a2, 1, ...) times b's (1, b1, 1, b2, ...), each pair then merged."""
    a, b = c.inputs
    sa, sb = np.shape(a._data), np.shape(b._data)
    r = max(len(sa), len(sb))
    sa, sb = (1,) * (r - len(sa)) + sa, (1,) * (r - len(sb)) + sb

    def spread(t: Any, shape: tuple, first: bool) -> Any:
        inter = tuple(v for n in shape for v in ((n, 1) if first else (1, n)))
        p = c.phys(t)
        return t.reshape(inter) if p is None else p.reshape((c.B,) + inter)

    out = spread(a, sa, True) * spread(b, sb, False)
    return out.reshape((c.B,) + tuple(x * y for x, y in zip(sa, sb)))


def r_einsum(c: _Call) -> Any:
    eq = c.args[0]
    lhs, rhs = eq.split("->")
    terms = lhs.split(",")
    used = set(eq)
    letter = next(ch for ch in "zyxwvutsrqponmlkjihgfedcbaZYXWVUTSRQPONMLKJIHGFEDCBA"
                  if ch not in used)
    inputs = []
    for k, t in enumerate(c.inputs):
        p = c.phys(t)
        if p is not None:
            terms[k] = letter + terms[k]
            inputs.append(p)
        else:
            inputs.append(t)
    return c.run(inputs, (",".join(terms) + "->" + letter + rhs,))


def r_solve(c: _Call) -> Any:
    A, Bv = c.inputs
    left, adjoint, vector = c.args
    # the batch dims of A and B broadcast: batched operands get singleton dims after the batch
    # dim up to the larger logical batch rank; unbatched ones broadcast as they are
    if vector and left and np.ndim(A._data) > 2 and np.ndim(Bv._data) == 1:
        # torch's rule reads a vector B beside a batch of matrices as a 1 x n matrix: batched,
        # it does not fit; unbatched, it broadcasts as n equal rows
        n = np.shape(Bv._data)[0]
        if c.phys(Bv) is not None:
            raise RuntimeError("linalg.solve: Incompatible shapes of A and B for the equation "
                               f"AX = B ({n}x{n} and 1x{n})")
        Bv, vector = Bv.expand(n, n), False
    core_b = 1 if vector else 2
    rank = max(np.ndim(A._data) - 2, np.ndim(Bv._data) - core_b)
    pa = c.aligned(A, rank + 2)
    pb = c.aligned(Bv, rank + core_b)
    return c.run([pa, pb], (left, adjoint, vector))


def r_loss(c: _Call) -> Any:
    """A loss with a reduction: computed unreduced, then reduced over the logical dims."""
    entry = c.entry
    args = list(c.args)
    k = entry.args.index("reduction")
    red = args[k]
    args[k] = 0
    rank = max(np.ndim(t._data) for t in c.inputs if hasattr(t, "_data"))
    backward = entry.inputs[0] == "grad_output"
    inputs = []
    for i, t in enumerate(c.inputs):
        if backward and i == 0 and red != 0:
            g = c.phys(t)
            inputs.append(t if g is None else g.reshape((c.B,) + (1,) * rank))
            continue
        inputs.append(c.aligned(t, rank))
    args = tuple(c.arg_aligned(a, rank) for a in args)
    out = c.run(inputs, args)
    if backward:
        if red == 1:  # mean: the gradient of each element is divided by the logical count
            n = math.prod(np.shape(c.inputs[1]._data))
            out = out / max(n, 1)
        if c.phys(c.inputs[1]) is None and (len(c.inputs) < 3 or c.phys(c.inputs[2]) is None):
            out = out.expand((c.B,) + tuple(out.shape[1:])) if out.dim() > rank else \
                out.unsqueeze(0).expand((c.B,) + tuple(out.shape))
        return out
    if red == 0:
        return out
    if out.dim() == rank:  # nothing of the batch reached it
        out = out.unsqueeze(0).expand((c.B,) + tuple(out.shape))
    dims = tuple(range(1, rank + 1))
    if not dims:
        return out
    return out.mean(dims) if red == 1 else out.sum(dims)


def _nll_batch(c: _Call, x: Any, target: Any, weight: Any, ignore_index: int) -> tuple:
    """The class dim of the physical input, the physical target (sent to class 0 where
    ignored, as an index of the input's rank) and each target's weight (0 where ignored)."""
    from .._tensor import _make
    from .derivatives.nn import _nll_parts

    xshape = np.shape(x._data)
    cd = 1 if len(xshape) == 1 else 2
    t, batched = _phys_or_array(c, target)
    tshape = xshape[:1] + xshape[2:] if len(xshape) > 1 else ()
    if not batched:
        t = np.broadcast_to(np.asarray(t).reshape(tshape), (c.B,) + tshape)
    safe, w, _ = _nll_parts((0, 0), x._data.dtype, t, weight, ignore_index)
    return cd, _make(np.ascontiguousarray(np.expand_dims(safe, cd)).astype(np.int64)), w


def r_nll_loss(c: _Call) -> Any:
    """nll_loss: the log-probabilities at the targets (a gather on the class dim), weighted
    and negated, then reduced over each sample's dims."""
    from .._tensor import _make

    x = c.inputs[0]
    target, weight, reduction, ignore_index = c.args
    cd, idx, w = _nll_batch(c, x, target, weight, ignore_index)
    losses = c.expanded(x).gather(cd, idx).squeeze(cd) * _make(-w)
    if reduction == 0:
        return losses
    dims = tuple(range(1, losses.dim()))
    total = losses.sum(dims) if dims else losses
    if reduction == 2:
        return total
    return total / _make(w.sum(axis=dims) if dims else w)


def r_nll_loss_backward(c: _Call) -> Any:
    """nll_loss's backward: zeros of the input's shape with ``-w * grad`` (over the total
    weight for a mean) at the targets."""
    from .._tensor import _make

    g, x = c.inputs[0], c.inputs[1]
    target, weight, reduction, ignore_index = c.args
    cd, idx, w = _nll_batch(c, x, target, weight, ignore_index)
    dims = tuple(range(1, w.ndim))
    coef = -w / w.sum(axis=dims, keepdims=True) if reduction == 1 else -w
    gp = c.phys(g)
    if reduction != 0:
        gp = g.reshape(1) if gp is None else gp
        gp = gp.reshape((-1,) + (1,) * (w.ndim - 1))
    elif gp is None:
        gp = g
    vals = (gp * _make(coef.astype(x._data.dtype))).unsqueeze(cd)
    vals = vals.expand(tuple(idx.shape))
    zeros = _T().zeros((c.B,) + np.shape(x._data), dtype=vals.dtype)
    return zeros.scatter_add(cd, idx, vals)


def _physical_index(c: _Call, index: tuple, shape: tuple) -> tuple:
    """A logical NumPy index as a physical one (a slice for the batch dim first) and the rank
    of the region it selects; advanced indices NumPy would move to the front are refused."""
    for v in index:
        if isinstance(v, np.ndarray) and array_physical(v, c.level) is not None:
            raise RuntimeError("vmap: writing through a batched index tensor is not supported")
    adv = [i for i, v in enumerate(index) if isinstance(v, np.ndarray) or
           (isinstance(v, (list, tuple)))]
    if adv and adv != list(range(adv[0], adv[-1] + 1)):
        raise RuntimeError("vmap: writing through advanced indices separated by a slice is not "
                           "supported")
    region = np.zeros(shape, np.bool_)[index]
    return (slice(None),) + tuple(index), np.ndim(region)


def r_copy_slices(c: _Call) -> Any:
    """``x[index] = value`` out of place: the batch dim sliced whole, the value given
    singleton dims after its batch dim up to the region's rank."""
    x, v = c.inputs
    index = c.args[0] if isinstance(c.args[0], tuple) else (c.args[0],)
    pindex, rank = _physical_index(c, index, np.shape(x._data))
    return c.run([c.expanded(x), c.aligned(v, rank)], (pindex,))


def r_as_strided(c: _Call) -> Any:
    """A view read back out of its rebased base: ``base[index]`` per sample."""
    x = c.inputs[0]
    index = c.args[0] if isinstance(c.args[0], tuple) else (c.args[0],)
    pindex, _ = _physical_index(c, index, np.shape(x._data))
    return c.run([c.phys(x)], (pindex,))


def r_dynamic(name: str) -> Any:
    def rule(c: _Call) -> Any:
        raise RuntimeError(DYNAMIC_MSG.format(name))
    return rule


# ---- the table of rules ------------------------------------------------------------------------

def _build() -> dict:
    from . import derivatives as D

    rules: dict = {}
    elementwise = (
        "ADD SUB RSUB MUL DIV NEG RECIPROCAL POW POW_TENSOR POW_SCALAR_BASE SIN COS TAN EXP LOG "
        "SQRT ABS RELU SIGMOID TANH CLONE CLONE_PRESERVE COPY TO_COPY WHERE ALIAS SIGN EXP2 "
        "EXPM1 LOG2 LOG10 "
        "LOG1P RSQRT ASIN ACOS ATAN SINH COSH ASINH ACOSH ATANH ERF ERFC FLOOR CEIL ROUND "
        "ROUND_DECIMALS TRUNC FRAC NAN_TO_NUM REMAINDER_SCALAR REMAINDER FMOD_SCALAR FMOD "
        "DIV_MODE ATAN2 MAXIMUM MINIMUM FMAX FMIN HYPOT CLAMP CLAMP_TENSOR CLAMP_MIN "
        "CLAMP_MIN_TENSOR CLAMP_MAX CLAMP_MAX_TENSOR LERP LERP_TENSOR MASKED_FILL "
        "NOT_IMPLEMENTED NOT_IMPLEMENTED_UNARY ADD_SCALAR MUL_SCALAR "
        "DIV_SCALAR ELU ELU_BACKWARD ELU_INPLACE GELU GELU_BACKWARD HARDTANH HARDTANH_BACKWARD "
        "LEAKY_RELU LEAKY_RELU_BACKWARD LEAKY_RELU_INPLACE LOG_SIGMOID LOG_SIGMOID_BACKWARD SILU "
        "SOFTPLUS SOFTPLUS_BACKWARD THRESHOLD_BACKWARD EQ_ EQ_TENSOR_ NE_ NE_TENSOR_ LT_ "
        "LT_TENSOR_ LE_ LE_TENSOR_ GT_ GT_TENSOR_ GE_ GE_TENSOR_ "
        "ADDCMUL ADDCDIV LOGADDEXP LOGADDEXP2 XLOGY XLOGY_SCALAR_SELF XLOGY_SCALAR_OTHER "
        "COPYSIGN COPYSIGN_SCALAR LOGIT SINC DEG2RAD RAD2DEG SGN")
    for name in elementwise.split():
        rules[getattr(D, name)] = r_elementwise
    rules[D.MASKED_FILL_TENSOR] = r_masked_fill_tensor
    rules[D.SQUEEZE_SCALAR] = lambda c: c.phys(c.inputs[0])
    for name in ("SUM_DIM", "MEAN_DIM", "AMAX", "AMIN", "AMINMAX", "PROD_DIM", "MAX_DIM",
                 "MIN_DIM", "CUMSUM", "CUMPROD", "CUMMAX", "CUMMIN", "MEDIAN_DIM",
                 "NANMEDIAN_DIM", "KTHVALUE", "MODE", "SORT", "SORT_STABLE", "TOPK", "UNBIND",
                 "NANSUM", "LOGCUMSUMEXP", "SQUEEZE_DIM_INPLACE", "RENORM", "LINALG_CROSS",
                 "SPLIT", "SPLIT_WITH_SIZES", "CAT", "STACK", "SOFTMAX", "LOG_SOFTMAX",
                 "SOFTMAX_BACKWARD_DATA", "LOG_SOFTMAX_BACKWARD_DATA", "SQUEEZE_DIM",
                 "SQUEEZE_DIMS", "UNSQUEEZE", "FLIP", "SELECT", "SLICE", "TRANSPOSE_",
                 "UNSQUEEZE_", "SQUEEZE_DIM_", "SQUEEZE_DIMS_"):
        entry = getattr(D, name)
        names = tuple(n for n in entry.args if n in ("dim", "dims", "dim0", "dim1"))
        rules[entry] = _dims_rule(names)
    rules[D.TRANSPOSE] = rules[D.ROT90] = _dims_rule(("dim0", "dim1"))
    rules.update({D.DIST: r_dist, D.SLOGDET: r_same, D.ADDMV: r_addmv, D.ADDR: r_addr,
                  D.BADDBMM: r_baddbmm, D.ADDBMM: r_addbmm, D.CDIST: r_cdist,
                  D.EUCLIDEAN_DIST: r_cdist})
    for name in ("VAR", "STD", "VAR_MEAN", "STD_MEAN", "NORM", "LOGSUMEXP"):
        rules[getattr(D, name)] = _dims_rule(("dim",), none_all=True)
    rules[D.SUM] = _full_reduce(D.SUM_DIM)
    rules[D.MEAN] = _full_reduce(D.MEAN_DIM)
    rules[D.MAX] = _full_reduce(D.AMAX, flatten=True)
    rules[D.MIN] = _full_reduce(D.AMIN, flatten=True)
    rules[D.PROD] = _full_reduce(D.PROD_DIM, flatten=True)
    rules[D.MEDIAN] = _full_reduce(D.MEDIAN_DIM, flatten=True)
    rules[D.NANMEDIAN] = _full_reduce(D.NANMEDIAN_DIM, flatten=True)
    for name in ("VIEW", "RESHAPE_ALIAS", "UNSAFE_VIEW"):
        rules[getattr(D, name)] = r_shape
    rules[D.EXPAND] = r_expand
    rules[D.REPEAT] = r_repeat
    rules[D.SQUEEZE] = rules[D.SQUEEZE_] = r_squeeze
    rules[D.PERMUTE] = r_permute
    rules[D.TRANSPOSE_T] = rules[D.TRANSPOSE_T_] = r_t
    rules[D.ROLL] = r_roll
    for name in ("TRIL", "TRIU", "CONSTANT_PAD_ND", "INV", "DET"):
        rules[getattr(D, name)] = r_same
    for name in ("DIAGONAL", "DIAGONAL_COPY", "DIAGONAL_BACKWARD", "DIAG_EMBED"):
        rules[getattr(D, name)] = r_diag
    for name in ("SELECT_BACKWARD", "SLICE_BACKWARD"):
        rules[getattr(D, name)] = r_backward_shape
    for name in ("GATHER", "SCATTER", "SCATTER_VALUE", "SCATTER_ADD", "INDEX_SELECT",
                 "INDEX_ADD", "INDEX_COPY", "INDEX_FILL", "INDEX_FILL_TENSOR"):
        rules[getattr(D, name)] = r_index_dim
    rules[D.INDEX] = r_index
    rules[D.INDEX_BACKWARD] = r_index
    for name in ("MATMUL", "MATMUL_FOLDED_T", "MATMUL_FOLDED_T_VIEW", "MATMUL_VM", "MM", "MV",
                 "BMM", "LINEAR_MM"):
        rules[getattr(D, name)] = r_matmul
    rules[D.DOT] = r_dot
    rules[D.VDOT] = r_dot
    rules[D.OUTER] = r_outer
    rules[D.TRACE] = r_trace
    rules[D.ADDMM] = rules[D.LINEAR_ADDMM] = r_addmm
    for name in ("EINSUM_MUL", "EINSUM_PERMUTE", "EINSUM_SUM", "EINSUM_VIEW"):
        rules[getattr(D, name)] = r_einsum
    rules[D.SOLVE] = r_solve
    rules[D.SVD] = r_same  # NumPy's svd runs over leading dims: the batch first is one
    for name in ("MSE_LOSS", "MSE_LOSS_BACKWARD", "SMOOTH_L1_LOSS", "SMOOTH_L1_LOSS_BACKWARD",
                 "HUBER_LOSS", "HUBER_LOSS_BACKWARD", "BINARY_CROSS_ENTROPY",
                 "BINARY_CROSS_ENTROPY_BACKWARD", "BINARY_CROSS_ENTROPY_WITH_LOGITS"):
        rules[getattr(D, name)] = r_loss
    rules[D.MASKED_SELECT] = r_masked_select
    rules[D.MASKED_SCATTER] = r_masked_scatter
    rules[D.TAKE] = r_take
    rules[D.PUT_BACKWARD] = r_put_backward
    rules[D.KRON] = r_kron
    rules[D.NLL_LOSS] = rules[D.NLL_LOSS2D] = r_nll_loss
    rules[D.NLL_LOSS_BACKWARD] = rules[D.NLL_LOSS2D_BACKWARD] = r_nll_loss_backward
    rules[D.UNIQUE] = r_dynamic("_unique2")
    rules[D.UNIQUE_DIM] = r_dynamic("unique_dim")
    rules[D.UNIQUE_CONSECUTIVE] = r_dynamic("unique_consecutive")
    rules[D.COPY_SLICES] = r_copy_slices
    rules[D.AS_STRIDED] = r_as_strided
    return rules


RULES: dict = {}


def full_data(t: Any) -> Any:
    """The array of every sample of ``t`` (its batch dims first)."""
    return _chain(t)[0]._data if LEVELS else getattr(t, "_data", t)


# names of modules that import this one, bound when vmap first runs
_LAZY: dict = {}


def install() -> None:
    if not RULES:
        from .._tensor import Tensor, _make
        from .registry import call, call_list, call_multi, mark_view

        _LAZY.update(Tensor=Tensor, _make=_make,
                     run=(Tensor, call, call_list, call_multi, mark_view))
        RULES.update(_build())
        RULES.update(_build_activations())
        RULES.update(_build_normalization())


# ---- more activations and losses
# Elementwise activations and their backward ops: the batch dim is one more elementwise dim.

def _build_activations() -> dict:
    from . import derivatives as D

    rules: dict = {}
    for name in ("HARDSWISH", "HARDSWISH_BACKWARD", "HARDSIGMOID", "HARDSIGMOID_BACKWARD",
                 "MISH", "THRESHOLD", "THRESHOLD_INPLACE", "THRESHOLD_BACKWARD_AT", "CELU",
                 "CELU_INPLACE", "SOFTSHRINK", "SOFTSHRINK_BACKWARD", "HARDSHRINK",
                 "HARDSHRINK_BACKWARD"):
        rules[getattr(D, name)] = r_elementwise
    # glu halves one dim: the batch dim shifts it
    rules[D.GLU] = rules[D.GLU_BACKWARD] = _dims_rule(("dim",))
    rules[D.SOFT_MARGIN_LOSS] = rules[D.SOFT_MARGIN_LOSS_BACKWARD] = r_loss
    return rules


# ---- normalization and embedding ----------------------------------------------------------------

def r_layer_norm(c: _Call) -> Any:
    """layer_norm normalises the trailing dims: the batch dim in front of each operand (weight
    and bias aligned to the input's rank) changes nothing of them."""
    rank = np.ndim(c.inputs[0]._data)
    return c.run([c.aligned(t, rank) for t in c.inputs])


def r_embedding(c: _Call) -> Any:
    """Rows of the weight: a batch of weights is indexed on its second-to-last axis (the
    forward's), a batch of indices gives a batch of rows; with both, the batch's weights are
    stacked into one table and each sample's indices shifted to its own block."""
    idx, padding_idx = c.args
    w = c.phys(c.inputs[0])
    pi, batched = _phys_or_array(c, idx)
    if not batched:
        return c.run([w if w is not None else c.inputs[0]])
    if w is None:
        return c.run(list(c.inputs), (pi, padding_idx))
    n = w.shape[1]
    offsets = (np.arange(c.B) * n).reshape((c.B,) + (1,) * (pi.ndim - 1))
    flat = w.reshape((c.B * n, w.shape[2]))
    # padding_idx names a row of the stacked table, sample 0's only, as torch's rule has it
    return c.run([flat], (pi + offsets, padding_idx))


def r_batch_norm(c: _Call) -> Any:
    """batch_norm with the vmap batch as one more leading dim (``keep=1``): statistics per
    sample and channel; per-channel operands are ``(B, C)`` or ``(C,)``."""
    running_mean, running_var, training, eps, keep = c.args
    x = c.expanded(c.inputs[0])
    rm, _ = _phys_or_array(c, running_mean)
    rv, _ = _phys_or_array(c, running_var)
    params = [c.phys(t) if c.phys(t) is not None else t for t in c.inputs[1:]]
    return c.run([x, *params], (rm, rv, training, eps, keep + 1))


def r_group_norm(c: _Call) -> Any:
    """group_norm with the vmap batch as one more leading dim (``keep=1``)."""
    group, eps, keep = c.args
    x = c.expanded(c.inputs[0])
    params = [c.phys(t) if c.phys(t) is not None else t for t in c.inputs[1:]]
    return c.run([x, *params], (group, eps, keep + 1))


def _build_normalization() -> dict:
    from . import derivatives as D

    return {D.LAYER_NORM: r_layer_norm, D.EMBEDDING: r_embedding, D.BATCH_NORM: r_batch_norm,
            D.GROUP_NORM: r_group_norm,
            D.NORM_P: _dims_rule(("dim",), none_all=True)}
