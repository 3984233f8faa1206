"""Shared test setup: hypothesis profiles and the optional torch oracle.

``HYPOTHESIS_PROFILE=deep pytest`` runs many more examples than CI's quick default.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=25, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("deep", max_examples=500, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def torch():
    """PyTorch as the oracle; tests that need it skip, saying why, when it is not installed."""
    return pytest.importorskip("torch", reason="torch 2.13 is the oracle for this comparison")


@pytest.fixture(autouse=True)
def _engine_fast_path():
    """Each test starts as a fresh program would: the engine on its ordered fast path until
    the test itself registers a hook or applies a custom Function (see graph.EXACT)."""
    from chainrule.autograd import graph

    graph.EXACT[0] = 0
    yield
