"""``chainrule.utils``: checkpointing and data loading."""

from __future__ import annotations

from . import checkpoint, data

__all__ = ["checkpoint", "data"]
