"""THE op table: one entry per differentiable op, its forward and its derivatives.

Each entry: torch's grad_fn name, the forward on raw arrays (NumPy through the backend), and one
formula per differentiable input, written ``lambda F, grad, <needs>: ...`` (see registry.py for
what the parameter names mean). Broadcasting is undone by the engine, never here.

The table is one namespace kept in one module per family of ops, so that the derivative of any
op is found in one place: ``derivatives.SIN`` is defined in ``derivatives/arithmetic.py``.
"""

from __future__ import annotations

from .arithmetic import *  # noqa: F403
from .elementwise import *  # noqa: F403
from .indexing import *  # noqa: F403
from .linalg import *  # noqa: F403
from .nn import *  # noqa: F403
from .reductions import *  # noqa: F403
from .shape import *  # noqa: F403
