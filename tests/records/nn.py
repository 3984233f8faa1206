"""Records of the nn family: activations, softmax, losses, linear, dropout, padding.

Targets, weights and class indices are built inside ``fn`` with ``T.tensor``, so both libraries
get the same ones; inputs come from the record's range.
"""

from __future__ import annotations

import warnings

from .base import BINARY, UNARY, Record


def F(T):  # noqa: N802 - reads as torch.nn.functional
    return T.nn.functional


SAME = [((), ()), ((3,), (3,)), ((2, 3), (2, 3))]
PROBS = [[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1], [0.25, 0.25, 0.25, 0.25]]


def _dropout(T, x, p=0.3):
    T.manual_seed(0)
    return F(T).dropout(x, p)


def W(T, x, values):  # noqa: N802 - a weight or target in the input's dtype
    return T.tensor(values, dtype=x.dtype)


def _quiet(fn):
    """``fn`` without the UserWarning torch gives for a target of another shape."""
    def quiet(T, *xs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return fn(T, *xs)

    return quiet


C4 = [0.5, 1.0, 2.0, 1.5]  # class weights for 4 classes

RECORDS = [
    # activations
    Record("hardtanh", "HardtanhBackward0", lambda T, x: F(T).hardtanh(x, -0.5, 1.5),
           avoid=(-0.5, 1.5)),
    Record("relu6", "HardtanhBackward0", lambda T, x: F(T).relu6(x), low=-2.0, high=8.0,
           avoid=(0.0, 6.0)),
    Record("leaky_relu", "LeakyReluBackward0", lambda T, x: F(T).leaky_relu(x, 0.2),
           avoid=(0.0,)),
    Record("leaky_relu_inplace", "LeakyReluBackward1",
           lambda T, x: F(T).leaky_relu(x * 1, 0.2, inplace=True), avoid=(0.0,)),
    Record("elu", "EluBackward0", lambda T, x: F(T).elu(x, 0.5), avoid=(0.0,)),
    Record("elu_inplace", "EluBackward1", lambda T, x: F(T).elu(x * 1, 1.5, inplace=True),
           avoid=(0.0,)),
    Record("gelu", "GeluBackward0", lambda T, x: F(T).gelu(x), low=-4.0, high=4.0),
    Record("gelu_tanh", "GeluBackward0", lambda T, x: F(T).gelu(x, approximate="tanh"),
           low=-4.0, high=4.0),
    Record("silu", "SiluBackward0", lambda T, x: F(T).silu(x), low=-4.0, high=4.0),
    # beta * x crosses the threshold inside the range: both branches
    Record("softplus", "SoftplusBackward0", lambda T, x: F(T).softplus(x, 2.0, 3.0),
           low=-4.0, high=4.0, avoid=(1.5,)),
    Record("logsigmoid", "LogSigmoidBackward0", lambda T, x: F(T).logsigmoid(x), low=-4.0,
           high=4.0),
    # softmax
    Record("softmax", "SoftmaxBackward0", lambda T, x: F(T).softmax(x, -1)),
    Record("softmax_dim0_dtype", "SoftmaxBackward0",
           lambda T, x: F(T).softmax(x, 0, dtype=T.float64)),
    Record("log_softmax", "LogSoftmaxBackward0", lambda T, x: F(T).log_softmax(x, 0)),
    # regression losses: input and target both differentiable
    Record("mse_loss", "MseLossBackward0", _quiet(lambda T, x, t: F(T).mse_loss(x, t)),
           BINARY),
    Record("mse_loss_none", "MseLossBackward0",
           lambda T, x, t: F(T).mse_loss(x, t, reduction="none"), SAME),
    Record("mse_loss_weight", "DivBackward0",
           lambda T, x, t: F(T).mse_loss(x, t, weight=W(T, x, [0.5, 1.0, 2.0])),
           [((3,), (3,))], fixed_shapes=True),
    Record("l1_loss", "MeanBackward0", lambda T, x, t: F(T).l1_loss(x, t), SAME),
    Record("smooth_l1_loss", "SmoothL1LossBackward0",
           lambda T, x, t: F(T).smooth_l1_loss(x, t, reduction="sum", beta=0.5), SAME),
    Record("smooth_l1_loss_none", "SmoothL1LossBackward0",
           lambda T, x, t: F(T).smooth_l1_loss(x, t, reduction="none", beta=2.0), SAME),
    Record("huber_loss", "HuberLossBackward0",
           lambda T, x, t: F(T).huber_loss(x, t, delta=0.7), SAME),
    Record("huber_loss_none", "HuberLossBackward0",
           lambda T, x, t: F(T).huber_loss(x, t, reduction="none", delta=1.5), SAME),
    # nll_loss: class indices, weights, ignored targets, every reduction and input rank
    Record("nll_loss", "NllLossBackward0",
           lambda T, x: F(T).nll_loss(x, T.tensor([2, 1, 1, 3]), ignore_index=1,
                                      weight=W(T, x, C4)),
           [(4, 4)], fixed_shapes=True),
    Record("nll_loss_sum", "NllLossBackward0",
           lambda T, x: F(T).nll_loss(x, T.tensor([0, -100, 1]), reduction="sum"),
           [(3, 4)], fixed_shapes=True),
    Record("nll_loss_none", "NllLossBackward0",
           lambda T, x: F(T).nll_loss(x, T.tensor([0, -100, 3]), reduction="none",
                                      weight=W(T, x, C4)),
           [(3, 4)], fixed_shapes=True),
    Record("nll_loss_1d", "NllLossBackward0", lambda T, x: F(T).nll_loss(x, T.tensor(2)),
           [(4,)], fixed_shapes=True),
    Record("nll_loss_4d", "NllLoss2DBackward0",
           lambda T, x: F(T).nll_loss(x, T.tensor([[[0, 1], [2, -100]]]),
                                      weight=W(T, x, [1.0, 2.0, 0.5])),
           [(1, 3, 2, 2)], fixed_shapes=True),
    Record("nll_loss_3d_none", "ViewBackward0",
           lambda T, x: F(T).nll_loss(x, T.tensor([[0, 2], [1, 1]]), reduction="none"),
           [(2, 3, 2)], fixed_shapes=True),
    # cross_entropy: log_softmax then nll_loss; label smoothing; class probabilities
    Record("cross_entropy", "NllLossBackward0",
           lambda T, x: F(T).cross_entropy(x, T.tensor([0, 3, -100]), weight=W(T, x, C4)),
           [(3, 4)], fixed_shapes=True),
    Record("cross_entropy_1d", "NllLossBackward0",
           lambda T, x: F(T).cross_entropy(x, T.tensor(1)), [(4,)], fixed_shapes=True),
    Record("cross_entropy_3d", "NllLoss2DBackward0",
           lambda T, x: F(T).cross_entropy(x, T.tensor([[0, 2], [1, 1]]), reduction="sum"),
           [(2, 3, 2)], fixed_shapes=True),
    Record("cross_entropy_smoothing", "AddBackward0",
           lambda T, x: F(T).cross_entropy(x, T.tensor([0, 3, -100]), label_smoothing=0.2,
                                           weight=W(T, x, C4)),
           [(3, 4)], fixed_shapes=True),
    Record("cross_entropy_smoothing_none", "AddBackward0",
           lambda T, x: F(T).cross_entropy(x, T.tensor([0, 3, -100]), label_smoothing=0.3,
                                           reduction="none"),
           [(3, 4)], fixed_shapes=True),
    Record("cross_entropy_probs", "DivBackward1",
           lambda T, x, t: F(T).cross_entropy(x, t), [((3, 4), (3, 4)), ((4,), (4,))],
           fixed_shapes=True),
    Record("cross_entropy_probs_none", "NegBackward0",
           lambda T, x: F(T).cross_entropy(x, W(T, x, PROBS), reduction="none",
                                           weight=W(T, x, C4)),
           [(3, 4)], fixed_shapes=True),
    Record("cross_entropy_probs_smoothing", "NegBackward0",
           lambda T, x: F(T).cross_entropy(x, W(T, x, PROBS), reduction="sum",
                                           label_smoothing=0.25),
           [(3, 4)], fixed_shapes=True),
    # binary cross entropy: probabilities kept inside (0.05, 0.95)
    Record("binary_cross_entropy", "BinaryCrossEntropyBackward0",
           lambda T, x, t: F(T).binary_cross_entropy(x, t), SAME, low=0.05, high=0.95,
           fixed_shapes=True),
    Record("binary_cross_entropy_weight", "BinaryCrossEntropyBackward0",
           lambda T, x, t: F(T).binary_cross_entropy(x, t, weight=W(T, x, [0.5, 2.0, 1.0]),
                                                     reduction="none"),
           [((3,), (3,)), ((2, 3), (2, 3))], low=0.05, high=0.95, fixed_shapes=True),
    Record("bce_with_logits", "BinaryCrossEntropyWithLogitsBackward0",
           lambda T, x, t: F(T).binary_cross_entropy_with_logits(x, t), SAME, low=-3.0,
           high=3.0, fixed_shapes=True),
    Record("bce_with_logits_weights", "BinaryCrossEntropyWithLogitsBackward0",
           lambda T, x, t: F(T).binary_cross_entropy_with_logits(
               x, t, weight=W(T, x, [0.5, 2.0, 1.0]), pos_weight=W(T, x, [3.0, 0.5, 1.0]),
               reduction="sum"),
           [((3,), (3,)), ((2, 3), (2, 3))], low=-3.0, high=3.0, fixed_shapes=True),
    # padding: positive amounts pad, negative ones crop
    Record("pad", "ConstantPadNdBackward0", lambda T, x: F(T).pad(x, (1, 2)), [(3,), (2, 3)]),
    Record("pad_crop", "ConstantPadNdBackward0",
           lambda T, x: F(T).pad(x, (-1, 1, 2, -1), value=0.5), [(2, 3), (2, 3, 2)],
           fixed_shapes=True),
    # linear, as torch composes it
    Record("linear", "MmBackward0", lambda T, x, w: F(T).linear(x, w), [((3, 4), (2, 4))],
           fixed_shapes=True),
    Record("linear_bias", "AddmmBackward0", lambda T, x, w, b: F(T).linear(x, w, b),
           [((3, 4), (2, 4), (2,))], fixed_shapes=True),
    Record("linear_bias_nd", "ViewBackward0", lambda T, x, w, b: F(T).linear(x, w, b),
           [((2, 3, 4), (2, 4), (2,)), ((4,), (2, 4), (2,))], fixed_shapes=True),
    # dropout in training: torch's random stream, so the same mask in both libraries
    Record("dropout", "MulBackward0", _dropout, UNARY),
]


# ---- nodes only a backward records -------------------------------------------------------------
# The gradient with respect to an intermediate ``b`` that is a constant function of ``a``, with
# ``a`` itself as the incoming gradient: the first derivative at points where it is exact in
# floating point, so both libraries agree to the bit.

def _backward_of(T, fn, b, a):
    return T.autograd.grad(fn(b), b, a, create_graph=True)[0]


SPECIAL = {
    # the target of cross_entropy with probabilities and label smoothing: t * (1 - eps) + eps / C
    "MulBackward1":
        lambda T, a: _backward_of(
            T, lambda b: F(T).cross_entropy(a * 0, b, label_smoothing=0.5, reduction="sum"),
            a * 1, None),
    # only inside cross_entropy (checked there against torch's graph): nothing reaches it alone
    "AddBackward1": None,
    "HardtanhBackwardBackward0":
        lambda T, a: _backward_of(T, F(T).hardtanh, a * 0, a),
    "LeakyReluBackwardBackward0":
        lambda T, a: _backward_of(T, lambda b: F(T).leaky_relu(b, 0.5), a * 0 - 1, a),
    "EluBackwardBackward0":
        lambda T, a: _backward_of(T, F(T).elu, a * 0, a),
    "GeluBackwardBackward0":
        lambda T, a: _backward_of(T, F(T).gelu, a * 0, a),
    "LogSigmoidBackwardBackward0":
        lambda T, a: _backward_of(T, F(T).logsigmoid, a * 0, a),
    "SoftplusBackwardBackward0":
        lambda T, a: _backward_of(T, F(T).softplus, a * 0, a),
    "SoftmaxBackwardDataBackward0":
        lambda T, a: _backward_of(T, lambda b: F(T).softmax(b, 1), a * 0, a),
    "LogSoftmaxBackwardDataBackward0":
        lambda T, a: _backward_of(T, lambda b: F(T).log_softmax(b, 2), a[:, :, None] * 0,
                                  a[:, :, None]),
    "MseLossBackwardBackward0":
        lambda T, a: _backward_of(
            T, lambda b: F(T).mse_loss(b, W(T, a, [[0.0, 0.0], [0.0, 0.0]]), reduction="none"),
            a * 0 + 1, a),
    "SmoothL1LossBackwardBackward0":
        lambda T, a: _backward_of(
            T, lambda b: F(T).smooth_l1_loss(b, W(T, a, [[0.0, 0.0], [0.0, 0.0]]),
                                             reduction="none"),
            a * 0 + 2, a),
    "HuberLossBackwardBackward0":
        lambda T, a: _backward_of(
            T, lambda b: F(T).huber_loss(b, W(T, a, [[0.0, 0.0], [0.0, 0.0]]), reduction="none"),
            a * 0 + 0.5, a),
    "BinaryCrossEntropyBackwardBackward0":
        lambda T, a: _backward_of(
            T, lambda b: F(T).binary_cross_entropy(
                b, W(T, a, [[0.25, 0.25], [0.25, 0.25]]), reduction="none"),
            a * 0 + 0.5, a),
    "NllLossBackwardBackward0":
        lambda T, a: _backward_of(
            T, lambda b: F(T).nll_loss(b, T.tensor([1, 0]), reduction="none"), a * 0, a[0]),
    "NllLoss2DBackwardBackward0":
        lambda T, a: _backward_of(
            T, lambda b: F(T).nll_loss(b, T.tensor([[[1], [0]]]), reduction="sum"),
            a.reshape(1, 2, 2, 1) * 0, a.sum()),
}


# ---- more activations and losses
# Drawn inputs stay off the breakpoints (``avoid``); tests/test_nn_functional.py checks the
# breakpoints themselves against torch.

RECORDS += [
    Record("hardswish", "HardswishBackward0", lambda T, x: F(T).hardswish(x), low=-4.5,
           high=4.5, avoid=(-3.0, 3.0)),
    Record("hardswish_inplace", "HardswishBackward0",
           lambda T, x: F(T).hardswish(x * 1, inplace=True), low=-4.5, high=4.5,
           avoid=(-3.0, 3.0)),
    Record("hardsigmoid", "HardsigmoidBackward0", lambda T, x: F(T).hardsigmoid(x), low=-4.5,
           high=4.5, avoid=(-3.0, 3.0), gradgrad=False),
    Record("mish", "MishBackward0", lambda T, x: F(T).mish(x), low=-4.0, high=4.0),
    Record("softsign", "DivBackward0", lambda T, x: F(T).softsign(x), avoid=(0.0,)),
    Record("tanhshrink", "SubBackward0", lambda T, x: F(T).tanhshrink(x)),
    Record("threshold", "ThresholdBackward0", lambda T, x: F(T).threshold(x, 0.5, -3.0),
           avoid=(0.5,)),
    Record("threshold_inplace", "ThresholdBackward1",
           lambda T, x: F(T).threshold(x * 1, 0.5, -3.0, inplace=True), avoid=(0.5,)),
    Record("celu", "CeluBackward0", lambda T, x: F(T).celu(x, 1.3), avoid=(0.0,)),
    Record("celu_inplace", "CeluBackward1", lambda T, x: F(T).celu(x * 1, 0.7, inplace=True),
           avoid=(0.0,)),
    Record("softshrink", "SoftshrinkBackward0", lambda T, x: F(T).softshrink(x, 0.7),
           avoid=(-0.7, 0.7)),
    Record("hardshrink", "HardshrinkBackward0", lambda T, x: F(T).hardshrink(x, 0.7),
           avoid=(-0.7, 0.7)),
    Record("glu", "GluBackward0", lambda T, x: F(T).glu(x), [(4,), (3, 2), (2, 3, 4)],
           fixed_shapes=True),
    Record("glu_dim0", "GluBackward0", lambda T, x: F(T).glu(x, 0), [(2, 3), (4, 1, 2)],
           fixed_shapes=True),
]

SPECIAL.update({
    "GluBackwardBackward0":
        lambda T, a: _backward_of(T, lambda b: F(T).glu(b, 1), T.cat([a, a], 1) * 0 + 0.5, a),
    "HardswishBackwardBackward0":
        lambda T, a: _backward_of(T, F(T).hardswish, a * 0, a),
    "SoftshrinkBackwardBackward0":
        lambda T, a: _backward_of(T, F(T).softshrink, a * 0 + 2, a),
    "HardshrinkBackwardBackward0":
        lambda T, a: _backward_of(T, F(T).hardshrink, a * 0 + 2, a),
})

SIGNS = [[1.0, -1.0, 1.0], [-1.0, -1.0, 1.0]]  # +-1 targets for the (2, 3) margin losses

RECORDS += [
    # kl_div and the margin losses are composites in torch: their records pin the last node
    Record("kl_div_batchmean", "DivBackward0",
           lambda T, x: F(T).kl_div(x, W(T, x, [[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]),
                                    reduction="batchmean"),
           [(2, 3)], fixed_shapes=True),
    Record("kl_div_log_target", "SumBackward0",
           lambda T, x, t: F(T).kl_div(x, t, reduction="sum", log_target=True), SAME),
    Record("kl_div_none", "SubBackward0",
           lambda T, x, t: F(T).kl_div(x, t, reduction="none"), SAME, low=0.1, high=2.0),
    Record("margin_ranking_loss", "MeanBackward0",
           lambda T, x, y: F(T).margin_ranking_loss(x, y, W(T, x, SIGNS), margin=0.2),
           [((2, 3), (2, 3))], fixed_shapes=True),
    Record("margin_ranking_loss_none", "ClampMinBackward0",
           lambda T, x, y: F(T).margin_ranking_loss(x, y, W(T, x, SIGNS), reduction="none"),
           [((2, 3), (2, 3))], fixed_shapes=True),
    # the clamp's kink is at input == margin (targets of -1): drawn inputs stay off it
    Record("hinge_embedding_loss", "SumBackward0",
           lambda T, x: F(T).hinge_embedding_loss(x, W(T, x, SIGNS), margin=0.5, reduction="sum"),
           [(2, 3)], fixed_shapes=True, avoid=(0.5,)),
    Record("soft_margin_loss", "SoftMarginLossBackward0",
           lambda T, x: F(T).soft_margin_loss(x, W(T, x, SIGNS)), [(2, 3)], fixed_shapes=True),
    Record("soft_margin_loss_none", "SoftMarginLossBackward0",
           lambda T, x: F(T).soft_margin_loss(x, W(T, x, SIGNS), reduction="none"),
           [(2, 3)], fixed_shapes=True),
    Record("soft_margin_loss_sum", "SoftMarginLossBackward0",
           lambda T, x: F(T).soft_margin_loss(x, W(T, x, [1.0, -1.0, 1.0]), reduction="sum"),
           [(3,), (2, 3)], fixed_shapes=True),
]

SPECIAL["SoftMarginLossBackwardBackward0"] = lambda T, a: _backward_of(
    T, lambda b: F(T).soft_margin_loss(b, W(T, a, [[1.0, -1.0], [-1.0, 1.0]]), reduction="none"),
    a * 0 + 0.5, a)


# ---- normalization and embedding

LN_SHAPES = [((2, 3, 4), (4,), (4,)), ((3, 4), (3, 4), (3, 4)), ((4,), (4,), (4,))]

RECORDS += [
    Record("layer_norm", "NativeLayerNormBackward0",
           lambda T, x, w, b: F(T).layer_norm(x, tuple(w.shape), w, b, eps=1e-3), LN_SHAPES,
           fixed_shapes=True),
    # no weight and bias, over the last dim of any drawn shape
    Record("layer_norm_plain", "NativeLayerNormBackward0",
           lambda T, x: F(T).layer_norm(x, x.shape[-1:], eps=1e-3), [(4,), (2, 4)]),
    # row 1 is looked up twice; the padding row (3), which gets no gradient (so finite
    # differences disagree there), is not looked up: test_nn_functional covers it
    Record("embedding", "EmbeddingBackward0",
           lambda T, w: F(T).embedding(T.tensor([[0, 1], [1, 2]]), w, padding_idx=-1),
           [(4, 3)], fixed_shapes=True),
    Record("normalize", "DivBackward0", lambda T, x: F(T).normalize(x, p=3.0, dim=-1),
           [(3,), (2, 3)]),
    Record("cosine_similarity", "SumBackward1",
           lambda T, a, b: F(T).cosine_similarity(a, b, dim=-1),
           [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (3,))], fixed_shapes=True),
    Record("pairwise_distance", "NormBackward1",
           lambda T, a, b: F(T).pairwise_distance(a, b, p=3.0),
           [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (3,))], fixed_shapes=True),
    Record("pairwise_distance_keepdim", "NormBackward1",
           lambda T, a, b: F(T).pairwise_distance(a, b, keepdim=True),
           [((2, 3), (2, 3))], fixed_shapes=True),
    # composed as torch composes it: x * rsqrt(mean(x ** 2) + eps) * weight
    Record("rms_norm", "MulBackward0",
           lambda T, x, w: F(T).rms_norm(x, tuple(w.shape), w, eps=1e-3),
           [((2, 3, 4), (4,)), ((3, 4), (3, 4))],
           fixed_shapes=True),
    Record("rms_norm_plain", "MulBackward0", lambda T, x: F(T).rms_norm(x, x.shape[-1:]),
           [(3,), (2, 3)]),
    # training: the batch's statistics (the running ones, when given, are updated in place)
    Record("batch_norm", "NativeBatchNormBackward0",
           lambda T, x, w, b: F(T).batch_norm(x, None, None, w, b, training=True, eps=1e-3),
           [((4, 3), (3,), (3,)), ((2, 3, 2), (3,), (3,))], fixed_shapes=True),
    Record("batch_norm_eval", "NativeBatchNormBackward0",
           lambda T, x: F(T).batch_norm(x, W(T, x, [0.5, -0.1, 0.0]), W(T, x, [1.5, 0.5, 2.0]),
                                        training=False),
           [(4, 3), (2, 3, 2)], fixed_shapes=True),
    Record("group_norm", "NativeGroupNormBackward0",
           lambda T, x, w, b: F(T).group_norm(x, 2, w, b, eps=1e-3),
           [((2, 4), (4,), (4,)), ((2, 4, 3), (4,), (4,)), ((1, 6, 2, 1), (6,), (6,))],
           fixed_shapes=True),
    # at least four values a group and eps=1e-3: two close values would make the gradient
    # huge, and float32's rounding then differs from torch's beyond the comparison's tolerance
    Record("group_norm_plain", "NativeGroupNormBackward0",
           lambda T, x: F(T).group_norm(x, 1, eps=1e-3), [(3, 4), (2, 2, 3)], fixed_shapes=True),
]
