"""Reductions beyond sum and mean: max/min, amax/amin, prod, var/std, norms, logsumexp,
cumulative ops, all/any, median, sort, topk, kthvalue, mode.

Arguments are parsed as torch's signatures, then dispatched to the table
(``_ops/derivatives/reductions.py``). Ties: whole-tensor max/min/median and amax/amin share
the gradient equally among the ties; along a dim the first index of the max (as torch) takes
it all. Sorting is stable, so among equal values the index order is the input order.
"""

from __future__ import annotations

import builtins
import math
import warnings
from typing import Any

from .. import _dtypes, return_types
from .._backend import np, row_major
from .._tensor import Tensor, _dim, _dims, _make
from . import batching
from . import derivatives as D
from . import formulas as fm
from .api import sum as _sum
from .derivatives import reductions as R
from .derivatives import shape as DS
from .registry import GRAPH, NUMPY, call, call1, call_multi


def _type_name(dtype: Any) -> str:
    return _dtypes.SCALAR_NAMES.get(np.dtype(dtype).name, str(dtype))


def _all_dims(dim: Any, ndim: int) -> tuple:
    """As ``_dims``, where None or an empty list means every dim (amax, var, norm)."""
    if dim is None or (not isinstance(dim, int) and len(dim) == 0):
        return tuple(range(ndim))
    return _dims(dim, ndim)


def _check_nonempty(input: Tensor, dims: tuple, name: str, sep: str = "()") -> None:
    shape = input._data.shape
    for d in dims:
        if shape[d] == 0:
            raise IndexError(f"{name}{sep}: Expected reduction dim {d} to have non-zero size.")


def _no_identity(input: Tensor, name: str) -> None:
    if input._data.size == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() "
                           "== 0. Specify the reduction dim with the 'dim' argument.")


# ---- max and min ------------------------------------------------------------------------------

def _max_min_dim(input: Tensor, dim: int, keepdim: bool, is_max: bool) -> Any:
    d = _dim(dim, input._data.ndim)
    if input._data.ndim:
        _check_nonempty(input, (d,), "max" if is_max else "min")
    entry = D.MAX_DIM if is_max else D.MIN_DIM
    values, indices = call_multi(entry, (input,), (input._data,), (d, bool(keepdim)))
    return (return_types.max if is_max else return_types.min)((values, indices))


def _binary_max_min(input: Tensor, other: Tensor, name: str) -> Tensor:
    from . import elementwise

    fn = getattr(elementwise, name, None)
    if fn is None:
        raise NotImplementedError(f"{'max' if name == 'maximum' else 'min'}(input, other) is "
                                  f"torch.{name}, which chainrule does not have yet")
    return fn(input, other)


def _no_dim_keepdim(name: str, keepdim: bool) -> None:
    if keepdim:
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        "(keepdim=bool, ), but expected one of:\n * ()\n * (Tensor other)\n"
                        " * (int dim, bool keepdim = False)\n")


def max(input: Tensor, dim: Any = None, keepdim: bool = False, *,  # noqa: A001
        other: Any = None) -> Any:
    """The largest element (``MaxBackward1``: ties share the gradient), or along ``dim`` the
    (values, indices) of the largest entries (the first index among ties), or
    ``maximum(input, other)``.

    >>> import chainrule as torch
    >>> x = torch.tensor([[1., 5.], [3., 2.]])
    >>> x.max()
    tensor(5.)
    >>> x.max(1).indices
    tensor([1, 0])
    """
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        return _binary_max_min(input, other, "maximum")
    if dim is None:
        _no_dim_keepdim("max", keepdim)
        _no_identity(input, "max")
        return call1(D.MAX, input)
    return _max_min_dim(input, dim, keepdim, True)


def min(input: Tensor, dim: Any = None, keepdim: bool = False, *,  # noqa: A001
        other: Any = None) -> Any:
    """The smallest element, or along ``dim`` the (values, indices) of the smallest entries,
    or ``minimum(input, other)``."""
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        return _binary_max_min(input, other, "minimum")
    if dim is None:
        _no_dim_keepdim("min", keepdim)
        _no_identity(input, "min")
        return call1(D.MIN, input)
    return _max_min_dim(input, dim, keepdim, False)


def _amax_amin(input: Tensor, dim: Any, keepdim: bool, is_max: bool) -> Tensor:
    name = "amax" if is_max else "amin"
    ndim = input._data.ndim
    dims = _all_dims(dim, ndim)
    whole = dim is None or (not isinstance(dim, int) and len(dim) == 0)
    if whole:
        _no_identity(input, name)
    _check_nonempty(input, dims, name)
    return call1(D.AMAX if is_max else D.AMIN, input, (dims, bool(keepdim)))


def amax(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The largest entries over ``dim`` (an int or a tuple; all dims by default). Ties share
    the gradient equally (``AmaxBackward0``).

    >>> import chainrule as torch
    >>> torch.tensor([[1., 5.], [3., 2.]]).amax(0)
    tensor([3., 5.])
    """
    return _amax_amin(input, dim, keepdim, True)


def amin(input: Tensor, dim: Any = (), keepdim: bool = False) -> Tensor:
    """The smallest entries over ``dim`` (all dims by default); ties share the gradient."""
    return _amax_amin(input, dim, keepdim, False)


def aminmax(input: Tensor, *, dim: int | None = None, keepdim: bool = False) -> Any:
    """``(min, max)`` of all elements or along one ``dim``, as ``torch.return_types.aminmax``."""
    ndim = input._data.ndim
    if dim is None:
        if input._data.size == 0:
            raise RuntimeError("aminmax(): cannot compute aminmax over an empty dimension as "
                               "the operation has no identity.")
        dims = tuple(range(ndim))
    else:
        dims = _dims(dim, ndim)
        _check_nonempty(input, dims, "aminmax", "")
    lo, hi = call_multi(D.AMINMAX, (input,), (input._data,), (dims, bool(keepdim)))
    return return_types.aminmax((lo, hi))


def _arg(input: Tensor, dim: Any, keepdim: bool, is_max: bool) -> Tensor:
    name = "argmax" if is_max else "argmin"
    a = input._data
    if a.dtype.kind == "b":
        raise RuntimeError(f"{name}(): does not support bool input")
    pick = np.argmax if is_max else np.argmin
    if batching.LEVELS and batching.link(input) is not None:
        if dim is None and a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        d = None if dim is None else _dim(dim, a.ndim)
        return batching.lift(lambda p, lead: _arg_batched(pick, p, lead, d, keepdim), input)
    if dim is None:
        if a.size == 0:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        idx = np.asarray(pick(a), dtype=np.int64)
        return _make(idx.reshape((1,) * a.ndim) if keepdim else idx)
    d = _dim(dim, a.ndim)
    if a.ndim == 0:
        return _make(np.zeros((), np.int64))
    _check_nonempty(input, (d,), name)
    # NumPy, like torch, takes the first occurrence, and a nan as the extreme
    return _make(np.asarray(pick(a, axis=d, keepdims=keepdim), dtype=np.int64))


def argmax(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (of the flattened tensor without ``dim``); the first of
    ties; int64, no gradient.

    >>> import chainrule as torch
    >>> torch.tensor([1., 3., 3.]).argmax()
    tensor(1)
    """
    return _arg(input, dim, keepdim, True)


def argmin(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element; the first of ties; int64, no gradient."""
    return _arg(input, dim, keepdim, False)


# ---- prod, var, std ---------------------------------------------------------------------------

def _integral_to_long(a: Any, dtype: Any) -> Any:
    if dtype is not None:
        return a.astype(dtype.np) if a.dtype != dtype.np else a
    if a.dtype.kind in "biu" and a.dtype != np.int64:
        return a.astype(np.int64)
    return a


def prod(input: Tensor, dim: int | None = None, keepdim: bool = False, *,
         dtype: Any = None) -> Tensor:
    """Product of all elements, or along ``dim`` (one int). Integers and bools give int64.
    Zeros in the input get torch's exact gradient (the product of the other elements).

    >>> import chainrule as torch
    >>> x = torch.tensor([2., 0., 3.], requires_grad=True)
    >>> x.prod().backward()
    >>> x.grad
    tensor([0., 6., 0.])
    """
    if dim is not None and not isinstance(dim, int):
        raise TypeError("prod() received an invalid combination of arguments - got "
                        f"({type(dim).__name__}), but expected one of:\n"
                        " * (*, torch.dtype dtype = None)\n"
                        " * (int dim, bool keepdim = False, *, torch.dtype dtype = None)\n")
    a = _integral_to_long(input._data, dtype)
    if dim is None:
        return call(D.PROD, (input,), (a,))
    d = _dim(dim, a.ndim)
    # a 0-d tensor has nothing to reduce: dim () leaves it as it is
    return call(D.PROD_DIM, (input,), (a,), (d if a.ndim else (), bool(keepdim)))


def _correction(name: str, unbiased: Any, correction: Any) -> float:
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both "
                        "unbiased and correction, but expected one of:\n"
                        " * (tuple of ints dim, bool unbiased = True, bool keepdim = False)\n"
                        " * (tuple of ints dim = None, *, Number correction = None, "
                        "bool keepdim = False)\n"
                        " * (bool unbiased = True)\n")
    if correction is not None:
        return correction
    return 1 if unbiased is None or unbiased else 0


def _parse_var(name: str, input: Tensor, args: tuple, kwargs: dict) -> tuple:
    """torch's three var/std forms: ``(dim=None, *, correction=None, keepdim=False)``,
    ``(dim, unbiased=True, keepdim=False)`` and ``(unbiased=True)``."""
    allowed = {"dim", "unbiased", "keepdim", "correction"}
    bad = set(kwargs) - allowed
    if bad:
        raise TypeError(f"{name}() got an unexpected keyword argument '{sorted(bad)[0]}'")
    dim = kwargs.get("dim")
    unbiased = kwargs.get("unbiased")
    keepdim = kwargs.get("keepdim", False)
    if args and isinstance(args[0], bool):
        if len(args) > 1 or kwargs:
            raise TypeError(f"{name}() received an invalid combination of arguments")
        unbiased = args[0]
    elif args:
        if len(args) > 3 or "dim" in kwargs:
            raise TypeError(f"{name}() received an invalid combination of arguments")
        dim = args[0]
        if len(args) > 1:
            if not isinstance(args[1], bool):
                raise TypeError(f"{name}() received an invalid combination of arguments")
            unbiased = args[1]
        if len(args) > 2:
            keepdim = args[2]
    correction = _correction(name, unbiased, kwargs.get("correction"))
    a = input._data
    if a.dtype.kind not in "fc":
        what = name if name.endswith("_mean") else "std and var"
        raise RuntimeError(f"{what} only support floating point and complex dtypes")
    ndim = a.ndim
    if dim is None or ndim == 0 or (not isinstance(dim, int) and len(dim) == 0):
        if dim is not None:
            _all_dims(dim, ndim)  # still checks the range
        dims = None
        n = a.size
    else:
        dims = _dims(dim, ndim)
        n = math.prod(a.shape[d] for d in dims)
    if n - correction <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly "
                      "less than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    return dims, correction, bool(keepdim)


def var(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Variance over all elements or ``dim``, divided by ``N - correction`` (``correction=1``
    by default; the legacy ``unbiased=False`` is ``correction=0``).

    >>> import chainrule as torch
    >>> torch.tensor([1., 2., 4.]).var()
    tensor(2.3333)
    >>> torch.tensor([1., 2., 4.]).var(correction=0)
    tensor(1.5556)
    """
    dims, correction, keepdim = _parse_var("var", input, args, kwargs)
    return call1(D.VAR, input, (dims, correction, keepdim))


def std(input: Tensor, *args: Any, **kwargs: Any) -> Tensor:
    """Standard deviation: the square root of ``var`` with the same arguments."""
    dims, correction, keepdim = _parse_var("std", input, args, kwargs)
    return call1(D.STD, input, (dims, correction, keepdim))


def var_mean(input: Tensor, *args: Any, **kwargs: Any) -> tuple:
    """``(var, mean)`` in one node (``VarMeanBackward0``), a plain tuple as torch's."""
    dims, correction, keepdim = _parse_var("var_mean", input, args, kwargs)
    return call_multi(D.VAR_MEAN, (input,), (input._data,), (dims, correction, keepdim))


def std_mean(input: Tensor, *args: Any, **kwargs: Any) -> tuple:
    """``(std, mean)`` in one node (``StdMeanBackward0``), a plain tuple as torch's."""
    dims, correction, keepdim = _parse_var("std_mean", input, args, kwargs)
    return call_multi(D.STD_MEAN, (input,), (input._data,), (dims, correction, keepdim))


# ---- norms and logsumexp ----------------------------------------------------------------------

def _format_ord(ord: float) -> str:
    # as C++ prints a Scalar: -1 for -1.0, inf, -inf, 0.5
    return f"{ord:g}"


def vector_norm(x: Tensor, ord: Any = 2, dim: Any = None, keepdim: bool = False, *,
                dtype: Any = None, out: Any = None) -> Tensor:
    """The ``ord``-norm of ``x`` flattened, or over ``dim`` (an int or a tuple):
    ``sum(|x|**ord)**(1/ord)``; ``inf``/``-inf`` the largest/smallest ``|x|``, 0 the count of
    nonzeros. The gradient at the zero vector is 0 (``LinalgVectorNormBackward0``).

    >>> import chainrule as torch
    >>> torch.linalg.vector_norm(torch.tensor([3., -4.]))
    tensor(5.)
    """
    if isinstance(ord, str) or not isinstance(ord, (int, float, np.number)):
        raise TypeError("linalg_vector_norm(): argument 'ord' must be Number, not "
                        f"{type(ord).__name__}")
    a = x._data
    if a.dtype.kind not in "fc":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_type_name(a.dtype)}")
    _check_norm_dtype(a, dtype, "linalg.vector_norm")
    if dtype is not None and a.dtype != dtype.np:
        a = a.astype(dtype.np)
    ord = float(ord)
    ndim = a.ndim
    dims = _all_dims(dim, ndim)
    if a.size == 0 and (ord < 0 or ord == math.inf):
        if dim is None or (not isinstance(dim, int) and len(dim) == 0):
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_format_ord(ord)} norm "
                               "on an empty tensor because the operation does not have an "
                               "identity")
        for d in dims:
            if a.shape[d] == 0:
                raise RuntimeError(f"linalg.vector_norm cannot compute the {_format_ord(ord)} "
                                   f"norm on the dimension {d}because this dimension is empty "
                                   "and the operation does not have an identity")
    return call(D.NORM, (x,), (a,), (ord, dims, bool(keepdim)))


def _check_norm_dtype(a: Any, dtype: Any, fn: str) -> None:
    if dtype is None:
        return
    if not (dtype.is_floating_point or dtype.is_complex):
        raise RuntimeError(f"{fn}: dtype should be floating point or complex, but got "
                           f"{_type_name(dtype.np)}")
    if _dtypes.promote_np(a.dtype, dtype.np) != dtype.np:
        raise RuntimeError(f"{fn}: the dtype of the input ({_type_name(a.dtype)}) should be "
                           "convertible without narrowing to the specified dtype "
                           f"({_type_name(dtype.np)})")


def matrix_norm(A: Tensor, ord: Any = "fro", dim: Any = (-2, -1), keepdim: bool = False, *,
                dtype: Any = None, out: Any = None) -> Tensor:
    """``torch.linalg.matrix_norm`` over the two dims ``dim``: ``'fro'``, and ``1``/``-1``
    (largest/smallest column sum of ``|A|``), ``inf``/``-inf`` (row sums), composed of
    ``vector_norm`` and ``amax``/``amin`` as torch composes them; ``'nuc'`` (sum of the
    singular values), ``2`` and ``-2`` (largest and smallest) through ``linalg.svdvals``.

    >>> import chainrule as torch
    >>> torch.linalg.matrix_norm(torch.tensor([[1., -2.], [3., 4.]]), 1)
    tensor(6.)
    """
    fn = "linalg.matrix_norm"
    a = A._data
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"{fn}: Order {ord} not supported.")
        singular = ord == "nuc"
    else:
        o = float(ord)
        if abs(o) not in (1.0, 2.0, math.inf):
            raise RuntimeError(f"{fn}: Order {_format_ord(o)} not supported.")
        singular = abs(o) == 2.0
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor A must have at least 2 dimensions.")
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got "
                           f"{_type_name(a.dtype)}")
    if singular and a.dtype == np.float16:
        raise RuntimeError(f"{fn}: Low precision dtypes not supported. Got Half")
    dims = [dim] if isinstance(dim, int) else list(dim)
    if len(dims) != 2:
        raise RuntimeError(f"{fn}: dim must be a 2-tuple. Got {' '.join(map(str, dims))}")
    d0, d1 = (_dim(d, a.ndim) for d in dims)
    if d0 == d1:
        raise RuntimeError(f"{fn}: dims must be different. Got ({d0}, {d1})")
    _check_norm_dtype(a, dtype, fn)
    if ord == "fro":
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    if singular:
        return _singular_norm(A, ord == "nuc" or o > 0, ord == "nuc", d0, d1, keepdim, dtype)
    if a.size == 0:
        return vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)  # zeros, as torch
    # the inf norm is the 1 norm of the transpose: sum |A| over one dim, extreme over the other
    if math.isinf(o):
        d0, d1 = d1, d0
    if not keepdim and d0 < d1:
        d1 -= 1
    sums = vector_norm(A, 1.0, d0, keepdim, dtype=dtype)
    return (amax if o > 0 else amin)(sums, d1, keepdim)


def _singular_norm(A: Tensor, largest: bool, nuclear: bool, d0: int, d1: int, keepdim: bool,
                   dtype: Any) -> Tensor:
    """The nuclear norm (sum of the singular values), the spectral norm (the largest) or the
    smallest singular value of the matrices over dims ``(d0, d1)``, composed as torch: those
    dims moved last (a permute), svdvals, sum/amax/amin over them; ``keepdim`` then restores
    the dims as size 1 through unsqueeze and the inverse permute."""
    from .indexing import unsqueeze
    from .linalg import linalg_svdvals as svdvals
    from .shape import permute

    a = A._data
    nd = a.ndim
    if not nuclear and (a.shape[d0] == 0 or a.shape[d1] == 0):
        if not largest:  # amin over no singular values, its dim named as torch passes it
            raise IndexError("amin(): Expected reduction dim -1 to have non-zero size.")
        # torch gives zeros without a graph here (amax over no singular values would raise)
        shape = tuple(1 if i in (d0, d1) else n for i, n in enumerate(a.shape) if keepdim or
                      i not in (d0, d1))
        return _make(np.zeros(shape, a.dtype if dtype is None else dtype.np))
    perm = [i for i in range(nd) if i not in (d0, d1)] + [d0, d1]
    X = A if dtype is None else A.to(dtype)
    S = svdvals(permute(X, perm))
    if nuclear:
        result = _sum(S, -1, keepdim)
    else:
        result = (amax if largest else amin)(S, -1, keepdim)
    if keepdim:
        inverse = [0] * nd
        for i, p in enumerate(perm):
            inverse[p] = i
        result = permute(unsqueeze(result, -1), inverse)
    return result


def linalg_norm(A: Tensor, ord: Any = None, dim: Any = None, keepdim: bool = False, *,
                out: Any = None, dtype: Any = None) -> Tensor:
    """``torch.linalg.norm``: a matrix norm for ``ord`` given over two dims (or a 2-D input
    without ``dim``), otherwise a vector norm (2 by default)."""
    dims = None if dim is None else [dim] if isinstance(dim, int) else list(dim)
    ndim = A._data.ndim
    if dims is not None:
        if len(dims) not in (1, 2):
            raise RuntimeError("linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {dims}")
    elif ord is not None and ndim not in (1, 2):
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be "
                           f"1D or 2D. Got {ndim}D.")
    if isinstance(ord, str) or (ord is not None and (
            (dims is not None and len(dims) == 2) or (dims is None and ndim == 2))):
        return matrix_norm(A, ord, dims if dims is not None else (0, 1), keepdim, dtype=dtype)
    return vector_norm(A, 2 if ord is None else ord, dims, keepdim, dtype=dtype)


def norm(input: Tensor, p: Any = "fro", dim: Any = None, keepdim: bool = False,
         out: Any = None, dtype: Any = None) -> Tensor:
    """``torch.norm``: a vector norm (``p`` a number, or ``'fro'`` over at most two dims);
    ``'nuc'`` and other strings go to ``linalg.matrix_norm``.

    >>> import chainrule as torch
    >>> torch.tensor([[3., -4.], [0., 0.]]).norm(dim=1)
    tensor([5., 0.])
    """
    dims = [dim] if isinstance(dim, int) else dim
    if isinstance(p, str):
        if p == "fro" and (dim is None or isinstance(dim, int) or len(dim) <= 2):
            return vector_norm(input, 2, dims, keepdim, dtype=dtype)
        if dims is None:
            dims = list(range(input._data.ndim))
        return matrix_norm(input, p, dims, keepdim, dtype=dtype)
    return vector_norm(input, 2.0 if p is None else p, dims, keepdim, dtype=dtype)


def logsumexp(input: Tensor, dim: Any, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(input)))`` over ``dim``, computed stably (large entries do not overflow).

    >>> import chainrule as torch
    >>> torch.tensor([1000., 1000.]).logsumexp(0)
    tensor(1000.6932)
    """
    ndim = input._data.ndim
    dims = _dims(dim, ndim)
    if not isinstance(dim, int) and len(dim) == 0 and ndim:
        raise RuntimeError(f"output with shape [] doesn't match the broadcast shape "
                           f"{[1] * ndim}")
    return call1(D.LOGSUMEXP, input, (dims, bool(keepdim)))


# ---- cumulative ops ---------------------------------------------------------------------------

def _cum(entry: Any, input: Tensor, dim: int, dtype: Any) -> Tensor:
    a = _integral_to_long(input._data, dtype)
    return call(entry, (input,), (a,), (_dim(dim, a.ndim),))


def cumsum(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running sums along ``dim``; integers and bools give int64.

    >>> import chainrule as torch
    >>> torch.tensor([1, 2, 3]).cumsum(0)
    tensor([1, 3, 6])
    """
    return _cum(D.CUMSUM, input, dim, dtype)


def cumprod(input: Tensor, dim: int, *, dtype: Any = None) -> Tensor:
    """Running products along ``dim``; the gradient is exact with zeros in the input."""
    return _cum(D.CUMPROD, input, dim, dtype)


def _cummax_cummin(input: Tensor, dim: int, is_max: bool) -> Any:
    d = _dim(dim, input._data.ndim)
    entry = D.CUMMAX if is_max else D.CUMMIN
    values, indices = call_multi(entry, (input,), (input._data,), (d,))
    return (return_types.cummax if is_max else return_types.cummin)((values, indices))


def cummax(input: Tensor, dim: int) -> Any:
    """Running max along ``dim`` and where it was found (the last of equal values)."""
    return _cummax_cummin(input, dim, True)


def cummin(input: Tensor, dim: int) -> Any:
    """Running min along ``dim`` and where it was found (the last of equal values)."""
    return _cummax_cummin(input, dim, False)


# ---- all and any ------------------------------------------------------------------------------

def _arg_batched(pick: Any, p: Any, lead: int, d: Any, keepdim: bool) -> Any:
    """argmax/argmin of each sample of ``p`` (``lead`` batch dims first)."""
    if d is None:
        nd = p.ndim - lead
        idx = pick(p.reshape(p.shape[:lead] + (-1,)), axis=-1).astype(np.int64)
        # torch's rule flattens each sample first: keepdim keeps that one dim
        return idx.reshape(idx.shape + ((1,) if nd else ())) if keepdim else idx
    return np.asarray(pick(p, axis=d + lead, keepdims=keepdim), dtype=np.int64)


def _all_any(input: Tensor, dim: Any, keepdim: bool, is_all: bool) -> Tensor:
    a = input._data
    f = np.all if is_all else np.any
    if batching.LEVELS and batching.link(input) is not None:
        if dim is not None and not isinstance(dim, int) and len(dim) == 0:
            dims = ()
        else:
            dims = tuple(range(a.ndim)) if dim is None else _dims(dim, a.ndim)
            dims = (dims,) if isinstance(dims, int) else dims

        def batched(p: Any, lead: int) -> Any:
            r = np.asarray(f(p, axis=tuple(d + lead for d in dims), keepdims=keepdim)) \
                if dims or dim is None else p != 0
            return r.astype(np.uint8) if p.dtype == np.uint8 else r.astype(bool)

        return batching.lift(batched, input)
    if dim is None:
        r = f(a, keepdims=keepdim) if keepdim else f(a)
    elif not isinstance(dim, int) and len(dim) == 0:
        r = a != 0  # an empty dim list reduces nothing
    else:
        r = f(a, axis=_dims(dim, a.ndim), keepdims=keepdim)
    r = np.asarray(r)
    if not a.flags.c_contiguous:
        r = row_major(r)  # torch writes a reduction's result row-major
    # uint8 in, uint8 out (torch's legacy byte masks); bool otherwise
    return _make(r.astype(np.uint8) if a.dtype == np.uint8 else r.astype(bool))


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether every element (over ``dim``) is nonzero: a bool tensor (uint8 for uint8 input).

    >>> import chainrule as torch
    >>> torch.tensor([[1, 0], [1, 1]]).all(1)
    tensor([False,  True])
    """
    return _all_any(input, dim, keepdim, True)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether some element (over ``dim``) is nonzero: a bool tensor (uint8 for uint8 input)."""
    return _all_any(input, dim, keepdim, False)


# ---- median, sorting, selection ---------------------------------------------------------------

def _not_for_bool(input: Tensor, kernel: str) -> None:
    if input._data.dtype.kind == "b":
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


_nanmedian_type = getattr(return_types, "nanmedian", None) or return_types._structseq(
    "nanmedian", ("values", "indices"))


def _median(input: Tensor, dim: Any, keepdim: bool, ignore_nan: bool) -> Any:
    name = "nanmedian" if ignore_nan else "median"
    _not_for_bool(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        if keepdim:
            raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
        return call1(D.NANMEDIAN if ignore_nan else D.MEDIAN, input)
    d = _dim(dim, input._data.ndim)
    if input._data.ndim:
        _check_nonempty(input, (d,), name)
    entry = D.NANMEDIAN_DIM if ignore_nan else D.MEDIAN_DIM
    values, indices = call_multi(entry, (input,), (input._data,), (d, bool(keepdim)))
    return (_nanmedian_type if ignore_nan else return_types.median)((values, indices))


def median(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """The lower median of all elements (ties share the gradient, nan if any is nan), or along
    ``dim`` its (values, indices) as ``torch.return_types.median``.

    >>> import chainrule as torch
    >>> torch.tensor([1., 4., 2., 3.]).median()
    tensor(2.)
    """
    return _median(input, dim, keepdim, False)


def nanmedian(input: Tensor, dim: int | None = None, keepdim: bool = False) -> Any:
    """``median`` ignoring nans (nan only where every element is nan)."""
    return _median(input, dim, keepdim, True)


_UNSET: Any = object()


def sort(input: Tensor, dim: int = -1, descending: bool = False, *,
         stable: Any = _UNSET) -> Any:
    """The values along ``dim`` in order, and their indices (``torch.return_types.sort``).
    nan sorts above every number. The sort is always stable: equal values keep their order
    (torch only promises that with ``stable=True``). Passing ``stable`` at all selects torch's
    other overload, ``SortBackward1``.

    >>> import chainrule as torch
    >>> torch.tensor([3., 1., 2.]).sort()
    torch.return_types.sort(
    values=tensor([1., 2., 3.]),
    indices=tensor([1, 2, 0]))
    """
    d = _dim(dim, input._data.ndim)
    entry = D.SORT if stable is _UNSET else D.SORT_STABLE
    values, indices = call_multi(entry, (input,), (input._data,), (d, bool(descending)))
    return return_types.sort((values, indices))


def argsort(input: Tensor, dim: int = -1, descending: bool = False, *,
            stable: bool = False) -> Tensor:
    """The indices that sort ``input`` along ``dim`` (stable)."""
    d = _dim(dim, input._data.ndim)
    if batching.LEVELS and batching.link(input) is not None:
        if input._data.ndim == 0:
            return batching.lift(lambda p, lead: np.zeros(p.shape, np.int64), input)
        return batching.lift(lambda p, lead: R._sort(p, d + lead, bool(descending))[1], input)
    return _make(R._sort(input._data, d, bool(descending))[1])


def msort(input: Tensor) -> Tensor:
    """``input`` sorted along its first dim (``SortBackward0``)."""
    return sort(input, 0).values


def topk(input: Tensor, k: int, dim: int = -1, largest: bool = True,
         sorted: bool = True) -> Any:  # noqa: A002
    """The ``k`` largest (``largest=False``: smallest) values along ``dim``, in order, and
    their indices (``torch.return_types.topk``).

    >>> import chainrule as torch
    >>> torch.tensor([1., 5., 3.]).topk(2).values
    tensor([5., 3.])
    """
    a = input._data
    if a.dtype.kind == "b":
        raise RuntimeError("topk does not support bool dtypes on CPU")
    d = _dim(dim, a.ndim)
    size = a.shape[d] if a.ndim else 1
    if not 0 <= k <= size:
        raise RuntimeError("selected index k out of range")
    values, indices = call_multi(D.TOPK, (input,), (a,), (k, d, bool(largest)))
    return return_types.topk((values, indices))


def kthvalue(input: Tensor, k: int, dim: int = -1, keepdim: bool = False) -> Any:
    """The ``k``-th smallest value along ``dim`` and its index
    (``torch.return_types.kthvalue``)."""
    a = input._data
    _not_for_bool(input, "kthvalue_cpu")
    d = _dim(dim, a.ndim)
    if a.ndim:
        _check_nonempty(input, (d,), "kthvalue")
    size = a.shape[d] if a.ndim else 1
    if not 1 <= k <= size:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {d}")
    values, indices = call_multi(D.KTHVALUE, (input,), (a,), (k, d, bool(keepdim)))
    return return_types.kthvalue((values, indices))


def mode(input: Tensor, dim: int = -1, keepdim: bool = False) -> Any:
    """The most frequent value along ``dim`` (the smallest of equally frequent ones) and its
    last index (``torch.return_types.mode``)."""
    a = input._data
    d = _dim(dim, a.ndim)
    if a.ndim:
        _check_nonempty(input, (d,), "mode")
    values, indices = call_multi(D.MODE, (input,), (a,), (d, bool(keepdim)))
    return return_types.mode((values, indices))


# ---- nan-ignoring sums and means, logcumsumexp ------------------------------------------------

def _reduce_dims(input: Tensor, dim: Any) -> tuple:
    """``dim`` as a sorted tuple of dims; None or an empty list: every dim."""
    return _all_dims(dim, input._data.ndim)


def nansum(input: Tensor, dim: Any = None, keepdim: bool = False, *,
           dtype: Any = None) -> Tensor:
    """The sum with every nan taken as 0, over all elements or ``dim``; integers and bools give
    int64. The gradient is 0 at the nans (``NansumBackward0``).

    >>> import chainrule as torch
    >>> torch.nansum(torch.tensor([1., float('nan'), 2.]))
    tensor(3.)
    """
    if input._data.dtype.kind == "c":
        raise RuntimeError("nansum on CPU does not support complex inputs")
    if dtype is not None and input._data.dtype != dtype.np:
        input = input.to(dtype)
    a = _integral_to_long(input._data, None)
    return call(D.NANSUM, (input,), (a,), (_reduce_dims(input, dim), bool(keepdim)))


def nanmean(input: Tensor, dim: Any = None, keepdim: bool = False, *,
            dtype: Any = None) -> Tensor:
    """The mean of the elements that are not nan, composed as torch composes it: ``nansum``
    divided by the count of numbers (``DivBackward0``); nan where there are none.

    >>> import chainrule as torch
    >>> torch.nanmean(torch.tensor([1., float('nan'), 2.]))
    tensor(1.5000)
    """
    from .api import div, logical_not
    from .elementwise import isnan

    if input._data.dtype.kind not in "fc":
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {_type_name(input._data.dtype)}")
    count = _sum(logical_not(isnan(input)), dim, keepdim)
    return div(nansum(input, dim, keepdim, dtype=dtype), count)


def logcumsumexp(input: Tensor, dim: int) -> Tensor:
    """``log(cumsum(exp(input)))`` along ``dim`` without overflow.

    >>> import chainrule as torch
    >>> torch.tensor([1000., 1000.]).logcumsumexp(0)
    tensor([1000.0000, 1000.6932])
    """
    a = input._data
    if a.dtype.kind == "c":
        raise NotImplementedError("chainrule's logcumsumexp takes real tensors")
    if a.dtype.kind != "f":
        raise NotImplementedError(f'"logcumsumexp_out_cpu" not implemented for '
                                  f"'{_type_name(a.dtype)}'")
    return call1(D.LOGCUMSUMEXP, input, (_dim(dim, a.ndim),))


# ---- quantiles ---------------------------------------------------------------------------------

_INTERPOLATIONS = ("linear", "lower", "higher", "midpoint", "nearest")


def quantile(input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *,
             interpolation: str = "linear") -> Tensor:
    """The ``q``-quantiles (``q`` a number or a 1-D tensor in [0, 1]) of all elements, or
    along ``dim``; between two ranks ``interpolation`` takes the ``lower``, the ``higher``, the
    ``nearest``, their ``midpoint``, or interpolates (``linear``). A nan gives nan. A tensor
    ``q`` leads the result's shape. Composed as torch composes it (sort, gather, lerp; grad_fn
    ``SqueezeBackward4``), so ties and nans get torch's gradients, and a ``q`` that requires
    grad receives one.

    >>> import chainrule as torch
    >>> torch.tensor([1., 4., 2., 3.]).quantile(torch.tensor([0.25, 0.5]))
    tensor([1.7500, 2.5000])
    """
    return _quantile(input, q, dim, keepdim, interpolation, False)


def nanquantile(input: Tensor, q: Any, dim: int | None = None, keepdim: bool = False, *,
                interpolation: str = "linear") -> Tensor:
    """``quantile`` of the numbers, ignoring nans (nan only where all are nan).

    >>> import chainrule as torch
    >>> torch.nanquantile(torch.tensor([1., float('nan'), 3.]), 0.5)
    tensor(2.)
    """
    return _quantile(input, q, dim, keepdim, interpolation, True)


def _quantile(input: Tensor, q: Any, dim: Any, keepdim: bool, interpolation: str,
              ignore_nan: bool) -> Tensor:
    from .api import logical_not
    from .elementwise import isnan, lerp, masked_fill
    from .indexing import gather, unsqueeze
    from .shape import expand, reshape, transpose, view

    a = input._data
    if not isinstance(q, Tensor):
        if not 0 <= q <= 1:
            raise RuntimeError(f"quantile() q must be in the range [0, 1] but got {q:g}")
        q = _make(np.asarray(q, dtype=a.dtype))
    if interpolation not in _INTERPOLATIONS:
        raise RuntimeError("quantile() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    qa = q._data
    if a.size == 0:
        raise RuntimeError("quantile() input tensor must be non-empty")
    if qa.ndim > 1:
        raise RuntimeError("quantile() q must be a scalar or 1D tensor")
    if a.dtype not in (np.float32, np.float64):
        raise RuntimeError("quantile() input tensor must be either float or double dtype")
    if qa.dtype != a.dtype:
        raise RuntimeError("quantile() q tensor must be same dtype as the input tensor")
    if not np.all((qa >= 0) & (qa <= 1)):
        raise RuntimeError("quantile() q values must be in the range [0, 1]")
    # the values to pick from, sorted along a last dim: all of them, or dim moved last
    if dim is None:
        ordered = sort(reshape(input, (-1,))).values
        out_shape = [1] * a.ndim if keepdim else []
    else:
        d = _dim(dim, a.ndim)
        ordered = sort(transpose(unsqueeze(input, -1), d, -1)).values
        out_shape = list(a.shape)
        if a.ndim:
            if keepdim:
                out_shape[d] = 1
            else:
                del out_shape[d]
    n = ordered._data.shape[-1]
    ordered = view(ordered, tuple(out_shape) + (n,))
    # q as fractional ranks into each sorted row (a nan: quantile takes the last, a nan)
    nans = isnan(ordered)
    if ignore_nan:
        count = _sum(logical_not(nans), -1, True)
        ranks = q * (count - 1)
        ranks = masked_fill(ranks, ranks < 0, 0)  # every value nan: rank 0, a nan
    else:
        has_nan = any(nans, -1, True)
        ranks = q * (n - 1)
        shape = np.broadcast_shapes(ranks._data.shape, has_nan._data.shape)
        ranks = masked_fill(expand(ranks, shape), has_nan, n - 1)
    r = np.asarray(ranks._data)
    if interpolation == "lower":
        r = np.floor(r)
    elif interpolation == "higher":
        r = np.ceil(r)
    elif interpolation == "nearest":
        r = np.rint(r)  # half to even, as torch's round
    below = r.astype(np.int64)
    values = gather(ordered, -1, _make(below))
    if interpolation in ("linear", "midpoint"):
        weights = ranks - _make(below) if interpolation == "linear" else \
            _make(np.full(r.shape, 0.5, a.dtype))
        above = gather(ordered, -1, _make(np.ceil(r).astype(np.int64)))
        values = lerp(values, above, weights)
    if qa.ndim:  # the quantiles' dim moved first
        values = transpose(unsqueeze(values, 0), 0, -1)
    return call1(D.SQUEEZE_DIM_INPLACE, values, (values._data.ndim - 1,))


# ---- dist, renorm -----------------------------------------------------------------------------

def _p_number(fn: str, p: Any, pos: int) -> float:
    if isinstance(p, Tensor):
        p = p.item()
    if isinstance(p, bool) or not isinstance(p, (int, float, np.number)):
        raise TypeError(f"{fn}(): argument 'p' (position {pos}) must be Number, not "
                        f"{type(p).__name__}")
    return float(p)


def dist(input: Tensor, other: Tensor, p: Any = 2) -> Tensor:
    """The ``p``-norm of ``input - other`` (broadcast) over all its elements
    (``DistBackward0``); at equal inputs the gradient is 0.

    >>> import chainrule as torch
    >>> torch.dist(torch.tensor([1., 2.]), torch.tensor([4., 6.]))
    tensor(5.)
    """
    from .elementwise import _arrays

    p = _p_number("dist", p, 3)
    A, B, dt = _arrays(input, other)
    if dt.kind not in "fc":
        raise RuntimeError("norm(): input dtype should be either floating point or complex. Got "
                           f"{_type_name(dt)} instead.")
    shape = np.broadcast_shapes(np.shape(A), np.shape(B))
    if math.prod(shape) == 0 and (p < 0 or p == math.inf):
        raise RuntimeError(f"linalg.vector_norm cannot compute the {_format_ord(p)} norm on an "
                           "empty tensor because the operation does not have an identity")
    return call(D.DIST, (input, other), (A, B), (p, tuple(range(len(shape)))))


def renorm(input: Tensor, p: Any, dim: int, maxnorm: Any) -> Tensor:
    """Each slice ``input.select(dim, i)`` whose ``p``-norm exceeds ``maxnorm`` scaled down to
    norm ``maxnorm`` (by ``maxnorm / (norm + 1e-7)``), the others as they are.

    >>> import chainrule as torch
    >>> torch.tensor([[3., 4.], [0.3, 0.4]]).renorm(2, 0, 1.)
    tensor([[0.6000, 0.8000],
            [0.3000, 0.4000]])
    """
    if isinstance(p, complex):
        raise RuntimeError("renorm: p must be real-valued")
    if not p > 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if isinstance(maxnorm, complex):
        raise RuntimeError("renorm: maxnorm must be real-valued")
    if not maxnorm >= 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {float(maxnorm):g}")
    a = input._data
    if a.ndim <= 1:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {a.ndim} dimensions")
    d = _dim(dim, a.ndim)
    if a.dtype.kind not in "fc":
        raise RuntimeError("linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {_type_name(a.dtype)}")
    dims = tuple(i for i in range(a.ndim) if i != d)
    return call1(D.RENORM, input, (float(p), dims, float(maxnorm)))


# ---- formula functions: NumPy for a plain backward, recorded ops under create_graph ----------

# ---- counting and distinct values (no gradient) ---------------------------------------------

def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """The number of nonzero elements (nan counts), over every dim or over ``dim`` (an int or
    a tuple), as int64.

    >>> import chainrule as torch
    >>> torch.tensor([[0., 1.], [2., 3.]]).count_nonzero(0)
    tensor([1, 2])
    """
    return _count_nonzero(input, dim, method=False)


def _count_nonzero_method(self: Tensor, dim: Any = None) -> Tensor:
    return _count_nonzero(self, dim, method=True)


_count_nonzero_method.__name__ = "count_nonzero"
_count_nonzero_method.__doc__ = count_nonzero.__doc__


def _count_nonzero(input: Tensor, dim: Any, method: bool) -> Tensor:
    ndim = input._data.ndim
    if dim is None:
        dims = None
    elif isinstance(dim, (int, np.integer)) and not isinstance(dim, bool):
        dims = (_dim(int(dim), ndim),)
    elif isinstance(dim, (tuple, list)) and builtins.all(
            isinstance(d, (int, np.integer)) for d in dim):
        dims = _dims(dim, ndim, sort=False) or None
    else:
        kind = type(dim).__name__
        head, got = ("", kind) if method else ("Tensor input, ", f"Tensor, {kind}")
        marked = f"!{kind}!" if method else f"Tensor, !{kind}!"
        bad = f"      didn't match because some of the arguments have invalid types: ({marked})\n"
        raise TypeError(f"count_nonzero() received an invalid combination of arguments - got "
                        f"({got}), but expected one of:\n * ({head}int dim = None)\n{bad}"
                        f" * ({head}tuple of ints dim)\n{bad}")
    if ndim == 0:
        dims = None

    def count(a: Any, lead: int) -> Any:
        axes = tuple(range(lead, a.ndim)) if dims is None else tuple(lead + d for d in dims)
        return np.asarray(np.count_nonzero(a, axis=axes), dtype=np.int64)

    return batching.lift(count, input)


def _unique_outputs(outs: tuple, return_inverse: bool, return_counts: bool) -> Any:
    values, inverse, counts = outs
    if not (return_inverse or return_counts):
        return values
    return (values,) + ((inverse,) if return_inverse else ()) + \
        ((counts,) if return_counts else ())


def _unique_dim(input: Tensor, dim: int) -> int:
    shape = input._data.shape
    if not shape:
        raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
    d = _dim(dim, len(shape))
    if builtins.any(n == 0 for i, n in enumerate(shape) if i != d):
        raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique "
                           "cannot be applied")
    return d


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,  # noqa: A002
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct values of ``input`` in increasing order (nan after every number, each nan
    its own value), or its distinct slices along ``dim``; with ``return_inverse``, where each
    element (slice) went, and with ``return_counts``, how often each value occurs. Not
    differentiable: torch's node (``Unique2Backward0``, ``UniqueDimBackward0``) raises.

    >>> import chainrule as torch
    >>> torch.tensor([3, 1, 3, 2]).unique(return_counts=True)
    (tensor([1, 2, 3]), tensor([1, 1, 2]))
    """
    if dim is None:
        outs = call_multi(D.UNIQUE, (input,), (input._data,))
    else:
        outs = call_multi(D.UNIQUE_DIM, (input,), (input._data,), (_unique_dim(input, dim),))
    return _unique_outputs(outs, return_inverse, return_counts)


def unique_consecutive(input: Tensor, return_inverse: bool = False, return_counts: bool = False,
                       dim: int | None = None) -> Any:
    """``input`` with each run of equal consecutive values (slices along ``dim``) kept once;
    with ``return_inverse``, the run of each element, and with ``return_counts``, the runs'
    lengths (``UniqueConsecutiveBackward0``, not differentiable).

    >>> import chainrule as torch
    >>> torch.tensor([1, 1, 2, 2, 1]).unique_consecutive()
    tensor([1, 2, 1])
    """
    d = None if dim is None else _unique_dim(input, dim)
    outs = call_multi(D.UNIQUE_CONSECUTIVE, (input,), (input._data,), (d,))
    return _unique_outputs(outs, return_inverse, return_counts)


def _np_count(mask: Any, dims: Any, like: Any) -> Any:
    return np.sum(mask, axis=dims, keepdims=dims is not None, dtype=np.result_type(like))


def _graph_count(mask: Tensor, dims: Any, like: Tensor) -> Tensor:
    # a count of ties is piecewise constant: no gradient, a plain tensor
    if batching.LEVELS:
        def count(p: Any, lead: int) -> Any:
            axes = tuple(d % (p.ndim - lead) + lead for d in
                         ((dims,) if isinstance(dims, int) else dims)) \
                if dims is not None else tuple(range(lead, p.ndim))
            return np.asarray(np.sum(p, axis=axes, keepdims=dims is not None,
                                     dtype=np.result_type(like._data)))

        return batching.lift(count, mask)
    return _make(np.asarray(_np_count(mask._data, dims, like._data)))


def _np_exclusive_cumprod(x: Any, dim: int, reverse: bool) -> Any:
    # [1, x0, x0*x1, ...]: the product of the elements before each (after, with reverse)
    x = np.asarray(x)
    if reverse:
        x = np.flip(x, dim)
    n = x.shape[dim]
    ones = np.ones(x.shape[:dim] + (1,) + x.shape[dim + 1:], x.dtype)
    shifted = np.concatenate([ones, np.take(x, np.arange(n - 1), axis=dim)], axis=dim)
    out = np.cumprod(shifted, axis=dim)
    return np.flip(out, dim) if reverse else out


# Recorded backwards use torch's own ops where the sibling families provide them (flip,
# scatter, scatter_add, masked_fill), so that a double backward shows torch's node names
# (FlipBackward0, ScatterBackward0, ...); indexing, which is always there, is the fallback.

def _family_op(module: str, name: str) -> Any:
    from . import elementwise, indexing, shape

    return getattr({"elementwise": elementwise, "indexing": indexing, "shape": shape}[module],
                   name, None)


def _graph_flip_dim(x: Tensor, dim: int) -> Tensor:
    flip = _family_op("shape", "flip")
    if flip is not None:
        return flip(x, (dim,))
    from .indexing import index

    n = x._data.shape[dim]
    return index(x, (builtins.slice(None),) * dim + (np.arange(n - 1, -1, -1),))


def _graph_exclusive_cumprod(x: Tensor, dim: int, reverse: bool) -> Tensor:
    from .._creation import ones
    from .indexing import slice as slice_
    from .shape import cat

    if reverse:
        x = _graph_flip_dim(x, dim)
    shape = x._data.shape
    one = ones(shape[:dim] + (1,) + shape[dim + 1:], dtype=x.dtype)
    out = cumprod(cat([one, slice_(x, dim, 0, shape[dim] - 1, 1)], dim), dim)
    return _graph_flip_dim(out, dim) if reverse else out


def _np_cumprod_backward(grad: Any, self: Any, dim: int, result: Any) -> Any:
    """d y_j / d x_k = prod_{i <= j, i != k} x_i for j >= k, as torch in O(n): without zeros
    the reversed cumulative sum of grad * y, over x; with zeros, positions before the first
    zero as that, the first zero the running products that skip it, the rest 0."""
    x = np.asarray(self)
    if x.size <= 1 or x.shape[dim] == 1:
        return grad
    y = np.asarray(result)
    w = y * grad
    zero = x == 0
    if not zero.any():
        return np.flip(np.cumsum(np.flip(w, dim), axis=dim), dim) / x
    seen = np.cumsum(zero, axis=dim)
    before = seen == 0
    first_zero = zero & (seen == 1)
    rc = np.flip(np.cumsum(np.flip(np.where(before, w, 0), dim), axis=dim), dim)
    out = np.where(before, rc / np.where(before, x, 1), 0)
    skip = np.cumprod(np.where(first_zero, 1, x), axis=dim)
    at_first = np.sum(np.where(seen >= 1, grad * skip, 0), axis=dim, keepdims=True)
    return np.where(first_zero, at_first, out).astype(w.dtype)


def _graph_cumprod_backward(grad: Tensor, self: Tensor, dim: int, result: Tensor) -> Tensor:
    """The same gradient as recorded ops, so that it can be differentiated again. With zeros,
    torch's O(n^2) form: row k of a matrix holds x with x_k replaced by 1, its running products
    give every prod_{i <= j, i != k} x_i."""
    from .api import where

    shape = self._data.shape
    if self._data.size <= 1 or shape[dim] == 1:
        return grad
    w = result * grad
    if not R._has_zero(self):
        return _graph_flip_dim(cumsum(_graph_flip_dim(w, dim), dim), dim) / self
    from .indexing import unsqueeze

    n = shape[dim]
    # axes: ..., k (new, at dim), i (the original dim, at dim + 1), ...
    xs = unsqueeze(self, dim)
    diag = np.eye(n, dtype=bool).reshape((n, n) + (1,) * (len(shape) - dim - 1))
    m = where(_make(diag), 1.0, xs.expand(shape[:dim] + (n,) + shape[dim:]))
    prods = cumprod(m, dim + 1)
    later = np.triu(np.ones((n, n), bool)).reshape(diag.shape)  # j >= k
    g = unsqueeze(grad, dim)
    return _sum(where(_make(later), g * prods, 0.0), dim + 1)


def _np_scatter_along(g: Any, shape: tuple, indices: Any, dim: int, keepdim: bool) -> Any:
    idx = np.asarray(indices)
    if not keepdim:
        idx = np.expand_dims(idx, dim)
    out = np.zeros(shape, dtype=np.result_type(g))
    np.put_along_axis(out, idx, np.broadcast_to(g, idx.shape), axis=dim)
    return out


def _graph_scatter_along(g: Tensor, shape: tuple, indices: Any, dim: int,
                         keepdim: bool) -> Tensor:
    # torch: zeros(shape).scatter(dim, indices, grad)
    scatter = _family_op("indexing", "scatter")
    if scatter is None:
        from .indexing import index_backward

        return index_backward(g, shape, fm.along(indices, dim, keepdim))
    if batching.LEVELS:  # the indices may be batched
        nd = len(shape)
        index = batching.lift(lambda p, lead: p if keepdim else np.expand_dims(
            p, dim % nd + lead), getattr(indices, "_data", indices))
        return scatter(_make(np.zeros(shape, g._data.dtype)), dim, index, g)
    idx = np.asarray(getattr(indices, "_data", indices))
    if not keepdim:
        idx = np.expand_dims(idx, dim)
    return scatter(_make(np.zeros(shape, g._data.dtype)), dim, _make(idx), g)


def _np_scatter_add_along(g: Any, shape: tuple, indices: Any, dim: int) -> Any:
    return fm.index_backward_array(g, shape, fm.along(indices, dim, True))


def _graph_scatter_add_along(g: Tensor, shape: tuple, indices: Any, dim: int) -> Tensor:
    # torch: zeros(shape).scatter_add(dim, indices, grad)
    scatter_add = _family_op("indexing", "scatter_add")
    if scatter_add is None:
        from .indexing import index_backward

        return index_backward(g, shape, fm.along(indices, dim, True))
    idx = _make(np.asarray(getattr(indices, "_data", indices)))
    return scatter_add(_make(np.zeros(shape, g._data.dtype)), dim, idx, g)


def _np_fill_where(mask: Any, value: Any) -> Any:
    return np.where(mask, value, 0)


def _graph_fill_where(mask: Tensor, value: Tensor) -> Tensor:
    # torch: zeros.masked_fill_(mask, value) with a 0-d tensor value (MaskedFillBackward1)
    masked_fill = _family_op("elementwise", "masked_fill")
    if masked_fill is None or value._data.ndim:
        from .api import where

        return where(mask, value, 0)
    return masked_fill(_make(np.zeros(mask._data.shape, value._data.dtype)), mask, value)


def _graph_reduce_sum(x: Tensor, dims: Any, keepdim: bool) -> Tensor:
    if dims is None:
        return _sum(x)
    return _sum(x, dims, keepdim) if dims else x


NUMPY.count = _np_count
GRAPH.count = _graph_count
NUMPY.reduce_sum = lambda x, dims, keepdim: np.sum(x, axis=dims, keepdims=keepdim)
GRAPH.reduce_sum = _graph_reduce_sum
NUMPY.cumsum = lambda x, dim: R._cumulative(np.add, x, dim)
GRAPH.cumsum = lambda x, dim: cumsum(x, dim)
# a copy, as torch's flip: a NumPy flip is a view with a negative stride
NUMPY.flip_dim = lambda x, dim: DS.flip_array(x, (dim,))
GRAPH.flip_dim = _graph_flip_dim
NUMPY.exclusive_cumprod = _np_exclusive_cumprod
GRAPH.exclusive_cumprod = _graph_exclusive_cumprod
NUMPY.cumprod_backward = _np_cumprod_backward
GRAPH.cumprod_backward = _graph_cumprod_backward
NUMPY.scatter_along = _np_scatter_along
GRAPH.scatter_along = _graph_scatter_along
NUMPY.scatter_add_along = _np_scatter_add_along
GRAPH.scatter_add_along = _graph_scatter_add_along
NUMPY.fill_where = _np_fill_where
GRAPH.fill_where = _graph_fill_where
NUMPY.logcumsumexp = R.logcumsumexp_array
GRAPH.logcumsumexp = logcumsumexp
NUMPY.vector_norm = R._vector_norm
GRAPH.vector_norm = lambda x, ord, dims, keepdim: vector_norm(x, ord, dims, keepdim)


# ---- searching sorted values --------------------------------------------------------------------

def _values_of(x: Any) -> Any:
    """A tensor's array, or a number as a 0-d array of its own dtype."""
    if isinstance(x, Tensor):
        return x._data
    return np.asarray(x, dtype=_dtypes.scalar_np_dtype(x))


def _promoted(a: Any, b: Any) -> tuple:
    dt = _dtypes.promote_np(a.dtype, b.dtype)
    return a.astype(dt, copy=False), b.astype(dt, copy=False)


def isin(elements: Any, test_elements: Any, *, assume_unique: bool = False,
         invert: bool = False) -> Tensor:
    """Whether each of ``elements`` is among ``test_elements`` (tensors or numbers), as a bool
    tensor of ``elements``' shape; ``invert`` asks the opposite.

    >>> import chainrule as torch
    >>> torch.isin(torch.tensor([1, 2, 3]), torch.tensor([2, 5]))
    tensor([False,  True, False])
    """
    a, b = _promoted(_values_of(elements), _values_of(test_elements))
    return _make(np.isin(a, b, invert=invert))


def searchsorted(sorted_sequence: Tensor, input: Any, *, out_int32: bool = False,
                 right: bool = False, side: str | None = None, sorter: Tensor | None = None
                 ) -> Tensor:
    """For each value of ``input``, the index in ``sorted_sequence`` (sorted along its last
    dim; a row per leading index of ``input`` when it has more than one dim) where it would be
    inserted to keep the order: before equal values, or after them with ``right=True`` or
    ``side="right"``. ``sorter`` sorts an unsorted sequence.

    >>> import chainrule as torch
    >>> torch.searchsorted(torch.tensor([1, 3, 5, 7]), torch.tensor([3, 6, 9]))
    tensor([1, 3, 4])
    """
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but "
                               f"got {side}")
        if right and side == "left":
            raise RuntimeError("torch.searchsorted(): side and right can't be set to "
                               "opposites, got side of left while right was True")
        right = side == "right"
    seq = sorted_sequence._data
    values = _values_of(input)
    if seq.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should be 1 dimension or "
                           "the first N-1 dimensions of boundaries tensor and input value "
                           "tensor must match, but we got boundaries tensor [] and input value "
                           f"tensor {list(values.shape)}")
    if seq.ndim > 1 and seq.shape[:-1] != values.shape[:-1]:
        raise RuntimeError(f"torch.searchsorted(): boundaries tensor should be 1 dimension or "
                           f"the first N-1 dimensions of boundaries tensor and input value "
                           f"tensor must match, but we got boundaries tensor "
                           f"{list(seq.shape)} and input value tensor {list(values.shape)}")
    if sorter is not None:
        seq = np.take_along_axis(seq, sorter._data, axis=-1)
    seq, values = _promoted(seq, values)
    how = "right" if right else "left"
    if seq.ndim == 1:
        out = np.searchsorted(seq, values, side=how)
    else:
        rows, v = seq.reshape(-1, seq.shape[-1]), values.reshape(-1, values.shape[-1])
        out = np.stack([np.searchsorted(r, x, side=how) for r, x in zip(rows, v)])
        out = out.reshape(values.shape)
    return _make(np.asarray(out, dtype=np.int32 if out_int32 else np.int64))


def bucketize(input: Any, boundaries: Tensor, *, out_int32: bool = False,
              right: bool = False) -> Tensor:
    """For each value of ``input``, the index of its bucket among the sorted 1-d
    ``boundaries``: ``searchsorted(boundaries, input, right=right)``.

    >>> import chainrule as torch
    >>> torch.bucketize(torch.tensor([3, 6, 9]), torch.tensor([1, 3, 5, 7]))
    tensor([1, 3, 4])
    """
    if boundaries._data.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._data.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


__all__ = ["all", "amax", "amin", "aminmax", "any", "argmax", "argmin", "argsort", "bucketize",
           "count_nonzero", "cummax", "cummin", "cumprod", "cumsum", "dist", "isin", "kthvalue",
           "logcumsumexp", "logsumexp", "max", "median", "min", "mode", "msort", "nanmean",
           "nanmedian", "nanquantile", "nansum", "norm", "prod", "quantile", "renorm",
           "searchsorted", "sort", "std", "std_mean", "topk", "unique", "unique_consecutive",
           "var", "var_mean"]
METHODS = {"max": max, "min": min, "amax": amax, "amin": amin, "aminmax": aminmax,
           "argmax": argmax, "argmin": argmin, "prod": prod, "var": var, "std": std,
           "norm": norm, "logsumexp": logsumexp, "cumsum": cumsum, "cumprod": cumprod,
           "cummax": cummax, "cummin": cummin, "all": all, "any": any, "median": median,
           "nanmedian": nanmedian, "sort": sort, "argsort": argsort, "msort": msort,
           "topk": topk, "kthvalue": kthvalue, "mode": mode,
           "count_nonzero": _count_nonzero_method, "unique": unique,
           "unique_consecutive": unique_consecutive, "nansum": nansum,
           "nanmean": nanmean, "logcumsumexp": logcumsumexp, "quantile": quantile,
           "nanquantile": nanquantile, "dist": dist, "renorm": renorm}
