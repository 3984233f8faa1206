"""Records of the shape family."""

from __future__ import annotations

from .base import BINARY, UNARY, Record  # noqa: F401

# shapes of at least 1, 2 and 3 dims (hypothesis draws others with as many dims)
ND1 = [(3,), (2, 3)]
ND2 = [(2, 3), (2, 3, 4)]
ND3 = [(2, 3, 4)]

RECORDS = [
    Record("unbind", "UnbindBackward0", lambda T, a: a.unbind(-1)[1], [(3,), (2, 3)],
           fixed_shapes=True),
    Record("split", "SplitBackward0", lambda T, a: a.split(2, -1)[1], [(3,), (2, 3)],
           fixed_shapes=True),
    Record("split_sizes", "SplitWithSizesBackward0", lambda T, a: a.split([1, 2], -1)[1],
           [(3,), (2, 3)], fixed_shapes=True),
    Record("chunk", "SplitBackward0", lambda T, a: a.chunk(2, 0)[0], [(3,), (4, 2)],
           fixed_shapes=True),
    Record("cat", "CatBackward0", lambda T, a, b: T.cat([a, b * 2, a], -1),
           [((3,), (3,)), ((2, 3), (2, 1))], fixed_shapes=True),
    Record("stack", "StackBackward0", lambda T, a, b: T.stack([a, b, a], 1),
           [((3,), (3,)), ((2, 3), (2, 3))], fixed_shapes=True),
    # reshaping
    Record("view_as", "ViewBackward0", lambda T, a: a.view_as(T.zeros(3, 2)), [(6,), (2, 3)],
           fixed_shapes=True),
    Record("reshape_as", "ViewBackward0", lambda T, a: a.reshape_as(T.zeros(6)), [(2, 3)],
           fixed_shapes=True),
    Record("flatten", "ViewBackward0", lambda T, a: a.flatten(), [(), (2, 3), (2, 3, 4)],
           fixed_shapes=True),
    Record("flatten_dims", "ViewBackward0", lambda T, a: T.flatten(a, 1, 2), ND3),
    Record("flatten_noncontiguous", "UnsafeViewBackward0", lambda T, a: a.t().flatten(), ND2[:1],
           fixed_shapes=True),
    Record("reshape_noncontiguous", "UnsafeViewBackward0", lambda T, a: a.mT.reshape(-1), ND2,
           fixed_shapes=True),
    Record("reshape_alias", "ReshapeAliasBackward0",
           lambda T, a: a.transpose(0, 1).reshape(3, 2, 2, 2), ND3, fixed_shapes=True),
    Record("ravel_noncontiguous", "ViewBackward0", lambda T, a: a.t().ravel(), [(2, 3)],
           fixed_shapes=True),
    Record("unflatten", "ViewBackward0", lambda T, a: a.unflatten(-1, (2, -1)), [(4,), (3, 4)],
           fixed_shapes=True),
    Record("squeeze", "SqueezeBackward0", lambda T, a: a.squeeze(), [(), (1, 3), (2, 1, 1)]),
    Record("squeeze_dim", "SqueezeBackward1", lambda T, a: T.squeeze(a, 0),
           [(), (1, 3), (2, 1, 1)]),
    Record("squeeze_dims", "SqueezeBackward2", lambda T, a: a.squeeze((0, -1)),
           [(1, 3), (2, 1, 1)]),
    # broadcasting and repeating
    Record("expand_as", "ExpandBackward0", lambda T, a: a.expand_as(T.zeros(2, 4, 3)),
           [(3,), (4, 1)], fixed_shapes=True),
    Record("broadcast_to", "ExpandBackward0", lambda T, a: T.broadcast_to(a, (2, 4, 3)),
           [(), (3,), (4, 1)], fixed_shapes=True),
    Record("repeat", "RepeatBackward0", lambda T, a: a.repeat(2, 1, 3)),
    Record("repeat_list", "RepeatBackward0", lambda T, a: a.repeat([3, 2]), [(), (2,), (2, 3)]),
    Record("tile", "RepeatBackward0", lambda T, a: T.tile(a, (2,))),
    # permutations
    Record("permute", "PermuteBackward0", lambda T, a: a.permute(2, 0, 1), ND3),
    Record("permute_tuple", "PermuteBackward0", lambda T, a: T.permute(a, (1, 0)), [(2, 3)]),
    Record("T", "PermuteBackward0", lambda T, a: a.T, [(2, 3), (4, 1)]),
    Record("mT", "TransposeBackward0", lambda T, a: a.mT, ND2),
    Record("transpose", "TransposeBackward0", lambda T, a: a.transpose(0, -1)),
    Record("swapaxes", "TransposeBackward0", lambda T, a: T.swapaxes(a, 1, 0), ND2),
    Record("swapdims", "TransposeBackward0", lambda T, a: a.swapdims(-1, -2), ND2),
    Record("t", "TBackward0", lambda T, a: a.t()),
    Record("movedim", "PermuteBackward0", lambda T, a: a.movedim(0, -1), ND1),
    Record("moveaxis", "PermuteBackward0", lambda T, a: T.moveaxis(a, (0, 1), (-1, 0)), ND3),
    Record("movedim_scalar", "AliasBackward0", lambda T, a: a.movedim(0, -1), [()],
           fixed_shapes=True),
    Record("contiguous", "CloneBackward0", lambda T, a: a.t().contiguous(), [(2, 3)],
           fixed_shapes=True),
    # views in place: the tensor itself, reshaped, under the in-place ops' names
    Record("t_", "TBackward1", lambda T, a: (a * 1).t_()),
    Record("transpose_", "TransposeBackward1", lambda T, a: (a * 1).transpose_(0, -1)),
    Record("swapdims_", "TransposeBackward1", lambda T, a: (a + 0).swapdims_(-1, -2), ND2),
    Record("unsqueeze_", "UnsqueezeBackward1", lambda T, a: (a * 1).unsqueeze_(-1)),
    Record("squeeze_", "SqueezeBackward3", lambda T, a: (a * 1).squeeze_(),
           [(), (1, 3), (2, 1, 1)]),
    Record("squeeze_dim_", "SqueezeBackward4", lambda T, a: (a * 1).squeeze_(0),
           [(), (1, 3), (2, 1, 1)]),
    Record("squeeze_dims_", "SqueezeBackward5", lambda T, a: (a * 1).squeeze_((0, -1)),
           [(1, 3), (2, 1, 1)]),
    # copies that rearrange
    Record("flip", "FlipBackward0", lambda T, a: a.flip(-1), ND1),
    Record("flip_dims", "FlipBackward0", lambda T, a: T.flip(a, (0, 1)), ND2),
    Record("fliplr", "FlipBackward0", lambda T, a: T.fliplr(a), ND2),
    Record("flipud", "FlipBackward0", lambda T, a: a.flipud(), ND1),
    Record("roll", "RollBackward0", lambda T, a: a.roll(2)),
    Record("roll_dims", "RollBackward0", lambda T, a: T.roll(a, (1, -1), (0, 1)), ND2),
    Record("narrow", "SliceBackward0", lambda T, a: a.narrow(-1, 1, 2), [(3,), (2, 3)],
           fixed_shapes=True),
    Record("narrow_tensor_start", "SliceBackward0",
           lambda T, a: T.narrow(a, 0, T.tensor(-2), 1), [(3,), (2, 3)], fixed_shapes=True),
    # joining
    Record("hstack", "CatBackward0", lambda T, a, b: T.hstack([a, b]),
           [((), ()), ((3,), (2,)), ((2, 3), (2, 1))], fixed_shapes=True),
    Record("vstack", "CatBackward0", lambda T, a, b: T.vstack((a, b)),
           [((3,), (3,)), ((2, 3), (3,)), ((2, 3), (1, 3))], fixed_shapes=True),
    Record("dstack", "CatBackward0", lambda T, a, b: T.dstack([a, b]),
           [((3,), (3,)), ((2, 3), (2, 3))], fixed_shapes=True),
    Record("column_stack", "CatBackward0", lambda T, a, b: T.column_stack([a, b]),
           [((3,), (3,)), ((3,), (3, 2))], fixed_shapes=True),
    Record("atleast_2d", "UnsqueezeBackward0", lambda T, a: T.atleast_2d(a), [(3,)],
           fixed_shapes=True),
    Record("atleast_3d", "ViewBackward0", lambda T, a: T.atleast_3d(a), [()], fixed_shapes=True),
    # triangles and diagonals
    Record("tril", "TrilBackward0", lambda T, a: a.tril(), ND2),
    Record("tril_offset", "TrilBackward0", lambda T, a: T.tril(a, diagonal=-1), ND2),
    Record("triu", "TriuBackward0", lambda T, a: T.triu(a, 1), ND2),
    Record("diag_vector", "DiagEmbedBackward0", lambda T, a: T.diag(a, -1), [(3,)]),
    Record("diag_matrix", "DiagonalBackward0_copy", lambda T, a: a.diag(1), [(2, 3), (4, 4)],
           fixed_shapes=True),
    Record("diagonal", "DiagonalBackward0", lambda T, a: a.diagonal(), ND2),
    Record("diagonal_dims", "DiagonalBackward0", lambda T, a: T.diagonal(a, -1, 2, 0), ND3),
    Record("diag_embed", "DiagEmbedBackward0", lambda T, a: T.diag_embed(a, 1, 0, 2), ND2),
    Record("diag_embed_default", "DiagEmbedBackward0", lambda T, a: T.diag_embed(a), ND1),
]

# nodes that only a backward pass records, reached through these expressions
SPECIAL = {
    "DiagonalBackwardBackward0": lambda T, a: T.autograd.grad(
        (a.diagonal() ** 2).sum(), a, create_graph=True)[0],
}
