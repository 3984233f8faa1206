"""``RMSprop`` and ``Adagrad``, as torch's single-tensor implementations compute them."""

from __future__ import annotations

from typing import Any

from .._backend import np
from .._creation import full_like, tensor, zeros_like
from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_nonnegative, _check_supported, _count_step, _scalar_dtype
from .sgd import _value

__all__ = ["Adagrad", "RMSprop"]


class RMSprop(Optimizer):
    """RMSprop: v = alpha v + (1 - alpha) g^2 (minus the square of the running mean of g
    when ``centered``), then p = p - lr g / (sqrt(v) + eps), through a momentum buffer
    b = momentum b + g / (sqrt(v) + eps) when ``momentum`` > 0.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.ones(3))
        >>> opt = torch.optim.RMSprop([w], momentum=0.9, centered=True)
        >>> w.sum().backward()
        >>> opt.step()
        >>> list(opt.state[w])
        ['step', 'square_avg', 'momentum_buffer', 'grad_avg']
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        _check_nonnegative({"lr": lr, "eps": eps, "momentum": momentum,
                            "weight_decay": weight_decay, "alpha": alpha})
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        _check_supported(foreach, differentiable, None, capturable)
        super().__init__(params, defaults)

    _group_fallbacks = {"momentum": 0, "centered": False, "foreach": None,
                        "maximize": False, "differentiable": False, "capturable": False}
    _tensor_steps = True

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> None:
        state = self.state[p]
        state["step"] = tensor(0.0, dtype=_scalar_dtype())
        state["square_avg"] = zeros_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = zeros_like(p)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = _value(group["lr"])
        alpha, eps = group["alpha"], group["eps"]
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        for p, state, grad in self._with_grads(group):
            _count_step(state)
            param = K.data(p)
            if weight_decay != 0:
                grad = K.add(grad, param, weight_decay)
            square_avg = state["square_avg"]
            v = K.addcmul(K.mul(K.data(square_avg), alpha), grad, grad, 1 - alpha)
            K.store(square_avg, v)
            if group["centered"]:
                grad_avg = state["grad_avg"]
                K.store(grad_avg, K.lerp(K.data(grad_avg), grad, 1 - alpha))
                m = K.data(grad_avg)
                # centered: v - mean(g)^2, the running variance of g
                avg = np.sqrt(K.addcmul(K.data(square_avg), m, m, -1))
            else:
                avg = np.sqrt(K.data(square_avg))
            avg = K.add_scalar(avg, eps)
            if momentum > 0:
                buf = state["momentum_buffer"]
                K.store(buf, K.addcdiv(K.mul(K.data(buf), momentum), grad, avg, 1))
                K.store(p, K.add(param, K.data(buf), -lr))
            else:
                K.store(p, K.addcdiv(param, grad, avg, -lr))


class Adagrad(Optimizer):
    """Adagrad: s = s + g^2 and p = p - clr g / (sqrt(s) + eps), with the decayed rate
    clr = lr / (1 + (t - 1) lr_decay) at step t.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.zeros(2))
        >>> opt = torch.optim.Adagrad([w], initial_accumulator_value=0.5)
        >>> opt.state[w]["sum"]
        tensor([0.5000, 0.5000])
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        _check_nonnegative({"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                            "initial_accumulator_value": initial_accumulator_value,
                            "eps": eps})
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value,
                    "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable, "fused": fused}
        _check_supported(foreach, differentiable, fused)
        super().__init__(params, defaults)
        # unlike the others, Adagrad's state exists from construction on
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, group)

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> None:
        state = self.state[p]
        state["step"] = tensor(0.0, dtype=_scalar_dtype())
        state["sum"] = full_like(p, group["initial_accumulator_value"])

    _group_fallbacks = {"foreach": None, "maximize": False, "differentiable": False,
                        "fused": None}
    _tensor_steps = True

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = _value(group["lr"])
        weight_decay, eps = group["weight_decay"], group["eps"]
        for p, state, grad in self._with_grads(group):
            step = _count_step(state)
            param = K.data(p)
            if weight_decay != 0:
                grad = K.add(grad, param, weight_decay)
            clr = lr / (1 + (step - 1) * group["lr_decay"])
            state_sum = state["sum"]
            K.store(state_sum, K.addcmul(K.data(state_sum), grad, grad, 1))
            std = K.add_scalar(np.sqrt(K.data(state_sum)), eps)
            K.store(p, K.addcdiv(param, grad, std, -clr))
