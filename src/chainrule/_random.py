"""torch's CPU default generator, reproduced bit for bit on NumPy.

torch draws every CPU random number from one ``at::mt19937`` engine (the reference
MT19937 with ``init_genrand`` seeding), so NumPy's ``MT19937`` bit generator, given the
same 624-word state, yields the identical raw 32-bit stream through ``random_raw``.
Everything else here is torch's transformation of that stream, written as array code:

* ``random()`` is one 32-bit draw; ``random64()`` is two, the first one the high half.
* uniform float/half: ``(random() & (2**24 - 1)) * 2**-24``; double: 53 bits of random64.
* ``randn``/``normal_`` of >= 16 contiguous elements use ``normal_fill``: Box-Muller over
  blocks of 16 uniforms with the AVX2 ``avx_mathfun`` log/sincos polynomials for float
  and half (torch selects that kernel on both AVX2 and AVX512 CPUs) and libm's
  log/cos/sin for double; fewer elements use ``at::normal_distribution<double>``, whose
  second Box-Muller sample is cached in the generator.  (On CPUs without AVX2, torch's
  float path calls the platform's logf/cosf/sinf; see ``_normal_fill16_f32_scalar``.)

torch's kernels are built by GCC with floating-point contraction on, so ``a * b + c``
in them is a fused multiply-add; ``_fma32`` and ``_fma64`` reproduce that single
rounding exactly (NumPy has no fma ufunc).  libm's double log/log1p are called through
``math`` because NumPy's SIMD versions round differently in the last place.
"""

from __future__ import annotations

import contextlib
import math
import os
import platform
import sys
import threading
import warnings

import numpy as np

_F32 = np.float32
_F64 = np.float64
_U32 = np.uint32
_U64 = np.uint64

# CPUGeneratorImpl's default seed (c10::default_rng_seed_val), what a fresh
# torch.Generator() starts from.  The default generator itself is seeded from 64 bits of
# OS entropy at startup (torch.initial_seed() differs per process); the module mirrors
# that by calling seed() at import.
DEFAULT_RNG_SEED = 67280421310721

_MASK24 = _U32((1 << 24) - 1)
_MASK53 = _U64((1 << 53) - 1)
_TWO_POW_M24 = _F32(2.0**-24)
_TWO_POW_M53 = 2.0**-53

_lock = threading.RLock()
_bitgen = np.random.MT19937(0)
_seed = DEFAULT_RNG_SEED
# normal_distribution<double>'s cached second Box-Muller sample (unscaled), or None
_next_normal: float | None = None


# ----------------------------------------------------------------------------------------
# seeding and state


def _mt_key(seed32: int) -> np.ndarray:
    # init_genrand: x[0] = seed, x[j] = 1812433253 * (x[j-1] ^ (x[j-1] >> 30)) + j mod 2**32
    key = [seed32]
    x = seed32
    for j in range(1, 624):
        x = (1812433253 * (x ^ (x >> 30)) + j) & 0xFFFFFFFF
        key.append(x)
    return np.array(key, dtype=_U32)


def _normalize_seed(seed: int) -> int:
    # torch unpacks the seed as uint64, or as int64 reinterpreted as uint64 when negative
    seed = int(seed)
    if not -(1 << 63) <= seed < (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFFFFFFFFFFFFFF


def manual_seed(seed: int) -> None:
    """Seed the generator as ``torch.manual_seed`` does (the engine uses the low 32 bits)."""
    global _seed, _next_normal
    seed = _normalize_seed(seed)
    with _lock:
        _seed = seed
        _next_normal = None
        # pos 624 = torch's left_ == 1: the first draw regenerates the whole state block
        _bitgen.state = {
            "bit_generator": "MT19937",
            "state": {"key": _mt_key(seed & 0xFFFFFFFF), "pos": 624},
        }


def seed() -> int:
    """Seed from OS entropy, as torch's ``getNonDeterministicRandom``; return the seed."""
    s = int.from_bytes(os.urandom(8), "little")
    manual_seed(s)
    return s


def initial_seed() -> int:
    return _seed


def get_state() -> object:
    """An opaque snapshot: engine words and position, the seed and the cached normal."""
    with _lock:
        st = _bitgen.state["state"]
        return (st["key"].copy(), int(st["pos"]), _seed, _next_normal)


def set_state(state: object) -> None:
    global _seed, _next_normal
    key, pos, seed_, cached = state  # type: ignore[misc]
    with _lock:
        _bitgen.state = {
            "bit_generator": "MT19937",
            "state": {"key": np.array(key, dtype=_U32), "pos": int(pos)},
        }
        _seed = int(seed_)
        _next_normal = None if cached is None else float(cached)


class Engine:
    """One ``torch.Generator``'s state: its MT19937 words, its seed, its cached normal.

    The default generator lives in this module's globals; any other generator's draws run
    inside ``using(engine)``, which swaps its state in for the duration, under the lock.
    """

    __slots__ = ("bitgen", "seed", "next_normal")

    def __init__(self) -> None:
        self.bitgen = np.random.MT19937(0)
        self.seed = DEFAULT_RNG_SEED
        self.next_normal: float | None = None
        with using(self):
            manual_seed(DEFAULT_RNG_SEED)


@contextlib.contextmanager
def using(engine: Engine | None):  # noqa: ANN201
    """Draw from ``engine`` (None: the default generator) inside the block."""
    global _bitgen, _seed, _next_normal
    if engine is None:
        yield
        return
    with _lock:
        saved = (_bitgen, _seed, _next_normal)
        _bitgen, _seed, _next_normal = engine.bitgen, engine.seed, engine.next_normal
        try:
            yield
        finally:
            engine.bitgen, engine.seed, engine.next_normal = _bitgen, _seed, _next_normal
            _bitgen, _seed, _next_normal = saved


# ----------------------------------------------------------------------------------------
# raw streams


def _random(n: int) -> np.ndarray:
    """n successive ``random()`` values (uint32)."""
    if n <= 0:
        return np.empty(0, dtype=_U32)
    return _bitgen.random_raw(n).astype(_U32)


def _random64(n: int) -> np.ndarray:
    """n successive ``random64()`` values: (first << 32) | second."""
    if n <= 0:
        return np.empty(0, dtype=_U64)
    raw = _bitgen.random_raw(2 * n).reshape(n, 2)
    return (raw[:, 0] << _U64(32)) | raw[:, 1]


def _uniform32(n: int) -> np.ndarray:
    """uniform_real_distribution<float>(0, 1): the low 24 bits of random(), scaled."""
    return (_random(n) & _MASK24).astype(_F32) * _TWO_POW_M24


def _uniform64(n: int) -> np.ndarray:
    """uniform_real_distribution<double>(0, 1): the low 53 bits of random64(), scaled."""
    return (_random64(n) & _MASK53).astype(_F64) * _TWO_POW_M53


def _numel(shape: tuple[int, ...]) -> int:
    return math.prod(int(d) for d in shape)


# ----------------------------------------------------------------------------------------
# exactly rounded fused multiply-add


def _fma32(a: np.ndarray | np.float32, b: np.ndarray | np.float32, c: object) -> np.ndarray:
    """float32 fma(a, b, c) with one rounding.

    a*b of two 24-bit significands is exact in float64, so only the addition rounds
    twice (to float64, then to float32).  That double rounding can differ from a single
    one only when the float64 sum lands exactly halfway between two float32 values
    (low 29 significand bits 1000...0) without being exact; those rare lanes are nudged
    one float64 ulp towards the true sum ("round to odd"), which makes the final
    rounding correct.  Results are assumed to lie in float32's normal range.
    """
    a = np.asarray(a, dtype=_F32)
    b = np.asarray(b, dtype=_F32)
    c = np.asarray(c, dtype=_F32)
    p = np.multiply(a, b, dtype=_F64)
    s = np.add(p, c, dtype=_F64)
    s = np.atleast_1d(s)
    mid = (s.view(_U64) & _U64(0x1FFFFFFF)) == _U64(0x10000000)
    if mid.any():
        pm = np.broadcast_to(p, s.shape)[mid]
        cm = np.broadcast_to(c, s.shape)[mid].astype(_F64)
        sm = s[mid]
        err = _two_sum_err(pm, cm, sm)
        s[mid] = np.where(err == 0, sm, np.nextafter(sm, np.where(err > 0, np.inf, -np.inf)))
    out = s.astype(_F32)
    return out.reshape(np.broadcast_shapes(a.shape, b.shape, c.shape))


def _two_sum_err(a: np.ndarray, b: np.ndarray, s: np.ndarray) -> np.ndarray:
    # Knuth's TwoSum: with s = fl(a + b), a + b == s + err exactly
    bb = s - a
    return (a - (s - bb)) + (b - bb)


def _two_prod(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    # Dekker's product: a * b == p + e exactly (Veltkamp splitting into 26-bit halves)
    p = a * b
    split = 134217729.0  # 2**27 + 1
    t = split * a
    ah = t - (t - a)
    al = a - ah
    t = split * b
    bh = t - (t - b)
    bl = b - bh
    e = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, e


def _round_odd_sum(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    # a + b rounded to odd: when inexact, take the neighbour whose last bit is 1
    s = a + b
    err = _two_sum_err(a, b, s)
    fix = (err != 0) & ((s.view(_U64) & _U64(1)) == 0)
    if fix.any():
        s = s.copy()
        s[fix] = np.nextafter(s[fix], np.where(err[fix] > 0, np.inf, -np.inf))
    return s


def _fma64(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """float64 fma(a, b, c) with one rounding (Boldo & Melquiond's emulation).

    With a*b = uh + ul and c + uh = th + tl exactly, RN(th + RO(tl + ul)) is the
    correctly rounded a*b + c (round-to-odd keeps the sticky information).
    """
    a = np.atleast_1d(np.asarray(a, dtype=_F64))
    b_arr = np.full(a.shape, b, dtype=_F64)
    c_arr = np.full(a.shape, c, dtype=_F64)
    uh, ul = _two_prod(a, b_arr)
    th = c_arr + uh
    tl = _two_sum_err(c_arr, uh, th)
    return th + _round_odd_sum(tl, ul)


def _affine64(x: np.ndarray, scale: float, shift: float) -> np.ndarray:
    """fma(x, scale, shift) in double, skipping the emulation where it cannot round."""
    if scale == 1.0 or shift == 0.0:
        # x*1 is exact, and adding a zero is exact, so a single rounding remains
        # (signed zeros come out as the fma gives them: -0 + 0 -> +0)
        return x * scale + shift
    return _fma64(x, scale, shift)


def _affine32(x: np.ndarray, scale: float, shift: float) -> np.ndarray:
    """fma(x, scale, shift) in float, skipping the emulation where it cannot round."""
    scale32, shift32 = _F32(scale), _F32(shift)
    if scale32 == 1 or shift32 == 0:
        return x * scale32 + shift32
    return _fma32(x, scale32, shift32)


# ----------------------------------------------------------------------------------------
# avx_mathfun (Julien Pommier's Cephes ports), as torch's AVX2/AVX512 kernels run them.
# Every "mul then add" pair is contracted to an fma by GCC; where both addends are
# products, the earlier multiplication in program order is the one that is fused.


def _fma(a: object, b: object, c: object) -> np.ndarray:
    """float32 fma as float64 (a*b + c) rounded to float32, without _fma32's midpoint fix.

    Used only inside _log256_ps and _sincos256_ps: their inputs are the 2**24 values
    1 - k * 2**-24 and float32(2*pi) * k * 2**-24, and an exhaustive run over all of them
    finds no lane where this double rounding differs from a true fma.
    """
    return (np.multiply(a, b, dtype=_F64) + np.asarray(c, dtype=_F64)).astype(_F32)


_LOG_P = [
    _F32(v)
    for v in (
        7.0376836292e-2,
        -1.1514610310e-1,
        1.1676998740e-1,
        -1.2420140846e-1,
        1.4249322787e-1,
        -1.6668057665e-1,
        2.0000714765e-1,
        -2.4999993993e-1,
        3.3333331174e-1,
    )
]
_LOG_Q1 = _F32(-2.12194440e-4)
_LOG_Q2 = _F32(0.693359375)
_SQRTHF = _F32(0.707106781186547524)
_FOPI = _F32(1.27323954473516)  # 4 / pi
_DP1, _DP2, _DP3 = _F32(-0.78515625), _F32(-2.4187564849853515625e-4), _F32(-3.77489497744594108e-8)
_COS_P = (_F32(2.443315711809948e-5), _F32(-1.388731625493765e-3), _F32(4.166664568298827e-2))
_SIN_P = (_F32(-1.9515295891e-4), _F32(8.3321608736e-3), _F32(-1.6666654611e-1))
_TWO_PI32 = _F32(2.0 * math.pi)


def _log256_ps(x: np.ndarray) -> np.ndarray:
    """log256_ps for positive normal float32 x."""
    bits = x.view(_U32)
    # x = m * 2**e with m in [0.5, 1): e from the exponent field, m by forcing exponent -1
    e = ((bits >> _U32(23)).astype(np.int32) - 127).astype(_F32) + _F32(1)
    m = ((bits & _U32(0x807FFFFF)) | _U32(0x3F000000)).view(_F32)
    # fold m into [sqrt(1/2), sqrt(2)): m < sqrt(1/2) -> 2m - 1 and e - 1, else m - 1
    small = m < _SQRTHF
    xr = (m - _F32(1)) + np.where(small, m, _F32(0))
    e = e - small.astype(_F32)
    z = xr * xr
    y = _fma(_LOG_P[0], xr, _LOG_P[1])
    for p in _LOG_P[2:]:
        y = _fma(y, xr, p)
    y = y * xr
    y = _fma(y, z, e * _LOG_Q1)  # y*z + e*q1
    y = _fma(z, _F32(-0.5), y)  # y - z/2
    return _fma(e, _LOG_Q2, xr + y)  # x + y + e*q2


def _sincos256_ps(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """sincos256_ps for non-negative float32 x (Cephes reduction modulo pi/4)."""
    j = (x * _FOPI).astype(np.int32)  # truncation, as cvttps
    j = (j + 1) & ~1
    y = j.astype(_F32)
    sin_neg = (j & 4) != 0
    cos_neg = (~(j - 2) & 4) != 0
    cos_first = (j & 2) == 0
    # x - y*pi/4 in three pieces ("extended precision modular arithmetic")
    # y <= 8 is a small integer and DP1, DP2 have 8 and 11 significant bits, so those
    # products are exact in float32 and the fma reduces to one rounded addition
    x = x + y * _DP1
    x = x + y * _DP2
    x = _fma(y, _DP3, x)
    z = x * x
    yc = _fma(_COS_P[0], z, _COS_P[1])
    yc = _fma(yc, z, _COS_P[2])
    yc = yc * z
    yc = _fma(yc, z, -(z * _F32(0.5)))  # 1 - z/2 + z**2 * poly(z), before the + 1
    yc = yc + _F32(1)
    ys = _fma(_SIN_P[0], z, _SIN_P[1])
    ys = _fma(ys, z, _SIN_P[2])
    ys = ys * z
    ys = _fma(ys, x, x)
    s = np.where(cos_first, ys, yc)
    c = np.where(cos_first, yc, ys)
    return np.where(sin_neg, -s, s), np.where(cos_neg, -c, c)


def _is_x86() -> bool:
    return platform.machine().lower() in ("x86_64", "amd64", "x86", "i386", "i686")


def _torch_uses_avx_kernels() -> bool:
    """Whether torch's float normal_fill runs the avx_mathfun code (its AVX2/AVX512 builds).

    torch picks its kernel set from ATEN_CPU_CAPABILITY or else from CPUID (AVX2 and FMA
    at least); without them (non-x86 machines, or forced "default") it runs the scalar
    NormalFill16 with the platform's logf/cosf/sinf instead.
    """
    forced = os.environ.get("ATEN_CPU_CAPABILITY", "").strip().lower()
    if forced in ("avx2", "avx512"):
        return True
    if forced == "default" or not _is_x86():
        return False
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split() for line in f if line.startswith("flags")), None)
    except OSError:
        return True  # no cpuinfo (macOS, Windows): any x86 machine torch supports today
    return flags is None or ("avx2" in flags and "fma" in flags)


_AVX_NORMAL = _torch_uses_avx_kernels()
# a * b + c in torch's C++ (uniform_real, transformation::normal) is contracted to an fma
# in the AVX2/AVX512 kernels and on ARM, where fma is baseline; x86's baseline "default"
# kernels have no fma instruction to contract to, so they round twice
_CONTRACTED = _AVX_NORMAL or not _is_x86()


def _mul_add64(x: np.ndarray, scale: float, shift: float) -> np.ndarray:
    return _affine64(x, scale, shift) if _CONTRACTED else x * scale + shift


def _mul_add32(x: np.ndarray, scale: np.float32, shift: np.float32) -> np.ndarray:
    return _affine32(x, scale, shift) if _CONTRACTED else x * scale + shift


_CHUNK_BLOCKS = 8192  # blocks of 16 per pass: keeps the temporaries in cache


def _normal_fill16_f32(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """NormalFill16<float> on rows of 16 uniforms: cos half first, sin half last."""
    if not _AVX_NORMAL:
        return _normal_fill16_f32_scalar(blocks, mean, std)
    out = np.empty(blocks.shape, dtype=_F32)
    for i in range(0, len(blocks), _CHUNK_BLOCKS):
        chunk = blocks[i : i + _CHUNK_BLOCKS]
        u1 = _F32(1) - chunk[:, :8]  # [0, 1) -> (0, 1] for the log
        radius = np.sqrt(_F32(-2) * _log256_ps(u1))
        sin_t, cos_t = _sincos256_ps(_TWO_PI32 * chunk[:, 8:])
        out[i : i + _CHUNK_BLOCKS, :8] = _affine32(radius * cos_t, std, mean)
        out[i : i + _CHUNK_BLOCKS, 8:] = _affine32(radius * sin_t, std, mean)
    return out


def _normal_fill16_f32_scalar(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """The scalar NormalFill16<float>, with correctly rounded float log/cos/sin.

    torch calls the platform's logf/cosf/sinf here; glibc's are within one ulp but not
    correctly rounded, so about 1.5% of outputs differ from torch in the last bit.
    """
    u1 = (_F32(1) - blocks[:, :8]).astype(_F64)
    radius = np.sqrt(_F32(-2) * np.log(u1).astype(_F32))
    # theta = 2.0f * pi<double> * u2 is evaluated in double, then stored as float
    theta = ((2.0 * math.pi) * blocks[:, 8:].astype(_F64)).astype(_F32).astype(_F64)
    out = np.empty(blocks.shape, dtype=_F32)
    out[:, :8] = _affine32(radius * np.cos(theta).astype(_F32), std, mean)
    out[:, 8:] = _affine32(radius * np.sin(theta).astype(_F32), std, mean)
    return out


def _libm(fn: object, x: np.ndarray) -> np.ndarray:
    # glibc's own result, element by element (NumPy's SIMD log/log1p differ in the last ulp)
    return np.fromiter(map(fn, x.tolist()), dtype=_F64, count=x.size)


def _normal_fill16_f64(blocks: np.ndarray, mean: float, std: float) -> np.ndarray:
    """NormalFill16<double>: scalar libm Box-Muller, then std::fma(n, std, mean)."""
    u1 = 1.0 - blocks[:, :8].ravel()
    u2 = blocks[:, 8:].ravel()
    radius = np.sqrt(-2.0 * _libm(math.log, u1))
    theta = (2.0 * math.pi) * u2
    out = np.empty(blocks.shape, dtype=_F64)
    out[:, :8] = _affine64(radius * np.cos(theta), std, mean).reshape(-1, 8)
    out[:, 8:] = _affine64(radius * np.sin(theta), std, mean).reshape(-1, 8)
    return out


# ----------------------------------------------------------------------------------------
# public samplers


def _float_dtype(np_dtype: object, kernel: str) -> np.dtype:
    dt = np.dtype(np_dtype)
    if dt not in (_F64, _F32, np.float16):
        raise RuntimeError(f'"{kernel}" not implemented for {dt.name!r}')
    return dt


def _to_half(x: np.ndarray) -> np.ndarray:
    # static_cast<Half>(double) converts through float
    return x.astype(_F32).astype(np.float16)


def rand(shape: tuple[int, ...], np_dtype: object) -> np.ndarray:
    """``torch.rand``: uniform on [0, 1)."""
    return uniform(shape, 0.0, 1.0, np_dtype)


def uniform(shape: tuple[int, ...], low: float, high: float, np_dtype: object) -> np.ndarray:
    """``Tensor.uniform_(low, high)``: u * (high - low) + low in the op-math type (an fma)."""
    _vmap = sys.modules.get("chainrule._ops.batching")  # None when loaded on its own
    if _vmap is not None and _vmap.RANDOMNESS:
        _vmap.check_random()
    dt = _float_dtype(np_dtype, "uniform_kernel_cpu")
    low, high = float(low), float(high)
    if not low <= high:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={low} > to={high}"
        )
    shape = tuple(int(d) for d in shape)
    n = _numel(shape)
    with _lock:
        if dt == _F64:
            return _mul_add64(_uniform64(n), high - low, low).reshape(shape)
        lo32, hi32 = _F32(low), _F32(high)
        out = _mul_add32(_uniform32(n), hi32 - lo32, lo32)
    if dt == np.float16:
        out = out.astype(np.float16)
        # rounding to half can reach the upper bound; torch maps it back to low
        out[out == hi32.astype(np.float16)] = lo32.astype(np.float16)
    return out.reshape(shape)


def randn(shape: tuple[int, ...], np_dtype: object) -> np.ndarray:
    """``torch.randn``: standard normal."""
    return normal(shape, 0.0, 1.0, np_dtype)


def _normal_scalar(n: int, mean: float, std: float) -> np.ndarray:
    """n draws of at::normal_distribution<double>(mean, std), honouring the cache."""
    global _next_normal
    out = np.empty(n, dtype=_F64)
    start = 0
    if n and _next_normal is not None:
        out[0] = _next_normal
        _next_normal = None
        start = 1
    m = n - start
    pairs = (m + 1) // 2
    if pairs:
        u = _uniform64(2 * pairs).reshape(pairs, 2)
        # Box-Muller: u1 gives the angle, u2 the radius; cos is returned, sin cached
        r = np.sqrt(-2.0 * _libm(math.log1p, -u[:, 1]))
        theta = (2.0 * math.pi) * u[:, 0]
        both = np.empty((pairs, 2), dtype=_F64)
        both[:, 0] = r * np.cos(theta)
        both[:, 1] = r * np.sin(theta)
        out[start:] = both.ravel()[:m]
        if m % 2:
            _next_normal = float(both[-1, 1])
    return _mul_add64(out, float(std), float(mean))


def normal(shape: tuple[int, ...], mean: float, std: float, np_dtype: object) -> np.ndarray:
    """``Tensor.normal_(mean, std)`` on a contiguous tensor of ``shape``."""
    _vmap = sys.modules.get("chainrule._ops.batching")  # None when loaded on its own
    if _vmap is not None and _vmap.RANDOMNESS:
        _vmap.check_random()
    dt = _float_dtype(np_dtype, "normal_kernel_cpu")
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std}")
    shape = tuple(int(d) for d in shape)
    n = _numel(shape)
    with _lock:
        if n < 16:
            out = _normal_scalar(n, mean, std)
            out = _to_half(out) if dt == np.float16 else out.astype(dt)
            return out.reshape(shape)
        full = n // 16
        if dt == np.float16:
            # half fills a float buffer block by block: 16 draws per block, then the tail
            need = 16 * full + (16 if n % 16 else 0)
            blocks = _normal_fill16_f32(_uniform32(need).reshape(-1, 16), mean, std)
            flat = blocks.astype(np.float16).ravel()
            out = np.empty(n, dtype=np.float16)
            out[: 16 * full] = flat[: 16 * full]
            if n % 16:
                out[n - 16 :] = flat[16 * full :]
            return out.reshape(shape)
        # float/double draw all n uniforms in place first; the last partial block's
        # uniforms are then discarded and the final 16 outputs recomputed from 16 new ones
        uni = _uniform64 if dt == _F64 else _uniform32
        fill = _normal_fill16_f64 if dt == _F64 else _normal_fill16_f32
        data = uni(n)
        tail = uni(16) if n % 16 else None
        out = np.empty(n, dtype=dt)
        out[: 16 * full] = fill(data[: 16 * full].reshape(full, 16), mean, std).ravel()
        if tail is not None:
            out[n - 16 :] = fill(tail.reshape(1, 16), mean, std).ravel()
        return out.reshape(shape)


def _fp_round_trip(v: int, dt: np.dtype) -> int:
    # static_cast<int64_t>(static_cast<scalar_t>(v)); half converts through float
    x = np.array(v, dtype=np.int64).astype(_F32 if dt == np.float16 else dt)
    return int(x.astype(dt).astype(_F64))


def _fp_bounds(low: int, high: int, dt: np.dtype) -> tuple[int, int]:
    """torch's update_from/update_to: pull [low, high) in so that casting to dt stays inside."""
    digits = {np.dtype(np.float16): 11, np.dtype(_F32): 24, np.dtype(_F64): 53}[dt]
    top = float(np.finfo(dt).max)
    for name, v in (("from", low), ("to - 1", high - 1)):
        if abs(v) > top:
            raise RuntimeError(f"{name} is out of bounds for {dt.name}")
        if abs(v) > (1 << digits):
            warnings.warn(
                f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision"
                f" limitations {dt.name} can support discrete uniform distribution only"
                " within this range.",
                UserWarning,
                stacklevel=3,
            )
    from_plus_1 = _fp_round_trip(low + 1, dt)
    if from_plus_1 < low:
        n = abs(low + 1).bit_length() - 1  # floor(log2|low + 1|)
        low = from_plus_1 + (1 << (n - digits + 1))
    to_minus_1 = _fp_round_trip(high - 1, dt)
    if to_minus_1 >= high:
        n = abs(high - 1).bit_length() - 1
        high = to_minus_1 - (1 << (n - digits + 1))
    return low, high


def randint(low: int, high: int, shape: tuple[int, ...], np_dtype: object) -> np.ndarray:
    """``torch.randint(low, high)``: (random() % range) + low, random64() if range >= 2**28."""
    low, high = int(low), int(high)
    if high <= low:
        raise RuntimeError(
            f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}"
        )
    dt = np.dtype(np_dtype)
    if dt.kind == "f":
        _float_dtype(dt, "random_from_to_kernel_cpu")
        low, high = _fp_bounds(low, high, dt)
        if high <= low:
            raise RuntimeError(
                "random_ expects 'from' casted to dtype to be less than 'to' casted to dtype,"
                f" but got from={low} >= to={high}"
            )
    else:
        info = (0, 1) if dt == np.bool_ else (int(np.iinfo(dt).min), int(np.iinfo(dt).max))
        if not info[0] <= low <= info[1]:
            raise RuntimeError(f"from is out of bounds for {dt}")
        if not info[0] <= high - 1 <= info[1]:
            raise RuntimeError(f"to - 1 is out of bounds for {dt}")
    shape = tuple(int(d) for d in shape)
    n = _numel(shape)
    span = high - low
    with _lock:
        raw = _random64(n) if span >= (1 << 28) else _random(n).astype(_U64)
    # uint64 arithmetic wraps exactly like torch's (val % range) + base
    vals = ((raw % _U64(span)) + _U64(low & 0xFFFFFFFFFFFFFFFF)).view(np.int64)
    return _cast_int64(vals, dt).reshape(shape)


def random_full(shape: tuple[int, ...], np_dtype: object) -> np.ndarray:
    """``Tensor.random_()``: uniform_int_distribution over the dtype's whole range.

    int64 and double take random64(), every other dtype random(); an integer dtype keeps
    ``val % (max + 1)``, a float dtype ``val % (2**digits + 1)`` (all its exact integers),
    bool ``val & 1``.
    """
    dt = np.dtype(np_dtype)
    shape = tuple(int(d) for d in shape)
    n = _numel(shape)
    wide = dt in (np.dtype(np.int64), np.dtype(np.float64))
    with _lock:
        raw = _random64(n) if wide else _random(n).astype(_U64)
    if dt == np.bool_:
        return (raw & _U64(1)).astype(np.bool_).reshape(shape)
    if dt.kind == "f":
        digits = {2: 11, 4: 24, 8: 53}[dt.itemsize]
        vals = (raw % _U64((1 << digits) + 1)).astype(np.int64)
    else:
        vals = (raw % _U64(int(np.iinfo(dt).max) + 1)).astype(np.int64)
    return _cast_int64(vals, dt).reshape(shape)


def _cast_int64(vals: np.ndarray, dt: np.dtype) -> np.ndarray:
    if dt == np.float16:
        return vals.astype(_F32).astype(np.float16)  # c10::Half converts through float
    if dt == np.bool_:
        return vals != 0
    return vals.astype(dt)


def _forward_fisher_yates(targets: np.ndarray) -> np.ndarray:
    """The permutation left by ``for i: swap(a[i], a[targets[i]])`` on ``a = arange(n)``.

    targets[i] >= i and the last entry is n - 1 (a no-op step).  Position p only changes
    at steps that target it (all of index <= p) and at step p itself, so with
    B(k) = the value at position k just before step k:
      B(k)     = B(q) for q the last step before k that targeted k, else k;
      final[i] = B(r) for r the last step before i with the same target, else targets[i].
    B is the root of a forest of "q" links, resolved by pointer jumping in O(log n) passes.
    """
    n = len(targets)
    idx = np.arange(n, dtype=np.int64)
    order = np.argsort(targets * n + idx)  # steps grouped by target, by step index within
    ts = targets[order]
    first = np.ones(n, dtype=bool)
    first[1:] = ts[1:] != ts[:-1]
    prev_same = np.full(n, -1, dtype=np.int64)  # previous step with the same target
    prev_same[order[1:][~first[1:]]] = order[:-1][~first[1:]]
    is_last = np.ones(n, dtype=bool)
    is_last[:-1] = first[1:]
    last_at = np.full(n, -1, dtype=np.int64)  # last step targeting each position
    last_at[ts[is_last]] = order[is_last]
    # the last step *before* k that targeted k skips step k itself when it targeted k
    q = np.where(last_at == idx, prev_same, last_at)
    root = np.where(q >= 0, q, idx)
    while True:
        nxt = root[root]
        if np.array_equal(nxt, root):
            break
        root = nxt
    return np.where(prev_same >= 0, root[np.maximum(prev_same, 0)], targets)


def randperm(n: int, np_dtype: object) -> np.ndarray:
    """``torch.randperm(n)``: forward Fisher-Yates, swapping i with i + random() % (n - i)."""
    n = int(n)
    if n < 0:
        raise RuntimeError(f"n must be non-negative, got{n}")
    dt = np.dtype(np_dtype)
    if n < 0xFFFFFFFF // 20:
        with _lock:
            draws = _random(max(n - 1, 0)).astype(np.int64)
        offsets = np.arange(n, dtype=np.int64)
        targets = offsets.copy()  # the last position has no step: it targets itself
        targets[:-1] += draws % (n - offsets[:-1])
        perm = _forward_fisher_yates(targets)
    else:
        # torch's "inside-out" variant with random64() for huge n
        with _lock:
            draws = _random64(n)
        out = [0] * n
        for i, z in enumerate((draws % (np.arange(n, dtype=_U64) + _U64(1))).tolist()):
            out[i] = out[z]
            out[z] = i
        perm = np.array(out, dtype=np.int64)
    return _cast_int64(perm, dt)


def bernoulli(p: np.ndarray | float, shape: tuple[int, ...], np_dtype: object) -> np.ndarray:
    """``torch.bernoulli(p)`` / ``Tensor.bernoulli_(p)``: u < p, one uniform per element.

    A float p or a float64 tensor p compares against a double uniform (random64); a
    float32/half tensor p against a float uniform (random()).  Elements are drawn in
    C order of ``shape``, with p broadcast to it.
    """
    dt = np.dtype(np_dtype)
    shape = tuple(int(d) for d in shape)
    n = _numel(shape)
    single = isinstance(p, np.ndarray) and p.dtype != _F64
    if single and p.dtype not in (_F32, np.float16):
        raise TypeError(f"bernoulli: p must be floating point, got {p.dtype}")
    pb = np.broadcast_to(np.asarray(p, dtype=_F32 if single else _F64), shape).ravel()
    if not np.all((pb >= 0) & (pb <= 1)):
        raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true")
    with _lock:
        u = _uniform32(n) if single else _uniform64(n)
    return (u < pb).astype(dt).reshape(shape)


seed()
