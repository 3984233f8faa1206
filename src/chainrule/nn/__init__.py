"""Neural-network building blocks; ``chainrule.nn.functional`` holds the functions."""

from __future__ import annotations

from . import functional

__all__ = ["functional"]
