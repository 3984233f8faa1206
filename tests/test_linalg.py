"""The linalg family beyond the records, against torch: every error, integer and mixed dtypes,
keyword and argument forms, the grad_fn matmul ends with for each case (which depends on
which operand requires grad), det at singular matrices, and second derivatives."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import chainrule as cr


def _outcome(lib, fn):  # noqa: ANN001, ANN202
    try:
        out = fn(lib)
    except Exception as e:  # noqa: BLE001 - the exception itself is compared
        return ("raise", type(e).__name__, str(e))
    return ("ok", str(out.dtype), tuple(out.shape), out.detach().numpy().tolist())


def _o(T, *shape, dtype=None):  # noqa: ANN001, ANN202
    return T.ones(shape, dtype=dtype or T.float32)


def _sing(T):  # noqa: ANN001, ANN202
    return T.tensor([[1.0, 2.0], [2.0, 4.0]])


# ---- errors -------------------------------------------------------------------------------------

ERRORS = {
    # matmul, each case raising as the kernel torch routes it to
    "mm shapes": lambda T: _o(T, 2, 3) @ _o(T, 2, 3),
    "dot sizes": lambda T: _o(T, 3) @ _o(T, 4),
    "mv sizes": lambda T: _o(T, 2, 3) @ _o(T, 4),
    "vector @ matrix": lambda T: _o(T, 3) @ _o(T, 4, 2),
    "batched": lambda T: _o(T, 2, 2, 3) @ _o(T, 2, 4, 5),
    "batched 4-D": lambda T: _o(T, 2, 2, 3) @ _o(T, 3, 2, 4, 5),
    "folded batch": lambda T: _o(T, 2, 2, 3) @ _o(T, 4, 5),
    "folded vector": lambda T: _o(T, 2, 2, 3) @ _o(T, 4),
    "2-D @ 3-D": lambda T: _o(T, 2, 3) @ _o(T, 2, 4, 5),
    "2-D needing grad @ 3-D": lambda T: _o(T, 2, 3).requires_grad_() @ _o(T, 2, 4, 5),
    "1-D @ 3-D": lambda T: _o(T, 4) @ _o(T, 2, 2, 3),
    "batch broadcast": lambda T: _o(T, 2, 2, 3) @ _o(T, 3, 3, 4),
    "0-d": lambda T: _o(T) @ _o(T),
    "0-d and 1-D": lambda T: T.matmul(_o(T), _o(T, 3)),
    "float and double": lambda T: _o(T, 2, 3) @ _o(T, 3, 2, dtype=T.float64),
    "float and long": lambda T: _o(T, 2, 2) @ _o(T, 2, 2, dtype=T.int64),
    "mv dtypes": lambda T: _o(T, 2, 3) @ _o(T, 3, dtype=T.float64),
    "dot dtypes": lambda T: _o(T, 3) @ _o(T, 3, dtype=T.float64),
    "bmm dtypes": lambda T: _o(T, 2, 2, 3) @ _o(T, 2, 3, 2, dtype=T.float64),
    "half and complex": lambda T: _o(T, 2, 2, dtype=T.float16) @ _o(T, 2, 2, dtype=T.complex64),
    "bool mm": lambda T: _o(T, 2, 2, dtype=T.bool) @ _o(T, 2, 2, dtype=T.bool),
    "bool dot": lambda T: _o(T, 2, dtype=T.bool) @ _o(T, 2, dtype=T.bool),
    "bool mv": lambda T: T.mv(_o(T, 2, 2, dtype=T.bool), _o(T, 2, dtype=T.bool)),
    "bool bmm": lambda T: _o(T, 2, 2, 2, dtype=T.bool) @ _o(T, 2, 2, 2, dtype=T.bool),
    "bool bmm, float": lambda T: T.matmul(_o(T, 3, dtype=T.bool), _o(T, 2, 3, 1)),
    "matmul a list": lambda T: T.matmul(_o(T, 2, 3), [[1.0]]),
    "@ a number": lambda T: _o(T, 2, 3) @ 2,
    "number @": lambda T: 2 @ _o(T, 3),
    # the kernels themselves
    "mm 1-D": lambda T: T.mm(_o(T, 3), _o(T, 3, 2)),
    "mm mat2 1-D": lambda T: T.mm(_o(T, 2, 3), _o(T, 3)),
    "mm 3-D": lambda T: T.mm(_o(T, 2, 2, 3), _o(T, 3, 2)),
    "mm long and float": lambda T: T.mm(_o(T, 2, 3, dtype=T.int64), _o(T, 3, 2)),
    "mm a list": lambda T: T.mm(_o(T, 2, 3), [[1.0]]),
    "mv vector": lambda T: T.mv(_o(T, 3), _o(T, 3)),
    "mv matrix": lambda T: T.mv(_o(T, 2, 3), _o(T, 3, 1)),
    "mv 0-d": lambda T: T.mv(_o(T), _o(T, 3)),
    "mv dtypes reversed": lambda T: T.mv(_o(T, 2, 2, dtype=T.float64), _o(T, 2)),
    "dot 2-D": lambda T: T.dot(_o(T, 2, 3), _o(T, 2, 3)),
    "dot 0-d": lambda T: T.dot(_o(T), _o(T)),
    "dot long and int": lambda T: T.dot(_o(T, 3, dtype=T.int64), _o(T, 3, dtype=T.int32)),
    "vdot sizes": lambda T: T.vdot(_o(T, 3), _o(T, 2)),
    "bmm 2-D": lambda T: T.bmm(_o(T, 2, 3), _o(T, 3, 2)),
    "bmm mat2 2-D": lambda T: T.bmm(_o(T, 2, 2, 3), _o(T, 2, 3)),
    "bmm batch": lambda T: T.bmm(_o(T, 1, 2, 3), _o(T, 2, 3, 2)),
    "bmm kernel dtypes": lambda T: T.bmm(_o(T, 1, 2, 2, dtype=T.float64), _o(T, 1, 2, 2)),
    "outer 2-D": lambda T: T.outer(_o(T, 2, 2), _o(T, 3)),
    "outer 0-d": lambda T: T.outer(_o(T, 2), _o(T)),
    "inner sizes": lambda T: T.inner(_o(T, 2, 3), _o(T, 4, 2)),
    "inner dtypes": lambda T: T.inner(_o(T, 2, 3), _o(T, 3, dtype=T.float64)),
    "addmm expand": lambda T: T.addmm(_o(T, 2, 4), _o(T, 2, 3), _o(T, 3, 5)),
    "addmm expand rows": lambda T: T.addmm(_o(T, 3, 4), _o(T, 2, 3), _o(T, 3, 4)),
    "addmm expand rank": lambda T: T.addmm(_o(T, 2, 1, 4), _o(T, 2, 3), _o(T, 3, 4)),
    "addmm self dtype": lambda T: T.addmm(_o(T, 2, 4, dtype=T.float64), _o(T, 2, 3),
                                          _o(T, 3, 4)),
    "addmm mat dtype": lambda T: T.addmm(_o(T, 2, 4), _o(T, 2, 3, dtype=T.float64),
                                         _o(T, 3, 4)),
    "addmm mat1 1-D": lambda T: T.addmm(_o(T, 2, 4), _o(T, 3), _o(T, 3, 4)),
    "addmm shapes": lambda T: T.addmm(_o(T, 2, 4), _o(T, 2, 3), _o(T, 2, 4)),
    "trace 3-D": lambda T: T.trace(_o(T, 2, 3, 4)),
    "trace 1-D": lambda T: T.trace(_o(T, 3)),
    "trace bool": lambda T: T.trace(_o(T, 2, 2, dtype=T.bool)),
    "kron a number": lambda T: T.kron(_o(T, 2), 3),
    # tensordot
    "tensordot sizes": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 4, 5), dims=1),
    "tensordot default": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 5)),
    "tensordot dtypes": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 5, dtype=T.float64), 1),
    "tensordot too many": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 5), dims=3),
    "tensordot negative": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 5), dims=-1),
    "tensordot lengths": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 5), dims=([1], [0, 1])),
    "tensordot ints": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 5), dims=(1, 0)),
    "tensordot dim range": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 5), dims=([5], [0])),
    "tensordot repeated": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 3),
                                                dims=([1, 1], [0, 0])),
    "tensordot bool": lambda T: T.tensordot(_o(T, 2, 3, dtype=T.bool),
                                            _o(T, 3, 2, dtype=T.bool), dims=1),
    "tensordot bool dot": lambda T: T.tensordot(_o(T, 3, dtype=T.bool),
                                                _o(T, 3, dtype=T.bool), dims=1),
    # einsum
    "einsum sizes": lambda T: T.einsum("ij,jk->ik", _o(T, 2, 3), _o(T, 4, 4)),
    "einsum fewer": lambda T: T.einsum("ij,jk->ik", _o(T, 2, 3)),
    "einsum more": lambda T: T.einsum("ij,jk->ik", _o(T, 2, 3), _o(T, 3, 4), _o(T, 2)),
    "einsum unknown out": lambda T: T.einsum("ij->ik", _o(T, 2, 3)),
    "einsum out twice": lambda T: T.einsum("ij->ii", _o(T, 2, 3)),
    "einsum rank": lambda T: T.einsum("ij", _o(T, 2, 3, 4)),
    "einsum rank ellipsis": lambda T: T.einsum("...ij", _o(T, 2)),
    "einsum bad subscript": lambda T: T.einsum("i1", _o(T, 2, 3)),
    "einsum bad out subscript": lambda T: T.einsum("ij->i1", _o(T, 2, 3)),
    "einsum diagonal sizes": lambda T: T.einsum("ii->i", _o(T, 2, 3)),
    "einsum two dots": lambda T: T.einsum("..i->i", _o(T, 2, 3)),
    "einsum dot": lambda T: T.einsum("i.->i", _o(T, 2, 3)),
    "einsum two ellipses": lambda T: T.einsum("...i...->i", _o(T, 2, 3)),
    "einsum out two ellipses": lambda T: T.einsum("...i->......", _o(T, 2, 3)),
    "einsum out dot": lambda T: T.einsum("...i->.i", _o(T, 2, 3)),
    "einsum ellipsis sizes": lambda T: T.einsum("...i,...i", _o(T, 2, 3), _o(T, 3, 3)),
    "einsum dtypes": lambda T: T.einsum("ij,jk->ik", _o(T, 2, 3), _o(T, 3, 4, dtype=T.float64)),
    "einsum long and float": lambda T: T.einsum("ij,jk", _o(T, 2, 3, dtype=T.int64),
                                                _o(T, 3, 4)),
    "einsum bool": lambda T: T.einsum("ij,jk->ik", _o(T, 2, 3, dtype=T.bool),
                                      _o(T, 3, 4, dtype=T.bool)),
    "einsum no operand": lambda T: T.einsum("ij"),
    "einsum a number": lambda T: T.einsum("ij", 3),
    "einsum sublist range": lambda T: T.einsum(_o(T, 2, 3), [0, 60]),
    # inverse, det, solve
    "inv singular": lambda T: T.linalg.inv(_sing(T)),
    "inv singular 3x3": lambda T: T.linalg.inv(T.tensor([[1.0, 2, 3], [4, 5, 6], [7, 8, 9]])),
    "inv zeros": lambda T: T.linalg.inv(T.zeros(3, 3)),
    "inv batch singular": lambda T: T.inverse(T.stack([T.eye(2), _sing(T)])),
    "inv not square": lambda T: T.linalg.inv(_o(T, 2, 3)),
    "inv 1-D": lambda T: T.linalg.inv(_o(T, 3)),
    "inv long": lambda T: T.linalg.inv(_o(T, 2, 2, dtype=T.int64)),
    "inverse long": lambda T: T.inverse(_o(T, 2, 2, dtype=T.int64)),
    "inv half": lambda T: T.linalg.inv(_o(T, 2, 2, dtype=T.float16)),
    "det not square": lambda T: T.linalg.det(_o(T, 2, 3)),
    "det 1-D": lambda T: T.det(_o(T, 3)),
    "det long": lambda T: T.det(_o(T, 2, 2, dtype=T.int64)),
    "det half": lambda T: T.linalg.det(_o(T, 2, 2, dtype=T.float16)),
    "solve singular": lambda T: T.linalg.solve(_sing(T), _o(T, 2)),
    "solve batch singular": lambda T: T.linalg.solve(T.stack([T.eye(2), _sing(T)]), _o(T, 2)),
    "solve broadcast singular": lambda T: T.linalg.solve(_sing(T), _o(T, 3, 2, 1)),
    "solve not square": lambda T: T.linalg.solve(_o(T, 2, 3), _o(T, 2)),
    "solve shapes": lambda T: T.linalg.solve(_o(T, 2, 2), _o(T, 3)),
    "solve matrix shapes": lambda T: T.linalg.solve(_o(T, 2, 2), _o(T, 3, 2)),
    "solve right shapes": lambda T: T.linalg.solve(T.eye(2), _o(T, 2, 3), left=False),
    "solve right vector": lambda T: T.linalg.solve(T.eye(2), _o(T, 2), left=False),
    "solve right 1x1 vector": lambda T: T.linalg.solve(T.eye(1), _o(T, 1), left=False),
    "solve dtypes": lambda T: T.linalg.solve(_o(T, 2, 2), _o(T, 2, dtype=T.float64)),
    "solve long": lambda T: T.linalg.solve(_o(T, 2, 2, dtype=T.int64),
                                           _o(T, 2, dtype=T.int64)),
    "solve A 1-D": lambda T: T.linalg.solve(_o(T, 3), _o(T, 3)),
    "solve B 0-d": lambda T: T.linalg.solve(_o(T, 2, 2), _o(T)),
    "solve batch broadcast": lambda T: T.linalg.solve(T.eye(2).expand(3, 2, 2),
                                                      _o(T, 4, 2, 5)),
    "solve half": lambda T: T.linalg.solve(_o(T, 2, 2, dtype=T.float16),
                                           _o(T, 2, dtype=T.float16)),
}


ERRORS.update({
    # addmv, addr, baddbmm, addbmm
    "addmv vec size": lambda T: T.addmv(_o(T, 2), _o(T, 2, 3), _o(T, 4)),
    "addmv input size": lambda T: T.addmv(_o(T, 3), _o(T, 2, 3), _o(T, 3)),
    "addmv input 2-D": lambda T: T.addmv(_o(T, 2, 2), _o(T, 2, 3), _o(T, 3)),
    "addmv mat 1-D": lambda T: T.addmv(_o(T, 2), _o(T, 3), _o(T, 3)),
    "addmv dtypes": lambda T: T.addmv(_o(T, 2), _o(T, 2, 3, dtype=T.float64), _o(T, 3)),
    "addmv input dtype": lambda T: T.addmv(_o(T, 2, dtype=T.float64), _o(T, 2, 3), _o(T, 3)),
    "addmv complex beta": lambda T: T.addmv(_o(T, 2), _o(T, 2, 3), _o(T, 3), beta=0.5j),
    "addmv not a tensor": lambda T: T.addmv(_o(T, 2), [[1.0]], _o(T, 3)),
    "addr expand": lambda T: T.addr(_o(T, 2, 3), _o(T, 2), _o(T, 4)),
    "addr vec1 2-D": lambda T: T.addr(_o(T, 2, 3), _o(T, 2, 1), _o(T, 3)),
    "addr vec2 0-d": lambda T: T.addr(_o(T, 2, 3), _o(T, 2), _o(T)),
    "addr float alpha ints": lambda T: T.addr(_ints(T, 2, 3), _ints(T, 2), _ints(T, 3),
                                              alpha=0.5),
    "addr float beta ints": lambda T: T.addr(_ints(T, 2, 3), _ints(T, 2), _ints(T, 3),
                                             beta=2.0),
    "addr complex alpha": lambda T: T.addr(_o(T, 2, 3), _o(T, 2), _o(T, 3), alpha=1j),
    "baddbmm sizes": lambda T: T.baddbmm(_o(T, 2, 2, 2), _o(T, 2, 2, 3), _o(T, 2, 4, 2)),
    "baddbmm input expand": lambda T: T.baddbmm(_o(T, 3, 2, 2), _o(T, 2, 2, 3), _o(T, 2, 3, 2)),
    "baddbmm batch1 2-D": lambda T: T.baddbmm(_o(T, 2, 2, 2), _o(T, 2, 3), _o(T, 2, 3, 2)),
    "baddbmm batch2 2-D": lambda T: T.baddbmm(_o(T, 2, 2), _o(T, 2, 2, 3), _o(T, 3, 2)),
    "baddbmm batch dtypes": lambda T: T.baddbmm(_o(T, 2, 2, 2), _o(T, 2, 2, 3),
                                                _o(T, 2, 3, 2, dtype=T.float64)),
    "baddbmm input dtype": lambda T: T.baddbmm(_o(T, 2, 2, 2, dtype=T.float64), _o(T, 2, 2, 3),
                                               _o(T, 2, 3, 2)),
    "addbmm batches": lambda T: T.addbmm(_o(T, 2, 2), _o(T, 2, 2, 3), _o(T, 3, 3, 2)),
    "addbmm sizes": lambda T: T.addbmm(_o(T, 2, 2), _o(T, 2, 2, 3), _o(T, 2, 4, 2)),
    "addbmm 2-D batches": lambda T: T.addbmm(_o(T, 2, 2), _o(T, 2, 3), _o(T, 3, 2)),
    "addbmm input expand": lambda T: T.addbmm(_o(T, 3, 2), _o(T, 2, 2, 3), _o(T, 2, 3, 2)),
    "addbmm input dtype": lambda T: T.addbmm(_o(T, 2, 2, dtype=T.float64), _o(T, 2, 2, 3),
                                             _o(T, 2, 3, 2)),
    "addbmm mat2 dtype": lambda T: T.addbmm(_o(T, 2, 2), _o(T, 2, 2, 3),
                                            _o(T, 2, 3, 2, dtype=T.float64)),
    # cross
    "cross length": lambda T: T.linalg.cross(_o(T, 2, 3), _o(T, 2, 4)),
    "cross ranks": lambda T: T.linalg.cross(_o(T, 2, 3), _o(T, 3)),
    "cross dim length": lambda T: T.linalg.cross(_o(T, 3, 2), _o(T, 3, 2)),
    "cross dim range": lambda T: T.linalg.cross(_o(T, 3), _o(T, 3), dim=2),
    "cross dim float": lambda T: T.linalg.cross(_o(T, 3), _o(T, 3), dim=1.0),
    "cross dtypes": lambda T: T.linalg.cross(_o(T, 3), _o(T, 3, dtype=T.float64)),
    "cross broadcast": lambda T: T.linalg.cross(_o(T, 2, 3), _o(T, 4, 3)),
    "torch.cross no size 3": lambda T: T.cross(_o(T, 2, 4), _o(T, 2, 4)),
    "torch.cross ranks": lambda T: T.cross(_o(T, 2, 3), _o(T, 3)),
    # matrix_power, slogdet, logdet
    "matrix_power not square": lambda T: T.linalg.matrix_power(_o(T, 2, 3), 2),
    "matrix_power 1-D": lambda T: T.linalg.matrix_power(_o(T, 3), 2),
    "matrix_power float n": lambda T: T.linalg.matrix_power(_o(T, 2, 2), 2.0),
    "torch.matrix_power float n": lambda T: T.matrix_power(_o(T, 2, 2), 2.0),
    "matrix_power method float n": lambda T: _o(T, 2, 2).matrix_power(2.0),
    "matrix_power long inverse": lambda T: T.linalg.matrix_power(_ints(T, 2, 2), -1),
    "matrix_power singular": lambda T: T.matrix_power(_sing(T), -2),
    "slogdet not square": lambda T: T.linalg.slogdet(_o(T, 2, 3)),
    "slogdet 1-D": lambda T: T.linalg.slogdet(_o(T, 3)),
    "slogdet long": lambda T: T.linalg.slogdet(_ints(T, 2, 2)),
    "slogdet half": lambda T: T.slogdet(_o(T, 2, 2, dtype=T.float16)),
    "logdet long": lambda T: T.logdet(_ints(T, 2, 2)),
    "logdet not square": lambda T: T.logdet(_o(T, 2, 3)),
    "logdet half": lambda T: T.logdet(_o(T, 2, 2, dtype=T.float16)),
    # cdist
    "cdist 1-D": lambda T: T.cdist(_o(T, 3), _o(T, 3)),
    "cdist x2 1-D": lambda T: T.cdist(_o(T, 2, 3), _o(T, 3)),
    "cdist columns": lambda T: T.cdist(_o(T, 2, 3), _o(T, 2, 4)),
    "cdist negative p": lambda T: T.cdist(_o(T, 2, 3), _o(T, 2, 3), p=-1),
    "cdist long": lambda T: T.cdist(_ints(T, 2, 3), _ints(T, 2, 3)),
    "cdist dtypes": lambda T: T.cdist(_o(T, 2, 3), _o(T, 2, 3, dtype=T.float64)),
    "cdist mm dtypes": lambda T: T.cdist(_o(T, 30, 3), _o(T, 30, 3, dtype=T.float64)),
    "cdist batches": lambda T: T.cdist(_o(T, 2, 2, 3), _o(T, 3, 2, 3)),
    "cdist mode": lambda T: T.cdist(_o(T, 2, 3), _o(T, 2, 3), compute_mode="x"),
    "cdist half": lambda T: T.cdist(_o(T, 2, 3, dtype=T.float16), _o(T, 2, 3, dtype=T.float16)),
})


def _raises_as_torch(torch, fn):
    ours, theirs = _outcome(cr, fn), _outcome(torch, fn)
    assert ours[0] == "raise", ours
    assert ours == theirs


@pytest.mark.parametrize("name", list(ERRORS))
@pytest.mark.filterwarnings("ignore:Using torch.cross without specifying the dim")
def test_errors_match_torch(torch, name):
    _raises_as_torch(torch, ERRORS[name])


def test_linalg_error_is_a_runtime_error():
    with pytest.raises(RuntimeError, match="singular"):
        cr.linalg.inv(_sing(cr))
    assert issubclass(cr.linalg.LinAlgError, RuntimeError)
    with pytest.raises(cr.linalg.LinAlgError):
        cr.linalg.solve(_sing(cr), _o(cr, 2))


# ---- values and dtypes: integers, promotion, keywords, argument forms -------------------------

def _ints(T, *shape, dtype=None):  # noqa: ANN001, ANN202
    n = int(np.prod(shape))
    return T.arange(n, dtype=dtype or T.int64).reshape(*shape) % 5 - 2


VALUES = {
    "long matmul": lambda T: _ints(T, 2, 3) @ _ints(T, 3, 2),
    "long batched": lambda T: _ints(T, 2, 2, 3) @ _ints(T, 3),
    "int32 mm": lambda T: T.mm(_ints(T, 2, 3, dtype=T.int32), _ints(T, 3, 2, dtype=T.int32)),
    "long dot": lambda T: T.dot(_ints(T, 4), _ints(T, 4)),
    "long mv": lambda T: T.mv(_ints(T, 2, 4), _ints(T, 4)),
    "long bmm": lambda T: T.bmm(_ints(T, 2, 2, 2), _ints(T, 2, 2, 2)),
    "half mm": lambda T: _o(T, 2, 3, dtype=T.float16) @ _o(T, 3, 2, dtype=T.float16),
    "long trace": lambda T: T.trace(_ints(T, 3, 3)),
    "int32 trace": lambda T: _ints(T, 2, 3, dtype=T.int32).trace(),
    "long kron float": lambda T: T.kron(_ints(T, 2, 2), _o(T, 3)),
    "kron 0-d double": lambda T: T.kron(T.tensor(2.0, dtype=T.float64), _o(T, 2)),
    "kron 0-d": lambda T: T.kron(T.tensor(2.0), T.tensor(3.0)),
    "outer promotes": lambda T: T.outer(_ints(T, 2), _o(T, 3)),
    "outer bool": lambda T: T.outer(_o(T, 2), _o(T, 3, dtype=T.bool)),
    "outer long": lambda T: T.ger(_ints(T, 2), _ints(T, 3)),
    "inner 0-d promotes": lambda T: T.inner(T.tensor(2.0), _o(T, 3, dtype=T.float64)),
    "long inner": lambda T: T.inner(_ints(T, 2, 3), _ints(T, 3)),
    "long addmm scalars": lambda T: T.addmm(_ints(T, 2, 2), _ints(T, 2, 2), _ints(T, 2, 2),
                                            beta=2.9, alpha=-1.5),
    "addmm beta 0 ignores nan": lambda T: T.addmm(T.full((2, 2), float("nan")), _o(T, 2, 3),
                                                  _o(T, 3, 2), beta=0),
    "addmm bool scalars": lambda T: T.addmm(_o(T, 2, 2), _o(T, 2, 2), _o(T, 2, 2), beta=True,
                                            alpha=False),
    "addmm keywords": lambda T: T.addmm(input=_o(T, 2), mat1=T.eye(2), mat2=_o(T, 2, 2),
                                        alpha=3),
    "einsum long sum": lambda T: T.einsum("ij->", _ints(T, 2, 3)),
    "einsum int32 sum": lambda T: T.einsum("ii", _ints(T, 3, 3, dtype=T.int32)),
    "einsum long mm": lambda T: T.einsum("ij,jk", _ints(T, 2, 3), _ints(T, 3, 2)),
    "einsum mul promotes": lambda T: T.einsum("i,i->i", _ints(T, 3), _o(T, 3)),
    "einsum spaces": lambda T: T.einsum(" i j -> j i ", _ints(T, 2, 3)),
    "einsum list": lambda T: T.einsum("ij,jk->ik", [_o(T, 2, 3), _o(T, 3, 4)]),
    "einsum 0-d": lambda T: T.einsum("->", T.tensor(3.0)),
    "einsum scalar operand": lambda T: T.einsum("i,->i", _o(T, 3), T.tensor(2.0)),
    "einsum capital labels": lambda T: T.einsum("Ab,bC->AC", _o(T, 2, 3), _o(T, 3, 4)),
    "einsum broadcast label": lambda T: T.einsum("ij,jk->ik", _ints(T, 2, 1), _ints(T, 3, 4)),
    "einsum sublist out": lambda T: T.einsum(_ints(T, 2, 3), [0, 1], [1]),
    "einsum sublist ellipsis": lambda T: T.einsum(_ints(T, 2, 3), [0, ...], [...]),
    "tensordot tensor dims": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 5),
                                                   dims=T.tensor(1)),
    "tensordot tensor lists": lambda T: T.tensordot(_o(T, 2, 3), _o(T, 3, 5),
                                                    dims=T.tensor([[1], [0]])),
    "tensordot list of lists": lambda T: T.tensordot(_ints(T, 2, 3), _ints(T, 3, 2),
                                                     dims=[[1, 0], [0, 1]]),
    "tensordot broadcast dim": lambda T: T.tensordot(_o(T, 2, 1), _o(T, 3, 5),
                                                     dims=([1], [0])),
    "tensordot long": lambda T: T.tensordot(_ints(T, 2, 3), _ints(T, 3, 5), dims=1),
    "inv empty": lambda T: T.linalg.inv(_o(T, 0, 0)),
    "det empty": lambda T: T.linalg.det(_o(T, 0, 0)),
    "det singular": lambda T: T.det(T.tensor([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1, 1, 1]])),
    "solve left keyword": lambda T: T.linalg.solve(T.tensor([[2.0, 1.0], [0.0, 4.0]]),
                                                   T.tensor([[1.0, 2.0]]), left=False),
    "solve batch of vectors": lambda T: T.linalg.solve(T.eye(2).expand(3, 2, 2) * 2,
                                                       _o(T, 3, 2)),
    "solve broadcast B": lambda T: T.linalg.solve(T.eye(2).expand(3, 2, 2), _o(T, 1, 2, 5)),
    "solve matrix B": lambda T: T.linalg.solve(T.eye(2).expand(3, 2, 2), _o(T, 2, 2)),
    "vecdot": lambda T: T.linalg.vecdot(_o(T, 2, 3), T.arange(3.0)),
    "vecdot dim": lambda T: T.linalg.vecdot(_o(T, 2, 3), _o(T, 2, 3), dim=0),
    "linalg.matmul": lambda T: T.linalg.matmul(_ints(T, 2, 3), _ints(T, 3)),
    "matmul methods": lambda T: _ints(T, 2, 3).matmul(_ints(T, 3, 1)).mm(_ints(T, 1, 2)),
}


VALUES.update({
    "addmv long scalars": lambda T: T.addmv(_ints(T, 2), _ints(T, 2, 3), _ints(T, 3), beta=2.9,
                                            alpha=0.5),
    "addmv beta 0 ignores nan": lambda T: T.addmv(T.full((2,), float("nan")), _o(T, 2, 3),
                                                  _o(T, 3), beta=0),
    "addmv 0-d input": lambda T: T.addmv(T.tensor(1.0), _o(T, 2, 3), _o(T, 3)),
    "addmv method": lambda T: _o(T, 2).addmv(_o(T, 2, 3), T.arange(3.0), alpha=2),
    "addr promotes": lambda T: T.addr(_o(T, 2, 3), _o(T, 2, dtype=T.float64), _o(T, 3)),
    "addr long input": lambda T: T.addr(_ints(T, 2, 3), _o(T, 2), _o(T, 3)),
    "addr broadcast input": lambda T: T.addr(_o(T, 3), T.arange(2.0), _o(T, 3)),
    "addr bool": lambda T: T.addr(_o(T, 2, 3, dtype=T.bool), _o(T, 2, dtype=T.bool),
                                  _o(T, 3, dtype=T.bool)),
    "addr long": lambda T: T.addr(_ints(T, 2, 3), _ints(T, 2), _ints(T, 3), beta=2, alpha=-1),
    "addr beta 0 ignores nan": lambda T: T.addr(T.full((2, 3), float("nan")), _o(T, 2),
                                                _o(T, 3), beta=0),
    "baddbmm long": lambda T: T.baddbmm(_ints(T, 2, 2, 2), _ints(T, 2, 2, 3), _ints(T, 2, 3, 2),
                                        beta=0.5),
    "baddbmm broadcast input": lambda T: T.baddbmm(_o(T, 2), _ints(T, 2, 2, 3).float(),
                                                   _o(T, 2, 3, 2), alpha=2),
    "baddbmm beta 0 ignores nan": lambda T: T.baddbmm(T.full((1, 2, 2), float("nan")),
                                                      _o(T, 2, 2, 3), _o(T, 2, 3, 2), beta=0),
    "addbmm long": lambda T: T.addbmm(_ints(T, 2, 2), _ints(T, 2, 2, 3), _ints(T, 2, 3, 2),
                                      beta=0.5),
    "addbmm no batches": lambda T: T.addbmm(_o(T, 2, 2), _o(T, 0, 2, 3), _o(T, 0, 3, 2), beta=2),
    "addbmm beta 0 ignores nan": lambda T: T.addbmm(T.full((2, 2), float("nan")), _o(T, 2, 2, 3),
                                                    _o(T, 2, 3, 2), beta=0),
    "cross long": lambda T: T.linalg.cross(_ints(T, 2, 3), _ints(T, 2, 3) + 1),
    "cross broadcast": lambda T: T.linalg.cross(_ints(T, 1, 3).float(), _o(T, 4, 3)),
    "torch.cross first size 3": lambda T: T.cross(_ints(T, 3, 3), _ints(T, 3, 3).T),
    "cross method dim": lambda T: _ints(T, 3, 2).cross(_ints(T, 3, 2) * 2 + 1, dim=0),
    "matrix_power long": lambda T: T.linalg.matrix_power(_ints(T, 3, 3), 4),
    "matrix_power 0": lambda T: T.matrix_power(_ints(T, 2, 2, 2), 0),
    "matrix_power -2": lambda T: T.linalg.matrix_power(T.tensor([[2.0, 1.0], [1.0, 3.0]]), -2),
    "matrix_power 7 batched": lambda T: _ints(T, 2, 2, 2).float().matrix_power(7),
    "matrix_power empty": lambda T: T.linalg.matrix_power(_o(T, 0, 0), 3),
    "slogdet sign": lambda T: T.linalg.slogdet(T.tensor([[0.0, 2.0], [1.0, 0.0]])).sign,
    "slogdet singular": lambda T: T.slogdet(_sing(T)).logabsdet,
    "slogdet batch": lambda T: T.linalg.slogdet(_ints(T, 2, 3, 3).double())[1],
    "logdet negative": lambda T: T.logdet(T.tensor([[0.0, 1.0], [1.0, 0.0]])),
    "logdet zero": lambda T: T.logdet(T.zeros(2, 2)),
    "logdet batch": lambda T: _ints(T, 2, 3, 3).double().logdet(),
    "cdist empty": lambda T: T.cdist(_o(T, 0, 3), _o(T, 2, 3)),
    "cdist no columns": lambda T: T.cdist(_o(T, 2, 0), _o(T, 3, 0), p=float("inf")),
    "cdist p 0": lambda T: T.cdist(_ints(T, 2, 3).float(), _ints(T, 4, 3).float(), p=0),
    "cdist batch broadcast": lambda T: T.cdist(_o(T, 2, 1, 2, 3), _ints(T, 3, 2, 3).float()),
    "cdist mm": lambda T: T.cdist(_ints(T, 30, 3).float(), _ints(T, 2, 3).float() + 0.5),
    "cdist mm batch": lambda T: T.cdist(_ints(T, 2, 1, 26, 3).float(), _o(T, 3, 2, 3)),
    "cdist mm forced": lambda T: T.cdist(_o(T, 1, 2, 3), _ints(T, 2, 3).float(),
                                         compute_mode="use_mm_for_euclid_dist"),
    "cdist mm refused": lambda T: T.cdist(_ints(T, 30, 3).float(), _o(T, 2, 3),
                                          compute_mode="donot_use_mm_for_euclid_dist"),
})


@pytest.mark.parametrize("name", list(VALUES))
@pytest.mark.filterwarnings("ignore:Using torch.cross without specifying the dim")
def test_values_match_torch(torch, name):
    fn = VALUES[name]
    ours, theirs = _outcome(cr, fn), _outcome(torch, fn)
    assert ours[0] == "ok", ours
    assert ours[1:3] == theirs[1:3]
    np.testing.assert_allclose(np.array(ours[3], dtype=float), np.array(theirs[3], dtype=float),
                               rtol=1e-6, atol=1e-6)


# ---- matmul's grad_fn: which operand requires grad and the layout choose torch's path ----------

NAME_CASES = [
    ((2, 3), (2, 3, 4)), ((1, 3), (2, 3, 4)), ((2, 3), (2, 3, 1)), ((3,), (2, 3, 4)),
    ((2, 2, 3), (3, 4)), ((2, 2, 3), (3,)), ((1, 2, 3), (2, 3, 4)), ((2, 2, 3), (1, 3, 4)),
    ((2, 1, 2, 3), (3, 3, 4)), ((3,), (3, 2)), ((1, 2, 3), (1, 3, 4)),
]


@pytest.mark.parametrize("shapes", NAME_CASES, ids=str)
@pytest.mark.parametrize("grads", [(True, True), (True, False), (False, True)], ids=str)
def test_matmul_grad_fn_matches_torch(torch, shapes, grads):
    rng = np.random.default_rng(0)
    arrays = [rng.standard_normal(s) for s in shapes]

    def names(lib):  # noqa: ANN001, ANN202
        a, b = (lib.tensor(x, requires_grad=g) for x, g in zip(arrays, grads))
        out = a @ b
        out.sum().backward()
        return out.grad_fn.name(), [None if t.grad is None else t.grad.numpy()
                                    for t in (a, b)]

    (ours, g1), (theirs, g2) = names(cr), names(torch)
    assert ours == theirs
    for x, y in zip(g1, g2):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_allclose(x, y, rtol=1e-12)


@pytest.mark.parametrize("contiguous", [True, False])
def test_matmul_layout_chooses_fold_or_bmm(torch, contiguous):
    # a 3-D operand folds into one matrix only without a copy; otherwise torch broadcasts to a
    # bmm, and the shape error names the bmm's operands
    a_np = np.random.default_rng(0).standard_normal((2, 4, 3)).transpose(0, 2, 1)
    if contiguous:
        a_np = np.ascontiguousarray(a_np)
    outcomes = [_outcome(lib, lambda T: T.from_numpy(a_np) @ T.ones(5, 2, dtype=T.float64))
                for lib in (cr, torch)]
    assert outcomes[0] == outcomes[1]
    assert ("mat1 and mat2" in outcomes[0][2]) == contiguous


def test_repr_and_next_functions():
    a = cr.tensor([[1.0, 2.0]], requires_grad=True)
    b = cr.tensor([[3.0], [4.0]], requires_grad=True)
    out = a @ b
    assert repr(out) == "tensor([[11.]], grad_fn=<MmBackward0>)"
    assert [type(f).__name__ for f, _ in out.grad_fn.next_functions] == ["AccumulateGrad"] * 2


# ---- det at singular matrices ------------------------------------------------------------------

SINGULAR = [
    [[1.0, 2.0], [2.0, 4.0]],
    [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]],
    [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 1.0, 1.0]],
    [[0.0, 0.0], [0.0, 0.0]],
    [[[1.0, 2.0], [2.0, 4.0]], [[1.0, 2.0], [3.0, 4.0]]],
    [[1.0, 1.0], [1.0, 1.0 + 1e-15]],
]


@pytest.mark.parametrize("matrix", SINGULAR, ids=str)
@pytest.mark.parametrize("create_graph", [False, True])
def test_det_gradient_at_singular_matrices_matches_torch(torch, matrix, create_graph):
    # torch: a plain backward solves with the LU's zero pivots replaced by eps (0 where det is
    # exactly 0); under create_graph matrices with |det| < 100 eps get the adjugate via an SVD
    def grad(lib):  # noqa: ANN001, ANN202
        a = lib.tensor(matrix, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(lib.linalg.det(a).sum(), a, create_graph=create_graph)
        return g.detach().numpy()

    np.testing.assert_allclose(grad(cr), grad(torch), atol=1e-10)


def test_det_second_derivative_mixed_batch(torch):
    # one singular and one regular matrix in a batch: the regular one keeps its full graph
    m = [[[1.0, 2.0], [2.0, 4.0]], [[1.0, 2.0], [3.0, 5.0]]]

    def second(lib):  # noqa: ANN001, ANN202
        a = lib.tensor(m, dtype=lib.float64, requires_grad=True)
        (g,) = lib.autograd.grad(lib.linalg.det(a).sum(), a, create_graph=True)
        (h,) = lib.autograd.grad((g * g).sum(), a)
        return g.detach().numpy(), h.numpy()[1]

    (g1, h1), (g2, h2) = second(cr), second(torch)
    np.testing.assert_allclose(g1, g2, atol=1e-12)
    np.testing.assert_allclose(h1, h2, atol=1e-12)


# ---- second derivatives against torch ----------------------------------------------------------

def _wc(T, a):  # noqa: ANN001, ANN202
    return a + 3 * T.eye(a.shape[-1], dtype=a.dtype)


SECOND = {
    "dot": (lambda T, a, b: a @ b, [(3,), (3,)]),
    "mv": (lambda T, a, b: a @ b, [(2, 3), (3,)]),
    "vm": (lambda T, a, b: a @ b, [(3,), (3, 2)]),
    "mm": (lambda T, a, b: a @ b, [(2, 3), (3, 4)]),
    "bmm": (lambda T, a, b: T.bmm(a, b), [(2, 2, 3), (2, 3, 4)]),
    "batched broadcast": (lambda T, a, b: a @ b, [(2, 1, 2, 3), (3, 3, 2)]),
    "2-D @ 3-D": (lambda T, a, b: a @ b, [(2, 3), (2, 3, 4)]),
    "1-D @ 3-D": (lambda T, a, b: a @ b, [(3,), (2, 3, 4)]),
    "3-D @ 1-D": (lambda T, a, b: a @ b, [(2, 2, 3), (3,)]),
    "addmm": (lambda T, s, a, b: T.addmm(s, a, b, beta=0.5, alpha=2), [(4,), (2, 3), (3, 4)]),
    "outer": (lambda T, a, b: T.outer(a, b), [(2,), (3,)]),
    "kron": (lambda T, a, b: T.kron(a, b), [(2, 1), (2, 3)]),
    "trace": (lambda T, a: T.trace(a) * a, [(2, 3)]),
    "tensordot": (lambda T, a, b: T.tensordot(a, b, dims=([0], [1])), [(3, 2), (2, 3)]),
    "einsum diag": (lambda T, a, b: T.einsum("ii,ij->ij", a, b), [(3, 3), (3, 2)]),
    "einsum broadcast": (lambda T, a, b: T.einsum("ij,jk->ik", a, b), [(2, 1), (3, 2)]),
    "inv": (lambda T, a: T.linalg.inv(_wc(T, a)), [(2, 3, 3)]),
    "det": (lambda T, a: T.linalg.det(_wc(T, a)), [(2, 3, 3)]),
    "solve": (lambda T, a, b: T.linalg.solve(_wc(T, a), b), [(3, 3), (3,)]),
    "solve matrix": (lambda T, a, b: T.linalg.solve(_wc(T, a), b), [(2, 3, 3), (3, 2)]),
    "solve right": (lambda T, a, b: T.linalg.solve(_wc(T, a), b, left=False),
                    [(3, 3), (2, 3)]),
}


SECOND.update({
    "addmv": (lambda T, s, a, b: T.addmv(s, a, b, beta=2, alpha=-0.5), [(2,), (2, 3), (3,)]),
    "addr": (lambda T, s, a, b: T.addr(s, a, b, alpha=3), [(2, 3), (2,), (3,)]),
    "baddbmm": (lambda T, s, a, b: T.baddbmm(s, a, b, beta=0.5), [(2, 1, 4), (2, 2, 3),
                                                                   (2, 3, 4)]),
    "addbmm": (lambda T, s, a, b: T.addbmm(s, a, b, alpha=2), [(4,), (3, 2, 3), (3, 3, 4)]),
    "cross": (lambda T, a, b: T.linalg.cross(a, b), [(2, 3), (1, 3)]),
    "matrix_power": (lambda T, a: T.linalg.matrix_power(a, 5), [(2, 3, 3)]),
    "matrix_power -2": (lambda T, a: T.linalg.matrix_power(_wc(T, a), -2), [(3, 3)]),
    "slogdet": (lambda T, a: T.linalg.slogdet(_wc(T, a)).logabsdet, [(2, 3, 3)]),
    "logdet": (lambda T, a: T.logdet(_wc(T, a)), [(3, 3)]),
    "cdist mm": (lambda T, a, b: T.cdist(a, b, compute_mode="use_mm_for_euclid_dist"),
                 [(2, 3), (4, 3)]),
})


@pytest.mark.parametrize("name", list(SECOND))
def test_second_derivatives_match_torch(torch, name):
    fn, shapes = SECOND[name]
    rng = np.random.default_rng(3)
    arrays = [rng.uniform(-0.5, 0.5, s) for s in shapes]

    def run(lib):  # noqa: ANN001, ANN202
        xs = [lib.tensor(x, requires_grad=True) for x in arrays]
        out = fn(lib, *xs)
        gs = lib.autograd.grad((out * out).sum(), xs, create_graph=True)
        total = sum((g * g).sum() for g in gs)
        return [g.detach().numpy() for g in gs], [h.numpy() for h in lib.autograd.grad(total, xs)]

    (g1, h1), (g2, h2) = run(cr), run(torch)
    for x, y in zip(g1 + h1, g2 + h2):
        np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-10)


# ---- random shapes: matmul with broadcast batches, einsum with random equations ---------------

def _compare_run(torch, fn, arrays, grads):  # noqa: ANN001, ANN202
    def run(lib):  # noqa: ANN001, ANN202
        ts = [lib.tensor(a, requires_grad=g) for a, g in zip(arrays, grads)]
        try:
            out = fn(lib, *ts)
        except Exception as e:  # noqa: BLE001 - compared with torch's
            return ("raise", type(e).__name__, str(e)), None
        name = None if out.grad_fn is None else out.grad_fn.name()
        if out.requires_grad:
            w = np.cos(np.arange(out.numel())).reshape(tuple(out.shape))
            (out * lib.tensor(w)).sum().backward()
        return (str(out.dtype), tuple(out.shape), name), [out.detach().numpy()] + [
            None if t.grad is None else t.grad.numpy() for t in ts]

    (r1, v1), (r2, v2) = run(cr), run(torch)
    assert r1 == r2
    for x, y in zip(v1 or [], v2 or []):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_allclose(x, y, rtol=1e-10, atol=1e-10)


def test_matmul_random_shapes_match_torch(torch):
    @given(batches=hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=2, max_side=3),
           sizes=st.tuples(*[st.integers(1, 3)] * 3),
           vectors=st.tuples(st.booleans(), st.booleans()),
           grads=st.tuples(st.booleans(), st.booleans()), seed=st.integers(0, 2**16))
    def check(batches, sizes, vectors, grads, seed):  # noqa: ANN001, ANN202
        n, k, m = sizes
        sa = (k,) if vectors[0] else batches.input_shapes[0] + (n, k)
        sb = (k,) if vectors[1] else batches.input_shapes[1] + (k, m)
        rng = np.random.default_rng(seed)
        _compare_run(torch, lambda T, a, b: a @ b, [rng.standard_normal(sa),
                                                   rng.standard_normal(sb)], grads)

    check()


def _random_equation(rng):  # noqa: ANN001, ANN202
    sizes = {c: int(rng.integers(1, 4)) for c in "ijk"}
    ell = [int(rng.integers(1, 3)) for _ in range(int(rng.integers(0, 3)))]
    subs, shapes = [], []
    for _ in range(int(rng.choice([1, 2, 2, 3]))):
        labels = "".join(rng.choice(list("ijk"), int(rng.integers(0, 4))))
        shape = [sizes[c] if rng.random() > 0.15 else 1 for c in labels]
        if rng.random() < 0.3:
            p = int(rng.integers(0, len(labels) + 1))
            e = ell[int(rng.integers(0, len(ell) + 1)):]
            labels = labels[:p] + "..." + labels[p:]
            shape = shape[:p] + e + shape[p:]
        subs.append(labels)
        shapes.append(tuple(shape))
    equation = ",".join(subs)
    if rng.random() < 0.6:
        out = [c for c in sorted(set(equation) - {"."}) if rng.random() < 0.5]
        rng.shuffle(out)
        equation += "->" + ("..." if "..." in equation and rng.random() < 0.7 else "") + \
            "".join(out)
    return equation, shapes


def test_einsum_random_equations_match_torch(torch):
    rng = np.random.default_rng(5)
    for _ in range(150):
        equation, shapes = _random_equation(rng)
        arrays = [rng.standard_normal(s) for s in shapes]
        grads = [bool(rng.random() < 0.8) for _ in shapes]
        _compare_run(torch, lambda T, *ops, eq=equation: T.einsum(eq, *ops), arrays, grads)


# ---- the SVD and the singular-value norms -----------------------------------------------------

def _sv_matrix(*shape):  # noqa: ANN002, ANN202
    """A matrix (or batch) with well separated singular values."""
    rng = np.random.default_rng(sum(shape))
    a = rng.uniform(-0.25, 0.25, shape)
    n = shape[-1]
    return a + np.eye(shape[-2], n) * (2 * np.arange(n, 0, -1))


SVD_ERRORS = {
    "svd 1-D": lambda T: T.linalg.svd(_o(T, 3)),
    "svdvals 1-D": lambda T: T.linalg.svdvals(_o(T, 3)),
    "legacy svd 1-D": lambda T: T.svd(_o(T, 3)),
    "svd int": lambda T: T.linalg.svd(_o(T, 3, 3, dtype=T.int64)),
    "svdvals bool": lambda T: T.linalg.svdvals(_o(T, 3, 3, dtype=T.bool)),
    "legacy svd int": lambda T: T.svd(_o(T, 3, 3, dtype=T.int64)),
    "svd half": lambda T: T.linalg.svd(_o(T, 3, 3, dtype=T.float16)),
    "svdvals half": lambda T: T.linalg.svdvals(_o(T, 3, 3, dtype=T.float16)),
    "svd driver": lambda T: T.linalg.svd(_o(T, 3, 3), driver="gesvd"),
    "svdvals driver": lambda T: T.linalg.svdvals(_o(T, 3, 3), driver="gesvdj"),
    "svd driver type": lambda T: T.linalg.svd(_o(T, 3, 3), driver=3),
    "svd full_matrices type": lambda T: T.linalg.svd(_o(T, 3, 3), full_matrices=None),
    "svd not a tensor": lambda T: T.linalg.svd([[1.0]]),
    "svdvals not a tensor": lambda T: T.linalg.svdvals([[1.0]]),
    "legacy svd some type": lambda T: T.svd(_o(T, 3, 3), some=None),
    "svdvals positional driver": lambda T: T.linalg.svdvals(_o(T, 3, 3), None),
    "svd nan": lambda T: T.linalg.svd(T.full((3, 3), float("nan"))),
    "svdvals nan in batch": lambda T: T.linalg.svdvals(
        T.stack([_o(T, 2, 2), T.full((2, 2), float("nan"))])),
    "nuc int": lambda T: T.linalg.matrix_norm(_o(T, 3, 3, dtype=T.int64), "nuc"),
    "nuc half": lambda T: T.linalg.matrix_norm(_o(T, 3, 3, dtype=T.float16), "nuc"),
    "spectral half": lambda T: T.linalg.matrix_norm(_o(T, 3, 3, dtype=T.float16), 2),
    "nuc 1-D": lambda T: T.linalg.matrix_norm(_o(T, 3), "nuc"),
    "nuc 3-D torch.norm": lambda T: T.norm(_o(T, 2, 3, 3), "nuc"),
    "nuc 3-D linalg.norm": lambda T: T.linalg.norm(_o(T, 2, 3, 3), "nuc"),
    "spectral narrowing dtype": lambda T: T.linalg.matrix_norm(_o(T, 3, 3), 2,
                                                               dtype=T.float16),
    "smallest of empty": lambda T: T.linalg.matrix_norm(_o(T, 2, 0, 3), -2),
}


@pytest.mark.parametrize("name", list(SVD_ERRORS))
def test_svd_errors_match_torch(torch, name):
    _raises_as_torch(torch, SVD_ERRORS[name])


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 2), (2, 3, 5), (0, 3), (3, 0), (2, 0, 3)])
@pytest.mark.parametrize("full", [True, False])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_svd_matches_torch_up_to_signs(torch, shape, full, dtype):
    a = _sv_matrix(*shape) if 0 not in shape else np.ones(shape)
    ours = cr.linalg.svd(cr.tensor(a, dtype=getattr(cr, dtype)), full_matrices=full)
    theirs = torch.linalg.svd(torch.tensor(a, dtype=getattr(torch, dtype)), full_matrices=full)
    assert type(ours).__name__ == "linalg_svd" and ours._fields == ("U", "S", "Vh")
    tol = 1e-5 if dtype == "float32" else 1e-12
    for x, y in zip(ours, theirs):
        assert x.dtype.__repr__() == repr(y.dtype) and tuple(x.shape) == tuple(y.shape)
    np.testing.assert_allclose(ours.S.numpy(), theirs.S.numpy(), rtol=tol, atol=tol)
    k = min(shape[-2:])
    # the determined singular vectors agree up to a sign per pair (u_i, v_i)
    U, Vh = ours.U.numpy()[..., :k], ours.Vh.numpy()[..., :k, :]
    tU, tVh = theirs.U.numpy()[..., :k], theirs.Vh.numpy()[..., :k, :]
    signs = np.sign(np.sum(U * tU, axis=-2, keepdims=True))
    np.testing.assert_allclose(U * signs, tU, atol=10 * tol)
    np.testing.assert_allclose(Vh * np.swapaxes(signs, -1, -2), tVh, atol=10 * tol)
    if full:  # orthogonal square factors
        for Q in (ours.U.numpy(), ours.Vh.numpy()):
            eye = np.eye(Q.shape[-1])
            np.testing.assert_allclose(np.swapaxes(Q, -1, -2) @ Q, np.broadcast_to(eye, Q.shape),
                                       atol=10 * tol)
    vals = cr.linalg.svdvals(cr.tensor(a, dtype=getattr(cr, dtype)))
    np.testing.assert_allclose(vals.numpy(), theirs.S.numpy(), rtol=tol, atol=tol)


@pytest.mark.parametrize("some", [True, False])
@pytest.mark.parametrize("compute_uv", [True, False])
@pytest.mark.parametrize("shape", [(3, 4), (4, 3), (2, 3, 3), (3, 0)])
def test_legacy_svd_matches_torch(torch, some, compute_uv, shape):
    a = _sv_matrix(*shape) if 0 not in shape else np.ones(shape)

    def run(lib):  # noqa: ANN001, ANN202
        x = lib.tensor(a, requires_grad=True)
        return x.svd(some, compute_uv) if some else lib.svd(x, some=some, compute_uv=compute_uv)

    ours, theirs = run(cr), run(torch)
    assert type(ours).__name__ == "svd" and ours._fields == ("U", "S", "V")
    for x, y in zip(ours, theirs):
        assert tuple(x.shape) == tuple(y.shape)
        assert (x.grad_fn and x.grad_fn.name()) == (y.grad_fn and y.grad_fn.name())
    np.testing.assert_allclose(ours.S.detach().numpy(), theirs.S.detach().numpy(), atol=1e-12)
    if compute_uv:
        k = min(shape[-2:])
        U, V = ours.U.detach().numpy()[..., :k], ours.V.detach().numpy()[..., :k]
        np.testing.assert_allclose((U * ours.S.detach().numpy()[..., None, :]) @
                                   np.swapaxes(V, -1, -2), a, atol=1e-12)
        assert ours.V.grad_fn.next_functions[0][1] == 2
    else:
        assert not ours.U.detach().numpy().any() and not ours.V.detach().numpy().any()


def test_svd_reprs_match_torch(torch):
    a = [[3.0, 0.0], [0.0, 4.0]]
    for fn in (lambda T: T.linalg.svd(T.tensor(a)),
               lambda T: T.svd(T.tensor(a, requires_grad=True)),
               lambda T: T.svd(T.tensor(a), compute_uv=False),
               lambda T: T.linalg.svd(T.ones(0, 2))):
        assert repr(fn(cr)) == repr(fn(torch))
    assert str(cr.linalg.svdvals(cr.tensor(a))) == str(torch.linalg.svdvals(torch.tensor(a)))


def test_svd_gradients_match_torch(torch):
    # gradients through U, S and Vh (gauge-invariant combinations), full and reduced
    rng = np.random.default_rng(3)
    for shape in [(3, 5), (5, 3), (2, 4, 4)]:
        a = _sv_matrix(*shape)
        w = rng.standard_normal(shape)
        for full in (True, False):
            def run(lib, full=full, a=a, w=w):  # noqa: ANN001, ANN202
                x = lib.tensor(a, requires_grad=True)
                U, S, Vh = lib.linalg.svd(x, full)
                k = S.shape[-1]
                U, Vh = U[..., :k], Vh[..., :k, :]
                out = ((U * U.sum(-2, keepdim=True) ** 2) @ Vh * lib.tensor(w)).sum() + \
                    (S ** 3).sum() + (Vh ** 4).sum()
                g, = lib.autograd.grad(out, x, create_graph=True)
                gg, = lib.autograd.grad((g * g).sum(), x)
                return g.detach().numpy(), gg.numpy()
            for x, y in zip(run(cr), run(torch)):
                np.testing.assert_allclose(x, y, rtol=1e-7, atol=1e-9)


NORM_CASES = {
    "nuc": lambda T, x: T.linalg.matrix_norm(x, "nuc"),
    "nuc keepdim": lambda T, x: T.linalg.matrix_norm(x, "nuc", dim=(0, -1), keepdim=True),
    "spectral": lambda T, x: T.linalg.matrix_norm(x, 2, dim=(-1, -2)),
    "spectral keepdim": lambda T, x: T.linalg.matrix_norm(x, 2.0, dim=(2, 0), keepdim=True),
    "smallest": lambda T, x: T.linalg.matrix_norm(x, -2),
    "smallest keepdim": lambda T, x: T.linalg.matrix_norm(x, -2, dim=(1, 2), keepdim=True),
    "linalg.norm 2": lambda T, x: T.linalg.norm(x[0], 2),
    "linalg.norm -2 dim": lambda T, x: T.linalg.norm(x, -2, dim=(0, 1)),
    "linalg.norm nuc": lambda T, x: T.linalg.norm(x[1], "nuc"),
    "torch.norm nuc": lambda T, x: T.norm(x[0], "nuc"),
    "Tensor.norm nuc dim": lambda T, x: x.norm("nuc", dim=(2, 1), keepdim=True),
    "dtype": lambda T, x: T.linalg.matrix_norm(x.float(), 2, dtype=T.float64),
    "empty spectral": lambda T, x: T.linalg.matrix_norm(x[:, :0], 2, keepdim=True),
    "empty nuc": lambda T, x: T.linalg.matrix_norm(x[:, :0], "nuc"),
    "empty batch": lambda T, x: T.linalg.matrix_norm(x[:0], -2),
}


@pytest.mark.parametrize("name", list(NORM_CASES))
def test_singular_value_norms_match_torch(torch, name):
    fn = NORM_CASES[name]
    a = _sv_matrix(2, 3, 4)

    def run(lib):  # noqa: ANN001, ANN202
        x = lib.tensor(a, requires_grad=True)
        out = fn(lib, x)
        chain, node = [], out.grad_fn
        while node is not None and node.next_functions:
            chain.append(node.name())
            node = node.next_functions[0][0]
        grad = None
        if out.requires_grad and out.numel():
            w = lib.tensor(np.arange(1.0, out.numel() + 1).reshape(tuple(out.shape)),
                           dtype=out.dtype)
            grad = lib.autograd.grad((out * w).sum(), x)[0].numpy()
        return (str(out.dtype), tuple(out.shape), out.detach().numpy(), chain, grad)

    ours, theirs = run(cr), run(torch)
    assert ours[:2] == theirs[:2] and ours[3] == theirs[3]
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-6)
    if theirs[4] is None:
        assert ours[4] is None
    else:
        np.testing.assert_allclose(ours[4], theirs[4], rtol=1e-6, atol=1e-9)


# ---- slogdet at singular matrices, the sign output, cdist's conventions -----------------------

def test_slogdet_gradient_at_singular_matrices(torch):
    # log|det| = -inf: torch's lu_solve keeps the LU's zero pivot and returns infinities and
    # nans. Which entry gets which depends on the arithmetic of its BLAS (fused multiply-adds);
    # an LU of our own keeps the zero pivot too: equal for this matrix, non-finite for others
    def grad(lib, m):  # noqa: ANN001, ANN202
        a = lib.tensor(m, dtype=lib.float64, requires_grad=True)
        lib.linalg.slogdet(a).logabsdet.sum().backward()
        return a.grad.numpy()

    np.testing.assert_array_equal(grad(cr, SINGULAR[0]), grad(torch, SINGULAR[0]))
    for m in (SINGULAR[2], SINGULAR[3], [[[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [0.0, 4.0]]]):
        ours, theirs = grad(cr, m), grad(torch, m)
        assert not np.isfinite(ours).all() and not np.isfinite(theirs).all()
    # a regular matrix in the same batch keeps its exact gradient
    np.testing.assert_allclose(grad(cr, [[[1.0, 2.0], [2.0, 4.0]], [[2.0, 0.0], [0.0, 4.0]]])[1],
                               [[0.5, 0.0], [0.0, 0.25]])


def test_slogdet_sign_is_an_output_without_gradient(torch):
    for T in (cr, torch):
        a = T.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
        r = T.linalg.slogdet(a)
        assert type(r).__name__ == "linalg_slogdet" and r[0] is r.sign and r[1] is r.logabsdet
        assert r.sign.requires_grad and r.sign.grad_fn.name() == "LinalgSlogdetBackward0"
        r.sign.backward()
        assert a.grad is None
        assert type(T.slogdet(a)).__name__ == "slogdet"


CDIST_KINKS = [
    ("p 2 at equal rows", 2.0, [[1.0, 2.0]], [[1.0, 2.0], [0.0, 0.0]]),
    ("p 1 at equal coordinates", 1.0, [[1.0, 2.0]], [[1.0, 1.0], [1.0, 2.0]]),
    ("p 0.5 at equal coordinates", 0.5, [[1.0, 2.0]], [[1.0, 1.0], [1.0, 2.0]]),
    ("p 3 at equal rows", 3.0, [[1.0, 2.0]], [[1.0, 1.0], [1.0, 2.0]]),
    ("p 1.5 at equal coordinates", 1.5, [[1.0, 2.0]], [[1.0, 1.0], [1.0, 2.0]]),
    ("p inf ties", float("inf"), [[1.0, 2.0], [0.0, 0.0]], [[0.0, 1.0], [0.0, 0.0]]),
    ("p 0", 0.0, [[1.0, 2.0]], [[0.0, 2.0]]),
    ("mm at equal rows", "mm", [[1.0, 2.0]], [[1.0, 2.0], [0.0, 0.0]]),
]


@pytest.mark.parametrize("name, p, a, b", CDIST_KINKS, ids=[k[0] for k in CDIST_KINKS])
def test_cdist_kinks_match_torch(torch, name, p, a, b):
    def grad(lib):  # noqa: ANN001, ANN202
        x = lib.tensor(a, dtype=lib.float64, requires_grad=True)
        y = lib.tensor(b, dtype=lib.float64, requires_grad=True)
        out = lib.cdist(x, y, compute_mode="use_mm_for_euclid_dist") if p == "mm" else \
            lib.cdist(x, y, p=p)
        (out * lib.arange(1.0, out.numel() + 1, dtype=lib.float64).reshape(out.shape)).sum() \
            .backward()
        return x.grad.numpy(), y.grad.numpy()

    for ours, theirs in zip(grad(cr), grad(torch)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_cdist_second_derivative_where_torch_has_none(torch):
    # torch does not differentiate _cdist_backward; chainrule's formulas are recorded ops, so
    # the second derivative exists: checked against finite differences
    x = torch.tensor([[1.0, 2.0], [0.5, -1.0]], dtype=torch.float64, requires_grad=True)
    (g,) = torch.autograd.grad(torch.cdist(x, x.detach() * 2).sum(), x, create_graph=True)
    with pytest.raises(RuntimeError, match="_cdist_backward"):
        g.sum().backward()
    a = cr.tensor([[1.0, 2.0], [0.5, -1.0]], dtype=cr.float64, requires_grad=True)
    b = cr.tensor([[0.3, 1.1], [2.0, 0.5], [1.4, 0.7]], dtype=cr.float64, requires_grad=True)
    for p in (1.0, 2.0, 3.0, 0.5):
        assert cr.autograd.gradgradcheck(lambda u, v, p=p: cr.cdist(u, v, p=p), (a, b))


def test_matrix_power_without_torch():
    a = cr.tensor([[1.0, 1.0], [0.0, 1.0]], requires_grad=True)
    out = cr.linalg.matrix_power(a, 0)
    assert out.tolist() == [[1.0, 0.0], [0.0, 1.0]]
    out.sum().backward()
    assert a.grad.tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert cr.matrix_power(a, 6).tolist() == [[1.0, 6.0], [0.0, 1.0]]


def test_cross_without_dim_warns_once():
    from chainrule._ops import linalg

    linalg._CROSS_WARNED[0] = False
    text = ("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass "
            "the dim explicitly or simply use torch.linalg.cross.\nThe default value of dim will "
            "change to agree with that of linalg.cross in a future release.")
    with pytest.warns(UserWarning) as record:
        cr.cross(_o(cr, 3, 2), _o(cr, 3, 2))
        cr.cross(_o(cr, 3, 2), _o(cr, 3, 2))
    assert [str(w.message) for w in record] == [text]
