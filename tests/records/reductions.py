"""Records of the reductions family."""

from __future__ import annotations

import math

from .base import BINARY, UNARY, Record  # noqa: F401

VECTORS = [(3,), (2, 3)]  # shapes for ops along the last dim that need a real dim
MATRICES = [(2, 3), (2, 3, 2)]

RECORDS = [
    # max and min: along a dim (first index of ties), whole (ties share), amax/amin, aminmax
    Record("max_dim", "MaxBackward0", lambda T, a: a.max(-1).values, VECTORS, fixed_shapes=True),
    Record("max_dim_keepdim", "MaxBackward0", lambda T, a: T.max(a, 0, keepdim=True)[0],
           VECTORS, fixed_shapes=True),
    Record("max_dim_0d", "MaxBackward0", lambda T, a: a.max(0).values, [()], fixed_shapes=True),
    Record("min_dim", "MinBackward0", lambda T, a: a.min(0).values, VECTORS, fixed_shapes=True),
    Record("max", "MaxBackward1", lambda T, a: a.max()),
    Record("min", "MinBackward1", lambda T, a: T.min(a)),
    Record("amax", "AmaxBackward0", lambda T, a: a.amax(-1)),
    Record("amax_all", "AmaxBackward0", lambda T, a: T.amax(a)),
    Record("amax_dims", "AmaxBackward0", lambda T, a: a.amax((0, -1), keepdim=True), MATRICES,
           fixed_shapes=True),
    Record("amin", "AminBackward0", lambda T, a: a.amin(dim=0, keepdim=True)),
    Record("aminmax_min", "AminmaxBackward0", lambda T, a: T.aminmax(a).min),
    Record("aminmax_max_dim", "AminmaxBackward0", lambda T, a: T.aminmax(a, dim=-1).max),
    # products, variance, norms
    Record("prod", "ProdBackward0", lambda T, a: a.prod()),
    Record("prod_dim", "ProdBackward1", lambda T, a: T.prod(a, -1)),
    Record("prod_keepdim", "ProdBackward1", lambda T, a: a.prod(0, keepdim=True)),
    Record("prod_dtype", "ProdBackward1", lambda T, a: a.prod(0, dtype=T.float64)),
    Record("var", "VarBackward0", lambda T, a: a.var(), VECTORS + [(2, 2, 2)]),
    Record("var_0d", "VarBackward0", lambda T, a: a.var(correction=0)),
    Record("var_dim", "VarBackward0", lambda T, a: T.var(a, -1), VECTORS, fixed_shapes=True),
    Record("var_unbiased", "VarBackward0", lambda T, a: a.var(0, False, True), VECTORS,
           fixed_shapes=True),
    Record("var_dims", "VarBackward0", lambda T, a: a.var((0, -1), correction=2), MATRICES,
           fixed_shapes=True),
    Record("std", "StdBackward0", lambda T, a: a.std(), VECTORS + [(2, 2, 2)]),
    Record("std_dim", "StdBackward0", lambda T, a: T.std(a, dim=-1, keepdim=True,
                                                       correction=0.5), VECTORS,
           fixed_shapes=True),
    Record("var_mean", "VarMeanBackward0", lambda T, a: T.var_mean(a, -1)[0], VECTORS,
           fixed_shapes=True),
    Record("var_mean_mean", "VarMeanBackward0", lambda T, a: T.var_mean(a, unbiased=False)[1],
           VECTORS),
    Record("std_mean", "StdMeanBackward0", lambda T, a: T.std_mean(a, 0, keepdim=True)[0],
           VECTORS, fixed_shapes=True),
    Record("norm", "LinalgVectorNormBackward0", lambda T, a: a.norm(), avoid=(0.0,)),
    Record("norm_dim", "LinalgVectorNormBackward0", lambda T, a: T.norm(a, dim=-1),
           avoid=(0.0,)),
    Record("norm_1", "LinalgVectorNormBackward0", lambda T, a: a.norm(1, dim=0, keepdim=True),
           avoid=(0.0,)),
    Record("norm_inf", "LinalgVectorNormBackward0", lambda T, a: a.norm(math.inf),
           avoid=(0.0,)),
    Record("norm_neg_inf", "LinalgVectorNormBackward0", lambda T, a: a.norm(-math.inf, -1),
           avoid=(0.0,)),
    Record("norm_3", "LinalgVectorNormBackward0", lambda T, a: a.norm(3), avoid=(0.0,)),
    Record("norm_1_5", "LinalgVectorNormBackward0", lambda T, a: a.norm(1.5, (0, -1)),
           MATRICES, avoid=(0.0,), fixed_shapes=True),
    Record("norm_half", "LinalgVectorNormBackward0", lambda T, a: a.norm(0.5, -1),
           low=0.3, high=2.0),
    Record("norm_neg", "LinalgVectorNormBackward0", lambda T, a: a.norm(-1.5), low=0.3,
           high=2.0),
    Record("norm_fro_dtype", "LinalgVectorNormBackward0",
           lambda T, a: a.norm("fro", dim=(0, 1), dtype=T.float64), MATRICES[:1], avoid=(0.0,),
           fixed_shapes=True),
    Record("logsumexp", "LogsumexpBackward0", lambda T, a: T.logsumexp(a, -1)),
    Record("logsumexp_dims", "LogsumexpBackward0", lambda T, a: a.logsumexp((0, 1), True),
           MATRICES, fixed_shapes=True),
    # cumulative ops
    Record("cumsum", "CumsumBackward0", lambda T, a: a.cumsum(-1)),
    Record("cumsum_dtype", "CumsumBackward0", lambda T, a: T.cumsum(a, 0, dtype=T.float64)),
    Record("cumprod", "CumprodBackward0", lambda T, a: a.cumprod(-1), avoid=(0.0,)),
    Record("cumprod_0", "CumprodBackward0", lambda T, a: T.cumprod(a, 0), avoid=(0.0,)),
    Record("cummax", "CummaxBackward0", lambda T, a: a.cummax(-1).values),
    Record("cummin", "CumminBackward0", lambda T, a: T.cummin(a, 0)[0]),
    # medians, order statistics, sorting
    Record("median", "MedianBackward0", lambda T, a: a.median()),
    Record("median_dim", "MedianBackward1", lambda T, a: a.median(-1).values),
    Record("median_keepdim", "MedianBackward1", lambda T, a: T.median(a, 0, True)[0]),
    Record("nanmedian", "NanmedianBackward0", lambda T, a: a.nanmedian()),
    Record("nanmedian_dim", "NanmedianBackward1", lambda T, a: a.nanmedian(-1).values),
    Record("kthvalue", "KthvalueBackward0", lambda T, a: a.kthvalue(2).values, VECTORS,
           fixed_shapes=True),
    Record("kthvalue_keepdim", "KthvalueBackward0",
           lambda T, a: T.kthvalue(a, 1, 0, keepdim=True).values),
    Record("mode", "ModeBackward0", lambda T, a: a.mode().values),
    Record("sort", "SortBackward0", lambda T, a: a.sort().values),
    Record("sort_descending", "SortBackward0", lambda T, a: T.sort(a, 0, descending=True)[0]),
    Record("sort_stable", "SortBackward1",
           lambda T, a: a.sort(dim=0, stable=True, descending=True).values),
    Record("msort", "SortBackward0", lambda T, a: T.msort(a), VECTORS),
    Record("topk", "TopkBackward0", lambda T, a: a.topk(2).values, VECTORS, fixed_shapes=True),
    Record("topk_smallest", "TopkBackward0", lambda T, a: T.topk(a, 1, 0, largest=False)[0]),
]

RECORDS += [
    # nan-ignoring sum and mean (nans themselves: tests/test_reductions.py)
    Record("nansum", "NansumBackward0", lambda T, a: T.nansum(a)),
    Record("nansum_dim", "NansumBackward0", lambda T, a: a.nansum(-1, keepdim=True)),
    Record("nanmean", "DivBackward0", lambda T, a: T.nanmean(a, 0)),
    Record("nanmean_all", "DivBackward0", lambda T, a: a.nanmean()),
    Record("logcumsumexp", "LogcumsumexpBackward0", lambda T, a: a.logcumsumexp(-1)),
    Record("logcumsumexp_0", "LogcumsumexpBackward0", lambda T, a: T.logcumsumexp(a * 3, 0)),
    # quantiles: sort, gather and lerp, ending with squeeze_ (drawn values have no ties)
    Record("quantile", "SqueezeBackward4", lambda T, a: T.quantile(a, 0.3)),
    Record("quantile_dim", "SqueezeBackward4",
           lambda T, a: a.quantile(0.7, dim=-1, keepdim=True)),
    # q mapped into [0.0625, 0.2875]: between the ranks' kinks (1/3, 1/2) of these sizes
    Record("quantile_q_tensor", "SqueezeBackward4",
           lambda T, a, q: T.quantile(a, q * 0.25 + 0.05, dim=0),
           [((3, 2), (2,)), ((4,), (3,)), ((), (1,))], low=0.0, high=1.0, fixed_shapes=True),
    Record("quantile_lower", "SqueezeBackward4",
           lambda T, a: T.quantile(a, 0.4, dim=0, interpolation="lower")),
    Record("quantile_higher", "SqueezeBackward4",
           lambda T, a: a.quantile(0.4, interpolation="higher")),
    Record("quantile_nearest", "SqueezeBackward4",
           lambda T, a: T.quantile(a, 0.6, dim=-1, interpolation="nearest")),
    Record("quantile_midpoint", "SqueezeBackward4",
           lambda T, a: T.quantile(a, 0.6, keepdim=True, interpolation="midpoint")),
    Record("nanquantile", "SqueezeBackward4", lambda T, a: T.nanquantile(a, 0.4, dim=0)),
    Record("nanquantile_q_tensor", "SqueezeBackward4",
           lambda T, a, q: a.nanquantile(q * 0.1 + 0.05), [((2, 3), (3,)), ((3,), (2,))],
           low=0.0, high=1.0, fixed_shapes=True),
    # dist: the p-norm of the broadcast difference
    Record("dist", "DistBackward0", lambda T, a, b: T.dist(a, b), BINARY),
    Record("dist_1", "DistBackward0", lambda T, a, b: a.dist(b, 1), BINARY),
    Record("dist_3", "DistBackward0", lambda T, a, b: T.dist(a, b, 3), BINARY),
    Record("dist_inf", "DistBackward0", lambda T, a, b: T.dist(a, b, math.inf), BINARY),
    Record("dist_half", "DistBackward0", lambda T, a, b: T.dist(a, b * 3, 0.5), BINARY),
    # renorm: drawn rows have norms on both sides of maxnorm
    Record("renorm", "RenormBackward0", lambda T, a: T.renorm(a, 2, 0, 1.5), MATRICES,
           fixed_shapes=True),
    Record("renorm_1", "RenormBackward0", lambda T, a: a.renorm(1, -1, 1.0), MATRICES,
           fixed_shapes=True),
    Record("renorm_3", "RenormBackward0", lambda T, a: T.renorm(a, 3, 1, 0.8), MATRICES,
           fixed_shapes=True),
]
# nodes with no derivative, whose backward raises as torch's does (test_reductions.py checks
# their values, names and errors against torch)
SPECIAL = {
    "Unique2Backward0": None,
    "UniqueDimBackward0": None,
    "UniqueConsecutiveBackward0": None,
}
