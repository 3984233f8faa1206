"""chainrule.utils.data against torch.utils.data: the same data through both libraries."""

from __future__ import annotations

import collections
import doctest
import warnings
from typing import Any

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="torch is the oracle for these tests")
tdata = pytest.importorskip("torch.utils.data")

import chainrule as C  # noqa: E402
import chainrule.utils.data as cdata  # noqa: E402

Point = collections.namedtuple("Point", "x y")


def _same(got: Any, want: Any) -> None:
    """Equal structure, types, values, dtypes and shapes; tensors compared as tensors."""
    if isinstance(want, torch.Tensor):
        assert isinstance(got, C.Tensor), type(got)
        assert str(got.dtype) == str(want.dtype)
        assert tuple(got.shape) == tuple(want.shape)
        np.testing.assert_array_equal(got.numpy(), want.numpy())
    elif isinstance(want, dict):
        assert type(got) is type(want) and list(got) == list(want)
        for k in want:
            _same(got[k], want[k])
    elif isinstance(want, (list, tuple)):
        assert type(got) is type(want) and len(got) == len(want), (got, want)
        for g, w in zip(got, want, strict=True):
            _same(g, w)
    else:
        assert got == want and type(got) is type(want)


def _batches(lib: Any, loader: Any) -> list:
    return list(loader)


def _tensor_data(n: int = 11) -> tuple:
    x = np.arange(n * 3, dtype=np.float32).reshape(n, 3) / 7
    y = (np.arange(n) % 4).astype(np.int64)
    return x, y


# ---- batches, sequential -------------------------------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 3, 4, 11, 20])
@pytest.mark.parametrize("drop_last", [False, True])
def test_tensor_dataset_batches(batch_size: int, drop_last: bool) -> None:
    x, y = _tensor_data()
    want_loader = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x), torch.tensor(y)),
                                   batch_size=batch_size, drop_last=drop_last)
    got_loader = cdata.DataLoader(cdata.TensorDataset(C.tensor(x), C.tensor(y)),
                                  batch_size=batch_size, drop_last=drop_last)
    assert len(got_loader) == len(want_loader)
    want, got = list(want_loader), list(got_loader)
    assert len(got) == len(want)
    _same(got, want)


def test_batch_size_none_and_len_of_iterator() -> None:
    x, y = _tensor_data(5)
    want = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x)), batch_size=None)
    got = cdata.DataLoader(cdata.TensorDataset(C.tensor(x)), batch_size=None)
    assert len(got) == len(want) == 5
    assert len(iter(got)) == len(iter(want))
    _same(list(got), list(want))


# ---- shuffling -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1, 1234, 2**33 + 5])
@pytest.mark.parametrize("batch_size", [1, 4])
def test_shuffle_with_manual_seed(seed: int, batch_size: int) -> None:
    x, y = _tensor_data(13)
    tl = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x), torch.tensor(y)),
                          batch_size=batch_size, shuffle=True)
    cl = cdata.DataLoader(cdata.TensorDataset(C.tensor(x), C.tensor(y)),
                          batch_size=batch_size, shuffle=True)
    torch.manual_seed(seed)
    C.manual_seed(seed)
    for _ in range(3):  # epochs: each draws on from where the last left the generator
        _same(list(cl), list(tl))
    # and the default generator is left where torch leaves it
    assert C.rand(4).tolist() == torch.rand(4).tolist()


@pytest.mark.parametrize("seed", [0, 42])
def test_shuffle_with_generator(seed: int) -> None:
    x, y = _tensor_data(17)
    tg, cg = torch.Generator().manual_seed(seed), C.Generator().manual_seed(seed)
    tl = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x), torch.tensor(y)), batch_size=5,
                          shuffle=True, generator=tg, drop_last=True)
    cl = cdata.DataLoader(cdata.TensorDataset(C.tensor(x), C.tensor(y)), batch_size=5,
                          shuffle=True, generator=cg, drop_last=True)
    torch.manual_seed(99)
    C.manual_seed(99)
    for _ in range(3):
        _same(list(cl), list(tl))
    assert C.randperm(9, generator=cg).tolist() == torch.randperm(9, generator=tg).tolist()
    # the loader drew nothing from the default generator
    assert C.rand(4).tolist() == torch.rand(4).tolist()


@pytest.mark.parametrize("num_samples", [None, 3, 40])
@pytest.mark.parametrize("replacement", [False, True])
def test_random_sampler(num_samples: int | None, replacement: bool) -> None:
    data = list(range(13))
    for seed in (0, 5):
        torch.manual_seed(seed)
        C.manual_seed(seed)
        want = list(tdata.RandomSampler(data, replacement, num_samples))
        got = list(cdata.RandomSampler(data, replacement, num_samples))
        assert got == want
        tg, cg = torch.Generator().manual_seed(seed), C.Generator().manual_seed(seed)
        want = list(tdata.RandomSampler(data, replacement, num_samples, generator=tg))
        got = list(cdata.RandomSampler(data, replacement, num_samples, generator=cg))
        assert got == want


def test_subset_random_sampler_and_batch_sampler() -> None:
    idx = [3, 9, 1, 7, 5, 0]
    tg, cg = torch.Generator().manual_seed(7), C.Generator().manual_seed(7)
    for _ in range(2):
        got = list(cdata.SubsetRandomSampler(idx, generator=cg))
        assert got == list(tdata.SubsetRandomSampler(idx, generator=tg))
    for size, drop in [(1, False), (4, False), (4, True), (6, True), (7, True)]:
        want = tdata.BatchSampler(tdata.SequentialSampler(idx), size, drop)
        got = cdata.BatchSampler(cdata.SequentialSampler(idx), size, drop)
        assert list(got) == list(want) and len(got) == len(want)
    x, _ = _tensor_data(10)
    tl = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x)), batch_size=3,
                          sampler=tdata.SubsetRandomSampler(idx, generator=tg))
    cl = cdata.DataLoader(cdata.TensorDataset(C.tensor(x)), batch_size=3,
                          sampler=cdata.SubsetRandomSampler(idx, generator=cg))
    assert len(cl) == len(tl)
    _same(list(cl), list(tl))
    bs = [[0, 2], [4, 1, 3]]
    tl = tdata.DataLoader(tdata.TensorDataset(torch.tensor(x)), batch_sampler=bs)
    cl = cdata.DataLoader(cdata.TensorDataset(C.tensor(x)), batch_sampler=bs)
    assert len(cl) == len(tl) == 2
    _same(list(cl), list(tl))


# ---- random_split --------------------------------------------------------------------------


@pytest.mark.parametrize("lengths", [[7, 3, 3], [13], [0, 13], [0.5, 0.5], [0.7, 0.2, 0.1],
                                     [0.25, 0.25, 0.25, 0.25], [0.1, 0.9]])
def test_random_split(lengths: list) -> None:
    data = list(range(13))
    for seed in (0, 3):
        tg, cg = torch.Generator().manual_seed(seed), C.Generator().manual_seed(seed)
        with warnings.catch_warnings(record=True) as tw:
            warnings.simplefilter("always")
            want = tdata.random_split(data, lengths, generator=tg)
        with warnings.catch_warnings(record=True) as cw:
            warnings.simplefilter("always")
            got = cdata.random_split(data, lengths, generator=cg)
        assert [str(w.message) for w in cw] == [str(w.message) for w in tw]
        assert [list(s) for s in got] == [list(s) for s in want]
        assert [s.indices for s in got] == [s.indices for s in want]
        torch.manual_seed(seed)
        C.manual_seed(seed)
        want = tdata.random_split(data, lengths)
        got = cdata.random_split(data, lengths)
        assert [s.indices for s in got] == [s.indices for s in want]


@pytest.mark.parametrize("lengths", [[5, 5], [1.5, -0.5], [0.5, 0.6]])
def test_random_split_errors(lengths: list) -> None:
    with pytest.raises(ValueError) as want:
        tdata.random_split(list(range(13)), lengths)
    with pytest.raises(ValueError) as got:
        cdata.random_split(list(range(13)), lengths)
    assert str(got.value) == str(want.value)


# ---- collate -------------------------------------------------------------------------------

COLLATE_CASES = {
    "ints": lambda t, a: [1, 2, 3],
    "floats": lambda t, a: [1.5, 2.0],
    "bools": lambda t, a: [True, False],
    "strings": lambda t, a: ["a", "bc"],
    "tuples": lambda t, a: [(1, 0.5, "x"), (2, 1.5, "y")],
    "lists": lambda t, a: [[1, 2.5], [3, 4.5]],
    "dicts": lambda t, a: [{"a": 1, "b": t([1.0, 2.0])}, {"a": 2, "b": t([3.0, 4.0])}],
    "nested": lambda t, a: [{"p": (1, [2.0])}, {"p": (3, [4.0])}],
    "namedtuples": lambda t, a: [Point(1, t([1, 2])), Point(2, t([3, 4]))],
    "tensors": lambda t, a: [t([[1.0, 2.0]]), t([[3.0, 4.0]])],
    "int_tensors": lambda t, a: [t(3), t(4)],
    "np_arrays": lambda t, a: [np.ones((2, 2), np.float32), np.zeros((2, 2), np.float32)],
    "np_int32": lambda t, a: [np.arange(3, dtype=np.int32)] * 2,
    "np_scalars": lambda t, a: [np.float32(1.5), np.float32(2.0)],
    "np_int_scalars": lambda t, a: [np.int32(1), np.int32(2)],
    "np_float64_scalars": lambda t, a: [np.float64(1.5), np.float64(2.0)],
    "np_bool_scalars": lambda t, a: [np.bool_(True), np.bool_(False)],
    "mixed_tuple": lambda t, a: [(np.float32(1), t([1]), 2), (np.float32(2), t([2]), 3)],
}


@pytest.mark.parametrize("case", sorted(COLLATE_CASES))
def test_default_collate(case: str) -> None:
    want = tdata.default_collate(COLLATE_CASES[case](torch.tensor, torch.as_tensor))
    got = cdata.default_collate(COLLATE_CASES[case](C.tensor, C.as_tensor))
    _same(got, want)


@pytest.mark.parametrize("case", ["np_arrays", "np_scalars", "dicts", "tuples", "strings"])
def test_default_convert(case: str) -> None:
    for sample in COLLATE_CASES[case](torch.tensor, torch.as_tensor):
        want = tdata.default_convert(sample)
        got = cdata.default_convert(_to_chainrule(sample))
        _same(got, want)


def _to_chainrule(x: Any) -> Any:
    if isinstance(x, torch.Tensor):
        return C.tensor(x.numpy())
    if isinstance(x, dict):
        return {k: _to_chainrule(v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*map(_to_chainrule, x))
    if isinstance(x, (list, tuple)):
        return type(x)(map(_to_chainrule, x))
    return x


@pytest.mark.parametrize("batch", [[object(), object()], [[1, 2], [3]],
                                   [np.array(["a", "b"]), np.array(["c", "d"])]])
def test_collate_errors(batch: list) -> None:
    with pytest.raises(Exception) as want:
        tdata.default_collate(batch)
    with pytest.raises(Exception) as got:
        cdata.default_collate(batch)
    assert type(got.value) is type(want.value)
    assert str(got.value).replace("torch", "chainrule") == \
        str(want.value).replace("torch", "chainrule")


def test_loader_over_a_plain_dataset() -> None:
    class Pairs:
        def __init__(self, lib: Any) -> None:
            self.lib = lib

        def __len__(self) -> int:
            return 7

        def __getitem__(self, i: int) -> dict:
            return {"x": np.full(2, i, dtype=np.float64), "y": i % 2, "w": i / 4}

    for bs in (2, 7):
        torch.manual_seed(3)
        C.manual_seed(3)
        want = list(tdata.DataLoader(Pairs(torch), batch_size=bs, shuffle=True))
        got = list(cdata.DataLoader(Pairs(C), batch_size=bs, shuffle=True))
        _same(got, want)


# ---- datasets ------------------------------------------------------------------------------


def test_concat_subset_and_add() -> None:
    class Seq(tdata.Dataset):
        def __init__(self, n: int) -> None:
            self.n = n

        def __len__(self) -> int:
            return self.n

        def __getitem__(self, i: int) -> int:
            return i * 10

    class CSeq(cdata.Dataset):
        __init__, __len__, __getitem__ = Seq.__init__, Seq.__len__, Seq.__getitem__

    want, got = Seq(3) + Seq(4), CSeq(3) + CSeq(4)
    assert isinstance(got, cdata.ConcatDataset)
    assert len(got) == len(want) == 7
    assert [got[i] for i in range(-7, 7)] == [want[i] for i in range(-7, 7)]
    assert got.cumulative_sizes == want.cumulative_sizes
    with pytest.raises(ValueError, match="absolute value of index should not exceed"):
        got[-8]
    sub_w, sub_g = tdata.Subset(want, [6, 0, 3]), cdata.Subset(got, [6, 0, 3])
    assert [sub_g[i] for i in range(3)] == [sub_w[i] for i in range(3)]
    assert sub_g.__getitems__([2, 0]) == sub_w.__getitems__([2, 0])
    _same(list(cdata.DataLoader(sub_g, batch_size=2)), list(tdata.DataLoader(sub_w, batch_size=2)))
    with pytest.raises(NotImplementedError, match="Subclasses of Dataset should implement"):
        cdata.Dataset()[0]


def test_iterable_dataset() -> None:
    def make(base: Any) -> Any:
        class Stream(base):
            def __iter__(self) -> Any:
                return iter([(i, float(i)) for i in range(7)])

            def __len__(self) -> int:
                return 7
        return Stream()

    for bs, drop in [(None, False), (1, False), (3, False), (3, True)]:
        want = tdata.DataLoader(make(tdata.IterableDataset), batch_size=bs, drop_last=drop)
        got = cdata.DataLoader(make(cdata.IterableDataset), batch_size=bs, drop_last=drop)
        assert len(got) == len(want)
        _same(list(got), list(want))
    chained = make(cdata.IterableDataset) + make(cdata.IterableDataset)
    assert isinstance(chained, cdata.ChainDataset) and len(list(chained)) == 14


# ---- errors --------------------------------------------------------------------------------


def _both_raise(make: Any) -> None:
    with pytest.raises(Exception) as want:
        make(torch, tdata)
    with pytest.raises(Exception) as got:
        make(C, cdata)
    assert type(got.value) is type(want.value)
    assert str(got.value) == str(want.value)


def _stream(d: Any) -> Any:
    return type("S", (d.IterableDataset,), {"__iter__": lambda self: iter(range(3))})()


ERRORS = {
    "size_mismatch": lambda lib, d: d.TensorDataset(lib.zeros(3), lib.zeros(4)),
    "batch_sampler_with_batch_size":
        lambda lib, d: d.DataLoader(range(4), batch_size=2, batch_sampler=[[0]]),
    "batch_sampler_with_shuffle":
        lambda lib, d: d.DataLoader(range(4), shuffle=True, batch_sampler=[[0]]),
    "batch_sampler_with_drop_last":
        lambda lib, d: d.DataLoader(range(4), drop_last=True, batch_sampler=[[0]]),
    "sampler_with_shuffle": lambda lib, d: d.DataLoader(range(4), shuffle=True, sampler=[0]),
    "none_batch_with_drop_last":
        lambda lib, d: d.DataLoader(range(4), batch_size=None, drop_last=True),
    "negative_workers": lambda lib, d: d.DataLoader(range(4), num_workers=-1),
    "negative_timeout": lambda lib, d: d.DataLoader(range(4), timeout=-1),
    "prefetch_without_workers": lambda lib, d: d.DataLoader(range(4), prefetch_factor=2),
    "persistent_without_workers": lambda lib, d: d.DataLoader(range(4), persistent_workers=True),
    "bad_batch_size": lambda lib, d: d.DataLoader(range(4), batch_size=0),
    "bool_batch_size": lambda lib, d: d.BatchSampler(range(4), True, False),
    "bad_drop_last": lambda lib, d: d.BatchSampler(range(4), 2, 1),
    "bad_replacement": lambda lib, d: d.RandomSampler(range(4), replacement=1),
    "bad_num_samples": lambda lib, d: d.RandomSampler(range(4), num_samples=0),
    "iterable_shuffle": lambda lib, d: d.DataLoader(_stream(d), shuffle=True),
    "iterable_batch_sampler":
        lambda lib, d: d.DataLoader(_stream(d), batch_sampler=[[0]]),
    "iterable_sampler": lambda lib, d: d.DataLoader(_stream(d), sampler=[0]),
    "iterable_is_abstract": lambda lib, d: type("S", (d.IterableDataset,), {})(),
    "empty_concat": lambda lib, d: d.ConcatDataset([]),
    "set_after_init": lambda lib, d: setattr(d.DataLoader(range(4)), "batch_size", 3),
    "timeout_single_process": lambda lib, d: iter(d.DataLoader(range(4), timeout=1)),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_errors(case: str) -> None:
    _both_raise(ERRORS[case])


def test_pin_memory_warns_as_on_a_cpu_only_machine() -> None:
    with pytest.warns(UserWarning, match="no accelerator is found"):
        list(cdata.DataLoader(range(3), pin_memory=True))


def test_num_workers_load_in_process() -> None:
    x, y = _tensor_data(9)
    C.manual_seed(0)
    torch.manual_seed(0)
    got = list(cdata.DataLoader(cdata.TensorDataset(C.tensor(x)), batch_size=4, shuffle=True,
                                num_workers=2))
    want = list(tdata.DataLoader(tdata.TensorDataset(torch.tensor(x)), batch_size=4,
                                 shuffle=True))
    _same(got, want)


def test_training_loop_imports() -> None:
    import chainrule.utils.data as module

    assert C.utils.data is module
    assert set(module.__all__) <= set(tdata.__all__)


@pytest.mark.parametrize("name", ["", "._collate", ".dataset", ".sampler", ".dataloader"])
def test_docstring_examples(name: str) -> None:
    import importlib

    module = importlib.import_module("chainrule.utils.data" + name)
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
