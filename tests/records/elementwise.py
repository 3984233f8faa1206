"""Records of the elementwise family: unary math, rounding, remainders, clamps, maximum/minimum,
atan2, hypot, lerp, masked_fill."""

from __future__ import annotations

from .arithmetic import SAME_SHAPE
from .base import BINARY, Record

# the half-integers where round() jumps, and the integers where floor/ceil/trunc/remainder do
_INTEGERS = (-2.0, -1.0, 0.0, 1.0, 2.0)
_HALVES = (-1.5, -0.5, 0.5, 1.5)
# three inputs that broadcast together
TERNARY = [((), (), ()), ((3,), (3,), (3,)), ((2, 3), (3,), (2, 1)), ((2, 1), (1, 3), ())]
# the same with the first input as large as the result: torch's clamp backward with tensor
# bounds fails when the bounds broadcast the input up ("output with shape [] doesn't match the
# broadcast shape [1]"), so hypothesis must not draw such shapes for the comparison
TERNARY_FULL = [((), (), ()), ((3,), (3,), (3,)), ((2, 3), (3,), (2, 1)), ((2, 3), (1, 3), ())]

RECORDS = [
    # one input
    Record("sign", "SignBackward0", lambda T, a: T.sign(a), avoid=(0.0,)),
    Record("exp2", "Exp2Backward0", lambda T, a: T.exp2(a)),
    Record("expm1", "Expm1Backward0", lambda T, a: a.expm1()),
    Record("log2", "Log2Backward0", lambda T, a: T.log2(a), low=0.2),
    Record("log10", "Log10Backward0", lambda T, a: a.log10(), low=0.2),
    Record("log1p", "Log1PBackward0", lambda T, a: T.log1p(a), low=-0.8),
    Record("rsqrt", "RsqrtBackward0", lambda T, a: a.rsqrt(), low=0.2),
    Record("asin", "AsinBackward0", lambda T, a: T.asin(a), low=-0.9, high=0.9),
    Record("arcsin", "AsinBackward0", lambda T, a: a.arcsin(), low=-0.9, high=0.9),
    Record("acos", "AcosBackward0", lambda T, a: a.acos(), low=-0.9, high=0.9),
    Record("atan", "AtanBackward0", lambda T, a: T.atan(a)),
    Record("sinh", "SinhBackward0", lambda T, a: T.sinh(a)),
    Record("cosh", "CoshBackward0", lambda T, a: a.cosh()),
    Record("asinh", "AsinhBackward0", lambda T, a: T.asinh(a)),
    Record("acosh", "AcoshBackward0", lambda T, a: T.acosh(a), low=1.2, high=3.0),
    Record("atanh", "AtanhBackward0", lambda T, a: a.atanh(), low=-0.9, high=0.9),
    Record("erf", "ErfBackward0", lambda T, a: T.erf(a), low=-3.0, high=3.0),
    Record("erfc", "ErfcBackward0", lambda T, a: a.erfc(), low=-3.0, high=3.0),
    Record("floor", "FloorBackward0", lambda T, a: T.floor(a), avoid=_INTEGERS),
    Record("ceil", "CeilBackward0", lambda T, a: a.ceil(), avoid=_INTEGERS),
    Record("round", "RoundBackward0", lambda T, a: T.round(a), avoid=_HALVES),
    Record("round_decimals", "RoundBackward1", lambda T, a: T.round(a * 10, decimals=-1),
           low=-2.0, high=2.0, avoid=_HALVES),
    Record("trunc", "TruncBackward0", lambda T, a: T.trunc(a), avoid=_INTEGERS),
    Record("fix", "TruncBackward0", lambda T, a: a.fix(), avoid=_INTEGERS),
    Record("frac", "FracBackward0", lambda T, a: T.frac(a), avoid=_INTEGERS),
    Record("nan_to_num", "NanToNumBackward0", lambda T, a: T.nan_to_num(a, nan=1.0)),
    # two inputs
    Record("remainder_scalar", "RemainderBackward0", lambda T, a: a % 1.5,
           avoid=(-1.5, 0.0, 1.5)),
    Record("remainder", "RemainderBackward1", lambda T, a, b: T.remainder(a * 3, b), BINARY,
           low=0.4, high=2.0),
    Record("fmod_scalar", "FmodBackward0", lambda T, a: T.fmod(a, 1.5),
           avoid=(-1.5, 0.0, 1.5)),
    Record("fmod", "FmodBackward1", lambda T, a, b: a.fmod(b - 3), BINARY, low=0.4, high=2.0),
    Record("div_floor", "DivBackward2", lambda T, a, b: T.div(a, b, rounding_mode="floor"),
           BINARY, low=0.5, high=2.0),
    Record("div_trunc_scalar", "DivBackward2", lambda T, a: a.div(0.7, rounding_mode="trunc"),
           avoid=(-1.4, -0.7, 0.0, 0.7, 1.4)),
    Record("atan2", "Atan2Backward0", lambda T, a, b: T.atan2(a, b), BINARY, avoid=(0.0,)),
    Record("arctan2", "Atan2Backward0", lambda T, a, b: a.arctan2(b), BINARY, avoid=(0.0,)),
    Record("maximum", "MaximumBackward0", lambda T, a, b: T.maximum(a, b), BINARY),
    Record("minimum", "MinimumBackward0", lambda T, a, b: a.minimum(b), BINARY),
    Record("fmax", "FmaxBackward0", lambda T, a, b: T.fmax(a, b), BINARY),
    Record("fmin", "FminBackward0", lambda T, a, b: a.fmin(b), BINARY),
    Record("hypot", "HypotBackward0", lambda T, a, b: T.hypot(a, b), BINARY, avoid=(0.0,)),
    # clamps: finite differences must not straddle the bounds
    Record("clamp", "ClampBackward1", lambda T, a: T.clamp(a, -1.0, 0.5), avoid=(-1.0, 0.5)),
    Record("clamp_min_kw", "ClampBackward1", lambda T, a: a.clamp(min=0.5), avoid=(0.5,)),
    Record("clip", "ClampBackward1", lambda T, a: T.clip(a, max=0.0), avoid=(0.0,)),
    Record("clamp_tensor", "ClampBackward0", lambda T, a, lo, hi: T.clamp(a, lo - 1, hi + 1),
           TERNARY_FULL, fixed_shapes=True),
    Record("clamp_tensor_min", "ClampBackward0", lambda T, a, b: a.clamp(min=b), BINARY),
    Record("clamp_tensor_max", "ClampBackward0", lambda T, a, b: T.clamp(a, max=b), BINARY),
    Record("clamp_min", "ClampMinBackward0", lambda T, a: T.clamp_min(a, 0.5), avoid=(0.5,)),
    Record("clamp_min_tensor", "ClampMinBackward1", lambda T, a, b: a.clamp_min(b), BINARY),
    Record("clamp_max", "ClampMaxBackward0", lambda T, a: a.clamp_max(-0.5), avoid=(-0.5,)),
    Record("clamp_max_tensor", "ClampMaxBackward1", lambda T, a, b: T.clamp_max(a, b), BINARY),
    # three inputs
    Record("lerp", "LerpBackward0", lambda T, a, b: T.lerp(a, b, 0.3), BINARY),
    Record("lerp_far", "LerpBackward0", lambda T, a, b: a.lerp(b, 0.8), BINARY),
    Record("lerp_tensor", "LerpBackward1", lambda T, a, b, w: T.lerp(a, b, w), TERNARY),
    Record("masked_fill", "MaskedFillBackward0", lambda T, a: a.masked_fill(a > 0, 2.0),
           avoid=(0.0,)),
    Record("masked_fill_broadcast", "MaskedFillBackward0",
           lambda T, a: T.masked_fill(a, T.tensor([[True], [False]]), -1.0), [(3,), (2, 3)],
           fixed_shapes=True),
    Record("masked_fill_tensor", "MaskedFillBackward1",
           lambda T, a, v: a.masked_fill(a > 0, v.sum()), BINARY, avoid=(0.0,)),
    # comparisons in place: 1 or 0 in the tensor's dtype, zero gradients for both operands
    Record("eq_", "EqBackward0", lambda T, a: (a * 1).eq_(0.5)),
    Record("eq_tensor", "EqBackward1", lambda T, a, b: (a * 1).eq_(b), SAME_SHAPE,
           fixed_shapes=True),
    Record("ne_", "NeBackward0", lambda T, a: (a + 0).ne_(1)),
    Record("not_equal_tensor", "NeBackward1", lambda T, a, b: (a * 2).not_equal_(b),
           SAME_SHAPE, fixed_shapes=True),
    Record("lt_", "LtBackward0", lambda T, a: (a * 1).lt_(0.5), avoid=(0.5,)),
    Record("less_tensor", "LtBackward1", lambda T, a, b: (a * 1).less_(b), SAME_SHAPE,
           fixed_shapes=True),
    Record("le_", "LeBackward0", lambda T, a: (a * 1).less_equal_(-0.5), avoid=(-0.5,)),
    Record("le_tensor", "LeBackward1", lambda T, a, b: (a * 1).le_(b), SAME_SHAPE,
           fixed_shapes=True),
    Record("gt_", "GtBackward0", lambda T, a: (a * 1).greater_(0.0), avoid=(0.0,)),
    Record("gt_tensor", "GtBackward1", lambda T, a, b: (a * 1).gt_(b), SAME_SHAPE,
           fixed_shapes=True),
    Record("ge_", "GeBackward0", lambda T, a: (a * 1).ge_(1.0), avoid=(1.0,)),
    Record("greater_equal_tensor", "GeBackward1",
           lambda T, a, b: (a * 1).greater_equal_(b), SAME_SHAPE, fixed_shapes=True),
]

RECORDS += [
    # products and quotients with a scale
    Record("addcmul", "AddcmulBackward0", lambda T, a, b, c: T.addcmul(a, b, c, value=0.5),
           TERNARY),
    Record("addcmul_method", "AddcmulBackward0", lambda T, a, b, c: a.addcmul(b, c), TERNARY),
    Record("addcdiv", "AddcdivBackward0", lambda T, a, b, c: T.addcdiv(a, b, c, value=-2),
           TERNARY, low=0.5, high=2.0),
    # log-sum-exp of two, x log y
    Record("logaddexp", "LogaddexpBackward0", lambda T, a, b: T.logaddexp(a, b), BINARY),
    Record("logaddexp2", "Logaddexp2Backward0", lambda T, a, b: a.logaddexp2(b), BINARY),
    Record("xlogy", "XlogyBackward0", lambda T, a, b: T.xlogy(a - 1, b), BINARY, low=0.2),
    Record("xlogy_number_other", "XlogyBackward2", lambda T, a: a.xlogy(2.5)),
    Record("xlogy_number_self", "XlogyBackward1", lambda T, a: T.xlogy(1.5, a), low=0.2),
    # signs: the jump at 0 kept out of reach of finite differences
    Record("copysign", "CopysignBackward0", lambda T, a, b: T.copysign(a, b), BINARY,
           avoid=(0.0,)),
    Record("copysign_number", "CopysignBackward1", lambda T, a: a.copysign(-1.5), avoid=(0.0,)),
    Record("sgn", "SgnBackward0", lambda T, a: T.sgn(a), avoid=(0.0,)),
    # float_power: cast to float64, then pow
    Record("float_power", "PowBackward0", lambda T, a: T.float_power(a, 3)),
    Record("float_power_tensor", "PowBackward1", lambda T, a, b: a.float_power(b), BINARY,
           low=0.2),
    Record("float_power_number_base", "PowBackward2", lambda T, a: T.float_power(2, a)),
    # logit inside (0, 1), and with eps away from its clamp points
    Record("logit", "LogitBackward0", lambda T, a: T.logit(a), low=0.1, high=0.9),
    Record("logit_eps", "LogitBackward0", lambda T, a: a.logit(eps=0.2), low=0.05, high=0.95,
           avoid=(0.2, 0.8)),
    # sinc's formula cancels near 0, where float32 results part from the exact ones
    Record("sinc", "SincBackward0", lambda T, a: T.sinc(a), avoid=(0.0,)),
    Record("deg2rad", "Deg2RadBackward0", lambda T, a: T.deg2rad(a * 90)),
    Record("rad2deg", "Rad2DegBackward0", lambda T, a: a.rad2deg()),
]

# nodes these records do not reach: floor_divide, heaviside (and number % tensor) record a
# node whose backward raises, so no gradient can be compared (tests/test_elementwise.py checks it)
SPECIAL = {
    "torch::autograd::NotImplemented": None,
}
