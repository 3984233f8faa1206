"""The op table, elementwise functions of one, two or three tensors: the rest of the unary math
functions, rounding, remainders, clamps, maximum/minimum, atan2, hypot, lerp, masked_fill."""

from __future__ import annotations

import math
from typing import Any

from ..._backend import np, preserving, row_major
from ..registry import op

_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
_PI_180 = math.pi / 180
_180_PI = 180 / math.pi

# ---- forwards that NumPy lacks or computes differently from torch ---------------------------


def _sign(self: Any) -> Any:
    # (x > 0) - (x < 0): sign(nan) = 0 and sign(-0.) = +0, as torch's kernel (np.sign differs)
    dt = self.dtype
    if dt.kind == "b":
        return self.copy()
    if type(self) is not np.ndarray:  # a NumPy scalar (0-d)
        return dt.type(int(self > 0) - int(self < 0))
    return np.greater(self, 0).astype(dt) - np.less(self, 0).astype(dt)


def _rounding(f: Any) -> Any:
    # floor/ceil/round/trunc of an integer tensor is a copy in its own dtype
    def forward(self: Any) -> Any:
        return f(self) if self.dtype.kind in "fc" else self.copy()

    return forward


def _round_decimals(self: Any, decimals: int) -> Any:
    # torch: nearbyint(x * 10^d) / 10^d, or nearbyint(x / 10^-d) * 10^-d for d < 0, in the
    # op-math dtype (float32 for float16)
    dt = self.dtype
    work = np.float32 if dt == np.float16 else dt.type
    a = np.asarray(self, dtype=work)
    p = work(np.float64(10.0) ** abs(decimals))
    r = np.rint(a / p) * p if decimals < 0 else np.rint(a * p) / p
    return r.astype(dt)


# W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23
# (1969), as in Netlib's CALERF: |x| <= 0.46875: erf = x P(x^2)/Q(x^2); 0.46875 < |x| <= 4:
# erfc = exp(-x^2) P(|x|)/Q(|x|); |x| > 4: erfc = exp(-x^2)/|x| (1/sqrt(pi) + R(1/x^2)/x^2).
_ERF_A = (3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
          3.20937758913846947e03, 1.85777706184603153e-1)
_ERF_B = (2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
          2.84423683343917062e03)
_ERF_C = (5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
          2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03,
          2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8)
_ERF_D = (1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
          1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03,
          3.43936767414372164e03, 1.23033935480374942e03)
_ERF_P = (3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
          1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2)
_ERF_Q = (2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1,
          6.05183413124413191e-2, 2.33520497626869185e-3)
_SQRPI = 5.6418958354775628695e-1  # 1 / sqrt(pi)
_ERF_THRESH = 0.46875


def _erf_small(x: Any) -> Any:
    """erf(x) for |x| <= 0.46875."""
    z = x * x
    num = _ERF_A[4] * z
    den = z
    for i in range(3):
        num = (num + _ERF_A[i]) * z
        den = (den + _ERF_B[i]) * z
    return x * (num + _ERF_A[3]) / (den + _ERF_B[3])


def _erfc_large(y: Any) -> Any:
    """erfc(y) for y > 0.46875."""
    mid = y <= 4.0
    num = _ERF_C[8] * y
    den = y
    for i in range(7):
        num = (num + _ERF_C[i]) * y
        den = (den + _ERF_D[i]) * y
    r_mid = (num + _ERF_C[7]) / (den + _ERF_D[7])
    z = 1.0 / (y * y)
    num = _ERF_P[5] * z
    den = z
    for i in range(4):
        num = (num + _ERF_P[i]) * z
        den = (den + _ERF_Q[i]) * z
    r_tail = (_SQRPI - z * (num + _ERF_P[4]) / (den + _ERF_Q[4])) / y
    r = np.where(mid, r_mid, r_tail)
    # exp(-y^2) as exp(-t^2) exp(-(y - t)(y + t)) with t = y rounded down to 1/16: exact t^2
    # keeps the relative error of the product near one ulp
    t = np.trunc(y * 16.0) / 16.0
    out = np.exp(-t * t) * np.exp(-(y - t) * (y + t)) * r
    return np.where(y == np.inf, 0.0, out)


def _erf_impl(x: Any, complement: bool) -> Any:
    dtype = x.dtype
    if np.ndim(x) == 0:
        # one value: the C library's erf/erfc through math
        v = float(x)
        return dtype.type(math.erfc(v) if complement else math.erf(v))
    a = np.asarray(x, dtype=np.float64)
    y = np.abs(a)
    small = y <= _ERF_THRESH
    large = y > _ERF_THRESH
    out = a.copy()  # nan stays nan
    if small.any():
        v = _erf_small(a[small])
        out[small] = 1.0 - v if complement else v
    if large.any():
        xl = a[large]
        r = _erfc_large(y[large])
        if complement:
            out[large] = np.where(xl < 0, 2.0 - r, r)
        else:
            v = (0.5 - r) + 0.5
            out[large] = np.where(xl < 0, -v, v)
    return out.astype(dtype, copy=False)


def erf_array(x: Any) -> Any:
    """erf on a float array (or NumPy scalar), accurate to about one ulp in float64."""
    return _erf_impl(x, False)


def erfc_array(x: Any) -> Any:
    """erfc on a float array (or NumPy scalar), with full relative accuracy in the tail."""
    return _erf_impl(x, True)


def _kind(a: Any, b: Any) -> str:
    # the dtype kind of an op on a and b, one of which may be a Python number (already
    # promoted by the caller, so the array's dtype is the op's)
    return (a if hasattr(a, "dtype") else b).dtype.kind


def remainder_array(a: Any, b: Any) -> Any:
    """Python-style remainder (sign of the divisor). For floats torch's kernel: fmod, then add
    ``b`` where the signs differ, which keeps fmod's signed zero (np.remainder does not)."""
    if _kind(a, b) in "iub":
        return np.remainder(a, b)
    mod = np.fmod(a, b)
    return np.where((mod != 0) & ((b < 0) != (mod < 0)), mod + b, mod)


def div_floor_array(a: Any, b: Any) -> Any:
    # NumPy's floor_divide is torch's div_floor, IEEE results for a zero divisor included
    return np.floor_divide(a, b)


def div_trunc_array(a: Any, b: Any) -> Any:
    if _kind(a, b) in "iub":
        # exact for integers: a - fmod(a, b) is a multiple of b
        return np.floor_divide(a - np.fmod(a, b), b)
    return np.trunc(np.true_divide(a, b))


def _keep_first_zero(r: Any, a: Any) -> Any:
    # Where the result is a zero and ``a`` is one too, torch returns ``a`` itself: max(-0., 0.)
    # is -0. (NumPy may return either zero). Other ties are equal bit for bit.
    zero = r == 0
    if zero.any():
        r = np.where(zero & (a == 0), a, r)
    return r


def maximum_array(a: Any, b: Any) -> Any:
    """torch's maximum: nan from either side, and ``a`` on ties. ``a`` is an array (or NumPy
    scalar) in the op's dtype; ``b`` an array or a Python number."""
    if type(a) is not np.ndarray and type(b) is not np.ndarray:  # one value: std::max
        return a.dtype.type(b) if b != b or a < b else a
    r = np.maximum(a, b)
    return _keep_first_zero(r, a) if a.dtype.kind == "f" else r


def minimum_array(a: Any, b: Any) -> Any:
    """torch's minimum: nan from either side, and ``a`` on ties."""
    if type(a) is not np.ndarray and type(b) is not np.ndarray:  # one value: std::min
        return a.dtype.type(b) if b != b or b < a else a
    r = np.minimum(a, b)
    return _keep_first_zero(r, a) if a.dtype.kind == "f" else r


def fmax_array(a: Any, b: Any) -> Any:
    """The larger, ignoring nan (nan only where both are); ``a`` on ties."""
    r = np.fmax(a, b)
    return _keep_first_zero(r, a) if a.dtype.kind == "f" else r


def fmin_array(a: Any, b: Any) -> Any:
    """The smaller, ignoring nan (nan only where both are); ``a`` on ties."""
    r = np.fmin(a, b)
    return _keep_first_zero(r, a) if a.dtype.kind == "f" else r


def _clamp(self: Any, min: Any, max: Any) -> Any:  # noqa: A002
    # min(max(x, lo), hi): nan propagates from x and from the bounds, lo > hi gives hi
    # everywhere, and x itself wins ties (signed zeros kept), as torch
    out = self
    if min is not None:
        out = maximum_array(out, min)
    if max is not None:
        out = minimum_array(out, max)
    return out if out is not self else self.copy()


def _lerp(self: Any, end: Any, weight: Any) -> Any:
    # torch's kernel: from the nearer end, self + w (end - self) for |w| < 0.5, else
    # end - (end - self)(1 - w)
    diff = end - self
    if isinstance(weight, np.ndarray):
        return np.where(np.abs(weight) < 0.5, self + weight * diff, end - diff * (1 - weight))
    weight = np.result_type(self, end).type(weight)  # a number weight is cast to the dtype first
    if abs(weight) < 0.5:
        return self + weight * diff
    return end - diff * (1 - weight)


def _masked_fill(self: Any, value: Any, mask: Any) -> Any:
    # torch fills a row-major clone of self (expanded to the mask's shape)
    out = np.where(mask, np.asarray(value).astype(self.dtype), self)
    return out if self.flags.c_contiguous and out.flags.c_contiguous else row_major(out)


def _like_input(out: Any, self: Any) -> Any:
    # torch's TensorIterator writes a one-input op's result in the input's layout
    # (preserve_format); NumPy's copies order a broadcast input's dims differently
    return out if self.flags.c_contiguous else preserving(out, self)


def _scalar_as(x: Any, like: Any) -> Any:
    """A Python number operand in the dtype of the array operand ``like`` (a NumPy float64
    scalar would otherwise widen a float32 result)."""
    return x if hasattr(x, "dtype") else np.asarray(x, dtype=like.dtype)[()]


def xlogy_array(self: Any, other: Any) -> Any:
    """``self * log(other)``: 0 where ``self`` is 0 (whatever ``other``), nan where ``other``
    is nan, as torch's kernel. One operand may be a Python number."""
    if not hasattr(self, "dtype"):
        self = _scalar_as(self, other)
    elif not hasattr(other, "dtype"):
        other = _scalar_as(other, self)
    out = np.where(self == 0, 0, self * np.log(other))
    return np.where(np.isnan(other), other, out).astype(out.dtype, copy=False)


def _addcmul(self: Any, tensor1: Any, tensor2: Any, value: Any) -> Any:
    # torch's kernel: self + (value * t1) * t2, value in the op's dtype
    dt = np.result_type(self, tensor1, tensor2)
    return self + np.asarray(value).astype(dt) * tensor1 * tensor2


def _addcdiv(self: Any, tensor1: Any, tensor2: Any, value: Any) -> Any:
    # torch's kernel: self + (value * t1) / t2
    dt = np.result_type(self, tensor1, tensor2)
    return self + np.asarray(value).astype(dt) * tensor1 / tensor2


def _logit(self: Any, eps: Any) -> Any:
    # log(x / (1 - x)), x first clamped to [eps, 1 - eps] as torch's kernel clamps (x < lo
    # gives lo, else x > hi gives hi: for eps > 0.5 the bounds cross and that order decides)
    x = self
    if eps is not None:
        lo = _scalar_as(eps, x)
        hi = 1 - lo
        x = np.where(x < lo, lo, np.where(x > hi, hi, x))
    return np.log(x / (1 - x))


def _sinc(self: Any) -> Any:
    # sin(pi x) / (pi x) in the input's dtype (pi rounded to it, as torch), 1 at 0
    p = self * _scalar_as(math.pi, self)
    return np.where(self == 0, 1, np.sin(p) / p).astype(self.dtype, copy=False)


def _heaviside(self: Any, values: Any) -> Any:
    # values where self is 0, else (self > 0): nan gives 0, as torch's kernel
    step = np.greater(self, 0).astype(np.result_type(self, values))
    return np.where(self == 0, values, step)


def _zeros(F: Any, grad: Any) -> Any:
    return F.zeros_like(grad)


# ---- formulas -------------------------------------------------------------------------------


def _atan2_recip(F: Any, self: Any, other: Any) -> Any:
    # 1 / (y^2 + x^2), set to 0 where both are 0, so atan2's gradient at the origin is 0
    den = self * self + other * other
    return F.where(den == 0, 0.0, 1 / den)


def _maximum_grad(F: Any, grad: Any, winner: Any, loser: Any) -> Any:
    # ties split the gradient evenly; nan in either input gives both the full gradient
    return F.where(winner < loser, 0.0, F.where(winner == loser, grad / 2, grad))


def _clamp_mask(self: Any, lo: Any, hi: Any) -> Any:
    """Where ``clamp`` passes ``self`` through: the bounds themselves included."""
    if lo is not None and hi is not None:
        return (self >= lo) & (self <= hi)
    if lo is not None:
        return self >= lo
    return self <= hi


def _clamp_min_grad(F: Any, grad: Any, self: Any, min: Any, max: Any) -> Any:  # noqa: A002
    # the lower bound wins below it, unless the bounds cross (then max wins everywhere)
    mask = self < min if max is None else (self < min) & (min < max)
    return F.where(mask, grad, 0.0)


def _clamp_max_grad(F: Any, grad: Any, self: Any, min: Any, max: Any) -> Any:  # noqa: A002
    mask = self > max if min is None else (self > max) | (max < min)
    return F.where(mask, grad, 0.0)


def _xlogy_self_grad(F: Any, grad: Any, self: Any, other: Any) -> Any:
    # d/dx x log y = log y, written xlogy(grad, y); 0 where x is 0 and y <= 0 (there x log y
    # is 0 whatever x's sign, so torch takes the gradient of the constant)
    return F.where((self == 0) & (other <= 0), 0.0, F.xlogy(grad, other))


def _xlogy_self_grad_number(F: Any, grad: Any, self: Any, other: Any) -> Any:
    # a number y: the mask is needed only when y <= 0 (or nan)
    if other > 0:
        return F.xlogy(grad, other)
    return F.where(self == 0, 0.0, F.xlogy(grad, other))


def _copysign_grad(F: Any, grad: Any, self: Any, result: Any) -> Any:
    # d copysign(x, y) / dx = copysign(x, y) / x, +1 or -1; 0 at x == 0
    return grad * F.where(self == 0, 0.0, result / self)


def _logit_grad(F: Any, grad: Any, self: Any, eps: Any) -> Any:
    # d logit = 1 / (x (1 - x)) inside [eps, 1 - eps]; outside it 0 (the clamp), or nan
    # without eps (outside [0, 1] logit is nan); +-inf at 0 and 1; nan at nan
    lo = 0.0 if eps is None else eps
    outside = (self < lo) | (self > 1 - lo)
    return F.where(outside, math.nan if eps is None else 0.0, grad / (self * (1 - self)))


def _sinc_grad(F: Any, grad: Any, self: Any) -> Any:
    # d sinc = (pi x cos(pi x) - sin(pi x)) / (pi x^2); 0 at x == 0, as torch
    pi_x = self * math.pi
    pi_x2 = self * self * math.pi
    out = grad * (pi_x * F.cos(pi_x) - F.sin(pi_x)) / pi_x2
    return F.where(pi_x2 == 0, 0.0, out)


def _not_implemented(aten: str) -> Any:
    raise RuntimeError(f"derivative for aten::{aten} is not implemented")


# ---- one input ------------------------------------------------------------------------------

# sign, floor, ceil, round and trunc are piecewise constant: gradient 0 everywhere, kinks
# included (torch's zeros_like(grad))
SIGN = op("SignBackward0", _sign, self=lambda F, grad: _zeros(F, grad))
EXP2 = op("Exp2Backward0", lambda self: np.exp2(self), dtype="float",
          self=lambda F, grad, result: grad * result * _LN2)
EXPM1 = op("Expm1Backward0", lambda self: np.expm1(self), dtype="float",
           self=lambda F, grad, result: grad * (result + 1))
LOG2 = op("Log2Backward0", lambda self: np.log2(self), dtype="float",
          self=lambda F, grad, self: grad / (self * _LN2))
LOG10 = op("Log10Backward0", lambda self: np.log10(self), dtype="float",
           self=lambda F, grad, self: grad / (self * _LN10))
LOG1P = op("Log1PBackward0", lambda self: np.log1p(self), dtype="float",
           self=lambda F, grad, self: grad / (self + 1))
# d x^(-1/2) = -x^(-3/2) / 2 = -result^3 / 2: -inf at 0, as torch
RSQRT = op("RsqrtBackward0", lambda self: 1 / np.sqrt(self), dtype="float",
           self=lambda F, grad, result: -0.5 * grad * result**3)
# d asin = 1/sqrt(1 - x^2): inf at +-1, nan outside [-1, 1]
ASIN = op("AsinBackward0", lambda self: np.arcsin(self), dtype="float",
          self=lambda F, grad, self: grad * F.rsqrt(1 - self * self))
ACOS = op("AcosBackward0", lambda self: np.arccos(self), dtype="float",
          self=lambda F, grad, self: grad * -F.rsqrt(1 - self * self))
ATAN = op("AtanBackward0", lambda self: np.arctan(self), dtype="float",
          self=lambda F, grad, self: grad / (self * self + 1))
SINH = op("SinhBackward0", lambda self: np.sinh(self), dtype="float",
          self=lambda F, grad, self: grad * F.cosh(self))
COSH = op("CoshBackward0", lambda self: np.cosh(self), dtype="float",
          self=lambda F, grad, self: grad * F.sinh(self))
ASINH = op("AsinhBackward0", lambda self: np.arcsinh(self), dtype="float",
           self=lambda F, grad, self: grad * F.rsqrt(self * self + 1))
# d acosh = 1/sqrt(x^2 - 1): inf at 1, nan below
ACOSH = op("AcoshBackward0", lambda self: np.arccosh(self), dtype="float",
           self=lambda F, grad, self: grad * F.rsqrt(self * self - 1))
# d atanh = 1/(1 - x^2): inf at +-1, finite (negative) outside, where the forward is nan
ATANH = op("AtanhBackward0", lambda self: np.arctanh(self), dtype="float",
           self=lambda F, grad, self: grad / (1 - self * self))
ERF = op("ErfBackward0", lambda self: _like_input(erf_array(self), self), dtype="float",
         self=lambda F, grad, self: _TWO_OVER_SQRT_PI * F.exp(-(self * self)) * grad)
ERFC = op("ErfcBackward0", lambda self: _like_input(erfc_array(self), self), dtype="float",
          self=lambda F, grad, self: -_TWO_OVER_SQRT_PI * F.exp(-(self * self)) * grad)
FLOOR = op("FloorBackward0", _rounding(np.floor), self=lambda F, grad: _zeros(F, grad))
CEIL = op("CeilBackward0", _rounding(np.ceil), self=lambda F, grad: _zeros(F, grad))
ROUND = op("RoundBackward0", _rounding(np.rint), self=lambda F, grad: _zeros(F, grad))
ROUND_DECIMALS = op("RoundBackward1", _round_decimals, self=lambda F, grad: _zeros(F, grad))
TRUNC = op("TruncBackward0", _rounding(np.trunc), self=lambda F, grad: _zeros(F, grad))
# x - trunc(x): gradient 1, the jumps ignored
FRAC = op("FracBackward0", lambda self: self - np.trunc(self), self=lambda F, grad: grad)
# the gradient passes where the input was finite and is 0 at replaced nan/inf
NAN_TO_NUM = op("NanToNumBackward0",
                lambda self, nan, posinf, neginf: _like_input(np.nan_to_num(
                    self, nan=nan, posinf=posinf, neginf=neginf), self),
                self=lambda F, grad, self: grad * F.isfinite(self))

LOGIT = op("LogitBackward0", _logit, dtype="float", self=_logit_grad)
SINC = op("SincBackward0", _sinc, dtype="float", self=_sinc_grad)
# x * pi / 180 and x * 180 / pi, the constant rounded to the input's dtype as torch's product
DEG2RAD = op("Deg2RadBackward0", lambda self: self * _scalar_as(_PI_180, self), dtype="float",
             self=lambda F, grad: grad * _PI_180)
RAD2DEG = op("Rad2DegBackward0", lambda self: self * _scalar_as(_180_PI, self), dtype="float",
             self=lambda F, grad: grad * _180_PI)
# sgn of a real tensor is sign; its gradient is 0 everywhere (nan and the infinities too)
SGN = op("SgnBackward0", _sign, self=lambda F, grad: _zeros(F, grad))

# ---- two inputs -----------------------------------------------------------------------------

# tensor % number, tensor % tensor: the remainder moves with self at slope 1; with other at
# slope -floor(self / other) (-trunc for fmod)
REMAINDER_SCALAR = op("RemainderBackward0", lambda self, other: remainder_array(self, other),
                      self=lambda F, grad: grad)
REMAINDER = op("RemainderBackward1", lambda self, other: remainder_array(self, other),
               self=lambda F, grad: grad,
               other=lambda F, grad, self, other: -grad * F.div_floor(self, other))
FMOD_SCALAR = op("FmodBackward0", lambda self, other: np.fmod(self, other),
                 self=lambda F, grad: grad)
FMOD = op("FmodBackward1", lambda self, other: np.fmod(self, other),
          self=lambda F, grad: grad,
          other=lambda F, grad, self, other: -grad * F.div_trunc(self, other))
# div(..., rounding_mode='floor'|'trunc') is piecewise constant: zero gradients
DIV_MODE = op("DivBackward2",
              lambda self, other, rounding_mode: div_floor_array(self, other)
              if rounding_mode == "floor" else div_trunc_array(self, other),
              self=lambda F, grad: _zeros(F, grad),
              other=lambda F, grad: _zeros(F, grad))
ATAN2 = op("Atan2Backward0", lambda self, other: np.arctan2(self, other), dtype="float",
           self=lambda F, grad, self, other: grad * other * _atan2_recip(F, self, other),
           other=lambda F, grad, self, other: grad * -self * _atan2_recip(F, self, other))
MAXIMUM = op("MaximumBackward0", lambda self, other: maximum_array(self, other),
             self=lambda F, grad, self, other: _maximum_grad(F, grad, self, other),
             other=lambda F, grad, self, other: _maximum_grad(F, grad, other, self))
MINIMUM = op("MinimumBackward0", lambda self, other: minimum_array(self, other),
             self=lambda F, grad, self, other: _maximum_grad(F, grad, other, self),
             other=lambda F, grad, self, other: _maximum_grad(F, grad, self, other))
# fmax/fmin ignore nan; ties go wholly to self
FMAX = op("FmaxBackward0", lambda self, other: fmax_array(self, other),
          self=lambda F, grad, self, other: F.where((self >= other) | F.isnan(other), grad, 0.0),
          other=lambda F, grad, self, other: F.where((self >= other) | F.isnan(other), 0.0,
                                                     grad))
FMIN = op("FminBackward0", lambda self, other: fmin_array(self, other),
          self=lambda F, grad, self, other: F.where((self <= other) | F.isnan(other), grad, 0.0),
          other=lambda F, grad, self, other: F.where((self <= other) | F.isnan(other), 0.0,
                                                     grad))
# d hypot = (x, y) / hypot: nan at the origin, as torch
HYPOT = op("HypotBackward0", lambda self, other: np.hypot(self, other),
           self=lambda F, grad, self, result: grad * self / result,
           other=lambda F, grad, other, result: grad * other / result)

# ---- comparisons in place ---------------------------------------------------------------------

# x.eq_(y) and its kin write 1 or 0 in x's dtype (``dtype``): piecewise constant, so the
# gradients are zero, for ``other`` too when it is a tensor (Backward1); torch records the node
def _comparison_(name: str, ufunc: Any) -> tuple:
    def forward(self: Any, other: Any, dtype: Any) -> Any:
        return ufunc(self, other).astype(dtype)

    number = op(f"{name}Backward0", forward, self=lambda F, grad: _zeros(F, grad))
    tensor = op(f"{name}Backward1", forward, self=lambda F, grad: _zeros(F, grad),
                other=lambda F, grad: _zeros(F, grad))
    return number, tensor


EQ_, EQ_TENSOR_ = _comparison_("Eq", np.equal)
NE_, NE_TENSOR_ = _comparison_("Ne", np.not_equal)
LT_, LT_TENSOR_ = _comparison_("Lt", np.less)
LE_, LE_TENSOR_ = _comparison_("Le", np.less_equal)
GT_, GT_TENSOR_ = _comparison_("Gt", np.greater)
GE_, GE_TENSOR_ = _comparison_("Ge", np.greater_equal)


# log(e^x + e^y) and log2(2^x + 2^y): NumPy's kernels are torch's (equal infinities give
# themselves). d/dx = 1 / (1 + e^(y - x)): nan where both are the same infinity, as torch
LOGADDEXP = op("LogaddexpBackward0", lambda self, other: np.logaddexp(self, other),
               self=lambda F, grad, self, other: grad / (1 + F.exp(other - self)),
               other=lambda F, grad, self, other: grad / (1 + F.exp(self - other)))
LOGADDEXP2 = op("Logaddexp2Backward0", lambda self, other: np.logaddexp2(self, other),
                self=lambda F, grad, self, other: grad / (1 + 2.0 ** (other - self)),
                other=lambda F, grad, self, other: grad / (1 + 2.0 ** (self - other)))
# xlogy(x, y) = x log y, 0 at x == 0: tensor and tensor, number and tensor, tensor and number
XLOGY = op("XlogyBackward0", lambda self, other: xlogy_array(self, other),
           self=_xlogy_self_grad,
           other=lambda F, grad, self, other: grad * self / other)
XLOGY_SCALAR_SELF = op("XlogyBackward1", lambda other, self: xlogy_array(self, other),
                       other=lambda F, grad, self, other: grad * self / other)
XLOGY_SCALAR_OTHER = op("XlogyBackward2", lambda self, other: xlogy_array(self, other),
                        self=_xlogy_self_grad_number)
# |x| with y's sign: the sign carries no gradient (torch gives other zeros, not None)
COPYSIGN = op("CopysignBackward0", lambda self, other: np.copysign(self, other),
              self=_copysign_grad, other=lambda F, grad: _zeros(F, grad))
COPYSIGN_SCALAR = op("CopysignBackward1", lambda self, other: np.copysign(self, other),
                     self=_copysign_grad)

# ---- clamps: the gradient passes where the input is within the bounds, bounds included ------

CLAMP = op("ClampBackward1", _clamp,
           self=lambda F, grad, self, min, max: F.where(_clamp_mask(self, min, max), grad, 0.0))
CLAMP_TENSOR = op("ClampBackward0", _clamp,
                  self=lambda F, grad, self, min, max: F.where(_clamp_mask(self, min, max),
                                                               grad, 0.0),
                  min=_clamp_min_grad, max=_clamp_max_grad)
CLAMP_MIN = op("ClampMinBackward0", lambda self, min: maximum_array(self, min),
               self=lambda F, grad, self, min: F.where(self >= min, grad, 0.0))
CLAMP_MIN_TENSOR = op("ClampMinBackward1", lambda self, min: maximum_array(self, min),
                      self=lambda F, grad, self, min: F.where(self >= min, grad, 0.0),
                      min=lambda F, grad, self, min: F.where(self < min, grad, 0.0))
CLAMP_MAX = op("ClampMaxBackward0", lambda self, max: minimum_array(self, max),
               self=lambda F, grad, self, max: F.where(self <= max, grad, 0.0))
CLAMP_MAX_TENSOR = op("ClampMaxBackward1", lambda self, max: minimum_array(self, max),
                      self=lambda F, grad, self, max: F.where(self <= max, grad, 0.0),
                      max=lambda F, grad, self, max: F.where(self > max, grad, 0.0))

# ---- three inputs ---------------------------------------------------------------------------

# lerp(a, b, w) = a + w (b - a)
LERP = op("LerpBackward0", _lerp, fw="linear",
          self=lambda F, grad, weight: grad * (1 - weight),
          end=lambda F, grad, weight: grad * weight)
LERP_TENSOR = op("LerpBackward1", _lerp,
                 self=lambda F, grad, weight: grad * (1 - weight),
                 end=lambda F, grad, weight: grad * weight,
                 weight=lambda F, grad, self, end: grad * (end - self))
# addcmul: self + value * t1 * t2; addcdiv: self + value * t1 / t2
ADDCMUL = op("AddcmulBackward0", _addcmul,
             self=lambda F, grad: grad,
             tensor1=lambda F, grad, tensor2, value: grad * (tensor2 * value),
             tensor2=lambda F, grad, tensor1, value: grad * (tensor1 * value))
ADDCDIV = op("AddcdivBackward0", _addcdiv,
             self=lambda F, grad: grad,
             tensor1=lambda F, grad, tensor2, value: grad * (value / tensor2),
             tensor2=lambda F, grad, tensor1, tensor2, value: -grad * (
                 value * tensor1 / (tensor2 * tensor2)))
# the mask is not an input of the node (not differentiable); a 0-d value tensor receives the
# sum of the gradient over the filled positions
MASKED_FILL = op("MaskedFillBackward0", lambda self, value, mask: _masked_fill(self, value, mask),
                 fw="element_wise", n_inputs=1,
                 self=lambda F, grad, mask: F.where(mask, 0.0, grad))
MASKED_FILL_TENSOR = op("MaskedFillBackward1", _masked_fill, fw=None,
                        self=lambda F, grad, mask: F.where(mask, 0.0, grad),
                        value=lambda F, grad, mask: F.where(mask, grad, 0.0).sum())

# ---- ops torch records without a derivative -------------------------------------------------

# floor_divide, and remainder with a number as dividend: the node exists (grad_fn
# 'torch::autograd::NotImplemented') and the backward raises. ``compute`` is the forward on
# the tensor inputs' arrays; ``aten`` names the op in the error.
NOT_IMPLEMENTED = op("torch::autograd::NotImplemented",
                     lambda self, other, compute, aten: compute(self, other), n_inputs=2,
                     self=lambda F, grad, aten: _not_implemented(aten),
                     other=lambda F, grad, aten: _not_implemented(aten))
NOT_IMPLEMENTED_UNARY = op("torch::autograd::NotImplemented",
                           lambda self, compute, aten: compute(self),
                           self=lambda F, grad, aten: _not_implemented(aten))
