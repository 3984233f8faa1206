"""Records of the indexing family. Index tensors are built inside ``fn`` (``T.tensor``), so
each record runs the same indices through both libraries; repeated indices check that their
gradients add up."""

from __future__ import annotations

from .base import BINARY, UNARY, Record  # noqa: F401

RECORDS = [
    Record("index_select", "IndexSelectBackward0",
           lambda T, a: a.index_select(-1, T.tensor([2, 0, 2])), [(3,), (2, 3)],
           fixed_shapes=True),
    Record("index_select_rows", "IndexSelectBackward0",
           lambda T, a: T.index_select(a, 0, T.tensor([1, 1])), [(2,), (2, 3)],
           fixed_shapes=True),
    Record("index_select_scalar", "IndexSelectBackward0",
           lambda T, a: a.index_select(0, T.tensor(0)), [()], fixed_shapes=True),
    Record("gather", "GatherBackward0",
           lambda T, a: a.gather(1, T.tensor([[0, 0], [2, 1]])), [(2, 3)], fixed_shapes=True),
    Record("gather_rows", "GatherBackward0",
           lambda T, a: T.gather(a, 0, T.tensor([[1, 0, 1]])), [(2, 3)], fixed_shapes=True),
    Record("gather_vector", "GatherBackward0",
           lambda T, a: a.gather(0, T.tensor([2, 2, 0, 1])), [(3,)], fixed_shapes=True),
    Record("gather_scalar", "GatherBackward0",
           lambda T, a: a.gather(0, T.tensor([0, 0])), [()], fixed_shapes=True),
    # distinct indices: an overwritten src entry has no finite-difference gradient, yet torch
    # gives it one (test_indexing compares repeated indices with torch instead)
    Record("scatter", "ScatterBackward0",
           lambda T, a, b: a.scatter(1, T.tensor([[2, 0], [1, 2]]), b),
           [((2, 3), (2, 2))], fixed_shapes=True),
    Record("scatter_rows", "ScatterBackward0",
           lambda T, a, b: T.scatter(a, 0, T.tensor([[1, 0, 1]]), b),
           [((2, 3), (1, 3))], fixed_shapes=True),
    Record("scatter_value", "ScatterBackward1",
           lambda T, a: a.scatter(1, T.tensor([[0], [2]]), 0.5), [(2, 3)], fixed_shapes=True),
    Record("scatter_value_kw", "ScatterBackward1",
           lambda T, a: T.scatter(a, 0, T.tensor([1, 1]), value=-1.0), [(3,)],
           fixed_shapes=True),
    Record("scatter_add", "ScatterAddBackward0",
           lambda T, a, b: a.scatter_add(1, T.tensor([[0, 0], [2, 0]]), b),
           [((2, 3), (2, 2))], fixed_shapes=True),
    Record("scatter_add_vector", "ScatterAddBackward0",
           lambda T, a, b: T.scatter_add(a, 0, T.tensor([1, 1, 0]), b),
           [((3,), (3,))], fixed_shapes=True),
    Record("take_along_dim", "GatherBackward0",
           lambda T, a: T.take_along_dim(a, T.tensor([[1], [0]]), dim=1), [(2, 3)],
           fixed_shapes=True),
    Record("take_along_dim_broadcast", "GatherBackward0",
           lambda T, a: a.take_along_dim(T.tensor([[2, -1]]), 1), [(2, 3), (1, 4)],
           fixed_shapes=True),
    Record("take_along_dim_flat", "GatherBackward0",
           lambda T, a: a.take_along_dim(T.tensor([0, 5, 0])), [(2, 3)], fixed_shapes=True),
    Record("masked_select", "MaskedSelectBackward0", lambda T, a: a.masked_select(a > 0),
           avoid=(0.0,)),
    Record("masked_select_broadcast", "MaskedSelectBackward0",
           lambda T, a: T.masked_select(a, T.tensor([[True], [False], [True]])),
           [(), (4,), (3, 1)], fixed_shapes=True),
    Record("take", "TakeBackward0", lambda T, a: a.take(T.tensor([[0, -1], [0, 1]])),
           [(3,), (2, 3)], fixed_shapes=True),
    Record("take_scalar", "TakeBackward0", lambda T, a: T.take(a, T.tensor(0)), UNARY,
           fixed_shapes=True),
]

# nodes that only a backward pass records, reached through these expressions
SPECIAL = {
    "IndexAddBackward0": lambda T, a: T.autograd.grad(
        (a.index_select(0, T.tensor([1, 1, 0])) ** 2).sum(), a, create_graph=True)[0],
    "MaskedScatterBackward0": lambda T, a: T.autograd.grad(
        (a.masked_select(a > 1.5) ** 2).sum(), a, create_graph=True)[0],
    "PutBackward0": lambda T, a: T.autograd.grad(
        (a.take(T.tensor([0, 3, 0])) ** 2).sum(), a, create_graph=True)[0],
}
