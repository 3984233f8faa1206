"""chainrule.nn.functional against torch.nn.functional: what the op records cannot express.

Errors and warnings (type and text), kink conventions, non-differentiable results (one_hot,
integer padding), dropout's random stream, in-place variants, the graphs composite functions
build, and second derivatives of every function.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr

C4 = [0.5, 1.0, 2.0, 1.5]


def F(T):  # noqa: N802 - reads as torch.nn.functional
    return T.nn.functional


def _outcome(T, fn):
    """What ``fn(T)`` does: its value, or its exception's type and text, and its warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # NumPy's floating-point warnings are silenced by chainrule; torch gives none
        warnings.filterwarnings("ignore", category=RuntimeWarning)
        try:
            out = fn(T)
            result = ("ok", (str(out.dtype), tuple(out.shape),
                             np.asarray(out.detach().numpy()).tolist()))
        except Exception as e:  # noqa: BLE001 - any exception is compared
            result = (type(e).__name__, str(e))
    return result, [(w.category.__name__, str(w.message)) for w in caught]


def _x(T, *shape, dtype=None):
    n = int(np.prod(shape)) if shape else 1
    data = (np.arange(n, dtype=np.float64).reshape(shape) % 5 - 2) / 3
    return T.tensor(data, dtype=dtype or T.float32)


def _p(T, *shape):
    return T.tensor(np.linspace(0.1, 0.9, int(np.prod(shape))).reshape(shape), dtype=T.float32)


def _long(T, values):
    return T.tensor(values, dtype=T.int64)


ERRORS = [
    # nll_loss
    ("nll target out of range", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, 5, 2]))),
    ("nll negative target", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, -1, 2]))),
    ("nll float target", lambda T: F(T).nll_loss(_x(T, 3, 4), _x(T, 3))),
    ("nll int32 target",
     lambda T: F(T).nll_loss(_x(T, 3, 4), T.tensor([0, 1, 2], dtype=T.int32))),
    ("nll uint8 target", lambda T: F(T).nll_loss(_x(T, 3, 4),
                                                 T.tensor([0, 1, 2], dtype=T.uint8))),
    ("nll batch mismatch", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, 1]))),
    ("nll 0-d target with a batch", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, 1))),
    ("nll 0-d input", lambda T: F(T).nll_loss(_x(T), _long(T, 0))),
    ("nll 1-d input, 2 targets", lambda T: F(T).nll_loss(_x(T, 4), _long(T, [1, 2]))),
    ("nll 1-d input, 1 target", lambda T: F(T).nll_loss(_x(T, 4), _long(T, [1]))),
    ("nll 2-d target", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [[1], [1], [1]]))),
    ("nll 3-d target size", lambda T: F(T).nll_loss(_x(T, 1, 3, 4), _long(T, [[1, 1, 1]]))),
    ("nll 4-d target rank", lambda T: F(T).nll_loss(_x(T, 1, 3, 2, 2), _long(T, [[1, 1]]))),
    ("nll 4-d target size",
     lambda T: F(T).nll_loss(_x(T, 1, 3, 2, 2), _long(T, [[[1, 1, 1], [1, 1, 1]]]))),
    ("nll 4-d out of range",
     lambda T: F(T).nll_loss(_x(T, 1, 3, 2, 2), _long(T, [[[1, 1], [5, 1]]]))),
    ("nll weight size", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, 1, 2]),
                                                weight=_x(T, 3))),
    ("nll weight 2-d", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, 1, 2]),
                                               weight=_x(T, 4, 1))),
    ("nll 4-d weight size", lambda T: F(T).nll_loss(_x(T, 1, 3, 2, 2), _long(T, [[[0, 1]] * 2]),
                                                    weight=_x(T, 2))),
    ("nll 3-d weight size", lambda T: F(T).nll_loss(_x(T, 1, 3, 4), _long(T, [[0, 1, 2, 0]]),
                                                    weight=_x(T, 2))),
    ("nll weight dtype", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, 1, 2]),
                                                 weight=_x(T, 4, dtype=T.float64))),
    ("nll bad reduction", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, 1, 2]),
                                                  reduction="avg")),
    ("nll integer input", lambda T: F(T).nll_loss(_long(T, [[1, 2], [3, 4]]), _long(T, [0, 1]))),
    ("nll 4-d integer input",
     lambda T: F(T).nll_loss(T.zeros(1, 3, 2, 2, dtype=T.int64), _long(T, [[[0, 1]] * 2]))),
    ("nll float target before weight size",
     lambda T: F(T).nll_loss(_x(T, 3, 4), _x(T, 3), weight=_x(T, 2))),
    ("nll int32 target before integer input",
     lambda T: F(T).nll_loss(T.zeros(3, 4, dtype=T.int64), T.tensor([0, 1, 2], dtype=T.int32))),
    ("nll integer input before weight dtype",
     lambda T: F(T).nll_loss(T.zeros(3, 4, dtype=T.int64), _long(T, [0, 1, 2]),
                             weight=_x(T, 4, dtype=T.float64))),
    ("nll weight dtype before bounds",
     lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [9, 0, 0]), weight=_x(T, 4, dtype=T.float64))),
    ("nll weight requiring grad",
     lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, 1, 2]),
                             weight=_x(T, 4).requires_grad_())),
    ("nll all ignored, mean", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [-100] * 3))),
    ("nll all ignored, sum",
     lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [-100] * 3), reduction="sum")),
    ("nll legacy size_average", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, 1, 2]),
                                                        size_average=False)),
    ("nll empty batch", lambda T: F(T).nll_loss(T.zeros(0, 4), T.zeros(0, dtype=T.int64))),
    ("nll negative target", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, -1, 2]))),
    ("nll negative target, another ignored",
     lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [-100, -2, 2]))),
    ("nll ignore_index -1", lambda T: F(T).nll_loss(_x(T, 3, 4), _long(T, [0, -1, 2]),
                                                    ignore_index=-1)),
    # cross_entropy
    ("ce target out of range", lambda T: F(T).cross_entropy(_x(T, 3, 4), _long(T, [0, 5, 2]))),
    ("ce float target of another shape", lambda T: F(T).cross_entropy(_x(T, 3, 4), _x(T, 3))),
    ("ce integer probabilities",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), T.ones(3, 4, dtype=T.int64))),
    ("ce probabilities with ignore_index",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), _p(T, 3, 4), ignore_index=1)),
    ("ce label_smoothing above 1",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), _long(T, [0, 1, 2]), label_smoothing=1.5)),
    ("ce label_smoothing below 0",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), _long(T, [0, 1, 2]), label_smoothing=-0.5)),
    ("ce probabilities, label_smoothing above 1",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), _p(T, 3, 4), label_smoothing=2.0)),
    ("ce probabilities, weight size",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), _p(T, 3, 4), weight=_x(T, 3))),
    ("ce 0-d", lambda T: F(T).cross_entropy(_x(T), _long(T, 0))),
    ("ce integer input",
     lambda T: F(T).cross_entropy(T.ones(3, 4, dtype=T.int64), _long(T, [0, 1, 2]))),
    ("ce bad reduction",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), _long(T, [0, 1, 2]), reduction="foo")),
    ("ce smoothing, all ignored",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), _long(T, [-100] * 3), label_smoothing=0.2)),
    ("ce smoothing, weighted, one ignored",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), _long(T, [-100, 1, 2]), label_smoothing=0.2,
                                  weight=T.tensor(C4))),
    ("ce probabilities of another dtype",
     lambda T: F(T).cross_entropy(_x(T, 3, 4), _p(T, 3, 4).double())),
    # regression losses
    ("mse bad reduction", lambda T: F(T).mse_loss(_x(T, 3), _x(T, 3), reduction="foo")),
    ("mse broadcast warning", lambda T: F(T).mse_loss(_x(T, 3, 4), _x(T, 4))),
    ("mse shapes that do not broadcast", lambda T: F(T).mse_loss(_x(T, 3, 4), _x(T, 5))),
    ("mse integers", lambda T: F(T).mse_loss(_long(T, [1, 2]), _long(T, [1, 3]))),
    ("mse float32 and float64", lambda T: F(T).mse_loss(_x(T, 3), _x(T, 3, dtype=T.float64))),
    ("mse integer and float", lambda T: F(T).mse_loss(_long(T, [1, 2]), _x(T, 2))),
    ("mse weight size", lambda T: F(T).mse_loss(_x(T, 3, 4), _x(T, 3, 4), weight=_x(T, 4))),
    ("mse weight, bad reduction",
     lambda T: F(T).mse_loss(_x(T, 3), _x(T, 3), weight=_x(T, 3), reduction="foo")),
    ("mse legacy reduce", lambda T: F(T).mse_loss(_x(T, 3), _p(T, 3), reduce=False)),
    ("mse elementwise_mean", lambda T: F(T).mse_loss(_x(T, 3), _p(T, 3),
                                                     reduction="elementwise_mean")),
    ("l1 integers", lambda T: F(T).l1_loss(_long(T, [1, 2]), _long(T, [1, 3]))),
    ("l1 integers, sum", lambda T: F(T).l1_loss(_long(T, [1, 2]), _long(T, [1, 3]),
                                                reduction="sum")),
    ("l1 bad reduction", lambda T: F(T).l1_loss(_x(T, 3), _x(T, 3), reduction="x")),
    ("smooth_l1 negative beta", lambda T: F(T).smooth_l1_loss(_x(T, 3), _p(T, 3), beta=-1.0)),
    ("smooth_l1 integers", lambda T: F(T).smooth_l1_loss(_long(T, [1]), _long(T, [2]))),
    ("huber negative delta", lambda T: F(T).huber_loss(_x(T, 3), _p(T, 3), delta=-1.0)),
    ("huber zero delta", lambda T: F(T).huber_loss(_x(T, 3), _p(T, 3), delta=0.0)),
    ("huber integers", lambda T: F(T).huber_loss(_long(T, [1]), _long(T, [2]))),
    ("huber weight, bad reduction",
     lambda T: F(T).huber_loss(_x(T, 3), _p(T, 3), weight=_x(T, 3), reduction="avg")),
    # binary cross entropy
    ("bce input above 1", lambda T: F(T).binary_cross_entropy(T.tensor([1.5]), T.tensor([1.]))),
    ("bce nan input",
     lambda T: F(T).binary_cross_entropy(T.tensor([float("nan")]), T.tensor([1.]))),
    ("bce target above 1",
     lambda T: F(T).binary_cross_entropy(T.tensor([0.5]), T.tensor([2.]))),
    ("bce the first bad element decides",
     lambda T: F(T).binary_cross_entropy(T.tensor([0.5, 2.]), T.tensor([2., 0.5]))),
    ("bce target shape", lambda T: F(T).binary_cross_entropy(_p(T, 1), _p(T, 2))),
    ("bce weight shape",
     lambda T: F(T).binary_cross_entropy(_p(T, 2), _p(T, 2), weight=_x(T, 3))),
    ("bce weight shape 2-d",
     lambda T: F(T).binary_cross_entropy(_p(T, 3, 2), _p(T, 3, 2), weight=_x(T, 2, 2))),
    ("bce target dtype", lambda T: F(T).binary_cross_entropy(_p(T, 2), _p(T, 2).double())),
    ("bce integer target",
     lambda T: F(T).binary_cross_entropy(_p(T, 2), _long(T, [1, 0]))),
    ("bce integers", lambda T: F(T).binary_cross_entropy(_long(T, [1, 0]), _long(T, [1, 0]))),
    ("bce float64 weight", lambda T: F(T).binary_cross_entropy(_p(T, 2), _p(T, 2),
                                                               weight=_x(T, 2, dtype=T.float64))),
    ("bce weight requiring grad", lambda T: F(T).binary_cross_entropy(
        _p(T, 2), _p(T, 2), weight=_x(T, 2).requires_grad_())),
    ("bce at 0 and 1 (log clamped at -100)",
     lambda T: F(T).binary_cross_entropy(T.tensor([0., 0., 1., 1.]), T.tensor([1., 0., 1., 0.]),
                                         reduction="none")),
    ("bce bad reduction",
     lambda T: F(T).binary_cross_entropy(_p(T, 2), _p(T, 2), reduction="nope")),
    ("bce_logits target shape",
     lambda T: F(T).binary_cross_entropy_with_logits(_x(T, 1), _p(T, 2))),
    ("bce_logits integer target",
     lambda T: F(T).binary_cross_entropy_with_logits(_x(T, 2), _long(T, [1, 0]))),
    ("bce_logits integers", lambda T: F(T).binary_cross_entropy_with_logits(
        _long(T, [1, 0]), _long(T, [1, 0]))),
    ("bce_logits pos_weight shape", lambda T: F(T).binary_cross_entropy_with_logits(
        _x(T, 3, 4), _p(T, 3, 4), pos_weight=_x(T, 3))),
    ("bce_logits weight shape", lambda T: F(T).binary_cross_entropy_with_logits(
        _x(T, 3, 4), _p(T, 3, 4), weight=_x(T, 3))),
    ("bce_logits weight larger than input", lambda T: F(T).binary_cross_entropy_with_logits(
        _x(T, 4), _p(T, 4), weight=_x(T, 3, 4))),
    ("bce_logits float64 target", lambda T: F(T).binary_cross_entropy_with_logits(
        _x(T, 3), _p(T, 3).double())),
    ("bce_logits float64 weights", lambda T: F(T).binary_cross_entropy_with_logits(
        _x(T, 3), _p(T, 3), weight=_x(T, 3, dtype=T.float64),
        pos_weight=_x(T, 3, dtype=T.float64))),
    ("bce_logits weight requiring grad", lambda T: F(T).binary_cross_entropy_with_logits(
        _x(T, 3), _p(T, 3), weight=_x(T, 3).requires_grad_())),
    ("bce_logits pos_weight requiring grad", lambda T: F(T).binary_cross_entropy_with_logits(
        _x(T, 3), _p(T, 3), pos_weight=_x(T, 3).requires_grad_())),
    ("bce_logits extreme logits", lambda T: F(T).binary_cross_entropy_with_logits(
        T.tensor([-1000., 1000., 30.]), T.tensor([1., 0., 0.5]), reduction="none",
        pos_weight=T.tensor([2.]))),
    # softmax
    ("softmax dim out of range", lambda T: F(T).softmax(_x(T, 3, 4), 2)),
    ("softmax implicit dim", lambda T: F(T).softmax(_x(T, 3, 4))),
    ("softmax implicit dim 3-d", lambda T: F(T).log_softmax(_x(T, 2, 3, 4))),
    ("softmin implicit dim", lambda T: F(T).softmin(_x(T, 3))),
    ("softmax integers, last dim", lambda T: F(T).softmax(_long(T, [1, 2]), 0)),
    ("softmax integers, other dim", lambda T: F(T).softmax(_long(T, [[1, 2]]), 0)),
    ("log_softmax integers", lambda T: F(T).log_softmax(_long(T, [1, 2]), -1)),
    ("softmax bool", lambda T: F(T).softmax(T.tensor([True, False]), 0)),
    ("softmax integers with dtype",
     lambda T: F(T).softmax(_long(T, [1, 2]), 0, dtype=T.float64)),
    ("softmax to an integer dtype", lambda T: F(T).softmax(_x(T, 2, 3), 0, dtype=T.int64)),
    ("softmax 0-d", lambda T: F(T).softmax(_x(T), -1)),
    ("log_softmax 0-d", lambda T: F(T).log_softmax(_x(T), 0)),
    ("softmax 0-d dim 1", lambda T: F(T).softmax(_x(T), 1)),
    ("softmax large values", lambda T: F(T).softmax(T.tensor([1000., 0., -1000.]), 0)),
    ("log_softmax large values",
     lambda T: F(T).log_softmax(T.tensor([1000., 0., -1000.]), 0)),
    ("softmax half", lambda T: F(T).softmax(T.tensor([1., 2., 3.], dtype=T.float16), 0)),
    # linear
    ("linear 0-d input", lambda T: F(T).linear(_x(T), _x(T, 2, 3))),
    ("linear 0-d weight", lambda T: F(T).linear(_x(T, 2, 3), _x(T))),
    ("linear sizes", lambda T: F(T).linear(_x(T, 3, 4), _x(T, 2, 5))),
    ("linear sizes 3-d", lambda T: F(T).linear(_x(T, 1, 3, 4), _x(T, 2, 5))),
    ("linear sizes 3-d bias", lambda T: F(T).linear(_x(T, 1, 3, 4), _x(T, 2, 5), _x(T, 2))),
    ("linear bias size", lambda T: F(T).linear(_x(T, 3, 4), _x(T, 2, 4), _x(T, 3))),
    ("linear sizes 1-d", lambda T: F(T).linear(_x(T, 4), _x(T, 2, 5))),
    ("linear sizes 1-d bias", lambda T: F(T).linear(_x(T, 4), _x(T, 2, 5), _x(T, 2))),
    ("linear 3-d weight", lambda T: F(T).linear(_x(T, 3, 4), _x(T, 2, 2, 4))),
    ("linear dtypes", lambda T: F(T).linear(_x(T, 3, 4), _x(T, 2, 4, dtype=T.float64))),
    ("linear 1-d weight", lambda T: F(T).linear(_x(T, 3, 4), _x(T, 4))),
    ("linear 1-d weight and bias", lambda T: F(T).linear(_x(T, 3, 4), _x(T, 4), _x(T))),
    ("linear 4-d", lambda T: F(T).linear(_x(T, 2, 2, 3, 4), _x(T, 2, 4), _x(T, 2))),
    # one_hot
    ("one_hot float", lambda T: F(T).one_hot(T.tensor([1., 2.]))),
    ("one_hot int32", lambda T: F(T).one_hot(T.tensor([1, 2], dtype=T.int32))),
    ("one_hot bool", lambda T: F(T).one_hot(T.tensor([True]))),
    ("one_hot negative", lambda T: F(T).one_hot(_long(T, [1, -2]))),
    ("one_hot too large", lambda T: F(T).one_hot(_long(T, [1, 2]), 2)),
    ("one_hot empty", lambda T: F(T).one_hot(T.zeros(0, dtype=T.int64))),
    ("one_hot empty with classes", lambda T: F(T).one_hot(T.zeros(0, 2, dtype=T.int64), 3)),
    ("one_hot zero classes", lambda T: F(T).one_hot(_long(T, [1]), 0)),
    ("one_hot -2 classes", lambda T: F(T).one_hot(_long(T, [1]), -2)),
    ("one_hot 0-d", lambda T: F(T).one_hot(_long(T, 2))),
    ("one_hot 2-d", lambda T: F(T).one_hot(_long(T, [[0, 2], [1, 1]]), 4)),
    # pad
    ("pad odd length", lambda T: F(T).pad(_x(T, 3, 4), (1,))),
    ("pad too long", lambda T: F(T).pad(_x(T, 3, 4), (1, 1, 1, 1, 1, 1))),
    ("pad 0-d", lambda T: F(T).pad(_x(T), (1, 1))),
    ("pad cropping below zero", lambda T: F(T).pad(_x(T, 3, 4), (-3, -2))),
    ("pad cropping below zero, first dim", lambda T: F(T).pad(_x(T, 3, 4), (0, 0, -2, -2))),
    ("pad cropping to zero", lambda T: F(T).pad(_x(T, 3, 4), (-2, -2))),
    ("pad float amount", lambda T: F(T).pad(_x(T, 3, 4), (1.5, 1))),
    ("pad None", lambda T: F(T).pad(_x(T, 3, 4), None)),
    ("pad an int", lambda T: F(T).pad(_x(T, 3, 4), 1)),
    ("pad unknown mode", lambda T: F(T).pad(_x(T, 3, 4), (1, 1), mode="foo")),
    ("pad reflect with a value",
     lambda T: F(T).pad(_x(T, 1, 3, 4), (1, 1), mode="reflect", value=1.0)),
    ("pad list", lambda T: F(T).pad(_x(T, 2, 2), [1, 0, 0, 1], value=2.5)),
    ("pad integers with a float value",
     lambda T: F(T).pad(_long(T, [1, 2]), (1, 1), value=2.5)),
    ("pad bool", lambda T: F(T).pad(T.tensor([True]), (1, 1))),
    ("pad empty amounts", lambda T: F(T).pad(_x(T, 2, 2), ())),
    # activations
    ("hardtanh min above max", lambda T: F(T).hardtanh(_x(T, 3), 2.0, 1.0)),
    ("hardtanh bool", lambda T: F(T).hardtanh(T.tensor([True]))),
    ("hardtanh integers", lambda T: F(T).hardtanh(_long(T, [-3, 0, 3]))),
    ("relu6 integers", lambda T: F(T).relu6(_long(T, [-3, 3, 9]))),
    ("leaky_relu integers", lambda T: F(T).leaky_relu(_long(T, [1]))),
    ("elu integers", lambda T: F(T).elu(_long(T, [1]))),
    ("selu integers", lambda T: F(T).selu(_long(T, [1]))),
    ("gelu integers", lambda T: F(T).gelu(_long(T, [1]))),
    ("gelu bad approximate", lambda T: F(T).gelu(_x(T, 3), approximate="foo")),
    ("gelu approximate positionally", lambda T: F(T).gelu(_x(T, 3), "tanh")),
    ("silu integers", lambda T: F(T).silu(_long(T, [1]))),
    ("softplus integers", lambda T: F(T).softplus(_long(T, [1]))),
    ("softplus beta 0", lambda T: F(T).softplus(_x(T, 3), 0)),
    ("softplus above the threshold", lambda T: F(T).softplus(T.tensor([20., 20.001, 19.999]))),
    ("logsigmoid integers", lambda T: F(T).logsigmoid(_long(T, [1]))),
    ("logsigmoid extremes", lambda T: F(T).logsigmoid(T.tensor([-1000., 0., 1000.]))),
    ("silu extremes", lambda T: F(T).silu(T.tensor([-1000., 0., 1000.]))),
    ("gelu extremes", lambda T: F(T).gelu(T.tensor([-1000., -8., 8., 1000.]))),
    # dropout
    ("dropout p below 0", lambda T: F(T).dropout(_x(T, 3), -0.1)),
    ("dropout p above 1", lambda T: F(T).dropout(_x(T, 3), 1.1)),
    ("dropout integers", lambda T: F(T).dropout(_long(T, [1, 2]))),
    ("dropout integers, not training", lambda T: F(T).dropout(_long(T, [1, 2]), training=False)),
    ("dropout p=1 of inf", lambda T: F(T).dropout(T.tensor([float("inf"), 1.]), 1.0)),
    # in place on a leaf that requires grad
    ("relu_ on a leaf", lambda T: F(T).relu(_x(T, 3).requires_grad_(), inplace=True)),
    ("elu_ on a leaf", lambda T: F(T).elu(_x(T, 3).requires_grad_(), inplace=True)),
    ("leaky_relu_ on a leaf",
     lambda T: F(T).leaky_relu(_x(T, 3).requires_grad_(), inplace=True)),
    ("dropout_ on a leaf", lambda T: F(T).dropout(_x(T, 3).requires_grad_(), inplace=True)),
    ("hardtanh_ on a leaf", lambda T: F(T).hardtanh(_x(T, 3).requires_grad_(), inplace=True)),
]


@pytest.mark.parametrize("name, fn", ERRORS, ids=[e[0] for e in ERRORS])
def test_outcomes_match_torch(torch, name, fn):
    ours, their = _outcome(cr, fn), _outcome(torch, fn)
    assert ours[0][0] == their[0][0], (ours, their)
    if ours[0][0] == "ok":
        (dtype, shape, values), (their_dtype, their_shape, their_values) = ours[0][1], their[0][1]
        assert (dtype, shape) == (their_dtype, their_shape)
        np.testing.assert_allclose(np.asarray(values, dtype=float),
                                   np.asarray(their_values, dtype=float), rtol=1e-6, atol=1e-6)
    else:
        assert ours[0][1] == their[0][1]
    assert ours[1] == their[1]


# ---- second derivatives -------------------------------------------------------------------------

def _inputs(T, arrays):
    return [T.tensor(a, requires_grad=True) for a in arrays]


def _rand(shape, low=-2.0, high=2.0, seed=0):
    return np.random.default_rng(seed).uniform(low, high, shape)


def _i64(T, values):
    return T.tensor(values)


SECOND = [
    ("hardtanh", lambda T, x: F(T).hardtanh(x, -0.5, 1.0), [_rand((3, 4))]),
    ("leaky_relu", lambda T, x: F(T).leaky_relu(x, 0.1), [_rand((3, 4))]),
    ("elu", lambda T, x: F(T).elu(x, 0.7), [_rand((3, 4))]),
    ("selu", lambda T, x: F(T).selu(x), [_rand((3, 4))]),
    ("gelu", lambda T, x: F(T).gelu(x), [_rand((3, 4), -4, 4)]),
    ("gelu tanh", lambda T, x: F(T).gelu(x, approximate="tanh"), [_rand((3, 4), -4, 4)]),
    ("silu", lambda T, x: F(T).silu(x), [_rand((3, 4), -4, 4)]),
    ("softplus", lambda T, x: F(T).softplus(x, 2.0, 3.0), [_rand((3, 4), -3, 3)]),
    ("logsigmoid", lambda T, x: F(T).logsigmoid(x), [_rand((3, 4), -4, 4)]),
    ("softmax", lambda T, x: F(T).softmax(x, 1), [_rand((3, 4))]),
    ("log_softmax", lambda T, x: F(T).log_softmax(x, 0), [_rand((3, 4))]),
    ("mse", lambda T, x, t: F(T).mse_loss(x, t), [_rand((3, 4)), _rand((3, 4), seed=1)]),
    ("mse none", lambda T, x, t: F(T).mse_loss(x, t, reduction="none"),
     [_rand((3, 4)), _rand((3, 4), seed=1)]),
    ("smooth_l1", lambda T, x, t: F(T).smooth_l1_loss(x, t, beta=0.8),
     [_rand((3, 4)), _rand((3, 4), seed=1)]),
    ("huber", lambda T, x, t: F(T).huber_loss(x, t, reduction="sum", delta=0.6),
     [_rand((3, 4)), _rand((3, 4), seed=1)]),
    ("nll", lambda T, x: F(T).nll_loss(x, _i64(T, [0, 3, -100]), weight=T.tensor(
        C4, dtype=T.float64)), [_rand((3, 4))]),
    ("nll 4-d", lambda T, x: F(T).nll_loss(x, _i64(T, [[[0, 1], [2, 0]]]), reduction="none"),
     [_rand((1, 3, 2, 2))]),
    ("cross_entropy", lambda T, x: F(T).cross_entropy(x, _i64(T, [0, 3, 1])), [_rand((3, 4))]),
    ("cross_entropy smoothing", lambda T, x: F(T).cross_entropy(
        x, _i64(T, [0, 3, -100]), label_smoothing=0.2, reduction="sum"), [_rand((3, 4))]),
    ("cross_entropy probabilities", lambda T, x, t: F(T).cross_entropy(x, t, label_smoothing=0.1),
     [_rand((3, 4)), _rand((3, 4), 0, 1, seed=1)]),
    ("bce", lambda T, x, t: F(T).binary_cross_entropy(x, t),
     [_rand((3, 4), 0.05, 0.95), _rand((3, 4), 0.05, 0.95, seed=1)]),
    ("bce weight none", lambda T, x, t: F(T).binary_cross_entropy(
        x, t, weight=T.tensor([1.0, 2.0, 0.5, 1.5], dtype=T.float64), reduction="none"),
     [_rand((3, 4), 0.05, 0.95), _rand((3, 4), 0.05, 0.95, seed=1)]),
    ("bce_with_logits", lambda T, x, t: F(T).binary_cross_entropy_with_logits(x, t),
     [_rand((3, 4), -3, 3), _rand((3, 4), 0, 1, seed=1)]),
    ("bce_with_logits weights", lambda T, x, t: F(T).binary_cross_entropy_with_logits(
        x, t, weight=T.tensor([1.0, 2.0, 0.5, 1.5], dtype=T.float64),
        pos_weight=T.tensor([3.0, 1.0, 0.5, 2.0], dtype=T.float64), reduction="sum"),
     [_rand((3, 4), -3, 3), _rand((3, 4), 0, 1, seed=1)]),
    ("pad", lambda T, x: F(T).pad(x, (1, -1, 2, 0), value=3.0), [_rand((3, 4))]),
    ("linear", lambda T, x, w, b: F(T).linear(x, w, b),
     [_rand((3, 4)), _rand((2, 4), seed=1), _rand((2,), seed=2)]),
]


def _second(T, fn, arrays):
    xs = _inputs(T, arrays)
    y = fn(T, *xs)
    v = T.tensor(np.random.default_rng(5).uniform(-1, 1, tuple(y.shape)))
    gs = T.autograd.grad((y * v).sum(), xs, create_graph=True, allow_unused=True)
    names = [None if g is None or g.grad_fn is None else g.grad_fn.name() for g in gs]
    total = sum((g * T.tensor(np.random.default_rng(6 + k).uniform(-1, 1, tuple(g.shape)))).sum()
                for k, g in enumerate(gs) if g is not None and g.requires_grad)
    if not isinstance(total, T.Tensor):  # no first derivative depends on the inputs
        return [g.detach().numpy() for g in gs], names, [np.zeros(a.shape) for a in arrays]
    hs = T.autograd.grad(total, xs, allow_unused=True)
    return ([g.detach().numpy() for g in gs], names,
            [np.zeros(a.shape) if h is None else h.numpy() for h, a in zip(hs, arrays)])


@pytest.mark.parametrize("name, fn, arrays", SECOND, ids=[s[0] for s in SECOND])
def test_second_derivatives_match_torch(torch, name, fn, arrays):
    (g1, names1, h1), (g2, names2, h2) = _second(cr, fn, arrays), _second(torch, fn, arrays)
    for a, b in zip(g1 + h1, g2 + h2):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
    assert names1 == names2


# ---- gradient conventions at kinks and special points (reference section 4) ---------------------

KINKS = [
    ("leaky_relu at 0 takes the negative slope", lambda T, x: F(T).leaky_relu(x), [0.0, -1.0]),
    ("hardtanh at its bounds is 0", lambda T, x: F(T).hardtanh(x), [-1.0, 1.0, 0.0, 2.0]),
    ("relu6 at 0 and 6", lambda T, x: F(T).relu6(x), [0.0, 6.0, 3.0]),
    ("relu at 0", lambda T, x: F(T).relu(x), [0.0]),
    ("elu at 0 takes the exponential branch", lambda T, x: F(T).elu(x, 2.0), [0.0, -1.0]),
    ("selu at 0", lambda T, x: F(T).selu(x), [0.0]),
    ("softplus at its threshold", lambda T, x: F(T).softplus(x), [20.0, 20.0001, 19.999]),
    ("gelu at 0", lambda T, x: F(T).gelu(x), [0.0]),
    ("smooth_l1 at +-beta", lambda T, x: F(T).smooth_l1_loss(
        x, T.zeros(4, dtype=x.dtype), reduction="none"), [1.0, -1.0, 0.0, 0.5]),
    ("huber at +-delta", lambda T, x: F(T).huber_loss(
        x, T.zeros(4, dtype=x.dtype), reduction="none", delta=2.0), [2.0, -2.0, 0.0, 0.5]),
    ("l1 at 0", lambda T, x: F(T).l1_loss(x, T.zeros(2, dtype=x.dtype), reduction="sum"),
     [0.0, 1.0]),
    ("bce at 0 and 1 (denominator clamped)", lambda T, x: F(T).binary_cross_entropy(
        x, T.tensor([1.0, 0.0, 1.0, 0.0], dtype=x.dtype), reduction="none"),
     [0.0, 0.0, 1.0, 1.0]),
    ("bce_with_logits at large logits", lambda T, x: F(T).binary_cross_entropy_with_logits(
        x, T.tensor([1.0, 0.0, 0.3], dtype=x.dtype), reduction="sum"), [-800.0, 800.0, 0.0]),
    ("logsigmoid at large values", lambda T, x: F(T).logsigmoid(x), [-800.0, 800.0]),
    ("silu at large values", lambda T, x: F(T).silu(x), [-800.0, 800.0]),
    ("softmax with -inf", lambda T, x: F(T).softmax(x, 0)[0], [float("-inf"), 0.0, 1.0]),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, fn, values", KINKS, ids=[k[0] for k in KINKS])
def test_kink_conventions_match_torch(torch, name, fn, values, dtype):
    x = cr.tensor(values, dtype=getattr(cr, dtype), requires_grad=True)
    y = torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fn(cr, x).sum().backward()
        fn(torch, y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), y.grad.numpy(), rtol=1e-6)


# ---- composite functions build torch's graphs ---------------------------------------------------

def _tree(fn, depth=0):
    if fn is None or "AccumulateGrad" in fn.name():
        return []
    out = ["  " * depth + fn.name()]
    for f, _ in fn.next_functions:
        out += _tree(f, depth + 1)
    return out


GRAPHS = [
    ("cross_entropy", lambda T, x: F(T).cross_entropy(x, _i64(T, [0, 3, -100]))),
    ("cross_entropy 3-d none", lambda T, x: F(T).cross_entropy(
        x.reshape(3, 2, 2), _i64(T, [[0, 1], [1, 0], [0, 0]]), reduction="none")),
    ("cross_entropy 5-d none", lambda T, x: F(T).cross_entropy(
        x.reshape(1, 3, 2, 2, 1), T.zeros(1, 2, 2, 1, dtype=T.int64), reduction="none")),
    ("cross_entropy smoothing", lambda T, x: F(T).cross_entropy(
        x, _i64(T, [0, 3, -100]), label_smoothing=0.2)),
    ("cross_entropy smoothing, weight", lambda T, x: F(T).cross_entropy(
        x, _i64(T, [0, 3, 1]), label_smoothing=0.2, weight=T.tensor(C4, dtype=T.float64))),
    ("cross_entropy smoothing none", lambda T, x: F(T).cross_entropy(
        x, _i64(T, [0, 3, -100]), label_smoothing=0.2, reduction="none")),
    ("cross_entropy probabilities",
     lambda T, x: F(T).cross_entropy(x, F(T).softmax(x.detach(), 1))),
    ("cross_entropy probabilities, smoothing", lambda T, x: F(T).cross_entropy(
        x, x * 0.1, label_smoothing=0.3, weight=T.tensor(C4, dtype=T.float64))),
    ("nll 4-d none", lambda T, x: F(T).nll_loss(x.reshape(1, 3, 2, 2),
                                                 T.zeros(1, 2, 2, dtype=T.int64),
                                                 reduction="none")),
    ("mse broadcast", lambda T, x: F(T).mse_loss(x[0], x)),
    ("mse weight", lambda T, x: F(T).mse_loss(x, x * 2, weight=x.detach())),
    ("l1 weight", lambda T, x: F(T).l1_loss(x, x * 2, weight=x.detach(), reduction="sum")),
    ("huber weight", lambda T, x: F(T).huber_loss(x, x * 2, weight=x.detach())),
    ("smooth_l1 beta 0", lambda T, x: F(T).smooth_l1_loss(x, x * 2, beta=0.0)),
    ("bce weight", lambda T, x: F(T).binary_cross_entropy(
        x.sigmoid(), x.detach().sigmoid(), weight=T.ones(4, dtype=T.float64))),
    ("softmax dtype", lambda T, x: F(T).softmax(x.float(), 0, dtype=T.float64)),
    ("softmin", lambda T, x: F(T).softmin(x, 1)),
    ("dropout p=1", lambda T, x: F(T).dropout(x, 1.0)),
    ("relu in place", lambda T, x: F(T).relu(x * 1, inplace=True)),
    ("relu6 in place", lambda T, x: F(T).relu6(x * 1, inplace=True)),
    ("silu in place", lambda T, x: F(T).silu(x * 1, inplace=True)),
    ("pad", lambda T, x: F(T).pad(x, (1, -1, 0, 2))),
    ("linear", lambda T, x: F(T).linear(x, x[:2])),
    ("linear bias", lambda T, x: F(T).linear(x, x[:2], x[0, :2])),
    ("linear 1-d bias", lambda T, x: F(T).linear(x[0], x[:2], x[0, :2])),
    ("linear 3-d bias", lambda T, x: F(T).linear(x.reshape(3, 1, 4), x[:2], x[0, :2])),
]


@pytest.mark.parametrize("name, fn", GRAPHS, ids=[g[0] for g in GRAPHS])
def test_graphs_match_torch(torch, name, fn):
    data = _rand((3, 4))
    trees = []
    for T in (cr, torch):
        x = T.tensor(data, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = fn(T, x)
        trees.append(_tree(out.grad_fn))
        out.sum().backward()
        trees.append(x.grad.numpy())
    assert trees[0] == trees[2]
    np.testing.assert_allclose(trees[1], trees[3], rtol=1e-12, atol=1e-12)


# ---- dropout ------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("p", [0.5, 0.2, 0.9])
def test_dropout_draws_torch_stream(torch, dtype, p):
    torch.manual_seed(0)
    cr.manual_seed(0)
    ref = torch.nn.functional.dropout(torch.ones(20, 3, dtype=getattr(torch, dtype)), p)
    out = cr.nn.functional.dropout(cr.ones(20, 3, dtype=getattr(cr, dtype)), p)
    assert str(out.dtype) == str(ref.dtype)
    np.testing.assert_array_equal(out.numpy(), ref.numpy())
    # the generator moved on by as much
    np.testing.assert_array_equal(cr.rand(4).numpy(), torch.rand(4).numpy())


def test_dropout_exact_values(torch):
    torch.manual_seed(0)
    cr.manual_seed(0)
    ref = torch.nn.functional.dropout(torch.ones(20), 0.5)
    out = cr.nn.functional.dropout(cr.ones(20), 0.5)
    assert out.tolist() == ref.tolist()
    assert out.tolist()[:4] == [0.0, 0.0, 2.0, 0.0]


def test_dropout_identities_and_training():
    x = cr.ones(3, requires_grad=True)
    Fn = cr.nn.functional
    assert Fn.dropout(x, training=False) is x
    assert Fn.dropout(x, 0.0) is x
    assert Fn.dropout(cr.ones(0), 0.5).shape == (0,)
    y = Fn.dropout(x, 1.0)
    assert y.grad_fn.name() == "MulBackward0" and y.tolist() == [0.0, 0.0, 0.0]
    cr.manual_seed(3)
    z = Fn.dropout(x, 0.25)
    z.sum().backward()
    # the gradient is the mask, scaled: 0 or 1 / (1 - p)
    assert set(x.grad.tolist()) <= {0.0, float(np.float32(1) / np.float32(0.75))}
    np.testing.assert_array_equal(x.grad.numpy(), z.detach().numpy())


def test_dropout_in_place(torch):
    outs = []
    for T in (cr, torch):
        T.manual_seed(1)
        x = T.ones(6, requires_grad=True)
        y = x * 1
        z = F(T).dropout(y, 0.5, inplace=True)
        assert z is y and y._version == 1 and y.grad_fn.name() == "MulBackward0"
        z.sum().backward()
        outs.append((z.detach().numpy(), x.grad.numpy()))
    np.testing.assert_array_equal(outs[0][0], outs[1][0])
    np.testing.assert_array_equal(outs[0][1], outs[1][1])


# ---- in-place activations -----------------------------------------------------------------------

INPLACE = [
    ("relu", lambda T, y: F(T).relu(y, inplace=True)),
    ("relu6", lambda T, y: F(T).relu6(y, inplace=True)),
    ("hardtanh", lambda T, y: F(T).hardtanh(y, -0.5, 0.5, inplace=True)),
    ("leaky_relu", lambda T, y: F(T).leaky_relu(y, 0.2, inplace=True)),
    ("elu", lambda T, y: F(T).elu(y, 0.5, inplace=True)),
    ("silu", lambda T, y: F(T).silu(y, inplace=True)),
]


@pytest.mark.parametrize("name, fn", INPLACE, ids=[i[0] for i in INPLACE])
def test_in_place_activations_match_torch(torch, name, fn):
    data = _rand((2, 3))
    got = []
    for T in (cr, torch):
        x = T.tensor(data, requires_grad=True)
        y = x * 2
        out = fn(T, y)
        assert out is y and y._version == 1
        name_ = y.grad_fn.name()
        (y * y).sum().backward()
        got.append((name_, y.detach().numpy(), x.grad.numpy()))
    assert got[0][0] == got[1][0]
    np.testing.assert_allclose(got[0][1], got[1][1], rtol=1e-12)
    np.testing.assert_allclose(got[0][2], got[1][2], rtol=1e-12)


@pytest.mark.parametrize("fn", [lambda T, y: F(T).leaky_relu(y, -0.1, inplace=True),
                                lambda T, y: F(T).elu(y, -1.0, inplace=True)],
                         ids=["leaky_relu", "elu"])
def test_in_place_negative_slope_fails_at_backward(torch, fn):
    messages = []
    for T in (cr, torch):
        y = T.ones(2, requires_grad=True) * 1
        fn(T, y)
        with pytest.raises(RuntimeError) as info:
            y.sum().backward()
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_in_place_without_grad_writes_through():
    x = cr.tensor([-1.0, 2.0])
    out = cr.nn.functional.relu(x, inplace=True)
    assert out is x and x.tolist() == [0.0, 2.0] and x._version == 1


# ---- warnings point at the caller ---------------------------------------------------------------

def test_implicit_softmax_dim_warns_at_the_call():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax") as record:
        cr.nn.functional.softmax(cr.ones(2, 3))
    assert record[0].filename == __file__


def test_mse_size_warning_points_at_the_call():
    with pytest.warns(UserWarning, match="Using a target size") as record:
        cr.nn.functional.mse_loss(cr.ones(2, 3), cr.ones(3))
    assert record[0].filename == __file__


def test_reexported_core_activations():
    Fn = cr.nn.functional
    x = cr.tensor([-1.0, 0.5], requires_grad=True)
    assert Fn.sigmoid(x).grad_fn.name() == "SigmoidBackward0"
    assert Fn.tanh(x).grad_fn.name() == "TanhBackward0"
    assert Fn.relu(x).grad_fn.name() == "ReluBackward0"
