"""The backend: glibc's malloc thresholds raised at import, and the user's ways out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[1] / "src")
GLIBC = sys.platform.startswith("linux") and os.confstr("CS_GNU_LIBC_VERSION").startswith("glibc")


def _tuned(env: dict) -> str:
    code = "import chainrule._backend as b; print(b.MALLOC_TUNED)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": SRC, **env}, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(not GLIBC, reason="malloc tuning applies to glibc only")
def test_malloc_tuned_at_import_and_opt_outs():
    env = {k: v for k, v in os.environ.items() if k != "GLIBC_TUNABLES"}
    assert _tuned({**env, "CHAINRULE_MALLOC_TUNING": "1"}) == "True"
    assert _tuned({"CHAINRULE_MALLOC_TUNING": "0"}) == "False"
    assert _tuned({"GLIBC_TUNABLES": "glibc.malloc.mmap_threshold=65536"}) == "False"


@pytest.mark.skipif(not GLIBC, reason="malloc tuning applies to glibc only")
def test_tune_malloc_can_be_undone():
    import chainrule

    assert chainrule.tune_malloc(False) is True
    assert chainrule.tune_malloc(True) is True
