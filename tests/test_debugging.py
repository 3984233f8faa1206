"""Anomaly detection and checkpointing, against torch where it has the same texts."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr


def _sqrt_of_negative(T):
    x = T.tensor([-1.0, 4.0], requires_grad=True)
    with T.autograd.detect_anomaly():
        y = T.sqrt(x)
        y.sum().backward()


def test_anomaly_names_the_node_and_the_forward_line(torch):
    msgs = {}
    for name, T in (("ours", cr), ("theirs", torch)):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(RuntimeError) as err:
                _sqrt_of_negative(T)
        msgs[name] = (str(err.value), [str(w.message) for w in caught
                                       if issubclass(w.category, UserWarning)])
    assert msgs["ours"][0] == msgs["theirs"][0] == \
        "Function 'SqrtBackward0' returned nan values in its 0th output."
    ours_warnings = msgs["ours"][1]
    assert ours_warnings[0] == msgs["theirs"][1][0]  # "Anomaly Detection has been enabled..."
    assert ours_warnings[1].startswith("Error detected in SqrtBackward0. Traceback of forward "
                                       "call that caused the error:")
    package_dir = str(Path(cr.__file__).resolve().parent)
    assert "y = T.sqrt(x)" in ours_warnings[1] and package_dir not in ours_warnings[1]
    assert not cr.is_anomaly_enabled()


def test_set_detect_anomaly_function_and_context():
    cr.autograd.set_detect_anomaly(True)
    try:
        assert cr.is_anomaly_enabled()
    finally:
        cr.autograd.set_detect_anomaly(False)
    with cr.autograd.set_detect_anomaly(True, check_nan=False):
        assert cr.is_anomaly_enabled() and not cr.is_anomaly_check_nan_enabled()
        x = cr.tensor(-1.0, requires_grad=True)
        cr.sqrt(x).backward()  # nan is allowed when check_nan is off
        assert np.isnan(x.grad.item())
    assert not cr.is_anomaly_enabled() and cr.is_anomaly_check_nan_enabled()


def test_checkpoint_gives_the_same_gradients(torch):
    from chainrule.utils.checkpoint import checkpoint

    def f(a, b):
        return (a.sin() * b).exp()

    results = []
    for T, ck in ((cr, checkpoint), (torch, torch.utils.checkpoint.checkpoint)):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        w = T.tensor([3.0, 4.0], requires_grad=True)
        ck(f, x, w, use_reentrant=True).sum().backward()
        results.append((x.grad.numpy(), w.grad.numpy()))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-6)


def test_checkpoint_recomputes_dropout_with_the_same_random_numbers():
    from chainrule.utils.checkpoint import checkpoint

    x = cr.ones(50, requires_grad=True)
    cr.manual_seed(0)
    y = checkpoint(lambda t: cr.nn.functional.dropout(t * 2, 0.5), x, use_reentrant=False)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), y.detach().numpy())  # grad = 2 * mask/0.5


def test_checkpoint_warns_without_use_reentrant():
    from chainrule.utils.checkpoint import checkpoint

    with pytest.warns(UserWarning, match="the use_reentrant parameter should be passed"):
        checkpoint(lambda t: t * 2, cr.ones(2, requires_grad=True))


def _hooked_program(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    calls = []

    def pack(t):
        calls.append(("pack", tuple(t.shape)))
        return t * 1

    def unpack(t):
        calls.append(("unpack", tuple(t.shape)))
        return t

    with T.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = x * x
        z = y.exp()
    z.sum().backward()
    return calls, x.grad.numpy()


def test_saved_tensors_hooks_match_torch(torch):
    (ours, g1), (theirs, g2) = _hooked_program(cr), _hooked_program(torch)
    assert ours == theirs
    np.testing.assert_allclose(g1, g2, rtol=1e-6)


def _inference_program(T):
    x = T.tensor([1.0, 2.0], requires_grad=True)
    with T.inference_mode():
        a = T.ones(2) * 2
        inside = T.is_inference_mode_enabled()
    out = {"is_inference": a.is_inference(), "rg": a.requires_grad, "inside": inside,
           "after": T.is_inference_mode_enabled(), "plain": T.ones(1).is_inference(),
           "clone": a.clone().is_inference()}

    @T.inference_mode()
    def f(t):
        return t * 2

    out["decorated"] = (f(x).requires_grad, f(x).is_inference())
    for key, action in (("saved", lambda: (a * x).sum().backward()),
                        ("inplace", lambda: a.add_(1))):
        try:
            action()
            out[key] = None
        except RuntimeError as e:
            out[key] = str(e)
    return out


def test_inference_mode_matches_torch(torch):
    assert _inference_program(cr) == _inference_program(torch)


def test_every_way_of_making_a_tensor_marks_inference(torch):
    for T in (cr, torch):
        with T.inference_mode():
            made = [T.Tensor([1.0]), T.Tensor(2, 3), T.tensor([1.0]), T.zeros(2),
                    T.arange(3) + 1, T.ones(2).sum()]
        assert all(t.is_inference() for t in made), T.__name__
