"""The elementwise kernels torch's optimizers call (``add_``, ``lerp_``, ``addcmul_``,
``addcdiv_``...), on raw arrays, rounding as torch's CPU kernels do.

A Python number joins a tensor op cast to the tensor's dtype (torch's ``Scalar.to<scalar_t>``),
so each scalar is cast once here and the arithmetic stays in the parameter's dtype. Where
torch's vectorized kernel fuses a multiply and an add (``vec::fmadd`` in ``add`` with alpha,
``lerp`` and ``addcmul``) a float32 array is computed in float64 and rounded once: a float32
product is exact in float64, so the result is the fused one but for rare double-rounding ties.
``sqrt`` is NumPy's, correctly rounded; torch's vectorized float32 sqrt is off by an ulp on
about one element in six, the one rounding difference left in Adam's update.
"""

from __future__ import annotations

from typing import Any

from .._backend import np
from .._ops.inplace import _bump, _write
from .._tensor import Tensor, _make, _storage


def data(t: Tensor) -> Any:
    """The tensor's storage as an ndarray (read, or written through ``store``)."""
    return _storage(t)


def new(a: Any) -> Tensor:
    """A fresh tensor over the array ``a`` (state such as momentum buffers)."""
    return _make(a)


def store(t: Tensor, value: Any) -> None:
    """Writes ``value`` into ``t``'s memory outside any graph; its version goes up as after
    any in-place op."""
    _write(t, value)
    _bump(t)


def _fmadd(a: Any, b: Any, c: Any) -> Any:
    """a * b + c rounded once (torch's ``vec::fmadd``); c is an array."""
    if c.dtype == np.float32:
        wide = np.asarray(a, dtype=np.float64) * np.asarray(b, dtype=np.float64)
        return (wide + c.astype(np.float64)).astype(np.float32)
    return a * b + c


def add(a: Any, b: Any, alpha: float) -> Any:
    """``a.add(b, alpha=alpha)``: a + alpha * b, fused as torch's vectorized add."""
    if alpha == 1:
        return a + b
    return _fmadd(b, a.dtype.type(alpha), a)


def mul(a: Any, value: float) -> Any:
    """``a.mul(value)``."""
    return a * a.dtype.type(value)


def lerp(a: Any, end: Any, weight: float) -> Any:
    """``a.lerp(end, weight)``: a + w (end - a) for |w| < 0.5, else end + (w - 1)(end - a)
    (torch's two-sided form, exact at both ends), fused as torch's vectorized lerp."""
    w = a.dtype.type(weight)
    if abs(w) < 0.5:
        return _fmadd(w, end - a, a)
    return _fmadd(w - a.dtype.type(1), end - a, end)


def addcmul(a: Any, t1: Any, t2: Any, value: float) -> Any:
    """``a.addcmul(t1, t2, value=value)``: (value * t1) * t2 + a, the last two fused as in
    torch's kernel."""
    return _fmadd(a.dtype.type(value) * t1, t2, a)


def addcdiv(a: Any, t1: Any, t2: Any, value: float) -> Any:
    """``a.addcdiv(t1, t2, value=value)``: a + value * t1 / t2, left to right."""
    return a + a.dtype.type(value) * t1 / t2


def div(a: Any, value: float) -> Any:
    """``a / value`` for a Python number (cast to a's dtype first)."""
    return a / a.dtype.type(value)


def add_scalar(a: Any, value: float) -> Any:
    """``a + value`` for a Python number."""
    return a + a.dtype.type(value)
