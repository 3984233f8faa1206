"""``RMSprop`` and ``Adagrad``, as torch's single-tensor implementations compute them."""

from __future__ import annotations

from typing import Any

from .._backend import np
from .._creation import full_like, tensor, zeros_like
from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_supported, _count_step, _scalar_dtype
from .sgd import _value

__all__ = ["Adagrad", "RMSprop"]


class RMSprop(Optimizer):
    """RMSprop: v = alpha v + (1 - alpha) g^2 (minus the square of the running mean of g
    when ``centered``), then p = p - lr g / (sqrt(v) + eps), through a momentum buffer
    b = momentum b + g / (sqrt(v) + eps) when ``momentum`` > 0.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.RMSprop([w], lr=0.01)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, alpha: float = 0.99,
                 eps: float = 1e-8, weight_decay: float = 0, momentum: float = 0,
                 centered: bool = False, capturable: bool = False,
                 foreach: bool | None = None, maximize: bool = False,
                 differentiable: bool = False) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps,
                    "centered": centered, "weight_decay": weight_decay,
                    "capturable": capturable, "foreach": foreach, "maximize": maximize,
                    "differentiable": differentiable}
        _check_supported(foreach, differentiable, None, capturable)
        super().__init__(params, defaults)

    _group_fallbacks = {"momentum": 0, "centered": False, "foreach": None,
                        "maximize": False, "differentiable": False, "capturable": False}
    _tensor_steps = True

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = _value(group["lr"])
        alpha, eps = group["alpha"], group["eps"]
        weight_decay, momentum = group["weight_decay"], group["momentum"]
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if len(state) == 0:
                state["step"] = tensor(0.0, dtype=_scalar_dtype())
                state["square_avg"] = zeros_like(p)
                if momentum > 0:
                    state["momentum_buffer"] = zeros_like(p)
                if group["centered"]:
                    state["grad_avg"] = zeros_like(p)
            grad = K.data(p.grad)
            if group["maximize"]:
                grad = -grad
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
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.Adagrad([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, foreach: bool | None = None, *, maximize: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        if isinstance(lr, Tensor) and lr.numel() != 1:
            raise ValueError("Tensor lr must be 1-element")
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError("Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
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
        for p in group["params"]:
            if p.grad is None:
                continue
            state = self.state[p]
            if len(state) == 0:
                self._init_state(p, group)
            step = _count_step(state)
            grad = K.data(p.grad)
            if group["maximize"]:
                grad = -grad
            param = K.data(p)
            if weight_decay != 0:
                grad = K.add(grad, param, weight_decay)
            clr = lr / (1 + (step - 1) * group["lr_decay"])
            state_sum = state["sum"]
            K.store(state_sum, K.addcmul(K.data(state_sum), grad, grad, 1))
            std = K.add_scalar(np.sqrt(K.data(state_sum)), eps)
            K.store(p, K.addcdiv(param, grad, std, -clr))
