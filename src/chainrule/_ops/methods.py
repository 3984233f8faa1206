"""Tensor methods and operators: each one is the public op of the same name."""

from __future__ import annotations

from .. import _dtypes
from .._backend import np
from .._tensor import Tensor
from . import api, elementwise, indexing, inplace, linalg, reductions, shape


def _reflected(f):  # noqa: ANN001, ANN202
    def method(self, other):  # noqa: ANN001, ANN202
        return f(self, other)

    return method


_METHODS = {
    # operators
    "__add__": api.ADD_OP, "__radd__": api.ADD_OP, "__sub__": api.SUB_OP,
    "__rsub__": api.RSUB_OP, "__mul__": api.MUL_OP, "__rmul__": api.MUL_OP,
    "__truediv__": api.DIV_OP, "__rtruediv__": api.rdiv, "__pow__": api.POW_OP,
    "__rpow__": api.rpow, "__neg__": api.neg,
    "__eq__": api.eq, "__ne__": api.ne, "__lt__": api.lt, "__le__": api.le, "__gt__": api.gt,
    "__ge__": api.ge, "__and__": api.bitwise_and, "__rand__": api.bitwise_and,
    "__or__": api.bitwise_or, "__ror__": api.bitwise_or, "__xor__": api.bitwise_xor,
    "__rxor__": api.bitwise_xor, "__invert__": api.invert,
    "bitwise_and": api.bitwise_and, "bitwise_or": api.bitwise_or, "bitwise_xor": api.bitwise_xor,
    "bitwise_not": api.bitwise_not, "logical_and": api.logical_and, "logical_or": api.logical_or,
    "logical_xor": api.logical_xor, "logical_not": api.logical_not,
    # methods
    "add": api.add, "sub": api.sub, "mul": api.mul, "div": api.div, "true_divide": api.div,
    "neg": api.neg, "negative": api.neg, "reciprocal": api.reciprocal, "pow": api.pow,
    "square": api.square, "sin": api.sin, "cos": api.cos, "tan": api.tan, "exp": api.exp,
    "log": api.log, "sqrt": api.sqrt, "abs": api.abs, "absolute": api.abs, "relu": api.relu,
    "sigmoid": api.sigmoid, "tanh": api.tanh, "sum": api.sum, "mean": api.mean,
    "eq": api.eq, "ne": api.ne, "lt": api.lt, "le": api.le, "gt": api.gt, "ge": api.ge,
    "clone": api.clone, "to": api.to, "type": api.type_,
    "float": api._conversion(_dtypes.float32), "double": api._conversion(_dtypes.float64),
    "half": api._conversion(_dtypes.float16), "long": api._conversion(_dtypes.int64),
    "int": api._conversion(_dtypes.int32), "bool": api._conversion(_dtypes.bool),
}

# in place: torch's name_ for the elementwise ops, and the augmented assignments
for _op in (api.pow, api.neg, api.abs, api.exp, api.log, api.sqrt, api.sin, api.cos, api.tan,
            api.tanh, api.sigmoid, api.relu, api.reciprocal, api.square):
    _METHODS[_op.__name__ + "_"] = inplace.make_inplace(_op)
# + - * / write straight into memory outside a graph (an optimizer's step)
_ADD, _SUB = inplace.direct(api.add, np.add), inplace.direct(api.sub, np.subtract)
_MUL, _DIV = inplace.direct(api.mul, np.multiply), inplace.direct(api.div, np.true_divide)
# the elementwise family's ops that torch also has in place
for _name in ("sign", "exp2", "expm1", "log2", "log10", "log1p", "rsqrt", "asin", "acos", "atan",
              "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh",
              "arccosh", "arctanh", "erf", "erfc", "floor", "ceil", "round", "trunc", "fix",
              "frac", "nan_to_num", "floor_divide", "remainder", "fmod", "atan2", "arctan2",
              "hypot", "lerp", "clamp", "clip", "clamp_min", "clamp_max", "masked_fill"):
    _op = getattr(elementwise, _name, None)
    if _op is not None:
        _METHODS[_name + "_"] = inplace.make_inplace(_op, fill=_name == "masked_fill")
_METHODS.update({
    "add_": _ADD, "sub_": _SUB, "mul_": _MUL, "div_": _DIV,
    "__iadd__": _ADD, "__isub__": _SUB, "__imul__": _MUL, "__itruediv__": _DIV,
    "__ipow__": inplace._augmented(api.pow), "__setitem__": inplace.setitem,
    "__ifloordiv__": inplace._augmented(elementwise.floor_divide),
    "__imod__": inplace._augmented(elementwise.remainder),
    "zero_": inplace.zero_, "fill_": inplace.fill_, "copy_": inplace.copy_,
    "normal_": inplace.normal_, "uniform_": inplace.uniform_, "bernoulli_": inplace.bernoulli_,
    "random_": inplace.random_,
    "true_divide_": inplace.make_inplace(api.div),
})

# each family module lists its own methods
for _module in (elementwise, reductions, shape, indexing, linalg):
    _METHODS.update(_module.METHODS)

# the nn family's methods (x.softmax, x.log_softmax); imported here, after the ops it uses
from ..nn import functional as _nn_functional  # noqa: E402

_METHODS.update(_nn_functional.METHODS)

for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)


def _abs_method(self: Tensor) -> Tensor:
    return api.abs(self)


Tensor.__abs__ = _abs_method
Tensor.__pos__ = lambda self: self
