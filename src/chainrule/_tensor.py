"""Tensor: a backend array plus what autograd needs. Methods only dispatch to the ops."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from . import _dtypes
from ._backend import generic, ndarray, np, torch_strides
from ._dtypes import DEFAULT
from ._dtypes import dtype as _dtype
from ._ops import batching, registry
from ._printing import format_tensor
from .autograd import engine as _engine
from .autograd import graph as _graph
from .autograd.grad_mode import INFERENCE_ACTIVE
from .autograd.grad_mode import _state as _grad_state
from .autograd.graph import RemovableHandle

_new = object.__new__

NON_LEAF_GRAD_WARNING = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad field "
    "to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If you "
    "access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. See "
    "github.com/pytorch/pytorch/pull/30531 for more information."
)
NUMPY_GRAD_MSG = (
    "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."
)
SCALAR_GRAD_WARNING = (
    "Converting a tensor with requires_grad=True to a scalar may lead to unexpected behavior.\n"
    "Consider using tensor.detach() first."
)


# 1 as an immutable NumPy scalar per dtype: the seed of a scalar backward
_ONES: dict = {}


class Size(tuple):
    """A tensor's shape: a tuple that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    __str__ = __repr__

    def numel(self) -> int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key: Any) -> Any:
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other: tuple) -> Size:
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other: tuple) -> Size:
        return Size(tuple(other) + tuple(self))


class device:
    """The device a tensor lives on; chainrule computes on the CPU."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device = "cpu", index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            type, index = type.type, type.index
        name, _, idx = str(type).partition(":")
        if name != "cpu":
            raise RuntimeError(
                f"chainrule computes on the CPU only; device '{type}' is not available")
        self.type = name
        self.index = int(idx) if idx else index

    def __repr__(self) -> str:
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and other.type == self.type

    def __hash__(self) -> int:
        return hash(self.type)


CPU = device("cpu")


class memory_format:  # noqa: N801 - torch's name
    """How a new tensor lays out its memory: ``contiguous_format`` (row-major) or
    ``preserve_format`` (as the tensor it is made from: ``clone``, ``empty_like``)."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return f"torch.{self._name}"

    def __reduce__(self) -> str:
        return self._name


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")


class _Aux:
    """What few tensors need: hooks, retain_grad, a grad accumulator, a version counter."""

    __slots__ = ("version", "hooks", "post_acc_hooks", "retains_grad", "base", "inference",
                 "tangent", "batch")

    def __init__(self) -> None:
        self.inference = False
        self.batch = None  # (vmap level, physical tensor) of a batched tensor inside vmap
        self.tangent = None  # (forward-AD level, tangent tensor)
        # shared by a tensor and its views (and detach()), as torch's version counter
        self.version = [0]
        self.hooks: dict | None = None
        self.post_acc_hooks: dict | None = None
        self.retains_grad = False
        self.base = None


class Tensor:
    """A multi-dimensional array that can record the operations applied to it.

    >>> import chainrule as torch
    >>> x = torch.tensor(2.0, requires_grad=True)
    >>> y = x ** 2
    >>> y.backward()
    >>> x.grad
    tensor(4.)
    """

    # _acc: a weak reference to a leaf's AccumulateGrad (kept out of _aux, which stays rare)
    __slots__ = ("_data", "_requires_grad", "_grad_fn", "_grad", "_output_nr", "_aux", "_acc",
                 "__weakref__")
    __hash__ = object.__hash__
    # makes NumPy's binary operators defer to ours: np.float64(2) * t gives a Tensor
    __array_priority__ = 1000

    def __init__(self, *args: Any) -> None:
        # the legacy constructor: Tensor(2, 3) is uninitialised float, Tensor([1, 2]) is data
        if len(args) == 1 and not isinstance(args[0], int):
            data = np.asarray(args[0], dtype=DEFAULT.float)
        else:
            data = np.empty(args, dtype=DEFAULT.float)
        _init(self, data)

    # ---- autograd attributes ----------------------------------------------------------------

    @property
    def grad_fn(self) -> Any:
        return self._grad_fn

    @property
    def is_leaf(self) -> bool:
        return self._grad_fn is None

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        _set_requires_grad(self, value, "only Tensors of floating point and complex dtype can "
                                        "require gradients")

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Sets ``requires_grad`` in place and returns the tensor."""
        _set_requires_grad(self, requires_grad,
                           "only Tensors of floating point dtype can require gradients")
        return self

    @property
    def grad(self) -> Tensor | None:
        if self._grad_fn is not None and self._grad is None and not self.retains_grad:
            warnings.warn(NON_LEAF_GRAD_WARNING, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"assigned grad expected to be a Tensor or None but got grad of "
                                f"type {type(value).__name__}")
            if value._data.dtype != self._data.dtype:
                raise RuntimeError("assigned grad has data of a different type")
            if value._data.shape != self._data.shape:
                raise RuntimeError(
                    f"attempting to assign a gradient of size '{list(value._data.shape)}' to a "
                    f"tensor of size '{list(self._data.shape)}'. Please ensure that the gradient "
                    "and the tensor are the same size")
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
        self._grad = None

    @property
    def retains_grad(self) -> bool:
        aux = self._aux
        return aux is not None and aux.retains_grad

    def retain_grad(self) -> None:
        """Keeps ``.grad`` for a non-leaf tensor after backward (a no-op on leaves)."""
        if not self._requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self._grad_fn is None or self.retains_grad:
            return
        self._aux_().retains_grad = True
        self._grad_fn._get_hooks().retain[self._output_nr] = _weakref(self)

    @property
    def output_nr(self) -> int:
        return self._output_nr

    @property
    def _version(self) -> int:
        return 0 if self._aux is None else self._aux.version[0]

    @property
    def _base(self) -> Tensor | None:
        return None if self._aux is None else self._aux.base

    def _aux_(self) -> _Aux:
        aux = self._aux
        if aux is None:
            aux = self._aux = _Aux()
        return aux

    def backward(self, gradient: Tensor | None = None, retain_graph: bool | None = None,
                 create_graph: bool = False, inputs: Any = None) -> None:
        """Computes the gradient of this tensor with respect to the graph's leaves and
        accumulates it into their ``.grad``.

        >>> import chainrule as torch
        >>> u = torch.tensor(2.0, requires_grad=True)
        >>> (u * u).backward()
        >>> u.grad
        tensor(4.)
        """
        if batching.LEVELS:
            raise RuntimeError(batching.BACKWARD_MSG)
        fn = self._grad_fn
        if fn is not None and gradient is None and inputs is None and not create_graph:
            d = self._data
            if d.ndim == 0 and d.dtype.kind == "f":
                # the common call, a scalar loss: seed with 1 and run
                one = _ONES.get(d.dtype)
                if one is None:
                    one = _ONES[d.dtype] = d.dtype.type(1)
                _engine._plain(fn, self._output_nr, one, bool(retain_graph), False)
                return
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def register_hook(self, hook: Callable) -> RemovableHandle:
        """Runs ``hook(grad)`` when this tensor's gradient is computed; a returned tensor
        replaces the gradient."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            hooks = self._grad_fn._get_hooks().tensor_pre.setdefault(self._output_nr, {})
        else:
            aux = self._aux_()
            if aux.hooks is None:
                aux.hooks = {}
                _graph.EXACT[0] = 1
            hooks = aux.hooks
        handle = RemovableHandle(hooks)
        hooks[handle._key] = hook
        return handle

    def register_post_accumulate_grad_hook(self, hook: Callable) -> RemovableHandle:
        """Runs ``hook(tensor)`` after a leaf's ``.grad`` has been accumulated."""
        if not self._requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self._grad_fn is not None:
            raise RuntimeError("post accumulate grad hooks cannot be registered on non-leaf "
                               "tensors")
        aux = self._aux_()
        if aux.post_acc_hooks is None:
            aux.post_acc_hooks = {}
            _graph.EXACT[0] = 1
        handle = RemovableHandle(aux.post_acc_hooks)
        aux.post_acc_hooks[handle._key] = hook
        return handle

    # ---- data and metadata ------------------------------------------------------------------

    @property
    def data(self) -> Tensor:
        return _make(_storage(self))

    @data.setter
    def data(self, value: Tensor) -> None:
        if not isinstance(value, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(value).__name__}")
        self._data = _storage(value)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None) -> Any:
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_dim_of(self, dim)]

    def stride(self, dim: int | None = None) -> Any:
        """The step in memory, in elements, from one index to the next along each dim.

        >>> import chainrule as torch
        >>> torch.ones(3, 4).t().stride()
        (1, 4)
        """
        d = self._data
        if dim is not None:
            if not isinstance(dim, (int, np.integer)):
                raise TypeError(f"stride(): argument 'dim' (position 1) must be int, not "
                                f"{type(dim).__name__}")
            dim = _dim_of(self, dim)
        if d.ndim == 0:
            return ()
        strides = torch_strides(d)
        return tuple(strides) if dim is None else strides[dim]

    @property
    def dtype(self) -> _dtype:
        return _dtypes.FROM_NP[self._data.dtype]

    @property
    def device(self) -> device:
        return CPU

    @property
    def is_cuda(self) -> bool:
        return False

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def dim(self) -> int:
        return self._data.ndim

    ndimension = dim

    def numel(self) -> int:
        return int(self._data.size)

    nelement = numel

    def element_size(self) -> int:
        return self._data.dtype.itemsize

    def is_floating_point(self) -> bool:
        return _dtypes.category(self._data.dtype) == 2

    def is_signed(self) -> bool:
        """Whether the dtype holds negative values (every dtype but bool and uint8).

        >>> import chainrule as torch
        >>> torch.tensor([1], dtype=torch.uint8).is_signed()
        False
        """
        return self._data.dtype.kind in "ifc"

    def is_nonzero(self) -> bool:
        """The truth of a one-element tensor (nan is true), with ``bool()``'s errors for any
        other number of elements.

        >>> import chainrule as torch
        >>> torch.tensor([0.]).is_nonzero()
        False
        """
        return Tensor.__bool__(self)

    @property
    def itemsize(self) -> int:
        """Bytes per element."""
        return self._data.dtype.itemsize

    @property
    def nbytes(self) -> int:
        """Bytes the elements take as a dense tensor: ``numel() * itemsize`` (as torch counts
        them: an expanded tensor counts each element).

        >>> import chainrule as torch
        >>> torch.zeros(3).expand(2, 3).nbytes
        24
        """
        return int(self._data.size) * self._data.dtype.itemsize

    @property
    def is_cpu(self) -> bool:
        return True

    def get_device(self) -> int:
        """The device index: -1, the CPU's."""
        return -1

    def is_same_size(self, other: Tensor) -> bool:
        """Whether ``other`` has this tensor's shape."""
        if not isinstance(other, Tensor):
            raise TypeError(f"is_same_size(): argument 'other' (position 1) must be Tensor, "
                            f"not {type(other).__name__}")
        return self._data.shape == other._data.shape

    def storage_offset(self) -> int:
        """Where the first element sits in the memory this tensor views, in elements: NumPy
        knows a view's place in the array it was taken from.

        >>> import chainrule as torch
        >>> torch.arange(12).reshape(3, 4)[1, 2:].storage_offset()
        6
        """
        d = self._data
        if type(d) is not ndarray:  # a NumPy scalar owns its value
            return 0
        root: Any = d
        while getattr(root, "base", None) is not None and \
                hasattr(root.base, "__array_interface__"):
            root = root.base
        start = root.__array_interface__["data"][0]
        return (d.__array_interface__["data"][0] - start) // d.dtype.itemsize

    def is_conj(self) -> bool:
        """False: chainrule has no lazily conjugated views."""
        return False

    def is_neg(self) -> bool:
        """False: chainrule has no lazily negated views."""
        return False

    def resolve_conj(self) -> Tensor:
        """The tensor itself: none is a lazily conjugated view here."""
        return self

    def resolve_neg(self) -> Tensor:
        """The tensor itself: none is a lazily negated view here."""
        return self

    def conj(self) -> Tensor:
        """The complex conjugate: a real tensor itself, as torch returns it.

        >>> import chainrule as torch
        >>> x = torch.ones(2)
        >>> x.conj() is x
        True
        """
        if _dtypes.category(self._data.dtype) == 3:
            raise NotImplementedError(
                "chainrule has no lazily conjugated views: conj() of a complex tensor is not "
                "supported")
        return self

    def is_inference(self) -> bool:
        """Whether this tensor was made under ``inference_mode``."""
        return self._aux is not None and self._aux.inference

    def is_complex(self) -> bool:
        return _dtypes.category(self._data.dtype) == 3

    def is_contiguous(self, memory_format: Any = None) -> bool:
        d = self._data
        return isinstance(d, generic) or d.flags.c_contiguous

    def item(self) -> Any:
        """The value of a one-element tensor as a Python number."""
        d = self._data
        if batching.LEVELS and _batched(self):
            raise RuntimeError(batching.ITEM_MSG)
        if d.size != 1:
            raise RuntimeError(f"a Tensor with {d.size} elements cannot be converted to Scalar")
        return d.item() if d.ndim == 0 else d.reshape(()).item()

    def tolist(self) -> Any:
        if batching.LEVELS and _batched(self):
            raise RuntimeError(batching.STORAGE_MSG)
        return self._data.tolist()

    def numpy(self, *, force: bool = False) -> Any:
        """The tensor's values as a NumPy array sharing its memory."""
        if self._requires_grad and not force:
            raise RuntimeError(NUMPY_GRAD_MSG)
        if batching.LEVELS and _batched(self):
            raise RuntimeError(batching.STORAGE_MSG)
        return _storage(self)

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> Any:
        if self._requires_grad:
            raise RuntimeError(NUMPY_GRAD_MSG)
        if batching.LEVELS and _batched(self):
            raise RuntimeError(batching.STORAGE_MSG)
        a = _storage(self)
        if dtype is not None and dtype != a.dtype:
            return a.astype(dtype)
        return a.copy() if copy else a

    def detach(self) -> Tensor:
        """A tensor sharing this one's data, outside the graph."""
        return _alias(self)

    def detach_(self) -> Tensor:
        """Takes this tensor out of the graph, in place (a view can't be: use ``detach()``)."""
        if self._aux is not None and self._aux.base is not None:
            raise RuntimeError(DETACH_VIEW_MSG)
        self._grad_fn = None
        self._requires_grad = False
        return self

    def cpu(self) -> Tensor:
        return self

    def contiguous(self, memory_format: Any = None) -> Tensor:
        return self

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        if batching.LEVELS and _batched(self):
            level, phys = batching.link(self)
            bdim = batching.bdim_of(self)
            lines = repr(phys.movedim(0, bdim) if bdim else phys).split("\n")
            inner = "\n".join([lines[0]] + [("    " + ln) if ln else ln for ln in lines[1:]])
            level = batching.LEVELS.index(level) + 1  # torch numbers levels by depth
            return f"BatchedTensor(lvl={level}, bdim={bdim}, value=\n    {inner}\n)"
        fn = self._grad_fn
        text = format_tensor(np.asarray(self._data), DEFAULT.float,
                             None if fn is None else type(fn).__name__, self._requires_grad)
        if self._aux is not None and self._aux.tangent is not None:
            from .autograd.forward_ad import tangent_of

            tangent = tangent_of(self)
            if tangent is not None:  # a dual tensor prints its tangent, as torch's does
                text = f"{text[:-1]}, tangent={tangent!r})"
        return text

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return self._data.item().__format__(spec)
        return object.__format__(self, spec)

    # ---- Python protocols -------------------------------------------------------------------

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Any:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __bool__(self) -> bool:
        if batching.LEVELS and _batched(self):
            raise RuntimeError(batching.CONTROL_FLOW_MSG)
        n = self._data.size
        if n == 1:
            return bool(self._data.item() if self._data.ndim == 0 else self._data.flat[0])
        if n == 0:
            raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")

    def _scalar(self) -> Any:
        if batching.LEVELS and _batched(self):
            raise RuntimeError(batching.ITEM_MSG)
        if self._data.size != 1:
            raise ValueError("only one element tensors can be converted to Python scalars")
        if self._requires_grad:
            warnings.warn(SCALAR_GRAD_WARNING, UserWarning, stacklevel=3)
        return self._data.item() if self._data.ndim == 0 else self._data.flat[0].item()

    def __float__(self) -> float:
        return float(self._scalar())

    def __int__(self) -> int:
        return int(self._scalar())

    def __complex__(self) -> complex:
        return complex(self._scalar())

    def __index__(self) -> int:
        if _dtypes.category(self._data.dtype) != 1 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an "
                            "index")
        return int(self._data.item() if self._data.ndim == 0 else self._data.flat[0])

    def __reduce_ex__(self, protocol: int) -> Any:
        return (_rebuild, (np.array(self._data), self._requires_grad))

    def __deepcopy__(self, memo: dict) -> Tensor:
        if self._grad_fn is not None:
            raise RuntimeError("Only Tensors created explicitly by the user (graph leaves) "
                               "support the deepcopy protocol at the moment.  If you were "
                               "attempting to deepcopy a module, this may be because of a "
                               "torch.nn.utils.weight_norm usage, see "
                               "https://github.com/pytorch/pytorch/pull/103001")
        t = _make(np.array(self._data, copy=True))
        t._requires_grad = self._requires_grad
        if self._grad is not None:
            t._grad = self._grad.__deepcopy__(memo)
        memo[id(self)] = t
        return t


def _rebuild(data: Any, requires_grad: bool) -> Tensor:
    t = _make(data)
    t._requires_grad = requires_grad
    return t


def _weakref(t: Tensor) -> Any:
    import weakref

    return weakref.ref(t)


def _init(t: Tensor, data: Any) -> None:
    """A tensor's fields, outside any graph. ``_make`` below, the op calls in
    _ops/registry.py (call1, call2, the operators) and ``tensor()``'s path for a float set the
    same fields inline, to save a call on every op: keep them in step."""
    t._data = data
    t._requires_grad = False
    t._grad_fn = None
    t._grad = None
    t._output_nr = 0
    t._aux = None
    t._acc = None
    if INFERENCE_ACTIVE[0]:
        mark_inference(t)


def _make(data: Any) -> Tensor:
    """Wraps a backend array (or NumPy scalar, for 0-d) in a fresh tensor outside any graph."""
    t = _new(Tensor)
    t._data = data
    t._requires_grad = False
    t._grad_fn = None
    t._grad = None
    t._output_nr = 0
    t._aux = None
    t._acc = None
    if INFERENCE_ACTIVE[0]:
        mark_inference(t)
    return t


def mark_inference(t: Tensor) -> None:
    """Inside inference_mode (this thread's), a new tensor is an inference tensor."""
    if _grad_state.inference:
        t._aux_().inference = True


DETACH_VIEW_MSG = (
    "Can't detach views in-place. Use detach() instead. If you are using "
    "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, "
    "gradients are views of DDP buckets, and hence detach_() cannot be called on these "
    "gradients. To fix this error, please refer to the Optimizer.zero_grad() function in "
    "torch/optim/optimizer.py as the solution.")


def _storage(t: Tensor) -> Any:
    """The tensor's data as a real ndarray. A 0-d tensor may hold an immutable NumPy scalar
    (fast arithmetic); whatever shares or mutates storage turns it into a 0-d array first,
    so a NumPy scalar is never shared and can be replaced freely."""
    d = t._data
    if type(d) is not ndarray:
        d = t._data = np.asarray(d)
    return d


def _alias(t: Tensor) -> Tensor:
    """``detach()``: a new tensor over the same storage and version counter, outside the
    graph."""
    a = _make(_storage(t))
    a._aux_().version = t._aux_().version
    b = batching.link(t) if batching.LEVELS else None
    if b is not None:
        level, phys = b
        batching.bind(a, _alias(phys), level)
    return a


def _batched(t: Tensor) -> bool:
    """Whether ``t`` is a batched tensor of an open vmap level."""
    return batching.link(t) is not None


def _set_requires_grad(t: Tensor, value: bool, int_msg: str) -> None:
    value = bool(value)
    if t._grad_fn is not None:
        if not value:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        return
    if value and _dtypes.category(t._data.dtype) < 2:
        raise RuntimeError(int_msg)
    t._requires_grad = value


def _dims(dim: Any, ndim: int, sort: bool = True) -> tuple:
    """``dim`` (an int or a sequence) as non-negative dims with torch's errors, sorted unless
    ``sort=False``; a 0-d tensor accepts 0 and -1, which leave nothing to reduce."""
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    out: list = []
    for d in dims:
        d = _dim(d, ndim)
        if d in out:
            raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
        out.append(d)
    if not sort:
        return tuple(out)
    return tuple(sorted(out)) if ndim else ()


def _dim_of(t: Tensor, dim: int) -> int:
    """``dim`` of ``t`` for size() and stride(), which refuse every dim of a 0-d tensor."""
    ndim = t._data.ndim
    if not ndim:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    return _dim(dim, ndim)


def _dim(dim: int, ndim: int) -> int:
    """A dim normalised to [0, ndim) with torch's IndexError (a 0-d tensor accepts -1 and 0)."""
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim + n if dim < 0 else dim


registry.bind_tensor(Tensor, _make, mark_inference)
_engine.Tensor = Tensor
_engine._make = _make
