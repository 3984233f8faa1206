"""``SGD``: stochastic gradient descent with momentum, dampening, Nesterov momentum and weight
decay, as torch's single-tensor implementation computes it."""

from __future__ import annotations

from typing import Any

from .._tensor import Tensor
from . import _kernels as K
from .optimizer import Optimizer, _check_nonnegative, _check_supported

__all__ = ["SGD"]


def _value(x: Any) -> Any:
    # a 1-element tensor hyperparameter enters the kernels as its Python value
    return x.item() if isinstance(x, Tensor) else x


class SGD(Optimizer):
    """Stochastic gradient descent: g = grad + weight_decay * p; with momentum
    b = momentum * b + (1 - dampening) * g (b = g at the first step) and g = b, or
    g + momentum * b with ``nesterov``; then p = p - lr * g (+ with ``maximize``).

    Example:
        >>> import chainrule as torch
        >>> w = torch.nn.Parameter(torch.tensor([1.0, -2.0]))
        >>> opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w ** 2).sum().backward()
        >>> opt.step()
        >>> w
        Parameter containing:
        tensor([ 0.8000, -1.6000], requires_grad=True)
    """

    def __init__(self, params: Any, lr: float | Tensor = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float | Tensor = 0,
                 nesterov: bool = False, *, maximize: bool = False, foreach: bool | None = None,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        _check_nonnegative({"lr": lr, "momentum": momentum, "weight_decay": weight_decay},
                           nan_passes=True)
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening,
                    "weight_decay": weight_decay, "nesterov": nesterov, "maximize": maximize,
                    "foreach": foreach, "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        _check_supported(foreach, differentiable, fused)
        super().__init__(params, defaults)

    _group_fallbacks = {"nesterov": False, "maximize": False, "foreach": None,
                        "differentiable": False, "fused": False}
    _tensor_steps = False

    def _update_group(self, group: dict[str, Any]) -> None:
        lr = _value(group["lr"])
        weight_decay = _value(group["weight_decay"])
        momentum = group["momentum"]
        dampening = group["dampening"]
        for p in group["params"]:
            if p.grad is None:
                continue
            grad = K.data(p.grad)
            param = K.data(p)
            if group["maximize"]:
                grad = -grad
            if weight_decay != 0:
                grad = K.add(grad, param, weight_decay)
            if momentum != 0:
                state = self.state[p]
                buf = state.get("momentum_buffer")
                if buf is None:
                    # the first step's buffer is the (decayed) gradient itself, a new tensor
                    buf = K.new(grad.copy())
                    state["momentum_buffer"] = buf
                else:
                    b = K.add(K.mul(K.data(buf), momentum), grad, 1 - dampening)
                    K.store(buf, b)
                b = K.data(buf)
                grad = K.add(grad, b, momentum) if group["nesterov"] else b
            K.store(p, K.add(param, grad, -lr))
