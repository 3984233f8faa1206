"""The elementwise family beyond what records express: integer and bool dtypes, non-differentiable
results, keyword arguments, errors, and gradient conventions at kinks and ties, all against torch.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule._ops.derivatives.elementwise import erf_array, erfc_array

NAN, INF = float("nan"), float("inf")


def _run(lib, fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return fn(lib), None
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return None, e


def _compare(ours, ref, exact: bool) -> None:
    if isinstance(ref, tuple):
        assert isinstance(ours, tuple) and len(ours) == len(ref)
        for a, b in zip(ours, ref):
            _compare(a, b, exact)
        return
    if not hasattr(ref, "dtype"):
        assert type(ours) is type(ref) and ours == ref
        return
    assert str(ours.dtype) == str(ref.dtype)
    assert tuple(ours.shape) == tuple(ref.shape)
    a, b = ours.detach().numpy(), ref.detach().numpy()
    if exact:
        np.testing.assert_array_equal(a, b)
        # signed zeros and nan show in the repr
        assert repr(ours.detach()) == repr(ref.detach())
    else:
        rtol = 1e-6 if a.dtype in (np.float32, np.complex64) else 1e-13
        np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol)


def same(torch, fn, exact: bool = True) -> None:
    """``fn`` gives the same result (values, dtype, shape, repr) or raises the same exception
    (type and message) with chainrule and with torch."""
    ref, ref_exc = _run(torch, fn)
    ours, exc = _run(cr, fn)
    if ref_exc is not None:
        assert exc is not None, f"torch raised {ref_exc!r}, chainrule returned {ours!r}"
        assert type(exc) is type(ref_exc), (exc, ref_exc)
        assert str(exc) == str(ref_exc)
        return
    assert exc is None, f"chainrule raised {exc!r}, torch returned {ref!r}"
    _compare(ours, ref, exact)


# ---- erf and erfc: no SciPy, so checked against the C library over many points ---------------

def test_erf_erfc_match_math_in_float64():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.uniform(-6, 6, 4000), rng.uniform(-0.5, 0.5, 1000),
                        np.logspace(-300, 1.4, 600), -np.logspace(-300, 1.4, 600),
                        rng.uniform(4, 26, 1000), [0.46875, 4.0, -4.0, 0.5, 26.0]])
    ref_erf = np.array([math.erf(v) for v in x])
    ref_erfc = np.array([math.erfc(v) for v in x])
    np.testing.assert_allclose(erf_array(x), ref_erf, rtol=2e-15, atol=0)
    np.testing.assert_allclose(erfc_array(x), ref_erfc, rtol=2e-15, atol=0)


def test_erf_erfc_special_values():
    x = np.array([NAN, INF, -INF, 0.0, -0.0, 30.0, -30.0])
    np.testing.assert_array_equal(erf_array(x), [NAN, 1, -1, 0, -0.0, 1, -1])
    assert np.signbit(erf_array(x)[4])
    np.testing.assert_array_equal(erfc_array(x), [NAN, 0, 2, 1, 1, 0, 2])
    # a 0-d value (math's erf) and an array (the rational approximation) agree
    assert erf_array(np.float64(0.3)) == pytest.approx(erf_array(np.array([0.3]))[0], rel=1e-15)


@pytest.mark.parametrize("name", ["erf", "erfc"])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int64", "bool"])
def test_erf_matches_torch(torch, name, dtype):
    values = np.linspace(-5, 5, 101) if dtype not in ("int64", "bool") else [0, 1, 1]
    same(torch, lambda T: getattr(T, name)(T.tensor(np.asarray(values).astype(dtype))),
         exact=False)


# ---- one input: values and dtypes ----------------------------------------------------------

SPECIAL = [-2.5, -1.5, -1.0, -0.5, -0.0, 0.0, 0.25, 0.5, 1.0, 1.5, 2.5, 3.7, NAN, INF, -INF]
FLOAT_FUNCS = ["exp2", "expm1", "log2", "log10", "log1p", "rsqrt", "asin", "acos", "atan",
               "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan",
               "arcsinh", "arccosh", "arctanh"]
EXACT_FUNCS = ["sign", "floor", "ceil", "round", "trunc", "fix", "frac", "nan_to_num"]
DTYPES = ["float32", "float64", "float16", "int64", "int32", "uint8", "int8", "bool"]


def _tensor(T, values, dtype):
    a = np.asarray(values, dtype=np.float64)
    if dtype in ("int64", "int32", "int8", "uint8", "bool"):
        a = np.nan_to_num(a, posinf=3, neginf=-3)
        if dtype == "uint8":
            a = np.abs(a)
    return T.tensor(a.astype(dtype))


@pytest.mark.parametrize("name", FLOAT_FUNCS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_float_functions_match_torch(torch, name, dtype):
    same(torch, lambda T: getattr(T, name)(_tensor(T, SPECIAL, dtype)), exact=False)
    same(torch, lambda T: getattr(_tensor(T, SPECIAL, dtype), name)(), exact=False)


@pytest.mark.parametrize("name", EXACT_FUNCS)
@pytest.mark.parametrize("dtype", DTYPES)
def test_exact_functions_match_torch(torch, name, dtype):
    same(torch, lambda T: getattr(T, name)(_tensor(T, SPECIAL, dtype)))
    same(torch, lambda T: getattr(_tensor(T, [[1.5, -0.5]], dtype), name)())
    same(torch, lambda T: getattr(T, name)(_tensor(T, -2.5, dtype)))


COMPLEX_CASES = ["sign", "floor", "ceil", "round", "trunc", "fix", "frac", "erf", "erfc",
                 "exp2", "log2", "nan_to_num", "isnan", "isinf", "isfinite", "isposinf",
                 "isneginf", "isreal", "signbit"]


@pytest.mark.parametrize("name", COMPLEX_CASES)
def test_complex_inputs_match_torch(torch, name):
    same(torch, lambda T: getattr(T, name)(T.tensor([1 + 1j, complex(NAN, 0), -2.0])),
         exact=name not in ("exp2", "log2"))


def test_round_decimals_matches_torch(torch):
    x = [0.125, 0.135, 2.5, -2.5, 1234.5678, -0.04, NAN, INF, 1e30]
    for d in (0, 1, 2, 3, -1, -2):
        for dtype in ("float32", "float64", "float16"):
            same(torch, lambda T, d=d, dt=dtype: T.round(T.tensor(x, dtype=getattr(T, dt)),
                                                           decimals=d))
    same(torch, lambda T: T.tensor([1.25, 2.5]).round(decimals=1))
    same(torch, lambda T: T.round(T.tensor([1, 2]), decimals=0))
    same(torch, lambda T: T.round(T.tensor([1, 2]), decimals=1))
    same(torch, lambda T: T.round(T.tensor([1.5]), 1))
    same(torch, lambda T: T.round(T.tensor([1.5]), decimals=1.5))


def test_nan_to_num_arguments_match_torch(torch):
    x = [1.5, NAN, INF, -INF, -0.0]
    for dtype in ("float16", "float32", "float64"):
        same(torch, lambda T, dt=dtype: T.nan_to_num(T.tensor(x, dtype=getattr(T, dt))))
    same(torch, lambda T: T.nan_to_num(T.tensor(x), nan=1, posinf=2, neginf=-3))
    same(torch, lambda T: T.nan_to_num(T.tensor(x), 1.0, 2.0, 3.0))
    same(torch, lambda T: T.tensor(x).nan_to_num(posinf=9.0))
    same(torch, lambda T: T.nan_to_num(T.tensor(x), nan=None))
    same(torch, lambda T: T.nan_to_num(T.tensor([1, 2]), nan=1.5))


def test_one_input_zero_d_and_empty(torch):
    for name in ["exp2", "erf", "floor", "sign", "nan_to_num", "isnan", "signbit"]:
        same(torch, lambda T, f=name: getattr(T, f)(T.tensor(-0.75)), exact=name != "exp2")
        same(torch, lambda T, f=name: getattr(T, f)(T.zeros(0, 3)))


# ---- bool-valued tests ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ["isnan", "isinf", "isfinite", "isposinf", "isneginf",
                                  "isreal", "signbit"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_predicates_match_torch(torch, name, dtype):
    same(torch, lambda T: getattr(T, name)(_tensor(T, SPECIAL, dtype)))
    same(torch, lambda T: getattr(_tensor(T, [[-1.0, NAN]], dtype), name)())


def test_predicates_reject_numbers(torch):
    same(torch, lambda T: T.isnan(1.0))
    same(torch, lambda T: T.signbit(2))


CLOSE = [1.0, NAN, INF, -INF, -0.0, 1e-9, 100.0]
CLOSE_OTHER = [1.0 + 1e-6, NAN, INF, INF, 0.0, 0.0, 100.002]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_isclose_allclose_match_torch(torch, dtype):
    def pair(T):
        d = getattr(T, dtype)
        return T.tensor(CLOSE, dtype=d), T.tensor(CLOSE_OTHER, dtype=d)

    for kwargs in ({}, {"equal_nan": True}, {"rtol": 0, "atol": 0}, {"rtol": 1e-3},
                   {"atol": 1.0, "rtol": 0.0}):
        same(torch, lambda T, kw=kwargs: T.isclose(*pair(T), **kw))
        same(torch, lambda T, kw=kwargs: pair(T)[0].isclose(pair(T)[1], **kw))
        same(torch, lambda T, kw=kwargs: T.allclose(*pair(T), **kw))
        same(torch, lambda T, kw=kwargs: pair(T)[0].allclose(pair(T)[1], **kw))
    same(torch, lambda T: T.isclose(T.tensor(CLOSE), T.tensor(CLOSE_OTHER), 1e-5, 1e-8, True))


def test_isclose_integers_bools_and_broadcasting(torch):
    same(torch, lambda T: T.isclose(T.tensor([1, 2, 3, 100]), T.tensor([1, 3, 5, 101]),
                                    rtol=0.5))
    same(torch, lambda T: T.isclose(T.tensor([1, 2]), T.tensor([2, 3]), atol=1))
    same(torch, lambda T: T.isclose(T.tensor([True, False]), T.tensor([True, True])))
    same(torch, lambda T: T.isclose(T.tensor([[1.0], [2.0]]), T.tensor([1.0, 2.0, 3.0])))
    same(torch, lambda T: T.isclose(T.tensor([1 + 1j]), T.tensor([1 + 1.000001j])))
    same(torch, lambda T: T.allclose(T.tensor([1.0]), T.tensor([1.0, 1.0])))


ISCLOSE_ERRORS = [
    lambda T: T.isclose(T.tensor([1.0]), T.tensor([1.0], dtype=T.float64)),
    lambda T: T.isclose(T.tensor([1]), T.tensor([1.0])),
    lambda T: T.isclose(T.tensor([1.0]), 1.0),
    lambda T: T.tensor([1.0]).isclose(1.0),
    lambda T: T.isclose(T.tensor([1.0]), T.tensor([1.0]), rtol=-1),
    lambda T: T.isclose(T.tensor([1.0]), T.tensor([1.0]), rtol=-1.5),
    lambda T: T.isclose(T.tensor([1.0]), T.tensor([1.0]), atol=-1e-9),
    lambda T: T.isclose(T.ones(3), T.ones(2)),
    lambda T: T.allclose(T.ones(3), T.ones(2)),
    lambda T: T.allclose(T.ones(3), T.ones(3, dtype=T.float64)),
    lambda T: T.equal(T.ones(3), 1.0),
    lambda T: T.equal(1.0, T.ones(3)),
]


@pytest.mark.parametrize("k", range(len(ISCLOSE_ERRORS)))
def test_isclose_errors_match_torch(torch, k):
    same(torch, ISCLOSE_ERRORS[k])


def test_equal_matches_torch(torch):
    same(torch, lambda T: T.equal(T.tensor([1.0, 2.0]), T.tensor([1.0, 2.0])))
    same(torch, lambda T: T.equal(T.tensor([1.0, NAN]), T.tensor([1.0, NAN])))
    same(torch, lambda T: T.equal(T.tensor([1, 2]), T.tensor([1.0, 2.0], dtype=T.float64)))
    same(torch, lambda T: T.equal(T.tensor([1.0]), T.tensor([1.0, 1.0])))
    same(torch, lambda T: T.equal(T.tensor([[1.0, 2.0]]), T.tensor([1.0, 2.0])))
    same(torch, lambda T: T.tensor([True]).equal(T.tensor([1])))


def test_where_condition_only_matches_torch(torch):
    same(torch, lambda T: T.where(T.tensor([[True, False], [False, True]])))
    same(torch, lambda T: T.where(T.tensor([1.0, 0.0, 2.0])))
    same(torch, lambda T: T.where(T.tensor(True)))
    same(torch, lambda T: T.where(T.tensor(False)))
    same(torch, lambda T: T.where(T.zeros(2, 0, 3)))
    same(torch, lambda T: T.tensor([1.0, 2.0]).where(T.tensor([True, False]), 0.0))
    same(torch, lambda T: T.tensor([1.0, 2.0]).where(T.tensor([True, False]), T.tensor(-1.0)))


# ---- two inputs: dtypes of remainders and rounded division -----------------------------------

INT_A = [7, -7, 6, -6, 0, 5]
INT_B = [2, 2, -4, -4, 3, -1]
FLT_A = [7.5, -7.5, 6.0, -6.0, 0.0, -0.0, 5.5, INF, NAN, 1.0]
FLT_B = [2.0, 2.0, -4.0, -3.0, 3.0, 3.0, -0.5, 2.0, 1.0, 0.0]


def _int_pair(T, da="int64", db="int64"):
    return T.tensor(INT_A, dtype=getattr(T, da)), T.tensor(INT_B, dtype=getattr(T, db))


def _flt_pair(T, d="float32"):
    return T.tensor(FLT_A, dtype=getattr(T, d)), T.tensor(FLT_B, dtype=getattr(T, d))


DIVISION = [
    lambda T, a, b: a // b, lambda T, a, b: a % b, lambda T, a, b: T.floor_divide(a, b),
    lambda T, a, b: T.remainder(a, b), lambda T, a, b: T.fmod(a, b),
    lambda T, a, b: a.fmod(b), lambda T, a, b: a.remainder(b), lambda T, a, b: a.floor_divide(b),
    lambda T, a, b: T.div(a, b, rounding_mode="floor"),
    lambda T, a, b: T.div(a, b, rounding_mode="trunc"),
    lambda T, a, b: a.div(b, rounding_mode="trunc"), lambda T, a, b: T.true_divide(a, b),
    lambda T, a, b: a // 3, lambda T, a, b: a % 3, lambda T, a, b: a % -2.5,
    lambda T, a, b: a // 2.5, lambda T, a, b: 7 // b, lambda T, a, b: 7.5 // b,
    lambda T, a, b: -7 % b, lambda T, a, b: 7.5 % b, lambda T, a, b: T.remainder(7, b),
    lambda T, a, b: T.fmod(a, -3), lambda T, a, b: T.fmod(a, 2.5),
    lambda T, a, b: T.div(a, 2, rounding_mode="floor"),
    lambda T, a, b: T.div(a, -2.5, rounding_mode="trunc"),
    lambda T, a, b: T.floor_divide(7, b),
]


@pytest.mark.parametrize("k", range(len(DIVISION)))
def test_division_dtypes_and_values_match_torch(torch, k):
    fn = DIVISION[k]
    same(torch, lambda T: fn(T, *_int_pair(T)))
    same(torch, lambda T: fn(T, *_int_pair(T, "int32", "int32")))
    same(torch, lambda T: fn(T, *_int_pair(T, "int8", "int64")))
    same(torch, lambda T: fn(T, *_flt_pair(T)))
    same(torch, lambda T: fn(T, *_flt_pair(T, "float64")))
    same(torch, lambda T: fn(T, _int_pair(T)[0], _flt_pair(T)[1][:6]))
    same(torch, lambda T: fn(T, T.tensor(7.5), T.tensor([[2.0], [-3.0]])))


DIVISION_ERRORS = [
    lambda T: T.tensor([1, 2]) // 0,
    lambda T: T.tensor([1, 2]) % 0,
    lambda T: T.tensor([1, 2]) % T.tensor([1, 0]),
    lambda T: T.fmod(T.tensor([1, 2]), 0),
    lambda T: T.div(T.tensor([1, 2]), 0, rounding_mode="floor"),
    lambda T: T.div(T.tensor([1, 2]), T.tensor(0), rounding_mode="trunc"),
    lambda T: T.remainder(T.tensor([3]), False),
    lambda T: T.tensor([True]) // T.tensor([True]),
    lambda T: T.tensor([True]) % T.tensor([True]),
    lambda T: T.fmod(T.tensor([True]), T.tensor([True])),
    lambda T: T.div(T.tensor([True]), T.tensor([True]), rounding_mode="trunc"),
    lambda T: T.div(T.tensor([True]), T.tensor([True]), rounding_mode="floor"),
    lambda T: T.div(T.tensor([1.0]), 2, rounding_mode="bad"),
    lambda T: T.tensor([1.0]) % (1 + 1j),
    lambda T: T.tensor([1.0]) // (1 + 1j),
    lambda T: T.fmod(7, T.tensor([1.0])),
    lambda T: T.fmod(T.tensor([1.0]), "a"),
    lambda T: T.ones(3) % T.ones(2),
    lambda T: T.ones(3) // T.ones(2),
    lambda T: T.floor_divide(T.tensor([True]), 2),
    lambda T: T.remainder(T.tensor([True]), 2),
]


@pytest.mark.parametrize("k", range(len(DIVISION_ERRORS)))
def test_division_errors_match_torch(torch, k):
    same(torch, DIVISION_ERRORS[k])


def test_unsupported_operands_match_torch(torch):
    same(torch, lambda T: T.tensor([1.0]) // "a")
    same(torch, lambda T: T.tensor([1.0]) % "a")
    same(torch, lambda T: "a" // T.tensor([1.0]))
    same(torch, lambda T: T.tensor([1.0]) % [1])


# ---- two tensors: dtypes and errors ---------------------------------------------------------

PAIRS = ["maximum", "minimum", "fmax", "fmin", "atan2", "arctan2", "hypot"]
PAIR_DTYPES = [("float32", "float32"), ("float32", "float64"), ("int64", "int64"),
               ("int32", "int64"), ("int64", "float32"), ("bool", "bool"), ("bool", "int64"),
               ("uint8", "int8"), ("float16", "float32")]


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("da, db", PAIR_DTYPES)
def test_binary_dtypes_match_torch(torch, name, da, db):
    a = [1.5, -2.0, 0.0, NAN, 3.0, -0.0, INF]
    b = [1.5, 3.0, -0.0, 1.0, NAN, 0.0, 2.0]
    exact = name not in ("atan2", "arctan2", "hypot")
    same(torch, lambda T: getattr(T, name)(_tensor(T, a, da), _tensor(T, b, db)), exact)
    same(torch, lambda T: getattr(_tensor(T, a, da), name)(_tensor(T, b, db)), exact)
    same(torch, lambda T: getattr(T, name)(_tensor(T, [[1.0], [-2.0]], da),
                                           _tensor(T, 0.5, db)), exact)


BINARY_ERRORS = [
    lambda T, f: getattr(T, f)(T.ones(2), 2.0),
    lambda T, f: getattr(T.ones(2), f)(2.0),
    lambda T, f: getattr(T, f)(2, T.ones(2)),
    lambda T, f: getattr(T, f)(T.ones(2), T.ones(3)),
    lambda T, f: getattr(T, f)(T.ones(2, dtype=T.complex64), T.ones(2, dtype=T.complex64)),
    lambda T, f: getattr(T, f)(T.ones(2), other=T.ones(2)),
]


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("k", range(len(BINARY_ERRORS)))
def test_binary_errors_match_torch(torch, name, k):
    same(torch, lambda T: BINARY_ERRORS[k](T, name), exact=False)


# ---- lerp, clamp, masked_fill ---------------------------------------------------------------

LERP_CASES = [
    lambda T: T.lerp(T.tensor([1.0, 2.0]), T.tensor([3.0, 5.0]), 0.25),
    lambda T: T.lerp(T.tensor([1.0, 2.0]), T.tensor([3.0, 5.0]), 0.75),
    lambda T: T.lerp(T.tensor([1.0, 2.0]), T.tensor([3.0, 5.0]), 2),
    lambda T: T.lerp(T.tensor([1.0, 2.0]), T.tensor([3.0, 5.0]), True),
    lambda T: T.tensor([1.0, 2.0]).lerp(T.tensor([3.0, 5.0]), weight=-0.3),
    lambda T: T.lerp(T.tensor([1.0, 2.0]), T.tensor([3.0, 5.0]), T.tensor([0.2, 0.9])),
    lambda T: T.lerp(T.tensor([1.0, 2.0]), T.tensor(1.0), T.tensor([[0.5], [0.2]])),
    lambda T: T.lerp(T.tensor(1.0), T.tensor([1.0, 2.0]), 0.5),
    lambda T: T.lerp(T.tensor([1.0, 2.0], dtype=T.float64), T.tensor([3.0, 4.0],
                     dtype=T.float64), T.tensor(0.4, dtype=T.float64)),
    lambda T: T.lerp(T.tensor([1 + 1j]), T.tensor([2 - 1j]), 0.5),
    # errors
    lambda T: T.lerp(T.tensor([1.0]), T.tensor([1.0], dtype=T.float64), 0.5),
    lambda T: T.lerp(T.tensor([1.0], dtype=T.float64), T.tensor([1.0]), 0.5),
    lambda T: T.lerp(T.tensor([1.0]), T.tensor([1.0]), T.tensor([1])),
    lambda T: T.lerp(T.tensor([1.0]), T.tensor([1.0]), T.tensor([1.0], dtype=T.float64)),
    lambda T: T.lerp(T.tensor([1, 2]), T.tensor([1, 2]), 0.5),
    lambda T: T.lerp(T.tensor([1, 2]), T.tensor([1, 2]), T.tensor([1, 2])),
    lambda T: T.lerp(T.ones(2), T.ones(3), 0.5),
    lambda T: T.lerp(T.ones(2), T.ones(2), T.ones(3)),
    lambda T: T.ones(2).lerp(T.ones(2), 1 + 1j),
    lambda T: T.lerp(T.tensor([True]), T.tensor([True]), 0.5),
]


@pytest.mark.parametrize("k", range(len(LERP_CASES)))
def test_lerp_matches_torch(torch, k):
    same(torch, LERP_CASES[k])


CLAMP_CASES = [
    lambda T: T.clamp(T.tensor([-2.0, 0.0, 0.5, 1.0, 3.0, NAN]), 0, 1),
    lambda T: T.clamp(T.tensor([-2.0, 0.0, 0.5, 1.0, 3.0]), min=0.5),
    lambda T: T.clamp(T.tensor([-2.0, 0.0, 0.5, 1.0, 3.0]), max=0.5),
    lambda T: T.clamp(T.tensor([-2.0, 0.0, 3.0]), 2, 1),
    lambda T: T.clip(T.tensor([-2.0, 0.0, 3.0]), -1, 1),
    lambda T: T.tensor([-2.0, 0.0, 3.0]).clip(max=1),
    lambda T: T.tensor([-2.0, 0.0, 3.0]).clamp(min=-1.0, max=1.0),
    lambda T: T.clamp(T.tensor([7, -7, 6]), 0, 3),
    lambda T: T.clamp(T.tensor([7, -7, 6]), 0.5, 3),
    lambda T: T.clamp(T.tensor([True, False]), 0, 1),
    lambda T: T.clamp(T.tensor([1, 2], dtype=T.uint8), -1, 1),
    lambda T: T.clamp(T.tensor([1, 2], dtype=T.int32), 0, 1),
    lambda T: T.clamp(T.tensor(1.5), 0, 1),
    lambda T: T.clamp(T.tensor(2, dtype=T.int32), 0.5),
    lambda T: T.clamp_min(T.tensor([7, -7, 6]), 0.5),
    lambda T: T.clamp_max(T.tensor([7, -7, 6]), True),
    lambda T: T.tensor([7.0, -7.0]).clamp_min(0),
    lambda T: T.tensor([7.0, -7.0]).clamp_max(min(0, 1)),
    # tensor bounds
    lambda T: T.clamp(T.tensor([7, -7, 6]), min=T.tensor([2.0, 2.0, -4.0])),
    lambda T: T.clamp(T.tensor([2.0, 2.0, -4.0]), min=T.tensor([7, -7, 6])),
    lambda T: T.clamp(T.tensor([1.0, 5.0], dtype=T.float64), min=T.tensor([2.0, 2.0])),
    lambda T: T.clamp(T.tensor([1.0, 5.0]), T.tensor([[0.0], [2.0]]), T.tensor([3.0, 1.0])),
    lambda T: T.clamp(T.tensor([1.0, 5.0]), max=T.tensor(3.0)),
    lambda T: T.clamp_min(T.tensor([1.0, 5.0]), T.tensor([2.0, 2.0])),
    lambda T: T.clamp_max(T.tensor([1.0, 5.0]), T.tensor([2.0, 2.0])),
    lambda T: T.tensor([1.0, 5.0]).clamp(T.tensor([2.0, 2.0])),
    # errors
    lambda T: T.clamp(T.tensor([1.0])),
    lambda T: T.clamp(T.tensor([1])),
    lambda T: T.tensor([1.0]).clamp(),
    lambda T: T.clip(T.tensor([1.0])),
    lambda T: T.clamp(T.tensor([1.0]), None, None),
    lambda T: T.clamp(T.tensor([1.0]), min=T.tensor([1.0]), max=1.0),
    lambda T: T.clamp(T.tensor([1.0]), T.tensor([1.0]), max=1),
    lambda T: T.clamp(T.tensor([1.0]), 1, max=T.tensor([1.0])),
    lambda T: T.clamp(T.tensor([1.0]), 0, T.tensor([1.0])),
    lambda T: T.clamp(T.tensor([1.0]), min="a"),
    lambda T: T.clamp(T.ones(3), T.ones(2)),
    lambda T: T.clamp(T.tensor([1j]), 0),
    lambda T: T.clamp(T.tensor([1.0]), 1 + 1j),
    lambda T: T.clamp(T.tensor([1, 2], dtype=T.uint8), 300),
    lambda T: T.clamp_min(T.tensor([1.0]), None),
]


@pytest.mark.parametrize("k", range(len(CLAMP_CASES)))
def test_clamp_matches_torch(torch, k):
    same(torch, CLAMP_CASES[k])


MASKED_FILL_CASES = [
    lambda T: T.tensor([1.0, 2.0, 3.0]).masked_fill(T.tensor([True, False, True]), 0.5),
    lambda T: T.masked_fill(T.tensor([7, -7, 6]), T.tensor([True, False, True]), 2.5),
    lambda T: T.tensor([7, -7]).masked_fill(T.tensor([True, False]), T.tensor(2.5)),
    lambda T: T.tensor([1.0, 2.0]).masked_fill(T.tensor([True, False]), T.tensor(3)),
    lambda T: T.tensor([1.0, 2.0, 3.0]).masked_fill(T.tensor([[True], [False]]), -1.0),
    lambda T: T.tensor([True, False]).masked_fill(T.tensor([False, True]), 1),
    lambda T: T.tensor(1.0).masked_fill(T.tensor(True), INF),
    # errors
    lambda T: T.tensor([1.0, 2.0]).masked_fill(T.tensor([True, False]), T.tensor([2.5])),
    lambda T: T.tensor([1.0, 2.0]).masked_fill(T.tensor([1, 0]), 2.5),
    lambda T: T.tensor([1.0, 2.0]).masked_fill(T.tensor([1.0, 0.0]), 2.5),
    lambda T: T.tensor([1.0, 2.0, 3.0]).masked_fill(T.tensor([True, False]), 2.5),
]


@pytest.mark.parametrize("k", range(len(MASKED_FILL_CASES)))
def test_masked_fill_matches_torch(torch, k):
    same(torch, MASKED_FILL_CASES[k])


# ---- gradients: kinks, ties, domains (reference section 4) ----------------------------------

def grads(lib, fn, *values, dtype="float64"):
    xs = [lib.tensor(np.asarray(v, dtype=dtype), requires_grad=True) for v in values]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        y = fn(lib, *xs)
        y.sum().backward()
    # force: torch may give a ZeroTensor (sgn of a real tensor)
    return [x.grad.numpy(force=True) for x in xs], y.grad_fn.name()


KINKS = [
    ("sign anywhere", lambda T, x: T.sign(x), [[0.0, 1.0, -2.0, NAN]]),
    ("floor at integers", lambda T, x: T.floor(x), [[0.0, 1.0, -1.0, 1.5]]),
    ("ceil at integers", lambda T, x: T.ceil(x), [[0.0, 1.0, -1.0]]),
    ("round at halves", lambda T, x: T.round(x), [[0.5, 1.5, -0.5]]),
    ("round decimals", lambda T, x: T.round(x, decimals=1), [[0.25, 0.35]]),
    ("trunc at integers", lambda T, x: T.trunc(x), [[0.0, 2.0, -2.0]]),
    ("frac at integers", lambda T, x: T.frac(x), [[0.0, 2.0, -2.0, 1.5]]),
    ("nan_to_num", lambda T, x: T.nan_to_num(x), [[1.5, NAN, INF, -INF]]),
    ("maximum ties", lambda T, a, b: T.maximum(a, b), [[1.0, 2.0, 3.0], [1.0, 1.0, 4.0]]),
    ("minimum ties", lambda T, a, b: T.minimum(a, b), [[1.0, 2.0, 3.0], [1.0, 1.0, 4.0]]),
    ("maximum nan", lambda T, a, b: T.maximum(a, b), [[1.0, NAN, NAN], [NAN, 1.0, NAN]]),
    ("fmax ties and nan", lambda T, a, b: T.fmax(a, b),
     [[1.0, 2.0, NAN, NAN], [1.0, NAN, 4.0, NAN]]),
    ("fmin ties and nan", lambda T, a, b: T.fmin(a, b),
     [[1.0, 2.0, NAN, NAN], [1.0, NAN, 4.0, NAN]]),
    ("clamp at the bounds", lambda T, x: T.clamp(x, 0, 1), [[0.0, 1.0, 0.5, -1.0, 2.0, NAN]]),
    ("clamp min only", lambda T, x: T.clamp(x, min=0), [[0.0, -1.0, 1.0]]),
    ("clamp max only", lambda T, x: T.clamp(x, max=0), [[0.0, -1.0, 1.0]]),
    ("clamp_min at the bound", lambda T, x: T.clamp_min(x, 0), [[0.0, -1.0, 1.0]]),
    ("clamp_max at the bound", lambda T, x: T.clamp_max(x, 0), [[0.0, -1.0, 1.0]]),
    ("clamp tensor bounds", lambda T, x, lo, hi: T.clamp(x, lo, hi),
     [[0.0, 1.0, 0.5, -1.0, 2.0, 0.5], [0.0] * 5 + [1.0], [1.0] * 5 + [0.0]]),
    ("clamp tensor min", lambda T, x, lo: T.clamp(x, min=lo), [[0.0, 1.0, -1.0], [0.0] * 3]),
    ("clamp tensor max", lambda T, x, hi: T.clamp(x, max=hi), [[0.0, 1.0, -1.0], [0.0] * 3]),
    ("clamp_min tensor", lambda T, x, lo: T.clamp_min(x, lo), [[1.0, 2.0, 3.0], [2.0] * 3]),
    ("clamp_max tensor", lambda T, x, hi: T.clamp_max(x, hi), [[1.0, 2.0, 3.0], [2.0] * 3]),
    ("atan2 at the origin", lambda T, y, x: T.atan2(y, x),
     [[0.0, 0.0, -0.0, 1.0], [0.0, -0.0, 0.0, 0.0]]),
    ("hypot at the origin", lambda T, a, b: T.hypot(a, b), [[0.0, 0.0], [0.0, 1.0]]),
    ("remainder", lambda T, a, b: T.remainder(a, b),
     [[5.0, -5.0, 5.0, 4.0, 5.0, 0.0], [3.0, 3.0, -3.0, 2.0, 0.0, 0.0]]),
    ("fmod", lambda T, a, b: T.fmod(a, b),
     [[5.0, -5.0, 5.0, 4.0, 5.0, 0.0], [3.0, 3.0, -3.0, 2.0, 0.0, 0.0]]),
    ("remainder by a number", lambda T, a: a % 1.5, [[1.5, -3.0, 0.2]]),
    ("fmod by a number", lambda T, a: a.fmod(-1.5), [[1.5, -3.0, 0.2]]),
    ("div floor", lambda T, a, b: T.div(a, b, rounding_mode="floor"), [[5.0, -5.0], [3.0, 0.0]]),
    ("div trunc by a number", lambda T, a: T.div(a, 0.0, rounding_mode="trunc"), [[1.0, 0.0]]),
    ("lerp", lambda T, a, b, w: T.lerp(a, b, w), [[1.0, 2.0], [3.0, 5.0], [0.25, 0.75]]),
    ("lerp number weight", lambda T, a, b: T.lerp(a, b, 0.75), [[1.0, 2.0], [3.0, 5.0]]),
    ("masked_fill", lambda T, a: a.masked_fill(T.tensor([True, False]), 3.0), [[1.0, 2.0]]),
    ("masked_fill tensor value", lambda T, a, v: a.masked_fill(T.tensor([True, False, True]), v),
     [[1.0, 2.0, 3.0], 4.0]),
    ("masked_fill broadcast", lambda T, a, v: a.masked_fill(T.tensor([[True], [False]]), v),
     [[1.0, 2.0, 3.0], 4.0]),
    ("acosh domain", lambda T, x: T.acosh(x), [[0.5, 1.0, 2.0]]),
    ("atanh domain", lambda T, x: T.atanh(x), [[1.0, -1.0, 2.0, 0.5]]),
    ("asin domain", lambda T, x: T.asin(x), [[1.0, -1.0, 2.0, 0.5]]),
    ("acos domain", lambda T, x: T.acos(x), [[1.0, -1.0, 2.0, 0.5]]),
    ("rsqrt at 0 and below", lambda T, x: T.rsqrt(x), [[0.0, -1.0, 4.0]]),
    ("log1p at -1", lambda T, x: T.log1p(x), [[-1.0, -2.0, 4.0]]),
    ("log2 and log10 at 0", lambda T, x: T.log2(x) + T.log10(x), [[0.0, -1.0, 8.0]]),
    ("erf tails", lambda T, x: T.erf(x) + T.erfc(x) * 2, [[-30.0, 0.0, 30.0, INF]]),
    ("exp2 expm1 extremes", lambda T, x: T.exp2(x) + T.expm1(x), [[-INF, 0.0, 2.0]]),
    ("xlogy at x = 0", lambda T, x, y: T.xlogy(x, y),
     [[0.0, 0.0, 0.0, 1.0, 0.0, -0.0], [0.0, -1.0, 2.0, 0.0, NAN, -2.0]]),
    ("xlogy number other 0", lambda T, x: T.xlogy(x, 0.0), [[0.0, 1.0]]),
    ("xlogy number other < 0", lambda T, x: T.xlogy(x, -1.0), [[0.0, -0.0]]),
    ("xlogy number other > 0", lambda T, x: T.xlogy(x, 2.0), [[0.0, 1.0]]),
    ("xlogy number self 0", lambda T, y: T.xlogy(0.0, y), [[0.0, 1.0, -1.0]]),
    ("copysign at zeros", lambda T, x, y: T.copysign(x, y),
     [[0.0, -0.0, 1.0, -2.0, NAN], [1.0, -1.0, -1.0, -0.0, 1.0]]),
    ("copysign number", lambda T, x: T.copysign(x, -0.0), [[0.0, 2.0, -3.0]]),
    ("logit without eps", lambda T, x: T.logit(x), [[0.0, 1.0, -0.5, 1.5, 0.5]]),
    ("logit eps bounds", lambda T, x: T.logit(x, eps=0.25), [[0.25, 0.75, 0.1, 0.9, 0.5, NAN]]),
    ("logit crossed eps", lambda T, x: T.logit(x, eps=0.7), [[0.2, 0.5, 0.9]]),
    ("sinc at 0", lambda T, x: T.sinc(x), [[0.0, 1.0, 1e-20, -0.5]]),
    ("sgn anywhere", lambda T, x: T.sgn(x) * 2, [[0.0, 1.0, -2.0, NAN, INF]]),
    ("logaddexp infinities", lambda T, x, y: T.logaddexp(x, y),
     [[INF, -INF, 1.0, 2.0], [1.0, 3.0, 1.0, -INF]]),
    ("logaddexp2 ties", lambda T, x, y: T.logaddexp2(x, y), [[1.0, 3.0], [1.0, 0.0]]),
    ("addcdiv by zero", lambda T, a, b, c: T.addcdiv(a, b, c, value=2),
     [[1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]),
    ("addcmul value 0", lambda T, a, b, c: T.addcmul(a, b, c, value=0),
     [[1.0, 1.0], [INF, 2.0], [3.0, 4.0]]),
    ("float_power of 0", lambda T, x: T.float_power(x, 0.5) + T.float_power(x, 0),
     [[0.0, 4.0]]),
    ("deg2rad rad2deg", lambda T, x: T.deg2rad(x) * T.rad2deg(x), [[0.0, 90.0, -1.0]]),
]


@pytest.mark.parametrize("name, fn, values", KINKS, ids=[k[0] for k in KINKS])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_kink_conventions_match_torch(torch, name, fn, values, dtype):
    ours, our_name = grads(cr, fn, *values, dtype=dtype)
    ref, ref_name = grads(torch, fn, *values, dtype=dtype)
    assert our_name == ref_name
    for a, b in zip(ours, ref):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=0)
        np.testing.assert_array_equal(np.signbit(a), np.signbit(b))


def test_kink_conventions_without_torch():
    x = cr.tensor([0.0, 1.0], requires_grad=True)
    cr.clamp(x, 0, 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    a = cr.tensor([1.0], requires_grad=True)
    b = cr.tensor([1.0], requires_grad=True)
    cr.maximum(a, b).sum().backward()
    assert a.grad.item() == b.grad.item() == 0.5
    y = cr.tensor(0.0, requires_grad=True)
    cr.atan2(y, cr.tensor(0.0)).backward()
    assert y.grad.item() == 0.0


def test_mixed_dtype_gradients_match_torch(torch):
    # gradients come back in each input's own dtype
    def fn(T, a, b):
        return T.maximum(a, b.double()) + T.remainder(a.double(), b)

    ours, _ = grads(cr, fn, [1.0, 2.5], [1.0, 0.7], dtype="float32")
    ref, _ = grads(torch, fn, [1.0, 2.5], [1.0, 0.7], dtype="float32")
    for a, b in zip(ours, ref):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-6)


# ---- ops torch records without a derivative --------------------------------------------------

NOT_DIFFERENTIABLE = [
    ("floor_divide", lambda T, x, w: x // w),
    ("floor_divide", lambda T, x, w: T.floor_divide(x, 2)),
    ("floor_divide", lambda T, x, w: 2 // x),
    ("floor_divide", lambda T, x, w: x.floor_divide(w.detach())),
    ("remainder", lambda T, x, w: 7.5 % x),
    ("remainder", lambda T, x, w: T.remainder(2, x)),
    ("heaviside", lambda T, x, w: T.heaviside(x, w)),
    ("heaviside", lambda T, x, w: x.heaviside(w.detach())),
    ("heaviside", lambda T, x, w: T.heaviside(x.detach(), w)),
]


@pytest.mark.parametrize("k", range(len(NOT_DIFFERENTIABLE)))
def test_not_implemented_derivatives_match_torch(torch, k):
    aten, fn = NOT_DIFFERENTIABLE[k]
    results = []
    for T in (cr, torch):
        x = T.tensor([1.5, -2.5], requires_grad=True)
        w = T.tensor([0.5, 0.7], requires_grad=True)
        y = fn(T, x, w)
        node = y.grad_fn
        assert node.name() == "torch::autograd::NotImplemented"
        assert type(node).__name__ == "NotImplemented"
        assert repr(node).startswith("<NotImplemented object at 0x")
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        assert str(info.value) == f"derivative for aten::{aten} is not implemented"
        results.append((y.detach().numpy(), len(node.next_functions),
                        [f is None for f, _ in node.next_functions]))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert results[0][1:] == results[1][1:]


def test_not_implemented_repr_matches_torch(torch):
    same(torch, lambda T: repr(T.tensor([3.0], requires_grad=True) // 2))


def test_not_implemented_only_when_grad_is_needed(torch):
    for T in (cr, torch):
        assert (T.tensor([3.0]) // 2).grad_fn is None
        with T.no_grad():
            assert (T.tensor([3.0], requires_grad=True) // 2).grad_fn is None


# ---- node structure: next_functions as torch's -----------------------------------------------

NODES = [
    lambda T, x, w: x % 2.0,
    lambda T, x, w: T.remainder(x, w),
    lambda T, x, w: T.fmod(x, 2),
    lambda T, x, w: T.div(x, 2.0, rounding_mode="floor"),
    lambda T, x, w: T.div(x, w, rounding_mode="trunc"),
    lambda T, x, w: T.clamp(x, 0, 1),
    lambda T, x, w: T.clamp(x, min=w),
    lambda T, x, w: T.clamp(x, w, w + 1),
    lambda T, x, w: T.lerp(x, w, 0.5),
    lambda T, x, w: T.lerp(x, w, w),
    lambda T, x, w: x.masked_fill(x > 0, 1.0),
    lambda T, x, w: x.masked_fill(x > 0, w.sum()),
    lambda T, x, w: T.maximum(x, w.detach()),
    lambda T, x, w: T.sign(x),
]


@pytest.mark.parametrize("k", range(len(NODES)))
def test_node_edges_match_torch(torch, k):
    shapes = []
    for T in (cr, torch):
        x = T.tensor([1.5, -2.5], requires_grad=True)
        w = T.tensor([0.5, 0.7], requires_grad=True)
        node = NODES[k](T, x, w).grad_fn
        shapes.append((node.name(), [(f is None, f.name() if f else None)
                                     for f, _ in node.next_functions]))
    assert shapes[0] == shapes[1]


# ---- second derivatives: values, and what the recorded backward is ----------------------------

SECOND = [
    ("exp2", lambda T, x: T.exp2(x)), ("log1p", lambda T, x: T.log1p(x)),
    ("rsqrt", lambda T, x: T.rsqrt(x)), ("asin", lambda T, x: T.asin(x)),
    ("acosh", lambda T, x: T.acosh(x + 1)), ("erf", lambda T, x: T.erf(x)),
    ("erfc", lambda T, x: T.erfc(x)), ("sinh", lambda T, x: T.sinh(x)),
    ("floor", lambda T, x: T.floor(x)), ("clamp", lambda T, x: T.clamp(x, 0.4, 1.0)),
    ("remainder", lambda T, x: T.remainder(x * 3, x)), ("fmod", lambda T, x: T.fmod(x * 3, x)),
    ("atan2", lambda T, x: T.atan2(x, x * x)), ("hypot", lambda T, x: T.hypot(x, x * x)),
    ("maximum", lambda T, x: T.maximum(x, x * x)), ("lerp", lambda T, x: T.lerp(x, x * x, x)),
    ("masked_fill", lambda T, x: (x * x).masked_fill(x > 0.4, 2.0)),
    ("nan_to_num", lambda T, x: T.nan_to_num(x * x)),
    ("addcmul", lambda T, x: T.addcmul(x, x, x * x, value=2)),
    ("addcdiv", lambda T, x: T.addcdiv(x, x * x, x + 1, value=-0.5)),
    ("logaddexp", lambda T, x: T.logaddexp(x, x * x)),
    ("logaddexp2", lambda T, x: T.logaddexp2(x, x * 3)),
    ("xlogy", lambda T, x: T.xlogy(x, x * x)), ("xlogy number", lambda T, x: T.xlogy(x, 2.0)),
    ("xlogy number self", lambda T, x: T.xlogy(3.0, x)),
    ("copysign", lambda T, x: T.copysign(x * x, x - 0.6)),
    ("float_power", lambda T, x: T.float_power(x, x)), ("logit", lambda T, x: T.logit(x)),
    ("logit eps", lambda T, x: T.logit(x, 0.1)), ("sinc", lambda T, x: T.sinc(x)),
    ("deg2rad", lambda T, x: T.deg2rad(x * x)), ("sgn", lambda T, x: T.sgn(x) * x * x),
]


@pytest.mark.parametrize("name, fn", SECOND, ids=[s[0] for s in SECOND])
def test_second_derivatives_match_torch(torch, name, fn):
    out = []
    for T in (cr, torch):
        x = T.tensor([0.3, 0.5, 0.9], dtype=T.float64, requires_grad=True)
        (g,) = T.autograd.grad(fn(T, x).sum(), x, create_graph=True)
        if g.requires_grad:
            (gg,) = T.autograd.grad(g.sum(), x, allow_unused=True, materialize_grads=True)
            gg = gg.numpy()
        else:
            gg = None  # a constant gradient (floor, clamp): no graph to differentiate
        out.append((g.detach().numpy(), gg))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=1e-12)
    if out[1][1] is None:
        assert out[0][1] is None
    else:
        np.testing.assert_allclose(out[0][1], out[1][1], rtol=1e-12, atol=1e-15)


# ---- operators and comparisons of the core family, mixed dtypes ------------------------------

OPERAND_DTYPES = ["float32", "float64", "int64", "int32", "bool", "uint8"]
COMPARISONS = [
    lambda T, a, b: a == b, lambda T, a, b: a != b, lambda T, a, b: a < b,
    lambda T, a, b: a <= b, lambda T, a, b: a > b, lambda T, a, b: a >= b,
    lambda T, a, b: T.eq(a, b), lambda T, a, b: a.ne(b), lambda T, a, b: T.lt(a, b),
    lambda T, a, b: a.le(b), lambda T, a, b: T.gt(a, b), lambda T, a, b: a.ge(b),
    lambda T, a, b: T.greater(a, b), lambda T, a, b: T.less_equal(a, b),
    lambda T, a, b: T.not_equal(a, b), lambda T, a, b: a == 1, lambda T, a, b: a < 1.5,
    lambda T, a, b: 1 >= a, lambda T, a, b: a != True,  # noqa: E712 - the operator is tested
    lambda T, a, b: T.logical_and(a, b), lambda T, a, b: T.logical_or(a, b),
    lambda T, a, b: T.logical_xor(a, b), lambda T, a, b: T.logical_not(a),
    lambda T, a, b: a.logical_and(b),
]


@pytest.mark.parametrize("k", range(len(COMPARISONS)))
@pytest.mark.parametrize("da", ["float32", "int64", "bool"])
@pytest.mark.parametrize("db", OPERAND_DTYPES)
def test_comparisons_match_torch(torch, k, da, db):
    a = [1.0, 0.0, 2.0, NAN, -1.0]
    b = [1.0, 1.0, -2.0, NAN, 0.0]
    same(torch, lambda T: COMPARISONS[k](T, _tensor(T, a, da), _tensor(T, b, db)))
    same(torch, lambda T: COMPARISONS[k](T, _tensor(T, [[1.0], [0.0]], da), _tensor(T, 0.0, db)))


BITWISE = [
    lambda T, a, b: a & b, lambda T, a, b: a | b, lambda T, a, b: a ^ b, lambda T, a, b: ~a,
    lambda T, a, b: T.bitwise_and(a, b), lambda T, a, b: a.bitwise_or(b),
    lambda T, a, b: T.bitwise_xor(a, b), lambda T, a, b: T.bitwise_not(a),
    lambda T, a, b: a & 1, lambda T, a, b: 3 | a, lambda T, a, b: a ^ True,
    lambda T, a, b: a << b, lambda T, a, b: a >> b, lambda T, a, b: a << 2, lambda T, a, b: 9 >> a,
    lambda T, a, b: T.bitwise_left_shift(a, b), lambda T, a, b: a.bitwise_right_shift(b),
    lambda T, a, b: T.bitwise_left_shift(5, b), lambda T, a, b: T.bitwise_and(6, a),
]


def _in_place(method: str, *args: object) -> object:
    """A bitwise op in place on a copy: the tensor itself (the op returns it), as a value."""
    def run(T, a, b):  # noqa: ANN001, ANN202
        c = a.clone()
        out = getattr(c, method)(*(b if x is None else x for x in args))
        assert out is c
        return c

    return run


# the in-place forms, by name and as augmented assignments (None: the second operand)
BITWISE_IN_PLACE = [
    _in_place(m, *args) for m, args in (
        ("bitwise_and_", (None,)), ("bitwise_or_", (3,)), ("bitwise_xor_", (None,)),
        ("bitwise_not_", ()), ("bitwise_left_shift_", (None,)), ("bitwise_right_shift_", (1,)),
        ("__iand__", (None,)), ("__ior__", (2,)), ("__ixor__", (None,)), ("__ilshift__", (1,)),
        ("__irshift__", (None,)))
]


@pytest.mark.parametrize("k", range(len(BITWISE)))
@pytest.mark.parametrize("da, db", [("bool", "bool"), ("int64", "int64"), ("int32", "int64"),
                                    ("bool", "int64"), ("uint8", "int8")])
def test_bitwise_match_torch(torch, k, da, db):
    same(torch, lambda T: BITWISE[k](T, _tensor(T, [1, 0, 3, 6], da), _tensor(T, [1, 1, 5, 0],
                                                                             db)))


@pytest.mark.parametrize("k", range(len(BITWISE_IN_PLACE)))
@pytest.mark.parametrize("da, db", [("int64", "int64"), ("int8", "int8"), ("uint8", "uint8"),
                                    ("int32", "int64"), ("float32", "int64")])
def test_bitwise_in_place_matches_torch(torch, k, da, db):
    same(torch, lambda T: BITWISE_IN_PLACE[k](T, _tensor(T, [1, 0, 3, 6], da),
                                              _tensor(T, [1, 9, 5, 0], db)))


@pytest.mark.parametrize("amount", [-1, 0, 7, 8, 9, 63, 64, 70])
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64"])
def test_shifts_past_the_width_match_torch(torch, amount, dtype):
    values = [5, -8, 0, 1] if dtype != "uint8" else [5, 200, 0, 1]
    same(torch, lambda T: _tensor(T, values, dtype) << amount)
    same(torch, lambda T: _tensor(T, values, dtype) >> amount)


def test_bitwise_operator_on_floats_matches_torch(torch):
    same(torch, lambda T: ~T.tensor([1.0]))


@pytest.mark.parametrize("k", [0, 1, 2, 4, 5, 6, 7, 8, 9, 11, 12, 13, 15, 16])
def test_bitwise_on_floats_matches_torch(torch, k):
    same(torch, lambda T: BITWISE[k](T, T.tensor([1.0]), T.tensor([1])))


def test_comparison_errors_match_torch(torch):
    same(torch, lambda T: T.ones(3) == T.ones(2))
    same(torch, lambda T: T.ones(3) < T.ones(2, 1))
    same(torch, lambda T: T.ones(3) & T.ones(2))


@pytest.mark.parametrize("n", [4, 70_000])
@pytest.mark.parametrize("seed", ["ones", "random"])
def test_relu_passes_the_gradient_where_its_input_is_nan(torch, n, seed):
    # threshold_backward zeroes where result <= 0, which a nan result is not
    data = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    data[:4] = [np.nan, -1.0, 0.0, 2.0]
    w = np.random.default_rng(1).standard_normal(n).astype(np.float32)
    grads = []
    for T in (cr, torch):
        x = T.tensor(data, requires_grad=True)
        y = T.relu(x)
        (y.sum() if seed == "ones" else (y * T.tensor(w)).sum()).backward()
        grads.append(x.grad.numpy())
    np.testing.assert_array_equal(grads[0], grads[1])


def test_relu_gradient_is_zero_where_masked_even_for_inf_and_nan_gradients(torch):
    # torch's threshold_backward selects; a product with the mask would give nan
    for make in (lambda T: T.tensor([1.0, -2.0, 0.0, 3.0], requires_grad=True),
                 lambda T: T.tensor(-1.0, requires_grad=True)):
        results = []
        for T in (cr, torch):
            x = make(T)
            g = T.full(x.shape, float("inf"))
            if x.ndim:
                g[0] = float("nan")
            T.relu(x).backward(g)
            results.append(x.grad.tolist())
        assert str(results[0]) == str(results[1])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_float_tensor_with_numbers_matches_torch(torch, dtype):
    # the operators take a number as a cached 0-d array of the tensor's dtype: the values,
    # signed zeros and dtypes must stay those of torch, and the cache must not leak into results
    values = [1.5, -2.0, 3.0, 0.0, -0.0]
    x = cr.tensor(values, dtype=getattr(cr, dtype))
    tx = torch.tensor(values, dtype=getattr(torch, dtype))
    numbers = [0.1, 3, -0.0, 0.0, math.nan, math.inf, -math.inf, 1e-46, 2**40, 0.1, 3]
    for b in numbers:
        for form in ("x * b", "b * x", "x + b", "b + x", "x - b", "x / b"):
            ours = eval(form, {"x": x, "b": b})
            theirs = eval(form, {"x": tx, "b": b})
            assert ours.dtype == getattr(cr, dtype), form
            got, want = ours.numpy(), theirs.numpy()
            np.testing.assert_array_equal(got, want, err_msg=f"{form}, b={b}")
            np.testing.assert_array_equal(np.signbit(got), np.signbit(want),
                                          err_msg=f"{form}, b={b}")
    out = x * 0.1
    out += 1  # results are fresh arrays: the cached 0.1 is untouched
    np.testing.assert_array_equal((x * 0.1).numpy(), (tx * 0.1).numpy())


def test_number_beyond_float32_matches_torch(torch):
    x = cr.tensor([1.0, -1.0])
    for _ in range(2):  # never cached: converted on each call, as NumPy converts it
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            out = x * 1e300
        np.testing.assert_array_equal(out.numpy(), (torch.tensor([1.0, -1.0]) * 1e300).numpy())


# ---- Python numbers as torch converts them ------------------------------------------------------

# A Python int joins an op as an int64, else a uint64, else OverflowError; arithmetic and
# comparisons with an integer tensor wrap it to the tensor's width; a value written into a
# tensor (a fill, a bound, a where branch, an exponent, alpha) must fit its dtype; alpha must
# also suit the result's kind.
NUMBER_CASES = [
    *(f"{form.replace('V', v)}" for v in ("2**64", "(-2**63 - 1)", "2**63", "2**70") for form in (
        "x * V", "V * x", "x + V", "x - V", "V - x", "x / V", "V / x", "x // V", "x % V",
        "x ** V", "V ** x", "x > V", "x == V", "x.add(V)", "x.mul(V)", "x.add(1, alpha=V)",
        "T.pow(x, V)", "T.full((1,), V)", "T.full((1,), V, dtype=T.float32)", "T.tensor([V])",
        "T.tensor(V)", "x.clamp(max=V)", "x.clamp(min=-V)", "T.clamp(x, V)",
        "x.masked_fill(x > 0, V)", "T.where(x > 0, x, V)", "T.where(x > 0, V, x)",
        "x.clone().fill_(V)", "T.full_like(x, V)", "x.lerp(x, V)", "xi * V", "xi + V", "xi > V",
        "xi.masked_fill(xi > 0, V)", "T.clamp(xi, max=V)", "T.arange(V)", "x.clone().add_(V)",
        "x.clone().mul_(V)", "x.clone().clamp_(max=V)", "s * V", "s ** V", "s.add(V)")),
    "i8 + 300", "i8 * 2**40", "i8 * 2**63", "i8 // 300", "i8 % 300", "i8 & 300", "i8 > 300",
    "i8 == 300", "u8 - 10", "u8 + (-300)", "u8 < -1", "i8.clone().mul_(300)", "i8 ** 300",
    "i8.clamp(max=300)", "i8.masked_fill(i8 > 0, -129)", "i8.masked_fill(i8 > 0, 300)",
    "T.where(i8 > 9, i8, 300)", "T.full((1,), 300, dtype=T.uint8)",
    "T.full((1,), -1, dtype=T.uint8)",
    "T.full((1,), 2**40, dtype=T.int32)", "T.full((1,), 1e300, dtype=T.float32)",
    "T.full((1,), 1e300, dtype=T.float64)", "T.full_like(i8, 2**20)", "u8.clone().fill_(300)",
    "u8.clone().fill_(-1)", "x.clone().fill_(1e300)", "T.tensor([300], dtype=T.int8)",
    "T.tensor([-1], dtype=T.uint8)", "T.tensor(-3, dtype=T.uint8)", "T.tensor([[1], [2**64]])",
    "T.tensor([1.0, 2**70])", "T.tensor(2**63, dtype=T.float32)", "T.tensor([True, 2**63])",
    "T.arange(0, 2**62, 2**60)", "T.tensor([True]) ** 300", "xi ** 2**63",
    "xi.add(1, alpha=0.5)", "xi.sub(xi, alpha=0.5)", "T.rsub(xi, 1, alpha=0.5)",
    "x.add(1, alpha=True)", "xi.add(1, alpha=True)", "x.add(1, alpha=1j)", "xi.add(2, alpha=1.0)",
    "b.add(b, alpha=2)", "b.add(True, alpha=True)", "i8.add(1, alpha=300)", "u8.add(1, alpha=-1)",
    "x.sub(2, alpha=-3)", "T.rsub(x, 2, alpha=3)", "x.clone().add_(1, alpha=2**64)",
]


@pytest.mark.parametrize("expr", NUMBER_CASES)
def test_python_numbers_convert_as_torch(torch, expr):
    def outcome(T):  # noqa: ANN001, ANN202
        env = {"T": T, "x": T.tensor([1.0, -2.0]), "xi": T.tensor([1, 3]), "s": T.tensor(2.0),
               "i8": T.tensor([5, 10], dtype=T.int8), "u8": T.tensor([5, 10], dtype=T.uint8),
               "b": T.tensor([True, False])}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out = eval(expr, env)
            except Exception as e:  # noqa: BLE001 - the exception itself is compared
                return type(e).__name__, str(e)
        return str(out.dtype), out.tolist()

    assert outcome(cr) == outcome(torch)


# ---- torch's aliases: the op they alias, its node, its errors ---------------------------------

def _grad_leaf(T):
    return T.tensor([1.5, -2.0, 0.0], requires_grad=True)


def _inplace(T, method, *args, **kwargs):
    """``method`` applied in place to a non-leaf: the result, whether it is self, the version."""
    y = _grad_leaf(T) * 2
    out = getattr(y, method)(*args, **kwargs)
    return out, out is y, y._version


ALIASES = {
    "multiply": lambda T: T.multiply(_grad_leaf(T), 2),
    "multiply_method": lambda T: _grad_leaf(T).multiply(T.tensor([[1.0], [2.0]])),
    "subtract": lambda T: T.subtract(_grad_leaf(T), 1, alpha=2),
    "subtract_method": lambda T: _grad_leaf(T).subtract(_grad_leaf(T), alpha=0.5),
    "divide": lambda T: T.divide(_grad_leaf(T), 2),
    "divide_floor": lambda T: _grad_leaf(T).divide(0.7, rounding_mode="floor"),
    "divide_trunc": lambda T: T.divide(_grad_leaf(T), T.tensor(-0.7), rounding_mode="trunc"),
    "divide_none": lambda T: T.divide(T.tensor([3, 4]), 2, rounding_mode=None),
    "divide_int_floor": lambda T: T.tensor([7, -7]).divide(2, rounding_mode="floor"),
    "negative": lambda T: T.negative(_grad_leaf(T)),
    "negative_method": lambda T: T.tensor([1, -2]).negative(),
    "positive": lambda T: T.positive(_grad_leaf(T)),
    "positive_int": lambda T: T.tensor([1, -2]).positive(),
    "absolute": lambda T: T.absolute(_grad_leaf(T)),
    "absolute_method": lambda T: T.tensor([1, -2]).absolute(),
    "greater": lambda T: T.greater(_grad_leaf(T), 0),
    "greater_method": lambda T: _grad_leaf(T).greater(T.tensor([[0.0], [-5.0]])),
    "greater_equal": lambda T: T.greater_equal(_grad_leaf(T), 0),
    "less": lambda T: _grad_leaf(T).less(T.tensor(0)),
    "less_equal": lambda T: T.less_equal(T.tensor([1, 2]), 1.5),
    "not_equal": lambda T: _grad_leaf(T).not_equal(0),
    "not_equal_function": lambda T: T.not_equal(T.tensor([True, False]), True),
    "multiply_": lambda T: _inplace(T, "multiply_", 3),
    "subtract_": lambda T: _inplace(T, "subtract_", 3, alpha=2),
    "divide_": lambda T: _inplace(T, "divide_", T.tensor(4.0)),
    "divide_floor_": lambda T: _inplace(T, "divide_", 0.7, rounding_mode="floor"),
    "div_trunc_": lambda T: _inplace(T, "div_", 0.7, rounding_mode="trunc"),
    "divide_int_": lambda T: T.tensor([7, -7]).divide_(2, rounding_mode="floor"),
    "negative_": lambda T: _inplace(T, "negative_"),
    "absolute_": lambda T: _inplace(T, "absolute_"),
    "multiply_int_": lambda T: T.tensor([1, 2]).multiply_(3),
}


@pytest.mark.parametrize("name", ALIASES)
def test_aliases_match_torch(torch, name):
    same(torch, ALIASES[name])


def test_positive_is_the_tensor_itself(torch):
    for T in (cr, torch):
        x = _grad_leaf(T)
        assert T.positive(x) is x and x.positive() is x and +x is x


ALIAS_ERRORS = {
    "divide_bad_mode": lambda T: T.divide(T.ones(2), 2, rounding_mode="bad"),
    "divide_int_zero": lambda T: T.tensor([1, 2]).divide(0, rounding_mode="floor"),
    "subtract_bools": lambda T: T.subtract(T.tensor([True]), T.tensor([False])),
    "negative_bool": lambda T: T.tensor([True]).negative(),
    "positive_bool": lambda T: T.positive(T.tensor([True, False])),
    "pos_operator_bool": lambda T: +T.tensor([True, False]),
    "positive_number": lambda T: T.positive(1),
    "absolute_bool": lambda T: T.absolute(T.tensor([True])),
    "multiply_shapes": lambda T: T.multiply(T.ones(3), T.ones(2)),
    "greater_shapes": lambda T: T.ones(3).greater(T.ones(2)),
    "multiply_leaf_": lambda T: _grad_leaf(T).multiply_(2),
    "divide_int_": lambda T: T.tensor([1, 2]).divide_(2),
    "subtract_int_float_": lambda T: T.tensor([1, 2]).subtract_(0.5),
}


@pytest.mark.parametrize("name", ALIAS_ERRORS)
def test_alias_errors_match_torch(torch, name):
    same(torch, ALIAS_ERRORS[name])


# ---- addcmul, addcdiv, logaddexp, xlogy, copysign, float_power, logit, sinc, deg2rad, rad2deg,
# heaviside, sgn: dtypes, numbers, special values, in-place forms, errors ---------------------

MORE_VALUES = [
    lambda T: T.addcmul(T.tensor([1, 2]), T.tensor([3, 4]), T.tensor([5, 6]), value=2),
    lambda T: T.addcmul(T.tensor([1, 2]), T.tensor([3, 4]), T.tensor([5, 6]), value=0.5),
    lambda T: T.addcmul(T.tensor([1, 2]), T.tensor([1.5, 2.0]), T.tensor(2.0, dtype=T.float64)),
    lambda T: T.addcmul(T.ones(2, 1), T.ones(3), T.tensor(2.0), value=True),
    lambda T: T.addcdiv(T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0]), T.tensor([0.0, -0.0])),
    lambda T: T.addcdiv(T.tensor([1, 2]), T.tensor([3.0, 4.0]), T.tensor([2, 8]), value=-1),
    lambda T: T.tensor([1.0, 2.0]).addcmul(T.tensor([2.0]), T.tensor([3.0]), value=-2),
    lambda T: T.tensor([1.0, 2.0]).addcdiv(T.tensor([2.0]), T.tensor([3.0])),
    lambda T: T.logaddexp(T.tensor([INF, -INF, NAN, 1.0, -0.0]), T.tensor([INF, -INF, 1.0, 1.0,
                                                                           0.0])),
    lambda T: T.logaddexp(T.tensor([1.0, 2.0]), T.tensor(3.0, dtype=T.float64)),
    lambda T: T.logaddexp2(T.tensor([1.0, 2.0], dtype=T.float16), T.tensor([3.0, -INF],
                                                                           dtype=T.float16)),
    lambda T: T.tensor([1.0, 2.0]).logaddexp(T.tensor([3.0, 4.0])),
    lambda T: T.xlogy(T.tensor([0.0, 0.0, 1.0, 2.0, -0.0]), T.tensor([0.0, NAN, 0.0, -1.0, 3.0])),
    lambda T: T.xlogy(T.tensor([1, 2, 0]), T.tensor([1, 2, 0])),
    lambda T: T.xlogy(T.tensor([1, 2, 0]), 2.0),
    lambda T: T.xlogy(2, T.tensor([1.0, 3.0], dtype=T.float64)),
    lambda T: T.xlogy(T.tensor([True, False]), 3),
    lambda T: T.xlogy(0.0, T.tensor([NAN, -1.0])),
    lambda T: T.tensor([1.0, 2.0]).xlogy(T.tensor(2.0)),
    lambda T: T.copysign(T.tensor([1, -2, 3]), T.tensor([-1, 0, 1])),
    lambda T: T.copysign(T.tensor([1.0, -2.0, NAN]), -0.0),
    lambda T: T.copysign(T.tensor([1.0, 2.0]), T.tensor([-1.0], dtype=T.float64)),
    lambda T: T.tensor([1, 2]).copysign(-1),
    lambda T: T.float_power(T.tensor([1, 2, 3]), 2),
    lambda T: T.float_power(T.tensor([2.0, 3.0]), T.tensor([1, 2])),
    lambda T: T.float_power(2, T.tensor([1, 2])),
    lambda T: T.float_power(T.tensor([-8.0, 4.0]), 1 / 3),
    lambda T: T.tensor([1.5, 2.0]).float_power(2.5),
    lambda T: T.logit(T.tensor([0.0, 0.25, 1.0, -0.5, 1.5, NAN])),
    lambda T: T.logit(T.tensor([0.0, 0.25, 1.0, -0.5, 1.5]), eps=0.0),
    lambda T: T.logit(T.tensor([0.0, 0.25, 1.0, -0.5, 1.5]), eps=0.1),
    lambda T: T.logit(T.tensor([0.2, 0.5, 0.9]), eps=0.7),
    lambda T: T.logit(T.tensor([0.2, 1.0]), eps=-0.1),
    lambda T: T.logit(T.tensor([0, 1, 2])),
    lambda T: T.tensor([0.3], dtype=T.float64).logit(0.4),
    lambda T: T.sinc(T.tensor([0.0, 0.5, 1.0, -2.5, INF, NAN])),
    lambda T: T.sinc(T.tensor([0, 1, 2])),
    lambda T: T.sinc(T.tensor([0.25, 3.0], dtype=T.float64)),
    lambda T: T.deg2rad(T.tensor([180, -90, 0])),
    lambda T: T.deg2rad(T.tensor([True, False])),
    lambda T: T.rad2deg(T.tensor([180], dtype=T.int16)),
    lambda T: T.rad2deg(T.tensor([3.0, -1.0], dtype=T.float64)),
    lambda T: T.tensor([45.0]).deg2rad(),
    lambda T: T.heaviside(T.tensor([-1.0, 0.0, 2.0, NAN, -0.0]), T.tensor([7.0])),
    lambda T: T.heaviside(T.tensor([-1, 0, 2]), T.tensor([5, 6, 7])),
    lambda T: T.heaviside(T.tensor([[-1.0], [0.0]]), T.tensor([0.5, 0.25])),
    lambda T: T.sgn(T.tensor([-2.0, 0.0, -0.0, NAN, INF])),
    lambda T: T.sgn(T.tensor([-2, 0, 5])),
    lambda T: T.sgn(T.tensor([True, False])),
    lambda T: T.tensor(-3.0).sgn(),
]


@pytest.mark.parametrize("k", range(len(MORE_VALUES)))
def test_more_elementwise_values_match_torch(torch, k):
    same(torch, MORE_VALUES[k], exact=False)


MORE_INPLACE = [
    lambda T: T.tensor([1.0, 2.0]).addcmul_(T.tensor([2.0]), T.tensor([3.0]), value=2),
    lambda T: T.tensor([1.0, 2.0]).addcdiv_(T.tensor([2.0]), T.tensor([4.0])),
    lambda T: T.tensor([1, 2]).addcdiv_(T.tensor([2.0]), T.tensor([4.0])),
    lambda T: T.tensor([1.0, 2.0]).xlogy_(3.0),
    lambda T: T.tensor([1.0, -2.0]).copysign_(T.tensor([-1.0, 1.0])),
    lambda T: T.tensor([1, 2]).copysign_(-1),
    lambda T: T.tensor([0.25, 0.5]).logit_(),
    lambda T: T.tensor([0.25, 0.5]).sinc_(),
    lambda T: T.tensor([90.0]).deg2rad_(),
    lambda T: T.tensor([3.0]).rad2deg_(),
    lambda T: T.tensor([-1.0, 0.0, 1.0]).heaviside_(T.tensor([0.5])),
    lambda T: T.tensor([-1.0, 0.0, 1.0]).sgn_(),
    lambda T: T.tensor([2.0, 3.0], dtype=T.float64).float_power_(2),
    lambda T: T.tensor([2.0, 3.0]).float_power_(2),
    lambda T: T.tensor([2, 3]).float_power_(T.tensor([2.0])),
]


@pytest.mark.parametrize("k", range(len(MORE_INPLACE)))
def test_more_elementwise_in_place_match_torch(torch, k):
    same(torch, MORE_INPLACE[k], exact=False)


def test_more_elementwise_in_place_gradients_match_torch(torch):
    def fn(T, x, y):
        parts = [(x * 1).addcmul_(y, y, value=3).deg2rad_(), (x * 1).logit_(eps=0.1),
                 (y * 1).xlogy_(x), (x * 1).copysign_(-1.0), (y * 1).sinc_(),
                 (y * 1).addcdiv_(x, y).rad2deg_(), (x * 1).sgn_() * x]
        return sum(parts[1:], parts[0])

    ours, our_name = grads(cr, fn, [0.2, 0.7], [0.5, 2.0], dtype="float64")
    ref, ref_name = grads(torch, fn, [0.2, 0.7], [0.5, 2.0], dtype="float64")
    assert our_name == ref_name == "AddBackward0"
    for a, b in zip(ours, ref):
        np.testing.assert_allclose(a, b, rtol=1e-12)


MORE_ERRORS = [
    lambda T: T.addcdiv(T.tensor([1, 2]), T.tensor([3, 4]), T.tensor([5, 6])),
    lambda T: T.addcdiv(T.tensor([1.0]), T.tensor([3]), T.tensor([True])),
    lambda T: T.addcmul(T.ones(3), T.ones(3), T.ones(2)),
    lambda T: T.addcmul(T.ones(3), T.ones(3), T.ones(3), value=1j),
    lambda T: T.addcmul(T.ones(3), T.ones(3), T.ones(3), value="a"),
    lambda T: T.addcmul(T.ones(3), T.ones(3), 2.0),
    lambda T: T.addcmul(T.ones(3), T.ones(3), T.ones(3), 2),
    lambda T: T.logaddexp(T.tensor([1, 2]), T.tensor([1, 2])),
    lambda T: T.logaddexp2(T.tensor([True]), T.tensor([True])),
    lambda T: T.logaddexp(T.ones(2), 2),
    lambda T: T.logaddexp(T.ones(2), T.ones(3)),
    lambda T: T.xlogy(2.0, 3.0),
    lambda T: T.xlogy("a", T.ones(2)),
    lambda T: T.xlogy(T.ones(2, dtype=T.complex64), T.ones(2)),
    lambda T: T.ones(2).xlogy("a"),
    lambda T: T.ones(2).copysign(None),
    lambda T: T.ones(2).float_power("2"),
    lambda T: T.copysign(2, T.ones(2)),
    lambda T: T.copysign(T.ones(2), "a"),
    lambda T: T.copysign(T.ones(2, dtype=T.complex64), T.ones(2)),
    lambda T: T.float_power(2, 3),
    lambda T: T.float_power(T.ones(2), "a"),
    lambda T: T.logit(T.ones(2, dtype=T.complex64)),
    lambda T: T.logit([0.5]),
    lambda T: T.deg2rad(T.ones(2, dtype=T.complex64)),
    lambda T: T.rad2deg(T.ones(2, dtype=T.complex64)),
    lambda T: T.heaviside(T.ones(2), 0.5),
    lambda T: T.heaviside(T.ones(2), T.ones(2, dtype=T.float64)),
    lambda T: T.heaviside(T.ones(2, dtype=T.complex64), T.ones(2, dtype=T.complex64)),
    lambda T: T.heaviside(T.ones(2), T.ones(3)),
    lambda T: T.ones(2).heaviside(0.5),
    lambda T: T.tensor([1, 2]).logit_(),
    lambda T: T.tensor([1, 2]).sinc_(),
    lambda T: T.tensor([1, 2]).deg2rad_(),
    lambda T: T.tensor([1.0, 2.0], requires_grad=True).addcmul_(T.ones(2), T.ones(2)),
    lambda T: T.sgn([1.0]),
    lambda T: T.sinc((1.0,)),
    lambda T: T.deg2rad(1.0),
    lambda T: T.addcdiv([1.0], T.ones(1), T.ones(1)),
]


@pytest.mark.parametrize("k", range(len(MORE_ERRORS)))
def test_more_elementwise_errors_match_torch(torch, k):
    same(torch, MORE_ERRORS[k])


def test_logaddexp_of_equal_infinities_gives_nan_gradients(torch):
    # inf - inf inside the formula: torch's gradient is nan on both sides (its sign bit is
    # not compared)
    for T in (cr, torch):
        x = T.tensor([INF, -INF, NAN], requires_grad=True)
        y = T.tensor([INF, -INF, 1.0], requires_grad=True)
        T.logaddexp(x, y).backward(T.ones(3))
        assert T.isnan(x.grad).all() and T.isnan(y.grad).all()


def test_more_elementwise_real_only_and_without_torch():
    # torch takes complex tensors in these; chainrule says plainly that it does not
    for fn in (lambda x: cr.sinc(x), lambda x: cr.sgn(x), lambda x: cr.logaddexp(x, x)):
        with pytest.raises(NotImplementedError, match="takes real tensors"):
            fn(cr.ones(2, dtype=cr.complex64))
    x = cr.tensor([0.0, 2.0], requires_grad=True)
    cr.xlogy(x, cr.tensor([0.0, 1.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    x = cr.tensor([0.0], requires_grad=True)
    cr.sinc(x).sum().backward()
    assert x.grad.tolist() == [0.0]
    assert cr.float_power(cr.tensor([2.0]), 2).dtype == cr.float64
