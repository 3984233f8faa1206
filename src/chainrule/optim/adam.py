"""``Adam`` and ``AdamW``, as torch's single-tensor implementation computes them."""

from __future__ import annotations

from typing import Any

from .._backend import np
from .._creation import tensor, zeros_like
from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_nonnegative, _check_supported, _count_step, _scalar_dtype
from .sgd import _value

__all__ = ["Adam", "AdamW"]


class Adam(Optimizer):
    """Adam: m = lerp(m, g, 1 - beta1), v = beta2 v + (1 - beta2) g^2, and
    p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps), with the running
    maximum of v under ``amsgrad``; weight decay is added to g, or, with
    ``decoupled_weight_decay`` (AdamW), p = p (1 - lr weight_decay) first.

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.Adam([w], lr=0.1)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *,
                 foreach: bool | None = None, maximize: bool = False, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        if isinstance(lr, Tensor):
            if foreach and not capturable:
                raise ValueError("lr as a Tensor is not supported for capturable=False and "
                                 "foreach=True")
        _check_nonnegative({"lr": lr, "eps": eps})
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        _check_nonnegative({"weight_decay": weight_decay})
        if not ((isinstance(betas[0], float) and isinstance(betas[1], float))
                or (isinstance(betas[0], Tensor) and isinstance(betas[1], Tensor))):
            raise ValueError("betas must be either both floats or both Tensors")
        for i in (0, 1):
            if isinstance(betas[i], Tensor) and betas[i].numel() != 1:
                raise ValueError(f"Tensor betas[{i}] must be 1-element")
        defaults = {"lr": lr, "betas": tuple(betas), "eps": eps, "weight_decay": weight_decay,
                    "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        _check_supported(foreach, differentiable, fused, capturable)
        super().__init__(params, defaults)

    _group_fallbacks = {"amsgrad": False, "maximize": False, "foreach": None,
                        "capturable": False, "differentiable": False,
                        "decoupled_weight_decay": False, "fused": None}
    _tensor_steps = True

    def _init_state(self, p: Tensor, group: dict[str, Any]) -> None:
        state = self.state[p]
        state["step"] = tensor(0.0, dtype=_scalar_dtype())
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_like(p)

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = _value(group["lr"])
        beta1, beta2 = (_value(b) for b in group["betas"])
        weight_decay = group["weight_decay"]
        eps = group["eps"]
        amsgrad = group["amsgrad"]
        for p, state, grad in self._with_grads(group):
            step = _count_step(state)
            param = K.data(p)
            if weight_decay != 0:
                if group["decoupled_weight_decay"]:
                    param = K.mul(param, 1 - lr * weight_decay)
                    K.store(p, param)
                    param = K.data(p)
                else:
                    grad = K.add(grad, param, weight_decay)
            exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
            K.store(exp_avg, K.lerp(K.data(exp_avg), grad, 1 - beta1))
            v = K.addcmul(K.mul(K.data(exp_avg_sq), beta2), grad, grad, 1 - beta2)
            K.store(exp_avg_sq, v)

            # bias corrections in double precision, as Python numbers
            bias_correction1 = 1 - beta1 ** step
            bias_correction2 = 1 - beta2 ** step
            step_size = lr / bias_correction1
            bias_correction2_sqrt = bias_correction2 ** 0.5
            if amsgrad:
                max_sq = state["max_exp_avg_sq"]
                K.store(max_sq, np.maximum(K.data(max_sq), K.data(exp_avg_sq)))
                v = K.data(max_sq)
            else:
                v = K.data(exp_avg_sq)
            denom = K.add_scalar(K.div(np.sqrt(v), bias_correction2_sqrt), eps)
            K.store(p, K.addcdiv(param, K.data(exp_avg), denom, -step_size))


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay, p = p (1 - lr weight_decay) before each
    update (weight_decay defaults to 0.01).

    Example:
        >>> import chainrule as torch
        >>> opt = torch.optim.AdamW(torch.nn.Linear(2, 1).parameters())
        >>> opt.param_groups[0]["weight_decay"], opt.param_groups[0]["decoupled_weight_decay"]
        (0.01, True)
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        # loading any state into AdamW keeps its decay decoupled
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
