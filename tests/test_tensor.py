"""Tensors: creation, dtype inference and promotion, attributes, conversions, Python protocols,
printing through real tensors, and torch's errors. Compared with torch where it is installed."""

from __future__ import annotations

import copy
import math
import pickle
import warnings

import numpy as np
import pytest

import chainrule as cr

# (description, builder taking the library module) -> same repr, dtype and shape in both
CREATIONS = [
    ("float", lambda T: T.tensor(2.0)),
    ("int", lambda T: T.tensor(3)),
    ("bool", lambda T: T.tensor(True)),
    ("int list", lambda T: T.tensor([1, 2, 3])),
    ("float list", lambda T: T.tensor([1.5, 2.25, 3.0])),
    ("mixed list", lambda T: T.tensor([1, 2.5])),
    ("bool list", lambda T: T.tensor([True, False])),
    ("bool int list", lambda T: T.tensor([True, 2])),
    ("nested", lambda T: T.tensor([[1.0, 2.0], [3.0, 4.0]])),
    ("empty", lambda T: T.tensor([])),
    ("empty nested", lambda T: T.tensor([[], []])),
    ("np float64", lambda T: T.tensor(np.array([1.0, 2.0]))),
    ("np float32", lambda T: T.tensor(np.array([1.0, 2.0], dtype=np.float32))),
    ("np scalar", lambda T: T.tensor(np.float64(2.0))),
    ("np int32", lambda T: T.tensor(np.array([1, 2], dtype=np.int32))),
    ("dtype kw", lambda T: T.tensor([1, 2], dtype=T.float64)),
    ("float16", lambda T: T.tensor([1.0, 2.0], dtype=T.float16)),
    ("requires_grad", lambda T: T.tensor([1.0, 2.0], requires_grad=True)),
    ("zeros", lambda T: T.zeros(2, 3)),
    ("zeros tuple", lambda T: T.zeros((2, 3), dtype=T.int64)),
    ("ones", lambda T: T.ones(3)),
    ("ones 0-d", lambda T: T.ones(())),
    ("full float", lambda T: T.full((2, 2), 1.5)),
    ("full int", lambda T: T.full((2,), 7)),
    ("full bool", lambda T: T.full((2,), True)),
    ("arange int", lambda T: T.arange(5)),
    ("arange float", lambda T: T.arange(0, 1, 0.1)),
    ("arange start", lambda T: T.arange(1, 10, 3)),
    ("arange float end", lambda T: T.arange(4.0)),
    ("arange neg", lambda T: T.arange(5, 0, -1.5)),
    ("linspace lab", lambda T: T.linspace(-10, 10, 10)),
    ("linspace 1000", lambda T: T.linspace(-10, 10, 1000)),
    ("linspace odd", lambda T: T.linspace(0, 1, 7)),
    ("linspace one", lambda T: T.linspace(3, 5, 1)),
    ("linspace f64", lambda T: T.linspace(0, 1, 11, dtype=T.float64)),
    ("linspace rg", lambda T: T.linspace(-10, 10, 10, requires_grad=True)),
    ("eye", lambda T: T.eye(3)),
    ("eye rect", lambda T: T.eye(2, 3)),
    ("zeros_like", lambda T: T.zeros_like(T.tensor([[1, 2]]))),
    ("ones_like dtype", lambda T: T.ones_like(T.tensor([1, 2]), dtype=T.float32)),
    ("full_like", lambda T: T.full_like(T.tensor([1.0, 2.0]), 3)),
    ("from_numpy", lambda T: T.from_numpy(np.arange(3.0, dtype=np.float32))),
    ("as_tensor", lambda T: T.as_tensor([1, 2])),
    ("int / int", lambda T: T.tensor([1, 2]) / T.tensor([2, 4])),
    ("int * float", lambda T: T.tensor([1, 2]) * T.tensor([0.5, 1.5])),
    ("int * 2.5", lambda T: T.tensor([1, 2]) * 2.5),
    ("int32 + 1", lambda T: T.tensor([1, 2], dtype=T.int32) + 1),
    ("bool + 1", lambda T: T.tensor([True, False]) + 1),
    ("f32 + f64 0-d", lambda T: T.tensor([1.0, 2.0]) + T.tensor(1.0, dtype=T.float64)),
    ("f32 0-d + f64 0-d", lambda T: T.tensor(1.0) + T.tensor(1.0, dtype=T.float64)),
    ("int64 + f16", lambda T: T.tensor([1, 2]) + T.tensor([1.0, 2.0], dtype=T.float16)),
    ("int + f64 0-d", lambda T: T.tensor([1, 2]) + T.tensor(1.0, dtype=T.float64)),
    ("sin int", lambda T: T.sin(T.tensor([0, 1]))),
    ("sum int32", lambda T: T.tensor([1, 2], dtype=T.int32).sum()),
    ("sum bool", lambda T: T.tensor([True, True, False]).sum()),
    ("int ** 2", lambda T: T.tensor([2, 3]) ** 2),
    ("int ** 0.5", lambda T: T.tensor([4, 9]) ** 0.5),
    ("2 ** int", lambda T: 2 ** T.tensor([1, 2])),
    ("1 - int", lambda T: 1 - T.tensor([1, 2])),
    ("2 / int", lambda T: 2 / T.tensor([1, 2])),
    ("compare", lambda T: T.tensor([1.0, 2.0]) > 1.5),
    ("compare int float", lambda T: T.tensor([1, 2]) == T.tensor([1.0, 2.5])),
    ("to double", lambda T: T.tensor([1.0, 2.0]).to(T.float64)),
    ("double", lambda T: T.tensor([1.5, 2.0]).double()),
    ("long", lambda T: T.tensor([1.7, -2.7]).long()),
    ("int()", lambda T: T.tensor([1.7, -2.7]).int()),
    ("bool()", lambda T: T.tensor([0.0, 2.0]).bool()),
    ("half", lambda T: T.tensor([1.0, 2.0]).half()),
    ("float of int", lambda T: T.tensor([1, 2]).float()),
    ("type dtype", lambda T: T.tensor([1.5, 2.0]).type(T.float64)),
    ("type name", lambda T: T.tensor([1.5, 2.0]).type("torch.IntTensor")),
    ("neg int", lambda T: -T.tensor([1, 2])),
    ("abs int", lambda T: T.tensor([-1, 2]).abs()),
    ("relu int", lambda T: T.tensor([-1, 2]).relu()),
    ("mean dim", lambda T: T.tensor([[1.0, 2.0], [3.0, 5.0]]).mean(1)),
    ("sum keepdim", lambda T: T.tensor([[1.0, 2.0], [3.0, 5.0]]).sum(0, keepdim=True)),
    ("sum tuple", lambda T: T.ones(2, 3, 4).sum((0, 2))),
    ("sum neg dim", lambda T: T.ones(2, 3).sum(-1)),
    ("sum 0-d dim", lambda T: T.tensor(2.0).sum(0)),
    ("detach", lambda T: T.tensor([1.0], requires_grad=True).detach()),
    ("data", lambda T: (T.tensor([1.0], requires_grad=True) * 2).data),
    ("true div", lambda T: T.true_divide(T.tensor([3]), 2)),
    ("floor div", lambda T: T.div(T.tensor([7, -7]), 2, rounding_mode="floor")),
    ("trunc div", lambda T: T.div(T.tensor([7, -7]), 2, rounding_mode="trunc")),
    ("float div floor", lambda T: T.div(T.tensor([7.5, -7.5]), 2, rounding_mode="floor")),
    ("where", lambda T: T.where(T.tensor([True, False]), T.tensor([1.0, 2.0]), 0.0)),
    ("bitwise", lambda T: T.tensor([True, False]) & T.tensor([True, True])),
    ("invert", lambda T: ~T.tensor([True, False])),
    ("logical", lambda T: T.logical_or(T.tensor([0, 1]), T.tensor([0, 0]))),
]


@pytest.mark.parametrize("name, build", CREATIONS, ids=[c[0] for c in CREATIONS])
def test_creation_matches_torch(torch, name, build):
    ours, theirs = build(cr), build(torch)
    assert repr(ours) == repr(theirs)
    assert str(ours.dtype) == str(theirs.dtype)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert ours.requires_grad == theirs.requires_grad
    # transcendental functions may differ from torch's vectorised ones in the last bit
    np.testing.assert_allclose(np.asarray(ours.detach()), theirs.detach().numpy(), rtol=1e-6,
                               atol=0)


def test_creation_values_without_torch():
    assert cr.tensor(2.0).dtype is cr.float32
    assert cr.tensor([1, 2]).dtype is cr.int64
    assert cr.tensor(np.array([1.0])).dtype is cr.float64
    assert cr.linspace(-10, 10, 10).tolist()[0] == -10.0
    assert cr.arange(3).tolist() == [0, 1, 2]


# (description, action taking the library) -> same exception type and message
ERRORS = [
    ("ragged", lambda T: T.tensor([[1, 2], [3]])),
    ("broadcast", lambda T: T.ones(2, 3) + T.ones(4)),
    ("broadcast mul", lambda T: T.ones(2, 3) * T.ones(2)),
    ("item", lambda T: T.ones(2).item()),
    ("float()", lambda T: float(T.ones(2))),
    ("bool()", lambda T: bool(T.ones(2))),
    ("bool empty", lambda T: bool(T.ones(0))),
    ("len 0-d", lambda T: len(T.tensor(1.0))),
    ("iter 0-d", lambda T: iter(T.tensor(1.0))),
    ("numpy grad", lambda T: T.ones(2, requires_grad=True).numpy()),
    ("np.array grad", lambda T: np.array(T.ones(2, requires_grad=True))),
    ("int requires grad", lambda T: T.arange(3, requires_grad=True)),
    ("ones long grad", lambda T: T.ones(2, dtype=T.long, requires_grad=True)),
    ("bad dim", lambda T: T.ones(2).sum(1)),
    ("bad dim neg", lambda T: T.ones(2, 3).sum(-3)),
    ("mean int", lambda T: T.tensor([1, 2]).mean()),
    ("neg bool", lambda T: -T.tensor([True])),
    ("sub bool", lambda T: T.tensor([True]) - T.tensor([False])),
    ("int neg pow", lambda T: T.tensor([2]) ** -1),
    ("view size", lambda T: T.ones(6).view(4)),
    ("reshape size", lambda T: T.ones(2, 3).reshape(4)),
    ("expand", lambda T: T.ones(2).expand(3)),
    ("index", lambda T: T.ones(3).select(0, 5)),
    ("negative size", lambda T: T.zeros(-1)),
    ("negative size ones", lambda T: T.ones(2, -1)),
    ("select 0-d", lambda T: T.tensor(1.0).select(0, 0)),
    ("repeated dim", lambda T: T.ones(2, 2).sum((0, 0))),
    ("rounding mode", lambda T: T.div(T.ones(2), 2, rounding_mode="round")),
    ("grad zero_ before backward", lambda T: T.ones(2, requires_grad=True).grad.zero_()),
    ("non-leaf requires_grad off",
     lambda T: setattr(T.ones(2, requires_grad=True) * 2, "requires_grad", False)),
    ("retain_grad no grad", lambda T: T.ones(2).retain_grad()),
    ("index int tensor", lambda T: [1, 2][T.tensor([1.5])]),
    ("getitem out of range", lambda T: T.ones(3, 4)[5]),
    ("getitem too many", lambda T: T.ones(3, 4)[0, 0, 0]),
    ("getitem negative step", lambda T: T.ones(3, 4)[::-1]),
    ("getitem list out of range", lambda T: T.ones(3, 4)[[5]]),
    ("getitem mask shape", lambda T: T.ones(3, 4)[T.tensor([True, False])]),
    ("getitem float", lambda T: T.ones(3, 4)[1.5]),
    ("getitem 0-d", lambda T: T.tensor(1.0)[0]),
    ("getitem second dim", lambda T: T.ones(3, 4)[:, 7]),
]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # torch's __array__ lacks copy=
@pytest.mark.parametrize("name, action", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(torch, name, action):
    with pytest.raises(Exception) as theirs:
        action(torch)
    with pytest.raises(Exception) as ours:
        action(cr)
    assert type(ours.value) is type(theirs.value) or (
        isinstance(ours.value, RuntimeError) and isinstance(theirs.value, RuntimeError))
    assert str(ours.value).startswith(str(theirs.value).split("\n")[0].split(" (Triggered")[0])


def test_attributes_and_protocols():
    x = cr.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert repr(x.shape) == "torch.Size([2, 3])" and x.size() == (2, 3) and x.size(1) == 3
    assert x.size(-1) == 3 and x.dim() == 2 and x.ndim == 2 and x.numel() == 6
    assert repr(x.dtype) == "torch.float32" and str(x.device) == "cpu"
    assert repr(x.device) == "device(type='cpu')"
    assert len(x) == 2 and x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert [r.tolist() for r in x] == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    s = cr.tensor(2.5)
    assert float(s) == 2.5 and int(s) == 2 and bool(s) and s.item() == 2.5
    assert f"{s:.2f}" == "2.50" and s.tolist() == 2.5
    assert [10, 20, 30][cr.tensor(1)] == 20
    assert x.shape.numel() == 6 and isinstance(x.shape[0:1], cr.Size)
    assert x.element_size() == 4 and x.is_floating_point() and not x.is_complex()
    assert x.is_contiguous() and x.contiguous() is x


def test_iteration_unbinds():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    rows = list(x)
    assert rows[1].grad_fn.name() == "UnbindBackward0" and rows[1].grad_fn is rows[0].grad_fn
    (rows[0] * 3 + rows[1]).backward()
    assert x.grad.tolist() == [3.0, 1.0]


def test_float_of_grad_tensor_warns():
    x = cr.tensor(2.0, requires_grad=True)
    with pytest.warns(UserWarning, match="Converting a tensor with requires_grad=True to a scalar "
                                         "may lead to unexpected behavior.\nConsider using "
                                         "tensor.detach\\(\\) first."):
        float(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert x.item() == 2.0


def test_numpy_shares_memory_and_array_protocol():
    x = cr.tensor([1.0, 2.0])
    a = x.numpy()
    a[0] = 7
    assert x.tolist() == [7.0, 2.0]
    s = cr.tensor(3.0)
    s.numpy()[()] = 4
    assert s.item() == 4.0
    assert np.asarray(x).dtype == np.float32
    assert (np.float64(2.0) * x).__class__ is cr.Tensor


def test_data_and_detach_share_storage():
    x = cr.tensor(2.0, requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.is_leaf
    d.numpy()[()] = 5
    assert x.item() == 5.0
    x.data = cr.tensor(1.0)
    assert x.item() == 1.0 and x.requires_grad


def test_from_numpy_shares_memory():
    a = np.zeros(3, dtype=np.float32)
    t = cr.from_numpy(a)
    a[1] = 2
    assert t.tolist() == [0.0, 2.0, 0.0]
    assert cr.as_tensor(a).numpy() is a


def test_type_names(torch):
    for build in (lambda T: T.tensor([1.5]), lambda T: T.tensor([1]), lambda T: T.tensor([True]),
                  lambda T: T.tensor([1.0], dtype=T.float64)):
        assert build(cr).type() == build(torch).type()
    x = cr.tensor([1.0])
    assert x.type(cr.float32) is x
    with pytest.raises(ValueError, match="^invalid type: 'foo'$"):
        x.type("foo")


def test_to_returns_self_when_unchanged():
    x = cr.tensor([1.0])
    assert x.to(cr.float32) is x and x.float() is x and x.to("cpu") is x
    assert x.to(cr.float32, copy=True) is not x
    y = cr.tensor([1.0], requires_grad=True)
    assert y.double().grad_fn.name() == "ToCopyBackward0"
    y.double().sum().backward()
    assert y.grad.dtype is cr.float32


def test_pickle_and_deepcopy():
    x = cr.tensor([1.0, 2.0], requires_grad=True)
    y = pickle.loads(pickle.dumps(x))
    assert y.tolist() == [1.0, 2.0] and y.requires_grad
    z = copy.deepcopy(x)
    assert z.tolist() == [1.0, 2.0] and z is not x


def test_set_default_dtype():
    cr.set_default_dtype(cr.float64)
    try:
        assert cr.tensor(1.5).dtype is cr.float64
        assert repr(cr.tensor([1.0, 2.0])) == "tensor([1., 2.])"
        assert repr(cr.tensor([1.0, 2.0], dtype=cr.float32)) == \
            "tensor([1., 2.], dtype=torch.float32)"
    finally:
        cr.set_default_dtype(cr.float32)


def test_printing_through_tensors(torch):
    cases = [
        lambda T: T.tensor(2.0, requires_grad=True) ** 2,
        lambda T: T.tensor([1.0, 2.0], dtype=T.float64, requires_grad=True),
        lambda T: T.tensor(2.0, dtype=T.float64, requires_grad=True) ** 2,
        lambda T: T.arange(2000.0).reshape(40, 50),
        lambda T: T.linspace(0, 1, 2000, requires_grad=True),
        lambda T: T.tensor([math.nan, math.inf, -math.inf]),
        lambda T: T.tensor([1e-5, 1.0, 1e5]),
        lambda T: (T.linspace(-10, 10, 10, requires_grad=True) ** 2).sum(),
        lambda T: T.tensor([[1.0, 2.0]], requires_grad=True).mean(),
    ]
    for build in cases:
        assert repr(build(cr)) == repr(build(torch))
        assert str(build(cr)) == str(build(torch))


def test_a_python_float_makes_the_same_tensor_on_every_path(torch):
    for kw in ({}, {"requires_grad": True}, {"device": "cpu"},
               {"device": "cpu", "requires_grad": True}, {"dtype": cr.float64}):
        t = cr.tensor(2.5, **kw)
        tkw = {k: (torch.float64 if v is cr.float64 else v) for k, v in kw.items()}
        r = torch.tensor(2.5, **tkw)
        assert repr(t) == repr(r)
        assert t.requires_grad is r.requires_grad and t.is_leaf
    with cr.inference_mode():
        assert cr.tensor(1.0).is_inference()


# ---- strides ----------------------------------------------------------------------------------

STRIDE_CASES = [
    # a new dim's stride travels with it through permutes
    "x.unsqueeze(0).transpose(-1, 0)", "x.unsqueeze(0).transpose(1, 0)",
    "x.unsqueeze(2).permute(2, 0, 1)", "x[None].permute(1, 2, 0)",
    "x.unsqueeze(1).transpose(0, 2)", "x[:, None].permute(2, 1, 0)",
    "x", "x.t()", "x.T", "x.mT", "x[1]", "x[:, 1]", "x[::2]", "x[:, ::2]", "x[None]", "x[:, None]",
    "x[..., None]", "x.unsqueeze(0)", "x.unsqueeze(1)", "x.unsqueeze(2)", "x.unsqueeze(-1)",
    "x.t().unsqueeze(0)", "x.t().unsqueeze(1)", "x.t().unsqueeze(2)", "x.t().unsqueeze(-1)",
    "x.t().unsqueeze(0).unsqueeze(0)", "x.t()[None]", "x.t()[:, None]", "x.reshape(3, 4)",
    "x.view(12)", "x.view(2, 1, 6)", "x.t().reshape(12)", "x.t().reshape(4, 1, 3)",
    "x.expand(2, 3, 4)", "x[0].expand(1, 4)", "x[0].expand(2, 1, 4)",
    "torch.broadcast_to(x[0], (1, 1, 4))", "x[0:1]", "x[0:1].t()", "x.flatten()",
    "x.permute(1, 0)", "x.t().contiguous()", "x.t() * 2", "2 * x.t()", "x.t() + x.t()",
    "x.t() ** 2", "x.t().exp()", "x.t().relu()", "x.t().to(torch.float64)", "x.sum(0)",
    "x.sum(0, keepdim=True)", "x @ x.t()", "x.diagonal()", "x[[0, 2]]", "x[x > 0]",
    "torch.ones(2, 1, 3)", "torch.ones(1)", "torch.ones(2, 3)[:, 0:1]", "x.narrow(1, 1, 2)",
    "torch.ones(3, 1).squeeze(1)", "torch.ones(1, 3).t()", "torch.stack([x, x])",
    "torch.cat([x, x], 1)", "x.flip(0)", "x.repeat(2, 1)", "x.unflatten(1, (2, 2))",
    "x.movedim(0, 1)", "x.t().detach()", "torch.nn.functional.linear(x, x)",
    "x.t()[None].expand(2, 4, 3)", "torch.tensor(3.0)", "torch.tensor(3.0).unsqueeze(0)",
    # made like another tensor: laid out as it (preserve_format) unless told otherwise
    "x.t().clone()", "x.clone()", "x[:, ::2].t().clone()", "x[0].expand(3, 4).clone()",
    "x.t().unsqueeze(1).clone()", "x.t()[None].expand(2, 4, 3).clone()",
    "x.t().clone(memory_format=torch.contiguous_format)",
    "x.t().clone(memory_format=torch.preserve_format)", "torch.clone(x.t())",
    "torch.zeros_like(x.t())", "torch.ones_like(x.t())", "torch.empty_like(x[:, ::2].t())",
    "torch.full_like(x.t(), 2.0)", "torch.zeros_like(x.t(), memory_format=torch.contiguous_format)",
    "torch.randn_like(x.t())", "torch.rand_like(x.t())", "torch.zeros_like(torch.tensor(1.0))",
    # results torch writes row-major whatever the input's layout
    "x.t().softmax(0)", "x.t().softmax(1)", "x.t().log_softmax(0)",
    "torch.nn.functional.softmax(x.t()[::2], 1)",
    # empty tensors: NumPy gives a new one zero strides, torch its row-major ones
    "torch.ones(0, 3)", "torch.zeros(2, 0, 3)", "torch.ones(3, 0)", "x[x > 100]",
    # joins, rolls, repeats and triangles: row-major whatever the input's layout; flips: laid
    # out as the input (preserve_format)
    "x.t().roll(1, 0)", "x.t().roll((1, 1), (0, 1))", "x[0].expand(3, 4).roll(1, 1)",
    "x.t().roll(1)", "x.t().repeat(1, 1)", "x[0].expand(3, 4).repeat(1, 1)",
    "x.t().repeat(2, 1, 1)", "x.t().tile((2,))", "torch.cat([x.t(), x.t()])",
    "torch.cat([x.t(), x.t()], 1)", "torch.cat([x.t()])", "torch.concat([x.t(), x.t()], 0)",
    "torch.cat([x[0].expand(3, 4), x])", "torch.stack([x.t(), x.t()])",
    "torch.stack([x.t(), x.t()], 1)", "torch.stack([x.t(), x.t()], 2)",
    "torch.hstack([x.t(), x.t()])", "torch.vstack([x.t(), x.t()])",
    "torch.dstack([x.t(), x.t()])", "torch.column_stack([x.t(), x.t()])", "x.t().tril()",
    "x.t().flip(0)", "x.t().flip(0, 1)", "x.t().fliplr()", "x.t().flipud()",
    "x[:, ::2].t().flip(0)", "x[0].expand(3, 4).flip(1)",
    # reductions, cumulative ops, topk: row-major; sort: laid out as the input
    "x.t().sum(0, keepdim=True)", "x.t().sum(1, keepdim=True)",
    "x.expand(2, 3, 4).transpose(1, 2).sum(0)", "x.t().mean(1, keepdim=True)",
    "x.t().amin(1, keepdim=True)", "x.t().prod(1, keepdim=True)",
    "x.t().max(0, keepdim=True).values", "x.t().topk(2, 0).values", "x.t().cumsum(0)",
    "x.t().cumsum(1)", "x.t().cumprod(1)", "x.t().cummax(0).values", "x.t().cummin(1).indices",
    "x.t().sort(0).values", "x.t().sort(0).indices", "x.t().sort(1, descending=True).indices",
    "x.t().argsort(0)", "x.t().msort()",
    # masked_fill, scatter, gather, index_select, pad: row-major (pad adding nothing: a clone of
    # the input, laid out as it); elementwise functions (TensorIterator): laid out as the input
    "x.t().masked_fill(x.t() > 0, 0.5)", "x.t().masked_fill(x.t() > 0, torch.tensor(0.5))",
    "x.t().scatter(0, torch.zeros(1, 1, dtype=torch.int64), 1.0)",
    "x.t().scatter_add(0, torch.zeros(1, 1, dtype=torch.int64), x.t())",
    "x.t().gather(0, torch.zeros(2, 3, dtype=torch.int64))",
    "x.t().index_select(1, torch.tensor([0, 2]))", "torch.nn.functional.pad(x.t(), (1, 1))",
    "torch.nn.functional.pad(x.t(), (-1, 1))", "torch.nn.functional.pad(x.t(), (0, 0))",
    "torch.nn.functional.pad(x.t(), (-1, 0))", "torch.nn.functional.gelu(x.t())",
    "x.t().erf()", "x.t().erfc()", "torch.nan_to_num(x[0].expand(3, 4))",
    "torch.nan_to_num(x.t())", "torch.nn.functional.silu(x.t())",
]


@pytest.mark.parametrize("expr", STRIDE_CASES)
def test_stride_matches_torch(torch, expr):
    got = []
    for lib in (cr, torch):
        x = lib.tensor(np.arange(12, dtype=np.float32).reshape(3, 4) - 5)
        t = eval(expr, {"x": x, "torch": lib})
        got.append((t.stride(), [t.stride(d) for d in range(-t.dim(), t.dim())],
                    t.is_contiguous()))
    assert got[0] == got[1]


def _layouts(t: object) -> object:
    if isinstance(t, tuple):
        return tuple(_layouts(u) for u in t)
    return t.stride(), t.is_contiguous()


# results of ops on a 3-D permuted tensor p (strides (1, 12, 4)), a 4-D channels_last one c
# and a row-major q; a tuple result compares each of its tensors
LAYOUT_CASES = [
    # cat (stack, roll) keeps the channels_last format all its inputs suggest, else row-major
    "torch.cat([p, p], 2)", "torch.stack([p, p], 1)", "torch.stack([p, p], 3)",
    "torch.cat([c, c], 1)", "torch.cat([c, c.contiguous()])", "torch.stack([c, c], 1)",
    "torch.stack([c, c], 4)", "p.roll((1, 1), (0, 2))", "c.roll(1, 1)", "c.roll(1)", "p.tril()",
    "p.triu(1)", "p.flip(2)", "c.flip(1)",
    # reductions, cumulative ops, topk: row-major; sort: laid out as the input
    "p.sum(2)", "p.sum(1, keepdim=True)", "p.mean(2)", "p.mean(1, keepdim=True)", "p.amax(2)",
    "p.aminmax(dim=2)", "p.prod(2)", "p.var(2)", "p.std(1, keepdim=True)",
    "torch.var_mean(p, 2)", "torch.std_mean(p, 1)", "p.logsumexp(2)", "p.norm(dim=2)",
    "torch.linalg.vector_norm(p, 1, dim=2)", "(p > 0).any(2)", "(p > 0).all(1, keepdim=True)",
    "p.nanmedian(2)", "p.max(2)", "p.median(1)", "p.kthvalue(1, 2)", "p.mode(2)", "p.topk(1, 2)",
    "p.cumprod(2)", "p.cummin(1)", "p.sort(1)", "c.sort(dim=1, stable=True)",
    # masked_fill, gather: row-major; pad: the input's suggested format (a clone of it when
    # adding nothing); elementwise functions: laid out as the input
    "p.masked_fill(p > 0, 0.5)", "p.gather(2, torch.zeros(4, 2, 3, dtype=torch.int64))",
    "torch.nn.functional.pad(p, (1, 0, 0, 1))", "torch.nn.functional.pad(c, (1, 1))",
    "torch.nn.functional.pad(c, (-1, 1))", "torch.nn.functional.pad(p, (0, -1))",
    "torch.nn.functional.pad(c, (0, 0))", "torch.nn.functional.gelu(c)",
    "torch.nn.functional.gelu(p, approximate='tanh')", "p.erfc()", "p.clamp(-1, 1)",
    # advanced indexing: row-major from a row-major input, wherever the index stands; else
    # sorted by the input's strides and the indices' (torch's TensorIterator)
    "q[:, [0, 1]]", "q[:, :, [0, 2]]", "q[..., [1]]", "q[:, [0, 1], [1, 2]]", "q[0, :, [1, 2]]",
    "q[[0, 2]]", "q[:, [[0, 1]]]", "q[q > 0]", "q[[0], :, [1, 2]]", "p[[0, 2]]", "p[p > 0]",
    "p[:, [0, 1], [1, 2]]", "p[0, :, [1, 2]]", "p[:, [0, 1]]", "p[:, :, [0, 1]]", "p[..., [1]]",
    "p[:, [[0, 1]]]", "p[[1], :, [1, 0]]", "p[:, [[0], [1]], [0, 1]]", "p[[[0, 1]], [[1], [0]]]",
    "p[1:, [0, 1]]", "p.permute(1, 2, 0)[:, [0, 1]]", "p.permute(1, 0, 2)[..., [0, 1, 1]]",
    "q[:, :, ::2][:, [1, 0]]", "q[:1].expand(3, 2, 3)[:, [1, 0]]", "c[:, [0, 2]]",
    "c[..., [1, 0]]",
]


@pytest.mark.parametrize("expr", LAYOUT_CASES)
def test_layout_of_results_matches_torch(torch, expr):
    got = []
    for lib in (cr, torch):
        p = lib.tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 11).permute(2, 0, 1)
        c = lib.tensor(np.arange(120, dtype=np.float32).reshape(2, 4, 5, 3) - 60)
        env = {"p": p, "c": c.permute(0, 3, 1, 2), "q": p.contiguous(), "torch": lib}
        got.append(_layouts(eval(expr, env)))
    assert got[0] == got[1]


# the layout of a gradient as torch.autograd.grad returns it (w: 3x4, v: 2x3x4, both leaves)
GRAD_LAYOUT_CASES = [
    "grad(w.roll(1, 0), w, torch.ones(4, 3).t())", "grad(w.roll(1), w, torch.ones(4, 3).t())",
    "grad(w.repeat(2, 1), w, torch.ones(4, 6).t())",
    "grad(v.tril(), v, torch.ones(4, 3, 2).permute(2, 1, 0))",
    "grad(w.flip(0), w, torch.ones(4, 3).t())", "grad(torch.cat([w, w]), w, torch.ones(4, 6).t())",
    "grad(w.cumsum(0), w, torch.ones(3, 4))", "grad(v.cumsum(2), v, torch.ones(2, 3, 4))",
    "grad(w.cumprod(1), w, torch.ones(3, 4))", "grad(w.sort(0).values, w, torch.ones(4, 3).t())",
]


@pytest.mark.parametrize("expr", GRAD_LAYOUT_CASES)
def test_gradient_layout_matches_torch(torch, expr):
    got = []
    for lib in (cr, torch):
        w = lib.tensor(np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5, requires_grad=True)
        v = lib.tensor(np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 11.5,
                       requires_grad=True)

        def grad(y: object, x: object, g: object, lib: object = lib) -> object:
            return lib.autograd.grad(y, x, g)[0]

        got.append(_layouts(eval(expr, {"w": w, "v": v, "torch": lib, "grad": grad})))
    assert got[0] == got[1]


@pytest.mark.parametrize("expr", ["x.stride(2)", "x.stride(-3)", "s.stride(0)", "s.stride(-1)",
                                  "s.size(0)", "s.size(-1)", "s.size(1)", "x.stride(1.0)",
                                  "x.stride('a')"])
def test_stride_and_size_errors_match_torch(torch, expr):
    errors = []
    for lib in (cr, torch):
        x, s = lib.ones(3, 4), lib.tensor(3.0)
        with pytest.raises((IndexError, TypeError)) as info:
            eval(expr, {"x": x, "s": s})
        errors.append((info.type, str(info.value)))
    assert errors[0] == errors[1]


def test_stride_by_keyword(torch):
    for lib in (cr, torch):
        assert lib.ones(3, 4).t().stride(dim=1) == 4


@pytest.mark.parametrize("fn", ["randn_like", "rand_like"])
def test_random_like_draws_in_memory_order_as_torch(torch, fn):
    # torch fills a tensor laid out as its input in memory order: a transposed input's
    # samples sit transposed, with the same seed
    values = []
    for lib in (cr, torch):
        x = lib.ones(3, 4).t()
        lib.manual_seed(0)
        first = getattr(lib, fn)(x)
        lib.manual_seed(0)
        second = getattr(lib, fn)(x, memory_format=lib.contiguous_format)
        values.append((first.numpy(), second.numpy()))
    for ours, theirs in zip(values[0], values[1]):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6)


def test_memory_formats_print_as_torch(torch):
    for name in ("contiguous_format", "preserve_format"):
        assert repr(getattr(cr, name)) == repr(getattr(torch, name))
        assert isinstance(getattr(cr, name), cr.memory_format)


@pytest.mark.parametrize("leaf", ["x.t().clone()", "x[:, ::2].t().clone()", "x.clone()",
                                  "x.t().detach()[::2]", "x.permute(1, 0).contiguous()"])
def test_grad_is_laid_out_as_its_leaf(torch, leaf):
    # torch's layout contract: a dense leaf's .grad takes its strides, any other's is row-major
    got = []
    for lib in (cr, torch):
        x = lib.arange(12.0).reshape(3, 4)
        y = eval(leaf, {"x": x}).requires_grad_()
        (y * 2).sum().backward()
        first = y.grad.stride()
        y.grad = None
        (y.t() @ lib.ones(y.shape[0], 2)).sum().backward()
        got.append((first, y.grad.stride(), y.grad.tolist()))
    assert got[0] == got[1]


# ---- dtype utilities ----------------------------------------------------------------------------

DTYPE_UTILITY_CASES = [
    "T.finfo(T.float32)", "T.finfo()", "T.finfo(T.float16)", "T.finfo(T.float64)",
    "T.finfo(T.complex128)", "T.iinfo(T.int8)", "T.iinfo(T.uint8)", "T.iinfo(T.int32)",
    "T.iinfo(T.int64)", "T.iinfo(T.bool)", "T.finfo(T.int32)", "T.iinfo(T.float32)",
    "T.finfo(T.float32).eps", "T.finfo(T.float16).max", "T.finfo(T.float64).tiny",
    "T.finfo(T.float32).bits", "T.finfo(T.float32).dtype", "T.finfo(T.float64).resolution",
    "T.finfo(T.float16).smallest_normal", "T.iinfo(T.int16).min", "T.iinfo(T.int64).bits",
    "T.iinfo(T.uint8).dtype", "T.finfo(T.float32) == T.finfo()", "T.is_complex(T.ones(1))",
    "T.result_type(T.ones(2), 2)", "T.result_type(T.tensor([1]), 2.5)", "T.result_type(2, 3.0)",
    "T.result_type(1, 2)", "T.result_type(T.tensor([1], dtype=T.int8), T.tensor(1.0).double())",
    "T.result_type(T.tensor([1], dtype=T.int8), T.tensor([1], dtype=T.int16))",
    "T.result_type(True, T.tensor([1], dtype=T.uint8))", "T.can_cast(T.float32, T.int32)",
    "T.can_cast(T.int32, T.float32)", "T.can_cast(T.bool, T.uint8)",
    "T.can_cast(T.complex64, T.float64)", "T.can_cast(T.float64, T.float16)",
    "T.promote_types(T.int32, T.float16)", "T.promote_types(T.uint8, T.int8)",
    "T.promote_types(T.bool, T.bool)", "T.promote_types(T.int64, T.complex64)",
]


@pytest.mark.parametrize("expr", DTYPE_UTILITY_CASES)
def test_dtype_utilities_match_torch(torch, expr):
    def outcome(T):  # noqa: ANN001, ANN202
        try:
            return repr(eval(expr, {"T": T})).replace("torch.", "").replace("chainrule.", "")
        except Exception as e:  # noqa: BLE001 - the exception itself is compared
            return type(e).__name__, str(e)

    assert outcome(cr) == outcome(torch)


# ---- Tensor.new_* factories and type_as --------------------------------------------------

def _outcome(T, fn):
    """What ``fn(T)`` shows: its result's repr, dtype, shape and requires_grad (new_empty's
    values are arbitrary, so only its shape and dtype), the warnings it gives, or the type and
    message of what it raises."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            r = fn(T)
        except Exception as e:  # noqa: BLE001 - the exception is what is compared
            return type(e).__name__, str(e)
    texts = [str(w.message) for w in caught]
    if isinstance(r, tuple):  # (tensor, whether it is its source)
        r, *rest = r
        return _outcome(T, lambda _: r) + tuple(rest)
    values = "" if getattr(fn, "empty", False) else repr(r)
    return values, str(r.dtype), tuple(r.shape), r.requires_grad, r.grad_fn, texts


def _empty(fn):
    fn.empty = True
    return fn


def _f64(T):
    return T.ones(2, 3, dtype=T.float64, requires_grad=True)


NEW = {
    "zeros_ints": lambda T: _f64(T).new_zeros(2, 3),
    "zeros_tuple": lambda T: _f64(T).new_zeros((2, 3)),
    "zeros_list": lambda T: _f64(T).new_zeros([2]),
    "zeros_size": lambda T: _f64(T).new_zeros(T.Size([1, 2])),
    "zeros_empty_tuple": lambda T: _f64(T).new_zeros(()),
    "zeros_keyword": lambda T: _f64(T).new_zeros(size=(2,)),
    "zeros_numpy_int": lambda T: _f64(T).new_zeros(np.int64(2)),
    "zeros_int_tensor": lambda T: _f64(T).new_zeros(T.tensor([2])),
    "zeros_dtype": lambda T: _f64(T).new_zeros(2, dtype=T.int32),
    "zeros_requires_grad": lambda T: _f64(T).new_zeros(2, requires_grad=True),
    "zeros_device": lambda T: _f64(T).new_zeros(2, device="cpu"),
    "ones_int": lambda T: T.tensor([1, 2]).new_ones(3),
    "ones_bool": lambda T: T.tensor([True]).new_ones((2, 2)),
    "ones_float_dtype": lambda T: T.tensor([1, 2]).new_ones([2], dtype=T.float32,
                                                            requires_grad=True),
    "empty": _empty(lambda T: _f64(T).new_empty(2, 3)),
    "empty_dtype": _empty(lambda T: _f64(T).new_empty((2,), dtype=T.int64)),
    "empty_zero_size": lambda T: _f64(T).new_empty(0, 3),
    "full": lambda T: _f64(T).new_full((2,), 3),
    "full_truncates": lambda T: T.tensor([1, 2]).new_full((2,), 3.7),
    "full_bool_value": lambda T: T.ones(2).new_full([2], True),
    "full_tensor_value": lambda T: T.ones(2).new_full((2,), T.tensor(3.5)),
    "full_keywords": lambda T: T.ones(2).new_full(size=(1, 2), fill_value=-1, dtype=T.int8),
    "full_complex_real": lambda T: T.ones(2).new_full((2,), 2 + 0j),
    "tensor_list": lambda T: _f64(T).new_tensor([1, 2]),
    "tensor_truncates": lambda T: T.tensor([1, 2]).new_tensor([1.5, 2]),
    "tensor_scalar": lambda T: T.tensor([1, 2]).new_tensor(2.5),
    "tensor_dtype": lambda T: _f64(T).new_tensor([1, 2], dtype=T.int8),
    "tensor_grad": lambda T: _f64(T).new_tensor([1.0], requires_grad=True),
    "tensor_numpy": lambda T: _f64(T).new_tensor(np.array([1, 2], dtype=np.int32)),
    "tensor_numpy_scalar": lambda T: T.ones(1).new_tensor(np.float64(3.5)),
    "tensor_from_tensor": lambda T: _f64(T).new_tensor(_f64(T) * 2),
    "tensor_from_int_tensor": lambda T: T.ones(2).new_tensor(T.tensor(2)),
    "tensor_keyword": lambda T: T.ones(2).new_tensor(data=[[1, 2], [3, 4]]),
    "type_as_int": lambda T: _f64(T).type_as(T.tensor([1])),
    "type_as_float": lambda T: T.tensor([1, 2]).type_as(_f64(T)),
    "type_as_grad": lambda T: (lambda x: (x.type_as(T.ones(1)),))(_f64(T) * 2),
    "type_as_same": lambda T: (lambda x: (x.type_as(T.ones(1, dtype=T.float64)),
                                          x.type_as(T.ones(1, dtype=T.float64)) is x))(_f64(T)),
}


@pytest.mark.parametrize("name", NEW)
def test_new_factories_match_torch(torch, name):
    ours, theirs = _outcome(cr, NEW[name]), _outcome(torch, NEW[name])
    # grad_fn objects differ; their names are in the reprs
    assert ours[:4] + ours[5:] == theirs[:4] + theirs[5:]


def test_new_tensor_copies_its_data():
    x = cr.ones(3)
    src = cr.zeros(3)
    with pytest.warns(UserWarning):
        y = x.new_tensor(src)
    y.add_(1)
    assert src.tolist() == [0.0, 0.0, 0.0]
    arr = np.zeros(2, dtype=np.float32)
    x.new_tensor(arr).add_(1)
    assert arr.tolist() == [0.0, 0.0]


NEW_ERRORS = {
    "zeros_no_size": lambda T: T.ones(2).new_zeros(),
    "zeros_float": lambda T: T.ones(2).new_zeros(2.5),
    "zeros_bool": lambda T: T.ones(2).new_zeros(True),
    "zeros_none": lambda T: T.ones(2).new_zeros(None),
    "zeros_float_tensor": lambda T: T.ones(2).new_zeros(T.tensor(2.0)),
    "zeros_str_in_tuple": lambda T: T.ones(2).new_zeros((2, "a")),
    "zeros_float_second": lambda T: T.ones(2).new_zeros(2, 2.5),
    "zeros_negative": lambda T: T.ones(2).new_zeros(-1),
    "zeros_keyword_int": lambda T: T.ones(2).new_ones(size=2),
    "zeros_bad_dtype": lambda T: T.ones(2).new_zeros(2, dtype=3),
    "zeros_bad_requires_grad": lambda T: T.ones(2).new_zeros(2, requires_grad=1),
    "zeros_unknown_keyword": lambda T: T.ones(2).new_zeros(2, foo=1),
    "ones_int_grad": lambda T: T.tensor([1]).new_ones(2, requires_grad=True),
    "empty_negative": lambda T: T.ones(2).new_empty(-2),
    "full_int_size": lambda T: T.ones(2).new_full(2, 3),
    "full_no_value": lambda T: T.ones(2).new_full((2,)),
    "full_str_value": lambda T: T.ones(2).new_full((2,), "a"),
    "full_1d_value": lambda T: T.ones(2).new_full((2,), T.tensor([3.0])),
    "full_complex_float": lambda T: T.ones(2).new_full((2,), 1 + 2j),
    "full_complex_long": lambda T: T.tensor([1]).new_full((2,), 1 + 2j),
    "full_negative": lambda T: T.ones(2).new_full((-1,), 2),
    "tensor_no_data": lambda T: T.ones(2).new_tensor(),
    "tensor_str": lambda T: T.ones(2).new_tensor("a"),
    "tensor_ragged": lambda T: T.ones(2).new_tensor([[1, 2], [3]]),
    "tensor_int_grad": lambda T: T.tensor([1]).new_tensor([1], requires_grad=True),
    "type_as_number": lambda T: T.ones(2).type_as(2),
}


@pytest.mark.parametrize("name", NEW_ERRORS)
def test_new_factory_errors_match_torch(torch, name):
    ours, theirs = _outcome(cr, NEW_ERRORS[name]), _outcome(torch, NEW_ERRORS[name])
    assert len(theirs) == 2, theirs
    assert ours == theirs


# ---- small queries ---------------------------------------------------------------------------

def _grid(T):
    return T.arange(12.0).reshape(3, 4)


QUERIES = {
    "is_signed_float": lambda T: T.ones(1).is_signed(),
    "is_signed_bool": lambda T: T.tensor([True]).is_signed(),
    "is_signed_uint8": lambda T: T.tensor([1], dtype=T.uint8).is_signed(),
    "is_signed_int8": lambda T: T.is_signed(T.tensor([1], dtype=T.int8)),
    "is_signed_complex": lambda T: T.tensor([1j]).is_signed(),
    "is_nonzero_zero": lambda T: T.tensor([0.0]).is_nonzero(),
    "is_nonzero_int": lambda T: T.tensor([2]).is_nonzero(),
    "is_nonzero_bool_0d": lambda T: T.is_nonzero(T.tensor(True)),
    "is_nonzero_nan": lambda T: T.tensor(float("nan")).is_nonzero(),
    "is_nonzero_2d": lambda T: T.tensor([[-0.0]]).is_nonzero(),
    "itemsize": lambda T: (_grid(T).itemsize, T.tensor([True]).itemsize,
                           T.ones(1, dtype=T.float64).itemsize),
    "nbytes": lambda T: (_grid(T).nbytes, _grid(T)[1:].nbytes, _grid(T).t().nbytes,
                         _grid(T).expand(2, 3, 4).nbytes, T.tensor(1.0).nbytes),
    "is_cpu": lambda T: _grid(T).is_cpu,
    "get_device": lambda T: (_grid(T).get_device(), T.get_device(_grid(T))),
    "is_same_size": lambda T: (_grid(T).is_same_size(_grid(T).t()),
                               T.is_same_size(_grid(T), _grid(T) + 1)),
    "storage_offset": lambda T: tuple(v.storage_offset() for v in (
        _grid(T), _grid(T)[1], _grid(T)[1:, 2:], _grid(T).t()[1], _grid(T)[:, 1],
        _grid(T).view(12)[5:], _grid(T).flip(0), _grid(T).expand(2, 3, 4)[1],
        _grid(T).diagonal(1), _grid(T)[1].clone(), _grid(T)[1, 2], _grid(T).unbind(0)[2],
        _grid(T).split(1)[2], _grid(T)[1].detach(), _grid(T)[1].data, T.tensor(3.0),
        _grid(T).narrow(1, 1, 2), _grid(T).unsqueeze(0)[:, 2], _grid(T)[::2, 1::2])),
    "is_conj": lambda T: (_grid(T).is_conj(), T.is_conj(_grid(T)), T.tensor([1j]).is_conj()),
    "is_neg": lambda T: (_grid(T).is_neg(), T.is_neg(_grid(T))),
}


@pytest.mark.parametrize("name", QUERIES)
def test_queries_match_torch(torch, name):
    assert QUERIES[name](cr) == QUERIES[name](torch)


@pytest.mark.parametrize("name", ["resolve_conj", "resolve_neg", "conj"])
def test_real_conj_and_resolve_return_the_tensor_itself(torch, name):
    for T in (cr, torch):
        x = T.ones(2, requires_grad=True)
        assert getattr(x, name)() is x and getattr(T, name)(x) is x


QUERY_ERRORS = {
    "is_nonzero_many": lambda T: T.tensor([1, 2]).is_nonzero(),
    "is_nonzero_empty": lambda T: T.tensor([]).is_nonzero(),
    "is_nonzero_number": lambda T: T.is_nonzero(1),
    "is_signed_number": lambda T: T.is_signed(1.5),
    "is_same_size_number": lambda T: T.ones(2).is_same_size(3),
    "is_same_size_function": lambda T: T.is_same_size(T.ones(2), [2]),
}


@pytest.mark.parametrize("name", QUERY_ERRORS)
def test_query_errors_match_torch(torch, name):
    ours, theirs = _outcome(cr, QUERY_ERRORS[name]), _outcome(torch, QUERY_ERRORS[name])
    assert len(theirs) == 2, theirs
    assert ours == theirs


# tensor() of a sequence: the values' own types promoted, as torch infers them (a Python
# number's default dtype, a NumPy scalar's or a one-element tensor's dtype)
INFERRED_DTYPE_CASES = [
    "[np.int32(1), np.int32(2)]", "[np.float64(1.5)]", "[np.int32(1), 2]",
    "[np.int16(1), np.float32(2)]", "[np.float16(1.0), 2]", "[np.uint8(3), True]",
    "[1.0, np.float64(2)]", "[np.int8(1), np.int64(2)]", "[[np.int32(1)], [np.int32(2)]]",
    "np.int32(5)", "[np.bool_(True)]", "[True, False]", "[]", "[1, 2]", "[1.5, 2]",
    "[T.tensor(1, dtype=T.int32), 2]", "[T.tensor(1, dtype=T.int32)]",
    "[T.tensor(1.0, dtype=T.float64), 2.0]", "[T.tensor(1, dtype=T.uint8), True]",
    "[np.bool_(True), True]", "[np.float32(1.5), 1j]", "[[]]", "[np.int8(1), np.uint8(2)]",
]


@pytest.mark.parametrize("expr", INFERRED_DTYPE_CASES)
def test_tensor_infers_dtype_as_torch(torch, expr):
    got = []
    for T in (cr, torch):
        out = T.tensor(eval(expr, {"T": T, "np": np}))
        got.append((str(out.dtype).split(".")[-1], out.tolist()))
    assert got[0] == got[1]
