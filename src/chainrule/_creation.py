"""Creating tensors: from data (torch's dtype inference) and by factory functions."""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

from . import _dtypes
from ._backend import generic, laid_out_as, ndarray, np, preserved_axes
from ._dtypes import DEFAULT, stored_value
from ._dtypes import dtype as _dtype
from ._tensor import SCALAR_GRAD_WARNING, Size, Tensor, _make, _storage, contiguous_format, device
from .autograd.grad_mode import INFERENCE_ACTIVE

_new = object.__new__

_device = device

_GRAD_DTYPE_MSG = "Only Tensors of floating point and complex dtype can require gradients"
_COPY_WARNING = (
    "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() or "
    "sourceTensor.detach().clone().requires_grad_(True), rather than torch.tensor(sourceTensor)."
)
# bool < int < float < complex: the kind a list of Python numbers infers
_KIND = {bool: 0, int: 1, float: 2, complex: 3}


def _finish(data: Any, requires_grad: bool, dev: Any = None) -> Tensor:
    if dev is not None:
        device(dev)
    t = _make(data)
    if requires_grad:
        if data.dtype.kind not in "fc":
            raise RuntimeError(_GRAD_DTYPE_MSG)
        t._requires_grad = True
    return t


def _np_dtype(d: Any) -> Any:
    if d is None:
        return None
    if isinstance(d, _dtype):
        return d.np
    raise TypeError(f"dtype must be torch.dtype, not {type(d).__name__}")


def tensor(data: Any, *, dtype: _dtype | None = None, device: Any = None,
           requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (a number, a nested list, an array, a tensor).

    Python floats give ``float32``, Python ints ``int64``, NumPy arrays keep their dtype.

    >>> import chainrule as torch
    >>> torch.tensor([[1, 2], [3, 4]])
    tensor([[1, 2],
            [3, 4]])
    >>> torch.tensor(2.0, requires_grad=True)
    tensor(2., requires_grad=True)
    """
    if data.__class__ is float and dtype is None and device is None and \
            not INFERENCE_ACTIVE[0]:
        # the lab's torch.tensor(2.0, requires_grad=True), kept short: _make inline
        out = _new(Tensor)
        out._data = DEFAULT.float.type(data)
        out._requires_grad = requires_grad is True or bool(requires_grad)
        out._grad_fn = None
        out._grad = None
        out._output_nr = 0
        out._aux = None
        out._acc = None
        return out
    want = _np_dtype(dtype)
    t = type(data)
    if t is float:
        arr = (DEFAULT.float if want is None else want).type(data)
    elif isinstance(data, Tensor):
        warnings.warn(_COPY_WARNING, UserWarning, stacklevel=2)
        arr = np.array(data._data, dtype=want, copy=True)
    elif isinstance(data, ndarray):
        if want is None:
            _dtypes.from_np(data.dtype)
        arr = np.array(data, dtype=want, copy=True)
    elif isinstance(data, generic):
        if want is None:
            _dtypes.from_np(data.dtype)
        arr = np.asarray(data, dtype=want).copy()[()]
    else:
        arr = _from_python(data, want)
    return _finish(arr if arr.ndim or isinstance(arr, generic) else arr[()], requires_grad,
                   device)


def _from_python(data: Any, want: Any) -> Any:
    """Nested sequences of numbers (or one-element tensors) to an array, with torch's checks."""
    if isinstance(data, (bool, int, float, complex)):
        kind = _KIND[type(data)] if type(data) in _KIND else _kind_of(data)
        return _array(data, want or _kind_dtype(kind))[()]
    shape: list[int] = []
    level = [data]
    depth = 0
    while True:
        seqs = [isinstance(x, (list, tuple)) for x in level]
        if not builtins.any(seqs):
            break
        if not builtins.all(seqs):
            bad = next(x for x, s in zip(level, seqs) if not s)
            if isinstance(bad, Tensor) and bad._data.ndim:
                raise ValueError("only one element tensors can be converted to Python scalars")
            raise TypeError("not a sequence")
        n = len(level[0])
        for x in level:
            if len(x) != n:
                raise ValueError(f"expected sequence of length {n} at dim {depth} (got {len(x)})")
        shape.append(n)
        level = [y for x in level for y in x]
        depth += 1
    kind = 0 if level else 2
    values = []
    typed = set()  # the dtypes of NumPy scalars and one-element tensors among the values
    for x in level:
        if isinstance(x, Tensor):
            if x._data.size != 1:
                raise ValueError("only one element tensors can be converted to Python scalars")
            if x._requires_grad:
                warnings.warn(SCALAR_GRAD_WARNING, UserWarning, stacklevel=4)
            typed.add(x._data.dtype)
            values.append(x._data.item() if x._data.ndim == 0 else x._data.flat[0].item())
            continue
        k = _KIND.get(type(x))
        if k is None:
            k = _kind_of(x)
            if isinstance(x, generic):
                typed.add(x.dtype)
                values.append(x)
                continue
        kind = builtins.max(kind, k)
        values.append(x)
    if want is None:
        # torch promotes the values' own types: a Python number's default dtype, a NumPy
        # scalar's or a tensor's dtype ([np.int32(1)] stays int32, [np.float16(1), 2] float16)
        # (the Python numbers' kind starts at bool, which promotes to anything)
        want = _kind_dtype(kind)
        for d in typed:
            want = _dtypes.promote_np(want, d)
    return _array(values, want).reshape(shape)


def _array(values: Any, dt: Any) -> Any:
    """``values`` (Python numbers) as an array of ``dt``. NumPy refuses an int outside an integer
    dtype's range; torch refuses one beyond int64, and one that ``dt`` can't hold, except a
    negative int for an unsigned dtype (down to -max), which wraps."""
    try:
        return np.array(values, dtype=dt)
    except OverflowError:
        pass
    lo, hi = (int(v) for v in (np.iinfo(dt).min, np.iinfo(dt).max))
    fitted = []
    for v in (values if isinstance(values, list) else [values]):
        if isinstance(v, int) and not isinstance(v, bool) and not lo <= v <= hi:
            if not -2**63 <= v < 2**63:
                raise ValueError("Overflow when unpacking long long")
            if not (lo == 0 and -hi <= v < 0):
                raise RuntimeError(f"value cannot be converted to type {dt.name} without "
                                   f"overflow")
            v += hi + 1
        fitted.append(v)
    return np.array(fitted if isinstance(values, list) else fitted[0], dtype=dt)


def _kind_of(x: Any) -> int:
    if isinstance(x, (bool, np.bool_)):
        return 0
    if isinstance(x, (int, np.integer)):
        return 1
    if isinstance(x, (float, np.floating)):
        return 2
    if isinstance(x, (complex, np.complexfloating)):
        return 3
    raise TypeError(f"Could not infer dtype of {type(x).__name__}")


def _kind_dtype(kind: int) -> Any:
    return (np.dtype(np.bool_), np.dtype(np.int64), DEFAULT.float, DEFAULT.complex)[kind]


def as_tensor(data: Any, dtype: _dtype | None = None, device: Any = None) -> Tensor:
    """Like ``tensor``, but shares memory with a tensor or NumPy array when it can."""
    want = _np_dtype(dtype)
    if isinstance(data, Tensor):
        return data if want is None or want == data._data.dtype else data.to(dtype)
    if isinstance(data, ndarray):
        if want is None:
            _dtypes.from_np(data.dtype)
        return _make(data if want is None or want == data.dtype else data.astype(want))
    return tensor(data, dtype=dtype, device=device)


asarray = as_tensor


def from_numpy(ndarray_: Any) -> Tensor:
    """A tensor sharing memory with a NumPy array (it keeps the array's dtype)."""
    if not isinstance(ndarray_, ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray_).__name__})")
    _dtypes.from_np(ndarray_.dtype)
    return _make(ndarray_)


# ---- factories --------------------------------------------------------------------------

def _size(size: tuple, name: str = "") -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list, Size)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"expected a sequence of integers or a single integer, got "
                            f"'{type(s).__name__}'")
        if s < 0:
            if name:  # torch checks these few factories by name
                raise RuntimeError(f"{name}: Dimension size must be non-negative.")
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: "
                               f"{list(size)}")
    return tuple(int(s) for s in size)


def _filled(size: tuple, value: Any, np_dtype: Any, requires_grad: bool, dev: Any) -> Tensor:
    arr = np.full(size, value, dtype=np_dtype) if size else np_dtype.type(value)
    return _finish(arr, requires_grad, dev)


def zeros(*size: Any, out: Any = None, dtype: _dtype | None = None, layout: Any = None,
          device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3)
    tensor([[0., 0., 0.],
            [0., 0., 0.]])
    """
    return _filled(_size(size, "zeros"), 0, _np_dtype(dtype) or DEFAULT.float, requires_grad,
                   device)


def ones(*size: Any, out: Any = None, dtype: _dtype | None = None, layout: Any = None,
         device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones."""
    return _filled(_size(size), 1, _np_dtype(dtype) or DEFAULT.float, requires_grad, device)


def empty(*size: Any, out: Any = None, dtype: _dtype | None = None, layout: Any = None,
          device: Any = None, requires_grad: bool = False, memory_format: Any = None) -> Tensor:
    """An uninitialised tensor."""
    d = _np_dtype(dtype) or DEFAULT.float
    shape = _size(size)
    return _finish(np.empty(shape, d) if shape else d.type(0), requires_grad, device)


def _fill_dtype(value: Any) -> Any:
    if isinstance(value, Tensor):
        return value._data.dtype
    return _kind_dtype(_KIND.get(type(value)) if type(value) in _KIND else _kind_of(value))


def full(size: Any, fill_value: Any, *, out: Any = None, dtype: _dtype | None = None,
         layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value`` (its dtype inferred from the value)."""
    d = _np_dtype(dtype) or _fill_dtype(fill_value)
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    fill_value = stored_value(fill_value, d)
    return _filled(_size((size,)), fill_value, d, requires_grad, device)


def _batched_like(out: Tensor, input: Tensor) -> Tensor:
    """Inside vmap, ``*_like`` of a batched tensor is batched as it is."""
    from ._ops import batching

    return batching.like(out, input) if batching.LEVELS else out


def _like(input: Tensor, dtype: Any) -> Any:
    return _np_dtype(dtype) or input._data.dtype


def _filled_like(input: Tensor, value: Any, dtype: Any, requires_grad: bool, dev: Any,
                 memory_format: Any) -> Tensor:
    """``value`` in ``input``'s shape, laid out as ``input`` (torch's preserve_format, the
    default) or row-major (``contiguous_format``)."""
    d = _like(input, dtype)
    a = input._data
    order = None if memory_format is contiguous_format else preserved_axes(a)
    if order is None:
        out = _filled(a.shape, value, d, requires_grad, dev)
    else:
        out = _finish(laid_out_as(lambda shape: np.full(shape, value, dtype=d), order, a.shape),
                      requires_grad, dev)
    return _batched_like(out, input)


def zeros_like(input: Tensor, *, dtype: _dtype | None = None, layout: Any = None,
               device: Any = None, requires_grad: bool = False,
               memory_format: Any = None) -> Tensor:
    """Zeros of ``input``'s shape and dtype."""
    return _filled_like(input, 0, dtype, requires_grad, device, memory_format)


def ones_like(input: Tensor, *, dtype: _dtype | None = None, layout: Any = None,
              device: Any = None, requires_grad: bool = False,
              memory_format: Any = None) -> Tensor:
    """Ones of ``input``'s shape and dtype."""
    return _filled_like(input, 1, dtype, requires_grad, device, memory_format)


def empty_like(input: Tensor, *, dtype: _dtype | None = None, layout: Any = None,
               device: Any = None, requires_grad: bool = False,
               memory_format: Any = None) -> Tensor:
    """An uninitialised tensor of ``input``'s shape and dtype."""
    return _filled_like(input, 0, dtype, requires_grad, device, memory_format)


def full_like(input: Tensor, fill_value: Any, *, dtype: _dtype | None = None,
              layout: Any = None, device: Any = None, requires_grad: bool = False,
              memory_format: Any = None) -> Tensor:
    """``fill_value`` in ``input``'s shape and dtype."""
    value = stored_value(fill_value, _like(input, dtype))
    return _filled_like(input, value, dtype, requires_grad, device, memory_format)


def _number(x: Any) -> Any:
    return x.item() if isinstance(x, (Tensor, generic)) else x


# ---- Tensor.new_*: factories that take their dtype from the tensor --------------------------

_MISSING = object()
# torch's C++ names of the types a complex fill value cannot be converted to
_CPP_TYPES = {"float16": "c10::Half", "float32": "float", "float64": "double",
              "int8": "int8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t",
              "uint8": "uint8_t", "bool": "bool"}


def _int_like(v: Any) -> Any:
    """``v`` as an int where torch's argument parser takes it as one (an integer, a NumPy
    integer, an integer tensor of one element), else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, Tensor) and v._data.dtype.kind in "iu" and v._data.size == 1:
        return int(v._data.reshape(-1)[0])
    return None


def _new_size(fn: str, args: tuple, size: Any, sequence_only: bool = False) -> tuple:
    """The sizes of ``x.new_zeros(2, 3)``, ``x.new_zeros((2, 3))`` or ``size=(2, 3)``, with
    torch's argument errors; ``sequence_only`` (new_full) refuses a bare int."""
    if size is not _MISSING:
        if args:
            raise TypeError(f"{fn}() got multiple values for argument 'size'")
        where = ""
        items = size
    else:
        if not args:
            raise TypeError(f'{fn}() missing 1 required positional arguments: "size"')
        where = " (position 1)"
        items = args[0] if len(args) == 1 else args
    if not isinstance(items, (tuple, list)) or (sequence_only and isinstance(items, int)):
        n = _int_like(items)
        if n is None or sequence_only or where == "":
            raise TypeError(f"{fn}(): argument 'size'{where} must be tuple of ints, not "
                            f"{type(items).__name__}")
        items = (n,)
    shape = []
    for pos, v in enumerate(items, 1):
        n = _int_like(v)
        if n is None:
            raise TypeError(f"{fn}(): argument 'size' failed to unpack the object at pos {pos} "
                            f"with error \"type must be tuple of ints,but got "
                            f"{type(v).__name__}\"")
        shape.append(n)
    for n in shape:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {shape}")
    return tuple(shape)


def _new_options(fn: str, self: Tensor, dtype: Any, requires_grad: Any) -> Any:
    """The NumPy dtype of a ``new_*`` result: ``dtype``, or the tensor's own."""
    if dtype is not None and not isinstance(dtype, _dtype):
        raise TypeError(f"{fn}(): argument 'dtype' must be torch.dtype, not "
                        f"{type(dtype).__name__}")
    if not isinstance(requires_grad, bool):
        raise TypeError(f"{fn}(): argument 'requires_grad' must be bool, not "
                        f"{type(requires_grad).__name__}")
    return self._data.dtype if dtype is None else dtype.np


def _new_filled(name: str, value: Any, doc: str) -> Any:
    """``Tensor.new_zeros`` and its kin: ``value`` (None: uninitialised) in a tensor of the
    given size, in the tensor's dtype unless ``dtype`` says otherwise."""
    def new(self: Tensor, *args: Any, size: Any = _MISSING, dtype: _dtype | None = None,
            device: Any = None, requires_grad: bool = False, layout: Any = None,
            pin_memory: bool = False) -> Tensor:
        shape = _new_size(name, args, size)
        d = _new_options(name, self, dtype, requires_grad)
        if value is None:
            return _finish(np.empty(shape, d) if shape else d.type(0), requires_grad, device)
        return _filled(shape, value, d, requires_grad, device)

    new.__name__ = new.__qualname__ = name
    new.__doc__ = doc
    return new


new_zeros = _new_filled("new_zeros", 0, """Zeros of the given size (ints, a sequence or
    ``size=``), in this tensor's dtype unless ``dtype`` says otherwise.

    >>> import chainrule as torch
    >>> torch.ones(2, dtype=torch.float64).new_zeros(2, 3)
    tensor([[0., 0., 0.],
            [0., 0., 0.]], dtype=torch.float64)
    """)
new_ones = _new_filled("new_ones", 1, """Ones of the given size, in this tensor's dtype unless
    ``dtype`` says otherwise.

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).new_ones((3,))
    tensor([1, 1, 1])
    """)
new_empty = _new_filled("new_empty", None, """An uninitialised tensor of the given size, in this
    tensor's dtype unless ``dtype`` says otherwise.

    >>> import chainrule as torch
    >>> torch.ones(2).new_empty(2, 3).shape
    torch.Size([2, 3])
    """)


def new_full(self: Tensor, size: Any = _MISSING, fill_value: Any = _MISSING, *,
             dtype: _dtype | None = None, device: Any = None, requires_grad: bool = False,
             layout: Any = None, pin_memory: bool = False) -> Tensor:
    """``fill_value`` in a tensor of ``size`` (a sequence), in this tensor's dtype unless
    ``dtype`` says otherwise (the value is converted to it, not inferred from it).

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).new_full((2,), 3.7)
    tensor([3, 3])
    """
    if size is _MISSING:
        raise TypeError('new_full() missing 1 required positional arguments: "size"')
    shape = _new_size("new_full", (size,), _MISSING, sequence_only=True)
    if fill_value is _MISSING:
        raise TypeError('new_full() missing 1 required positional arguments: "fill_value"')
    value = fill_value
    if isinstance(value, Tensor) and value._data.ndim == 0:
        value = value._data.item()
    elif isinstance(value, generic):
        value = value.item()
    if not isinstance(value, (bool, int, float, complex)):
        raise TypeError(f"new_full(): argument 'fill_value' (position 2) must be Number, not "
                        f"{type(fill_value).__name__}")
    d = _new_options("new_full", self, dtype, requires_grad)
    if isinstance(value, complex) and d.kind != "c":
        if value.imag:
            raise RuntimeError(f"value cannot be converted to type {_CPP_TYPES[d.name]} "
                               "without overflow")
        value = value.real
    return _filled(shape, value, d, requires_grad, device)


def new_tensor(self: Tensor, data: Any = _MISSING, *, dtype: _dtype | None = None,
               device: Any = None, requires_grad: bool = False, layout: Any = None,
               pin_memory: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data``, in this tensor's dtype unless ``dtype`` says
    otherwise; given a tensor, it copies it with torch's warning.

    >>> import chainrule as torch
    >>> torch.ones(2, dtype=torch.float64).new_tensor([1, 2])
    tensor([1., 2.], dtype=torch.float64)
    """
    if data is _MISSING:
        raise TypeError('new_tensor() missing 1 required positional arguments: "data"')
    if isinstance(data, str):
        raise TypeError("new(): invalid data type 'str'")
    want = _dtypes.FROM_NP[_new_options("new_tensor", self, dtype, requires_grad)]
    if isinstance(data, Tensor):
        warnings.warn(_COPY_WARNING.replace("torch.tensor(", "tensor.new_tensor("), UserWarning,
                      stacklevel=2)
        data = data._data
    return tensor(data, dtype=want, device=device, requires_grad=requires_grad)


def arange(start: Any = 0, end: Any = None, step: Any = 1, *, out: Any = None,
           dtype: _dtype | None = None, layout: Any = None, device: Any = None,
           requires_grad: bool = False) -> Tensor:
    """``start, start + step, ...`` up to (not including) ``end``. All-integer arguments give
    ``int64``, otherwise the default float.

    >>> import chainrule as torch
    >>> torch.arange(5)
    tensor([0, 1, 2, 3, 4])
    """
    if end is None:
        start, end = 0, start
    start, end, step = (_dtypes.int_scalar(v) if isinstance(v, int) else v
                        for v in (_number(start), _number(end), _number(step)))
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    integral = builtins.all(isinstance(v, int) for v in (start, end, step))
    d = _np_dtype(dtype) or (np.dtype(np.int64) if integral else DEFAULT.float)
    n = math.ceil((end - start) / step)
    if d.kind in "iub":
        for v in (start, end, step):
            stored_value(v, np.dtype(np.int64))
        arr = (np.arange(n, dtype=np.int64) * int(step) + int(start)).astype(d)
    else:
        # torch steps in double and rounds each value once to the output dtype
        arr = (np.arange(n, dtype=np.float64) * step + start).astype(d)
    return _finish(arr, requires_grad, device)


def linspace(start: Any, end: Any, steps: int, *, out: Any = None, dtype: _dtype | None = None,
             layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    >>> import chainrule as torch
    >>> torch.linspace(0, 1, 5)
    tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    start, end = _number(start), _number(end)
    if steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = _np_dtype(dtype) or DEFAULT.float
    if d.kind in "iu":
        arr = np.linspace(start, end, steps).astype(d)
    elif steps == 1:
        arr = np.full(1, start, dtype=d)
    else:
        # torch's kernel: the step in the output dtype; the first half counted up from start
        # and the second half down from end, so both ends are exact; each value rounded once
        # (a fused multiply-add), which a wider dtype reproduces: exactly for float32, the
        # default, and to within one unit in the last place for float64 and float16
        wide = _WIDER[d]
        s, e = d.type(start), d.type(end)
        step = (e - s) / d.type(steps - 1)
        i = np.arange(steps)
        arr = np.where(i < steps // 2, wide(s) + wide(step) * i,
                       wide(e) - wide(step) * (steps - 1 - i)).astype(d)
    return _finish(arr, requires_grad, device)


_WIDER = {np.dtype(np.float16): np.float32, np.dtype(np.float32): np.float64,
          np.dtype(np.float64): np.longdouble, np.dtype(np.complex64): np.complex128,
          np.dtype(np.complex128): np.clongdouble}


def _tri_indices(name: str, row: int, col: int, offset: int, dtype: Any, upper: bool) -> Any:
    d = _np_dtype(dtype) or np.dtype(np.int64)
    if d.kind not in "iu" or d.itemsize < 4:
        raise NotImplementedError(f'"{name}" not implemented for '
                                  f"'{_dtypes.SCALAR_NAMES.get(d.name, d.name)}'")
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    rows, cols = (np.triu_indices if upper else np.tril_indices)(row, offset, col)
    return _make(np.stack([rows, cols]).astype(d))


def tril_indices(row: int, col: int, offset: int = 0, *, dtype: _dtype | None = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The (row, column) coordinates of the lower triangle of a ``row`` x ``col`` matrix
    (on and below diagonal ``offset``), row by row, as a 2 x N tensor.

    >>> import chainrule as torch
    >>> torch.tril_indices(2, 2)
    tensor([[0, 1, 1],
            [0, 0, 1]])
    """
    return _tri_indices("tril_indices", row, col, offset, dtype, False)


def triu_indices(row: int, col: int, offset: int = 0, *, dtype: _dtype | None = None,
                 device: Any = None, layout: Any = None) -> Tensor:
    """The (row, column) coordinates of the upper triangle of a ``row`` x ``col`` matrix
    (on and above diagonal ``offset``), row by row, as a 2 x N tensor."""
    return _tri_indices("triu_indices", row, col, offset, dtype, True)


def eye(n: int, m: int | None = None, *, out: Any = None, dtype: _dtype | None = None,
        layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """The ``n`` by ``m`` identity matrix."""
    return _finish(np.eye(n, m, dtype=_np_dtype(dtype) or DEFAULT.float), requires_grad, device)


# ---- random -----------------------------------------------------------------------------

class _LazyRandom:
    """The generator module, imported on first use: numpy.random is a large import."""

    def __getattr__(self, name: str) -> Any:
        from . import _random as module

        globals()["_random"] = module
        return getattr(module, name)


_random: Any = _LazyRandom()

def manual_seed(seed: int) -> Any:
    """Seeds the random number generator; the same calls then give torch's numbers."""
    _random.manual_seed(int(seed))
    return default_generator


def seed() -> int:
    return _random.seed()


def initial_seed() -> int:
    return _random.initial_seed()


class Generator:
    """A random number generator with its own state, as ``torch.Generator``.

    ``Generator()`` starts from torch's default seed; ``default_generator`` (what
    ``manual_seed`` returns) is the global one that functions without ``generator=`` use.

    >>> g = Generator().manual_seed(0)
    >>> randperm(4, generator=g).tolist()
    [0, 1, 3, 2]
    """

    __slots__ = ("_engine",)

    def __init__(self, device: Any = "cpu") -> None:
        self._engine = _random.Engine()

    @classmethod
    def _default(cls) -> Generator:
        g = cls.__new__(cls)
        g._engine = None  # the module-level state of _random
        return g

    @property
    def device(self) -> Any:
        return device("cpu")

    def manual_seed(self, seed: int) -> Generator:
        with _random.using(self._engine):
            _random.manual_seed(int(seed))
        return self

    def seed(self) -> int:
        with _random.using(self._engine):
            return _random.seed()

    def initial_seed(self) -> int:
        with _random.using(self._engine):
            return _random.initial_seed()

    def get_state(self) -> Any:
        with _random.using(self._engine):
            return _random.get_state()

    def set_state(self, state: Any) -> Generator:
        with _random.using(self._engine):
            _random.set_state(state)
        return self


def _engine(generator: Generator | None) -> Any:
    """The state to draw from: None (the default generator's) when no generator is given."""
    return None if generator is None else generator._engine


# prints as torch's generator does
Generator.__module__ = "torch._C"
default_generator = Generator._default()


def get_rng_state() -> Any:
    return _random.get_state()


def set_rng_state(state: Any) -> None:
    _random.set_state(state)


def rand(*size: Any, generator: Any = None, out: Any = None, dtype: _dtype | None = None,
         layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Uniform samples from [0, 1)."""
    shape = _size(size)
    d = _np_dtype(dtype) or DEFAULT.float
    with _random.using(_engine(generator)):
        return _drawn(lambda s: _random.rand(s, d), shape, requires_grad, device)


def randn(*size: Any, generator: Any = None, out: Any = None, dtype: _dtype | None = None,
          layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples."""
    shape = _size(size)
    d = _np_dtype(dtype) or DEFAULT.float
    with _random.using(_engine(generator)):
        return _drawn(lambda s: _random.randn(s, d), shape, requires_grad, device)


def randint(*args: Any, generator: Any = None, out: Any = None, dtype: _dtype | None = None,
            layout: Any = None, device: Any = None, requires_grad: bool = False,
            size: Any = None) -> Tensor:
    """Integers uniform in [low, high): ``randint(high, size)`` or ``randint(low, high, size)``."""
    if size is not None:
        args = args + (size,)
    if len(args) == 2:
        low, (high, size) = 0, args
    elif len(args) == 3:
        low, high, size = args
    else:
        raise TypeError("randint() received an invalid combination of arguments")
    if low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= "
                           f"to={high}")
    d = _np_dtype(dtype) or np.dtype(np.int64)
    with _random.using(_engine(generator)):
        return _drawn(lambda s: _random.randint(int(low), int(high), s, d), _size((size,)),
                      requires_grad, device)


def randperm(n: int, *, generator: Any = None, out: Any = None, dtype: _dtype | None = None,
             layout: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """A random permutation of ``0 .. n-1``."""
    d = _np_dtype(dtype) or np.dtype(np.int64)
    with _random.using(_engine(generator)):
        perm = _random.randperm(int(n), d)
    return _finish(perm, requires_grad, device)


def _drawn(draw: Any, shape: tuple, requires_grad: bool, dev: Any) -> Tensor:
    """A tensor of ``draw(shape)``; inside vmap, drawn per torch's ``randomness``."""
    from ._ops import batching

    if batching.LEVELS:
        if dev is not None:
            device(dev)
        t = batching.random_tensor(draw, shape)
        if requires_grad:
            t.requires_grad_()
        return t
    return _finish(_scalarise(draw(shape)), requires_grad, dev)


def _scalarise(arr: Any) -> Any:
    return arr if arr.ndim else arr[()]


__all__ = ["Size", "_storage"]
