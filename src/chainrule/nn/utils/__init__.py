"""``chainrule.nn.utils``."""

from __future__ import annotations

from . import stateless

__all__ = ["stateless"]
