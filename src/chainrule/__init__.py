"""chainrule: reverse-mode automatic differentiation with PyTorch's API, computing on NumPy.

>>> import chainrule as torch
>>> x = torch.tensor(2.0, requires_grad=True)
>>> y = x ** 2 + 2 * x + 1
>>> y.backward()
>>> x.grad
tensor(6.)
"""

from __future__ import annotations

import warnings as _warnings

# torch never warns about IEEE special values (1/0, log(0), overflow); NumPy does, from the
# frame that called it. Silence exactly those raised from chainrule's own code.
_warnings.filterwarnings("ignore", category=RuntimeWarning, module=r"chainrule(\.|$)")

from . import _ops, autograd  # noqa: E402
from ._backend import tune_malloc  # noqa: E402
from ._creation import (  # noqa: E402
    arange, as_tensor, asarray, default_generator, empty, empty_like, eye, from_numpy, full,
    full_like, get_rng_state, initial_seed, linspace, manual_seed, ones, ones_like, rand, randint,
    randn, randperm, seed, set_rng_state, tensor, tril_indices, triu_indices, zeros, zeros_like,
    Generator,
)
from ._dtypes import (  # noqa: E402
    bool, can_cast, cdouble, cfloat, complex64, complex128, double, dtype, finfo, float, float16,
    float32, float64, get_default_dtype, half, iinfo, int, int8, int16, int32, int64, long,
    promote_types, set_default_dtype, short, uint8,
)
from ._ops import methods as _methods  # noqa: E402,F401
from ._ops.api import (  # noqa: E402
    abs, absolute, add, bitwise_and, bitwise_left_shift, bitwise_not, bitwise_or,
    bitwise_right_shift, bitwise_xor, clone, conj, cos, detach, div, divide, eq, exp, ge,
    get_device, greater, greater_equal, gt, is_complex, is_conj, is_floating_point, is_neg,
    is_nonzero, is_same_size, is_signed, is_tensor, le, less, less_equal, log, logical_and,
    logical_not, logical_or, logical_xor, lt, mean, mul, multiply, ne, neg, negative, not_equal,
    numel, positive, pow, reciprocal, relu, resolve_conj, resolve_neg, result_type, rsub, sigmoid,
    sin, sqrt, square, sub, subtract, sum, tan, tanh, true_divide, where,
)
# each family module lists its public names in __all__
from ._ops.elementwise import *  # noqa: E402,F403
from ._ops.indexing import *  # noqa: E402,F403
from ._ops.linalg import *  # noqa: E402,F403
from ._ops.linalg import _euclidean_dist  # noqa: E402,F401
from ._ops.reductions import *  # noqa: E402,F403
from ._ops.shape import *  # noqa: E402,F403
from .nn.functional import (  # noqa: E402
    binary_cross_entropy_with_logits, constant_pad_nd, log_softmax, selu, softmax,
)
from . import func, linalg, nn, optim, return_types, utils  # noqa: E402
from ._printing import set_printoptions  # noqa: E402
from ._tensor import (  # noqa: E402
    Size, Tensor, contiguous_format, device, memory_format, preserve_format,
)
from .autograd.anomaly_mode import (  # noqa: E402
    is_anomaly_check_nan_enabled, is_anomaly_enabled,
)
from .autograd.grad_mode import (  # noqa: E402
    enable_grad, inference_mode, is_grad_enabled, is_inference_mode_enabled, no_grad,
    set_grad_enabled,
)

def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout(input, p, train)``: ``nn.functional.dropout`` under torch's top-level
    signature."""
    return nn.functional.dropout(input, p, train)


__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # chainrule.viz loads on first use: it brings pathlib and friends, which import time
    # should not pay for
    if name == "viz":
        import importlib

        return importlib.import_module(".viz", __name__)
    raise AttributeError(f"module 'chainrule' has no attribute '{name}'")
