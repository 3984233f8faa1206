"""Anomaly detection: remember where each node was created, and at backward name the node
whose gradient went nan, with the forward traceback that created it."""

from __future__ import annotations

import os
import traceback
import warnings
from collections.abc import Callable
from typing import Any

from .._backend import np
from ._modes import refresh

# [enabled, check_nan]: module globals, read on every recorded op, so plain and cheap
STATE = [False, True]

_ENABLED_WARNING = ("Anomaly Detection has been enabled. This mode will increase the runtime and "
                    "should only be enabled for debugging.")


def is_anomaly_enabled() -> bool:
    return STATE[0]


def is_anomaly_check_nan_enabled() -> bool:
    return STATE[1]


_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def remember_forward(node: Any) -> None:
    """Stores the user's part of the creating call's stack in the node's metadata, as torch
    does (chainrule's own frames left out)."""
    frames = [f for f in traceback.extract_stack()
              if not os.path.abspath(f.filename).startswith(_PACKAGE)]
    node.metadata["traceback_"] = "".join(traceback.format_list(frames))


def run_checked(node: Any, grads: list, create_graph: bool) -> list:
    """``node._apply`` under anomaly mode: on an error or a nan gradient, warn with the forward
    traceback of the node, then raise."""
    try:
        outs = node._apply(grads, create_graph)
        if STATE[1]:
            for i, g in enumerate(outs):
                data = getattr(g, "_data", g)
                if data is not None and np.isnan(np.asarray(data)).any():
                    raise RuntimeError(f"Function '{node.name()}' returned nan values in its "
                                       f"{i}th output.")
        return outs
    except Exception:
        trace = node.metadata.get("traceback_") if node._hooks is not None else None
        if trace:
            warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that "
                          f"caused the error:\n{trace}", UserWarning, stacklevel=2)
        else:
            warnings.warn(f"Error detected in {node.name()}. No forward pass information "
                          "available. Enable detect anomaly during forward pass for more "
                          "information.", UserWarning, stacklevel=2)
        raise


class detect_anomaly:
    """Context manager and decorator turning anomaly detection on.

    >>> import chainrule as torch
    >>> with torch.autograd.detect_anomaly():  # doctest: +SKIP
    ...     torch.sqrt(torch.tensor(-1.0, requires_grad=True)).backward()
    Traceback (most recent call last):
    RuntimeError: Function 'SqrtBackward0' returned nan values in its 0th output.
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.prev = list(STATE)
        self.check_nan = check_nan
        warnings.warn(_ENABLED_WARNING, UserWarning, stacklevel=2)

    def __enter__(self) -> None:
        STATE[:] = [True, self.check_nan]
        refresh()

    def __exit__(self, *exc: object) -> None:
        STATE[:] = self.prev
        refresh()

    def __call__(self, fn: Callable) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__(self.check_nan):
                return fn(*args, **kwargs)

        return wrapper


class set_detect_anomaly:
    """Turns anomaly detection on or off at once; as a context manager, restores on exit."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self.prev = list(STATE)
        STATE[:] = [bool(mode), check_nan]
        refresh()

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: object) -> None:
        STATE[:] = self.prev
        refresh()
