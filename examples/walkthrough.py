"""Derivatives with chainrule: the lessons of the "Differentiation in PyTorch" labs, step by step.

Run it with ``python examples/walkthrough.py [OUTPUT_FOLDER]``. It prints every step and, when
matplotlib is installed, draws each function beside its derivative into OUTPUT_FOLDER
(default: ./chainrule-walkthrough).
"""

from __future__ import annotations

import sys
from pathlib import Path

import chainrule as torch


def step(title: str) -> None:
    print(f"\n== {title} ==")


def derivative_at_a_point() -> None:
    step("1. The derivative of y = x**2 at x = 2")
    x = torch.tensor(2.0, requires_grad=True)
    y = x**2
    print("x =", x)
    print("y = x**2 =", y)
    y.backward()
    print("dy/dx at 2 =", x.grad, " (by hand: 2x = 4)")
    print("y.grad_fn =", y.grad_fn.name(), " x.is_leaf =", x.is_leaf, " y.is_leaf =", y.is_leaf)

    x = torch.tensor(2.0, requires_grad=True)
    y = x**2 + 2 * x + 1
    y.backward()
    print("y = x**2 + 2x + 1 =", y, " dy/dx =", x.grad, " (by hand: 2x + 2 = 6)")


def partial_derivatives() -> None:
    step("2. Partial derivatives of f(u, v) = u*v + u**2 at u = 1, v = 2")
    u = torch.tensor(1.0, requires_grad=True)
    v = torch.tensor(2.0, requires_grad=True)
    f = u * v + u**2
    f.backward()
    print("f =", f)
    print("df/du =", u.grad, " (by hand: v + 2u = 4)")
    print("df/dv =", v.grad, " (by hand: u = 1)")


class SQ(torch.autograd.Function):
    """x**2 with a hand-written derivative."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return 2 * x * grad_output


def custom_function() -> None:
    step("3. A custom autograd.Function")
    x = torch.tensor(3.0, requires_grad=True)
    y = SQ.apply(x)
    print("SQ(3) =", y)
    y.backward()
    print("d SQ/dx at 3 =", x.grad, " (by hand: 2x = 6)")


def sum_trick(folder: Path | None) -> None:
    step("4. Derivatives at many points at once: backward of a sum")
    x = torch.linspace(-10, 10, 10, requires_grad=True)
    Y = x**2
    y = torch.sum(x**2)
    y.backward()
    print("x =", x)
    print("sum of x**2 =", y)
    print("d/dx x**2 at each x =", x.grad)
    plot(folder, "square.png", x, Y, x.grad, "y = x**2")


def relu(folder: Path | None) -> None:
    step("5. relu and its derivative (0 at the kink, as torch)")
    x = torch.linspace(-10, 10, 1000, requires_grad=True)
    Y = torch.relu(x)
    Y.sum().backward()
    print("relu'(-10) =", x.grad[0].item(), " relu'(10) =", x.grad[-1].item())
    print("relu'(0) is 0, as in torch:", torch.relu(torch.tensor(0.0)).item() == 0.0)
    plot(folder, "relu.png", x, Y, x.grad, "y = relu(x)")


def second_derivative() -> None:
    step("6. A derivative of a derivative: create_graph=True")
    x = torch.tensor(3.0, requires_grad=True)
    (dy,) = torch.autograd.grad(x**3, x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy, x)
    print("d/dx x**3 at 3 =", dy, " d2/dx2 =", d2y, " (by hand: 27 and 18)")


def plot(folder: Path | None, name: str, x, Y, grad, title: str) -> None:
    if folder is None:
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot(x.detach().numpy(), Y.detach().numpy(), label="function")
    ax.plot(x.detach().numpy(), grad.detach().numpy(), label="derivative")
    ax.set_xlabel("x")
    ax.set_title(title)
    ax.legend()
    fig.savefig(folder / name, dpi=80)
    plt.close(fig)
    print("plot written to", folder / name)


def main(argv: list[str]) -> int:
    folder: Path | None = Path(argv[1] if len(argv) > 1 else "chainrule-walkthrough")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print("(matplotlib is not installed: plots are skipped; pip install 'chainrule[plot]')")
        folder = None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    derivative_at_a_point()
    partial_derivatives()
    custom_function()
    sum_trick(folder)
    relu(folder)
    second_derivative()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
