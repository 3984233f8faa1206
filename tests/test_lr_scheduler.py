"""chainrule.optim.lr_scheduler against torch.optim.lr_scheduler: learning rates after every
step (exactly, as floats), resuming, the deprecated ``step(epoch)``, warnings, state dicts and
argument errors."""

from __future__ import annotations

import doctest
import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.optim import lr_scheduler

torch = pytest.importorskip("torch")


class Halve:
    """A callable object: LambdaLR saves its attributes in state_dict."""

    def __init__(self) -> None:
        self.base = 0.5

    def __call__(self, epoch: int) -> float:
        return self.base ** (epoch // 3)


def _linear_warmup(epoch: int) -> float:
    return min(1.0, (epoch + 1) / 4)


# (scheduler name, keyword arguments)
CONFIGS = [
    ("StepLR", {"step_size": 3}),
    ("StepLR", {"step_size": 2, "gamma": 0.7}),
    ("MultiStepLR", {"milestones": [2, 5, 5, 9]}),
    ("MultiStepLR", {"milestones": (4, 1), "gamma": 0.3}),
    ("ExponentialLR", {"gamma": 0.9}),
    ("ExponentialLR", {"gamma": 0.37}),
    ("LambdaLR", {"lr_lambda": _linear_warmup}),
    ("LambdaLR", {"lr_lambda": lambda e: 0.95 ** e}),
    ("CosineAnnealingLR", {"T_max": 7}),
    ("CosineAnnealingLR", {"T_max": 4, "eta_min": 0.001}),
    ("CosineAnnealingLR", {"T_max": 10, "eta_min": 0.01}),
    ("LinearLR", {}),
    ("LinearLR", {"start_factor": 0.1, "end_factor": 0.9, "total_iters": 6}),
    ("LinearLR", {"start_factor": 1.0, "end_factor": 0.2, "total_iters": 4}),
]

OPTIMIZERS = [("SGD", {"lr": 0.1, "momentum": 0.9}), ("Adam", {"lr": 0.01})]

STEPS = 25


def _setup(lib, opt_name, opt_kwargs, two_groups=True):
    """The same parameters in two groups (the second with its own lr) and an optimizer."""
    rng = np.random.default_rng(0)
    a = lib.nn.Parameter(lib.tensor(rng.standard_normal(3).astype(np.float32)))
    b = lib.nn.Parameter(lib.tensor(rng.standard_normal(2).astype(np.float32)))
    groups = [{"params": [a]}, {"params": [b], "lr": 0.05}] if two_groups else [a, b]
    opt = getattr(lib.optim, opt_name)(groups, **opt_kwargs)
    return opt, [a, b]


def _train_step(opt, params):
    opt.zero_grad()
    sum((p * p).sum() for p in params).backward()
    opt.step()


def _lrs(opt):
    return [g["lr"] for g in opt.param_groups]


def _both(name, kwargs, opt_name="SGD", opt_kwargs=None, two_groups=True):
    opt_kwargs = {"lr": 0.1} if opt_kwargs is None else opt_kwargs
    out = []
    for lib, mod in ((torch, torch.optim.lr_scheduler), (cr, lr_scheduler)):
        opt, params = _setup(lib, opt_name, opt_kwargs, two_groups)
        out.append((opt, params, getattr(mod, name)(opt, **kwargs)))
    return out


@pytest.mark.parametrize("opt_name,opt_kwargs", OPTIMIZERS)
@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_schedule_matches_torch_exactly(name, kwargs, opt_name, opt_kwargs):
    (topt, tparams, tsched), (copt, cparams, csched) = _both(name, kwargs, opt_name, opt_kwargs)
    assert csched.get_last_lr() == tsched.get_last_lr()
    assert _lrs(copt) == _lrs(topt)
    assert [g["initial_lr"] for g in copt.param_groups] == [
        g["initial_lr"] for g in topt.param_groups]
    assert csched.base_lrs == tsched.base_lrs
    for _ in range(STEPS):
        _train_step(topt, tparams)
        _train_step(copt, cparams)
        tsched.step()
        csched.step()
        assert csched.last_epoch == tsched.last_epoch
        # exact float equality: the recursive forms must round as torch's do
        assert csched.get_last_lr() == tsched.get_last_lr()
        assert _lrs(copt) == _lrs(topt)
    for c, t in zip(cparams, tparams):
        np.testing.assert_allclose(c.detach().numpy(), t.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name,kwargs", CONFIGS)
def test_state_dict_round_trip(name, kwargs):
    (topt, tparams, tsched), (copt, cparams, csched) = _both(name, kwargs)
    for _ in range(5):
        _train_step(topt, tparams)
        _train_step(copt, cparams)
        tsched.step()
        csched.step()
    tsd, csd = tsched.state_dict(), csched.state_dict()
    assert list(csd) == list(tsd)
    for key in tsd:
        if key != "lr_lambdas":
            assert csd[key] == tsd[key], key
    # a fresh scheduler on a fresh optimizer, both loaded, continues where the first left off
    # (the chainable forms rescale the optimizer's lr, so the optimizer's state comes too)
    fresh_opt, _, fresh = _both(name, kwargs)[1]
    fresh_opt.load_state_dict(copt.state_dict())
    fresh.load_state_dict(csd)
    assert list(csd) == list(tsd)  # load_state_dict leaves the caller's dict as it was
    for _ in range(6):
        tsched.step()
        fresh.step()
        assert fresh.get_last_lr() == tsched.get_last_lr()
        assert _lrs(fresh.optimizer) == _lrs(topt)


def test_lambda_state_dict_saves_callable_objects_only():
    (_, _, tsched), (_, _, csched) = _both("LambdaLR", {"lr_lambda": [Halve(), _linear_warmup]})
    tsd, csd = tsched.state_dict(), csched.state_dict()
    assert csd["lr_lambdas"] == tsd["lr_lambdas"] == [{"base": 0.5}, None]
    csd["lr_lambdas"][0] = {"base": 0.25}
    csched.load_state_dict(csd)
    assert csched.lr_lambdas[0].base == 0.25
    assert "lr_lambdas" in csd


# one argument set of each chainable scheduler
ONE_OF_EACH = [
    ("StepLR", {"step_size": 2, "gamma": 0.5}),
    ("MultiStepLR", {"milestones": [1, 3, 3]}),
    ("ExponentialLR", {"gamma": 0.8}),
    ("CosineAnnealingLR", {"T_max": 6, "eta_min": 0.002}),
    ("LinearLR", {"start_factor": 0.25, "total_iters": 3}),
    ("LambdaLR", {"lr_lambda": _linear_warmup}),
]


@pytest.mark.parametrize("name,kwargs", ONE_OF_EACH)
def test_resume_with_last_epoch(name, kwargs):
    # resuming: initial_lr already in the groups, counting on from last_epoch
    scheds = []
    for lib, mod in ((torch, torch.optim.lr_scheduler), (cr, lr_scheduler)):
        opt, params = _setup(lib, "SGD", {"lr": 0.1})
        for g in opt.param_groups:
            g["initial_lr"] = g["lr"] * 2
        scheds.append((opt, params, getattr(mod, name)(opt, last_epoch=4, **kwargs)))
    (topt, tparams, tsched), (copt, cparams, csched) = scheds
    assert csched.get_last_lr() == tsched.get_last_lr()
    for _ in range(8):
        _train_step(topt, tparams)
        _train_step(copt, cparams)
        tsched.step()
        csched.step()
        assert csched.get_last_lr() == tsched.get_last_lr()


@pytest.mark.parametrize("name,kwargs", ONE_OF_EACH)
def test_step_with_epoch_uses_closed_form_and_warns(name, kwargs):
    (topt, tparams, tsched), (copt, cparams, csched) = _both(name, kwargs)
    for epoch in (3, 7, 2, 10):
        _train_step(topt, tparams)
        _train_step(copt, cparams)
        with warnings.catch_warnings(record=True) as tw:
            warnings.simplefilter("always")
            tsched.step(epoch)
        with warnings.catch_warnings(record=True) as cw:
            warnings.simplefilter("always")
            csched.step(epoch)
        assert [str(w.message) for w in cw] == [str(w.message) for w in tw]
        assert [w.category for w in cw] == [w.category for w in tw]
        assert csched.get_last_lr() == tsched.get_last_lr()
        assert csched.last_epoch == tsched.last_epoch == epoch


def _messages(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category, str(w.message)) for w in caught]


def test_warning_when_scheduler_steps_before_optimizer():
    (_, _, tsched), (_, _, csched) = _both("StepLR", {"step_size": 1})
    tmsg, cmsg = _messages(tsched.step), _messages(csched.step)
    assert cmsg == tmsg and len(tmsg) == 1
    assert "before `optimizer.step()`" in cmsg[0][1]
    # once the optimizer has stepped, no warning
    (topt, tparams, tsched), (copt, cparams, csched) = _both("StepLR", {"step_size": 1})
    _train_step(topt, tparams)
    _train_step(copt, cparams)
    assert _messages(csched.step) == _messages(tsched.step) == []


def test_warning_when_optimizer_step_is_overridden():
    (topt, _, tsched), (copt, _, csched) = _both("StepLR", {"step_size": 1})
    topt.step = lambda closure=None: None
    copt.step = lambda closure=None: None
    tmsg, cmsg = _messages(tsched.step), _messages(csched.step)
    assert cmsg == tmsg and len(tmsg) == 1


def test_step_is_wrapped_once_for_two_schedulers():
    copt, _ = _setup(cr, "SGD", {"lr": 0.1})
    lr_scheduler.StepLR(copt, 1)
    wrapped = copt.step
    lr_scheduler.ExponentialLR(copt, 0.5)
    assert copt.step is wrapped
    assert not hasattr(copt, "_opt_called")
    copt.step()
    assert copt._opt_called is True


def test_get_lr_outside_step_warns():
    (_, _, tsched), (_, _, csched) = _both("ExponentialLR", {"gamma": 0.5})
    tmsg, cmsg = _messages(tsched.get_lr), _messages(csched.get_lr)
    assert cmsg == tmsg and len(tmsg) == 1


def test_base_class_get_lr_is_abstract():
    copt, _ = _setup(cr, "SGD", {"lr": 0.1})
    with pytest.raises(NotImplementedError):
        lr_scheduler.LRScheduler(copt)


def _same_error(make):
    """Runs ``make(lib, module, optimizer)`` in both libraries: same exception type and
    message."""
    raised = []
    for lib, mod in ((torch, torch.optim.lr_scheduler), (cr, lr_scheduler)):
        opt, _ = _setup(lib, "SGD", {"lr": 0.1})
        with pytest.raises(Exception) as info:
            make(mod, opt)
        raised.append(info)
    t, c = raised
    assert c.type is t.type
    assert str(c.value) == str(t.value)


@pytest.mark.parametrize("make", [
    lambda mod, opt: mod.StepLR(object(), 3),
    lambda mod, opt: mod.ReduceLROnPlateau([1, 2]),
    lambda mod, opt: mod.LinearLR(opt, start_factor=0),
    lambda mod, opt: mod.LinearLR(opt, start_factor=1.5),
    lambda mod, opt: mod.LinearLR(opt, end_factor=-0.1),
    lambda mod, opt: mod.LinearLR(opt, end_factor=1.1),
    lambda mod, opt: mod.LambdaLR(opt, [_linear_warmup]),
    lambda mod, opt: mod.LambdaLR(opt, (_linear_warmup,) * 3),
    lambda mod, opt: mod.ExponentialLR(opt, 0.5, last_epoch=3),
    lambda mod, opt: mod.CosineAnnealingLR(opt, 5, last_epoch=0),
    lambda mod, opt: mod.ReduceLROnPlateau(opt, factor=1.0),
    lambda mod, opt: mod.ReduceLROnPlateau(opt, mode="mean"),
    lambda mod, opt: mod.ReduceLROnPlateau(opt, threshold_mode="pct"),
    lambda mod, opt: mod.ReduceLROnPlateau(opt, min_lr=[0.0]),
], ids=["not-optimizer", "plateau-not-optimizer", "start0", "start>1", "end<0", "end>1",
        "lambdas-short", "lambdas-long", "resume-no-initial", "resume-at-0", "factor",
        "mode", "threshold-mode", "min-lr-length"])
def test_argument_errors(make):
    _same_error(make)


METRICS = [5.0, 4.0, 4.0, 4.1, 4.0, 3.99, 3.9999, 4.2, 4.2, 4.2, 4.2, 1.0, 1.0, 1.0, 1.0, 1.0,
           2.0, 2.0, 2.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]

PLATEAU_CONFIGS = [
    {},
    {"patience": 1, "factor": 0.5},
    {"patience": 0, "factor": 0.3, "cooldown": 2},
    {"mode": "max", "patience": 1},
    {"threshold_mode": "abs", "threshold": 0.05, "patience": 1, "min_lr": [0.01, 0.02]},
    {"mode": "max", "threshold_mode": "abs", "patience": 0, "min_lr": 0.004, "eps": 1e-3},
]


@pytest.mark.parametrize("kwargs", PLATEAU_CONFIGS)
def test_reduce_on_plateau_matches_torch(kwargs):
    (topt, tparams, tsched), (copt, cparams, csched) = _both("ReduceLROnPlateau", kwargs)
    assert csched.get_last_lr() == tsched.get_last_lr()
    for i, metric in enumerate(METRICS):
        _train_step(topt, tparams)
        _train_step(copt, cparams)
        # a one-element tensor is accepted as the metric, as torch's float() does
        tsched.step(torch.tensor(metric) if i % 2 else metric)
        csched.step(cr.tensor(metric) if i % 2 else metric)
        assert csched.get_last_lr() == tsched.get_last_lr()
        assert _lrs(copt) == _lrs(topt)
        assert (csched.best, csched.num_bad_epochs, csched.cooldown_counter,
                csched.last_epoch) == (tsched.best, tsched.num_bad_epochs,
                                       tsched.cooldown_counter, tsched.last_epoch)
    tsd, csd = tsched.state_dict(), csched.state_dict()
    assert list(csd) == list(tsd)
    assert all(csd[k] == tsd[k] for k in tsd)
    fresh_opt, _, fresh = _both("ReduceLROnPlateau", {})[1]
    fresh_opt.load_state_dict(copt.state_dict())
    fresh.load_state_dict(csd)
    for metric in (9.0, 9.0, 9.0):
        tsched.step(metric)
        fresh.step(metric)
        assert fresh.get_last_lr() == tsched.get_last_lr()


def test_reduce_on_plateau_new_param_group():
    def run(lib, mod, min_lr):
        opt, _ = _setup(lib, "SGD", {"lr": 0.1})
        sched = mod.ReduceLROnPlateau(opt, patience=0, min_lr=min_lr)
        opt.add_param_group({"params": [lib.nn.Parameter(lib.ones(1))], "lr": 0.3})
        sched.step(1.0)
        sched.step(2.0)
        return _lrs(opt), sched.min_lrs

    assert run(cr, lr_scheduler, 0.0) == run(torch, torch.optim.lr_scheduler, 0.0)
    with pytest.raises(RuntimeError) as t:
        run(torch, torch.optim.lr_scheduler, [0.0, 0.0])
    with pytest.raises(RuntimeError) as c:
        run(cr, lr_scheduler, [0.0, 0.0])
    assert str(c.value) == str(t.value)


def test_epoch_argument_of_plateau_warns():
    (_, _, tsched), (_, _, csched) = _both("ReduceLROnPlateau", {})
    assert _messages(lambda: csched.step(1.0, 5)) == _messages(lambda: tsched.step(1.0, 5))
    assert csched.last_epoch == tsched.last_epoch == 5


def test_chained_schedulers_on_one_optimizer():
    # two schedulers rescaling the same groups compose, as torch's chainable forms do
    runs = []
    for lib, mod in ((torch, torch.optim.lr_scheduler), (cr, lr_scheduler)):
        opt, params = _setup(lib, "SGD", {"lr": 0.1})
        scheds = [mod.ExponentialLR(opt, 0.9), mod.MultiStepLR(opt, [3, 6], 0.5),
                  mod.CosineAnnealingLR(opt, 5)]
        lrs = []
        for _ in range(12):
            _train_step(opt, params)
            for s in scheds:
                s.step()
            lrs.append(_lrs(opt))
        runs.append(lrs)
    assert runs[1] == runs[0]


def test_tensor_learning_rate_is_filled_in_place():
    results = []
    for lib, mod in ((torch, torch.optim.lr_scheduler), (cr, lr_scheduler)):
        p = lib.nn.Parameter(lib.ones(2))
        lr = lib.tensor(0.1)
        opt = lib.optim.SGD([p], lr=lr)
        sched = mod.StepLR(opt, 1, 0.5)
        opt.step()
        sched.step()
        assert opt.param_groups[0]["lr"] is lr
        assert sched.get_last_lr()[0] is not lr
        results.append((float(lr), float(sched.get_last_lr()[0]),
                        float(opt.param_groups[0]["initial_lr"])))
    assert results[1] == results[0]


def test_module_namespace():
    assert cr.optim.lr_scheduler is lr_scheduler
    assert set(lr_scheduler.__all__) <= set(torch.optim.lr_scheduler.__all__)


def test_docstring_examples():
    result = doctest.testmod(lr_scheduler, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
