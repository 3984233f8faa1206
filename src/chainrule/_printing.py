"""Tensor repr/str text, byte-for-byte compatible with ``torch._tensor_str`` (torch 2.13).

The layout rules (widths, scientific-notation choice, wrapping, summarisation, suffixes) are a
port of torch's implementation onto NumPy arrays, so that ``repr`` of a chainrule tensor reads
exactly like the equivalent torch tensor.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["PRINT_OPTS", "format_tensor", "set_printoptions"]


class _PrintOptions:
    """Global print settings, mutated in place by :func:`set_printoptions`."""

    __slots__ = ("edgeitems", "linewidth", "precision", "sci_mode", "threshold")

    def __init__(self) -> None:
        self.precision: int = 4
        # A float because the 'full' profile sets it to infinity.
        self.threshold: float = 1000
        self.edgeitems: int = 3
        self.linewidth: int = 80
        self.sci_mode: bool | None = None

    def __repr__(self) -> str:
        return (
            f"_PrintOptions(precision={self.precision}, threshold={self.threshold}, "
            f"edgeitems={self.edgeitems}, linewidth={self.linewidth}, "
            f"sci_mode={self.sci_mode})"
        )


PRINT_OPTS = _PrintOptions()


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set options for printing tensors, with the semantics of ``torch.set_printoptions``.

    Args:
        precision: Number of digits after the decimal point (default 4).
        threshold: Element count above which the output is summarised (default 1000).
        edgeitems: Items shown at each end of every summarised dimension (default 3).
        linewidth: Characters per line before wrapping (default 80).
        profile: ``'default'``, ``'short'`` or ``'full'``; applied first, so the explicit
            options above override it.
        sci_mode: Force scientific notation on (True) or off (False); None chooses
            automatically.  Like torch, every call resets it, so omitting it means None.
    """
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
        elif profile == "short":
            PRINT_OPTS.precision = 2
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 2
            PRINT_OPTS.linewidth = 80
        elif profile == "full":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = math.inf
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
        # torch silently ignores unknown profile names; so do we.

    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


_TORCH_DTYPE_NAMES: dict[np.dtype, str] = {
    np.dtype(np.float16): "torch.float16",
    np.dtype(np.float32): "torch.float32",
    np.dtype(np.float64): "torch.float64",
    np.dtype(np.int8): "torch.int8",
    np.dtype(np.uint8): "torch.uint8",
    np.dtype(np.int16): "torch.int16",
    np.dtype(np.uint16): "torch.uint16",
    np.dtype(np.int32): "torch.int32",
    np.dtype(np.uint32): "torch.uint32",
    np.dtype(np.int64): "torch.int64",
    np.dtype(np.uint64): "torch.uint64",
    np.dtype(np.bool_): "torch.bool",
    np.dtype(np.complex64): "torch.complex64",
    np.dtype(np.complex128): "torch.complex128",
}

# Up to this many values, the formatter's statistics are computed in pure Python.
_SMALL_SIZE = 64

_FLOAT64 = np.dtype(np.float64)
_INT64 = np.dtype(np.int64)
_BOOL = np.dtype(np.bool_)
_COMPLEX64 = np.dtype(np.complex64)
_COMPLEX128 = np.dtype(np.complex128)


def _torch_dtype_name(dtype: np.dtype) -> str:
    try:
        return _TORCH_DTYPE_NAMES[dtype]
    except KeyError:
        raise TypeError(f"no torch dtype corresponds to NumPy dtype {dtype}") from None


class _Formatter:
    """Decides one common width and notation for all displayed values of a (real) tensor."""

    __slots__ = ("floating", "int_mode", "max_width", "sci_mode")

    def __init__(self, values: np.ndarray) -> None:
        self.floating = values.dtype.kind == "f"
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1

        flat = values.reshape(-1)
        if not self.floating:
            self._measure_non_float(flat)
            return

        if flat.size <= _SMALL_SIZE:
            # Plain Python floats: cheaper than a dozen NumPy calls for the common tiny tensor.
            # tolist() widens float16/float32 exactly to Python floats, as torch's .item() does.
            nonzero_finite: list[float] | np.ndarray = [
                v for v in flat.tolist() if v != 0 and math.isfinite(v)
            ]
            if not nonzero_finite:
                # Like torch: no usable value leaves int_mode on and sci_mode off, even when
                # PRINT_OPTS.sci_mode is True.
                return
            magnitudes = [abs(v) for v in nonzero_finite]
            smallest = min(magnitudes)
            largest = max(magnitudes)
            int_mode = all(v == math.ceil(v) for v in nonzero_finite)
            candidates = nonzero_finite
        else:
            # Widening to float64 is exact for float16/float32 and matches torch's use of
            # Python floats, so both the sci-mode test and the text agree.
            flat64 = flat.astype(np.float64, copy=False)
            nonzero_finite = flat64[np.isfinite(flat64) & (flat64 != 0)]
            if nonzero_finite.size == 0:
                return
            magnitudes = np.abs(nonzero_finite)
            smallest = float(magnitudes.min())
            largest = float(magnitudes.max())
            int_mode = bool(np.all(nonzero_finite == np.ceil(nonzero_finite)))
            candidates = _width_candidates(nonzero_finite)

        self.int_mode = int_mode
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = largest / smallest > 1000.0 or largest > 1.0e8 or smallest < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        precision = PRINT_OPTS.precision
        if self.sci_mode:
            spec = f".{precision}e"
            extra = 0
        elif self.int_mode:
            # The trailing '.' appended to integral floats counts towards the width.
            spec = ".0f"
            extra = 1
        else:
            spec = f".{precision}f"
            extra = 0
        width = max(len(format(value, spec)) for value in candidates)
        self.max_width = max(self.max_width, width + extra)

    def _measure_non_float(self, flat: np.ndarray) -> None:
        if flat.size == 0:
            return
        if flat.dtype.kind == "b":
            # Printed as Python's 'True'/'False'.
            self.max_width = max(self.max_width, 5 if not flat.all() else 4)
            return
        # The decimal text of an integer only gets longer as it moves away from zero, so the
        # extremes decide the width.
        lowest = int(flat.min())
        highest = int(flat.max())
        self.max_width = max(self.max_width, len(str(lowest)), len(str(highest)))

    def width(self) -> int:
        return self.max_width

    def format(self, value: float) -> str:
        if self.floating:
            if self.sci_mode:
                text = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                text = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    text += "."
            else:
                text = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            text = f"{value}"
        return (self.max_width - len(text)) * " " + text


def _width_candidates(values: np.ndarray) -> list[float]:
    """The values whose formatted text can be the longest of ``values``.

    Within one sign, fixed-point text grows with the magnitude, and scientific text only
    varies through the exponent's digit count, which peaks at the largest or smallest
    magnitude.  So the extremes of each sign cover the widest text without formatting every
    element (which matters for large tensors printed with threshold=inf).
    """
    candidates: list[float] = []
    for part in (values[values > 0], values[values < 0]):
        if part.size:
            candidates.append(float(part.min()))
            candidates.append(float(part.max()))
    return candidates


def _format_complex(value: complex, real_fmt: _Formatter, imag_fmt: _Formatter) -> str:
    real_text = real_fmt.format(value.real)
    imag_text = (imag_fmt.format(value.imag) + "j").lstrip()
    # A negative imaginary part (including -0.) already carries its sign.
    if imag_text[0] == "+" or imag_text[0] == "-":
        return real_text + imag_text
    return real_text + "+" + imag_text


def _format_value(value: Any, formatter: _Formatter, imag_fmt: _Formatter | None) -> str:
    """Format one element as produced by ``ndarray.tolist()`` (bool, int, float or complex)."""
    if imag_fmt is not None:
        return _format_complex(value, formatter, imag_fmt)
    return formatter.format(value)


def _vector_str(
    vector: np.ndarray,
    indent: int,
    summarize: bool,
    formatter: _Formatter,
    imag_fmt: _Formatter | None,
) -> str:
    # Each element occupies its width plus the ', ' separator.
    element_length = formatter.width() + 2
    if imag_fmt is not None:
        # Imaginary part plus the trailing 'j'.
        element_length += imag_fmt.width() + 1
    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    edgeitems = PRINT_OPTS.edgeitems
    if summarize and not edgeitems:
        data = ["..."]
    elif summarize and vector.shape[0] > 2 * edgeitems:
        data = (
            [_format_value(v, formatter, imag_fmt) for v in vector[:edgeitems].tolist()]
            + [" ..."]
            + [_format_value(v, formatter, imag_fmt) for v in vector[-edgeitems:].tolist()]
        )
    else:
        data = [_format_value(v, formatter, imag_fmt) for v in vector.tolist()]

    lines = [
        ", ".join(data[start : start + elements_per_line])
        for start in range(0, len(data), elements_per_line)
    ]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(
    array: np.ndarray,
    indent: int,
    summarize: bool,
    formatter: _Formatter,
    imag_fmt: _Formatter | None,
) -> str:
    ndim = array.ndim
    if ndim == 0:
        return _format_value(array.item(), formatter, imag_fmt)
    if ndim == 1:
        return _vector_str(array, indent, summarize, formatter, imag_fmt)

    edgeitems = PRINT_OPTS.edgeitems
    length = array.shape[0]
    if summarize and length > 2 * edgeitems:
        slices = (
            [
                _tensor_str_with_formatter(array[i], indent + 1, summarize, formatter, imag_fmt)
                for i in range(edgeitems)
            ]
            + ["..."]
            + [
                _tensor_str_with_formatter(array[i], indent + 1, summarize, formatter, imag_fmt)
                for i in range(length - edgeitems, length)
            ]
        )
    else:
        slices = [
            _tensor_str_with_formatter(array[i], indent + 1, summarize, formatter, imag_fmt)
            for i in range(length)
        ]
    # Deeper tensors separate their sub-blocks with more blank lines (ndim - 1 newlines).
    return "[" + ("," + "\n" * (ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(array: np.ndarray) -> np.ndarray:
    """The values that will actually be displayed when summarising (flattened)."""
    edgeitems = PRINT_OPTS.edgeitems
    ndim = array.ndim
    if ndim == 0:
        return array.reshape(-1)
    if ndim == 1:
        if array.shape[0] > 2 * edgeitems:
            # With edgeitems == 0, array[-0:] is the whole vector; torch has the same quirk,
            # so the width is then computed from every element.
            return np.concatenate((array[:edgeitems], array[-edgeitems:]))
        return array
    if not edgeitems:
        return array[:0].reshape(-1)
    length = array.shape[0]
    if length > 2 * edgeitems:
        rows = [*range(edgeitems), *range(length - edgeitems, length)]
    else:
        rows = list(range(length))
    return np.concatenate([_summarized_data(array[i]).reshape(-1) for i in rows])


def _tensor_str(array: np.ndarray, indent: int) -> str:
    summarize = array.size > PRINT_OPTS.threshold
    if array.dtype.kind == "c":
        real = array.real
        imag = array.imag
        real_fmt = _Formatter(_summarized_data(real) if summarize else real)
        imag_fmt = _Formatter(_summarized_data(imag) if summarize else imag)
        return _tensor_str_with_formatter(array, indent, summarize, real_fmt, imag_fmt)
    formatter = _Formatter(_summarized_data(array) if summarize else array)
    return _tensor_str_with_formatter(array, indent, summarize, formatter, None)


def _scalar_float_str(value: float) -> str:
    """Fast path for a 0-d real float: same text as the general formatter, without NumPy ops."""
    if value == 0 or math.isinf(value) or math.isnan(value):
        # No nonzero finite value: int_mode without sci_mode, whatever PRINT_OPTS says.
        return f"{value:.0f}." if value == 0 else f"{value:.0f}"
    magnitude = abs(value)
    if PRINT_OPTS.sci_mode is None:
        sci_mode = magnitude > 1.0e8 or magnitude < 1.0e-4
    else:
        sci_mode = PRINT_OPTS.sci_mode
    if sci_mode:
        return f"{value:.{PRINT_OPTS.precision}e}"
    if value == math.ceil(value):
        return f"{value:.0f}."
    return f"{value:.{PRINT_OPTS.precision}f}"


def _add_suffixes(tensor_str: str, suffixes: list[str], indent: int) -> str:
    parts = [tensor_str]
    # torch's measure of the last line is two characters longer than the line really is,
    # which moves where a suffix wraps; reproduced as is.
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(
    data: np.ndarray,
    default_float: np.dtype,
    grad_fn_name: str | None,
    requires_grad: bool,
) -> str:
    """The full ``repr(t)``/``str(t)`` text torch 2.13 gives for a CPU tensor holding ``data``.

    Args:
        data: The tensor's values.
        default_float: The current default floating dtype (float32 unless changed); tensors
            of this dtype, or of the matching complex dtype, omit the ``dtype=`` suffix.
        grad_fn_name: Name of the node that produced the tensor, e.g. ``'PowBackward0'``.
        requires_grad: Used only when there is no ``grad_fn_name``: adds
            ``requires_grad=True``.
    """
    data = np.asarray(data)
    if not data.dtype.isnative:
        # Byte order is a storage detail; the dtype comparisons below expect native dtypes.
        data = data.astype(data.dtype.newbyteorder("="))
    default_float = np.dtype(default_float)
    prefix = "tensor("
    indent = len(prefix)
    dtype = data.dtype
    suffixes: list[str] = []

    if data.size == 0:
        # Empty tensors show their shape unless it is (0,), mirroring NumPy.
        if data.ndim != 1:
            suffixes.append(f"size={tuple(data.shape)}")
        # With no elements the dtype cannot be inferred, so even int64/bool are spelled out.
        if dtype != default_float:
            suffixes.append("dtype=" + _torch_dtype_name(dtype))
        tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(data.shape)}")
        default_complex = _COMPLEX128 if default_float == _FLOAT64 else _COMPLEX64
        if dtype not in (default_float, default_complex, _INT64, _BOOL):
            suffixes.append("dtype=" + _torch_dtype_name(dtype))
        if data.ndim == 0 and dtype.kind == "f":
            tensor_str = _scalar_float_str(float(data))
        else:
            tensor_str = _tensor_str(data, indent)

    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")

    return _add_suffixes(prefix + tensor_str, suffixes, indent)
