"""nn.Module, Parameter, the layers, nn.init and func.functional_call against torch 2.13."""

from __future__ import annotations

import gc
import math
import weakref
from collections import OrderedDict

import numpy as np
import pytest

import chainrule as cr

RNG = np.random.default_rng(0)


def _close(a, b, tol=1e-6):
    """a chainrule tensor equals a torch tensor in values, dtype and shape."""
    assert str(a.dtype) == str(b.dtype)
    assert tuple(a.shape) == tuple(b.shape)
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=tol, atol=tol)


def _pair(torch, x, requires_grad=False):
    """The same array as a chainrule and a torch tensor."""
    a = cr.tensor(x, requires_grad=requires_grad)
    b = torch.tensor(x, requires_grad=requires_grad)
    return a, b


def _both(torch, build):
    """``build(lib)`` run with chainrule and with torch under the same seed."""
    cr.manual_seed(0)
    a = build(cr)
    torch.manual_seed(0)
    b = build(torch)
    return a, b


def _raises(torch, fn):
    """fn(lib) raises the same exception type and message in both libraries."""
    with pytest.raises(Exception) as ours:
        fn(cr)
    with pytest.raises(Exception) as theirs:
        fn(torch)
    assert type(ours.value).__name__ == type(theirs.value).__name__
    assert str(ours.value) == str(theirs.value)


# ---- Parameter --------------------------------------------------------------------------------

def test_parameter_repr_and_type(torch):
    for data in ([1.0, 2.0], [[1.5, -2.0], [0.0, 3.0]]):
        a, b = cr.nn.Parameter(cr.tensor(data)), torch.nn.Parameter(torch.tensor(data))
        assert repr(a) == repr(b)
        assert str(a) == str(b)
    a = cr.nn.Parameter(cr.tensor([1, 2]), requires_grad=False)
    assert repr(a) == repr(torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False))
    assert repr(cr.nn.Parameter()) == repr(torch.nn.Parameter())
    assert isinstance(a, cr.Tensor) and a.is_leaf
    _raises(torch, lambda t: t.nn.Parameter(t.tensor([1, 2])))


def test_parameter_in_ops_backward_and_updates(torch):
    x = RNG.standard_normal((3,)).astype(np.float32)
    a, b = cr.nn.Parameter(cr.tensor(x)), torch.nn.Parameter(torch.tensor(x))
    ya = (a * 2 + a.exp() * a + cr.tensor(1.0) * a).sum()
    yb = (b * 2 + b.exp() * b + torch.tensor(1.0) * b).sum()
    assert type(a * 2) is cr.Tensor and type(ya) is cr.Tensor
    assert repr(a * 2) == repr(b * 2)
    ya.backward()
    yb.backward()
    _close(a.grad, b.grad)
    with cr.no_grad():
        a -= 0.1 * a.grad
    with torch.no_grad():
        b -= 0.1 * b.grad
    assert type(a) is cr.nn.Parameter
    assert a._version == b._version
    _close(a, b)
    _raises(torch, lambda t: t.nn.Parameter(t.ones(2)).add_(1))
    # the parameter shares its data and version counter with the tensor it was made from
    t = cr.ones(2)
    p = cr.nn.Parameter(t)
    with cr.no_grad():
        p.add_(1)
    assert t.tolist() == [2.0, 2.0] and t._version == p._version == 1


def test_parameter_deepcopy_and_pickle(torch):
    import copy
    import pickle

    p = cr.nn.Parameter(cr.tensor([1.0, 2.0]))
    for q in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(q) is cr.nn.Parameter and q.requires_grad and q.tolist() == [1.0, 2.0]
    m = cr.nn.Sequential(cr.nn.Linear(2, 2))
    m2 = copy.deepcopy(m)
    assert repr(m2) == repr(m) and m2[0].weight is not m[0].weight
    _close(m2[0].weight, torch.tensor(m[0].weight.detach().numpy()))


# ---- initialisation ---------------------------------------------------------------------------

def test_linear_initial_values_match_torch(torch):
    builds = [lambda t: t.nn.Linear(3, 2), lambda t: t.nn.Linear(5, 4, bias=False),
              lambda t: t.nn.Linear(1, 7), lambda t: t.nn.Linear(4, 3, dtype=t.float64)]
    for build in builds:
        a, b = _both(torch, build)
        for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters(), strict=True):
            assert na == nb
            assert repr(pa) == repr(pb)
            np.testing.assert_array_equal(pa.detach().numpy(), pb.detach().numpy())


INITS = [
    lambda t, w: t.nn.init.uniform_(w, -2, 3),
    lambda t, w: t.nn.init.normal_(w, 1.0, 0.5),
    lambda t, w: t.nn.init.constant_(w, 0.3),
    lambda t, w: t.nn.init.ones_(w),
    lambda t, w: t.nn.init.zeros_(w),
    lambda t, w: t.nn.init.eye_(w),
    lambda t, w: t.nn.init.xavier_uniform_(w),
    lambda t, w: t.nn.init.xavier_uniform_(w, gain=t.nn.init.calculate_gain("tanh")),
    lambda t, w: t.nn.init.xavier_normal_(w),
    lambda t, w: t.nn.init.kaiming_uniform_(w),
    lambda t, w: t.nn.init.kaiming_uniform_(w, a=0.2, mode="fan_out", nonlinearity="relu"),
    lambda t, w: t.nn.init.kaiming_normal_(w),
    lambda t, w: t.nn.init.kaiming_normal_(w, mode="fan_out", nonlinearity="leaky_relu"),
]


@pytest.mark.parametrize("k", range(len(INITS)))
def test_init_functions_match_torch(torch, k):
    def build(t):
        w = t.nn.Parameter(t.empty(4, 6))  # requires grad: init runs under no_grad
        out = INITS[k](t, w)
        assert out is w
        return w

    a, b = _both(torch, build)
    assert repr(a) == repr(b)
    np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())


def test_init_helpers_and_errors(torch):
    for args in [("linear",), ("sigmoid",), ("tanh",), ("relu",), ("leaky_relu",),
                 ("leaky_relu", 0.2), ("leaky_relu", 3), ("selu",), ("conv2d",)]:
        assert cr.nn.init.calculate_gain(*args) == torch.nn.init.calculate_gain(*args)
    for shape in [(2, 3), (4, 3, 5), (2, 3, 4, 5)]:
        assert cr.nn.init._calculate_fan_in_and_fan_out(cr.empty(*shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(*shape))
    for fn in [lambda t: t.nn.init.calculate_gain("softmax"),
               lambda t: t.nn.init.calculate_gain("leaky_relu", "x"),
               lambda t: t.nn.init.calculate_gain("leaky_relu", True),
               lambda t: t.nn.init.xavier_uniform_(t.empty(3)),
               lambda t: t.nn.init.kaiming_normal_(t.empty(3, 2), mode="fan"),
               lambda t: t.nn.init.eye_(t.empty(3))]:
        _raises(torch, fn)
    with pytest.warns(UserWarning, match="Initializing zero-element tensors is a no-op"):
        cr.nn.init.kaiming_uniform_(cr.empty(0, 3))


# ---- reprs --------------------------------------------------------------------------------------

def _net(t):
    class Net(t.nn.Module):
        def __init__(self):
            super().__init__()
            self.body = t.nn.Sequential(t.nn.Linear(4, 8), t.nn.ReLU(), t.nn.Dropout(0.25),
                                        t.nn.Linear(8, 8), t.nn.Tanh())
            self.heads = t.nn.ModuleList([t.nn.Linear(8, 2) for _ in range(3)] +
                                         [t.nn.Linear(8, 1)])
            self.act = t.nn.ModuleDict({"a": t.nn.GELU(), "b": t.nn.Softplus(beta=2.0)})
            self.register_buffer("scale", t.ones(2))
            self.register_buffer("tmp", t.zeros(1), persistent=False)
            self.extra = t.nn.Parameter(t.zeros(3))

        def forward(self, x):
            h = self.body(x)
            out = self.heads[0](self.act["a"](h)) * self.scale
            return out.sum() + self.extra.sum()

    return Net()


def test_module_reprs_match_torch(torch):
    a, b = _both(torch, _net)
    assert repr(a) == repr(b)
    layers = [
        lambda t: t.nn.Linear(3, 2, bias=False), lambda t: t.nn.Identity(54, unused="x"),
        lambda t: t.nn.ReLU(), lambda t: t.nn.ReLU(inplace=True), lambda t: t.nn.LeakyReLU(),
        lambda t: t.nn.LeakyReLU(0.2, inplace=True), lambda t: t.nn.ELU(),
        lambda t: t.nn.ELU(alpha=0.5, inplace=True), lambda t: t.nn.GELU(),
        lambda t: t.nn.GELU(approximate="tanh"), lambda t: t.nn.SiLU(),
        lambda t: t.nn.Sigmoid(), lambda t: t.nn.Tanh(), lambda t: t.nn.Softplus(),
        lambda t: t.nn.Softplus(2, 10), lambda t: t.nn.Softmax(dim=1),
        lambda t: t.nn.Softmax(), lambda t: t.nn.LogSoftmax(-1), lambda t: t.nn.Dropout(),
        lambda t: t.nn.Flatten(), lambda t: t.nn.Flatten(0, 2), lambda t: t.nn.MSELoss(),
        lambda t: t.nn.L1Loss(reduction="sum"), lambda t: t.nn.SmoothL1Loss(beta=0.5),
        lambda t: t.nn.HuberLoss(delta=2.0), lambda t: t.nn.NLLLoss(),
        lambda t: t.nn.CrossEntropyLoss(label_smoothing=0.1), lambda t: t.nn.BCELoss(),
        lambda t: t.nn.BCEWithLogitsLoss(pos_weight=t.ones(3)),
        lambda t: t.nn.ModuleList(), lambda t: t.nn.Sequential(),
        lambda t: t.nn.ModuleList([t.nn.ReLU(), t.nn.ReLU(), t.nn.Tanh(), t.nn.ReLU()]),
        lambda t: t.nn.Sequential(OrderedDict(fc=t.nn.Linear(1, 1), act=t.nn.ReLU())),
        lambda t: t.nn.Sequential(t.nn.Sequential(t.nn.Linear(1, 2), t.nn.ReLU()),
                                  t.nn.ModuleList([t.nn.Sequential(t.nn.Tanh())] * 2)),
        lambda t: t.nn.ParameterList([t.nn.Parameter(t.ones(2, 3)), t.zeros(4)]),
        lambda t: t.nn.ModuleDict(),
    ]
    for build in layers:
        a, b = _both(torch, build)
        assert repr(a) == repr(b)
    for name in ["reduction", "ignore_index", "label_smoothing"]:
        assert getattr(cr.nn.CrossEntropyLoss(), name) == \
            getattr(torch.nn.CrossEntropyLoss(), name)
    with pytest.warns(UserWarning):
        assert cr.nn.MSELoss(size_average=False).reduction == "sum"


# ---- forward values and gradients --------------------------------------------------------------

LAYERS = [
    ("Linear", lambda t: t.nn.Linear(5, 3), (4, 5)),
    ("Linear1d", lambda t: t.nn.Linear(5, 3), (5,)),
    ("Linear3d", lambda t: t.nn.Linear(5, 2, bias=False), (2, 3, 5)),
    ("Identity", lambda t: t.nn.Identity(), (2, 3)),
    ("ReLU", lambda t: t.nn.ReLU(), (3, 4)),
    ("LeakyReLU", lambda t: t.nn.LeakyReLU(0.2), (3, 4)),
    ("ELU", lambda t: t.nn.ELU(0.7), (3, 4)),
    ("GELU", lambda t: t.nn.GELU(), (3, 4)),
    ("GELUtanh", lambda t: t.nn.GELU("tanh"), (3, 4)),
    ("SiLU", lambda t: t.nn.SiLU(), (3, 4)),
    ("Sigmoid", lambda t: t.nn.Sigmoid(), (3, 4)),
    ("Tanh", lambda t: t.nn.Tanh(), (3, 4)),
    ("Softplus", lambda t: t.nn.Softplus(2.0, 1.0), (3, 4)),
    ("Softmax", lambda t: t.nn.Softmax(dim=1), (3, 4)),
    ("LogSoftmax", lambda t: t.nn.LogSoftmax(dim=0), (3, 4)),
    ("DropoutEval", lambda t: t.nn.Dropout(0.5).eval(), (3, 4)),
    ("Flatten", lambda t: t.nn.Flatten(), (2, 3, 4)),
    ("Sequential", lambda t: t.nn.Sequential(t.nn.Linear(4, 6), t.nn.SiLU(),
                                             t.nn.Linear(6, 2), t.nn.LogSoftmax(1)), (5, 4)),
]


@pytest.mark.parametrize("name,build,shape", LAYERS, ids=[r[0] for r in LAYERS])
def test_layer_forward_and_gradients(torch, name, build, shape):
    ma, mb = _both(torch, build)
    x = RNG.standard_normal(shape).astype(np.float32)
    xa, xb = _pair(torch, x, requires_grad=True)
    ya, yb = ma(xa), mb(xb)
    _close(ya, yb, 1e-5)
    assert type(ya.grad_fn).__name__ == type(yb.grad_fn).__name__
    w = RNG.standard_normal(tuple(yb.shape)).astype(np.float32)
    (ya * cr.tensor(w)).sum().backward()
    (yb * torch.tensor(w)).sum().backward()
    _close(xa.grad, xb.grad, 1e-5)
    for pa, pb in zip(ma.parameters(), mb.parameters(), strict=True):
        _close(pa.grad, pb.grad, 1e-5)


def _targets(torch, kind, shape):
    if kind == "class":
        t = RNG.integers(0, shape[1], size=(shape[0],))
        return cr.tensor(t), torch.tensor(t)
    if kind == "prob":
        t = RNG.uniform(0.05, 0.95, size=shape).astype(np.float32)
    else:
        t = RNG.standard_normal(shape).astype(np.float32)
    return _pair(torch, t)


LOSSES = [
    ("MSELoss", lambda t: t.nn.MSELoss(), "real", "real"),
    ("MSELossSum", lambda t: t.nn.MSELoss(reduction="sum"), "real", "real"),
    ("L1Loss", lambda t: t.nn.L1Loss(), "real", "real"),
    ("SmoothL1Loss", lambda t: t.nn.SmoothL1Loss(beta=0.5), "real", "real"),
    ("HuberLoss", lambda t: t.nn.HuberLoss(delta=0.7, reduction="none"), "real", "real"),
    ("NLLLoss", lambda t: t.nn.NLLLoss(weight=t.tensor([1.0, 2.0, 0.5])), "logp", "class"),
    ("CrossEntropyLoss", lambda t: t.nn.CrossEntropyLoss(), "real", "class"),
    ("CrossEntropySmooth", lambda t: t.nn.CrossEntropyLoss(label_smoothing=0.2), "real",
     "class"),
    ("CrossEntropyProbs", lambda t: t.nn.CrossEntropyLoss(), "real", "prob"),
    ("BCELoss", lambda t: t.nn.BCELoss(), "prob", "prob"),
    ("BCEWithLogitsLoss", lambda t: t.nn.BCEWithLogitsLoss(pos_weight=t.tensor([1.0, 2.0, 3.0])),
     "real", "prob"),
]


@pytest.mark.parametrize("name,build,kind_in,kind_target", LOSSES, ids=[r[0] for r in LOSSES])
def test_loss_forward_and_gradients(torch, name, build, kind_in, kind_target):
    la, lb = build(cr), build(torch)
    shape = (4, 3)
    if kind_in == "prob":
        x = RNG.uniform(0.05, 0.95, size=shape).astype(np.float32)
    else:
        x = RNG.standard_normal(shape).astype(np.float32)
        if kind_in == "logp":
            x = x - np.log(np.exp(x).sum(1, keepdims=True))
    xa, xb = _pair(torch, x, requires_grad=True)
    ta, tb = _targets(torch, kind_target, shape)
    ya, yb = la(xa, ta), lb(xb, tb)
    _close(ya, yb, 1e-5)
    assert type(ya.grad_fn).__name__ == type(yb.grad_fn).__name__
    ya.sum().backward()
    yb.sum().backward()
    _close(xa.grad, xb.grad, 1e-5)


def test_dropout_train_and_eval(torch):
    x = np.ones((4, 5), np.float32)
    ma, mb = cr.nn.Dropout(0.5), torch.nn.Dropout(0.5)
    assert ma.training
    cr.manual_seed(3)
    torch.manual_seed(3)
    _close(ma(cr.tensor(x)), mb(torch.tensor(x)))
    seq = cr.nn.Sequential(cr.nn.Linear(5, 5), cr.nn.Dropout(0.9))
    assert seq.eval() is seq and not seq[1].training and not seq.training
    y = seq(cr.tensor(x))
    assert y.tolist() == seq[0](cr.tensor(x)).tolist()
    seq.train()
    assert seq[1].training
    _raises(torch, lambda t: t.nn.Dropout(1.5))
    _raises(torch, lambda t: t.nn.Linear(1, 1).train("yes"))


# ---- names, state_dict -------------------------------------------------------------------------

def _names(m):
    return {
        "parameters": [(n, tuple(p.shape)) for n, p in m.named_parameters()],
        "buffers": [n for n, _ in m.named_buffers()],
        "modules": [(n, type(x).__name__) for n, x in m.named_modules()],
        "children": [n for n, _ in m.named_children()],
        "state_dict": list(m.state_dict().keys()),
        "no_recurse": [n for n, _ in m.named_parameters(recurse=False)],
        "prefixed": [n for n, _ in m.named_parameters(prefix="net")],
        "count": len(list(m.parameters())),
        "dir": [k for k in dir(m) if k in m._parameters or k in m._modules or
                k in m._buffers or (k in m.__dict__ and not k.startswith("_"))],
    }


def test_names_and_state_dict_match_torch(torch):
    a, b = _both(torch, _net)
    assert _names(a) == _names(b)
    sa, sb = a.state_dict(), b.state_dict()
    assert type(sa).__name__ == type(sb).__name__ == "OrderedDict"
    assert dict(sa._metadata) == dict(sb._metadata)
    for k in sb:
        assert sa[k].requires_grad is False and not isinstance(sa[k], cr.nn.Parameter)
        _close(sa[k], sb[k])
    assert isinstance(a.state_dict(keep_vars=True)["extra"], cr.nn.Parameter)

    def shared(t):  # a module and a parameter reached twice are listed once
        lin = t.nn.Linear(2, 2)
        m = t.nn.Sequential(lin, t.nn.ReLU(), lin)
        m.tied = t.nn.Linear(2, 2)
        m.tied.weight = lin.weight
        return m

    a, b = _both(torch, shared)
    assert _names(a) == _names(b)
    assert [n for n, _ in a.named_parameters(remove_duplicate=False)] == \
        [n for n, _ in b.named_parameters(remove_duplicate=False)]
    assert [n for n, _ in a.named_modules(remove_duplicate=False)] == \
        [n for n, _ in b.named_modules(remove_duplicate=False)]
    a, b = _both(torch, _net)
    assert a.get_submodule("body.0") is a.body[0]
    assert a.get_parameter("heads.3.bias") is a.heads[3].bias
    assert a.get_buffer("scale") is a.scale
    for fn in [lambda m: m.get_submodule("body.9"), lambda m: m.get_submodule("extra"),
               lambda m: m.get_parameter("body.0.nothing"), lambda m: m.get_parameter("scale"),
               lambda m: m.get_buffer("extra"), lambda m: m.nothing]:
        _raises(torch, lambda t, fn=fn: fn(a if t is cr else b))


def test_load_state_dict(torch):
    a, b = _both(torch, _net)
    src_a, src_b = _both(torch, _net)
    with cr.no_grad():
        for p in src_a.parameters():
            p.add_(1)
    with torch.no_grad():
        for p in src_b.parameters():
            p.add_(1)
    ra, rb = a.load_state_dict(src_a.state_dict()), b.load_state_dict(src_b.state_dict())
    assert repr(ra) == repr(rb) == "<All keys matched successfully>"
    for (_, pa), (_, pb) in zip(a.named_parameters(), b.named_parameters(), strict=True):
        _close(pa, pb)
    assert a.body[0].weight.requires_grad and isinstance(a.body[0].weight, cr.nn.Parameter)

    def edited(sd, t):
        sd = OrderedDict(sd)
        del sd["body.0.bias"]
        sd["body.9.weight"] = t.ones(1)
        sd["surplus"] = t.ones(1)
        return sd

    _raises(torch, lambda t: (a if t is cr else b).load_state_dict(
        edited((a if t is cr else b).state_dict(), t)))
    ra = a.load_state_dict(edited(a.state_dict(), cr), strict=False)
    rb = b.load_state_dict(edited(b.state_dict(), torch), strict=False)
    # torch's load() passes strict=True down, so missing keys are reported even here
    assert repr(ra) == repr(rb) and ra.missing_keys == rb.missing_keys == ["body.0.bias"]
    assert type(ra).__name__ == type(rb).__name__

    def wrong_shape(t):
        m = t.nn.Linear(2, 3)
        m.load_state_dict({"weight": t.ones(3, 3), "bias": t.ones(3)})

    _raises(torch, wrong_shape)
    _raises(torch, lambda t: t.nn.Linear(2, 3).load_state_dict({"weight": 1, "bias": 2}))
    _raises(torch, lambda t: t.nn.Linear(2, 3).load_state_dict([1]))


# ---- attribute registration and errors ----------------------------------------------------------

def test_setattr_registration_and_errors(torch):
    def build(t):
        m = t.nn.Module()
        m.w = t.nn.Parameter(t.ones(2))
        m.sub = t.nn.Linear(1, 1)
        m.register_buffer("b", t.zeros(1))
        m.plain = t.ones(1)  # a plain tensor attribute is neither parameter nor buffer
        m.b = t.ones(3)  # reassigning a buffer keeps it a buffer
        m.w = None
        m.w = t.nn.Parameter(t.zeros(1))
        del m.sub
        m.add_module("late", t.nn.ReLU())
        m.register_parameter("q", None)
        return m

    a, b = _both(torch, build)
    assert _names(a) == _names(b)
    assert repr(a) == repr(b)
    errors = [
        lambda t: setattr(t.nn.Linear(1, 1), "weight", t.ones(1, 1)),
        lambda t: setattr(t.nn.Linear(1, 1), "weight", 3),
        lambda t: setattr(t.nn.Sequential(t.nn.ReLU()), "0", t.ones(1)),
        lambda t: t.nn.Module().register_buffer("a.b", t.ones(1)),
        lambda t: t.nn.Module().register_buffer("", t.ones(1)),
        lambda t: t.nn.Module().register_buffer("x", [1]),
        lambda t: t.nn.Module().register_buffer(1, t.ones(1)),
        lambda t: t.nn.Linear(1, 1).register_buffer("weight", t.ones(1)),
        lambda t: t.nn.Module().register_parameter("p", t.ones(1)),
        lambda t: t.nn.Module().register_parameter("p", t.nn.Parameter(t.ones(1)) * 2),
        lambda t: t.nn.Module().register_parameter("a.b", None),
        lambda t: t.nn.Module().add_module("x", 3),
        lambda t: t.nn.Module().add_module("a.b", t.nn.ReLU()),
        lambda t: t.nn.Linear(1, 1).add_module("weight", t.nn.ReLU()),
        lambda t: t.nn.Module()(t.ones(1)),
        lambda t: t.nn.Module(3),
        lambda t: t.nn.Module(x=3),
        lambda t: t.nn.Linear(1, 1).to(t.int64),
        lambda t: t.nn.HuberLoss(delta="x"),
        lambda t: t.nn.ParameterList()(1),
        lambda t: t.nn.Sequential(t.nn.ReLU())[3],
        lambda t: t.nn.ModuleList([t.nn.ReLU()])[-2],
        lambda t: t.nn.Sequential() + 1,
    ]
    for fn in errors:
        _raises(torch, fn)

    class Early(cr.nn.Module):
        def __init__(self):
            self.w = cr.nn.Parameter(cr.ones(1))

    with pytest.raises(AttributeError,
                       match=r"cannot assign parameters before Module.__init__\(\) call"):
        Early()


def test_containers(torch):
    def build(t):
        s = t.nn.Sequential(t.nn.Linear(2, 3), t.nn.ReLU(), t.nn.Linear(3, 1))
        s.append(t.nn.Sigmoid())
        s2 = s[1:3]
        del s[0]
        s.insert(0, t.nn.Tanh())
        ml = t.nn.ModuleList([t.nn.ReLU()])
        ml.append(t.nn.Tanh())
        ml.extend([t.nn.ReLU()])
        ml.insert(1, t.nn.Identity())
        md = t.nn.ModuleDict([("x", t.nn.ReLU())])
        md["y"] = t.nn.Tanh()
        pl = t.nn.ParameterList([t.ones(2)])
        pl.append(t.nn.Parameter(t.zeros(1)))
        return [s, s2, ml, ml[1:], md, pl, s + s2, s2 * 2, pl[0:1]]

    a, b = _both(torch, build)
    for x, y in zip(a, b, strict=True):
        assert repr(x) == repr(y)
        assert len(x) == len(y)
        assert [n for n, _ in x.named_parameters()] == [n for n, _ in y.named_parameters()]
    assert list(a[4].keys()) == ["x", "y"] and "x" in a[4]
    assert type(a[5][0]) is cr.nn.Parameter
    assert [type(m).__name__ for m in a[0]] == [type(m).__name__ for m in b[0]]


# ---- hooks, modes, conversions ------------------------------------------------------------------

def test_forward_hooks(torch):
    def run(t):
        log = []
        m = t.nn.Linear(2, 2)
        h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        h2 = m.register_forward_hook(lambda mod, args, out: out + 1)
        m.register_forward_hook(lambda mod, args, out: log.append(("first", out.shape)),
                                prepend=True)
        m.register_forward_pre_hook(lambda mod, args, kwargs: (args, kwargs), with_kwargs=True)
        m.register_forward_hook(lambda mod, args, kwargs, out: log.append(len(kwargs)),
                                with_kwargs=True)
        x = t.ones(1, 2)
        y1 = m(x)
        h1.remove()
        h2.remove()
        with m.register_forward_hook(lambda mod, args, out: out * 0):
            y2 = m(x)
        y3 = m(x)
        return y1, y2, y3, log

    a, b = _both(torch, run)
    for x, y in zip(a[:3], b[:3], strict=True):
        _close(x, y)
    assert [str(v) for v in a[3]] == [str(v) for v in b[3]]

    def failing(t):
        seen = []
        m = t.nn.Module()
        m.register_forward_hook(lambda mod, args, out: seen.append(out), always_call=True)
        try:
            m(1)
        except NotImplementedError:
            pass
        return seen

    assert _both(torch, failing)[0] == [None]


def test_modes_grads_and_conversions(torch):
    a, b = _both(torch, _net)
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    a.eval()(cr.tensor(x)).backward()
    b.eval()(torch.tensor(x)).backward()
    assert [m.training for m in a.modules()] == [m.training for m in b.modules()]
    assert [p.grad is None for p in a.parameters()] == [p.grad is None for p in b.parameters()]
    a.zero_grad(set_to_none=False)
    assert all(p.grad is None or not p.grad.any() for p in a.parameters())
    a.zero_grad()
    assert all(p.grad is None for p in a.parameters())
    assert a.requires_grad_(False) is a and not any(p.requires_grad for p in a.parameters())
    w = a.body[0].weight
    assert a.double() is a and a.body[0].weight is w
    assert w.dtype == cr.float64 and a.scale.dtype == cr.float64
    assert a.to(cr.float32).body[0].weight.dtype == cr.float32
    assert a.to(dtype=cr.float16).scale.dtype == cr.float16
    assert a.float().to("cpu").scale.dtype == cr.float32
    m = cr.nn.Linear(2, 1)
    m(cr.ones(2)).backward()
    m.double()
    assert m.weight.grad.dtype == cr.float64
    seen = []
    assert a.apply(lambda mod: seen.append(type(mod).__name__)) is a
    b.apply(lambda mod: seen.append(type(mod).__name__))
    assert seen[:len(seen) // 2] == seen[len(seen) // 2:]


# ---- functional_call -----------------------------------------------------------------------------

def test_functional_call_values_and_restore(torch):
    a, b = _both(torch, _net)
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    pa = {"body.0.weight": cr.zeros(8, 4), "scale": cr.tensor([2.0, 3.0])}
    pb = {"body.0.weight": torch.zeros(8, 4), "scale": torch.tensor([2.0, 3.0])}
    ya = cr.func.functional_call(a, pa, (cr.tensor(x),))
    yb = torch.func.functional_call(b, pb, (torch.tensor(x),))
    _close(ya, yb, 1e-5)
    ya = cr.func.functional_call(a, ({"scale": cr.ones(2)}, {"extra": cr.ones(3)}),
                                 cr.tensor(x))
    yb = torch.func.functional_call(b, ({"scale": torch.ones(2)}, {"extra": torch.ones(3)}),
                                    torch.tensor(x))
    _close(ya, yb, 1e-5)
    assert isinstance(a.body[0].weight, cr.nn.Parameter) and a.scale.tolist() == [1.0, 1.0]
    _close(a(cr.tensor(x)), b(torch.tensor(x)), 1e-5)

    # restored even when forward raises
    w = a.body[0].weight
    with pytest.raises(RuntimeError):
        cr.func.functional_call(a, {"body.0.weight": cr.zeros(8, 5)}, (cr.tensor(x),))
    assert a.body[0].weight is w and a._parameters["extra"] is not None

    # kwargs, and a tensor for an attribute that is not yet a parameter or buffer
    class Scaled(cr.nn.Module):
        def forward(self, x, *, k=1.0):
            return x * k

    assert cr.func.functional_call(Scaled(), {}, (cr.ones(1),), {"k": 3.0}).tolist() == [3.0]

    errors = [
        lambda t, m: t.func.functional_call(m, {"nothing": t.ones(1)}, (t.ones(3, 4),),
                                            strict=True),
        lambda t, m: t.func.functional_call(m, {"scale": t.ones(2)}, (t.ones(3, 4),),
                                            strict=True),
        lambda t, m: t.func.functional_call(m, ({"scale": t.ones(2)}, {"scale": t.ones(2)}),
                                            (t.ones(3, 4),)),
        lambda t, m: t.func.functional_call(m, [{"scale": t.ones(2)}, 3], (t.ones(3, 4),)),
        lambda t, m: t.func.functional_call(m, 3, (t.ones(3, 4),)),
        lambda t, m: t.func.functional_call(m, {"scale": 3}, (t.ones(3, 4),)),
        lambda t, m: t.func.functional_call(m, {"body.x.weight": t.ones(1)}, (t.ones(3, 4),)),
    ]
    for fn in errors:
        _raises(torch, lambda t, fn=fn: fn(t, a if t is cr else b))
    assert a.body[0].weight is w


def test_functional_call_tied_weights(torch):
    def build(t):
        m = t.nn.Sequential(t.nn.Linear(3, 3), t.nn.Tanh(), t.nn.Linear(3, 3))
        m[2].weight = m[0].weight
        return m

    a, b = _both(torch, build)
    x = RNG.standard_normal((2, 3)).astype(np.float32)
    for tie in (True, False):
        ya = cr.func.functional_call(a, {"0.weight": cr.eye(3)}, (cr.tensor(x),),
                                     tie_weights=tie)
        yb = torch.func.functional_call(b, {"0.weight": torch.eye(3)}, (torch.tensor(x),),
                                        tie_weights=tie)
        _close(ya, yb, 1e-5)
    _raises(torch, lambda t: t.func.functional_call(
        a if t is cr else b, {"0.weight": t.eye(3), "2.weight": t.zeros(3, 3)},
        (t.ones(3),)))
    assert a[2].weight is a[0].weight


def _grad_setup(t):
    model = t.nn.Sequential(t.nn.Linear(3, 4), t.nn.Tanh(), t.nn.Linear(4, 1))
    x = t.tensor(np.arange(6, dtype=np.float32).reshape(2, 3) / 5)
    y = t.tensor([[0.5], [-1.0]])
    params = {k: v.detach() for k, v in model.named_parameters()}

    def loss(p):
        return t.nn.functional.mse_loss(t.func.functional_call(model, p, (x,)), y)

    return params, loss


def test_functional_call_under_func_grad(torch):
    def grads(t):
        params, loss = _grad_setup(t)
        names = list(params)

        def flat(*values):
            return loss(dict(zip(names, values, strict=True)))

        argnums = tuple(range(len(names)))
        g = t.func.grad(flat, argnums=argnums)(*params.values())
        hess_bias = t.func.hessian(lambda b: loss({**params, "2.bias": b}))(params["2.bias"])
        return dict(zip(names, g, strict=True)), hess_bias

    (ga, ha), (gb, hb) = _both(torch, grads)
    assert list(ga) == list(gb)
    for k in gb:
        _close(ga[k], gb[k], 1e-5)
    _close(ha, hb, 1e-5)


def test_functional_call_under_func_grad_of_a_dict(torch):
    def grads(t):
        params, loss = _grad_setup(t)
        return t.func.grad(loss)(params)

    ga, gb = _both(torch, grads)
    assert list(ga) == list(gb)
    for k in gb:
        _close(ga[k], gb[k], 1e-5)


def test_stateless_functional_call_is_deprecated_alias(torch):
    m = cr.nn.Linear(2, 1)
    with pytest.warns(FutureWarning, match="torch.func.functional_call"):
        y = cr.nn.utils.stateless.functional_call(
            m, {"weight": cr.ones(1, 2), "bias": cr.zeros(1)}, cr.ones(2))
    assert y.tolist() == [2.0]


# ---- training loop, memory ----------------------------------------------------------------------

def test_training_loop_matches_torch(torch):
    def train(t):
        model = t.nn.Sequential(t.nn.Linear(3, 8), t.nn.ReLU(), t.nn.Linear(8, 1))
        x = t.tensor(np.linspace(-1, 1, 30, dtype=np.float32).reshape(10, 3))
        y = (x ** 2).sum(1, keepdim=True)
        loss_fn = t.nn.MSELoss()
        losses = []
        for _ in range(20):
            loss = loss_fn(model(x), y)
            model.zero_grad()
            loss.backward()
            with t.no_grad():
                for p in model.parameters():
                    p -= 0.1 * p.grad
            losses.append(loss.item())
        return losses

    la, lb = _both(torch, train)
    np.testing.assert_allclose(la, lb, rtol=1e-5, atol=1e-6)
    assert la[-1] < la[0]


def test_dropping_a_module_frees_its_parameters():
    gc_was = gc.isenabled()
    gc.disable()
    try:
        m = cr.nn.Sequential(cr.nn.Linear(3, 4), cr.nn.ReLU(), cr.nn.Linear(4, 1))
        h = m.register_forward_hook(lambda mod, args, out: None)
        m(cr.ones(2, 3)).sum().backward()
        refs = [weakref.ref(p) for p in m.parameters()] + [weakref.ref(m)]
        cr.func.functional_call(m, {"0.bias": cr.zeros(4)}, (cr.ones(3),))
        del m
        assert all(r() is None for r in refs)
        h.remove()
    finally:
        if gc_was:
            gc.enable()


def test_module_to_math_sanity():
    # Linear's bias bound is 1/sqrt(fan_in)
    cr.manual_seed(1)
    lin = cr.nn.Linear(100, 50)
    assert float(lin.bias.detach().abs().max()) <= 1 / math.sqrt(100)
