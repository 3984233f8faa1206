"""Public ops of the elementwise family: argument handling as torch's signatures, then dispatch to
the table (`_ops/derivatives/elementwise.py`).

Unary math (``exp2``, ``log1p``, ``asin``, ``erf``, ...), rounding (``floor``, ``round``, ...),
remainders and rounded division, ``atan2``, ``hypot``, ``maximum``/``minimum``, ``fmax``/``fmin``,
``lerp``, the clamps, ``masked_fill``, and the comparisons that return bool tensors or Python
bools (``isclose``, ``allclose``, ``equal``, ``isnan``, ...).
"""

from __future__ import annotations

from typing import Any

from .. import _dtypes
from .._backend import generic, laid_out_as, ndarray, np, preserved_axes
from .._dtypes import CPP_NAMES, DEFAULT, SCALAR_NAMES, category
from .._tensor import Tensor, _make
from . import api, batching, inplace
from . import derivatives as D
from .derivatives import elementwise as E
from .registry import GRAPH, NUMPY, binary_arrays, broadcast_check, call, call1


def _scalar_name(dt: Any) -> str:
    return SCALAR_NAMES[np.dtype(dt).name]


def _not_implemented_for(kernel: str, dt: Any) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for \'{_scalar_name(dt)}\'')


def _type_name(x: Any) -> str:
    t = type(x)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _need_tensor(fname: str, arg: str, pos: int, x: Any) -> None:
    """torch's TypeError for an argument that must be a tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{arg}' (position {pos}) must be Tensor, "
                        f"not {_type_name(x)}")


def _number(x: Any) -> Any:
    """A Python number (NumPy scalars as their Python value), or None for anything else."""
    if isinstance(x, generic):
        x = x.item()
    return x if isinstance(x, (bool, int, float, complex)) else None


def _operand(x: Any) -> Any:
    """A right-hand operand: a tensor or a Python number (NumPy values converted), or None."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, ndarray):
        return _make(x)
    return _number(x)


# ---- one input ------------------------------------------------------------------------------

def _float_unary(entry: Any, name: str, kernel: str | None = None) -> Any:
    """A function of the float family (integers compute in the default float)."""
    if kernel is None:
        def f(input: Tensor) -> Tensor:
            return call1(entry, input)
    else:
        def f(input: Tensor) -> Tensor:
            if input._data.dtype.kind == "c":
                raise _not_implemented_for(kernel, input._data.dtype)
            return call1(entry, input)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise ``{name}`` (grad_fn ``{entry.node_name}``)."
    return f


exp2 = _float_unary(D.EXP2, "exp2")
expm1 = _float_unary(D.EXPM1, "expm1")
log2 = _float_unary(D.LOG2, "log2")
log10 = _float_unary(D.LOG10, "log10")
log1p = _float_unary(D.LOG1P, "log1p")
rsqrt = _float_unary(D.RSQRT, "rsqrt")
asin = _float_unary(D.ASIN, "asin")
acos = _float_unary(D.ACOS, "acos")
atan = _float_unary(D.ATAN, "atan")
sinh = _float_unary(D.SINH, "sinh")
cosh = _float_unary(D.COSH, "cosh")
asinh = _float_unary(D.ASINH, "asinh")
acosh = _float_unary(D.ACOSH, "acosh")
atanh = _float_unary(D.ATANH, "atanh")
erfc = _float_unary(D.ERFC, "erfc", "erfc_vml_cpu")
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh


def erf(input: Tensor) -> Tensor:
    """The error function, 2/sqrt(pi) times the integral of exp(-t^2) from 0 to ``input``.

    >>> import chainrule as torch
    >>> torch.erf(torch.tensor([0., 1.]))
    tensor([0.0000, 0.8427])
    """
    if input._data.dtype.kind == "c":
        raise _not_implemented_for("erf_vml_cpu", input._data.dtype)
    return call1(D.ERF, input)


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by the sign of each element (0 for nan); gradient 0 everywhere.

    >>> import chainrule as torch
    >>> torch.sign(torch.tensor([-2., 0., 3.]))
    tensor([-1.,  0.,  1.])
    """
    if input._data.dtype.kind == "c":
        raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                  "numbers. Please use torch.sgn instead.")
    return call1(D.SIGN, input)


def _rounding(entry: Any, name: str, complex_msg: bool) -> Any:
    kernel = f"{name}_vml_cpu"

    def f(input: Tensor) -> Tensor:
        dt = input._data.dtype
        if dt.kind == "b" or (dt.kind == "c" and not complex_msg):
            raise _not_implemented_for(kernel, dt)
        if dt.kind == "c":
            raise NotImplementedError(f"{name} is not supported for complex inputs")
        return call1(entry, input)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"Elementwise ``{name}``; integer tensors are returned as they are (gradient 0, "
                 f"grad_fn ``{entry.node_name}``).")
    return f


floor = _rounding(D.FLOOR, "floor", True)
ceil = _rounding(D.CEIL, "ceil", True)
trunc = _rounding(D.TRUNC, "trunc", True)
fix = trunc
_round_plain = _rounding(D.ROUND, "round", False)


def round(input: Tensor, *args: Any, decimals: int | None = None) -> Tensor:  # noqa: A001
    """Rounds half to even, to ``decimals`` decimal places (negative: to tens, hundreds...).
    ``decimals`` is keyword-only.

    >>> import chainrule as torch
    >>> torch.round(torch.tensor([0.5, 1.5, 2.345]), decimals=1)
    tensor([0.5000, 1.5000, 2.3000])
    """
    if args or not (decimals is None or type(decimals) is int):
        got = [_type_name(a) for a in args]
        if decimals is not None:
            got.append(f"decimals={_type_name(decimals)}")
        raise TypeError(
            f"round() received an invalid combination of arguments - got "
            f"({', '.join(['Tensor'] + got)}), but expected one of:\n"
            " * (Tensor input, *, Tensor out = None)\n"
            " * (Tensor input, *, int decimals, Tensor out = None)\n")
    if decimals is None:
        return _round_plain(input)
    dt = input._data.dtype
    if dt.kind != "f":
        raise _not_implemented_for("round_vml_cpu" if decimals == 0 else "round_cpu", dt)
    return call1(D.ROUND_DECIMALS, input, (decimals,))


def frac(input: Tensor) -> Tensor:
    """``input - trunc(input)``, the fractional part with the sign of ``input``."""
    dt = input._data.dtype
    if dt.kind != "f":
        raise _not_implemented_for("frac_cpu", dt)
    return call1(D.FRAC, input)


def nan_to_num(input: Tensor, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """nan, +inf and -inf replaced by ``nan``, ``posinf`` and ``neginf``; the infinities by
    default by the largest and lowest finite values of the dtype.

    >>> import chainrule as torch
    >>> torch.nan_to_num(torch.tensor([float('nan'), float('inf'), 1.]), posinf=9.)
    tensor([0., 9., 1.])
    """
    if nan is None:
        nan = 0.0
    return call1(D.NAN_TO_NUM, input, (nan, posinf, neginf))


# ---- bool-valued tests on one tensor (no gradient) ------------------------------------------

def isnan(input: Tensor) -> Tensor:
    """True where ``input`` is nan."""
    _need_tensor("isnan", "input", 1, input)
    d = input._data
    if batching.LEVELS and d.dtype.kind in "fc":
        return batching.nondiff(np.isnan, (input,), (d,))
    return _make(np.isnan(d) if d.dtype.kind in "fc" else np.zeros(np.shape(d), bool))


def isinf(input: Tensor) -> Tensor:
    """True where ``input`` is +inf or -inf."""
    _need_tensor("isinf", "input", 1, input)
    d = input._data
    if batching.LEVELS and d.dtype.kind in "fc":
        return batching.nondiff(np.isinf, (input,), (d,))
    return _make(np.isinf(d) if d.dtype.kind in "fc" else np.zeros(np.shape(d), bool))


def isfinite(input: Tensor) -> Tensor:
    """True where ``input`` is neither nan nor infinite."""
    _need_tensor("isfinite", "input", 1, input)
    d = input._data
    if batching.LEVELS and d.dtype.kind in "fc":
        return batching.nondiff(np.isfinite, (input,), (d,))
    return _make(np.isfinite(d) if d.dtype.kind in "fc" else np.ones(np.shape(d), bool))


def _isinf_signed(name: str, ufunc: Any) -> Any:
    def f(input: Tensor) -> Tensor:
        _need_tensor(name, "input", 1, input)
        d = input._data
        if d.dtype.kind == "c":
            raise RuntimeError(f"{name} does not support complex inputs.")
        if batching.LEVELS and d.dtype.kind == "f":
            return batching.nondiff(ufunc, (input,), (d,))
        return _make(ufunc(d) if d.dtype.kind == "f" else np.zeros(np.shape(d), bool))

    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"True where ``input`` is {'+' if name == 'isposinf' else '-'}inf."
    return f


isposinf = _isinf_signed("isposinf", np.isposinf)
isneginf = _isinf_signed("isneginf", np.isneginf)


def isreal(input: Tensor) -> Tensor:
    """True where the imaginary part is 0 (everywhere for real dtypes)."""
    _need_tensor("isreal", "input", 1, input)
    d = input._data
    if batching.LEVELS and d.dtype.kind == "c":
        return batching.nondiff(lambda a: np.imag(a) == 0, (input,), (d,))
    return _make(np.imag(d) == 0 if d.dtype.kind == "c" else np.ones(np.shape(d), bool))


def signbit(input: Tensor) -> Tensor:
    """True where the sign bit is set (negative numbers, -0. and nan with the bit set)."""
    _need_tensor("signbit", "input", 1, input)
    d = input._data
    if d.dtype.kind == "c":
        raise NotImplementedError("signbit is not implemented for complex tensors.")
    fn = np.signbit if d.dtype.kind == "f" else (lambda a: np.less(a, 0)) \
        if d.dtype.kind == "i" else (lambda a: np.zeros(np.shape(a), bool))
    if batching.LEVELS:
        return batching.nondiff(fn, (input,), (d,))
    return _make(fn(d))


# ---- two inputs: remainders and rounded division --------------------------------------------

def _as_input(x: Any, fname: str) -> Any:
    if isinstance(x, Tensor):
        return x
    if isinstance(x, ndarray):
        return _make(x)
    n = _number(x)
    if n is None:
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{_type_name(x)}")
    return n


def _arrays(a: Any, b: Any) -> tuple:
    """The two operands (tensors or numbers, at least one a tensor) as arrays or numbers in
    torch's promoted dtype, and that dtype."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor) and a._data.shape != b._data.shape:
            broadcast_check(a._data.shape, b._data.shape)
        A, B = binary_arrays(False, a, b)
        dt = A.dtype
    else:
        B, A = binary_arrays(False, b, a)
        dt = B.dtype
    return A, B, dt


def _check_division(kernel: str, dt: Any, B: Any) -> None:
    """torch's errors for rounded division and remainders: no bool or complex kernels, and
    integer division by zero."""
    if dt.kind in "bc":
        raise _not_implemented_for(kernel, dt)
    if dt.kind in "iu" and np.any(np.equal(B, 0)):
        raise RuntimeError("ZeroDivisionError")


def _not_implemented_op(a: Any, b: Any, A: Any, B: Any, fn: Any, aten: str) -> Tensor:
    """The result of ``fn(A, B)`` under a node whose backward raises (torch's grad_fn
    ``NotImplemented``), for ops torch has no derivative for. As torch's, the node has an
    edge only for each input that requires grad."""
    a_grad = isinstance(a, Tensor) and a._requires_grad
    b_grad = isinstance(b, Tensor) and b._requires_grad
    if a_grad and b_grad:
        return call(D.NOT_IMPLEMENTED, (a, b), (A, B), (fn, aten))
    if b_grad:
        return call(D.NOT_IMPLEMENTED_UNARY, (b,), (B,), (lambda x: fn(A, x), aten))
    return call(D.NOT_IMPLEMENTED_UNARY, (a,) if a_grad else (), (A,),
                (lambda x: fn(x, B), aten))


def floor_divide(input: Any, other: Any) -> Tensor:
    """``input // other``, rounded toward -inf; integers stay integers. Not differentiable:
    torch records a node whose backward raises.

    >>> import chainrule as torch
    >>> torch.floor_divide(torch.tensor([7, -7]), 2)
    tensor([ 3, -4])
    """
    a = _as_input(input, "floor_divide")
    b = _operand(other)
    if b is None:
        return NotImplemented
    A, B, dt = _arrays(a, b)
    _check_division("div_floor_cpu", dt, B)
    return _not_implemented_op(a, b, A, B, E.div_floor_array, "floor_divide")


def remainder(input: Any, other: Any) -> Tensor:
    """Python's ``%``: the remainder has the sign of ``other``.

    >>> import chainrule as torch
    >>> torch.remainder(torch.tensor([-3., 3.]), 2)
    tensor([1., 1.])
    """
    a = _as_input(input, "remainder")
    b = _operand(other)
    if b is None:
        return NotImplemented
    A, B, dt = _arrays(a, b)
    _check_division("remainder_cpu", dt, B)
    if not isinstance(a, Tensor):
        # number % tensor: torch has no derivative for this overload
        return _not_implemented_op(a, b, A, B, E.remainder_array, "remainder")
    if isinstance(b, Tensor):
        return call(D.REMAINDER, (a, b), (A, B))
    return call(D.REMAINDER_SCALAR, (a,), (A,), (B,))


def _rremainder(self: Tensor, other: Any) -> Tensor:
    o = _operand(other)
    if o is None:
        return NotImplemented
    return remainder(o, self)


def _rfloordiv(self: Tensor, other: Any) -> Tensor:
    o = _operand(other)
    if o is None:
        return NotImplemented
    return floor_divide(o, self)


def fmod(input: Tensor, other: Any) -> Tensor:
    """C's ``fmod``: the remainder has the sign of ``input``.

    >>> import chainrule as torch
    >>> torch.fmod(torch.tensor([-3., 3.]), 2)
    tensor([-1.,  1.])
    """
    b = _operand(other)
    if not isinstance(input, Tensor) or b is None:
        raise TypeError(
            f"fmod() received an invalid combination of arguments - got "
            f"({_type_name(input) if not isinstance(input, Tensor) else 'Tensor'}, "
            f"{'Tensor' if isinstance(other, Tensor) else _type_name(other)}), but expected "
            "one of:\n * (Tensor input, Tensor other, *, Tensor out = None)\n"
            " * (Tensor input, Number other, *, Tensor out = None)\n")
    A, B, dt = _arrays(input, b)
    _check_division("fmod_cpu", dt, B)
    if isinstance(b, Tensor):
        return call(D.FMOD, (input, b), (A, B))
    return call(D.FMOD_SCALAR, (input,), (A,), (B,))


def div_mode(input: Tensor, other: Any, rounding_mode: str) -> Tensor:
    """``div(input, other, rounding_mode='floor'|'trunc')`` for a tensor ``input`` and a tensor
    or number ``other``: rounded quotients, zero gradients (``DivBackward2``)."""
    if rounding_mode not in ("trunc", "floor"):
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' "
                           f"but found '{rounding_mode}'")
    A, B, dt = _arrays(input, other)
    _check_division(f"div_{rounding_mode}_cpu", dt, B)
    return call(D.DIV_MODE, (input, other), (A, B), (rounding_mode,))


def true_divide(input: Any, other: Any) -> Tensor:
    """``input / other`` (an alias of ``div`` without ``rounding_mode``)."""
    return api.div(input, other)


# ---- two tensors ----------------------------------------------------------------------------

def _tensor_pair(fname: str, input: Any, other: Any, method: bool = False) -> tuple:
    """The two tensors promoted to their common dtype, after torch's checks."""
    if not method:
        _need_tensor(fname, "input", 1, input)
    _need_tensor(fname, "other", 1 if method else 2, other)
    if input._data.shape != other._data.shape:
        broadcast_check(input._data.shape, other._data.shape)
    A, B = binary_arrays(False, input, other)
    return A, B


def _binary_tensor_op(entry: Any, name: str, check: Any = None, doc: str = "") -> tuple:
    """The function and the method (whose TypeError counts positions from the tensor)."""
    def build(method: bool) -> Any:
        def f(input: Tensor, other: Tensor) -> Tensor:
            A, B = _tensor_pair(name, input, other, method)
            if check is not None:
                check(A.dtype)
            return call(entry, (input, other), (A, B))

        f.__name__ = f.__qualname__ = name
        f.__doc__ = doc
        return f

    return build(False), build(True)


def _no_complex(name: str) -> Any:
    def check(dt: Any) -> None:
        if dt.kind == "c":
            raise RuntimeError(f"{name} not implemented for complex tensors.")

    return check


def _real_kernel(kernel: str, floats_only: bool) -> Any:
    def check(dt: Any) -> None:
        if dt.kind == "c" or (floats_only and dt.kind != "f"):
            raise _not_implemented_for(kernel, dt)

    return check


maximum, _maximum_method = _binary_tensor_op(
    D.MAXIMUM, "maximum", _no_complex("maximum"),
    "The elementwise larger of two tensors; nan wins; ties give each side half the gradient.\n\n"
    "    >>> import chainrule as torch\n"
    "    >>> torch.maximum(torch.tensor([1., 5.]), torch.tensor([3., 2.]))\n"
    "    tensor([3., 5.])\n")
minimum, _minimum_method = _binary_tensor_op(
    D.MINIMUM, "minimum", _no_complex("minimum"),
    "The elementwise smaller of two tensors; nan wins; ties give each side half the gradient.")
fmax, _fmax_method = _binary_tensor_op(
    D.FMAX, "fmax", _no_complex("fmax"),
    "The elementwise larger of two tensors, ignoring nan; ties give self the gradient.")
fmin, _fmin_method = _binary_tensor_op(
    D.FMIN, "fmin", _no_complex("fmin"),
    "The elementwise smaller of two tensors, ignoring nan; ties give self the gradient.")
hypot, _hypot_method = _binary_tensor_op(
    D.HYPOT, "hypot", _real_kernel("hypot_cpu", True),
    "``sqrt(input**2 + other**2)`` without overflow; floating point tensors only.")


def _atan2(method: bool, name: str = "atan2") -> Any:
    def atan2(input: Tensor, other: Tensor) -> Tensor:
        """The angle of the point (``other``, ``input``): ``atan(input / other)`` in the right
        quadrant; gradient 0 at the origin.

        >>> import chainrule as torch
        >>> torch.atan2(torch.tensor([1.]), torch.tensor([-1.]))
        tensor([2.3562])
        """
        A, B = _tensor_pair(name, input, other, method)
        if A.dtype.kind == "c":
            raise _not_implemented_for("atan2_cpu", A.dtype)
        if category(A.dtype) < 2:
            A = A.astype(DEFAULT.float)
            B = B.astype(DEFAULT.float)
        return call(D.ATAN2, (input, other), (A, B))

    atan2.__name__ = atan2.__qualname__ = name
    return atan2


atan2 = _atan2(False)
_atan2_method = _atan2(True)
arctan2 = _atan2(False, "arctan2")
_arctan2_method = _atan2(True, "arctan2")


# ---- lerp, clamp, masked_fill ---------------------------------------------------------------

def _lerp_dtype_check(what: str, expected: Any, got: Any) -> None:
    if got != expected:
        raise RuntimeError(f"expected dtype {CPP_NAMES[np.dtype(expected).name]} for `{what}` "
                           f"but got dtype {CPP_NAMES[np.dtype(got).name]}")


def lerp(input: Tensor, end: Tensor, weight: Any) -> Tensor:
    """``input + weight * (end - input)``; ``weight`` a number or a tensor; all of one dtype.

    >>> import chainrule as torch
    >>> torch.lerp(torch.tensor([0., 10.]), torch.tensor([10., 20.]), 0.25)
    tensor([ 2.5000, 12.5000])
    """
    dt = input._data.dtype
    _lerp_dtype_check("end", dt, end._data.dtype)
    if input._data.shape != end._data.shape:
        broadcast_check(input._data.shape, end._data.shape)
    if isinstance(weight, Tensor):
        _lerp_dtype_check("weight", dt, weight._data.dtype)
        if dt.kind not in "fc":
            raise _not_implemented_for("lerp_kernel_tensor", dt)
        out_shape = np.broadcast_shapes(input._data.shape, end._data.shape)
        if weight._data.shape != out_shape:
            broadcast_check(out_shape, weight._data.shape)
        return call(D.LERP_TENSOR, (input, end, weight),
                    (input._data, end._data, weight._data))
    w = _number(weight)
    if w.__class__ is int:
        w = _dtypes.int_scalar(w)
    if dt.kind not in "fc":
        raise _not_implemented_for("lerp_kernel_scalar", dt)
    if isinstance(w, complex) and dt.kind != "c":
        raise RuntimeError(f"value cannot be converted to type {CPP_NAMES[dt.name]} without "
                           "overflow")
    return call(D.LERP, (input, end), (input._data, end._data), (w,))


_CLAMP_SIGNATURES = (
    " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
    " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n")


def _clamp_type_error(name: str, given: list) -> TypeError:
    got = ", ".join(given)
    return TypeError(f"{name}() received an invalid combination of arguments - got ({got}), "
                     f"but expected one of:\n{_CLAMP_SIGNATURES}")


def _describe(v: Any) -> str:
    return "Tensor" if isinstance(v, Tensor) else _type_name(v)


_FLOAT_DTYPES = frozenset(np.dtype(t) for t in (np.float16, np.float32, np.float64))
_PLAIN_NUMBERS = frozenset((int, float, type(None)))


def _bounds(name: str, args: tuple, kwargs: dict) -> tuple:
    """``min`` and ``max`` from torch's signature (input, min=None, max=None), and how torch
    describes the call in its TypeError (keywords last, in reverse order)."""
    def given() -> list:
        return ["Tensor"] + [_describe(a) for a in args] + \
            [f"{k}={_describe(v)}" for k, v in reversed(list(kwargs.items()))]

    if not kwargs and len(args) <= 2:
        lo, hi = (args + (None, None))[:2]
        return lo, hi, given
    names = ("min", "max")
    if len(args) > 2 or any(k not in names for k in kwargs) or \
            any(names[i] in kwargs for i in range(len(args))):
        raise _clamp_type_error(name, given())
    bounds = dict(zip(names, args), **kwargs)
    return bounds.get("min"), bounds.get("max"), given


def clamp(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``clamp(input, min=None, max=None)``: each element limited to [``min``, ``max``]
    (numbers, or tensors that broadcast); the gradient passes where ``min <= input <= max``,
    bounds included.

    >>> import chainrule as torch
    >>> torch.tensor([-1., 0.5, 2.]).clamp(0, 1)
    tensor([0.0000, 0.5000, 1.0000])
    """
    return _clamp("clamp", input, *_bounds("clamp", args, kwargs))


def clip(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """``clip(input, min=None, max=None)``: an alias of ``clamp``."""
    return _clamp("clip", input, *_bounds("clip", args, kwargs))


def _clamp(name: str, input: Tensor, lo: Any, hi: Any, given: Any) -> Tensor:
    """``given()`` describes the call for torch's TypeError."""
    dt = input._data.dtype
    if dt in _FLOAT_DTYPES and lo.__class__ in _PLAIN_NUMBERS and \
            hi.__class__ in _PLAIN_NUMBERS and (lo is not None or hi is not None):
        # a float tensor and float/int bounds: the common case, no promotion
        if lo.__class__ is int:
            lo = _dtypes.int_scalar(lo)
        if hi.__class__ is int:
            hi = _dtypes.int_scalar(hi)
        if hi is None and name == "clamp_min":
            return call(D.CLAMP_MIN, (input,), (input._data,), (lo,))
        if lo is None and name == "clamp_max":
            return call(D.CLAMP_MAX, (input,), (input._data,), (hi,))
        return call(D.CLAMP, (input,), (input._data,), (lo, hi))
    if lo is None and hi is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(lo, (Tensor, ndarray)) or isinstance(hi, (Tensor, ndarray)):
        lo = _make(lo) if isinstance(lo, ndarray) else lo
        hi = _make(hi) if isinstance(hi, ndarray) else hi
        if any(v is not None and not isinstance(v, Tensor) for v in (lo, hi)):
            raise _clamp_type_error(name, given())
        return _clamp_tensors(input, lo, hi)
    nlo, nhi = _number(lo), _number(hi)
    if (lo is not None and nlo is None) or (hi is not None and nhi is None):
        raise _clamp_type_error(name, given())
    if dt.kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")
    if isinstance(nlo, complex) or isinstance(nhi, complex):
        raise RuntimeError("value cannot be converted to type double without overflow")
    scalars = tuple(_dtypes.scalar_np_dtype(v) for v in (nlo, nhi) if v is not None)
    zeros = (dt,) if input._data.ndim == 0 else ()
    dims = () if input._data.ndim == 0 else (dt,)
    out = _dtypes.result_type(dims, zeros, scalars)
    A = input._data if out == dt else input._data.astype(out)
    nlo = None if nlo is None else _dtypes.stored_value(nlo, out)
    nhi = None if nhi is None else _dtypes.stored_value(nhi, out)
    if nhi is None and name == "clamp_min":
        return call(D.CLAMP_MIN, (input,), (A,), (nlo,))
    if nlo is None and name == "clamp_max":
        return call(D.CLAMP_MAX, (input,), (A,), (nhi,))
    return call(D.CLAMP, (input,), (A,), (nlo, nhi))


def _clamp_tensors(input: Tensor, lo: Any, hi: Any) -> Tensor:
    tensors = [t for t in (input, lo, hi) if t is not None]
    shape = input._data.shape
    for t in tensors[1:]:
        if t._data.shape != shape:
            broadcast_check(shape, t._data.shape)
            shape = np.broadcast_shapes(shape, t._data.shape)
    dims = tuple(t._data.dtype for t in tensors if t._data.ndim)
    zeros = tuple(t._data.dtype for t in tensors if not t._data.ndim)
    dt = _dtypes.result_type(dims, zeros, ())
    if dt.kind == "c":
        raise NotImplementedError("clamp is not supported for complex types")
    arrays = [None if t is None else t._data if t._data.dtype == dt else t._data.astype(dt)
              for t in (input, lo, hi)]
    return call(D.CLAMP_TENSOR, (input, lo, hi), tuple(arrays))


def clamp_min(input: Tensor, min: Any) -> Tensor:  # noqa: A002
    """``clamp(input, min=min)`` (grad_fn ``ClampMinBackward0``, or ``1`` for a tensor bound)."""
    if isinstance(min, Tensor):
        A, B, _ = _arrays(input, min)
        return call(D.CLAMP_MIN_TENSOR, (input, min), (A, B))
    if _number(min) is None:
        raise _clamp_min_max_error("clamp_min", "min", min)
    return _clamp("clamp_min", input, min, None, lambda: [])


def clamp_max(input: Tensor, max: Any) -> Tensor:  # noqa: A002
    """``clamp(input, max=max)`` (grad_fn ``ClampMaxBackward0``, or ``1`` for a tensor bound)."""
    if isinstance(max, Tensor):
        A, B, _ = _arrays(input, max)
        return call(D.CLAMP_MAX_TENSOR, (input, max), (A, B))
    if _number(max) is None:
        raise _clamp_min_max_error("clamp_max", "max", max)
    return _clamp("clamp_max", input, None, max, lambda: [])


def _clamp_min_max_error(name: str, arg: str, v: Any) -> TypeError:
    return TypeError(
        f"{name}() received an invalid combination of arguments - got (Tensor, "
        f"{_describe(v)}), but expected one of:\n"
        f" * (Tensor input, Tensor {arg}, *, Tensor out = None)\n"
        f" * (Tensor input, Number {arg}, *, Tensor out = None)\n")


def masked_fill(input: Tensor, mask: Tensor, value: Any) -> Tensor:
    """``input`` with ``value`` (a number or a 0-d tensor) where the bool ``mask`` is True.

    >>> import chainrule as torch
    >>> torch.tensor([1., 2., 3.]).masked_fill(torch.tensor([True, False, True]), 0.)
    tensor([0., 2., 0.])
    """
    m = mask._data
    if m.dtype.kind != "b":
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{CPP_NAMES[m.dtype.name]}")
    if m.shape != input._data.shape:
        broadcast_check(m.shape, input._data.shape)
    if isinstance(value, Tensor):
        if value._data.ndim:
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but "
                               f"got tensor with {value._data.ndim} dimension(s).")
        return call(D.MASKED_FILL_TENSOR, (input, value), (input._data, value._data), (m,))
    v = _number(value)
    if v is not None:
        v = _dtypes.stored_value(v, input._data.dtype)
    return call(D.MASKED_FILL, (input,), (input._data,), (v, m))


# ---- comparisons returning bools --------------------------------------------------------------

def _tolerance(name: str, v: float) -> None:
    if v < 0:
        raise RuntimeError(f"{name} must be greater than or equal to zero, but got {v:g}")


def _isclose_arrays(fname: str, input: Any, other: Any, rtol: float, atol: float,
                    equal_nan: bool, method: bool = False) -> Any:
    if not method:
        _need_tensor(fname, "input", 1, input)
    _need_tensor(fname, "other", 1 if method else 2, other)
    A, B = input._data, other._data
    if A.dtype != B.dtype:
        raise RuntimeError(f"{_scalar_name(A.dtype)} did not match {_scalar_name(B.dtype)}")
    _tolerance("rtol", rtol)
    _tolerance("atol", atol)
    if A.shape != B.shape:
        broadcast_check(A.shape, B.shape)
    close = np.equal(A, B)
    if equal_nan and A.dtype.kind in "fc":
        close = close | (np.isnan(A) & np.isnan(B))
    if rtol == 0 and atol == 0:
        return close
    # bools compare as the default float; integers measure their error in it too
    if A.dtype.kind == "b":
        A = A.astype(DEFAULT.float)
        B = B.astype(DEFAULT.float)
    work = A.dtype if A.dtype.kind in "fc" else DEFAULT.float
    allowed = atol + np.abs(rtol * np.asarray(B, dtype=work))
    actual = np.abs(A - B)
    if actual.dtype != allowed.dtype and actual.dtype.kind != "f":
        actual = actual.astype(work)
    return close | (np.isfinite(actual) & (actual <= allowed))


def isclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """True where ``|input - other| <= atol + rtol * |other|`` (or equal; nan == nan with
    ``equal_nan``).

    >>> import chainrule as torch
    >>> torch.isclose(torch.tensor([1., 2.]), torch.tensor([1. + 1e-7, 2.1]))
    tensor([ True, False])
    """
    if batching.LEVELS and isinstance(input, Tensor) and isinstance(other, Tensor):
        _isclose_arrays("isclose", input, other, rtol, atol, equal_nan)  # torch's checks
        return batching.nondiff(
            lambda a, b: _isclose_arrays("isclose", _make(a), _make(b), rtol, atol, equal_nan),
            (input, other), (input._data, other._data))
    return _make(_isclose_arrays("isclose", input, other, rtol, atol, equal_nan))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether ``isclose`` holds everywhere: a Python bool."""
    _no_vmap("torch.allclose", input, other)
    return bool(np.all(_isclose_arrays("allclose", input, other, rtol, atol, equal_nan)))


def equal(input: Tensor, other: Tensor) -> bool:
    """Whether the two tensors have the same shape and the same values (a Python bool; nan is
    never equal)."""
    _need_tensor("equal", "input", 1, input)
    _need_tensor("equal", "other", 2, other)
    if batching.LEVELS and (batching.link(input) is not None or batching.link(other) is not None):
        raise RuntimeError("Batching rule not implemented for aten::equal. We could not generate "
                           "a fallback.")
    if input._data.shape != other._data.shape:
        return False
    A, B = binary_arrays(False, input, other)
    return bool(np.array_equal(A, B))


def _no_vmap(name: str, *tensors: Any) -> None:
    if batching.LEVELS and any(batching.link(t) is not None for t in tensors):
        raise RuntimeError(f"vmap over {name} isn't supported yet. Please file an issue at "
                           "https://github.com/pytorch/pytorch/issues if you need this feature.")


def _close_methods(fname: str, all_: bool) -> Any:
    def method(self: Tensor, other: Tensor, rtol: float = 1e-05, atol: float = 1e-08,
               equal_nan: bool = False) -> Any:
        if all_:
            _no_vmap("torch.allclose", self, other)
        elif batching.LEVELS:
            return isclose(self, other, rtol, atol, equal_nan)
        close = _isclose_arrays(fname, self, other, rtol, atol, equal_nan, method=True)
        return bool(np.all(close)) if all_ else _make(close)

    method.__name__ = method.__qualname__ = fname
    return method


def _equal_method(self: Tensor, other: Tensor) -> bool:
    _need_tensor("equal", "other", 1, other)
    return equal(self, other)


def where(condition: Any, input: Any = None, other: Any = None) -> Any:
    """``input`` where ``condition`` holds, else ``other``; with ``condition`` alone, the
    indices of its nonzero elements as a tuple of 1-d tensors, one per dimension.

    >>> import chainrule as torch
    >>> torch.where(torch.tensor([[True, False], [False, True]]))
    (tensor([0, 1]), tensor([0, 1]))
    """
    if input is None and other is None:
        batching.check_dynamic("where", condition)
        c = np.asarray(condition._data)
        if c.ndim == 0:
            c = c.reshape(1)
        return tuple(_make(i.astype(np.int64)) for i in np.nonzero(c))
    return api.where(condition, input, other)


def _where_method(self: Tensor, condition: Any, y: Any) -> Tensor:
    return api.where(condition, self, y)


# ---- ops torch adds to the family: products and quotients with a scale, log-sum-exp of two,
# x log y, signs, logit, sinc, angle conversions ---------------------------------------------

def _real_only(name: str, dt: Any) -> None:
    """torch also takes complex tensors here; chainrule's formulas are written for real ones."""
    if dt.kind == "c":
        raise NotImplementedError(f"chainrule's {name} takes real tensors")


def _addc(name: str, entry: Any, method: bool) -> Any:
    def f(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value: Any = 1) -> Tensor:
        args = (("tensor1", tensor1), ("tensor2", tensor2))
        if not method:
            args = (("input", input),) + args
        for pos, (arg, t) in enumerate(args, 1):
            _need_tensor(name, arg, pos, t)
        v = _number(value)
        if v is None:
            raise TypeError(f"{name}(): argument 'value' must be Number, not "
                            f"{_type_name(value)}")
        tensors = (input, tensor1, tensor2)
        if name == "addcdiv" and all(category(t._data.dtype) < 2 for t in tensors[1:]):
            raise RuntimeError(_ADDCDIV_INTEGER_MSG)
        shape = input._data.shape
        for t in tensors[1:]:
            if t._data.shape != shape:
                broadcast_check(shape, t._data.shape)
                shape = np.broadcast_shapes(shape, t._data.shape)
        dt = _dtypes.result_type(tuple(t._data.dtype for t in tensors if t._data.ndim),
                                 tuple(t._data.dtype for t in tensors if not t._data.ndim), ())
        if isinstance(v, complex) and dt.kind != "c":
            raise RuntimeError(f"value cannot be converted to type {CPP_NAMES[dt.name]} without "
                               "overflow")
        arrays = tuple(t._data if t._data.dtype == dt else t._data.astype(dt) for t in tensors)
        return call(entry, tensors, arrays, (v,))

    f.__name__ = f.__qualname__ = name
    op = "*" if name == "addcmul" else "/"
    f.__doc__ = (f"``input + value * tensor1 {op} tensor2``, the three broadcast together and "
                 f"their dtypes promoted (grad_fn ``{entry.node_name}``).\n\n"
                 "    >>> import chainrule as torch\n"
                 f"    >>> torch.{name}(torch.tensor([1., 1.]), torch.tensor([2., 3.]), "
                 "torch.tensor([4., 2.]), value=0.5)\n"
                 f"    tensor([{'5., 4.' if op == '*' else '1.2500, 1.7500'}])\n")
    return f


_ADDCDIV_INTEGER_MSG = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will "
    "perform a true division of tensor1 and tensor2. The historic addcdiv behavior can be "
    "implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
    "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes.")

addcmul = _addc("addcmul", D.ADDCMUL, False)
addcdiv = _addc("addcdiv", D.ADDCDIV, False)
_addcmul_method = _addc("addcmul", D.ADDCMUL, True)
_addcdiv_method = _addc("addcdiv", D.ADDCDIV, True)


def _logaddexp_check(name: str) -> Any:
    def check(dt: Any) -> None:
        _real_only(name, dt)
        if dt.kind != "f":
            raise _not_implemented_for(f"{name}_cpu", dt)

    return check


logaddexp, _logaddexp_method = _binary_tensor_op(
    D.LOGADDEXP, "logaddexp", _logaddexp_check("logaddexp"),
    "``log(exp(input) + exp(other))`` without overflow (grad_fn ``LogaddexpBackward0``).\n\n"
    "    >>> import chainrule as torch\n"
    "    >>> torch.logaddexp(torch.tensor([1000.]), torch.tensor([1000.]))\n"
    "    tensor([1000.6932])\n")
logaddexp2, _logaddexp2_method = _binary_tensor_op(
    D.LOGADDEXP2, "logaddexp2", _logaddexp_check("logaddexp2"),
    "``log2(2**input + 2**other)`` without overflow (grad_fn ``Logaddexp2Backward0``).\n\n"
    "    >>> import chainrule as torch\n"
    "    >>> torch.logaddexp2(torch.tensor([3.]), torch.tensor([3.]))\n"
    "    tensor([4.])\n")


def _signature_error(name: str, got: tuple, forms: tuple) -> TypeError:
    return TypeError(f"{name}() received an invalid combination of arguments - got "
                     f"({', '.join(got)}), but expected one of:\n" +
                     "".join(f" * ({form}, *, Tensor out = None)\n" for form in forms))


def _describe_operand(x: Any) -> str:
    return "Tensor" if isinstance(x, Tensor) else _type_name(x)


_XLOGY_FORMS = ("Tensor input, Tensor other", "Number self, Tensor other",
                "Tensor input, Number other")


def xlogy(input: Any, other: Any) -> Tensor:
    """``input * log(other)``, 0 wherever ``input`` is 0 (and nan wherever ``other`` is nan);
    either operand may be a number. Integers compute in the default float.

    >>> import chainrule as torch
    >>> torch.xlogy(torch.tensor([0., 2.]), torch.tensor([0., 1.]))
    tensor([0., 0.])
    """
    a, b = _operand(input), _operand(other)
    if not (isinstance(a, Tensor) or isinstance(b, Tensor)) or a is None or b is None:
        raise _signature_error("xlogy", (_describe_operand(input), _describe_operand(other)),
                               _XLOGY_FORMS)
    if isinstance(a, Tensor):
        A, B, dt = _arrays(a, b)
    else:
        B, A = binary_arrays(False, b, a)
        dt = B.dtype
    if dt.kind == "c":
        raise _not_implemented_for("xlogy_cpu", dt)
    if category(dt) < 2:  # integers and bools compute in the default float
        A = A.astype(DEFAULT.float) if isinstance(a, Tensor) else A
        B = B.astype(DEFAULT.float) if isinstance(b, Tensor) else B
    if not isinstance(b, Tensor):
        return call(D.XLOGY_SCALAR_OTHER, (a,), (A,), (B,))
    if not isinstance(a, Tensor):
        return call(D.XLOGY_SCALAR_SELF, (b,), (B,), (A,))
    return call(D.XLOGY, (a, b), (A, B))


def _tensor_or_number_method(fn: Any, arg: str) -> Any:
    """The method form of ``fn(input, <arg>)``, whose argument is a tensor or a number."""
    name = fn.__name__

    def method(self: Tensor, other: Any) -> Tensor:
        if _operand(other) is None:
            why = f"      didn't match because some of the arguments have invalid types: " \
                  f"(!{_type_name(other)}!)\n"
            raise TypeError(f"{name}() received an invalid combination of arguments - got "
                            f"({_type_name(other)}), but expected one of:\n"
                            f" * (Tensor {arg})\n{why} * (Number {arg})\n{why}")
        return fn(self, other)

    method.__name__ = method.__qualname__ = name
    return method


def copysign(input: Tensor, other: Any) -> Tensor:
    """``|input|`` with the sign of ``other`` (a tensor or a number; -0. counts as negative);
    integers compute in the default float. The gradient is 0 at ``input == 0`` and none
    reaches ``other``.

    >>> import chainrule as torch
    >>> torch.copysign(torch.tensor([1., -2.]), -0.)
    tensor([-1., -2.])
    """
    b = _operand(other)
    if not isinstance(input, Tensor) or b is None:
        raise _signature_error("copysign", (_describe_operand(input), _describe_operand(other)),
                               ("Tensor input, Tensor other", "Tensor input, Number other"))
    A, B, dt = _arrays(input, b)
    if dt.kind == "c":
        raise _not_implemented_for("copysign_cpu", dt)
    if category(dt) < 2:
        A = A.astype(DEFAULT.float)
        B = B.astype(DEFAULT.float) if isinstance(b, Tensor) else B
    if isinstance(b, Tensor):
        return call(D.COPYSIGN, (input, b), (A, B))
    return call(D.COPYSIGN_SCALAR, (input,), (A,), (B,))


def float_power(input: Any, exponent: Any) -> Tensor:
    """``input ** exponent`` in float64 (complex128 when either is complex), composed as torch
    composes it: both cast, then ``pow`` (grad_fn ``PowBackward0/1/2``).

    >>> import chainrule as torch
    >>> torch.float_power(torch.tensor([2, 3]), 2)
    tensor([4., 9.], dtype=torch.float64)
    """
    a, e = _operand(input), _operand(exponent)
    if not (isinstance(a, Tensor) or isinstance(e, Tensor)) or a is None or e is None:
        raise _signature_error("float_power",
                               (_describe_operand(input), _describe_operand(exponent)),
                               ("Tensor input, Tensor exponent", "Number self, Tensor exponent",
                                "Tensor input, Number exponent"))
    dt = _float_power_dtype(a, e)
    a, e = (_cast(x, dt) for x in (a, e))
    return api.pow(a, e)


def _float_power_dtype(a: Any, e: Any) -> Any:
    complex_ = any(x._data.dtype.kind == "c" if isinstance(x, Tensor) else isinstance(x, complex)
                   for x in (a, e))
    return _dtypes.complex128 if complex_ else _dtypes.float64


def _cast(x: Any, dt: Any) -> Any:
    if isinstance(x, Tensor):
        return api.to(x, dt)
    return complex(x) if dt is _dtypes.complex128 else float(x)


def _float_power_(self: Tensor, exponent: Any) -> Tensor:
    """In-place ``float_power``: ``self`` must already be float64 (complex128)."""
    dt = _float_power_dtype(self, _operand(exponent))
    if self._data.dtype != dt.np:
        raise RuntimeError(f"the base given to float_power_ has dtype "
                           f"{_scalar_name(self._data.dtype)} but the operation's result requires "
                           f"dtype {_scalar_name(dt.np)}")
    return inplace.apply_inplace(self, float_power, exponent)


def logit(input: Tensor, eps: float | None = None) -> Tensor:
    """``log(p / (1 - p))``, ``p`` first clamped to [``eps``, ``1 - eps``] when ``eps`` is given
    (a negative ``eps`` counts as none). The gradient is 0 where the clamp holds, nan outside
    [0, 1] without ``eps``.

    >>> import chainrule as torch
    >>> torch.logit(torch.tensor([0.25, 0.5, 1.]), eps=0.25)
    tensor([-1.0986,  0.0000,  1.0986])
    """
    _need_tensor("logit", "input", 1, input)
    if input._data.dtype.kind == "c":
        raise _not_implemented_for("logit_cpu", input._data.dtype)
    if eps is not None and eps < 0:
        eps = None
    return call1(D.LOGIT, input, (None if eps is None else float(eps),))


def sinc(input: Tensor) -> Tensor:
    """The normalized sinc, ``sin(pi x) / (pi x)``, 1 at 0.

    >>> import chainrule as torch
    >>> torch.sinc(torch.tensor([0., 0.5]))
    tensor([1.0000, 0.6366])
    """
    _need_tensor("sinc", "input", 1, input)
    _real_only("sinc", input._data.dtype)
    return call1(D.SINC, input)


def _angle(name: str, entry: Any, doc: str) -> Any:
    def f(input: Tensor) -> Tensor:
        _need_tensor(name, "input", 1, input)
        if input._data.dtype.kind == "c":
            raise RuntimeError(f"{name} is not supported for complex tensors.")
        return call1(entry, input)

    f.__name__ = f.__qualname__ = name
    f.__doc__ = doc
    return f


deg2rad = _angle("deg2rad", D.DEG2RAD, """Degrees to radians, ``input * pi / 180``; integers
    give the default float.

    >>> import chainrule as torch
    >>> torch.deg2rad(torch.tensor([180.]))
    tensor([3.1416])
    """)
rad2deg = _angle("rad2deg", D.RAD2DEG, """Radians to degrees, ``input * 180 / pi``; integers
    give the default float.

    >>> import chainrule as torch
    >>> torch.rad2deg(torch.tensor([3.1416]))
    tensor([180.0004])
    """)


def heaviside(input: Tensor, values: Tensor) -> Tensor:
    """The step function: 0 where ``input < 0`` (and at nan), 1 where ``input > 0``, ``values``
    where ``input == 0``. Not differentiable: torch records a node whose backward raises.

    >>> import chainrule as torch
    >>> torch.heaviside(torch.tensor([-1., 0., 2.]), torch.tensor([0.5]))
    tensor([0.0000, 0.5000, 1.0000])
    """
    _need_tensor("heaviside", "input", 1, input)
    _need_tensor("heaviside", "values", 2, values)
    A, B = input._data, values._data
    if A.dtype.kind == "c" or B.dtype.kind == "c":
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if A.dtype != B.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
    if A.shape != B.shape:
        broadcast_check(A.shape, B.shape)
    return _not_implemented_op(input, values, A, B, E._heaviside, "heaviside")


def _heaviside_method(self: Tensor, values: Tensor) -> Tensor:
    _need_tensor("heaviside", "values", 1, values)
    return heaviside(self, values)


def sgn(input: Tensor) -> Tensor:
    """``sign`` for real tensors (torch's extension of it to complex ones is ``x / |x|``);
    gradient 0 everywhere.

    >>> import chainrule as torch
    >>> torch.sgn(torch.tensor([-2., 0., 3.]))
    tensor([-1.,  0.,  1.])
    """
    _need_tensor("sgn", "input", 1, input)
    _real_only("sgn", input._data.dtype)
    return call1(D.SGN, input)


# ---- the formula namespaces ------------------------------------------------------------------

NUMPY.rsqrt = lambda x: 1 / np.sqrt(x)
NUMPY.sinh = np.sinh
NUMPY.cosh = np.cosh
NUMPY.isfinite = np.isfinite
NUMPY.isnan = np.isnan
NUMPY.div_floor = E.div_floor_array
NUMPY.div_trunc = E.div_trunc_array
GRAPH.rsqrt = rsqrt
GRAPH.sinh = sinh
GRAPH.cosh = cosh
GRAPH.isfinite = isfinite
GRAPH.isnan = isnan
GRAPH.div_floor = lambda a, b: div_mode(a, b, "floor")
GRAPH.div_trunc = lambda a, b: div_mode(a, b, "trunc")
NUMPY.xlogy = E.xlogy_array
GRAPH.xlogy = xlogy
NUMPY.abs = np.abs
GRAPH.abs = api.abs


# ---- random tensors shaped like another (exported from here with this module's names) -------

def _random_like(name: str, fill: str) -> Any:
    def like(input: Tensor, *, dtype: Any = None, layout: Any = None, device: Any = None,
             requires_grad: bool = False, memory_format: Any = None) -> Tensor:
        from .. import _random
        from .._creation import _drawn, _np_dtype
        from .._tensor import contiguous_format

        d = _np_dtype(dtype) or input._data.dtype
        draw = getattr(_random, fill)
        a = input._data
        order = None if memory_format is contiguous_format else preserved_axes(a)
        # drawn in memory order, as torch fills a tensor laid out as input (preserve_format);
        # inside vmap the shape drawn is the batch's, drawn row-major
        return _drawn(lambda s: laid_out_as(lambda m: draw(m, d), order if tuple(s) == a.shape
                                            else None, s), tuple(a.shape), requires_grad, device)

    like.__name__ = like.__qualname__ = name
    what = "Uniform samples from [0, 1)" if fill == "rand" else "Standard normal samples"
    like.__doc__ = f"{what} in ``input``'s shape and dtype (``torch.{name}``)."
    return like


rand_like = _random_like("rand_like", "rand")
randn_like = _random_like("randn_like", "randn")


__all__ = [
    "rand_like", "randn_like",
    "addcdiv", "addcmul", "copysign", "deg2rad", "float_power", "heaviside", "logaddexp",
    "logaddexp2", "logit", "rad2deg", "sgn", "sinc", "xlogy",
    "acos", "acosh", "allclose", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2",
    "arctanh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "clamp", "clamp_max",
    "clamp_min", "clip", "cosh", "equal", "erf", "erfc", "exp2", "expm1", "fix", "floor",
    "floor_divide", "fmax", "fmin", "fmod", "frac", "hypot", "isclose", "isfinite", "isinf",
    "isnan", "isneginf", "isposinf", "isreal", "lerp", "log10", "log1p", "log2", "masked_fill",
    "maximum", "minimum", "nan_to_num", "remainder", "round", "rsqrt", "sign", "signbit", "sinh",
    "true_divide", "trunc", "where",
]

_SAME = ["acos", "acosh", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctanh", "asin",
         "asinh", "atan", "atanh", "ceil", "clamp", "clamp_max", "clamp_min", "clip", "cosh",
         "erf", "erfc", "exp2", "expm1", "fix", "floor", "floor_divide", "fmod", "frac",
         "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal", "lerp", "log10",
         "log1p", "log2", "masked_fill", "nan_to_num", "remainder", "round", "rsqrt", "sign",
         "signbit", "sinh", "true_divide", "trunc"]
METHODS: dict = {name: globals()[name] for name in _SAME}
METHODS.update({
    "maximum": _maximum_method, "minimum": _minimum_method, "fmax": _fmax_method,
    "fmin": _fmin_method, "hypot": _hypot_method, "atan2": _atan2_method,
    "arctan2": _arctan2_method, "isclose": _close_methods("isclose", False),
    "allclose": _close_methods("allclose", True), "equal": _equal_method,
    "where": _where_method,
    "addcmul": _addcmul_method, "addcdiv": _addcdiv_method, "logaddexp": _logaddexp_method,
    "logaddexp2": _logaddexp2_method, "xlogy": _tensor_or_number_method(xlogy, "other"),
    "copysign": _tensor_or_number_method(copysign, "other"),
    "float_power": _tensor_or_number_method(float_power, "exponent"),
    "float_power_": _float_power_, "logit": logit, "sinc": sinc,
    "deg2rad": deg2rad, "rad2deg": rad2deg, "heaviside": _heaviside_method, "sgn": sgn,
    "__floordiv__": floor_divide, "__rfloordiv__": _rfloordiv,
    "__mod__": remainder, "__rmod__": _rremainder,
})
