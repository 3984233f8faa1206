"""``chainrule.linalg``: linear algebra as ``torch.linalg``.

>>> import chainrule as torch
>>> torch.linalg.det(torch.eye(3))
tensor(1.)
"""

from __future__ import annotations

from ._ops.linalg import _LinAlgError as LinAlgError
from ._ops.linalg import det, inv, matmul, solve, vecdot
from ._ops.linalg import linalg_cross as cross
from ._ops.linalg import linalg_matrix_power as matrix_power
from ._ops.linalg import linalg_slogdet as slogdet
from ._ops.linalg import linalg_svd as svd
from ._ops.linalg import linalg_svdvals as svdvals
from ._ops.reductions import linalg_norm as norm
from ._ops.reductions import matrix_norm, vector_norm

__all__ = ["LinAlgError", "cross", "det", "inv", "matmul", "matrix_norm", "matrix_power", "norm",
           "slogdet", "solve", "svd", "svdvals", "vecdot", "vector_norm"]
