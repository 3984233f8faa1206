"""Tensor methods and operators: each one is the public op of the same name."""

from __future__ import annotations

from .. import _creation, _dtypes
from .._backend import np
from .._tensor import Tensor
from . import api, elementwise, indexing, inplace, linalg, reductions, shape
from . import derivatives as D


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
    "__lshift__": api.bitwise_left_shift, "__rshift__": api.bitwise_right_shift,
    "__rlshift__": api._reflected(api.bitwise_left_shift),
    "__rrshift__": api._reflected(api.bitwise_right_shift),
    "bitwise_and": api.bitwise_and, "bitwise_or": api.bitwise_or, "bitwise_xor": api.bitwise_xor,
    "bitwise_left_shift": api.bitwise_left_shift, "bitwise_right_shift": api.bitwise_right_shift,
    "bitwise_not": api.bitwise_not, "logical_and": api.logical_and, "logical_or": api.logical_or,
    "logical_xor": api.logical_xor, "logical_not": api.logical_not,
    # methods
    "add": api.add, "sub": api.sub, "mul": api.mul, "div": api.div, "true_divide": api.div,
    "neg": api.neg, "negative": api.neg, "reciprocal": api.reciprocal, "pow": api.pow,
    "square": api.square, "sin": api.sin, "cos": api.cos, "tan": api.tan, "exp": api.exp,
    "log": api.log, "sqrt": api.sqrt, "abs": api.abs, "absolute": api.abs, "relu": api.relu,
    "sigmoid": api.sigmoid, "tanh": api.tanh, "sum": api.sum, "mean": api.mean,
    "eq": api.eq, "ne": api.ne, "lt": api.lt, "le": api.le, "gt": api.gt, "ge": api.ge,
    # torch's aliases
    "multiply": api.mul, "subtract": api.sub, "divide": api.div, "positive": api.positive,
    "greater": api.gt, "greater_equal": api.ge, "less": api.lt, "less_equal": api.le,
    "not_equal": api.ne,
    "clone": api.clone, "to": api.to, "type": api.type_, "type_as": api.type_as,
    "new_zeros": _creation.new_zeros, "new_ones": _creation.new_ones,
    "new_empty": _creation.new_empty, "new_full": _creation.new_full,
    "new_tensor": _creation.new_tensor,
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


def _div_(self: Tensor, other: object, *, rounding_mode: str | None = None) -> Tensor:
    """In-place ``div``; a rounding mode takes the general in-place path."""
    if rounding_mode is None:
        return _DIV(self, other)
    return inplace.apply_inplace(self, api.div, other, rounding_mode=rounding_mode)


# the elementwise family's ops that torch also has in place
for _name in ("sign", "exp2", "expm1", "log2", "log10", "log1p", "rsqrt", "asin", "acos", "atan",
              "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos", "arctan", "arcsinh",
              "arccosh", "arctanh", "erf", "erfc", "floor", "ceil", "round", "trunc", "fix",
              "frac", "nan_to_num", "floor_divide", "remainder", "fmod", "atan2", "arctan2",
              "hypot", "lerp", "clamp", "clip", "clamp_min", "clamp_max", "masked_fill",
              "addcmul", "addcdiv", "xlogy", "copysign", "logit", "sinc", "deg2rad", "rad2deg",
              "heaviside", "sgn"):
    _op = getattr(elementwise, _name, None)
    if _op is not None:
        _METHODS[_name + "_"] = inplace.make_inplace(_op, fill=_name == "masked_fill")
_METHODS["renorm_"] = inplace.make_inplace(reductions.renorm)
for _name in ("addmv", "addr", "baddbmm", "addbmm"):
    _METHODS[_name + "_"] = inplace.make_inplace(getattr(linalg, _name))
_METHODS.update({
    "add_": _ADD, "sub_": _SUB, "mul_": _MUL, "div_": _div_,
    "subtract_": _SUB, "multiply_": _MUL, "divide_": _div_,
    "__iadd__": _ADD, "__isub__": _SUB, "__imul__": _MUL, "__itruediv__": _DIV,
    "__ipow__": inplace._augmented(api.pow), "__setitem__": inplace.setitem,
    "__ifloordiv__": inplace._augmented(elementwise.floor_divide),
    "__imod__": inplace._augmented(elementwise.remainder),
    "zero_": inplace.zero_, "fill_": inplace.fill_, "copy_": inplace.copy_,
    "normal_": inplace.normal_, "uniform_": inplace.uniform_, "bernoulli_": inplace.bernoulli_,
    "random_": inplace.random_,
    "true_divide_": inplace.make_inplace(api.div),
})
# the bitwise ops in place, by name and as augmented assignments
for _op, _dunder in ((api.bitwise_and, "and"), (api.bitwise_or, "or"), (api.bitwise_xor, "xor"),
                     (api.bitwise_left_shift, "lshift"), (api.bitwise_right_shift, "rshift")):
    _METHODS[_op.__name__ + "_"] = _METHODS[f"__i{_dunder}__"] = inplace.make_inplace(_op)
_METHODS["bitwise_not_"] = inplace.make_inplace(api.bitwise_not)

# each family module lists its own methods
for _module in (elementwise, reductions, shape, indexing, linalg):
    _METHODS.update(_module.METHODS)

# the nn family's methods (x.softmax, x.log_softmax); imported here, after the ops it uses
from ..nn import functional as _nn_functional  # noqa: E402

_METHODS.update(_nn_functional.METHODS)

# comparisons and logic in place: 1 or 0 written in the tensor's own dtype
for _name in ("eq", "ne", "lt", "le", "gt", "ge"):
    _entries = (getattr(D, _name.upper() + "_"), getattr(D, _name.upper() + "_TENSOR_"))
    _METHODS[_name + "_"] = inplace.comparison_(_name + "_", _entries)
for _alias, _name in (("greater_", "GT"), ("greater_equal_", "GE"), ("less_", "LT"),
                      ("less_equal_", "LE"), ("not_equal_", "NE")):
    _METHODS[_alias] = inplace.comparison_(_alias, (getattr(D, _name + "_"),
                                                    getattr(D, _name + "_TENSOR_")))
for _name, _ufunc in (("logical_and_", np.logical_and), ("logical_or_", np.logical_or),
                      ("logical_xor_", np.logical_xor)):
    _METHODS[_name] = inplace.logical_(_name, _ufunc)
_METHODS["logical_not_"] = inplace.logical_not_

# triangles, running sums and products, scatters and index writes in place
_METHODS.update({"tril_": inplace.make_inplace(shape.tril),
                 "triu_": inplace.make_inplace(shape.triu),
                 "cumsum_": inplace.cumulative_(reductions.cumsum),
                 "cumprod_": inplace.cumulative_(reductions.cumprod),
                 "scatter_": inplace.make_inplace(indexing.scatter),
                 "scatter_add_": indexing._method(inplace.make_inplace(indexing.scatter_add),
                                                  ("index", 2), ("src", 3)),
                 "index_add_": indexing._method(inplace.make_inplace(indexing.index_add),
                                                ("index", 2), ("source", 3)),
                 "index_copy_": indexing._method(inplace.make_inplace(indexing.index_copy),
                                                 ("index", 2), ("source", 3)),
                 "index_fill_": inplace.make_inplace(indexing.METHODS["index_fill"]),
                 "masked_scatter_": indexing._method(inplace.masked_scatter_, ("mask", 1),
                                                     ("source", 2))})

# views in place
_METHODS.update({"t_": inplace.t_, "transpose_": inplace.transpose_,
                 "swapaxes_": inplace.swapaxes_, "swapdims_": inplace.swapdims_,
                 "unsqueeze_": inplace.unsqueeze_, "squeeze_": inplace.squeeze_})

# torch's aliases of in-place methods
_METHODS.update({"negative_": _METHODS["neg_"], "absolute_": _METHODS["abs_"]})

for _name, _fn in _METHODS.items():
    setattr(Tensor, _name, _fn)


def _abs_method(self: Tensor) -> Tensor:
    return api.abs(self)


Tensor.__abs__ = _abs_method
Tensor.__pos__ = api.positive
