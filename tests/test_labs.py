"""The labs chainrule started from run unchanged with torch resolved to chainrule.

Each script's standard output must equal its ``.expected`` file (recorded from PyTorch 2.13) but
for object addresses and the module path of a custom Function's node.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LABS = Path(os.environ.get("CHAINRULE_LABS", ROOT.parent / "shared" / "labs"))
SCRIPTS = ["derivatives_post", "differentiation_lab"]

RUNNER = (
    "import runpy, sys, chainrule; sys.modules['torch'] = chainrule; "
    "runpy.run_path(sys.argv[1], run_name='__main__')"
)


def _normalise(text: str) -> str:
    text = re.sub(r"0x[0-9a-fA-F]+", "0xADDR", text)
    return text.replace("torch.autograd.function.", "chainrule.autograd.function.")


def _run(script: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg", PYTHONPATH=str(ROOT / "src"))
    return subprocess.run([sys.executable, "-c", RUNNER, str(script)], capture_output=True,
                          text=True, env=env, cwd=tmp_path, timeout=120)


@pytest.mark.skipif(not LABS.is_dir(), reason=f"the labs folder {LABS} is not here (it sits "
                                               "beside the repository in the project's workspace)")
@pytest.mark.parametrize("name", SCRIPTS)
def test_lab_prints_what_torch_prints(name, tmp_path):
    pytest.importorskip("matplotlib", reason="the labs draw their plots with matplotlib")
    result = _run(LABS / f"{name}.py", tmp_path)
    assert result.returncode == 0, result.stderr
    expected = (LABS / f"{name}.expected").read_text()
    assert _normalise(result.stdout) == _normalise(expected)


@pytest.mark.skipif(not LABS.is_dir(), reason="the labs folder is not here")
def test_lab_warns_on_non_leaf_grad(tmp_path):
    pytest.importorskip("matplotlib", reason="the labs draw their plots with matplotlib")
    result = _run(LABS / "differentiation_lab.py", tmp_path)
    assert "UserWarning: The .grad attribute of a Tensor that is not a leaf Tensor is being " \
           "accessed." in result.stderr
    assert result.stderr.count("UserWarning") == 1


@pytest.mark.skipif(not LABS.is_dir(), reason="the labs folder is not here")
def test_lab_plots_draw_torchs_curves():
    """The plotted data (x, relu(x), relu'(x)) is what torch computes."""
    pytest.importorskip("matplotlib", reason="the labs draw their plots with matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import chainrule

    x = chainrule.linspace(-10, 10, 1000, requires_grad=True)
    Y = chainrule.relu(x)
    Y.sum().backward()
    line_f, = plt.plot(x.detach().numpy(), Y.detach().numpy())
    line_d, = plt.plot(x.detach().numpy(), x.grad.detach().numpy())
    xs = np.linspace(-10, 10, 1000, dtype=np.float32)
    np.testing.assert_allclose(line_f.get_xdata(), xs, atol=1e-5)
    np.testing.assert_allclose(line_f.get_ydata(), np.maximum(xs, 0), atol=1e-5)
    np.testing.assert_array_equal(line_d.get_ydata(), (line_f.get_xdata() > 0).astype(np.float32))
    plt.close("all")
