"""The op table, indexing ops: index_select, gather, scatter, masked_select, take.

Index arguments arrive as NumPy integer arrays, already checked (dtype, shape, bounds) by the
public functions. A 0-d tensor indexes as a 1-D tensor of one element, as in torch.
"""

from __future__ import annotations

import math
from typing import Any

from ..._backend import np, row_major
from ..registry import op


def grid(index: Any, dim: int) -> tuple:
    """The advanced index that reaches, at each position of ``index``, the element at that
    position with its ``dim`` coordinate replaced by the index value (gather's addressing)."""
    if index.ndim == 0:
        index = index.reshape(1)
    shape = index.shape
    axes = []
    for k, n in enumerate(shape):
        if k == dim:
            axes.append(index)
        else:
            # the coordinate along axis k, broadcast over the others
            axes.append(np.arange(n).reshape((1,) * k + (n,) + (1,) * (len(shape) - k - 1)))
    return tuple(axes)


def _at_least_1d(a: Any) -> Any:
    a = np.asarray(a)
    return a.reshape(1) if a.ndim == 0 else a


# ---- index_select -----------------------------------------------------------------------------

def index_select_forward(self: Any, dim: int, index: Any) -> Any:
    # index is 1-D; a 0-d self (index [0]) gives a 0-d copy
    if np.ndim(self) == 0:
        return np.array(self)
    return np.take(self, index, axis=dim)


def index_select_backward_array(grad: Any, shape: tuple, dim: int, index: Any) -> Any:
    """``zeros(shape).index_add(dim, index, grad)``: ``grad`` summed into the selected
    positions along ``dim`` (repeated indices add up)."""
    return index_add_forward(np.zeros(shape, grad.dtype), grad, dim, index, 1)


INDEX_SELECT = op("IndexSelectBackward0", index_select_forward, fw="linear",
                  self=lambda F, grad, self_shape, dim, index: F.index_select_backward(
                      grad, self_shape, dim, index))

# ---- index_add, index_copy, index_fill: along dim, at the positions of a 1-D index ----------


def _along(dim: int, index: Any) -> tuple:
    return (slice(None),) * dim + (index,)


def _as_selected(source: Any, out: Any, dim: int, index: Any) -> Any:
    """``source`` in the shape of ``out[_along(dim, index)]`` (a 0-d source for one index)."""
    shape = out.shape[:dim] + (np.size(index),) + out.shape[dim + 1:]
    return np.reshape(source, shape)


def index_add_forward(self: Any, source: Any, dim: int, index: Any, alpha: Any) -> Any:
    # repeated indices add up; alpha is cast to the dtype first (an integer tensor truncates it)
    out = np.array(_at_least_1d(self))
    if alpha != 1:
        source = source * (int(alpha) if out.dtype.kind in "iub" else alpha)
    np.add.at(out, _along(dim, index), _as_selected(source, out, dim, index))
    return out.reshape(np.shape(self))


def index_copy_forward(self: Any, source: Any, dim: int, index: Any) -> Any:
    # a repeated index keeps the value written last, as torch's CPU kernel does
    out = np.array(_at_least_1d(self))
    out[_along(dim, index)] = _as_selected(source, out, dim, index)
    return out.reshape(np.shape(self))


def index_fill_forward(self: Any, dim: int, index: Any, value: Any) -> Any:
    out = np.array(_at_least_1d(self))
    out[_along(dim, index)] = value
    return out.reshape(np.shape(self))


def index_source_grad(F: Any, grad: Any, dim: int, index: Any, shape: tuple,
                      alpha: Any = 1) -> Any:
    """The gradient of index_add's and index_copy's ``source`` (of ``shape``): ``grad`` at
    ``index`` along ``dim``, times ``alpha``; seen as the source (a 0-d one, for one index)."""
    g = F.index_select(grad, dim, index)
    if tuple(g.shape) != tuple(shape):
        g = F.reshape(g, tuple(shape))
    return g if alpha == 1 else g * alpha


# self's gradient passes whole (repeated indices each pass grad on to source)
INDEX_ADD = op("IndexAddBackward0", index_add_forward, fw="linear",
               self=lambda F, grad: grad,
               source=lambda F, grad, dim, index, alpha, source_shape: index_source_grad(
                   F, grad, dim, index, source_shape, alpha))
# the positions source overwrites get no gradient from self
INDEX_COPY = op("IndexCopyBackward0", index_copy_forward, fw="linear",
                self=lambda F, grad, dim, index: F.index_fill(grad, dim, index, 0),
                source=lambda F, grad, dim, index, source_shape: index_source_grad(
                    F, grad, dim, index, source_shape))
# affine, not linear, in self: the tangent goes through the backward formula (filled with 0)
INDEX_FILL = op("IndexFillBackward0", index_fill_forward, fw="element_wise",
                self=lambda F, grad, dim, index: F.index_fill(grad, dim, index, 0))


def index_fill_value_grad(F: Any, grad: Any, dim: int, index: Any) -> Any:
    """The gradient of index_fill's 0-d tensor value: ``grad`` summed over the filled
    positions, each once (a repeated index, or a negative one naming the same position)."""
    size = grad.shape[dim] if len(grad.shape) else 1
    return F.index_select(grad, dim, np.unique(np.mod(index, size))).sum()


INDEX_FILL_TENSOR = op("IndexFillBackward1",
                       lambda self, value, dim, index: index_fill_forward(self, dim, index,
                                                                          value),
                       fw="linear",
                       self=lambda F, grad, dim, index: F.index_fill(grad, dim, index, 0),
                       value=lambda F, grad, dim, index: index_fill_value_grad(F, grad, dim,
                                                                               index))

# ---- gather and scatter -----------------------------------------------------------------------


# an empty index (of any shape, torch checks none) reads and writes nothing

def gather_forward(self: Any, dim: int, index: Any) -> Any:
    if not index.size:
        return np.empty(index.shape, np.asarray(self).dtype)
    # torch writes gather's result row-major whatever the layouts of self and index
    return row_major(_at_least_1d(self)[grid(index, dim)].reshape(index.shape))


def gather_backward_array(grad: Any, shape: tuple, dim: int, index: Any) -> Any:
    """``zeros(shape).scatter_add(dim, index, grad)``: repeated indices add up."""
    out = np.zeros(shape or (1,), grad.dtype)
    if index.size:
        np.add.at(out, grid(index, dim), np.reshape(grad, index.shape or (1,)))
    return out.reshape(shape)


def _src_part(src: Any, index: Any) -> Any:
    """The part of ``src`` that scatter reads: the leading block of ``index``'s shape."""
    src = _at_least_1d(src)
    return src[tuple(slice(n) for n in _at_least_1d(index).shape)]


def scatter_forward(self: Any, src: Any, dim: int, index: Any) -> Any:
    # a repeated index keeps the value written last, as torch's CPU kernel does; torch writes
    # the result of scatter (as of scatter_add) row-major whatever self's layout
    out = np.array(_at_least_1d(self), order="C")
    if index.size:
        out[grid(index, dim)] = _src_part(src, index)
    return out.reshape(np.shape(self))


def scatter_value_forward(self: Any, dim: int, index: Any, value: Any) -> Any:
    out = np.array(_at_least_1d(self), order="C")
    if index.size:
        out[grid(index, dim)] = value
    return out.reshape(np.shape(self))


def scatter_add_forward(self: Any, src: Any, dim: int, index: Any) -> Any:
    out = np.array(_at_least_1d(self), order="C")
    if index.size:
        np.add.at(out, grid(index, dim), _src_part(src, index))
    return out.reshape(np.shape(self))


def src_grad(F: Any, grad: Any, dim: int, index: Any, src_shape: tuple, node: str) -> Any:
    """The gradient of scatter's ``src``: ``grad`` gathered at ``index``. torch's formula gives
    it ``index``'s shape, so a ``src`` larger than ``index`` fails as in torch."""
    shape = tuple(index.shape)
    if shape != tuple(src_shape) and not all(s in (n, 1) for s, n in zip(src_shape, shape)):
        raise RuntimeError(f"Function {node} returned an invalid gradient at index 1 - got "
                           f"{list(shape)} but expected shape compatible with {list(src_shape)}")
    return F.gather(grad, dim, index)


GATHER = op("GatherBackward0", gather_forward, fw="linear",
            self=lambda F, grad, self_shape, dim, index: F.gather_backward(grad, self_shape, dim,
                                                                           index))
# positions that src overwrites get no gradient from self
SCATTER = op("ScatterBackward0", scatter_forward, fw="linear",
             self=lambda F, grad, dim, index: F.scatter_value(grad, dim, index, 0),
             src=lambda F, grad, dim, index, src_shape: src_grad(F, grad, dim, index, src_shape,
                                                                 "ScatterBackward0"))
SCATTER_VALUE = op("ScatterBackward1", scatter_value_forward, fw="element_wise",
                   self=lambda F, grad, dim, index: F.scatter_value(grad, dim, index, 0))
SCATTER_ADD = op("ScatterAddBackward0", scatter_add_forward, fw="linear",
                 self=lambda F, grad: grad,
                 src=lambda F, grad, dim, index, src_shape: src_grad(
                     F, grad, dim, index, src_shape, "ScatterAddBackward0"))

# ---- masked_select and take -------------------------------------------------------------------


def masked_select_forward(self: Any, mask: Any) -> Any:
    a, m = np.broadcast_arrays(self, mask)
    return a[m]


def masked_scatter_forward(self: Any, source: Any, mask: Any) -> Any:
    """``self`` broadcast with ``mask``, the first elements of ``source`` (in order) written
    where ``mask`` holds."""
    shape = np.broadcast_shapes(np.shape(self), np.shape(mask))
    out = np.array(np.broadcast_to(self, shape))
    where = np.broadcast_to(mask, shape)
    out[where] = np.reshape(source, -1)[:np.count_nonzero(where)]
    return out


def masked_scatter_backward_array(grad: Any, mask: Any, shape: tuple) -> Any:
    """The gradient of masked_scatter's ``source``: ``grad`` where ``mask`` holds, in order,
    then zeros for the elements of ``source`` that were not used."""
    out = np.zeros(math.prod(shape), grad.dtype)
    taken = masked_select_forward(grad, mask)
    out[:taken.size] = taken
    return out.reshape(shape)


# the gradient has the broadcast shape; the engine sums it back to self's
MASKED_SELECT = op("MaskedSelectBackward0", masked_select_forward, fw="linear",
                   self=lambda F, grad, self_shape, mask: F.masked_select_backward(
                       grad, self_shape, mask))
MASKED_SCATTER = op("MaskedScatterBackward0", masked_scatter_forward, fw="linear",
                    self=lambda F, grad, mask: F.where(mask, 0.0, grad),
                    source=lambda F, grad, mask, source_shape: F.masked_scatter_backward(
                        grad, mask, source_shape))


def take_forward(self: Any, index: Any) -> Any:
    return np.reshape(self, -1)[index]


def take_backward_array(grad: Any, shape: tuple, index: Any) -> Any:
    """``grad`` summed into the flat positions ``index`` (negative ones count from the end)."""
    out = np.zeros(math.prod(shape), grad.dtype)
    np.add.at(out, np.reshape(index, -1), np.reshape(grad, -1))
    return out.reshape(shape)


TAKE = op("TakeBackward0", take_forward, fw="linear",
          self=lambda F, grad, self_shape, index: F.take_backward(grad, self_shape, index))
# take's backward recorded (zeros.put_(index, grad, accumulate=True)), for double backward
PUT_BACKWARD = op("PutBackward0",
                  lambda self, shape, index: take_backward_array(self, shape, index),
                  fw="linear",
                  self=lambda F, grad, index: F.take(grad, index))
