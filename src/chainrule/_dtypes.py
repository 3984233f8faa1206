"""dtype objects, torch's type inference and promotion rules, the default dtype."""

from __future__ import annotations

from ._backend import np

# captured before this module rebinds bool, int and float to torch's dtype names
_pybool, _pyint, _pyfloat = bool, int, float


class dtype:
    """A tensor element type, printed as torch prints it (``torch.float32``)."""

    __slots__ = ("_name", "np", "itemsize", "is_floating_point", "is_complex", "is_signed", "_cat")

    def __init__(self, name: str, np_dtype: object, cat: int) -> None:
        self._name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        # category: 0 bool, 1 integer, 2 floating, 3 complex
        self._cat = cat
        self.is_floating_point = cat == 2
        self.is_complex = cat == 3
        self.is_signed = name not in ("bool", "uint8")

    def __repr__(self) -> str:
        return "torch." + self._name

    def __reduce__(self) -> str:
        return self._name

    def to_real(self) -> dtype:
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self) -> dtype:
        return {float16: complex64, float32: complex64, float64: complex128}.get(self, self)


bool = dtype("bool", np.bool_, 0)  # noqa: A001 - torch's name
uint8 = dtype("uint8", np.uint8, 1)
int8 = dtype("int8", np.int8, 1)
int16 = dtype("int16", np.int16, 1)
int32 = dtype("int32", np.int32, 1)
int64 = dtype("int64", np.int64, 1)
float16 = dtype("float16", np.float16, 2)
float32 = dtype("float32", np.float32, 2)
float64 = dtype("float64", np.float64, 2)
complex64 = dtype("complex64", np.complex64, 3)
complex128 = dtype("complex128", np.complex128, 3)

half = float16
float = float32  # noqa: A001
double = float64
short = int16
int = int32  # noqa: A001
long = int64
cfloat = complex64
cdouble = complex128

ALL = (bool, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)

# numpy dtype -> chainrule dtype; keyed by numpy's dtype objects, which hash fast
FROM_NP: dict = {d.np: d for d in ALL}


def from_np(np_dtype: object) -> dtype:
    try:
        return FROM_NP[np_dtype]
    except KeyError:
        raise TypeError(f"can't convert np.ndarray of type {np_dtype}. The only supported "
                        "types are: float64, float32, float16, complex64, complex128, int64, "
                        "int32, int16, int8, uint8, and bool.") from None


class _Defaults:
    __slots__ = ("float", "complex")

    def __init__(self) -> None:
        self.float = np.dtype(np.float32)
        self.complex = np.dtype(np.complex64)


DEFAULT = _Defaults()


def get_default_dtype() -> dtype:
    """The dtype that Python floats become (``torch.float32`` unless changed).

    >>> import chainrule as torch
    >>> torch.get_default_dtype()
    torch.float32
    """
    return FROM_NP[DEFAULT.float]


def set_default_dtype(d: dtype) -> None:
    """Sets the dtype of Python floats: ``torch.float32`` or ``torch.float64``."""
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    if d is float16:
        raise TypeError("only floating-point types are supported as the default type")
    DEFAULT.float = d.np
    DEFAULT.complex = np.dtype(np.complex128 if d is float64 else np.complex64)


_CAT = {d.np: d._cat for d in ALL}


def promote_np(a: object, b: object) -> object:
    """torch.promote_types on numpy dtypes: the higher category wins outright (int64 with
    float16 gives float16, unlike numpy); within a category numpy's lattice agrees with torch's."""
    ca, cb = _CAT[a], _CAT[b]
    if ca == cb or (ca >= 2 and cb >= 2):
        return np.promote_types(a, b)
    return a if ca > cb else b


def _combine_categories(higher: object, lower: object) -> object:
    # torch's combine_categories: a lower priority class only raises the category
    if higher is None:
        return lower
    if lower is None:
        return higher
    ch, cl = _CAT[higher], _CAT[lower]
    if ch == 3:
        return higher
    if cl == 3:
        return np.promote_types(higher, lower) if ch == 2 else lower
    if ch == 2:
        return higher
    if ch == 0 or cl == 2:
        return promote_np(higher, lower)
    return higher


def int_scalar(value: _pyint, integral: _pybool = False) -> _pyint:
    """A Python int as torch takes it into an op: an int64, else a uint64, else torch's
    OverflowError. A uint64 above int64's range keeps its value against a floating tensor and
    wraps (two's complement) against an integral one (``integral``), as torch's cast does."""
    if -2**63 <= value < 2**63:
        return value
    if value < 0:
        raise OverflowError("can't convert negative int to unsigned")
    if value >= 2**64:
        raise OverflowError("int too big to convert")
    return value - 2**64 if integral else value


# numpy dtype name -> torch's ScalarType name, as its "not implemented for 'Float'" errors
# print it
SCALAR_NAMES = {"bool": "Bool", "uint8": "Byte", "int8": "Char", "int16": "Short",
                "int32": "Int", "int64": "Long", "float16": "Half", "float32": "Float",
                "float64": "Double", "complex64": "ComplexFloat", "complex128": "ComplexDouble"}
# numpy dtype name -> the C++ type name torch's kernels print in their dtype errors
CPP_NAMES = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char",
             "int16": "short int", "int32": "int", "int64": "long int", "float16": "c10::Half",
             "float32": "float", "float64": "double", "complex64": "c10::complex<float>",
             "complex128": "c10::complex<double>"}
# numpy integer dtype -> (least, greatest, torch's C++ name in its overflow message)
_INT_LIMITS = {np.dtype(t): (np.iinfo(t).min, np.iinfo(t).max, n) for t, n in (
    (np.uint8, "uint8_t"), (np.int8, "int8_t"), (np.int16, "int16_t"), (np.int32, "int"),
    (np.int64, "int64_t"))}
_FLOAT32_MAX = _pyfloat(np.finfo(np.float32).max)
_NP_FLOAT32 = np.dtype(np.float32)


def wrapped_int(value: _pyint, np_dtype: object) -> _pyint:
    """An int operand of an integer tensor's arithmetic or comparison, as torch casts it to the
    tensor's dtype: modulo its width (``int8 + 300`` adds 44)."""
    lo, hi, _ = _INT_LIMITS[np_dtype]
    if lo <= value <= hi:
        return value
    value = int_scalar(value)
    span = hi - lo + 1
    value %= span
    return value - span if value > hi else value


def stored_value(value: object, np_dtype: object) -> object:
    """A number to be written into a tensor of ``np_dtype`` (a fill, a bound, a weight), as
    torch converts it: torch's overflow error where the dtype can't hold it (an unsigned dtype
    takes negatives down to -max, which wrap; float16 and float64 saturate to inf)."""
    if value.__class__ is _pyint:
        value = int_scalar(value)  # type: ignore[arg-type]
        limits = _INT_LIMITS.get(np_dtype)
        if limits is None:
            return value
        lo, hi, name = limits
        if lo <= value <= hi:  # type: ignore[operator]
            return value
        if lo == 0 and -hi <= value < 0:  # type: ignore[operator]
            return value + hi + 1  # type: ignore[operator]
    elif value.__class__ is _pyfloat and np_dtype is _NP_FLOAT32:
        if not -_FLOAT32_MAX <= value <= _FLOAT32_MAX and value - value == 0:  # type: ignore
            name = "float"
        else:
            return value
    else:
        return value
    raise RuntimeError(f"value cannot be converted to type {name} without overflow")


def scalar_np_dtype(value: object) -> object:
    """The numpy dtype a Python number takes when it joins a tensor op."""
    if isinstance(value, _pybool):
        return _NP_BOOL
    if isinstance(value, _pyint):
        int_scalar(value)  # type: ignore[arg-type]
        return _NP_INT64
    if isinstance(value, _pyfloat):
        return DEFAULT.float
    return DEFAULT.complex


_NP_BOOL = np.dtype(np.bool_)
_NP_INT64 = np.dtype(np.int64)

_RESULT_CACHE: dict = {}


def result_type(dims: tuple, zeros: tuple, scalars: tuple) -> object:
    """torch's result_type over dimensioned tensors, 0-d tensors and Python numbers, each given
    as numpy dtypes (Python numbers by their own default dtypes). Memoised: few keys occur."""
    key = (dims, zeros, scalars)
    r = _RESULT_CACHE.get(key)
    if r is None:
        parts = []
        for group in key:
            acc = None
            for d in group:
                acc = d if acc is None else promote_np(acc, d)
            parts.append(acc)
        r = _combine_categories(parts[0], _combine_categories(parts[1], parts[2]))
        _RESULT_CACHE[key] = r
    return r




def category(np_dtype: object) -> int:
    return _CAT[np_dtype]


# ---- public dtype utilities ---------------------------------------------------------------------

def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The dtype of an op on tensors of ``type1`` and ``type2``.

    >>> import chainrule as torch
    >>> torch.promote_types(torch.int32, torch.float16)
    torch.float16
    """
    return FROM_NP[promote_np(type1.np, type2.np)]


def can_cast(from_: dtype, to: dtype) -> _pybool:
    """Whether torch's casting rules let a value of ``from_`` be written into ``to``: never
    to a lower category (complex to float, float to integer, integer to bool).

    >>> import chainrule as torch
    >>> torch.can_cast(torch.float32, torch.int32)
    False
    """
    return from_._cat <= to._cat


def _g(v: object) -> str:
    return f"{v:g}"


class finfo:
    """Machine limits of a floating dtype (the default dtype when none is given; a complex
    dtype's are its real part's), as torch.finfo.

    >>> import chainrule as torch
    >>> torch.finfo(torch.float32).eps
    1.1920928955078125e-07
    """

    def __init__(self, type: dtype | None = None) -> None:  # noqa: A002 - torch's name
        d = DEFAULT.float if type is None else type.to_real().np
        if type is not None and type._cat < 2:
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo "
                            "to handle 'torch.finfo'")
        info = np.finfo(d)
        self.bits = info.bits
        self.eps = _pyfloat(info.eps)
        self.max = _pyfloat(info.max)
        self.min = _pyfloat(info.min)
        self.tiny = self.smallest_normal = _pyfloat(info.tiny)
        self.resolution = 10.0 ** -info.precision
        self.dtype = d.name

    def __eq__(self, other: object) -> _pybool:
        return isinstance(other, finfo) and other.dtype == self.dtype

    def __hash__(self) -> _pyint:
        return hash(("finfo", self.dtype))

    def __repr__(self) -> str:
        return (f"finfo(resolution={_g(self.resolution)}, min={_g(self.min)}, "
                f"max={_g(self.max)}, eps={_g(self.eps)}, "
                f"smallest_normal={_g(self.smallest_normal)}, tiny={_g(self.tiny)}, "
                f"dtype={self.dtype})")


class iinfo:
    """Machine limits of an integer dtype, as torch.iinfo.

    >>> import chainrule as torch
    >>> torch.iinfo(torch.int8).max
    127
    """

    def __init__(self, type: dtype) -> None:  # noqa: A002 - torch's name
        if type._cat == 0:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if type._cat != 1:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        info = np.iinfo(type.np)
        self.bits = info.bits
        self.max = _pyint(info.max)
        self.min = _pyint(info.min)
        self.dtype = type.np.name

    def __eq__(self, other: object) -> _pybool:
        return isinstance(other, iinfo) and other.dtype == self.dtype

    def __hash__(self) -> _pyint:
        return hash(("iinfo", self.dtype))

    def __repr__(self) -> str:
        return f"iinfo(min={_g(self.min)}, max={_g(self.max)}, dtype={self.dtype})"
