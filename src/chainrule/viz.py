"""Seeing derivatives: pictures of the autograd graph, and plots of a function beside its
derivative.

- :func:`draw` turns the graph behind one or more outputs into a :class:`Graph`: DOT text
  always, SVG/PNG/PDF through Graphviz's ``dot`` program, and a picture in Jupyter.
- :func:`plot_derivative` draws ``f`` and ``f'`` over a range of ``x`` on one matplotlib figure,
  as the labs do; :func:`plot_partials` does it for each input of a function of several.

Only NumPy is needed to import this module; matplotlib (``pip install 'chainrule[plot]'``) is
imported by the plotting functions, and rendering pictures needs Graphviz: the ``dot`` program
from the system's package manager and, preferably, ``pip install graphviz``.

>>> import chainrule as torch
>>> from chainrule import viz
>>> x = torch.tensor(2.0, requires_grad=True)
>>> g = viz.draw(x**2 + 2*x + 1, params={"x": x})
>>> [node.label.split("\\n")[0] for node in g.nodes]
['output', 'AddBackward0', 'AddBackward0', 'PowBackward0', 'MulBackward0', 'x']
"""

from __future__ import annotations

import math
import re
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ._backend import np

__all__ = ["Graph", "GraphNode", "RenderError", "INSTALL_HINT", "draw", "plot_derivative",
           "plot_partials"]

INSTALL_HINT = (
    "rendering needs Graphviz's `dot` program: install it with your system's package manager "
    "(e.g. `apt-get install graphviz`, `brew install graphviz`) and `pip install graphviz`; "
    "DOT text (Graph.source, or a .dot file) needs neither"
)

# Colours as torchviz uses them, so that pictures look familiar to its users.
_FILL = {"output": "darkolivegreen1", "op": "lightgrey", "leaf": "lightblue", "saved": "orange"}
_GRAPH_ATTRS = 'graph [rankdir=TB size="12,12"]'
_NODE_ATTRS = ("node [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 "
               "shape=box style=filled]")
_FORMAT = re.compile(r"^[a-z0-9_:]+$")
# Longest text of a saved number or shape shown in a node's label.
_ATTR_TEXT = 40
_FREED = object()


class RenderError(RuntimeError):
    """Graphviz is missing, or ``dot`` failed to render a graph."""


class GraphNode(NamedTuple):
    """One box of a :class:`Graph`: its DOT id, its label (lines joined by ``"\\n"``) and its
    kind: ``"output"``, ``"op"`` (a ``grad_fn``), ``"leaf"`` (a leaf tensor, the variable of an
    ``AccumulateGrad``) or ``"saved"`` (a value an op saved for backward)."""

    id: str
    label: str
    kind: str


class Graph:
    """The picture of a computation, as made by :func:`draw`.

    ``nodes`` and ``edges`` hold the structure (edges are ``(from_id, to_id, kind)`` with kind
    ``"data"`` for the flow from an input to the op using it, ``"saved"`` for a saved value);
    :attr:`source` is the DOT text; :meth:`pipe` and :meth:`render` run Graphviz; in Jupyter the
    graph shows itself as SVG.

    >>> import chainrule as torch
    >>> from chainrule import viz
    >>> x = torch.tensor([1.0, 2.0], requires_grad=True)
    >>> g = viz.draw((x * x).sum(), params={"x": x})
    >>> g.edges[0]
    ('n1', 'n0', 'data')
    >>> print(g.source.splitlines()[3].strip())
    n0 [label="output\\n() float32" fillcolor=darkolivegreen1]
    """

    def __init__(self, nodes: Sequence[GraphNode], edges: Sequence[tuple[str, str, str]]) -> None:
        self.nodes: tuple[GraphNode, ...] = tuple(nodes)
        self.edges: tuple[tuple[str, str, str], ...] = tuple(edges)

    def _text(self, extra: str = "") -> str:
        lines = ["digraph autograd {", "\t" + _GRAPH_ATTRS, "\t" + _NODE_ATTRS]
        if extra:
            lines.append("\t" + extra)
        for node in self.nodes:
            label = _escape(node.label)
            lines.append(f'\t{node.id} [label="{label}" fillcolor={_FILL[node.kind]}]')
        for src, dst, kind in self.edges:
            style = " [style=dashed arrowhead=none]" if kind == "saved" else ""
            lines.append(f"\t{src} -> {dst}{style}")
        lines.append("}")
        return "\n".join(lines) + "\n"

    @property
    def source(self) -> str:
        """The DOT text: one line per node (in visit order: outputs first, then breadth-first
        towards the leaves), then one per edge. The same graph always gives the same text."""
        return self._text()

    def pipe(self, format: str = "svg") -> bytes:
        """The graph rendered by Graphviz in ``format`` (``"svg"``, ``"png"``, ``"pdf"``, ...);
        ``"dot"`` and ``"gv"`` give the DOT text and need no Graphviz.

        Raises :class:`RenderError` saying what to install when ``dot`` is missing.
        """
        format = format.lower().lstrip(".")
        if not _FORMAT.match(format):
            raise ValueError(f"unknown output format {format!r}")
        if format in ("dot", "gv"):
            return self.source.encode()
        import shutil  # here, not at import: chainrule keeps its import time small

        dot = shutil.which("dot")
        if dot is None:
            raise RenderError(INSTALL_HINT)
        # pictures for screens: a sharper PNG than Graphviz's 96 dpi; SVG and PDF scale anyway
        text = self._text("graph [dpi=150]" if format in ("png", "jpg", "jpeg") else "")
        try:
            import graphviz
        except ImportError:
            graphviz = None
        if graphviz is not None:
            try:
                return graphviz.Source(text).pipe(format=format)
            except graphviz.ExecutableNotFound as e:
                raise RenderError(INSTALL_HINT) from e
            except (graphviz.CalledProcessError, ValueError) as e:
                raise RenderError(f"Graphviz could not render the graph as {format}: "
                                  f"{_first_line(str(e))}") from e
        # the graphviz Python package is missing but `dot` is here: call it directly
        import subprocess

        proc = subprocess.run([dot, f"-T{format}"], input=text.encode(), capture_output=True,
                              check=False)
        if proc.returncode != 0:
            raise RenderError(f"Graphviz could not render the graph as {format}: "
                              f"{_first_line(proc.stderr.decode(errors='replace'))}")
        return proc.stdout

    def svg(self) -> str:
        """The SVG picture as text (needs Graphviz)."""
        return self.pipe("svg").decode()

    def render(self, path: str | Path, format: str | None = None) -> Path:
        """Writes the graph to ``path`` and returns that path. The format is ``format`` or else
        the file's suffix: ``.svg``, ``.png``, ``.pdf`` (Graphviz needed), ``.dot``/``.gv``
        (DOT text, no Graphviz needed).

        >>> import chainrule as torch, tempfile, os
        >>> from chainrule import viz
        >>> x = torch.tensor(2.0, requires_grad=True)
        >>> p = viz.draw(x.sin(), {"x": x}).render(os.path.join(tempfile.mkdtemp(), "g.dot"))
        >>> p.read_text().startswith("digraph autograd {")
        True
        """
        path = Path(path)
        fmt = format or path.suffix.lstrip(".")
        if not fmt:
            raise ValueError(f"give a format, or a file name with a suffix such as .svg: {path}")
        data = self.pipe(fmt)
        path.write_bytes(data)
        return path

    def save_svg(self, path: str | Path) -> Path:
        """``render(path, "svg")``."""
        return self.render(path, "svg")

    def save_png(self, path: str | Path) -> Path:
        """``render(path, "png")``."""
        return self.render(path, "png")

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        # Jupyter: the picture when Graphviz is here, the DOT text otherwise
        try:
            return {"image/svg+xml": self.svg(), "text/plain": repr(self)}
        except RenderError:
            return {"text/plain": self.source}

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg()
        except RenderError:
            return None

    def __repr__(self) -> str:
        return f"<chainrule.viz.Graph: {len(self.nodes)} nodes, {len(self.edges)} edges>"


def _escape(label: str) -> str:
    # DOT strings: backslashes and quotes escaped, each line ended by "\n" (centred)
    text = label.replace("\\", "\\\\").replace('"', '\\"')
    return text.replace("\n", "\\n")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else "no message"


def _shape(t: Any) -> str:
    return str(tuple(t.shape))


def _dtype(t: Any) -> str:
    return str(t.dtype).removeprefix("torch.")


def _tensor_label(name: str, t: Any) -> str:
    lines = [name] if name else []
    return "\n".join([*lines, f"{_shape(t)} {_dtype(t)}"])


def _short(text: str) -> str:
    return text if len(text) <= _ATTR_TEXT else text[:_ATTR_TEXT - 3] + "..."


def _saved_values(node: Any) -> list[tuple[str, Any]]:
    """The values a node saved for backward, named as torch names them (``self``, ``other``,
    ``result``, ``exponent``); a freed value reads as ``_FREED``."""
    found = []
    for attr in dir(node):
        if not attr.startswith("_saved_"):
            continue
        try:
            value = getattr(node, attr)
        except RuntimeError:  # freed by a backward pass that did not retain the graph
            value = _FREED
        found.append((attr[len("_saved_"):], value))
    if not found and hasattr(type(node), "saved_tensors"):
        # a custom Function's node: what its forward gave ctx.save_for_backward
        try:
            tensors = node.saved_tensors
        except RuntimeError:
            tensors = _FREED
        if tensors is _FREED or tensors:
            found.append(("saved_tensors", tensors))
    return found


def draw(output: Any, params: Mapping[str, Any] | None = None,
         show_saved: bool = False) -> Graph:
    """The graph of the computation behind ``output`` (a tensor, or a sequence of tensors).

    Every ``grad_fn`` becomes a box named as torch names it (``PowBackward0``); each leaf tensor
    (the variable of an ``AccumulateGrad``) a box with its name from ``params`` (matched by
    identity; blank when absent), shape and dtype; each output a highlighted box, named from
    ``params`` too, or ``output``. Edges run from an input to the op that uses it. With
    ``show_saved``, the values each op saved for backward appear too: tensors as boxes with
    their shapes, numbers and sizes as lines in the op's box (``freed`` after a backward pass
    that did not retain the graph).

    The walk is iterative, so graphs of any depth can be drawn; the structure is read at once,
    so a later backward pass does not change the result.

    >>> import chainrule as torch
    >>> from chainrule import viz
    >>> u = torch.tensor(1.0, requires_grad=True)
    >>> v = torch.tensor(2.0, requires_grad=True)
    >>> g = viz.draw(u * v + u**2, params={"u": u, "v": v})
    >>> [n.label.replace("\\n", " ") for n in g.nodes if n.kind == "leaf"]
    ['u () float32', 'v () float32']
    >>> g.render("graph.svg")  # doctest: +SKIP
    """
    from ._tensor import Tensor

    outputs = [output] if isinstance(output, Tensor) else list(output)
    for i, out in enumerate(outputs):
        if not isinstance(out, Tensor):
            raise TypeError(f"draw() takes tensors, but output {i} is {type(out).__name__}")
    names = {id(t): name for name, t in (params or {}).items()}
    nodes: list[GraphNode] = []
    edges: list[tuple[str, str, str]] = []
    ids: dict[int, str] = {}
    # the nodes met, kept referenced so that no id() is reused while the walk runs
    met: list = []
    queue: deque = deque()
    counter = 0
    saved_counter = 0

    def visit(fn: Any) -> str:
        """The DOT id of a graph node, giving it one (and queueing it) when first met."""
        nonlocal counter
        key = id(fn)
        nid = ids.get(key)
        if nid is None:
            nid = ids[key] = f"n{counter}"
            counter += 1
            met.append(fn)
            queue.append((fn, nid, len(nodes)))
            variable = getattr(fn, "variable", None)
            if isinstance(variable, Tensor) and not fn.next_functions:
                nodes.append(GraphNode(nid, _tensor_label(names.get(id(variable), ""),
                                                          variable), "leaf"))
            else:
                nodes.append(GraphNode(nid, fn.name(), "op"))
        return nid

    for i, out in enumerate(outputs):
        default = "output" if len(outputs) == 1 else f"output {i}"
        oid = f"n{counter}"
        counter += 1
        nodes.append(GraphNode(oid, _tensor_label(names.get(id(out), default), out), "output"))
        if out.grad_fn is not None:
            edges.append((visit(out.grad_fn), oid, "data"))
    while queue:
        fn, nid, index = queue.popleft()
        for child, _ in fn.next_functions:
            if child is not None:
                edges.append((visit(child), nid, "data"))
        if not show_saved or nodes[index].kind == "leaf":
            continue
        extra = []
        for key, value in _saved_values(fn):
            if value is _FREED:
                extra.append(f"{key}: freed")
                continue
            tensors = ([(key, value)] if isinstance(value, Tensor) else
                       [(f"{key}[{j}]", v) for j, v in enumerate(value)]
                       if isinstance(value, (tuple, list)) and value
                       and all(isinstance(v, Tensor) for v in value) else [])
            if not tensors:
                extra.append(_short(f"{key} = {value!r}"))
            for label, t in tensors:
                if id(t) in names:  # a leaf saved as itself: say which
                    label = f"{label} = {names[id(t)]}"
                sid = f"s{saved_counter}"
                saved_counter += 1
                nodes.append(GraphNode(sid, _tensor_label(label, t), "saved"))
                edges.append((sid, nid, "saved"))
        if extra:
            nodes[index] = nodes[index]._replace(label="\n".join([nodes[index].label, *extra]))
    return Graph(nodes, edges)


# ----------------------------------------------------------------------------------- plots


def _leaf_grid(x: Any) -> Any:
    """A fresh 1-D floating leaf tensor requiring grad, with the values of ``x``."""
    import chainrule

    if isinstance(x, chainrule.Tensor):
        data = x.detach().numpy()
        dtype = x.dtype if x.is_floating_point() else chainrule.get_default_dtype()
    else:
        data = np.asarray(x)
        dtype = None if data.dtype.kind == "f" else chainrule.get_default_dtype()
    if data.ndim != 1:
        raise ValueError(f"x must be 1-D (a range of points), but has shape {data.shape}")
    return chainrule.tensor(data, dtype=dtype, requires_grad=True)


def _values_and_derivative(f: Callable[[Any], Any], x: Any) -> tuple:
    """``f(x)`` and ``f'(x)`` at every point of ``x`` as NumPy arrays, by the sum trick: for an
    elementwise ``f``, d/dx_i of sum_j f(x_j) is f'(x_i)."""
    import chainrule

    xt = _leaf_grid(x)
    y = f(xt)
    if not isinstance(y, chainrule.Tensor):
        y = chainrule.tensor(y, dtype=xt.dtype)
    # a 0-d result is a constant only when it does not depend on x (a sum would, wrongly)
    if tuple(y.shape) != tuple(xt.shape) and (tuple(y.shape) != () or y.requires_grad):
        raise ValueError(f"f must act elementwise: for x of shape {tuple(xt.shape)} it gave "
                         f"shape {tuple(y.shape)}")
    xs = xt.detach().numpy()
    ys = np.broadcast_to(y.detach().numpy(), xs.shape)
    grad = None
    if y.requires_grad:
        (grad,) = chainrule.autograd.grad(y.sum(), xt, allow_unused=True)
    # an f that does not depend on x (a constant) has derivative 0 everywhere
    ds = np.zeros_like(xs) if grad is None else grad.detach().numpy()
    return xs, ys, ds


def plot_derivative(f: Callable[[Any], Any], x: Any, *, at: float | None = None, ax: Any = None,
                    title: str | None = None, xlabel: str = "x",
                    labels: tuple[str, str] = ("function", "derivative")) -> Any:
    """Draws ``f`` and its derivative over the points ``x`` on one figure, and returns it.

    ``f`` takes a 1-D tensor and acts elementwise (``torch.relu``, ``lambda x: x**2``); ``x`` is
    a 1-D tensor or array. The derivative comes from the labs' sum trick: ``f(x).sum()`` is
    differentiated, so ``x.grad[i]`` is ``f'(x[i])``, with torch's convention at kinks (relu'(0)
    is 0). The lines are labelled ``function`` and ``derivative`` and the x axis ``x``, as in the
    lab. With ``at``, the point ``(at, f(at))`` is marked with its tangent, and ``f'(at)`` on the
    derivative. ``ax`` draws into existing matplotlib Axes instead of a new figure. The figure is
    made with pyplot (so ``plt.show()`` shows it) and not shown; close it with
    ``plt.close(fig)``.

    >>> import chainrule as torch
    >>> from chainrule import viz
    >>> fig = viz.plot_derivative(torch.relu, torch.linspace(-10, 10, 1000))
    >>> [line.get_label() for line in fig.axes[0].lines]
    ['function', 'derivative']
    >>> fig.savefig("relu.png")  # doctest: +SKIP
    """
    return _plot(f, x, at=at, ax=ax, title=title, xlabel=xlabel, labels=labels,
                 marks=("f({at}) = {value}", "f'({at}) = {value}"))


def _plot(f: Callable[[Any], Any], x: Any, *, at: float | None, ax: Any, title: str | None,
          xlabel: str, labels: tuple[str, str], marks: tuple[str, str]) -> Any:
    xs, ys, ds = _values_and_derivative(f, x)
    if ax is None:
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
    else:
        fig = ax.figure
    ax.plot(xs, ys, label=labels[0])
    ax.plot(xs, ds, label=labels[1])
    if at is not None:
        _mark_point(f, x, float(at), ax, xs, xlabel, marks)
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    ax.legend()
    return fig


def _mark_point(f: Callable[[Any], Any], x: Any, at: float, ax: Any, xs: Any, name: str,
                marks: tuple[str, str]) -> None:
    """Marks ``(at, f(at))`` with a short tangent, and ``(at, f'(at))``; ``marks`` are the two
    annotations, formatted with ``at`` and ``value``."""
    import chainrule

    point = (chainrule.tensor([at], dtype=x.dtype)
             if isinstance(x, chainrule.Tensor) and x.is_floating_point()
             else np.asarray([at], dtype=np.float64))
    _, (fa,), (da,) = _values_and_derivative(f, point)
    fa, da = float(fa), float(da)
    if not (math.isfinite(fa) and math.isfinite(da)):
        return  # outside the domain: nothing to mark
    half = 0.15 * (float(np.max(xs)) - float(np.min(xs))) or 1.0
    tx = np.array([at - half, at + half])
    ax.plot(tx, fa + da * (tx - at), linestyle="--", color="grey", linewidth=1,
            label=f"tangent at {name} = {at:g}")
    ax.scatter([at, at], [fa, da], color=["C0", "C1"], zorder=3)
    box = {"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}
    # the higher of the two points is labelled above it, the lower below, so labels stay apart
    above, below = (8, 6), (8, -16)
    offsets = (above, below) if fa >= da else (below, above)
    for text, value, offset in ((marks[0], fa, offsets[0]), (marks[1], da, offsets[1])):
        ax.annotate(text.format(at=f"{at:g}", value=f"{value:.6g}"), (at, value),
                    textcoords="offset points", xytext=offset, bbox=box)


def plot_partials(f: Callable[..., Any], at: Mapping[str, float], *,
                  interval: tuple[float, float] | Mapping[str, tuple[float, float]] = (-10, 10),
                  num: int = 1000, title: str | None = None) -> Any:
    """Draws, for each input of ``f``, ``f`` and its partial derivative along that input with
    the others held at ``at``: one panel per input, returned as one figure.

    ``f`` is called with keyword arguments named as the keys of ``at`` and acts elementwise;
    ``interval`` is the range of every input, or a dict of ranges by name. Each panel marks the
    point ``at`` when it lies in the range. Values are float64.

    >>> from chainrule import viz
    >>> fig = viz.plot_partials(lambda u, v: u * v + u**2, {"u": 1.0, "v": 2.0})
    >>> [ax.get_xlabel() for ax in fig.axes]
    ['u', 'v']
    """
    import matplotlib.pyplot as plt

    import chainrule

    names = list(at)
    if not names:
        raise ValueError("plot_partials needs at least one input in `at`")
    ncols = min(len(names), 3)
    nrows = -(-len(names) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(5.2 * ncols, 4.2 * nrows), squeeze=False)
    for i, name in enumerate(names):
        lo, hi = interval[name] if isinstance(interval, Mapping) else interval
        grid = chainrule.linspace(float(lo), float(hi), num, dtype=chainrule.float64)
        fixed = {k: chainrule.tensor(float(v), dtype=chainrule.float64)
                 for k, v in at.items() if k != name}

        def along(t: Any, name: str = name, fixed: dict = fixed) -> Any:
            return f(**fixed, **{name: t})

        point = float(at[name])
        others = ", ".join(f"{k} = {float(v):g}" for k, v in at.items() if k != name)
        _plot(along, grid, at=point if lo <= point <= hi else None, ax=axes.flat[i],
              title=f"along {name}" + (f" ({others})" if others else ""), xlabel=name,
              labels=("function", f"derivative along {name}"),
              marks=("f = {value}", f"df/d{name} = " + "{value}"))
    for ax in list(axes.flat)[len(names):]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
