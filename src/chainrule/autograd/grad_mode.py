"""Grad modes: whether ops record the graph. Per thread, as in torch."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from ._modes import refresh

_GENERATOR = 0x20  # CO_GENERATOR: the function's body contains yield
_object_new = object.__new__


class _State(threading.local):
    grad_enabled = True
    inference = False


# How many inference_mode contexts are open in any thread: tensor creation reads this one
# number and marks its tensor as an inference tensor only when it is not zero.
INFERENCE_ACTIVE = [0]


_state = _State()


def is_grad_enabled() -> bool:
    """Whether ops currently record the graph (per thread).

    >>> import chainrule as torch
    >>> torch.is_grad_enabled()
    True
    """
    return _state.grad_enabled


class _GradModeContext:
    """A context manager that is also a decorator, like torch's ``_DecoratorContextManager``."""

    _mode = True

    def __init__(self) -> None:
        self._prev: list[bool] = []

    def __enter__(self) -> None:
        state = _state
        self._prev.append(state.grad_enabled)
        state.grad_enabled = self._mode

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        _state.grad_enabled = self._prev.pop()

    def clone(self) -> _GradModeContext:
        return type(self)()

    def __call__(self, func: Callable) -> Callable:
        if func.__code__.co_flags & _GENERATOR if hasattr(func, "__code__") else False:

            @functools.wraps(func)
            def generator(*args: Any, **kwargs: Any) -> Any:
                gen = func(*args, **kwargs)
                try:
                    with self.clone():
                        response = gen.send(None)
                    while True:
                        request = yield response
                        with self.clone():
                            response = gen.send(request)
                except StopIteration as stop:
                    return stop.value

            return generator

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.clone():
                return func(*args, **kwargs)

        return wrapper


class _NoParamDecorator(_GradModeContext):
    """Lets ``@no_grad`` be written with or without parentheses, as torch allows."""

    def __new__(cls, orig_func: Callable | None = None) -> Any:
        if orig_func is None:
            return _object_new(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    """Context manager and decorator that turns graph recording off.

    >>> import chainrule as torch
    >>> x = torch.tensor(1.0, requires_grad=True)
    >>> with torch.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    _mode = False


class enable_grad(_NoParamDecorator):
    """Context manager and decorator that turns graph recording on (inside ``no_grad``)."""

    _mode = True


class set_grad_enabled(_GradModeContext):
    """Sets grad mode on or off: at once when called, restored when used as a context manager.

    >>> import chainrule as torch
    >>> _ = torch.set_grad_enabled(False)
    >>> torch.is_grad_enabled()
    False
    >>> _ = torch.set_grad_enabled(True)
    """

    def __init__(self, mode: bool) -> None:
        self._prev = [_state.grad_enabled]
        self._mode = bool(mode)
        _state.grad_enabled = self._mode

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        _state.grad_enabled = self._prev.pop()

    def clone(self) -> set_grad_enabled:
        return set_grad_enabled(self._mode)

    def __call__(self, func: Callable) -> Callable:
        _state.grad_enabled = self._prev.pop()
        return super().__call__(func)


def is_inference_mode_enabled() -> bool:
    """Whether ``inference_mode`` is on in this thread."""
    return _state.inference


class inference_mode(_GradModeContext):
    """Like ``no_grad``, and the tensors made inside are inference tensors
    (``is_inference()``), which autograd refuses to save for backward.

    >>> import chainrule as torch
    >>> with torch.inference_mode():
    ...     y = torch.ones(2) * 2
    >>> y.is_inference(), y.requires_grad
    (True, False)
    """

    def __init__(self, mode: bool = True) -> None:
        super().__init__()
        self.mode = bool(mode)

    def __new__(cls, mode: Any = True) -> Any:
        if callable(mode) and not isinstance(mode, bool):  # used bare: @inference_mode
            return cls()(mode)
        return super().__new__(cls)

    def __enter__(self) -> None:
        self._prev.append((_state.grad_enabled, _state.inference))
        if self.mode:
            _state.grad_enabled = False
            _state.inference = True
            INFERENCE_ACTIVE[0] += 1
            refresh()
        else:
            _state.inference = False

    def __exit__(self, *exc: object) -> None:
        grad, inference = self._prev.pop()
        if self.mode:
            INFERENCE_ACTIVE[0] -= 1
            refresh()
        _state.grad_enabled, _state.inference = grad, inference

    def clone(self) -> inference_mode:
        return inference_mode(self.mode)
