"""Shape ops: reshape, view, expand, permute, flip, repeat, cat, stack, split, diagonals, ...

Views stay views (NumPy views of the same memory, as torch's share storage); ops that copy in
torch (flip, roll, repeat, tril, diag) copy here too. "Contiguous" means a C-contiguous array.
"""

from __future__ import annotations

import math
import operator
import warnings
from typing import Any

from .._backend import generic, ndarray, np
from .._tensor import Size, Tensor, _dim, _dims, _storage, contiguous_format
from . import derivatives as D
from .derivatives import shape as DS
from .registry import GRAPH, NUMPY, broadcast_check, call1, call_list, call_multi

# ---- argument helpers -------------------------------------------------------------------------


def _int(v: Any, fn: str, arg: str, pos: int) -> int:
    try:
        return operator.index(v)
    except TypeError:
        raise TypeError(f"{fn}(): argument '{arg}' failed to unpack the object at pos {pos} "
                        f"with error \"type must be tuple of ints,but got "
                        f"{type(v).__name__}\"") from None


def _shape_arg(shape: tuple, fn: str = "reshape", arg: str = "shape") -> tuple:
    """Sizes given as ``f(2, 3)`` or ``f((2, 3))``, as a tuple of ints."""
    for s in shape:
        if s.__class__ is not int:
            break
    else:
        return shape
    if len(shape) == 1 and not isinstance(shape[0], (int, generic)) and not (
            isinstance(shape[0], Tensor) and shape[0]._data.ndim == 0):
        shape = tuple(shape[0])
    return tuple(_int(s, fn, arg, i + 1) for i, s in enumerate(shape))


def _contiguous(data: Any) -> bool:
    return type(data) is not ndarray or data.flags.c_contiguous


def _views_as(data: Any, shape: tuple) -> bool:
    """Whether ``data`` can be seen with ``shape`` without copying (torch's computeStride)."""
    try:
        data.reshape(shape, copy=False)
    except ValueError:
        return False
    return True


# torch's legacy type names, as its expand error prints them
_LEGACY = {"float16": "torch.HalfTensor", "float32": "torch.FloatTensor",
           "float64": "torch.DoubleTensor", "int8": "torch.CharTensor",
           "uint8": "torch.ByteTensor", "int16": "torch.ShortTensor", "int32": "torch.IntTensor",
           "int64": "torch.LongTensor", "bool": "CPUBoolType",
           "complex64": "CPUComplexFloatType", "complex128": "CPUComplexDoubleType"}


# ---- reshaping --------------------------------------------------------------------------------

def _infer(shape: tuple, numel: int) -> tuple:
    """Resolves one ``-1`` and checks the element count, with torch's message."""
    known = 1
    free = None
    for i, s in enumerate(shape):
        if s == -1:
            if free is not None:
                raise RuntimeError("only one dimension can be inferred")
            free = i
        elif s < 0:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape "
                               f"{list(shape)}")
        else:
            known *= s
    if free is not None:
        if known == 0:
            if numel == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous")
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        if numel % known:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        shape = shape[:free] + (numel // known,) + shape[free + 1:]
    elif known != numel:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return shape


def _reshape(input: Tensor, shape: tuple) -> Tensor:
    """torch's reshape of an already inferred shape: a view of a contiguous tensor
    (``ViewBackward0``); otherwise a view when the strides allow (``ReshapeAliasBackward0``),
    else a contiguous copy viewed (``UnsafeViewBackward0`` over ``CloneBackward0``)."""
    data = input._data
    if _contiguous(data):
        return call1(D.VIEW, input, (shape,))
    if _views_as(data, shape):
        return call1(D.RESHAPE_ALIAS, input, (shape,))
    return call1(D.UNSAFE_VIEW, call1(D.CLONE, input), (shape,))


def reshape(input: Tensor, *shape: Any) -> Tensor:
    """``input`` with a new shape holding the same elements; a view when possible.

    >>> import chainrule as torch
    >>> torch.arange(6).reshape(2, -1)
    tensor([[0, 1, 2],
            [3, 4, 5]])
    """
    return _reshape(input, _infer(_shape_arg(shape), input._data.size))


def view(input: Tensor, *shape: Any) -> Tensor:
    """``input`` seen with a new shape (``ViewBackward0``); torch's error when the memory
    layout does not allow it.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).view(3, 2).shape
    torch.Size([3, 2])
    """
    data = input._data
    target = _infer(_shape_arg(shape, "view", "size"), data.size)
    if not _contiguous(data) and not _views_as(data, target):
        raise RuntimeError("view size is not compatible with input tensor's size and stride "
                           "(at least one dimension spans across two contiguous subspaces). "
                           "Use .reshape(...) instead.")
    return call1(D.VIEW, input, (target,))


def view_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.view(other.size())``."""
    return view(input, other._data.shape)


def reshape_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.reshape(other.size())``."""
    return reshape(input, other._data.shape)


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """The dims ``start_dim`` to ``end_dim`` merged into one (a reshape); ``input`` itself when
    there is nothing to merge.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3, 4).flatten(1).shape
    torch.Size([2, 12])
    """
    shape = input._data.shape
    ndim = len(shape)
    start = _dim(start_dim, ndim)
    end = _dim(end_dim, ndim)
    if start > end:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if ndim == 0:
        return _reshape(input, (1,))
    if start == end:
        return input
    merged = math.prod(shape[start:end + 1])
    return _reshape(input, shape[:start] + (merged,) + shape[end + 1:])


def ravel(input: Tensor) -> Tensor:
    """A 1-D view of ``input``, of a contiguous copy when ``input`` is not contiguous."""
    return view(contiguous(input), -1)


def unflatten(input: Tensor, dim: int, sizes: Any) -> Tensor:
    """The dim ``dim`` split into ``sizes`` (one may be -1), as a view.

    >>> import chainrule as torch
    >>> torch.zeros(2, 6).unflatten(1, (2, 3)).shape
    torch.Size([2, 2, 3])
    """
    shape = input._data.shape
    if not shape:
        raise RuntimeError("unflatten got an unexpected error:\n"
                           f"Dimension specified as {dim} but tensor has no dimensions")
    d = _dim(dim, len(shape))
    sizes = _shape_arg((sizes,), "unflatten", "sizes")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    try:
        inferred = _infer(sizes, shape[d])
    except RuntimeError as e:
        if "is invalid for input of size" in str(e):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to "
                               f"the size of dim {d} ({shape[d]}) in the input tensor") from None
        raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
    return view(input, shape[:d] + inferred + shape[d + 1:])


def squeeze(input: Tensor, dim: Any = None) -> Tensor:
    """``input`` without its size-1 dims (``SqueezeBackward0``), or without those among ``dim``
    (an int: ``SqueezeBackward1``; a tuple: ``SqueezeBackward2``).

    >>> import chainrule as torch
    >>> torch.zeros(2, 1, 3).squeeze().shape
    torch.Size([2, 3])
    """
    from .indexing import squeeze_dim

    ndim = input._data.ndim
    if dim is None:
        return call1(D.SQUEEZE, input)
    if isinstance(dim, (int, generic)):
        d = _dim(int(dim), ndim)
        return call1(D.SQUEEZE_SCALAR, input, (d,)) if ndim == 0 else squeeze_dim(input, d)
    dims = _dims(dim, ndim, sort=False)
    return call1(D.SQUEEZE_DIMS, input, (dims if ndim else (),))


# ---- broadcasting and repeating ---------------------------------------------------------------

def expand(input: Tensor, *sizes: Any) -> Tensor:
    """``input`` broadcast to ``sizes`` (``-1`` keeps a dimension), without copying.

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).expand(2, -1)
    tensor([[1, 2],
            [1, 2]])
    """
    sizes = _shape_arg(sizes, "expand", "size")
    data = input._data
    shape = data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(
            f"expand({_LEGACY.get(data.dtype.name, data.dtype.name)}{{{list(shape)}}}, "
            f"size={list(sizes)}): the number of sizes provided ({len(sizes)}) must be greater "
            f"or equal to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    for i in range(lead):
        if sizes[i] < 0:
            raise RuntimeError(f"The expanded size of the tensor ({sizes[i]}) isn't allowed in a "
                               f"leading, non-existing dimension {i}")
    out = list(sizes[:lead])
    for i, s in enumerate(shape):
        want = sizes[lead + i]
        if want == -1:
            want = s
        elif s != want and s != 1 or want < 0:
            raise RuntimeError(
                f"The expanded size of the tensor ({want}) must match the existing size ({s}) at "
                f"non-singleton dimension {lead + i}.  Target sizes: {list(sizes)}.  Tensor "
                f"sizes: {list(shape)}")
        out.append(want)
    _storage(input)  # a 0-d tensor's scalar becomes an array the view shares
    return call1(D.EXPAND, input, (tuple(out),))


def expand_as(input: Tensor, other: Tensor) -> Tensor:
    """``input.expand(other.size())``."""
    return expand(input, other._data.shape)


def broadcast_to(input: Tensor, size: Any) -> Tensor:
    """``input`` broadcast to ``size`` (``ExpandBackward0``)."""
    return expand(input, tuple(size))


def broadcast_shapes(*shapes: Any) -> Size:
    """The shape that tensors of ``shapes`` (each a sequence, or an int for a 1-d one)
    broadcast to.

    >>> import chainrule as torch
    >>> torch.broadcast_shapes((2,), (3, 1))
    torch.Size([3, 2])
    """
    shapes = tuple((x,) if isinstance(x, int) else x for x in shapes if x is not None)
    for shape in shapes:
        if not isinstance(shape, (tuple, list)):
            raise RuntimeError(f"Input shapes should be of type ints, a tuple of ints, or a list "
                               f"of ints, got {shape}")
    common = [1] * max((len(shape) for shape in shapes), default=0)
    for k, shape in enumerate(shapes):
        for i in range(-1, -1 - len(shape), -1):
            if shape[i] == common[i]:
                continue
            if common[i] == 1:
                if shape[i] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                common[i] = shape[i]
            elif shape[i] != 1:
                raise RuntimeError(f"Attempting to broadcast a dimension of length {shape[i]} at "
                                   f"{i}! Mismatching argument at index {k} had {shape}; but "
                                   f"expected shape should be broadcastable to {common}")
    return Size(common)


def broadcast_tensors(*tensors: Tensor) -> tuple:
    """The tensors expanded to their common shape, as views (``ExpandBackward0``).

    >>> import chainrule as torch
    >>> a, b = torch.broadcast_tensors(torch.tensor([1, 2]), torch.tensor([[3], [4]]))
    >>> a
    tensor([[1, 2],
            [1, 2]])
    """
    shape: tuple = ()
    for t in tensors:
        if t._data.shape != shape:
            broadcast_check(shape, t._data.shape)
            shape = tuple(np.broadcast_shapes(shape, t._data.shape))
    # a tensor of the common shape is returned as it is
    return tuple(t if t._data.shape == shape else expand(t, shape) for t in tensors)


def meshgrid(*tensors: Tensor, indexing: str | None = None) -> tuple:
    """Coordinate grids of 0-d or 1-d tensors: the k-th output varies along dim k (``"ij"``,
    the default), or with the first two dims swapped (``"xy"``), as expanded views.

    >>> import chainrule as torch
    >>> torch.meshgrid(torch.tensor([1, 2]), torch.tensor([3, 4, 5]), indexing="ij")[1]
    tensor([[3, 4, 5],
            [3, 4, 5]])
    """
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the "
                      "indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("xy", "ij"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f'{indexing}')
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    for t in tensors[1:]:
        if t._data.dtype != tensors[0]._data.dtype:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    for t in tensors:
        if t._data.ndim > 1:
            raise RuntimeError(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but "
                               f"got: {t}")
    n = len(tensors)
    dims = list(range(n))
    if indexing == "xy" and n >= 2:  # the first two tensors vary along dims 1 and 0
        dims[0], dims[1] = 1, 0
    shape = [0] * n
    for t, d in zip(tensors, dims):
        shape[d] = t._data.size
    grids = []
    for t, d in zip(tensors, dims):
        view_shape = [1] * n
        view_shape[d] = -1
        grids.append(expand(view(t, tuple(view_shape)), tuple(shape)))
    return tuple(grids)


def repeat(input: Tensor, *repeats: Any) -> Tensor:
    """``input`` tiled ``repeats[i]`` times along each dim (new leading dims when ``repeats``
    is longer), as a copy (``RepeatBackward0``).

    >>> import chainrule as torch
    >>> torch.tensor([1, 2]).repeat(2)
    tensor([1, 2, 1, 2])
    """
    if not repeats:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    repeats = _shape_arg(repeats, "repeat", "repeats")
    shape = input._data.shape
    if len(repeats) < len(shape):
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number "
                           "of dimensions of tensor")
    padded = (1,) * (len(repeats) - len(shape)) + tuple(shape)
    target = [r * s for r, s in zip(repeats, padded)]
    for n in target:
        if n < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {n}: {target}")
    return call1(D.REPEAT, input, (repeats,))


def tile(input: Tensor, *dims: Any) -> Tensor:
    """``repeat`` with ``dims`` padded by leading ones to ``input``'s number of dims."""
    dims = _shape_arg(dims, "tile", "dims")
    ndim = input._data.ndim
    if len(dims) < ndim:
        dims = (1,) * (ndim - len(dims)) + dims
    return repeat(input, dims)


# ---- permutations -----------------------------------------------------------------------------

def permute(input: Tensor, *dims: Any) -> Tensor:
    """``input`` with its dims reordered (a view, ``PermuteBackward0``): ``x.permute(1, 0)``
    or ``x.permute((1, 0))``.

    >>> import chainrule as torch
    >>> torch.zeros(2, 3, 4).permute(2, 0, 1).shape
    torch.Size([4, 2, 3])
    """
    if not dims:
        raise TypeError('permute() missing 1 required positional arguments: "dims"')
    if len(dims) == 1 and not isinstance(dims[0], (int, generic)):
        dims = tuple(dims[0])
    ndim = input._data.ndim
    if len(dims) != ndim:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length of the desired ordering of dimensions i.e. input.dim() = "
            f"{ndim} is not equal to len(dims) = {len(dims)}")
    norm = tuple(_dim(int(d), ndim) for d in dims)
    if len(set(norm)) != len(norm):
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return call1(D.PERMUTE, input, (norm,))


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``input`` with dims ``dim0`` and ``dim1`` swapped (a view, ``TransposeBackward0``).

    >>> import chainrule as torch
    >>> torch.zeros(2, 3).transpose(0, 1).shape
    torch.Size([3, 2])
    """
    ndim = input._data.ndim
    return call1(D.TRANSPOSE, input, (_dim(dim0, ndim), _dim(dim1, ndim)))


def swapaxes(input: Tensor, axis0: int, axis1: int) -> Tensor:
    """``transpose`` under NumPy's name."""
    return transpose(input, axis0, axis1)


def swapdims(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """``transpose``."""
    return transpose(input, dim0, dim1)


def t(input: Tensor) -> Tensor:
    """The transpose of a tensor of at most 2 dims (``TBackward0``)."""
    ndim = input._data.ndim
    if ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {ndim}D")
    return call1(D.TRANSPOSE_T, input)


# torch warns once per process (TORCH_WARN_ONCE)
_T_WARNED: dict = {}
_T_WARNINGS = {
    "nd": "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
          "deprecated and it will throw an error in a future release. Consider `x.mT` to "
          "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to "
          "reverse the dimensions of a tensor. (Triggered internally at "
          "/__w/pytorch/pytorch/aten/src/ATen/native/TensorShape.cpp:4314.)",
    "0d": "Tensor.T is deprecated on 0-D tensors. This function is the identity in these cases. "
          "(Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
          "TensorShape.cpp:4321.)",
    "mT": "Tensor.mT is deprecated on 0-D tensors. This function is the identity in these "
          "cases. (Triggered internally at /__w/pytorch/pytorch/aten/src/ATen/native/"
          "TensorShape.cpp:4373.)",
}


def _warn_once(kind: str) -> None:
    if not _T_WARNED.get(kind):
        _T_WARNED[kind] = True
        warnings.warn(_T_WARNINGS[kind], UserWarning, stacklevel=3)


def _T(self: Tensor) -> Tensor:
    """``x.T``: the dims reversed (``PermuteBackward0``); torch's deprecation warning, once,
    for tensors that are not 2-D."""
    ndim = self._data.ndim
    if ndim != 2:
        _warn_once("0d" if ndim == 0 else "nd")
    return call1(D.PERMUTE, self, (tuple(range(ndim - 1, -1, -1)),))


def _mT(self: Tensor) -> Tensor:
    """``x.mT``: the last two dims swapped (``TransposeBackward0``); a 0-d tensor is returned
    as it is, with torch's deprecation warning."""
    ndim = self._data.ndim
    if ndim == 0:
        _warn_once("mT")
        return self
    if ndim < 2:
        raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                           f"Got {ndim}-D tensor.")
    return call1(D.TRANSPOSE, self, (ndim - 2, ndim - 1))


def movedim(input: Tensor, source: Any, destination: Any) -> Tensor:
    """``input`` with the dims ``source`` moved to the positions ``destination``, the others
    kept in order (``PermuteBackward0``).

    >>> import chainrule as torch
    >>> torch.zeros(2, 3, 4).movedim(0, -1).shape
    torch.Size([3, 4, 2])
    """
    src = (source,) if isinstance(source, int) else tuple(source)
    dst = (destination,) if isinstance(destination, int) else tuple(destination)
    if len(src) != len(dst):
        raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(src)} "
                           f"dims) should contain the same number of dims as destination "
                           f"({list(dst)} dims)")
    ndim = input._data.ndim
    ns = [_dim(d, ndim) for d in src]
    nd = [_dim(d, ndim) for d in dst]
    if len(set(ns)) != len(ns):
        raise RuntimeError(f"movedim: repeated dim in `source` ({list(src)})")
    if len(set(nd)) != len(nd):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({list(dst)})")
    if ndim == 0:
        return call1(D.ALIAS, input)
    order = [-1] * ndim
    for s, d in zip(ns, nd):
        order[d] = s
    rest = iter(d for d in range(ndim) if d not in ns)
    perm = tuple(o if o != -1 else next(rest) for o in order)
    return call1(D.PERMUTE, input, (perm,))


moveaxis = movedim


def contiguous(input: Tensor, memory_format: Any = None) -> Tensor:
    """``input`` itself when contiguous, else a contiguous copy (``CloneBackward0``)."""
    if _contiguous(input._data):
        return input
    return call1(D.CLONE, input)


# ---- flips and rolls --------------------------------------------------------------------------

def flip(input: Tensor, dims: Any) -> Tensor:
    """``input`` reversed along ``dims`` (a tuple), as a copy (``FlipBackward0``)."""
    if isinstance(dims, int):
        raise TypeError("flip(): argument 'dims' (position 2) must be tuple of ints, not int")
    return _flip(input, dims)


def _flip(input: Tensor, dims: tuple) -> Tensor:
    ndim = input._data.ndim
    dims = _dims(dims, ndim, sort=False)
    return call1(D.FLIP, input, (dims if ndim else (),))


def _flip_method(self: Tensor, *dims: Any) -> Tensor:
    # x.flip(0), x.flip(0, 1), x.flip((0, 1))
    if not dims:
        raise TypeError('flip() missing 1 required positional arguments: "dims"')
    if len(dims) == 1 and not isinstance(dims[0], int):
        dims = tuple(dims[0])
    return _flip(self, dims)


def fliplr(input: Tensor) -> Tensor:
    """``input`` reversed along dim 1."""
    if input._data.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return call1(D.FLIP, input, ((1,),))


def flipud(input: Tensor) -> Tensor:
    """``input`` reversed along dim 0."""
    if input._data.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return call1(D.FLIP, input, ((0,),))


def roll(input: Tensor, shifts: Any, dims: Any = None) -> Tensor:
    """``input`` rolled by ``shifts`` along ``dims``; without ``dims``, rolled as if flattened
    (``RollBackward0``).

    >>> import chainrule as torch
    >>> torch.tensor([1, 2, 3]).roll(1)
    tensor([3, 1, 2])
    """
    shifts = (int(shifts),) if isinstance(shifts, (int, generic)) else tuple(shifts)
    dims = (dims,) if isinstance(dims, (int, generic)) else (
        () if dims is None else tuple(dims))
    if not shifts:
        raise RuntimeError("`shifts` required")
    if not dims:
        if len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                               "dims:0")
        return call1(D.ROLL, input, (shifts, None))
    if len(shifts) != len(dims):
        raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, "
                           f"dims:{len(dims)}")
    ndim = input._data.ndim
    if ndim == 0:
        raise IndexError(f"Dimension specified as {dims[0]} but tensor has no dimensions")
    return call1(D.ROLL, input, (shifts, tuple(_dim(int(d), ndim) for d in dims)))


# ---- joining ------------------------------------------------------------------------------------

def unbind(input: Tensor, dim: int = 0) -> tuple:
    """The slices of ``input`` along ``dim``, as a tuple of tensors (``UnbindBackward0``)."""
    d = _dim(dim, input._data.ndim)
    if input._data.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    return call_multi(D.UNBIND, (input,), (input._data,), (d,))


def split(tensor: Tensor, split_size_or_sections: Any, dim: int = 0) -> tuple:
    """Pieces of ``split_size_or_sections`` elements along ``dim`` (the last may be smaller),
    or pieces of the listed sizes."""
    if not isinstance(split_size_or_sections, int):
        return _split_with_sizes(tensor, split_size_or_sections, dim, 2)
    if tensor._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _dim(dim, tensor._data.ndim)
    n = tensor._data.shape[d]
    size = split_size_or_sections
    if size <= 0 and not (size == 0 and n == 0):
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got "
                           f"dimension size of {n}" if size == 0 else
                           f"split expects split_size be non-negative, but got split_size="
                           f"{size}")
    sizes = [size] * (n // size) + ([n % size] if n % size else []) if size else [0]
    return call_multi(D.SPLIT, (tensor,), (tensor._data,), (tuple(sizes), d))


def _split_with_sizes(input: Tensor, split_sizes: Any, dim: int, position: int) -> tuple:
    if not isinstance(split_sizes, (list, tuple)):
        raise TypeError(f"split_with_sizes(): argument 'split_sizes' (position {position}) must "
                        f"be tuple of ints, not {type(split_sizes).__name__}")
    if input._data.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = _dim(dim, input._data.ndim)
    n = input._data.shape[d]
    sizes = [_int(s, "split_with_sizes", "split_sizes", i + 1) for i, s in enumerate(split_sizes)]
    if any(s < 0 for s in sizes):
        raise RuntimeError(f"split_with_sizes expects split_sizes have only non-negative entries, "
                           f"but got split_sizes={sizes}")
    if sum(sizes) != n:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {n} "
                           f"(input tensor's size at dimension {d}), but got split_sizes={sizes}")
    return call_multi(D.SPLIT_WITH_SIZES, (input,), (input._data,), (tuple(sizes), d))


def split_with_sizes(input: Tensor, split_sizes: Any, dim: int = 0) -> tuple:
    """Pieces of the listed sizes along ``dim`` (``SplitWithSizesBackward0``), views of
    ``input``.

    >>> import chainrule as torch
    >>> [t.tolist() for t in torch.arange(5).split_with_sizes([2, 3])]
    [[0, 1], [2, 3, 4]]
    """
    return _split_with_sizes(input, split_sizes, dim, 2)


def _split_with_sizes_method(self: Tensor, split_sizes: Any, dim: int = 0) -> tuple:
    return _split_with_sizes(self, split_sizes, dim, 1)


_split_with_sizes_method.__name__ = "split_with_sizes"
_split_with_sizes_method.__doc__ = split_with_sizes.__doc__


_TENSOR_SPLIT_FORMS = ("(tuple of ints indices, int dim = 0)",
                       "(Tensor tensor_indices_or_sections, int dim = 0)",
                       "(int sections, int dim = 0)")
_MISSING = object()


def tensor_split(input: Tensor, indices_or_sections: Any = _MISSING, dim: int = 0, *,
                 sections: Any = _MISSING, indices: Any = _MISSING,
                 tensor_indices_or_sections: Any = _MISSING) -> tuple:
    """``input`` cut along ``dim`` into ``sections`` nearly equal pieces (the first
    ``size % sections`` one longer), or at the positions ``indices`` (out-of-range and
    decreasing positions give empty pieces); each piece a view (``SliceBackward0``).

    >>> import chainrule as torch
    >>> [t.tolist() for t in torch.arange(7).tensor_split(3)]
    [[0, 1, 2], [3, 4], [5, 6]]
    >>> [t.tolist() for t in torch.arange(7).tensor_split([1, 5])]
    [[0], [1, 2, 3, 4], [5, 6]]
    """
    given = [v for v in (indices_or_sections, sections, indices, tensor_indices_or_sections)
             if v is not _MISSING]
    return _tensor_split(input, given, dim, method=False)


def _tensor_split_method(self: Tensor, indices_or_sections: Any = _MISSING, dim: int = 0, *,
                         sections: Any = _MISSING, indices: Any = _MISSING,
                         tensor_indices_or_sections: Any = _MISSING) -> tuple:
    given = [v for v in (indices_or_sections, sections, indices, tensor_indices_or_sections)
             if v is not _MISSING]
    return _tensor_split(self, given, dim, method=True)


_tensor_split_method.__name__ = "tensor_split"
_tensor_split_method.__doc__ = tensor_split.__doc__


def _tensor_split(input: Tensor, given: list, dim: int, method: bool) -> tuple:
    from .indexing import slice as slice_

    value = given[0] if len(given) == 1 else None
    if isinstance(value, Tensor):
        t = value._data
        if t.dtype != np.int64:
            from .indexing import _type_name

            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to have dtype "
                               f"of long, but got {_type_name(t)}")
        if t.ndim > 1:
            raise RuntimeError(f"tensor_split expected tensor_indices_or_sections to be a "
                               f"zero-dimensional or one-dimensional tensor, but got a tensor "
                               f"with {t.ndim} dims")
        value = int(t) if t.ndim == 0 else [int(v) for v in t]
    elif isinstance(value, (list, tuple)) and not all(
            isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value):
        value = None
    elif isinstance(value, bool) or not isinstance(value, (int, np.integer, list, tuple)):
        value = None
    if value is None:
        got = ", ".join(["Tensor"] * (not method) + [type(v).__name__ for v in given])
        head = "" if method else "Tensor input, "
        forms = "".join(f" * ({head}{f[1:]}\n" for f in _TENSOR_SPLIT_FORMS)
        raise TypeError(f"tensor_split() received an invalid combination of arguments - got "
                        f"({got}), but expected one of:\n{forms}")
    shape = input._data.shape
    if not shape:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor with 0 dims")
    d = _dim(dim, len(shape))
    n = shape[d]
    if isinstance(value, (int, np.integer)):
        k = int(value)
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        q, r = divmod(n, k)
        stops = np.cumsum([q + 1] * r + [q] * (k - r)).tolist()
        bounds = list(zip([0] + stops[:-1], stops))
    else:
        # each position as a slice bound: negative ones count from the end, then clamped
        cuts = [min(max(c + n if c < 0 else c, 0), n) for c in (int(v) for v in value)]
        starts, stops = [0] + cuts, cuts + [n]
        bounds = [(a, max(a, b)) for a, b in zip(starts, stops)]
    return tuple(slice_(input, d, a, b, 1) for a, b in bounds)


def _split_along(name: str, input: Tensor, indices_or_sections: Any, least: int,
                 d: int) -> tuple:
    """hsplit / vsplit / dsplit: ``tensor_split`` along ``d``, sections that must divide the
    dim."""
    ndim = input._data.ndim
    if ndim < least:
        raise RuntimeError(f"torch.{name} requires a tensor with at least {least} dimension, "
                           f"but got a tensor with {ndim} dimensions!")
    value = indices_or_sections
    if isinstance(value, Tensor) and value._data.ndim == 0:
        value = int(value._data)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        n = input._data.shape[d]
        if value == 0 or n % value:
            raise RuntimeError(f"torch.{name} attempted to split along dimension {d}, but the "
                               f"size of the dimension {n} is not divisible by the split_size "
                               f"{value}!")
    elif not isinstance(value, (list, tuple, Tensor)):
        bad = f"      didn't match because some of the arguments have invalid types: " \
              f"(!{type(value).__name__}!)\n"
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({type(value).__name__}), but expected one of:\n"
                        f" * (int sections)\n{bad} * (tuple of ints indices)\n{bad}")
    return tensor_split(input, value, d)


def hsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """``tensor_split`` column-wise: along dim 1, or dim 0 of a 1-D tensor; sections must
    divide the dim.

    >>> import chainrule as torch
    >>> [t.shape for t in torch.zeros(3, 4).hsplit(2)]
    [torch.Size([3, 2]), torch.Size([3, 2])]
    """
    d = 1 if input._data.ndim > 1 else 0
    return _split_along("hsplit", input, indices_or_sections, 1, d)


def vsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """``tensor_split`` row-wise, along dim 0 of a tensor of at least 2 dims.

    >>> import chainrule as torch
    >>> [t.shape for t in torch.zeros(4, 2).vsplit([1])]
    [torch.Size([1, 2]), torch.Size([3, 2])]
    """
    return _split_along("vsplit", input, indices_or_sections, 2, 0)


def dsplit(input: Tensor, indices_or_sections: Any) -> tuple:
    """``tensor_split`` depth-wise, along dim 2 of a tensor of at least 3 dims.

    >>> import chainrule as torch
    >>> [t.shape for t in torch.zeros(1, 2, 4).dsplit(2)]
    [torch.Size([1, 2, 2]), torch.Size([1, 2, 2])]
    """
    return _split_along("dsplit", input, indices_or_sections, 3, 2)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """``chunks`` nearly equal pieces along ``dim`` (torch's sizes: ceil(n / chunks) each)."""
    if input._data.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
    n = input._data.shape[_dim(dim, input._data.ndim)]
    return split(input, max(-(-n // chunks), 1) if n else 1, dim)


def _same_rank_tensors(tensors: Any, name: str) -> list:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name}(): expected a non-empty list of Tensors")
    for t in tensors:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {tensors.index(t)} in argument 0, but "
                            f"got {type(t).__name__}")
    return tensors


def cat(tensors: Any, dim: int = 0) -> Tensor:
    """``tensors`` joined along an existing dimension ``dim`` (``CatBackward0``).

    >>> import chainrule as torch
    >>> torch.cat([torch.zeros(2, 3), torch.ones(1, 3)]).shape
    torch.Size([3, 3])
    """
    tensors = _same_rank_tensors(tensors, "torch.cat")
    first = tensors[0]._data
    if first.ndim == 0:
        raise RuntimeError("zero-dimensional tensor (at position 0) cannot be concatenated")
    d = _dim(dim, first.ndim)
    for k, t in enumerate(tensors[1:], 1):
        shape = t._data.shape
        if len(shape) != first.ndim:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {first.ndim} "
                               f"and {len(shape)}")
        for i, (a, b) in enumerate(zip(first.shape, shape)):
            if i != d and a != b:
                raise RuntimeError(f"Sizes of tensors must match except in dimension {d}. "
                                   f"Expected size {a} but got size {b} for tensor number {k} "
                                   "in the list.")
    arrays = _promoted([t._data for t in tensors])
    return call_list(D.CAT, tensors, arrays, (d,))


concat = concatenate = cat


def stack(tensors: Any, dim: int = 0) -> Tensor:
    """``tensors`` of one shape joined along a new dimension ``dim`` (``StackBackward0``)."""
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    tensors = _same_rank_tensors(tensors, "stack")
    shape = tensors[0]._data.shape
    for k, t in enumerate(tensors[1:], 1):
        if t._data.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got "
                               f"{list(shape)} at entry 0 and {list(t._data.shape)} at entry {k}")
    d = _dim(dim, len(shape) + 1)
    return call_list(D.STACK, tensors, _promoted([t._data for t in tensors]), (d,))


def _promoted(arrays: list) -> list:
    from .._dtypes import result_type

    dims = tuple(a.dtype for a in arrays if a.ndim)
    zeros = tuple(a.dtype for a in arrays if not a.ndim)
    dt = result_type(dims, zeros, ())
    return [a if a.dtype == dt else a.astype(dt) for a in arrays]


def _tensors_arg(tensors: tuple) -> tuple:
    # f(t), f(t1, t2), f([t1, t2])
    if len(tensors) == 1 and not isinstance(tensors[0], Tensor):
        return tuple(tensors[0]), True
    return tensors, len(tensors) != 1


def _at_least(tensors: tuple, fn: Any) -> Any:
    tensors, many = _tensors_arg(tensors)
    out = tuple(fn(t) for t in tensors)
    return out if many else out[0]


def _1d(t: Tensor) -> Tensor:
    return _reshape(t, (1,)) if t._data.ndim == 0 else t


def _2d(t: Tensor) -> Tensor:
    from .indexing import unsqueeze

    ndim = t._data.ndim
    return _reshape(t, (1, 1)) if ndim == 0 else unsqueeze(t, 0) if ndim == 1 else t


def _3d(t: Tensor) -> Tensor:
    from .indexing import unsqueeze

    ndim = t._data.ndim
    if ndim == 0:
        return _reshape(t, (1, 1, 1))
    if ndim == 1:
        return unsqueeze(unsqueeze(t, 0), -1)
    return unsqueeze(t, -1) if ndim == 2 else t


def atleast_1d(*tensors: Any) -> Any:
    """Each tensor with at least 1 dim (a 0-d one viewed as 1-D); one tensor in, one out."""
    return _at_least(tensors, _1d)


def atleast_2d(*tensors: Any) -> Any:
    """Each tensor with at least 2 dims (new leading dims)."""
    return _at_least(tensors, _2d)


def atleast_3d(*tensors: Any) -> Any:
    """Each tensor with at least 3 dims (a 1-D one as (1, n, 1), a 2-D one as (m, n, 1))."""
    return _at_least(tensors, _3d)


def _nonempty(tensors: Any, name: str) -> list:
    tensors = list(tensors)
    if not tensors:
        raise RuntimeError(f"{name} expects a non-empty TensorList")
    return tensors


def hstack(tensors: Any) -> Tensor:
    """``tensors`` joined column-wise: along dim 0 for 1-D tensors, else dim 1.

    >>> import chainrule as torch
    >>> torch.hstack([torch.zeros(2), torch.ones(3)]).shape
    torch.Size([5])
    """
    rep = [_1d(t) for t in _nonempty(tensors, "hstack")]
    return cat(rep, 0 if rep[0]._data.ndim == 1 else 1)


def vstack(tensors: Any) -> Tensor:
    """``tensors`` joined row-wise (1-D tensors as rows)."""
    return cat([_2d(t) for t in _nonempty(tensors, "vstack")], 0)


row_stack = vstack


def dstack(tensors: Any) -> Tensor:
    """``tensors`` joined depth-wise, along dim 2."""
    return cat([_3d(t) for t in _nonempty(tensors, "dstack")], 2)


def column_stack(tensors: Any) -> Tensor:
    """``tensors`` joined as columns (0-d and 1-D tensors as columns)."""
    cols = [_reshape(t, (t._data.size, 1)) if t._data.ndim <= 1 else t
            for t in _nonempty(tensors, "column_stack")]
    return hstack(cols)


# ---- sums to a size, repeats of elements, rotations, differences --------------------------------

def sum_to_size(input: Tensor, *size: Any) -> Tensor:
    """``input`` summed down to ``size``, which must expand to ``input``'s shape (the reverse
    of broadcasting): leading dims summed away, dims of size 1 summed with keepdim.

    >>> import chainrule as torch
    >>> torch.ones(2, 3).sum_to_size(1, 3)
    tensor([[2., 2., 2.]])
    """
    from .api import sum

    if not size:
        raise TypeError('sum_to_size() missing 1 required positional arguments: "size"')
    shape = _shape_arg(size, "sum_to_size", "size")
    have = input._data.shape
    lead = len(have) - len(shape)
    if lead < 0 or any(s != h and s != 1 for s, h in zip(shape, have[lead:])):
        raise RuntimeError(f"size {{{list(shape)}}} is not expandable to size {{{list(have)}}}.")
    if not shape:
        return sum(input)
    dims = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape)
                                      if s == 1 and have[lead + i] != 1)
    out = sum(input, dims, keepdim=True) if dims else input
    return view(out, shape) if lead else out


def _sum_to_size_method(self: Tensor, *size: Any, **kwargs: Any) -> Tensor:
    if "size" in kwargs:
        size = (*size, kwargs.pop("size"))
    if kwargs:
        raise TypeError(f"sum_to_size() got an unexpected keyword argument '{next(iter(kwargs))}'")
    return sum_to_size(self, *size)


_REPEAT_FORMS = ("(Tensor repeats, int dim = None, *, int output_size = None)",
                 "(int repeats, int dim = None, *, int output_size = None)")


def repeat_interleave(input: Tensor, repeats: Any = None, dim: int | None = None, *,
                      output_size: int | None = None) -> Tensor:
    """Each element of ``input`` repeated ``repeats`` times along ``dim`` (``input``
    flattened when ``dim`` is None): an int, or a tensor of one count per element. Given only
    a tensor of counts, the indices 0, 1, ... each repeated that often.

    >>> import chainrule as torch
    >>> torch.tensor([[1, 2], [3, 4]]).repeat_interleave(2, dim=0)
    tensor([[1, 2],
            [1, 2],
            [3, 4],
            [3, 4]])
    >>> torch.repeat_interleave(torch.tensor([1, 2]))
    tensor([0, 1, 1])
    """
    if repeats is None:
        return _repeat_counts(input, output_size)
    return _repeat_interleave(input, repeats, dim, output_size, method=False)


def _repeat_interleave_method(self: Tensor, repeats: Any, dim: int | None = None, *,
                              output_size: int | None = None) -> Tensor:
    return _repeat_interleave(self, repeats, dim, output_size, method=True)


_repeat_interleave_method.__name__ = "repeat_interleave"
_repeat_interleave_method.__doc__ = repeat_interleave.__doc__


def _counts(repeats: Tensor) -> Any:
    """A tensor of repeat counts as an array, with torch's dtype check."""
    r = repeats._data
    if r.dtype.kind not in "iu" or r.dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
        from .indexing import _type_name

        raise NotImplementedError(f"\"repeat_interleave_cpu\" not implemented for "
                                  f"'{_type_name(r)}'")
    return np.asarray(r)


def _repeat_counts(repeats: Tensor, output_size: int | None) -> Tensor:
    """``repeat_interleave(repeats)``: 0, 1, ... each repeated as ``repeats`` says."""
    from .._tensor import _make

    if not isinstance(repeats, Tensor) or repeats._data.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    r = _counts(repeats)
    if (r < 0).any():
        raise RuntimeError("repeats can not be negative")
    out = np.repeat(np.arange(r.size, dtype=np.int64), r)
    if output_size is not None and output_size != out.size:
        raise RuntimeError("allocated size does not match required size")
    return _make(out)


def _repeat_interleave(input: Tensor, repeats: Any, dim: Any, output_size: Any,
                       method: bool) -> Tensor:
    from .indexing import index_select, unsqueeze

    x = input if dim is not None else flatten(input)
    d = _dim(0 if dim is None else dim, x._data.ndim)
    if isinstance(repeats, Tensor):
        # torch: index_select with each index repeated as often as it says
        r = _counts(repeats)
        if r.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        if not x._data.ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        n = x._data.shape[d]
        if r.size == 1:
            r = np.broadcast_to(r.reshape(1), (n,))
        elif r.shape[0] != n:
            raise RuntimeError(f"repeats must have the same size as input along dim, but got "
                               f"repeats.size(0) = {r.shape[0]} and input.size("
                               f"{0 if dim is None else dim}) = {n}")
        if (r < 0).any():
            raise RuntimeError("repeats can not be negative")
        index = np.repeat(np.arange(n, dtype=np.int64), r)
        if output_size is not None and output_size != index.size:
            raise RuntimeError("allocated size does not match required size")
        from .._tensor import _make

        return index_select(x, d, _make(index))
    if isinstance(repeats, bool) or not isinstance(repeats, (int, np.integer)):
        head = "" if method else "Tensor input, "
        got = ("" if method else "Tensor, ") + type(repeats).__name__
        forms = (f" * ({head}{_REPEAT_FORMS[0][1:]}\n"
                 + ("" if method else " * (Tensor repeats, *, int output_size = None)\n")
                 + f" * ({head}{_REPEAT_FORMS[1][1:]}\n")
        raise TypeError(f"repeat_interleave() received an invalid combination of arguments - "
                        f"got ({got}), but expected one of:\n{forms}")
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    # torch: a new dim after d expanded to the count, made contiguous, merged back into d
    u = unsqueeze(x, d + 1)
    total = x._data.shape[d] * int(repeats)
    if output_size is not None and output_size != total:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {total} but got "
                           f"{output_size}")
    shape = list(u._data.shape)
    shape[d + 1] = int(repeats)
    from .api import clone

    copied = clone(expand(u, tuple(shape)), memory_format=contiguous_format)
    return flatten(copied, d, d + 1)


def rot90(input: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    """``input`` turned ``k`` quarter turns in the plane ``dims``, from the first dim towards
    the second (``Rot90Backward0``); a copy, laid out as torch's flips and transpose leave it.

    >>> import chainrule as torch
    >>> torch.tensor([[1, 2], [3, 4]]).rot90()
    tensor([[2, 4],
            [1, 3]])
    """
    return _rot90(input, k, dims, 1)


def _rot90_method(self: Tensor, k: int = 1, dims: Any = (0, 1)) -> Tensor:
    return _rot90(self, k, dims, 0)


_rot90_method.__name__ = "rot90"
_rot90_method.__doc__ = rot90.__doc__


def _rot90(input: Tensor, k: Any, dims: Any, offset: int) -> Tensor:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)):
        raise TypeError(f"rot90(): argument 'k' (position {1 + offset}) must be int, not "
                        f"{type(k).__name__}")
    if not isinstance(dims, (list, tuple)):
        raise TypeError(f"rot90(): argument 'dims' (position {2 + offset}) must be tuple of "
                        f"ints, not {type(dims).__name__}")
    ndim = input._data.ndim
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    if ndim < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {ndim}")
    d0, d1 = (int(d) for d in dims)
    if d0 == d1 or abs(d0 - d1) == ndim:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {d0} and "
                           f"dim1 = {d1}")
    return call1(D.ROT90, input, (int(k) % 4, _dim(d0, ndim), _dim(d1, ndim)))


def diff(input: Tensor, n: int = 1, dim: int = -1, prepend: Tensor | None = None,
         append: Tensor | None = None) -> Tensor:
    """The ``n``-th forward difference along ``dim`` (``prepend`` and ``append`` joined on
    first), as torch builds it: slices subtracted (``SubBackward0``), ``logical_xor`` for
    bools.

    >>> import chainrule as torch
    >>> torch.tensor([1, 4, 9, 16]).diff()
    tensor([3, 5, 7])
    """
    from .api import logical_xor, sub
    from .indexing import narrow

    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"diff(): argument 'n' must be int, not {type(n).__name__}")
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    ndim = input._data.ndim
    if ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    d = _dim(dim, ndim)
    for other in (prepend, append):
        if other is None:
            continue
        if other._data.ndim != ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as "
                               "input")
        for i, (a, b) in enumerate(zip(input._data.shape, other._data.shape)):
            if i != d and a != b:
                raise RuntimeError(f"diff expects the shape of tensor to prepend or append to "
                                   f"match that of input except along the differencing "
                                   f"dimension; input.size({i}) = {a}, but got tensor.size({i})"
                                   f" = {b}")
    x = input
    if prepend is not None or append is not None:
        x = cat([t for t in (prepend, input, append) if t is not None], d)
    if n == 0:
        # torch: zeros_like(input).copy_(input)
        from .._creation import zeros_like

        return zeros_like(x).copy_(x)
    size = x._data.shape[d]
    length = size - 1
    xor = x._data.dtype.kind == "b"
    for _ in range(min(n, size)):
        hi, lo = narrow(x, d, 1, length), narrow(x, d, 0, length)
        x = logical_xor(hi, lo) if xor else sub(hi, lo)
        length -= 1
    return x


# ---- triangles and diagonals --------------------------------------------------------------------

def tril(input: Tensor, diagonal: int = 0) -> Tensor:
    """The lower triangle (on and below ``diagonal``) of the last two dims, zeros elsewhere."""
    if input._data.ndim < 2:
        raise RuntimeError("tril: input tensor must have at least 2 dimensions")
    return call1(D.TRIL, input, (int(diagonal),))


def triu(input: Tensor, diagonal: int = 0) -> Tensor:
    """The upper triangle (on and above ``diagonal``) of the last two dims, zeros elsewhere."""
    if input._data.ndim < 2:
        raise RuntimeError("triu: input tensor must have at least 2 dimensions")
    return call1(D.TRIU, input, (int(diagonal),))


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    """The diagonal ``offset`` of the (dim1, dim2) planes, as the last dim of a view
    (``DiagonalBackward0``).

    >>> import chainrule as torch
    >>> torch.arange(9).reshape(3, 3).diagonal(1)
    tensor([1, 5])
    """
    ndim = input._data.ndim
    d1, d2 = _dim(dim1, ndim), _dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return call1(D.DIAGONAL, input, (int(offset), d1, d2))


def diag_embed(input: Tensor, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    """A tensor whose (offset, dim1, dim2) diagonals hold the last dim of ``input``."""
    ndim = input._data.ndim + 1
    d1, d2 = _dim(dim1, ndim), _dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return call1(D.DIAG_EMBED, input, (int(offset), d1, d2))


def diag(input: Tensor, diagonal: int = 0) -> Tensor:
    """A 1-D tensor as the ``diagonal`` of a square matrix (``DiagEmbedBackward0``), or the
    ``diagonal`` of a 2-D tensor as a copy (``DiagonalBackward0_copy``).

    >>> import chainrule as torch
    >>> torch.diag(torch.tensor([1, 2]))
    tensor([[1, 0],
            [0, 2]])
    """
    ndim = input._data.ndim
    if ndim == 1:
        return call1(D.DIAG_EMBED, input, (int(diagonal), 0, 1))
    if ndim == 2:
        return call1(D.DIAGONAL_COPY, input, (int(diagonal), 0, 1))
    raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {ndim}D")


# ---- the namespace recorded formulas use (create_graph=True) ---------------------------------

def sum_to(g: Tensor, shape: tuple) -> Tensor:
    """Sums ``g`` down to ``shape`` (the reverse of broadcasting), recorded."""
    from .api import sum

    lead = g._data.ndim - len(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, s in enumerate(shape) if s == 1 and g._data.shape[lead + i] != 1)
    if dims:
        g = sum(g, dims, keepdim=True)
    if g._data.shape != tuple(shape):
        g = reshape(g, tuple(shape))
    return g




def _graph_stack_grads(grads: list, shape: tuple, dim: int) -> Tensor:
    from .._creation import zeros

    like = next(g for g in grads if g is not None)
    part = shape[:dim] + shape[dim + 1:]
    return stack([zeros(part, dtype=like.dtype) if g is None else g for g in grads], dim)


def _graph_cat_grads(grads: list, shape: tuple, sizes: tuple, dim: int) -> Tensor:
    from .._creation import zeros

    like = next(g for g in grads if g is not None)
    return cat([zeros(shape[:dim] + (n,) + shape[dim + 1:], dtype=like.dtype) if g is None
                else g for g, n in zip(grads, sizes)], dim)


def _graph_repeat_backward(g: Tensor, shape: tuple, repeats: tuple) -> Tensor:
    # torch's repeat_backward: the new leading dims summed one by one, then the rest viewed as
    # (r0, s0, r1, s1, ...) and summed over the r's
    from .._creation import zeros
    from .api import sum

    if 0 in repeats:
        return zeros(shape, dtype=g.dtype)
    for _ in range(len(repeats) - len(shape)):
        g = sum(g, 0)
    split_shape: list = []
    for r, s in zip(repeats[len(repeats) - len(shape):], shape):
        split_shape += [r, s]
    return sum(reshape(g, tuple(split_shape)), tuple(range(0, 2 * len(shape), 2)))


GRAPH.stack_grads = _graph_stack_grads
GRAPH.cat_grads = _graph_cat_grads
GRAPH.split_grad = lambda g, sizes, dim: list(split(g, list(sizes), dim))
GRAPH.permute = lambda g, dims: call1(D.PERMUTE, g, (tuple(dims),))
GRAPH.transpose = lambda g, dim0, dim1: call1(D.TRANSPOSE, g, (dim0, dim1))
GRAPH.t = lambda g: call1(D.TRANSPOSE_T, g)
GRAPH.flip = lambda g, dims: call1(D.FLIP, g, (dims,))
GRAPH.rot90 = lambda g, k, dim0, dim1: call1(D.ROT90, g, (k, dim0, dim1))
GRAPH.roll = lambda g, shifts, dims: call1(D.ROLL, g, (shifts, dims))
GRAPH.tril = lambda g, diagonal: call1(D.TRIL, g, (diagonal,))
GRAPH.triu = lambda g, diagonal: call1(D.TRIU, g, (diagonal,))
GRAPH.diagonal = lambda g, offset, dim1, dim2: call1(D.DIAGONAL, g, (offset, dim1, dim2))
GRAPH.diagonal_backward = lambda g, shape, offset, dim1, dim2: call1(
    D.DIAGONAL_BACKWARD, g, (shape, offset, dim1, dim2))
GRAPH.repeat_backward = _graph_repeat_backward

# the array methods, without NumPy's Python wrappers (a TBackward0 runs in every linear layer)
NUMPY.permute = lambda g, dims: g.transpose(dims)
NUMPY.transpose = D.TRANSPOSE.forward
NUMPY.t = lambda g: g.transpose()
NUMPY.flip = DS.flip_array
NUMPY.roll = DS.roll_array
NUMPY.tril = DS.tril_array
NUMPY.triu = DS.triu_array
NUMPY.rot90 = DS.rot90_array
NUMPY.diagonal = DS.diagonal_view
NUMPY.diagonal_backward = DS.diagonal_backward_array
NUMPY.repeat_backward = DS.repeat_backward_array

__all__ = [
    "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_shapes", "broadcast_tensors",
    "broadcast_to", "cat", "chunk", "column_stack", "concat", "concatenate", "diag", "diag_embed",
    "diagonal", "diff", "dsplit", "dstack", "expand", "flatten", "flip", "fliplr", "flipud",
    "hsplit", "hstack", "meshgrid", "moveaxis", "movedim", "permute", "ravel", "repeat_interleave",
    "reshape", "roll", "rot90", "row_stack", "split", "split_with_sizes", "squeeze", "stack",
    "swapaxes", "swapdims", "t", "tensor_split", "tile", "transpose", "tril", "triu", "unbind",
    "unflatten", "view", "vsplit", "vstack",
]
METHODS = {
    "reshape": reshape, "view": view, "view_as": view_as, "reshape_as": reshape_as,
    "flatten": flatten, "ravel": ravel, "unflatten": unflatten, "squeeze": squeeze,
    "expand": expand, "expand_as": expand_as, "broadcast_to": broadcast_to, "repeat": repeat,
    "tile": tile, "permute": permute, "transpose": transpose, "swapaxes": swapaxes,
    "swapdims": swapdims, "t": t, "T": property(_T), "mT": property(_mT), "movedim": movedim,
    "moveaxis": movedim, "contiguous": contiguous, "flip": _flip_method, "fliplr": fliplr,
    "flipud": flipud, "roll": roll, "split": split, "chunk": chunk, "unbind": unbind,
    "tril": tril, "triu": triu, "diagonal": diagonal, "diag_embed": diag_embed, "diag": diag,
    "split_with_sizes": _split_with_sizes_method, "tensor_split": _tensor_split_method,
    "hsplit": hsplit, "vsplit": vsplit, "dsplit": dsplit, "sum_to_size": _sum_to_size_method,
    "repeat_interleave": _repeat_interleave_method, "rot90": _rot90_method, "diff": diff,
}
