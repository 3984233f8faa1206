"""The ``chainrule`` program, run as a subprocess, and its expression parser.

Printed numbers are checked against derivatives worked out by hand and against torch; plots by
the data of their lines; refused expressions by their exit status 2 and one-line message.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import chainrule
from chainrule import _expr, cli
from chainrule._expr import ExprError, parse

ROOT = Path(__file__).resolve().parents[1]
HAS_DOT = shutil.which("dot") is not None
PNG = b"\x89PNG\r\n\x1a\n"


def run(*args: str, cwd: Path | None = None, path: str | None = None):
    env = dict(os.environ, MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "chainrule", *args], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=120)


def report(stdout: str) -> dict:
    """The printed numbers: {"f": value, "df/dx": ..., "hessian": [[...]]}."""
    out: dict = {}
    lines = stdout.splitlines()
    for line in lines:
        if m := re.fullmatch(r"(f|df/d\w+) = (\S+)", line):
            out[m[1]] = float(m[2])
    if "Hessian:" in lines:
        start = lines.index("Hessian:") + 2
        rows = []
        for line in lines[start:]:
            cells = line.split()
            if len(cells) < 2 or not re.fullmatch(r"[A-Za-z_]\w*", cells[0]):
                break
            rows.append([float(c) for c in cells[1:]])
        out["hessian"] = rows
    return out


def derive_ok(*args: str) -> dict:
    result = run("derive", *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return report(result.stdout)


def run_many(argument_lists: list[tuple[str, ...]], cwd: Path) -> dict:
    """Runs the program once per argument list, several at a time (each run is mostly Python
    starting up), and returns the results by argument list."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
        results = pool.map(lambda args: run(*args, cwd=cwd), argument_lists)
        return dict(zip(argument_lists, results))


# -------------------------------------------------------------------- numbers, by hand


def test_polynomial_at_a_point_prints_the_labs_numbers():
    result = run("derive", "x**2 + 2*x + 1", "--at", "x=2")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "f(x) = x**2 + 2*x + 1",
        "at x = 2",
        "f = 9",
        "df/dx = 6",  # 2x + 2
    ]


def test_partials_and_hessian_of_the_lab_function():
    result = run("derive", "u*v + u**2", "--at", "u=1,v=2", "--hessian")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "f(u, v) = u*v + u**2",
        "at u = 1, v = 2",
        "f = 3",
        "df/du = 4",  # v + 2u
        "df/dv = 1",  # u
        "Hessian:",
        "   u  v",
        "u  2  1",  # d2f/du2 = 2, d2f/dudv = 1
        "v  1  0",
    ]


def test_hessian_of_a_mixed_expression_by_hand():
    got = derive_ok("x**2*y + sin(x*y)", "--at", "x=2", "--at", "y=3", "--hessian")
    s, c = math.sin(6.0), math.cos(6.0)
    assert got["f"] == pytest.approx(12 + s, rel=1e-15)
    assert got["df/dx"] == pytest.approx(2 * 2 * 3 + 3 * c, rel=1e-14)  # 2xy + y cos(xy)
    assert got["df/dy"] == pytest.approx(4 + 2 * c, rel=1e-14)  # x**2 + x cos(xy)
    fxx = 2 * 3 - 9 * s  # 2y - y**2 sin(xy)
    fxy = 2 * 2 + c - 6 * s  # 2x + cos(xy) - xy sin(xy)
    fyy = -4 * s  # -x**2 sin(xy)
    np.testing.assert_allclose(got["hessian"], [[fxx, fxy], [fxy, fyy]], rtol=1e-14)


CASES = [
    # (expression, --at, hand-derived (f, [df/d...]))
    ("-x**2", "x=3", (-9.0, [-6.0])),  # -(x**2), as Python reads it
    ("2**-x", "x=1", (0.5, [-0.5 * math.log(2)])),
    ("x/2/4", "x=1", (0.125, [0.125])),
    ("relu(x)", "x=0", (0.0, [0.0])),  # relu'(0) is 0, as in torch
    ("relu(x)", "x=2.5", (2.5, [1.0])),
    ("abs(x)", "x=0", (0.0, [0.0])),
    ("sin(pi*x)", "x=0.25", (math.sin(math.pi / 4), [math.pi * math.cos(math.pi / 4)])),
    ("sin(x)", "x=pi/2", (1.0, [math.cos(math.pi / 2)])),
    ("exp(-x)*log(x)", "x=2", (math.exp(-2) * math.log(2),
                               [math.exp(-2) * (0.5 - math.log(2))])),
    ("sqrt(x*x + y*y)", "x=3,y=4", (5.0, [0.6, 0.8])),
    ("1/x", "x=-4", (-0.25, [-1 / 16])),
    ("x**2", "x=3,z=1", (9.0, [6.0, 0.0])),  # z is a variable f does not depend on
    ("2 + 3*4", None, (14.0, [])),
    ("pow(x, 3) + e", "x=2", (8 + math.e, [12.0])),
]


@pytest.mark.parametrize("expression, at, expected", CASES)
def test_values_and_derivatives_by_hand(expression, at, expected, capsys):
    # in-process, through the same main() the program runs (the runs above and below cover
    # the program as a subprocess)
    status = cli.main(["derive", expression, *(["--at", at] if at else [])])
    out, err = capsys.readouterr()
    assert status == 0 and err == "", err
    got = report(out)
    value, grads = expected
    assert got.pop("f") == pytest.approx(value, rel=1e-15, abs=1e-300)
    assert list(got.values()) == pytest.approx(grads, rel=1e-15, abs=1e-16)


TORCH_CASES = [
    ("x**2*y + sin(x*y)", {"x": 2.0, "y": 3.0}, lambda t, x, y: x**2 * y + t.sin(x * y)),
    ("tanh(x)*sigmoid(y) - exp(x/y)", {"x": 0.3, "y": -1.7},
     lambda t, x, y: t.tanh(x) * t.sigmoid(y) - t.exp(x / y)),
    ("log(x)**3/sqrt(y) + cos(x)**2", {"x": 2.5, "y": 0.2},
     lambda t, x, y: t.log(x) ** 3 / t.sqrt(y) + t.cos(x) ** 2),
    ("tan(x) - 1/(x*y) + y**-2.5", {"x": 0.7, "y": 1.3},
     lambda t, x, y: t.tan(x) - 1 / (x * y) + y**-2.5),
]


@pytest.mark.parametrize("expression, point, fn", TORCH_CASES)
def test_values_derivatives_and_hessian_agree_with_torch(expression, point, fn, torch):
    at = ",".join(f"{k}={v!r}" for k, v in point.items())
    got = derive_ok(expression, "--at", at, "--hessian")
    leaves = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in point.values()]
    y = fn(torch, *leaves)
    grads = torch.autograd.grad(y, leaves)
    hessian = torch.autograd.functional.hessian(lambda *a: fn(torch, *a),
                                                tuple(leaf.detach() for leaf in leaves))
    assert got["f"] == pytest.approx(y.item(), rel=1e-14)
    for name, g in zip(point, grads):
        assert got[f"df/d{name}"] == pytest.approx(g.item(), rel=1e-13)
    np.testing.assert_allclose(got["hessian"], [[h.item() for h in row] for row in hessian],
                               rtol=1e-12)


def test_printed_numbers_have_full_precision():
    got = derive_ok("exp(x)", "--at", "x=1")
    # repr-style output reads back as the same float64, bit for bit
    assert got["f"] == math.exp(1) or got["f"] == pytest.approx(math.exp(1), rel=2**-52)
    result = run("derive", "x/3", "--at", "x=1")
    assert "f = 0.3333333333333333" in result.stdout.splitlines()


def test_an_expression_may_start_with_a_minus_and_the_range_may_be_negative(tmp_path):
    pytest.importorskip("matplotlib", reason="--plot needs matplotlib")
    result = run("derive", "-x", "--at", "x=-1", "--plot", str(tmp_path / "p.png"),
                 "--range", "-5:-1")
    assert result.returncode == 0, result.stderr
    assert report(result.stdout) == {"f": 1.0, "df/dx": -1.0}


# --------------------------------------------------------------------- plots and graphs


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib", reason="--plot needs matplotlib")
    out = tmp_path / "relu.png"
    result = run("derive", "relu(x)", "--at", "x=1", "--plot", str(out), "--range", "-10:10")
    assert result.returncode == 0, result.stderr
    assert f"plot written to {out}" in result.stdout.splitlines()
    assert out.read_bytes()[:8] == PNG and out.stat().st_size > 10_000


@pytest.fixture
def figures(monkeypatch):
    """The figures the program draws, kept instead of written."""
    pytest.importorskip("matplotlib", reason="--plot needs matplotlib")
    import matplotlib.pyplot as plt

    kept = []
    monkeypatch.setattr(cli, "_save_figure", lambda fig, path: kept.append(fig))
    monkeypatch.setattr(plt, "close", lambda fig=None: None)
    yield kept
    plt.close("all")


def test_plot_data_of_one_variable(figures, capsys):
    assert cli.main(["derive", "relu(x)", "--at", "x=1", "--plot", "f.png",
                     "--range", "-10:10"]) == 0
    (fig,) = figures
    ax = fig.axes[0]
    (f_line, d_line, tangent) = ax.lines
    xs = np.linspace(-10, 10, 1000)
    np.testing.assert_allclose(f_line.get_xdata(), xs, atol=1e-14)
    np.testing.assert_array_equal(f_line.get_ydata(), np.maximum(f_line.get_xdata(), 0))
    np.testing.assert_array_equal(d_line.get_ydata(), f_line.get_xdata() > 0)
    assert (f_line.get_label(), d_line.get_label()) == ("function", "derivative")
    assert tangent.get_label() == "tangent at x = 1"
    assert ax.get_title() == "f(x) = relu(x)" and ax.get_xlabel() == "x"


def test_plot_data_of_two_variables(figures, capsys):
    assert cli.main(["derive", "u*v + u**2", "--at", "u=1,v=2", "--plot", "f.png",
                     "--range", "-3:3"]) == 0
    (fig,) = figures
    ax_u, ax_v = fig.axes
    grid = np.linspace(-3, 3, 1000)
    np.testing.assert_allclose(ax_u.lines[0].get_ydata(), 2 * grid + grid**2, atol=1e-12)
    np.testing.assert_allclose(ax_u.lines[1].get_ydata(), 2 + 2 * grid, atol=1e-12)
    np.testing.assert_allclose(ax_v.lines[0].get_ydata(), grid + 1, atol=1e-12)
    np.testing.assert_allclose(ax_v.lines[1].get_ydata(), np.ones(1000))


def test_graph_as_dot_text_needs_no_graphviz(tmp_path):
    out = tmp_path / "g.dot"
    result = run("derive", "x**2 + 2*x + 1", "--at", "x=2", "--graph", str(out), path="")
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    labels = re.findall(r'\tn\d+ \[label="([^"]*)"', text)
    assert labels == ["f\\n() float64", "AddBackward0", "AddBackward0", "PowBackward0",
                      "MulBackward0", "x\\n() float64"]


@pytest.mark.skipif(not HAS_DOT, reason="Graphviz's `dot` is not installed (CI installs it)")
def test_graph_writes_an_svg(tmp_path):
    out = tmp_path / "g.svg"
    result = run("derive", "u*v + u**2", "--at", "u=1,v=2", "--graph", str(out), "--saved")
    assert result.returncode == 0, result.stderr
    assert f"graph written to {out}" in result.stdout
    svg = out.read_text()
    assert "<svg" in svg
    for text in ("MulBackward0", "PowBackward0", "AddBackward0", "exponent = 2", "self = u"):
        assert text in svg


def test_graph_without_dot_is_a_one_line_error(tmp_path):
    result = run("derive", "x**2", "--at", "x=2", "--graph", str(tmp_path / "g.svg"), path="")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("chainrule: error: rendering needs Graphviz's `dot` program")
    assert "apt-get install graphviz" in line


def test_lab_runs_and_writes_its_pictures(tmp_path):
    pytest.importorskip("matplotlib", reason="the lab draws its plots with matplotlib")
    result = run("lab", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    for expected in ("dy/dx at x = 2: tensor(4.)", "dy/dx at x = 2: tensor(6.)",
                     "df/du = tensor(4.)", "df/dv = tensor(1.)", "y.grad_fn = SQBackward",
                     "dSQ/dx at x = 2: tensor(4.)", "each x.grad[i] is d/dx x**2 = 2x at x[i]: "
                     "True", "relu'(-10) = 0.0, relu'(10) = 1.0", "relu'(0) = 0.0"):
        assert expected in text
    folder = tmp_path / "out"
    assert f"the pictures are in {folder.resolve()}" in text
    plots = sorted(p.name for p in folder.glob("*.png"))
    assert plots == ["1-square.png", "2-polynomial.png", "3-partials.png", "5-sum-trick.png",
                     "6-relu.png"]
    for name in plots:
        assert (folder / name).read_bytes()[:8] == PNG
    suffix = ".svg" if HAS_DOT else ".dot"
    graphs = sorted(p.stem for p in folder.glob(f"*{suffix}"))
    assert graphs == ["1-square-graph", "2-polynomial-graph", "3-partials-graph",
                      "4-custom-function-graph", "5-sum-trick-graph", "6-relu-graph"]
    assert "SQBackward" in (folder / f"4-custom-function-graph{suffix}").read_text()


def test_lab_without_graphviz_writes_dot_files(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib", reason="the lab draws its plots with matplotlib")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    said: list[str] = []
    cli.run_lab(tmp_path / "lab", say=said.append)
    assert sum("no Graphviz here" in line for line in said) == 1
    assert len(list((tmp_path / "lab").glob("*.dot"))) == 6
    assert not list((tmp_path / "lab").glob("*.svg"))


# ------------------------------------------------------------------------------- errors


# The mistakes the issue names, each run as a subprocess: (arguments, a piece of the message)
ERRORS = [
    (["foo(x)", "--at", "x=1"], "unknown function 'foo'"),
    (["x + y", "--at", "x=1"], "missing value for y"),
    (["x +* 2", "--at", "x=1"], "unexpected '*'"),
    (["__import__('os')"], "unknown function '__import__'"),
    (["__import__('os').system('touch PWNED')"], "unknown function '__import__'"),
    (["x.__class__", "--at", "x=1"], "attribute access"),
    (["().__class__"], "attribute access"),
    (["2**99999"], "exponent 99999 is too large"),
    (["(" * 200 + "x" + ")" * 200, "--at", "x=1"], "nested too deeply"),
    (["log(x)", "--at", "x=-1"], "outside the domain"),
    (["1/x", "--at", "x=0"], "f is inf"),
    ([""], "the expression is empty"),
    (["lambda x: x"], "'lambda' is a Python keyword"),
    (["sin(x=1)"], "keyword arguments"),
]

# More mistakes, run in-process through main() for speed
MORE_ERRORS = [
    (["sine(x)", "--at", "x=1"], "did you mean 'sin'?"),
    (["x + y"], "missing value for x"),
    (["(x + 1", "--at", "x=1"], "'(' is never closed"),
    (["x + 1)", "--at", "x=1"], "unmatched ')'"),
    (["2x", "--at", "x=1"], "a product needs *"),
    (["x^2", "--at", "x=1"], "write ** for powers"),
    (["x.real.__class__.__bases__", "--at", "x=1"], "attribute access"),
    (["x**(10*1000)", "--at", "x=1"], "exponent 10000 is too large"),
    (["pow(2, -5000)"], "exponent -5000 is too large"),
    (["1e400 * x", "--at", "x=1"], "too large"),
    (["sin(" * 200 + "x" + ")" * 200, "--at", "x=1"], "nested too deeply"),
    (["x" * 10_001], "too long"),
    (["sqrt(x)", "--at", "x=-1"], "outside the domain"),
    (["sqrt(x)", "--at", "x=0"], "df/dx is inf"),
    (["   "], "the expression is empty"),
    (["sin(x, 2)", "--at", "x=1"], "sin() takes 1 argument, got 2"),
    (["sin()"], "sin() needs 1 argument"),
    (["sin + 1"], "'sin' is a function"),
    (["tensor(1)"], "unknown function 'tensor'"),
    (["eval(1)"], "unknown function 'eval'"),
    (["x[0]", "--at", "x=1"], "subscripts"),
    (["'x'"], "strings are not allowed"),
    (["x; y", "--at", "x=1,y=2"], "unexpected character ';'"),
    (["x", "--at", "x"], "--at takes NAME=VALUE"),
    (["x", "--at", "x=y"], "must be a number"),
    (["x", "--at", "x="], "the value of x: the expression is empty"),
    (["x", "--at", "x=1", "--hesian"], "unrecognized arguments: --hesian"),
    (["x", "--at", "x=1,x=2"], "gives x twice"),
    (["x", "--at", "x=1/0"], "not finite"),
    (["x", "--at", "sin=1"], "is a function or constant"),
    (["x", "--at", "x=1", "--range", "5:1"], "--range takes LOW:HIGH"),
    (["3", "--plot", "p.png"], "--plot needs an expression with a variable"),
    (["x", "--bogus"], "unrecognized arguments: --bogus"),
]


@pytest.fixture(scope="module")
def error_results(tmp_path_factory):
    folder = tmp_path_factory.mktemp("errors")
    return folder, run_many([("derive", *args) for args, _ in ERRORS], folder)


@pytest.mark.parametrize("args, message", ERRORS, ids=[a[0][:30] for a, _ in ERRORS])
def test_mistakes_are_one_line_with_exit_status_2(args, message, error_results):
    folder, results = error_results
    result = results[("derive", *args)]
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("chainrule: error: ")
    assert message in line
    assert not (folder / "PWNED").exists()


@pytest.mark.parametrize("args, message", MORE_ERRORS,
                         ids=[a[0][:30] for a, _ in MORE_ERRORS])
def test_more_mistakes_are_one_line_with_exit_status_2(args, message, capsys):
    assert cli.main(["derive", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    (line,) = err.splitlines()
    assert line.startswith("chainrule: error: ")
    assert message in line


def test_no_command_is_a_one_line_error():
    result = run()
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("chainrule: error: ") and "COMMAND" in line


def test_help_lists_the_functions():
    result = run("derive", "--help")
    assert result.returncode == 0
    assert "sin" in result.stdout and "relu" in result.stdout and "--hessian" in result.stdout


# ------------------------------------------------------------------------ the parser


PRECEDENCE = ["-x**2", "2**-x", "-2**2", "2**3**2", "x**-y**2", "-x*y", "x - y - 1",
              "x / y / 2", "x / y * 2", "-(x + y)**2", "+x - -y", "2**-x*3", "- - x",
              "x*-y", "1e-3*x + .5 - 2.", "(((x)))**2/((y))"]


@pytest.mark.parametrize("text", PRECEDENCE)
def test_precedence_is_pythons(text):
    x, y = 1.7, 0.6
    # the oracle is Python itself, on fixed trusted text
    expected = eval(text, {"__builtins__": {}}, {"x": x, "y": y})
    got = parse(text).evaluate({"x": x, "y": y}).item()
    assert got == pytest.approx(expected, rel=1e-15)


def expressions():
    """Random expressions of +, -, *, /, ** (small integer exponents), unary minus and
    parentheses over x, y and small numbers."""
    leaf = st.sampled_from(["x", "y", "2", "3", "0.5", "1.25"])

    def extend(inner):
        binary = st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(
            lambda t: f"{t[0]} {t[1]} {t[2]}")
        power = st.tuples(inner, st.sampled_from(["2", "3", "-1", "(-2)"])).map(
            lambda t: f"{t[0]}**{t[1]}")
        return binary | power | inner.map(lambda e: f"({e})") | inner.map(lambda e: f"-{e}")

    return st.recursive(leaf, extend, max_leaves=8)


@given(expressions())
def test_random_expressions_evaluate_as_python_does(text):
    env = {"x": 1.3, "y": -0.7}
    try:
        expected = eval(text, {"__builtins__": {}}, dict(env))
    except (ZeroDivisionError, OverflowError):
        assume(False)
    assume(isinstance(expected, float | int) and math.isfinite(expected)
           and abs(expected) < 1e12)
    got = parse(text).evaluate(env).item()
    assert got == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_code_is_postfix_with_constants_folded():
    assert parse("x**2 + 2*3*x").code == (("var", "x"), ("num", 2), ("bin", "**"), ("num", 6),
                                          ("var", "x"), ("bin", "*"), ("bin", "+"))
    assert parse("pow(x, 2)").code == parse("x**2").code
    assert parse("sin(pi)").code == (("num", math.pi), ("call", "sin", 1))
    assert parse("y * x + y").variables == ("y", "x")


def test_function_list_follows_chainrule(monkeypatch):
    assert "sin" in _expr.functions() and "relu" in _expr.functions()
    # names chainrule has that are no math function are never callable from an expression
    for name in ("tensor", "zeros", "manual_seed", "set_printoptions", "where"):
        with pytest.raises(ExprError, match="unknown function"):
            parse(f"{name}(1)")
    with pytest.raises(ExprError, match="unknown function 'erfinv'"):
        if "erfinv" in _expr.functions():
            pytest.skip("chainrule already has erfinv")
        parse("erfinv(x)")
    # an op added to chainrule later is offered at once
    monkeypatch.setattr(chainrule, "erfinv", lambda t: t * 10, raising=False)
    assert parse("erfinv(x)").evaluate({"x": 0.5}).item() == 5.0


def test_deep_but_allowed_nesting_and_long_chains():
    deep = "(" * _expr.MAX_DEPTH + "x" + ")" * _expr.MAX_DEPTH
    assert parse(deep).evaluate({"x": 2.0}).item() == 2.0
    # a long flat expression needs no deep stack: 3,000 terms
    long = "+".join(["x"] * 3000)
    x = chainrule.tensor(1.0, dtype=chainrule.float64, requires_grad=True)
    parse(long).evaluate({"x": x}).backward()
    assert x.grad.item() == 3000.0


def test_derive_from_python():
    d = cli.derive("x**3", {"x": 2}, hessian=True)
    assert (d.value, d.gradient, d.hessian) == (8.0, {"x": 12.0}, [[12.0]])
    with pytest.raises(ExprError, match="outside the domain"):
        cli.derive("log(x)", {"x": 0})
