"""Indexing: ``x[...]`` composed as torch composes it, and the ops it is made of.

Integers select, slices slice, ``None`` unsqueezes, ``...`` stands for the dims it skips; any
integer or boolean tensors, lists or arrays then index the result in one ``IndexBackward0`` node,
with NumPy's (which are torch's) rules for where the indexed dims go.
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

from .. import _dtypes
from .._backend import generic, ndarray, np
from .._dtypes import SCALAR_NAMES
from .._tensor import Tensor, _dim, _make
from ..autograd import grad_mode
from . import batching
from . import derivatives as D
from .derivatives import indexing as DI
from .registry import GRAPH, NUMPY, broadcast_check, call, call1

# this module defines torch's slice(); Python's is needed too
_pyslice = builtins.slice


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice ``index`` along ``dim`` (``SelectBackward0``), one dimension fewer."""
    shape = input._data.shape
    if not shape:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = _dim(dim, len(shape))
    size = shape[d]
    if not -size <= index < size:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(shape)} at dimension {d}")
    return call1(D.SELECT, input, (d, index + size if index < 0 else index))


def select_backward(grad: Tensor, shape: tuple, dim: int, index: int) -> Tensor:
    return call1(D.SELECT_BACKWARD, grad, (shape, dim, index))


def slice(input: Tensor, dim: int, start: int, stop: int, step: int) -> Tensor:  # noqa: A001
    return call1(D.SLICE, input, (dim, start, stop, step))


def slice_backward(grad: Tensor, shape: tuple, dim: int, start: int, stop: int,
                   step: int) -> Tensor:
    return call1(D.SLICE_BACKWARD, grad, (shape, dim, start, stop, step))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """``input`` with a new dimension of size 1 at ``dim``."""
    return call1(D.UNSQUEEZE, input, (_dim(dim, input._data.ndim + 1),))


def unsqueeze_dim(grad: Tensor, dim: int) -> Tensor:
    return call1(D.UNSQUEEZE, grad, (dim,))


def squeeze_dim(input: Tensor, dim: int) -> Tensor:
    return call1(D.SQUEEZE_DIM, input, (_dim(dim, input._data.ndim),))


def index(input: Tensor, indices: tuple) -> Tensor:
    return call1(D.INDEX, input, (indices,))


def index_backward(grad: Tensor, shape: tuple, indices: tuple) -> Tensor:
    return call1(D.INDEX_BACKWARD, grad, (shape, indices))


_BAD_INDEX = ("only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables "
              "are valid indices (got {})")


def _bound(i: int, dim: int, size: int) -> int:
    if not -size <= i < size:
        raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {size}")
    return i + size if i < 0 else i


def _slice_bounds(s: Any, size: int) -> tuple:
    if s.step is not None and s.step <= 0:
        raise ValueError("step must be greater than zero")
    return s.indices(size)


def _as_index_array(item: Any) -> Any:
    """A tensor, list or array index as a NumPy integer or boolean array, or None if the
    item is not an advanced index."""
    if isinstance(item, Tensor):
        a = item._data
    elif isinstance(item, (list, ndarray)):
        a = np.asarray(item)
    else:
        return None
    if a.dtype.kind == "b" or a.dtype.kind in "iu":
        return np.asarray(a)
    if a.size == 0 and isinstance(item, list):
        return a.astype(np.int64)
    kind = _dtypes.FROM_NP.get(a.dtype)
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors"
                     if kind is not None else _BAD_INDEX.format(type(item).__name__))


def getitem(x: Tensor, index: Any) -> Tensor:
    """``x[index]``."""
    t = type(index)
    if t is int:
        return _select_checked(x, 0, index)
    if t is _pyslice:
        # a lone slice is always recorded, even when it takes everything
        start, stop, step = _slice_bounds(index, _size(x, 0))
        return slice(x, 0, start, stop, step)
    if index is None:
        return unsqueeze(x, 0)
    if index is Ellipsis:
        return call1(D.ALIAS, x)
    if isinstance(index, Tensor) and index._data.ndim == 0 and index._data.dtype.kind in "iu":
        return _select_checked(x, 0, int(index._data))
    items = index if t is tuple else (index,)
    return _apply_items(x, items)


def _size(x: Tensor, dim: int) -> int:
    shape = x._data.shape
    if dim >= len(shape):
        raise IndexError(f"too many indices for tensor of dimension {len(shape)}")
    return shape[dim]


def _select_checked(x: Tensor, dim: int, i: int) -> Tensor:
    if x._data.ndim == 0:
        raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                         "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
    return call1(D.SELECT, x, (dim, _bound(i, dim, _size(x, dim))))


def _consumed(item: Any) -> int:
    """How many dims of the indexed tensor an index item uses up."""
    if item is None or item is Ellipsis or isinstance(item, bool):
        return 0
    a = _as_index_array(item) if not isinstance(item, (int, _pyslice, generic)) else None
    if a is not None and a.dtype.kind == "b":
        return a.ndim
    return 1


def _apply_items(x: Tensor, items: tuple) -> Tensor:
    ndim = x._data.ndim
    used = sum(_consumed(i) for i in items)
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    result = x
    dim = 0
    advanced: dict = {}
    for item in items:
        if item is Ellipsis:
            dim += ndim - used
            used = ndim  # a second ... takes nothing
            continue
        if item is None:
            result = unsqueeze(result, dim)
            advanced = {(k + 1 if k >= dim else k): v for k, v in advanced.items()}
            dim += 1
            continue
        if isinstance(item, bool):  # x[True] adds a dim and indexes it with the mask
            result = unsqueeze(result, dim)
            advanced = {(k + 1 if k >= dim else k): v for k, v in advanced.items()}
            advanced[dim] = np.array([item])
            dim += 1
            continue
        if isinstance(item, (int, np.integer)) or (
                isinstance(item, Tensor) and item._data.ndim == 0 and
                item._data.dtype.kind in "iu"):
            result = _select_checked(result, dim, int(item))
            advanced = {(k - 1 if k > dim else k): v for k, v in advanced.items()}
            continue
        if isinstance(item, _pyslice):
            size = _size(result, dim)
            start, stop, step = _slice_bounds(item, size)
            if not (start == 0 and stop >= size and step == 1):
                result = slice(result, dim, start, stop, step)
            dim += 1
            continue
        a = _as_index_array(item)
        if a is None:
            raise IndexError(_BAD_INDEX.format(type(item).__name__))
        if a.dtype.kind == "b":
            shape = result._data.shape[dim:dim + a.ndim]
            if a.shape != shape:
                raise IndexError(
                    f"The shape of the mask {list(a.shape)} at index {dim} does not match the "
                    f"shape of the indexed tensor {list(result._data.shape)} at index {dim}")
            advanced[dim] = a
            dim += a.ndim
        else:
            size = _size(result, dim)
            if a.size:
                lo, hi = int(a.min()), int(a.max())
                bad = hi if hi >= size else lo if lo < -size else None
                if bad is not None:
                    raise IndexError(f"index {bad} is out of bounds for dimension {dim} with "
                                     f"size {size}")
            advanced[dim] = a
            dim += 1
    if not advanced:
        return result
    last = max(k + (v.ndim if v.dtype.kind == "b" else 1) for k, v in advanced.items())
    idx: list = []
    k = 0
    while k < last:
        if k in advanced:
            a = advanced[k]
            idx.append(a)
            k += a.ndim if a.dtype.kind == "b" else 1
        else:
            idx.append(_pyslice(None))
            k += 1
    return index(result, tuple(idx))


# ---- narrow ------------------------------------------------------------------------------------

def narrow(input: Tensor, dim: int, start: Any, length: int) -> Tensor:
    """``length`` elements of ``input`` along ``dim`` from ``start`` (which may be negative, or
    a 0-d integer tensor), as a view (``SliceBackward0``).

    >>> import chainrule as torch
    >>> torch.arange(5).narrow(0, 1, 3)
    tensor([1, 2, 3])
    """
    shape = input._data.shape
    if not shape:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    if isinstance(start, Tensor):
        if start._data.ndim != 0 or start._data.dtype.kind not in "iu":
            raise RuntimeError("start must be an 0-dim integral Tensor.")
        start = int(start._data)
    elif not isinstance(start, (int, np.integer)):
        raise TypeError(f"narrow(): argument 'start' (position 2) must be int, not "
                        f"{type(start).__name__}")
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    d = _dim(dim, len(shape))
    size = shape[d]
    if not -size <= start <= size:
        raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                         f"but got {start})")
    if start < 0:
        start += size
    if start + length > size:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size "
                           f"({size}).")
    return slice(input, d, int(start), int(start + length), 1)


# ---- indexing with index tensors -------------------------------------------------------------

# torch's scalar type names, as its dtype errors print them
_INT32_64 = (np.dtype(np.int32), np.dtype(np.int64))


def _type_name(a: Any) -> str:
    return SCALAR_NAMES.get(a.dtype.name, a.dtype.name)


def _tensor_arg(v: Any, fn: str, name: str, pos: int) -> Any:
    if not isinstance(v, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                        f"{type(v).__name__}")
    return np.asarray(v._data)


def _first_out_of_bounds(index: Any, size: int) -> Any:
    """The first index (in row-major order) outside [-size, size) or [0, size), or None."""
    bad = (index < 0) | (index >= size)
    if index.size and bad.any():
        return int(index.reshape(-1)[np.argmax(bad.reshape(-1))])
    return None


def index_select(input: Tensor, dim: int, index: Tensor) -> Tensor:
    """The entries of ``input`` at positions ``index`` (1-D) along ``dim``
    (``IndexSelectBackward0``); a repeated index is taken, and its gradient summed, each time.

    >>> import chainrule as torch
    >>> torch.tensor([[1, 2], [3, 4]]).index_select(1, torch.tensor([1, 1]))
    tensor([[2, 2],
            [4, 4]])
    """
    if not isinstance(dim, (int, np.integer)):
        raise TypeError(f"index_select(): argument 'dim' (position 1) must be int, not "
                        f"{type(dim).__name__}")
    idx = _tensor_arg(index, "index_select", "index", 3)
    shape = input._data.shape
    d = _dim(dim, len(shape))
    if idx.dtype not in _INT32_64:
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if idx.ndim != 1:  # (a 1-d index stays the same array: under vmap it may be batched)
        idx = idx.reshape(-1)
    if not shape:
        if idx.size != 1:
            raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got "
                               f"{idx.size} value(s)")
        if idx[0] != 0:
            raise IndexError("index out of range in self")
    else:
        bad = _first_out_of_bounds(idx, shape[d])
        if bad is not None:
            raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} "
                               f"axis_dim={shape[d]}")
    return call1(D.INDEX_SELECT, input, (d, idx))


def _check_index_dims(index: Any, ndim: int, other: str) -> None:
    if max(index.ndim, 1) != max(ndim, 1):
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {other} "
                           "tensor")


def _check_bounds(index: Any, dim: int, shape: tuple, operands: tuple) -> None:
    """torch's error for the first index out of [0, size) in the order its CPU kernel visits
    them (``_kernel_order``); ``operands`` are the shapes of the tensors it iterates over."""
    size = shape[dim] if shape else 1
    bad = (index < 0) | (index >= size)
    if not bad.any():
        return
    order = _kernel_order(index.shape, dim, operands)
    if order is not None:
        index, bad = index.transpose(order), bad.transpose(order)
    first = int(index.reshape(-1)[np.argmax(bad.reshape(-1))])
    raise RuntimeError(f"index {first} is out of bounds for dimension {dim} with size {size}")


def _kernel_order(shape: tuple, dim: int, operands: tuple) -> Any:
    """The order of the dims in which torch's gather/scatter kernel reads ``index``, or None
    for row-major. Its iterator runs over the dims other than ``dim``; the innermost of them,
    merged with the next ones out while every operand's strides allow (TensorIterator's
    coalescing), form the inner loop, and ``dim`` is looped just outside it (inside it, when
    ``dim`` is the last dim)."""
    nd = len(shape)
    if nd < 2 or dim == nd - 1:
        return None
    dims = [k for k in range(nd) if k != dim and shape[k] != 1]
    if not dims:
        return None

    def stride(s: tuple, k: int) -> int:
        return math.prod(s[k + 1:])

    inner = [dims[-1]]
    size = shape[dims[-1]]
    for k in reversed(dims[:-1]):
        if any(stride(s, k) != size * stride(s, inner[-1]) for s in operands):
            break
        inner.insert(0, k)
        size *= shape[k]
    outer = [k for k in range(nd) if k != dim and k not in inner]
    return tuple(outer + [dim] + inner)


def gather(input: Tensor, dim: int, index: Tensor, *, sparse_grad: bool = False) -> Tensor:
    """``out[i][j] = input[i][index[i][j]]`` for ``dim=1``, and so on (``GatherBackward0``):
    ``index`` has ``input``'s number of dims, and sizes no larger apart from ``dim``.

    >>> import chainrule as torch
    >>> torch.tensor([[1, 2], [3, 4]]).gather(1, torch.tensor([[0, 0], [1, 0]]))
    tensor([[1, 1],
            [4, 3]])
    """
    idx = _tensor_arg(index, "gather", "index", 3)
    shape = input._data.shape
    d = _dim(dim, len(shape))
    if idx.size:  # torch checks nothing more for an empty index
        if idx.dtype not in _INT32_64:
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        _check_index_dims(idx, len(shape), "input")
        for i, (n, m) in enumerate(zip(idx.shape, shape)):
            if i != d and n > m:
                raise RuntimeError(f"Size does not match at dimension {i} expected index "
                                   f"{list(idx.shape)} to be no larger than self {list(shape)} "
                                   f"apart from dimension {d}")
        _check_bounds(idx, d, shape, (idx.shape, shape, idx.shape))
    return call1(D.GATHER, input, (d, idx))


def _check_scatter(input: Tensor, dim: int, idx: Any, src: Any) -> int:
    """torch's checks of scatter's arguments, in its order (none for an empty index)."""
    shape = input._data.shape
    d = _dim(dim, len(shape))
    if src is not None and src.dtype != input._data.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    if not idx.size:
        return d
    if idx.dtype not in _INT32_64:
        raise RuntimeError("scatter(): Expected dtype int32/int64 for index")
    _check_index_dims(idx, len(shape), "self")

    def size(a_shape: tuple, i: int) -> int:
        # torch's ensure_nonempty_size: a 0-d tensor has size 1, a missing dim is an error
        return a_shape[_dim(i, len(a_shape))] if a_shape else 1

    dims = range(max(len(shape), 1))
    too_big = any(i != d and size(idx.shape, i) > size(shape, i) for i in dims)
    if src is not None:
        too_big = too_big or any(size(idx.shape, i) > size(src.shape, i) for i in dims)
        if too_big:
            raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                               f"{list(shape)} apart from dimension {d} and to be no larger size "
                               f"than src {list(src.shape)}")
        _check_index_dims(idx, src.ndim, "src")
    elif too_big:
        raise RuntimeError(f"Expected index {list(idx.shape)} to be no larger than self "
                           f"{list(shape)} apart from dimension {d}")
    operands = (shape, idx.shape) if src is None else (shape, idx.shape, src.shape)
    _check_bounds(idx, d, shape, operands)
    return d


_SCATTER_REDUCE_WARNING = (
    "The reduce argument of torch.scatter with Tensor src is deprecated and will be removed in "
    "a future PyTorch release. Use torch.scatter_reduce instead for more reduction options. "
    "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
    "TensorAdvancedIndexing.cpp:225.)")
_SCATTER_REDUCE_WARNED: list = []


def scatter(input: Tensor, dim: int, index: Tensor, src: Any = None, *, value: Any = None,
            reduce: str | None = None) -> Tensor:
    """A copy of ``input`` with the entries of ``src`` (a tensor, ``ScatterBackward0``) or
    ``value`` (a number, ``ScatterBackward1``) written at ``index`` along ``dim``: the inverse
    addressing of ``gather``. Where an index repeats, the value written last stays.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).scatter(1, torch.tensor([[2], [0]]), 1.0)
    tensor([[0., 0., 1.],
            [1., 0., 0.]])
    """
    idx = _tensor_arg(index, "scatter", "index", 2)
    if src is None and value is None:
        raise TypeError("scatter() received an invalid combination of arguments - got "
                        "(int, Tensor), but expected one of:\n"
                        " * (int dim, Tensor index, Tensor src)\n"
                        " * (int dim, Tensor index, Tensor src, *, str reduce)\n"
                        " * (int dim, Tensor index, Number value)\n"
                        " * (int dim, Tensor index, Number value, *, str reduce)\n")
    if isinstance(src, Tensor):
        if reduce is not None and not _SCATTER_REDUCE_WARNED:
            _SCATTER_REDUCE_WARNED.append(True)
            warnings.warn(_SCATTER_REDUCE_WARNING, UserWarning, stacklevel=2)
        d = _check_scatter(input, dim, idx, np.asarray(src._data))
        if reduce is not None:
            return _scatter_reduce(input, src, d, idx, src._data, reduce)
        return call(D.SCATTER, (input, src), (input._data, src._data), (d, idx))
    value = src if src is not None else value
    if isinstance(value, np.generic):
        value = value.item()
    d = _check_scatter(input, dim, idx, None)
    if reduce is not None:
        return _scatter_reduce(input, None, d, idx, value, reduce)
    return call1(D.SCATTER_VALUE, input, (d, idx, value))


def _scatter_reduce(input: Tensor, src: Any, d: int, idx: Any, values: Any,
                    reduce: str) -> Tensor:
    # scatter(..., reduce=) has no derivative in torch either (its backward raises)
    if reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if grad_mode._state.grad_enabled and (input._requires_grad or (
            isinstance(src, Tensor) and src._requires_grad)):
        raise RuntimeError("derivative for aten::scatter is not implemented")
    ufunc = np.add if reduce == "add" else np.multiply
    if batching.LEVELS and any(batching.link(t) is not None for t in (input, src)) or \
            batching._array_level(idx):
        raise RuntimeError("vmap: scatter with reduce= has no batching rule in chainrule; "
                           "use scatter_add or scatter_reduce's out-of-vmap form")
    out = np.array(DI._at_least_1d(input._data))
    part = DI._src_part(values, idx) if src is not None else values
    ufunc.at(out, DI.grid(idx, d), part)
    return _make(out.reshape(input._data.shape))


def scatter_add(input: Tensor, dim: int, index: Tensor, src: Tensor) -> Tensor:
    """A copy of ``input`` with the entries of ``src`` added at ``index`` along ``dim``
    (``ScatterAddBackward0``); repeated indices add up.

    >>> import chainrule as torch
    >>> torch.zeros(3).scatter_add(0, torch.tensor([0, 0, 2]), torch.ones(3))
    tensor([2., 0., 1.])
    """
    idx = _tensor_arg(index, "scatter_add", "index", 3)
    s = _tensor_arg(src, "scatter_add", "src", 4)
    d = _check_scatter(input, dim, idx, s)
    return call(D.SCATTER_ADD, (input, src), (input._data, src._data), (d, idx))


# ---- index_add, index_copy, index_fill: along a dim, at the positions of a 1-D index -----

def _first_bad(index: Any, bad: Any) -> int:
    return int(index.reshape(-1)[np.argmax(bad.reshape(-1))])


def index_add(input: Tensor, dim: int, index: Tensor, source: Tensor, *,
              alpha: Any = 1) -> Tensor:
    """A copy of ``input`` with ``alpha * source`` added at ``index`` (1-D) along ``dim``
    (``IndexAddBackward0``); repeated indices add up.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).index_add(1, torch.tensor([2, 2]), torch.ones(2, 2), alpha=0.5)
    tensor([[0., 0., 1.],
            [0., 0., 1.]])
    """
    idx = _tensor_arg(index, "index_add", "index", 3)
    src = _tensor_arg(source, "index_add", "source", 4)
    if isinstance(alpha, Tensor) and alpha._data.ndim == 0:
        alpha = alpha._data.item()
    elif isinstance(alpha, np.generic):
        alpha = alpha.item()
    if not isinstance(alpha, (bool, int, float, complex)):
        raise TypeError(f"index_add(): argument 'alpha' must be Number, not "
                        f"{type(alpha).__name__}")
    a = input._data
    shape = a.shape
    d = _dim(dim, len(shape))
    if idx.ndim > 1:
        raise IndexError(f"index_add_(): Index is supposed to be a vector, but got dim: "
                         f"{idx.ndim} with type: {_type_name(idx)} and size: {list(idx.shape)}")
    if idx.dtype not in _INT32_64:
        raise RuntimeError(f"index_add_(): Expected dtype int32/int64 for index but got: "
                           f"{_type_name(idx)}")
    if src.dtype != a.dtype:
        raise RuntimeError(f"index_add_(): self ({_type_name(a)}) and source "
                           f"({_type_name(src)}) must have the same scalar type")
    if not (d == 0 or d < src.ndim):
        raise RuntimeError(f"index_add_(): Indexing dim {d} is out of bounds of the source "
                           f"tensor with dim {src.ndim}")
    n = src.shape[d] if src.ndim else 1
    if idx.size != n:
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({n}), for dim: {d}")
    self_sizes, src_sizes = list(shape), list(src.shape)
    if self_sizes and src_sizes:
        del self_sizes[d], src_sizes[d]
    if self_sizes != src_sizes:
        raise RuntimeError(f"source tensor shape must match self tensor shape, excluding the "
                           f"specified dimension. Got self.shape = {list(shape)} source.shape = "
                           f"{list(src.shape)}")
    size = shape[d] if shape else 1
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        # torch's kernel for a vector says less
        if len(shape) <= 1:
            raise IndexError("index out of range in self")
        raise RuntimeError(f"index {_first_bad(idx, bad)} is out of bounds for dimension {d} "
                           f"with size {size}")
    # (a 1-d index stays the same array: under vmap it may be batched)
    return call(D.INDEX_ADD, (input, source), (a, src),
                (d, idx if idx.ndim == 1 else idx.reshape(-1), alpha))


def _require(ok: Any, error: type, message: str) -> None:
    """torch's TORCH_CHECK: ``error(message)`` unless ``ok``."""
    if not ok:
        raise error(message)


def _slice_shape(sizes: list) -> str:
    return " ".join(str(n) for n in sizes)


def index_copy(input: Tensor, dim: int, index: Tensor, source: Tensor) -> Tensor:
    """A copy of ``input`` with the slices of ``source`` written at ``index`` (1-D) along
    ``dim`` (``IndexCopyBackward0``).

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).index_copy(1, torch.tensor([2, 0]), torch.ones(2, 2))
    tensor([[1., 0., 1.],
            [1., 0., 1.]])
    """
    idx = _tensor_arg(index, "index_copy", "index", 3)
    src = _tensor_arg(source, "index_copy", "source", 4)
    a = input._data
    shape = a.shape
    nd = len(shape)
    d = _dim(dim, nd)
    # torch's checks, in its order
    _require(idx.ndim <= 1, IndexError,
             f"index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})")
    _require(src.ndim or idx.size == 1, IndexError,
             f"index_copy_(): When source is scalar, index should have one element (got "
             f"{idx.size})")
    _require(src.ndim == nd or not src.ndim or not nd, IndexError,
             f"index_copy_(): When source and destination are not scalars, their "
             f"dimensionality must match. Source dimensionality ({src.ndim}), destination "
             f"dimensionality ({nd})")
    _require(idx.dtype == np.int64, RuntimeError,
             f"index_copy_(): Expected a long tensor for index, but got {_type_name(idx)}")
    _require(src.dtype == a.dtype, RuntimeError,
             f"index_copy_(): self and source expected to have the same dtype, but got (self) "
             f"{_type_name(a)} and (source) {_type_name(src)}")
    self_slice, src_slice = list(shape), list(src.shape)
    for sizes in (self_slice, src_slice):
        if d < len(sizes):
            del sizes[d]
    if self_slice != src_slice:
        raise RuntimeError(f"index_copy_(): Source/destination tensor must have same slice "
                           f"shapes. Destination slice shape: {_slice_shape(self_slice)} at "
                           f"dimension {d} and source slice shape: {_slice_shape(src_slice)} "
                           "at dimension 0.")
    if src.ndim and idx.size != src.shape[d]:
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to "
                         f"source.size(dim) ({src.shape[d]})")
    size = shape[d] if shape else 1
    bad = (idx < 0) | (idx >= size)
    if bad.any():
        raise IndexError(f"index_copy_(): index {_first_bad(idx, bad)} is out of bounds for "
                         f"dimension {d} with size {size}")
    return call(D.INDEX_COPY, (input, source), (a, src),
                (d, idx if idx.ndim == 1 else idx.reshape(-1)))


def _fill_value_error(args: tuple, method: bool) -> TypeError:
    """torch's text for an index_fill value that is neither a number nor a tensor."""
    def kind(v: Any) -> str:
        if isinstance(v, list):
            return f"list of [{', '.join(sorted({type(x).__name__ for x in v}))}]"
        return "Tensor" if isinstance(v, Tensor) else type(v).__name__

    got = [kind(v) for v in args]
    # what fits is left plain; the value, which fits neither form, is marked in both
    expected = ["int", "Tensor", None] if method else ["Tensor", "int", "Tensor", None]
    marked = [k if k == e else f"!{k}!" for k, e in zip(got, expected)]
    got = [k.partition(" of ")[0] for k in got]
    head = "" if method else "Tensor input, "
    bad = f"      didn't match because some of the arguments have invalid types: " \
          f"({', '.join(marked)})\n"
    return TypeError(f"index_fill() received an invalid combination of arguments - got "
                     f"({', '.join(got)}), but expected one of:\n"
                     f" * ({head}int dim, Tensor index, Tensor value)\n{bad}"
                     f" * ({head}int dim, Tensor index, Number value)\n{bad}")


def index_fill(input: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """A copy of ``input`` with ``value`` (a number: ``IndexFillBackward0``; a 0-d tensor:
    ``IndexFillBackward1``) at ``index`` (1-D; negative entries count from the end) along
    ``dim``.

    >>> import chainrule as torch
    >>> torch.ones(2, 3).index_fill(1, torch.tensor([0, -1]), 0.)
    tensor([[0., 1., 0.],
            [0., 1., 0.]])
    """
    if isinstance(value, np.generic):
        value = value.item()
    if not isinstance(index, Tensor) or not isinstance(value, (Tensor, bool, int, float,
                                                               complex)):
        raise _fill_value_error((input, dim, index, value), method=False)
    if isinstance(value, Tensor) and value._data.ndim:
        raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                           f"tensor with {value._data.ndim} dimension(s).")
    idx = np.asarray(index._data)
    a = input._data
    shape = a.shape
    d = _dim(dim, len(shape))
    if idx.dtype != np.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    if idx.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    size = shape[d] if shape else 1
    bad = (idx < -size) | (idx >= size)
    if bad.any():
        raise IndexError(f"index {_first_bad(idx, bad)} is out of bounds for dimension {d} with "
                         f"size {size}")
    if idx.ndim != 1:
        idx = idx.reshape(-1)
    if isinstance(value, Tensor):
        return call(D.INDEX_FILL_TENSOR, (input, value), (a, value._data), (d, idx))
    if isinstance(value, complex) and a.dtype.kind != "c":
        raise RuntimeError("index_fill_(): Converting complex Scalar to non-complex type is not "
                           "supported")
    return call1(D.INDEX_FILL, input, (d, idx, value))


def masked_scatter(input: Tensor, mask: Tensor, source: Tensor) -> Tensor:
    """``input`` (broadcast with the bool ``mask``) with the first elements of ``source``
    written, in order, where ``mask`` holds (``MaskedScatterBackward0``).

    >>> import chainrule as torch
    >>> torch.zeros(4).masked_scatter(torch.tensor([True, False, True, False]),
    ...                               torch.tensor([1., 2., 3.]))
    tensor([1., 0., 2., 0.])
    """
    m = _tensor_arg(mask, "masked_scatter", "mask", 2)
    src = _tensor_arg(source, "masked_scatter", "source", 3)
    a = input._data
    _require(m.dtype == np.bool_, RuntimeError,
             f"masked_scatter_ only supports boolean masks, but got mask with dtype "
             f"{_type_name(m)}")
    _require(src.dtype == a.dtype, RuntimeError,
             f"masked_scatter: expected self and source to have same dtypes but "
             f"got{_type_name(a)} and {_type_name(src)}")
    broadcast_check(m.shape, a.shape)
    shape = np.broadcast_shapes(m.shape, a.shape)
    _require(np.count_nonzero(np.broadcast_to(m, shape)) <= src.size, RuntimeError,
             "Number of elements of source < number of ones in mask")
    return call(D.MASKED_SCATTER, (input, source), (a, src), (m,))


def take_along_dim(input: Tensor, indices: Tensor, dim: int | None = None) -> Tensor:
    """The entries of ``input`` at ``indices`` along ``dim``, the two broadcast against each
    other apart from ``dim`` (as after ``argsort``/``argmax`` with keepdim); without ``dim``,
    ``input`` is read flattened.

    >>> import chainrule as torch
    >>> x = torch.tensor([[10, 30, 20]])
    >>> torch.take_along_dim(x, x.argsort(dim=1), dim=1)
    tensor([[10, 20, 30]])
    """
    from .shape import expand, view

    idx = _tensor_arg(indices, "take_along_dim", "indices", 2)
    if dim is None:
        # torch: input.view(-1).gather(0, indices.view(-1))
        return gather(view(input, -1), 0, view(indices, -1))
    shape = input._data.shape
    if idx.ndim != len(shape):
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {len(shape)} dimensions for input, "
                           f"and {idx.ndim} dimensions for indices")
    if idx.dtype != np.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{_type_name(idx)}")
    d = _dim(dim, len(shape))
    if not shape:
        raise IndexError(f"Dimension specified as {d} but tensor has no dimensions")
    # indices broadcast to input's shape apart from dim, input to indices' apart from dim
    self_sizes = list(shape)
    self_sizes[d] = idx.shape[d]
    broadcast_check(tuple(self_sizes), idx.shape)
    idx_b = np.broadcast_to(idx, np.broadcast_shapes(tuple(self_sizes), idx.shape))
    idx_sizes = list(idx.shape)
    idx_sizes[d] = shape[d]
    broadcast_check(tuple(idx_sizes), shape)
    source = expand(input, np.broadcast_shapes(tuple(idx_sizes), shape))
    size = source._data.shape[d]
    if size == 0 and idx_b.size:
        raise RuntimeError("ZeroDivisionError")
    # torch wraps every index into range (Python's modulo), so no index is out of bounds
    idx_b = np.mod(idx_b, size) if idx_b.size else np.array(idx_b)
    return call1(D.GATHER, source, (d, idx_b))


def masked_select(input: Tensor, mask: Tensor) -> Tensor:
    """The entries of ``input`` where the bool ``mask`` holds, the two broadcast, as a 1-D
    tensor (``MaskedSelectBackward0``).

    >>> import chainrule as torch
    >>> x = torch.tensor([[1, -2], [-3, 4]])
    >>> x.masked_select(x > 0)
    tensor([1, 4])
    """
    m = _tensor_arg(mask, "masked_select", "mask", 2)
    if m.dtype != np.bool_:
        raise RuntimeError("masked_select: expected BoolTensor for mask")
    broadcast_check(m.shape, input._data.shape)
    return call1(D.MASKED_SELECT, input, (m,))


def take(input: Tensor, index: Tensor) -> Tensor:
    """The entries of ``input`` read as 1-D at ``index`` (negative ones count from the end),
    in ``index``'s shape (``TakeBackward0``).

    >>> import chainrule as torch
    >>> torch.tensor([[1, 2], [3, 4]]).take(torch.tensor([0, -1]))
    tensor([1, 4])
    """
    idx = _tensor_arg(index, "take", "index", 2)
    if idx.dtype != np.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got {_type_name(idx)}")
    n = input._data.size
    if n == 0 and idx.size:
        raise IndexError("take(): tried to take from an empty tensor")
    outside = ((idx < -n) | (idx >= n)).reshape(-1)
    if outside.any():
        bad = int(idx.reshape(-1)[np.argmax(outside)])
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} "
                         "elements.")
    return call1(D.TAKE, input, (idx,))


# ---- positions (no gradient) -----------------------------------------------------------------

def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The positions of the nonzero entries: an int64 tensor of shape (count, ndim), or with
    ``as_tuple`` one 1-D tensor per dim (a 0-d tensor counting as 1-D).

    >>> import chainrule as torch
    >>> torch.tensor([[0, 1], [2, 0]]).nonzero()
    tensor([[0, 1],
            [1, 0]])
    """
    batching.check_dynamic("nonzero", input)
    data = np.asarray(input._data)
    if as_tuple:
        if data.ndim == 0:
            data = data.reshape(1)
        return tuple(_make(a.astype(np.int64)) for a in np.nonzero(data))
    return _make(np.argwhere(data).astype(np.int64))


def argwhere(input: Tensor) -> Tensor:
    """``nonzero(input)``: the positions of the nonzero entries, one row each."""
    return nonzero(input)


# ---- the namespace recorded formulas use (create_graph=True) ---------------------------------

def _graph_gather_backward(g: Tensor, shape: tuple, dim: int, index: Any) -> Tensor:
    # torch: zeros(shape).scatter_add(dim, index, grad), recorded as ScatterAddBackward0
    zeros = np.zeros(shape, g._data.dtype)
    return call(D.SCATTER_ADD, (_make(zeros), g), (zeros, g._data), (dim, index))


def _graph_index_select_backward(g: Tensor, shape: tuple, dim: int, index: Any) -> Tensor:
    # torch: zeros(shape).index_add_(dim, index, grad), recorded as IndexAddBackward0
    zeros = np.zeros(shape, g._data.dtype)
    return call(D.INDEX_ADD, (_make(zeros), g), (zeros, g._data), (dim, index, 1))


def _graph_masked_select_backward(g: Tensor, shape: tuple, mask: Any) -> Tensor:
    # torch: zeros of the broadcast shape, masked_scatter_(mask, grad)
    zeros = np.zeros(np.broadcast_shapes(tuple(shape), np.shape(mask)), g._data.dtype)
    return call(D.MASKED_SCATTER, (_make(zeros), g), (zeros, g._data), (mask,))


def _graph_masked_scatter_backward(g: Tensor, mask: Any, shape: tuple) -> Tensor:
    # torch: grad.masked_select(mask), zeros appended up to source's size, viewed as source
    from .._creation import zeros
    from .shape import cat, view

    taken = call1(D.MASKED_SELECT, g, (mask,))
    missing = math.prod(shape) - taken._data.size
    if missing > 0:
        taken = cat([taken, zeros(missing, dtype=taken.dtype)])
    return view(taken, tuple(shape))


GRAPH.index_select = lambda g, dim, index: call1(D.INDEX_SELECT, g, (dim, index))
GRAPH.index_select_backward = _graph_index_select_backward
GRAPH.index_fill = lambda g, dim, index, value: call1(D.INDEX_FILL, g, (dim, index, value))
GRAPH.masked_scatter_backward = _graph_masked_scatter_backward
GRAPH.gather = lambda g, dim, index: call1(D.GATHER, g, (dim, index))
GRAPH.gather_backward = _graph_gather_backward
GRAPH.scatter_value = lambda g, dim, index, value: call1(D.SCATTER_VALUE, g, (dim, index, value))
GRAPH.masked_select = lambda g, mask: call1(D.MASKED_SELECT, g, (mask,))
GRAPH.masked_select_backward = _graph_masked_select_backward
GRAPH.take = lambda g, index: call1(D.TAKE, g, (index,))
GRAPH.take_backward = lambda g, shape, index: call1(D.PUT_BACKWARD, g, (shape, index))

NUMPY.index_select = DI.index_select_forward
NUMPY.index_select_backward = DI.index_select_backward_array
NUMPY.gather = DI.gather_forward
NUMPY.gather_backward = DI.gather_backward_array
NUMPY.scatter_value = DI.scatter_value_forward
NUMPY.masked_select = DI.masked_select_forward
NUMPY.masked_select_backward = lambda g, shape, mask: DI.masked_scatter_forward(
    np.zeros(np.broadcast_shapes(tuple(shape), np.shape(mask)), g.dtype), g, mask)
NUMPY.masked_scatter_backward = DI.masked_scatter_backward_array
NUMPY.index_fill = DI.index_fill_forward
NUMPY.take = DI.take_forward
NUMPY.take_backward = DI.take_backward_array

__all__ = ["argwhere", "gather", "index_add", "index_copy", "index_fill", "index_select",
           "masked_scatter", "masked_select", "narrow", "nonzero", "scatter", "scatter_add",
           "select", "take", "take_along_dim", "unsqueeze"]


def _method(f: Any, *tensor_args: tuple) -> Any:
    """The Tensor method of ``f``. torch numbers a method's arguments after ``self``, so the
    type errors of its tensor arguments (name, position) are raised here first."""
    def method(self: Tensor, *args: Any, **kwargs: Any) -> Any:
        for name, pos in tensor_args:
            given = len(args) >= pos
            v = args[pos - 1] if given else kwargs.get(name, _ABSENT)
            if v is not _ABSENT and not isinstance(v, Tensor):
                where = f" (position {pos})" if given else ""
                raise TypeError(f"{f.__name__}(): argument '{name}'{where} must be Tensor, not "
                                f"{type(v).__name__}")
        return f(self, *args, **kwargs)

    method.__name__ = method.__qualname__ = f.__name__
    method.__doc__ = f.__doc__
    return method


_ABSENT = object()


def _index_fill_method(self: Tensor, dim: int, index: Tensor, value: Any) -> Tensor:
    """``index_fill``: torch describes a bad value with the method's arguments."""
    if not isinstance(index, Tensor) or not isinstance(value, (Tensor, bool, int, float,
                                                               complex, np.generic)):
        raise _fill_value_error((dim, index, value), method=True)
    return index_fill(self, dim, index, value)


_index_fill_method.__name__ = "index_fill"

METHODS = {"select": select, "unsqueeze": unsqueeze, "__getitem__": getitem, "narrow": narrow,
           "index_select": _method(index_select, ("index", 2)),
           "gather": _method(gather, ("index", 2)), "scatter": scatter,
           "scatter_add": _method(scatter_add, ("index", 2), ("src", 3)),
           "take_along_dim": _method(take_along_dim, ("indices", 1)),
           "masked_select": _method(masked_select, ("mask", 1)),
           "take": _method(take, ("index", 1)), "nonzero": nonzero, "argwhere": argwhere,
           "index_add": _method(index_add, ("index", 2), ("source", 3)),
           "index_copy": _method(index_copy, ("index", 2), ("source", 3)),
           "index_fill": _index_fill_method,
           "masked_scatter": _method(masked_scatter, ("mask", 1), ("source", 2))}
