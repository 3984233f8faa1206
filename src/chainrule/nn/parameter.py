"""``nn.Parameter`` and ``nn.Buffer``: tensors a Module registers as its state."""

from __future__ import annotations

from typing import Any

from .._backend import np
from .._dtypes import DEFAULT
from .._tensor import Tensor, _init, _set_requires_grad, _storage

__all__ = ["Buffer", "Parameter"]

_GRAD_MSG = "Only Tensors of floating point and complex dtype can require gradients"


def _share(t: Tensor, data: Tensor) -> None:
    """``t`` becomes a leaf over ``data``'s storage and version counter, as torch's
    ``_make_subclass`` and ``detach`` make it."""
    _init(t, _storage(data))
    t._aux_().version = data._aux_().version


class Parameter(Tensor):
    """A tensor that is a module parameter: assigned as a Module attribute, it is registered
    and returned by ``parameters()``. It requires grad by default; ops on it give plain
    tensors.

    >>> import chainrule as torch
    >>> torch.nn.Parameter(torch.tensor([1., 2.]))
    Parameter containing:
    tensor([1., 2.], requires_grad=True)
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> Parameter:
        if data is None:
            data = Tensor(np.empty((0,), dtype=DEFAULT.float))
        if not isinstance(data, Tensor):
            raise TypeError(f"expected Tensor as element 0 in argument 0, but got "
                            f"{type(data).__name__}")
        p = object.__new__(cls)
        _share(p, data)
        _set_requires_grad(p, requires_grad, _GRAD_MSG)
        return p

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True) -> None:
        pass  # __new__ did the work; Tensor.__init__ is the legacy constructor

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        return "Parameter containing:\n" + Tensor.__repr__(self)

    __str__ = __repr__

    def __deepcopy__(self, memo: dict) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        result = type(self)(self.data.clone(), self.requires_grad)
        memo[id(self)] = result
        return result

    def __reduce_ex__(self, protocol: int) -> Any:
        return (_rebuild_parameter, (np.array(self._data), self._requires_grad))


def _rebuild_parameter(data: Any, requires_grad: bool) -> Parameter:
    return Parameter(_tensor_of(data), requires_grad)


def _tensor_of(data: Any) -> Tensor:
    t = object.__new__(Tensor)
    _init(t, np.asarray(data))
    return t


class Buffer(Tensor):
    """Marks a tensor as a buffer: assigned as a Module attribute, it is registered as one
    (``persistent=False`` keeps it out of ``state_dict``). The result is a plain tensor
    over the same data, as torch's."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> Any:
        if data is None:
            data = Tensor(np.empty((0,), dtype=DEFAULT.float))
        t = object.__new__(cls)
        _share(t, data)
        t._requires_grad = data.requires_grad
        t.persistent = persistent
        return t

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True) -> None:
        pass

    def __repr__(self, *, tensor_contents: Any = None) -> str:
        return Tensor.__repr__(self)

    __str__ = __repr__
