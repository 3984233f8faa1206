"""The ``chainrule`` program: a derivative calculator, and a guided walk through the labs.

::

    chainrule derive "x**2*y + sin(x*y)" --at x=2,y=3 --hessian
    chainrule derive "relu(x)" --at x=1 --plot relu.png --range -10:10
    chainrule derive "x**2 + 2*x + 1" --at x=2 --graph graph.svg
    chainrule lab [FOLDER]

``python -m chainrule`` runs the same program. Mistakes (a bad expression, an unknown name, a
missing value, a point outside the domain) are reported on one line of standard error starting
with ``chainrule: error:``, with exit status 2.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._expr import Expr, ExprError, functions, parse

__all__ = ["Derivatives", "derive", "main", "run_lab"]

# options of `derive` that take a value: "--range -10:10" is joined into "--range=-10:10" before
# argparse sees it, which would otherwise take "-10:10" for an option
_VALUE_OPTIONS = ("--at", "--plot", "--range", "--graph")
_POINTS = 1000


class CLIError(Exception):
    """A user mistake: reported on one line, exit status 2."""


@dataclass
class Derivatives:
    """What :func:`derive` computes: the value, the gradient and optionally the Hessian (rows
    and columns in the order of ``variables``), all float64, and the picture of the graph."""

    expression: Expr
    point: dict[str, float]
    value: float
    gradient: dict[str, float]
    hessian: list[list[float]] | None
    graph: Any = None

    @property
    def variables(self) -> tuple[str, ...]:
        return tuple(self.point)


def _fmt(value: float) -> str:
    """Shortest text that reads back as the same float64, without a trailing ``.0``."""
    text = repr(float(value) + 0.0)  # + 0.0 turns -0.0 into 0.0
    return text[:-2] if text.endswith(".0") else text


def _check_finite(what: str, value: float, point: Mapping[str, float]) -> None:
    if not math.isfinite(value):
        where = ", ".join(f"{k}={_fmt(v)}" for k, v in point.items())
        at = f" at {where}" if where else ""
        raise ExprError(f"the point{at} is outside the domain of the expression: {what} is "
                        f"{_fmt(value)}")


def derive(expression: str | Expr, at: Mapping[str, float], *, hessian: bool = False,
           graph: bool = False, show_saved: bool = False) -> Derivatives:
    """The value and partial derivatives (and with ``hessian`` the second derivatives) of an
    expression at a point, in float64; with ``graph``, also :func:`chainrule.viz.draw`'s
    picture of the computation.

    The variables are the expression's, in order of first appearance, then any other names in
    ``at`` (on which the expression does not depend: derivative 0). Raises
    :class:`~chainrule._expr.ExprError` for a refused expression, a missing value, or a point
    where a result is not finite (``log(-1)``, ``1/0``).

    >>> d = derive("u*v + u**2", {"u": 1, "v": 2}, hessian=True)
    >>> d.value, d.gradient, d.hessian
    (3.0, {'u': 4.0, 'v': 1.0}, [[2.0, 1.0], [1.0, 0.0]])
    """
    import chainrule

    expr = expression if isinstance(expression, Expr) else parse(expression)
    missing = [name for name in expr.variables if name not in at]
    if missing:
        raise ExprError(f"missing value for {missing[0]}: give it with --at {missing[0]}=VALUE")
    names = list(expr.variables) + [name for name in at if name not in expr.variables]
    point = {name: float(at[name]) for name in names}
    leaves = [chainrule.tensor(point[name], dtype=chainrule.float64, requires_grad=True)
              for name in names]
    y = expr.evaluate(dict(zip(names, leaves)))
    # the picture is read now: the backward passes below free the saved values
    picture = None
    if graph:
        from . import viz

        picture = viz.draw(y, params={"f": y, **dict(zip(names, leaves))},
                           show_saved=show_saved)
    value = y.item()
    _check_finite("f", value, point)
    grads: Sequence[Any] = [None] * len(names)
    if y.requires_grad and names:
        grads = chainrule.autograd.grad(y, leaves, create_graph=hessian, allow_unused=True)
    gradient = {}
    for name, g in zip(names, grads):
        gradient[name] = 0.0 if g is None else g.item()
        _check_finite(f"df/d{name}", gradient[name], point)
    rows = None
    if hessian:
        rows = []
        for name, g in zip(names, grads):
            second: Sequence[Any] = [None] * len(names)
            if g is not None and g.requires_grad:
                second = chainrule.autograd.grad(g, leaves, retain_graph=True, allow_unused=True)
            row = [0.0 if h is None else h.item() for h in second]
            for other, h in zip(names, row):
                _check_finite(f"d2f/d{name}d{other}", h, point)
            rows.append(row)
    return Derivatives(expr, point, value, gradient, rows, picture)


def _format_report(d: Derivatives) -> list[str]:
    names = d.variables
    lines = [f"f({', '.join(names)}) = {d.expression.text.strip()}" if names else
             f"f = {d.expression.text.strip()}"]
    if names:
        lines.append("at " + ", ".join(f"{k} = {_fmt(v)}" for k, v in d.point.items()))
    lines.append(f"f = {_fmt(d.value)}")
    lines += [f"df/d{name} = {_fmt(v)}" for name, v in d.gradient.items()]
    if d.hessian is not None and names:
        # a matrix with its variables along both sides; numbers right-aligned in their column
        cells = [[_fmt(v) for v in row] for row in d.hessian]
        left = max(len(n) for n in names)
        widths = [max(len(names[j]), *(len(row[j]) for row in cells)) for j in range(len(names))]
        lines.append("Hessian:")
        lines.append(" " * left + "".join(f"  {n:>{w}}" for n, w in zip(names, widths)))
        for name, row in zip(names, cells):
            lines.append(f"{name:<{left}}" + "".join(f"  {c:>{w}}" for c, w in zip(row, widths)))
    return lines


def _parse_at(items: Sequence[str]) -> dict[str, float]:
    """``["x=2,y=3", "z=pi/2"]`` as a dict; each value is a constant expression."""
    point: dict[str, float] = {}
    known = functions()
    for item in items:
        # split on the commas that start a new "name=" (a value may call atan2(1, 2))
        for part in re.split(r",(?=\s*[A-Za-z_]\w*\s*=)", item):
            name, eq, text = part.partition("=")
            name = name.strip()
            if not eq or not re.fullmatch(r"[A-Za-z_]\w*", name):
                raise CLIError(f"--at takes NAME=VALUE pairs separated by commas, got {part!r}")
            if name in known or name in ("pi", "e"):
                raise CLIError(f"{name!r} is a function or constant, not a variable")
            if name in point:
                raise CLIError(f"--at gives {name} twice")
            try:
                value_expr = parse(text)
            except ExprError as e:
                raise CLIError(f"the value of {name}: {e}") from e
            if value_expr.variables:
                raise CLIError(f"the value of {name} must be a number, got {text.strip()!r}")
            value = value_expr.evaluate({}).item()
            if not math.isfinite(value):
                raise CLIError(f"the value of {name} is not finite: {text.strip()!r}")
            point[name] = value
    return point


def _parse_range(text: str) -> tuple[float, float]:
    lo_text, colon, hi_text = text.partition(":")
    try:
        lo, hi = float(lo_text), float(hi_text)
    except ValueError:
        lo = hi = math.nan
    if not colon or not (math.isfinite(lo) and math.isfinite(hi)) or lo >= hi:
        raise CLIError(f"--range takes LOW:HIGH with LOW < HIGH, as in -10:10; got {text!r}")
    return lo, hi


def _use_agg() -> None:
    """Plots are files here: the Agg backend needs no display."""
    try:
        import matplotlib
    except ImportError as e:
        raise CLIError("plots need matplotlib: pip install 'chainrule[plot]'") from e
    matplotlib.use("Agg")


def _plot_expression(d: Derivatives, path: Path, interval: tuple[float, float]) -> None:
    from . import viz

    names = d.variables
    _use_agg()
    import matplotlib.pyplot as plt

    expr = d.expression
    title = f"f({', '.join(names)}) = {expr.text.strip()}"
    if len(names) == 1:
        name = names[0]
        at = d.point[name]
        grid = _grid(interval)
        fig = viz.plot_derivative(lambda t: expr.evaluate({name: t}), grid, xlabel=name,
                                  at=at if interval[0] <= at <= interval[1] else None,
                                  title=title)
    else:
        fig = viz.plot_partials(lambda **values: expr.evaluate(values), d.point,
                                interval=interval, num=_POINTS, title=title)
    _save_figure(fig, path)
    plt.close(fig)


def _grid(interval: tuple[float, float]) -> Any:
    import chainrule

    return chainrule.linspace(interval[0], interval[1], _POINTS, dtype=chainrule.float64)


def _save_figure(fig: Any, path: Path) -> None:
    try:
        fig.savefig(path, dpi=100)
    except (OSError, ValueError) as e:
        raise CLIError(f"cannot write {path}: {_one_line(e)}") from e


def _write_graph(graph: Any, path: Path) -> Path:
    from .viz import RenderError

    try:
        return graph.render(path)
    except RenderError as e:
        raise CLIError(_one_line(e)) from e
    except (OSError, ValueError) as e:
        raise CLIError(f"cannot write {path}: {_one_line(e)}") from e


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text or type(e).__name__


def _cmd_derive(args: argparse.Namespace) -> int:
    point = _parse_at(args.at)
    interval = _parse_range(args.range)
    d = derive(args.expression, point, hessian=args.hessian, graph=args.graph is not None,
               show_saved=args.saved)
    if args.plot is not None and not d.variables:
        raise CLIError("--plot needs an expression with a variable")
    for line in _format_report(d):
        print(line)
    if args.plot is not None:
        _plot_expression(d, Path(args.plot), interval)
        print(f"plot written to {args.plot}")
    if args.graph is not None:
        _write_graph(d.graph, Path(args.graph))
        print(f"graph written to {args.graph}")
    return 0


# ---------------------------------------------------------------------------------- the lab


def _sq_function() -> Any:
    import chainrule

    class SQ(chainrule.autograd.Function):
        """x**2 with a hand-written derivative, as in the lab."""

        @staticmethod
        def forward(ctx: Any, i: Any) -> Any:
            ctx.save_for_backward(i)
            return i**2

        @staticmethod
        def backward(ctx: Any, grad_output: Any) -> Any:
            (i,) = ctx.saved_tensors
            return 2 * i * grad_output

    return SQ


class _Lab:
    """Writes the lab's pictures into one folder and says where each went."""

    def __init__(self, folder: Path, say: Callable[[str], None]) -> None:
        from . import viz

        self.folder = folder
        self.say = say
        self.viz = viz
        self.can_plot = True
        try:
            _use_agg()
        except CLIError:
            self.can_plot = False
        self.noted_dot = False

    def graph(self, name: str, output: Any, params: dict) -> None:
        graph = self.viz.draw(output, params=params, show_saved=True)
        try:
            path = graph.render(self.folder / f"{name}.svg")
        except self.viz.RenderError:
            path = graph.render(self.folder / f"{name}.dot")
            if not self.noted_dot:
                self.say(f"  (no Graphviz here, so graphs are DOT text: {self.viz.INSTALL_HINT})")
                self.noted_dot = True
        self.say(f"  graph picture: {path}")

    def plot(self, name: str, draw: Callable[[], Any]) -> None:
        if not self.can_plot:
            return
        import matplotlib.pyplot as plt

        fig = draw()
        path = self.folder / f"{name}.png"
        _save_figure(fig, path)
        plt.close(fig)
        self.say(f"  plot: {path}")


def run_lab(folder: str | Path = "chainrule-lab", say: Callable[[str], None] = print) -> Path:
    """The labs' lessons step by step: the derivative at a point, partial derivatives, a custom
    Function, the sum trick, relu. Prints each step and writes plots (PNG) and graph pictures
    (SVG, or DOT text without Graphviz) into ``folder``, which it returns.

    >>> run_lab("/tmp/chainrule-lab")  # doctest: +SKIP
    """
    import chainrule as torch

    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CLIError(f"cannot make the folder {folder}: {_one_line(e)}") from e
    lab = _Lab(folder, say)
    viz = lab.viz
    say(f"chainrule lab: the lessons of the differentiation labs; pictures go to {folder}")
    if not lab.can_plot:
        say("(matplotlib is not installed, so plots are skipped: pip install 'chainrule[plot]')")

    say("\n== 1. The derivative of y = x**2 at x = 2 ==")
    x = torch.tensor(2.0, requires_grad=True)
    y = x**2
    say(f"x = {x!s}")
    say(f"y = x**2 = {y!s}")
    lab.graph("1-square-graph", y, {"x": x, "y": y})
    y.backward()
    say(f"dy/dx at x = 2: {x.grad!s}   (by hand: 2x = 4)")
    say(f"y.grad_fn = {y.grad_fn.name()}, x.is_leaf = {x.is_leaf}, y.is_leaf = {y.is_leaf}")
    lab.plot("1-square", lambda: viz.plot_derivative(
        lambda t: t**2, torch.linspace(-4, 4, 200), at=2.0, title="y = x**2"))

    say("\n== 2. y = x**2 + 2x + 1 at x = 2 ==")
    x = torch.tensor(2.0, requires_grad=True)
    y = x**2 + 2 * x + 1
    say(f"y = {y!s}")
    lab.graph("2-polynomial-graph", y, {"x": x, "y": y})
    y.backward()
    say(f"dy/dx at x = 2: {x.grad!s}   (by hand: 2x + 2 = 6)")
    lab.plot("2-polynomial", lambda: viz.plot_derivative(
        lambda t: t**2 + 2 * t + 1, torch.linspace(-5, 5, 200), at=2.0,
        title="y = x**2 + 2x + 1"))

    say("\n== 3. Partial derivatives of f(u, v) = u*v + u**2 at u = 1, v = 2 ==")
    u = torch.tensor(1.0, requires_grad=True)
    v = torch.tensor(2.0, requires_grad=True)
    f = u * v + u**2
    say(f"f = {f!s}")
    lab.graph("3-partials-graph", f, {"u": u, "v": v, "f": f})
    f.backward()
    say(f"df/du = {u.grad!s}   (by hand: v + 2u = 4)")
    say(f"df/dv = {v.grad!s}   (by hand: u = 1)")
    lab.plot("3-partials", lambda: viz.plot_partials(
        lambda u, v: u * v + u**2, {"u": 1.0, "v": 2.0}, interval=(-5, 5),
        title="f(u, v) = u*v + u**2"))

    say("\n== 4. A custom autograd.Function: SQ(x) = x**2 with its own backward ==")
    sq = _sq_function()
    x = torch.tensor(2.0, requires_grad=True)
    y = sq.apply(x)
    say(f"SQ(2) = {y!s}")
    say(f"y.grad_fn = {y.grad_fn.name()}")
    lab.graph("4-custom-function-graph", y, {"x": x, "y": y})
    y.backward()
    say(f"dSQ/dx at x = 2: {x.grad!s}   (by hand: 2x = 4)")

    say("\n== 5. The sum trick: derivatives at many points with one backward ==")
    x = torch.linspace(-10, 10, 10, requires_grad=True)
    Y = x**2
    y = torch.sum(x**2)
    say(f"x = {x!s}")
    say(f"y = sum(x**2) = {y!s}")
    lab.graph("5-sum-trick-graph", y, {"x": x, "y": y})
    y.backward()
    say(f"x.grad = {x.grad!s}")
    from ._backend import np

    matches = bool(np.allclose(x.grad.numpy(), 2 * x.detach().numpy()))
    say(f"each x.grad[i] is d/dx x**2 = 2x at x[i]: {matches}")
    say(f"Y = x**2 = {Y!s}")
    lab.plot("5-sum-trick", lambda: viz.plot_derivative(
        lambda t: t**2, torch.linspace(-10, 10, 10), title="y = x**2, derivative by the sum trick"))

    say("\n== 6. relu and its derivative ==")
    x = torch.linspace(-10, 10, 1000, requires_grad=True)
    Y = torch.relu(x)
    y = Y.sum()
    lab.graph("6-relu-graph", y, {"x": x, "y": y})
    y.backward()
    say(f"relu'(-10) = {x.grad[0].item()}, relu'(10) = {x.grad[-1].item()}")
    z = torch.tensor(0.0, requires_grad=True)
    torch.relu(z).backward()
    say(f"relu'(0) = {z.grad.item()}   (torch's convention at the kink)")
    lab.plot("6-relu", lambda: viz.plot_derivative(
        torch.relu, torch.linspace(-10, 10, 1000), title="y = relu(x)"))

    say(f"\nDone: the pictures are in {folder.resolve()}")
    return folder


def _cmd_lab(args: argparse.Namespace) -> int:
    run_lab(args.folder)
    return 0


# ---------------------------------------------------------------------------- the program


class _Parser(argparse.ArgumentParser):
    """argparse, but its mistakes are one line too, like the program's own."""

    def error(self, message: str) -> Any:
        raise CLIError(f"{message} (see {self.prog} --help)")


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(prog="chainrule", description="Derivatives you can see: a derivative "
                     "calculator, and a guided walk through the differentiation labs.")
    parser.add_argument("--version", action="version", version=f"chainrule {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    names = ", ".join(functions())
    derive_parser = sub.add_parser(
        "derive", help="value, partial derivatives and Hessian of an expression at a point",
        description="Prints the value of EXPR and every partial derivative at the point given "
        "by --at (float64, printed to full precision).",
        epilog=f"EXPR uses numbers, the constants pi and e, variables, + - * / **, unary "
        f"minus, parentheses, and the functions: {names}. "
        "Example: chainrule derive 'x**2*y + sin(x*y)' --at x=2,y=3 --hessian")
    derive_parser.add_argument("expression", metavar="EXPR", help="e.g. 'x**2 + 2*x + 1'")
    derive_parser.add_argument("--at", action="append", default=[], metavar="NAME=VALUE,...",
                               help="the point: a value for each variable, e.g. x=2,y=3 "
                               "(values may be constant expressions such as pi/2)")
    derive_parser.add_argument("--hessian", action="store_true",
                               help="also print the matrix of second derivatives")
    derive_parser.add_argument("--plot", metavar="FILE",
                               help="draw f and its derivative over --range into FILE (PNG, "
                               "SVG, PDF); with several variables, one panel per variable")
    derive_parser.add_argument("--range", default="-10:10", metavar="LOW:HIGH",
                               help="the x range of --plot (default -10:10)")
    derive_parser.add_argument("--graph", metavar="FILE",
                               help="write the picture of the computation's graph (.svg, .png, "
                               ".pdf need Graphviz; .dot is DOT text)")
    derive_parser.add_argument("--saved", action="store_true",
                               help="show the values saved for backward in --graph")
    derive_parser.set_defaults(run=_cmd_derive)
    lab_parser = sub.add_parser(
        "lab", help="a guided walk through the labs' lessons, with plots and graph pictures",
        description="Runs the lessons of the differentiation labs step by step, printing each "
        "and writing its plots and graph pictures into FOLDER.")
    lab_parser.add_argument("folder", metavar="FOLDER", nargs="?", default="chainrule-lab",
                            help="where the pictures go (default ./chainrule-lab)")
    lab_parser.set_defaults(run=_cmd_lab)
    return parser


def _prepare(argv: Sequence[str]) -> list[str]:
    """Joins ``--range -10:10`` into ``--range=-10:10``, and lets an expression start with a
    minus sign, so that argparse reads neither as an option."""
    out: list[str] = []
    i = 0
    known = {"-h", "--help", "--hessian", "--saved", "--version", "--", *_VALUE_OPTIONS}
    while i < len(argv):
        arg = argv[i]
        if arg in _VALUE_OPTIONS and i + 1 < len(argv):
            out.append(f"{arg}={argv[i + 1]}")
            i += 2
            continue
        if arg.startswith("-") and not arg.startswith("--") and arg not in known \
                and "derive" in out:
            # argparse takes any argument holding a space for a positional one: "-x**2" is
            # given to it as " -x**2", which the expression parser reads the same (a mistyped
            # long option such as --hesian stays an option, and an error)
            arg = " " + arg
        out.append(arg)
        i += 1
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the program with ``argv`` (default: the command line) and returns its exit status:
    0, or 2 after printing a one-line ``chainrule: error: ...`` to standard error.

    >>> main(["derive", "x**2", "--at", "x=3"])
    f(x) = x**2
    at x = 3
    f = 9
    df/dx = 6
    0
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(_prepare(args_list))
        return args.run(args)
    except (CLIError, ExprError) as e:
        print(f"chainrule: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader went away (`chainrule lab | head`): stop quietly, as Unix tools do
        sys.stdout = open(os.devnull, "w")  # Python flushes stdout at exit
        return 1


if __name__ == "__main__":
    sys.exit(main())
