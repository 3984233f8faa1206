"""Normalization, embedding and distance layers against torch: values, gradients, reprs,
state_dict keys, initialisation under a seed, and errors."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr

X = np.random.default_rng(0).standard_normal((2, 3, 4))
Y = np.random.default_rng(1).standard_normal((2, 3, 4))

# (name, module constructor, number of inputs); each module is built after the same seed
MODULES = [
    ("layer_norm", lambda T: T.nn.LayerNorm(4, dtype=T.float64), 1),
    ("layer_norm_2d", lambda T: T.nn.LayerNorm((3, 4), eps=1e-3, dtype=T.float64), 1),
    ("layer_norm_no_affine", lambda T: T.nn.LayerNorm([4], elementwise_affine=False), 1),
    ("layer_norm_no_bias", lambda T: T.nn.LayerNorm(4, bias=False, dtype=T.float64), 1),
    ("rms_norm", lambda T: T.nn.RMSNorm(4, dtype=T.float64), 1),
    ("rms_norm_2d", lambda T: T.nn.RMSNorm([3, 4], eps=1e-3, dtype=T.float64), 1),
    ("rms_norm_no_affine", lambda T: T.nn.RMSNorm(4, elementwise_affine=False), 1),
    ("group_norm", lambda T: T.nn.GroupNorm(1, 3, dtype=T.float64), 1),
    ("group_norm_per_channel", lambda T: T.nn.GroupNorm(3, 3, eps=1e-3, dtype=T.float64), 1),
    ("group_norm_no_affine", lambda T: T.nn.GroupNorm(3, 3, affine=False), 1),
    ("group_norm_no_bias", lambda T: T.nn.GroupNorm(1, 3, bias=False, dtype=T.float64), 1),
    ("cosine_similarity", lambda T: T.nn.CosineSimilarity(), 2),
    ("cosine_similarity_dim", lambda T: T.nn.CosineSimilarity(dim=-1, eps=1e-6), 2),
    ("pairwise_distance", lambda T: T.nn.PairwiseDistance(), 2),
    ("pairwise_distance_p1", lambda T: T.nn.PairwiseDistance(p=1.0, keepdim=True), 2),
    ("unflatten", lambda T: T.nn.Unflatten(2, (2, 2)), 1),
    ("unflatten_list", lambda T: T.nn.Unflatten(-1, [2, -1]), 1),
]


def _run(T, make, n):
    T.manual_seed(0)
    m = make(T)
    xs = [T.tensor(a, requires_grad=True) for a in (X, Y)[:n]]
    out = m(*xs)
    (out * T.tensor(np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape)))).sum().backward()
    grads = [x.grad.numpy() for x in xs] + [p.grad.numpy() for p in m.parameters()]
    return m, out, grads


@pytest.mark.parametrize("name,make,n", MODULES, ids=[m[0] for m in MODULES])
def test_module_matches_torch(torch, name, make, n):
    m, out, grads = _run(cr, make, n)
    tm, tout, tgrads = _run(torch, make, n)
    assert repr(m) == repr(tm)
    assert list(m.state_dict()) == list(tm.state_dict())
    assert out.grad_fn.name() == tout.grad_fn.name()
    assert tuple(out.shape) == tuple(tout.shape) and str(out.dtype) == str(tout.dtype)
    np.testing.assert_allclose(out.detach().numpy(), tout.detach().numpy(), rtol=1e-12,
                               atol=1e-12)
    assert len(grads) == len(tgrads)
    for g, tg in zip(grads, tgrads):
        np.testing.assert_allclose(g, tg, rtol=1e-10, atol=1e-12)


EMBEDDINGS = [
    ("plain", lambda T: T.nn.Embedding(5, 3)),
    ("padding", lambda T: T.nn.Embedding(5, 3, padding_idx=1)),
    ("padding_negative", lambda T: T.nn.Embedding(5, 3, padding_idx=-1)),
    ("max_norm", lambda T: T.nn.Embedding(5, 3, max_norm=1.0)),
    ("max_norm_p1", lambda T: T.nn.Embedding(5, 3, max_norm=0.5, norm_type=1.0)),
    ("float32", lambda T: T.nn.Embedding(6, 2, padding_idx=0, dtype=T.float32)),
]


@pytest.mark.parametrize("name,make", EMBEDDINGS, ids=[e[0] for e in EMBEDDINGS])
def test_embedding_matches_torch(torch, name, make):
    idx = [[0, 1, 4], [1, 1, 3]]
    res = []
    for T in (cr, torch):
        T.manual_seed(0)
        m = make(T)
        init = m.weight.detach().numpy().copy()  # N(0, 1) as torch draws it, padding zeroed
        out = m(T.tensor(idx))
        (out * out).sum().backward()
        res.append((repr(m), init, out.grad_fn.name(), out.detach().numpy(),
                    m.weight.detach().numpy(), m.weight.grad.numpy(), str(out.dtype)))
    ours, theirs = res
    for a, b in zip(ours, theirs):
        if isinstance(a, str):
            assert a == b
        else:
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_embedding_from_pretrained(torch):
    w = np.arange(12.0).reshape(4, 3)
    for freeze in (True, False):
        m = cr.nn.Embedding.from_pretrained(cr.tensor(w), freeze=freeze, padding_idx=2)
        t = torch.nn.Embedding.from_pretrained(torch.tensor(w), freeze=freeze, padding_idx=2)
        assert repr(m) == repr(t)
        assert m.weight.requires_grad == t.weight.requires_grad == (not freeze)
        # the padding row is kept as given
        np.testing.assert_array_equal(m(cr.tensor([2, 0])).detach().numpy(),
                                      t(torch.tensor([2, 0])).detach().numpy())


def _error(T, fn):
    with pytest.raises(Exception) as info:
        fn(T)
    return type(info.value), str(info.value)


ERRORS = [
    ("ln_shape", lambda T: T.nn.functional.layer_norm(T.ones(2, 3), (4,))),
    ("ln_shape_2d", lambda T: T.nn.functional.layer_norm(T.ones(2, 3), [2, 3, 4])),
    ("ln_weight", lambda T: T.nn.functional.layer_norm(T.ones(2, 3), (3,), T.ones(2))),
    ("ln_bias", lambda T: T.nn.functional.layer_norm(T.ones(2, 3), (3,), None, T.ones(4))),
    ("emb_float_index", lambda T: T.nn.functional.embedding(T.ones(2), T.ones(3, 2))),
    ("emb_out_of_range", lambda T: T.nn.functional.embedding(T.tensor([3]), T.ones(3, 2))),
    ("emb_negative", lambda T: T.nn.functional.embedding(T.tensor([-1]), T.ones(3, 2))),
    ("emb_padding", lambda T: T.nn.Embedding(3, 2, padding_idx=3)),
    ("emb_padding_negative", lambda T: T.nn.Embedding(3, 2, padding_idx=-4)),
    ("emb_pretrained_1d", lambda T: T.nn.Embedding.from_pretrained(T.ones(3))),
    ("unflatten_size", lambda T: T.nn.Unflatten(1, 4)),
    ("unflatten_element", lambda T: T.nn.Unflatten(1, (2, 2.0))),
    ("ln_empty", lambda T: T.nn.functional.layer_norm(T.ones(2, 3), ())),
    ("rms_shape", lambda T: T.nn.functional.rms_norm(T.ones(2, 3), (2, 4))),
    ("rms_weight", lambda T: T.nn.functional.rms_norm(T.ones(2, 3), (3,), T.ones(2))),
    ("rms_empty", lambda T: T.nn.functional.rms_norm(T.ones(2, 3), [])),
    ("rms_int", lambda T: T.nn.functional.rms_norm(T.tensor([[1, 2]]), (2,))),
    ("gn_groups", lambda T: T.nn.functional.group_norm(T.ones(2, 3, 4), 2)),
    ("gn_module_groups", lambda T: T.nn.GroupNorm(2, 3)),
    ("gn_weight", lambda T: T.nn.functional.group_norm(T.ones(2, 4), 2, T.ones(3))),
    ("gn_1d", lambda T: T.nn.functional.group_norm(T.ones(4), 2)),
    ("gn_int", lambda T: T.nn.functional.group_norm(T.tensor([[1, 2]]), 1)),
    ("ln_int", lambda T: T.nn.functional.layer_norm(T.tensor([[1, 2]]), (2,))),
    ("ln_mixed_float", lambda T: T.nn.functional.layer_norm(
        T.ones(2, 2), (2,), T.ones(2, dtype=T.float64))),
    ("ln_mixed_double", lambda T: T.nn.functional.layer_norm(
        T.ones(2, 2, dtype=T.float64), (2,), None, T.ones(2))),
]


@pytest.mark.parametrize("name,fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors_match_torch(torch, name, fn):
    assert _error(cr, fn) == _error(torch, fn)


def test_embedding_padding_row_gets_no_gradient():
    w = cr.ones(4, 2, requires_grad=True)
    cr.nn.functional.embedding(cr.tensor([[3, 0], [3, 3]]), w, padding_idx=3).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), [[1, 1], [0, 0], [0, 0], [0, 0]])


def test_functional_defaults_match_torch(torch):
    for fname, args in (("normalize", (X,)), ("cosine_similarity", (X, Y)),
                        ("pairwise_distance", (X[0, 0], Y[0, 0]))):
        ours = getattr(cr.nn.functional, fname)(*[cr.tensor(a) for a in args])
        theirs = getattr(torch.nn.functional, fname)(*[torch.tensor(a) for a in args])
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dims", [(0, None), (None, 0), (0, 0), (1, 0)])
def test_embedding_under_vmap(torch, dims):
    # batched indices, batched weights, or both; padding row 2 keeps its value, not its grad
    # (with both batched, torch's rule keeps only sample 0's padding row from the gradient)
    idx = np.array([[0, 2, 1], [2, 2, 0]])
    w = np.random.default_rng(2).standard_normal((2, 4, 3))
    idx_in = idx if dims[0] == 0 else idx[0]
    w_in = w if dims[1] == 0 else w[0]
    if dims[0] == 1:
        idx_in = idx.T.copy()
    res = []
    for T in (cr, torch):
        def loss(wt, T=T):
            def f(i, v):
                return T.nn.functional.embedding(i, v, padding_idx=2)

            out = T.func.vmap(f, in_dims=dims)(T.tensor(idx_in), wt)
            return (out * out).sum(), out

        wt = T.tensor(w_in)
        g, out = T.func.grad(loss, has_aux=True)(wt)
        res.append((out.numpy(), g.numpy()))
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


BATCH_NORMS = [
    ("1d", lambda T: T.nn.BatchNorm1d(3, dtype=T.float64), (4, 3)),
    ("1d_3d_input", lambda T: T.nn.BatchNorm1d(3, momentum=0.3, dtype=T.float64), (4, 3, 2)),
    ("2d", lambda T: T.nn.BatchNorm2d(3, eps=1e-3, dtype=T.float64), (2, 3, 2, 2)),
    ("cumulative", lambda T: T.nn.BatchNorm1d(3, momentum=None, dtype=T.float64), (4, 3)),
    ("no_affine", lambda T: T.nn.BatchNorm1d(3, affine=False, dtype=T.float64), (4, 3)),
    ("no_bias", lambda T: T.nn.BatchNorm2d(3, bias=False, dtype=T.float64), (2, 3, 1, 2)),
    ("untracked", lambda T: T.nn.BatchNorm1d(3, track_running_stats=False, dtype=T.float64),
     (4, 3)),
]


def _batch_norm_steps(T, make, shape):
    """Three training steps, then one in evaluation: outputs, gradients and buffers of each."""
    m = make(T)
    rng = np.random.default_rng(5)
    seen = [repr(m), list(m.state_dict())]
    for step in range(4):
        if step == 3:
            m.eval()
        x = T.tensor(rng.standard_normal(shape) * 2 + 1, requires_grad=True)
        out = m(x)
        (out * out * T.tensor(rng.standard_normal(shape))).sum().backward()
        seen += [out.grad_fn.name(), out.detach().numpy(), x.grad.numpy()]
        seen += [p.grad.numpy().copy() for p in m.parameters()]
        seen += [b.numpy().copy() for b in m.buffers()]
    return seen


@pytest.mark.parametrize("name,make,shape", BATCH_NORMS, ids=[b[0] for b in BATCH_NORMS])
def test_batch_norm_module_matches_torch(torch, name, make, shape):
    ours, theirs = _batch_norm_steps(cr, make, shape), _batch_norm_steps(torch, make, shape)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        if isinstance(a, (str, list)):
            assert a == b
        else:
            assert a.dtype == b.dtype
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


BN_ERRORS = [
    ("one_value", lambda T: T.nn.functional.batch_norm(T.ones(1, 3), None, None, training=True)),
    ("running_size", lambda T: T.nn.functional.batch_norm(T.ones(2, 3), T.zeros(4), T.ones(4))),
    ("weight_size", lambda T: T.nn.functional.batch_norm(T.ones(2, 3), None, None, T.ones(4),
                                                         training=True)),
    ("eval_no_stats", lambda T: T.nn.functional.batch_norm(T.ones(2, 3), None, None)),
    ("1d_rank", lambda T: T.nn.BatchNorm1d(3)(T.ones(2, 3, 4, 5))),
    ("2d_rank", lambda T: T.nn.BatchNorm2d(3)(T.ones(2, 3, 4))),
]


@pytest.mark.parametrize("name,fn", BN_ERRORS, ids=[e[0] for e in BN_ERRORS])
def test_batch_norm_errors_match_torch(torch, name, fn):
    assert _error(cr, fn) == _error(torch, fn)
