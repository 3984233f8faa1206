"""The public ops: argument handling as torch's signatures, then dispatch to the table.

Each function here checks and normalises its arguments, picks the entry of ``derivatives.py``
and calls it through the registry. No derivative lives here.
"""

from __future__ import annotations

from typing import Any

from .. import _dtypes
from .._backend import generic, ndarray, np
from .._dtypes import DEFAULT, SCALAR_NAMES, category, stored_value
from .._tensor import Tensor, _dims, _make, contiguous_format
from . import batching, registry
from . import derivatives as D
from .registry import _FLOATS, GRAPH, NUMPY, binary_arrays, broadcast_check, call, call1, call2

_ALPHA_ONE = (1,)  # the args of add/sub in the common case, built once
# the int 1: CPython keeps one object for it, so the default alpha is recognised by identity
# (another 1, such as 1.0 or True, goes through _alpha's checks)
_ONE = 1


def _alpha(alpha: Any, input: Tensor, other: Any) -> tuple:
    """The args ``(alpha,)`` of add/sub/rsub after torch's alpha_check against the dtype of
    ``input`` with ``other``, with ``alpha`` as that dtype takes it."""
    if alpha.__class__ is int and alpha == 1:
        return _ALPHA_ONE
    dtype = binary_arrays(False, input, other)[0].dtype
    if isinstance(alpha, generic):
        alpha = alpha.item()
    kind = dtype.kind
    if alpha.__class__ is bool and kind != "b":
        raise RuntimeError("Boolean alpha only supported for Boolean results.")
    if kind in "biu" and not isinstance(alpha, int):
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating "
                           "point number.")
    if kind != "c" and isinstance(alpha, complex):
        raise RuntimeError("For non-complex input tensors, argument alpha must not be a complex "
                           "number.")
    return (bool(alpha) if kind == "b" else stored_value(alpha, dtype),)


def _stored_operand(t: Tensor, other: Any) -> Any:
    """``other`` as an operand that ``t``'s integer dtype takes as a value (a where branch, an
    exponent), not wrapping as arithmetic does: torch's overflow error where it can't hold it."""
    o = _operand(other)
    if o.__class__ is int and t._data.dtype.kind in "iu":
        return stored_value(o, t._data.dtype)
    return o


def _operand(other: Any) -> Any:
    """A right-hand operand as torch accepts it: a tensor, a Python number, or a NumPy value."""
    if isinstance(other, (Tensor, int, float, complex)):
        return other
    if isinstance(other, generic):
        return other.item()
    if isinstance(other, ndarray):
        return _make(other)
    return None


# ---- arithmetic ---------------------------------------------------------------------------

def add(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input + alpha * other`` with broadcasting.

    >>> import chainrule as torch
    >>> torch.add(torch.tensor([1., 2.]), 1, alpha=2)
    tensor([3., 4.])
    """
    c = other.__class__
    if (c is float or c is int or c is Tensor) and input.__class__ is Tensor:
        args = _ALPHA_ONE if alpha is _ONE else _alpha(alpha, input, other)
        return call2(D.ADD, input, other, args)
    if not isinstance(input, Tensor):
        input = _as_tensor_operand(input)
    o = _operand(other)
    if o is None:
        return NotImplemented
    return call2(D.ADD, input, o, _alpha(alpha, input, o))


def sub(input: Any, other: Any, *, alpha: Any = 1) -> Tensor:
    """``input - alpha * other`` with broadcasting."""
    c = other.__class__
    if (c is float or c is int) and input.__class__ is Tensor:
        args = _ALPHA_ONE if alpha is _ONE else _alpha(alpha, input, other)
        return call2(D.SUB, input, other, args)
    if not isinstance(input, Tensor):
        input = _as_tensor_operand(input)
    o = _operand(other)
    if o is None:
        return NotImplemented
    if o.__class__ is bool or (isinstance(o, Tensor) and o._data.dtype.kind == "b" and
                               input._data.dtype.kind == "b"):
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                           "supported. Use the `^` or `logical_xor()` operator instead.")
    return call2(D.SUB, input, o, _alpha(alpha, input, o))


def rsub(input: Tensor, other: Any, *, alpha: Any = 1) -> Tensor:
    """``other - alpha * input``: a number minus a tensor."""
    o = _operand(other)
    if isinstance(o, Tensor):
        return sub(o, input, alpha=alpha)
    if o is None:
        return NotImplemented
    A, B = binary_arrays(False, input, o)
    return call(D.RSUB, (input,), (A,), (B, *_alpha(alpha, input, o)))


def mul(input: Any, other: Any) -> Tensor:
    """Elementwise product with broadcasting."""
    c = other.__class__
    if (c is float or c is int or c is Tensor) and input.__class__ is Tensor:
        return call2(D.MUL, input, other, ())
    if not isinstance(input, Tensor):
        input = _as_tensor_operand(input)
    o = _operand(other)
    if o is None:
        return NotImplemented
    return call2(D.MUL, input, o, ())


def div(input: Any, other: Any, *, rounding_mode: str | None = None) -> Tensor:
    """True division (integers give the default float), with broadcasting."""
    c = other.__class__
    if (c is float or c is int or c is Tensor) and input.__class__ is Tensor and \
            rounding_mode is None:
        return call2(D.DIV, input, other, ())
    if not isinstance(input, Tensor):
        input = _as_tensor_operand(input)
    o = _operand(other)
    if o is None:
        return NotImplemented
    if rounding_mode is not None:
        from .elementwise import div_mode

        return div_mode(input, o, rounding_mode)
    return call2(D.DIV, input, o, ())


true_divide = div
# torch's aliases: the same op, the same node
multiply = mul
subtract = sub
divide = div


def rdiv(input: Tensor, other: Any) -> Tensor:
    """``other / input`` for a number ``other``: torch computes ``input.reciprocal() * other``."""
    o = _operand(other)
    if o is None:
        return NotImplemented
    if isinstance(o, Tensor):
        return div(o, input)
    return mul(reciprocal(input), o)


def neg(input: Tensor) -> Tensor:
    """``-input``."""
    if input._data.dtype.kind == "b":
        raise RuntimeError("Negation, the `-` operator, on a bool tensor is not supported. If you "
                           "are trying to invert a mask, use the `~` or `logical_not()` operator "
                           "instead.")
    return call1(D.NEG, input)


negative = neg


def positive(input: Tensor) -> Tensor:
    """``+input``: the tensor itself (torch refuses bool tensors).

    >>> import chainrule as torch
    >>> x = torch.tensor([1., -2.])
    >>> torch.positive(x) is x
    True
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"positive(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    if input._data.dtype.kind == "b":
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def reciprocal(input: Tensor) -> Tensor:
    """``1 / input``."""
    return call1(D.RECIPROCAL, input)


def pow(input: Any, exponent: Any) -> Tensor:  # noqa: A001 - torch's name
    """``input ** exponent``: a tensor to a number, a tensor to a tensor, a number to a tensor.

    >>> import chainrule as torch
    >>> torch.pow(torch.tensor([1., 2.]), 2)
    tensor([1., 4.])
    """
    c = exponent.__class__
    # an int beyond registry.SMALL_INT takes the general path, which checks its range
    if (c is float or c is int and -0x3FFFFFFF <= exponent <= 0x3FFFFFFF) and \
            input.__class__ is Tensor and input._data.dtype in _FLOATS:
        return call1(D.POW, input, (exponent,))
    if not isinstance(input, Tensor):
        return rpow(exponent, input)
    e = _operand(exponent)
    if e is None:
        return NotImplemented
    if isinstance(e, Tensor):
        return call2(D.POW_TENSOR, input, e, ())
    A, B = binary_arrays(False, input, _stored_operand(input, e))
    if category(A.dtype) == 1 and isinstance(B, int) and B < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    return call(D.POW, (input,), (A,), (B,))


def rpow(input: Tensor, base: Any) -> Tensor:
    """``base ** input`` for a number ``base``."""
    b = _operand(base)
    if b is None:
        return NotImplemented
    if isinstance(b, Tensor):
        return pow(b, input)
    A, B = binary_arrays(False, input, b)
    return call(D.POW_SCALAR_BASE, (input,), (A,), (B,))


# The operators (a + b, a * b, ...): the common operands run straight through the table
# (registry.operator), everything else through the functions above.
ADD_OP = registry.operator(D.ADD, add, _ALPHA_ONE)
SUB_OP = registry.operator(D.SUB, sub, _ALPHA_ONE)
RSUB_OP = registry.operator(D.RSUB, rsub, _ALPHA_ONE, number_arg=True)
MUL_OP = registry.operator(D.MUL, mul)
DIV_OP = registry.operator(D.DIV, div)
POW_OP = registry.operator(D.POW, pow, number_arg=True)


def _as_tensor_operand(x: Any) -> Tensor:
    from .._creation import tensor

    if isinstance(x, ndarray):
        return _make(x)
    return tensor(x)


# ---- comparisons (no gradient) --------------------------------------------------------------

def _compare(ufunc: Any) -> Any:
    def compare(input: Tensor, other: Any) -> Tensor:
        o = _operand(other)
        if o is None:
            return NotImplemented
        if isinstance(o, Tensor) and input._data.shape != o._data.shape:
            broadcast_check(input._data.shape, o._data.shape)
        A, B = binary_arrays(False, input, o)
        if batching.LEVELS:
            return batching.nondiff(ufunc, (input, o), (A, B))
        return _make(ufunc(A, B))

    compare.__name__ = ufunc.__name__
    return compare


eq = _compare(np.equal)
ne = _compare(np.not_equal)
lt = _compare(np.less)
le = _compare(np.less_equal)
gt = _compare(np.greater)
ge = _compare(np.greater_equal)
less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne


def _bitwise(ufunc: Any, name: str, kernel: str | None = None, bools: bool = True) -> Any:
    """A bitwise op on integer tensors (and bool ones where ``bools``), torch's error for
    any other dtype naming its ``kernel``."""
    kernel = kernel or name
    least = 0 if bools else 1

    def bitwise(input: Any, other: Any) -> Tensor:
        o = _operand(other)
        if o is None:
            return NotImplemented
        if not isinstance(input, Tensor):
            input = _as_tensor_operand(input)
        if isinstance(o, Tensor) and input._data.shape != o._data.shape:
            broadcast_check(input._data.shape, o._data.shape)
        A, B = binary_arrays(False, input, o)
        if not least <= category(np.result_type(A, B)) <= 1:
            raise NotImplementedError(f'"{kernel}_cpu" not implemented for '
                                      f"'{SCALAR_NAMES[np.result_type(A, B).name]}'")
        if batching.LEVELS:
            return batching.nondiff(ufunc, (input, o), (A, B))
        return _make(ufunc(A, B))

    bitwise.__name__ = name
    return bitwise


bitwise_and = _bitwise(np.bitwise_and, "bitwise_and")
bitwise_or = _bitwise(np.bitwise_or, "bitwise_or")
bitwise_xor = _bitwise(np.bitwise_xor, "bitwise_xor")
# a shift by a negative amount or by the width or more gives 0 (left) or the sign (right) in
# NumPy and torch alike
bitwise_left_shift = _bitwise(np.left_shift, "bitwise_left_shift", "lshift", bools=False)
bitwise_right_shift = _bitwise(np.right_shift, "bitwise_right_shift", "rshift", bools=False)


def _reflected(op: Any) -> Any:
    """``other <op> input`` for a number ``other``, as torch's reflected operator."""
    def reflected(input: Tensor, other: Any) -> Tensor:
        o = _operand(other)
        if o is None:
            return NotImplemented
        return op(o if isinstance(o, Tensor) else _as_tensor_operand(o), input)

    reflected.__name__ = "__r" + op.__name__ + "__"
    return reflected


def bitwise_not(input: Tensor) -> Tensor:
    """Logical not for bool tensors, bitwise not for integers."""
    if category(input._data.dtype) > 1:
        raise NotImplementedError(f'"bitwise_not_cpu" not implemented for '
                                  f"'{SCALAR_NAMES[input._data.dtype.name]}'")
    if batching.LEVELS:
        return batching.nondiff(np.invert, (input,), (input._data,))
    return _make(np.invert(input._data))


def invert(input: Tensor) -> Tensor:
    """``~input``: torch's operator checks the dtype first, with its own TypeError."""
    if category(input._data.dtype) > 1:
        raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type "
                        "tensors")
    return bitwise_not(input)


def _logical(ufunc: Any) -> Any:
    def logical(input: Tensor, other: Any) -> Tensor:
        o = other._data if isinstance(other, Tensor) else other
        if batching.LEVELS:
            return batching.nondiff(ufunc, (input, other), (input._data, o))
        return _make(ufunc(input._data, o))

    logical.__name__ = ufunc.__name__
    return logical


logical_and = _logical(np.logical_and)
logical_or = _logical(np.logical_or)
logical_xor = _logical(np.logical_xor)


def logical_not(input: Tensor) -> Tensor:
    if batching.LEVELS:
        return batching.nondiff(np.logical_not, (input,), (input._data,))
    return _make(np.logical_not(input._data))


# ---- elementwise functions -------------------------------------------------------------------

def _unary(entry: Any, name: str) -> Any:
    def f(input: Tensor) -> Tensor:
        return call1(entry, input)

    f.__name__ = name
    f.__doc__ = f"Elementwise ``{name}`` (grad_fn ``{entry.node_name}``)."
    return f


sin = _unary(D.SIN, "sin")
cos = _unary(D.COS, "cos")
tan = _unary(D.TAN, "tan")
exp = _unary(D.EXP, "exp")
log = _unary(D.LOG, "log")
sqrt = _unary(D.SQRT, "sqrt")


def abs(input: Tensor) -> Tensor:  # noqa: A001 - torch's name
    """Elementwise ``|input|`` (grad_fn ``AbsBackward0``; torch has no abs of bools).

    >>> import chainrule as torch
    >>> torch.abs(torch.tensor([-1.5, 2.]))
    tensor([1.5000, 2.0000])
    """
    if input._data.dtype.kind == "b":
        raise NotImplementedError("\"abs_cpu\" not implemented for 'Bool'")
    return call1(D.ABS, input)


absolute = abs

relu = _unary(D.RELU, "relu")
sigmoid = _unary(D.SIGMOID, "sigmoid")
tanh = _unary(D.TANH, "tanh")


def square(input: Tensor) -> Tensor:
    """``input ** 2`` (torch records it as ``PowBackward0``)."""
    return pow(input, 2)


def where(condition: Any, input: Any, other: Any) -> Tensor:
    """``input`` where ``condition`` holds, else ``other``, with broadcasting."""
    cond = condition._data if isinstance(condition, Tensor) else np.asarray(condition)
    if isinstance(input, Tensor):
        A, B = binary_arrays(False, input, _stored_operand(input, other))
    elif isinstance(other, Tensor):
        B, A = binary_arrays(False, other, _stored_operand(other, input))
    else:
        A = _as_tensor_operand(input)._data
        B = _as_tensor_operand(other)._data
    broadcast_check(np.shape(A), np.shape(B))
    broadcast_check(np.shape(cond), np.broadcast_shapes(np.shape(A), np.shape(B)))
    return call(D.WHERE, (input, other), (A, B), (cond,))


# ---- reductions ---------------------------------------------------------------------------

def sum(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Sum of all elements, or over ``dim`` (an int or a tuple), keeping it with ``keepdim``.

    >>> import chainrule as torch
    >>> torch.tensor([[1., 2.], [3., 4.]]).sum(0)
    tensor([4., 6.])
    """
    if dtype is not None:
        input = to(input, dtype)
    elif category(input._data.dtype) < 2 and input._data.dtype != np.int64:
        input = batching.nondiff(lambda a: a.astype(np.int64), (input,), (input._data,)) \
            if batching.LEVELS else _make(input._data.astype(np.int64))
    if dim is None or (not isinstance(dim, int) and len(dim) == 0):  # dim=[]: every dim
        if keepdim:
            return call1(D.SUM_DIM, input, (tuple(range(input._data.ndim)), True))
        return call1(D.SUM, input)
    return call1(D.SUM_DIM, input, (_dims(dim, input._data.ndim), keepdim))


def mean(input: Tensor, dim: Any = None, keepdim: bool = False, *, dtype: Any = None) -> Tensor:
    """Mean of all elements, or over ``dim``; floating point and complex tensors only."""
    if dtype is not None:
        input = to(input, dtype)
    if category(input._data.dtype) < 2:
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point "
            f"or complex dtype. Got: {SCALAR_NAMES[input._data.dtype.name]}")
    if dim is None or (not isinstance(dim, int) and len(dim) == 0):  # dim=(): every dim
        if keepdim:
            return call1(D.MEAN_DIM, input, (tuple(range(input._data.ndim)), True))
        return call1(D.MEAN, input)
    return call1(D.MEAN_DIM, input, (_dims(dim, input._data.ndim), keepdim))




# ---- copies and conversions -------------------------------------------------------------

def clone(input: Tensor, *, memory_format: Any = None) -> Tensor:
    """A copy of ``input`` that stays in the graph (``CloneBackward0``), laid out as ``input``
    (``preserve_format``, the default) or row-major (``contiguous_format``)."""
    return call1(D.CLONE if memory_format is contiguous_format else D.CLONE_PRESERVE, input)


def to(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``to(dtype)``, ``to(device)``, ``to(other)``: a converted tensor, or ``input`` itself when
    nothing changes (unless ``copy=True``)."""
    dtype = kwargs.pop("dtype", None)
    copy = kwargs.pop("copy", False)
    kwargs.pop("non_blocking", None)
    kwargs.pop("memory_format", None)
    dev = kwargs.pop("device", None)
    if kwargs:
        raise TypeError(f"to() received an invalid combination of arguments - got "
                        f"unexpected keyword arguments {list(kwargs)}")
    for a in args:
        if isinstance(a, _dtypes.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, bool):
            pass
        else:
            dev = a
    if dev is not None:
        from .._tensor import device

        device(dev)
    if dtype is None or dtype.np == input._data.dtype:
        return clone(input) if copy else input
    if category(dtype.np) < 2:
        # an integer or bool result is outside the graph, as torch's is
        if batching.LEVELS:
            return batching.nondiff(lambda a: a.astype(dtype.np), (input,), (input._data,))
        return _make(input._data.astype(dtype.np))
    return call1(D.TO_COPY, input, (dtype.np,))


def type_(input: Tensor, dtype: Any = None, non_blocking: bool = False) -> Any:
    """``x.type()``: torch's legacy type name (``'torch.FloatTensor'``); ``x.type(dtype)``
    or ``x.type('torch.DoubleTensor')``: the tensor converted, itself when unchanged."""
    from .registry import _TENSOR_TYPES

    if dtype is None:
        return "torch." + _TENSOR_TYPES[input._data.dtype.name]
    if isinstance(dtype, str):
        by_name = {"torch." + v: k for k, v in _TENSOR_TYPES.items()}
        if dtype not in by_name:
            raise ValueError(f"invalid type: '{dtype}'")
        dtype = _dtypes.FROM_NP[np.dtype(by_name[dtype])]
    return to(input, dtype)


def type_as(input: Tensor, other: Tensor) -> Tensor:
    """``input`` converted to ``other``'s dtype (``input`` itself when they agree).

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).type_as(torch.zeros(1))
    tensor([1., 2.])
    """
    if not isinstance(other, Tensor):
        raise TypeError(f"type_as(): argument 'other' (position 1) must be Tensor, not "
                        f"{type(other).__name__}")
    return to(input, other.dtype)


def _conversion(d: Any) -> Any:
    def convert(self: Tensor, memory_format: Any = None) -> Tensor:
        return to(self, d)

    return convert


def detach(input: Tensor) -> Tensor:
    return input.detach()


def numel(input: Tensor) -> int:
    return input.numel()


def is_tensor(obj: Any) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input: Tensor) -> bool:
    return input.is_floating_point()


def is_complex(input: Tensor) -> bool:
    return input._data.dtype.kind == "c"


def result_type(tensor1: Any, tensor2: Any) -> Any:
    """The dtype an arithmetic op on ``tensor1`` and ``tensor2`` (tensors or numbers) gives.

    >>> import chainrule as torch
    >>> torch.result_type(torch.tensor([1, 2]), 1.0)
    torch.float32
    """
    groups: tuple = ([], [], [])  # dimensioned tensors, 0-d tensors, numbers
    for x in (tensor1, tensor2):
        if isinstance(x, Tensor):
            groups[0 if x._data.ndim else 1].append(x._data.dtype)
        else:
            groups[2].append(_dtypes.scalar_np_dtype(x.item() if isinstance(x, generic) else x))
    return _dtypes.FROM_NP[_dtypes.result_type(*(tuple(g) for g in groups))]


def _query(name: str) -> Any:
    def query(input: Tensor) -> Any:
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        return getattr(input, name)()

    query.__name__ = name
    query.__doc__ = f"``input.{name}()``."
    return query


_QUERIES = ("is_signed", "is_nonzero", "get_device", "is_conj", "is_neg", "resolve_conj",
            "resolve_neg", "conj")
is_signed, is_nonzero, get_device, is_conj, is_neg, resolve_conj, resolve_neg, conj = map(
    _query, _QUERIES)


def is_same_size(input: Tensor, other: Tensor) -> bool:
    """Whether the two tensors have one shape.

    >>> import chainrule as torch
    >>> torch.is_same_size(torch.zeros(2, 3), torch.ones(3, 2))
    False
    """
    for name, position, t in (("input", 1, input), ("other", 2, other)):
        if not isinstance(t, Tensor):
            raise TypeError(f"is_same_size(): argument '{name}' (position {position}) must be "
                            f"Tensor, not {type(t).__name__}")
    return input.is_same_size(other)


# ---- selection ------------------------------------------------------------------------------

def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice ``index`` of ``input`` along ``dim``, one dimension fewer."""
    from .indexing import select as _select

    return _select(input, dim, index)


# ---- the namespace recorded formulas use (create_graph=True) ---------------------------------

def _graph_expand(g: Tensor, shape: tuple) -> Tensor:
    from .shape import expand

    return expand(g, shape)


def _graph_unsqueeze_dims(g: Tensor, dims: tuple) -> Tensor:
    from .shape import reshape

    shape = list(g._data.shape)
    for d in sorted(dims):
        shape.insert(d, 1)
    return reshape(g, tuple(shape))


def _graph_where(condition: Any, a: Any, b: Any) -> Tensor:
    if isinstance(a, Tensor):
        return where(condition, a, b)
    if isinstance(b, Tensor):
        return where(condition, a, b)
    if batching.LEVELS and isinstance(condition, Tensor):
        return batching.nondiff(lambda c: np.where(c, a, b), (condition,), (condition._data,))
    return _make(np.where(condition._data if isinstance(condition, Tensor) else condition, a, b))


def _graph_fit(g: Tensor, shape: tuple, dtype: Any) -> Tensor:
    if g._data.shape != shape:
        from .shape import sum_to

        g = sum_to(g, shape)
    if g._data.dtype != dtype:
        g = to(g, _dtypes.FROM_NP[dtype])
    return g


def _graph_zeros_like(a: Any) -> Tensor:
    return _make(np.zeros_like(a._data if isinstance(a, Tensor) else a))


GRAPH.sin = sin
GRAPH.cos = cos
GRAPH.exp = exp
GRAPH.log = log
GRAPH.sqrt = sqrt
# sign has zero gradient everywhere, so a plain tensor serves
GRAPH.sign = lambda x: batching.nondiff(NUMPY.sign, (x,), (x._data,)) if batching.LEVELS else \
    _make(NUMPY.sign(x._data))
GRAPH.where = _graph_where
GRAPH.expand = _graph_expand
GRAPH.unsqueeze_dims = _graph_unsqueeze_dims
GRAPH.zeros_like = _graph_zeros_like
GRAPH.fit = _graph_fit


def _graph_reshape(g: Tensor, shape: tuple) -> Tensor:
    from .shape import reshape

    return reshape(g, shape)


def _graph_select_backward(g: Tensor, shape: tuple, dim: int, index: int) -> Tensor:
    from .indexing import select_backward

    return select_backward(g, shape, dim, index)


def _graph_op(name: str) -> Any:
    def call_indexing(*args: Any) -> Tensor:
        from . import indexing

        return getattr(indexing, name)(*args)

    return call_indexing


for _name in ("slice", "slice_backward", "squeeze_dim", "unsqueeze_dim", "index",
              "index_backward"):
    setattr(GRAPH, _name, _graph_op(_name))
GRAPH.reshape = _graph_reshape
GRAPH.select = select
GRAPH.select_backward = _graph_select_backward

__all__ = ["DEFAULT"]
