"""The op table, linear algebra: matmul and friends, einsum, inverse, det, solve.

Every product is one entry computing ``op(self) @ op(other)``, where ``op`` transposes the last two
dims when its flag (``ta``, ``tb``) is set: a transposed view costs nothing and NumPy hands it to
BLAS as such. The backward of a product is again such a product, so the formulas need no
transpose op, and a recorded backward (``create_graph=True``) is built from the same entries.
The entries below differ only in the grad_fn name torch gives each case of ``matmul``.
"""

from __future__ import annotations

import math
from typing import Any

from ..._backend import ndarray, np
from ..registry import op
from .reductions import _vector_norm

# ---- products -------------------------------------------------------------------------------


def matmul_forward(self: Any, other: Any, ta: bool, tb: bool) -> Any:
    """``op(self) @ op(other)`` with NumPy's (torch's) rules for 1-D operands and batch dims."""
    if ta:
        self = self.swapaxes(-1, -2)
    if tb:
        other = other.swapaxes(-1, -2)
    return np.matmul(self, other)


def matmul_backward_self(F: Any, grad: Any, self_shape: tuple, other: Any, ta: bool,
                         tb: bool) -> Any:
    # C = op(A) @ op(B): dL/d op(A) = G @ op(B)^T; a 1-D operand is a row (left) or a column
    # (right) whose dim C lacks, so G gets it back with unsqueeze and the result loses it
    a_nd = len(self_shape)
    b_nd = other.ndim
    if a_nd == 1:
        if b_nd == 1:  # dot: G is 0-d
            return grad * other
        # a @ op(B), C (..., n): da = op(B) @ G
        if grad.ndim == 1:
            return F.matmul_t(other, grad, tb, False)
        return F.squeeze_dim(F.matmul_t(other, F.unsqueeze_dim(grad, -1), tb, False), -1)
    if b_nd == 1:
        # op(A) @ b, C (..., m): d op(A) = G b^T, an outer product per batch element
        if ta:
            return F.unsqueeze_dim(grad, -2) * F.unsqueeze_dim(other, -1)
        return F.unsqueeze_dim(grad, -1) * other
    if ta:  # dA = (G op(B)^T)^T = op(B) G^T
        return F.matmul_t(other, grad, tb, True)
    return F.matmul_t(grad, other, False, not tb)


def matmul_backward_other(F: Any, grad: Any, self: Any, other_shape: tuple, ta: bool,
                          tb: bool) -> Any:
    # C = op(A) @ op(B): dL/d op(B) = op(A)^T @ G
    a_nd = self.ndim
    b_nd = len(other_shape)
    if b_nd == 1:
        if a_nd == 1:
            return grad * self
        # op(A) @ b, C (..., m): db = op(A)^T G
        if grad.ndim == 1:
            return F.matmul_t(self, grad, not ta, False)
        return F.squeeze_dim(F.matmul_t(self, F.unsqueeze_dim(grad, -1), not ta, False), -1)
    if a_nd == 1:
        # a @ op(B): d op(B) = a G^T, an outer product per batch element
        if tb:
            return F.unsqueeze_dim(grad, -1) * self
        return F.unsqueeze_dim(self, -1) * F.unsqueeze_dim(grad, -2)
    if tb:  # dB = (op(A)^T G)^T = G^T op(A)
        return F.matmul_t(grad, self, True, ta)
    return F.matmul_t(self, grad, not ta, False)


def _product(name: str) -> Any:
    return op(name, matmul_forward, fw="bilinear", self=matmul_backward_self,
              other=matmul_backward_other)


DOT = _product("DotBackward0")
VDOT = _product("VdotBackward0")  # dot with the first operand conjugated: real tensors only
MV = _product("MvBackward0")
MM = _product("MmBackward0")
BMM = _product("BmmBackward0")
# matmul's other cases, named by the node torch's composite matmul ends with:
# batched (bmm, or mm/mv on the folded batch), then _unsafe_view back to the batch shape
MATMUL = _product("UnsafeViewBackward0")
# 1-D @ 2-D: a.unsqueeze(0).mm(b).squeeze_(0)
MATMUL_VM = _product("SqueezeBackward4")
# 2-D @ N-D folded through the transposes: (b.mT @ a.t()).mT.contiguous() ...
MATMUL_FOLDED_T = _product("CloneBackward0")
# ... where the transposed result is contiguous already (a row or a column per batch element)
MATMUL_FOLDED_T_VIEW = _product("TransposeBackward0")


def _scaled(g: Any, s: Any) -> Any:
    return g if s == 1 else g * s


def addmm_forward(self: Any, mat1: Any, mat2: Any, beta: Any, alpha: Any) -> Any:
    prod = np.matmul(mat1, mat2)
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:  # self is ignored, nan and inf included
        return prod
    other = self if beta == 1 else self * beta
    if type(prod) is ndarray and getattr(other, "dtype", None) is prod.dtype and (
            other.ndim == 0 or other.shape == prod.shape[-1:] or other.shape == prod.shape):
        # a bias row (or a scalar, or a full matrix) added into the fresh product, as NumPy
        # would add into a temporary: one array written instead of two
        return np.add(prod, other, out=prod)
    return prod + other


# beta * self + alpha * mat1 @ mat2 (self broadcast to the product's shape)
ADDMM = op("AddmmBackward0", addmm_forward, fw=None,
           self=lambda F, grad, beta: grad if beta == 1 else grad * beta,
           mat1=lambda F, grad, mat2, alpha: _scaled(F.matmul_t(grad, mat2, False, True), alpha),
           mat2=lambda F, grad, mat1, alpha: _scaled(F.matmul_t(mat1, grad, True, False), alpha))


# F.linear's addmm(bias, input, weight.t()) and, without a bias, mm(input, weight.t()). The
# right operand is the transpose of a C-ordered weight (column major), so its gradient is
# computed as torch's mm_mat2_backward computes it for that layout, (grad^T mat1)^T: after the
# TBackward0 that follows, the weight receives a C-ordered gradient it can keep, instead of one
# that must be copied into its layout (a slow transposing copy)
LINEAR_ADDMM = op(
    "AddmmBackward0", addmm_forward, fw=None,
    self=lambda F, grad, beta: grad if beta == 1 else grad * beta,
    mat1=lambda F, grad, mat2, alpha: _scaled(F.matmul_t(grad, mat2, False, True), alpha),
    mat2=lambda F, grad, mat1, alpha: _scaled(F.t(F.matmul_t(grad, mat1, True, False)), alpha))
LINEAR_MM = op(
    "MmBackward0", matmul_forward, fw="bilinear",
    self=lambda F, grad, other: F.matmul_t(grad, other, False, True),
    other=lambda F, grad, self: F.t(F.matmul_t(grad, self, True, False)))


def outer_backward_self(F: Any, grad: Any, vec2: Any) -> Any:
    return F.matmul_t(grad, vec2, False, False)


def outer_backward_vec2(F: Any, grad: Any, self: Any) -> Any:
    return F.matmul_t(self, grad, False, False)


# outer(u, v) = u[:, None] * v: torch records it as the product's MulBackward0
OUTER = op("MulBackward0", lambda self, vec2: np.multiply.outer(self, vec2), fw="bilinear",
           self=outer_backward_self, vec2=outer_backward_vec2)


def trace_backward(F: Any, grad: Any, self_shape: tuple) -> Any:
    # d tr(A) / dA = I (rectangular: ones on the main diagonal)
    return grad * np.eye(self_shape[0], self_shape[1], dtype=bool)


TRACE = op("TraceBackward0", lambda self: np.trace(self), fw="linear", self=trace_backward)


def add_scaled(self: Any, prod: Any, beta: Any, alpha: Any) -> Any:
    """``beta * self + alpha * prod`` (``self`` broadcast to the product); beta == 0 ignores
    ``self``, nan and inf included, as torch's addmv, addr, baddbmm and addbmm."""
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        return prod
    return prod + (self if beta == 1 else self * beta)


# beta * self + alpha * mat @ vec
ADDMV = op("AddmvBackward0",
           lambda self, mat, vec, beta, alpha: add_scaled(self, np.matmul(mat, vec), beta, alpha),
           fw=None,
           self=lambda F, grad, beta: _scaled(grad, beta),
           mat=lambda F, grad, vec, alpha: _scaled(F.unsqueeze_dim(grad, -1) * vec, alpha),
           vec=lambda F, grad, mat, alpha: _scaled(F.matmul_t(mat, grad, True, False), alpha))
# beta * self + alpha * outer(vec1, vec2)
ADDR = op("AddrBackward0",
          lambda self, vec1, vec2, beta, alpha: add_scaled(self, np.multiply.outer(vec1, vec2),
                                                           beta, alpha),
          fw=None,
          self=lambda F, grad, beta: _scaled(grad, beta),
          vec1=lambda F, grad, vec2, alpha: _scaled(F.matmul_t(grad, vec2, False, False), alpha),
          vec2=lambda F, grad, vec1, alpha: _scaled(F.matmul_t(grad, vec1, True, False), alpha))


def _add_batch_product(name: str, product: Any) -> Any:
    """``beta * self + alpha * product(batch1, batch2)``. Each batch's gradient is grad
    against the other factor; addbmm's grad (one matrix for the whole sum) broadcasts over
    the batch."""
    return op(name,
              lambda self, batch1, batch2, beta, alpha: add_scaled(
                  self, product(batch1, batch2), beta, alpha),
              fw=None,
              self=lambda F, grad, beta: _scaled(grad, beta),
              batch1=lambda F, grad, batch2, alpha: _scaled(
                  F.matmul_t(grad, batch2, False, True), alpha),
              batch2=lambda F, grad, batch1, alpha: _scaled(
                  F.matmul_t(batch1, grad, True, False), alpha))


# batch1 @ batch2 batch by batch, and its sum over the batch
BADDBMM = _add_batch_product("BaddbmmBackward0", np.matmul)
ADDBMM = _add_batch_product("AddbmmBackward0", lambda a, b: np.matmul(a, b).sum(0))

# ---- cross products and distances ------------------------------------------------------------

# a x b along dim; d(a x b) = da x b + a x db, and (u, a x b) = (b x u, a) = (u x a, b)
LINALG_CROSS = op("LinalgCrossBackward0",
                  lambda self, other, dim: np.cross(self, other, axis=dim), fw="bilinear",
                  self=lambda F, grad, other, dim: F.cross(other, grad, dim),
                  other=lambda F, grad, self, dim: F.cross(grad, self, dim))


def cdist_forward(x1: Any, x2: Any, p: float) -> Any:
    """The p-norm distance of every row of x1 to every row of x2 (batch dims broadcast)."""
    diff = np.expand_dims(x1, -2) - np.expand_dims(x2, -3)
    if diff.shape[-1] == 0:  # no columns: every distance 0
        return np.zeros(diff.shape[:-1], diff.dtype)
    return _vector_norm(diff, p, (-1,), False)


def cdist_backward(F: Any, grad: Any, x1: Any, x2: Any, result: Any, p: float) -> Any:
    """torch's _cdist_backward for x1: sum over the rows j of x2 of grad_ij d||x1_i - x2_j||_p.
    Where a distance is 0 the gradient is 0 (p <= 2: also where a coordinate difference is 0,
    p < 1); for inf every coordinate that attains the largest |difference| gets it whole."""
    if p == 0:
        return F.zeros_like(x1)
    diff = F.unsqueeze_dim(x1, -2) - F.unsqueeze_dim(x2, -3)
    g = F.unsqueeze_dim(grad, -1)
    dist = F.unsqueeze_dim(result, -1)
    if p == 1:
        part = F.sign(diff) * g
    elif p == 2:
        part = F.where(dist == 0, 0.0, g * diff / dist)
    elif p == math.inf:
        part = g * F.sign(diff) * (F.abs(diff) == dist)
    elif p < 2:
        part = F.where(dist == 0, 0.0,
                       F.sign(diff) * F.abs(diff) ** (p - 1) * g / dist ** (p - 1))
        if p < 1:
            part = F.where(diff == 0, 0.0, part)
    else:
        part = F.where(dist == 0, 0.0, diff * F.abs(diff) ** (p - 2) * g / dist ** (p - 1))
    return F.reduce_sum(part, (-2,), False)


CDIST = op("CdistBackward0", cdist_forward, fw=None,
           x1=lambda F, grad, x1, x2, result, p: cdist_backward(F, grad, x1, x2, result, p),
           x2=lambda F, grad, x1, x2, result, p: cdist_backward(
               F, F.transpose(grad, -1, -2), x2, x1, F.transpose(result, -1, -2), p))


def euclidean_dist_forward(x1: Any, x2: Any) -> Any:
    """torch's _euclidean_dist: |x1|^2 - 2 x1.x2 + |x2|^2 as one matrix product of padded
    rows, clamped at 0 before the square root."""
    n1 = np.sum(x1 * x1, axis=-1, keepdims=True)
    n2 = np.sum(x2 * x2, axis=-1, keepdims=True)
    a = np.concatenate([x1 * -2, n1, np.ones_like(n1)], axis=-1)
    b = np.concatenate([x2, np.ones_like(n2), n2], axis=-1)
    return np.sqrt(np.maximum(np.matmul(a, np.swapaxes(b, -1, -2)), 0))


def euclidean_dist_backward(F: Any, grad: Any, x1: Any, x2: Any, result: Any,
                            rows: bool) -> Any:
    """d r_ij / d x1_i = (x1_i - x2_j) / r_ij (``rows``: for x1, else for x2), with grad / r
    taken as 0 where r is 0, as torch's _euclidean_dist_backward."""
    ratio = F.where(result == 0, 0.0, grad / result)
    if rows:
        return x1 * F.reduce_sum(ratio, (-1,), True) - F.matmul_t(ratio, x2, False, False)
    return x2 * F.unsqueeze_dim(F.reduce_sum(ratio, (-2,), False), -1) - F.matmul_t(
        ratio, x1, True, False)


EUCLIDEAN_DIST = op(
    "EuclideanDistBackward0", euclidean_dist_forward, fw=None,
    x1=lambda F, grad, x1, x2, result: euclidean_dist_backward(F, grad, x1, x2, result, True),
    x2=lambda F, grad, x1, x2, result: euclidean_dist_backward(F, grad, x1, x2, result, False))

# ---- einsum and the contractions built on it -------------------------------------------------


def einsum_forward(tensors: list, equation: str) -> Any:
    """``equation`` is explicit (``ab,bc->ac``); size-1 dims broadcast as torch's do."""
    if len(tensors) == 1:
        return np.einsum(equation, tensors[0])
    return np.einsum(equation, *tensors, optimize=len(tensors) > 2 or
                     sum(np.size(t) for t in tensors) > 4096)


def einsum_operand_grad(F: Any, grad: Any, equation: str, operands: list, shapes: list,
                        k: int) -> Any:
    """The gradient of operand ``k`` of an explicit ``equation``: the contraction of the output
    gradient with every other operand, itself an einsum.

    A label repeated in operand ``k`` (a diagonal) gets a fresh label tied to the first by an
    identity matrix; a label whose size in operand ``k`` is not matched by the output or another
    operand (summed out, or broadcast from size 1) is carried by a vector of ones of its size.
    The result may be larger than the operand where the operand broadcast (size 1); the engine
    sums it back."""
    lhs, out = equation.split("->")
    subs = lhs.split(",")
    mine = subs[k]
    shape = shapes[k]
    sizes: dict = {}
    for c, n in zip(out, np.shape(grad)):
        sizes[c] = max(sizes.get(c, 1), n)
    for j, (s, sh) in enumerate(zip(subs, shapes)):
        if j != k:
            for c, n in zip(s, sh):
                sizes[c] = max(sizes.get(c, 1), n)
    spare = iter(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 if c not in lhs)
    target = ""
    extra_subs = []
    extra = []
    seen = set()
    for c, n in zip(mine, shape):
        if c in seen:  # repeated label: the gradient lives on the diagonal
            fresh = next(spare)
            target += fresh
            extra_subs.append(c + fresh)
            extra.append(np.eye(n))
            continue
        seen.add(c)
        target += c
        if sizes.get(c, 0) < n:
            extra_subs.append(c)
            extra.append(np.ones(n))
    ins = [out] + [s for j, s in enumerate(subs) if j != k] + extra_subs
    args = [grad] + [t for j, t in enumerate(operands) if j != k] + \
        [F.const_like(e, grad) for e in extra]
    return F.einsum(",".join(ins) + "->" + target, *args)


def einsum_backward(F: Any, grad: Any, tensors: list, tensors_shape: list, equation: str) -> list:
    return [einsum_operand_grad(F, grad, equation, tensors, tensors_shape, k)
            for k in range(len(tensors))]


def _einsum(name: str, fw: str) -> Any:
    return op(name, einsum_forward, fw=fw, variadic=True, tensors=einsum_backward)


# torch's einsum ends with: a view dropping the contracted dims (several operands), a sum over
# them (one operand), the product of operands without contraction, or the permute that aligns
# a single operand
EINSUM_VIEW = _einsum("ViewBackward0", "bilinear")  # multilinear: the product rule
EINSUM_SUM = _einsum("SumBackward1", "linear")
EINSUM_MUL = _einsum("MulBackward0", "bilinear")
EINSUM_PERMUTE = _einsum("PermuteBackward0", "linear")
# tensordot (and inner): permute both operands, mm, reshape to the result; as an einsum
TENSORDOT = EINSUM_VIEW


def _kron_shapes(a_shape: tuple, b_shape: tuple) -> tuple:
    """Both shapes padded with leading ones to one rank, and the result's shape split into
    (a0, b0, a1, b1, ...)."""
    nd = max(len(a_shape), len(b_shape))
    a_pad = (1,) * (nd - len(a_shape)) + tuple(a_shape)
    b_pad = (1,) * (nd - len(b_shape)) + tuple(b_shape)
    split = tuple(n for pair in zip(a_pad, b_pad) for n in pair)
    return a_pad, b_pad, split


def kron_backward(F: Any, grad: Any, shape: tuple, other: Any, other_is_b: bool) -> Any:
    # kron(a, b)[(i, k), (j, l)] = a[i, j] b[k, l]: the gradient of one factor contracts the
    # split output gradient with the other factor over that factor's dims
    a_shape, b_shape = (shape, other.shape) if other_is_b else (other.shape, shape)
    a_pad, b_pad, split = _kron_shapes(a_shape, b_shape)
    nd = len(a_pad)
    a_lab = "abcdefghijklm"[:nd]
    b_lab = "nopqrstuvwxyz"[:nd]
    g_lab = "".join(x + y for x, y in zip(a_lab, b_lab))
    g = F.reshape(grad, split)
    if other_is_b:
        return F.einsum(f"{g_lab},{b_lab}->{a_lab}", g, F.reshape(other, b_pad))
    return F.einsum(f"{g_lab},{a_lab}->{b_lab}", g, F.reshape(other, a_pad))


# kron: the operands unsqueezed between each other's dims, multiplied, viewed flat
KRON = op("UnsafeViewBackward0", lambda self, other: np.kron(self, other), fw="bilinear",
          self=lambda F, grad, self_shape, other: kron_backward(F, grad, self_shape, other, True),
          other=lambda F, grad, self, other_shape: kron_backward(F, grad, other_shape, self,
                                                                 False))

# ---- inverse, determinant, solve ------------------------------------------------------------

# d(A^-1) = -A^-1 dA A^-1, so dL/dA = -A^-T G A^-T
INV = op("LinalgInvExBackward0", lambda self: np.linalg.inv(self),
         fw=lambda F, self_t, inverse: -F.matmul_t(
             inverse, F.matmul_t(self_t, inverse, False, False), False, False),
         outputs=("inverse",),
         self=lambda F, grad, inverse: -F.matmul_t(
             inverse, F.matmul_t(grad, inverse, False, True), True, False))

# d det(A) = det(A) tr(A^-1 dA): dL/dA = g det(A) A^-T, through a solve (singular matrices:
# see det_backward in _ops/linalg.py)
DET = op("LinalgDetBackward0", lambda self: np.linalg.det(self),
         fw=lambda F, self_t, self, result: result * F.einsum(
             "...ii->...", F.solve_t(self, self_t, True, False, False)),
         self=lambda F, grad, self, result: F.det_backward(grad, self, result))


def solve_forward(A: Any, B: Any, left: bool, adjoint: bool, vector: bool) -> Any:
    """X with ``op(A) X = B`` (``left``) or ``X op(A) = B``; ``op`` transposes when
    ``adjoint``; a ``vector`` B is a column. Batch dims broadcast."""
    M = np.swapaxes(A, -1, -2) if adjoint else A
    if vector:
        return np.linalg.solve(M, B[..., None])[..., 0]
    if left:
        return np.linalg.solve(M, B)
    # X M = B  <=>  M^T X^T = B^T
    return np.swapaxes(np.linalg.solve(np.swapaxes(M, -1, -2), np.swapaxes(B, -1, -2)), -1, -2)


def solve_backward_B(F: Any, grad: Any, A: Any, left: bool, adjoint: bool, vector: bool) -> Any:
    # X = op(A)^-1 B: gB = op(A)^-T gX (left), gX op(A)^-T (right)
    return F.solve_t(A, grad, left, not adjoint, vector)


def solve_backward_A(F: Any, grad: Any, A: Any, result: Any, left: bool, adjoint: bool,
                     vector: bool) -> Any:
    # d op(A) = -gB X^T (left) or -X^T gB (right); dA is its transpose when adjoint
    gB = F.solve_t(A, grad, left, not adjoint, vector)
    X = result
    if vector:
        gB = F.unsqueeze_dim(gB, -1)
        X = F.unsqueeze_dim(X, -1)
    if left:
        return -(F.matmul_t(X, gB, False, True) if adjoint else F.matmul_t(gB, X, False, True))
    return -(F.matmul_t(gB, X, True, False) if adjoint else F.matmul_t(X, gB, True, False))


SOLVE = op("LinalgSolveExBackward0", solve_forward, fw=None,
           A=solve_backward_A, B=solve_backward_B)


# (sign, log|det|): sign is an output of the node but carries no gradient for real input;
# d log|det A| = tr(A^-1 dA), so dL/dA = g A^-T, through a solve (see slogdet_backward in
# _ops/linalg.py for singular matrices)
SLOGDET = op("LinalgSlogdetBackward0", lambda A: tuple(np.linalg.slogdet(A)), fw=None,
             outputs=("sign", "logabsdet"), n_diff=2,
             A=lambda F, grads, A, sign: None if grads[1] is None else F.slogdet_backward(
                 grads[1], A, sign))


# ---- singular value decomposition -----------------------------------------------------------


def svd_forward(A: Any, full_matrices: bool, compute_uv: bool) -> tuple:
    """``(U, S, Vh)`` with ``A = U diag(S) Vh`` over the last two dims, S descending; without
    ``compute_uv`` (svdvals of an input no gradient will reach) U and Vh are empty."""
    if compute_uv:
        U, S, Vh = np.linalg.svd(A, full_matrices=full_matrices)
        return U, S, Vh
    S = np.linalg.svd(A, compute_uv=False)
    empty = np.empty((0,), dtype=S.dtype)
    return empty, S, empty


def svd_backward(F: Any, grads: list, U: Any, S: Any, Vh: Any, full_matrices: bool) -> Any:
    """torch's svd_backward (real case). With A = U S Vh (U m x k, Vh k x n, k = min(m, n))
    and E_ij = S_j^2 - S_i^2 (1 on the diagonal, where the numerator is 0):
    gA = U [skew(U^T gU) S / E + S skew(Vh gVh^T) / E + diag(gS)] Vh, plus, when m > n,
    (I - U U^T) gU S^-1 Vh, and when m < n, U S^-1 gVh (I - Vh^T Vh). Only the first k
    columns of U (rows of Vh) are determined: full_matrices keeps the gradient of those."""
    gU, gS, gVh = grads
    if gU is None and gS is None and gVh is None:
        return None
    k = S.shape[-1]
    if full_matrices:
        if U.shape[-1] != k:
            U = F.slice(U, U.ndim - 1, 0, k, 1)
            if gU is not None:
                gU = F.slice(gU, gU.ndim - 1, 0, k, 1)
        if Vh.shape[-2] != k:
            Vh = F.slice(Vh, Vh.ndim - 2, 0, k, 1)
            if gVh is not None:
                gVh = F.slice(gVh, gVh.ndim - 2, 0, k, 1)
    m = U.shape[-2]
    n = Vh.shape[-1]
    if gU is None and gVh is None:  # svdvals: gA = U diag(gS) Vh
        if m >= n:
            return F.matmul_t(U, F.unsqueeze_dim(gS, -1) * Vh, False, False)
        return F.matmul_t(U * F.unsqueeze_dim(gS, -2), Vh, False, False)
    eye = F.const_like(np.eye(k, dtype=bool), S)
    S2 = S * S
    E = F.unsqueeze_dim(S2, -2) - F.unsqueeze_dim(S2, -1) + eye
    inner = None
    if gU is not None:  # skew(U^T gU) S
        UhgU = F.matmul_t(U, gU, True, False) - F.matmul_t(gU, U, True, False)
        inner = UhgU * F.unsqueeze_dim(S, -2)
    if gVh is not None:  # S skew(Vh gVh^T)
        VhgV = F.matmul_t(Vh, gVh, False, True) - F.matmul_t(gVh, Vh, False, True)
        term = F.unsqueeze_dim(S, -1) * VhgV
        inner = term if inner is None else inner + term
    gA = inner / E
    if gS is not None:
        gA = gA + F.unsqueeze_dim(gS, -1) * eye
    if m > n and gU is not None:
        gA = F.matmul_t(U, gA, False, False)
        gUSinv = gU / F.unsqueeze_dim(S, -2)
        gA = gA + gUSinv - F.matmul_t(U, F.matmul_t(U, gUSinv, True, False), False, False)
        return F.matmul_t(gA, Vh, False, False)
    if m < n and gVh is not None:
        gA = F.matmul_t(gA, Vh, False, False)
        SinvgVh = gVh / F.unsqueeze_dim(S, -1)
        gA = gA + SinvgVh - F.matmul_t(F.matmul_t(SinvgVh, Vh, False, True), Vh, False, False)
        return F.matmul_t(U, gA, False, False)
    if m >= n:
        return F.matmul_t(U, F.matmul_t(gA, Vh, False, False), False, False)
    return F.matmul_t(F.matmul_t(U, gA, False, False), Vh, False, False)


# linalg.svd, linalg.svdvals and the legacy svd: one node of three differentiable outputs
SVD = op("LinalgSvdBackward0", svd_forward, fw=None, outputs=("U", "S", "Vh"), n_diff=3,
         A=svd_backward)

# the table's entries; the helpers above stay in this module
__all__ = ["ADDBMM", "ADDMM", "ADDMV", "ADDR", "BADDBMM", "BMM", "CDIST", "DET",
           "DOT", "EINSUM_MUL", "EINSUM_PERMUTE", "EINSUM_SUM", "EINSUM_VIEW", "EUCLIDEAN_DIST",
           "INV", "KRON", "LINALG_CROSS", "LINEAR_ADDMM", "LINEAR_MM", "MATMUL", "MATMUL_FOLDED_T",
           "MATMUL_FOLDED_T_VIEW", "MATMUL_VM", "MM", "MV", "OUTER", "SLOGDET", "SOLVE", "SVD",
           "TENSORDOT", "TRACE", "VDOT"]
