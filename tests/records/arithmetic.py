"""Records of the core family: arithmetic, first functions, sum/mean, shape and indexing."""

from __future__ import annotations

from .base import BINARY, UNARY, Record

# an in-place op writes into its first operand: the second broadcasts to it, never past it
SAME_SHAPE = [((), ()), ((3,), (3,)), ((2, 3), (3,)), ((2, 3), (2, 1))]


def _setitem(T, a):
    y = a * 1
    y[0] = a[-1] * 2
    return y


def _view_inplace(T, a):
    y = a * 2
    v = y[0]
    v.mul_(a[-1])  # written through the view: y is rebased, v reads itself out of it
    return v


RECORDS = [
    # arithmetic, in every operand form
    Record("add", "AddBackward0", lambda T, a, b: a + b, BINARY),
    Record("add_scalar", "AddBackward0", lambda T, a: a + 1.5),
    Record("radd_scalar", "AddBackward0", lambda T, a: 2 + a),
    Record("add_alpha", "AddBackward0", lambda T, a, b: T.add(a, b, alpha=-2.5), BINARY),
    Record("sub", "SubBackward0", lambda T, a, b: a - b, BINARY),
    Record("sub_scalar", "SubBackward0", lambda T, a: a - 3),
    Record("sub_alpha", "SubBackward0", lambda T, a, b: T.sub(a, b, alpha=0.5), BINARY),
    Record("rsub_scalar", "RsubBackward1", lambda T, a: 1 - a),
    Record("mul", "MulBackward0", lambda T, a, b: a * b, BINARY),
    Record("mul_scalar", "MulBackward0", lambda T, a: a * 2.5),
    Record("rmul_scalar", "MulBackward0", lambda T, a: 3 * a),
    Record("div", "DivBackward0", lambda T, a, b: a / b, BINARY, low=0.5, high=2.0),
    Record("div_scalar", "DivBackward0", lambda T, a: a / 4),
    Record("rdiv_scalar", "MulBackward0", lambda T, a: 2 / a, low=0.5, high=2.0),
    Record("neg", "NegBackward0", lambda T, a: -a),
    Record("reciprocal", "ReciprocalBackward0", lambda T, a: a.reciprocal(), low=0.5),
    Record("pow_scalar", "PowBackward0", lambda T, a: a**3),
    Record("pow_half", "PowBackward0", lambda T, a: a**0.5, low=0.5),
    Record("pow_zero", "PowBackward0", lambda T, a: a**0),
    Record("square", "PowBackward0", lambda T, a: a.square()),
    Record("pow_tensor", "PowBackward1", lambda T, a, b: a**b, BINARY, low=0.5),
    Record("rpow_scalar", "PowBackward2", lambda T, a: 2**a),
    # torch's aliases record the node of the op they alias; in place, the op's node too
    Record("multiply", "MulBackward0", lambda T, a, b: T.multiply(a, b), BINARY),
    Record("multiply_method_", "MulBackward0", lambda T, a, b: (a * 1).multiply_(b),
           SAME_SHAPE, fixed_shapes=True),
    Record("subtract", "SubBackward0", lambda T, a, b: a.subtract(b, alpha=2), BINARY),
    Record("subtract_", "SubBackward0", lambda T, a, b: (a * 1).subtract_(b, alpha=-1.5),
           SAME_SHAPE, fixed_shapes=True),
    Record("divide", "DivBackward0", lambda T, a, b: T.divide(a, b), BINARY, low=0.5),
    Record("divide_", "DivBackward0", lambda T, a, b: (a * 1).divide_(b), SAME_SHAPE, low=0.5,
           fixed_shapes=True),
    Record("negative", "NegBackward0", lambda T, a: T.negative(a)),
    Record("negative_", "NegBackward0", lambda T, a: (a * 2).negative_()),
    Record("absolute", "AbsBackward0", lambda T, a: a.absolute(), avoid=(0.0,)),
    Record("absolute_", "AbsBackward0", lambda T, a: (a + 0).absolute_(), avoid=(0.0,)),
    # elementwise functions
    Record("sin", "SinBackward0", lambda T, a: T.sin(a)),
    Record("cos", "CosBackward0", lambda T, a: a.cos()),
    Record("tan", "TanBackward0", lambda T, a: T.tan(a), low=-1.2, high=1.2),
    Record("exp", "ExpBackward0", lambda T, a: a.exp()),
    Record("log", "LogBackward0", lambda T, a: T.log(a), low=0.2),
    Record("sqrt", "SqrtBackward0", lambda T, a: a.sqrt(), low=0.2),
    Record("abs", "AbsBackward0", lambda T, a: T.abs(a), avoid=(0.0,)),
    Record("relu", "ReluBackward0", lambda T, a: T.relu(a), avoid=(0.0,)),
    Record("sigmoid", "SigmoidBackward0", lambda T, a: a.sigmoid()),
    Record("tanh", "TanhBackward0", lambda T, a: T.tanh(a)),
    Record("where", "WhereBackward0", lambda T, a, b: T.where(a > 0, a, b), BINARY,
           avoid=(0.0,)),
    # reductions
    Record("sum", "SumBackward0", lambda T, a: a.sum()),
    Record("sum_dim", "SumBackward1", lambda T, a: T.sum(a, -1), [(3,), (2, 3)],
           fixed_shapes=True),
    Record("sum_keepdim", "SumBackward1", lambda T, a: a.sum(0, keepdim=True), [(3,), (2, 3)],
           fixed_shapes=True),
    Record("sum_dims", "SumBackward1", lambda T, a: a.sum((0, 1)), [(2, 3), (2, 3, 2)],
           fixed_shapes=True),
    Record("mean", "MeanBackward0", lambda T, a: a.mean()),
    Record("mean_dim", "MeanBackward1", lambda T, a: a.mean(-1), [(3,), (2, 3)],
           fixed_shapes=True),
    Record("mean_keepdim", "MeanBackward1", lambda T, a: T.mean(a, 0, keepdim=True),
           [(3,), (2, 3)],
           fixed_shapes=True),
    # copies, conversions, shape, selection
    Record("clone", "CloneBackward0", lambda T, a: a.clone()),
    # copy_ in a graph (also the first .grad of a leaf under backward(create_graph=True))
    Record("copy_", "torch::autograd::CopyBackwards", lambda T, a: T.zeros_like(a).copy_(a)),
    Record("copy_broadcast", "torch::autograd::CopyBackwards",
           lambda T, a, b: (a * 2).copy_(b), SAME_SHAPE, fixed_shapes=True),
    Record("copy_cast", "torch::autograd::CopyBackwards",
           lambda T, a: T.zeros(a.shape, dtype=T.float32).copy_(a), eps=1e-3),
    Record("to_double", "ToCopyBackward0", lambda T, a: a.to(T.float32).double(), eps=1e-3),
    Record("reshape", "ViewBackward0", lambda T, a: a.reshape(-1), [(3,), (2, 3)],
           fixed_shapes=True),
    Record("view", "ViewBackward0", lambda T, a: a.view(3, 2), [(2, 3), (6,)],
           fixed_shapes=True),
    Record("expand", "ExpandBackward0", lambda T, a: a.expand(4, 2, 3), [(3,), (2, 3), (1, 3)],
           fixed_shapes=True),
    Record("select", "SelectBackward0", lambda T, a: a.select(0, 1), [(3,), (2, 3)],
           fixed_shapes=True),
    Record("select_neg", "SelectBackward0", lambda T, a: a.select(-1, -1), [(3,), (2, 3)],
           fixed_shapes=True),
    Record("getitem_int", "SelectBackward0", lambda T, a: a[1], [(3,), (2, 3)],
           fixed_shapes=True),
    Record("getitem_slice", "SliceBackward0", lambda T, a: a[1:], [(3,), (2, 3)],
           fixed_shapes=True),
    Record("getitem_step", "SliceBackward0", lambda T, a: a[..., ::2], [(3,), (2, 3)]),
    Record("getitem_none", "UnsqueezeBackward0", lambda T, a: a[None], UNARY),
    Record("unsqueeze", "UnsqueezeBackward0", lambda T, a: a.unsqueeze(-1), UNARY),
    Record("getitem_ellipsis", "AliasBackward0", lambda T, a: a[...], UNARY),
    Record("getitem_list", "IndexBackward0", lambda T, a: a[[0, 2, 0]], [(3,), (3, 2)],
           fixed_shapes=True),
    Record("getitem_mask", "IndexBackward0", lambda T, a: a[a > 0], [(3,), (2, 3)],
           avoid=(0.0,),
           fixed_shapes=True),
    Record("setitem", "torch::autograd::CopySlices", _setitem, [(3,), (2, 3)],
           fixed_shapes=True),
    Record("view_inplace", "AsStridedBackward0", _view_inplace, [(3,), (2, 3)],
           fixed_shapes=True),
    Record("getitem_pair", "IndexBackward0", lambda T, a: a[:, [1, 0], [0, 2]],
           [(2, 2, 3)],
           fixed_shapes=True),
]

# nodes that only a backward pass records, reached through these expressions
SPECIAL = {
    "SelectBackwardBackward0": lambda T, a: T.autograd.grad(
        (a.select(0, 1) ** 2).sum(), a, create_graph=True)[0],
    "SliceBackwardBackward0": lambda T, a: T.autograd.grad(
        (a[1:] ** 2).sum(), a, create_graph=True)[0],
    "SqueezeBackward1": lambda T, a: T.autograd.grad(
        (a[None] ** 2).sum(), a, create_graph=True)[0],
    "IndexPutImplBackward0": lambda T, a: T.autograd.grad(
        (a[[0, 1, 0]] ** 2).sum(), a, create_graph=True)[0],
    # relu's backward under create_graph, with the incoming gradient a
    "ThresholdBackwardBackward0": lambda T, a: (lambda b: T.autograd.grad(
        T.relu(b), b, a, create_graph=True)[0])(a * 0 + 1),
}
