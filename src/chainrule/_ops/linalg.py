"""Public ops of the linalg family: argument handling as torch's signatures, then dispatch to
the table (`_ops/derivatives/linalg.py`).

``matmul`` follows torch's composite ``matmul`` case by case (dot, mv, mm, the folded mm/mv of a
batch, broadcast bmm) for its checks, its error messages and the grad_fn it ends with, but
computes every case as one NumPy ``matmul`` and records one node.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

from .. import _dtypes, return_types
from .._backend import np
from .._dtypes import CPP_NAMES, SCALAR_NAMES
from .._tensor import Tensor, _dim, _make
from ..autograd.forward_ad import ACTIVE as forward_ad
from ..autograd.grad_mode import _state
from . import derivatives as D
from .derivatives import linalg as DL
from .registry import (
    GRAPH,
    NUMPY,
    binary_arrays,
    broadcast_check,
    call,
    call_list,
    call_multi,
)


# torch's names for dtypes in messages: ScalarType names and the C++ type names
def _sname(dt: Any) -> str:
    return SCALAR_NAMES[np.dtype(dt).name]


def _cname(dt: Any) -> str:
    return CPP_NAMES[np.dtype(dt).name]


class _LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a linear algebra function failed on its input's values."""


def _tensor_arg(fn: str, name: str, pos: int, x: Any) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}(): argument '{name}' (position {pos}) must be Tensor, not "
                        f"{type(x).__name__}")


def _not_for_bool(kernel: str, dt: Any) -> None:
    if dt.kind == "b":
        raise NotImplementedError(f'"{kernel}" not implemented for \'Bool\'')


# ---- the checks of torch's product kernels, on shapes and dtypes ------------------------------

def _check_dot(sa: tuple, sb: tuple, da: Any, db: Any) -> None:
    if len(sa) != 1 or len(sb) != 1:
        raise RuntimeError(f"1D tensors expected, but got {len(sa)}D and {len(sb)}D tensors")
    if da != db:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{_sname(da)} and {_sname(db)}")
    if sa[0] != sb[0]:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src "
                           f"[{sb[0]}] to have the same number of elements, but got {sa[0]} and "
                           f"{sb[0]} elements respectively")
    _not_for_bool("dot", da)


def _check_mv(sm: tuple, sv: tuple, dm: Any, dv: Any) -> None:
    if not sm:  # torch sizes its result by mat.size(0) first
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    if len(sm) != 2 or len(sv) != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {len(sm)}, {len(sv)}")
    if sm[1] != sv[0]:
        raise RuntimeError(f"size mismatch, got input ({sm[0]}), mat ({sm[0]}x{sm[1]}), vec "
                           f"({sv[0]})")
    if dm != dv:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_sname(dv)}, {_sname(dm)}, and {_sname(dv)}")
    _not_for_bool("addmv_impl_cpu", dm)


def _check_mm(sa: tuple, sb: tuple, da: Any, db: Any) -> None:
    if len(sa) != 2:
        raise RuntimeError("self must be a matrix")
    if len(sb) != 2:
        raise RuntimeError("mat2 must be a matrix")
    if sa[1] != sb[0]:
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({sa[0]}x{sa[1]} and "
                           f"{sb[0]}x{sb[1]})")
    if da != db:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: {_cname(da)} "
                           f"!= {_cname(db)}")
    _not_for_bool("addmm_impl_cpu_", da)


def _check_bmm(sa: tuple, sb: tuple, da: Any, db: Any) -> None:
    if len(sa) != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if len(sb) != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if sb[0] != sa[0] or sb[1] != sa[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{sa[0]}, {sa[2]}] but got: [{sb[0]}, {sb[1]}].")
    _not_for_bool("bmm", da)  # the kernel is chosen by self's dtype, then checks mat2's
    if da != db:
        raise RuntimeError(f"expected scalar type {_sname(da)} but found {_sname(db)}")


def _product(entry: Any, a: Tensor, b: Tensor) -> Tensor:
    return call(entry, (a, b), (a._data, b._data), (False, False))


# ---- the products ------------------------------------------------------------------------------

def dot(input: Tensor, tensor: Tensor) -> Tensor:
    """The dot product of two 1-D tensors of one dtype (``DotBackward0``).

    >>> import chainrule as torch
    >>> torch.dot(torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor(11.)
    """
    _tensor_arg("dot", "input", 1, input)
    _tensor_arg("dot", "tensor", 2, tensor)
    a, b = input._data, tensor._data
    _check_dot(a.shape, b.shape, a.dtype, b.dtype)
    return _product(D.DOT, input, tensor)


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """``dot`` with the first argument conjugated; for real tensors, ``dot`` itself."""
    _tensor_arg("vdot", "input", 1, input)
    _tensor_arg("vdot", "other", 2, other)
    a, b = input._data, other._data
    _check_dot(a.shape, b.shape, a.dtype, b.dtype)
    if a.dtype.kind == "c":
        raise NotImplementedError("chainrule's vdot takes real tensors")
    return _product(D.VDOT, input, other)


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix times vector (``MvBackward0``).

    >>> import chainrule as torch
    >>> torch.mv(torch.tensor([[1., 2.], [3., 4.]]), torch.tensor([1., 1.]))
    tensor([3., 7.])
    """
    _tensor_arg("mv", "input", 1, input)
    _tensor_arg("mv", "vec", 2, vec)
    a, b = input._data, vec._data
    _check_mv(a.shape, b.shape, a.dtype, b.dtype)
    return _product(D.MV, input, vec)


def mm(input: Tensor, mat2: Tensor) -> Tensor:
    """The product of two matrices of one dtype (``MmBackward0``).

    >>> import chainrule as torch
    >>> torch.mm(torch.tensor([[1., 2.]]), torch.tensor([[3.], [4.]]))
    tensor([[11.]])
    """
    _tensor_arg("mm", "input", 1, input)
    _tensor_arg("mm", "mat2", 2, mat2)
    a, b = input._data, mat2._data
    _check_mm(a.shape, b.shape, a.dtype, b.dtype)
    return _product(D.MM, input, mat2)


def bmm(input: Tensor, mat2: Tensor) -> Tensor:
    """Batched matrix product of two 3-D tensors with one batch size (``BmmBackward0``)."""
    _tensor_arg("bmm", "input", 1, input)
    _tensor_arg("bmm", "mat2", 2, mat2)
    a, b = input._data, mat2._data
    _check_bmm(a.shape, b.shape, a.dtype, b.dtype)
    return _product(D.BMM, input, mat2)


def _should_fold(a: Any, b: Any, a_grad: bool, b_grad: bool) -> bool:
    """torch's choice to fold the batch of the larger operand into one mm/mv: always when the
    smaller one requires grad, otherwise when the fold is a view (the strides allow it)."""
    larger_first = a.ndim >= b.ndim
    big, small_nd = (a, b.ndim) if larger_first else (b, a.ndim)
    if not (big.ndim >= 3 and small_nd <= 2):
        return False
    if b_grad if larger_first else a_grad:
        return True
    if a.ndim == 2:
        return False
    if big.size == 0:
        return True
    shape = list(big.shape)
    strides = [s // big.itemsize for s in big.strides]
    if not larger_first:  # the larger operand enters transposed (mT)
        shape[-1], shape[-2] = shape[-2], shape[-1]
        strides[-1], strides[-2] = strides[-2], strides[-1]
    return all(strides[i] == strides[i + 1] * shape[i + 1] for i in range(big.ndim - 2))


def _matmul_entry(a: Any, b: Any, a_grad: bool, b_grad: bool) -> Any:
    """The checks of torch's matmul for ``a @ b`` (arrays, and whether each requires grad), and
    the entry named as the node torch's matmul ends with."""
    d1, d2 = a.ndim, b.ndim
    if d1 == 0 or d2 == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{d1}D and {d2}D")
    if d1 == 1 and d2 == 1:
        _check_dot(a.shape, b.shape, a.dtype, b.dtype)
        return D.DOT
    if d1 == 2 and d2 == 1:
        _check_mv(a.shape, b.shape, a.dtype, b.dtype)
        return D.MV
    if d1 == 1 and d2 == 2:
        _check_mm((1,) + a.shape, b.shape, a.dtype, b.dtype)
        return D.MATMUL_VM
    if d1 == 2 and d2 == 2:
        _check_mm(a.shape, b.shape, a.dtype, b.dtype)
        return D.MM
    if _should_fold(a, b, a_grad, b_grad):
        transpose = d2 > d1
        if transpose:  # t1 = b.mT, t2 = a.t() (or a itself, 1-D)
            s1 = b.shape[:-2] + (b.shape[-1], b.shape[-2])
            s2 = a.shape[::-1]
            dt1, dt2 = b.dtype, a.dtype
        else:
            s1, s2 = a.shape, b.shape
            dt1, dt2 = a.dtype, b.dtype
        folded = (math.prod(s1[:-1]), s1[-1])
        if len(s2) == 1:
            _check_mv(folded, s2, dt1, dt2)
            return D.MATMUL
        _check_mm(folded, s2, dt1, dt2)
        if not transpose:
            return D.MATMUL
        # the result is (b.mT @ a.t()).mT, contiguous already (no copy) when a row or a column
        return D.MATMUL_FOLDED_T_VIEW if a.shape[0] == 1 or b.shape[-1] == 1 else \
            D.MATMUL_FOLDED_T
    # broadcast bmm; torch first drops a batch of one that requires grad, to fold instead
    if d1 == 3 and d2 == 3 and a.shape[0] != b.shape[0]:
        if a.shape[0] == 1 and a_grad:
            return _matmul_entry(a[0], b, a_grad, b_grad)
        if b.shape[0] == 1 and b_grad:
            return _matmul_entry(a, b[0], a_grad, b_grad)
    n = a.shape[-2] if d1 > 1 else 1
    m2 = b.shape[-2] if d2 > 1 else b.shape[0]
    p = b.shape[-1] if d2 > 1 else 1
    batch1 = a.shape[:max(d1 - 2, 0)]
    batch2 = b.shape[:max(d2 - 2, 0)]
    broadcast_check(batch1, batch2)
    batch = math.prod(np.broadcast_shapes(batch1, batch2))
    _check_bmm((batch, n, a.shape[-1]), (batch, m2, p), a.dtype, b.dtype)
    return D.MATMUL


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with NumPy's rules: dot for two vectors, a vector is a row on the left and
    a column on the right, batch dims broadcast. The dtypes must agree (no promotion).

    >>> import chainrule as torch
    >>> a = torch.ones(2, 3, 4)
    >>> (a @ torch.ones(4, 5)).shape
    torch.Size([2, 3, 5])
    """
    _tensor_arg("matmul", "input", 1, input)
    _tensor_arg("matmul", "other", 2, other)
    entry = _matmul_entry(input._data, other._data, input._requires_grad, other._requires_grad)
    return _product(entry, input, other)


def _matmul_method(self: Tensor, other: Any) -> Any:
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(self, other)


def _rmatmul_method(self: Tensor, other: Any) -> Any:
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def _matmul_t(x: Tensor, y: Tensor, tx: bool, ty: bool) -> Tensor:
    """``op(x) @ op(y)`` recorded, for backward formulas under ``create_graph``: named as torch
    names the product of such operands."""
    nx, ny = x._data.ndim, y._data.ndim
    if nx == 1 and ny == 1:
        entry = D.DOT
    elif nx == 2 and ny == 1:
        entry = D.MV
    elif nx == 1 and ny == 2:
        entry = D.MATMUL_VM
    elif nx == 2 and ny == 2:
        entry = D.MM
    elif nx == 3 and ny == 3 and x._data.shape[0] == y._data.shape[0]:
        entry = D.BMM
    else:
        entry = D.MATMUL
    return call(entry, (x, y), (x._data, y._data), (tx, ty))


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """The outer product of two vectors, dtypes promoted (torch records ``MulBackward0``)."""
    _tensor_arg("outer", "input", 1, input)
    _tensor_arg("outer", "vec2", 2, vec2)
    for name, t in (("self", input), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got "
                               f"{t._data.ndim}-D")
    A, B = binary_arrays(False, input, vec2)
    return call(D.OUTER, (input, vec2), (A, B))


ger = outer


def inner(input: Tensor, other: Tensor) -> Tensor:
    """Sum of products over the last dims: ``tensordot(input, other, ([-1], [-1]))``; a 0-d
    operand multiplies."""
    _tensor_arg("inner", "input", 1, input)
    _tensor_arg("inner", "other", 2, other)
    a, b = input._data, other._data
    if a.ndim == 0 or b.ndim == 0:
        from .api import mul

        return mul(input, other)
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but "
                           f"got shapes {list(a.shape)} and {list(b.shape)}")
    return _tensordot(input, other, [-1], [-1])


def addmm(input: Tensor, mat1: Tensor, mat2: Tensor, *, beta: Any = 1,
          alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat1 @ mat2)``, ``input`` broadcast to the product's shape
    (``AddmmBackward0``); with ``beta=0`` ``input`` is ignored, nan included.

    >>> import chainrule as torch
    >>> torch.addmm(torch.ones(2), torch.eye(2), torch.ones(2, 2), alpha=2)
    tensor([[3., 3.],
            [3., 3.]])
    """
    for name, pos, t in (("input", 1, input), ("mat1", 2, mat1), ("mat2", 3, mat2)):
        _tensor_arg("addmm", name, pos, t)
    s, a, b = input._data, mat1._data, mat2._data
    _check_addmm_dtypes(s.dtype, a.dtype, b.dtype)
    for name, m in (("mat1", a), ("mat2", b)):
        if m.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {m.ndim}-D tensor")
    _check_mm(a.shape, b.shape, a.dtype, b.dtype)
    _expand_check(s, (a.shape[0], b.shape[1]))
    if s.dtype.kind in "biu":  # integer tensors take the scalars as integers
        beta, alpha = int(beta), int(alpha)
    return call(D.ADDMM, (input, mat1, mat2), (s, a, b), (beta, alpha))


def _check_addmm_dtypes(ds: Any, da: Any, db: Any) -> None:
    """torch's dtype checks of addmm: self against mat2, then mat1 against mat2."""
    if ds != db:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got {_sname(ds)} and "
                           f"{_sname(db)}")
    if da != db:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got {_sname(da)} and "
                           f"{_sname(db)}")


def _expand_check(a: Any, size: tuple) -> None:
    """torch's errors for ``expand(a, size)``."""
    shape = a.shape
    if len(size) < len(shape):
        raise RuntimeError(
            f"expand(torch.{SCALAR_NAMES[a.dtype.name]}Tensor{{{list(shape)}}}, "
            f"size={list(size)}): the number of sizes provided ({len(size)}) must be greater or "
            f"equal to the number of dimensions in the tensor ({len(shape)})")
    lead = len(size) - len(shape)
    for i, n in enumerate(shape):
        want = size[lead + i]
        if n != want and n != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({n}) "
                f"at non-singleton dimension {lead + i}.  Target sizes: {list(size)}.  Tensor "
                f"sizes: {list(shape)}")


def trace(input: Tensor) -> Tensor:
    """The sum of the main diagonal of a matrix (``TraceBackward0``); integers sum to int64."""
    _tensor_arg("trace", "input", 1, input)
    a = input._data
    if a.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
    _not_for_bool("trace", a.dtype)
    if a.dtype.kind in "iu" and a.dtype != np.int64:
        a = a.astype(np.int64)
    return call(D.TRACE, (input,), (a,))


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product; the operand of fewer dims gets leading ones."""
    _tensor_arg("kron", "input", 1, input)
    _tensor_arg("kron", "other", 2, other)
    # torch multiplies reshaped operands, so a 0-d one promotes as a dimensioned tensor would
    a, b = input._data, other._data
    dt = _dtypes.result_type((a.dtype, b.dtype), (), ())
    return call(D.KRON, (input, other), (np.asarray(a, dt), np.asarray(b, dt)))


# ---- einsum and tensordot ---------------------------------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _parse_einsum(equation: str, shapes: list) -> tuple:
    """torch's parsing and checks of an einsum equation. Returns the explicit equation (every
    dim labelled, ellipsis dims by letters of their own), whether dims are contracted (summed
    out), and the output's labels."""
    n_ops = len(shapes)
    arrow = equation.find("->")
    lhs = equation if arrow < 0 else equation[:arrow]
    op_labels: list = [[] for _ in range(n_ops)]
    ell_in_input = False
    cur = 0
    i = 0
    while i < len(lhs):
        c = lhs[i]
        if c == " ":
            pass
        elif c == ".":
            if ell_in_input:
                raise RuntimeError(f"einsum(): found '.' for operand {cur} for which an "
                                   "ellipsis was already found")
            if not (i + 2 < len(lhs) and lhs[i + 1] == "." and lhs[i + 2] == "."):
                raise RuntimeError(f"einsum(): found '.' for operand {cur} that is not part of "
                                   "any ellipsis")
            i += 2
            op_labels[cur].append("...")
            ell_in_input = True
        elif c == ",":
            cur += 1
            if cur >= n_ops:
                raise RuntimeError("einsum(): fewer operands were provided than specified in "
                                   "the equation")
            ell_in_input = False
        else:
            if not (c.isascii() and c.isalpha()):
                raise RuntimeError(f"einsum(): invalid subscript given at index {i} in the "
                                   "equation string, subscripts must be in [a-zA-Z]")
            op_labels[cur].append(c)
        i += 1
    if cur != n_ops - 1:
        raise RuntimeError("einsum(): more operands were provided than specified in the "
                           "equation")
    counts: dict = {}
    ell_num_dim = 0
    for k, (labels, shape) in enumerate(zip(op_labels, shapes)):
        nlabels = len(labels)
        has_ell = "..." in labels
        if has_ell:
            nlabels -= 1
            ell_num_dim = max(ell_num_dim, len(shape) - nlabels)
        for c in labels:
            if c != "...":
                counts[c] = counts.get(c, 0) + 1
        if (nlabels > len(shape)) if has_ell else (nlabels != len(shape)):
            raise RuntimeError(
                f"einsum(): the number of subscripts in the equation ({nlabels}) "
                + ("is more than the number of dimensions (" if has_ell else
                   "does not match the number of dimensions (")
                + f"{len(shape)}) for operand {k}" + ("" if has_ell else
                                                       " and no ellipsis was given"))
    used = set(counts)
    ell_letters = [c for c in _LETTERS if c not in used][:ell_num_dim]
    if len(ell_letters) < ell_num_dim:
        raise RuntimeError("einsum(): too many dimensions for chainrule's einsum")
    if arrow < 0:
        out = "".join(ell_letters) + "".join(c for c in _LETTERS if counts.get(c) == 1)
        ell_in_output = True
    else:
        rhs = equation[arrow + 2:]
        out = ""
        ell_in_output = False
        i = 0
        while i < len(rhs):
            c = rhs[i]
            if c == " ":
                pass
            elif c == ".":
                if ell_in_output:
                    raise RuntimeError("einsum(): found '.' for output but an ellipsis (...) "
                                       "was already found")
                if not (i + 2 < len(rhs) and rhs[i + 1] == "." and rhs[i + 2] == "."):
                    raise RuntimeError("einsum(): found '.' for output that is not part of any "
                                       "ellipsis (...)")
                i += 2
                out += "".join(ell_letters)
                ell_in_output = True
            else:
                if not (c.isascii() and c.isalpha()):
                    raise RuntimeError(f"einsum(): invalid subscript given at index "
                                       f"{len(lhs) + 2 + i} in the equation string, subscripts "
                                       "must be in [a-zA-Z]")
                if not counts.get(c) or c in out:
                    raise RuntimeError(
                        f"einsum(): output subscript {c}"
                        + (" appears more than once in the output" if c in out else
                           " does not appear in the equation for any input operand"))
                out += c
            i += 1
    # sizes: labels and ellipsis dims broadcast from size 1; a repeated label is a diagonal
    label_size: dict = {}
    ell_sizes = [1] * ell_num_dim
    subs = []
    for k, (labels, shape) in enumerate(zip(op_labels, shapes)):
        sub = ""
        dim = 0
        first: dict = {}
        for c in labels:
            if c == "...":
                nd = len(shape) - (len(labels) - 1)
                for j in range(ell_num_dim - nd, ell_num_dim):
                    n = shape[dim]
                    if n != 1:
                        if ell_sizes[j] != 1 and ell_sizes[j] != n:
                            raise RuntimeError(
                                f"einsum(): dimension {dim} covered by ellipsis in operand {k}"
                                f"has size {n} which does not broadcast with previously seen "
                                f"ellipsis with size {ell_sizes[j]} for the respective "
                                "dimension")
                        ell_sizes[j] = n
                    sub += ell_letters[j]
                    dim += 1
                continue
            n = shape[dim]
            if c in first:
                prev = shape[first[c]]
                if n != prev:
                    raise RuntimeError(f"einsum(): subscript {c} is repeated for operand {k} "
                                       f"but the sizes don't match, {n} != {prev}")
            else:
                first[c] = dim
                if n != 1:
                    seen = label_size.get(c, 1)
                    if seen != 1 and seen != n:
                        raise RuntimeError(f"einsum(): subscript {c} has size {n} for operand "
                                           f"{k} which does not broadcast with previously seen "
                                           f"size {seen}")
                    label_size[c] = n
            sub += c
            dim += 1
        subs.append(sub)
    contracted = (ell_num_dim > 0 and not ell_in_output) or any(c not in out for c in counts)
    return ",".join(subs) + "->" + out, contracted


def einsum(*args: Any) -> Tensor:
    """Einstein summation: ``einsum("ij,jk->ik", a, b)``, ``...`` for broadcast dims, the
    output implicit without ``->``; also the sublist form ``einsum(a, [0, 1], b, [1, 2])``.

    >>> import chainrule as torch
    >>> torch.einsum("i,i->", torch.tensor([1., 2.]), torch.tensor([3., 4.]))
    tensor(11.)
    """
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, "
                         "or at least one operand and its subscripts list")
    if isinstance(args[0], Tensor):
        equation, operands = _sublist_equation(args)
    else:
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for k, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {k} in argument 1, but got "
                            f"{type(t).__name__}")
    arrays = [t._data for t in operands]
    explicit, contracted = _parse_einsum(equation, [a.shape for a in arrays])
    arrays = _einsum_dtypes(arrays, explicit)
    if len(operands) == 1:
        entry = D.EINSUM_SUM if contracted else D.EINSUM_PERMUTE
    else:
        entry = D.EINSUM_VIEW if contracted else D.EINSUM_MUL
    return call_list(entry, operands, arrays, (explicit,))


def _summed(dt: Any) -> Any:
    return np.dtype(np.int64) if dt.kind in "biu" else dt


def _einsum_dtypes(arrays: list, explicit: str) -> list:
    """The operands in the dtype torch computes in, found by following torch's pairwise
    contraction (left to right) on sizes and dtypes: a pair with dims to contract goes through
    bmm (one dtype, not bool), a pair without multiplies (promotion); dims summed alone sum as
    ``sum`` does (integers to int64)."""
    lhs, out = explicit.split("->")
    contracted = sorted(set(lhs) - set(out) - {","})
    ops = []
    for sub, a in zip(lhs.split(","), arrays):
        ops.append((dict(zip(sub, a.shape)), a.dtype))
    if len(ops) == 1:
        dt = _summed(ops[0][1]) if contracted else ops[0][1]
        return [arrays[0].astype(dt, copy=False)]
    counts = {c: sum(1 for size, _ in ops if size.get(c, 1) != 1) for c in contracted}
    while len(ops) > 1:
        (a, da), (b, db) = ops[0], ops[1]
        del ops[:2]
        sum_dims = []
        for c in contracted:
            na, nb = a.get(c, 1), b.get(c, 1)
            if na != 1 and nb != 1:
                counts[c] -= 1
                if counts[c] == 1:
                    sum_dims.append(c)
                    counts[c] = 0
            elif counts[c] == 1:
                if na != 1:
                    a, da = {**a, c: 1}, _summed(da)
                    counts[c] = 0
                elif nb != 1:
                    b, db = {**b, c: 1}, _summed(db)
                    counts[c] = 0
        if sum_dims:
            _not_for_bool("bmm", da)
            if da != db:
                raise RuntimeError(f"expected scalar type {_sname(da)} but found {_sname(db)}")
            dt = da
        else:
            dt = _dtypes.result_type((da, db), (), ())
        size = {c: max(a.get(c, 1), b.get(c, 1)) for c in set(a) | set(b)}
        size.update((c, 1) for c in sum_dims)
        ops.insert(0, (size, dt))
    dt = ops[0][1]
    return [a.astype(dt, copy=False) for a in arrays]


def _sublist_equation(args: tuple) -> tuple:
    """The sublist form: operands each followed by a list of ints (``Ellipsis`` for ``...``),
    then optionally the output's list."""
    def subscript(n: Any) -> str:
        if n is Ellipsis:
            return "..."
        if 0 <= n < 26:
            return chr(ord("A") + n)
        if 26 <= n < 52:
            return chr(ord("a") + n - 26)
        raise ValueError("einsum(): subscript in subscript list is not within the valid range "
                         "[0, 52)")

    operands = list(args[0::2][:len(args) // 2])
    subs = [",".join("".join(subscript(n) for n in sub) for sub in args[1::2][:len(operands)])]
    equation = subs[0]
    if len(args) % 2:
        equation += "->" + "".join(subscript(n) for n in args[-1])
    return equation, operands


def tensordot(a: Tensor, b: Tensor, dims: Any = 2) -> Tensor:
    """Contracts the last ``dims`` dims of ``a`` with the first of ``b``, or the dims listed
    in ``dims = (dims_a, dims_b)``.

    >>> import chainrule as torch
    >>> torch.tensordot(torch.ones(2, 3), torch.ones(3, 4), dims=1).shape
    torch.Size([2, 4])
    """
    _tensor_arg("tensordot", "a", 1, a)
    _tensor_arg("tensordot", "b", 2, b)
    if isinstance(dims, Tensor):
        if dims.numel() > 1:
            dims = dims.tolist()
        else:
            dims = int(dims.item())
            if dims < 0:
                raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
    if isinstance(dims, bool) or not isinstance(dims, (int, tuple, list)):
        raise RuntimeError("tensordot expects dims to be int or Tuple[List[int], List[int]] or "
                           f"List[List[int]] containing two lists, but got dims={dims}")
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a._data.ndim, b._data.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return _tensordot(a, b, list(range(-dims, 0)), list(range(dims)))
    dims_a, dims_b = dims
    for name, pos, ds in (("dims_self", 3, dims_a), ("dims_other", 4, dims_b)):
        if isinstance(ds, int):
            raise TypeError(f"tensordot(): argument '{name}' (position {pos}) must be tuple "
                            f"of ints, not int")
    return _tensordot(a, b, list(dims_a), list(dims_b))


def _tensordot(a: Tensor, b: Tensor, dims_a: list, dims_b: list) -> Tensor:
    A, B = a._data, b._data
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    if A.dtype != B.dtype:
        raise RuntimeError("both inputs should have same dtype")
    for da, db in zip(dims_a, dims_b):
        s1 = A.shape[_dim(da, A.ndim)] if A.ndim else 1
        s2 = B.shape[_dim(db, B.ndim)] if B.ndim else 1
        if s1 != s2 and s1 != 1 and s2 != 1:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {s1} "
                               f"in dim {da} and second has size {s2} in dim {db}")
    na = [_unique_dim(d, A.ndim, dims_a) for d in dims_a]
    nb = [_unique_dim(d, B.ndim, dims_b) for d in dims_b]
    if A.size and B.size:  # torch's kernel: dot for a single output element, else mm
        free = math.prod(n for i, n in enumerate(A.shape) if i not in na) * \
            math.prod(n for i, n in enumerate(B.shape) if i not in nb)
        _not_for_bool("dot" if free == 1 else "addmm_impl_cpu_", A.dtype)
    la = list(_LETTERS[:A.ndim])
    lb = list(_LETTERS[A.ndim:A.ndim + B.ndim])
    for da, db in zip(na, nb):
        lb[db] = la[da]
    out = "".join(c for i, c in enumerate(la) if i not in na) + \
        "".join(c for i, c in enumerate(lb) if i not in nb)
    equation = "".join(la) + "," + "".join(lb) + "->" + out
    return call_list(D.TENSORDOT, [a, b], [A, B], (equation,))


def _unique_dim(d: int, ndim: int, dims: list) -> int:
    d = _dim(d, ndim)
    if sum(_dim(x, ndim) == d for x in dims) > 1:
        raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
    return d


# ---- inverse, determinant, solve ---------------------------------------------------------------

def _square_check(A: Tensor, fn: str, name: str = "A") -> Any:
    a = A._data
    if a.ndim < 2:
        raise RuntimeError(f"{fn}: The input tensor {name} must have at least 2 dimensions.")
    if a.shape[-1] != a.shape[-2]:
        raise RuntimeError(f"{fn}: {name} must be batches of square matrices, but they are "
                           f"{a.shape[-2]} by {a.shape[-1]} matrices")
    return a


def _float_check(a: Any, fn: str, low_precision: bool = True) -> None:
    if a.dtype.kind not in "fc":
        raise RuntimeError(f"{fn}: Expected a floating point or complex tensor as input. Got "
                           f"{_sname(a.dtype)}")
    if not low_precision and a.dtype == np.float16:
        raise RuntimeError(f"{fn}: Low precision dtypes not supported. Got Half")


def _first_zero_pivot(a: Any) -> Any:
    """For each matrix of a batch, LAPACK getrf's info: the 1-based index of the first zero
    pivot of LU with partial pivoting, 0 if none. torch factors the transpose of a contiguous
    matrix; the error path alone runs this."""
    n = a.shape[-1]
    m = np.swapaxes(a, -1, -2).reshape(-1, n, n).astype(np.float64)
    rows = np.arange(m.shape[0])
    info = np.zeros(m.shape[0], dtype=np.int64)
    for k in range(n):
        p = k + np.argmax(np.abs(m[:, k:, k]), axis=1)
        top = m[rows, k].copy()
        m[rows, k] = m[rows, p]
        m[rows, p] = top
        pivot = m[:, k, k]
        zero = pivot == 0
        info = np.where(zero & (info == 0), k + 1, info)
        factors = np.where(zero[:, None], 0.0, m[:, k + 1:, k] / np.where(zero, 1.0, pivot)[:,
                                                                                         None])
        m[:, k + 1:, k:] -= factors[:, :, None] * m[:, None, k, k:]
    return info.reshape(a.shape[:-2])


def _batch_prefix(info: Any) -> tuple:
    """The first failing matrix: torch's ``(Batch element i): `` for batches, and its index."""
    if info.ndim == 0:
        return "", int(info)
    flat = info.reshape(-1)
    i = int(np.flatnonzero(flat)[0])
    return f"(Batch element {i}): ", int(flat[i])


def inv(A: Tensor) -> Tensor:
    """The inverse of a square matrix or a batch of them (``LinalgInvExBackward0``); a singular
    matrix raises ``LinAlgError``.

    >>> import chainrule as torch
    >>> torch.linalg.inv(torch.tensor([[2., 0.], [0., 4.]]))
    tensor([[0.5000, 0.0000],
            [0.0000, 0.2500]])
    """
    _tensor_arg("linalg_inv", "A", 1, A)
    a = _square_check(A, "linalg.inv")
    _float_check(a, "linalg.inv", low_precision=False)
    try:
        return call(D.INV, (A,), (a,))
    except np.linalg.LinAlgError:
        prefix, k = _batch_prefix(_first_zero_pivot(a))
        raise _LinAlgError(f"linalg.inv: {prefix}The diagonal element {k} is zero, the "
                           "inversion could not be completed because the input matrix is "
                           "singular.") from None


def inverse(input: Tensor) -> Tensor:
    """``linalg.inv``."""
    return inv(input)


def det(A: Tensor) -> Tensor:
    """The determinant of a square matrix or a batch of them (``LinalgDetBackward0``).

    >>> import chainrule as torch
    >>> torch.linalg.det(torch.tensor([[1., 2.], [3., 4.]]))
    tensor(-2.)
    """
    _tensor_arg("linalg_det", "A", 1, A)
    a = _square_check(A, "linalg.det")
    _float_check(a, "linalg.det")
    if a.dtype == np.float16:
        raise NotImplementedError("\"lu_cpu\" not implemented for 'Half'")
    return call(D.DET, (A,), (a,))


def _is_vector_rhs(a: Any, b: Any) -> bool:
    return b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])


def solve(A: Tensor, B: Tensor, *, left: bool = True) -> Tensor:
    """X with ``A X = B`` (or ``X A = B`` with ``left=False``), batch dims broadcast; B is a
    vector (or a batch of vectors) when it has A's shape without the last dim.

    >>> import chainrule as torch
    >>> torch.linalg.solve(torch.tensor([[2., 0.], [0., 4.]]), torch.tensor([2., 2.]))
    tensor([1.0000, 0.5000])
    """
    _tensor_arg("linalg_solve", "A", 1, A)
    _tensor_arg("linalg_solve", "B", 2, B)
    a, b = A._data, B._data
    _float_check(a, "linalg.solve")
    if a.dtype != b.dtype:
        raise RuntimeError(f"linalg.solve: Expected A and B to have the same dtype, but found A "
                           f"of type {_sname(a.dtype)} and B of type {_sname(b.dtype)} instead")
    vector = a.ndim >= 2 and _is_vector_rhs(a, b)
    _square_check(A, "linalg.solve")
    bm = b[..., None] if vector else b
    if bm.ndim < 2:
        raise RuntimeError("linalg.solve: The input tensor B must have at least 2 dimensions.")
    if (a.shape[-2] != bm.shape[-2]) if left else (a.shape[-1] != bm.shape[-1]):
        raise RuntimeError(f"linalg.solve: Incompatible shapes of A and B for the equation "
                           f"{'AX = B' if left else 'XA = B'} ({a.shape[-2]}x{a.shape[-1]} and "
                           f"{bm.shape[-2]}x{bm.shape[-1]})")
    broadcast_check(bm.shape[:-2], a.shape[:-2])
    if not left and vector:
        raise RuntimeError("linalg.solve: Vector broadcasting of the left hand side is not "
                           "supported for left=False. In this case linalg.solve is equivalent "
                           "to B / A.squeeze(-1)")
    if a.dtype == np.float16:
        raise NotImplementedError("\"lu_cpu\" not implemented for 'Half'")
    return _solve(A, B, left, False, vector)


def _solve(A: Tensor, B: Tensor, left: bool, adjoint: bool, vector: bool) -> Tensor:
    a, b = A._data, B._data
    try:
        return call(D.SOLVE, (A, B), (a, b), (left, adjoint, vector))
    except np.linalg.LinAlgError:
        # torch reports on A's own batch (an LU per matrix of A), not on the broadcast one
        prefix, _ = _batch_prefix(_first_zero_pivot(a))
        raise _LinAlgError(f"torch.linalg.solve: {prefix}The solver failed because the input "
                           "matrix is singular.") from None


def vecdot(x: Tensor, y: Tensor, *, dim: int = -1) -> Tensor:
    """The dot product of vectors along ``dim``, batch dims broadcast (``(x * y).sum(dim)``)."""
    from .api import mul, sum

    _tensor_arg("linalg_vecdot", "x", 1, x)
    _tensor_arg("linalg_vecdot", "y", 2, y)
    return sum(mul(x, y), dim)



# ---- singular value decomposition -----------------------------------------------------------

def _bool_arg(fn: str, name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise TypeError(f"{fn}(): argument '{name}' must be bool, not {type(value).__name__}")


def _svd_checks(A: Tensor, fn: str, driver: Any, legacy: bool = False) -> Any:
    """torch's checks of linalg.svd, in its order: rank, dtype, driver, kernel dtype."""
    if driver is not None and not isinstance(driver, str):
        raise TypeError(f"{fn}(): argument 'driver' must be str, not {type(driver).__name__}")
    a = A._data
    if a.ndim < 2:
        if legacy:
            raise RuntimeError(f"linalg.svd: input should have at least 2 dimensions, but has "
                               f"{a.ndim} dimensions instead")
        raise RuntimeError("linalg.svd: The input tensor A must have at least 2 dimensions.")
    _float_check(a, "linalg.svd")
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")
    if a.dtype == np.float16:
        raise NotImplementedError("\"linalg_svd_cpu\" not implemented for 'Half'")
    return a


def _svd_call(A: Tensor, a: Any, full_matrices: bool, compute_uv: bool) -> tuple:
    """The SVD node's three outputs; LAPACK's failure as torch reports it."""
    try:
        return call_multi(D.SVD, (A,), (a,), (full_matrices, compute_uv))
    except np.linalg.LinAlgError:
        bad = ~np.isfinite(a).all(axis=(-2, -1))
        if bad.any():
            prefix, _ = _batch_prefix(bad)
            reason = "contained non-finite values."
        else:
            prefix, _ = _batch_prefix(np.ones(a.shape[:-2], dtype=bool))
            reason = "is ill-conditioned or has too many repeated singular values."
        raise _LinAlgError(f"linalg.svd: {prefix}The algorithm failed to converge because the "
                           f"input matrix {reason}") from None


def _needs_uv(A: Tensor) -> bool:
    """Whether a gradient may reach A (backward or forward mode): then svdvals computes the
    singular vectors too, which its backward needs (torch's _may_require_fw_or_bw_grad)."""
    return (A._requires_grad and _state.grad_enabled) or bool(forward_ad[0])


def linalg_svd(A: Tensor, full_matrices: bool = True, *, driver: Any = None) -> Any:
    """``A = U diag(S) Vh`` over the last two dims, S descending (``LinalgSvdBackward0``); with
    ``full_matrices`` U and Vh are square, else (m, k) and (k, n), k = min(m, n). Singular
    vectors are unique up to sign only.

    >>> import chainrule as torch
    >>> torch.linalg.svd(torch.tensor([[3., 0.], [0., -4.]])).S
    tensor([4., 3.])
    """
    _tensor_arg("linalg_svd", "A", 1, A)
    _bool_arg("linalg_svd", "full_matrices", full_matrices)
    a = _svd_checks(A, "linalg_svd", driver)
    return return_types.linalg_svd(_svd_call(A, a, full_matrices, True))


def linalg_svdvals(A: Tensor, *, driver: Any = None) -> Tensor:
    """The singular values of A (or of each matrix of a batch), descending; the gradient
    flows through the singular vectors, computed when a gradient may reach A.

    >>> import chainrule as torch
    >>> torch.linalg.svdvals(torch.tensor([[3., 0.], [0., -4.]]))
    tensor([4., 3.])
    """
    _tensor_arg("linalg_svdvals", "A", 1, A)
    a = _svd_checks(A, "linalg_svdvals", driver)
    return _svd_call(A, a, False, _needs_uv(A))[1]


def svd(input: Tensor, some: bool = True, compute_uv: bool = True) -> Any:
    """The legacy SVD: ``(U, S, V)`` with ``input = U diag(S) V^T``, V the transpose of
    linalg.svd's Vh (``TransposeBackward0``); ``some=False`` gives square U and V. Without
    ``compute_uv``, U and V are square zero matrices.

    >>> import chainrule as torch
    >>> torch.svd(torch.tensor([[3., 0.], [0., -4.]])).S
    tensor([4., 3.])
    """
    from .shape import transpose

    _tensor_arg("svd", "input", 1, input)
    _bool_arg("svd", "some", some)
    _bool_arg("svd", "compute_uv", compute_uv)
    a = _svd_checks(input, "svd", None, legacy=True)
    if compute_uv:
        U, S, Vh = _svd_call(input, a, not some, True)
        return return_types.svd((U, S, transpose(Vh, -2, -1)))
    S = _svd_call(input, a, not some, _needs_uv(input))[1]
    m, n = a.shape[-2:]
    batch = a.shape[:-2]
    return return_types.svd((_make(np.zeros(batch + (m, m), a.dtype)), S,
                             _make(np.zeros(batch + (n, n), a.dtype))))


# ---- products added to a scaled input: addmv, addr, baddbmm, addbmm -----------------------------

def _scalars(fn: str, dt: Any, beta: Any, alpha: Any, strict_ints: bool = False) -> tuple:
    """beta and alpha as the kernels take them: integer tensors truncate float scalars (or,
    for addr, refuse them); a complex scalar does not fit a real tensor."""
    for v in (beta, alpha):
        if isinstance(v, complex) and dt.kind != "c":
            raise RuntimeError(f"value cannot be converted to type {_cname(dt)} without overflow")
    if dt.kind in "iu":
        if strict_ints:
            for name, v in (("beta", beta), ("alpha", alpha)):
                if isinstance(v, float):
                    raise RuntimeError(f"For integral input tensors, argument {name} must not be "
                                       "a floating point number.")
        return int(beta), int(alpha)
    if dt.kind == "b":
        return bool(beta), bool(alpha)
    return beta, alpha


def _size(a: Any, d: int) -> int:
    """``a.size(d)``, with torch's IndexError for a dim out of range."""
    return a.shape[_dim(d, a.ndim)]


def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (mat @ vec)`` (``AddmvBackward0``); with ``beta=0`` ``input``
    is ignored, nan included.

    >>> import chainrule as torch
    >>> torch.addmv(torch.ones(2), torch.eye(2), torch.tensor([1., 2.]), beta=2)
    tensor([3., 4.])
    """
    for name, pos, t in (("input", 1, input), ("mat", 2, mat), ("vec", 3, vec)):
        _tensor_arg("addmv", name, pos, t)
    s, m, v = input._data, mat._data, vec._data
    if not (m.ndim == 2 and v.ndim == 1 and s.ndim <= 1):
        raise RuntimeError(f"vector + matrix @ vector expected, got {s.ndim}, {m.ndim}, {v.ndim}")
    if m.shape[1] != v.shape[0] or (m.shape[0] != s.size and s.size != 1):
        raise RuntimeError(f"size mismatch, got input ({s.shape[0] if s.ndim else 1}), mat "
                           f"({m.shape[0]}x{m.shape[1]}), vec ({v.shape[0]})")
    if not s.dtype == m.dtype == v.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{_sname(s.dtype)}, {_sname(m.dtype)}, and {_sname(v.dtype)}")
    beta, alpha = _scalars("addmv", s.dtype, beta, alpha)
    return call(D.ADDMV, (input, mat, vec), (s, m, v), (beta, alpha))


def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta: Any = 1, alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * outer(vec1, vec2)``, dtypes promoted, ``input`` broadcast to
    the outer product (``AddrBackward0``); with ``beta=0`` ``input`` is ignored.

    >>> import chainrule as torch
    >>> torch.addr(torch.zeros(2, 2), torch.tensor([1., 2.]), torch.tensor([1., 3.]))
    tensor([[1., 3.],
            [2., 6.]])
    """
    for name, pos, t in (("input", 1, input), ("vec1", 2, vec1), ("vec2", 3, vec2)):
        _tensor_arg("addr", name, pos, t)
    for name, t in (("vec1", vec1), ("vec2", vec2)):
        if t._data.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {t._data.ndim}-D")
    tensors = (input, vec1, vec2)
    dt = _dtypes.result_type(tuple(t._data.dtype for t in tensors if t._data.ndim),
                             tuple(t._data.dtype for t in tensors if not t._data.ndim), ())
    s = input._data
    _expand_check(s, (vec1._data.shape[0], vec2._data.shape[0]))
    beta, alpha = _scalars("addr", dt, beta, alpha, strict_ints=True)
    arrays = tuple(t._data if t._data.dtype == dt else t._data.astype(dt) for t in tensors)
    return call(D.ADDR, tensors, arrays, (beta, alpha))


def baddbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
            alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * (batch1 @ batch2)`` for batches of matrices, ``input``
    broadcast to the product (``BaddbmmBackward0``); with ``beta=0`` ``input`` is ignored."""
    for name, pos, t in (("input", 1, input), ("batch1", 2, batch1), ("batch2", 3, batch2)):
        _tensor_arg("baddbmm", name, pos, t)
    s, a, b = input._data, batch1._data, batch2._data
    _expand_check(s, (_size(a, 0), _size(a, 1), _size(b, 2)))
    for name, m in (("batch1", a), ("batch2", b)):
        if m.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if b.shape[0] != a.shape[0] or b.shape[1] != a.shape[2]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a.shape[0]}, {a.shape[2]}] but got: [{b.shape[0]}, {b.shape[1]}].")
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_sname(a.dtype)} but found {_sname(b.dtype)}")
    if s.dtype != a.dtype:
        raise RuntimeError(f"Input dtypes must be the same, got: input {_cname(s.dtype)}, "
                           f"batch1: {_cname(a.dtype)}, batch2: {_cname(b.dtype)}")
    beta, alpha = _scalars("baddbmm", s.dtype, beta, alpha)
    return call(D.BADDBMM, (input, batch1, batch2), (s, a, b), (beta, alpha))


def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta: Any = 1,
           alpha: Any = 1) -> Tensor:
    """``beta * input + alpha * sum_i batch1[i] @ batch2[i]``, ``input`` broadcast to one
    matrix product (``AddbmmBackward0``); with ``beta=0`` ``input`` is ignored.

    >>> import chainrule as torch
    >>> torch.addbmm(torch.zeros(1, 1), torch.ones(3, 1, 2), torch.ones(3, 2, 1))
    tensor([[6.]])
    """
    for name, pos, t in (("input", 1, input), ("batch1", 2, batch1), ("batch2", 3, batch2)):
        _tensor_arg("addbmm", name, pos, t)
    s, a, b = input._data, batch1._data, batch2._data
    _expand_check(s, (_size(a, 1), _size(b, 2)))
    for name, m in (("batch1", a), ("batch2", b)):
        if m.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    if a.shape[0] != b.shape[0]:
        raise RuntimeError(f"batch1 and batch2 must have same number of batches, got "
                           f"{a.shape[0]} and {b.shape[0]}")
    if a.shape[2] != b.shape[1]:
        raise RuntimeError(f"Incompatible matrix sizes for bmm ({a.shape[1]}x{a.shape[2]} and "
                           f"{b.shape[1]}x{b.shape[2]})")
    if a.shape[0]:  # torch's per-batch addmm_ checks the dtypes
        _check_addmm_dtypes(s.dtype, a.dtype, b.dtype)
    beta, alpha = _scalars("addbmm", s.dtype, beta, alpha)
    return call(D.ADDBMM, (input, batch1, batch2), (s, a, b), (beta, alpha))


# ---- cross products, matrix powers, log-determinants, distances -------------------------------

def _int_arg(fn: str, name: str, pos: int, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
        raise TypeError(f"{fn}(): argument '{name}'{f' (position {pos})' if pos else ''} must be "
                        f"int, not {type(v).__name__}")
    return int(v)


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    """The cross product of 3-vectors along ``dim`` (batch dims broadcast; one dtype)
    (``LinalgCrossBackward0``).

    >>> import chainrule as torch
    >>> torch.linalg.cross(torch.tensor([1., 0., 0.]), torch.tensor([0., 1., 0.]))
    tensor([0., 0., 1.])
    """
    _tensor_arg("linalg_cross", "input", 1, input)
    _tensor_arg("linalg_cross", "other", 2, other)
    _int_arg("linalg_cross", "dim", 0, dim)
    a, b = input._data, other._data
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = _dim(dim, a.ndim)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d]} and {b.shape[d]}")
    broadcast_check(a.shape, b.shape)
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_sname(a.dtype)} but found {_sname(b.dtype)}")
    return call(D.LINALG_CROSS, (input, other), (a, b), (d,))


_CROSS_WARNED = [False]


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """``linalg.cross`` along ``dim``; without ``dim`` (deprecated, with torch's warning once)
    the first dim of size 3."""
    if dim is None:
        if not _CROSS_WARNED[0]:
            _CROSS_WARNED[0] = True
            warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                          "Please either pass the dim explicitly or simply use torch.linalg.cross."
                          "\nThe default value of dim will change to agree with that of "
                          "linalg.cross in a future release.", UserWarning, stacklevel=2)
        _tensor_arg("cross", "input", 1, input)
        dim = next((i for i, n in enumerate(input._data.shape) if n == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return linalg_cross(input, other, dim=dim)


def _matrix_power(fn: str, pos: int) -> Any:
    def power(A: Tensor, n: int) -> Tensor:
        """``A`` to the integer power ``n`` by repeated squaring (negative: of its inverse),
        composed as torch composes it: ``n = 0`` copies the identity into a clone of ``A``
        (``CopyBackwards``, zero gradient), ``n = 1`` clones, ``n = -1`` inverts, others
        multiply (``MmBackward0`` for one matrix).

        >>> import chainrule as torch
        >>> torch.linalg.matrix_power(torch.tensor([[1., 1.], [0., 1.]]), 3)
        tensor([[1., 3.],
                [0., 1.]])
        """
        from .._tensor import contiguous_format
        from .api import clone

        _tensor_arg(fn, "A" if fn.startswith("linalg") else "input", 1, A)
        n = _int_arg(fn, "n", pos, n)
        _square_check(A, "linalg.matrix_power")
        if n == 0:
            eye = np.broadcast_to(np.eye(A._data.shape[-1], dtype=A._data.dtype), A._data.shape)
            out = clone(A, memory_format=contiguous_format)
            return call(D.COPY, (out, None), (out._data, eye))
        if n == 1:
            return clone(A, memory_format=contiguous_format)
        if n == -1:
            return inv(A)
        a = inv(A) if n < 0 else A
        n = abs(n)
        if n == 2:
            return matmul(a, a)
        if n == 3:
            return matmul(matmul(a, a), a)
        # binary powers from the least significant bit: z = a^(2^k), the result collects the
        # z of every set bit
        z = result = None
        while n > 0:
            bit, n = n % 2, n // 2
            z = a if z is None else matmul(z, z)
            if bit:
                result = z if result is None else matmul(result, z)
        return result

    power.__name__ = power.__qualname__ = "matrix_power"
    return power


matrix_power = _matrix_power("matrix_power", 2)
linalg_matrix_power = _matrix_power("linalg_matrix_power", 2)
_matrix_power_method = _matrix_power("matrix_power", 1)


def _slogdet(A: Tensor, fn: str) -> tuple:
    _tensor_arg(fn.replace(".", "_"), "A", 1, A)
    a = _square_check(A, fn)
    _float_check(a, fn, low_precision=False)
    return call_multi(D.SLOGDET, (A,), (a,))


def linalg_slogdet(A: Tensor) -> Any:
    """``(sign, log|det A|)`` of a square matrix or a batch of them
    (``torch.return_types.linalg_slogdet``; ``LinalgSlogdetBackward0``). A singular matrix gives
    ``(0, -inf)``.

    >>> import chainrule as torch
    >>> torch.linalg.slogdet(torch.tensor([[0., 2.], [1., 0.]]))
    torch.return_types.linalg_slogdet(
    sign=tensor(-1.),
    logabsdet=tensor(0.6931))
    """
    return return_types.linalg_slogdet(_slogdet(A, "linalg.slogdet"))


def slogdet(input: Tensor) -> Any:
    """``linalg.slogdet`` as ``torch.return_types.slogdet``."""
    return return_types.slogdet(_slogdet(input, "linalg.slogdet"))


def logdet(input: Tensor) -> Tensor:
    """``log det(input)``: nan where the determinant is negative, -inf where it is 0; composed
    as torch composes it, ``where(sign == -1, nan, logabsdet)`` (``WhereBackward0``).

    >>> import chainrule as torch
    >>> torch.logdet(torch.tensor([[2., 0.], [0., 3.]]))
    tensor(1.7918)
    """
    from .api import eq, where

    _tensor_arg("logdet", "input", 1, input)
    a = _square_check(input, "logdet")
    _float_check(a, "logdet", low_precision=False)
    sign, logabsdet = call_multi(D.SLOGDET, (input,), (a,))
    return where(eq(sign, -1), math.nan, logabsdet)


_CDIST_MODES = {"use_mm_for_euclid_dist_if_necessary": 0, "use_mm_for_euclid_dist": 1,
                "donot_use_mm_for_euclid_dist": 2}


def cdist(x1: Tensor, x2: Tensor, p: float = 2.0,
          compute_mode: str = "use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The ``p``-norm distance between each row of ``x1`` and each row of ``x2`` (batch dims
    broadcast): ``(..., P, M)`` and ``(..., R, M)`` give ``(..., P, R)`` (``CdistBackward0``).
    For ``p=2`` with more than 25 rows (or ``compute_mode='use_mm_for_euclid_dist'``) torch
    computes through one matrix product, ``EuclideanDistBackward0`` then a view; so does this.

    >>> import chainrule as torch
    >>> torch.cdist(torch.tensor([[0., 0.]]), torch.tensor([[3., 4.], [1., 0.]]))
    tensor([[5., 1.]])
    """
    from .shape import expand, reshape, view

    mode = _CDIST_MODES.get(compute_mode)
    if mode is None:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    _tensor_arg("cdist", "x1", 1, x1)
    _tensor_arg("cdist", "x2", 2, x2)
    a, b = x1._data, x2._data
    for name, m in (("X1", a), ("X2", b)):
        if m.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {m.ndim}D")
    if a.shape[-1] != b.shape[-1]:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {a.shape[-1]} "
                           f"X2: {b.shape[-1]}")
    for name, m in (("X1", a), ("X2", b)):
        if m.dtype.kind != "f":
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{_sname(m.dtype)}")
    p = float(p)
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    batch = broadcast_shape(a.shape[:-2], b.shape[:-2])
    r1, r2 = a.shape[-2], b.shape[-2]
    mm = p == 2 and (mode == 1 or (mode == 0 and (r1 > 25 or r2 > 25)))
    if mm and a.size and b.size and a.shape[-1]:
        if a.dtype != b.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                               f"{_cname(a.dtype)} != {_cname(b.dtype)}")
        if math.prod(batch) != 1:  # both batches as one flat batch dim
            flat = (math.prod(batch),)
            x1 = reshape(expand(x1, batch + a.shape[-2:]), flat + a.shape[-2:])
            x2 = reshape(expand(x2, batch + b.shape[-2:]), flat + b.shape[-2:])
        return view(_euclidean_dist(x1, x2), batch + (r1, r2))
    if a.dtype != b.dtype:
        raise RuntimeError(f"expected scalar type {_sname(a.dtype)} but found {_sname(b.dtype)}")
    if a.dtype == np.float16:
        raise NotImplementedError("\"cdist\" not implemented for 'Half'")
    return call(D.CDIST, (x1, x2), (a, b), (p,))


def _euclidean_dist(x1: Tensor, x2: Tensor) -> Tensor:
    """torch's ``_euclidean_dist``: cdist's p = 2 through one matrix product
    (``EuclideanDistBackward0``), for rows of equal dtype and batch dims that broadcast."""
    _tensor_arg("_euclidean_dist", "x1", 1, x1)
    _tensor_arg("_euclidean_dist", "x2", 2, x2)
    return call(D.EUCLIDEAN_DIST, (x1, x2), (x1._data, x2._data))


def broadcast_shape(sa: tuple, sb: tuple) -> tuple:
    """The broadcast of two shapes, with torch's error."""
    broadcast_check(sa, sb)
    return tuple(np.broadcast_shapes(sa, sb))


# ---- backward helpers of both namespaces -------------------------------------------------------

def _adjugate_t(a: Any) -> Any:
    """adj(A)^T = det(U) det(Vh) U diag(prod_{j != k} S_j) Vh, which needs no inverse: torch's
    gradient of det at singular matrices under create_graph."""
    U, S, Vh = np.linalg.svd(a)
    alpha = np.linalg.det(U) * np.linalg.det(Vh)
    ones = np.ones(S.shape[:-1] + (1,), S.dtype)
    before = np.cumprod(np.concatenate([ones, S[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, S[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    prods = before * after * alpha[..., None]
    return np.matmul(U * prods[..., None, :], Vh)


def _det_backward_numpy(grad: Any, a: Any, det: Any) -> Any:
    # dL/dA = g det(A) A^-T. torch solves A^T X = g det(A) I with a zero pivot of the LU
    # replaced by eps, so a matrix with det exactly 0 gets 0 (its right-hand side is 0)
    n = a.shape[-1]
    singular = det == 0
    if np.any(singular):
        a = np.where(np.asarray(singular)[..., None, None], np.eye(n, dtype=a.dtype), a)
    d = np.asarray(grad * det)
    return d[..., None, None] * np.swapaxes(np.linalg.inv(a), -1, -2)


def _matrix_dims(t: Tensor) -> Tensor:
    from .shape import reshape

    return reshape(t, tuple(t._data.shape) + (1, 1))


def _det_backward_graph(grad: Tensor, A: Tensor, det: Tensor) -> Tensor:
    # recorded: solve(A^T, g det I). Where |det| < 100 eps torch uses the adjugate through an
    # SVD; here that branch is g adj(A)^T with adj(A) a constant (no further derivative in A)
    from .api import mul, where

    a = A._data
    n = a.shape[-1]
    eye = np.eye(n, dtype=a.dtype)
    small = np.abs(np.asarray(det._data)) < 100 * np.finfo(a.dtype).eps
    diag = mul(_matrix_dims(mul(grad, det)), _make(eye))
    if not small.any():
        return _solve(A, diag, True, True, False)
    singular = mul(_matrix_dims(grad), _make(_adjugate_t(a).astype(a.dtype)))
    if small.all():
        return singular
    mask = small[..., None, None]
    regular = _solve(where(_make(mask), _make(np.broadcast_to(eye, a.shape).copy()), A), diag,
                     True, True, False)
    return where(_make(mask), singular, regular)


def _lu_solve_t(a: Any, b: Any) -> Any:
    """X with A^T X = B through LU with partial pivoting of A, as LAPACK's getrf/getrs: a
    zero pivot is kept, so a singular A gives infinities and nans as torch's lu_solve does
    (np.linalg.solve refuses such A). Which entries are infinite and which nan depends on the
    arithmetic of the BLAS under torch; this follows the textbook order."""
    n = a.shape[-1]
    lu = np.array(a, dtype=np.result_type(a, b), copy=True)
    x = np.array(np.broadcast_to(b, np.broadcast_shapes(a.shape[:-2], b.shape[:-2]) +
                                 b.shape[-2:]), dtype=lu.dtype, copy=True)
    lu = np.broadcast_to(lu, x.shape[:-2] + (n, n)).copy()
    perm = np.broadcast_to(np.arange(n), x.shape[:-2] + (n,)).copy()
    idx = np.indices(x.shape[:-2])
    for k in range(n):
        p = k + np.argmax(np.abs(lu[..., k:, k]), axis=-1)
        rows = lu[(*idx, k)].copy()
        lu[(*idx, k)] = lu[(*idx, p)]
        lu[(*idx, p)] = rows
        pk = perm[(*idx, k)].copy()
        perm[(*idx, k)] = perm[(*idx, p)]
        perm[(*idx, p)] = pk
        pivot = lu[..., k, k]
        # LAPACK scales by the pivot's reciprocal (not a division: the rounding differs), and
        # leaves a zero column below a zero pivot as it is
        col = np.where((pivot == 0)[..., None], lu[..., k + 1:, k],
                       lu[..., k + 1:, k] * (1 / np.where(pivot == 0, 1, pivot))[..., None])
        lu[..., k + 1:, k] = col
        lu[..., k + 1:, k + 1:] -= col[..., :, None] * lu[..., None, k, k + 1:]
    # P A = L U, so A^T = U^T L^T P: solve U^T y = B, then L^T z = y, then X = P^T z
    for i in range(n):
        x[..., i, :] = (x[..., i, :] - np.einsum("...j,...jk->...k", lu[..., :i, i],
                                                 x[..., :i, :])) / lu[..., i, i, None]
    for i in range(n - 1, -1, -1):
        x[..., i, :] -= np.einsum("...j,...jk->...k", lu[..., i + 1:, i], x[..., i + 1:, :])
    out = np.empty_like(x)
    np.put_along_axis(out, perm[..., None], x, axis=-2)
    return out


def _slogdet_backward_numpy(grad: Any, a: Any, sign: Any) -> Any:
    # dL/dA = g A^-T: solve A^T X = g I (torch's lu_solve with adjoint=True). Where the LU of
    # A met a zero pivot (sign 0, log|det| = -inf) torch keeps it and gets infinities; so does
    # the LU of A here (LAPACK's solve would factor A^T, or refuse)
    n = a.shape[-1]
    rhs = np.asarray(grad)[..., None, None] * np.eye(n, dtype=a.dtype)
    if np.any(np.asarray(sign) == 0):
        return _lu_solve_t(a, rhs)
    return np.linalg.solve(np.swapaxes(a, -1, -2), rhs)


def _slogdet_backward_graph(grad: Tensor, A: Tensor, sign: Tensor) -> Tensor:
    # recorded: solve(A^T, g I); a singular A (log|det| = -inf, not differentiable) gets the
    # values of the plain backward, recorded as g times a constant
    from .api import mul

    a = A._data
    n = a.shape[-1]
    s = np.asarray(sign._data)
    if np.any(s == 0):
        ones = np.ones(np.shape(grad._data), dtype=a.dtype)
        return mul(_matrix_dims(grad), _make(_slogdet_backward_numpy(ones, a, s)))
    return _solve(A, mul(_matrix_dims(grad), _make(np.eye(n, dtype=a.dtype))), True, True, False)


NUMPY.slogdet_backward = _slogdet_backward_numpy
GRAPH.slogdet_backward = _slogdet_backward_graph
NUMPY.cross = lambda a, b, dim: np.cross(a, b, axis=dim)
GRAPH.cross = lambda a, b, dim: linalg_cross(a, b, dim=dim)
NUMPY.matmul_t = DL.matmul_forward
GRAPH.matmul_t = _matmul_t
NUMPY.einsum = lambda equation, *operands: DL.einsum_forward(list(operands), equation)
GRAPH.einsum = einsum
NUMPY.const_like = lambda a, like: a.astype(np.asarray(like).dtype)
GRAPH.const_like = lambda a, like: _make(a.astype(like._data.dtype))
NUMPY.solve_t = DL.solve_forward
GRAPH.solve_t = _solve
NUMPY.det_backward = _det_backward_numpy
GRAPH.det_backward = _det_backward_graph

# the public names (exported from chainrule) and the Tensor methods of this family
__all__ = ["addbmm", "addmm", "addmv", "addr", "baddbmm", "bmm", "cdist", "cross", "det", "dot",
           "einsum", "ger", "inner", "inverse", "kron", "logdet", "matmul", "matrix_power", "mm",
           "mv", "outer", "slogdet", "svd", "tensordot", "trace", "vdot"]
METHODS: dict = {
    "__matmul__": _matmul_method, "__rmatmul__": _rmatmul_method, "matmul": matmul, "mm": mm,
    "bmm": bmm, "mv": mv, "dot": dot, "vdot": vdot, "inner": inner, "outer": outer, "ger": ger,
    "addmm": addmm, "trace": trace, "kron": kron, "det": det, "inverse": inverse, "svd": svd,
    "addmv": addmv, "addr": addr, "baddbmm": baddbmm, "addbmm": addbmm, "cross": cross,
    "matrix_power": _matrix_power_method, "slogdet": slogdet, "logdet": logdet,
}
