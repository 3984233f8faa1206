"""chainrule.optim against torch.optim: training runs, state, param groups, printed text,
state dicts and argument errors."""

from __future__ import annotations

import copy
import doctest

import numpy as np
import pytest

import chainrule as cr
import chainrule.optim as optim
from chainrule.optim import _kernels, adam, optimizer, rmsprop, sgd

# (optimizer name, keyword arguments): each trained in both libraries
CONFIGS = [
    ("SGD", {"lr": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True}),
    ("SGD", {"lr": 0.02, "momentum": 0.5, "maximize": True}),
    ("Adam", {}),
    ("Adam", {"lr": 0.01, "betas": (0.8, 0.99), "eps": 1e-6}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}),
    ("Adam", {"lr": 0.01, "maximize": True, "decoupled_weight_decay": True,
              "weight_decay": 0.05}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.02, "weight_decay": 0.1, "amsgrad": True, "betas": (0.85, 0.995)}),
    ("RMSprop", {}),
    ("RMSprop", {"lr": 0.005, "alpha": 0.95, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.001, "centered": True, "maximize": True}),
    ("RMSprop", {"lr": 0.001, "centered": True, "eps": 1e-5}),
    ("Adagrad", {}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.02,
                 "initial_accumulator_value": 0.1}),
    ("Adagrad", {"lr": 0.05, "eps": 1e-6, "maximize": True}),
]


def _pair(torch, seed=0):
    """The same 4 -> 8 -> 1 network in both libraries (chainrule's weights copied from
    torch's), and a fixed regression batch."""
    torch.manual_seed(seed)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    cm = cr.nn.Sequential(cr.nn.Linear(4, 8), cr.nn.Tanh(), cr.nn.Linear(8, 1))
    with cr.no_grad():
        for c, t in zip(cm.parameters(), tm.parameters()):
            c.copy_(cr.tensor(t.detach().numpy()))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((16, 4)).astype(np.float32)
    y = rng.standard_normal((16, 1)).astype(np.float32)
    return tm, cm, x, y


def _loss(lib, model, x, y, sign=1.0):
    # maximize runs climb -MSE, which converges like minimizing MSE (climbing MSE itself
    # grows the weights exponentially and amplifies matmul rounding differences)
    return sign * ((model(lib.tensor(x)) - lib.tensor(y)) ** 2).mean()


def _close(c, t, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(c.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)


def _train(torch, to, co, tm, cm, x, y, steps):
    """Runs ``steps`` steps in both libraries; returns both runs' losses."""
    sign = -1.0 if to.defaults["maximize"] else 1.0
    losses = ([], [])
    for _ in range(steps):
        for i, (lib, model, opt) in enumerate(((torch, tm, to), (cr, cm, co))):
            opt.zero_grad()
            loss = _loss(lib, model, x, y, sign)
            loss.backward()
            opt.step()
            losses[i].append(loss.item())
    return losses


def _check_state(co, to, cm, tm):
    for c, t in zip(cm.parameters(), tm.parameters()):
        _close(c, t)
        ct, tt = co.state[c], to.state[t]
        assert list(ct) == list(tt)
        for key in tt:
            assert isinstance(ct[key], cr.Tensor)
            assert str(ct[key].dtype) == str(tt[key].dtype)
            assert ct[key].shape == tuple(tt[key].shape)
            _close(ct[key], tt[key])


@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_training_matches_torch(torch, name, kwargs):
    tm, cm, x, y = _pair(torch)
    to = getattr(torch.optim, name)(tm.parameters(), **kwargs)
    co = getattr(optim, name)(cm.parameters(), **kwargs)
    lt, lc = _train(torch, to, co, tm, cm, x, y, 60)
    np.testing.assert_allclose(lc, lt, rtol=1e-5)
    assert lc[-1] != lc[0]
    _check_state(co, to, cm, tm)


# RMSprop's momentum buffer sums g / sqrt(v), whatever g's scale: near convergence the
# gradients are mostly the two libraries' matmul rounding, which the buffer grows to 1e-4
# apart over a training run; fed identical gradients it agrees to an ulp
UPDATE_ONLY = [
    ("RMSprop", {"lr": 0.005, "alpha": 0.9, "momentum": 0.8, "weight_decay": 0.01}),
    ("RMSprop", {"lr": 0.005, "centered": True, "momentum": 0.5, "maximize": True}),
]


@pytest.mark.parametrize("name,kwargs", CONFIGS + UPDATE_ONLY)
def test_update_from_identical_gradients(torch, name, kwargs):
    # the update alone, fed the same gradients: SGD's arithmetic is torch's to the bit;
    # Adam's differs only through torch's vectorized sqrt (an ulp on some elements)
    rng = np.random.default_rng(3)
    shape = (5, 7)  # 35 elements: vectorized body and scalar tail
    p0 = rng.standard_normal(shape).astype(np.float32)
    tp = torch.nn.Parameter(torch.tensor(p0))
    cp = cr.nn.Parameter(cr.tensor(p0))
    to = getattr(torch.optim, name)([tp], **kwargs)
    co = getattr(optim, name)([cp], **kwargs)
    for _ in range(100):
        g = (rng.standard_normal(shape) * 10.0 ** rng.integers(-4, 2)).astype(np.float32)
        tp.grad = torch.tensor(g)
        cp.grad = cr.tensor(g)
        to.step()
        co.step()
    if name == "SGD":
        np.testing.assert_array_equal(cp.detach().numpy(), tp.detach().numpy())
    else:
        _close(cp, tp, rtol=1e-6, atol=1e-7)
        assert co.state[cp]["step"].item() == to.state[tp]["step"].item() == 100


def test_float64_parameters(torch):
    p0 = np.linspace(-1, 1, 6)
    tp, cp = torch.nn.Parameter(torch.tensor(p0)), cr.nn.Parameter(cr.tensor(p0))
    to, co = torch.optim.Adam([tp], lr=0.1), optim.Adam([cp], lr=0.1)
    for _ in range(5):
        for p, o in ((tp, to), (cp, co)):
            o.zero_grad()
            (p ** 3).sum().backward()
            o.step()
    assert str(cp.dtype) == "torch.float64" and str(co.state[cp]["exp_avg"].dtype) == \
        str(to.state[tp]["exp_avg"].dtype)
    _close(cp, tp, rtol=1e-13, atol=0)


@pytest.mark.parametrize("name,kwargs", [
    ("SGD", {}), ("SGD", {"momentum": 0.9, "nesterov": True}), ("Adam", {}),
    ("AdamW", {"amsgrad": True}), ("Adam", {"lr": 0.5, "betas": (0.5, 0.6)}),
    ("RMSprop", {"centered": True}), ("Adagrad", {"lr_decay": 0.1}),
])
def test_param_groups_and_repr(torch, name, kwargs):
    tm, cm, _, _ = _pair(torch)
    to = getattr(torch.optim, name)(tm.parameters(), **kwargs)
    co = getattr(optim, name)(cm.parameters(), **kwargs)
    tg, cg = to.param_groups[0], co.param_groups[0]
    assert list(cg) == list(tg)
    assert {k: v for k, v in cg.items() if k != "params"} == \
        {k: v for k, v in tg.items() if k != "params"}
    assert cg["params"] == list(cm.parameters()) or all(
        a is b for a, b in zip(cg["params"], cm.parameters()))
    assert co.defaults == to.defaults
    assert repr(co) == repr(to)


def test_param_group_dicts_with_their_own_lr(torch):
    tm, cm, x, y = _pair(torch)

    def groups(m):
        return [{"params": m[0].parameters(), "lr": 0.01},
                {"params": list(m[2].parameters()), "momentum": 0.5}]

    to = torch.optim.SGD(groups(tm), lr=0.1, momentum=0.9)
    co = optim.SGD(groups(cm), lr=0.1, momentum=0.9)
    assert [list(g) for g in co.param_groups] == [list(g) for g in to.param_groups]
    assert repr(co) == repr(to)
    lt, lc = _train(torch, to, co, tm, cm, x, y, 30)
    np.testing.assert_allclose(lc, lt, rtol=1e-5)
    _check_state(co, to, cm, tm)


def test_add_param_group(torch):
    tm, cm, x, y = _pair(torch)
    to = torch.optim.Adam(tm[0].parameters(), lr=0.01)
    co = optim.Adam(cm[0].parameters(), lr=0.01)
    to.add_param_group({"params": tm[2].parameters(), "lr": 0.001, "amsgrad": True})
    co.add_param_group({"params": cm[2].parameters(), "lr": 0.001, "amsgrad": True})
    assert repr(co) == repr(to)
    _train(torch, to, co, tm, cm, x, y, 20)
    _check_state(co, to, cm, tm)
    for o, m in ((to, tm), (co, cm)):
        with pytest.raises(ValueError) as err:
            o.add_param_group({"params": m[0].weight})
        assert str(err.value) == "some parameters appear in more than one parameter group"


def test_parameters_without_grad_are_skipped(torch):
    tm, cm, x, y = _pair(torch)
    for m in (tm, cm):
        m[2].bias.requires_grad_(False)
    for name in ("SGD", "Adam", "RMSprop"):
        to = getattr(torch.optim, name)(tm.parameters(), lr=0.1, weight_decay=0.1)
        co = getattr(optim, name)(cm.parameters(), lr=0.1, weight_decay=0.1)
        _train(torch, to, co, tm, cm, x, y, 3)
        assert cm[2].bias.grad is None
        assert len(co.state) == len(to.state)
        assert cm[2].bias not in co.state
        _check_state(co, to, cm, tm)


def test_zero_grad_both_ways(torch):
    for lib, mod in ((torch, torch.optim), (cr, optim)):
        w = lib.nn.Parameter(lib.ones(3))
        opt = mod.SGD([w], lr=0.1)
        (w * 2).sum().backward()
        g = w.grad
        opt.zero_grad(set_to_none=False)
        assert w.grad is g and w.grad.tolist() == [0.0, 0.0, 0.0]
        assert not w.grad.requires_grad
        opt.zero_grad()
        assert w.grad is None


def test_step_returns_the_closure_loss(torch):
    results = []
    for lib, mod in ((torch, torch.optim), (cr, optim)):
        w = lib.nn.Parameter(lib.tensor([1.0, -3.0]))
        opt = mod.SGD([w], lr=0.1, momentum=0.9)
        calls = []

        def closure(opt=opt, w=w, lib=lib, calls=calls):
            opt.zero_grad()
            loss = (w ** 2).sum()
            loss.backward()
            calls.append(lib.is_grad_enabled())
            return loss

        with lib.no_grad():
            out = [opt.step(closure).item() for _ in range(3)]
        assert calls == [True, True, True]
        assert opt.step() is None
        results.append((out, w.tolist()))
    assert results[1] == results[0]


def test_step_is_not_recorded(torch):
    w = cr.nn.Parameter(cr.ones(2))
    opt = optim.Adam([w])
    w.sum().backward()
    v = w._version
    opt.step()
    assert w.grad_fn is None and w.requires_grad and w.is_leaf
    assert w._version == v + 1


def test_state_dict_structure_and_round_trip(torch):
    tm, cm, x, y = _pair(torch)
    to = torch.optim.Adam([{"params": tm[0].parameters()},
                           {"params": tm[2].parameters(), "lr": 0.003}], lr=0.01, amsgrad=True)
    co = optim.Adam([{"params": cm[0].parameters()},
                     {"params": cm[2].parameters(), "lr": 0.003}], lr=0.01, amsgrad=True)
    _train(torch, to, co, tm, cm, x, y, 5)
    ts, cs = to.state_dict(), co.state_dict()
    assert list(cs) == list(ts) == ["state", "param_groups"]
    assert list(cs["state"]) == list(ts["state"]) == [0, 1, 2, 3]
    assert cs["param_groups"] == [{k: v for k, v in g.items()} for g in ts["param_groups"]]
    for i in range(4):
        assert list(cs["state"][i]) == list(ts["state"][i])

    # a fresh optimizer loaded from the dict continues exactly as the original
    cm2 = cr.nn.Sequential(cr.nn.Linear(4, 8), cr.nn.Tanh(), cr.nn.Linear(8, 1))
    cm2.load_state_dict(cm.state_dict())
    co2 = optim.Adam([{"params": cm2[0].parameters()}, {"params": cm2[2].parameters()}])
    # a deep copy, as a saved file gives: like torch's, loading keeps the given tensors
    co2.load_state_dict(copy.deepcopy(cs))
    assert repr(co2) == repr(co)
    assert co2.param_groups[1]["lr"] == 0.003
    for _ in range(3):
        for m, o in ((cm, co), (cm2, co2)):
            o.zero_grad()
            _loss(cr, m, x, y).backward()
            o.step()
    for a, b in zip(cm.parameters(), cm2.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert co2.state[next(cm2.parameters())]["step"].item() == 8.0

    for bad, message in (
            ({"state": {}, "param_groups": []},
             "loaded state dict has a different number of parameter groups"),
            ({"state": {}, "param_groups": [{"params": [0]}, {"params": [1]}]},
             "loaded state dict contains a parameter group that doesn't match the size of "
             "optimizer's group")):
        with pytest.raises(ValueError) as err:
            co2.load_state_dict(bad)
        assert str(err.value) == message


def test_torch_state_dict_loads(torch):
    # a dict saved by torch (its tensors converted) loads and continues as torch does
    tm, cm, x, y = _pair(torch)
    to = torch.optim.AdamW(tm.parameters(), lr=0.01)
    co = optim.AdamW(cm.parameters(), lr=0.01)
    _train(torch, to, co, tm, cm, x, y, 3)
    ts = to.state_dict()
    converted = {"state": {k: {n: cr.tensor(t.numpy()) for n, t in v.items()}
                           for k, v in ts["state"].items()},
                 "param_groups": ts["param_groups"]}
    co.load_state_dict(converted)
    _check_state(co, to, cm, tm)
    _train(torch, to, co, tm, cm, x, y, 3)
    _check_state(co, to, cm, tm)


BAD_ARGUMENTS = [
    ("SGD", {"lr": -1}), ("SGD", {"lr": -0.5}), ("SGD", {"momentum": -0.1}),
    ("SGD", {"weight_decay": -1e-3}), ("SGD", {"nesterov": True}),
    ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}),
    ("Adam", {"lr": -1}), ("Adam", {"eps": -1.0}), ("Adam", {"betas": (1.0, 0.9)}),
    ("Adam", {"betas": (0.9, -0.1)}), ("Adam", {"weight_decay": -2}),
    ("Adam", {"betas": (0.9, 1)}), ("AdamW", {"lr": -0.01}), ("AdamW", {"betas": (-1.0, 0.9)}),
    ("RMSprop", {"lr": -1}), ("RMSprop", {"eps": -1e-8}), ("RMSprop", {"momentum": -1}),
    ("RMSprop", {"weight_decay": -1}), ("RMSprop", {"alpha": -0.5}),
    ("Adagrad", {"lr": -1}), ("Adagrad", {"lr_decay": -1}), ("Adagrad", {"weight_decay": -1}),
    ("Adagrad", {"initial_accumulator_value": -1}), ("Adagrad", {"eps": -1}),
]


@pytest.mark.parametrize("name,kwargs", BAD_ARGUMENTS)
def test_argument_errors(torch, name, kwargs):
    with pytest.raises(ValueError) as expected:
        getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))], **kwargs)
    with pytest.raises(ValueError) as got:
        getattr(optim, name)([cr.nn.Parameter(cr.ones(1))], **kwargs)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("params", ["tensor", "empty", "set", "int", "non-leaf"])
def test_params_errors(torch, params):
    def build(lib):
        w = lib.nn.Parameter(lib.ones(2))
        return {"tensor": w, "empty": [], "set": [{"params": {w}}], "int": [w, 3],
                "non-leaf": [w * 2]}[params]

    with pytest.raises(Exception) as expected:
        torch.optim.SGD(build(torch))
    with pytest.raises(Exception) as got:
        optim.SGD(build(cr))
    assert type(got.value) is type(expected.value)
    assert str(got.value) == str(expected.value)


def test_unsupported_modes_refuse():
    w = cr.nn.Parameter(cr.ones(2))
    for kwargs in ({"fused": True}, {"differentiable": True}, {"capturable": True}):
        with pytest.raises(NotImplementedError):
            optim.Adam([w], **kwargs)


@pytest.mark.parametrize("module", [optimizer, sgd, adam, rmsprop, _kernels])
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    assert result.attempted > 0 or module is _kernels


def test_old_state_dict_gains_defaults_and_tensor_steps(torch):
    # an older dict: a number for ``step`` and groups without the newer keys
    results = []
    for lib, mod in ((torch, torch.optim), (cr, optim)):
        w = lib.nn.Parameter(lib.ones(2))
        opt = mod.Adam([w])
        old = {"state": {0: {"step": 3, "exp_avg": lib.zeros(2), "exp_avg_sq": lib.zeros(2)}},
               "param_groups": [{"lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-8,
                                 "weight_decay": 0, "params": [0]}]}
        opt.load_state_dict(old)
        step = opt.state[w]["step"]
        results.append((type(step).__name__, str(step.dtype), step.item(), repr(opt)))
    assert results[1] == results[0]
