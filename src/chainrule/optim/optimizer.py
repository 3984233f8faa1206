"""``Optimizer``: parameter groups, per-parameter state, ``zero_grad``, ``step`` and state
dicts, as ``torch.optim.Optimizer`` has them."""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from copy import deepcopy
from itertools import chain
from typing import Any

from .._creation import tensor
from .._dtypes import float32, float64, get_default_dtype
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad, no_grad
from ..nn.modules.module import clear_grads
from . import _kernels as K

__all__ = ["Optimizer", "required"]


class _RequiredParameter:
    """Marks a default a parameter group must supply itself."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj: Any) -> str:
    # torch.typename: a tensor by its legacy type name, anything else by module.qualname
    if isinstance(obj, Tensor):
        return obj.type()
    module = type(obj).__module__
    name = type(obj).__qualname__
    return name if module in ("builtins", None) else f"{module}.{name}"


def _scalar_dtype() -> Any:
    # the dtype of the ``step`` counters: float64 only under a float64 default
    return float64 if get_default_dtype() == float64 else float32


class Optimizer:
    """Base class of all optimizers: holds ``param_groups`` (dicts with every default filled
    in) and ``state`` (a dict per parameter), as ``torch.optim.Optimizer``.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.ones(2))
        >>> opt = torch.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.step()
        >>> w
        Parameter containing:
        tensor([0.8000, 0.8000], requires_grad=True)
    """

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state: defaultdict[Tensor, Any] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for param_group in param_groups:
            self.add_param_group(param_group)

    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state,
                "param_groups": self.param_groups}

    # per subclass: defaults a group saved by an older version lacks, and whether its
    # ``step`` counters are tensors (an older dict may hold numbers)
    _group_fallbacks: dict[str, Any] = {}
    _tensor_steps = False

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for group in self.param_groups:
            for key, value in self._group_fallbacks.items():
                group.setdefault(key, value)
        if self._tensor_steps:
            _tensor_step(self)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Adds a group of parameters, each default it leaves out filled in.

        Example:
            >>> import chainrule as torch
            >>> a, b = torch.nn.Parameter(torch.ones(1)), torch.nn.Parameter(torch.ones(1))
            >>> opt = torch.optim.SGD([a], lr=0.1)
            >>> opt.add_param_group({"params": [b], "lr": 0.01})
            >>> [g["lr"] for g in opt.param_groups]
            [0.1, 0.01]
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            param_group["params"] = list(params)

        tensors, names = [], []
        for param in param_group["params"]:
            if isinstance(param, tuple):
                names.append(param[0])
                tensors.append(param[1])
            else:
                tensors.append(param)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names

        for param in tensors:
            if not isinstance(param, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(param))
            if not self.defaults.get("differentiable", None) and not (
                    param.is_leaf or param.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")

        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)

        ids = [id(p) for p in tensors]
        if len(ids) != len(set(ids)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen: set[int] = set()
        for group in self.param_groups:
            seen.update(id(p) for p in group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(ids):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Resets the gradients of all parameters: to ``None`` (the default) or to zeros.

        Example:
            >>> import chainrule as torch
            >>> w = torch.nn.Parameter(torch.ones(2))
            >>> opt = torch.optim.SGD([w])
            >>> w.sum().backward()
            >>> opt.zero_grad()
            >>> w.grad is None
            True
        """
        clear_grads(chain.from_iterable(g["params"] for g in self.param_groups), set_to_none)

    def _run_step(self, closure: Callable[[], Any] | None) -> Any:
        # the closure recomputes the loss with grad on; the update itself is never recorded
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        with no_grad():
            for group in self.param_groups:
                self._update_group(group)
        return loss

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Performs one optimization step; returns what ``closure`` (called first, with grad
        enabled) returns, else None."""
        return self._run_step(closure)

    def _update_group(self, group: dict[str, Any]) -> None:
        raise NotImplementedError

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> None:
        raise NotImplementedError

    def _with_grads(self, group: dict[str, Any]) -> Iterator[tuple[Tensor, dict, Any]]:
        """Each parameter of the group that has a gradient (the others are skipped), with its
        state (set up by ``_init_state`` at its first step) and its gradient as an array,
        negated under ``maximize``."""
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if len(state) == 0:
                self._init_state(p, group)
            grad = K.data(p.grad)
            yield p, state, (-grad if group["maximize"] else grad)

    def state_dict(self) -> dict[str, Any]:
        """The state as a dict: ``state`` keyed by parameter index (counted across the
        groups in order) and ``param_groups`` with indices in place of parameters.

        Example:
            >>> import chainrule as torch
            >>> w = torch.nn.Parameter(torch.ones(2))
            >>> torch.optim.SGD([w], lr=0.1).state_dict()["param_groups"][0]["params"]
            [0]
        """
        mapping: dict[int, int] = {}
        start = 0

        def pack_group(group: dict[str, Any]) -> dict[str, Any]:
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                mapping.setdefault(id(p), i)
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        param_groups = [pack_group(g) for g in self.param_groups]
        packed_state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                        for k, v in self.state.items()}
        return {"state": packed_state, "param_groups": param_groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Loads a dict from ``state_dict()``: state tensors are cast to each parameter's
        dtype (``step`` kept as saved) and the hyperparameters replace the groups'.

        Example:
            >>> import chainrule as torch
            >>> w = torch.nn.Parameter(torch.ones(2))
            >>> opt = torch.optim.SGD([w], lr=0.1)
            >>> opt.load_state_dict(torch.optim.SGD([w], lr=0.5).state_dict())
            >>> opt.param_groups[0]["lr"]
            0.5
        """
        state_dict = state_dict.copy()
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))

        def cast(param: Tensor, value: Any, key: Any = None) -> Any:
            if isinstance(value, Tensor):
                if key == "step":
                    return value
                return value.to(dtype=param.dtype) if param.is_floating_point() else value
            if isinstance(value, dict):
                return {k: cast(param, v, key=k) for k, v in value.items()}
            if isinstance(value, Iterable) and not isinstance(value, str):
                return type(value)(cast(param, v) for v in value)
            return value

        state: defaultdict[Tensor, dict[Any, Any]] = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                state[id_map[k]] = cast(id_map[k], v)
            else:
                state[k] = v

        def update_group(group: dict[str, Any], new_group: dict[str, Any]) -> dict[str, Any]:
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})


def _tensor_step(optimizer: Optimizer) -> None:
    # a ``step`` saved as a number (older state dicts) becomes a tensor again
    for group in optimizer.param_groups:
        for p in group["params"]:
            p_state = optimizer.state.get(p, [])
            if len(p_state) != 0 and not isinstance(p_state["step"], Tensor):
                p_state["step"] = tensor(float(p_state["step"]), dtype=_scalar_dtype())


def _count_step(state: dict[str, Any]) -> float:
    """Adds one to the parameter's ``step`` tensor in place; returns the new count."""
    step_t = state["step"]
    K.store(step_t, K.add_scalar(K.data(step_t), 1))
    return step_t.item()


# the words torch's argument errors use for each hyperparameter
_ARGUMENT_WORDS = {"lr": "learning rate", "eps": "epsilon value", "momentum": "momentum value",
                   "weight_decay": "weight_decay value", "alpha": "alpha value",
                   "lr_decay": "lr_decay value",
                   "initial_accumulator_value": "initial_accumulator_value value"}


def _check_nonnegative(checks: dict[str, Any], nan_passes: bool = False) -> None:
    """torch's ValueError for the first negative hyperparameter, in the order given (and for
    a tensor lr of more than one element). SGD tests ``x < 0``, which lets a NaN through; the
    others test ``not 0 <= x``, which does not."""
    lr = checks.get("lr")
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    for name, value in checks.items():
        if (value < 0.0) if nan_passes else not 0.0 <= value:
            raise ValueError(f"Invalid {_ARGUMENT_WORDS[name]}: {value}")


def _check_supported(foreach: Any, differentiable: bool, fused: Any,
                     capturable: bool = False) -> None:
    # the update runs torch's single-tensor algorithm; foreach=True computes the same values
    # in torch up to rounding, so it is accepted; graph-recording and fused or capturable
    # kernels are not implemented
    if differentiable:
        raise NotImplementedError("chainrule.optim: differentiable=True is not supported")
    if fused:
        raise NotImplementedError("chainrule.optim: fused=True is not supported")
    if capturable:
        raise NotImplementedError("chainrule.optim: capturable=True is not supported")
