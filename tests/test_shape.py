"""Shape ops beyond what records express: errors, integer dtypes, views, grad_fn names that
depend on memory layout, warnings, keyword arguments; each compared with torch."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule._ops import shape as shape_ops


def _x(T, *shape, dtype=None):  # noqa: ANN001, ANN202
    n = int(np.prod(shape)) if shape else 1
    return T.arange(float(n), dtype=dtype).reshape(shape) if dtype is None else \
        T.arange(n).to(dtype).reshape(shape)


def _same(a, b) -> None:  # noqa: ANN001
    """Results (tensors, or tuples of them) equal in values, dtype and shape."""
    if isinstance(b, (tuple, list)):
        assert isinstance(a, (tuple, list)) and len(a) == len(b)
        for u, v in zip(a, b):
            _same(u, v)
        return
    if not hasattr(b, "shape"):
        assert a == b
        return
    assert str(a.dtype) == str(b.dtype)
    assert tuple(a.shape) == tuple(b.shape)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    gb = b.grad_fn
    ga = a.grad_fn
    assert (ga and ga.name()) == (gb and gb.name())


VALUES = {
    "flatten_1d_is_self": lambda T: _x(T, 3).flatten(),
    "flatten_middle": lambda T: _x(T, 2, 3, 4).flatten(1, -1),
    "flatten_same_dim": lambda T: _x(T, 2, 3).flatten(1, 1),
    "flatten_0d": lambda T: T.tensor(3).flatten(),
    "flatten_kw": lambda T: T.flatten(_x(T, 2, 3, 4), start_dim=0, end_dim=1),
    "ravel": lambda T: T.ravel(_x(T, 2, 3).t()),
    "unflatten": lambda T: T.unflatten(_x(T, 2, 6), 1, (3, -1)),
    "unflatten_size": lambda T: _x(T, 6).unflatten(0, T.Size([2, 3])),
    "view_int": lambda T: T.arange(6).view(2, 3),
    "view_tuple": lambda T: T.arange(6).view((3, -1)),
    "view_noncontiguous_ok": lambda T: _x(T, 2, 3, 4).transpose(0, 1).view(3, 2, 2, 2),
    "reshape_bool": lambda T: (T.arange(6) > 2).reshape(2, 3),
    "reshape_0d": lambda T: T.tensor(5).reshape(1, 1),
    "reshape_empty": lambda T: T.zeros(0, 3).reshape(3, 0),
    "squeeze_int": lambda T: T.zeros(1, 2, 1, dtype=T.int64).squeeze(),
    "squeeze_non1": lambda T: T.squeeze(_x(T, 2, 3), 1),
    "squeeze_tuple": lambda T: _x(T, 1, 2, 1).squeeze((0, 1)),
    "squeeze_list": lambda T: T.squeeze(_x(T, 1, 2, 1), [2]),
    "squeeze_0d_tuple": lambda T: T.tensor(2.0).squeeze((0,)),
    "squeeze_kw": lambda T: _x(T, 1, 3).squeeze(dim=0),
    "expand_minus_one": lambda T: _x(T, 2, 1).expand(3, -1, 4),
    "expand_list": lambda T: _x(T, 1).expand([2, 3]),
    "expand_size": lambda T: _x(T, 3).expand(T.Size([2, 3])),
    "broadcast_to_int": lambda T: T.broadcast_to(T.arange(3), (2, 3)),
    "expand_as_bool": lambda T: T.tensor([True, False]).expand_as(T.zeros(3, 2)),
    "repeat_int": lambda T: T.arange(3).repeat(2, 2),
    "repeat_zero": lambda T: T.arange(3).repeat(0),
    "repeat_size": lambda T: T.arange(3).repeat(T.Size([2, 1])),
    "tile_short": lambda T: T.tile(T.arange(6).reshape(2, 3), (2,)),
    "tile_long": lambda T: T.arange(2).tile(2, 1, 2),
    "tile_empty": lambda T: T.arange(2).tile(()),
    "permute_int": lambda T: T.arange(24).reshape(2, 3, 4).permute(-1, 0, 1),
    "permute_list": lambda T: T.permute(T.arange(6).reshape(2, 3), [1, 0]),
    "permute_0d": lambda T: T.tensor(1.0).permute(()),
    "transpose_0d": lambda T: T.transpose(T.tensor(1.0), 0, -1),
    "t_1d": lambda T: _x(T, 3).t(),
    "t_0d": lambda T: T.t(T.tensor(2.0)),
    "mT_2d": lambda T: T.arange(6).reshape(2, 3).mT,
    "T_2d": lambda T: T.arange(6).reshape(2, 3).T,
    "mT_0d_is_identity": lambda T: T.tensor(1.0).mT,
    "swapaxes_kw": lambda T: T.swapaxes(_x(T, 2, 3), axis0=0, axis1=1),
    "swapdims_kw": lambda T: _x(T, 2, 3).swapdims(dim0=1, dim1=0),
    "movedim_lists": lambda T: T.movedim(_x(T, 2, 3, 4), [0, 1], [-1, 0]),
    "movedim_0d": lambda T: T.tensor(1.0).movedim(0, -1),
    "moveaxis_method": lambda T: _x(T, 2, 3, 4).moveaxis(2, 0),
    "contiguous_copy": lambda T: _x(T, 2, 3).t().contiguous(),
    "flip_int": lambda T: T.arange(6).reshape(2, 3).flip(0, 1),
    "flip_list": lambda T: T.flip(T.arange(6).reshape(2, 3), [1]),
    "flip_empty": lambda T: _x(T, 2, 3).flip([]),
    "flip_0d": lambda T: T.tensor(3.0).flip(0),
    "fliplr": lambda T: T.fliplr(T.arange(6).reshape(2, 3)),
    "flipud": lambda T: T.arange(3).flipud(),
    "roll_flat": lambda T: T.arange(6).reshape(2, 3).roll(-1),
    "roll_dims_empty": lambda T: T.roll(T.arange(6).reshape(2, 3), 1, ()),
    "roll_same_dim": lambda T: T.arange(6).reshape(2, 3).roll([1, 1], [1, 1]),
    "roll_kw": lambda T: T.roll(T.arange(6).reshape(2, 3), shifts=(1,), dims=(0,)),
    "roll_0d": lambda T: T.tensor(4.0).roll(3),
    "narrow_neg": lambda T: T.arange(6).reshape(2, 3).narrow(-1, -2, 2),
    "narrow_end": lambda T: T.narrow(T.arange(3), 0, 3, 0),
    "narrow_kw": lambda T: T.narrow(T.arange(3), dim=0, start=1, length=1),
    "hstack_int": lambda T: T.hstack([T.arange(2), T.arange(3)]),
    "hstack_0d": lambda T: T.hstack((T.tensor(1), T.tensor(2.0))),
    "vstack_promote": lambda T: T.vstack([T.arange(3), T.ones(3)]),
    "row_stack": lambda T: T.row_stack([T.arange(3), T.arange(3)]),
    "dstack": lambda T: T.dstack([T.tensor(1), T.arange(1)]),
    "column_stack_0d": lambda T: T.column_stack([T.tensor(1), T.tensor(2)]),
    "atleast_1d_many": lambda T: T.atleast_1d(T.tensor(1), T.arange(2)),
    "atleast_2d_list": lambda T: T.atleast_2d([T.tensor(1), T.arange(2), T.ones(1, 1)]),
    "atleast_3d_2d": lambda T: T.atleast_3d(T.ones(2, 3)),
    "atleast_1d_none": lambda T: T.atleast_1d(),
    "tril_batch": lambda T: T.tril(T.arange(24).reshape(2, 3, 4), -1),
    "triu_bool": lambda T: T.triu(T.ones(3, 3, dtype=T.bool), diagonal=1),
    "tril_far": lambda T: T.ones(2, 2).tril(diagonal=-5),
    "diag_int": lambda T: T.diag(T.tensor([1, 2]), 1),
    "diag_far": lambda T: T.arange(6).reshape(2, 3).diag(7),
    "diag_neg": lambda T: T.diag(T.arange(6).reshape(2, 3), diagonal=-1),
    "diagonal_big": lambda T: T.arange(6).reshape(2, 3).diagonal(5),
    "diagonal_kw": lambda T: T.diagonal(T.arange(24).reshape(2, 3, 4), offset=-1, dim1=2,
                                        dim2=0),
    "diag_embed_dims": lambda T: T.diag_embed(T.arange(4).reshape(2, 2), -1, 2, 0),
    "split_sizes": lambda T: T.arange(5).split([2, 3]),
    "chunk_uneven": lambda T: T.chunk(T.arange(5), 3),
    "unbind_int": lambda T: T.arange(6).reshape(2, 3).unbind(1),
    "cat_kw": lambda T: T.cat(tensors=[T.arange(2), T.arange(1)], dim=0),
    "concat": lambda T: T.concat([T.ones(1), T.zeros(1)]),
    "stack_neg": lambda T: T.stack([T.arange(2), T.arange(2)], -1),
    # pieces
    "split_with_sizes": lambda T: T.arange(5).split_with_sizes([2, 0, 3]),
    "split_with_sizes_dim": lambda T: _x(T, 3, 4).split_with_sizes((1, 2), dim=-2),
    "split_with_sizes_keyword": lambda T: T.split_with_sizes(_x(T, 3), split_sizes=[3]),
    "tensor_split_sections": lambda T: _x(T, 3, 4).tensor_split(3, dim=1),
    "tensor_split_more_than_size": lambda T: T.arange(3).tensor_split(5),
    "tensor_split_indices": lambda T: T.tensor_split(_x(T, 3, 4), [1, 3], 1),
    "tensor_split_decreasing": lambda T: _x(T, 3, 4).tensor_split((3, 1), 1),
    "tensor_split_out_of_range": lambda T: _x(T, 3, 4).tensor_split([-10, 10], 1),
    "tensor_split_negative": lambda T: _x(T, 3, 4).tensor_split([-1], 1),
    "tensor_split_tensor_indices": lambda T: _x(T, 3, 4).tensor_split(T.tensor([1, 3]), dim=1),
    "tensor_split_tensor_sections": lambda T: _x(T, 3, 4).tensor_split(T.tensor(2), dim=1),
    "tensor_split_empty_indices": lambda T: _x(T, 3, 4).tensor_split([]),
    "tensor_split_keywords": lambda T: (_x(T, 3, 4).tensor_split(indices=(1,), dim=1),
                                        _x(T, 3, 4).tensor_split(sections=2, dim=1),
                                        _x(T, 3, 4).tensor_split(
                                            tensor_indices_or_sections=T.tensor(2))),
    "tensor_split_bool": lambda T: T.tensor([True, False, True]).tensor_split(2),
    "hsplit": lambda T: _x(T, 3, 4).hsplit(2),
    "hsplit_1d": lambda T: T.arange(7).hsplit(7),
    "hsplit_indices": lambda T: T.hsplit(_x(T, 3, 4), [1]),
    "hsplit_tensor": lambda T: _x(T, 3, 4).hsplit(T.tensor([1])),
    "vsplit": lambda T: _x(T, 3, 4).vsplit([1, 2]),
    "vsplit_empty": lambda T: _x(T, 3, 4).vsplit([]),
    "dsplit": lambda T: T.dsplit(_x(T, 2, 2, 4), 2),
    # sums to a size
    "sum_to_size_same": lambda T: _x(T, 2, 3).sum_to_size(2, 3),
    "sum_to_size_rows": lambda T: _x(T, 3, 4).sum_to_size(3, 1),
    "sum_to_size_list": lambda T: _x(T, 2, 3).sum_to_size([1]),
    "sum_to_size_size": lambda T: _x(T, 2, 3).sum_to_size(T.Size([1, 1])),
    "sum_to_size_keyword": lambda T: _x(T, 2, 3).sum_to_size(size=(1, 3)),
    "sum_to_size_empty": lambda T: _x(T, 2, 3).sum_to_size(T.Size([])),
    "sum_to_size_int": lambda T: T.tensor([1, 2]).sum_to_size(1),
    "sum_to_size_int32": lambda T: T.tensor([[1, 2]], dtype=T.int32).sum_to_size(1, 2),
    # repeats of elements
    "repeat_interleave_int": lambda T: T.arange(6).reshape(2, 3).repeat_interleave(2),
    "repeat_interleave_rows": lambda T: T.arange(6).reshape(2, 3).repeat_interleave(2, 0),
    "repeat_interleave_last": lambda T: T.arange(6).reshape(2, 3).repeat_interleave(
        repeats=2, dim=-1),
    "repeat_interleave_zero": lambda T: T.arange(3).repeat_interleave(0),
    "repeat_interleave_output_size": lambda T: _x(T, 2, 3).repeat_interleave(2, 1,
                                                                             output_size=6),
    "repeat_interleave_0d": lambda T: T.repeat_interleave(T.tensor(2.0), 3),
    "repeat_interleave_counts": lambda T: _x(T, 2, 3).repeat_interleave(T.tensor([1, 0, 2]),
                                                                        dim=1),
    "repeat_interleave_counts_int32": lambda T: _x(T, 2, 3).repeat_interleave(
        T.tensor([1, 2], dtype=T.int32), dim=0),
    "repeat_interleave_count_0d": lambda T: _x(T, 2, 3).repeat_interleave(T.tensor(2)),
    "repeat_interleave_count_one": lambda T: _x(T, 2, 3).repeat_interleave(T.tensor([2]), 0),
    "repeat_interleave_counts_output_size": lambda T: _x(T, 2, 3).repeat_interleave(
        T.tensor([1, 2]), dim=0, output_size=3),
    "repeat_interleave_indices": lambda T: T.repeat_interleave(T.tensor([1, 2])),
    "repeat_interleave_indices_zero": lambda T: T.repeat_interleave(T.tensor([0, 3]),
                                                                    output_size=3),
    # rotations
    "rot90_int": lambda T: T.arange(6).reshape(2, 3).rot90(),
    "rot90_negative": lambda T: T.rot90(T.arange(6).reshape(2, 3), -1),
    "rot90_dims": lambda T: T.arange(24).reshape(2, 3, 4).rot90(1, (0, 2)),
    "rot90_many": lambda T: T.rot90(T.arange(6).reshape(2, 3), k=5, dims=[1, 0]),
    "rot90_bool": lambda T: (T.arange(6).reshape(2, 3) > 2).rot90(2),
    # differences
    "diff_int": lambda T: T.tensor([1, 5, 2]).diff(),
    "diff_uint8_wraps": lambda T: T.tensor([1, 5, 2], dtype=T.uint8).diff(),
    "diff_bool": lambda T: T.tensor([True, False, False]).diff(),
    "diff_bool_twice": lambda T: T.tensor([True, False]).diff(n=2),
    "diff_rows": lambda T: _x(T, 2, 3).diff(dim=0),
    "diff_past_size": lambda T: _x(T, 2, 3).diff(n=5),
    "diff_positional": lambda T: _x(T, 2, 3).diff(1, 1, T.zeros(2, 1), T.ones(2, 1)),
    "diff_promotes": lambda T: _x(T, 2, 3).diff(prepend=T.zeros(2, 1, dtype=T.float64)),
    "diff_int_float": lambda T: T.tensor([1, 2]).diff(append=T.tensor([2.5])),
    "diff_bool_int": lambda T: T.tensor([True, False]).diff(prepend=T.tensor([1])),
    "diff_none_keywords": lambda T: T.diff(_x(T, 2, 3), n=1, dim=-1, prepend=None,
                                           append=None),
}


@pytest.mark.parametrize("name", list(VALUES))
def test_values_match_torch(torch, name):
    fn = VALUES[name]
    _same(fn(cr), fn(torch))


GRAD_FNS = {
    # whether reshape views, aliases, or copies depends on the memory layout
    "reshape_contiguous": lambda T, x: x.reshape(3, 2),
    "reshape_same_contiguous": lambda T, x: x.reshape(2, 3),
    "reshape_transposed_same": lambda T, x: x.t().reshape(3, 2),
    "reshape_transposed_flat": lambda T, x: x.t().reshape(-1),
    "reshape_sliced": lambda T, x: x[:, :1].reshape(2),
    "reshape_expanded": lambda T, x: x.expand(2, 2, 3).reshape(4, 3),
    "view_transposed_same": lambda T, x: x.t().view(3, 2),
    "flatten_transposed": lambda T, x: x.t().flatten(),
    "flatten_single_dim": lambda T, x: x.t().flatten(1),
    "unflatten_transposed": lambda T, x: x.t().unflatten(0, (3, 1)),
    "ravel_contiguous": lambda T, x: x.ravel(),
    "contiguous_self": lambda T, x: x.contiguous(),
    "contiguous_view": lambda T, x: x[0].contiguous(),
    "flip_then_view": lambda T, x: x.flip(0).view(6),
    "roll_then_view": lambda T, x: x.roll(1, 1).view(6),
    "permute_then_reshape": lambda T, x: x.permute(1, 0).reshape(6),
    "diagonal_then_reshape": lambda T, x: x.diagonal().reshape(2),
    "diag_then_view": lambda T, x: x.diag().view(2),
    "narrow_full": lambda T, x: x.narrow(1, 0, 3),
    "take_along_dim_expand": lambda T, x: x.take_along_dim(T.tensor([[0]]), 1),
    "atleast_1d_self": lambda T, x: T.atleast_1d(x),
    "hstack_0d": lambda T, x: T.hstack([x[0, 0], x[1, 1]]),
    "tensor_split_full": lambda T, x: x.tensor_split(1)[0],
    "tensor_split_tensor": lambda T, x: x.tensor_split(T.tensor([2]), dim=1)[0],
    "vsplit_row": lambda T, x: x.vsplit(2)[1],
    "sum_to_size_self": lambda T, x: x.sum_to_size(2, 3),
    "sum_to_size_one": lambda T, x: x.sum_to_size([1]),
    "sum_to_size_column": lambda T, x: x.sum_to_size(2, 1),
    "repeat_interleave_flat": lambda T, x: x.repeat_interleave(2),
    "repeat_interleave_dim": lambda T, x: x.repeat_interleave(2, dim=1),
    "repeat_interleave_counts": lambda T, x: x.repeat_interleave(T.tensor([2, 1]), 0),
    "repeat_interleave_count": lambda T, x: x.repeat_interleave(T.tensor(2)),
    "rot90_contiguous": lambda T, x: x.rot90(2),
    "rot90_transposed": lambda T, x: x.rot90(1),
    "rot90_three": lambda T, x: x.rot90(3),
    "rot90_copy": lambda T, x: x.rot90(0),
    "diff_ends": lambda T, x: x.diff(prepend=T.zeros(2, 1), append=x[:, :1]),
    "diff_twice": lambda T, x: x.diff(n=2),
    "diff_none": lambda T, x: x.diff(n=0),
}


@pytest.mark.parametrize("name", list(GRAD_FNS))
def test_grad_fn_names_match_torch(torch, name):
    fn = GRAD_FNS[name]
    a = cr.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    ours, theirs = fn(cr, a), fn(torch, b)
    _same(ours, theirs)
    assert ours.is_contiguous() == theirs.is_contiguous()
    chain = [ours.grad_fn, theirs.grad_fn]
    # the first edges too (reshape's clone, take_along_dim's expand)
    if chain[1] is not None:
        names = [[None if f is None else f.name() for f, _ in fn_.next_functions]
                 for fn_ in chain]
        assert names[0] == names[1]
    ours.sum().backward()
    theirs.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())


def test_identity_results_are_the_input_itself():
    x = cr.ones(3, requires_grad=True)
    assert x.flatten() is x
    assert cr.atleast_1d(x) is x
    assert x.contiguous() is x
    m = cr.ones(2, 3)
    assert m.flatten(1, 1) is m
    assert cr.atleast_2d(m) is m


def test_views_share_memory_copies_do_not():
    x = cr.arange(6.0).reshape(2, 3)
    views = [x.view(6), x.reshape(3, 2), x.t(), x.T, x.permute(1, 0), x.transpose(0, 1),
             x.mT, x.unflatten(1, (3, 1)), x.squeeze(), x.narrow(1, 1, 2), x.diagonal(),
             x.movedim(0, 1), x.flatten(), x.swapaxes(0, 1), x.unsqueeze(0).squeeze(0)]
    for v in views:
        assert np.shares_memory(v.numpy(), x.numpy())
    copies = [x.flip(0), x.roll(1), x.repeat(1, 1), x.tril(), x.triu(), x.diag(), x.t().flatten(),
              x.t().contiguous(), x.tile((1,))]
    for c in copies:
        assert not np.shares_memory(c.numpy(), x.numpy())
    # a diagonal view writes through, as torch's does
    d = x.diagonal()
    d.numpy()[0] = 100.0
    assert x[0, 0].item() == 100.0


def test_noncontiguous_results_as_torch(torch):
    for T in (cr, torch):
        x = T.zeros(2, 3)
        flags = [x.t().is_contiguous(), x.T.is_contiguous(), x.mT.is_contiguous(),
                 x.permute(1, 0).is_contiguous(), x.flip(0).is_contiguous(),
                 x.t().contiguous().is_contiguous(), x.diag().is_contiguous(),
                 x.diagonal().is_contiguous(), x.narrow(1, 0, 2).is_contiguous(),
                 x.expand(2, 2, 3).is_contiguous(), x.repeat(2, 1).is_contiguous()]
        if T is cr:
            ours = flags
        else:
            assert ours == flags


def _error(fn, lib):  # noqa: ANN001, ANN202
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fn(lib)
        except Exception as e:  # noqa: BLE001 - the exception itself is compared
            return type(e), str(e)
    return None


ERRORS = {
    "view_noncontiguous": lambda T: _x(T, 2, 3).t().view(6),
    "view_as_noncontiguous": lambda T: _x(T, 2, 3).t().view_as(_x(T, 2, 3)),
    "view_size": lambda T: _x(T, 2, 3).view(4),
    "view_as_size": lambda T: _x(T, 2, 3).view_as(T.zeros(4)),
    "reshape_size": lambda T: _x(T, 2, 3).reshape(4),
    "reshape_two_inferred": lambda T: _x(T, 2, 3).reshape(-1, -1),
    "reshape_negative": lambda T: _x(T, 2, 3).reshape(-2, 3),
    "reshape_float": lambda T: _x(T, 2, 3).reshape(2, 3.0),
    "reshape_ambiguous": lambda T: T.zeros(0).reshape(0, -1),
    "reshape_zero_inferred": lambda T: T.zeros(2).reshape(0, -1),
    "flatten_order": lambda T: _x(T, 2, 3, 4).flatten(2, 1),
    "flatten_dim": lambda T: _x(T, 2, 3).flatten(0, 5),
    "unflatten_sizes": lambda T: _x(T, 2, 3).unflatten(1, (2, 2)),
    "unflatten_inferred": lambda T: _x(T, 2, 3).unflatten(1, (2, -1)),
    "unflatten_empty": lambda T: _x(T, 2, 3).unflatten(1, ()),
    "unflatten_dim": lambda T: _x(T, 2, 3).unflatten(5, (3,)),
    "squeeze_repeated": lambda T: _x(T, 1, 3).squeeze((0, 0)),
    "squeeze_repeated_neg": lambda T: _x(T, 1, 3).squeeze((1, -1)),
    "squeeze_dim": lambda T: _x(T, 2, 3).squeeze(3),
    "squeeze_dims": lambda T: _x(T, 2, 3).squeeze((0, 5)),
    "expand_fewer": lambda T: _x(T, 2, 3).expand(3),
    "expand_fewer_double": lambda T: _x(T, 2, 2).double().expand(3),
    "expand_fewer_long": lambda T: T.zeros(2, 2, dtype=T.int64).expand(3),
    "expand_fewer_bool": lambda T: T.zeros(2, 2, dtype=T.bool).expand(3),
    "expand_fewer_half": lambda T: T.zeros(2, 2, dtype=T.float16).expand(3),
    "expand_fewer_int": lambda T: T.zeros(2, 2, dtype=T.int32).expand(3),
    "expand_fewer_byte": lambda T: T.zeros(2, 2, dtype=T.uint8).expand(3),
    "expand_mismatch": lambda T: _x(T, 2).expand(3),
    "expand_mismatch_2d": lambda T: _x(T, 2, 3).expand(2, 1),
    "expand_negative": lambda T: _x(T, 2, 3).expand(-2, 3),
    "expand_new_minus_one": lambda T: _x(T, 3).expand(-1, 3),
    "expand_as": lambda T: _x(T, 3).expand_as(T.zeros(4)),
    "broadcast_to": lambda T: T.broadcast_to(_x(T, 3), (2, 4)),
    "broadcast_to_fewer": lambda T: _x(T, 2, 3).broadcast_to((3,)),
    "repeat_none": lambda T: _x(T, 2, 3).repeat(),
    "repeat_fewer": lambda T: _x(T, 2, 3).repeat(2),
    "repeat_negative": lambda T: _x(T, 2, 3).repeat(2, -1),
    "repeat_float": lambda T: _x(T, 2, 3).repeat(2, 1.5),
    "tile_negative": lambda T: _x(T, 2, 3).tile(-1),
    "permute_none": lambda T: _x(T, 2, 3).permute(),
    "permute_count": lambda T: _x(T, 2, 3).permute(0),
    "permute_repeated": lambda T: _x(T, 2, 3).permute(0, 0),
    "permute_repeated_neg": lambda T: _x(T, 2, 3, 4).permute(0, 1, -3),
    "permute_dim": lambda T: _x(T, 2, 3).permute(0, 2),
    "transpose_dim": lambda T: _x(T, 2, 3).transpose(0, 2),
    "t_3d": lambda T: _x(T, 2, 3, 4).t(),
    "mT_1d": lambda T: _x(T, 3).mT,
    "movedim_count": lambda T: _x(T, 2, 3, 4).movedim((0, 1), (1,)),
    "movedim_repeated_source": lambda T: _x(T, 2, 3, 4).movedim((0, -3), (1, 0)),
    "movedim_repeated_destination": lambda T: _x(T, 2, 3, 4).movedim((0, 1), (1, 1)),
    "movedim_dim": lambda T: _x(T, 2, 3, 4).movedim(3, 0),
    "flip_none": lambda T: _x(T, 2, 3).flip(),
    "flip_int_function": lambda T: T.flip(_x(T, 2, 3), 0),
    "flip_repeated": lambda T: _x(T, 2, 3).flip((0, -2)),
    "flip_dim": lambda T: _x(T, 2, 3).flip(2),
    "fliplr_1d": lambda T: _x(T, 3).fliplr(),
    "flipud_0d": lambda T: T.tensor(1.0).flipud(),
    "roll_align": lambda T: _x(T, 2, 3).roll((1, 2), (0,)),
    "roll_align_flat": lambda T: _x(T, 2, 3).roll((1, 2)),
    "roll_no_shifts": lambda T: _x(T, 2, 3).roll((), ()),
    "roll_dim": lambda T: _x(T, 2, 3).roll(1, 2),
    "roll_0d_dim": lambda T: T.tensor(1.0).roll(1, 0),
    "narrow_past_end": lambda T: _x(T, 2, 3).narrow(1, 2, 2),
    "narrow_negative_length": lambda T: _x(T, 2, 3).narrow(1, 0, -1),
    "narrow_start": lambda T: _x(T, 2, 3).narrow(1, 4, 0),
    "narrow_negative_start": lambda T: _x(T, 2, 3).narrow(1, -4, 0),
    "narrow_0d": lambda T: T.tensor(1.0).narrow(0, 0, 1),
    "narrow_dim": lambda T: _x(T, 2, 3).narrow(2, 0, 1),
    "narrow_tensor_start_1d": lambda T: _x(T, 2, 3).narrow(1, T.tensor([1]), 1),
    "narrow_tensor_start_float": lambda T: _x(T, 2, 3).narrow(1, T.tensor(1.0), 1),
    "cat_mismatch": lambda T: T.cat([_x(T, 2, 3), _x(T, 2, 4)]),
    "cat_0d": lambda T: T.cat([T.tensor(1.0)]),
    "cat_ndim": lambda T: T.cat([_x(T, 2, 3), _x(T, 3)]),
    "stack_empty": lambda T: T.stack([]),
    "stack_mismatch": lambda T: T.stack([_x(T, 2), _x(T, 3)]),
    "hstack_empty": lambda T: T.hstack([]),
    "vstack_empty": lambda T: T.vstack([]),
    "dstack_empty": lambda T: T.dstack([]),
    "column_stack_empty": lambda T: T.column_stack([]),
    "vstack_mismatch": lambda T: T.vstack([_x(T, 2, 3), _x(T, 2)]),
    "vstack_0d_mismatch": lambda T: T.vstack([T.tensor(1.0), _x(T, 3)]),
    "chunk_0d": lambda T: T.tensor(1.0).chunk(1),
    "chunk_zero": lambda T: _x(T, 3).chunk(0),
    "split_sizes": lambda T: _x(T, 3).split([1, 1]),
    "tril_1d": lambda T: _x(T, 3).tril(),
    "triu_0d": lambda T: T.tensor(1.0).triu(),
    "diag_3d": lambda T: _x(T, 2, 3, 4).diag(),
    "diag_0d": lambda T: T.tensor(1.0).diag(),
    "diagonal_same": lambda T: _x(T, 2, 3).diagonal(0, 0, -2),
    "diagonal_1d": lambda T: _x(T, 3).diagonal(),
    "diagonal_dim": lambda T: _x(T, 2, 3).diagonal(0, 0, 2),
    "diag_embed_same": lambda T: T.diag_embed(_x(T, 2), 0, -2, 0),
    "diag_embed_dim": lambda T: T.diag_embed(_x(T, 2), 0, 0, 3),
    # pieces
    "split_with_sizes_sum": lambda T: _x(T, 3, 4).split_with_sizes([1, 1]),
    "split_with_sizes_int": lambda T: _x(T, 3, 4).split_with_sizes(3),
    "split_with_sizes_int_function": lambda T: T.split_with_sizes(_x(T, 3, 4), 3),
    "split_with_sizes_negative": lambda T: _x(T, 3, 4).split_with_sizes([1, -1, 3]),
    "split_negative": lambda T: _x(T, 3, 4).split([1, -1, 3]),
    "split_with_sizes_0d": lambda T: T.tensor(1.0).split_with_sizes([1]),
    "tensor_split_zero": lambda T: _x(T, 3, 4).tensor_split(0),
    "tensor_split_float": lambda T: _x(T, 3, 4).tensor_split(2.5),
    "tensor_split_float_function": lambda T: T.tensor_split(_x(T, 3, 4), 2.5),
    "tensor_split_float_list": lambda T: _x(T, 3, 4).tensor_split([1.5]),
    "tensor_split_nothing": lambda T: _x(T, 3, 4).tensor_split(),
    "tensor_split_0d": lambda T: T.tensor(1.0).tensor_split(2),
    "tensor_split_tensor_2d": lambda T: _x(T, 3, 4).tensor_split(T.tensor([[1]])),
    "tensor_split_tensor_float": lambda T: _x(T, 3, 4).tensor_split(T.tensor([1.0])),
    "tensor_split_dim": lambda T: _x(T, 3, 4).tensor_split(2, dim=2),
    "hsplit_indivisible": lambda T: _x(T, 3, 4).hsplit(3),
    "hsplit_zero": lambda T: _x(T, 3, 4).hsplit(0),
    "hsplit_0d": lambda T: T.tensor(1.0).hsplit(1),
    "hsplit_float": lambda T: _x(T, 3, 4).hsplit(2.5),
    "vsplit_1d": lambda T: T.arange(7.0).vsplit(1),
    "vsplit_indivisible": lambda T: _x(T, 3, 4).vsplit(2),
    "dsplit_2d": lambda T: _x(T, 3, 4).dsplit(1),
    # sums to a size
    "sum_to_size_not_expandable": lambda T: _x(T, 2, 3).sum_to_size(4),
    "sum_to_size_leading_mismatch": lambda T: _x(T, 2, 3).sum_to_size(2),
    "sum_to_size_longer": lambda T: _x(T, 2, 3).sum_to_size(1, 2, 3),
    "sum_to_size_negative": lambda T: _x(T, 2, 3).sum_to_size(-1),
    "sum_to_size_nothing": lambda T: _x(T, 2, 3).sum_to_size(),
    "sum_to_size_str": lambda T: _x(T, 2, 3).sum_to_size(3, "a"),
    # repeats of elements
    "repeat_interleave_negative": lambda T: _x(T, 2, 3).repeat_interleave(-1),
    "repeat_interleave_counts_size": lambda T: _x(T, 2, 3).repeat_interleave(
        T.tensor([1, 2, 3]), dim=0),
    "repeat_interleave_counts_size_dim": lambda T: _x(T, 2, 3).repeat_interleave(
        T.tensor([1, 2]), dim=1),
    "repeat_interleave_counts_size_negative_dim": lambda T: _x(T, 2, 3).repeat_interleave(
        T.tensor([1, 2, 3, 4]), dim=-1),
    "repeat_interleave_counts_flat": lambda T: _x(T, 2, 3).repeat_interleave(T.tensor([1, 2])),
    "repeat_interleave_counts_negative": lambda T: _x(T, 2, 3).repeat_interleave(
        T.tensor([1, -2]), dim=0),
    "repeat_interleave_counts_float": lambda T: _x(T, 2, 3).repeat_interleave(
        T.tensor([1.0, 2.0]), dim=0),
    "repeat_interleave_counts_2d": lambda T: _x(T, 2, 3).repeat_interleave(
        T.tensor([[1, 2]]), dim=0),
    "repeat_interleave_counts_output_size": lambda T: _x(T, 2, 3).repeat_interleave(
        T.tensor([1, 2]), dim=0, output_size=5),
    "repeat_interleave_output_size": lambda T: _x(T, 2, 3).repeat_interleave(
        2, dim=0, output_size=5),
    "repeat_interleave_dim": lambda T: _x(T, 2, 3).repeat_interleave(2, dim=3),
    "repeat_interleave_float": lambda T: _x(T, 2, 3).repeat_interleave(2.5),
    "repeat_interleave_float_function": lambda T: T.repeat_interleave(_x(T, 2, 3), 2.5),
    "repeat_interleave_indices_2d": lambda T: T.repeat_interleave(T.tensor([[1, 2]])),
    "repeat_interleave_indices_float": lambda T: T.repeat_interleave(T.tensor([1.0, 2.0])),
    "repeat_interleave_0d_dim": lambda T: T.tensor(2.0).repeat_interleave(2, dim=0),
    "repeat_interleave_0d_counts": lambda T: T.tensor(2.0).repeat_interleave(T.tensor([2]),
                                                                            dim=0),
    # rotations
    "rot90_one_dim": lambda T: _x(T, 2, 3).rot90(1, [0]),
    "rot90_three_dims": lambda T: _x(T, 2, 3).rot90(1, (0, 1, 2)),
    "rot90_same_dims": lambda T: _x(T, 2, 3).rot90(1, [0, 0]),
    "rot90_same_dims_negative": lambda T: _x(T, 2, 3).rot90(1, [0, -2]),
    "rot90_dim_range": lambda T: T.rot90(_x(T, 2, 3), 1, [0, 5]),
    "rot90_dim_range_negative": lambda T: T.rot90(_x(T, 2, 3), 1, [-3, 1]),
    "rot90_1d": lambda T: _x(T, 3).rot90(),
    "rot90_float_k": lambda T: _x(T, 2, 3).rot90(1.5),
    "rot90_int_dims": lambda T: _x(T, 2, 3).rot90(1, 0),
    # differences
    "diff_negative": lambda T: _x(T, 2, 3).diff(n=-1),
    "diff_0d": lambda T: T.tensor(1.0).diff(),
    "diff_prepend_rank": lambda T: _x(T, 2, 3).diff(prepend=T.zeros(1)),
    "diff_prepend_0d": lambda T: _x(T, 2, 3).diff(prepend=T.tensor(1.0)),
    "diff_prepend_size": lambda T: _x(T, 2, 3).diff(prepend=T.zeros(3, 1)),
    "diff_prepend_before_append": lambda T: _x(T, 2, 3).diff(prepend=T.zeros(3, 1),
                                                              append=T.zeros(1)),
    "diff_append_rank": lambda T: _x(T, 2, 3).diff(prepend=T.zeros(2, 1), append=T.zeros(1)),
    "diff_dim": lambda T: _x(T, 2, 3).diff(dim=2),
    "diff_float_n": lambda T: T.diff(T.tensor([1.0, 2.0]), n=1.5),
}

# torch appends C++ frames to these messages; the text before them is compared
PREFIX_ONLY = {"unflatten_inferred_twice", "unflatten_0d"}
ERRORS["unflatten_inferred_twice"] = lambda T: _x(T, 2, 3).unflatten(1, (-1, -1))
ERRORS["unflatten_0d"] = lambda T: T.tensor(1.0).unflatten(0, (1,))


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_match_torch(torch, name):
    fn = ERRORS[name]
    ours, theirs = _error(fn, cr), _error(fn, torch)
    assert theirs is not None, "torch raised nothing"
    assert ours is not None, f"chainrule raised nothing; torch: {theirs}"
    assert ours[0] is theirs[0]
    if name in PREFIX_ONLY:
        assert theirs[1].startswith(ours[1])
    else:
        assert ours[1] == theirs[1]


def test_T_warns_once_like_torch(torch, monkeypatch):
    monkeypatch.setattr(shape_ops, "_T_WARNED", {})
    for n, kind in ((3, "nd"), (0, "0d"), (0, "mT")):
        x = cr.zeros((2,) * n)
        with pytest.warns(UserWarning) as rec:
            y = x.mT if kind == "mT" else x.T
        assert str(rec[0].message) == shape_ops._T_WARNINGS[kind]
        assert tuple(y.shape) == tuple(torch.zeros((2,) * n).T.shape)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            x.mT if kind == "mT" else x.T  # noqa: B018 - torch warns once per process
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cr.zeros(2, 3).T  # noqa: B018 - a 2-D tensor never warns


def test_T_warning_text_is_torchs(torch):
    # torch warns once per process: run it fresh
    import subprocess
    import sys

    code = ("import warnings, torch; warnings.simplefilter('always');\n"
            "with warnings.catch_warnings(record=True) as w:\n"
            "    torch.zeros(2, 3, 4).T; torch.zeros(()).T; torch.zeros(()).mT\n"
            "print('\\n'.join(str(m.message) for m in w))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip().split("\n")
    assert out == [shape_ops._T_WARNINGS[k] for k in ("nd", "0d", "mT")]


def test_repeat_backward_sums_copies(torch):
    for T in (cr, torch):
        x = T.tensor([1.0, 2.0, 3.0], requires_grad=True)
        (x.repeat(2, 2) * T.arange(12.0).reshape(2, 6)).sum().backward()
        if T is cr:
            ours = x.grad.numpy()
        else:
            np.testing.assert_array_equal(ours, x.grad.numpy())


def test_zero_repeat_gives_zero_gradient(torch):
    for T in (cr, torch):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        g, = T.autograd.grad(x.repeat(2, 0).sum(), x, allow_unused=True)
        if T is cr:
            ours = g
        else:
            _same(ours, g)


DOUBLE = {
    "permute": lambda T, x: x.permute(1, 0),
    "transpose": lambda T, x: x.transpose(0, 1),
    "t": lambda T, x: x.t(),
    "flip": lambda T, x: x.flip(0),
    "roll": lambda T, x: x.roll(1),
    "tril": lambda T, x: x.tril(),
    "diag_matrix": lambda T, x: x.diag(),
    "diagonal": lambda T, x: x.diagonal(1),
    "diag_vector": lambda T, x: x[0].diag(),
    "repeat": lambda T, x: x.repeat(2, 1, 2),
    "squeeze": lambda T, x: x[None].squeeze(),
    "squeeze_dims": lambda T, x: x[None].squeeze((0,)),
    "flatten_transposed": lambda T, x: x.t().flatten(),
}


@pytest.mark.parametrize("name", list(DOUBLE))
def test_double_backward_nodes_match_torch(torch, name):
    """The backward formula's own grad_fn (what create_graph records) is torch's."""
    fn = DOUBLE[name]
    names = []
    for T in (cr, torch):
        x = T.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
        g, = T.autograd.grad((fn(T, x) ** 2).sum(), x, create_graph=True)
        names.append(g.grad_fn.name())
    assert names[0] == names[1]


VIEWS = {
    "t": lambda x: x.t(), "T": lambda x: x.T, "mT": lambda x: x.mT,
    "permute": lambda x: x.permute(1, 0), "transpose": lambda x: x.transpose(0, 1),
    "movedim": lambda x: x.movedim(0, 1), "diagonal": lambda x: x.diagonal(),
    "squeeze": lambda x: x[None].squeeze(), "squeeze_dims": lambda x: x[None].squeeze((0,)),
    "flatten": lambda x: x.flatten(), "unflatten": lambda x: x.unflatten(1, (3, 1)),
    "view_as": lambda x: x.view_as(x), "narrow": lambda x: x.narrow(1, 0, 2),
    "reshape_alias": lambda x: x.t().reshape(3, 2), "reshape_copy": lambda x: x.t().flatten(),
    "flip": lambda x: x.flip(0), "roll": lambda x: x.roll(1), "repeat": lambda x: x.repeat(1, 1),
    "tril": lambda x: x.tril(), "diag": lambda x: x.diag(),
    "contiguous": lambda x: x.t().contiguous(),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_know_their_base_as_torch(torch, name):
    fn = VIEWS[name]
    bases = []
    for T in (cr, torch):
        x = T.arange(6.0).reshape(2, 3)
        base = fn(x)._base
        bases.append(None if base is None else tuple(base.shape))
    assert bases[0] == bases[1]


# ---- broadcasting several tensors, grids, triangle coordinates ----------------------------------

def _outcome(T, expr):  # noqa: ANN001, ANN202
    """``expr``'s results (values, dtype, shape, strides, grad_fn and the node it leads to),
    or its exception, and its warnings."""
    def describe(v):  # noqa: ANN001, ANN202
        if isinstance(v, tuple):
            return tuple(describe(x) for x in v)
        if not hasattr(v, "stride"):
            return repr(v).replace("torch.", "").replace("chainrule.", "")
        fn = v.grad_fn
        return (v.tolist(), str(v.dtype), tuple(v.shape), v.stride(), type(fn).__name__,
                type(fn.next_functions[0][0]).__name__ if fn else None)

    a = T.tensor([1.0, 2.0], requires_grad=True)
    env = {"T": T, "a": a, "b": T.tensor([[3.0], [4.0]], requires_grad=True),
           "c": T.tensor([5.0, 6.0, 7.0]), "i": T.tensor([1, 2])}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = describe(eval(expr, env))
        except Exception as e:  # noqa: BLE001 - the exception itself is compared
            result = (type(e).__name__, str(e))
    return result, [str(w.message).split(" (Triggered")[0] for w in caught]


BROADCAST_CASES = [
    "T.broadcast_tensors(a, b)", "T.broadcast_tensors(a, a)", "T.broadcast_tensors(a)",
    "T.broadcast_tensors(a, b, c[:2])", "T.broadcast_tensors(T.ones(2), T.ones(3))",
    "T.broadcast_tensors(a, i)", "T.broadcast_shapes((2,), (3, 1))",
    "T.broadcast_shapes((2,), (3,))", "T.broadcast_shapes(2, (3, 1), [1, 1, 1])",
    "T.broadcast_shapes()", "T.broadcast_shapes((1, -1), (3, 1))",
    "T.broadcast_shapes((0,), (1,))", "T.broadcast_shapes((0,), (2,))",
    "T.meshgrid(a, c, indexing='ij')", "T.meshgrid(a, c, indexing='xy')",
    "T.meshgrid(a, c, a, indexing='xy')", "T.meshgrid(a, c, a, indexing='ij')",
    "T.meshgrid([a, c], indexing='ij')", "T.meshgrid((c,), indexing='xy')",
    "T.meshgrid(a, indexing='foo')", "T.meshgrid(a, c)", "T.meshgrid(a, i, indexing='ij')",
    "T.meshgrid(indexing='ij')", "T.tril_indices(3, 3)", "T.triu_indices(3, 4, 1)",
    "T.tril_indices(4, 3, -1)", "T.tril_indices(0, 3)", "T.tril_indices(3, 3, dtype=T.int32)",
    "T.tril_indices(-1, 3)", "T.tril_indices(3, -2)", "T.tril_indices(3, 3, dtype=T.float32)",
    "T.triu_indices(3, 3, -5)", "T.triu_indices(2, 5, 3)", "T.tril_indices(3, 3, dtype=T.int16)",
]


@pytest.mark.parametrize("expr", BROADCAST_CASES)
def test_broadcasting_grids_and_indices_match_torch(torch, expr):
    assert _outcome(cr, expr) == _outcome(torch, expr)


def test_gradients_through_broadcast_tensors_and_meshgrid_match_torch(torch):
    got = []
    for T in (cr, torch):
        a = T.tensor([1.0, 2.0], requires_grad=True)
        b = T.tensor([[3.0], [4.0], [5.0]], requires_grad=True)
        x, y = T.broadcast_tensors(a, b)
        gx, gy = T.meshgrid(a, b.reshape(-1), indexing="xy")
        (x * y * 2 + gx * gy.exp()).sum().backward()
        got.append((a.grad.tolist(), b.grad.tolist()))
    assert got[0] == got[1]
