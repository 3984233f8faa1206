"""format_tensor / set_printoptions must reproduce torch 2.13's tensor repr byte for byte."""

from __future__ import annotations

import importlib.util
import math
import pathlib
import sys
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

torch = pytest.importorskip("torch", reason="torch is the reference these tests compare against")


def _load_printing() -> ModuleType:
    # Loaded by file path so these tests do not depend on the rest of the package importing.
    path = pathlib.Path(__file__).parents[1] / "src/chainrule/_printing.py"
    spec = importlib.util.spec_from_file_location("chainrule_printing", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_printing = _load_printing()
format_tensor = _printing.format_tensor
set_printoptions = _printing.set_printoptions
PRINT_OPTS = _printing.PRINT_OPTS

F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)


def torch_repr(arr: np.ndarray, requires_grad: bool = False) -> str:
    tensor = torch.from_numpy(arr.copy())
    if requires_grad:
        tensor.requires_grad_()
    return repr(tensor)


def ours(arr: np.ndarray, requires_grad: bool = False, default: np.dtype = F32) -> str:
    return format_tensor(arr, default, None, requires_grad)


def _reset_options() -> None:
    torch.set_printoptions(profile="default")
    set_printoptions(profile="default")


@pytest.fixture
def reset_printoptions() -> Iterator[None]:
    try:
        yield
    finally:
        _reset_options()


@pytest.fixture
def reset_default_dtype() -> Iterator[None]:
    previous = torch.get_default_dtype()
    try:
        yield
    finally:
        torch.set_default_dtype(previous)


def f32(values: Any) -> np.ndarray:
    return np.array(values, dtype=np.float32)


# ---------------------------------------------------------------------------------------------
# Literal texts verified against torch 2.13.
# ---------------------------------------------------------------------------------------------

_LINSPACE_2000 = np.linspace(0, 1, 2000, dtype=np.float32)
_LINSPACE_10 = np.linspace(-10, 10, 10, dtype=np.float32)

LITERAL_CASES: list[tuple[np.ndarray, str | None, bool, str]] = [
    (f32(2.0), None, True, "tensor(2., requires_grad=True)"),
    (f32(4.0), "PowBackward0", True, "tensor(4., grad_fn=<PowBackward0>)"),
    (
        np.array([1.0, 2.0]),
        None,
        True,
        "tensor([1., 2.], dtype=torch.float64, requires_grad=True)",
    ),
    (
        np.array(4.0),
        "PowBackward0",
        True,
        "tensor(4., dtype=torch.float64, grad_fn=<PowBackward0>)",
    ),
    (f32([-1.5, 2.0, 300.25]), None, False, "tensor([ -1.5000,   2.0000, 300.2500])"),
    (
        f32([[1, 2], [3, 4]]),
        None,
        True,
        "tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)",
    ),
    (f32([1e-5, 1, 1e5]), None, False, "tensor([1.0000e-05, 1.0000e+00, 1.0000e+05])"),
    (
        np.arange(1001, dtype=np.float32),
        None,
        False,
        "tensor([   0.,    1.,    2.,  ...,  998.,  999., 1000.])",
    ),
    (
        _LINSPACE_2000,
        None,
        True,
        (
            "tensor([0.0000e+00, 5.0025e-04, 1.0005e-03,  ..., 9.9900e-01, 9.9950e-01,\n"
            "        1.0000e+00], requires_grad=True)"
        ),
    ),
    (
        _LINSPACE_10,
        None,
        True,
        (
            "tensor([-10.0000,  -7.7778,  -5.5556,  -3.3333,  -1.1111,   1.1111,   3.3333,\n"
            "          5.5556,   7.7778,  10.0000], requires_grad=True)"
        ),
    ),
    (f32(2.5), None, False, "tensor(2.5000)"),
    (np.array(3), None, False, "tensor(3)"),
    (np.array([True, False]), None, False, "tensor([ True, False])"),
    (np.zeros(0, np.float32), None, False, "tensor([])"),
    (np.zeros((0, 3), np.float32), None, False, "tensor([], size=(0, 3))"),
    (np.array([1 + 2j], np.complex64), None, False, "tensor([1.+2.j])"),
]


@pytest.mark.parametrize(("arr", "grad_fn", "requires_grad", "expected"), LITERAL_CASES)
def test_literal_texts(
    arr: np.ndarray, grad_fn: str | None, requires_grad: bool, expected: str
) -> None:
    assert format_tensor(arr, F32, grad_fn, requires_grad) == expected


# ---------------------------------------------------------------------------------------------
# Table of arrays compared with torch's repr.
# ---------------------------------------------------------------------------------------------

nan = math.nan
inf = math.inf
_rng = np.random.default_rng(1234)

CASES: dict[str, np.ndarray] = {
    # 0-d
    "0d_float": f32(2.5),
    "0d_int_valued": f32(2.0),
    "0d_neg": f32(-3.25),
    "0d_zero": f32(0.0),
    "0d_negzero": f32(-0.0),
    "0d_nan": f32(nan),
    "0d_inf": f32(inf),
    "0d_neginf": f32(-inf),
    "0d_tiny": f32(1e-5),
    "0d_huge": f32(1e9),
    "0d_huge_int_valued": f32(123456789.0),
    "0d_just_below_1e8": f32(99999992.0),
    "0d_1e-4": np.array(1e-4),
    "0d_below_1e-4": np.array(9.9999e-5),
    "0d_float64": np.array(0.1),
    "0d_float16": np.array(0.1, np.float16),
    "0d_int64": np.array(-7),
    "0d_int32": np.array(7, np.int32),
    "0d_uint8": np.array(200, np.uint8),
    "0d_bool": np.array(True),
    "0d_bool_false": np.array(False),
    "0d_complex64": np.array(1.5 - 2j, np.complex64),
    "0d_complex128": np.array(3j),
    # 1-d
    "1d_one": f32([1.0]),
    "1d_mixed_sign": f32([-1.5, 2.0, 300.25]),
    "1d_int_valued": f32([1, 2, 3]),
    "1d_int_valued_neg": f32([-1, 20, -300]),
    "1d_rounding_widens": f32([9.99996, 1.0]),
    "1d_rounding_widens_neg": np.array([-9.99996, 0.5]),
    "1d_ratio_1000": f32([1.0, 1000.0]),
    "1d_ratio_1001": f32([1.0, 1001.0]),
    "1d_ratio_float64_edge": np.array([0.001, 1.0]),
    "1d_max_1e8": f32([1e8, 2e7]),
    "1d_max_above_1e8": np.array([100000001.0, 2e7]),
    "1d_min_1e-4": np.array([1e-4, 0.05]),
    "1d_min_below_1e-4": np.array([9e-5, 0.05]),
    "1d_tiny": f32([1e-10, 2e-10, 3e-10]),
    "1d_huge": f32([1e20, -2e25, 3e30]),
    "1d_exp_3_digits": np.array([1e-120, 1e150, -5e200]),
    "1d_denormal": np.array([5e-324, 1.0]),
    "1d_float32_max": f32([3.4028235e38, -1.0]),
    "1d_mixed_mag": f32([0.001, 12.5, -7.25, 1e3]),
    "1d_zeros": f32([0.0, 0.0]),
    "1d_negzero_mix": f32([-0.0, 0.0, 1.0]),
    "1d_negzero_frac": f32([-0.0, 0.5]),
    "1d_negzero_sci": f32([-0.0, 1e-6]),
    "1d_nan_only": f32([nan, nan]),
    "1d_inf_only": f32([inf, -inf]),
    "1d_nan_zero": f32([0.0, nan]),
    "1d_nan_inf_mix": f32([1.5, nan, -inf, inf]),
    "1d_nan_int_valued": f32([1.0, nan, -inf, 100.0]),
    "1d_nan_sci": f32([1e-6, nan, inf, -2.0]),
    "1d_float32_thirds": f32([1 / 3, 2 / 3, -1 / 3]),
    "1d_float32_tenths": f32([0.1, 0.2, 0.3, 0.7]),
    "1d_float64_tenths": np.array([0.1, 0.2, 0.3]),
    "1d_half_rounding": np.array([0.00005, 0.00015, 0.00025, 1.0]),
    "1d_fixed_round_half": np.array([1.00005, 2.00015, 0.12345]),
    "1d_float16": np.array([0.1, 1.5, -2.0, 65504.0], np.float16),
    "1d_float16_int_valued": np.array([1, 2, 3], np.float16),
    "1d_float16_inf": np.array([1.0, np.inf, np.nan], np.float16),
    "1d_float16_tiny": np.array([6e-8, 1.0], np.float16),
    "1d_float64": np.array([1.0, 2.5, -3.125]),
    "1d_int64": np.array([1, -20, 300]),
    "1d_int64_extremes": np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max]),
    "1d_int32": np.array([1, 2, 3], np.int32),
    "1d_int16": np.array([-32768, 5], np.int16),
    "1d_int8": np.array([-128, 127, 0], np.int8),
    "1d_uint8": np.array([0, 255, 17], np.uint8),
    "1d_uint16": np.array([0, 65535, 17], np.uint16),
    "1d_uint32": np.array([7, 2**32 - 1], np.uint32),
    "1d_uint64": np.array([1, 2**64 - 1], np.uint64),
    "1d_bool": np.array([True, False]),
    "1d_bool_true": np.array([True, True]),
    "1d_bool_false": np.array([False]),
    "1d_complex_simple": np.array([1 + 2j], np.complex64),
    "1d_complex_neg_imag": np.array([1 - 2j, -0.5 + 0.25j], np.complex64),
    "1d_complex_negzero_imag": np.array([complex(1.0, -0.0), 2 + 1j], np.complex64),
    "1d_complex_mixed_mag": np.array([1 + 1e-6j, 2.5 + 3j], np.complex64),
    "1d_complex128": np.array([1.25 + 2j, -3 - 4.5j]),
    "1d_complex_nan": np.array([complex(nan, 1.0), complex(1.0, inf)], np.complex64),
    "1d_complex_wrap": (np.arange(20) + 1j * np.arange(20, 0, -1) / 3).astype(np.complex64),
    "1d_wrap_10": np.linspace(-10, 10, 10, dtype=np.float32),
    "1d_wrap_30": np.linspace(-1, 1, 30, dtype=np.float32),
    "1d_wrap_int": np.arange(-50, 50) * 1234,
    "1d_wrap_sci": np.geomspace(1e-8, 1e8, 25),
    "1d_wrap_bool": np.arange(40) % 3 == 0,
    "1d_long_ints_float": np.arange(100, dtype=np.float32) * 1000,
    "1d_1000": np.arange(1000, dtype=np.float32),
    "1d_1001": np.arange(1001, dtype=np.float32),
    "1d_1000_int": np.arange(1000),
    "1d_1001_int": np.arange(1001),
    "1d_1001_bool": np.arange(1001) % 2 == 0,
    "1d_linspace_2001": np.linspace(0, 1, 2001, dtype=np.float32),
    "1d_summary_hidden_sci": np.concatenate(
        [f32([1.0, 2.0, 3.0]), np.full(1000, 1e-9, np.float32), f32([4.0, 5.0, 6.0])]
    ),
    "1d_summary_hidden_nan": np.concatenate(
        [f32([1.5, 2.0, 3.0]), np.full(1000, nan, np.float32), f32([4.0, 5.0, 6.0])]
    ),
    "1d_summary_complex": (np.arange(1500) * (1 + 0.5j)).astype(np.complex64),
    "1d_random_normal": _rng.standard_normal(17).astype(np.float32),
    # 2-d
    "2d_basic": f32([[1, 2], [3, 4]]),
    "2d_frac": f32([[1.5, -2.25], [3.125, 4.0]]),
    "2d_one_row": f32([[1.0, 2.0, 3.0]]),
    "2d_one_col": f32([[1.0], [2.0], [3.0]]),
    "2d_wrap": np.linspace(-5, 5, 60, dtype=np.float32).reshape(3, 20),
    "2d_sci": f32([[1e-5, 1.0], [1e5, -2.0]]),
    "2d_nan": f32([[nan, 1.0], [inf, -0.5]]),
    "2d_int": np.arange(12).reshape(3, 4) - 6,
    "2d_bool": np.array([[True, False], [False, True]]),
    "2d_float64": np.arange(6.0).reshape(2, 3) / 7,
    "2d_complex": (np.arange(6) + 1j).reshape(2, 3).astype(np.complex64),
    "2d_40x50": np.arange(2000, dtype=np.float32).reshape(40, 50),
    "2d_40x50_int": np.arange(2000).reshape(40, 50),
    "2d_1000x1": np.arange(1001, dtype=np.float32).reshape(1001, 1),
    "2d_2x600": np.arange(1200, dtype=np.float32).reshape(2, 600) / 3,
    "2d_600x2": np.arange(1200, dtype=np.float32).reshape(600, 2),
    "2d_32x32": np.arange(1024, dtype=np.float32).reshape(32, 32),
    "2d_random": _rng.standard_normal((5, 7)).astype(np.float32),
    "2d_transposed": np.arange(12, dtype=np.float32).reshape(3, 4).T / 3,
    "2d_reversed_strides": np.arange(20, dtype=np.float32).reshape(4, 5)[::-1, ::-2],
    # 3-d and 4-d
    "3d_small": np.arange(24, dtype=np.float32).reshape(2, 3, 4),
    "3d_frac": (np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 11.5) / 4,
    "3d_int": np.arange(24).reshape(2, 3, 4),
    "3d_bool": (np.arange(8) % 3 == 0).reshape(2, 2, 2),
    "3d_single": f32([[[5.0]]]),
    "3d_wrap": np.linspace(0, 1, 2 * 2 * 15).astype(np.float32).reshape(2, 2, 15),
    "3d_10x10x30": np.arange(3000, dtype=np.float32).reshape(10, 10, 30),
    "3d_7x8x20": np.arange(1120, dtype=np.float32).reshape(7, 8, 20) / 7,
    "3d_2x2x300": np.arange(1200, dtype=np.float32).reshape(2, 2, 300),
    "4d_small": np.arange(16, dtype=np.float32).reshape(2, 2, 2, 2),
    "4d_random": _rng.standard_normal((2, 3, 2, 2)).astype(np.float32),
    "4d_int": np.arange(36).reshape(3, 2, 3, 2),
    "4d_summarised": np.arange(2 * 7 * 8 * 10, dtype=np.float32).reshape(2, 7, 8, 10),
    "5d_small": np.arange(32, dtype=np.float32).reshape(2, 2, 2, 2, 2),
    # empty
    "empty_1d": np.zeros(0, np.float32),
    "empty_0x3": np.zeros((0, 3), np.float32),
    "empty_3x0": np.zeros((3, 0), np.float32),
    "empty_2x0x4": np.zeros((2, 0, 4), np.float32),
    "empty_float64": np.zeros(0),
    "empty_int64": np.zeros(0, np.int64),
    "empty_int64_2d": np.zeros((0, 3), np.int64),
    "empty_bool": np.zeros(0, bool),
    "empty_float16": np.zeros((1, 0), np.float16),
    "empty_complex64": np.zeros(0, np.complex64),
}


@pytest.mark.parametrize("arr", list(CASES.values()), ids=list(CASES))
def test_matches_torch(arr: np.ndarray) -> None:
    assert ours(arr) == torch_repr(arr)


_FLOAT_CASE_NAMES = [
    name
    for name, arr in CASES.items()
    if arr.dtype.kind in "fc" and name.startswith(("0d", "1d_wrap", "2d", "3d_10", "empty"))
]


@pytest.mark.parametrize("name", _FLOAT_CASE_NAMES)
def test_requires_grad_suffix(name: str) -> None:
    arr = CASES[name]
    assert ours(arr, requires_grad=True) == torch_repr(arr, requires_grad=True)


@pytest.mark.parametrize(
    ("op", "node"),
    [
        (lambda t: t * 1, "MulBackward0"),
        (lambda t: t**2, "PowBackward0"),
        (lambda t: t.sum(), "SumBackward0"),
        (lambda t: t + 1, "AddBackward0"),
    ],
)
@pytest.mark.parametrize(
    "arr",
    [
        f32(2.0),
        f32([1.0, 2.0]),
        np.array([1.0, 2.5]),
        np.linspace(-10, 10, 10, dtype=np.float32),
        np.linspace(-10, 10, 30, dtype=np.float32).reshape(3, 10),
        np.linspace(0, 1, 2001, dtype=np.float32),
    ],
)
def test_grad_fn_suffix(arr: np.ndarray, op: Callable[[Any], Any], node: str) -> None:
    leaf = torch.from_numpy(arr.copy()).requires_grad_()
    result = op(leaf)
    assert type(result.grad_fn).__name__ == node
    values = result.detach().numpy()
    assert format_tensor(values, F32, node, True) == repr(result)


@pytest.mark.parametrize(
    "arr",
    [
        np.array([1.0, 2.0]),
        np.array(2.5),
        np.zeros(0),
        np.zeros((0, 2)),
        f32([1.0, 2.5]),
        np.zeros(0, np.float32),
        np.array([1 + 2j]),
        np.array([1 + 2j], np.complex64),
        np.array([1, 2]),
    ],
    ids=repr,
)
def test_default_dtype_float64(arr: np.ndarray, reset_default_dtype: None) -> None:
    torch.set_default_dtype(torch.float64)
    assert format_tensor(arr, F64, None, False) == torch_repr(arr)


def test_accepts_dtype_like_default() -> None:
    assert format_tensor(f32([1.5]), np.float32, None, False) == "tensor([1.5000])"


def test_non_native_byte_order() -> None:
    arr = np.array([1.5, 2.0], dtype=np.dtype(np.float32).newbyteorder())
    assert ours(arr) == "tensor([1.5000, 2.0000])"
    arr64 = np.array([1, 2], dtype=np.dtype(np.int64).newbyteorder())
    assert ours(arr64) == "tensor([1, 2])"


def test_unsupported_dtype_raises() -> None:
    with pytest.raises(TypeError):
        ours(np.array(["a"]))


# ---------------------------------------------------------------------------------------------
# set_printoptions
# ---------------------------------------------------------------------------------------------

OPTION_ARRAYS: list[np.ndarray] = [
    f32(2.5),
    f32(0.0),
    f32(nan),
    np.array(7),
    f32(1e-6),
    f32([1.0, 2.0]),
    f32([0.0, nan]),
    f32([1.12345, -2.5, 300.0]),
    f32([1e-5, 1.0, 1e5]),
    np.arange(10),
    np.arange(10, dtype=np.float32),
    np.linspace(-1, 1, 30, dtype=np.float32).reshape(3, 10),
    np.arange(2000, dtype=np.float32).reshape(40, 50),
    np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5),
    np.array([True, False, True]),
    np.array([1.5 + 2j, -1 - 0.25j], np.complex64),
    np.array([1.0, 2.0, 3.0], np.float16),
    np.zeros((0, 3), np.float32),
]

OPTION_SETTINGS: list[dict[str, Any]] = [
    {"precision": 2},
    {"precision": 0},
    {"precision": 8},
    {"sci_mode": True},
    {"sci_mode": False},
    {"precision": 2, "sci_mode": True},
    {"threshold": 5},
    {"threshold": 0},
    {"threshold": 5, "edgeitems": 1},
    {"threshold": 5, "edgeitems": 0},
    {"edgeitems": 0},
    {"edgeitems": 10},
    {"linewidth": 40},
    {"linewidth": 10},
    {"linewidth": 200},
    {"profile": "full"},
    {"profile": "short"},
    {"profile": "default"},
    {"profile": "short", "precision": 6},
    {"profile": "full", "linewidth": 120},
]


@pytest.mark.parametrize("options", OPTION_SETTINGS, ids=repr)
def test_set_printoptions_matches_torch(options: dict[str, Any], reset_printoptions: None) -> None:
    torch.set_printoptions(**options)
    set_printoptions(**options)
    for arr in OPTION_ARRAYS:
        assert ours(arr) == torch_repr(arr), arr
        if arr.dtype.kind in "fc":
            assert ours(arr, requires_grad=True) == torch_repr(arr, requires_grad=True), arr


def test_full_profile_prints_everything(reset_printoptions: None) -> None:
    arr = np.arange(1500, dtype=np.float32)
    torch.set_printoptions(profile="full")
    set_printoptions(profile="full")
    text = ours(arr)
    assert "..." not in text
    assert text == torch_repr(arr)


def test_successive_calls_keep_options_but_reset_sci_mode(reset_printoptions: None) -> None:
    arr = f32([1.12345, 2.0, 1e5])
    for options in ({"precision": 2, "sci_mode": False}, {"threshold": 2}, {"linewidth": 30}):
        torch.set_printoptions(**options)
        set_printoptions(**options)
        assert ours(arr) == torch_repr(arr)
    assert PRINT_OPTS.precision == 2
    assert PRINT_OPTS.threshold == 2
    assert PRINT_OPTS.linewidth == 30
    assert PRINT_OPTS.sci_mode is None


def test_profile_values(reset_printoptions: None) -> None:
    set_printoptions(profile="short")
    assert (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems) == (2, 1000, 2)
    set_printoptions(profile="full")
    assert PRINT_OPTS.threshold == math.inf
    assert (PRINT_OPTS.precision, PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth) == (4, 3, 80)
    set_printoptions(profile="default", sci_mode=True)
    assert (PRINT_OPTS.precision, PRINT_OPTS.threshold, PRINT_OPTS.edgeitems) == (4, 1000, 3)
    assert PRINT_OPTS.sci_mode is True


def test_print_options_defaults_and_slots() -> None:
    options = _printing._PrintOptions()
    assert (
        options.precision,
        options.threshold,
        options.edgeitems,
        options.linewidth,
        options.sci_mode,
    ) == (4, 1000, 3, 80, None)
    with pytest.raises(AttributeError):
        options.unknown = 1  # type: ignore[attr-defined]


# ---------------------------------------------------------------------------------------------
# Property-based comparison with torch.
# ---------------------------------------------------------------------------------------------

_SPECIALS = [0.0, -0.0, nan, inf, -inf]


@st.composite
def _float_value(draw: st.DrawFn) -> float:
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return float(draw(st.integers(-10_000, 10_000)))
    if kind == 1:
        return draw(st.sampled_from(_SPECIALS))
    if kind == 2:
        return draw(st.floats(-10.0, 10.0))
    mantissa = draw(st.floats(-10.0, 10.0))
    exponent = draw(st.integers(-12, 12))
    return mantissa * 10.0**exponent


@st.composite
def _small_array(draw: st.DrawFn) -> np.ndarray:
    shape = tuple(draw(st.lists(st.integers(0, 5), max_size=4)))
    size = math.prod(shape)
    if size > 60:
        shape = (size % 60,)
        size = shape[0]
    dtype = draw(st.sampled_from([np.float32, np.float32, np.float64, np.float16]))
    # Occasionally a single magnitude range, so that fixed-point (non-sci) layouts come up often.
    if draw(st.booleans()):
        values = draw(st.lists(_float_value(), min_size=size, max_size=size))
    else:
        scale = 10.0 ** draw(st.integers(-3, 3))
        values = [scale * v for v in draw(st.lists(st.floats(-9, 9), min_size=size, max_size=size))]
    with np.errstate(over="ignore"):
        return np.array(values, dtype=np.float64).astype(dtype).reshape(shape)


_LARGE_SHAPES = [(1001,), (1500,), (40, 50), (11, 100), (3, 400), (11, 10, 10), (2, 7, 8, 10)]


@st.composite
def _large_array(draw: st.DrawFn) -> np.ndarray:
    shape = draw(st.sampled_from(_LARGE_SHAPES))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    dtype = draw(st.sampled_from([np.float32, np.float64, np.float16]))
    kind = draw(st.integers(0, 3))
    size = math.prod(shape)
    if kind == 0:
        values = rng.integers(-1000, 1000, size).astype(np.float64)
    elif kind == 1:
        values = rng.standard_normal(size) * 10.0 ** draw(st.integers(-6, 6))
    elif kind == 2:
        values = rng.standard_normal(size) * 10.0 ** rng.integers(-10, 10, size)
    else:
        values = rng.uniform(0, draw(st.sampled_from([1.0, 100.0, 1e5])), size)
    special_count = draw(st.integers(0, 5))
    positions = rng.integers(0, size, special_count)
    values[positions] = rng.choice(_SPECIALS, special_count)
    with np.errstate(over="ignore"):
        return values.astype(dtype).reshape(shape)


@settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(arr=st.one_of(_small_array(), _small_array(), _large_array()), grad=st.booleans())
def test_hypothesis_matches_torch(arr: np.ndarray, grad: bool) -> None:
    assert ours(arr, requires_grad=grad) == torch_repr(arr, requires_grad=grad)


@settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    arr=st.one_of(_small_array(), _large_array()),
    precision=st.integers(0, 8),
    linewidth=st.integers(10, 150),
    edgeitems=st.integers(0, 4),
    threshold=st.sampled_from([0, 5, 30, 1000, math.inf]),
    sci_mode=st.sampled_from([None, True, False]),
)
def test_hypothesis_options_match_torch(
    arr: np.ndarray,
    precision: int,
    linewidth: int,
    edgeitems: int,
    threshold: float,
    sci_mode: bool | None,
) -> None:
    options: dict[str, Any] = {
        "precision": precision,
        "linewidth": linewidth,
        "edgeitems": edgeitems,
        "threshold": threshold,
        "sci_mode": sci_mode,
    }
    try:
        torch.set_printoptions(**options)
        set_printoptions(**options)
        assert ours(arr) == torch_repr(arr)
    finally:
        _reset_options()


@settings(max_examples=60, deadline=None, database=None)
@given(
    shape=st.lists(st.integers(1, 4), max_size=3),
    low=st.integers(-(2**40), 2**40),
    dtype=st.sampled_from([np.int64, np.int32, np.int16, np.int8, np.uint8, np.bool_]),
    seed=st.integers(0, 2**32 - 1),
)
def test_hypothesis_integer_and_bool(shape: list[int], low: int, dtype: type, seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = rng.integers(low, low + 2**20, math.prod(shape))
    if dtype is np.bool_:
        arr = (values % 2 == 0).reshape(shape)
    else:
        info = np.iinfo(dtype)
        arr = np.clip(values, info.min, info.max).astype(dtype).reshape(shape)
    assert ours(arr) == torch_repr(arr)
