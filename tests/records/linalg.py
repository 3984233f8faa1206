"""Records of the linalg family: every case of matmul, the other products, einsum, tensordot,
kron, trace, inverse, det, solve, the SVD and the singular-value norms.

Inverse, det and solve run on ``a + 3 I`` with ``a`` in [-0.5, 0.5]: diagonally dominant, so
well conditioned for finite differences. The SVD runs on ``a + D``, ``D`` diagonal with entries
2n, 2(n - 1), ..., 2 and ``a`` in [-0.25, 0.25] (so ``|a|_F < 1`` up to 4 x 4): the singular
values stay apart by more than 0 and away from 0. Singular vectors are unique up to sign (and
LAPACK builds choose differently), so the records return what signs cancel in: ``U * U``,
``(U * w) @ Vh``, the singular values.
"""

from __future__ import annotations

import math

from .base import Record


def _well_conditioned(T, a):  # noqa: ANN001, ANN202
    return a + 3 * T.eye(a.shape[-1], dtype=a.dtype)


def _separated(T, a):  # noqa: ANN001, ANN202
    n = a.shape[-1]
    return a + T.eye(a.shape[-2], n, dtype=a.dtype) * (2 * T.arange(n, 0, -1, dtype=a.dtype))


def _svd_weighted(T, a, full_matrices):  # noqa: ANN001, ANN202
    U, S, Vh = T.linalg.svd(_separated(T, a), full_matrices=full_matrices)
    k = S.shape[-1]
    w = T.arange(1, k + 1, dtype=a.dtype)  # u_i w_i v_i^T: the signs of u_i and v_i cancel
    U = U[..., :k]
    return (U * w) @ Vh[..., :k, :] + (U * U * S.unsqueeze(-2)).sum(-1, keepdim=True)


_SVD_SHAPES = [(3, 3), (2, 4), (4, 2), (2, 3, 2), (1, 1)]
_SVD = dict(low=-0.25, high=0.25, fixed_shapes=True)

RECORDS = [
    # matmul, case by case, named as torch's composite matmul ends
    Record("matmul_dot", "DotBackward0", lambda T, a, b: a @ b, [((3,), (3,))],
           fixed_shapes=True),
    Record("matmul_mv", "MvBackward0", lambda T, a, b: T.matmul(a, b), [((2, 3), (3,))],
           fixed_shapes=True),
    Record("matmul_vm", "SqueezeBackward4", lambda T, a, b: a @ b, [((3,), (3, 2))],
           fixed_shapes=True),
    Record("matmul_mm", "MmBackward0", lambda T, a, b: a @ b,
           [((2, 3), (3, 4)), ((1, 3), (3, 1))], fixed_shapes=True),
    Record("matmul_batched", "UnsafeViewBackward0", lambda T, a, b: a @ b,
           [((2, 2, 3), (2, 3, 4)), ((2, 2, 3), (3, 4)), ((2, 2, 3), (3,)), ((3,), (2, 3, 4)),
            ((2, 1, 2, 3), (3, 3, 4)), ((2, 1, 2, 3), (1, 4, 3, 2)), ((1, 2, 3), (1, 3, 4))],
           fixed_shapes=True),
    Record("matmul_2d_nd", "CloneBackward0", lambda T, a, b: a @ b,
           [((2, 3), (2, 3, 4)), ((1, 2, 3), (2, 3, 4)), ((2, 3), (2, 1, 3, 2))],
           fixed_shapes=True),
    Record("matmul_row_nd", "TransposeBackward0", lambda T, a, b: T.matmul(a, b),
           [((1, 3), (2, 3, 4)), ((2, 3), (2, 3, 1))], fixed_shapes=True),
    Record("rmatmul_method", "MmBackward0", lambda T, a, b: a.__rmatmul__(b),
           [((3, 4), (2, 3))], fixed_shapes=True),
    # the other products
    Record("dot", "DotBackward0", lambda T, a, b: T.dot(a, b), [((3,), (3,))],
           fixed_shapes=True),
    Record("vdot", "VdotBackward0", lambda T, a, b: T.vdot(a, b), [((3,), (3,))],
           fixed_shapes=True),
    Record("mv", "MvBackward0", lambda T, a, b: a.mv(b), [((2, 3), (3,))], fixed_shapes=True),
    Record("mm", "MmBackward0", lambda T, a, b: T.mm(a, b), [((2, 3), (3, 4))],
           fixed_shapes=True),
    Record("bmm", "BmmBackward0", lambda T, a, b: T.bmm(a, b), [((2, 2, 3), (2, 3, 4))],
           fixed_shapes=True),
    Record("outer", "MulBackward0", lambda T, a, b: T.outer(a, b), [((2,), (3,))],
           fixed_shapes=True),
    Record("ger", "MulBackward0", lambda T, a, b: a.ger(b), [((3,), (1,))], fixed_shapes=True),
    Record("inner", "ViewBackward0", lambda T, a, b: T.inner(a, b),
           [((2, 3), (4, 3)), ((3,), (3,)), ((2, 2, 3), (3,))], fixed_shapes=True),
    Record("addmm", "AddmmBackward0", lambda T, s, a, b: T.addmm(s, a, b),
           [((2, 4), (2, 3), (3, 4)), ((4,), (2, 3), (3, 4)), ((), (2, 3), (3, 4))],
           fixed_shapes=True),
    Record("addmm_scaled", "AddmmBackward0",
           lambda T, s, a, b: s.addmm(a, b, beta=0.5, alpha=-2),
           [((2, 1), (2, 3), (3, 4))], fixed_shapes=True),
    Record("trace", "TraceBackward0", lambda T, a: T.trace(a), [(3, 3), (2, 3)],
           fixed_shapes=True),
    Record("kron", "UnsafeViewBackward0", lambda T, a, b: T.kron(a, b),
           [((2, 2), (3, 3)), ((2,), (3,)), ((2, 2), (3,)), ((), (3,)), ((2, 1), (1, 3, 2))],
           fixed_shapes=True),
    Record("tensordot", "ViewBackward0", lambda T, a, b: T.tensordot(a, b),
           [((2, 3, 4), (3, 4, 5)), ((3, 2), (3, 2))], fixed_shapes=True),
    Record("tensordot_lists", "ViewBackward0",
           lambda T, a, b: T.tensordot(a, b, dims=([1, 0], [0, 2])),
           [((2, 3, 4), (3, 4, 2)), ((1, 3, 2), (3, 2, 2))], fixed_shapes=True),
    Record("tensordot_outer", "ViewBackward0", lambda T, a, b: T.tensordot(a, b, dims=0),
           [((2,), (3, 2))], fixed_shapes=True),
    # einsum: the node torch ends with depends on the equation
    Record("einsum_mm", "ViewBackward0", lambda T, a, b: T.einsum("ij,jk->ik", a, b),
           [((2, 3), (3, 4)), ((2, 1), (3, 4))], fixed_shapes=True),
    Record("einsum_batched", "ViewBackward0", lambda T, a, b: T.einsum("...ij,...jk", a, b),
           [((2, 2, 3), (2, 3, 4)), ((2, 2, 3), (3, 4)), ((1, 2, 3), (2, 1, 3, 2))],
           fixed_shapes=True),
    Record("einsum_chain", "ViewBackward0",
           lambda T, a, b, c: T.einsum("ij,jk,kl->il", [a, b, c]),
           [((2, 3), (3, 2), (2, 4))], fixed_shapes=True),
    Record("einsum_dot", "ViewBackward0", lambda T, a, b: T.einsum("i,i", a, b),
           [((3,), (3,))], fixed_shapes=True),
    Record("einsum_outer", "MulBackward0", lambda T, a, b: T.einsum("i,j->ij", a, b),
           [((3,), (2,))], fixed_shapes=True),
    Record("einsum_hadamard_diag", "MulBackward0", lambda T, a, b: T.einsum("ii,i->i", a, b),
           [((3, 3), (3,)), ((3, 3), (1,))], fixed_shapes=True),
    Record("einsum_diag", "PermuteBackward0", lambda T, a: T.einsum("ii->i", a), [(3, 3)],
           fixed_shapes=True),
    Record("einsum_transpose", "PermuteBackward0", lambda T, a: T.einsum("ij->ji", a),
           [(2, 3)], fixed_shapes=True),
    Record("einsum_trace", "SumBackward1", lambda T, a: T.einsum("ii", a), [(3, 3)],
           fixed_shapes=True),
    Record("einsum_sum", "SumBackward1", lambda T, a: T.einsum("i...j->...", a),
           [(2, 3), (2, 2, 3)], fixed_shapes=True),
    Record("einsum_sublist", "ViewBackward0", lambda T, a, b: T.einsum(a, [0, 1], b, [1, 2]),
           [((2, 3), (3, 2))], fixed_shapes=True),
    # inverse, det, solve on well-conditioned matrices
    Record("inv", "LinalgInvExBackward0", lambda T, a: T.linalg.inv(_well_conditioned(T, a)),
           [(3, 3), (2, 2, 2), (1, 1)], low=-0.5, high=0.5, fixed_shapes=True),
    Record("inverse", "LinalgInvExBackward0", lambda T, a: _well_conditioned(T, a).inverse(),
           [(2, 2)], low=-0.5, high=0.5, fixed_shapes=True),
    Record("det", "LinalgDetBackward0", lambda T, a: T.linalg.det(_well_conditioned(T, a)),
           [(3, 3), (2, 2, 2), (1, 1)], low=-0.5, high=0.5, fixed_shapes=True),
    Record("det_raw", "LinalgDetBackward0", lambda T, a: T.det(a), [(2, 2), (3, 3)],
           low=-1.0, high=1.0, fixed_shapes=True),
    Record("solve", "LinalgSolveExBackward0",
           lambda T, a, b: T.linalg.solve(_well_conditioned(T, a), b),
           [((3, 3), (3,)), ((3, 3), (3, 2)), ((2, 3, 3), (3,)), ((2, 3, 3), (2, 3)),
            ((2, 2, 2), (1, 2, 3)), ((2, 2), (3, 2, 1))],
           low=-0.5, high=0.5, fixed_shapes=True),
    Record("solve_right", "LinalgSolveExBackward0",
           lambda T, a, b: T.linalg.solve(_well_conditioned(T, a), b, left=False),
           [((3, 3), (2, 3)), ((2, 2, 2), (2, 1, 2))], low=-0.5, high=0.5, fixed_shapes=True),
    # the SVD and the norms built on it
    Record("svdvals", "LinalgSvdBackward0", lambda T, a: T.linalg.svdvals(_separated(T, a)),
           _SVD_SHAPES, **_SVD),
    Record("svd_S", "LinalgSvdBackward0", lambda T, a: T.linalg.svd(_separated(T, a)).S,
           _SVD_SHAPES, **_SVD),
    Record("svd_U_squared", "MulBackward0",
           lambda T, a: (lambda U: U * U)(T.linalg.svd(_separated(T, a), False).U),
           _SVD_SHAPES, **_SVD),
    Record("svd_Vh_squared", "MulBackward0",
           lambda T, a: (lambda Vh: Vh * Vh)(T.linalg.svd(_separated(T, a), False)[2]),
           _SVD_SHAPES, **_SVD),
    Record("svd_reduced", "AddBackward0", lambda T, a: _svd_weighted(T, a, False),
           _SVD_SHAPES, **_SVD),
    Record("svd_full", "AddBackward0", lambda T, a: _svd_weighted(T, a, True),
           _SVD_SHAPES, **_SVD),
    Record("svd_legacy", "AddBackward0",
           lambda T, a: (lambda r: r.V * r.V * r.S.unsqueeze(-2) + r.U * r.U)(
               T.svd(_separated(T, a))),
           [(3, 3), (2, 3, 3)], **_SVD),
    Record("svd_legacy_full", "MulBackward0",
           lambda T, a: (lambda r: r[2][..., :2] * r[2][..., :2] * r[1].unsqueeze(-2))(
               _separated(T, a).svd(some=False)), [(2, 4), (2, 2, 3)], **_SVD),
    Record("svd_legacy_values", "LinalgSvdBackward0",
           lambda T, a: T.svd(_separated(T, a), compute_uv=False).S, [(4, 2)], **_SVD),
    Record("norm_nuc", "SumBackward1", lambda T, a: T.linalg.matrix_norm(_separated(T, a), "nuc"),
           _SVD_SHAPES, **_SVD),
    Record("norm_nuc_keepdim", "PermuteBackward0",
           lambda T, a: T.norm(_separated(T, a).mT, "nuc", dim=(0, -1), keepdim=True),
           [(2, 3, 2), (3, 2, 4)], **_SVD),
    Record("norm_spectral", "AmaxBackward0",
           lambda T, a: T.linalg.norm(_separated(T, a), 2), [(3, 3), (2, 4)], **_SVD),
    Record("norm_spectral_batched", "PermuteBackward0",
           lambda T, a: T.linalg.matrix_norm(_separated(T, a), 2, dim=(-1, -2), keepdim=True),
           [(2, 3, 2)], **_SVD),
    Record("norm_smallest", "AminBackward0",
           lambda T, a: T.linalg.norm(_separated(T, a), -2, dim=(1, 2)) if a.ndim == 3 else
           T.linalg.matrix_norm(_separated(T, a), -2), _SVD_SHAPES, **_SVD),
]

_ADDMV = [((2,), (2, 3), (3,)), ((), (2, 3), (3,)), ((1,), (2, 3), (3,))]
_ADDR = [((2, 3), (2,), (3,)), ((3,), (2,), (3,)), ((), (2,), (3,)), ((2, 1), (2,), (3,))]
_BADDBMM = [((2, 2, 4), (2, 2, 3), (2, 3, 4)), ((4,), (2, 2, 3), (2, 3, 4)),
            ((), (1, 2, 3), (1, 3, 4)), ((2, 1, 4), (2, 2, 3), (2, 3, 4))]
_ADDBMM = [((2, 4), (3, 2, 3), (3, 3, 4)), ((4,), (3, 2, 3), (3, 3, 4)), ((), (1, 2, 1), (1, 1, 2))]
_CDIST = [((2, 3), (4, 3)), ((2, 2, 3), (2, 4, 3)), ((2, 1, 2, 3), (3, 4, 3)), ((1, 3), (1, 3)),
          ((3, 1), (2, 1))]

RECORDS += [
    # products added to a scaled input
    Record("addmv", "AddmvBackward0", lambda T, s, a, b: T.addmv(s, a, b), _ADDMV,
           fixed_shapes=True),
    Record("addmv_scaled", "AddmvBackward0",
           lambda T, s, a, b: s.addmv(a, b, beta=0.5, alpha=-2), _ADDMV, fixed_shapes=True),
    Record("addr", "AddrBackward0", lambda T, s, a, b: T.addr(s, a, b), _ADDR,
           fixed_shapes=True),
    Record("addr_scaled", "AddrBackward0", lambda T, s, a, b: s.addr(a, b, beta=0, alpha=3),
           _ADDR, fixed_shapes=True),
    Record("baddbmm", "BaddbmmBackward0", lambda T, s, a, b: T.baddbmm(s, a, b), _BADDBMM,
           fixed_shapes=True),
    Record("baddbmm_scaled", "BaddbmmBackward0",
           lambda T, s, a, b: s.baddbmm(a, b, beta=-1, alpha=0.5), _BADDBMM, fixed_shapes=True),
    Record("addbmm", "AddbmmBackward0", lambda T, s, a, b: T.addbmm(s, a, b), _ADDBMM,
           fixed_shapes=True),
    Record("addbmm_scaled", "AddbmmBackward0",
           lambda T, s, a, b: s.addbmm(a, b, beta=2, alpha=0.25), _ADDBMM, fixed_shapes=True),
    # cross products (batch dims broadcast)
    Record("linalg_cross", "LinalgCrossBackward0", lambda T, a, b: T.linalg.cross(a, b),
           [((3,), (3,)), ((2, 3), (2, 3)), ((2, 3), (1, 3)), ((2, 1, 3), (1, 4, 3))],
           fixed_shapes=True),
    Record("linalg_cross_dim", "LinalgCrossBackward0",
           lambda T, a, b: T.linalg.cross(a, b, dim=0), [((3, 2), (3, 2)), ((3, 1), (3, 4))],
           fixed_shapes=True),
    Record("cross", "LinalgCrossBackward0", lambda T, a, b: a.cross(b, dim=-2),
           [((2, 3, 2), (2, 3, 2))], fixed_shapes=True),
    # matrix powers, composed as torch composes them
    Record("matrix_power_0", "torch::autograd::CopyBackwards",
           lambda T, a: T.linalg.matrix_power(a, 0), [(3, 3), (2, 2, 2)], fixed_shapes=True),
    Record("matrix_power_1", "CloneBackward0", lambda T, a: a.matrix_power(1), [(3, 3)],
           fixed_shapes=True),
    Record("matrix_power_2", "MmBackward0", lambda T, a: T.matrix_power(a, 2), [(3, 3)],
           low=-1.0, high=1.0, fixed_shapes=True),
    Record("matrix_power_5", "MmBackward0", lambda T, a: T.linalg.matrix_power(a, 5), [(3, 3)],
           low=-1.0, high=1.0, fixed_shapes=True),
    Record("matrix_power_6_batched", "UnsafeViewBackward0",
           lambda T, a: T.linalg.matrix_power(a, 6), [(2, 2, 2), (1, 3, 3)], low=-1.0,
           high=1.0, fixed_shapes=True),
    Record("matrix_power_-1", "LinalgInvExBackward0",
           lambda T, a: T.linalg.matrix_power(_well_conditioned(T, a), -1), [(3, 3)],
           low=-0.5, high=0.5, fixed_shapes=True),
    Record("matrix_power_-3", "MmBackward0",
           lambda T, a: T.linalg.matrix_power(_well_conditioned(T, a), -3), [(3, 3)],
           low=-0.5, high=0.5, fixed_shapes=True),
    # log-determinants of well-conditioned matrices, of either sign
    Record("slogdet", "LinalgSlogdetBackward0",
           lambda T, a: T.linalg.slogdet(_well_conditioned(T, a)).logabsdet,
           [(3, 3), (2, 2, 2), (1, 1)], low=-0.5, high=0.5, fixed_shapes=True),
    Record("slogdet_negative", "LinalgSlogdetBackward0",
           lambda T, a: T.slogdet(-_well_conditioned(T, a))[1], [(3, 3), (2, 1, 1)],
           low=-0.5, high=0.5, fixed_shapes=True),
    Record("logdet", "WhereBackward0", lambda T, a: T.logdet(_well_conditioned(T, a)),
           [(3, 3), (2, 2, 2)], low=-0.5, high=0.5, fixed_shapes=True),
    # distances: drawn points are apart, their coordinates differ (no kinks of |.|)
    Record("cdist", "CdistBackward0", lambda T, a, b: T.cdist(a, b), _CDIST, fixed_shapes=True),
    Record("cdist_1", "CdistBackward0", lambda T, a, b: T.cdist(a, b, p=1), _CDIST,
           fixed_shapes=True),
    Record("cdist_0", "CdistBackward0", lambda T, a, b: T.cdist(a, b, 0), _CDIST[:2],
           fixed_shapes=True),
    Record("cdist_half", "CdistBackward0", lambda T, a, b: T.cdist(a, b, 0.5), _CDIST,
           fixed_shapes=True),
    Record("cdist_3", "CdistBackward0", lambda T, a, b: T.cdist(a, b, 3), _CDIST,
           fixed_shapes=True),
    Record("cdist_inf", "CdistBackward0", lambda T, a, b: T.cdist(a, b, math.inf), _CDIST,
           fixed_shapes=True),
    # p = 2 with more than 25 rows, or asked for: one matrix product, then a view. The
    # product form cancels |x|^2 + |y|^2 - 2 x.y, so near points would part float32 results by
    # rounding alone: the rows of b + 6 stay at least 2 away from a's in every coordinate
    Record("cdist_mm", "ViewBackward0", lambda T, a, b: T.cdist(a, b + 6), [((26, 2), (2, 2))],
           fixed_shapes=True),
    Record("cdist_mm_mode", "ViewBackward0",
           lambda T, a, b: T.cdist(a, b + 6, compute_mode="use_mm_for_euclid_dist"), _CDIST,
           fixed_shapes=True),
]

# cdist's matrix-product form ends with a view; torch exposes its node's op on its own
SPECIAL = {
    "EuclideanDistBackward0": lambda T, a: T._euclidean_dist(a, a * 2 + 1),
}
