"""In-place ops (``add_``, ``x += 1``, ``x[i] = v``, ``zero_``...), as torch does them.

An in-place op is the out-of-place op computed on a snapshot of the tensor, written back into
the tensor's own memory (so views and ``.numpy()`` arrays see it), after which the tensor's
history is rebased onto the new node and its version counter goes up. Nodes that saved the
tensor earlier notice the new version at backward and raise torch's error; a node that saved
the tensor's data as its output is invalidated the same way.
"""

from __future__ import annotations

import warnings
import weakref
from collections.abc import Callable
from typing import Any

from .._backend import generic, ndarray, np
from .._dtypes import CPP_NAMES, SCALAR_NAMES, category, stored_value
from .._tensor import Tensor, _dim, _dims, _make, _storage
from ..autograd.forward_ad import ACTIVE as forward_ad_active
from ..autograd.forward_ad import tangent_of
from ..autograd.grad_mode import _state
from . import batching
from . import derivatives as D
from .registry import GRAPH, call, call1, modified_message

LEAF_MSG = "a leaf Variable that requires grad is being used in an in-place operation."
VIEW_OF_LEAF_MSG = ("a view of a leaf Variable that requires grad is being used in an in-place "
                    "operation.")


class _Invalidated(tuple):
    """A node's saved values after its saved output was changed in place: using them raises
    torch's error (indexing is all the generated backward does with them, so the normal path
    pays nothing)."""

    __slots__ = ()

    def __new__(cls, saved: tuple, tensor: Tensor, node: Any) -> _Invalidated:
        self = tuple.__new__(cls, saved)
        # the tensor weakly (its version at backward is part of the message), and the node
        # that saved its data, which the message names
        _INVALIDATED[id(self)] = (weakref.ref(tensor), tensor._version, node, tensor._output_nr,
                                  self)
        return self

    def __getitem__(self, k: Any) -> Any:
        ref, expected, node, output_nr, _ = _INVALIDATED[id(self)]
        t = ref()
        if t is None:
            raise RuntimeError("one of the variables needed for gradient computation has been "
                               "modified by an inplace operation")
        raise RuntimeError(modified_message(t, t._version, expected, node, output_nr))

    def __iter__(self) -> Any:
        return iter([self[0]])


# id -> (weak tensor, expected version, saving node, output slot, the tuple itself)
_INVALIDATED: dict = {}


INFERENCE_INPLACE_MSG = (
    "Inplace update to inference tensor outside InferenceMode is not allowed.You can make a "
    "clone to get a normal tensor before doing inplace update.See "
    "https://github.com/pytorch/rfcs/pull/17 for more details."
)


def check_inplace(t: Tensor) -> None:
    """torch's errors for writing into a leaf that requires grad or a view of one, or into an
    inference tensor outside inference mode."""
    if t._aux is not None and t._aux.inference and not _state.inference:
        raise RuntimeError(INFERENCE_INPLACE_MSG)
    if not (t._requires_grad and _state.grad_enabled):
        return
    # torch asks first whether t views a leaf (one that requires grad or not), then whether t
    # is a leaf itself
    base = t._aux.base if t._aux is not None else None
    if base is not None and base._grad_fn is None:
        raise RuntimeError(VIEW_OF_LEAF_MSG)
    if t._grad_fn is None:
        raise RuntimeError(LEAF_MSG)


OVERLAP_MSG = ("unsupported operation: more than one element of the written-to tensor refers "
               "to a single memory location. Please clone() the tensor before performing the "
               "operation.")


def overlaps(d: Any) -> bool:
    """Whether several elements of ``d`` share one memory location: an expanded dimension
    (stride 0, size > 1), torch's has_internal_overlap."""
    return type(d) is ndarray and 0 in d.strides and d.size > 1 and any(
        st == 0 and n > 1 for st, n in zip(d.strides, d.shape))


def check_overlap(t: Tensor) -> None:
    """torch's error for an elementwise write into an expanded tensor, whose result would
    depend on the order of the writes. Fills (``fill_``, ``zero_``, ``masked_fill_``) and
    writes through an advanced index are allowed, as in torch."""
    if overlaps(t._data):
        raise RuntimeError(OVERLAP_MSG)


def _check_cast(result: Any, target: Any) -> None:
    if category(result) > category(target):
        raise RuntimeError(f"result type {SCALAR_NAMES.get(result.name, result.name)} can't be "
                           f"cast to the desired output type "
                           f"{SCALAR_NAMES.get(target.name, target.name)}")


def _invalidate_saved_output(t: Tensor) -> None:
    """If t's node saved t's data as an output, that saved copy is about to go stale."""
    node = t._grad_fn
    positions = getattr(node, "_output_pos", ())
    saved = getattr(node, "_saved", None)
    if not saved or isinstance(saved, _Invalidated):
        return
    if any(out == t._output_nr for _, out in positions):
        node._saved = _Invalidated(saved, t, node)


def apply_inplace(self: Tensor, compute: Callable, *args: Any, **kwargs: Any) -> Tensor:
    """``self`` becomes ``compute(self, *args)``: written into its memory, history rebased."""
    check_overlap(self)
    return _apply_inplace(self, compute, args, kwargs)


def _apply_inplace(self: Tensor, compute: Callable, args: tuple, kwargs: dict) -> Tensor:
    """apply_inplace without the overlap check, for the fills torch allows on expanded
    tensors."""
    check_inplace(self)
    if batching.LEVELS:
        b = batching.link(self)
        if b is not None:
            return _apply_inplace_batched(self, b, compute, args, kwargs)
    base = self._aux.base if self._aux is not None else None
    through_view = base is not None and _state.grad_enabled and base._requires_grad
    snapshot = _make(self._data)
    snapshot._requires_grad = self._requires_grad
    snapshot._grad_fn = self._grad_fn
    snapshot._output_nr = self._output_nr
    if self._aux is not None and self._aux.tangent is not None:  # forward AD: a dual tensor
        snapshot._aux_().tangent = self._aux.tangent
    result = compute(snapshot, *args, **kwargs)
    if batching.LEVELS and batching.link(result) is not None:
        _batched_into_unbatched(self, result)
    data = result._data
    _check_cast(data.dtype, self._data.dtype)
    if np.shape(data) != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the "
                           f"broadcast shape {list(np.shape(data))}")
    node = result._grad_fn
    if node is not None and any(v is snapshot for v in (getattr(node, "_saved", ()) or ())):
        # the new node keeps the values from before the write
        snapshot._data = np.array(snapshot._data, copy=True)
    _write(self, data)
    if self._grad_fn is not None:
        _invalidate_saved_output(self)
    _take_history(self, base if through_view else None, result)
    aux = self._aux_()
    aux.version[0] += 1
    if result._aux is not None and result._aux.tangent is not None:
        aux.tangent = result._aux.tangent
    return self


def _take_history(self: Tensor, base: Tensor | None, result: Tensor) -> None:
    """After ``self`` was overwritten with ``result``: its history becomes result's, or, for a
    write through a view of ``base`` in a graph, base's is rebased over the view's region."""
    if base is not None:
        _rebase_through_view(self, base, result)
    elif result._grad_fn is not None:
        self._grad_fn = result._grad_fn
        self._output_nr = result._output_nr
        self._requires_grad = True


def _batched_into_unbatched(self: Tensor, result: Tensor) -> None:
    """torch's error for writing a value batched at a vmap level into a tensor that is not
    batched there: the physical broadcast shape does not fit."""
    from .registry import broadcast_check

    level, phys = batching.link(result)
    shape = tuple(self._data.shape)
    full = (phys.shape[0],) + tuple(np.shape(result._data))
    broadcast_check(shape, full)
    raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                       f"{list(np.broadcast_shapes(shape, full))}")


def _apply_inplace_batched(self: Tensor, link: tuple, compute: Callable, args: tuple,
                           kwargs: dict) -> Tensor:
    """An in-place op on a tensor batched at a vmap level: the op runs on a snapshot bound to
    a copy of the physical tensor, the physical result is written into the physical tensor (an
    in-place op there, so its own history, views and outer levels follow), and the logical
    tensor takes the logical result's history."""
    level, phys = link
    base = self._aux.base if self._aux is not None else None
    through_view = base is not None and _state.grad_enabled and base._requires_grad
    psnap = _make(np.array(phys._data, copy=True))
    psnap._requires_grad = phys._requires_grad
    psnap._grad_fn = phys._grad_fn
    psnap._output_nr = phys._output_nr
    snapshot = batching.wrap(psnap, level)
    snapshot._requires_grad = self._requires_grad
    snapshot._grad_fn = self._grad_fn
    snapshot._output_nr = self._output_nr
    result = compute(snapshot, *args, **kwargs)
    if batching.level_of(result) > level:
        _batched_into_unbatched(self, result)
    _check_cast(result._data.dtype, self._data.dtype)
    if np.shape(result._data) != self._data.shape:
        raise RuntimeError(f"output with shape {list(self._data.shape)} doesn't match the "
                           f"broadcast shape {list(np.shape(result._data))}")
    pres = batching.physical(result, level)
    if pres is None:
        pres = result.unsqueeze(0).expand(tuple(phys.shape))
    if pres.dtype != phys.dtype:
        pres = pres.to(phys.dtype)
    _apply_inplace(phys, lambda s: pres, (), {})  # the logical write was checked
    batching.bind(self, phys, level)
    _take_history(self, base if through_view else None, result)
    self._aux_().version[0] += 1
    return self


def _region(view: Tensor, base: Tensor) -> tuple:
    """Where ``view``'s elements sit in ``base``: an advanced index into base, read from the
    view's offset and strides in base's memory (torch's views are strided windows too)."""
    vd, bd = view._data, base._data
    if type(vd) is not ndarray or type(bd) is not ndarray or not bd.flags.c_contiguous:
        raise NotImplementedError(
            "chainrule cannot modify in place a view of a non-contiguous tensor in a graph; "
            "use the out-of-place form")
    item = bd.itemsize
    offset = (vd.__array_interface__["data"][0] - bd.__array_interface__["data"][0]) // item
    flat = np.arange(bd.size)
    positions = np.lib.stride_tricks.as_strided(
        flat[offset:], shape=vd.shape,
        strides=tuple(st // item * flat.itemsize for st in vd.strides)).copy()
    return np.unravel_index(positions, bd.shape)


def _rebase_through_view(view: Tensor, base: Tensor, result: Tensor) -> None:
    """After writing ``result`` through ``view``: the base's history becomes CopySlices(old
    base, result) over the view's region, and the view reads itself out of the new base
    (AsStridedBackward0), as torch does."""
    index = _region(view, base)
    _invalidate_saved_output(base)
    old = _make(base._data)
    old._requires_grad = base._requires_grad
    old._grad_fn = base._grad_fn
    old._output_nr = base._output_nr
    data = np.asarray(result._data, dtype=base._data.dtype)
    rebased = call(D.COPY_SLICES, (old, result), (base._data, data), (index,))
    base._grad_fn = rebased._grad_fn
    base._output_nr = 0
    base._requires_grad = True
    reread = call(D.AS_STRIDED, (base,), (base._data,), (index,))
    view._grad_fn = reread._grad_fn
    view._output_nr = 0
    view._requires_grad = True


def _write(t: Tensor, data: Any) -> None:
    d = t._data
    if type(d) is ndarray and d.flags.writeable:
        if overlaps(d):
            # a fill through an expanded tensor (see check_overlap): only the elements that
            # change are written, as torch writes only those it fills; a copy of the rest
            # would write back the old values over the new ones sharing their memory
            same = (data == d) | (np.isnan(data) & np.isnan(d)) if d.dtype.kind in "fc" \
                else data == d
            np.copyto(d, data, casting="unsafe", where=~same)
            return
        np.copyto(d, data, casting="unsafe")
    else:  # a NumPy scalar: no other tensor shares it, so replacing it is the write
        t._data = np.asarray(data, dtype=d.dtype)[()] if isinstance(d, generic) else \
            np.array(data, dtype=d.dtype)


def _bump(t: Tensor) -> None:
    t._aux_().version[0] += 1


# ---- fills, copies and random fills ---------------------------------------------------------

def _fill_raw(self: Tensor, value: Any) -> Tensor:
    """Writes ``value`` everywhere, outside any graph."""
    d = _storage(self)
    d[...] = value
    _bump(self)
    return self


def zero_(self: Tensor) -> Tensor:
    """Fills with zeros in place."""
    return fill_(self, 0)


def fill_(self: Tensor, value: Any) -> Tensor:
    """Fills with ``value`` (a number or a 0-d tensor) in place."""
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"fill_ only supports 0-dimension value tensor but got tensor "
                               f"with {value._data.ndim} dimensions.")
        if batching.LEVELS and batching.link(value) is not None:
            if batching.level_of(value) > batching.level_of(self):
                raise RuntimeError(batching.INPLACE_MSG.format("fill_"))
            return _apply_inplace(self, lambda s: s.masked_fill(_everywhere(s), value), (), {})
        value = value.item()
    value = stored_value(value, self._data.dtype)
    check_inplace(self)
    if batching.LEVELS and batching.link(self) is not None:
        return _apply_inplace(self, lambda s: s.masked_fill(_everywhere(s), value), (), {})
    if self._requires_grad and _state.grad_enabled:
        from .._creation import full_like

        return _apply_inplace(self, lambda s: full_like(s, value) * 1 + s * 0, (), {})
    return _fill_raw(self, value)


def _everywhere(t: Tensor) -> Tensor:
    return _make(np.ones(np.shape(t._data), np.bool_))


def copy_(self: Tensor, src: Any, non_blocking: bool = False) -> Tensor:
    """Copies ``src`` (broadcast to this shape, cast to this dtype) into this tensor."""
    if not isinstance(src, Tensor):
        raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(src).__name__}")
    check_overlap(self)
    check_inplace(self)
    if batching.LEVELS and (batching.link(self) is not None or batching.link(src) is not None):
        if batching.level_of(src) > batching.level_of(self):
            raise RuntimeError(batching.INPLACE_MSG.format("inplace arithmetic"))
        from .api import where
        from .shape import expand

        def batched(s: Tensor, other: Tensor) -> Tensor:
            other = other.to(s.dtype) if other.dtype != s.dtype else other
            if other._data.shape != s._data.shape:
                other = expand(other, s._data.shape)
            return where(_everywhere(s), other, s)

        return apply_inplace(self, batched, src)
    tracked = _state.grad_enabled and (self._requires_grad or src._requires_grad)
    if not tracked and forward_ad_active[0]:  # dual tensors: the tangent follows the copy
        tracked = tangent_of(self) is not None or tangent_of(src) is not None
    if tracked:
        from .registry import broadcast_check

        def compute(s: Tensor, other: Tensor) -> Tensor:
            if other._data.shape != s._data.shape:
                broadcast_check(s._data.shape, other._data.shape)
            # torch's CopyBackwards: zero for the old values, src's gradient summed back to
            # its shape and cast to its dtype
            return call(D.COPY, (s, other), (s._data, other._data))

        return apply_inplace(self, compute, src)
    d = _storage(self)
    np.copyto(d, np.broadcast_to(np.asarray(src._data), d.shape), casting="unsafe")
    _bump(self)
    return self


def _fill_random(self: Tensor, draw: Callable, generator: Any = None) -> Tensor:
    """Writes ``draw(shape, dtype)`` (``generator``'s stream, else the default's) in."""
    from .. import _random

    if generator is not None:
        with _random.using(generator._engine):
            return _fill_random(self, draw)
    check_overlap(self)
    check_inplace(self)
    if batching.LEVELS:
        return batching.random_fill(self, draw)
    d = _storage(self)
    d[...] = draw(d.shape, d.dtype)
    _bump(self)
    return self


def normal_(self: Tensor, mean: float = 0.0, std: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fills with normal samples (torch's generator stream)."""
    from .. import _random

    return _fill_random(
        self, lambda shape, dt: _random.normal(shape, float(mean), float(std), dt), generator)


def uniform_(self: Tensor, a: float = 0.0, b: float = 1.0, *, generator: Any = None) -> Tensor:
    """Fills with uniform samples from [a, b) (torch's generator stream)."""
    from .. import _random

    return _fill_random(
        self, lambda shape, dt: _random.uniform(shape, float(a), float(b), dt), generator)


def random_(self: Tensor, from_: int | None = None, to: int | None = None, *,
            generator: Any = None) -> Tensor:
    """Fills with integers: ``random_()`` over the dtype's range, ``random_(to)`` from
    [0, to), ``random_(from, to)`` from [from, to) (torch's generator stream).

    >>> import chainrule
    >>> _ = chainrule.manual_seed(0)
    >>> chainrule.empty((), dtype=chainrule.int64).random_().item()
    900450186894289455
    """
    from .. import _random

    if from_ is None and to is None:
        def draw(shape: tuple, dt: Any) -> Any:
            return _random.random_full(shape, dt)
    else:
        low, high = (0, from_) if to is None else (from_, to)

        def draw(shape: tuple, dt: Any) -> Any:
            return _random.randint(int(low), int(high), shape, dt)
    return _fill_random(self, draw, generator)


def bernoulli_(self: Tensor, p: Any = 0.5, *, generator: Any = None) -> Tensor:
    """Fills with 0/1 samples, 1 with probability ``p``."""
    from .. import _random

    prob = p._data if isinstance(p, Tensor) else float(p)
    return _fill_random(self, lambda shape, dt: _random.bernoulli(prob, shape, dt), generator)


# ---- x[index] = value ------------------------------------------------------------------------

def _numpy_index(index: Any) -> Any:
    """A torch index as NumPy reads it (tensors and lists become arrays)."""
    items = index if isinstance(index, tuple) else (index,)
    out = []
    for item in items:
        if isinstance(item, Tensor):
            item = np.asarray(item._data)
        elif isinstance(item, list):
            item = np.asarray(item)
        out.append(item)
    return tuple(out)


def setitem(self: Tensor, index: Any, value: Any) -> None:
    """``self[index] = value``: in place; recorded as torch's CopySlices in a graph."""
    from .indexing import getitem

    getitem(self.detach(), index)  # torch's IndexErrors for a bad index, before any write
    idx = _numpy_index(index)
    if all(i is None or i is Ellipsis or type(i) in (int, slice) for i in idx):
        if overlaps(_storage(self)[idx]):  # a basic index writes through a view
            raise RuntimeError(OVERLAP_MSG)
    value_t = value if isinstance(value, Tensor) else None
    if self._requires_grad and self._grad_fn is None and _state.grad_enabled:
        raise RuntimeError(VIEW_OF_LEAF_MSG)  # x[i] = v writes through the view x[i]
    check_inplace(self)
    grad = _state.grad_enabled and (self._requires_grad or (
        value_t is not None and value_t._requires_grad))
    if not grad and forward_ad_active[0]:  # dual tensors: the tangent must follow the write
        grad = tangent_of(self) is not None or (
            value_t is not None and tangent_of(value_t) is not None)
    if not grad and batching.LEVELS:  # under vmap: the write is batched (or torch's error)
        grad = batching.link(self) is not None or (
            value_t is not None and batching.link(value_t) is not None)
        if grad and batching.level_of(value_t) > batching.level_of(self):
            raise RuntimeError(batching.INPLACE_MSG.format("inplace arithmetic"))
    if grad:
        def compute(s: Tensor, v: Any) -> Tensor:
            vt = v if isinstance(v, Tensor) else _make(np.asarray(v, dtype=s._data.dtype))
            arr = vt._data if vt._data.dtype == s._data.dtype else \
                vt._data.astype(s._data.dtype)
            return call(D.COPY_SLICES, (s, vt), (s._data, arr), (idx,))

        _apply_inplace(self, compute, (value,), {})  # the view written was checked above
        return
    d = _storage(self)
    v = value._data if value_t is not None else value
    if value_t is not None:
        _check_cast(np.asarray(v).dtype, d.dtype)
    d[idx] = v
    _bump(self)


def _index_put_zero(grad: Tensor, indices: tuple) -> Tensor:
    """The gradient of the old values under ``x[indices] = v``: zero where v was written."""
    mask = np.ones(grad._data.shape, dtype=bool)
    mask[indices] = False
    return grad * _make(mask)


GRAPH.index_put_zero = _index_put_zero


# ---- views in place: x.t_(), x.transpose_(), x.unsqueeze_(), x.squeeze_() ---------------------

def _view_in_place(self: Tensor, entry: Any, args: tuple) -> Tensor:
    """``self`` becomes the view ``entry`` makes of it: the same memory seen with a new shape,
    the view's node as its history in a graph; its version moves on, as torch's does."""
    check_inplace(self)
    snapshot = _make(_storage(self))  # under vmap, batched as self is
    snapshot._requires_grad = self._requires_grad
    snapshot._grad_fn = self._grad_fn
    snapshot._output_nr = self._output_nr
    if self._aux is not None and self._aux.tangent is not None:  # forward AD: a dual tensor
        snapshot._aux_().tangent = self._aux.tangent
    result = call1(entry, snapshot, args)
    if self._grad_fn is not None:
        _invalidate_saved_output(self)
    b = batching.link(result) if batching.LEVELS else None
    if b is not None:  # the logical view of the physical result
        batching.bind(self, b[1], b[0])
    else:
        self._data = result._data
    if result._grad_fn is not None:
        self._grad_fn = result._grad_fn
        self._output_nr = 0
    aux = self._aux_()
    aux.version[0] += 1
    if result._aux is not None and result._aux.tangent is not None:
        aux.tangent = result._aux.tangent
    return self


def t_(self: Tensor) -> Tensor:
    """In-place ``t``: a tensor of at most 2 dims transposed (``TBackward1``).

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).t_().shape
    torch.Size([3, 2])
    """
    ndim = self._data.ndim
    if ndim > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    return _view_in_place(self, D.TRANSPOSE_T_, ())


def transpose_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """In-place ``transpose`` (``TransposeBackward1``).

    >>> import chainrule as torch
    >>> torch.zeros(2, 3, 4).transpose_(0, 2).shape
    torch.Size([4, 3, 2])
    """
    ndim = self._data.ndim
    return _view_in_place(self, D.TRANSPOSE_, (_dim(dim0, ndim), _dim(dim1, ndim)))


def swapaxes_(self: Tensor, axis0: int, axis1: int) -> Tensor:
    """In-place ``swapaxes``: ``transpose_``."""
    return transpose_(self, axis0, axis1)


def swapdims_(self: Tensor, dim0: int, dim1: int) -> Tensor:
    """In-place ``swapdims``: ``transpose_``."""
    return transpose_(self, dim0, dim1)


def unsqueeze_(self: Tensor, dim: int) -> Tensor:
    """In-place ``unsqueeze`` (``UnsqueezeBackward1``).

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).unsqueeze_(1).shape
    torch.Size([2, 1, 3])
    """
    return _view_in_place(self, D.UNSQUEEZE_, (_dim(dim, self._data.ndim + 1),))


def squeeze_(self: Tensor, dim: Any = None) -> Tensor:
    """In-place ``squeeze``: every size-1 dim (``SqueezeBackward3``), or ``dim`` if it has size
    1 (an int: ``SqueezeBackward4``; a tuple: ``SqueezeBackward5``).

    >>> import chainrule as torch
    >>> torch.zeros(1, 2, 1).squeeze_(0).shape
    torch.Size([2, 1])
    """
    ndim = self._data.ndim
    if dim is None:
        return _view_in_place(self, D.SQUEEZE_, ())
    if isinstance(dim, (int, np.integer)):
        return _view_in_place(self, D.SQUEEZE_DIM_, (_dim(int(dim), ndim),))
    dims = _dims(dim, ndim, sort=False)
    return _view_in_place(self, D.SQUEEZE_DIMS_, (dims if ndim else (),))


# ---- comparisons and logic in place ------------------------------------------------------------

def _invalid_combination(name: str, got: tuple) -> TypeError:
    """torch's text for an argument that is neither a tensor nor a number."""
    if not got:
        return TypeError(f"{name}() received an invalid combination of arguments - got (), but "
                         "expected one of:\n * (Tensor other)\n * (Number other)\n")
    kind = type(got[0]).__name__
    bad = f"      didn't match because some of the arguments have invalid types: (!{kind}!)\n"
    return TypeError(f"{name}() received an invalid combination of arguments - got ({kind}), "
                     f"but expected one of:\n * (Tensor other)\n{bad} * (Number other)\n{bad}")


def comparison_(name: str, entries: tuple) -> Callable:
    """``x.eq_(other)`` and its kin: the comparison written into ``x`` as 1 or 0 of its dtype,
    under the zero-gradient node of ``entries`` (a number, a tensor ``other``)."""
    from .api import _operand
    from .registry import binary_arrays, broadcast_check

    number_entry, tensor_entry = entries

    def compute(s: Tensor, o: Any) -> Tensor:
        A, B = binary_arrays(False, s, o)
        if isinstance(o, Tensor):
            if A.shape != B.shape:
                broadcast_check(A.shape, B.shape)
            return call(tensor_entry, (s, o), (A, B), (s._data.dtype,))
        return call(number_entry, (s,), (A,), (B, s._data.dtype))

    def method(self: Tensor, *other: Any) -> Tensor:
        o = _operand(other[0]) if len(other) == 1 else None
        if o is None:
            raise _invalid_combination(name, other)
        return apply_inplace(self, compute, o)

    method.__name__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``: 1 where it holds, 0 elsewhere, in this dtype."
    return method


def _write_untracked(self: Tensor, name: str, ufunc: Any, other: Any) -> Tensor:
    """``self`` overwritten with ``ufunc(self, other)``, cast to its dtype, outside autograd:
    torch records nothing for the logical ops in place, so the tensor keeps its history (a
    leaf that requires grad included) and only its version moves on."""
    if self._aux is not None and self._aux.inference and not _state.inference:
        raise RuntimeError(INFERENCE_INPLACE_MSG)
    check_overlap(self)
    tensors = (self,) if other is None else (self, other)
    if batching.LEVELS and any(batching.link(t) is not None for t in tensors):
        if batching.level_of(other) > batching.level_of(self):
            raise RuntimeError(batching.INPLACE_MSG.format(name))
        from . import api

        def compute(s: Tensor) -> Tensor:
            return api.logical_not(s) if other is None else getattr(api, name[:-1])(s, other)

        return _apply_inplace_batched(self, batching.link(self), compute, (), {})
    from .registry import broadcast_check

    d = _storage(self)
    if other is None:
        result = ufunc(d)
    else:
        o = other._data
        if np.shape(o) != d.shape:
            broadcast_check(d.shape, np.shape(o))
            shape = np.broadcast_shapes(d.shape, np.shape(o))
            if shape != d.shape:
                raise RuntimeError(f"output with shape {list(d.shape)} doesn't match the "
                                   f"broadcast shape {list(shape)}")
        result = ufunc(d, o)
    if self._grad_fn is not None:
        _invalidate_saved_output(self)
    np.copyto(d, result, casting="unsafe")
    _bump(self)
    return self


def logical_(name: str, ufunc: Any) -> Callable:
    """``x.logical_and_(other)`` and its kin (see ``_write_untracked``)."""
    def method(self: Tensor, other: Tensor) -> Tensor:
        if not isinstance(other, Tensor):
            raise TypeError(f"{name}(): argument 'other' (position 1) must be Tensor, not "
                            f"{type(other).__name__}")
        return _write_untracked(self, name, ufunc, other)

    method.__name__ = name
    method.__doc__ = f"In-place ``{name[:-1]}``, written as 1 or 0 in this tensor's dtype."
    return method


def logical_not_(self: Tensor) -> Tensor:
    """In-place ``logical_not``, written as 1 or 0 in this tensor's dtype.

    >>> import chainrule as torch
    >>> torch.tensor([0., 2.]).logical_not_()
    tensor([1., 0.])
    """
    return _write_untracked(self, "logical_not_", np.logical_not, None)


def make_inplace(out_of_place: Callable, fill: bool = False) -> Callable:
    """The in-place method ``name_`` of an out-of-place op ``name``. A ``fill``
    (``masked_fill_``) is still allowed on an expanded tensor, with torch's deprecation
    warning."""
    name = out_of_place.__name__

    def method(self: Tensor, *args: Any, **kwargs: Any) -> Tensor:
        if not fill:
            return apply_inplace(self, out_of_place, *args, **kwargs)
        if overlaps(self._data):
            warnings.warn(f"Use of {name}_ on expanded tensors is deprecated. Please clone() "
                          f"the tensor before performing this operation. This also applies to "
                          f"advanced indexing e.g. tensor[mask] = scalar", UserWarning,
                          stacklevel=2)
        return _apply_inplace(self, out_of_place, args, kwargs)

    method.__name__ = name + "_"
    method.__doc__ = f"In-place ``{name}``."
    return method



def cumulative_(out_of_place: Callable) -> Callable:
    """``cumsum_`` / ``cumprod_``: the running sum or product along ``dim``, in this tensor's
    dtype (``dtype`` may only name it)."""
    name = out_of_place.__name__
    inner = make_inplace(out_of_place)

    def method(self: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
        d = self._data.dtype
        if dtype is not None and dtype.np != d:
            raise RuntimeError(f"Bad in-place call: input tensor dtype {CPP_NAMES[d.name]} and "
                               f"output tensor dtype {CPP_NAMES[dtype.np.name]} should match")
        if d.kind == "b":
            raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
        return inner(self, dim)

    method.__name__ = name + "_"
    method.__doc__ = f"In-place ``{name}`` along ``dim``, kept in this tensor's dtype."
    return method


def masked_scatter_(self: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """In-place ``masked_scatter``: the mask must expand to this tensor's shape (torch's
    expand error otherwise).

    >>> import chainrule as torch
    >>> torch.zeros(3).masked_scatter_(torch.tensor([True, False, True]), torch.ones(2))
    tensor([1., 0., 1.])
    """
    from .indexing import masked_scatter
    from .shape import expand

    if isinstance(mask, Tensor) and mask._data.shape != self._data.shape:
        expand(mask.detach(), self._data.shape)
    return apply_inplace(self, masked_scatter, mask, source)


def _augmented(out_of_place: Callable) -> Callable:
    def method(self: Tensor, other: Any) -> Tensor:
        return apply_inplace(self, out_of_place, other)

    return method


def direct(out_of_place: Callable, ufunc: Any) -> Callable:
    """``name_`` for an arithmetic op: outside any graph it writes straight into the tensor's
    memory with ``ufunc(..., out=)`` (an optimizer step then makes no extra copy); inside one,
    or when torch's dtype rules ask for a cast, it takes the general path."""
    def method(self: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
        d = self._data
        aux = self._aux  # a version counter alone (any tensor written before) is no obstacle
        if (alpha == 1 and type(d) is ndarray and (f := d.flags).writeable and
                not batching.LEVELS and (f.c_contiguous or not overlaps(d)) and
                (aux is None or not (aux.inference or aux.tangent is not None or
                                     aux.batch is not None)) and
                not (_state.grad_enabled and (self._requires_grad or getattr(
                    other, "_requires_grad", False)))):
            o = other._data if isinstance(other, Tensor) else other
            # an int past a double's exact range takes the general path, which checks it
            number = isinstance(o, float) or (isinstance(o, int) and not isinstance(o, bool)
                                              and -2**53 <= o <= 2**53)
            if (number and d.dtype.kind == "f") or (
                    isinstance(o, ndarray) and o.dtype == d.dtype and (
                        o.shape == d.shape or np.broadcast_shapes(o.shape, d.shape) == d.shape)):
                ufunc(d, o, out=d)
                (aux or self._aux_()).version[0] += 1
                return self
        if alpha != 1:
            return apply_inplace(self, out_of_place, other, alpha=alpha)
        return apply_inplace(self, out_of_place, other)

    method.__name__ = out_of_place.__name__ + "_"
    method.__doc__ = f"In-place ``{out_of_place.__name__}``."
    return method


__all__: list[str] = []
