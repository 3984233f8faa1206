"""chainrule.viz: pictures of the autograd graph, and plots of a function beside its derivative.

DOT text is checked node by node and edge by edge for graphs whose shape is known by hand, and
the op names against torch's own graph; rendering runs the real Graphviz where ``dot`` is
installed; plots are checked by the data of their lines.
"""

from __future__ import annotations

import re
import shutil
from collections import deque

import numpy as np
import pytest

import chainrule
from chainrule import viz

HAS_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAS_DOT, reason="Graphviz's `dot` is not installed (CI "
                                                    "installs it: apt-get install graphviz)")

NODE_LINE = re.compile(r'^\t(\w+) \[label="(.*)" fillcolor=(\w+)\]$')
EDGE_LINE = re.compile(r"^\t(\w+) -> (\w+)( \[style=dashed arrowhead=none\])?$")


def parse_dot(source: str) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, bool]]]:
    """Nodes as (id, label with real newlines, fill colour) and edges as (from, to, dashed),
    read from the DOT text line by line; any other line in the body fails the test."""
    lines = source.splitlines()
    assert lines[0] == "digraph autograd {" and lines[-1] == "}"
    nodes, edges = [], []
    for line in lines[3:-1]:
        if m := NODE_LINE.match(line):
            nodes.append((m[1], m[2].replace("\\n", "\n"), m[3]))
        elif m := EDGE_LINE.match(line):
            edges.append((m[1], m[2], m[3] is not None))
        else:
            raise AssertionError(f"unexpected DOT line: {line!r}")
    return nodes, edges


def polynomial():
    x = chainrule.tensor(2.0, requires_grad=True)
    return x, x**2 + 2 * x + 1


# ------------------------------------------------------------------------------ DOT text


def test_polynomial_graph_node_by_node():
    x, y = polynomial()
    nodes, edges = parse_dot(viz.draw(y, params={"x": x}).source)
    assert nodes == [
        ("n0", "output\n() float32", "darkolivegreen1"),
        ("n1", "AddBackward0", "lightgrey"),  # (x**2 + 2*x) + 1
        ("n2", "AddBackward0", "lightgrey"),  # x**2 + 2*x
        ("n3", "PowBackward0", "lightgrey"),
        ("n4", "MulBackward0", "lightgrey"),
        ("n5", "x\n() float32", "lightblue"),  # the AccumulateGrad of x, drawn as x
    ]
    assert edges == [("n1", "n0", False), ("n2", "n1", False), ("n3", "n2", False),
                     ("n4", "n2", False), ("n5", "n3", False), ("n5", "n4", False)]


def test_dot_text_is_exact_and_deterministic():
    x = chainrule.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.sin().sum()
    expected = (
        "digraph autograd {\n"
        '\tgraph [rankdir=TB size="12,12"]\n'
        "\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box "
        "style=filled]\n"
        '\tn0 [label="y\\n() float32" fillcolor=darkolivegreen1]\n'
        '\tn1 [label="SumBackward0" fillcolor=lightgrey]\n'
        '\tn2 [label="SinBackward0" fillcolor=lightgrey]\n'
        '\tn3 [label="x\\n(3,) float32" fillcolor=lightblue]\n'
        "\tn1 -> n0\n"
        "\tn2 -> n1\n"
        "\tn3 -> n2\n"
        "}\n"
    )
    assert viz.draw(y, {"x": x, "y": y}).source == expected
    assert viz.draw(y, {"x": x, "y": y}).source == expected


def test_structure_is_exposed_as_data():
    x, y = polynomial()
    g = viz.draw(y, {"x": x})
    assert [n.kind for n in g.nodes] == ["output", "op", "op", "op", "op", "leaf"]
    assert g.edges[0] == ("n1", "n0", "data")
    assert repr(g) == "<chainrule.viz.Graph: 6 nodes, 6 edges>"


def test_leaves_without_a_name_show_shape_and_dtype_only():
    x = chainrule.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=chainrule.float64,
                         requires_grad=True)
    nodes, _ = parse_dot(viz.draw(x.exp()).source)
    assert nodes[-1] == ("n2", "(2, 3) float64", "lightblue")


def walk_torch(out) -> list[str]:
    """torch's graph behind ``out``, breadth-first from the output as the test expects draw()
    to number it: op names, and 'leaf' for each AccumulateGrad."""
    seen, order, queue = set(), [], deque([out.grad_fn])
    seen.add(out.grad_fn)
    while queue:
        fn = queue.popleft()
        order.append("leaf" if fn.name().endswith("AccumulateGrad") else fn.name())
        for child, _ in fn.next_functions:
            if child is not None and child not in seen:
                seen.add(child)
                queue.append(child)
    return order


GRAPHS = {
    "polynomial": lambda m, u, v: u**2 + 2 * u + 1,
    "partials": lambda m, u, v: u * v + u**2,
    "second practice": lambda m, u, v: u * v + (u * v) ** 2,
    "functions": lambda m, u, v: m.sin(u) * m.exp(v) - m.sqrt(v) / m.tanh(u),
    "relu sum": lambda m, u, v: m.relu(u - v).sum(),
    "rsub and rdiv": lambda m, u, v: 2 - u + 3 / v,
}


@pytest.mark.parametrize("name", GRAPHS)
def test_op_nodes_are_torchs(name, torch):
    def graph_of(m):
        u = m.tensor([1.5, -0.5], requires_grad=True)
        v = m.tensor([2.0, 0.7], requires_grad=True)
        return GRAPHS[name](m, u, v)

    nodes = viz.draw(graph_of(chainrule)).nodes
    drawn = ["leaf" if n.kind == "leaf" else n.label for n in nodes if n.kind != "output"]
    assert drawn == walk_torch(graph_of(torch))


def test_show_saved_adds_saved_values():
    x, y = polynomial()
    nodes, edges = parse_dot(viz.draw(y, params={"x": x}, show_saved=True).source)
    labels = dict((i, label) for i, label, _ in nodes)
    # numbers and sizes as lines of the op's box, named as torch names them (_saved_exponent)
    assert labels["n3"].splitlines()[:2] == ["PowBackward0", "exponent = 2"]
    assert "other = 2" in labels["n4"].splitlines()
    # the tensor PowBackward0 saved is x itself: a box with its shape, joined by a dashed edge
    assert ("s0", "self = x\n() float32", "orange") in nodes
    assert ("s0", "n3", True) in edges
    # the graph without saved values keeps the same ids for the same nodes
    plain, _ = parse_dot(viz.draw(y, params={"x": x}).source)
    assert [(i, label.splitlines()[0]) for i, label, _ in nodes if i.startswith("n")] == \
        [(i, label.splitlines()[0]) for i, label, _ in plain]


def test_show_saved_tensor_shapes_and_results():
    x = chainrule.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.exp().sum()
    nodes, edges = parse_dot(viz.draw(y, show_saved=True).source)
    saved = [(i, label) for i, label, colour in nodes if colour == "orange"]
    assert saved == [("s0", "result\n(3,) float32")]
    exp_id = next(i for i, label, _ in nodes if label.startswith("ExpBackward0"))
    assert ("s0", exp_id, True) in edges
    assert "self_sym_sizes = (3,)" in next(label for _, label, _ in nodes
                                           if label.startswith("SumBackward0"))


def test_saved_values_freed_by_backward_say_so():
    x, y = polynomial()
    y.backward()
    labels = [label for _, label, _ in parse_dot(viz.draw(y, show_saved=True).source)[0]]
    assert "self: freed" in next(label for label in labels if label.startswith("PowBackward0"))
    # the picture is read when drawn: a later backward pass does not change it
    x, y = polynomial()
    g = viz.draw(y, show_saved=True)
    before = g.source
    y.backward()
    assert g.source == before and "freed" not in before


def test_custom_function_node_and_its_saved_tensors():
    class SQ(chainrule.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            ctx.save_for_backward(i)
            return i**2

        @staticmethod
        def backward(ctx, grad_output):
            (i,) = ctx.saved_tensors
            return 2 * i * grad_output

    x = chainrule.tensor(2.0, requires_grad=True)
    y = SQ.apply(x)
    nodes, edges = parse_dot(viz.draw(y, {"x": x}, show_saved=True).source)
    assert nodes == [("n0", "output\n() float32", "darkolivegreen1"),
                     ("n1", "SQBackward", "lightgrey"),
                     ("n2", "x\n() float32", "lightblue"),
                     ("s0", "saved_tensors[0] = x\n() float32", "orange")]
    assert edges == [("n1", "n0", False), ("n2", "n1", False), ("s0", "n1", True)]


def test_several_outputs_share_their_graph():
    x = chainrule.tensor([0.5, 1.0], requires_grad=True)
    a = x * 2
    b = (x * 2).sin()
    nodes, edges = parse_dot(viz.draw([a, b], params={"x": x, "b": b}).source)
    assert nodes == [("n0", "output 0\n(2,) float32", "darkolivegreen1"),
                     ("n1", "MulBackward0", "lightgrey"),
                     ("n2", "b\n(2,) float32", "darkolivegreen1"),
                     ("n3", "SinBackward0", "lightgrey"),
                     ("n4", "x\n(2,) float32", "lightblue"),
                     ("n5", "MulBackward0", "lightgrey")]
    assert edges == [("n1", "n0", False), ("n3", "n2", False), ("n4", "n1", False),
                     ("n5", "n3", False), ("n4", "n5", False)]


def test_outputs_without_a_graph():
    x = chainrule.tensor([1.0, 2.0])
    leaf = chainrule.tensor(1.0, requires_grad=True)
    nodes, edges = parse_dot(viz.draw((x, leaf), {"leaf": leaf}).source)
    assert nodes == [("n0", "output 0\n(2,) float32", "darkolivegreen1"),
                     ("n1", "leaf\n() float32", "darkolivegreen1")]
    assert edges == []
    with pytest.raises(TypeError, match="draw\\(\\) takes tensors"):
        viz.draw([x, 3.0])


def test_labels_are_escaped():
    x = chainrule.tensor(1.0, requires_grad=True)
    source = viz.draw(x * 3, {'a "quoted" \\ name': x}).source
    assert '[label="a \\"quoted\\" \\\\ name\\n() float32" fillcolor=lightblue]' in source


def test_a_100000_node_chain_draws_without_recursion():
    x = chainrule.tensor(1.0, requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    g = viz.draw(y, {"x": x})
    assert len(g.nodes) == 100_002 and len(g.edges) == 100_001
    lines = g.source.splitlines()
    assert lines[4] == '\tn1 [label="MulBackward0" fillcolor=lightgrey]'
    assert lines[3 + 100_001] == '\tn100001 [label="x\\n() float32" fillcolor=lightblue]'
    assert lines[-2] == "\tn100001 -> n100000"


# ----------------------------------------------------------------------------- rendering


def test_rendering_without_dot_says_what_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    x, y = polynomial()
    g = viz.draw(y, {"x": x})
    for call in (lambda: g.pipe("svg"), lambda: g.render(tmp_path / "g.png"), g.svg):
        with pytest.raises(viz.RenderError) as info:
            call()
        message = str(info.value)
        assert "\n" not in message
        assert "`dot`" in message and "apt-get install graphviz" in message
        assert "brew install graphviz" in message and "pip install graphviz" in message
    assert not (tmp_path / "g.png").exists()
    # DOT text needs no Graphviz, and Jupyter falls back to it
    assert g.render(tmp_path / "g.dot").read_text() == g.source
    assert g.pipe("gv") == g.source.encode()
    assert g._repr_mimebundle_() == {"text/plain": g.source}
    assert g._repr_svg_() is None


def test_render_needs_a_format(tmp_path):
    x, y = polynomial()
    with pytest.raises(ValueError, match="suffix"):
        viz.draw(y).render(tmp_path / "graph")
    with pytest.raises(ValueError, match="unknown output format"):
        viz.draw(y).pipe("svg -o /tmp/x")


@needs_dot
def test_svg_and_png_through_graphviz(tmp_path):
    pytest.importorskip("graphviz", reason="the graphviz Python package drives `dot`")
    x, y = polynomial()
    g = viz.draw(y, {"x": x}, show_saved=True)
    svg = g.svg()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    # every node is in the picture, by its id and its label
    for node in g.nodes:
        assert f"<title>{node.id}</title>" in svg
        assert node.label.splitlines()[0].replace('"', "&quot;") in svg
    png = g.render(tmp_path / "graph.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert g.save_svg(tmp_path / "graph.svg").read_text() == svg
    bundle = g._repr_mimebundle_()
    assert bundle["image/svg+xml"] == svg and g._repr_svg_() == svg


@needs_dot
def test_svg_without_the_graphviz_package_calls_dot_directly(monkeypatch):
    import sys

    x, y = polynomial()
    g = viz.draw(y, {"x": x})
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz now fails
    svg = g.svg()
    assert "<svg" in svg and "PowBackward0" in svg and "<title>n5</title>" in svg


@needs_dot
def test_escaped_labels_render():
    x = chainrule.tensor(1.0, requires_grad=True)
    svg = viz.draw(x * 3, {'a "quoted" \\ name': x}).svg()
    assert "a &quot;quoted&quot; \\ name" in svg


# ---------------------------------------------------------------------------------- plots


@pytest.fixture
def plt():
    pytest.importorskip("matplotlib", reason="plots need matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    yield plt
    plt.close("all")


def lines_of(ax) -> list[tuple[str, np.ndarray, np.ndarray]]:
    return [(line.get_label(), np.asarray(line.get_xdata()), np.asarray(line.get_ydata()))
            for line in ax.lines]


def test_plot_of_relu_and_its_derivative(plt):
    x = chainrule.arange(-1000, 1001) / 100  # -10 to 10 in float32, with 0 exactly
    fig = viz.plot_derivative(chainrule.relu, x)
    (ax,) = fig.axes
    (name_f, xf, yf), (name_d, xd, yd) = lines_of(ax)
    xs = np.arange(-1000, 1001) / np.float32(100)
    assert (name_f, name_d) == ("function", "derivative")
    np.testing.assert_allclose(xf, xs, atol=1e-6)
    np.testing.assert_array_equal(xd, xf)
    np.testing.assert_array_equal(yf, np.maximum(xf, 0))
    # relu'(x) is 1 for x > 0 and 0 otherwise, 0 at the kink as torch has it
    np.testing.assert_array_equal(yd, (xf > 0).astype(np.float32))
    assert yd[1000] == 0 and xf[1000] == 0
    assert ax.get_xlabel() == "x"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["function", "derivative"]
    assert isinstance(fig, plt.Figure)


def test_plot_of_the_labs_sum_trick(plt):
    # the lab's x = linspace(-10, 10, 10) and Y = x**2, from a NumPy array in float64
    xs = np.linspace(-10, 10, 10)
    fig = viz.plot_derivative(lambda t: t**2, xs, title="y = x**2")
    (_, xf, yf), (_, xd, yd) = lines_of(fig.axes[0])
    np.testing.assert_array_equal(xf, xs)
    np.testing.assert_allclose(yf, xs**2, rtol=1e-15)
    np.testing.assert_allclose(yd, 2 * xs, rtol=1e-15)
    assert fig.axes[0].get_title() == "y = x**2"


def test_plot_marks_the_point_with_its_tangent(plt):
    xs = np.linspace(-4, 4, 81)
    fig = viz.plot_derivative(lambda t: t**3, xs, at=1.5)
    ax = fig.axes[0]
    (_, _, yf), (_, _, yd), (tangent, tx, ty) = lines_of(ax)
    np.testing.assert_allclose(yd, 3 * xs**2, rtol=1e-14)
    assert tangent == "tangent at x = 1.5"
    # the tangent of x**3 at 1.5: 3.375 + 6.75 (x - 1.5)
    np.testing.assert_allclose(ty, 3.375 + 6.75 * (tx - 1.5), rtol=1e-14)
    points = ax.collections[0].get_offsets()
    np.testing.assert_allclose(points, [[1.5, 3.375], [1.5, 6.75]])
    assert [t.get_text() for t in ax.texts] == ["f(1.5) = 3.375", "f'(1.5) = 6.75"]


def test_plot_of_a_constant_and_of_kinked_abs(plt):
    xs = np.array([-1.0, 0.0, 2.0])
    (_, _, yf), (_, _, yd) = lines_of(viz.plot_derivative(lambda t: 3.0, xs).axes[0])
    np.testing.assert_array_equal(yf, [3, 3, 3])
    np.testing.assert_array_equal(yd, [0, 0, 0])
    (_, _, yf), (_, _, yd) = lines_of(viz.plot_derivative(chainrule.abs, xs).axes[0])
    np.testing.assert_array_equal(yf, [1, 0, 2])
    np.testing.assert_array_equal(yd, [-1, 0, 1])  # abs'(0) is 0, as torch's sign(0)


def test_plot_into_given_axes_and_integer_points(plt):
    fig, (left, right) = plt.subplots(1, 2)
    out = viz.plot_derivative(chainrule.sin, chainrule.arange(4), ax=right, xlabel="t")
    assert out is fig and not left.lines and right.get_xlabel() == "t"
    (_, xf, yf), (_, _, yd) = lines_of(right)
    assert xf.dtype == np.float32  # integer points become the default float dtype
    np.testing.assert_allclose(yd, np.cos(np.arange(4)), rtol=1e-6)


def test_plot_refuses_what_is_not_elementwise(plt):
    with pytest.raises(ValueError, match="elementwise"):
        viz.plot_derivative(lambda t: t.sum(), np.linspace(0, 1, 5))
    with pytest.raises(ValueError, match="1-D"):
        viz.plot_derivative(chainrule.sin, np.zeros((2, 2)))


def test_plot_partials_of_two_variables(plt):
    fig = viz.plot_partials(lambda u, v: u * v + u**2, {"u": 1.0, "v": 2.0},
                            interval=(-3, 3), num=61, title="f(u, v) = u*v + u**2")
    ax_u, ax_v = fig.axes
    grid = np.linspace(-3, 3, 61)
    (_, xu, fu), (name_u, _, du) = lines_of(ax_u)[:2]
    np.testing.assert_allclose(xu, grid, atol=1e-15)
    np.testing.assert_allclose(fu, 2 * grid + grid**2, atol=1e-13)  # v held at 2
    np.testing.assert_allclose(du, 2 + 2 * grid, atol=1e-13)  # df/du = v + 2u
    (_, xv, fv), (name_v, _, dv) = lines_of(ax_v)[:2]
    np.testing.assert_allclose(fv, grid + 1, atol=1e-13)  # u held at 1
    np.testing.assert_allclose(dv, np.ones(61))  # df/dv = u
    assert (ax_u.get_xlabel(), ax_v.get_xlabel()) == ("u", "v")
    assert (name_u, name_v) == ("derivative along u", "derivative along v")
    assert ax_u.get_title() == "along u (v = 2)"
    assert fig._suptitle.get_text() == "f(u, v) = u*v + u**2"
